"""Every value written into keepalived.conf, validated by type instead of escaped.

A value from lvs.cf reaches keepalived.conf only through one of these
functions.  Each accepts exactly what its keepalived keyword allows and what
keepalived's reader cannot misread (targets.md §2.1, "safe-emission rules"),
and raises :class:`Refused` for anything else.  Nothing is quoted or escaped
to make it fit: keepalived applies no escape consistently.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address

from ...findings import Rule
from ...model.config import Host
from .codes import HOST_NAME, UNSAFE_VALUE
from .ranges import RANGES

__all__ = ["Refused", "address", "number", "interface", "device_label", "url_path", "command_words",
           "percent", "comment_text", "SAFE_WORD"]


class Refused(ValueError):
    """The value cannot be written safely; the message says what and why (the caller adds where).

    ``code`` is the migration-report code it is reported under (LVS701 unless said otherwise).
    """

    def __init__(self, message: str, hint: str | None = None, code: Rule = UNSAFE_VALUE):
        super().__init__(message)
        self.hint = hint
        self.code = code


#: Characters that mean nothing special to keepalived anywhere but at a line's start,
#: and nothing to the script tokenizer (no quotes, backslashes, blanks, `$`, `#`, `!`, braces).
SAFE_WORD = re.compile(r"[A-Za-z0-9_./:=,@%+-]+")
_IFACE = re.compile(r"[A-Za-z0-9_.-]{1,15}")


def address(host: Host, what: str) -> str:
    if isinstance(host, IPv4Address):
        return str(host)
    raise Refused(f"{what} is the host name {str(host)!r}; keepalived needs an IPv4 address",
                  "write the address the name resolves to on the director", HOST_NAME)


def number(value: int, what: str, key: str, hint: str | None = None) -> str:
    """``value`` for the keepalived keyword ``key`` of :data:`.ranges.RANGES`, if keepalived accepts it."""
    low, high = RANGES[key]
    if not low <= value <= high:
        keyword = key.split(" ")[0]
        raise Refused(f"{what} {value} is outside the {low} to {high} keepalived accepts for {keyword}", hint)
    return str(value)


def interface(name: str, what: str) -> str:
    """A Linux interface name keepalived can take as one word (at most 15 characters)."""
    if _IFACE.fullmatch(name) and name not in (".", ".."):
        return name
    raise Refused(f"{what} {name!r} is not an interface name keepalived can use",
                  "interface names are at most 15 letters, digits, '_', '.' or '-'")


def device_label(device: str, what: str) -> tuple[str, str | None]:
    """``eth0:1`` → (``eth0``, ``eth0:1``); ``eth0`` → (``eth0``, None).

    The label is what ``ifconfig eth0:1`` gave the address; the kernel limits
    it to 15 characters and keepalived drops an address whose label is longer.
    """
    base, colon, alias = device.partition(":")
    interface(base, what)
    if not colon:
        return base, None
    if len(device) > 15 or not _IFACE.fullmatch(alias):
        raise Refused(f"{what} {device!r}: the label is not one keepalived and the kernel accept",
                      "a label is the device name, ':' and letters or digits, 15 characters at most")
    return base, device


_URL_PATH = re.compile(r"/[A-Za-z0-9._~/%?&=+:,;@-]*")


def url_path(path: str) -> str | None:
    """``path`` if keepalived's ``path`` keyword can carry it as one unquoted word, else None."""
    return path if _URL_PATH.fullmatch(path) and len(path) <= 512 else None


def command_words(words: list[str], what: str) -> list[str]:
    """Argument words for a script keyword (``notify_master``...): absolute program path, plain words."""
    if not words:
        raise Refused(f"{what} is empty")
    if not words[0].startswith("/"):
        raise Refused(f"{what}: {words[0]!r} is not an absolute path",
                      "pulse ran it with execv (no PATH search); write the full path")
    for word in words:
        if not SAFE_WORD.fullmatch(word):
            raise Refused(f"{what}: the word {word!r} cannot be passed safely through keepalived",
                          "keepalived re-parses script lines (quotes, backslashes, '$', '#', '!'); use a "
                          "wrapper script, or only letters, digits and _ . / : = , @ % + -")
    return words


_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=,@+-")


def percent(data: str) -> str:
    """Percent-encode every character outside :data:`SAFE_WORD` (and ``%`` itself), byte by byte.

    The bytes are those of the file (lvs.cf is read as UTF-8 with
    ``surrogateescape``, so undecodable bytes come back as themselves).
    """
    from ...source import encode

    return "".join(chr(b) if chr(b) in _PLAIN else f"%{b:02X}" for b in encode(data))


def comment_text(text: str, limit: int = 120) -> str:
    """User text for a ``#`` comment: printable ASCII only, no ``$``, cut to ``limit``."""
    clean = "".join(ch if " " <= ch < "\x7f" and ch != "$" else "?" for ch in text)
    return clean if len(clean) <= limit else clean[: limit - 3] + "..."

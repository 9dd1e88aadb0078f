"""Writing a model value as lvs.cf words that Piranha reads back as the same value.

Every rendering is checked against the grammar's own token pattern, so a value
lvs.cf cannot express raises :class:`~lvscf.errors.UnrepresentableError`
instead of producing a file that means something else.
"""

from __future__ import annotations

import functools
import re
from ipaddress import IPv4Address

from ..errors import UnrepresentableError
from ..keywords import Context, Kind, Keyword, kind_in, lookup
from ..model.build import runtime_string
from ..model.config import DeviceAddress, HostName
from ..parse.nodes import Word

__all__ = ["render_value", "render_string", "render_quoted_string"]

_INT32 = (-(2**31), 2**31 - 1)


@functools.cache
def _token() -> re.Pattern[str]:
    from ..parse.grammar import parser

    return re.compile(parser().get_terminal("VALUE").pattern.to_regexp())


def _is_token(text: str, last: bool) -> bool:
    """True when ``text`` is exactly one Piranha token (at the end of a line if ``last``)."""
    if not text or any(ch in "\r\n\0" for ch in text):
        return False
    tail = "\n" if last else " x\n"
    m = _token().match(text + tail)
    return m is not None and m.end() == len(text)


def render_string(value: str, key: str, last: bool = True) -> str:
    """A word whose value (quotes removed) is ``value``."""
    candidates = [value, f'"{value}"', f"'{value}'"] if value else ['""']
    for text in candidates:
        if _is_token(text, last) and Word(text, 0).value == value:
            return text
    raise UnrepresentableError(f"{key}: {value!r} cannot be written as one lvs.cf value "
                               "(it needs quotes of both kinds, or a line end)")


def render_quoted_string(value: str, key: str) -> str:
    """A word that lvsd/fos pass on as ``value`` (quote-keeping keywords, §2.4)."""
    # Double quotes are stripped again by lvsd; a value in single quotes keeps them.
    for text in (f'"{value}"', value):
        if text and _is_token(text, True) and runtime_string(Word(text, 0)) == value:
            return text
    raise UnrepresentableError(f"{key}: {value!r} cannot be written so that nanny receives it unchanged")


def _int(value: int, key: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or not _INT32[0] <= value <= _INT32[1]:
        raise UnrepresentableError(f"{key}: {value!r} is not a C int (Piranha stores numbers in 32 bits)")
    return str(value)


def _host(value, key: str) -> str:
    if isinstance(value, IPv4Address):
        return str(value)
    if isinstance(value, HostName):
        return render_string(value.name, key, last=False)
    raise UnrepresentableError(f"{key}: {value!r} is not an IPv4 address or host name")


def render_value(key: str, context: Context, value) -> list[str]:
    """The words after ``key =`` for ``value``."""
    keyword: Keyword | None = lookup(key)
    if keyword is None or context not in keyword.contexts:
        raise UnrepresentableError(f"{key} is not a keyword of {context.value}")
    kind = kind_in(keyword, context)
    if kind is Kind.INT or kind is Kind.PORT:
        return [_int(value, key)]
    if kind is Kind.BOOL:
        if not isinstance(value, bool):
            raise UnrepresentableError(f"{key}: {value!r} is not a boolean")
        return ["1" if value else "0"]
    if kind in (Kind.IPV4, Kind.NETMASK, Kind.PMASK):
        if not isinstance(value, IPv4Address):
            raise UnrepresentableError(f"{key}: {value!r} is not an IPv4 address")
        return [str(value)]
    if kind in (Kind.HOST, Kind.HOST_NONZERO):
        return [_host(value, key)]
    if kind is Kind.ENUM:
        text = getattr(value, "value", value)
        if text not in keyword.choices:
            raise UnrepresentableError(f"{key}: {value!r} is not one of {', '.join(keyword.choices)}")
        return [text]
    if kind is Kind.STRING:
        return [render_string(value, key)]
    if kind is Kind.QUOTED_STRING:
        return [render_quoted_string(value, key)]
    if kind is Kind.ADDRESS:
        if not isinstance(value, DeviceAddress):
            raise UnrepresentableError(f"{key}: {value!r} is not an address with a device")
        return [_host(value.ip, key), render_string(value.device, key)]
    if kind is Kind.LIST:
        items = [render_string(item, key, last=False) for item in value]
        if any(Word(i, 0).value == "]" for i in items):
            raise UnrepresentableError(f"{key}: a list item cannot be ']'")
        return ["[", *items, "]"]
    raise UnrepresentableError(f"{key} cannot be written")  # pragma: no cover


"""How Piranha reads a value: the C library calls of lvsconfig.c, reproduced exactly.

* integers: ``strtol(tok, &end, 0)`` with the whole token consumed, the ``long``
  result stored in a C ``int`` (lvs-cf-format.md §2.6);
* addresses: glibc ``inet_aton`` (shorthand forms, per-part octal and hex, text
  after a blank ignored);
* ports: an integer, else a TCP service name (:mod:`.services`).

Host names are never resolved: lvscf keeps them as text (Piranha resolves them
when pulse starts).
"""

from __future__ import annotations

import functools

import ipaddress
import re
from typing import NamedTuple

import attrs

from .services import TCP_SERVICES

__all__ = ["Number", "read_int", "inet_aton", "Address", "read_host", "HostName"]

_C_SPACE = " \t\n\v\f\r"
_LONG_MAX = 2**63 - 1
_LONG_MIN = -(2**63)
_DIGITS = {8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}
_RUNS = {base: re.compile(f"[{digits}]*") for base, digits in _DIGITS.items()}
# strtol clamps whatever does not fit in a long, so the exact value of a longer number
# does not matter; computing it would not even be possible for every length (Python
# refuses to convert more than 4300 decimal digits) nor cheap.
_MAX_SIGNIFICANT = 40
#: the value that stands for a number of more than 40 significant digits (larger than any
#: number of 40 digits in base 8, 10 or 16)
HUGE = 2**161


class Number(NamedTuple):
    """An integer as Piranha reads it, and how it was written."""

    value: int  # what Piranha stores (a C int)
    base: int  # 8, 10 or 16 as strtol chose it
    parsed: int  # the mathematical value of the text, before clamping and wrapping (but see exact)
    empty: bool  # the token was empty ("" is read as 0)
    signed: bool  # a leading + or -
    padded: bool  # leading blanks inside a quoted token
    exact: bool = True  # False: more than 40 significant digits, and parsed is +-HUGE

    @property
    def wrapped(self) -> bool:
        return self.value != self.parsed


def _strtoul_base0(text: str, i: int) -> tuple[int, int, int]:
    """Digits at ``text[i:]`` as C strtoul with base 0: (value, end, base); a value of more
    than 40 significant digits is :data:`HUGE`."""
    base = 10
    if text.startswith(("0x", "0X"), i) and i + 2 < len(text) and text[i + 2] in _DIGITS[16]:
        base, i = 16, i + 2
    elif text.startswith("0", i):
        base = 8
    j = _RUNS[base].match(text, i).end()
    digits = text[i:j].lstrip("0")
    if len(digits) > _MAX_SIGNIFICANT:
        return HUGE, j, base
    return (int(digits, base) if digits else 0), j, base


@functools.lru_cache(maxsize=2048)  # a file repeats a few values (0, 1, 80, ...) thousands of times
def read_int(text: str) -> Number | None:
    """``strtol(text, &end, 0)`` requiring ``*end == 0``; None where Piranha says "integer expected"."""
    if text.isdigit() and text.isascii() and (text[0] != "0" or text == "0"):
        if len(text) > _MAX_SIGNIFICANT:
            return Number(_to_c_int(_LONG_MAX), 10, HUGE, False, False, False, exact=False)
        value = int(text)  # the common case, decimal digits only
        return Number(_to_c_int(min(value, _LONG_MAX)), 10, value, False, False, False)
    i = 0
    while i < len(text) and text[i] in _C_SPACE:
        i += 1
    padded = i > 0
    negative = False
    signed = False
    if i < len(text) and text[i] in "+-":
        negative = text[i] == "-"
        signed = True
        i += 1
    if i >= len(text) or text[i] not in _DIGITS[10]:
        # strtol converted nothing: end points at the start of the token.
        if text == "":
            return Number(0, 10, 0, True, False, False)
        return None
    value, end, base = _strtoul_base0(text, i)
    if end != len(text):
        return None
    if negative:
        value = -value
    clamped = max(_LONG_MIN, min(_LONG_MAX, value))
    return Number(_to_c_int(clamped), base, value, False, signed, padded, exact=abs(value) != HUGE)


def _to_c_int(value: int) -> int:
    """A C ``long`` assigned to an ``int`` on a 64-bit host keeps its low 32 bits."""
    value &= 0xFFFFFFFF
    return value - 2**32 if value >= 2**31 else value


class Address(NamedTuple):
    """An IPv4 address as glibc's ``inet_aton`` read it."""

    address: ipaddress.IPv4Address
    parts: int  # number of dotted parts written (4 for a.b.c.d)
    octal_or_hex: bool  # a part written as 010 or 0x0a
    ignored_text: str  # what followed a blank (inet_aton ignores it)

    @property
    def shorthand(self) -> bool:
        return self.parts != 4


# a.b.c.d in plain decimal: what nearly every file contains, read without the general loop.
_PLAIN_QUAD = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
                         r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")


def mask_prefix(mask: ipaddress.IPv4Address) -> int | None:
    """The prefix length of a contiguous netmask (0 for 0.0.0.0), None when it is not contiguous
    (the kernel refuses such a netmask)."""
    inverse = ~int(mask) & 0xFFFFFFFF
    if inverse & (inverse + 1):
        return None
    return 32 - inverse.bit_length()


def classful_prefix(address: ipaddress.IPv4Address) -> int | None:
    """The prefix the kernel gives an address set without a netmask: class A /8, B /16, C /24
    (None for class D and E)."""
    first = int(address) >> 24
    if first < 128:
        return 8
    if first < 192:
        return 16
    if first < 224:
        return 24
    return None


def plain_quad(text: str) -> bool:
    """``a.b.c.d`` in plain decimal: inet_aton reads exactly what it says."""
    return _PLAIN_QUAD.fullmatch(text) is not None


def inet_aton(text: str) -> Address | None:
    """glibc ``inet_aton``; None where it fails."""
    if _PLAIN_QUAD.fullmatch(text):
        a, b, c, d = text.split(".")
        return Address(ipaddress.IPv4Address((int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)), 4, False, "")
    parts: list[int] = []
    fancy = False
    i = 0
    while True:
        if i >= len(text) or text[i] not in _DIGITS[10]:
            return None
        start = i
        value, i, base = _strtoul_base0(text, i)
        if base == 16 or (base == 8 and i - start > 1):
            fancy = True
        if value > 0xFFFFFFFF:
            return None
        if i < len(text) and text[i] == ".":
            if len(parts) > 2 or value > 0xFF:
                return None
            parts.append(value)
            i += 1
        else:
            break
    rest = text[i:]
    if rest and rest[0] not in _C_SPACE:
        return None
    limit = (0xFFFFFFFF, 0xFFFFFF, 0xFFFF, 0xFF)[len(parts)]
    if value > limit:
        return None
    packed = value
    for n, part in enumerate(parts):
        packed |= part << (24 - 8 * n)
    return Address(ipaddress.IPv4Address(packed), len(parts) + 1, fancy, rest.strip(_C_SPACE))


@attrs.frozen
class HostName:
    """A host name Piranha resolves (DNS or /etc/hosts) when pulse starts."""

    name: str

    def __str__(self) -> str:
        return self.name


Host = "ipaddress.IPv4Address | HostName"

_HOSTNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")


def read_host(text: str) -> Address | HostName | str:
    """An address, a host name, or a reason why it is neither."""
    address = inet_aton(text)
    if address is not None:
        return address
    if not text:
        return "an empty value is neither an IP address nor a host name"
    if all(ch in "0123456789." for ch in text):
        # glibc never looks up names made of digits and dots only.
        return f"{text!r} is not a valid IPv4 address"
    if ":" in text:
        if text.count(":") == 1 and inet_aton(text.split(":")[0]) is not None:
            return f"{text!r}: a port cannot be written after the address here"
        return f"{text!r}: Piranha supports IPv4 only"
    if "/" in text:
        return f"{text!r}: write the address without a prefix length"
    if not set(text) <= _HOSTNAME_CHARS or text.startswith(("-", ".")):
        return f"{text!r} is neither an IPv4 address nor a host name"
    return HostName(text)


def read_port(text: str) -> tuple[Number | None, str | None]:
    """``getPort``: an integer, else a TCP service name.  Returns (number, service name used)."""
    number = read_int(text)
    if number is not None:
        return number, None
    port = TCP_SERVICES.get(text)
    if port is None:
        return None, None
    return Number(port, 10, port, False, False, False), text

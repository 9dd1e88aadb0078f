"""LVS1xx: how values are written (beyond what the parser rejects).

These rules look at the value tokens as written (``raw`` words, quotes
included) and say what Piranha's parser makes of them: C ``strtol`` with base 0
for numbers, glibc ``inet_aton`` and ``gethostbyname`` for addresses,
``getservbyname`` for ports (lvs-cf-format.md §2.4, §2.6).  Values Piranha
rejects are the model stage's (LVS101-LVS108); these rules only report values
Piranha accepts but reads differently from how they look, or ignores.

Each rule reports the setting Piranha takes the value from (the last one of a
repeated key; the earlier ones are LVS108's), except the "where is it written"
rules (LVS116, LVS117), which report every occurrence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from ipaddress import IPv4Address

from ...keywords import Context, Kind, keywords_in, kind_in, lookup
from ...model.config import UNSET_ADDRESS, Config, Failover
from ...model.services import TCP_SERVICES
from ...model.values import Address, HostName, Number, inet_aton, plain_quad, read_host, read_int
from ...parse.nodes import Block, ErrorLine, Setting, Word
from ...parse.piranha import judge_line
from ..rule import ERROR, INFO, WARNING, Finding, Location, at_word, header_of, per_config, rule, services, where

# -- shared helpers ---------------------------------------------------------------------

#: context -> key -> how Piranha reads the key's value there.
_KIND: dict[Context, dict[str, Kind]] = {
    context: {name: kind_in(keyword, context) for name, keyword in keywords_in(context).items()}
    for context in Context
}
# Tuples, not sets: membership then compares enum members by identity instead of calling
# Enum.__hash__ (a Python-level function) for each of the hundreds of thousands of settings.
_NUMERIC = (Kind.INT, Kind.BOOL, Kind.PORT)
_HOSTS = (Kind.HOST, Kind.HOST_NONZERO, Kind.ADDRESS)
_ADDRESSES = (*_HOSTS, Kind.IPV4, Kind.NETMASK, Kind.PMASK)
_MASKS = (Kind.NETMASK, Kind.PMASK)
_C_SPACE = " \t\n\v\f\r"
_MAX_NAMED = 5  # servers named in one message


class _Scope:
    """One block of the file (or the top level), how messages name it, and what is written in it."""

    __slots__ = ("obj", "context", "parent", "settings")

    def __init__(self, obj, context: Context, parent, settings: Mapping[str, Setting]) -> None:
        self.obj = obj
        self.context = context
        self.parent = parent  # a server's virtual or failover block
        self.settings = settings  # key -> the setting Piranha takes the value from

    @property
    def label(self) -> str:
        """"" at the top level, else `virtual "www"`, `server "web1" of virtual "www"` (made only for a
        message: most scopes never need it)."""
        if self.context is Context.TOP:
            return ""
        if self.context is Context.SERVICE:
            return where(self.obj)
        return f'server "{self.obj.name}" of {where(self.parent)}'


def _written(obj) -> Mapping[str, Setting]:
    origin = getattr(obj, "origin", None)
    return origin.settings if origin is not None else {}


#: Every kind, numbered: settings are grouped by kind number (an int hashes in C; Kind does not).
_KINDS = tuple(Kind)
_SLOT = {kind: i for i, kind in enumerate(_KINDS)}
#: context -> key -> (kind, its number)
_TYPED_KEYS = {context: {key: (kind, _SLOT[kind]) for key, kind in table.items()} for context, table in _KIND.items()}


@per_config
def _typed(config: Config) -> list[list[tuple[_Scope, Setting, Kind]]]:
    """Every effective setting of the top level, every virtual and failover block and every
    server block, with how Piranha reads its value, grouped by kind (file order within a kind)."""
    groups: list[list[tuple[_Scope, Setting, Kind]]] = [[] for _ in _KINDS]

    def scope(obj, context: Context, parent) -> None:
        s = _Scope(obj, context, parent, _written(obj))
        table = _TYPED_KEYS[context]
        for key, setting in s.settings.items():
            typed = table.get(key)
            if typed is not None:
                groups[typed[1]].append((s, setting, typed[0]))

    scope(config, Context.TOP, None)
    for block in services(config):
        scope(block, Context.SERVICE, None)
        for server in block.servers:
            scope(server, Context.SERVER, block)
    return groups


def _of_kind(config: Config, kinds: tuple[Kind, ...]) -> Iterator[tuple[_Scope, Setting, Kind]]:
    """Every effective setting whose value Piranha reads as one of ``kinds`` (in file order per kind)."""
    groups = _typed(config)
    return (item for kind in kinds for item in groups[_SLOT[kind]])


#: In :func:`_addresses`: a plain dotted quad, which neither LVS113 nor LVS115 has anything to say about.
_PLAIN = Address(UNSET_ADDRESS, 4, False, "")


@per_config
def _addresses(config: Config) -> list[tuple[_Scope, Setting, Kind, Word, Address | None]]:
    """Every effective address or mask setting, its value token, and what inet_aton reads (None: no
    address; :data:`_PLAIN`: a plain dotted quad, not read further)."""
    out = []
    for scope, setting, kind in _of_kind(config, _ADDRESSES):
        word = setting.value
        text = word.value
        out.append((scope, setting, kind, word, _PLAIN if plain_quad(text) else inet_aton(text)))
    return out


def _in(label: str) -> str:
    return f" in {label}" if label else ""


def _shown(setting: Setting) -> str:
    """The setting as written, for a message."""
    return f"`{setting.key} = {' '.join(w.text for w in setting.values)}`"


def _accepted(number: Number | None, kind: Kind) -> bool:
    """Piranha stores the number (a boolean must come out 0 or 1; LVS101/LVS102 report the rest)."""
    return number is not None and (kind is not Kind.BOOL or number.value in (0, 1))


@per_config
def _numbers(config: Config) -> list[tuple[_Scope, Setting, Kind, Number]]:
    """Every effective numeric setting written as a number Piranha accepts, except plain decimals of
    up to 9 digits: neither octal, nor hex, nor signed, nor padded, nor empty, nor too large for an
    int, they give LVS110-LVS112 nothing to say, and they are nearly all numbers of a file."""
    out = []
    for scope, setting, kind in _of_kind(config, _NUMERIC):
        text = setting.value.value
        if text.isdigit() and len(text) < 10 and text.isascii() and (text[0] != "0" or text == "0"):
            continue
        number = read_int(text)
        if _accepted(number, kind):
            out.append((scope, setting, kind, number))
    return out


def _reading(setting: Setting, kind: Kind, value: int) -> str:
    """How a message says what Piranha uses: `port 8`, `1 (on)`, `8`."""
    if setting.key in ("port", "heartbeat_port"):
        return f"port {value}"
    if kind is Kind.BOOL:
        return f"{value} ({'on' if value else 'off'})"
    return str(value)


def _digits(text: str) -> tuple[int, str]:
    """Sign and digits of a number as written, without the blanks strtol skips."""
    text = text.lstrip(_C_SPACE)
    sign = -1 if text.startswith("-") else 1
    return sign, text[1:] if text[:1] in ("+", "-") else text


def _names(names: list[str]) -> str:
    quoted = [f'"{n}"' for n in names[:_MAX_NAMED]]
    more = len(names) - len(quoted)
    return ", ".join(quoted) + f" and {more} more" if more else _and(quoted)


# -- LVS109 -----------------------------------------------------------------------------

_QUOTE_KEEPING = ("send", "expect", "send_program", "start_cmd", "stop_cmd")


@rule("LVS109", "single-quoted-string", WARNING, "a send/expect/program/command string in single quotes")
def single_quoted_string(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `send`, `expect`, `send_program`, `start_cmd` and `stop_cmd` values
    written in single quotes (`'...'`).

    ## Why is this bad?
    Piranha's parser stores these five values *with* their quotes, and lvsd and
    fos later remove only double quotes (one leading and one trailing `"`)
    before they pass the value to nanny or run it.  Single quotes therefore
    reach the wire or the command line:

    * `send = 'quit'` makes nanny send `'quit'`, quotes included;
    * `expect = 'HTTP'` makes nanny wait for a reply that starts with `'HTTP'`,
      which no server sends: every check fails and the real server is never
      added (or removed at the first check);
    * `send_program = '/usr/local/bin/check %h'` makes nanny split the string on
      spaces and run a program literally named `'/usr/local/bin/check`, which
      does not exist, and the last word is `%h'`, which is not replaced by the
      server's address.  A check program that cannot run counts as a
      *successful* check in nanny when `expect` is set (a known nanny bug), so
      the server is never taken out, whatever its state;
    * `start_cmd`/`stop_cmd` are run by fos with `execv`, which needs an
      absolute path: `'/etc/init.d/httpd` is not one, so the service is never
      started or stopped.

    For the programs and commands this is a certain failure, so those findings
    are errors; for `send` and `expect` they are warnings.

    ## Example
    ```
    virtual www {
         send_program = '/usr/local/bin/check_www %h'
         expect = 'OK'
    }
    ```
    Use instead: double quotes (`send_program = "/usr/local/bin/check_www %h"`,
    `expect = "OK"`), or no quotes for a value without blanks.
    """
    for block in services(config):
        settings = _written(block)
        label = where(block)
        for key in _QUOTE_KEEPING:
            setting = settings.get(key)
            if setting is None or setting.value.quote != "'":
                continue
            if key in ("start_cmd", "stop_cmd") and not isinstance(block, Failover):
                continue  # only fos runs them; in a virtual they do nothing at all
            word = setting.value
            severity = None
            program = word.text.split(" ")[0]
            if key == "send":
                effect = f"nanny sends {word.text}, single quotes included"
            elif key == "expect":
                effect = f"nanny waits for a reply that starts with {word.text}, single quotes included"
            elif key == "send_program":
                effect = (f"nanny runs a program named `{program}`, quote included, which cannot run; "
                          + ("nanny counts that as a successful check, so the server is never taken out"
                             if block.expect is not None else "every check fails"))
                severity = ERROR
            else:
                effect = f"fos runs `{program}`, quote included, which is not an absolute path and cannot run"
                severity = ERROR
            if '"' in word.value:
                hint = "a `\"` cannot appear inside double quotes: rewrite the value without it, in double quotes"
            else:
                hint = f'use double quotes: `{key} = "{word.value}"`'
            yield Finding(at_word(word),
                          f"`{key} = {word.text}` in {label}: Piranha keeps single quotes (lvsd and fos strip "
                          f"only double quotes), so {effect}",
                          hint=hint, severity=severity)


# -- LVS110 -----------------------------------------------------------------------------


@rule("LVS110", "non-decimal-number", WARNING, "a number written in octal, hex, with a sign or padded")
def non_decimal_number(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags numbers (ports, weights, timeouts, switches, ... at every level) that
    are not written as plain decimal numbers: with a leading `0`, with `0x`,
    with a `+` sign, or with blanks inside quotes (`" 80"`).

    ## Why is this bad?
    Piranha reads every number with C's `strtol` in base 0: a leading `0` makes
    the number **octal** (`port = 010` is port 8, `timeout = 012` is 10
    seconds), `0x` makes it hexadecimal, a `+` sign and leading blanks inside
    quotes are skipped.  Hardly anyone means octal; hex, signs and padding only
    make the value harder to read and to compare, and other tools reading the
    file (the Piranha GUI, converters, scripts) may read them differently.

    A leading `0` that does not change the value (`active = 01`, `weight = 07`)
    is reported as information only.  A lone `0` is fine.  Negative numbers are
    left to the rules about each keyword's range; numbers too large for a C int
    are LVS111's, empty ones LVS112's.

    ## Example
    ```
    server web1 {
         address = 10.0.0.2
         port = 0443
    }
    ```
    (zero-padded to line up with other ports, this is octal: port 291.)
    Use instead: `port = 443`.
    """
    for scope, setting, kind, number in _numbers(config):
        if number.wrapped or number.empty or number.base == 10 and not number.padded and not number.signed:
            continue  # plain decimal: nothing to say (and the case of almost every number)
        sign, digits = _digits(setting.value.value)
        reasons: list[str] = []
        if number.padded:
            reasons.append("has blanks before the number inside its quotes")
        if setting.value.value.lstrip(_C_SPACE).startswith("+"):
            reasons.append("has a `+` sign")
        octal_same = False
        decimal = None
        if number.base == 16:
            reasons.append("is hexadecimal")
        elif number.base == 8 and digits != "0":
            decimal = sign * int(digits.lstrip("0") or "0", 10)  # the number fits a long: few digits
            if decimal == number.value:
                octal_same = True
                reasons.append("starts with 0, which makes it octal (the value is the same here)")
            else:
                reasons.append("starts with 0, which makes it octal")
        if not reasons:
            continue
        key = setting.key
        hint = f"write `{key} = {number.value}`"
        if decimal is not None and decimal != number.value:
            hint = f"write `{key} = {number.value}` in decimal, or `{key} = {decimal}` if that is what you meant"
        severity = INFO if octal_same and len(reasons) == 1 else None
        yield Finding(at_word(setting.value),
                      f"{_shown(setting)}{_in(scope.label)} {' and '.join(reasons)}: Piranha reads "
                      f"{_reading(setting, kind, number.value)}",
                      hint=hint, severity=severity)


# -- LVS111 -----------------------------------------------------------------------------

_INT_MAX = 2**31 - 1
_LONG_MAX = 2**63 - 1


@rule("LVS111", "integer-overflow", ERROR, "a number too large for a C int")
def integer_overflow(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags numbers outside the range of a C `int` (-2147483648 to 2147483647).

    ## Why is this bad?
    Piranha reads numbers with `strtol` into a C `long` and stores them in an
    `int`: on the 64-bit directors Piranha runs on, only the low 32 bits are
    kept.  `port = 4294967376` becomes port 80, `timeout = 4294967296` becomes
    0 (and nanny divides by it), `weight = 2147483648` becomes -2147483648.
    Numbers of 2^63 and more are first cut to 2^63-1 by `strtol`, whose low 32
    bits make -1.  The daemons then run with a value nobody wrote, and even a
    switch such as `active = 4294967297` is accepted (as 1).

    ## Example
    `persistent = 99999999999`.  Use instead: the number you mean, e.g.
    `persistent = 3600`.
    """
    for scope, setting, kind, number in _numbers(config):
        if not number.wrapped:
            continue
        written = setting.value.value.strip(_C_SPACE)
        if number.parsed > _LONG_MAX:
            how = "strtol stops at 2^63-1 and Piranha keeps the low 32 bits of that"
        elif number.parsed < -_LONG_MAX - 1:
            how = "strtol stops at -2^63 and Piranha keeps the low 32 bits of that"
        else:
            how = "Piranha keeps only the low 32 bits"
        shown = written if not number.exact or written == str(number.parsed) else f"{written} ({number.parsed})"
        yield Finding(at_word(setting.value),
                      f"`{setting.key} = {shown}`{_in(scope.label)} does not fit in a C int: {how}, so it uses "
                      f"{_reading(setting, kind, number.value)}",
                      hint=f"write the value you mean (at most {_INT_MAX}"
                           + ("; ports go up to 65535)" if setting.key in ("port", "heartbeat_port") else ")"))


# -- LVS112 -----------------------------------------------------------------------------


@rule("LVS112", "empty-number", WARNING, "an empty quoted value where a number is expected")
def empty_number(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags numeric keywords whose value is an empty quoted string (`""` or `''`).

    ## Why is this bad?
    C's `strtol` converts nothing from an empty string and leaves its end
    pointer at the start of the string, which for an empty string is also its
    end, so Piranha's "was the whole value a number?" test passes and the value
    is 0: `port = ""` is port 0, `timeout = ""` is 0 (nanny then divides by
    zero), `active = ""` is 0 (off).  An empty value is almost always a
    template or script variable that came out empty, not a deliberate 0.

    ## Example
    `timeout = ""`.  Use instead: the number you mean (`timeout = 10`), or
    remove the line to get Piranha's default.
    """
    for scope, setting, kind, number in _numbers(config):
        if not number.empty:
            continue
        key = setting.key
        if scope.context is Context.SERVER and key == "port":
            default = "the server takes its virtual's port"
        else:
            keyword = lookup(key)
            default = f"Piranha uses {keyword.default}" if keyword is not None else "Piranha uses its default"
        yield Finding(at_word(setting.value),
                      f"{_shown(setting)}{_in(scope.label)} is empty: strtol reads an empty value as 0, so Piranha "
                      f"uses {_reading(setting, kind, 0)}",
                      hint=f"write the number you mean; without the line {default}")


# -- LVS113 -----------------------------------------------------------------------------


def _octal_differs(part: str) -> bool:
    """An octal part inet_aton accepted (digits 0-7 only) whose value is not its decimal reading."""
    return len(part.lstrip("0")) > 1  # one digit reads the same in both bases, two or more do not


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _ticks(words: list[str]) -> str:
    return _and([f"`{w}`" for w in words])


def _prefix_mask(bits: int) -> IPv4Address:
    return IPv4Address((0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF if bits else 0)


def _naive(head: str) -> IPv4Address | None:
    """``a.b.c.d`` read as four decimal numbers, the way people read it (None: not that shape)."""
    parts = head.split(".")
    if len(parts) != 4 or not all(p.isdigit() and p.isascii() for p in parts):
        return None
    if any(len(p.lstrip("0")) > 3 for p in parts):
        return None
    numbers = [int(p.lstrip("0") or "0", 10) for p in parts]
    if any(n > 255 for n in numbers):
        return None
    return IPv4Address(".".join(map(str, numbers)))


@rule("LVS113", "ambiguous-address", WARNING, "an address or mask in a form inet_aton reads unexpectedly")
def ambiguous_address(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags addresses and masks (`primary`, `backup`, their private variants,
    `nat_router`, `nat_nmask`, virtual and server `address`, `vip_nmask`,
    `pmask`, `sorry_server`, `master`) written in a form that glibc's
    `inet_aton` accepts but reads differently from how it looks:

    * fewer than four parts: `10.1` is 10.0.0.1, `10.1.2` is 10.1.0.2, `10` is
      0.0.0.10 and `24` (meant as a prefix length) is the mask 0.0.0.24;
    * parts with a leading `0` (octal) or `0x` (hex): `010.0.0.1` is 8.0.0.1,
      `192.168.010.1` is 192.168.8.1;
    * text after a blank inside a quoted value, which `inet_aton` ignores:
      `primary = "10.0.0.1 old"` is 10.0.0.1.

    ## Why is this bad?
    Piranha reads every address with `inet_aton` and uses what it reads, without
    a word: a VIP, real server or heartbeat address silently ends up elsewhere
    than the file seems to say.  Zero-padded parts that keep their value
    (`192.168.001.001`) and `0` for 0.0.0.0 are reported as information only.

    ## Example
    `address = 192.168.010.20 eth0:1`.  Use instead:
    `address = 192.168.10.20 eth0:1`.
    """
    for scope, setting, kind, word, address in _addresses(config):
        # None: a host name (LVS115), or not an address at all (LVS105, LVS106, LVS119)
        if address is not None and (address.shorthand or address.octal_or_hex or address.ignored_text):
            finding = _address_finding(scope, setting, kind, word, address)
            if finding is not None:
                yield finding


def _address_finding(scope: _Scope, setting: Setting, kind: Kind, word: Word, address: Address) -> Finding | None:
    if not (address.shorthand or address.octal_or_hex or address.ignored_text):
        return None
    head = word.value
    for i, ch in enumerate(head):
        if ch in _C_SPACE:
            head = head[:i]
            break
    parts = head.split(".")
    noun = "mask" if kind in _MASKS else "address"
    reasons: list[str] = []
    if address.shorthand:
        reasons.append(f"the {noun} has {len(parts)} part{'s' if len(parts) > 1 else ''} instead of 4")
    octal = list(dict.fromkeys(p for p in parts if len(p) > 1 and p[0] == "0" and p[1] not in "xX"))
    # name the parts whose value changes (`010`), not those that only look odd (`000`), if there are any
    octal = [p for p in octal if _octal_differs(p)] or octal
    hexa = list(dict.fromkeys(p for p in parts if p[:2] in ("0x", "0X")))
    if octal:
        reasons.append(f"{_ticks(octal)} {'is' if len(octal) == 1 else 'are'} octal")
    if hexa:
        reasons.append(f"{_ticks(hexa)} {'is' if len(hexa) == 1 else 'are'} hexadecimal")
    if address.ignored_text:
        reasons.append(f"`{address.ignored_text}` after the blank is ignored")
    naive = None if address.ignored_text or address.shorthand else _naive(head)
    harmless = (naive == address.address) or (address.shorthand and not address.ignored_text and not hexa
                                              and address.address == UNSET_ADDRESS and head.strip("0.") == "")
    device = " " + " ".join(w.text for w in setting.more) if setting.more else ""
    key = setting.key
    hint = f"write the dotted-decimal address: `{key} = {address.address}{device}`"
    if naive is not None and naive != address.address:
        hint += f", or `{key} = {naive}{device}` if that is the address you meant"
    if kind in _MASKS and address.shorthand and len(parts) == 1 and 0 < int(address.address) <= 32:
        bits = int(address.address)
        hint = (f"a prefix length is not a mask here: for /{bits} write `{key} = {_prefix_mask(bits)}`; "
                f"otherwise `{key} = {address.address}`")
    if harmless:
        reasons[-1] += ", which is harmless for zero" if address.shorthand else " (the same value here)"
    return Finding(at_word(word),
                   f"{_shown(setting)}{_in(scope.label)}: {'; '.join(reasons)}, so Piranha (inet_aton) reads "
                   f"{address.address}",
                   hint=hint, severity=INFO if harmless else None)


# -- LVS114 -----------------------------------------------------------------------------


@rule("LVS114", "service-name-port", WARNING, "a port given as a service name")
def service_name_port(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a virtual or failover `port`, or `heartbeat_port`, written as a
    service name (`port = http`) instead of a number.

    ## Why is this bad?
    Piranha's parser looks the name up with `getservbyname(name, "tcp")`, in
    the /etc/services (or NSS services source) of the director, every time
    pulse, lvsd or fos reads the file.  The number therefore depends on that
    machine: two directors with different service tables run different ports,
    and a name missing from the table stops the daemon ("invalid argument").
    The TCP entry is used even for UDP services.  A real server's `port` takes
    no names at all (LVS101).  lvscf reads names with a fixed table (Debian
    netbase's TCP services), which the message quotes.

    ## Example
    `port = http`.  Use instead: `port = 80`.
    """
    for scope, setting, _kind in _of_kind(config, (Kind.PORT,)):
        text = setting.value.value
        if read_int(text) is not None:
            continue
        port = TCP_SERVICES.get(text)
        if port is None:
            continue  # LVS104
        yield Finding(at_word(setting.value),
                      f"{_shown(setting)}{_in(scope.label)} is a service name: Piranha looks it up in the "
                      f"director's /etc/services each time pulse or lvsd reads the file, so the port depends on "
                      f"that machine (lvscf's table gives {port})",
                      hint=f"write the number: `{setting.key} = {port}`")


# -- LVS115 -----------------------------------------------------------------------------


@rule("LVS115", "host-name", WARNING, "an address given as a host name")
def host_name(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags address fields written as host names: `primary`, `primary_private`,
    `backup`, `backup_private`, the address of `nat_router`, virtual and
    failover `address`, real-server `address` and `master`.

    ## Why is this bad?
    When a value is not an IPv4 address, Piranha's parser resolves it with
    `gethostbyname` (DNS or /etc/hosts, as the director's NSS is set up) every
    time pulse, lvsd or fos reads the file, and keeps the first IPv4 address:

    * if the lookup fails, the daemon stops with "invalid argument": pulse does
      not start, and lvsd, which pulse starts when a director takes over, exits
      at the very moment a failover needs it (and a network problem that
      causes a failover may well make DNS unreachable too);
    * if the name resolves to another address later, the next start follows
      it: VIPs and real servers move without anyone editing the file;
    * pulse decides whether it is the master by comparing the `primary` address
      with its own interfaces: a name that /etc/hosts maps to 127.0.1.1 (as some
      distributions do for the machine's own name) makes the primary director
      believe it is not the primary.

    ## Example
    `primary = lvs1.example.com`.  Use instead: `primary = 192.168.0.11`.
    """
    for scope, setting, kind, word, address in _addresses(config):
        if address is not None or kind not in _HOSTS or not isinstance(read_host(word.value), HostName):
            continue
        yield Finding(at_word(word),
                      f"`{setting.key} = {word.text}`{_in(scope.label)} is a host name: Piranha resolves it (DNS or "
                      f"/etc/hosts) each time pulse or lvsd reads the file; if the lookup fails they refuse to "
                      f"start, and the address changes whenever the name's does",
                      hint="write the IPv4 address")


# -- LVS116 -----------------------------------------------------------------------------

_UNUSED_TOP = ("sync", "heartbeat", "debug_level")
_UNUSED_SERVICE = ("dirs", "master")


@rule("LVS116", "unused-keyword", INFO, "a keyword Piranha accepts but no daemon reads")
def unused_keyword(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags the keywords Piranha's parser accepts and stores but no daemon ever
    reads: `sync` and, when their value suggests an effect, `heartbeat` and
    `debug_level` at the top level; `dirs` and `master` in virtual and failover
    blocks.

    ## Why is this bad?
    They look as if they did something, and readers believe them:

    * `heartbeat = 0` does not turn heartbeats off and `heartbeat = 1` does not
      turn them on: pulse exchanges heartbeats whenever `backup_active = 1`, and
      never otherwise;
    * `debug_level` does not change any logging (pulse logs more with its `-v`
      option, which it passes on to lvsd and nanny);
    * `sync`, `master` and `dirs` are leftovers of a file-synchronisation
      feature of 1999 that no longer exists: nothing copies lvs.cf to the backup
      director.  (`master` is still resolved when the file is read, so a host
      name there can still stop the daemons: see LVS115.)

    The Piranha GUI writes `heartbeat = 1` and `debug_level = NONE` into every
    file it saves.  Those lines are not reported when they agree with what
    happens anyway (`heartbeat = 1` with `backup_active = 1`, `heartbeat = 0`
    with `backup_active = 0`, `debug_level = NONE`; a `backup_active` line
    Piranha cannot read counts as 0, the default, and the message names that
    line).  `serial_no` is not
    reported either: it is the GUI's change counter, written and read by the
    GUI, and comparing it between the two directors is a quick way to see
    whether their files agree.

    ## Example
    ```
    backup_active = 0
    heartbeat = 1
    ```
    Use instead: `backup_active = 1` (with a `backup` address) if you want two
    directors with heartbeats; remove the `heartbeat` line.
    """
    document = config.document
    if document is not None:
        for item in document.items:
            if isinstance(item, Setting) and item.key in _UNUSED_TOP:
                finding = _unused_top(config, item)
                if finding is not None:
                    yield finding
    for block in services(config):
        origin = block.origin
        if origin is None:
            continue
        for item in origin.node.items:
            if isinstance(item, Setting) and item.key in _UNUSED_SERVICE:
                what = "`dirs`" if item.key == "dirs" else _shown(item)
                yield Finding(Location(item.start, item.end),
                              f"{what} in {where(block)} has no effect: no daemon reads it (a leftover of file "
                              f"synchronisation, which Piranha no longer does)",
                              hint="remove the line")


def _unused_top(config: Config, setting: Setting) -> Finding | None:
    key = setting.key
    place = Location(setting.start, setting.end)
    if key == "heartbeat":
        number = read_int(setting.value.value)
        if number is None or number.value not in (0, 1) or bool(number.value) == config.backup_active:
            return None  # rejected (LVS101/LVS102), or it says what happens anyway
        unreadable = _unreadable_bool(config, "backup_active")
        if unreadable is not None:
            line = config.origin.source.position(unreadable.start)[0]  # type: ignore[union-attr]
            return Finding(place, f"{_shown(setting)} has no effect: pulse never reads it; `backup_active` decides "
                                  f"whether heartbeats run, and the `backup_active` line (line {line}) is "
                                  f"unreadable: Piranha refuses the file there",
                           hint="correct the `backup_active` line (1: a backup director and heartbeats, 0: none); "
                                "remove the `heartbeat` line (the Piranha GUI writes `heartbeat = 1`)",
                           related=(("the unreadable `backup_active` line", Location(unreadable.start,
                                                                                      unreadable.end)),))
        if config.backup_active:
            state = "heartbeats run all the same because `backup_active = 1`"
        elif config.origin is not None and config.origin.setting("backup_active") is None:
            state = "`backup_active` is not set (0), so no heartbeats are sent at all"
        else:
            state = "with `backup_active = 0` no heartbeats are sent at all"
        return Finding(place, f"{_shown(setting)} has no effect: pulse never reads it; {state}",
                       hint="`backup_active` switches the backup director and its heartbeats on and off; remove "
                            "the `heartbeat` line (the Piranha GUI writes `heartbeat = 1`)")
    if key == "debug_level":
        if setting.value.value == "NONE":
            return None
        return Finding(place, f"{_shown(setting)} has no effect: no daemon reads it",
                       hint="remove the line; for more log output start pulse with `-v`")
    return Finding(place, f"{_shown(setting)} has no effect: no daemon reads it (a leftover of file "
                          f"synchronisation, which Piranha no longer does)",
                   hint="remove the line, and copy lvs.cf to the backup director yourself")


def _unreadable_bool(config: Config, key: str) -> Setting | ErrorLine | None:
    """The top-level line for the boolean ``key`` that Piranha cannot read, if there is one: a line it
    rejects (a trailing comment, no value, an open quote) or a value other than 0 or 1.  The model then
    holds the default, which is not what the file says."""
    origin = config.origin
    if origin is None:
        return None
    for item in origin.node.items:
        if isinstance(item, ErrorLine) and item.words and _starts_with_key(item.words[0].value, key) \
                and judge_line(Context.TOP, item.words, item.bad_quote, False).error is not None:
            return item
    setting = origin.setting(key)
    if setting is not None:
        number = read_int(setting.value.value)
        if number is None or number.value not in (0, 1):
            return setting
    return None


def _starts_with_key(word: str, key: str) -> bool:
    """True when a line's first word is ``key``, alone or glued to what follows (`backup_active=1`)."""
    return word.startswith(key) and (len(word) == len(key) or not (word[len(key)].isalnum()
                                                                   or word[len(key)] == "_"))


# -- LVS117 -----------------------------------------------------------------------------


@rule("LVS117", "global-after-block", WARNING, "a top-level keyword after the first virtual/failover block")
def global_after_block(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags top-level keywords (`network`, `primary`, `backup_active`, ...)
    written after the first `virtual` or `failover` block.

    ## Why is this bad?
    Piranha's parser accepts top-level lines anywhere between blocks and
    applies them to the whole file, but people read the settings at the top
    and miss one written between or after the blocks (in a long file, a
    `network = direct` at the bottom changes every virtual service).  The
    Piranha GUI writes all top-level keywords first when it saves, so it moves
    the line and the file changes shape under the next reader.

    ## Example
    ```
    virtual www {
         ...
    }
    network = direct
    ```
    Use instead: write `network = direct` above the first block, with the other
    top-level keywords.
    """
    document = config.document
    if document is None:
        return
    first: Block | None = None
    for item in document.items:
        if isinstance(item, Block):
            if first is None and item.kind in ("virtual", "failover"):
                first = item
        elif isinstance(item, Setting) and first is not None:
            block = f'{first.kind} "{first.name}"'
            yield Finding(Location(item.start, item.end),
                          f"top-level `{item.key}` is written after {block}: Piranha applies it to the whole "
                          f"file, but readers of the top of the file miss it, and the Piranha GUI moves it "
                          f"above the blocks when it saves",
                          hint="move the line above the first virtual/failover block",
                          related=((f"the first block, {block}", _opener(first)),))


def _opener(block: Block) -> Location:
    return Location(block.start, block.start + len(block.opener))


# -- LVS118 -----------------------------------------------------------------------------


@rule("LVS118", "port-after-servers", WARNING, "a virtual's port line after some of its server blocks")
def port_after_servers(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a virtual's `port` line written after one or more of its `server`
    blocks, when a server before it has no `port` line of its own.

    ## Why is this bad?
    Piranha's parser reads the file top to bottom and gives each real server,
    when its block starts, the virtual's port *as read so far* (80 when no
    `port` line came yet).  A `port` line further down changes the virtual
    service (`ipvsadm -A -t VIP:PORT`) but not the servers above it: they keep
    the older port, so nanny checks and ipvsadm forwards to the wrong port on
    them.  Servers with their own `port` line are not affected.  When the older
    port happens to be the same, this is reported as information: the next
    change to the `port` line will not reach those servers.

    ## Example
    ```
    virtual www {
         address = 192.168.0.10 eth0:1
         server web1 {
              address = 10.0.0.2
              active = 1
         }
         port = 8080
    }
    ```
    (`web1` gets port 80.)  Use instead: put `port = 8080` above the first
    `server` block, or give each server its own `port`.
    """
    for virtual in config.virtuals:
        port = _written(virtual).get("port")
        if port is None:
            continue
        by_port: dict[int, list[str]] = {}
        related: list[tuple[str, Location]] = []
        for server in virtual.servers:
            origin = server.origin
            if origin is None or origin.node.start > port.start or origin.setting("port") is not None:
                continue
            by_port.setdefault(server.port, []).append(server.name)
            if len(related) < _MAX_NAMED:
                related.append((f'server "{server.name}" gets port {server.port}', header_of(server)))
        if not by_port:
            continue
        groups = "; ".join(f"{_names(names)} {'gets' if len(names) == 1 else 'get'} port {p}"
                           for p, names in sorted(by_port.items()))
        harmless = set(by_port) == {virtual.port}
        yield Finding(at_word(port.value),
                      f"`port = {port.value.text}` of {where(virtual)} comes after server blocks without their own "
                      f"`port`: Piranha gives a server the port in effect where its block starts, so {groups}"
                      + (", the same port for now" if harmless else f", not {virtual.port}"),
                      hint="move the `port` line above the first `server` block (or give each server its own "
                           "`port`)",
                      related=tuple(related), severity=INFO if harmless else None)


# -- LVS119 / LVS120 --------------------------------------------------------------------


def _pmask_hint(text: str) -> str:
    bits = text.strip().lstrip("/")
    number = bits.lstrip("0")
    if bits.isdigit() and bits.isascii() and len(number) <= 2 and 0 < int(number or "0") <= 32 and \
            text.strip().startswith("/"):
        return f"write the mask in dotted form: `pmask = {_prefix_mask(int(number))}` for /{bits}"
    return "write the mask in dotted form, e.g. `pmask = 255.255.255.0`, or remove the line"


@rule("LVS119", "invalid-pmask", WARNING, "a pmask Piranha cannot read and silently ignores")
def invalid_pmask(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a `pmask` (persistence netmask) value that glibc's `inet_aton` cannot
    read: a prefix length such as `/24`, a host name, an IPv6 mask, a typo.

    ## Why is this bad?
    Unlike the other masks, Piranha's parser does not reject an unreadable
    `pmask`: it calls `inet_aton`, ignores its failure and goes on.  The mask
    stays unset (or keeps the value of an earlier `pmask` line in the block),
    so lvsd creates the service without `-M`: with persistence, every client
    address is then its own persistence group, instead of the network the mask
    was meant to group.  Nothing in any log says so.

    ## Example
    `pmask = /24`.  Use instead: `pmask = 255.255.255.0`.
    """
    for virtual in config.virtuals:
        setting = _written(virtual).get("pmask")
        if setting is None or inet_aton(setting.value.value) is not None:
            continue
        if virtual.pmask == UNSET_ADDRESS:
            effect = "the service has no persistence mask"
        else:
            effect = f"the mask of an earlier `pmask` line, {virtual.pmask}, stays in force"
        yield Finding(at_word(setting.value),
                      f"{_shown(setting)} in {where(virtual)} is not an address inet_aton reads: Piranha ignores "
                      f"the line without a word, so {effect}",
                      hint=_pmask_hint(setting.value.value))


@rule("LVS120", "pmask-without-persistence", WARNING, "a pmask in a virtual without persistence")
def pmask_without_persistence(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags a `pmask` in a virtual whose `persistent` is 0, negative or not set.

    ## Why is this bad?
    lvsd passes the persistence mask to ipvsadm (`-M MASK`) only together with
    the persistence timeout (`-p SECONDS`), and only when `persistent` is
    greater than 0.  Without persistence the mask does nothing, which usually
    means that `persistent` was forgotten (the clients are not kept on one real
    server) or that the mask is a leftover.

    A mask Piranha holds as "no mask" is not reported: `pmask =
    255.255.255.255`, the first choice of the Piranha GUI's mask field (so
    files the GUI saves carry it), which Piranha's parser turns into "unset";
    and `pmask = 0.0.0.0`, which lvsd never passes on even with persistence.
    Neither line changes anything, with or without `persistent`.

    ## Example
    ```
    virtual www {
         pmask = 255.255.255.0
    }
    ```
    Use instead: add `persistent = 300` (the timeout in seconds) if you want
    persistence; otherwise remove the `pmask` line.
    """
    for virtual in config.virtuals:
        settings = _written(virtual)
        setting = settings.get("pmask")
        if setting is None or virtual.persistent > 0 or inet_aton(setting.value.value) is None:
            continue  # an unreadable pmask is LVS119's
        if virtual.pmask == UNSET_ADDRESS:
            continue  # /32 (the GUI's line) or 0.0.0.0: no mask, so persistence would not use one either
        persistent = settings.get("persistent")
        state = "`persistent` is not set" if persistent is None else f"`persistent = {persistent.value.text}`"
        yield Finding(at_word(setting.value),
                      f"{_shown(setting)} in {where(virtual)} has no effect: persistence is off ({state}), and "
                      f"lvsd passes the mask (-M) to ipvsadm only together with -p",
                      hint="set `persistent` to the persistence timeout in seconds if you want persistence; "
                           "otherwise remove the `pmask` line")


# -- LVS121 -----------------------------------------------------------------------------

_GUI_BREAKERS = {
    " ": "a blank", "\t": "a TAB", "{": "`{`", "}": "`}`", "=": "`=`", '"': '`"`',
}


@rule("LVS121", "gui-unsafe-name", WARNING, "a block name the Piranha GUI cannot read back")
def gui_unsafe_name(config: Config) -> Iterator[Finding]:
    """## What it does
    Flags `virtual`, `failover` and `server` names that contain blanks (possible
    only in quoted names), `{`, `}`, `=` or `"`.

    ## Why is this bad?
    Piranha's parser accepts any word as a name, but the Piranha GUI
    (piranha-gui) reads the file its own way: it splits lines on single
    spaces, takes a line with `=` for a `key = value` line, and follows block
    nesting by looking for `{` and `}` anywhere on a line.  It replaces blanks
    in names by `_` when it writes.  A name with these characters is misread
    the first time someone opens the file in the GUI, and the next save writes
    a file with renamed or broken blocks, or one pulse refuses.

    ## Example
    `virtual "web site" {`.  Use instead: `virtual web_site {` (letters,
    digits, `-`, `_` and `.`).
    """
    for block in services(config):
        label = where(block)
        yield from _unsafe(block, label)
        for server in block.servers:
            yield from _unsafe(server, f'server "{server.name}" of {label}')


def _unsafe(obj, label: str) -> Iterator[Finding]:
    origin = getattr(obj, "origin", None)
    if origin is None or not isinstance(origin.node, Block) or not origin.node.header_ok:
        return  # a malformed opening line is the parse stage's
    name = origin.node.name
    found = [what for ch, what in _GUI_BREAKERS.items() if ch in name]
    if not found:
        return
    word = origin.node.name_word
    place = at_word(word) if word is not None else header_of(obj)
    kind = origin.node.kind
    suggestion = "".join("_" if ch in _GUI_BREAKERS else ch for ch in name).strip("_") or kind
    yield Finding(place,
                  f"the name of {label} contains {_and(found)}: Piranha accepts it, but the Piranha GUI "
                  f"misreads it, and saving from the GUI renames or breaks the block",
                  hint=f"use letters, digits, `-`, `_` and `.` only, e.g. `{kind} {suggestion} {{`")


RULES = (
    single_quoted_string,
    non_decimal_number,
    integer_overflow,
    empty_number,
    ambiguous_address,
    service_name_port,
    host_name,
    unused_keyword,
    global_after_block,
    port_after_servers,
    invalid_pmask,
    pmask_without_persistence,
    gui_unsafe_name,
)

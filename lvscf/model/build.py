"""Building the typed model from the syntax nodes, as Piranha's parser does.

The builder reads the nodes in file order, like ``parseConfiguration``: each
setting converts its value with the C semantics of :mod:`.values`, a repeated
key overwrites the earlier value, a server's default port is its virtual's port
*as parsed so far*, and ``primary_private``/``backup_private`` are derived at the
end.  Values Piranha rejects become diagnostics and leave the field as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from typing import NamedTuple

from ..diagnostics import Capped, Code, Diagnostic, make
from ..keywords import Context, Kind, Keyword, keywords_in, kind_in
from ..parse import ParseResult
from ..parse.nodes import Block, ErrorLine, Setting, Word
from ..parse.piranha import judge_line
from ..source import Source
from . import codes
from .config import (
    UNSET_ADDRESS,
    Config,
    DeviceAddress,
    Failover,
    Network,
    Origin,
    Protocol,
    ReservationConflictAction,
    Scheduler,
    Server,
    Service,
    Virtual,
)
from .services import SERVICES_SOURCE
from .values import Address, HostName, inet_aton, read_host, read_int, read_port

__all__ = ["build", "BuildResult", "runtime_string"]

_FAIL = object()
_ENUMS = {
    "service": Service,
    "network": Network,
    "protocol": Protocol,
    "scheduler": Scheduler,
    "reservation_conflict_action": ReservationConflictAction,
}
_KERNEL_ONLY_SCHEDULERS = frozenset({"sed", "nq", "fo", "ovf", "mh", "twos"})


class BuildResult(NamedTuple):
    config: Config
    diagnostics: tuple[Diagnostic, ...]


def build(parsed: ParseResult) -> BuildResult:
    builder = _Builder(parsed.source)
    config = builder.config(parsed)
    return BuildResult(config, tuple(builder.diagnostics.done()))


def runtime_string(word: Word) -> str:
    """The string lvsd/fos pass on for a quote-keeping keyword.

    Piranha stores the value re-wrapped in its quotes (i.e. as written); lvsd's
    ``strip_quotes`` then drops one leading and one trailing double quote, so
    single quotes survive (lvs-cf-format.md §2.4).
    """
    text = word.text
    if text.startswith('"'):
        text = text[1:]
    if text.endswith('"'):
        text = text[:-1]
    return text


class _Builder:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.diagnostics = Capped()

    def report(self, code: Code, start: int, end: int, message: str, *, piranha: str | None = None,
               hint: str | None = None, related=()) -> None:
        if self.diagnostics.takes(code.code):
            self.diagnostics.add(make(code, self.source, start, end, message, piranha=piranha, hint=hint,
                                      related=related))

    def piranha_says(self, start: int, text: str) -> str:
        return f"pulse: error parsing lvs.cf at line {self.source.position(start)[0]}: {text}"

    # -- blocks ------------------------------------------------------------------

    def config(self, parsed: ParseResult) -> Config:
        document = parsed.document
        values: dict[str, object] = {}
        settings: dict[str, Setting] = {}
        written: dict[str, Setting] = {}
        virtuals: list[Virtual] = []
        failovers: list[Failover] = []
        for block in self._settings_and_blocks(document.items, Context.TOP, values, settings, written,
                                               "at the top level"):
            built = self.service_block(block)
            (failovers if isinstance(built, Failover) else virtuals).append(built)
        # lvsconfig.c, end of parseConfiguration: without primary_private, both private
        # addresses become the public ones (an explicit backup_private is overwritten).
        if "primary" in settings and "primary_private" not in settings:
            values["primary_private"] = values.get("primary", UNSET_ADDRESS)
            values["backup_private"] = values.get("backup", UNSET_ADDRESS)
        return Config(**values, virtuals=tuple(virtuals), failovers=tuple(failovers),  # type: ignore[arg-type]
                      origin=Origin(document, self.source, written))

    def service_block(self, block: Block) -> Virtual | Failover:
        values: dict[str, object] = {}
        settings: dict[str, Setting] = {}
        written: dict[str, Setting] = {}
        servers: list[Server] = []
        where = f'in {block.kind} block "{block.name}"'
        for server in self._settings_and_blocks(block.items, Context.SERVICE, values, settings, written, where):
            servers.append(self.server(server, values.get("port", 80)))  # type: ignore[arg-type]
        cls = Failover if block.kind == "failover" else Virtual
        return cls(name=block.name, **values, servers=tuple(servers),  # type: ignore[arg-type]
                   origin=Origin(block, self.source, written))

    def server(self, block: Block, port: int) -> Server:
        values: dict[str, object] = {"port": port}
        settings: dict[str, Setting] = {}
        written: dict[str, Setting] = {}
        where = f'in server block "{block.name}"'
        for _ in self._settings_and_blocks(block.items, Context.SERVER, values, settings, written, where):
            pass  # the grammar allows no blocks inside a server
        return Server(name=block.name, **values, origin=Origin(block, self.source, written))  # type: ignore[arg-type]

    def _settings_and_blocks(self, items, context: Context, values: dict, settings: dict, written: dict,
                             where: str):
        """Apply the settings of one block in order; yield its sub-blocks at the point they start.

        ``settings`` gets every setting Piranha applied; ``written`` only the statements the grammar read.
        """
        first = context is Context.SERVICE
        for node in items:
            if isinstance(node, Setting):
                written[node.key] = node
                self.apply(context, node, values, settings, where)
            elif isinstance(node, ErrorLine):
                # Lines Piranha reads although lvscf's grammar does not (a quote error it
                # ignores) are applied as Piranha applies them; the others are reported by
                # the parse stage and change nothing.
                verdict = judge_line(context, node.words, node.bad_quote, first)
                if verdict.error is None and not (verdict.block_ends or verdict.undefined) and verdict.words:
                    setting = _as_setting(verdict.words, context)
                    if setting is not None:
                        self.apply(context, setting, values, settings, where)
            elif isinstance(node, Block):
                yield node
            else:
                continue
            first = False

    # -- settings -------------------------------------------------------------------

    def apply(self, context: Context, setting: Setting, values: dict, settings: dict, where: str) -> None:
        key = setting.key
        keyword, convert = _DISPATCH[context][key]
        previous = settings.get(key)
        if previous is not None:
            line = self.source.position(setting.start)[0]
            self.report(codes.DUPLICATE_KEY, previous.start, previous.end,
                        f"`{key}` is set again at line {line} {where}; Piranha uses only the last value",
                        hint="remove one of the two lines",
                        related=[("the value Piranha uses", setting.start, setting.end)])
        settings[key] = setting
        value = convert(self, keyword, setting)
        if value is not _FAIL:
            values[key] = value

    # Converters: one per value kind; each returns the value or _FAIL (after reporting).

    def _int(self, keyword: Keyword, setting: Setting):
        word = setting.value
        number = read_int(word.value)
        if number is None:
            hint = "real-server ports take numbers only (no service names)" \
                if keyword.name == "port" else "write a decimal number"
            self.report(codes.INTEGER_EXPECTED, word.start, word.end, f"`{keyword.name} = {word.text}`: "
                        f"{_q(word)} is not an integer", piranha=self.piranha_says(word.start, "integer expected"),
                        hint=hint)
            return _FAIL
        return number.value

    def _bool(self, keyword: Keyword, setting: Setting):
        word = setting.value
        number = read_int(word.value)
        if number is None or number.value not in (0, 1):
            error = "integer expected" if number is None else "boolean expected"
            self.report(codes.BOOLEAN_EXPECTED, word.start, word.end,
                        f"`{keyword.name}` is 0 or 1, not {_q(word)}", piranha=self.piranha_says(word.start, error),
                        hint=f"write `{keyword.name} = 1` (on) or `{keyword.name} = 0` (off)")
            return _FAIL
        return bool(number.value)

    def _port(self, keyword: Keyword, setting: Setting):
        word = setting.value
        number, _name = read_port(word.value)
        if number is None:
            self.report(codes.UNKNOWN_SERVICE_NAME, word.start, word.end,
                        f"{_q(word)} is neither a port number nor a TCP service name",
                        piranha=self.piranha_says(word.start, "invalid argument"),
                        hint=f"write the port number (lvscf knows the names of {SERVICES_SOURCE})")
            return _FAIL
        return number.value

    def _dotted(self, keyword: Keyword, setting: Setting, code: Code, why: str, piranha: str, hint: str):
        """An address read by inet_aton alone (no host names)."""
        word = setting.value
        address = inet_aton(word.value)
        if address is None:
            self.report(code, word.start, word.end, f"`{keyword.name} = {word.text}`: {why}",
                        piranha=self.piranha_says(word.start, piranha), hint=hint)
            return _FAIL
        return address.address

    def _ipv4(self, keyword: Keyword, setting: Setting):
        reason = read_host(setting.value.value)
        why = "Piranha takes no host names here" if isinstance(reason, (HostName, Address)) else reason
        return self._dotted(keyword, setting, codes.INVALID_ADDRESS, why, "invalid host name or ip address",
                            "write a dotted IPv4 address")

    def _netmask(self, keyword: Keyword, setting: Setting):
        return self._dotted(keyword, setting, codes.INVALID_NETMASK, "a netmask is written as a dotted address",
                            "Bad subnet mask specified", "write e.g. 255.255.255.0")

    def _pmask(self, keyword: Keyword, setting: Setting):
        # lvsconfig.c: an unreadable pmask is ignored without a word; the exact text
        # 255.255.255.255 means "no mask".
        word = setting.value
        if word.value == "255.255.255.255":
            return UNSET_ADDRESS
        address = inet_aton(word.value)
        return _FAIL if address is None else address.address

    def _host(self, keyword: Keyword, setting: Setting, word: Word | None = None, nonzero: bool = False):
        word = word or setting.value
        result = read_host(word.value)
        if isinstance(result, str):
            self.report(codes.INVALID_ADDRESS, word.start, word.end, f"`{keyword.name}`: {result}",
                        piranha=self.piranha_says(word.start, "invalid argument"), hint="write a dotted IPv4 address")
            return _FAIL
        value = result.address if isinstance(result, Address) else result
        if nonzero and value == UNSET_ADDRESS:
            self.report(codes.ZERO_ADDRESS, word.start, word.end,
                        f"`{keyword.name}` cannot be 0.0.0.0",
                        piranha=self.piranha_says(word.start, "invalid host name or ip address"),
                        hint=f"write the director's own address, or remove `{keyword.name}`")
            return _FAIL
        return value

    def _host_nonzero(self, keyword: Keyword, setting: Setting):
        return self._host(keyword, setting, nonzero=True)

    def _enum(self, keyword: Keyword, setting: Setting):
        word = setting.value
        try:
            return _ENUMS[keyword.name](word.value)
        except ValueError:
            pass
        choices = ", ".join(keyword.choices)
        if word.value.lower() in keyword.choices:
            hint = f"write `{word.value.lower()}` (values are lower case)"
        elif keyword.name == "scheduler" and word.value in _KERNEL_ONLY_SCHEDULERS:
            hint = f"the kernel has `{word.value}`, but Piranha accepts only {choices}; keepalived supports it"
        else:
            hint = f"use one of: {choices}"
        self.report(codes.INVALID_CHOICE, word.start, word.end,
                    f"`{keyword.name}` cannot be {_q(word)}", piranha=self.piranha_says(word.start, "invalid argument"),
                    hint=hint)
        return _FAIL

    def _string(self, keyword: Keyword, setting: Setting):
        return setting.value.value

    def _quoted_string(self, keyword: Keyword, setting: Setting):
        return runtime_string(setting.value)

    def _address(self, keyword: Keyword, setting: Setting):
        ip = self._host(keyword, setting, setting.values[0])
        if ip is _FAIL:
            return _FAIL
        return DeviceAddress(ip, setting.values[1].value)  # type: ignore[arg-type]

    def _list(self, keyword: Keyword, setting: Setting):
        items = []
        for word in setting.values[1:]:
            if word.value == "]":
                break
            items.append(word.value)
        return tuple(items)


_CONVERTERS: dict[Kind, Callable] = {
    Kind.INT: _Builder._int,
    Kind.BOOL: _Builder._bool,
    Kind.PORT: _Builder._port,
    Kind.IPV4: _Builder._ipv4,
    Kind.NETMASK: _Builder._netmask,
    Kind.PMASK: _Builder._pmask,
    Kind.HOST: _Builder._host,
    Kind.HOST_NONZERO: _Builder._host_nonzero,
    Kind.ENUM: _Builder._enum,
    Kind.STRING: _Builder._string,
    Kind.QUOTED_STRING: _Builder._quoted_string,
    Kind.ADDRESS: _Builder._address,
    Kind.LIST: _Builder._list,
}

_KEYWORDS = {context: keywords_in(context) for context in Context}
# context -> key -> (keyword, converter): one lookup per line.
_DISPATCH = {context: {name: (keyword, _CONVERTERS[kind_in(keyword, context)]) for name, keyword in names.items()
                       if keyword.kind is not Kind.BLOCK}
             for context, names in _KEYWORDS.items()}


def _q(word: Word) -> str:
    return f"`{word.text}`"


def _as_setting(words: tuple[Word, ...], context: Context) -> Setting | None:
    """A line Piranha accepts, as a setting (block openers and closers are not settings)."""
    if len(words) < 3 or words[0].value not in _KEYWORDS[context] or words[1].value != "=":
        return None
    return Setting(words[0].value, words[0].start, words[1].start, words[2], tuple(words[3:]))

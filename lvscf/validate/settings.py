"""``lvscf check`` configuration: ``[tool.lvscf]`` in pyproject.toml, or lvscf.toml / .lvscf.toml.

The configuration file closest to a checked file wins (ruff's rule): walking up
from the file's directory, the first ``lvscf.toml``, ``.lvscf.toml``, or
``pyproject.toml`` that has a ``[tool.lvscf]`` table.  Files are not merged.

    [tool.lvscf]
    select = ["LVS"]                      # codes, code prefixes, or rule names
    ignore = ["inactive-server", "LVS116"]
    fail-on = "warning"                   # error (default), warning or info
    [tool.lvscf.per-file-ignores]
    "legacy/*.cf" = ["LVS2"]              # globs relative to this file's directory

Unknown keys and unknown rule selectors are errors that name the key.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from pathlib import Path
from typing import NamedTuple

from ..diagnostics import Severity
from ..errors import LvscfError
from .registry import RULES
from .selection import Selection, matches

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["Settings", "ConfigError", "load_settings", "find_config", "check_selectors", "CONFIG_NAMES"]

CONFIG_NAMES = ("lvscf.toml", ".lvscf.toml", "pyproject.toml")
_KEYS = {"select", "ignore", "fail-on", "per-file-ignores"}


class ConfigError(LvscfError):
    """A configuration file or option lvscf cannot use."""


class Settings(NamedTuple):
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    root: Path | None = None  # the directory of the configuration file
    path: Path | None = None  # the configuration file

    def selection(self, checked: str | None) -> Selection:
        ignore = list(self.ignore)
        if checked and self.per_file_ignores:
            relative = _relative(checked, self.root)
            for pattern, selectors in self.per_file_ignores:
                if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(os.path.basename(checked), pattern):
                    ignore.extend(selectors)
        return Selection(self.select, tuple(ignore))


def _relative(path: str, root: Path | None) -> str:
    absolute = Path(path).resolve()
    if root is not None:
        try:
            return absolute.relative_to(root).as_posix()
        except ValueError:
            pass
    return Path(path).as_posix()


def check_selectors(selectors, where: str) -> tuple[str, ...]:
    """Selectors must name at least one rule: a typo is an error, not a silent no-op."""
    out = []
    for selector in selectors:
        if not isinstance(selector, str) or not selector.strip():
            raise ConfigError(f"{where}: {selector!r} is not a rule code, code prefix or name")
        selector = selector.strip()
        if not any(matches(selector, r.code, r.name) for r in RULES):
            raise ConfigError(f"{where}: {selector!r} is no lvscf rule code, code prefix or name "
                              "(see `lvscf rules`)")
        out.append(selector)
    return tuple(out)


def find_config(start: Path) -> Path | None:
    """The configuration file closest to ``start`` (a directory)."""
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml" or _has_lvscf_table(candidate):
                return candidate
    return None


def _has_lvscf_table(path: Path) -> bool:
    try:
        return "lvscf" in _read(path).get("tool", {})
    except ConfigError:
        return True  # let load_settings report the broken file


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror or error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def load_settings(path: Path) -> Settings:
    data = _read(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("lvscf", {})
        prefix = "[tool.lvscf]"
    else:
        table = data
        prefix = ""
    where = f"{path}: {prefix}".rstrip(": ")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} {('in ' + prefix) if prefix else ''}".rstrip()
                          + f" (lvscf knows: {', '.join(sorted(_KEYS))})")
    select = check_selectors(_list(table, "select", path), f"{where} select")
    ignore = check_selectors(_list(table, "ignore", path), f"{where} ignore")
    fail_on = None
    if "fail-on" in table:
        value = table["fail-on"]
        try:
            fail_on = Severity.parse(value) if isinstance(value, str) else None
        except ValueError:
            fail_on = None
        if fail_on is None:
            raise ConfigError(f"{where} fail-on: {value!r} is not error, warning or info")
    per_file = []
    raw = table.get("per-file-ignores", {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} per-file-ignores: must be a table of glob = [codes]")
    for pattern, selectors in raw.items():
        if not isinstance(selectors, list):
            raise ConfigError(f"{where} per-file-ignores {pattern!r}: must be a list of codes or names")
        per_file.append((pattern, check_selectors(selectors, f"{where} per-file-ignores {pattern!r}")))
    return Settings(select, ignore, fail_on, tuple(per_file), path.parent.resolve(), path)


def _list(table: dict, key: str, path: Path) -> list:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"{path}: {key} must be a list of rule codes or names")
    return value

"""Machine-readable renderings of diagnostics: ``json`` (versioned), ``github``, ``sarif``.

Each prints only its document on stdout.  Output is deterministic (no
timestamps, no absolute paths added), so it can be compared across runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from .. import __version__
from ..diagnostics import Diagnostic, Severity

__all__ = ["to_json", "json_schema", "to_github", "to_sarif", "JSON_VERSION", "RULE_DOCS_URL"]

JSON_VERSION = 1
#: where a rule is documented, relative to the lvscf source tree
RULE_DOCS_URL = "docs/rules.md#{code}"
_SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _diagnostic(d: Diagnostic) -> dict:
    return {
        "path": d.path,
        "code": d.code,
        "name": d.name,
        "severity": str(d.severity),
        "message": d.message,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "piranha": d.piranha,
        "hint": d.hint,
        "related": [{"message": r.message, "line": r.line, "column": r.column, "end_line": r.end_line,
                     "end_column": r.end_column} for r in d.related],
        "url": RULE_DOCS_URL.format(code=d.code.lower()),
    }


def to_json(diagnostics: Sequence[Diagnostic], files: int) -> str:
    counts = {str(s): sum(1 for d in diagnostics if d.severity is s) for s in reversed(Severity)}
    document = {
        "version": JSON_VERSION,
        "tool": {"name": "lvscf", "version": __version__},
        "summary": {"files": files, **counts},
        "diagnostics": [_diagnostic(d) for d in diagnostics],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def json_schema() -> dict:
    """JSON Schema (draft 2020-12) of :func:`to_json`'s document."""
    position = {"type": "integer", "minimum": 1}
    span = {"line": position, "column": position, "end_line": position, "end_column": position}
    severity = {"enum": ["error", "warning", "info"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:lvscf:schema:diagnostics:1",
        "title": "lvscf check --format json, version 1",
        "type": "object",
        "additionalProperties": False,
        "required": ["version", "tool", "summary", "diagnostics"],
        "properties": {
            "version": {"const": JSON_VERSION},
            "tool": {"type": "object", "required": ["name", "version"], "additionalProperties": False,
                     "properties": {"name": {"const": "lvscf"}, "version": {"type": "string"}}},
            "summary": {"type": "object", "additionalProperties": False,
                        "required": ["files", "error", "warning", "info"],
                        "properties": {k: {"type": "integer", "minimum": 0}
                                       for k in ("files", "error", "warning", "info")}},
            "diagnostics": {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "required": ["path", "code", "name", "severity", "message", *span, "piranha", "hint", "related",
                             "url"],
                "properties": {
                    "path": {"type": ["string", "null"], "description": "the file, as given (- for stdin)"},
                    "code": {"type": "string", "pattern": "^LVS[0-9]{3}$"},
                    "name": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                    "severity": severity,
                    "message": {"type": "string"},
                    **span,
                    "piranha": {"type": ["string", "null"], "description": "what Piranha itself says or does"},
                    "hint": {"type": ["string", "null"], "description": "what to do"},
                    "related": {"type": "array", "items": {
                        "type": "object", "additionalProperties": False, "required": ["message", *span],
                        "properties": {"message": {"type": "string"}, **span}}},
                    "url": {"type": "string"},
                },
            }},
        },
    }


# -- GitHub Actions workflow commands -------------------------------------------------

_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(diagnostics: Iterable[Diagnostic]) -> str:
    """``::error file=…,line=…::message`` lines, escaped as the Actions toolkit does."""
    lines = []
    for d in diagnostics:
        props = {"file": d.path or "-", "line": d.line, "col": d.column, "endLine": d.end_line,
                 "endColumn": d.end_column, "title": f"{d.code} {d.name}"}
        prop_text = ",".join(f"{k}={_escape_property(str(v))}" for k, v in props.items())
        text = f"{d.path or '-'}:{d.line}:{d.column}: {d.code} {d.message}"
        if d.hint:
            text += f"\nhelp: {d.hint}"
        lines.append(f"::{_GITHUB_LEVEL[d.severity]} {prop_text}::{_escape_data(text)}\n")
    return "".join(lines)


# -- SARIF 2.1.0 (the subset GitHub code scanning reads) ---------------------------------

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(path: str | None) -> str:
    if not path or path == "-":
        return "stdin"
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def to_sarif(diagnostics: Sequence[Diagnostic], rules) -> str:
    """A SARIF log with one run; ``rules`` is every rule (code, name, severity, summary, doc)."""
    rule_index = {}
    descriptors = []
    for i, rule in enumerate(sorted(rules, key=lambda r: r.code)):
        rule_index[rule.code] = i
        descriptors.append({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.doc.split("## Why is this bad?")[0].replace("## What it does", "")
                                .strip() or rule.summary},
            "help": {"text": rule.doc or rule.summary, "markdown": rule.doc or rule.summary},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            "properties": {"tags": ["lvs.cf", "piranha"], "problem.severity": {
                Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}[
                rule.severity], "precision": "very-high"},
        })
    results = []
    for d in diagnostics:
        result = {
            "ruleId": d.code,
            "ruleIndex": rule_index.get(d.code, 0),
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message + (f" (help: {d.hint})" if d.hint else "")},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": _uri(d.path), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": d.line, "startColumn": d.column, "endLine": d.end_line,
                           "endColumn": max(d.end_column, d.column + 1) if d.end_line == d.line else d.end_column},
            }}],
            "partialFingerprints": {"lvscf/v1": f"{d.code}:{_uri(d.path)}:{d.message}"},
        }
        if d.related:
            result["relatedLocations"] = [
                {"id": n, "message": {"text": r.message}, "physicalLocation": {
                    "artifactLocation": {"uri": _uri(d.path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": r.line, "startColumn": r.column, "endLine": r.end_line,
                               "endColumn": r.end_column}}}
                for n, r in enumerate(d.related)]
        results.append(result)
    log = {
        "$schema": _SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "lvscf", "semanticVersion": __version__, "version": __version__,
                                "rules": descriptors}},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the directory lvscf ran in"}}},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"

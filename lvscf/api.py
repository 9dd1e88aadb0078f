"""The library API, in the style of the ``json`` module.

>>> import lvscf
>>> result = lvscf.loads("virtual web {\\n     active = 1\\n}\\n")
>>> result.config.virtuals[0].name
'web'
>>> lvscf.dumps(result) == "virtual web {\\n     active = 1\\n}\\n"
True
"""

from __future__ import annotations

import os
from typing import IO, NamedTuple, Union

from .diagnostics import Diagnostic, Severity, sort_key
from .errors import ArgumentError, InputError
from .gcpause import paused_gc
from .model.build import build
from .model.config import Config
from .parse import parse
from .parse.codes import CRLF_LINE_ENDS
from .parse.nodes import Document
from .source import Source

__all__ = ["LoadResult", "load", "loads", "dumps", "read_bytes"]

PathLike = Union[str, "os.PathLike[str]"]


class LoadResult(NamedTuple):
    """A file read by :func:`load`/:func:`loads`: the typed model, the syntax
    document it came from, and every diagnostic of the parse and model stages."""

    config: Config
    document: Document
    source: Source
    diagnostics: tuple[Diagnostic, ...]

    @property
    def path(self) -> str | None:
        return self.source.path

    @property
    def has_errors(self) -> bool:
        """True when Piranha would refuse the file (an error-level diagnostic)."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def loads(data: str | bytes, path: str | None = None) -> LoadResult:
    """Read lvs.cf contents.  Problems in them are diagnostics; this never raises for them.

    ``data`` is the file's bytes or its text; ``path`` is only used in
    diagnostics.
    """
    if not isinstance(data, (str, bytes, bytearray)):
        raise ArgumentError(f"lvscf.loads() takes str or bytes, not {type(data).__name__}")
    if path is not None and not isinstance(path, str):
        raise ArgumentError(f"path must be a str, not {type(path).__name__}")
    with paused_gc():
        parsed = parse(bytes(data) if isinstance(data, bytearray) else data, path)
        built = build(parsed)
        found = parsed.diagnostics + built.diagnostics
        if any(d.code == CRLF_LINE_ENDS.code for d in parsed.diagnostics):
            from .model.cr_files import with_piranhas_reading  # only files with CR bytes need it

            found = tuple(with_piranhas_reading(parsed.source, found))
    diagnostics = tuple(sorted(found, key=sort_key))
    return LoadResult(built.config, parsed.document, parsed.source, diagnostics)


def read_bytes(path: PathLike) -> bytes:
    """A file's contents, with a clear :class:`InputError` for everything that can go wrong."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not an lvs.cf file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as error:
        raise InputError(f"{name}: cannot be read ({error.strerror or error})") from None


def load(file: PathLike | IO) -> LoadResult:
    """Read an lvs.cf from a path or from an open file (binary or text)."""
    if hasattr(file, "read"):
        data = file.read()  # type: ignore[union-attr]
        name = getattr(file, "name", None)
        return loads(data, name if isinstance(name, str) else None)
    if not isinstance(file, (str, os.PathLike)):
        raise ArgumentError(f"lvscf.load() takes a path or a file object, not {type(file).__name__}")
    return loads(read_bytes(file), os.fspath(file))


def dumps(obj: LoadResult | Config | Document, *, canonical: bool = False) -> str:
    """Write lvs.cf text.

    By default the write is lossless: a document comes back byte for byte, and
    a model read from a file comes back as that file with only the edited words
    changed (:mod:`lvscf.emit.lvs`).  A model built in code is written in the
    Piranha GUI's layout.  ``canonical=True`` rewrites a file in the GUI's
    layout, keeping its comments (``lvscf fmt``).
    """
    # The writers are imported here: reading a file, the common case, does not need them.
    from .emit.canonical import format_document
    from .emit.lvs import dumps_config, dumps_document
    from .emit.render import render_config

    if isinstance(obj, LoadResult):
        if canonical:
            return format_document(obj.document, obj.config)
        return dumps_document(obj.document)
    if isinstance(obj, Config):
        if obj.origin is None:
            return render_config(obj)
        text = dumps_config(obj)
        if canonical:
            edited = loads(text, obj.origin.source.path)
            return format_document(edited.document, edited.config)
        return text
    if isinstance(obj, Document):
        if canonical:
            return format_document(obj, build(parse(obj.text, obj.path)).config)
        return dumps_document(obj)
    raise ArgumentError(f"lvscf.dumps() takes a LoadResult, Config or Document, not {type(obj).__name__}")

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

from .diagnostics import Diagnostic, Severity, make, sort_key
from .errors import ArgumentError, InputError, UnrepresentableError
from .gcpause import paused_gc
from .model.build import build
from .model.config import Config
from .parse import ParseResult, parse
from .parse.codes import CRLF_LINE_ENDS, FILE_TOO_LARGE
from .parse.nodes import Document
from .source import Source, decode

__all__ = ["LoadResult", "load", "loads", "dumps", "read_bytes", "MAX_BYTES", "MAX_LINES"]

PathLike = Union[str, "os.PathLike[str]"]

#: The largest input lvscf reads, in bytes (characters, for text), and in lines.  Time
#: and memory grow linearly with the input (README, "Input size and time"); these bound
#: them, far above any real lvs.cf (a few thousand lines).
MAX_BYTES = 32 * 2**20
MAX_LINES = 1_500_000


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
    diagnostics.  Contents of more than :data:`MAX_BYTES` or :data:`MAX_LINES` are
    not read: the result has an empty model and one diagnostic, LVS021.
    """
    if not isinstance(data, (str, bytes, bytearray)):
        raise ArgumentError(f"lvscf.loads() takes str or bytes, not {type(data).__name__}")
    if path is not None and not isinstance(path, str):
        raise ArgumentError(f"path must be a str, not {type(path).__name__}")
    too_large = _too_large(data)
    if too_large is not None:
        return _not_read(data, path, too_large)
    with paused_gc():
        parsed = parse(bytes(data) if isinstance(data, bytearray) else data, path)
        built = build(parsed)
        found = parsed.diagnostics + built.diagnostics
        if any(d.code == CRLF_LINE_ENDS.code for d in parsed.diagnostics):
            from .model.cr_files import with_piranhas_reading  # only files with CR bytes need it

            found = tuple(with_piranhas_reading(parsed.source, found))
    diagnostics = tuple(sorted(found, key=sort_key))
    return LoadResult(built.config, parsed.document, parsed.source, diagnostics)


def _too_large(data: str | bytes) -> str | None:
    """Why ``data`` is more than lvscf reads, or None."""
    if len(data) > MAX_BYTES:
        unit = "bytes" if isinstance(data, (bytes, bytearray)) else "characters"
        return f"the file has {len(data):,} {unit}: lvscf reads files of up to {MAX_BYTES >> 20} MiB ({MAX_BYTES:,} {unit})"
    newline, cr = ("\n", "\r") if isinstance(data, str) else (b"\n", b"\r")
    lines = data.count(newline) + data.count(cr) - data.count(cr + newline)
    if lines > MAX_LINES:
        return f"the file has {lines:,} lines: lvscf reads files of up to {MAX_LINES:,} lines"
    return None


def _not_read(data: str | bytes, path: str | None, why: str) -> LoadResult:
    """A file too large to read: its text, an empty model, and the one diagnostic that says so."""
    text = decode(bytes(data)) if isinstance(data, (bytes, bytearray)) else data
    source = Source(text, path)
    document = Document(text, (), 0, text.endswith(("\n", "\r")), path)
    parsed = ParseResult(document, source, ())
    diagnostic = make(FILE_TOO_LARGE, source, 0, 0, f"{why}; it read nothing of it",
                      piranha="Piranha reads a file of any size",
                      hint="check that this is a Piranha lvs.cf: a real one is rarely larger than 100 KB")
    return LoadResult(build(parsed).config, document, source, (diagnostic,))


def read_bytes(path: PathLike) -> bytes:
    """A file's contents, with a clear :class:`InputError` for everything that can go wrong
    (a file larger than :data:`MAX_BYTES` is not read into memory at all)."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise InputError(f"{name}: too large: lvscf reads files of up to {MAX_BYTES >> 20} MiB ({MAX_BYTES:,} bytes)")
            return data
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
        data = file.read(MAX_BYTES + 1)  # type: ignore[union-attr]
        name = getattr(file, "name", None)
        name = name if isinstance(name, str) else None
        if len(data) > MAX_BYTES:
            raise InputError(f"{name or 'the file'}: too large: lvscf reads files of up to {MAX_BYTES >> 20} MiB ({MAX_BYTES:,} "
                             f"bytes)")
        return loads(data, name)
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
            if any(d.code == FILE_TOO_LARGE.code for d in obj.diagnostics):
                raise UnrepresentableError("the file was too large to read (LVS021): there is nothing to format")
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

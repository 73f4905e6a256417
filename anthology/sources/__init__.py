"""One reader per source format. Each module exposes

    read(raw: str, *, options: dict, editorial: dict, origin: str) -> Document

`raw` is the decoded source text (the file's bytes for a reader whose module sets
`READS_BYTES = True`: a DOCX or an EPUB is not text, and such a reader decodes what it reads), `options` the text's `options:` mapping from the manifest,
`editorial` the parsed editorial file the manifest names (empty if none), and `origin` the
source path for error messages. A reader must not know which text it is reading: everything
specific to one text comes in through `options` and `editorial`. Each module also declares
`CONTRACT` (an `anthology.contracts.Contract`): the options and editorial keys it takes, which the
manifest checks before anything is read and docs/manifest.md lists.
"""
from __future__ import annotations

import importlib

from ..contracts import Contract
from ..model import Document

MODULES = {"muse": "muse", "markdown": "markdown", "web": "web", "ocr": "ocr", "html": "html", "pandoc": "converted"}
"""Each format the manifest may name, and the module of this package that reads it."""
FORMATS = tuple(MODULES)


def reader(fmt: str):
    """The module that reads `fmt`."""
    if fmt not in MODULES:
        raise ValueError(f"unknown format {fmt!r}")
    return importlib.import_module(f"{__name__}.{MODULES[fmt]}")


def contract(fmt: str) -> Contract:
    """The options and editorial keys the reader of `fmt` takes (its module's `CONTRACT`)."""
    return reader(fmt).CONTRACT


def reads_bytes(fmt: str) -> bool:
    """Whether the reader of `fmt` takes the file's bytes rather than its decoded text."""
    return getattr(reader(fmt), "READS_BYTES", False)


def read(fmt: str, raw: str | bytes, *, options: dict, editorial: dict, origin: str) -> Document:
    return reader(fmt).read(raw, options=options, editorial=editorial, origin=origin)


def reasons() -> dict[str, str]:
    """The one-line reason of each change a reader logs (each module's `REASONS`), by rule id,
    for the cleaning report."""
    found: dict[str, str] = {}
    for fmt in FORMATS:
        found.update(reader(fmt).REASONS)
    return found

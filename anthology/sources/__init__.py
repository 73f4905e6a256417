"""One reader per source format. Each module exposes

    read(raw: str, *, options: dict, editorial: dict, origin: str) -> Document

`raw` is the decoded source text, `options` the text's `options:` mapping from the manifest,
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

FORMATS = ("muse", "markdown", "web", "ocr")


def contract(fmt: str) -> Contract:
    """The options and editorial keys the reader of `fmt` takes (its module's `CONTRACT`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return importlib.import_module(f"{__name__}.{fmt}").CONTRACT


def read(fmt: str, raw: str, *, options: dict, editorial: dict, origin: str) -> Document:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    module = importlib.import_module(f"{__name__}.{fmt}")
    return module.read(raw, options=options, editorial=editorial, origin=origin)


def reasons() -> dict[str, str]:
    """The one-line reason of each change a reader logs (each module's `REASONS`), by rule id,
    for the cleaning report."""
    found: dict[str, str] = {}
    for fmt in FORMATS:
        found.update(importlib.import_module(f"{__name__}.{fmt}").REASONS)
    return found

"""One reader per source format. Each module exposes

    read(raw: str, *, options: dict, editorial: dict, origin: str) -> Document

`raw` is the decoded source text, `options` the text's `options:` mapping from the manifest,
`editorial` the parsed editorial file the manifest names (empty if none), and `origin` the
source path for error messages. A reader must not know which text it is reading: everything
specific to one text comes in through `options` and `editorial`.
"""
from __future__ import annotations

import importlib

from ..model import Document

FORMATS = ("muse", "markdown", "web", "ocr")


def read(fmt: str, raw: str, *, options: dict, editorial: dict, origin: str) -> Document:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    module = importlib.import_module(f"{__name__}.{fmt}")
    return module.read(raw, options=options, editorial=editorial, origin=origin)

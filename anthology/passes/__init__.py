"""Cleaning passes that run after a reader, chosen per text in the manifest (`cleaning:`).

Each pass module exposes `apply(doc, *, config, project_dir, origin) -> Document` and logs every
change it makes on the document, so that the cleaning report can list it.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from ..model import Document

PASSES = {"ocr_repair": "anthology.passes.ocr_repair"}


def apply_pass(name: str, doc: Document, *, config: dict, project_dir: Path, origin: str) -> Document:
    module = importlib.import_module(PASSES[name])
    return module.apply(doc, config=config or {}, project_dir=project_dir, origin=origin)

"""Cleaning passes that run after a reader, chosen per text in the manifest (`cleaning:`).

Each pass module exposes `apply(doc, *, config, project_dir, origin) -> Document` and logs every
change it makes on the document, so that the cleaning report can list it, and declares the settings
it takes as `CONTRACT` (an `anthology.contracts.Contract`), which the manifest checks.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from ..contracts import Contract
from ..model import Document

PASSES = {"ocr_repair": "anthology.passes.ocr_repair", "emendations": "anthology.passes.emendations"}


def contract(name: str) -> Contract:
    """The settings pass `name` takes (its module's `CONTRACT`)."""
    return importlib.import_module(PASSES[name]).CONTRACT


def apply_pass(name: str, doc: Document, *, config: dict, project_dir: Path, origin: str) -> Document:
    module = importlib.import_module(PASSES[name])
    return module.apply(doc, config=config or {}, project_dir=project_dir, origin=origin)


def reasons() -> dict[str, str]:
    """The one-line reason of each change a pass logs (each module's `REASONS`), by rule id, for
    the cleaning report."""
    found: dict[str, str] = {}
    for module in PASSES.values():
        found.update(importlib.import_module(module).REASONS)
    return found

"""Renderers: one subpackage per edition (`render.epub`, `render.pdf`) and what both share (where a
printed page begins: `render.pages`; WeasyPrint fenced in: `render.weasy`).

Each edition is an object with one small interface, so that the pipeline reads as "prepare the
texts, then make each edition asked for":

- `start(tree, key)`: one text is ready, as the book has it (parsed and marked up), with the key
  the cache names it by (None without a cache); an edition may begin work on it at once (the PDF lays it out, the EPUB built alone writes its chapter) while
  the other texts are still being read;
- `finish(book_ast, staging, ...)`: the whole book is ready; the edition writes its output into
  the staging folder and returns a `Finished`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .pages import PrintPages


@dataclass
class Finished:
    """What an edition hands back to the pipeline."""

    outputs: dict[str, Path]
    """Kind ("pdf", "epub") → the file written, relative to the output folder."""
    warnings: list[str] = field(default_factory=list)
    pages: int | None = None
    """The PDF's page count (None for the EPUB)."""
    print_pages: PrintPages | None = None
    """Where each printed page begins and each anchor's folio: the PDF's, for the EPUB's page list."""
    laid_out: list[str] = field(default_factory=list)
    """The parts laid out by this build (the others came from the cache)."""
    from_cache: int = 0
    seconds: float = 0.0
    """From the edition's first work started to its output written."""

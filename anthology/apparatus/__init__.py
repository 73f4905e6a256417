"""The apparatus: marks added to the book's AST that both outputs share, and the parts only one
output has.

Each step is a function `(book, ast, warnings) -> None` that edits the AST in place. `STEPS` run
once per build on the shared AST, in order: heading ids and paragraph anchors first (everything
else points at them), then note labels, glossary links (and the glossary as back matter), then
index marks (after the glossary, so a mark can sit inside a glossary link but never the reverse).

`EPUB_STEPS` run on a copy of that AST for the EPUB only (`for_epub`): the sources behind "Ibid.",
notes written as pop-up asides with back-links, and the index section with links to the marks.
The print index is not in the AST: its page numbers exist only after layout (`print_index_html`).
"""
from __future__ import annotations

from ..ast import copy_tree
from ..manifest import Book
from .anchors import number_paragraphs, prefix_heading_ids
from .glossary import apply_glossary
from .index import collect_index, mark_index
from .index_pages import add_epub_index, print_index_html
from .notes import epub_notes, expand_ibid, label_notes
from .preface import preface_markdown

STEPS = [prefix_heading_ids, number_paragraphs, label_notes, apply_glossary, mark_index]
EPUB_STEPS = [expand_ibid, add_epub_index, epub_notes]

__all__ = ["STEPS", "EPUB_STEPS", "apply", "for_epub", "collect_index", "print_index_html", "preface_markdown"]


def apply(book: Book, ast: dict, warnings: list[str]) -> dict:
    for step in STEPS:
        step(book, ast, warnings)
    return ast


def for_epub(book: Book, ast: dict, warnings: list[str]) -> dict:
    """The EPUB's AST: a copy of the shared one with the EPUB-only apparatus added."""
    epub_ast = copy_tree(ast)
    for step in EPUB_STEPS:
        step(book, epub_ast, warnings)
    return epub_ast

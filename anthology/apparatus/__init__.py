"""The apparatus: marks added to the book's AST that both outputs share.

Each step is a function `(book, ast, warnings) -> None` that edits the AST in place; they run in
the order listed, once per build.
"""
from __future__ import annotations

from ..manifest import Book
from .anchors import number_paragraphs, prefix_heading_ids

STEPS = [prefix_heading_ids, number_paragraphs]


def apply(book: Book, ast: dict, warnings: list[str]) -> dict:
    for step in STEPS:
        step(book, ast, warnings)
    return ast

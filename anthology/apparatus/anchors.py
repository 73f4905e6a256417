"""Anchors that both outputs share: heading ids and paragraph ids, prefixed by the text's id.

Heading ids are `<text-id>-<slug>` so that two texts' "Conclusion" never collide and a link says
which text it goes to. Every body paragraph of a text gets a stable id, `<text-id>-p<N>`.

They are what lets the two outputs point at the same place: print page starts are mapped onto the
EPUB through them, and they are the citable paragraph numbers ("Trotsky ¶ 112"). The anchor is an
empty Span at the start of the paragraph, since Pandoc paragraphs carry no attributes.
"""
from __future__ import annotations

import re

from .. import ast as pandoc_ast


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def prefix_heading_ids(book, tree: dict, warnings: list[str]) -> None:
    seen = set()
    for text_id, blocks in pandoc_ast.texts(tree):
        for block in blocks:
            if block["t"] != "Header" or block["c"][0] == 1:
                continue
            base = f"{text_id}-{slug(pandoc_ast.stringify(block['c'][2]))}"
            ident, n = base, 1
            while ident in seen:
                n += 1
                ident = f"{base}-{n}"
            seen.add(ident)
            block["c"][1][0] = ident


def paragraph_anchor(text_id: str, number: int) -> str:
    return f"{text_id}-p{number}"


def number_paragraphs(book, tree: dict, warnings: list[str]) -> None:
    for text_id, blocks in pandoc_ast.texts(tree):
        count = 0

        def visit(block):
            nonlocal count
            if block["t"] != "Para":
                return
            count += 1
            anchor = {"t": "Span", "c": [[paragraph_anchor(text_id, count), ["para-anchor"], []], []]}
            block["c"].insert(0, anchor)

        for block in blocks:
            if block["t"] == "Div" and {"opener", "discussion"} & set(block["c"][0][1]):
                continue  # the opener's lines and the questions are not the text's paragraphs
            pandoc_ast.walk_blocks([block], visit)

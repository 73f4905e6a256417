"""Anchors that both outputs share: heading ids and paragraph ids, prefixed by the text's id.

Heading ids are `<text-id>-<slug>` so that two texts' "Conclusion" never collide and a link says
which text it goes to. Every body paragraph of a text gets a stable id, `<text-id>-p<N>`.

They are what lets the two outputs point at the same place: print page starts are mapped onto the
EPUB through them, and they are the citable paragraph numbers ("Trotsky ¶ 112"). The anchor is an
empty Span at the start of the paragraph, since Pandoc paragraphs carry no attributes.

With the manifest's `book.paragraph_numbers` (on unless set to false) the anchor also carries its
number, `data-n`, and both style sheets show it with `::before { content: attr(data-n) }`: in the
print margin, and small before the paragraph in the EPUB. Generated content adds no text to the
document, so the paragraph's text, and every character count that maps print pages onto the EPUB
(render/pages.py), stay as they were. The number is the paragraph's place in its text, so it
is the same in both outputs.

When the manifest has a reading plan, the last paragraph of each reading also gets an empty
anchor at its end (`reading_plan.mark_text_reading_ends`, the text step after this one), where the plan's page ranges stop.
"""
from __future__ import annotations

import re

from .. import doctree


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def prefix_heading_ids(book, tree: dict, warnings: list[str], facts: dict | None = None) -> None:
    """Give every heading below a text's title the id `<text-id>-<slug>`, unique in the book: a
    heading whose id would be another's, or a text's (text `one`'s heading "Two" and the text
    `one-two`), takes the next free `-2`, `-3`. The book's text ids are known to each text, so
    the ids are the same whichever texts are marked up together, and the contents link to a
    text lands on the text."""
    seen = {text.id for text in book.texts}
    for text_id, blocks in doctree.texts(tree):
        for block in blocks:
            if block["t"] != "Header" or doctree.header_level(block) == 1:
                continue
            base = f"{text_id}-{slug(doctree.stringify(doctree.header_inlines(block)))}"
            ident, n = base, 1
            while ident in seen:
                n += 1
                ident = f"{base}-{n}"
            seen.add(ident)
            doctree.set_id(block, ident)


def paragraph_anchor(text_id: str, number: int) -> str:
    return f"{text_id}-p{number}"


def number_paragraphs(book, tree: dict, warnings: list[str] | None = None, facts: dict | None = None) -> None:
    """Anchor (and number) every body paragraph."""
    shown = book.paragraph_numbers
    for text_id, blocks in doctree.texts(tree):
        count = 0

        def visit(block):
            nonlocal count
            if block["t"] != "Para":
                return
            count += 1
            number = [["data-n", str(count)]] if shown else []
            anchor = doctree.span(paragraph_anchor(text_id, count), ["para-anchor"], [], number)
            doctree.inlines_of(block).insert(0, anchor)

        for block in blocks:
            if doctree.is_editorial_div(block):
                continue  # the opener's lines and the questions are not the text's paragraphs
            doctree.walk_blocks([block], visit)

"""Anchors that both outputs share: heading ids and paragraph ids, prefixed by the text's id.

Heading ids are `<text-id>-<slug>` so that two texts' "Conclusion" never collide and a link says
which text it goes to. Every body paragraph of a text gets a stable id, `<text-id>-p<N>`; lines
set as paragraphs that are not prose (datelines, bare citations: `paragraph_shapes`) are not
counted and get none.

They are what lets the two outputs point at the same place: print page starts are mapped onto the
EPUB through them, and they are the citable paragraph numbers ("Trotsky ¶ 112"). The anchor is an
empty Span at the start of the paragraph, since Pandoc paragraphs carry no attributes.

With the manifest's `book.paragraph_numbers` (on unless set to false) the anchor also carries its
number, `data-n`. Print shows it with `::before { content: attr(data-n) }` in the margin:
generated content adds no text to the page, so the paragraph's text, and every character count
that maps print pages onto the EPUB (render/pages.py), stay as they were. The EPUB writes it into
the anchor as text (render/epub/paragraph_numbers.py), which those counts skip as an anchor's own
text. The number is the paragraph's place in its text, so it is the same in both outputs.

When the manifest has a reading plan, the last paragraph of each reading also gets an empty
anchor at its end (`reading_plan.mark_text_reading_ends`, the text step after this one), where the plan's page ranges stop.
"""
from __future__ import annotations

import re
from collections import Counter

from .. import doctree
from .paragraph_shapes import unnumbered_rule

UNNUMBERED = "unnumbered paragraphs"


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
    """Anchor (and number) every body paragraph that is prose. A line that only stands as a
    paragraph (a dateline, a bare citation: `paragraph_shapes`) gets neither number nor anchor,
    so it does not shift the numbers after it; print pages that begin on it are found through
    its section's id, as pages that begin on a heading are (render/pages.py). What was left
    unnumbered is counted in `facts["unnumbered paragraphs"]`, "text-id: rule: line" → 1."""
    shown = book.paragraph_numbers
    languages = {entry.id: entry.language or book.language for entry in book.texts}
    left_out: Counter = Counter()
    for text_id, blocks in doctree.texts(tree):
        count = 0
        language = languages.get(text_id) or book.language

        def visit(block):
            nonlocal count
            if block["t"] != "Para":
                return
            line = " ".join(doctree.stringify(doctree.inlines_of(block)).split())
            rule = unnumbered_rule(line, language)
            if rule is not None:
                left_out[f"{text_id}: {rule.name}: {line}"] += 1
                return
            count += 1
            number = [["data-n", str(count)]] if shown else []
            anchor = doctree.span(paragraph_anchor(text_id, count), ["para-anchor"], [], number)
            doctree.inlines_of(block).insert(0, anchor)

        for block in blocks:
            if doctree.is_editorial_div(block):
                continue  # the opener's lines and the questions are not the text's paragraphs
            doctree.walk_blocks([block], visit)
    if facts is not None and left_out:
        facts[UNNUMBERED] = facts.get(UNNUMBERED, Counter()) + left_out

"""The print edition's running heads: one scheme, the larger unit on the verso, the smaller on the recto.

- A text: its author on the verso, its title on the recto.
- A long text divided into chapters: its title on the verso, the current chapter's title on the
  recto (a reader looking for "chapter 3" of a 70-page text finds it by the heads, as in a
  monograph).
- A part of the book's own (preface, reading plan, glossary; the index sets the same strings in
  templates/index.html.j2): the book's title on the verso, the part's name on the recto.

The heads are data attributes on the headings (`data-author`: the verso, `data-running-head`: the
recto), which styles/print.css turns into named strings; which text is "long" is decided from its
structure, never from which text it is.
"""
from __future__ import annotations

import re

from ...doctree import header_inlines, header_level, stringify

CHAPTERS_AT_LEAST = 2
"""Level-2 sections a text needs for chapter heads: one section is a part label, not chapters."""
CHAPTER_CHARACTERS = 8000
"""Average characters of text per chapter (about three A5 pages) from which a chapter runs long
enough for its title to be worth a head; shorter sections (a paper's subheadings) keep the text's
title on the rectos."""
CHAPTER_LABEL = re.compile(r"^\s*(?:(?:chapter|part|section)\s+[\w.]+|[IVXLC]+\.|\d+\.)\s*[:.–—-]?\s*", re.I)
"""The number before a chapter's title ("Chapter 2: ", "VIII. "), left out of its head."""


def has_chapter_heads(blocks: list[dict]) -> bool:
    """Whether a text (its blocks, from its level-1 heading on) is long and divided into chapters."""
    chapters = [b for b in blocks if header_level(b) == 2]
    return len(chapters) >= CHAPTERS_AT_LEAST and len(stringify(blocks)) / len(chapters) >= CHAPTER_CHARACTERS


def chapter_head(block: dict) -> str:
    """A chapter heading's running head: its title without its number."""
    title = stringify(header_inlines(block)).strip()
    return CHAPTER_LABEL.sub("", title, count=1) or title

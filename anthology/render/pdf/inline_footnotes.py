"""Each footnote put where its call is, as `<span class="footnote">`: filters/inline_footnotes.lua
(which says why and how) done on the tree in Python, before the tree is handed to Pandoc.

Why twice: a Lua filter makes Pandoc hand the whole section to Lua and take it back, which more
than doubles Pandoc's run (Trotsky's text: 0.35 s of CPU to write its HTML, 0.82 s with the filter;
1.3 s a cold build in all). Here only the blocks that hold a note are looked at, and they are
copied first (`copy_around`): the tree is the EPUB's too.

What is done here is held to the filter: tests/test_inline_footnotes.py writes every section of the
built book both ways and compares the HTML byte for byte. A note whose blocks are not all
paragraphs (a list, a quotation, a table in a note: `pandoc.utils.blocks_to_inlines` has rules of
its own for each) is left for the filter: its section keeps its notes, and `needs_filter` says so.
"""
from __future__ import annotations

from ...doctree import (classes, copy_around, find_notes, header_id, header_level, inlines_of, line_break,
                        note_blocks, span, walk_inline_lists)
from ...pandoc import json_holds

TEXT_CLASS = "text"
"""A level-1 heading with this class starts a text: its notes are numbered from 1, their ids
prefixed with its id (`<text-id>-fn<N>`); notes before the first text are `book-fn<N>`."""


def inline_footnotes(blocks: list) -> list:
    """`blocks` with each note as a footnote span at its call, the word before the call and the
    call held in a `with-call` span; the blocks holding no note are the same objects, and the
    others copies. If any note holds more than paragraphs, `blocks` as given (`needs_filter`)."""
    text_id, count = "book", 0
    out = []
    for block in blocks:
        if header_level(block) == 1 and TEXT_CLASS in classes(block):
            text_id, count = header_id(block), 0
        notes = find_notes(block)
        if not notes:
            out.append(block)
            continue
        if any(kind not in ("Para", "Plain") for note in notes for kind in _block_kinds(note)):
            return blocks
        block = copy_around(block, "Note")

        def glue_calls(inlines: list) -> None:
            nonlocal count
            if not any(inline.get("t") == "Note" for inline in inlines):
                return
            glued: list = []
            for inline in inlines:
                if inline.get("t") != "Note":
                    glued.append(inline)
                    continue
                count += 1
                note = span(f"{text_id}-fn{count}", ["footnote"], _note_inlines(inline),
                            [["data-note", str(count)]])
                if glued and glued[-1].get("t") == "Str":
                    glued[-1] = span("", ["with-call"], [glued[-1], note])
                else:
                    glued.append(note)
            inlines[:] = glued

        walk_inline_lists(block, glue_calls)
        out.append(block)
    return out


def needs_filter(ast_json: str) -> bool:
    """Whether a section's JSON still holds a note: one `inline_footnotes` left for the filter."""
    return json_holds(ast_json, "Note")


def _block_kinds(note: dict) -> list[str]:
    return [block["t"] for block in note_blocks(note)]


def _note_inlines(note: dict) -> list:
    """A note's paragraphs as one inline list, a line break between two: what
    `pandoc.utils.blocks_to_inlines(blocks, {pandoc.LineBreak()})` gives for paragraphs. Pandoc
    joins the pieces as its Inlines builder does, right to left, and where two meet a space or
    soft break beside the line break is dropped."""
    pieces: list[list] = []
    for i, block in enumerate(note_blocks(note)):
        if i:
            pieces.append([line_break()])
        pieces.append(list(inlines_of(block)))
    joined: list = []
    for piece in reversed(pieces):
        joined = _meld(piece, joined)
    return joined


_DROPPED_BESIDE_BREAK = ("Space", "SoftBreak")


def _meld(left: list, right: list) -> list:
    """Pandoc's `left <> right` for Inlines, where one side is a line break (the only joins here)."""
    if not left:
        return right
    if not right:
        return left
    last, first = left[-1].get("t"), right[0].get("t")
    if last in _DROPPED_BESIDE_BREAK and first == "LineBreak":
        return left[:-1] + right
    if last == "LineBreak" and first in _DROPPED_BESIDE_BREAK:
        return left + right[1:]
    return left + right

"""Notes written as HTML superscripts: ``<sup>N</sup>`` calls in the body and a list of
``<sup>N</sup>text`` paragraphs at the end, as a web page or a word processor exports them.

Pandoc would keep these as raw HTML: the calls would not link to their notes and the numbers
would print as plain superscripts. They become Pandoc footnotes here. Because a mistake would
attach a citation to the wrong sentence, the numbering is checked before anything is converted:
every number 1..N must be called exactly once in the body and defined exactly once in the list,
both in order; otherwise the reader stops with a `SourceError` naming the note.

A paragraph of the note list that does not start with ``<sup>N</sup>`` continues the note
before it: as a second paragraph of that note, or, when the note was cut mid-sentence by a
page break, as the rest of its paragraph (the same rule as body paragraphs, see `pagebreaks`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...errors import SourceError
from ...model import Document
from ...prose import ends_sentence
from .pagebreaks import Block, starts_lowercase

REASONS = {
    "md-sup-note": "a note written as an HTML superscript (<sup>N</sup>) becomes a Pandoc footnote",
    "md-note-paragraph": "a paragraph of the note list without its own number: the note's next paragraph",
    "md-note-join": "a note cut mid-sentence by a page break, joined again",
}
"""The one-line reason of each change logged here, for the cleaning report."""

SUP_CALL = re.compile(r"[ \t]*<sup>\s*(\d+)\s*</sup>")
NOTE_HEAD = re.compile(r"^<sup>\s*(\d+)\s*</sup>\s*")


@dataclass
class Note:
    number: int
    line: int
    paragraphs: list[str] = field(default_factory=list)


def split_note_list(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """Split blocks into the body and the note list, which starts at the first paragraph that
    begins with a superscript number (a body paragraph never starts with a note call)."""
    for i, block in enumerate(blocks):
        if block.kind == "para" and NOTE_HEAD.match(block.text):
            return blocks[:i], blocks[i:]
    return blocks, []


def collect_notes(note_blocks: list[Block], doc: Document, origin: str) -> list[Note]:
    """Read the note list into notes, re-joining notes that a page break cut."""
    notes: list[Note] = []
    for block in note_blocks:
        head = NOTE_HEAD.match(block.text) if block.kind == "para" else None
        if head:
            notes.append(Note(int(head.group(1)), block.line, [block.text[head.end():].strip()]))
            continue
        if block.kind not in ("para", "quote"):
            raise SourceError(f"{origin}:{block.line}: a {block.kind} inside the note list; "
                              "only paragraphs and block quotes can continue a note")
        note = notes[-1]
        text = block.text if block.kind == "para" else "\n".join(
            "> " + line if line else ">" for line in block.text.split("\n"))
        if block.kind == "para" and (not ends_sentence(note.paragraphs[-1]) or starts_lowercase(text)):
            doc.log("md-note-join", f"{note.paragraphs[-1][-30:]} ¶ {text[:30]}",
                    f"{note.paragraphs[-1][-30:]} {text[:30]}", block.where)
            note.paragraphs[-1] += " " + text
        else:
            doc.log("md-note-paragraph", f"¶ {text[:40]}", f"paragraph {len(note.paragraphs) + 1} of note "
                    f"{note.number}", block.where)
            note.paragraphs.append(text)
    return notes


def calls_in(blocks: list[Block]) -> list[tuple[int, int]]:
    """(note number, raw line) for every call, in reading order."""
    return [(int(m.group(1)), block.line) for block in blocks for m in SUP_CALL.finditer(block.text)]


def check_numbering(calls: list[tuple[int, int]], notes: list[Note], origin: str) -> None:
    """Insist that notes 1..N are each defined once and called once, both in order."""
    for expected, note in enumerate(notes, 1):
        if note.number != expected:
            raise SourceError(f"{origin}:{note.line}: the note list has note {note.number} "
                              f"where note {expected} should be; notes must run 1..N, each once")
    total = len(notes)
    for number, line in calls:
        if not 1 <= number <= total:
            raise SourceError(f"{origin}:{line}: call to note {number}, but the note list "
                              f"has notes 1..{total}")
    lines: dict[int, list[int]] = {}
    for number, line in calls:
        lines.setdefault(number, []).append(line)
    for number in range(1, total + 1):
        found = lines.get(number, [])
        if len(found) != 1:
            where = ", ".join(f"line {n}" for n in found) or "nowhere"
            raise SourceError(f"{origin}: note {number} (defined at line {notes[number - 1].line}) "
                              f"is called {len(found)} times in the body ({where}); expected once")
    for (a, line_a), (b, line_b) in zip(calls, calls[1:]):
        if b < a:
            raise SourceError(f"{origin}: note {b} is called at line {line_b}, after note {a} "
                              f"(line {line_a}); calls must run in order")


def renumbering(total: int, unnumbered: set[int]) -> dict[int, int | None]:
    """Old number → new number, with the unnumbered notes (a title's source note) left out."""
    mapping: dict[int, int | None] = {}
    new = 0
    for old in range(1, total + 1):
        if old in unnumbered:
            mapping[old] = None
        else:
            new += 1
            mapping[old] = new
    return mapping


def convert_calls(block: Block, mapping: dict[int, int | None], doc: Document) -> None:
    """``word<sup>7</sup>.`` → ``word[^6].``: the call stays where the author put it, before or
    after the punctuation; a space before it goes (a call is glued to its word)."""
    def replace(match: re.Match) -> str:
        new = mapping[int(match.group(1))]
        after = f"[^{new}]" if new is not None else ""
        doc.log("md-sup-note", match.group(0).strip(), after or "(unnumbered source note)", block.where)
        return after

    block.text = SUP_CALL.sub(replace, block.text)


def numbered_notes(notes: list[Note], mapping: dict[int, int | None]) -> dict[str, str]:
    """The notes that keep a number, as Pandoc note labels → Markdown text."""
    return {str(mapping[n.number]): "\n\n".join(n.paragraphs) for n in notes if mapping[n.number] is not None}

"""Reader for plain text saved from a web page.

Such a copy keeps one paragraph per line, but loses everything the page's markup said: the
masthead (publication, date, series title) is a run of bare lines at the top, headings are plain
lines, note calls are digits glued onto the preceding word (``humanity.2``), and the note list
at the end reads ``  N. text↩︎`` with the page's back-link arrow (U+21A9 + VS15) still attached.

What each masthead or furniture line *means* cannot be inferred, so it comes from the text's
editorial file (``masthead``, ``drop_lines``, ``byline``), and every such entry must match a whole
line of the text exactly once. What every page of one site shares (the publication's masthead
line, how it writes a date) may come from the site's source profile instead (`anthology.profiles`).
Headings and note calls follow general rules: a short line such as ``Part II - Second revolution``
or ``2.1. The first five-year plan`` is a heading; calls are found by
`anthology.sources.repair.glued_notes`, which walks the numbers 1 … N in order.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace
from datetime import datetime

from .repair.glued_notes import assign_calls, place_calls, word_bounds
from ..contracts import Contract, EditorialKey, Option
from ..errors import EditorialError, SourceError
from ..footnotes import with_notes
from ..model import Document
from ..prose import ends_sentence

NOTE_LINE = re.compile(r"^ {1,4}(\d+)\.\s+(\S.*)$")
"""A note in the list: indented, unlike body paragraphs that start with a number (``1917. …``)."""
BACKLINK = re.compile(r"\s*\u21a9[\ufe0e\ufe0f]?")
"""The page's "back to the text" arrow, with the variation selector that asks for text style."""
PART_LINE = re.compile(
    r"^(?P<word>Part|Chapter|Book)\s+(?P<number>[IVXLCDM]+|\d+)"
    r"(?:\s*[-–—:.]\s*(?P<title>\S.*))?$"
)
SECTION_LINE = re.compile(r"^(?P<number>\d+(?:\.\d+)+)\.?\s+(?P<title>\S.*)$")
"""``2.1. The first five-year plan``: at least two numbered levels, then a capitalised title."""
DEFAULT_MAX_HEADING_WORDS = 12
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
"""ISO 8601, which is no one site's habit; a site's own way comes from its profile (`masthead.date_format`)."""
CONTRACT = Contract(
    options=(
        Option("max_heading_words", "integer", DEFAULT_MAX_HEADING_WORDS,
               "a numbered line (`2.1. Title`) longer than this is a paragraph, not a heading"),
    ),
    editorial=(
        EditorialKey("masthead", "mapping", "the masthead's bare lines at the top, each matched as a whole line",
                     profile=True, keys=(
            EditorialKey("publication", "string", "the publication's line, as it stands (dropped)"),
            EditorialKey("publication_name", "string", "the publication's name for the metadata (default: the line)"),
            EditorialKey("date", "string", "the issue date's line, as printed (dropped; the metadata's date)"),
            EditorialKey("date_format", "string", f"how the date is written (default `{DEFAULT_DATE_FORMAT}`)"),
            EditorialKey("title_prefix", "string", "the start of the series-title line (dropped; the rest is "
                         "the series)"),
        )),
        EditorialKey("drop_lines", "list of strings", "other furniture lines to drop, each a whole line"),
        EditorialKey("byline", "string", "the author's name line (dropped, kept as metadata)"),
    ),
)
"""The options and editorial keys this reader takes (checked by the manifest, listed in docs/manifest.md)."""
MASTHEAD_KEYS = {key.name for key in CONTRACT.editorial_key("masthead").keys}

# Characters that Pandoc Markdown would read as markup inside a paragraph of plain web text.
INLINE_MARKUP = re.compile(r"([\\*_`<$~^])|(@)(?=\w)|(\])(?=[(\[:{]|$)")
# A paragraph start that Pandoc would read as a list, a heading, a quote or a table.
BLOCK_START_NUMBER = re.compile(r"^(\d+)([.)])(?=\s|$)")
BLOCK_START_MARK = re.compile(r"^([-*+#>|])(?=\s|#|$)")


def read(raw: str, *, options: dict, editorial: dict, origin: str) -> Document:
    """Furniture out (editorial), notes read, headings marked, then calls placed over the body.

    Headings are marked before the calls are placed so that a call can never hide a heading;
    calls are placed last because they need the note count and the final body text.
    Option ``max_heading_words`` (default 12) bounds how long a heading line may be.
    """
    doc = Document(body="")
    lines = raw.split("\n")
    notes_start = _note_list_start(lines)
    removed = _remove_furniture(lines[:notes_start], editorial, origin, doc)
    notes = _read_note_list(lines, notes_start, origin, doc)
    blocks = [
        _Block(number, line.strip())
        for number, line in enumerate(lines[:notes_start], 1)
        if line.strip() and number not in removed
    ]
    max_words = int(options.get("max_heading_words", DEFAULT_MAX_HEADING_WORDS))
    for block in blocks:
        _mark_heading(block, max_words, doc)
    _place_note_calls(blocks, len(notes), origin, doc)
    paragraphs = [block.markdown() for block in blocks]
    doc.body = with_notes("\n\n".join(paragraphs), notes)
    return doc


class _Block:
    """One line of the source body: a paragraph or a heading, with its raw line number."""

    def __init__(self, line: int, text: str):
        self.line = line
        self.text = text
        self.level = 0  # 0 for a paragraph, else the Markdown heading level
        self.markup = ""  # the text with calls placed and markup escaped

    def markdown(self) -> str:
        if self.level:
            return "#" * self.level + " " + self.markup
        return _escape_block_start(self.markup)


# --- furniture ------------------------------------------------------------------------------

def _remove_furniture(lines: list[str], editorial: dict, origin: str, doc: Document) -> set[int]:
    """Drop the masthead, the lines named in `drop_lines` and the byline; return their numbers."""
    removed: set[int] = set()

    def take(entry: str, line_text: str, rule: str, after: str = "") -> str:
        number = _line_number(lines, line_text, entry, origin)
        removed.add(number)
        doc.log(rule, line_text, after, f"line {number}", words_removed=len(line_text.split()))
        return line_text

    masthead = editorial.get("masthead") or {}
    if not isinstance(masthead, dict):
        raise EditorialError(f"{origin}: editorial entry masthead must be a mapping of {sorted(MASTHEAD_KEYS)}")
    unknown = set(masthead) - MASTHEAD_KEYS
    if unknown:
        raise EditorialError(
            f"{origin}: editorial entry masthead has unknown key(s) {sorted(unknown)}; "
            f"known keys are {sorted(MASTHEAD_KEYS)}"
        )
    if "publication" in masthead:
        line = take("masthead.publication", str(masthead["publication"]), "web-masthead")
        doc.metadata["publication"] = str(masthead.get("publication_name") or line)
    if "date" in masthead:
        line = take("masthead.date", str(masthead["date"]), "web-masthead")
        date_format = str(masthead.get("date_format", DEFAULT_DATE_FORMAT))
        try:
            doc.metadata["date"] = datetime.strptime(line, date_format).date().isoformat()
        except ValueError:
            raise EditorialError(
                f"{origin}: editorial entry masthead.date {line!r} does not parse as {date_format!r}; "
                "give masthead.date_format (in the editorial file, or in the site's source profile)"
            ) from None
    if "title_prefix" in masthead:
        prefix = str(masthead["title_prefix"])
        matches = [text.strip() for text in lines if text.strip().startswith(prefix)]
        if len(matches) != 1:
            raise EditorialError(
                f"{origin}: editorial entry masthead.title_prefix {prefix!r} starts {len(matches)} line(s), "
                "expected 1"
            )
        take("masthead.title_prefix", matches[0], "web-masthead")
        doc.metadata["series"] = matches[0][len(prefix):].strip()
    for i, line in enumerate(editorial.get("drop_lines") or [], 1):
        take(f"drop_lines[{i}]", str(line), "web-drop-line")
    if editorial.get("byline"):
        doc.metadata["author"] = take("byline", str(editorial["byline"]), "web-byline")
    return removed


def _line_number(lines: list[str], wanted: str, entry: str, origin: str) -> int:
    """The 1-based number of the one line that is exactly `wanted` (ignoring outer spaces)."""
    numbers = [n for n, line in enumerate(lines, 1) if line.strip() == wanted.strip()]
    if len(numbers) != 1:
        raise EditorialError(
            f"{origin}: editorial entry {entry} {wanted!r} matches {len(numbers)} whole line(s) before the note list, "
            "expected 1; fix the entry so that it matches the text exactly"
            + (" (it is in the editorial file, or in the site's source profile)" if entry.startswith("masthead.") else "")
        )
    return numbers[0]


# --- notes ----------------------------------------------------------------------------------

def _note_list_start(lines: list[str]) -> int:
    """Index of the note list's first line (note 1), or len(lines) if the text has no notes."""
    for index, line in enumerate(lines):
        match = NOTE_LINE.match(line)
        if match and match.group(1) == "1":
            return index
    return len(lines)


def _read_note_list(lines: list[str], start: int, origin: str, doc: Document) -> list[str]:
    """The notes as Markdown, in order; a line that does not start a note continues the one before."""
    notes: list[list[str]] = []
    backlinks = 0
    for number, line in enumerate(lines[start:], start + 1):
        if not line.strip():
            continue
        text, found = BACKLINK.subn("", line.strip())
        backlinks += found
        match = NOTE_LINE.match(line)
        if not match:
            notes[-1].append(text)  # a note's further paragraph
        elif int(match.group(1)) == len(notes) + 1:
            notes.append([BACKLINK.sub("", match.group(2)).strip()])
        else:
            raise SourceError(
                f"{origin}:{number}: note {match.group(1)} where note {len(notes) + 1} was expected; "
                "the note list must be numbered 1, 2, 3 … without gaps"
            )
    if backlinks:
        doc.log("web-note-backlink", "\u21a9\ufe0e", "", f"lines {start + 1}–{len(lines)} ({backlinks} back-links)")
    return ["\n\n".join(_escape_block_start(_escape_inline(p)) for p in paragraphs) for paragraphs in notes]


def _place_note_calls(blocks: list[_Block], count: int, origin: str, doc: Document) -> None:
    """Find the glued calls 1 … count across the body and write them as ``[^N]``."""
    joined = "\n".join(block.text for block in blocks)
    starts = []
    offset = 0
    for block in blocks:
        starts.append(offset)
        offset += len(block.text) + 1

    def block_at(position: int) -> int:
        return bisect.bisect_right(starts, position) - 1

    def locate(position: int) -> str:
        block = blocks[block_at(position)]
        return f"line {block.line}"

    calls, leftovers = assign_calls(joined, count, origin=origin, locate=locate) if count else ([], [])
    for block_index, block in enumerate(blocks):
        base = starts[block_index]
        local = [replace(c, start=c.start - base, end=c.end - base) for c in calls if block_at(c.start) == block_index]
        block.markup = place_calls(block.text, local, escape=_escape_inline)
        for call in local:
            left, right = word_bounds(block.text, call.start, call.end)
            after = block.text[left:call.start] + f"[^{call.value}]" + block.text[call.end:right]
            doc.log("web-note-call", block.text[left:right], after, f"line {block.line}")
    for leftover in leftovers:
        left, right = word_bounds(joined, leftover.start, leftover.end)
        doc.log("web-note-not-a-call", joined[left:right], joined[left:right], locate(leftover.start))


# --- headings and escaping ------------------------------------------------------------------

def _mark_heading(block: _Block, max_words: int, doc: Document) -> None:
    """Turn a short, unpunctuated `Part II - Title` or `2.1. Title` line into a heading."""
    text = block.text
    if len(text.split()) > max_words or ends_sentence(text, clause=True):
        return
    part = PART_LINE.match(text)
    section = SECTION_LINE.match(text)
    if part:
        block.level = 2
        block.text = f"{part['word']} {part['number']}" + (f": {part['title']}" if part["title"] else "")
    elif section and section["title"][0].isupper():
        levels = section["number"].count(".") + 1  # 2.1 is a section, 2.1.3 a subsection
        block.level = levels + 1
        block.text = f"{section['number']}. {section['title']}"
    else:
        return
    doc.log("web-heading", text, "#" * block.level + " " + block.text, f"line {block.line}")


def _escape_inline(text: str) -> str:
    """Backslash the characters Pandoc would take for emphasis, code, maths, HTML or citations."""
    return INLINE_MARKUP.sub(lambda m: "\\" + m.group(0), text)


def _escape_block_start(text: str) -> str:
    """Keep a paragraph starting ``1917. `` or ``- `` from becoming a list (or a heading, a quote)."""
    text = BLOCK_START_NUMBER.sub(r"\1\\\2", text)
    return BLOCK_START_MARK.sub(r"\\\1", text)


REASONS = {
    "web-masthead": "the page's masthead (publication, date, series title), named by the editorial file",
    "web-drop-line": "a line of the page's furniture the editorial file names (drop_lines)",
    "web-byline": "the author's name line (editorial byline): kept as metadata",
    "web-heading": "a short, unpunctuated Part II - Title or 2.1. Title line: a heading",
    "web-note-call": "a note call glued to the text as plain digits (humanity.2) becomes a footnote call",
    "web-note-not-a-call": "digits that could be a call but are none of the calls 1 … N (an OCR slip): left alone",
    "web-note-backlink": "the page's back-link arrows (↩︎) at the end of each note",
}
"""The one-line reason of each change this reader logs, for the cleaning report."""

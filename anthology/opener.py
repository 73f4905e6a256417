"""What a text's opener already says, taken out of its body: one opener model for every text.

Every text opens the same way (templates/opener.md.j2): title, the author's subtitle, the
extent the book gives, author, translation, date, one source line, and the source's own note
on the text. A source often repeats its title as its first heading ("Part II - Second
revolution" under an opener that says "Part II: Second Revolution"), and a reader sees it twice;
a source note may say nothing the manifest's source line does not. Both are removed here, on
the cleaned document, so that the words the preface and the reading plan count are the words
the book prints; each removal is logged for the cleaning report.
"""
from __future__ import annotations

import re
import unicodedata

from .model import Document

REASONS = {
    "opener-repeated-heading": "the text's first heading repeats the title or subtitle its opener already shows",
    "opener-section-promoted": "a heading in the section of a dropped repeated heading moves up a level, so that "
                               "no heading level is skipped after the title",
    "opener-source-note-omitted": "the manifest's source line (`published`) says what the source's own note says "
                                  "(`omit_source_note`)",
}

_FIRST_HEADING = re.compile(r"\A\s*(#{1,6})[ \t]+(?P<text>[^\n]*?)[ \t]*(?:\{[^{}\n]*\})?[ \t]*(?:\n|\Z)")
_HEADING_LINE = re.compile(r"^(#{1,6})[ \t]")
_FENCE = re.compile(r"^\s*(```|~~~)")
_MARKUP = re.compile(r"\\(?=.)|[*_`~^]")


def normalised(text: str) -> str:
    """A heading or title as compared: case, punctuation, Markdown emphasis and spacing ignored
    ("Part II: Second Revolution" and "Part II – Second *revolution*" are the same)."""
    text = unicodedata.normalize("NFKC", _MARKUP.sub("", text)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def repeats_opener(heading: str, title: str, subtitle: str = "") -> bool:
    """Whether a heading says what the opener shows: the title, the subtitle, or both."""
    said = normalised(heading)
    shown = {normalised(title), normalised(subtitle), normalised(f"{title} {subtitle}")}
    return bool(said) and said in shown


def drop_repeated_heading(doc: Document, title: str, subtitle: str = "") -> Document:
    """`doc` without its first heading when the heading is the body's first block and repeats
    the opener (logged as `opener-repeated-heading`). A heading after any text, or one that says
    more than the opener (a note call, other words), stays. The headings of the dropped heading's
    section (up to the next heading of its level or above) each move up a level, so the text's
    sections follow its title without a skipped level (`opener-section-promoted`)."""
    found = _FIRST_HEADING.match(doc.body)
    if not (found and repeats_opener(found.group("text"), title, subtitle)):
        return doc
    level = len(found.group(1))
    doc.log("opener-repeated-heading", found.group(0).strip(), "", "first heading")
    body = doc.body[found.end():].lstrip("\n")
    lines = body.split("\n")
    fenced = False
    for i, line in enumerate(lines):
        fenced ^= bool(_FENCE.match(line))
        heading = None if fenced else _HEADING_LINE.match(line)
        if not heading:
            continue
        if len(heading.group(1)) <= level:
            break  # the dropped heading's section ends here
        if len(heading.group(1)) <= 2:
            continue  # a text's sections are level 2 at the highest (its title is level 1)
        lines[i] = line[1:]
        doc.log("opener-section-promoted", line, lines[i], "after the first heading")
    doc.body = "\n".join(lines)
    return doc


def omit_source_note(doc: Document) -> Document:
    """`doc` without the source's own note on the text (logged as `opener-source-note-omitted`)."""
    if doc.source_note:
        doc.log("opener-source-note-omitted", doc.source_note, "", "source note")
        doc.source_note = ""
    return doc


def fit_to_opener(doc: Document, *, title: str, subtitle: str = "", omit_note: bool = False) -> Document:
    """The cleaned document as the opener model wants it (see the module's docstring)."""
    doc = drop_repeated_heading(doc, title, subtitle)
    return omit_source_note(doc) if omit_note else doc

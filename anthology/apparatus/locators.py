"""Where a place in a text is, in words a reader can follow: "Trotsky, ch. 2 §1, ¶23" or "n. 4".

Used by the EPUB index, whose links cannot show page numbers. A section's label comes from its
heading: its own number when it has one ("Chapter 2: …" → "ch. 2", "1.1. Party and class" → "§1.1",
"IV. The Stalinist …" → "§IV"), otherwise its first words ("Conclusion"). Paragraphs are the
citable paragraph numbers that `anchors.number_paragraphs` gives every text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NAMED = re.compile(r"^(chapter|part|section|book)\s+(\d+|[IVXLC]+)\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*|[IVXLC]+)\.?(?=\s|$)")
_ABBREVIATIONS = {"chapter": "ch.", "part": "pt", "section": "§", "book": "bk"}
WORDS_IN_LABEL = 3


def short_title(entry) -> str:
    """How the index names a text: the manifest's `short_title` if it has one, else its title."""
    return getattr(entry, "short_title", "") or entry.title


def heading_label(text: str) -> tuple[str, bool]:
    """A heading's short label and whether it is a number ("ch. 2") rather than words."""
    text = " ".join(text.split())
    m = _NAMED.match(text)
    if m:
        return f"{_ABBREVIATIONS[m.group(1).lower()]} {m.group(2)}", True
    m = _NUMBERED.match(text)
    if m:
        return f"§{m.group(1)}", True
    title = re.split(r"[:.?]\s", text, maxsplit=1)[0].strip("“”‘’\"' ")
    words = title.split()
    return (" ".join(words[:WORDS_IN_LABEL]) + ("…" if len(words) > WORDS_IN_LABEL else "")), False


@dataclass(frozen=True)
class Locator:
    text_id: str
    text_title: str
    section: str  # "ch. 2 §1", "Conclusion", or "" before the first heading
    place: str    # "¶23" or "n. 4"
    note: int | None = None
    """The number of the note the place is in (None in the running text): print gives a note's
    page from where the note itself is printed, which may not be its call's page."""
    chapter: str = ""
    """The chapter's label alone ("ch. 2"), or the section's before a text's first chapter: the
    print index breaks a text's long list of pages by chapter before it breaks it by section."""

    @property
    def label(self) -> str:
        return ", ".join(part for part in (self.text_title, self.section, self.place) if part)


class SectionTracker:
    """Follows a text's headings and paragraph anchors in reading order."""

    def __init__(self, text_id: str, text_title: str):
        self.text_id, self.text_title = text_id, text_title
        self.chapter: tuple[str, bool] | None = None
        self.section: tuple[str, bool] | None = None
        self.paragraph_number = 0

    def heading(self, level: int, text: str) -> None:
        if level <= 2:
            self.chapter, self.section = heading_label(text), None
        elif level == 3:
            self.section = heading_label(text)

    def paragraph(self, anchor_id: str) -> None:
        m = re.search(r"-p(\d+)$", anchor_id)
        if m:
            self.paragraph_number = int(m.group(1))

    def section_label(self) -> str:
        if self.chapter and self.section:
            if self.chapter[1] and self.section[1]:
                return f"{self.chapter[0]} {self.section[0]}"
            return self.section[0]
        return (self.chapter or self.section or ("", False))[0]

    def locator(self, note: int | None = None) -> Locator:
        place = f"n. {note}" if note else f"¶{max(self.paragraph_number, 1)}"
        chapter = (self.chapter or self.section or ("", False))[0]
        return Locator(self.text_id, self.text_title, self.section_label(), place, note or None, chapter)


def short_subtitle(subtitle: str) -> str:
    """The part of a subtitle before its first colon or parenthesis: "Part II: Second Revolution"
    → "Part II"."""
    for mark in (":", " ("):
        subtitle = subtitle.split(mark, 1)[0]
    return subtitle.strip()


def running_head(entry: "TextEntry", texts: list["TextEntry"]) -> str:
    """What the right-hand page and the bookmark call a text: its title, and when another text of
    the book has the same title (two parts of one work), the first words of its subtitle too."""
    shared = sum(1 for other in texts if other.title == entry.title) > 1
    if shared and entry.subtitle:
        return f"{entry.title}: {short_subtitle(entry.subtitle)}"
    return entry.title

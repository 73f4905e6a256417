"""Recovering the structure of an OCR'd browser print of web pages: furniture, headings, paragraphs.

A browser print wraps every paragraph at the page width and adds what the browser and the site put
around the text: a running head and a URL footer on each printed page, the site's masthead and
navigation links on each web page. OCR then loses the blank line between paragraphs at the top of
a printed page (where it marks the new page by a leading space instead) and sometimes inserts a
blank line in the middle of one. These rules work on the text's lines and rebuild its blocks:

- furniture (``ocr-url-footer``, ``ocr-running-head``, ``ocr-masthead``, ``ocr-navigation``) is
  dropped and its words are counted; the masthead lines, the running-head pattern and the
  navigation links' wording are data (one site's or one book's: the text's editorial file or its
  source profile), the browser's footer shape is general;
- a line holding only a book-part word (``INTRODUCTION``, ``EPILOGUE``), ``Chapter N`` with its
  title lines, and numbered sections (``1. Title``, ``1.`` with the title on the next lines,
  ``4,`` misread, `` 3.`` at a page top) become headings; a chapter's list of its section titles
  printed before section 1 is dropped (``ocr-section-list``) once it matches the sections found;
- lines are joined into paragraphs. Across blank lines a paragraph continues when the first part
  does not end a sentence or the next starts in lower case (``ocr-join-across-blank``); between
  adjacent lines a paragraph ends when a *short* line ends a sentence and the next starts like a
  paragraph (``ocr-lost-break``): a short line in a print means the text broke there.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ...errors import SourceError
from ...model import Document
from ...prose import count_words, ends_sentence, title_case

REASONS = {
    "ocr-url-footer": "the browser's page footer (the page's address, k of m, the date of printing)",
    "ocr-running-head": "the browser's running head on each printed page",
    "ocr-masthead": "the site's masthead, printed at the top of each web page",
    "ocr-navigation": "a web page's navigation links (their wording comes from the site's source profile)",
    "ocr-section-list": "a chapter's printed list of its section titles, which the section headings repeat",
    "ocr-scene-break": "* * * as the OCR read it",
    "ocr-heading": "a book-part word, Chapter N or a numbered section on a line of its own: a heading",
    "ocr-heading-case": "a title cased as the other titles are (an all-caps title, a small word capitalised)",
    "ocr-join-across-blank": "a blank line the OCR put inside a paragraph",
    "ocr-lost-break": "a paragraph break the OCR lost: a short line ends a sentence",
    "ocr-break-unsure": "a new printed page after a sentence's end; joined, as the line before is full",
}
"""The one-line reason of each change logged here, for the cleaning report."""

URL_FOOTER = re.compile(
    r"^\s*(?P<url>https?://\S+)\s*\(\s*\d+\s+of\s+\d+\s*\)\s*(?:\[(?P<stamp>[^\]]*)\])?\s*$"
)
"""The browser's page footer: the page's address, ``(k of m)`` and the date of printing."""
SCENE_BREAK = re.compile(r"^\s*[*%](?:\s*[*%k]){2,5}\s*$")
"""``* * *`` as OCR reads it: ``* k% %``, ``* % %``, ``* % *``."""
CHAPTER = re.compile(r"^\s*(?P<word>chapter)\s+(?P<number>\d+|[IVXLC]+)\s*$", re.IGNORECASE)
SECTION_ALONE = re.compile(r"^\s?(?P<number>\d{1,2})\s*[.,]\s*$")
"""A section number alone on its line (``2.``; ``4,`` is the same number misread)."""
SECTION_WITH_TITLE = re.compile(r"^\s?(?P<number>\d{1,2})\.\s+(?P<title>[A-Z\"“‘'(].*)$")
PART_WORD = re.compile(r"^\s*(?P<word>[A-Z]{4,})\s*$")
DEFAULT_PART_HEADINGS = {
    "INTRODUCTION": 2, "PREFACE": 2, "FOREWORD": 2, "PROLOGUE": 2, "CONCLUSION": 2,
    "EPILOGUE": 2, "AFTERWORD": 2, "APPENDIX": 2, "POSTSCRIPT": 2,
}
"""The general English words that name a part of a book when alone on a line, each a chapter
(level 2). A text or a site that uses others, or sets one a level lower (a postscript to an
introduction), says so in its editorial file or its profile (`part_headings`)."""
PARAGRAPH_OPENING = re.compile(r"^[A-Z0-9\"“‘'(\[]")
CONTINUATION_OPENING = re.compile(r"^[a-z—–,;)]")
SHORT_LINE = 0.8
"""A line shorter than this share of the full width is the last line of its paragraph."""
TITLE_LINE = 0.9
"""A heading's line is shorter than this share of the full width (a long title wraps)."""
TITLE_MAX_LINES = 4
LIST_MATCH = 0.75
"""How alike (difflib ratio on letters only) a section-list item and its heading must be."""


@dataclass(frozen=True)
class Line:
    number: int
    text: str


@dataclass
class Block:
    """One block of the body: a ``heading`` (with `level`), a ``para`` or a scene ``break``."""

    kind: str
    text: str
    line: int
    level: int = 0
    number: int = 0
    """A numbered section's number (for cross-checking a chapter's section list)."""


@dataclass
class FurnitureFound:
    masthead_lines: set[str] = field(default_factory=set)
    running_heads: int = 0
    footer_urls: list[str] = field(default_factory=list)
    footer_stamps: list[str] = field(default_factory=list)


def normalise(text: str) -> str:
    return " ".join(text.split())


def full_width(lines: list[Line]) -> int:
    """The print's line width: most lines of a wrapped paragraph are this long."""
    lengths = sorted(len(line.text.rstrip()) for line in lines if line.text.strip())
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


def title_like(text: str, width: int) -> bool:
    """A line that can be (part of) a heading: short, with letters, not ending a sentence."""
    text = text.strip()
    return (
        bool(text) and len(text) < TITLE_LINE * width and any(c.isalpha() for c in text)
        and not re.search(r"[.:;!][\"”'’)]*$", text) and not URL_FOOTER.match(text)
    )


def _letters(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalpha())


def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _letters(a), _letters(b)).ratio()


def _snippet(text: str, *, end: bool) -> str:
    """The first (or, with `end`, the last) 40 characters of a line, for the change log."""
    text = text.strip()
    if len(text) <= 40:
        return text
    return "…" + text[-40:] if end else text[:40] + "…"


def _log_removed(doc: Document, rule: str, lines: list[Line]) -> None:
    text = " / ".join(line.text.strip() for line in lines if line.text.strip())
    where = f"line {lines[0].number}" + (f"–{lines[-1].number}" if lines[-1].number != lines[0].number else "")
    doc.log(rule, text, "", where, words_removed=count_words(text))


def remove_furniture(lines: list[Line], *, masthead: list[str], running_head: re.Pattern | None,
                     doc: Document, navigation: tuple[re.Pattern, ...] = (),
                     navigation_tail: tuple[re.Pattern, ...] = ()) -> tuple[list[Line], FurnitureFound]:
    """Drop the browser's and the site's furniture; return the remaining lines and what was found.

    `navigation` matches a whole line of a web page's navigation links, `navigation_tail` the last
    link of such a bar when it wrapped onto the next line (both the site's wording, from its
    profile; without them no line is taken for navigation)."""
    found = FurnitureFound()
    masthead_set = {normalise(m) for m in masthead}
    drop: set[int] = set()
    for i, line in enumerate(lines):
        text = line.text.strip()
        if i in drop or not text:
            continue
        if footer := URL_FOOTER.match(text):
            found.footer_urls.append(footer["url"])
            found.footer_stamps.append(footer["stamp"] or "")
            drop.add(i)
            _log_removed(doc, "ocr-url-footer", [line])
        elif running_head is not None and running_head.fullmatch(normalise(text)):
            found.running_heads += 1
            drop.add(i)
            _log_removed(doc, "ocr-running-head", [line])
        elif any(pattern.fullmatch(text) for pattern in navigation):
            block = [line]
            if i + 1 < len(lines) and any(pattern.fullmatch(lines[i + 1].text.strip()) for pattern in navigation_tail):
                block.append(lines[i + 1])
            drop.update(range(i, i + len(block)))
            _log_removed(doc, "ocr-navigation", block)
        elif normalise(text) in masthead_set:
            run, j = [], i
            while j < len(lines) and (not lines[j].text.strip() or normalise(lines[j].text) in masthead_set):
                if lines[j].text.strip():
                    run.append(j)
                j += 1
            if len(run) >= 2:  # one masthead line alone may be a line of the text
                drop.update(run)
                found.masthead_lines.update(normalise(lines[k].text) for k in run)
                _log_removed(doc, "ocr-masthead", [lines[k] for k in run])
    return [line for i, line in enumerate(lines) if i not in drop], found


class StructureReader:
    """One pass over the lines, emitting blocks; see the module docstring for the rules."""

    def __init__(self, lines: list[Line], *, width: int, part_headings: dict[str, int], doc: Document,
                 origin: str = ""):
        self.lines, self.width, self.part_headings, self.doc = lines, width, part_headings, doc
        self.origin = origin
        self.blocks: list[Block] = []
        self.section_lists: list[tuple[int, list[list[Line]]]] = []
        self.para: list[Line] = []
        self.gap = False
        self.expected_section = 1

    def text(self, i: int) -> str:
        return self.lines[i].text.strip() if i < len(self.lines) else ""

    def read(self) -> list[Block]:
        i = 0
        while i < len(self.lines):
            text = self.text(i)
            if not text:
                self.gap, i = True, i + 1
                continue
            if SCENE_BREAK.match(text):
                self.flush()
                self.doc.log("ocr-scene-break", text, "* * *", f"line {self.lines[i].number}")
                self.blocks.append(Block("break", "* * *", self.lines[i].number))
                i += 1
            elif (part := PART_WORD.match(text)) and part["word"] in self.part_headings:
                i = self.part_heading(i, part["word"])
            elif chapter := CHAPTER.match(text):
                i = self.chapter_heading(i, chapter)
            elif self.section_start(i):
                i = self.section_heading(i)
            else:
                self.add_body_line(self.lines[i])
                i += 1
            self.gap = False
        self.flush()
        return self.blocks

    # Headings

    def heading(self, level: int, text: str, lines: list[Line], number: int = 0) -> None:
        self.flush()
        printed = " / ".join(line.text.strip() for line in lines)
        self.doc.log("ocr-heading", printed, "#" * level + " " + text, f"line {lines[0].number}")
        self.blocks.append(Block("heading", text, lines[0].number, level, number))
        if level <= 2:
            self.expected_section = 1

    def part_heading(self, i: int, word: str) -> int:
        title_lines = [self.lines[i + 1]] if self.text(i + 1) and self.is_title_line(i + 1) else []
        text = word.capitalize()
        if title_lines:
            text += ": " + title_case(normalise(self.text(i + 1)))
        self.heading(self.part_headings[word], text, [self.lines[i], *title_lines])
        return i + 1 + len(title_lines)

    def chapter_heading(self, i: int, match: re.Match) -> int:
        title_lines, j = self.take_title(i + 1, cross_blanks=False)
        text = f"{match['word'].capitalize()} {match['number']}"
        if title_lines:
            text += ": " + title_case(normalise(" ".join(line.text for line in title_lines)))
        self.heading(2, text, [self.lines[i], *title_lines])
        return self.skip_section_list(j)

    def section_start(self, i: int) -> bool:
        text = self.lines[i].text
        if (alone := SECTION_ALONE.match(text)) and int(alone["number"]) == self.expected_section:
            return True
        with_title = SECTION_WITH_TITLE.match(text)
        page_top = text.startswith(" ")
        return bool(
            with_title and int(with_title["number"]) == self.expected_section
            and title_like(with_title["title"], self.width) and (self.gap or page_top or not self.para)
        )

    def section_heading(self, i: int) -> int:
        line = self.lines[i]
        if alone := SECTION_ALONE.match(line.text):
            number = int(alone["number"])
            title_lines, j = self.take_title(i + 1, cross_blanks=True)
            title = " ".join(t.text.strip() for t in title_lines)
        else:
            with_title = SECTION_WITH_TITLE.match(line.text)
            number, title_lines, j, title = int(with_title["number"]), [], i + 1, with_title["title"].strip()
        if not title:
            raise SourceError(f"{self.origin}:{line.number}: section number {number} has no title after it")
        cased = title_case(normalise(title))
        if cased != normalise(title):
            self.doc.log("ocr-heading-case", normalise(title), cased, f"line {line.number}")
        self.heading(3, f"{number}. {cased}", [line, *title_lines], number)
        self.expected_section = number + 1
        return j

    def is_title_line(self, i: int) -> bool:
        text = self.text(i)
        return title_like(text, self.width) and not (
            CHAPTER.match(text) or SECTION_ALONE.match(text) or SCENE_BREAK.match(text)
        )

    def take_title(self, start: int, *, cross_blanks: bool) -> tuple[list[Line], int]:
        """A heading's title lines after `start` (blank lines before it skipped). Within a title a
        blank line is crossed only where the title clearly goes on: after a comma, or before a
        line in lower case (``"Military Communism",`` | | ``the "New Economic Policy"``)."""
        j = start
        while j < len(self.lines) and not self.text(j):
            j += 1
        title: list[Line] = []
        while j < len(self.lines) and len(title) < TITLE_MAX_LINES:
            if not self.text(j):
                k = j
                while k < len(self.lines) and not self.text(k):
                    k += 1
                goes_on = title and (title[-1].text.rstrip().endswith(",") or self.text(k)[:1].islower())
                if cross_blanks and goes_on and k < len(self.lines) and self.is_title_line(k):
                    j = k
                    continue
                break
            if not self.is_title_line(j):
                break
            title.append(self.lines[j])
            j += 1
        return title, j

    def skip_section_list(self, start: int) -> int:
        """Skip the chapter's list of section titles, if short title lines lead up to section 1."""
        items: list[list[Line]] = []
        j = start
        while j < len(self.lines):
            if not self.text(j):
                j += 1
            elif self.section_start(j):
                if items:
                    self.section_lists.append((len(self.blocks) - 1, items))
                    return j
                return start
            elif self.is_title_line(j):
                item = []
                while j < len(self.lines) and self.text(j) and self.is_title_line(j):
                    item.append(self.lines[j])
                    j += 1
                items.append(item)
            else:
                return start
        return start

    # Paragraphs

    def add_body_line(self, line: Line) -> None:
        text = line.text.strip()
        if self.para:
            prev = self.para[-1]
            where = f"line {line.number}"
            seam = f"{_snippet(prev.text, end=True)} | {_snippet(text, end=False)}"
            if self.gap:
                if not ends_sentence(prev.text) or CONTINUATION_OPENING.match(text):
                    self.doc.log("ocr-join-across-blank", seam, "joined", where)
                else:
                    self.flush()
            elif (len(prev.text.rstrip()) < SHORT_LINE * self.width and ends_sentence(prev.text)
                  and PARAGRAPH_OPENING.match(text)):
                self.doc.log("ocr-lost-break", seam, "new paragraph", where)
                self.flush()
            elif line.text.startswith(" ") and ends_sentence(prev.text):
                self.doc.log("ocr-break-unsure", seam, "joined (the line before is full)", where)
        self.para.append(line)

    def flush(self) -> None:
        if not self.para:
            return
        text = self.para[0].text.strip()
        for line in self.para[1:]:
            nxt = line.text.strip()
            text += nxt if text.endswith(("—", "–")) or nxt.startswith(("—", "–")) else " " + nxt
        self.blocks.append(Block("para", text, self.para[0].number))
        self.para = []


def check_section_lists(reader: StructureReader, doc: Document, origin: str) -> None:
    """Each chapter's printed list of sections must name its section headings, in order; then
    the list is furniture. A list that does not match means a heading was missed or misread."""
    blocks = reader.blocks
    for chapter_index, items in reader.section_lists:
        sections = []
        for block in blocks[chapter_index + 1:]:
            if block.kind == "heading" and block.level <= 2:
                break
            if block.kind == "heading" and block.number:
                sections.append(block)
        names = [normalise(" ".join(line.text for line in item)) for item in items]
        if len(names) != len(sections) or any(
            similar(name, section.text.split(" ", 1)[1]) < LIST_MATCH for name, section in zip(names, sections)
        ):
            raise SourceError(
                f"{origin}:{items[0][0].number}: the chapter's list of sections {names} does not "
                f"match the section headings found {[s.text for s in sections]}; a heading was missed or misread"
            )
        for item in items:
            _log_removed(doc, "ocr-section-list", item)

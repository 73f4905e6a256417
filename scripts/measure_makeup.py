"""Measure the print edition's make-up from the built PDF, as a production editor counts a proof:

- hyphenation on the body pages (preface to glossary): the share of lines that end in a hyphen,
  the longest run of such lines on a page, the words broken whose first letter is a capital (most
  of them names), and the rectos whose last line of text ends in a hyphen (a break over a leaf turn);
- words split in two by letter-spacing in the extracted text ("C ontents");
- headings followed by fewer than 3 lines of text at the foot of a page;
- glossary entries whose last line stands alone at the top of a page;
- how evenly the contents' leader dots end (the spread of their right ends, in points).

Everything is read with Poppler's `pdftotext` (plain and `-bbox-layout`) and the PDF's outline,
so the figures are those a reader of the printed book would count. The body pages are found from
the outline: from the first level-1 bookmark after the front matter to the page before the index.

    .venv/bin/python scripts/measure_makeup.py output/what-was-the-soviet-union.pdf [--list]
"""
from __future__ import annotations

import argparse
import html
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from anthology.render.pdf.proof import FRONT_LABELS, outline_pages, page_texts  # noqa: E402

HYPHENS = "\u2010-\u00ad"
"""WeasyPrint's hyphenation character (U+2010), the hyphen-minus of a compound broken at its own
hyphen, and a soft hyphen."""
AUTO_HYPHEN = "\u2010"
INDEX_TITLE = "Index"
GLOSSARY_TITLE = "Glossary"
MARGIN_NUMBER = re.compile(r"\s+\d{1,4}$")
"""A paragraph number printed in the margin, which pdftotext puts at the end of the line beside it."""
RUNNING_HEAD = re.compile(r"\A(?:\s*\d+\n\n[^\n]+\n\n|\s*[^\n]+\n\n\d+\n\n)")
"""A page's running head and folio, which pdftotext gives first, in either order."""
NOTE_START = re.compile(r"^\d{1,3}\s+\S")
BROKEN_WORD = re.compile(r"(\w+)" + AUTO_HYPHEN + r"$")
WORD = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)*")
LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S)
WORD_BOX = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>')
PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)


@dataclass
class BoxLine:
    x0: float
    y0: float
    x1: float
    y1: float
    words: list[tuple[float, float, str]]

    @property
    def text(self) -> str:
        return " ".join(w for _, _, w in self.words)

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Makeup:
    lines: int = 0
    hyphenated: int = 0
    longest_run: int = 0
    runs_of_three: list[int] = field(default_factory=list)
    """The folios of the pages with 3 or more hyphenated lines in a row."""
    capitals_broken: list[tuple[int, str]] = field(default_factory=list)
    """(folio, first part) of every word with a capital first letter broken at a line end."""
    recto_last_line_hyphenated: list[int] = field(default_factory=list)
    letter_spaced_splits: list[tuple[int, str]] = field(default_factory=list)
    headings_at_foot: list[tuple[int, str, int]] = field(default_factory=list)
    """(folio, heading, lines after it on its page) for every heading with fewer than 3."""
    glossary_strays: list[tuple[int, str]] = field(default_factory=list)
    leader_spread: float | None = None
    """Right end of the last leader dot, max minus min over the contents' entries, in points."""

    @property
    def share(self) -> float:
        return self.hyphenated / self.lines if self.lines else 0.0

    def summary(self) -> str:
        return "\n".join([
            f"body lines                        {self.lines}",
            f"lines ending in a hyphen          {self.hyphenated} ({self.share:.1%})",
            f"longest run of hyphenated lines   {self.longest_run}"
            f" (pages with a run of 3+: {len(self.runs_of_three)})",
            f"capitalised words broken          {len(self.capitals_broken)}",
            f"rectos ending in a hyphen         {len(self.recto_last_line_hyphenated)}",
            f"words split by letter-spacing     {len(self.letter_spaced_splits)}",
            f"headings with < 3 lines after     {len(self.headings_at_foot)}",
            f"glossary last lines overleaf      {len(self.glossary_strays)}",
            f"contents leaders' end spread      "
            + ("n/a" if self.leader_spread is None else f"{self.leader_spread:.2f} pt"),
        ])

    def details(self) -> str:
        out = [f"runs of 3+ on pages: {self.runs_of_three}",
               "capitals broken: " + ", ".join(f"{w}‐ (p. {p})" for p, w in self.capitals_broken),
               f"rectos ending in a hyphen: {self.recto_last_line_hyphenated}",
               "letter-spaced splits: " + ", ".join(f"{w!r} (p. {p})" for p, w in self.letter_spaced_splits),
               "headings at a page foot: " + ", ".join(f"{h!r} (p. {p}, {n} lines)" for p, h, n in self.headings_at_foot),
               "glossary strays: " + ", ".join(f"{t!r} (p. {p})" for p, t in self.glossary_strays)]
        return "\n".join(out)


def body_lines(page_text: str) -> list[str]:
    """A page's lines of text, without its running head and folio, its margin paragraph numbers,
    and empty lines except one between two blocks (where pdftotext leaves one: before the notes,
    around a table or a centred line), which is an empty string."""
    text = RUNNING_HEAD.sub("", page_text)
    lines = [MARGIN_NUMBER.sub("", line).strip() for line in text.split("\n")]
    kept: list[str] = []
    for line in lines:
        if line.isdigit():
            continue
        if line or (kept and kept[-1]):
            kept.append(line)
    return kept[:-1] if kept and not kept[-1] else kept


def ends_hyphenated(line: str) -> bool:
    return len(line) > 1 and line[-1] in HYPHENS and line[-2].isalpha()


def level1(reader: PdfReader) -> list[tuple[str, int]]:
    return [(label, folio) for label, level, folio in outline_pages(reader) if level == 1]


def body_range(reader: PdfReader) -> range:
    """The folios of the body: from the first part after the front matter to the page before the
    index (or the last page)."""
    parts = level1(reader)
    first = next(folio for label, folio in parts if label not in FRONT_LABELS)
    end = next((folio for label, folio in parts if label == INDEX_TITLE), len(reader.pages) + 1)
    return range(first, end)


def hyphenation(texts: list[str], folios: range, result: Makeup) -> None:
    for folio in folios:
        lines = body_lines(texts[folio - 1])
        result.lines += sum(1 for line in lines if line)
        run = 0
        for i, line in enumerate(lines):
            if not ends_hyphenated(line):
                run = 0
                continue
            result.hyphenated += 1
            run += 1
            result.longest_run = max(result.longest_run, run)
            if run == 3:
                result.runs_of_three.append(folio)
            broken = BROKEN_WORD.search(line)
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if broken and broken.group(1)[0].isupper() and not following[:1].isupper():
                result.capitals_broken.append((folio, broken.group(1)))
        if folio % 2 and lines:
            notes = next((i for i, line in enumerate(lines) if i and not lines[i - 1] and NOTE_START.match(line)),
                         len(lines))
            last_text = next((line for line in reversed(lines[:notes]) if line), "")
            if ends_hyphenated(last_text):
                result.recto_last_line_hyphenated.append(folio)


def vocabulary(texts: list[str]) -> set[str]:
    return {w.lower() for text in texts for w in WORD.findall(text)}


def letter_spaced_splits(texts: list[str], folios: list[int]) -> list[tuple[int, str]]:
    """Two neighbouring tokens that are not words of the book but make one when joined: a word
    pulled apart by letter-spacing ("C ontents")."""
    words = vocabulary(texts)
    found = []
    for folio in folios:
        tokens = re.findall(r"\S+", texts[folio - 1])
        for a, b in zip(tokens, tokens[1:]):
            if not (a.isalpha() and b.isalpha()) or (a + b).lower() not in words:
                continue
            a_is_word = a.lower() in words and (len(a) > 1 or a.lower() in "aio")
            if not (a_is_word and b.lower() in words):
                found.append((folio, f"{a} {b}"))
    return found


def bbox_pages(pdf: Path, first: int, last: int) -> list[list[BoxLine]]:
    done = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
                          check=True, capture_output=True)
    pages = []
    for page in PAGE.findall(done.stdout.decode("utf-8")):
        lines = []
        for x0, y0, x1, y1, inner in LINE.findall(page):
            words = [(float(a), float(b), html.unescape(w)) for a, b, w in WORD_BOX.findall(inner)]
            lines.append(BoxLine(float(x0), float(y0), float(x1), float(y1), words))
        pages.append(sorted(lines, key=lambda line: (round(line.y0), line.x0)))
    return pages


def text_lines(lines: list[BoxLine], body_height: float) -> list[BoxLine]:
    """Lines set at the body size or larger (not notes, folios or margin numbers)."""
    return [line for line in lines if line.height >= 0.85 * body_height and not line.text.isdigit()]


def headings_at_foot(pdf: Path, reader: PdfReader, folios: range) -> list[tuple[int, str, int]]:
    """Every heading below level 1 (from the outline) with fewer than 3 lines of text after it on
    its page, where its text goes on overleaf."""
    heads = [(label, folio) for label, level, folio in outline_pages(reader) if level > 1 and folio in folios]
    pages = dict(zip(folios, bbox_pages(pdf, folios.start, folios.stop - 1)))
    heights = [line.height for lines in pages.values() for line in lines if len(line.words) > 6]
    body = statistics.median(heights)
    found = []
    for label, folio in heads:
        lines = text_lines(pages[folio], body)
        label_words = set(WORD.findall(label))
        start = next((i for i, line in enumerate(lines) if set(WORD.findall(line.text)) & label_words
                      and set(WORD.findall(line.text)) <= label_words | {""}), None)
        if start is None:
            continue
        end = start
        while end + 1 < len(lines) and set(WORD.findall(lines[end + 1].text)) <= label_words:
            end += 1
        after = len(lines) - end - 1
        if after < 3 and folio + 1 in pages and not any(l.text == label for l in pages[folio + 1][:1]):
            found.append((folio, label, after))
    return found


def glossary_strays(pdf: Path, reader: PdfReader) -> list[tuple[int, str]]:
    """Glossary pages whose first line of text is the last line of an entry begun overleaf: a line
    followed by the space that comes before the next headword."""
    parts = level1(reader)
    start = next((folio for label, folio in parts if label == GLOSSARY_TITLE), None)
    if start is None:
        return []
    end = next((folio for label, folio in parts if folio > start), len(reader.pages) + 1)
    found = []
    pages = bbox_pages(pdf, start, end - 1)
    heights = [line.height for lines in pages for line in lines if len(line.words) > 6]
    body = statistics.median(heights)
    for folio, lines in zip(range(start, end), pages):
        lines = [line for line in text_lines(lines, body) if line.text != GLOSSARY_TITLE]  # the running head
        if folio == start or len(lines) < 3:
            continue
        pitch = statistics.median(b.y0 - a.y0 for a, b in zip(lines, lines[1:]))
        first, second = lines[0], lines[1]
        if second.y0 - first.y0 > 1.3 * pitch:
            found.append((folio, first.text))
    return found


def leader_spread(pdf: Path, reader: PdfReader) -> float | None:
    """The spread of the right ends of the contents' last leader dots."""
    contents = next((folio for label, folio in level1(reader) if label == "Contents"), None)
    if contents is None:
        return None
    ends = []
    for line in bbox_pages(pdf, contents, contents)[0]:
        dots = [x1 for _, x1, w in line.words if w == "."]
        if len(dots) > 3:
            ends.append(max(dots))
    return max(ends) - min(ends) if ends else None


def measure(pdf: Path) -> Makeup:
    pdf = Path(pdf)
    reader = PdfReader(pdf)
    texts = page_texts(pdf)
    folios = body_range(reader)
    result = Makeup()
    hyphenation(texts, folios, result)
    front = [folio for label, folio in level1(reader) if label in FRONT_LABELS]
    result.letter_spaced_splits = letter_spaced_splits(texts, list(range(1, len(texts))))
    result.headings_at_foot = headings_at_foot(pdf, reader, folios)
    result.glossary_strays = glossary_strays(pdf, reader)
    result.leader_spread = leader_spread(pdf, reader) if front else None
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--list", action="store_true", help="also list the places found")
    args = parser.parse_args(argv)
    result = measure(args.pdf)
    print(result.summary())
    if args.list:
        print(result.details())
    return 0


if __name__ == "__main__":
    sys.exit(main())

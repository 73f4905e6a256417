"""The print index: note locators (139n11), long lists broken into sub-entries, nothing printed
without a page or a *see*, and the indented layout; unit tests of the functions, then the built PDF.

The built index is read from `pdftotext -bbox-layout`: each word with its place, so a line's level
(heading, sub-entry, turnover) comes from its indent, and turnover lines are joined to the line
they continue; nothing depends on where a line or a page happens to break.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest

from anthology.apparatus.index import Heading, IndexData, Mark
from anthology.apparatus.index_print import (CHECK_PREFIX, MAX_LOCATORS, PageLocator, broken_up, checked_warnings,
                                             page_locators, print_index)
from anthology.apparatus.locators import Locator


def mark(heading: str, number: int, text: str = "t", section: str = "ch. 1", note: int | None = None,
         sub: int | None = None, chapter: str = "") -> Mark:
    place = f"n. {note}" if note else "¶1"
    return Mark(f"ix-{heading}-{text}-{number}", heading, sub,
                Locator(text, text.upper(), section, place, note, chapter))


# ------------------------------------------------------------------ locators

def test_a_mark_in_a_note_gives_the_notes_page_and_number():
    marks = [mark("h", 1), mark("h", 2, note=11), mark("h", 3, note=11), mark("h", 4)]
    pages = {"ix-h-t-1": 12, "ix-h-t-2": 99, "t-fn11": 139, "ix-h-t-4": 13}
    found = page_locators(marks, pages)
    assert [loc.label for loc in found] == ["12–13", "139n11"]  # the note's page, not the call's
    assert found[1].target == "t-fn11"  # the link goes to the printed note


def test_consecutive_notes_on_a_page_merge_and_a_page_already_given_is_not_repeated():
    marks = [mark("h", 1, note=36), mark("h", 2, note=37), mark("h", 3, note=40), mark("h", 4), mark("h", 5, note=2)]
    pages = {"t-fn36": 172, "t-fn37": 172, "t-fn40": 172, "ix-h-t-4": 50, "t-fn2": 50}
    assert [loc.label for loc in page_locators(marks, pages)] == ["50", "172nn36–37", "172n40"]


def test_a_mark_on_no_page_gives_no_locator():
    assert page_locators([mark("h", 1), mark("h", 2, note=3)], {}) == []


def test_labels():
    assert PageLocator(45, 47, "a").label == "45–47"
    assert PageLocator(45, 45, "a").label == "45"
    assert PageLocator(139, 139, "n", (11,)).label == "139n11"


# ------------------------------------------------------------------ breaking up long lists

def test_twelve_locators_stay_on_one_line():
    marks = [mark("h", n) for n in range(1, 13)]
    own, lines = broken_up(marks, {m.id: 10 * n for n, m in enumerate(marks, 1)}, level=1)
    assert len(own) == MAX_LOCATORS and lines == []


def test_more_than_twelve_are_grouped_by_text_in_the_books_order_then_by_section():
    marks = [mark("h", n, text="b") for n in range(1, 3)]
    marks += [mark("h", n, text="a", section="ch. 1" if n < 9 else "ch. 2") for n in range(3, 19)]
    pages = {m.id: 10 * n for n, m in enumerate(marks, 1)}
    own, lines = broken_up(marks, pages, level=1)
    assert own == []
    assert [(line.label, len(line.locators), line.level) for line in lines] == [
        ("in B", 2, 1), ("in A, ch. 1", 6, 1), ("in A, ch. 2", 10, 1)]


def test_a_texts_long_list_is_broken_by_chapter_and_a_chapters_by_section():
    marks = [mark("h", n, chapter="ch. 1", section="ch. 1 §1") for n in range(1, 4)]
    marks += [mark("h", n, chapter="ch. 2", section=f"ch. 2 §{1 + n % 2}") for n in range(4, 18)]
    own, lines = broken_up(marks, {m.id: 10 * n for n, m in enumerate(marks, 1)}, level=2)
    assert [(line.label, len(line.locators), line.level) for line in lines] == [
        ("in T, ch. 1", 3, 2), ("in T, ch. 2 §1", 7, 2), ("in T, ch. 2 §2", 7, 2)]


def _index(marks, headings):
    return IndexData(headings, marks)


def test_print_index_sorts_aspects_puts_texts_after_and_warns_what_it_cannot_break():
    headings = [Heading("h", "Heading", "concept", ["x"], [("zeta", ["z"]), ("alpha", ["a"])], see_also=["k"]),
                Heading("k", "Kin", "concept", ["k"]),
                Heading("e", "Empty", "concept", ["e"]), Heading("s", "See me", "concept", see="e")]
    marks = [mark("h", n, text="one", section="") for n in range(1, 16)]  # 15 in one text, no sections
    marks += [mark("h", 20, sub=0), mark("h", 21, sub=1), mark("k", 1), mark("e", 1)]
    pages = {m.id: 10 * n for n, m in enumerate(marks, 1) if m.heading != "e"}
    groups, warnings = print_index(_index(marks, headings), pages)
    printed = {entry.id: entry for _, group in groups for entry in group}
    assert set(printed) == {"h", "k"}  # Empty has no page, and See me leads only to it
    h = printed["h"]
    assert h.locators == [] and [line.label for line in h.subs] == ["alpha", "zeta", "in ONE"]
    assert h.see_also == ["Kin"]
    assert any("'Empty' (id e) has no page" in w for w in warnings)
    assert any("'Heading' (id h), sub-entry 'in ONE' has 15" in w for w in warnings)
    assert all(w.startswith(CHECK_PREFIX) for w in warnings)
    assert checked_warnings(["glossary: x", *warnings]) == warnings


def test_check_fails_on_a_print_index_warning(tmp_path, capsys):
    """`build.py --check` exits 1 (a failed check) on a print index warning, as on EPUBCheck's."""
    from anthology import cli

    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(b"%PDF")
    args = cli.parser().parse_args(["--check", "--only", "pdf"])
    result = SimpleNamespace(warnings=[f"{CHECK_PREFIX}'X' (id x) has no page to print"], outputs={"pdf": pdf},
                             pages=1, book=SimpleNamespace(root=tmp_path), timings={"total": 0.0})
    assert cli._finish(args, result, lambda *a: None) == 1
    assert "print index has 1 problem" in capsys.readouterr().err
    result.warnings = ["glossary: a warning --check does not fail on"]
    assert cli._finish(args, result, lambda *a: None) == 0


# ------------------------------------------------------------------ the built PDF's index

LOCATOR = r"\d+(?:–\d+|nn\d+–\d+|n\d+)?"
LINE = re.compile(rf"(?P<label>.*?)(?: (?P<locators>{LOCATOR}(?:, {LOCATOR})*))?(?P<xref>(?:[;,] )?see .*)?")


@dataclass
class PrintedLine:
    level: int
    text: str

    @property
    def parts(self) -> re.Match:
        return LINE.fullmatch(self.text)

    @property
    def locators(self) -> list[str]:
        found = self.parts["locators"]
        return found.split(", ") if found else []


@dataclass
class PrintedEntry:
    heading: PrintedLine
    subs: list[PrintedLine] = field(default_factory=list)


def _words(pdf, first: int) -> list[list[tuple[float, float, float, str]]]:
    """Per page from `first` (1-based): its words (x, y, right edge, text)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(first), str(pdf), "-"],
                         check=True, capture_output=True, text=True).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml).replace('xmlns="http://www.w3.org/1999/xhtml"', ""))
    return [[(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), w.text or "")
             for w in page.iter("word")] for page in root.iter("page")]


def _join(text: str, more: str) -> str:
    """A line and its turnover: a range or a compound broken after its dash or hyphen joins up."""
    return text + ("" if re.search(r"[–-]$", text) else " ") + more


def read_print_index(pdf, page_height: float, em: float, top: float, bottom: float) -> list[PrintedEntry]:
    """The index's entries, read from its pages: each line's level from its indent in its column
    (0 heading, 1 and 2 sub-entries, the deepest a turnover), turnovers joined to their line."""
    pages = [[w for w in page if top <= w[1] <= page_height - bottom] for page in _words(pdf, 1)]
    start = max(n for n, page in enumerate(pages) if any(text == "Index" for _, text in _lines_of(page)))
    margin = min(w[0] for w in pages[start])
    first_letter = min(w[1] for w in pages[start] if re.fullmatch(r"[A-Z#]", w[3]) and w[0] - margin < 1)
    pages[start] = [w for w in pages[start] if w[1] >= first_letter - 1]  # not the title and head note
    # Each column's left edge, per side (left and right pages have mirrored margins): the
    # leftmost word of that column on any index page of that side, a heading's first word.
    def columns(page):
        left, right = min(w[0] for w in page), max(w[2] for w in page)
        middle = (left + right) / 2
        return [w for w in page if w[0] < middle], [w for w in page if w[0] >= middle]

    index_pages = [(n % 2, columns(page)) for n, page in enumerate(pages) if n >= start and page]
    edges = {(side, c): min(min((w[0] for w in cols[c]), default=1e9) for s, cols in index_pages if s == side)
             for side in (0, 1) for c in (0, 1)}
    lines: list[tuple[float, str]] = []  # (indent in its column, text) in reading order
    for side, cols in index_pages:
        for c, column in enumerate(cols):
            lines += [(x - edges[side, c], text) for x, text in _lines_of(column)]
    lines = [(round(x / em), text) for x, text in lines if not re.fullmatch(r"[A-Z#]", text)]
    turnover = max(level for level, _ in lines)
    assert turnover >= 2, "turnover lines must hang deeper than sub-entries"
    entries: list[PrintedEntry] = []
    for level, text in lines:
        if level == turnover:
            last = entries[-1].subs[-1] if entries[-1].subs else entries[-1].heading
            last.text = _join(last.text, text)
        elif level == 0:
            entries.append(PrintedEntry(PrintedLine(0, text)))
        else:
            entries[-1].subs.append(PrintedLine(level, text))
    return entries


def _lines_of(words) -> list[tuple[float, str]]:
    """Words of one column as lines (x of the first word, text), top to bottom."""
    rows: dict[int, list] = {}
    for word in sorted(words, key=lambda w: (round(w[1]), w[0])):
        rows.setdefault(round(word[1]), []).append(word)
    return [(row[0][0], " ".join(w[3] for w in row)) for _, row in sorted(rows.items())]


def built_print_index(built) -> list[PrintedEntry]:
    """The entries of the built book's print index."""
    from pypdf import PdfReader

    from anthology.render.pdf.html import page_geometry

    pdf = built.outputs["pdf"]
    reader = PdfReader(pdf)
    geometry = page_geometry(built.book)
    mm = 72 / 25.4
    em = float(geometry.font_size.removesuffix("pt")) * 0.8  # the index is set at 0.8rem
    top, bottom = (float(v.removesuffix("mm")) * mm - 2 for v in (geometry.top, geometry.bottom))
    return read_print_index(pdf, float(reader.pages[-1].mediabox.height), em, top, bottom)


@pytest.fixture(scope="module")
def print_index_entries(built):
    return built_print_index(built)


def test_every_printed_heading_has_a_page_or_a_see(print_index_entries):
    assert len(print_index_entries) >= 80
    bare = [entry.heading.text for entry in print_index_entries
            if not entry.heading.locators and not (entry.heading.parts["xref"] or "").lstrip(", ").startswith("see ")
            and not any(sub.locators for sub in entry.subs)]
    assert bare == []


def test_no_line_has_more_than_twelve_locators(print_index_entries):
    lines = [line for entry in print_index_entries for line in (entry.heading, *entry.subs)]
    assert sum(len(line.locators) for line in lines) > 800
    assert [line.text for line in lines if len(line.locators) > MAX_LOCATORS] == []
    broken = [entry for entry in print_index_entries if any(sub.text.startswith("in ") for sub in entry.subs)]
    assert len(broken) >= 10  # the long lists were broken up by text, not left out


def test_sub_entries_are_sorted_and_see_also_comes_last(print_index_entries):
    for entry in print_index_entries:
        labels = [sub.text if sub.text.startswith("see also") else sub.parts["label"]
                  for sub in entry.subs if sub.level == 1]
        aspects = [label for label in labels if not label.startswith(("in ", "see also"))]
        key = [re.sub(r"[^\w ]", "", a.casefold()) for a in aspects]
        assert key == sorted(key), entry.heading.text
        also = [i for i, label in enumerate(labels) if label.startswith("see also")]
        assert also in ([], [len(labels) - 1]), entry.heading.text


def _alnum(text: str) -> str:
    return re.sub(r"\W|_", "", text)


def test_note_locators_lead_to_the_page_that_prints_the_note(built, epub, print_index_entries):
    """Each `139n11` (or `172nn36–37`): page 139 prints note 11, its number then its text."""
    from pdf_tools import page_runs

    starts: dict[int, list[str]] = {}  # note number → how each text's note of that number begins
    for text_id in epub.text_ids():
        for note in epub.notes(text_id):
            number = int(note.get("id").rsplit("-fn", 1)[1])
            starts.setdefault(number, []).append(_alnum(re.sub(r"^\d+\.\s*", "", "".join(note.itertext()).strip()))[:30])
    pages = page_runs(built.outputs["pdf"])
    found = [loc for entry in print_index_entries for line in (entry.heading, *entry.subs) for loc in line.locators
             if "n" in loc]
    assert len(found) >= 30
    for loc in set(found):
        page, first, last = re.fullmatch(r"(\d+)nn?(\d+)(?:–(\d+))?", loc).groups()
        printed = _alnum("".join(run.text for run in pages[int(page) - 1]))
        for n in range(int(first), int(last or first) + 1):
            assert any(f"{n}{start}" in printed for start in starts[n]), (loc, n)


def test_the_index_pages_carry_their_own_folios(built):
    """The index is laid out while the back matter before it still is, so without knowing its first
    folio; its folios are drawn over its pages when the book is joined: the opening page's at the
    foot, every other page's in its head (the outer corner, beside the running head), each the
    page's own number."""
    pdf = built.outputs["pdf"]
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True).stdout.decode("utf-8")
    pages = [[line.split() for line in page.splitlines() if line.strip()] for page in out.split("\f")[:-1]]
    first = next(i for i, lines in enumerate(pages) if lines and lines[0] == ["Index"])
    assert first % 2 == 0 and len(pages) - first >= 3  # a right-hand page (an odd folio); several pages
    for i in range(first, len(pages)):
        folio = str(i + 1)
        if i == first:
            assert pages[i][-1] == [folio], (folio, pages[i][-1])
        else:
            head = pages[i][0]
            assert folio in (head[0], head[-1]), (folio, head)


def test_every_index_page_number_is_a_link_over_its_words_to_the_page_it_names(built):
    """The index's page numbers are laid out as plain text and made links after layout
    (render/pdf/text_links.py): each link must lie over one printed page number, from its first
    character, and lead to the page that number names (139n11: page 139, which prints the note).
    A range broken over two lines after its dash is two links to one place."""
    from pypdf import PdfReader

    pdf = built.outputs["pdf"]
    reader = PdfReader(pdf)
    page_of = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, start=1)}
    height = float(reader.pages[0].mediabox.height)
    words = _words(pdf, 1)
    first = next(n for n, page in enumerate(words) if page and min(page, key=lambda w: (w[1], w[0]))[3] == "Index")
    links: list[tuple[int, str]] = []  # (destination page, the words under the link)
    for n in range(first, len(reader.pages)):
        for annot in (a.get_object() for a in reader.pages[n].get("/Annots", [])):
            x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
            top, bottom = height - max(y1, y2), height - min(y1, y2)
            under = [w for w in words[n] if x1 - 0.5 <= w[0] < x2 and top - 1 <= w[1] <= bottom]
            assert len(under) == 1, (n + 1, annot["/Rect"], under)  # one word, which starts where the link does
            word = under[0]
            assert abs(word[0] - x1) < 0.5 and x2 <= word[2] + 0.5, (n + 1, word, annot["/Rect"])
            links.append((page_of[annot["/Dest"][0].idnum], re.sub(r"[,;]$", "", word[3])))
    joined: list[tuple[int, str]] = []
    for destination, label in links:
        if joined and joined[-1][1].endswith("–") and joined[-1][0] == destination:
            joined[-1] = (destination, joined[-1][1] + label)
        else:
            joined.append((destination, label))
    assert len(joined) > 1000
    for destination, label in joined:
        assert re.fullmatch(LOCATOR, label), label
        assert destination == int(re.match(r"\d+", label)[0]), (label, destination)

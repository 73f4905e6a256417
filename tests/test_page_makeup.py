"""Page make-up of the print PDF, measured on what the built PDF draws (pypdf's text positions),
not on where its lines or pages happen to break: no page is left short above its footnotes
unless the next page opens a new part, the back matter's running heads follow one scheme, and
glossary headwords are set in one face and size whatever their case.

Run as a script (`python tests/test_page_makeup.py BOOK.pdf`) it prints the figures.
"""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from pdf_tools import Run, page_runs

SHORT_LINES = 3
"""Blank body lines above the notes from which a page counts as short (issue 17)."""


@dataclass(frozen=True)
class Grid:
    """The body text's measure of the book: its size, leading, and the baselines of a full page's
    first and last lines, taken as the most common values over all pages."""

    size: float
    leading: float
    top: float
    bottom: float


def grid(pages) -> Grid:
    sizes = Counter()
    for runs in pages:
        for run in runs:
            sizes[run.size] += len(run.text)
    size = sizes.most_common(1)[0][0]
    steps, tops, bottoms = Counter(), Counter(), Counter()
    for runs in pages:
        ys = sorted({r.y for r in runs if r.size == size}, reverse=True)
        steps.update(round(a - b, 1) for a, b in zip(ys, ys[1:]))
        if ys:
            tops[ys[0]] += 1
            bottoms[ys[-1]] += 1
    return Grid(size, steps.most_common(1)[0][0], tops.most_common(1)[0][0], min(bottoms.most_common(3))[0])


def is_head(run: Run, g: Grid) -> bool:
    return run.y > g.top + g.leading / 2


NOTE_SIZE = 0.85
"""Type smaller than this (of the body's size) is a note's (0.8 rem) or a margin number; a table,
a quotation or the questions (0.9 em and more) are part of the page's text."""


def body_lines(runs, g: Grid) -> list[float]:
    """Baselines of the page's lines of text (anything but notes, margin numbers and the head),
    top first."""
    return sorted({r.y for r in runs if r.size >= g.size * NOTE_SIZE and not is_head(r, g)}, reverse=True)


def note_top(runs, g: Grid) -> float | None:
    """The baseline of the first line of the page's notes: the block of smaller type below the
    last body line (None: no notes)."""
    body = body_lines(runs, g)
    if not body:
        return None
    below = [r.y for r in runs if r.size < g.size * NOTE_SIZE and r.y < body[-1] - 1 and r.x < 300]
    return max(below) if below else None


def opens_part(runs, g: Grid) -> bool:
    """A blank page, or one without a running head: a text's (or a part's) opening page."""
    return not any(is_head(r, g) for r in runs)


def opens_closing_matter(runs, g: Grid) -> bool:
    """A page whose first line of text is the "For discussion" block that closes a text: kept
    whole (a question is not split from its heading), it may leave the page before it short, as
    the start of a new text may."""
    lines = body_lines(runs, g)
    if not lines:
        return False
    first = " ".join(r.text.strip() for r in sorted((r for r in runs if r.y == lines[0]), key=lambda r: r.x))
    return first.lower().startswith("for discussion")


def blank_lines_above_notes(pages, g: Grid | None = None) -> list[tuple[int, float]]:
    """(folio, blank body lines between the last body line and the notes) of every page with notes."""
    g = g or grid(pages)
    found = []
    gaps = {}
    for folio, runs in enumerate(pages, start=1):
        top = note_top(runs, g)
        if top is not None:
            gaps[folio] = body_lines(runs, g)[-1] - top
    if not gaps:
        return []
    full = min(gaps.values())  # the distance on a page whose text runs down to its notes
    for folio, gap in gaps.items():
        found.append((folio, (gap - full) / g.leading))
    return found


def short_pages(pages) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """Pages of running text that end short: (folio, blank lines) with notes, and without notes;
    a part's opening page (its display heading is not running text), and a page followed by a
    part's opening page (or a blank one) or by a text's closing questions, are left out."""
    g = grid(pages)
    with_notes = [(f, n) for f, n in blank_lines_above_notes(pages, g)
                  if n >= 0.5 and f < len(pages) and not opens_part(pages[f - 1], g)
                  and not opens_part(pages[f], g) and not opens_closing_matter(pages[f], g)]
    noted = {f for f, _ in blank_lines_above_notes(pages, g)}
    without = []
    for folio, runs in enumerate(pages, start=1):
        body = body_lines(runs, g)
        if folio in noted or not body or opens_part(runs, g) or folio >= len(pages) or opens_part(pages[folio], g):
            continue
        lines = (body[-1] - g.bottom) / g.leading
        if lines >= 0.5:
            without.append((folio, lines))
    return with_notes, without


def outline(pdf: Path) -> list[tuple[str, int, int]]:
    """(label, level, folio) of every bookmark, in order."""
    from anthology.render.pdf.proof import outline_pages

    return outline_pages(PdfReader(pdf))


def head(runs, g: Grid) -> str:
    """The page's running head without its folio."""
    words = " ".join(r.text.strip() for r in sorted((r for r in runs if is_head(r, g)), key=lambda r: r.x))
    return " ".join(w for w in words.split() if not w.isdigit())


def parts(pdf: Path, pages) -> list[tuple[str, int, int]]:
    """(label, first folio, last folio) of each level-1 part of the book after the front matter."""
    tops = [(label, folio) for label, level, folio in outline(pdf) if level == 1]
    ends = [folio - 1 for _, folio in tops[1:]] + [len(pages)]
    return [(label, first, last) for (label, first), last in zip(tops, ends)
            if label not in ("Title page", "Colophon", "Contents")]


# ------------------------------------------------------------------ the tests (on the built book)

@pytest.fixture(scope="module")
def pdf(built) -> Path:
    return built.outputs["pdf"]


def test_no_page_is_left_short_above_its_notes(pdf):
    """Issue 17: a long note runs over to the next page rather than pushing text lines away, so
    no page leaves 3 or more blank lines above its notes, unless the next page opens a new part
    or the text's closing questions (the last page of its running text)."""
    pages = page_runs(pdf)
    notes, _ = short_pages(pages)
    assert [(f, round(n, 1)) for f, n in notes if n >= SHORT_LINES - 0.5] == []
    assert notes, "the measure found no page with notes: it is measuring nothing"


def test_notes_never_run_into_the_text(pdf):
    """A note area is never laid over the text: between the last line of text and the first line
    of the notes there is at least a line's space on every page (a note continued from the page
    before included)."""
    pages = page_runs(pdf)
    g = grid(pages)
    close = [(folio, round(body_lines(runs, g)[-1] - top, 1)) for folio, runs in enumerate(pages, start=1)
             if (top := note_top(runs, g)) is not None and body_lines(runs, g)[-1] - top < g.leading]
    assert close == []


def test_back_matter_heads_follow_one_scheme(built, pdf):
    """The preface, the reading plan, the glossary and the index: the book's title on the verso,
    the part's name on the recto (their opening pages carry no head)."""
    pages = page_runs(pdf)
    g = grid(pages)
    texts = {label for label, level, _ in outline(pdf) if level == 1} & {
        _running_head(built, entry) for entry in built.book.texts}
    checked = set()
    for label, first, last in parts(pdf, pages):
        if label in texts:
            continue
        for folio in range(first + 1, last + 1):
            found = head(pages[folio - 1], g)
            if not found:
                continue  # a blank page
            assert found == (built.book.meta["title"] if folio % 2 == 0 else label), (folio, found)
            checked.add(label)
    assert {"Glossary", "Index"} <= checked


def _running_head(built, entry) -> str:
    from anthology.render.pdf.html import running_head

    return running_head(entry, built.book.texts)


def test_long_texts_carry_their_chapters_on_the_rectos(built, pdf):
    """A text's verso names its author or (a long text with chapters) its title; its recto the
    text or the chapter the reader is in; the book's long texts do have chapter heads."""
    pages = page_runs(pdf)
    g = grid(pages)
    entries = {_running_head(built, entry): entry for entry in built.book.texts}
    chapters_by_text: dict[str, list[str]] = {}
    current = None
    for label, level, _ in outline(pdf):
        if level == 1:
            current = label
        elif level == 2 and current in entries:
            chapters_by_text.setdefault(current, []).append(label)
    with_chapter_heads = set()
    for label, first, last in parts(pdf, pages):
        if label not in entries:
            continue
        for folio in range(first + 1, last + 1):
            found = head(pages[folio - 1], g)
            if not found:
                continue
            if folio % 2 == 0:
                assert found in (entries[label].author, label), (folio, found)
            else:
                chapter = [c for c in chapters_by_text.get(label, []) if _ends_with(c, found)]
                assert found == label or chapter, (folio, found)
                if chapter:
                    with_chapter_heads.add(label)
    assert with_chapter_heads, "no text has its chapters in its heads"
    assert "The Revolution Betrayed" in with_chapter_heads  # 76 pages in six chapters


def _ends_with(title: str, head: str) -> bool:
    """Whether a head is a chapter's title without its number, whole or cut with an ellipsis
    (spaces compared as spaces: the outline keeps the no-break space after a number)."""
    title, head = " ".join(title.split()), " ".join(head.split())
    return title.endswith(head) or (head.endswith("…") and head[:-1].strip() in title)


def test_glossary_headwords_are_one_face_and_size(pdf):
    """Every headword (the lines flush left on the glossary's pages; definitions are indented) is
    set in one face at one size, whatever its case, and in another face than its definition."""
    pages = page_runs(pdf)
    g = grid(pages)
    glossary = next((first, last) for label, first, last in parts(pdf, pages) if label == "Glossary")
    headwords, definitions = set(), set()
    count = 0
    for folio in range(glossary[0], glossary[1] + 1):
        runs = [r for r in pages[folio - 1] if not is_head(r, g) and r.size >= g.size * NOTE_SIZE]
        if not runs:
            continue
        left = min(r.x for r in runs)
        lines: dict[float, list[Run]] = {}
        for r in runs:
            lines.setdefault(r.y, []).append(r)
        for line in lines.values():
            first = min(line, key=lambda r: r.x)
            if first.x == left and len(line) == 1:
                headwords.add((first.font, first.size))
                count += 1
            elif first.x > left + 1:
                definitions.add(first.font)
    assert count >= 30
    assert len(headwords) == 1, headwords
    assert next(iter(headwords))[0] not in definitions


if __name__ == "__main__":
    pdf = Path(sys.argv[1])
    pages = page_runs(pdf)
    g = grid(pages)
    print(g)
    notes, plain = short_pages(pages)
    bad = [(f, round(n, 1)) for f, n in notes if n >= SHORT_LINES - 0.5]
    print(f"pages with notes ending short: {len(notes)}; with >= {SHORT_LINES} blank lines: {bad}")
    print("short with notes:", [(f, round(n, 1)) for f, n in notes])
    print(f"pages without notes ending short: {len(plain)}", [(f, round(n, 1)) for f, n in plain])

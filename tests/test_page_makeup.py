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
from functools import lru_cache
from pathlib import Path

from pypdf import PdfReader

SHORT_LINES = 3
"""Blank body lines above the notes from which a page counts as short (issue 17)."""


@dataclass(frozen=True)
class Run:
    text: str
    x: float
    y: float
    """Baseline, in PDF points from the page's foot."""
    size: float
    font: str


def _times(m, n):
    return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3], m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3], m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]]


@lru_cache(maxsize=2)
def page_runs(pdf: Path) -> tuple[tuple[Run, ...], ...]:
    """Every page's text runs with their baseline, size and font."""
    pages = []
    for page in PdfReader(pdf).pages:
        runs: list[Run] = []

        def visit(text, cm, tm, font, size, runs=runs):
            if text.strip():
                m = _times(tm, cm)
                name = str(font.get("/BaseFont", "")) if font else ""
                runs.append(Run(text, round(m[4], 2), round(m[5], 2), round(size * abs(m[3]), 2),
                                name.split("+")[-1]))

        page.extract_text(visitor_text=visit)
        pages.append(tuple(runs))
    return tuple(pages)


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


def body_lines(runs, g: Grid) -> list[float]:
    """Baselines of the page's body lines (body size, under the head), top first."""
    return sorted({r.y for r in runs if r.size == g.size and not is_head(r, g)}, reverse=True)


def note_top(runs, g: Grid) -> float | None:
    """The baseline of the first line of the page's notes: the block of smaller type below the
    last body line (None: no notes)."""
    body = body_lines(runs, g)
    if not body:
        return None
    below = [r.y for r in runs if r.size < g.size * 0.9 and r.y < body[-1] - 1 and r.x < 300]
    return max(below) if below else None


def opens_part(runs, g: Grid) -> bool:
    """A blank page, or one without a running head: a text's (or a part's) opening page."""
    return not any(is_head(r, g) for r in runs)


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
    a page followed by a part's opening page (or a blank one) is left out."""
    g = grid(pages)
    with_notes = [(f, n) for f, n in blank_lines_above_notes(pages, g)
                  if n >= 0.5 and f < len(pages) and not opens_part(pages[f], g)]
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

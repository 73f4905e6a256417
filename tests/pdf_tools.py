"""Reading a built PDF in tests: each page's text as poppler reads it (`pdf_page_texts`), and the
text runs each page draws, with where and how they are set (`page_runs`, pypdf's text visitor).
Reading the book's 230 pages takes some ten seconds that way, so it is read once for every test
module that measures its pages."""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pypdf import PdfReader


@lru_cache(maxsize=4)
def pdf_page_texts(path) -> tuple[str, ...]:
    """Each page's text of a PDF, from poppler's pdftotext (setup.sh installs it): one run for the
    whole book, some twenty times quicker than pypdf page by page."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True).stdout
    return tuple(out.decode("utf-8").split("\f")[:-1])


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


_READING: dict[str, object] = {}
"""PDF path → its runs being read in another process (`read_in_background`)."""


def read_in_background(pdf: Path, pool) -> None:
    """Start reading `pdf`'s runs in `pool` (a multiprocessing pool): `page_runs` waits for them."""
    _READING[str(Path(pdf).resolve())] = pool.apply_async(read_runs, (pdf,))


@lru_cache(maxsize=2)
def page_runs(pdf: Path) -> tuple[tuple[Run, ...], ...]:
    """Every page's text runs with their baseline, size and font (read once, perhaps in the
    background: conftest.Background)."""
    reading = _READING.pop(str(Path(pdf).resolve()), None)
    return reading.get() if reading is not None else read_runs(pdf)


def read_runs(pdf: Path) -> tuple[tuple[Run, ...], ...]:
    """Every page's text runs, read from the PDF: each piece of text pypdf's visitor is given, with
    the text and current matrices applied to its origin and size."""
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

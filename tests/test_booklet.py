"""Booklet imposition: folding the printed stack gives the book back in order."""
from __future__ import annotations

import re

import pytest
import weasyprint
from pypdf import PdfReader

from anthology.render.pdf.booklet import impose, sheet_order


def numbered_book(path, pages: int) -> None:
    body = "".join(f'<p style="break-before: page">PAGE{n:03d}</p>' for n in range(1, pages + 1))
    weasyprint.HTML(string=f"<style>@page {{ size: A5 }}</style>{body}").write_pdf(path)


def halves(page) -> tuple[str, str]:
    """The text on the left and right half of an imposed sheet side."""
    width = float(page.mediabox.width)
    parts = {"left": [], "right": []}

    def visit(text, cm, tm, font, size):
        x = cm[4] + tm[4] * cm[0]
        if text.strip():
            parts["left" if x < width / 2 else "right"].append(text)

    page.extract_text(visitor_text=visit)
    found = lambda t: (m.group(0) if (m := re.search(r"PAGE\d{3}", "".join(t))) else None)  # noqa: E731
    return found(parts["left"]), found(parts["right"])


def fold(sides: list[tuple], sheets_per_signature: int | None) -> list:
    """Read the printed sides back in the order a reader meets them after folding."""
    sheets = [(sides[i], sides[i + 1]) for i in range(0, len(sides), 2)]  # (front, back)
    per = sheets_per_signature or len(sheets)
    order = []
    for start in range(0, len(sheets), per):
        signature = sheets[start:start + per]
        for front, back in signature:
            order += [front[1], back[0]]
        for front, back in reversed(signature):
            order += [back[1], front[0]]
    return order


@pytest.mark.parametrize("pages, signature", [(13, None), (16, None), (22, 2), (5, 1)])
def test_folding_the_booklet_gives_the_pages_in_order(tmp_path, pages, signature):
    book, booklet = tmp_path / "book.pdf", tmp_path / "booklet.pdf"
    numbered_book(book, pages)
    sheets = impose(book, booklet, sheets_per_signature=signature)
    reader = PdfReader(booklet)
    per = 4 * (signature or 1)
    padded = -(-pages // per) * per
    assert sheets == padded // 4 and len(reader.pages) == 2 * sheets
    for page in reader.pages:
        assert float(page.mediabox.width) > float(page.mediabox.height)  # A4 landscape
        assert round(float(page.mediabox.width)) == 842
    order = fold([halves(p) for p in reader.pages], signature)
    expected = [f"PAGE{n:03d}" for n in range(1, pages + 1)]
    assert order == expected + [None] * (padded - pages)  # blanks only at the end


def test_sheet_order_for_eight_pages():
    assert sheet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]

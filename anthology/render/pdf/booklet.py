"""Booklet imposition: the A5 book two pages up on A4 sheets, in saddle-stitch order.

Print the result double-sided with a short-edge flip, fold the stack (or each signature) in half,
and the book reads in order. Pages are padded with blanks at the end to a multiple of four (of
4 × sheets per signature, when signatures are used), so blanks never fall inside the text.
"""
from __future__ import annotations

from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter, Transformation

A4_LANDSCAPE = (841.89, 595.28)


def sheet_order(pages: int, sheets_per_signature: int | None = None) -> list[tuple[int | None, int | None]]:
    """The (left, right) page numbers (1-based; None for a blank) of each sheet side, in print order:
    sheet 1 front, sheet 1 back, sheet 2 front, …"""
    per_signature = 4 * sheets_per_signature if sheets_per_signature else None
    total = -(-pages // (per_signature or 4)) * (per_signature or 4)
    sides = []
    for start in range(0, total, per_signature or total):
        count = per_signature or total
        group = list(range(start + 1, start + count + 1))
        for i in range(count // 4):
            sides.append((group[count - 1 - 2 * i], group[2 * i]))            # front: last, first
            sides.append((group[2 * i + 1], group[count - 2 - 2 * i]))        # back: second, second-last
    return [tuple(p if p <= pages else None for p in side) for side in sides]


def impose(source: Path, target: Path, *, sheets_per_signature: int | None = None) -> int:
    """Write the imposed booklet; returns the number of sheets."""
    reader = PdfReader(source)
    writer = PdfWriter()
    width, height = A4_LANDSCAPE
    for left, right in sheet_order(len(reader.pages), sheets_per_signature):
        side = PageObject.create_blank_page(width=width, height=height)
        for number, x0 in ((left, 0.0), (right, width / 2)):
            if number is None:
                continue
            page = reader.pages[number - 1]
            w, h = float(page.mediabox.width), float(page.mediabox.height)
            scale = min((width / 2) / w, height / h)
            dx = x0 + (width / 2 - w * scale) / 2
            dy = (height - h * scale) / 2
            side.merge_transformed_page(page, Transformation().scale(scale).translate(dx, dy))
        writer.add_page(side)
    writer.add_metadata({"/Title": (reader.metadata or {}).get("/Title", "Booklet"), "/Producer": "anthology booklet"})
    with open(target, "wb") as handle:
        writer.write(handle)
    return len(writer.pages) // 2

"""Columns filled in turn laid out in one pass (render/weasy_columns.py) are a fast path: a document
must come out byte for byte as WeasyPrint's two passes make it, whether its columns run over
several pages, end part-way down one, are balanced instead, or hold a footnote."""
from __future__ import annotations

import pytest

from anthology.render import weasy_columns
from conftest import laid_out_both_ways

ENTRY = ('<li>Heading number {n} <a href="#p{n}">1{n}</a>, <a href="#p{n}">2{n}–2{m}</a>, '
         '<a href="#p{n}">3{n}n4</a>; <span class="xref">see also</span> Another heading</li>')


def columns_document(entries: int, fill: str = "auto", note: bool = False) -> str:
    """An index-like list in two columns (the print index's style: links, hanging indents), after a
    heading and a paragraph, with `entries` entries; `note`: a footnote called in the columns."""
    items = "".join(ENTRY.format(n=n, m=n + 1) for n in range(entries))
    footnote = '<span class="footnote">A note called in the columns.</span>' if note else ""
    return ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            '<link rel="stylesheet" href="styles/print.css"><style>'
            f'.cols {{ columns: 2; column-gap: 1.4em; column-fill: {fill}; font-size: 0.8rem; line-height: 1.25; }}'
            ' ul { list-style: none; margin: 0; padding: 0; }'
            ' li { text-align: left; hyphens: manual; break-inside: avoid; padding-left: 3em; text-indent: -3em; }'
            '</style></head><body><section class="index" id="index"><h1>Index</h1>'
            f'<p id="p1">An opening note.{footnote}</p><div class="cols"><ul>{items}</ul></div>'
            '</section></body></html>')


def both_ways(html: str) -> tuple[bytes, bytes, int]:
    return laid_out_both_ways(html, weasy_columns.both_passes)


def test_the_change_applies_to_the_pinned_weasyprint():
    assert weasy_columns.install()


@pytest.mark.parametrize("entries", [12, 260])
def test_columns_filled_in_turn_are_byte_identical_in_one_pass(entries):
    two_passes, one_pass, pages = both_ways(columns_document(entries))
    assert pages >= (3 if entries > 100 else 1)
    assert one_pass == two_passes


@pytest.mark.parametrize("fill, note", [("balance", False), ("auto", True)])
def test_balanced_columns_and_columns_with_a_note_keep_both_passes(fill, note):
    two_passes, one_pass, _ = both_ways(columns_document(120, fill=fill, note=note))
    assert one_pass == two_passes

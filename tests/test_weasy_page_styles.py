"""Page styles computed once per kind of page (render/weasy_page_styles.py) are a fast path: a
document must come out byte for byte as it does with every page's styles computed, whatever
mixture of pages it has (first, left, right, blank, a chapter group's opening page, named pages)."""
from __future__ import annotations

from anthology.render import weasy_page_styles
from anthology.render.pdf.folios import overlay_html
from anthology.render.pdf.html import page_css
from anthology.render.weasy import render
from anthology.manifest import load_book
from conftest import ROOT, laid_out_both_ways

PROSE = ("The bureaucracy, like every ruling stratum, is interested in its own privileges, and "
         "the plan, drawn up by it, serves them first; the workers see the result at the counter. ")


def book_document() -> str:
    """Three chapters of a text (each opening a `chapter` page group, some ending on a blank verso)
    between front-matter pages, under the book's own style sheet: every kind of page it has."""
    chapters = "".join(
        f'<section class="level1 text" id="c{n}" style="page: chapter; break-before: right">'
        f'<h1 class="text" data-running-head="Chapter {n}" data-author="Author {n}">Chapter {n}</h1>'
        + "".join(f"<p>{PROSE * 4}</p>" for _ in range(6 + 5 * n)) + "</section>"
        for n in range(1, 4))
    return ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            f'<link rel="stylesheet" href="styles/print.css"><style>{page_css(load_book(ROOT / "anthology.yml"))}'
            '</style></head><body><div style="page: front"><p>Half-title</p></div>'
            f'<div style="page: front; break-before: page"><p>Contents</p></div>{chapters}</body></html>')


def pdf_both_ways(html: str) -> tuple[bytes, bytes, int]:
    return laid_out_both_ways(html, weasy_page_styles.computing_every_page)


def test_the_wrapper_applies_to_the_pinned_weasyprint():
    assert weasy_page_styles.install()


def test_a_book_like_document_is_byte_identical_with_page_styles_computed_once_per_kind():
    every_page, once_per_kind, pages = pdf_both_ways(book_document())
    assert pages > 12
    assert once_per_kind == every_page


def test_a_folio_overlay_is_byte_identical_with_page_styles_computed_once_per_kind():
    kinds = ["foot", "head", "head", "head", None, "foot", "head", None, None, "head", "foot"] * 3
    html = overlay_html(kinds, "en-GB", page_css(load_book(ROOT / "anthology.yml")))
    every_page, once_per_kind, pages = pdf_both_ways(html)
    assert pages == len(kinds)
    assert once_per_kind == every_page


def test_pages_of_one_kind_share_their_styles_and_pages_of_another_do_not():
    document = render(ROOT, book_document())
    styles = [page._page_box.style for page in document.pages]
    assert len({id(style) for style in styles}) < len(styles) / 2  # shared ...
    sides = {id(page._page_box.style): page._page_box.page_type.side for page in document.pages}
    left = {id(p._page_box.style) for p in document.pages if p._page_box.page_type.side == "left"}
    right = {id(p._page_box.style) for p in document.pages if p._page_box.page_type.side == "right"}
    assert not left & right, sides  # ... but never between a left- and a right-hand page

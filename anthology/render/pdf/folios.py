"""The folios of parts laid out before their first page number was known.

Such a part is written without its folios, and tells where each page's folio stood ("head": in
the running head's outer corner; "foot": dropped to the foot, as on a text's opening page). Once
every part's length is known, `overlay_html` makes a document with a page for each of the book's
pages from such a part's first page (render/pdf/edition.py gathers several parts into one, up to
300 pages), empty but for those folios, under the book's own style sheet and numbered from that
first folio, so that each number is set in the same box, face and place as the layout would have
set it; the join (render/pdf/join.py) lays each of its pages over the book's page.
"""
from __future__ import annotations

from html import escape


def overlay_html(kinds: list[str | None], lang: str, page_css: str) -> str:
    """A page per page of a part: `kinds[i]` is where its page i + 1's folio goes (None: nowhere).

    A "foot" page opens a `chapter` page group, as a text's opening section does in the book, so
    the style sheet's `:nth(1 of chapter)` rule drops its folio; "head" pages follow in the same
    group; a page without a folio is a `front` page, which carries nothing."""
    out = [f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
           f'<link rel="stylesheet" href="styles/print.css"><style>\n{page_css}</style></head><body>']
    in_group = False
    for number, kind in enumerate(kinds, start=1):
        brk = ' style="break-before: page"' if number > 1 else ""
        if kind != "head" and in_group:
            out.append("</section>")
            in_group = False
        if kind == "foot":
            out.append(f'<section style="page: chapter{"; break-before: page" if number > 1 else ""}"><div></div>')
            in_group = True
        elif kind == "head":
            out.append(f"<div{brk}></div>")
        else:
            out.append(f'<div style="page: front{"; break-before: page" if number > 1 else ""}"></div>')
    if in_group:
        out.append("</section>")
    out.append("</body></html>\n")
    return "\n".join(out)

"""The print PDF: WeasyPrint lays out the print HTML (again only where a footnote needs repair) and
writes it once.

WeasyPrint may only read files inside the project (fonts, style sheets, images); anything else,
including any http(s) URL or a file:// path outside the project, is refused, so a hostile source
text cannot make the build read the organiser's files or call the network.

The book has one arabic page sequence from the half-title on, so a page's folio is its index + 1;
`anchor_pages` maps every element id to that folio (for the contents, an index, the EPUB's page
list). Back matter whose page numbers are only known after the main layout (an index) is laid out
as a second document that continues the folio (`layout_back_matter`) and appended when writing.

After layout, footnote_check finds where every note's call and body were placed: WeasyPrint 70
can lose a note's body, or push notes to the next page to squeeze in one more line, and `layout`
repairs both (see there and footnote_check) so that every note is printed on its call's page.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint

from ..manifest import Book
from ..outputs import atomic_path
from . import footnote_check

TAGGED = True
"""Write a tagged PDF (structure for screen readers and reflow): costs about a tenth of the
writing time, and WeasyPrint's tags are valid."""


class ProjectURLFetcher(weasyprint.URLFetcher):
    """Serve `file:` URLs inside the project root and `data:` URLs; refuse everything else."""

    def __init__(self, root: Path, **kwargs):
        super().__init__(allowed_protocols=["file", "data"], **kwargs)
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"refused {url!r}: only files inside the project may be used")


def render(book: Book, html: str, warnings: list[str] | None = None) -> weasyprint.Document:
    """One WeasyPrint layout of `html`, with nothing checked or repaired."""
    fetcher = ProjectURLFetcher(book.root)
    document = weasyprint.HTML(string=html, base_url=book.root.as_uri() + "/", url_fetcher=fetcher)
    rendered = document.render()
    if warnings is not None:  # a repaired part is laid out again: say each refusal once
        warnings.extend(w for w in dict.fromkeys(f"PDF: {url}" for url in fetcher.refused) if w not in warnings)
    return rendered


def layout(book: Book, html: str, warnings: list[str] | None = None) -> weasyprint.Document:
    """Lay out the book, making sure every footnote is printed on the page of its call.

    The whole book is laid out once. If the footnote check finds a note lost or pushed off its
    page, the repairs are written into the HTML and only the texts concerned are laid out again,
    on their own from their first folio (footnote_check.repair: a text of 30 pages takes a second
    or two, the book ten), until their notes are right; their new pages replace the old ones.
    Should a repaired text no longer end where the next part of the book began, the whole book is
    laid out again with the repairs. The result carries `footnotes` (a FootnoteReport of the final
    pages) and `print_html` (the HTML as laid out)."""
    report = footnote_check.FootnoteReport()
    render_book = lambda source: render(book, source, warnings)  # noqa: E731
    note_ids = footnote_check.footnote_ids(html)
    document = render_book(html)
    report.layouts += 1
    found = footnote_check.placements(document, note_ids)
    for _ in range(2):
        if not footnote_check.problems(found):
            break
        html = footnote_check.apply_repairs(html, document, found, report)
        spliced, html = _repair_by_part(book, document, html, found, report, warnings)
        document = spliced or render_book(html)
        report.layouts += spliced is None
        found = footnote_check.placements(document, note_ids)
    report.placements = found
    if warnings is not None:
        warnings.extend(f"PDF: the text of footnote {note_id} is missing from the PDF" for note_id in report.lost)
    document.footnotes = report
    document.print_html = html
    return document


SECTION_START = re.compile(r'<section id="([^"]+)" class="level1\b')


def _parts(html: str) -> list[tuple[str, int, int]]:
    """The book's level-1 sections (texts and any other part) as (id, start, end) in `html`."""
    starts = [(m.group(1), m.start()) for m in SECTION_START.finditer(html)]
    body_end = html.rindex("</body>")
    return [(ident, start, starts[i + 1][1] if i + 1 < len(starts) else body_end)
            for i, (ident, start) in enumerate(starts)]


def _part_html(html: str, start: int, end: int, first_page: int) -> str:
    """A page holding only html[start:end], continuing the book's folio at `first_page`."""
    head_end = html.index("</head>")
    body_start = html.index(">", html.index("<body")) + 1
    rules = f"<style>\n{back_matter_rules(first_page)}</style>\n"
    return f"{html[:head_end]}{rules}{html[head_end:body_start]}\n{html[start:end]}</body>\n</html>\n"


def _part_of(html: str) -> str:
    """The sections of a page made by `_part_html`."""
    body_start = html.index(">", html.index("<body")) + 1
    return html[body_start:html.rindex("</body>")].lstrip("\n")


def _repair_by_part(book: Book, document: weasyprint.Document, html: str,
                    found: list[footnote_check.NotePlacement], report: footnote_check.FootnoteReport,
                    warnings: list[str] | None) -> tuple[weasyprint.Document | None, str]:
    """Lay out again, on its own and repaired, each part of `document` whose pages hold a
    misplaced note, and splice its pages in. `html` already carries the first repairs. Returns the
    spliced document (None if a part's new length would move the parts after it) and the HTML
    with every repair made."""
    folios = anchor_pages(document)
    parts = _parts(html)
    pages = list(document.pages)
    first = [folios.get(ident) for ident, _, _ in parts]
    bad_pages = {p.call_page for p in found if not p.same_page and p.call_page}
    blank = next((page for page in pages if page._page_box.page_type.blank), None)
    kept, fits = [], True
    for i, (ident, start, end) in reversed(list(enumerate(parts))):  # from the end: offsets stay valid
        begin = first[i]
        after = first[i + 1] if i + 1 < len(parts) and first[i + 1] else len(pages) + 1
        if begin is None or not any(begin <= page < after for page in bad_pages):
            continue
        part, part_html, _ = footnote_check.repair(
            lambda source: render(book, source, warnings), _part_html(html, start, end, begin), report)
        html = html[:start] + _part_of(part_html) + html[end:]
        last_part = i + 1 == len(parts)
        fill = 0 if last_part else after - begin - len(part.pages)
        if fill < 0 or fill > 1 or (fill and blank is None):
            fits = False  # the parts after it would move: the whole book must be laid out again
            continue
        pages[begin - 1:after - 1] = list(part.pages) + [blank] * fill
        kept.append(part)
    if not fits:
        return None, html
    spliced = document.copy(pages)
    spliced.part_documents = kept  # their fonts must live as long as their pages
    return spliced, html


def folio_offset(document: weasyprint.Document) -> int:
    return getattr(document, "first_folio", 1) - 1


def anchor_pages(document: weasyprint.Document) -> dict[str, int]:
    """Every element id → the folio of the page it is printed on (its first page)."""
    offset = folio_offset(document)
    pages: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            pages.setdefault(anchor, index + 1 + offset)
    return pages


def back_matter_rules(first_page: int) -> str:
    """CSS that makes a separately laid-out document continue the book's folio at `first_page`,
    on the right side of the spread (an even folio is a left-hand page)."""
    side = "right" if first_page % 2 else "left"
    return f"html {{ break-before: {side}; }}\n@page :first {{ counter-reset: page {first_page}; }}\n"


def layout_back_matter(book: Book, html: str, first_page: int,
                       warnings: list[str] | None = None) -> weasyprint.Document:
    """Lay out back matter (an HTML page in the print template's conventions, with the same style
    sheet) so that its pages continue the book after folio `first_page - 1`. Like every part of
    the book it opens on a right-hand page: from an even `first_page` it starts at the next folio,
    and `write_pdf` puts a blank page before it. Its `anchor_pages` are folios too."""
    first_page += 1 - first_page % 2
    from .html import page_css

    rules = f"<style>\n{page_css(book)}{back_matter_rules(first_page)}</style>\n"
    head_end = html.find("</head>")
    html = html[:head_end] + rules + html[head_end:] if head_end >= 0 else rules + html
    document = render(book, html, warnings)
    document.first_folio = first_page
    return document


def _blank_page(like: weasyprint.Document) -> weasyprint.Page:
    """A blank page (no head, no folio) the size of the book's pages."""
    for page in like.pages:
        if page._page_box.page_type.blank:
            return page
    size = f"{like.pages[0].width}px {like.pages[0].height}px"
    return weasyprint.HTML(string=f"<style>@page {{ size: {size}; margin: 0 }}</style>").render().pages[0]


def write_pdf(document: weasyprint.Document, target: Path, *, extra: list[weasyprint.Document] | None = None) -> Path:
    """Write the book, with the pages of any `extra` documents (back matter, from
    `layout_back_matter`) appended in order, and a blank page wherever their folios leave a gap."""
    if extra:
        pages = list(document.pages)
        for doc in extra:
            pages += [_blank_page(document)] * (getattr(doc, "first_folio", len(pages) + 1) - len(pages) - 1)
            pages += doc.pages
        document = document.copy(pages)
    with atomic_path(target) as part:
        document.write_pdf(part, pdf_tags=TAGGED)
    return target

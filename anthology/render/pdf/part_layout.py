"""One part of the book laid out and written as a PDF of its own: the work a layout process does.

`lay_out` runs in a worker process (anthology/workers.py), so everything it is given and returns is
plain data: the part's HTML in, and out the facts the rest of the build needs about its pages
(anchors, bookmarks, where each page starts for the EPUB's page list, where its folios stand,
where its footnotes landed). The laid-out WeasyPrint document never leaves the process.

A part given as a section of the book's AST is made into HTML here (Pandoc runs in the worker, and
a part taken from the cache is never converted). A part that prints other parts' page numbers is,
in the first round, only measured, with placeholders (see render/pdf/parts.py).

Each part is laid out from a right-hand first page. A part laid out before its first folio is
known (`first_folio=None`) is written without folios: the page number boxes are taken off its
pages after layout, and where each stood is returned (`folio_kinds`) so that render/pdf/folios.py can
print the right numbers over the pages when the parts are joined.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from . import footnote_check, parts
from .index_places import pages_of, unmark
from .text_links import link_text
from .margin_numbers import numbers_to_outer_margin
from ..pages import PageMark, page_marks

PX_TO_PT = 0.75
TAGGED = True
"""Write each part as a tagged PDF (structure for screen readers and reflow): costs about a tenth
of the writing time, and WeasyPrint's tags are valid."""
HEAD_FOLIO = ("@top-left", "@top-right")
FOOT_FOLIO = ("@bottom-center",)


@dataclass(frozen=True)
class PartTask:
    name: str
    html: str | None
    """The part's HTML; None when `section` gives it."""
    root: Path
    """The project root: the only place WeasyPrint may read from."""
    target: Path | None = None
    """Where to write the part's PDF; None lays it out only (to learn its length)."""
    first_folio: int | None = None
    """The folio of its first page when known: the part then prints its own folios."""
    tagged: bool = TAGGED
    section: tuple[str, str, str] | None = None
    """(head, AST JSON, tail): the part as a section of the book's AST, made into HTML by Pandoc
    in the worker, between the book's head and tail."""

    effort: int | None = None
    """How long it takes to lay out, in characters of a text's HTML; None: the length of its
    source (a folio overlay is short, but has as many pages as its part)."""

    @property
    def source(self) -> str:
        return self.html if self.html is not None else "".join(self.section)

    @property
    def prints_page_numbers(self) -> bool:
        """Whether the part prints other parts' page numbers (render/pdf/parts.py)."""
        if self.html is not None:
            return parts.Part(self.name, self.html).prints_page_numbers
        return parts.asks_for_page_numbers(self.section[1])

    @property
    def cost(self) -> int:
        return self.effort if self.effort is not None else len(self.source)


@dataclass
class LaidOutPart:
    name: str
    pages: int
    width_pt: float
    height_pt: float
    anchors: dict[str, tuple[int, float, float]]
    """Element id → (page index in the part, x, y in PDF points from the page's lower left)."""
    bookmarks: list
    """WeasyPrint's bookmark tree: (label, (page index, x, y), children, state), in PDF points."""
    marks: list[PageMark]
    folio_kinds: list[str | None]
    """Per page, where its folio stands: "head", "foot", or None (a page with no folio)."""
    footnotes: footnote_check.FootnoteReport
    warnings: list[str] = field(default_factory=list)
    target: Path | None = None
    first_folio: int | None = None
    html: str | None = None
    """The part's HTML, kept when it prints other parts' page numbers: it was only measured, with
    placeholders, and is laid out again with the numbers."""
    seconds: float = 0.0
    """Time spent laying out (every layout the footnote repair needed) and writing the part."""

    def anchor_pages(self, first_folio: int) -> dict[str, int]:
        """Every element id → the folio of its page, the part's first page being `first_folio`."""
        return {anchor: first_folio + page for anchor, (page, _, _) in self.anchors.items()}


def folio_rules(first_folio: int) -> str:
    """CSS that makes a part's pages carry the book's folios from `first_folio` (odd: a right-hand
    page)."""
    return f"@page :first {{ counter-reset: page {first_folio}; }}\n"


def lay_out(task: PartTask) -> LaidOutPart:
    """Lay out one part (repairing any footnote not printed on its call's page), move the margin
    paragraph numbers of right-hand pages outwards, and write it if it has a target."""
    from ..weasy import render

    started = time.perf_counter()
    html = task.html if task.html is not None else section_part(task)
    target, kept_html = task.target, None
    if task.first_folio is None and parts.Part(task.name, html).prints_page_numbers:
        target, kept_html = None, html  # measured with placeholder numbers, not written
        html = parts.with_page_numbers(html, None)
    html, index_places, text_links = unmark(html)
    if task.first_folio is not None:
        html = parts.with_style(html, folio_rules(task.first_folio))
    warnings: list[str] = []
    report = footnote_check.FootnoteReport()
    document, _, report.placements = footnote_check.repair(lambda source: render(task.root, source, warnings),
                                                           html, report)
    warnings += [f"PDF: the text of footnote {note_id} is missing from the PDF" for note_id in report.lost]
    numbers_to_outer_margin(document)
    kinds = _folio_kinds(document, strip=task.first_folio is None)
    anchor_starts: list[dict[str, int]] = []
    marks = page_marks(document, anchor_starts)
    anchors = _anchors(document)
    top = document.pages[0].height * PX_TO_PT
    for mark, page in pages_of(index_places, anchor_starts).items():
        anchors.setdefault(mark, (page, 0.0, top))  # an index link goes to the top of the word's page
    result = LaidOutPart(
        name=task.name, pages=len(document.pages),
        width_pt=document.pages[0].width * PX_TO_PT, height_pt=top,
        anchors=anchors, bookmarks=document.make_bookmark_tree(scale=PX_TO_PT, transform_pages=True),
        marks=marks, folio_kinds=kinds, footnotes=report, warnings=warnings,
        target=target, first_folio=task.first_folio, html=kept_html)
    if target is not None:
        link_text(document, text_links)
        document.write_pdf(target, pdf_tags=task.tagged)
    result.seconds = time.perf_counter() - started
    return result


def warm_up() -> None:
    """The job that starts a worker before its first layout (`PdfEdition.warm_up`). Its server has
    loaded WeasyPrint and made the build's changes to it already (anthology/preload.py); they are
    made here too, once per process, should that preload have been skipped."""
    from ..weasy import install_changes

    install_changes()


def section_part(task: PartTask) -> str:
    from .html import section_html

    head, ast_json, tail = task.section
    return parts.part(task.name, head, section_html(ast_json), tail).html


def _anchors(document) -> dict[str, tuple[int, float, float]]:
    found: dict[str, tuple[int, float, float]] = {}
    for index, page in enumerate(document.pages):
        for anchor, (x, y, *_) in page.anchors.items():
            if anchor not in found:
                found[anchor] = (index, x * PX_TO_PT, (page.height - y) * PX_TO_PT)
    return found


def _folio_kinds(document, strip: bool) -> list[str | None]:
    """Where each page's folio stands (the margin box that prints only a number); with `strip`,
    that box is taken off the page."""
    from weasyprint.formatting_structure.boxes import MarginBox, TextBox

    kinds: list[str | None] = []
    for page in document.pages:
        box = page._page_box
        kind, folio_box = None, None
        for margin in box.children:
            if not isinstance(margin, MarginBox):
                continue
            text = "".join(b.text for b in margin.descendants() if isinstance(b, TextBox)).strip()
            if text.isdigit() and margin.at_keyword in HEAD_FOLIO + FOOT_FOLIO:
                kind = "head" if margin.at_keyword in HEAD_FOLIO else "foot"
                folio_box = margin
        if strip and folio_box is not None:
            box.children = [child for child in box.children if child is not folio_box]
        kinds.append(kind)
    return kinds

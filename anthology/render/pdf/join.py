"""The parts' PDFs joined into the book (pikepdf, on qpdf): pages in order with a blank verso
wherever a part would otherwise open on a left-hand page, the folio overlays laid over the pages
of the parts that were written without folios, links between parts pointed at their pages, one
outline, the document's metadata and, when the parts are tagged, one structure tree.

Each part was written by WeasyPrint as a document of its own, so its links to its own anchors are
named destinations, and its links to other parts' anchors are `anthology-anchor:` URIs
(render/pdf/parts.py); both become explicit destinations into the joined book.

pikepdf is imported by the functions that use it, in the process that joins (workers.Alone): the
build's own process only places the parts (`place`), and importing pikepdf there took 0.02 s at
the start of every build, before the first text was read.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from .part_layout import LaidOutPart
from .parts import CROSS_PART_SCHEME


@dataclass(frozen=True)
class PlacedPart:
    part: LaidOutPart
    first_folio: int


def right_hand(folio: int) -> int:
    """`folio`, or the next folio if it is a left-hand (even) page: where a part may open."""
    return folio + 1 - folio % 2


def place(parts: list[LaidOutPart], first_folio: int = 1) -> list[PlacedPart]:
    """Give each part its first folio: the next right-hand (odd) page after the part before."""
    placed, folio = [], first_folio
    for part in parts:
        folio = right_hand(folio)
        placed.append(PlacedPart(part, folio))
        folio += part.pages
    return placed


def book_anchors(placed: list[PlacedPart]) -> dict[str, tuple[int, float, float]]:
    """Every element id → (book page index, x, y) in the joined book; the first part to have an
    id keeps it."""
    anchors: dict[str, tuple[int, float, float]] = {}
    for item in placed:
        for anchor, (page, x, y) in item.part.anchors.items():
            anchors.setdefault(anchor, (item.first_folio - 1 + page, x, y))
    return anchors


@dataclass(frozen=True)
class Overlay:
    """A PDF whose pages go over the book's (a part's folios), from book page index `start`;
    `pages` are the indexes of those of its pages that print something."""
    path: Path
    start: int
    pages: list[int]


_KEPT_TILL_EXIT: list = []
"""The joined book and its sources, when the join runs in a process that ends after it
(`process_ends`, workers.Alone): freeing qpdf's objects one by one takes 0.06 s at the very end of
the build, while a worker process's end (os._exit) returns all its memory at once."""


def loaded() -> None:
    """The job that has the process which will join the book load this module and pikepdf (which
    the workers' server does not load) ahead of the join (workers.Alone)."""
    import pikepdf  # noqa: F401


_OPENED: dict[tuple[str, int, int], pikepdf.Pdf] = {}
"""Parts' PDFs opened ahead of the join (`open_ahead`), by path, size and time of change."""


def open_ahead(paths: list[Path]) -> None:
    """Open the PDFs of the parts already laid out (taken from the cache, after an edit to one
    text) in the process that will join them, while the others are laid out: opening a part
    (reading its cross-reference table) is 5 ms, a tenth of the join after that edit. The join
    opens a file again if it has changed since."""
    import pikepdf

    for path in paths:
        _OPENED[_identity(path)] = pikepdf.open(path)


def _identity(path: Path) -> tuple[str, int, int]:
    stat = Path(path).stat()
    return str(path), stat.st_size, stat.st_mtime_ns


def _open(path: Path) -> pikepdf.Pdf:
    """The part's PDF: opened ahead, unless it has changed since, or now."""
    import pikepdf

    opened = _OPENED.pop(_identity(path), None)
    return opened if opened is not None else pikepdf.open(path)


def join(placed: list[PlacedPart], target: Path, *, overlays: list[Overlay] = (), lang: str | None = None,
         process_ends: bool = False) -> int:
    """Write the book to `target` from its placed parts (each with its PDF written), with the
    overlays laid over their pages. Returns the number of pages."""
    import pikepdf

    book = pikepdf.new()
    sources = []
    first = placed[0].part
    for item in placed:
        while len(book.pages) < item.first_folio - 1:
            book.add_blank_page(page_size=(first.width_pt, first.height_pt))
        source = _open(item.part.target)
        sources.append((source, len(book.pages)))
        with warnings.catch_warnings():  # its named destinations are resolved below, not copied
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            book.pages.extend(source.pages)
    _structure(book, sources)
    for overlay in overlays:
        folios = pikepdf.open(overlay.path)
        sources.append((folios, None))
        for index in overlay.pages:
            page = overlay.start + index
            _lay_over(book, book.pages[page], folios.pages[index], f"/Folio{page + 1}")
    anchors = book_anchors(placed)
    _resolve_links(book, anchors)
    _outline(book, placed)
    _metadata(book, sources[0][0], lang)
    book.save(target, deterministic_id=True, compress_streams=True,
              object_stream_mode=pikepdf.ObjectStreamMode.generate)
    pages = len(book.pages)
    for source, _ in sources:
        source.close()
    if process_ends:
        _KEPT_TILL_EXIT.append((book, sources))
    return pages


def _lay_over(book: pikepdf.Pdf, page: pikepdf.Page, other: pikepdf.Page, name: str) -> None:
    """Draw `other` (a page of the same size) over `page`, as a form XObject named `name`:
    pikepdf's own add_overlay picks a random name, and the build must be reproducible; and the
    name must differ from page to page, as WeasyPrint's pages share one resource dictionary."""
    import pikepdf

    form = book.copy_foreign(other.as_form_xobject())
    page.add_resource(form, pikepdf.Name.XObject, name=pikepdf.Name(name))
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(f"\nQ q /Artifact BMC {name} Do EMC Q\n".encode())  # not part of the text


def _structure(book: pikepdf.Pdf, sources: list[tuple[pikepdf.Pdf, int]]) -> None:
    """One structure tree (tagged PDF) from the parts' trees: their top-level elements, in order,
    under one Document element; their parent trees renumbered one after another, and each page's
    and annotation's key moved with them. Left out unless every part is tagged."""
    import pikepdf

    trees = [source.Root.get("/StructTreeRoot") for source, _ in sources]
    if not trees or any(tree is None for tree in trees):
        return
    root = book.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    document = book.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document,
                                                     P=root, K=pikepdf.Array()))
    nums, offset = pikepdf.Array(), 0
    for (source, first_page), tree in zip(sources, trees):
        copied = book.copy_foreign(tree)  # the pages are copied already: the elements point at the copies
        tops = copied.K if isinstance(copied.K, pikepdf.Array) else [copied.K]
        for top in tops:
            for kid in (top.K if isinstance(top.K, pikepdf.Array) else [top.K]):
                if isinstance(kid, pikepdf.Dictionary):
                    kid.P = document
                document.K.append(kid)
        keys = list(pikepdf.NumberTree(copied.ParentTree).items())
        for key, value in keys:
            nums.extend([key + offset, value])
        for page in book.pages[first_page:first_page + len(source.pages)]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", ()):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        offset += max((key for key, _ in keys), default=-1) + 1
        if "/Namespaces" in copied and "/Namespaces" not in root:
            root.Namespaces = copied.Namespaces
    root.K = pikepdf.Array([document])
    root.ParentTree = book.make_indirect(pikepdf.Dictionary(Nums=nums))
    root.ParentTreeNextKey = offset
    book.Root.StructTreeRoot = root
    book.Root.MarkInfo = pikepdf.Dictionary(Marked=True)


def _destination(pages: list[pikepdf.Object], anchor: tuple[int, float, float]) -> pikepdf.Array:
    import pikepdf

    page, x, y = anchor
    return pikepdf.Array([pages[page], pikepdf.Name.XYZ, x, y, 0])


def _resolve_links(book: pikepdf.Pdf, anchors: dict[str, tuple[int, float, float]]) -> None:
    """Point every link at its anchor's page: WeasyPrint's named destinations (links within a
    part) and the cross-part URIs. A link whose anchor is nowhere in the book is removed."""
    import pikepdf

    pages = [page.obj for page in book.pages]  # `book.pages[i]` costs a walk of the page tree
    for page in book.pages:
        annots = page.obj.get("/Annots")
        if annots is None:
            continue
        kept = pikepdf.Array()
        for annot in annots:
            if annot.get("/Subtype") != pikepdf.Name.Link:
                kept.append(annot)
                continue
            name = None
            if isinstance(annot.get("/Dest"), pikepdf.String):
                name = str(annot.Dest)
            elif "/A" in annot and str(annot.A.get("/URI", "")).startswith(CROSS_PART_SCHEME):
                name = str(annot.A.URI)[len(CROSS_PART_SCHEME):]
                del annot["/A"]
            else:
                kept.append(annot)
                continue
            if name in anchors:
                annot.Dest = _destination(pages, anchors[name])
                kept.append(annot)
        page.obj.Annots = kept


def _outline(book: pikepdf.Pdf, placed: list[PlacedPart]) -> None:
    import pikepdf

    def items(tree, offset: int):
        for label, (page, x, y), children, state in tree:
            item = pikepdf.OutlineItem(label, offset + page, "XYZ", left=x, top=y)
            item.is_closed = state == "closed"
            item.children.extend(items(children, offset))
            yield item

    with book.open_outline() as outline:
        for entry in placed:
            outline.root.extend(items(entry.part.bookmarks, entry.first_folio - 1))


def _metadata(book: pikepdf.Pdf, first: pikepdf.Pdf, lang: str | None) -> None:
    """The document information WeasyPrint wrote into the first part (title, authors, keywords,
    dates: all from the book's head), and the book's language."""
    import pikepdf

    book.docinfo = book.copy_foreign(first.docinfo)
    language = lang or first.Root.get("/Lang")
    if language is not None:
        book.Root.Lang = pikepdf.String(str(language))
    book.Root.PageMode = pikepdf.Name.UseOutlines
    book.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)  # the title, not the file name

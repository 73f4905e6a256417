"""The EPUB 3: Pandoc's EPUB writer, one chapter file per text (so notes are numbered per text and
sit at the end of their own text), then finished here: the cover, the print page numbers, the
landmarks, the book's metadata and accessibility metadata, and the e-reader style sheet.

Pandoc runs sandboxed, which also stops it reading a `--css` file or a cover image; so it writes
its default style sheet and the package step swaps ours in and adds the cover (it rewrites the zip
anyway, for reproducibility: the same sources give the same bytes).
"""
from __future__ import annotations

import datetime
import itertools
import os
import tempfile
from pathlib import Path
from typing import Callable

import yaml

from ... import apparatus, doctree
from ...cache import kept
from ...doctree import to_json
from ...manifest import Book
from ...outputs import atomic_path
from ...progress import Progress
from ...project import inside_project
from . import a11y, chapters as epub_chapters, glossary_links, split
from ... import pandoc
from .cover import IMAGE_NAME, CoverError, authors, cover_xhtml, drawn_beside, render_cover, title_page_xhtml
from .package import (EPUB_TYPE, OPF, Package, append, element, parse, read_entries, serialize_xhtml,
                           write_entries, x)
from .. import Finished
from ..pages import PageStart, PrintPages
from .pagelist import insert_page_breaks, page_list_nav
from .paragraph_numbers import write_paragraph_numbers

EPUB_TEXT = (list, list)
"""A text as the EPUB has it, as the cache keeps it: its blocks and the warnings of making them."""
STYLESHEET = "EPUB/styles/stylesheet1.css"
NAV = "EPUB/nav.xhtml"
COVER_PAGE = "text/cover.xhtml"
TITLE_PAGE = "EPUB/text/title_page.xhtml"
PRINT_CONTENTS = "contents"
"""The id of the print edition's contents page (templates/print.html.j2): its page is the EPUB's
contents (nav.xhtml)."""


def epub_metadata(book: Book) -> dict:
    """Pandoc's metadata block: each author as a creator (role aut), the editor as a contributor."""
    meta = book.meta
    return {
        "title": [
            {"type": "main", "text": meta["title"]},
            *([{"type": "subtitle", "text": meta["subtitle"]}] if meta.get("subtitle") else []),
        ],
        "creator": [{"role": "aut", "text": author} for author in authors(book)],
        "contributor": [{"role": "edt", "text": meta["editor"]}],
        "identifier": [{"text": meta["identifier"]}],
        "lang": book.language,
        "date": str(meta["date"]),
        "rights": meta["rights"],
        "publisher": meta.get("publisher", meta["editor"]),
        "subject": meta.get("subjects", []),
        "toc-title": "Contents",
    }


def source_date_epoch(book: Book) -> str:
    """The build's timestamp: SOURCE_DATE_EPOCH if set, else the edition date in the manifest, so
    that two builds of the same sources give byte-identical files."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    year, month, day = (list(map(int, str(book.meta["date"]).split("-"))) + [1, 1])[:3]
    moment = datetime.datetime(year, month, day, tzinfo=datetime.timezone.utc)
    return str(int(moment.timestamp()))


def page_source(book: Book) -> str:
    """How the EPUB names the edition its page numbers come from: the PDF built with it."""
    edition = f", {book.meta['edition']}" if book.meta.get("edition") else ""
    return f"{book.meta['title']}, print edition (PDF, {book.meta.get('page_size', 'A5')}){edition}, {book.meta['date']}"


PANDOC_ARGS = ["--split-level=1", "--toc-depth=3"]
HTML_ARGS = ["--section-divs", "--wrap=none"]
"""The HTML writer's options that make its body the EPUB writer's (which divides sections and
does not wrap lines)."""
NICE_BESIDE_PDF = 10
"""How far below the build's processes the EPUB's Pandoc runs beside the PDF (`nice`): the print
layouts' chain is the build's longest, and Pandoc takes the CPU they leave rather than half a core
from them. A/B on alternating cold builds, 23 pairs: mean 15.71 → 15.33 s, 14 won (within the
machine's noise, but never worse in the mean). So it need not wait for the layouts to have their
cores, as it did before: without that wait, 14 pairs, mean 14.00 → 13.67 s, 8 won."""


class PandocEpub:
    """Pandoc's EPUB of the book, as zip entries, written chapter by chapter, `jobs` Pandocs at a
    time, chapters unchanged since the last build taken from `cache` (render/epub/chapters.py).
    A text's chapter can be started as soon as the text is ready (`start`); `write` makes the
    rest when the whole book is. Pandoc runs in processes of its own, so all this goes on while
    WeasyPrint lays out the PDF; `finish` then needs the layout. Each run is `nice` below the
    build's processes (see `EpubEdition`)."""

    def __init__(self, book: Book, cache=None, jobs: int | None = None, *,
                 nice: int = 0):
        from ...cache import code_version
        from ...workers import worker_count

        self.tmp = tempfile.TemporaryDirectory(prefix="anthology-epub-")
        metadata = yaml.safe_dump(epub_metadata(book), allow_unicode=True)
        self.meta_file = Path(self.tmp.name) / "metadata.yaml"
        self.meta_file.write_text(metadata, encoding="utf-8")
        self.epoch = source_date_epoch(book)
        self.nice = nice
        self.runs = itertools.count()
        context = repr((code_version(), metadata, self.epoch, PANDOC_ARGS, HTML_ARGS))
        self.chapters = epub_chapters.Chapters(self.pandoc, context, cache, jobs or worker_count(),
                                               write_html=self.pandoc_html)

    def __enter__(self) -> "PandocEpub":
        return self

    def __exit__(self, *exc) -> None:
        self.chapters.close(cancel=bool(exc and exc[0]))
        self.tmp.cleanup()

    def pandoc(self, ast_json: str) -> dict[str, bytes]:
        raw = Path(self.tmp.name) / f"pandoc-{next(self.runs)}.epub"
        pandoc.convert(ast_json, "epub3", from_format="json", outputfile=raw, source_date_epoch=self.epoch,
                       args=[*PANDOC_ARGS, f"--metadata-file={self.meta_file}"], nice=self.nice)
        return read_entries(raw)

    def pandoc_html(self, ast_json: str) -> str:
        """Pandoc's HTML writer, as its EPUB writer writes a chapter's body (render/epub/chapters.py)."""
        return pandoc.convert(ast_json, "html5", from_format="json", args=HTML_ARGS, nice=self.nice)

    def start(self, chapter_ast: dict) -> None:
        self.chapters.start(chapter_ast)

    def name(self, blocks: list, name: str) -> None:
        self.chapters.name(blocks, name)

    def write(self, book_ast: dict) -> dict[str, bytes]:
        entries = epub_chapters.by_chapter(book_ast, self.chapters)
        return entries if entries is not None else self.pandoc(to_json(book_ast))


class EpubEdition:
    """The EPUB under way. Built alone, each text's chapter is written by Pandoc as soon as the text
    is ready (`start`), several at a time; beside the PDF, once the book is (`finish`), as many at
    a time, at a lower priority than the print layouts (`NICE_BESIDE_PDF`): at the same priority
    they took cores from the texts' layouts and delayed the index's, the end of the build's
    longest chain, and one at a time left a core idle at the end while the EPUB finished after
    the PDF.
    `finish` prepares the EPUB's own apparatus, writes the rest of Pandoc's EPUB, waits for the
    print page numbers (`print_pages`: the PDF's, or the last layout's) and writes the file."""

    def __init__(self, book: Book, pool, cache=None, *, alongside_pdf: bool, progress=None):
        self.book, self.pool, self.cache, self.progress = book, pool, cache, progress
        self.early = not alongside_pdf
        self.writer = PandocEpub(book, cache, pool.jobs, nice=NICE_BESIDE_PDF if alongside_pdf else 0)
        self.texts: dict[str, tuple[list, list[str]]] = {}
        self.warnings: list[str] = []

    def __enter__(self) -> "EpubEdition":
        return self

    def __exit__(self, *exc) -> None:
        self.writer.__exit__(*exc)

    def start(self, tree: dict, key: str | None = None) -> None:
        """`tree` (a text: one level-1 section) made as the EPUB has it, or taken from the cache
        (`key` names the text there); built alone, its chapter is written at once."""
        opening = tree["blocks"][0] if tree["blocks"] else None
        if opening is None or doctree.header_level(opening) != 1:
            return
        def made_here() -> tuple[list, list[str]]:
            warnings: list[str] = []
            return apparatus.epub_text(self.book, tree, warnings)["blocks"], warnings

        made = kept(self.cache if key else None, "epub-texts", key, EPUB_TEXT, made_here)
        self.texts[doctree.header_id(opening)] = made
        if key:
            self.writer.name(made[0], key)
        if self.early:
            self.writer.start({**tree, "blocks": made[0]})

    def finish(self, book_ast: dict, staging, print_pages: Callable[[], PrintPages | None]) -> Finished:
        progress = self.progress or Progress(quiet=True)
        cover = drawn_beside(self.book, self.cache, self.pool, self.writer.nice)
        with progress.stage("prepare EPUB"):
            epub_ast = apparatus.for_epub(self.book, book_ast, self.warnings, cache=self.cache, texts=self.texts)
            entries = self.writer.write(epub_ast)
        pages = print_pages()
        name = Path(f"{self.book.output_stem}.epub")
        with progress.stage("write EPUB"):
            write_epub(self.book, epub_ast, staging.path(name.as_posix()),
                       page_starts=pages.starts if pages else None, warnings=self.warnings, entries=entries,
                       print_folios=pages.folios if pages else None, cover=cover)
        return Finished(outputs={"epub": name}, warnings=self.warnings)


def pandoc_epub(book: Book, book_ast: dict, cache=None, jobs: int | None = None) -> dict[str, bytes]:
    """Pandoc's EPUB of the whole book at once (see `PandocEpub`)."""
    with PandocEpub(book, cache, jobs) as writer:
        return writer.write(book_ast)


def write_epub(book: Book, book_ast: dict, target: Path, page_starts: list[PageStart] | None = None,
               warnings: list[str] | None = None, *, entries: dict[str, bytes] | None = None,
               print_folios: dict[str, int] | None = None, cover: Callable[[], bytes] | None = None) -> Path:
    """Write the EPUB. With `page_starts` (from the same build's PDF layout, see
    pagelist.page_starts) the print page numbers are marked and listed; without, none are.
    `entries` is Pandoc's EPUB when it was already made (see `pandoc_epub`); `print_folios` (each
    anchor's printed page) fills in the reading plan's page numbers; `cover` gives the cover image
    when it is being drawn elsewhere (`cover.drawn_beside`)."""
    warnings = warnings if warnings is not None else []
    entries = finish(book, entries if entries is not None else pandoc_epub(book, book_ast), page_starts, warnings,
                     print_folios, cover)
    with atomic_path(target) as part:
        write_entries(part, entries)
    return target


def finish(book: Book, entries: dict[str, bytes], page_starts: list[PageStart] | None,
           warnings: list[str], print_folios: dict[str, int] | None = None,
           cover: Callable[[], bytes] | None = None) -> dict[str, bytes]:
    """Everything after Pandoc, on the zip's entries."""
    if TITLE_PAGE in entries:
        entries[TITLE_PAGE] = title_page_xhtml(book)
    package = Package(entries["EPUB/content.opf"])
    spine = package.spine_hrefs()
    documents = {name: parse(entries[name]) for name in spine}
    for root in documents.values():
        write_paragraph_numbers(root)
    if print_folios:
        from ...apparatus.reading_plan import fill_print_pages

        fill_print_pages(documents.values(), print_folios)
    _dash_unfilled_pages(documents.values())
    nav = parse(entries[NAV])

    placed = []
    if page_starts:
        problems: list[str] = []
        placed = insert_page_breaks(documents, page_starts, problems, front=_title_page(documents),
                                    stand_ins={PRINT_CONTENTS: (NAV, nav.find(x("body")))})
        warnings.extend(f"EPUB page list: {problem}" for problem in problems)
    glossary_links.link_both_ways(documents, text_titles(book), _glossary_finder(book))

    back_matter = {}
    for name, root in documents.items():
        a11y.mark_matter(root)
        for ident, title in a11y.mark_back_matter(root).items():
            back_matter[ident] = (name, title)
        a11y.add_roles(root)
        a11y.title_from_heading(root, book.meta["title"])
    measured: dict[str, bytes] = {}  # the files left whole, as split_large wrote them to measure them
    documents = split.split_large(documents, package, measured)

    has_cover = _add_cover(book, entries, package, warnings, cover)
    _finish_nav(nav, spine, _first_text(documents), back_matter, placed, has_cover)
    where = split.holders(documents)
    touched: set[str] = set()
    split.point_links({**documents, NAV: nav}, where, touched)
    entries["EPUB/toc.ncx"] = split.point_ncx(entries["EPUB/toc.ncx"], "EPUB/toc.ncx", where)
    for name, root in documents.items():  # nothing but point_links changes a file after it is measured
        entries[name] = measured[name] if name in measured and name not in touched else serialize_xhtml(root)
    entries[NAV] = serialize_xhtml(nav)
    _put_contents_in_spine(package, spine)

    _set_metadata(book, package, page_list=bool(placed), has_index="index" in back_matter)
    entries["EPUB/content.opf"] = package.to_bytes()
    entries[STYLESHEET] = inside_project(book.design_root, "styles/epub.css").read_bytes()
    return entries


def _dash_unfilled_pages(roots) -> None:
    """A dash in each page cell of the preface's plan table that has no print page (an EPUB built
    without the PDF): written as text, since e-ink readers drop generated content."""
    for root in roots:
        for node in root.iter():
            classes = (node.get("class") or "").split()
            if "plan-pages" in classes and "labelled" not in classes and not node.text and not len(node):
                node.text = "\u2013"


def _title_page(documents: dict) -> tuple[str, object] | None:
    """Where the pages of print-only front matter are marked: the start of the title page."""
    name = next((name for name in documents if name.endswith("title_page.xhtml")), None)
    if name is None:
        return None
    body = documents[name].find(x("body"))
    return name, next((child for child in body if child.tag == x("section")), body)


def _glossary_finder(book: Book) -> Callable[[str], list[str]] | None:
    """text → the glossary anchors of the terms it uses (the glossary's own matcher)."""
    from ...apparatus.glossary import glossary_for, matcher

    terms = glossary_for(book)
    if not terms:
        return None
    match, by_id = matcher(terms), {term.id: term for term in terms}
    return lambda text: [by_id[found.key].anchor for found in match.search_text(text)]


def text_titles(book: Book) -> dict[str, str]:
    """How a list names each text: its title, with its subtitle where two texts share a title."""
    shared = {t.title for t in book.texts if sum(o.title == t.title for o in book.texts) > 1}
    return {t.id: f"{t.title}, {t.subtitle}" if t.title in shared and t.subtitle else t.title for t in book.texts}


def _add_cover(book: Book, entries: dict[str, bytes], package: Package, warnings: list[str],
               cover: Callable[[], bytes] | None) -> bool:
    try:
        image = cover() if cover is not None else render_cover(book)
    except CoverError as exc:
        warnings.append(f"EPUB: no cover: {exc}")
        return False
    entries[f"EPUB/images/{IMAGE_NAME}"] = image
    entries[f"EPUB/{COVER_PAGE}"] = cover_xhtml(book, f"../images/{IMAGE_NAME}")
    package.add_item("cover-image", f"images/{IMAGE_NAME}", "image/png", properties="cover-image")
    package.add_item("cover_xhtml", COVER_PAGE, "application/xhtml+xml")
    package.insert_spine(0, "cover_xhtml")
    package.add_guide("cover", "Cover", COVER_PAGE)
    append(package.metadata, element(f"{{{OPF}}}meta", {"name": "cover", "content": "cover-image"}))
    return True


def _finish_nav(nav, spine: list[str], first_text: str | None, back_matter: dict, placed: list,
                has_cover: bool) -> None:
    """Landmarks (cover, title page, contents, start of the first text, glossary, index) and the
    page list."""
    body = nav.find(x("body"))
    for old in body.findall(x("nav")):
        if old.get(EPUB_TYPE) == "landmarks":
            body.remove(old)
    base = "EPUB/"
    marks = []
    if has_cover:
        marks.append(("cover", COVER_PAGE, "Cover"))
    title_page = next((name for name in spine if name.endswith("title_page.xhtml")), None)
    if title_page:
        marks.append(("titlepage", title_page.removeprefix(base), "Title Page"))
    marks.append(("toc", "nav.xhtml#toc", "Contents"))
    if first_text:
        marks.append(("bodymatter", first_text, "Start of Content"))
    for ident in ("glossary", "index"):
        if ident in back_matter:
            name, title = back_matter[ident]
            marks.append((ident, f"{name.removeprefix(base)}#{ident}", title))
    landmarks = element(x("nav"), {EPUB_TYPE: "landmarks", "id": "landmarks", "hidden": "hidden"})
    landmarks.text = "\n"
    landmarks.append(element(x("h2"), text="Landmarks"))
    listing = element(x("ol"))
    listing.text = "\n"
    for kind, href, title in marks:
        item = element(x("li"))
        item.append(element(x("a"), {"href": href, EPUB_TYPE: kind}, text=title, tail=None))
        listing.append(item)
    landmarks.append(listing)
    body.append(landmarks)
    if placed:
        body.append(page_list_nav(placed, NAV))


def _put_contents_in_spine(package: Package, spine: list[str]) -> None:
    """The contents page is read after the title page (and is a spine item, as landmarks need)."""
    nav_id = next(item.get("id") for item in package.items() if "nav" in (item.get("properties") or "").split())
    if not any(ref.get("idref") == nav_id for ref in package.spine):
        current = package.spine_hrefs()
        title_pages = [i for i, name in enumerate(current) if name.endswith("title_page.xhtml")]
        first_own = current.index(spine[0]) if spine else 0  # after what was put before Pandoc's (the cover)
        package.insert_spine(title_pages[0] + 1 if title_pages else first_own, nav_id)


def _first_text(documents: dict) -> str | None:
    """`file#id` of the first text's section (a section with class `text`), relative to EPUB/."""
    for name, root in documents.items():
        for section in root.iter(x("section")):
            if "text" in (section.get("class") or "").split() and section.get("id"):
                return f"{name.removeprefix('EPUB/')}#{section.get('id')}"
    return None


def _set_metadata(book: Book, package: Package, *, page_list: bool, has_index: bool) -> None:
    moment = datetime.datetime.fromtimestamp(int(source_date_epoch(book)), tz=datetime.timezone.utc)
    package.remove_meta(lambda m: m.get("property") == "dcterms:modified")
    package.add_meta("dcterms:modified", moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if page_list:
        source = page_source(book)
        package.add_dc("source", source, id="page-source")
        package.add_meta("pageBreakSource", source)
    a11y.set_metadata(package, page_list=page_list, has_index=has_index, certified_by=book.meta.get("editor"))

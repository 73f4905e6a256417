"""The print edition, laid out part by part in parallel and joined into one PDF.

1. The print HTML is cut into parts (render/pdf/parts.py): the front matter, the preface, the
   reading plan, each text, the glossary. Every part opens on a right-hand page, so each can be
   laid out on its own, in its own process, at the same time as the others; a text as soon as it
   is read and marked up (`PdfEdition.start`), while the others are still being read.
2. First round: every part is laid out (footnotes checked and repaired within the part) and
   written without folios, except the parts that print other parts' page numbers (the contents,
   the reading plan), which are only measured, with placeholder numbers, and go before the texts
   still waiting (they are short, and the second round waits for them).
3. The parts' lengths give every part its first folio, and so every anchor its page. The index,
   which prints the texts' pages only, is laid out as soon as the texts (and what comes before
   them) are, by the worker that laid out the last text, kept for it (`_start_section`), while
   the back matter before it (the glossary) still is: so without its folios, drawn over it by an
   overlay of its own (`_IndexLayout`), and again, should its numbers change in the second round.
   Second round: the measured parts are laid out again with the real numbers and their real
   folios; one folio overlay document (one per 300 pages) prints the page numbers of the parts
   written without them (render/pdf/folios.py). Should a measured part come out longer or shorter
   with its real numbers, the second round is done again.
4. The book's page numbers go to the EPUB, which is finished while the parts are joined
   (render/pdf/join.py, in a worker: joining holds every page in memory) into the PDF.

Nothing is laid out twice except those few pages of front matter, and an edit to one text changes
only that text's part: every other part is taken from the cache (`Cache`, kind "parts").
"""
from __future__ import annotations

import contextlib
import hashlib
import math
import shutil
import tempfile
import threading
import time
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field, replace
from pathlib import Path

from ... import apparatus
from ...cache import Cache, code_version, design_files, digest_files
from ...manifest import Book
from ...outputs import Staging
from ...workers import LAYOUT, Alone
from . import folios, join, parts
from .footnote_check import FootnoteReport
from .html import page_css, print_frame, section_ids, sections
from .. import Finished
from ..pages import PageStart, PrintPages, page_starts
from .part_layout import LaidOutPart, PartTask, lay_out, warm_up

ROUNDS = 3
"""Second rounds at most: each one starts again only if a part with page numbers changed length."""


@dataclass
class PrintEdition:
    pages: int
    page_starts: list[PageStart]
    """Where each printed page of the body begins, for the EPUB's page list."""
    folios: dict[str, int]
    """Every element id of the book (not the index) → the folio it is printed on."""
    footnotes: FootnoteReport = field(default_factory=FootnoteReport)
    warnings: list[str] = field(default_factory=list)
    laid_out: list[str] = field(default_factory=list)
    """The parts laid out in this build (the others came from the cache), in order of completion."""
    from_cache: int = 0
    """How many parts (and overlays, index) were taken from the cache."""
    seconds: float = 0.0
    """From the first part started to the PDF written."""


CACHED_PART = (LaidOutPart, bytes | None)
"""A laid-out part as the cache keeps it: its facts and its PDF (None for a part only measured)."""


class PartCache:
    """Laid-out parts kept between builds, keyed by their task: the part's HTML, its first folio,
    the style sheets, fonts and code. A hit gives back the part's facts and its PDF."""

    def __init__(self, book: Book, cache: Cache | None):
        self.cache = cache
        self.context = ""
        if cache is not None:
            self.context = digest_files(design_files(book, ("styles", "fonts"))).hexdigest() + code_version()

    def key(self, task: PartTask) -> str:
        h = hashlib.sha256(self.context.encode())
        h.update(repr((task.name, task.first_folio, task.target is not None, task.tagged)).encode())
        h.update(task.source.encode("utf-8"))
        return h.hexdigest()

    def load(self, task: PartTask) -> LaidOutPart | None:
        if self.cache is None:
            return None
        found = self.cache.load("parts", self.key(task), CACHED_PART)
        if found is None:
            return None
        part, pdf = found
        if pdf is None:  # a part that was only measured
            return part
        task.target.write_bytes(pdf)
        return replace(part, target=task.target)

    def store(self, task: PartTask, part: LaidOutPart) -> None:
        if self.cache is not None:
            pdf = part.target.read_bytes() if part.target is not None else None
            self.cache.store("parts", self.key(task), (part, pdf))


class Started:
    """A part being laid out (or taken from the cache): `result()` waits for it, once."""

    def __init__(self, task: PartTask, layouts: "Layouts", future=None, cached: LaidOutPart | None = None):
        self.task, self.layouts, self.future, self.part = task, layouts, future, cached

    def result(self) -> LaidOutPart:
        if self.part is None:
            self.part = self.future.result()
            self.layouts.cache.store(self.task, self.part)
            self.layouts.edition.laid_out.append(self.task.name)
            self.task = self.future = None  # its HTML or AST is not needed again (a 10x book: 0.1 GB)
        return self.part


class Layouts:
    """Lays out tasks in the worker pool, or takes them from the cache."""

    def __init__(self, pool: Executor, cache: PartCache, edition: PrintEdition):
        self.pool, self.cache, self.edition = pool, cache, edition

    def start(self, task: PartTask, rank: float | None = None, holding: bool = False) -> Started:
        """Lay out `task` in a worker, after the waiting tasks of a lower `rank` (default: a part
        only measured first, then the costliest), or take it from the cache. A part measured for
        its length (it prints page numbers) is short, and the second round (the index's layout
        with it) waits for it: it goes before the texts still waiting. `holding`: the worker, once
        done, waits for `release` (workers.Ranked.submit_holding)."""
        cached = self.cache.load(task)
        if cached is not None:
            self.edition.from_cache += 1
            return Started(task, self, cached=cached)
        if rank is None:
            rank = -math.inf if task.first_folio is None and task.prints_page_numbers else -task.cost
        submit = self.pool.submit_holding if holding else self.pool.submit_ranked
        return Started(task, self, future=submit((LAYOUT, rank), lay_out, task))

    def run(self, tasks: list[PartTask]) -> list[LaidOutPart]:
        """Lay out `tasks`, started in the order given (put the longest first)."""
        started = [self.start(task, rank=i) for i, task in enumerate(tasks)]
        return [item.result() for item in started]


class PdfEdition:
    """The print edition under way. Each text is started as soon as it is ready (`start`), while
    the others are still being read; the rest of the book when the whole of it is (`finish`)."""

    def __init__(self, book: Book, pool: Executor, cache: Cache | None = None):
        self.book = book
        self.edition = PrintEdition(pages=0, page_starts=[], folios={})
        self.layouts = Layouts(pool, PartCache(book, cache), self.edition)
        self.head, self.tail = parts.frame_ends(print_frame(book, {"blocks": []}))
        self.started: dict[str, Started] = {}
        self.began = time.perf_counter()
        self.print_pages: Future = Future()
        """The book's page numbers (a PrintPages), known once it is laid out, before it is joined."""
        self._texts = frozenset(entry.id for entry in book.texts)
        """The sections that are texts: the index waits for their layouts."""
        self._texts_left = set(self._texts)
        """The texts whose layouts are not done (or not yet started)."""
        self._held: Future | None = None
        """The last text's layout, whose worker waits for the index's (`_text_laid_out`)."""
        self._lock = threading.Lock()
        self._joining: Alone | None = None
        """The process that joins the parts (`lay_out`), started ahead."""
        # Made last: until __init__ returns, nothing removes it (__exit__), and the print template,
        # which the editor may have broken, is rendered above.
        self.work = Path(tempfile.mkdtemp(prefix="anthology-parts-"))

    def __enter__(self) -> "PdfEdition":
        return self

    def __exit__(self, *exc) -> None:
        self._let_go_for_index()  # a worker is never left waiting for a layout that will not come
        if self._joining is not None:
            self._joining.__exit__(*exc)
        shutil.rmtree(self.work, ignore_errors=True)

    def warm_up(self) -> None:
        """The pool is idle while the texts are prepared (one text changed, read in the build's own
        process): its first worker starts meanwhile, ready for the text's layout. From a thread of
        its own: starting the workers' fork server (which loads WeasyPrint) takes a second, which
        this process spends preparing the text."""
        if self.layouts.pool.jobs > 1:
            threading.Thread(target=self._start_a_worker, daemon=True).start()

    def _start_a_worker(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):  # the build ended or failed first: no need
            self.layouts.pool.submit(warm_up)

    def start(self, tree: dict, key: str | None = None) -> None:
        """Start laying out the level-1 sections of `tree` (one text, as the book will have it)."""
        for name, ast_json in sections(self.book, tree):
            self._start_section(name, ast_json)

    def _start_section(self, name: str, ast_json: str) -> None:
        """A section's layout started. A text's worker, done, waits (`holding`) until we know
        whether it laid out the last text: if so it is kept for the index, which the build's
        process submits a moment later; else a job waiting (the cover, the glossary) would take
        it, and the index, the build's longest chain, wait for that job's end."""
        text = name in self._texts_left
        started = self.layouts.start(self._section_task(name, ast_json), holding=text)
        self.started[name] = started
        if not text:
            return
        if started.future is None:  # from the cache
            self._text_laid_out(name, None)
        else:
            started.future.add_done_callback(lambda future: self._text_laid_out(name, future))

    def _text_laid_out(self, name: str, future: Future | None) -> None:
        """Called as a text's layout ends, before its worker could take another job: it does, unless
        this was the last text (see `_start_section`)."""
        with self._lock:
            self._texts_left.discard(name)
            if not self._texts_left and future is not None:
                self._held, future = future, None
        if future is not None:
            self.layouts.pool.release(future)

    def _let_go_for_index(self) -> None:
        """The worker kept for the index (the index is submitted, or there is none) takes jobs again."""
        with self._lock:
            held, self._held = self._held, None
        if held is not None:
            self.layouts.pool.release(held)

    def finish(self, book_ast: dict, staging: Staging) -> Finished:
        """Lay out the rest of the book and write the PDF into `staging`."""
        name = Path(f"{self.book.output_stem}.pdf")
        try:
            edition = self.lay_out(book_ast, staging.path(name.as_posix()))
        except BaseException as exc:  # whoever waits for the page numbers is not left waiting
            if not self.print_pages.done():
                self.print_pages.set_exception(exc)
            raise
        return Finished(outputs={"pdf": name}, warnings=edition.warnings, pages=edition.pages,
                        print_pages=PrintPages(edition.page_starts, edition.folios),
                        laid_out=edition.laid_out, from_cache=edition.from_cache, seconds=edition.seconds)

    def lay_out(self, book_ast: dict, target: Path) -> PrintEdition:
        """Lay out the rest of the book, then the parts that print page numbers, and write the PDF
        to `target`."""
        book, edition = self.book, self.edition
        # Its process is started now, and loads what joining needs while the parts are laid out.
        self._joining = Alone(self.layouts.pool, join.loaded)
        front = [PartTask(part.name, part.html, book.design_root, target=self.work / f"{part.name}.pdf")
                 for part in parts.split(print_frame(book, book_ast))]
        for task in front:
            self.started[task.name] = self.layouts.start(task)
        for name, ast_json in sections(book, book_ast, skip=set(self.started)):
            self._start_section(name, ast_json)
        order = [task.name for task in front] + section_ids(book_ast)
        self._joining.prepare(join.open_ahead, [started.part.target for started in self.started.values()
                                                if started.part is not None and started.part.target is not None])
        index_data = apparatus.collect_index(book, book_ast)  # while the parts are laid out
        # The index prints the pages of the texts only: it is started as soon as they (and what
        # comes before them) are laid out, beside the back matter after them (the glossary).
        indexed = max((i + 1 for i, name in enumerate(order) if name in self._texts), default=len(order))
        laid = [self.started[name].result() for name in order[:indexed]]
        index = _IndexLayout(book, index_data, self.layouts, self.work).start(join.place(laid))
        self._let_go_for_index()
        laid += [self.started[name].result() for name in order[indexed:]]
        laid, overlays = _second_round(book, bool(index_data), laid, self.layouts, self.work, edition.warnings)
        book_parts = join.place(laid)
        index, index_overlays = index.finish(book_parts, edition.warnings)
        overlays += index_overlays
        with_index = book_parts + (join.place([index], _end(book_parts)) if index else [])
        edition.folios = _folios(book_parts)
        # Every page has its place in the EPUB: the front matter's and the index's too (the index's
        # pages at the entry each begins with, since its EPUB version prints links, not numbers).
        edition.page_starts = page_starts(_by_book_page(
            with_index, lambda part: [m.at_first_whole() for m in part.marks] if part is index else part.marks))
        self.print_pages.set_result(PrintPages(edition.page_starts, edition.folios))  # the EPUB goes on meanwhile
        # In a process of its own: joining holds every page of the book in memory (0.5 GB for a book
        # ten times this one's length), which neither this process, holding the book's AST and the
        # EPUB, nor a worker, holding what its layouts left, need add to theirs.
        edition.pages = self._joining.run(join.join, with_index, target, overlays=overlays, lang=book.language,
                                          process_ends=self._joining.own_process)
        for item in with_index:
            edition.warnings += [w for w in item.part.warnings if w not in edition.warnings]
            edition.footnotes.placements += item.part.footnotes.placements
            edition.footnotes.layouts += item.part.footnotes.layouts
            edition.footnotes.repairs += item.part.footnotes.repairs
        edition.seconds = time.perf_counter() - self.began
        return edition

    def _section_task(self, name: str, ast_json: str) -> PartTask:
        """A level-1 section, made into HTML by Pandoc in the worker: laid out and written without
        folios, or measured if it prints page numbers."""
        return PartTask(name, None, self.book.design_root, target=self.work / f"{name}.pdf",
                        section=(self.head, ast_json, self.tail))


def _second_round(book: Book, has_index: bool, laid: list[LaidOutPart], layouts: Layouts, work: Path,
                  warnings: list[str]) -> tuple[list[LaidOutPart], list[join.Overlay]]:
    """The measured parts laid out with their page numbers and folios, and the folio overlays, until
    the measured parts keep their lengths. Returns the book's parts and the overlays."""
    measured = [i for i, part in enumerate(laid) if part.html is not None]
    for _ in range(ROUNDS):
        placed = join.place(laid)
        anchors = _folios(placed) | _note_folios(placed)
        if has_index:  # the contents lists the index, laid out after the book
            anchors.setdefault(apparatus.index_pages.SECTION_ID, join.right_hand(_end(placed)))
        tasks = {i: PartTask(laid[i].name, parts.with_page_numbers(laid[i].html, anchors), book.design_root,
                             target=work / f"{laid[i].name}-{placed[i].first_folio}.pdf",
                             first_folio=placed[i].first_folio) for i in measured}
        overlay_tasks = _overlay_tasks(book, placed, work)
        # Started in order of the time they take, the longest first (the index is under way).
        order = sorted([*overlay_tasks, *tasks.values()], key=lambda task: -task.cost)
        done = dict(zip(map(id, order), layouts.run(order)))
        numbered = list(laid)
        for i, task in tasks.items():
            numbered[i] = replace(done[id(task)], html=laid[i].html)  # keep the HTML without numbers
        settled = all(numbered[i].pages == laid[i].pages for i in measured)
        laid = numbered
        if settled:
            break
    else:
        warnings.append("PDF: the front matter's length did not settle; its page numbers may be wrong")
    return laid, _overlays(overlay_tasks, done)


def _overlays(overlay_tasks: dict[PartTask, list[str | None]], done: dict[int, LaidOutPart]) -> list[join.Overlay]:
    return [join.Overlay(done[id(task)].target, task.first_folio - 1, [page for page, kind in enumerate(kinds) if kind])
            for task, kinds in overlay_tasks.items()]


class _IndexLayout:
    """The print index, laid out as soon as the texts are (`start`), without its folios: where it
    begins depends on the back matter before it, laid out meanwhile. `finish` prints its folios
    with an overlay of its own, once the book is placed, and lays it out again should its page
    numbers have changed (the front matter changing length in its second round)."""

    def __init__(self, book: Book, index_data, layouts: Layouts, work: Path):
        self.book, self.data, self.layouts, self.work = book, index_data, layouts, work
        self.task: PartTask | None = None
        self.started: Started | None = None
        self.warnings: list[str] = []

    def start(self, placed: list[join.PlacedPart]) -> "_IndexLayout":
        if self.data:
            self.task, self.warnings = self._task(placed)
            self.started = self.layouts.start(self.task, rank=-math.inf)  # the build's longest chain
        return self

    def finish(self, book_parts: list[join.PlacedPart],
               warnings: list[str]) -> tuple[LaidOutPart | None, list[join.Overlay]]:
        if self.task is None:
            return None, []
        again, again_warnings = self._task(book_parts)
        if again.html != self.task.html:
            self.task, self.warnings, self.started = again, again_warnings, self.layouts.start(again, rank=-math.inf)
        index = self.started.result()
        warnings += self.warnings
        overlay_tasks = _overlay_tasks(self.book, join.place([index], _end(book_parts)), self.work)
        done = dict(zip(map(id, overlay_tasks), self.layouts.run(list(overlay_tasks))))
        return index, _overlays(overlay_tasks, done)

    def _task(self, placed: list[join.PlacedPart]) -> tuple[PartTask, list[str]]:
        """The index's task, its page numbers from the parts `placed` (a footnote's anchor is
        where its text is printed), and what it cannot print well."""
        warnings: list[str] = []
        anchors = _folios(placed) | _note_folios(placed)
        html = parts.with_style(apparatus.print_index_html(self.book, self.data, anchors, warnings),
                                page_css(self.book))
        name = hashlib.sha256(html.encode("utf-8")).hexdigest()[:12]
        return PartTask("index", parts.split(html)[-1].html, self.book.design_root,
                        target=self.work / f"index-{name}.pdf"), warnings


def _end(placed: list[join.PlacedPart]) -> int:
    """The folio after the last page of the placed parts."""
    return placed[-1].first_folio + placed[-1].part.pages


def _folios(placed: list[join.PlacedPart]) -> dict[str, int]:
    return {name: folio for item in placed for name, folio in item.part.anchor_pages(item.first_folio).items()}


def _note_folios(placed: list[join.PlacedPart]) -> dict[str, int]:
    """Each footnote's id → the folio its text is printed on (the footnote check's placements),
    which is where the print index sends the reader of a word in a note."""
    return {note.note_id: item.first_folio + note.note_page - 1
            for item in placed for note in item.part.footnotes.placements if note.note_page}


def _by_book_page(placed: list[join.PlacedPart], per_page) -> list:
    """`per_page(part)` (a value per page of the part) laid out over the book's pages in order,
    None for the blank pages between parts."""
    values: list = []
    for item in placed:
        values += [None] * (item.first_folio - 1 - len(values))
        values += per_page(item.part)
    return values


OVERLAY_PAGES = 300
"""The most pages one folio overlay document has. A page of an overlay costs little (4 ms), a
document much more (0.15 s: its style sheet and fonts), so the book's folios are laid out in as
few documents as can be; but a document's pages grow dearer the longer it is (8 ms a page at
2,000), so a long book's are cut into several, which the cores lay out side by side."""


def _overlay_tasks(book: Book, placed: list[join.PlacedPart], work: Path) -> dict[PartTask, list[str | None]]:
    """The folios of the parts written without them, laid out as the book's own pages would be:
    documents of consecutive book pages, from a part's first page (a right-hand one), each page
    carrying its folio where the part's page had it and nothing on the pages between (those of
    parts that print their own folios, and the blanks before a part). Each task → the folio kind
    of each of its pages."""
    chunks: list[list[join.PlacedPart]] = []
    for item in placed:
        if item.part.first_folio is not None or not any(item.part.folio_kinds):
            continue
        if chunks and _end(chunks[-1]) - chunks[-1][0].first_folio + item.part.pages <= OVERLAY_PAGES:
            chunks[-1].append(item)
        else:
            chunks.append([item])
    tasks: dict[PartTask, list[str | None]] = {}
    for chunk in chunks:
        first = chunk[0].first_folio
        kinds: list[str | None] = [None] * (_end(chunk) - first)
        for item in chunk:
            kinds[item.first_folio - first:_end([item]) - first] = item.part.folio_kinds
        name = f"folios-{chunk[0].part.name}"
        html = folios.overlay_html(kinds, book.language, page_css(book))
        tasks[PartTask(name, html, book.design_root, target=work / f"{name}-{first}.pdf", first_folio=first,
                       tagged=False, effort=2000 * len(kinds))] = kinds
    return tasks

"""The build, stage by stage: manifest → read each text → clean → typography → assemble →
apparatus → PDF layout → PDF and EPUB. Data flows one way; each stage only consumes what the
previous one returned.

Work that can run side by side does: the texts are read in the worker processes
(anthology/workers.py), each in its own; the print edition's parts are laid out there too
(render/print_edition.py), while this process writes the EPUB, whose Pandoc run is a process of
its own."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import apparatus, ast, cache, report
from .cache import Cache
from .assemble import AssembledText, text_markdown
from .cleaning import apply_pass
from .errors import AnthologyError, EditorialError
from .inputs import decode_source
from .manifest import Book, TextEntry, load_book
from .model import Document
from .outputs import Staging, write_text
from .progress import Progress
from .sources import read as read_source


@dataclass
class BuildResult:
    book: Book
    texts: list[AssembledText]
    outputs: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    memory: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    pages: int | None = None
    laid_out: list[str] = field(default_factory=list)
    """The parts of the print edition laid out by this build (the others came from the cache)."""


def read_text(book: Book, entry: TextEntry, warnings: list[str]) -> Document:
    """Read one text and run its cleaning passes and the house typography over it."""
    raw = decode_source(entry.file, warnings)
    origin = entry.file.relative_to(book.root).as_posix()
    try:
        doc = read_source(entry.format, raw, options=entry.options, editorial=entry.editorial, origin=origin)
        for name, config in entry.cleaning.items():
            doc = apply_pass(name, doc, config=config or {}, project_dir=book.root, origin=origin)
    except EditorialError as exc:
        if entry.editorial_file is None or str(exc).startswith("editorial/"):
            raise
        editorial = entry.editorial_file.relative_to(book.root).as_posix()
        raise EditorialError(f"{editorial} (for {origin}): {exc}") from exc
    return typeset(doc, entry.language or book.language)


def typeset(doc: Document, lang: str) -> Document:
    from .typography import typogrify

    doc.body, changes = typogrify(doc.body, lang=lang)
    doc.changes.extend(changes)
    if doc.source_note:
        doc.source_note, _ = typogrify(doc.source_note, lang=lang)
    return doc


def output_dir(book: Book) -> Path:
    return book.root / "output"


def build(manifest: Path, *, only: str | None = None, progress: Progress | None = None,
          use_cache: bool = True, jobs: int | None = None) -> BuildResult:
    """Build the book; `only` is None (both), "epub" or "pdf". With `use_cache`, unchanged texts
    and parts are not read or laid out again, and an unchanged book is not built again. `jobs` is
    how many texts or parts are worked on at once (default: one per core; 1: all in this process)."""
    progress = progress or Progress(quiet=True)
    t0 = time.perf_counter()
    with progress.stage("manifest"):
        book = load_book(manifest)
    result = BuildResult(book=book, texts=[])
    if use_cache:
        record = cache.outputs_unchanged(book, only, output_dir(book))
        if record is not None:
            progress.say("  nothing changed since the last build")
            result.outputs = {kind: output_dir(book) / rel for kind, rel in record["outputs"].items()}
            result.pages, result.warnings = record["pages"], record["warnings"]
            result.timings = dict(progress.timings, total=time.perf_counter() - t0)
            return result
    with Staging(output_dir(book)) as staging:
        _build_into(staging, book, result, only, progress, Cache(book.root) if use_cache else None, jobs)
        placed = staging.commit()
    result.outputs = {kind: placed[path.as_posix()] for kind, path in result.outputs.items()}
    if use_cache:
        cache.remember_outputs(book, only, output_dir(book), result.outputs, result.pages, result.warnings)
    result.timings = dict(progress.timings, total=time.perf_counter() - t0)
    result.memory = dict(progress.memory)
    return result


def _build_into(staging: Staging, book: Book, result: BuildResult, only: str | None, progress: Progress,
                texts_cache: Cache | None, jobs: int | None) -> None:
    from .render.cover import render_cover
    from .workers import start_pool, warm_up

    # The worker processes start now, so that their imports overlap with reading the texts.
    with start_pool(jobs) as pool:
        with progress.stage("read and clean texts"):
            documents = _read_texts(book, pool, texts_cache)
            for entry, (doc, warnings) in zip(book.texts, documents):
                result.warnings.extend(warnings)
                result.texts.append(AssembledText(entry, doc))
            for item in result.texts:
                write_text(staging.path(f"clean/{item.entry.id}.md"), item.document.body)
            report_data = report.write_reports(book, result.texts, staging)
        # While this process assembles the book, the workers load WeasyPrint and draw the cover.
        if only in (None, "pdf"):
            warm_up(pool, book.root)
        cover = pool.submit(render_cover, book) if only in (None, "epub") else None

        with progress.stage("assemble"):
            book_ast = _assemble(book, result, report_data, staging, pool.jobs)

        with ThreadPoolExecutor(max_workers=1) as thread:
            edition = None
            if only in (None, "pdf"):
                # The parts are laid out in the worker processes while this one makes the EPUB.
                from .render.print_edition import lay_out_print_edition

                pdf_target = staging.path(f"{book.output_stem}.pdf")
                edition = thread.submit(lay_out_print_edition, book, book_ast, pdf_target, pool, texts_cache)
            epub_ast = entries = None
            if only in (None, "epub"):
                from .render.epub import pandoc_epub

                with progress.stage("prepare EPUB"):
                    epub_ast = apparatus.for_epub(book, book_ast, result.warnings)
                    entries = pandoc_epub(book, epub_ast)
            page_starts = print_folios = None
            layout_key = cache.layout_key(book, ast.to_json(book_ast)) if texts_cache else None
            if edition is not None:
                with progress.stage("wait for the PDF"):
                    edition = edition.result()
                progress.record("PDF, alongside the EPUB", edition.seconds)
                progress.say(f"  ({len(edition.laid_out)} part layouts made, {edition.from_cache} taken from the cache)")
                result.warnings.extend(w for w in edition.warnings if w not in result.warnings)
                result.pages, result.laid_out = edition.pages, edition.laid_out
                result.outputs["pdf"] = Path(f"{book.output_stem}.pdf")
                page_starts, print_folios = edition.page_starts, edition.folios
                if texts_cache:
                    texts_cache.store("layout", layout_key, (page_starts, print_folios))
            elif texts_cache:
                page_starts, print_folios = texts_cache.load("layout", layout_key) or (None, None)
                if page_starts is None:
                    result.warnings.append("EPUB without print page numbers: the book changed since the PDF was "
                                           "last laid out; build both (python build.py) to add them")
    if epub_ast is not None:
        from .render.epub import write_epub

        with progress.stage("write EPUB"):
            write_epub(book, epub_ast, staging.path(f"{book.output_stem}.epub"), page_starts=page_starts,
                       warnings=result.warnings, entries=entries, print_folios=print_folios,
                       cover=cover.result if cover is not None else None)
            result.outputs["epub"] = Path(f"{book.output_stem}.epub")


def _assemble(book: Book, result: BuildResult, report_data: dict, staging: Staging, jobs: int) -> dict:
    """The book's AST with the apparatus: the preface, then the texts, each parsed by a Pandoc
    process of its own (a text's Markdown stands alone); the preface's reading plan is measured on
    the parsed texts. `output/clean/book.md` is the whole book's Markdown, for the editor."""
    texts_markdown = [text_markdown(book, item) for item in result.texts]
    with ThreadPoolExecutor(max_workers=jobs) as threads:
        parsed = list(threads.map(ast.from_markdown, texts_markdown))
    book_ast = {**parsed[0], "blocks": [block for tree in parsed for block in tree["blocks"]]}
    preface = apparatus.preface_markdown(book, result.texts, report_data, texts_ast=book_ast)
    write_text(staging.path("clean/book.md"), preface + "\n" + "\n".join(texts_markdown))
    book_ast["blocks"][:0] = ast.from_markdown(preface)["blocks"]
    return apparatus.apply(book, book_ast, result.warnings)


def read_text_job(book: Book, entry: TextEntry) -> tuple[Document, list[str]]:
    """`read_text` in a worker process: the document and its warnings."""
    warnings: list[str] = []
    return read_text(book, entry, warnings), warnings


def _read_texts(book: Book, pool, texts_cache: Cache | None) -> list[tuple[Document, list[str]]]:
    """Every text read and cleaned, from the cache or in the worker processes (the longest first)."""
    keys = [cache.text_key(book, entry) if texts_cache else None for entry in book.texts]
    found = [texts_cache.load("texts", key) if texts_cache else None for key in keys]
    order = sorted((i for i, hit in enumerate(found) if hit is None), key=lambda i: -book.texts[i].file.stat().st_size)
    jobs = {i: pool.submit(read_text_job, book, book.texts[i]) for i in order}
    for i, job in jobs.items():
        found[i] = job.result()
        if texts_cache:
            texts_cache.store("texts", keys[i], found[i])
    return found


def clean_one(manifest: Path, text_id: str) -> str:
    """The cleaned Markdown of one text, for `build.py clean <id>`."""
    book = load_book(manifest)
    for entry in book.texts:
        if entry.id == text_id:
            return read_text(book, entry, []).body
    raise AnthologyError(f"no text with id {text_id!r}; the manifest has: {', '.join(t.id for t in book.texts)}")

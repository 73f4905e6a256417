"""The build, stage by stage: manifest → read each text → clean → typography → assemble →
apparatus → PDF layout → PDF and EPUB. Data flows one way; each stage only consumes what the
previous one returned.

Work that can run side by side does: each text is read, parsed and marked up in the worker
processes (anthology/workers.py); its print layout starts there as soon as it is ready, while the
other texts are still being read (render/pdf/edition.py); and this process writes the EPUB,
whose Pandoc run is a process of its own, while the rest of the print edition is laid out."""
from __future__ import annotations

import re
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import apparatus, cache, doctree, report
from .cache import Cache
from .assemble import AssembledText, text_markdown
from .opener import fit_to_opener
from .passes import apply_pass
from .errors import AnthologyError, EditorialError, ManifestError, SourceError
from .sanitise import sanitise
from .inputs import decode_source
from .limits import MAX_NESTING, LimitExceeded, guard_markdown
from .manifest import Book, TextEntry, load_book
from .model import Change, Document
from .outputs import Staging, write_text
from .pandoc import PandocError
from .progress import Progress
from .render import Finished
from .render.pages import PrintPages
from .prose import load_frequencies
from .sources import read as read_source, reads_bytes
from .workers import READING, InProcess, fewer_collections, start_pool, stopped_on_failure


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
    prepared: list[str] = field(default_factory=list)
    """The texts read or marked up by this build (the others came from the cache)."""


def read_text(book: Book, entry: TextEntry, warnings: list[str]) -> Document:
    """Read one text and run its cleaning passes and the house typography over it."""
    origin = entry.file.relative_to(book.root).as_posix()
    repairs: list[Change] = []  # made to the characters before the reader reads them (mojibake)
    try:
        raw = entry.file.read_bytes() if reads_bytes(entry.format) else decode_source(entry.file, warnings, origin, repairs)
        doc = read_source(entry.format, raw, options=entry.options, editorial=entry.editorial, origin=origin)
        doc.changes[:0] = repairs
        for name, config in entry.cleaning.items():
            doc = apply_pass(name, doc, config=config or {}, project_dir=book.root, origin=origin)
        doc = fit_to_opener(doc, title=entry.title, subtitle=entry.subtitle, omit_note=entry.omit_source_note)
    except PandocError as exc:  # a reader's Pandoc run (the Muse reader's) failed on the text
        raise SourceError(pandoc_problem(exc, book, entry)) from exc
    except SourceError as exc:
        raise SourceError(naming_text(str(exc), origin, entry.id)) from exc
    except EditorialError as exc:
        if entry.editorial_file is None or str(exc).startswith("editorial/"):
            raise
        editorial = entry.editorial_file.relative_to(book.root).as_posix()
        raise EditorialError(f"{editorial} (for {origin}): {exc}") from exc
    warnings.extend(doc.warnings)
    return typeset(doc, entry.language or book.language)


def naming_text(message: str, origin: str, text_id: str) -> str:
    """A reader's `texts/x:LINE: what is wrong` as `texts/x:LINE: id: what is wrong`, the form of
    every message about a text (a message that names the text already, or another place, as is)."""
    place = re.match(re.escape(origin) + r"(?::\d+)?: ", message)
    if place is None or message[place.end():].startswith(f"{text_id}: "):
        return message
    return f"{message[:place.end()]}{text_id}: {message[place.end():]}"


def pandoc_problem(exc: PandocError, book: Book, entry: TextEntry) -> str:
    """`texts/x:LINE: id: Pandoc could not read the text: why`: the line of the raw source that
    the line Pandoc names (in the document it was given, made from the source) comes from."""
    return f"{text_place(book, entry, exc.document, exc.line)}: Pandoc could not read the text: {exc.reason}"


def text_place(book: Book, entry: TextEntry, given: str = "", line: int = 0) -> str:
    """`texts/x:LINE: id`, where LINE is the source's line that line `line` of `given` (a document
    made from the source: the reader's Muse, the text's Markdown) comes from, found by its words;
    `texts/x: id` where there is no such line or it cannot be found."""
    origin = entry.file.relative_to(book.root).as_posix()
    found = 0
    if given and line:
        try:
            found = source_line(decode_source(entry.file, [], origin), given, line)
        except SourceError:  # a source that is no text (a reader of bytes: DOCX, EPUB) has no lines
            pass
    return f"{origin}:{found}: {entry.id}" if found else f"{origin}: {entry.id}"


WORD = re.compile(r"\w+")


def source_line(raw: str, given: str, line: int) -> int:
    """The line of `raw` holding line `line` of `given` (the last line with words, at or before
    it), found by its words, or its first eight, four or two; where they occur more than once,
    the occurrence nearest the same share of the way through `raw`; 0 if none is found.

    Words, not characters, because `given` was made from `raw`: the typography curled its
    quotes, a reader escaped or marked up what was there, so the characters around the words
    differ where the words do not."""
    lines = given.split("\n")
    words = next((WORD.findall(text) for text in reversed(lines[:line]) if WORD.search(text)), [])
    if not words:
        return 0
    raw_words: list[str] = []
    raw_lines: list[int] = []
    for number, text in enumerate(raw.split("\n"), start=1):
        for word in WORD.findall(text):
            raw_words.append(word)
            raw_lines.append(number)
    # a word the raw text does not hold at all is the reader's own markup (`<verbatim>`), not the source's
    vocabulary = set(raw_words)
    words = [word for word in words if word in vocabulary]
    if not words:
        return 0
    estimate = line / max(len(lines), 1) * (raw.count("\n") + 1)
    for size in dict.fromkeys(n for n in (len(words), 8, 4, 2) if n <= len(words)):
        wanted = words[:size]
        hits = [raw_lines[at] for at in range(len(raw_words) - size + 1)
                if raw_words[at] == wanted[0] and raw_words[at:at + size] == wanted]
        if hits:
            return min(hits, key=lambda hit: abs(hit - estimate))
    return 0


@contextmanager
def working_on(book: Book, entry: TextEntry):
    """The work on one text: a failure no one foresaw (a bug) leaves it carrying which text it
    was, for the one line the command line prints; Python's recursion limit, which only a text
    nested past anthology.limits could reach, is that text's error."""
    try:
        yield
    except AnthologyError:
        raise
    except RecursionError:
        raise SourceError(f"{text_place(book, entry)}: nested too deep for the build to follow (block quotes, "
                          f"lists, notes or emphasis inside each other); the limit is {MAX_NESTING}") from None
    except Exception as exc:
        exc.add_note(f"while working on {entry.file.relative_to(book.root).as_posix()} ({entry.id})")
        raise


def parse_text(book: Book, entry: TextEntry, markdown: str) -> dict:
    """A text's Markdown parsed by Pandoc, within the limits of anthology.limits (each refusal a
    SourceError naming the text and, where there is one, its line)."""
    try:
        return doctree.from_markdown(guard_markdown(markdown), max_depth=MAX_NESTING)
    except LimitExceeded as exc:
        raise SourceError(f"{text_place(book, entry, markdown, exc.line)}: {exc.problem}") from None
    except PandocError as exc:
        raise SourceError(pandoc_problem(exc, book, entry)) from exc


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
    with Staging(output_dir(book)) as staging, fewer_collections():
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
    """Prepare the texts, then make each edition asked for. The PDF is laid out in the worker
    processes while this process makes the EPUB, which then takes the PDF's print page numbers."""
    # Each edition is imported only when it is asked for, not with this module: the worker
    # processes import the pipeline, and loading WeasyPrint (0.6 s) slows a worker reading a text
    # and an EPUB built alone.
    with start_pool(jobs) as pool, ExitStack() as stack:
        pdf = epub = None
        if only in (None, "pdf"):
            from .render.pdf.edition import PdfEdition

            pdf = stack.enter_context(PdfEdition(book, pool, texts_cache))
        if only in (None, "epub"):
            from .render.epub.edition import EpubEdition

            # Beside the PDF, the EPUB's Pandoc runs below the print layouts' priority: they are the
            # build's longest chain, and a run taken from them delays the index's layout, its end.
            epub = stack.enter_context(EpubEdition(book, pool, texts_cache, alongside_pdf=pdf is not None,
                                                   progress=progress))
        editions = [edition for edition in (pdf, epub) if edition is not None]

        # Each text is read, parsed and marked up in a worker; as soon as one is, every edition
        # may start on it (its print layout; its EPUB chapter, for an EPUB alone), while the
        # others are read.
        def when_ready(tree: dict, key: str | None, print_started=lambda: None) -> None:
            for edition in editions:
                edition.start(tree, key)
                if edition is pdf:  # the worker that prepared the text may take its layout
                    print_started()

        book_ast = _texts_and_book(book, result, pool, staging, texts_cache, progress, when_ready=when_ready,
                                   when_idle=pdf.warm_up if pdf else None)
        layout_key = cache.layout_key(book) if texts_cache else None
        # A failure or Ctrl-C stops the pool before the thread is waited for: it may be waiting on a layout.
        with ThreadPoolExecutor(max_workers=1) as thread, stopped_on_failure(pool):
            printing = thread.submit(pdf.finish, book_ast, staging) if pdf else None

            def print_pages() -> PrintPages | None:
                """The PDF's page numbers, once it is laid out (the EPUB is finished while the PDF
                is joined); for an EPUB alone, the last layout's."""
                if printing is not None:
                    with progress.stage("wait for the PDF's page numbers"):
                        return pdf.print_pages.result()
                pages = texts_cache.load("layout", layout_key, PrintPages) if texts_cache else None
                if pages is None:
                    result.warnings.append("EPUB without print page numbers: the book changed since the PDF was "
                                           "last laid out; build both (python build.py) to add them")
                return pages

            finished = [epub.finish(book_ast, staging, print_pages)] if epub else []
            if printing is not None:
                finished.append(_printed(printing.result(), result, progress, texts_cache, layout_key))
        for done in finished:
            result.outputs.update(done.outputs)
            result.warnings.extend(w for w in done.warnings if w not in result.warnings)


def _printed(done: Finished, result: BuildResult, progress: Progress, texts_cache: Cache | None,
             layout_key: str | None) -> Finished:
    """The PDF's figures recorded (once), and its page numbers kept for a later EPUB alone."""
    if "pdf" not in result.outputs:
        progress.record("PDF, alongside the EPUB", done.seconds)
        progress.say(f"  ({len(done.laid_out)} part layouts made, {done.from_cache} taken from the cache)")
        result.warnings.extend(w for w in done.warnings if w not in result.warnings)
        result.pages, result.laid_out = done.pages, done.laid_out
        result.outputs.update(done.outputs)
        if texts_cache:
            texts_cache.store("layout", layout_key, done.print_pages)
    return done


def _texts_and_book(book: Book, result: BuildResult, pool, staging: Staging, texts_cache: Cache | None,
                    progress: Progress, when_ready=None, when_idle=None) -> dict:
    """Every text prepared (into `result`), the cleaned texts and the cleaning report written, and
    the book's AST assembled."""
    with progress.stage("read, clean and mark up texts"):
        prepared = _prepare_texts(book, pool, texts_cache, when_ready, done=result.prepared, when_idle=when_idle)
        for entry, item in zip(book.texts, prepared):
            result.warnings.extend(item.read_warnings)
            result.texts.append(AssembledText(entry, item.document))
        for item in prepared:
            result.warnings.extend(item.warnings)
    with progress.stage("assemble"):
        for item in result.texts:
            write_text(staging.path(f"clean/{item.entry.id}.md"), item.document.body)
        report_data = report.write_reports(book, result.texts, staging)
        return _assemble(book, result, prepared, report_data, staging, texts_cache)


def assembled_book(manifest: Path, jobs: int | None = None) -> tuple[Book, dict]:
    """The book and its AST as a build assembles them (texts read before are taken from the
    cache), with nothing written to output/: for tools, and the benchmark's floor."""
    book = load_book(manifest)
    with start_pool(jobs) as pool, tempfile.TemporaryDirectory() as scratch:
        staging = Staging(Path(scratch))
        return book, _texts_and_book(book, BuildResult(book=book, texts=[]), pool, staging, Cache(book.root),
                                     Progress(quiet=True))


def _assemble(book: Book, result: BuildResult, prepared: list[PreparedText], report_data: dict,
              staging: Staging, texts_cache: Cache | None = None) -> dict:
    """The book's AST: the preface, then the texts as the workers made them, then the book steps
    of the apparatus (the glossary as back matter, the checks). The preface's reading plan is
    measured on the texts. `output/clean/book.md` is the whole book's Markdown, for the editor."""
    from .apparatus.reading_plan import SEGMENTS_FACT, plan_for_preface
    from .apparatus.templating import markdown_blocks
    from .pandoc import MARKDOWN

    book_ast = {**prepared[0].tree, "blocks": [block for item in prepared for block in item.tree["blocks"]]}
    facts = apparatus.sum_facts([item.facts for item in prepared])
    plan = plan_for_preface(book, result.texts, book_ast, facts.get(SEGMENTS_FACT))
    preface = apparatus.preface_markdown(book, result.texts, report_data, plan=plan)
    write_text(staging.path("clean/book.md"), preface + "\n" + "\n".join(item.markdown for item in prepared))
    preface_blocks = markdown_blocks(preface, texts_cache, from_format=MARKDOWN)
    sanitise(preface_blocks, result.warnings, "templates/preface.md.j2")  # and the introduction it places
    book_ast["blocks"][:0] = preface_blocks
    facts["reading-plan"] = plan
    return apparatus.finish_book(book, book_ast, result.warnings, facts, texts_cache)


@dataclass
class PreparedText:
    """One text as a worker hands it back: the cleaned document (and the warnings of reading it),
    its Markdown for the book, and its part of the book's AST with the apparatus's text steps
    done (their warnings, and the facts they counted for the book steps)."""
    document: Document
    read_warnings: list[str]
    markdown: str
    tree: dict
    warnings: list[str]
    facts: dict


READ_TEXT = (Document, list)
"""The shape of a text read and cleaned, as the cache keeps it: the document and its warnings."""


def read_text_job(book: Book, entry: TextEntry) -> tuple[Document, list[str]]:
    """`read_text` in a worker process: the document and its warnings."""
    warnings: list[str] = []
    return read_text(book, entry, warnings), warnings


def prepare_text_job(book: Book, entry: TextEntry, read: tuple[Document, list[str]] | None = None) -> PreparedText:
    """A text read (unless `read` gives it, from the cache), parsed by Pandoc and marked up by the
    apparatus's text steps: all the work on one text that does not need the others."""
    with working_on(book, entry):
        # The word frequencies (the glossary's candidate terms need them) load while Pandoc parses,
        # and not while the text is read: loading them holds the interpreter a fifth of a second,
        # which reading a text that needs none would wait for (a reading that needs them loads
        # them itself). wordfreq imports ftfy, as the reading does (mojibake): ftfy's modules
        # import each other, and two threads importing them at once can leave one with a
        # half-made module, so this thread has imported it first.
        import ftfy  # noqa: F401

        document, read_warnings = read if read is not None else read_text_job(book, entry)
        frequencies = threading.Thread(target=load_frequencies, daemon=True)
        frequencies.start()
        markdown = text_markdown(book, AssembledText(entry, document))
        tree = parse_text(book, entry, markdown)
        warnings: list[str] = []
        sanitise(tree, warnings, entry.file.relative_to(book.root).as_posix())  # before anything else sees it
        frequencies.join()
        facts = apparatus.apply_to_text(book, tree, warnings)
    return PreparedText(document, read_warnings, markdown, tree, warnings, facts)


def _prepare_texts(book: Book, pool, texts_cache: Cache | None, when_ready=None,
                   done: list[str] | None = None, when_idle=None) -> list[PreparedText]:
    """Every text prepared in the worker processes, the longest to read first, but for the shortest
    (or a single one), prepared in this process while the workers start. A text prepared before
    from the same sources is taken from the cache; one read before but whose markup may differ
    (the glossary changed) is only parsed and marked up again, after those to read.
    `when_idle()` is called when the worker processes are left idle (no text, or only one, is
    prepared: in this process). `when_ready(tree, key[, print_started])` is called with each text's
    AST as soon as it is done, and the key that names it in the cache (None without a cache: what
    an edition derives from the text alone may be kept under it); for a text prepared in a worker,
    with a function to call once its layout is handed out, which lets that worker take it (until
    then, and at the latest when `when_ready` returns, the worker waits). The ids of the texts not
    taken from the cache are added to `done`."""
    keys = [(cache.text_key(book, entry), cache.prepared_key(book, entry)) if texts_cache else None
            for entry in book.texts]
    prepared: list[PreparedText | None] = [None] * len(book.texts)
    read: dict[int, tuple[Document, list[str]] | None] = {}
    kept = [texts_cache is not None and texts_cache.has("prepared", key[1]) for key in keys]
    jobs: dict = {}
    with ExitStack() as stack:
        def reading_rank(i: int) -> tuple:
            """Texts to read first, the longest first; those read before (only parsed) after them."""
            return (read[i] is not None, -book.texts[i].file.stat().st_size)

        def start(to_do: list[int]) -> None:
            read.update({i: texts_cache.load("texts", keys[i][0], READ_TEXT) if texts_cache else None for i in to_do})
            if not jobs and (len(to_do) == 1 or pool.jobs > 1):
                # One text (the only one, after an edit) is prepared in this process, in a thread of
                # its own: the worker processes take most of a second to start (their server loads
                # WeasyPrint), and meanwhile a core would be idle. The shortest: this process is
                # busy with the others' results too, and the longest, whose layout is the longest
                # chain, goes to a worker first.
                here = InProcess()
                thread = stack.enter_context(ThreadPoolExecutor(max_workers=1))
                stack.enter_context(stopped_on_failure(here))  # left first: the job is stopped, then waited for
                mine = max(to_do, key=reading_rank)
                job = thread.submit(lambda: here.submit(prepare_text_job, book, book.texts[mine], read[mine]).result())
                jobs[job] = mine
                to_do = [i for i in to_do if i != mine]
            # A worker that has prepared a text waits until its layout is handed out (`release`),
            # which may then go to it: else it takes a shorter part's, and the longest text's
            # layout, the build's longest chain, waits for the next worker free.
            for i in to_do:
                jobs[pool.submit_holding((READING, *reading_rank(i)), prepare_text_job, book, book.texts[i],
                                         read[i])] = i

        def finished(job) -> None:
            i = jobs.pop(job)
            try:
                prepared[i] = job.result()
                if done is not None:
                    done.append(book.texts[i].id)
                if when_ready:
                    when_ready(prepared[i].tree, keys[i][1] if texts_cache else None, lambda: pool.release(job))
            finally:
                pool.release(job)
            if texts_cache:
                if not texts_cache.has("texts", keys[i][0]):
                    texts_cache.store("texts", keys[i][0], (prepared[i].document, prepared[i].read_warnings))
                texts_cache.store("prepared", keys[i][1], prepared[i])

        to_do = [i for i, is_kept in enumerate(kept) if not is_kept]
        if to_do:
            start(to_do)
        if len(to_do) <= 1:
            pool.only_layouts()  # no worker reads a text
            if when_idle:
                when_idle()
        if len(to_do) == 1 and any(kept):
            # One text changed, prepared in this process: its layout is the build's longest chain,
            # so it is handed on before the texts kept from the cache are loaded and started, which
            # would hold this process's interpreter while it is prepared (a third of a second).
            finished(next(iter(jobs)))
        lost = []  # kept, but unreadable (an older version's): prepared after all
        for i, is_kept in enumerate(kept):
            if is_kept:
                prepared[i] = texts_cache.load("prepared", keys[i][1], PreparedText)
                if prepared[i] is None:
                    lost.append(i)
                elif when_ready:
                    when_ready(prepared[i].tree, keys[i][1])
        if lost:
            start(lost)
        for job in as_completed(list(jobs)):
            finished(job)
    return prepared


def clean_one(manifest: Path, text_id: str) -> str:
    """The cleaned Markdown of one text, for `build.py clean <id>`."""
    book = load_book(manifest)
    for entry in book.texts:
        if entry.id == text_id:
            with working_on(book, entry):
                return read_text(book, entry, []).body
    raise ManifestError([f"no text with id {text_id!r}; the manifest has: {', '.join(t.id for t in book.texts)}"])

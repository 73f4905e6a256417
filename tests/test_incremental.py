"""Incremental builds: what an edit to one text makes the build do again.

Two texts keep the two builds short; the print edition's parts are cached by their content, so
the second build lays out only the edited text and the parts that print page numbers or counts
taken from it (front matter, preface, index, folios), never the text that did not change."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import yaml

from anthology.pipeline import build

pytestmark = pytest.mark.book  # every test here builds a two-text book, two or three times

EDIT = ("texts/soviet-mirage.muse", "definitions are important", "definitions matter")


def two_texts(project_copy):
    manifest = project_copy / "anthology.yml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    data["texts"] = [t for t in data["texts"] if t["id"] in ("genesis-part-1", "soviet-mirage")]
    data.pop("meetings", None)
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return manifest


def test_an_edit_to_one_text_lays_out_that_text_again_and_not_the_others(project_copy):
    manifest = two_texts(project_copy)

    first = build(manifest, only="pdf")
    assert {"genesis-part-1", "soviet-mirage", "glossary"} <= set(first.laid_out)

    text = project_copy / EDIT[0]
    source = text.read_text(encoding="utf-8")
    assert source.count(EDIT[1]) == 1
    text.write_text(source.replace(EDIT[1], EDIT[2]), encoding="utf-8")
    second = build(manifest, only="pdf")
    assert second.prepared == ["soviet-mirage"]  # the other text is neither read nor marked up again
    assert "soviet-mirage" in second.laid_out
    assert "genesis-part-1" not in second.laid_out and "glossary" not in second.laid_out
    assert second.pages == first.pages

    again = build(manifest, only="pdf")  # nothing changed: nothing is laid out, the PDF is still there
    assert again.laid_out == [] and again.outputs["pdf"].is_file()


def test_an_epub_only_build_after_a_full_build_of_the_same_sources_does_nothing(project_copy):
    manifest = two_texts(project_copy)
    full = build(manifest)
    epub = build(manifest, only="epub")
    assert "assemble" not in epub.timings and set(epub.outputs) == {"epub"}
    assert epub.outputs["epub"].read_bytes() == full.outputs["epub"].read_bytes()
    text = project_copy / EDIT[0]
    text.write_text(text.read_text(encoding="utf-8").replace(EDIT[1], EDIT[2]), encoding="utf-8")
    assert "assemble" in build(manifest, only="epub").timings  # a changed source is built again


def test_a_glossary_edit_marks_up_every_text_again(project_copy):
    """Which uses of a term are linked depends on the glossary, so the texts' markup is not taken
    from the cache (their cleaned documents are), and the new definition is in the book."""
    import zipfile

    manifest = two_texts(project_copy)
    first = build(manifest, only="epub")
    assert sorted(first.prepared) == ["genesis-part-1", "soviet-mirage"]
    glossary = project_copy / "glossary.yml"
    data = yaml.safe_load(glossary.read_text(encoding="utf-8"))
    data[0]["definition"] = "A definition the editor has just rewritten."
    glossary.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    second = build(manifest, only="epub")
    assert sorted(second.prepared) == ["genesis-part-1", "soviet-mirage"]
    with zipfile.ZipFile(second.outputs["epub"]) as epub:
        book = "".join(epub.read(name).decode("utf-8") for name in epub.namelist() if name.endswith(".xhtml"))
    assert "A definition the editor has just rewritten." in book


def test_footnote_patch_applies_to_the_pinned_weasyprint():
    """If a WeasyPrint upgrade moves the patched line, the build still works (footnote_check repairs
    by laying out again) but gets slower: this says so."""
    from anthology.render.weasyprint_patch import keep_footnotes_with_their_calls

    assert keep_footnotes_with_their_calls()


def test_without_worker_processes_the_build_runs_in_its_own_process(monkeypatch):
    """Where a process pool cannot be made (no shared memory for its queues), or with `--jobs 1`,
    every job runs at once in the build's process, and its errors reach the caller as a pool's would."""
    import concurrent.futures

    from anthology import workers

    def no_pool(*args, **kwargs):
        raise OSError("no /dev/shm")

    monkeypatch.setattr(workers, "ProcessPoolExecutor", no_pool)
    pool = workers.start_pool(4)
    assert isinstance(pool, workers.InProcess) and pool.jobs == 1
    assert pool.submit(sum, [1, 2, 3]).result() == 6
    failed = pool.submit(int, "x")
    assert isinstance(failed, concurrent.futures.Future) and isinstance(failed.exception(), ValueError)


def test_a_job_alone_says_truly_whether_its_process_ends_after_it():
    """The join keeps the book it made until its process ends (join._KEPT_TILL_EXIT) only when
    `own_process` says so: in the build's own process, that would keep every page of the book for
    the rest of the build."""
    import os

    from anthology import workers

    alone = workers.Alone(workers.InProcess())
    assert not alone.own_process and alone.run(os.getpid) == os.getpid()
    pool = workers.start_pool(2)
    try:
        with workers.Alone(pool) as alone:
            assert alone.own_process and alone.run(os.getpid) != os.getpid()
    finally:
        pool.stop()


def test_the_workers_start_with_weasyprint_and_the_word_frequencies_loaded_wherever_the_build_runs_from(tmp_path):
    """The workers' fork server loads WeasyPrint and the word frequencies once for all the workers
    (anthology/preload.py), also for a build run from another folder than the tool's: Python 3.11's
    server looks for what it preloads in the current folder only, and skips it without a word, each
    worker then loading it for itself. A worker that has run nothing yet has WeasyPrint's libraries
    mapped; the module the server preloads leaves the frequencies loaded. And a pool given no job
    (an EPUB built alone after an edit: one text, read in the build's own process) starts no server
    to load all this for nothing."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = f"""
import os, sys
sys.path.insert(0, {str(root)!r})
import wordfreq
from anthology import workers
def servers():
    with open(f"/proc/{{os.getpid()}}/task/{{os.getpid()}}/children") as found:
        children = found.read().split()
    return [pid for pid in children if b"forkserver" in open(f"/proc/{{pid}}/cmdline", "rb").read()]
with workers.start_pool(2) as pool:
    print(len(servers()))  # no job yet: no worker, no server
    pid = pool.submit(os.getpid).result()
    with open(f"/proc/{{pid}}/maps") as maps:
        print("libpango" in maps.read())  # WeasyPrint's Pango, loaded by the server before it forked
import anthology.preload  # what the server ran: it leaves the word frequencies loaded
print(wordfreq.get_frequency_dict.cache_info().currsize)
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "True", "1"]


def test_a_server_for_layouts_only_leaves_the_word_frequencies_to_a_worker_that_reads(tmp_path):
    """After an edit to one text (read in the build's own process), no worker reads a text, and the
    workers' server starts without the word frequencies (`Ranked.only_layouts`), a fifth of a
    second sooner. A worker given a text after all (one whose cache could not be read) prepares it
    all the same, loading them itself; and the setting does not stay in the build's environment."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = f"""
import os, sys
sys.path.insert(0, {str(root)!r})
from pathlib import Path
from anthology import workers
from anthology.manifest import load_book
from anthology.pipeline import prepare_text_job
LOADED = "__import__('wordfreq').get_frequency_dict.cache_info().currsize"
book = load_book(Path({str(root / "anthology.yml")!r}))
with workers.start_pool(2) as pool:
    pool.only_layouts()
    print(pool.submit(eval, LOADED).result())  # the server left them out
    print(workers.LAYOUTS_ONLY in os.environ)
    READ = "(prepare_text_job(book, book.texts[-1]).facts is not None, " + LOADED + ")"
    read, loaded = pool.submit(eval, READ, dict(book=book, prepare_text_job=prepare_text_job)).result()
    print(read, loaded)  # the worker that read the text loaded them
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "False", "True", "1"]


CROSS_LINKED = """\
# One {#one}

See [the other](#two-x), [the section below](#one-y) and [nowhere](#missing).[^1]

[^1]: A note in the first chapter.

## Below {#one-y}

Text.

# Two {#two .text}

[Word]{#two-x} with a note.[^1]

[^1]: A note that links [back](#one).

# Three {#three}

Last.
"""


def test_a_cold_build_prepares_its_shortest_text_itself_and_the_others_in_the_workers(project_copy):
    """While the worker processes start (most of a second), the build's own process prepares the
    shortest text; the longest goes to a worker first, its layout being the longest chain."""
    from anthology import workers

    manifest = two_texts(project_copy)
    texts = yaml.safe_load(manifest.read_text(encoding="utf-8"))["texts"]
    by_size = sorted(texts, key=lambda t: (project_copy / t["file"]).stat().st_size)
    trace = workers.trace_jobs()
    try:
        result = build(manifest, only="epub", jobs=2)
    finally:
        workers.TRACE = None
    in_workers = [r["job"] for r in trace if r["job"].startswith("prepare_text_job")]
    assert in_workers == [f"prepare_text_job:{by_size[-1]['id']}"]
    assert sorted(result.prepared) == sorted(t["id"] for t in texts)  # both prepared, one here


def test_the_epub_written_chapter_by_chapter_is_the_one_pandoc_writes_in_one_go(tmp_path):
    """Pandoc writes the book's skeleton and each chapter on its own (render/epub/chapters.py):
    the EPUB must be the one it writes for the whole book, links across chapters included, with
    chapters from the cache as well, and with one chapter changed."""
    from anthology import doctree
    from anthology.cache import Cache
    from anthology.render.epub import chapters as epub_chapters
    from anthology import pandoc
    from anthology.render.epub.package import read_entries

    runs = []

    def write(ast_json: str) -> dict:
        target = tmp_path / f"run-{len(runs)}.epub"
        runs.append(target)
        pandoc.convert(ast_json, "epub3", from_format="json", outputfile=target, source_date_epoch="0",
                       args=["--split-level=1", "--toc-depth=3", "--metadata=title:T"])
        return read_entries(target)

    cache = Cache(tmp_path)

    def by_chapter(book_ast):
        chapters = epub_chapters.Chapters(write, "test", cache)
        try:
            return epub_chapters.by_chapter(book_ast, chapters)
        finally:
            chapters.close()

    book_ast = doctree.from_markdown(CROSS_LINKED)
    whole = write(doctree.to_json(book_ast))
    assert by_chapter(book_ast) == whole
    runs.clear()
    assert by_chapter(book_ast) == whole
    assert runs == []  # the skeleton and every chapter came from the cache
    edited = doctree.from_markdown(CROSS_LINKED.replace("Last.", "The very last."))
    made = by_chapter(edited)
    assert len(runs) == 1  # only the edited chapter: its headings, so the skeleton, are unchanged
    assert made == write(doctree.to_json(edited))
    retitled = doctree.from_markdown(CROSS_LINKED.replace("# Two {#two", "# Two, retitled {#two"))
    runs.clear()
    made = by_chapter(retitled)
    assert len(runs) == 2  # a heading changed: the skeleton is written again, with the chapter
    assert made == write(doctree.to_json(retitled))


PLAIN_CHAPTERS = """\
# Opening {#opening .front-matter epub:type=preface}

A link [below](#opening-below), one [to the notes chapter](#noted-x), one [to nowhere](#missing) and
[an id of the chapter](#opening) itself; *emphasis*, `code` and a [span]{#opening-s .mark}.

```{=html}
<aside class="box">R&amp;D &#x201C;quoted&#x201D;</aside>
```

## Below {#opening-below}

> A quotation.

# Noted {#noted .text}

[Word]{#noted-x} with a note.[^1] Back to [the opening](#opening-below).

[^1]: A note.

# Plain {#plain}

- an item linking [back](#noted)
- and [here](#plain)
"""


def test_chapters_the_html_writer_writes_are_the_ones_the_epub_writer_writes(tmp_path):
    """A chapter without notes, images, math, citations or linking raw HTML is written by Pandoc's
    HTML writer, half as long again quicker (render/epub/chapters.py): the EPUB must be the one its
    EPUB writer writes for each chapter, and for the whole book, links to the chapter's own ids,
    to other chapters' and to none included (equal as XML: the EPUB writer spells raw HTML's
    entities anew, which the build does for every file)."""
    from anthology import doctree, pandoc
    from anthology.render.epub import chapters as epub_chapters
    from anthology.render.epub.edition import HTML_ARGS
    from anthology.render.epub.package import read_entries

    written: list[str] = []

    def write(ast_json: str) -> dict:
        written.append("epub")
        target = tmp_path / f"run-{len(written)}.epub"
        pandoc.convert(ast_json, "epub3", from_format="json", outputfile=target, source_date_epoch="0",
                       args=["--split-level=1", "--toc-depth=3", "--metadata=title:T"])
        return read_entries(target)

    def write_html(ast_json: str) -> str:
        written.append("html")
        return pandoc.convert(ast_json, "html5", from_format="json", args=HTML_ARGS)

    def by_chapter(book_ast, html: bool) -> dict:
        chapters = epub_chapters.Chapters(write, "test", write_html=write_html if html else None)
        try:
            return epub_chapters.by_chapter(book_ast, chapters)
        finally:
            chapters.close()

    def as_xml(entries: dict) -> dict:
        return {name: ET.canonicalize(content.decode("utf-8")) if name.endswith(".xhtml") else content
                for name, content in entries.items()}

    book_ast = doctree.from_markdown(PLAIN_CHAPTERS)
    whole = as_xml(write(doctree.to_json(book_ast)))
    epub_written = by_chapter(book_ast, html=False)
    written.clear()
    html_written = by_chapter(book_ast, html=True)
    assert sorted(written) == ["epub", "epub", "html", "html"]  # the skeleton and the chapter with a note
    assert as_xml(html_written) == as_xml(epub_written) == whole
    opening = next(body for body in html_written.values() if b'id="opening-below"' in body)
    assert b'href="ch001.xhtml#opening-below"' in opening and b'href="ch002.xhtml#noted-x"' in opening
    for kind in ("Note", "Image", "Math", "Cite"):
        assert not epub_chapters.html_writer_will_do(f'{{"blocks": [{{"t": "{kind}", "c": []}}]}}')
    linking = doctree.to_json({"blocks": [doctree.raw_block("html", '<a href="#x">x</a>')]})
    assert not epub_chapters.html_writer_will_do(linking)
    assert epub_chapters.html_writer_will_do(doctree.to_json({"blocks": [doctree.raw_block("html", "<hr />")]}))


def test_a_long_raw_html_block_goes_around_pandoc_and_is_written_where_pandoc_writes_it(tmp_path):
    """A long raw HTML block (the EPUB index's lists) is not given to Pandoc, which would parse it
    for media: a placeholder is, and the block replaces it in what Pandoc writes. The EPUB must be
    the one Pandoc writes given the block itself; a block with an image is left to Pandoc, which
    packages the image."""
    from anthology import doctree, pandoc
    from anthology.render.epub import chapters as epub_chapters
    from anthology.render.epub.package import read_entries

    given: list[str] = []

    def write(ast_json: str) -> dict:
        given.append(ast_json)
        target = tmp_path / f"run-{len(given)}.epub"
        pandoc.convert(ast_json, "epub3", from_format="json", outputfile=target, source_date_epoch="0",
                       args=["--split-level=1", "--toc-depth=3", "--metadata=title:T"])
        return read_entries(target)

    entries = "\n".join(f'<li id="entry-{n}"><span class="term">Term &amp; {n}</span> '
                        f'<a href="#entry-{n + 1}" title="Next, &#x201C;{n}&#x201D;">¶{n}</a></li>' for n in range(400))
    long_block = f'<section class="lists">\n<ul>\n{entries}\n</ul>\n</section>'
    assert len(long_block) > epub_chapters.SET_ASIDE
    book_ast = doctree.from_markdown(CROSS_LINKED + "\n# Lists {#lists}\n")
    book_ast["blocks"].append(doctree.raw_block("html", long_block))
    whole = write(doctree.to_json(book_ast))
    given.clear()
    chapters = epub_chapters.Chapters(write, "test")
    try:
        made = epub_chapters.by_chapter(book_ast, chapters)
    finally:
        chapters.close()
    # Pandoc writes raw HTML anew (an entity as its character, a quotation mark in text as &quot;),
    # as the build does when it reads and writes every file of the EPUB: equal as XML, then.
    assert made.keys() == whole.keys()
    for name, content in made.items():
        if name.endswith(".xhtml"):
            assert ET.canonicalize(content.decode("utf-8")) == ET.canonicalize(whole[name].decode("utf-8")), name
        else:
            assert content == whole[name], name
    assert not any("entry-399" in ast_json for ast_json in given) and any("data-set-aside" in j for j in given)
    with_image = long_block.replace("</ul>", '</ul>\n<img src="missing.png" alt="" />')
    assert epub_chapters._set_aside({"blocks": [doctree.raw_block("html", with_image)]})[1] == {}


def test_the_worker_pool_starts_the_most_urgent_job_first_and_fails_jobs_it_cannot_start():
    """Jobs wait in rank order for a free process (a text's layout submitted late, but long, goes
    before short ones); a job the pool cannot take fails instead of waiting for ever."""
    import threading
    from concurrent.futures import Executor, Future

    from anthology import workers

    class OneAtATime(Executor):
        def __init__(self):
            self.started, self.gate, self.broken = [], threading.Event(), False

        def submit(self, fn, *args):
            if self.broken:
                raise RuntimeError("broken pool")
            self.started.append(args[0])
            future = Future()
            threading.Thread(target=lambda: (self.gate.wait(), future.set_result(fn(*args)))).start()
            return future

    inner = OneAtATime()
    pool = workers.Ranked(inner, slots=1)
    first = pool.submit_ranked((0,), str, "first")  # takes the only slot
    later = [pool.submit_ranked((1, rank), str, name) for rank, name in [(5, "short"), (-9, "long"), (0, "mid")]]
    inner.gate.set()
    assert [job.result(timeout=5) for job in later] == ["short", "long", "mid"] and first.result() == "first"
    assert inner.started == ["first", "long", "mid", "short"]
    inner.broken, inner.gate = True, threading.Event()
    assert isinstance(pool.submit(str, "x").exception(timeout=5), RuntimeError)
    pool.shutdown()


def test_a_worker_held_after_its_job_takes_the_job_that_follows_from_it_not_an_older_one():
    """A worker that has prepared a text (`submit_holding`) waits for that text's layout, submitted
    once the build's process has its result, rather than take a shorter part's that was waiting
    (`release` lets it go); a job that fails does not hold its worker."""
    import threading
    import time
    from concurrent.futures import Executor, Future

    from anthology import workers

    class OneAtATime(Executor):
        def __init__(self):
            self.started = []

        def submit(self, fn, *args):
            self.started.append(args[0])
            future = Future()

            def run():
                try:
                    future.set_result(fn(*args))
                except ValueError as exc:
                    future.set_exception(exc)

            threading.Thread(target=run).start()
            return future

    inner = OneAtATime()
    pool = workers.Ranked(inner, slots=1)
    read = pool.submit_holding((0,), str, "read")
    older = pool.submit_ranked((1, 5), str, "short layout")
    assert read.result(timeout=5) == "read"
    time.sleep(0.2)
    assert inner.started == ["read"] and not older.done()  # held, though a job waits
    urgent = pool.submit_ranked((1, -9), str, "long layout")
    pool.release(read)
    assert urgent.result(timeout=5) == "long layout" and older.result(timeout=5) == "short layout"
    assert inner.started == ["read", "long layout", "short layout"]
    pool.release(read)  # again: nothing more to let go

    failed = pool.submit_holding((0,), int, "x")
    after = pool.submit_ranked((1,), str, "after")
    assert after.result(timeout=5) == "after" and isinstance(failed.exception(), ValueError)
    pool.shutdown()

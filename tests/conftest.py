"""Shared fixtures: one real build of the whole book (EPUB and PDF) per test session, in a copy of
the project, so that many tests can inspect the same files."""
from __future__ import annotations

import shutil
import sys
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "scripts"))  # ace.py, reading_system.py

PROJECT_PARTS = ["anthology.yml", "texts", "editorial", "templates", "styles", "fonts"]

ONE_TEXT_BOOK = """\
book:
  title: T
  editor: E
  language: en-GB
  date: "2026-01-01"
  identifier: urn:uuid:00000000-0000-0000-0000-000000000000
  rights: R
texts:
  - id: one
    file: texts/one.txt
    format: {fmt}
    title: One
    author: A
    date: "1999"
"""
"""The smallest manifest: one text, `texts/one.txt`, in the format `{fmt}` (str.format)."""


def laid_out_both_ways(html: str, slow_path) -> tuple[bytes, bytes, int]:
    """`html` laid out by the build's WeasyPrint (anthology.render.weasy.render) and written, once
    within `slow_path()` (a context manager that turns one of its fast paths off) and once as the
    build does: the two PDFs and the second's page count, for a test to hold the fast path to its
    slow twin."""
    from anthology.render.weasy import render

    with slow_path():
        slow = render(ROOT, html).write_pdf()
    document = render(ROOT, html)
    return slow, document.write_pdf(), len(document.pages)


def copy_project(dest: Path) -> Path:
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.exists():
            shutil.copy2(src, dest / part)
    for extra in ROOT.glob("*.yml"):
        if not (dest / extra.name).exists():
            shutil.copy2(extra, dest / extra.name)
    return dest


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(config, items):
    """Mark `book` every test that needs the full build: every test whose fixtures, directly or
    through other fixtures, include `built` (so `-m "not book"` leaves exactly the others)."""
    for item in items:
        if "built" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.book)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The whole book, built once: returns the pipeline's BuildResult. The slow work on it that
    needs no test's help starts at once, in the background (`Background`)."""
    from anthology.pipeline import build

    project = copy_project(tmp_path_factory.mktemp("book"))
    result = build(project / "anthology.yml")
    BACKGROUND.start(result, tmp_path_factory.mktemp("background"))
    yield result
    BACKGROUND.stop()


class Background:
    """The slow work on the session's book that needs no test's help, started as soon as the book
    is built: the outside checks of its EPUB (EPUBCheck in Java, DAISY Ace and epub.js in Chromium)
    that the session's tests ask for (`@pytest.mark.in_background(name)`), one after the other in a
    thread that waits on them; and the reading of its PDF's text runs (pdf_tools.page_runs), in a
    process of its own. Each takes 3 to 25 s, mostly in another process, while the tests around them
    are mostly one core's Python: run beside them, they leave the suite's time. A test waits for the
    result it asserts on (`result(name)`)."""

    CHECKS = ("epubcheck", "ace", "epub.js shots", "epub.js walk")
    """In the order their tests come."""

    def __init__(self):
        self.wanted: set[str] = set()
        self.started: dict[str, Future] = {}
        self.epub: Path | None = None
        self.out: Path | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="book-checks")
        self._reader = None

    def start(self, result, out: Path) -> None:
        import multiprocessing

        import pdf_tools

        self.epub, self.out = result.outputs["epub"], out
        for name in self.CHECKS:
            if name in self.wanted:
                self._submit(name)
        if "pdf" in result.outputs:
            self._reader = multiprocessing.get_context("spawn").Pool(1)
            pdf_tools.read_in_background(result.outputs["pdf"], self._reader)

    def stop(self) -> None:
        """At the session's end: a reading no test waited for is not waited for either. (A check
        still running is: the session ends when its thread does.)"""
        if self._reader is not None:
            self._reader.terminate()

    def result(self, name: str):
        if name not in self.started:  # a test not marked for it
            self._submit(name)
        if name not in self.started:
            raise LookupError(f"{name} cannot run here")
        return self.started[name].result()

    def _submit(self, name: str) -> None:
        import ace
        import reading_system
        from anthology.validate import epubcheck

        tool = ace if name == "ace" else reading_system if name.startswith("epub.js") else None
        if tool is not None and tool.missing():
            return  # its test says why it cannot run (skip_or_fail)
        epub, out = self.epub, self.out
        work = {"epubcheck": lambda: epubcheck(epub),
                "ace": lambda: ace.run_ace(epub, out / "ace"),
                "epub.js shots": lambda: reading_system.screenshots(epub, out / "proof"),
                "epub.js walk": lambda: reading_system.walk(epub)}[name]
        self.started[name] = self._thread.submit(work)


BACKGROUND = Background()


def pytest_collection_finish(session):
    BACKGROUND.wanted = {name for item in session.items for mark in item.iter_markers("in_background")
                         for name in mark.args}


@pytest.fixture(scope="session")
def background(built) -> Background:
    return BACKGROUND


@pytest.fixture(scope="session")
def epub(built):
    from epub_tools import Epub

    return Epub(built.outputs["epub"])


@pytest.fixture
def project_copy(tmp_path):
    return copy_project(tmp_path)

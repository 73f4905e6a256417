"""Shared fixtures: one real build of the whole book (EPUB and PDF) per test session, in a copy of
the project, so that many tests can inspect the same files."""
from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

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


@functools.lru_cache(maxsize=4)
def pdf_page_texts(path) -> tuple[str, ...]:
    """Each page's text of a PDF, from poppler's pdftotext (setup.sh installs it): one run for the
    whole book, some twenty times quicker than pypdf page by page."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True).stdout
    return tuple(out.decode("utf-8").split("\f")[:-1])


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
    """The whole book, built once: returns the pipeline's BuildResult."""
    from anthology.pipeline import build

    project = copy_project(tmp_path_factory.mktemp("book"))
    return build(project / "anthology.yml")


@pytest.fixture(scope="session")
def epub(built):
    from epub_tools import Epub

    return Epub(built.outputs["epub"])


@pytest.fixture
def project_copy(tmp_path):
    return copy_project(tmp_path)

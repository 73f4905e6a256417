"""The EPUB 3: Pandoc's EPUB writer, one chapter file per text (so notes are numbered per text and
sit at the end of their own text), with the book's metadata and the e-reader style sheet.

Pandoc runs sandboxed, which also stops it reading a `--css` file; so it writes its default style
sheet and the package step swaps ours in (it rewrites the zip anyway, for reproducibility)."""
from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path

import yaml

from ..manifest import Book
from ..outputs import atomic_path
from ..ast import to_json
from . import pandoc
from .epub_package import repackage


def epub_metadata(book: Book) -> dict:
    meta = book.meta
    authors = []
    for text in book.texts:
        if text.author not in authors:
            authors.append(text.author)
    return {
        "title": [
            {"type": "main", "text": meta["title"]},
            *([{"type": "subtitle", "text": meta["subtitle"]}] if meta.get("subtitle") else []),
        ],
        "creator": [{"role": "edt", "text": meta["editor"]}],
        "contributor": [{"role": "aut", "text": author} for author in authors],
        "identifier": [{"text": meta["identifier"]}],
        "lang": book.language,
        "date": meta["date"],
        "rights": meta["rights"],
        "publisher": meta.get("publisher", meta["editor"]),
        "subject": meta.get("subjects", []),
    }


def source_date_epoch(book: Book) -> str:
    """The build's timestamp: SOURCE_DATE_EPOCH if set, else the edition date in the manifest, so
    that two builds of the same sources give byte-identical files."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    year, month, day = (list(map(int, str(book.meta["date"]).split("-"))) + [1, 1])[:3]
    moment = datetime.datetime(year, month, day, tzinfo=datetime.timezone.utc)
    return str(int(moment.timestamp()))


def write_epub(book: Book, book_ast: dict, target: Path) -> Path:
    styles = book.root / "styles"
    with tempfile.TemporaryDirectory(prefix="anthology-epub-") as tmp:
        meta_file = Path(tmp) / "metadata.yaml"
        meta_file.write_text(yaml.safe_dump(epub_metadata(book), allow_unicode=True), encoding="utf-8")
        with atomic_path(target) as part:
            pandoc.convert(to_json(book_ast), "epub3", from_format="json", outputfile=part, source_date_epoch=source_date_epoch(book), args=[
                "--split-level=1",
                "--toc-depth=3",
                f"--metadata-file={meta_file}",
            ])
            repackage(part, replace={"EPUB/styles/stylesheet1.css": (styles / "epub.css").read_bytes()})
    return target

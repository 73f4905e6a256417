"""The print PDF: WeasyPrint lays out the print HTML once and writes it once.

WeasyPrint may only read files inside the project (fonts, style sheets, images); anything else,
including any http(s) URL or a file:// path outside the project, is refused, so a hostile source
text cannot make the build read the organiser's files or call the network.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint

from ..manifest import Book
from ..outputs import atomic_path


class ProjectURLFetcher(weasyprint.URLFetcher):
    """Serve `file:` URLs inside the project root and `data:` URLs; refuse everything else."""

    def __init__(self, root: Path, **kwargs):
        super().__init__(allowed_protocols=["file", "data"], **kwargs)
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"refused {url!r}: only files inside the project may be used")


def layout(book: Book, html: str, warnings: list[str] | None = None) -> weasyprint.Document:
    fetcher = ProjectURLFetcher(book.root)
    document = weasyprint.HTML(string=html, base_url=book.root.as_uri() + "/", url_fetcher=fetcher)
    rendered = document.render()
    if warnings is not None:
        warnings.extend(f"PDF: {url}" for url in fetcher.refused)
    return rendered


def write_pdf(document: weasyprint.Document, target: Path) -> Path:
    with atomic_path(target) as part:
        document.write_pdf(part)
    return target

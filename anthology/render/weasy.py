"""WeasyPrint, fenced in: every layout of the print edition goes through `render`.

WeasyPrint may only read files inside the project (fonts, style sheets, images); anything else,
including any http(s) URL or a file:// path outside the project, is refused, so a hostile source
text cannot make the build read the organiser's files or call the network.

How the book is laid out (part by part, in parallel, and joined) is in render/pdf/edition.py.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint

from .weasyprint_patch import keep_footnotes_with_their_calls

TAGGED = True
"""Write a tagged PDF (structure for screen readers and reflow): costs about a tenth of the
writing time, and WeasyPrint's tags are valid."""


class ProjectURLFetcher(weasyprint.URLFetcher):
    """Serve `file:` URLs inside the project root and `data:` URLs; refuse everything else."""

    def __init__(self, root: Path, **kwargs):
        super().__init__(allowed_protocols=["file", "data"], **kwargs)
        self.root = Path(root).resolve()
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


def render(root: Path, html: str, warnings: list[str] | None = None) -> weasyprint.Document:
    """One WeasyPrint layout of `html`, with nothing checked or repaired."""
    keep_footnotes_with_their_calls()
    fetcher = ProjectURLFetcher(root)
    document = weasyprint.HTML(string=html, base_url=Path(root).as_uri() + "/", url_fetcher=fetcher)
    rendered = document.render()
    if warnings is not None:  # a repaired part is laid out again: say each refusal once
        warnings.extend(w for w in dict.fromkeys(f"PDF: {url}" for url in fetcher.refused) if w not in warnings)
    return rendered

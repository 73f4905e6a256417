"""WeasyPrint, fenced in: every layout of the print edition goes through `render`.

WeasyPrint may only read files inside the project (fonts, style sheets, images); anything else,
including any http(s) URL or a file:// path outside the project, is refused, so a hostile source
text cannot make the build read the organiser's files or call the network. A file of the project
itself (`styles/print.css`, a font) that leads outside it through a symbolic link is not merely
refused, which would print the book unstyled and say nothing: it stops the build (exit 2).

How the book is laid out (part by part, in parallel, and joined) is in render/pdf/edition.py.
"""
from __future__ import annotations

import inspect
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import cssselect2

from ..errors import ProjectFileError
from ..project import inside_project, lexically_inside
from .native_libraries import quick_lookup

with quick_lookup():  # the first import of WeasyPrint, which loads its native libraries
    import weasyprint

from . import (weasy_columns, weasy_html_parsing, weasy_hyphenation, weasy_page_styles, weasy_pdf_writing,
               weasy_stylesheets)
from .weasyprint_patch import keep_footnotes_with_their_calls

class ProjectURLFetcher(weasyprint.URLFetcher):
    """Serve `file:` URLs inside the project root and `data:` URLs; refuse everything else."""

    def __init__(self, root: Path, **kwargs):
        super().__init__(allowed_protocols=["file", "data"], **kwargs)
        self.root = Path(root).resolve()
        self.refused: list[str] = []
        self.escapes: list[ProjectFileError] = []
        """The project's own files that lead outside it: WeasyPrint only logs what `fetch` raises,
        so `check` raises the first of them once the layout is done."""

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path))
            if lexically_inside(self.root, path):
                try:
                    path = inside_project(self.root, path)
                except ProjectFileError as exc:
                    self.escapes.append(exc)
                    raise
            if path.resolve().is_relative_to(self.root) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"refused {url!r}: only files inside the project may be used")

    def check(self) -> None:
        """Raise the first of the project's files that led outside it (see `escapes`)."""
        if self.escapes:
            raise self.escapes[0]


def install_changes() -> None:
    """Make the build's changes to WeasyPrint's layout (each once per process, and only where
    the pinned source is found): notes kept with their calls, hyphenation limits, page styles once
    per kind of page, columns filled in turn in one pass; and to its HTML parser's (patterns kept)
    and PDF writer's (streams compressed at zlib's default level, page references made once). (The
    shared style sheet is changed when a document first asks for it: render/weasy_stylesheets.py.)"""
    keep_footnotes_with_their_calls()
    weasy_hyphenation.install()
    weasy_page_styles.install()
    weasy_columns.install()
    weasy_html_parsing.install()
    weasy_pdf_writing.install()


AFTER_PARSE = """        self.base_url = _find_base_url(result, base_url)
        self.url_fetcher = url_fetcher
        self.media_type = media_type
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
            result, content_language=None)
        self.etree_element = self.wrapper_element.etree_element"""
"""What WeasyPrint 70's `HTML.__init__` does with the tree it has parsed (`result`): `html_from_tree`
does the same with a tree parsed before."""


@cache
def takes_a_tree() -> bool:
    """Whether WeasyPrint's `HTML` is made from its parsed tree as in the pinned version (else
    every document is made from its string)."""
    return AFTER_PARSE in inspect.getsource(weasyprint.HTML.__init__)


def html_from_tree(tree, base_url: str, url_fetcher) -> weasyprint.HTML:
    """WeasyPrint's document made from `tree`, as `HTML(string=…)` makes it from the string that
    parses to that tree (`AFTER_PARSE`)."""
    document = weasyprint.HTML.__new__(weasyprint.HTML)
    document.base_url = weasyprint._find_base_url(tree, base_url)
    document.url_fetcher = url_fetcher
    document.media_type = "print"
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(tree, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


def render(root: Path, html: str, warnings: list[str] | None = None) -> weasyprint.Document:
    """One WeasyPrint layout of `html`, with nothing checked or repaired; hyphenated within the
    limits of render/weasy_hyphenation.py (the names `html` prints kept whole)."""
    install_changes()
    fetcher = ProjectURLFetcher(root)
    base_url = Path(root).as_uri() + "/"
    tree = getattr(html, "tree", None)  # parsed already (render/pdf/index_places.py, `Unmarked`)
    if tree is not None and takes_a_tree():
        document = html_from_tree(tree, base_url, fetcher)
    else:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    shared = weasy_stylesheets.shared_for(html)  # in a worker: print.css parsed once, not per part
    configuration = {"font_config": shared.font_config, "counter_style": shared.counter_style} if shared else {}
    with weasy_hyphenation.keep_names_whole(weasy_hyphenation.proper_names(html)):
        rendered = document.render(**configuration)
    fetcher.check()
    if warnings is not None:  # a repaired part is laid out again: say each refusal once
        warnings.extend(w for w in dict.fromkeys(f"PDF: {url}" for url in fetcher.refused) if w not in warnings)
    return rendered

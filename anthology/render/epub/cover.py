"""The EPUB's cover and title page: an image of the title, subtitle and authors set in the book's
typeface, the XHTML page that shows it, and the title page with the colophon after it.

WeasyPrint lays the cover out from `templates/cover.html.j2` (so it uses the bundled EB Garamond,
with kerning and ligatures) and Poppler's `pdftoppm` rasterises the one page. Both are
deterministic, so the same sources give the same image bytes and the EPUB stays reproducible.

Beside the print edition (`drawn_beside`), the two steps are taken apart: the layout, a twentieth
of a second, is a worker's job (the build's own process does not load WeasyPrint), and pdftoppm,
four times as long, runs from the build's process at the EPUB's lower priority, on a core's idle
moments rather than at the end of the build, where a worker ran both.
"""
from __future__ import annotations

import math
import shutil
import threading
from typing import Callable

from ...credits import book_credits, long_date, sentence
from ...manifest import Book
from ...templating import environment

WIDTH, HEIGHT = 1600, 2560
PAGE_WIDTH_MM = 160
DPI = round(WIDTH / (PAGE_WIDTH_MM / 25.4))  # 254: 160 × 256 mm → 1600 × 2560 px
IMAGE_NAME = "cover.png"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class CoverError(RuntimeError):
    pass


def authors(book: Book) -> list[str]:
    """The book's authors in reading order, each once."""
    found: list[str] = []
    for text in book.texts:
        if text.author not in found:
            found.append(text.author)
    return found


def cover_html(book: Book) -> str:
    env = environment(book.design_root / "templates")
    return env.get_template("cover.html.j2").render(book=book.meta, lang=book.language, authors=authors(book))


def cover_alt(book: Book) -> str:
    """The cover image's text alternative: what it shows."""
    subtitle = f": {book.meta['subtitle']}" if book.meta.get("subtitle") else ""
    return f"Cover: {book.meta['title']}{subtitle}. Texts by {', '.join(authors(book))}."


def render_cover(book: Book, cache=None) -> bytes:
    """The cover as PNG bytes (1600 × 2560). Raises CoverError if Poppler's pdftoppm is missing.
    Kept in `cache` (the build's Cache; None, as with --fresh: none is read or written) under its
    HTML and fonts: it changes only when the title, the authors, the template or the typeface do."""
    from ...cache import kept

    html, key = _cover_key(book)
    return kept(cache, "cover", key, is_png, lambda: rasterise(cover_pdf(book, html)))


def drawn_beside(book: Book, cache, pool, nice: int = 0) -> Callable[[], bytes]:
    """The cover drawn while the rest of the book is made: laid out in a worker of `pool`, before
    the layouts waiting there (it is short), then rasterised from a thread of this process at
    priority `nice`. Returns what waits for the PNG (raising as `render_cover` would); the PNG is
    kept in `cache` as `render_cover` keeps it, and taken from there if it is: then no worker need
    be started for it (a worker's start is most of a second of an EPUB-only build)."""
    from ...workers import LAYOUT

    html, key = _cover_key(book)
    found = cache.load("cover", key, is_png) if cache is not None else None
    if found is not None:
        return lambda: found
    laid_out = pool.submit_ranked((LAYOUT, -math.inf), cover_pdf, book, html)
    outcome: dict[str, object] = {}

    def rasterise_when_laid_out() -> None:
        try:
            outcome["png"] = rasterise(laid_out.result(), nice)
            if cache is not None:
                cache.store("cover", key, outcome["png"])
        except BaseException as exc:  # handed to whoever waits for the cover
            outcome["error"] = exc

    thread = threading.Thread(target=rasterise_when_laid_out, name="cover", daemon=True)
    thread.start()

    def cover() -> bytes:
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["png"]

    return cover


def _cover_key(book: Book) -> tuple[str, str]:
    """The cover's HTML and its key in the cache: the HTML and the fonts."""
    import hashlib

    from ...cache import digest_files

    html = cover_html(book)
    return html, digest_files((book.design_root / "fonts").glob("*"), hashlib.sha256(html.encode("utf-8"))).hexdigest()


def is_png(value) -> bool:
    """A cover as the cache keeps it: the bytes of a PNG image."""
    return isinstance(value, bytes) and value.startswith(PNG_SIGNATURE)


def cover_pdf(book: Book, html: str) -> bytes:
    """The cover's HTML laid out by WeasyPrint: a PDF of one page."""
    from ..weasy import ProjectURLFetcher

    import weasyprint

    fetcher = ProjectURLFetcher(book.design_root)
    document = weasyprint.HTML(string=html, base_url=book.design_root.as_uri() + "/", url_fetcher=fetcher)
    pdf = document.write_pdf()
    fetcher.check()  # a font linked from outside the project stops the build
    return pdf


def rasterise(pdf: bytes, nice: int = 0) -> bytes:
    """The PDF's one page as a PNG of WIDTH × HEIGHT, by pdftoppm (through pipes: no file to leave
    behind should the build be interrupted), at priority `nice`."""
    from ... import pandoc

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise CoverError("the EPUB cover needs pdftoppm (Debian package poppler-utils; ./setup.sh installs it)")
    returncode, png, stderr = pandoc.run_program(
        [pdftoppm, "-png", "-r", str(DPI), "-singlefile", "-scale-to-x", str(WIDTH), "-scale-to-y", str(HEIGHT), "-"],
        pdf, nice=nice)
    if returncode != 0:
        raise CoverError(f"pdftoppm failed: {stderr.decode('utf-8', 'replace').strip()}")
    return png


def cover_xhtml(book: Book, image_href: str) -> bytes:
    """The cover page, first in the spine: the image alone, scaled to fit the screen."""
    from markupsafe import escape

    title = escape(book.meta["title"])
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{escape(book.language)}" xml:lang="{escape(book.language)}">
<head>
  <meta charset="utf-8" />
  <title>Cover: {title}</title>
  <style>
    body.cover {{ margin: 0; padding: 0; text-align: center; }}
    body.cover img {{ max-width: 100%; max-height: 100vh; height: auto; }}
  </style>
</head>
<body epub:type="cover" class="cover">
<section epub:type="cover" class="cover">
<img src="{image_href}" alt="{escape(cover_alt(book))}" role="doc-cover" />
</section>
</body>
</html>
""".encode("utf-8")


TITLE_PAGE_TEMPLATE = "title-page.xhtml.j2"


def title_page_xhtml(book: Book) -> bytes:
    """The title page and colophon (`templates/title-page.xhtml.j2`), in place of Pandoc's title
    page, which sets the subtitle as a second `<h1>`, prints the ISO date and names no editor: one
    `<h1>`, the date written out in the book's language, "Edited by …", and every text's credits
    (translation, source, access date) as the print colophon gives them."""
    env = environment(book.design_root / "templates")
    env.filters["sentence"] = sentence
    page = env.get_template(TITLE_PAGE_TEMPLATE).render(
        book=book.meta, lang=book.language, authors=authors(book), texts=book.texts,
        credits=book_credits(book), edition_date=long_date(book.meta["date"], book.language))
    return page.encode("utf-8")

"""The book's linked style sheet parsed once per worker process, not once per document.

Every part of the print edition (each text, the front matter, the index, the folio overlay) is a
WeasyPrint document of its own, and each links `styles/print.css`. Parsing that sheet, and loading
the fonts its `@font-face` rules name, is most of what a document costs before its first line is
laid out: 0.07 s a document, against 0.015 s with the sheet parsed already, for the fifteen or so
documents of a cold build. So a worker keeps the parsed sheet, with the font configuration and
counter styles its rules were loaded into, and gives it to the next document that links the same
file (WeasyPrint lets several documents share one `FontConfiguration`).

The sheet keeps its place and origin in the cascade: it is handed over where WeasyPrint finds the
`<link>` (`weasyprint.css.find_stylesheets`, one line changed at import, as
render/weasyprint_patch.py changes the layout), not given as a user style sheet, which would rank
below the document's own. Its `@page` rules are in a list of its own rather than the document's
shared one; WeasyPrint applies that list once per sheet, so page rules still apply in the same
order (the sheet's, then the `<style>` blocks'), and the later of two equal rules still wins.

Shared only
- in a worker process (a process `multiprocessing` started): a pool lives for one build, so the
  files cannot change under the kept sheet, while the build's own process may run many builds;
- for a sheet whose parse fetched nothing refused and nothing outside the project, and added no
  colour profile: a document linking any other sheet parses it itself, and says what was refused;
- for a document whose own `<style>` blocks add no fonts, counter styles or imports, which would
  otherwise stay in the shared configuration for the documents after it.

`tests/test_weasy_stylesheets.py` holds a document laid out with the shared sheet to the same
PDF, byte for byte, as one laid out on its own.
"""
from __future__ import annotations

import multiprocessing
import re
from contextlib import contextmanager

LINKED_SHEET = "                    yield CSS(\n                        url=href,"
SHARED_LINKED_SHEET = ("                    yield _anthology_shared_sheet(\n"
                       "                        href, url_fetcher, device_media_type, font_config, color_profiles) or CSS(\n"
                       "                        url=href,")

_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S | re.I)
_ADDS_TO_CONFIGURATION = re.compile(r"@font-face|@counter-style|@import|@color-profile", re.I)

_enabled: bool | None = None
"""Whether documents share sheets; None: if this process is a worker."""
_shared: "SharedStyles | None" = None


class SharedStyles:
    """What the documents of one worker share: the fonts and counter styles the kept sheets were
    loaded into, and the sheets themselves (by URL and media type)."""

    def __init__(self):
        from weasyprint.css.counters import CounterStyle
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = FontConfiguration()
        self.counter_style = CounterStyle()
        self.sheets: dict[tuple[str, str], object] = {}


@contextmanager
def sharing(on: bool):
    """Within the block, documents share sheets (`on`) or not, in whatever process, with a
    configuration of the block's own (for tests)."""
    global _enabled, _shared
    before = _enabled, _shared
    _enabled, _shared = on, None
    try:
        yield
    finally:
        _enabled, _shared = before


def shared_for(html: str) -> SharedStyles | None:
    """The configuration to lay `html` out in, shared with the process's other documents; None if
    it is to have one of its own (see the module's docstring)."""
    global _shared
    enabled = _enabled if _enabled is not None else multiprocessing.parent_process() is not None
    if not enabled or not install():
        return None
    if any(_ADDS_TO_CONFIGURATION.search(block) for block in _STYLE_BLOCK.findall(html)):
        return None
    if _shared is None:
        _shared = SharedStyles()
    return _shared


def _shared_sheet(href: str, url_fetcher, media_type: str, font_config, color_profiles: dict):
    """The kept sheet at `href` for a document laid out in the shared configuration (parsed now if
    it is the first to link it); None for any other document, which parses the sheet itself."""
    shared = _shared
    if shared is None or font_config is not shared.font_config or not href.startswith("file:"):
        return None
    key = (href, media_type)
    if key in shared.sheets:
        return shared.sheets[key]
    from weasyprint import CSS

    refused, escapes = len(getattr(url_fetcher, "refused", ())), len(getattr(url_fetcher, "escapes", ()))
    profiles = dict(color_profiles)
    sheet = CSS(url=href, url_fetcher=url_fetcher, media_type=media_type, font_config=font_config,
                counter_style=shared.counter_style, color_profiles=profiles, _check_mime_type=True)
    clean = (hasattr(url_fetcher, "refused") and len(url_fetcher.refused) == refused
             and len(url_fetcher.escapes) == escapes and profiles == color_profiles)
    if clean:
        shared.sheets[key] = sheet
    color_profiles.update(profiles)
    return sheet


def install() -> bool:
    """Change `find_stylesheets` (once per process); True if it is changed. Should WeasyPrint's
    line differ from the pinned version's, nothing is changed and every document parses its
    sheets, as WeasyPrint does."""
    from weasyprint import css

    from .weasyprint_patch import patch_once

    return patch_once(css, "find_stylesheets", [(LINKED_SHEET, SHARED_LINKED_SHEET)], "_anthology_shares_sheets",
                      {"_anthology_shared_sheet": _shared_sheet})

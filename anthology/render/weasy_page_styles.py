"""A page's styles computed once for each kind of page, not once for every page.

WeasyPrint 70 gives each page a page type of its own (its index is part of it, for `:nth()`
selectors), and computes the styles of the page and of its sixteen margin boxes anew for each: the
cascade of every `@page` rule, then each property again as the margin boxes are laid out. That is
most of what a page with little on it costs (a folio overlay's 215 pages: 0.9 s, 0.4 s with this
change), and a tenth of a text's layout. Yet the styles depend only on which `@page` selectors
match the page: two pages matched by the same selectors (every left-hand page of a text after its
first) get the same cascade, from the same root element, so the same computed styles.

So `set_page_type_computed_styles` is wrapped: the selectors a page matches are its signature; the
first page with a signature has its styles computed by WeasyPrint, and every later one is given
the same style objects (which also keep the values already computed from them). WeasyPrint changes
a page's or margin box's style only to values that are the same for every page
(`_standardize_page_based_counters`, `overflow`).

Installed only if WeasyPrint's function and the methods the signature uses are as in the pinned
version; otherwise every page is computed, as WeasyPrint does. `tests/test_weasy_page_styles.py`
holds documents laid out this way to the same PDF, byte for byte, as with every page computed.
"""
from __future__ import annotations

import inspect
import sys

from .weasyprint_patch import turned_off

EXPECTED_LINES = (
    "style_for.add_page_declarations(page_type)",
    "for element, pseudo_type in style_for.get_cascaded_styles():",
    "if pseudo_type and element == page_type:",
)

_enabled = True


def computing_every_page():
    """Within the block, every page's styles are computed, as WeasyPrint does (for tests)."""
    return turned_off(sys.modules[__name__])


def _signature(style_for, page_type) -> tuple:
    """Which `@page` selectors of which sheets match `page_type`: all its cascade depends on."""
    return tuple((s, r, k) for s, (sheet, _, _) in enumerate(style_for._sheets)
                 for r, (_, selectors, _) in enumerate(sheet.page_rules)
                 for k, selector in enumerate(selectors)
                 if style_for._page_type_match(selector[2], page_type))


def _once_per_kind(compute_every_time):
    def set_page_type_computed_styles(page_type, html, style_for):
        if not _enabled or not hasattr(style_for, "_sheets"):
            return compute_every_time(page_type, html, style_for)
        kinds = style_for.__dict__.setdefault("_anthology_page_kinds", {})
        signature = _signature(style_for, page_type)
        first = kinds.get(signature)
        if first is None:
            compute_every_time(page_type, html, style_for)
            pseudo_types = [pseudo for (element, pseudo) in style_for.get_cascaded_styles()
                            if pseudo and element == page_type]
            kinds[signature] = (page_type, pseudo_types)
            return None
        first_type, pseudo_types = first
        computed, cascaded = style_for.get_computed_styles(), style_for.get_cascaded_styles()
        for pseudo in (None, *pseudo_types):
            computed[page_type, pseudo] = computed[first_type, pseudo]
            if (first_type, pseudo) in cascaded:
                cascaded[page_type, pseudo] = cascaded[first_type, pseudo]
        return None

    set_page_type_computed_styles._anthology = True
    return set_page_type_computed_styles


def install() -> bool:
    """Wrap WeasyPrint's `set_page_type_computed_styles` (once per process); True if wrapped."""
    from weasyprint.css import StyleFor
    from weasyprint.layout import page

    function = page.set_page_type_computed_styles
    if getattr(function, "_anthology", False):
        return True
    source = inspect.getsource(function)
    if not all(line in source for line in EXPECTED_LINES) or not all(
            hasattr(StyleFor, name) for name in ("_page_type_match", "get_cascaded_styles", "get_computed_styles")):
        return False
    page.set_page_type_computed_styles = _once_per_kind(function)
    return True

"""Columns filled in turn (`column-fill: auto`, the print index's) laid out once, not twice.

WeasyPrint 70 lays out a multi-column box in two passes on every page: a first, at the page's
full height, to learn how tall the columns must be (for balancing, and to see whether footnotes
called inside them shrink the page), then the real one, at the height found. Columns filled in
turn are never balanced: the height is the page's, whatever the first pass finds, so when no
footnote can change it, the first pass is thrown away. The index is dense with links (an inline
box for every page number) and is the last layout the build waits for; the pass cost a third of
its layout (2.5 s became 1.6 s).

So the first pass is skipped for the last group of columns of a box with `column-fill: auto`
(no `column-span` after it, which would need the columns above it balanced) in a document with no
footnotes: one line of `columns_layout` changed at import, as render/weasyprint_patch.py changes
the layout; should it differ from the pinned version's, nothing is changed.
`tests/test_weasy_columns.py` holds documents laid out this way to the same PDF, byte for byte,
as with both passes.
"""
from __future__ import annotations

from contextlib import contextmanager

BOTH_PASSES = """        page_is_empty = stop_rendering = balancing = False
        while True:
"""
ONE_PASS_WHEN_FILLED_IN_TURN = """        page_is_empty = stop_rendering = balancing = False
        while not (_anthology_filled_in_turn and style['column_fill'] == 'auto'
                   and index == columns_and_blocks[-1][0]
                   and not context.footnotes and not context.current_page_footnotes):
"""


@contextmanager
def both_passes():
    """Within the block, WeasyPrint lays columns out in both passes (for tests)."""
    from weasyprint.layout import column

    before = column.__dict__.get("_anthology_filled_in_turn", False)
    column._anthology_filled_in_turn = False
    try:
        yield
    finally:
        column._anthology_filled_in_turn = before


def install() -> bool:
    """Change `columns_layout` (once per process); True if it is changed."""
    from weasyprint.layout import block, column

    from .weasyprint_patch import patch_once

    changed = patch_once(column, "columns_layout", [(BOTH_PASSES, ONE_PASS_WHEN_FILLED_IN_TURN)],
                         "_anthology_columns", {"_anthology_filled_in_turn": True})
    if changed:
        block.columns_layout = column.columns_layout  # block.py imported the function itself
    return changed

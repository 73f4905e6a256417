"""One line of WeasyPrint 70's line layout changed, so that footnotes stay on their call's page.

When a paragraph reaches the foot of a page and exactly `orphans - 1` of its lines fit there,
WeasyPrint (layout/block.py, `_linebox_layout`) first tries to make room for one more line by
moving the page's last footnotes to the next page ("report" them); only if that fails does orphan
control move the paragraph's start over. This book's rule is the other way round: a note is printed
on the page of its call, and the paragraph moves. So the patch turns that attempt off
(`report = False`); everything else, including moving a note that cannot fit on its page at all,
is WeasyPrint's own code.

The change is made to the function's source at import, and only if the line is found exactly as
in the pinned version; otherwise nothing is changed and render/pdf/footnote_check.py repairs what
WeasyPrint did, by laying the part out again (slower, same result). The line numbers of the
patched function are those of WeasyPrint's file, so tracebacks still point at the right lines.
"""
from __future__ import annotations

import inspect
import textwrap

PUSHES_NOTES_AWAY = "report = not context.in_column and can_break_now and not could_break_before"
KEEPS_NOTES = "report = False  # patched by anthology: notes stay on their call's page"


def keep_footnotes_with_their_calls() -> bool:
    """Patch WeasyPrint's line layout (once per process); True if it is patched."""
    from weasyprint.layout import block

    if getattr(block, "_anthology_keeps_notes", False):
        return True
    function = block._linebox_layout
    source = inspect.getsource(function)
    if source.count(PUSHES_NOTES_AWAY) != 1:
        return False
    first_line = function.__code__.co_firstlineno
    patched = "\n" * (first_line - 1) + textwrap.dedent(source.replace(PUSHES_NOTES_AWAY, KEEPS_NOTES))
    exec(compile(patched, block.__file__, "exec"), block.__dict__)  # noqa: S102 (WeasyPrint's own code)
    block._anthology_keeps_notes = True
    return True

"""A few lines of WeasyPrint 70's layout changed, so that footnotes stay on their call's page and a
long note runs over to the next page instead of leaving the text short above it.

1. **Notes stay with their calls.** When a paragraph reaches the foot of a page and exactly
   `orphans - 1` of its lines fit there, WeasyPrint (layout/block.py, `_linebox_layout`) first
   tries to make room for one more line by moving the page's last footnotes to the next page
   ("report" them); only if that fails does orphan control move the paragraph's start over. This
   book's rule is the other way round: a note is printed on the page of its call, and the
   paragraph moves. So that attempt is turned off (`report = False`).

2. **A long note splits.** WeasyPrint never breaks a footnote: when a line's note does not fit
   below it, the line goes to the next page with its note, and the space the note would have
   needed is left blank above the notes (up to seven lines in this book, issue 17). Here, when the
   line itself fits and at least the note's first lines (its `orphans`) fit between the line and
   the page foot, the note is broken there, as a book's compositor breaks it: its first part on
   the call's page, the rest at the head of the next page's notes (before that page's own notes,
   whose lines then wait their turn as WeasyPrint's reported notes do). The note's widows are
   kept too. One note a page at most is split, and only the page's last note.

   The state of a split lives on the layout context: `_anthology_split` (the page, the note, and
   the lowest point the page's note area may reach) and `_anthology_continued` (the page where a
   note continues and where, as a skip stack, its rest begins). Every layout of the note area (as
   notes are added, and the page's final one in `make_page`) asks `_note_area_limits` for its
   bottom and its skip stack; a note taken off the page again (its line moved over by widows or
   a keep) takes its split with it (`unlayout_footnote`).

Each change is made to the function's source at import, and only if every line it replaces is
found exactly as in the pinned version; otherwise nothing is changed, render/pdf/footnote_check.py
repairs what WeasyPrint did by laying the part out again, and notes are not split. The line
numbers of the patched functions are those of WeasyPrint's files, so tracebacks still point at
the right lines.
"""
from __future__ import annotations

import inspect
import textwrap
from contextlib import contextmanager
from math import inf

PUSHES_NOTES_AWAY = "report = not context.in_column and can_break_now and not could_break_before"
KEEPS_NOTES = "report = False  # patched by anthology: notes stay on their call's page"

REPORTS_WHOLE_NOTE = """                if overflow:
                    context.report_footnote(footnote)"""
SPLITS_LONG_NOTE = """                if overflow and _anthology_split_note(context, footnote, bottom_space, new_position_y + offset_y, line.height, box.style['widows']):
                    overflow = False  # patched by anthology: the note runs over to the next page
                if overflow:
                    context.report_footnote(footnote)"""

AREA_LAYOUT_IN_CONTEXT = """            footnote_area = block_level_layout(
                self, footnote_area, -inf, None,
                self.current_footnote_area.page)[0]"""
AREA_LAYOUT_IN_CONTEXT_LIMITED = """            footnote_area = block_level_layout(
                self, footnote_area, *_anthology_note_area_limits(self),
                self.current_footnote_area.page)[0]"""

AREA_LAYOUT_IN_PAGE = "context, footnote_area, bottom_space=-inf, skip_stack=None,"
AREA_LAYOUT_IN_PAGE_LIMITED = "context, footnote_area, *_anthology_note_area_limits(context),"
NEW_PAGE = "    context.current_page_footnotes = []\n"
NEW_PAGE_FORGETS_SPLIT = "    context.current_page_footnotes = []; _anthology_new_page(context)\n"


def _note_area_limits(context) -> tuple[float, dict | None]:
    """(bottom_space, skip_stack) for laying out the current page's note area: down to the split
    point when the page's last note is split, and from where its rest begins when the page's
    first note is continued from the page before."""
    bottom_space, skip_stack = -inf, None
    notes = context.current_page_footnotes
    split = getattr(context, "_anthology_split", None)
    if split and split[0] == context.current_page and notes and notes[-1] is split[1]:
        bottom_space = context.page_bottom - split[2]
    continued = getattr(context, "_anthology_continued", {}).get(context.current_page)
    if continued and notes and notes[0] is continued[0]:
        skip_stack = {0: continued[1]}
    return bottom_space, skip_stack


def _new_page(context) -> None:
    """A page is (re)made: any split decided on an earlier making of it is void."""
    split = getattr(context, "_anthology_split", None)
    if split and split[0] >= context.current_page:
        context._anthology_split = None
    getattr(context, "_anthology_continued", {}).pop(context.current_page + 1, None)


def _split_note(context, footnote, bottom_space, line_bottom, line_height, widows) -> bool:
    """Break `footnote`, the last note of the page, below the line at `line_bottom` that calls it,
    if the line and the note's first lines fit; True if it was split (its rest is reported to the
    next page).

    Room is kept under the line for `widows` more lines of text (fewer if the note's first lines
    would not fit then): were the note to reach right up to its call, a paragraph with fewer
    lines left than its widows would take the call's line over to the next page, and its note
    with it, leaving the page short again."""
    notes = context.current_page_footnotes
    split = getattr(context, "_anthology_split", None)
    if (context.in_column or context.reported_footnotes or not notes or notes[-1] is not footnote
            or (split and split[0] == context.current_page)):
        return False
    area = context.current_footnote_area
    for kept_lines in range(widows, -1, -1):
        # The area is laid out from the page's foot downwards (then moved up by its height): it
        # may take the height between the kept lines and the foot; `limit` is where it ends.
        limit = area.position_y + (area.position_y - bottom_space - line_bottom - kept_lines * line_height)
        rest = _note_rest(context, limit)
        if rest is not None:
            break
    else:
        return False
    context._anthology_split = (context.current_page, footnote, limit)
    continued = getattr(context, "_anthology_continued", None)
    if continued is None:
        continued = context._anthology_continued = {}
    continued[context.current_page + 1] = (footnote, rest)
    context._update_footnote_area()
    context.reported_footnotes.append(footnote)
    return True


def _note_rest(context, limit):
    """Where the page's last note would resume (a skip stack) if the note area ended at `limit`;
    None if the area needs no break there, or if it cannot keep the other notes and the last
    one's first lines (its orphans)."""
    from weasyprint.formatting_structure import build
    from weasyprint.layout.block import block_level_layout

    notes, area = context.current_page_footnotes, context.current_footnote_area
    saved_bottom, context.page_bottom = context.page_bottom, area.position_y
    try:
        trial = build.create_anonymous_boxes(area.deepcopy())
        _, skip = _note_area_limits(context)
        laid, resume_at = block_level_layout(context, trial, context.page_bottom - limit, skip, area.page)[:2]
    finally:
        context.page_bottom = saved_bottom
    last = len(notes) - 1
    if (laid is None or resume_at is None or list(resume_at) != [last] or resume_at[last] is None
            or len(laid.children) != len(notes)):
        return None
    return resume_at[last]


def _unlayout_footnote(original):
    def unlayout_footnote(self, footnote):
        split = getattr(self, "_anthology_split", None)
        if split and split[0] == self.current_page and split[1] is footnote:
            self._anthology_split = None
            self._anthology_continued.pop(split[0] + 1, None)
            if footnote in self.reported_footnotes:
                self.reported_footnotes.remove(footnote)
        return original(self, footnote)
    unlayout_footnote._anthology = True
    return unlayout_footnote


@contextmanager
def turned_off(module):
    """Within the block, the change `module` makes is off (its `_enabled` flag false), and the work
    is done as the pinned library does it: for the tests that hold a fast path to its slow twin."""
    before, module._enabled = module._enabled, False
    try:
        yield
    finally:
        module._enabled = before


def patched_code(function, replacements: list[tuple[str, str]]):
    """`function`'s code with each (old, new) replacement made, or None if any old text is not
    found exactly once."""
    source = inspect.getsource(function)
    for old, new in replacements:
        if source.count(old) != 1:
            return None
        source = source.replace(old, new)
    first_line = function.__code__.co_firstlineno
    return compile("\n" * (first_line - 1) + textwrap.dedent(source), function.__code__.co_filename, "exec")


def patch_once(module, function_name: str, replacements: list[tuple[str, str]], flag: str,
               helpers: dict | None = None) -> bool:
    """Change `module.function_name` by `replacements` (see `patched_code`), once per process, with
    `helpers` added to the module's globals for the changed code to call; whether it was changed is
    kept in `module.<flag>`. False, and nothing changed, if WeasyPrint's source is not the pinned
    version's."""
    if getattr(module, flag, None) is not None:
        return getattr(module, flag)
    code = patched_code(getattr(module, function_name), replacements)
    if code is not None:
        module.__dict__.update(helpers or {})
        exec(code, module.__dict__)  # noqa: S102 (WeasyPrint's own code, changed as the caller says)
    setattr(module, flag, code is not None)
    return code is not None


def keep_footnotes_with_their_calls() -> bool:
    """Patch WeasyPrint's layout (once per process); True if it is patched."""
    from weasyprint import layout
    from weasyprint.layout import block, page

    if getattr(block, "_anthology_keeps_notes", False):
        return True
    helpers = {"_anthology_split_note": _split_note, "_anthology_note_area_limits": _note_area_limits,
               "_anthology_new_page": _new_page}
    context_class = layout.LayoutContext
    lines = patched_code(block._linebox_layout, [(PUSHES_NOTES_AWAY, KEEPS_NOTES), (REPORTS_WHOLE_NOTE, SPLITS_LONG_NOTE)])
    area = patched_code(context_class._update_footnote_area, [(AREA_LAYOUT_IN_CONTEXT, AREA_LAYOUT_IN_CONTEXT_LIMITED)])
    pages = patched_code(page.make_page, [(AREA_LAYOUT_IN_PAGE, AREA_LAYOUT_IN_PAGE_LIMITED),
                                      (NEW_PAGE, NEW_PAGE_FORGETS_SPLIT)])
    if lines is None or area is None or pages is None:
        return False
    block.__dict__.update(helpers)
    page.__dict__.update(helpers)
    exec(lines, block.__dict__)  # noqa: S102 (WeasyPrint's own code, changed as above)
    exec(pages, page.__dict__)  # noqa: S102
    namespace = {**layout.__dict__, **helpers}
    exec(area, namespace)  # noqa: S102
    context_class._update_footnote_area = namespace["_update_footnote_area"]
    context_class.unlayout_footnote = _unlayout_footnote(context_class.unlayout_footnote)
    block._anthology_keeps_notes = True
    return True

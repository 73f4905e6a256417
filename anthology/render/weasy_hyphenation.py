"""Hyphenation as a careful compositor limits it, added to WeasyPrint 70's line breaking.

CSS gives WeasyPrint the minimum word and fragment lengths (`hyphenate-limit-chars`) and the
hyphenation zone (styles/print.css); three limits it has no property for are added here:

- **Names stay whole.** A proper name broken at a line end ("Trot-sky", "Roo-sevelt") reads
  badly, and a name is what a reader searches a page for. A word is taken for a name when the
  part prints it with a capital inside a sentence (not after a full stop, at the start of a
  paragraph or of a note); every occurrence of that word is then kept whole, at a sentence's
  start too. A capitalised word that only ever opens sentences ("Nevertheless") may still break.
  Done in the hyphenation dictionary rather than with an element around each name, which would
  cost layout time (an inline box per word) and nothing else.
- **At most two hyphenated lines in a row** (what `hyphenate-limit-lines: 2` would say): a line
  after two lines that end in a hyphen is broken without hyphenating.
- **No hyphen at the foot of a right-hand page**, where the word would be finished over the leaf:
  the last line that fits on a recto is laid out again without hyphenation when it ended in one.
  (Each part of the book starts on a recto, so a part's odd pages are rectos.) This is best
  effort: a page break moved afterwards by widows, orphans or a footnote is not followed.

The line layout is changed by wrapping two of WeasyPrint's functions (`get_next_linebox`, which
makes one line of a block, and `split_first_line`, which breaks one run of text), not by editing
their source; `keep_names_whole` declares the names for one layout.
"""
from __future__ import annotations

import html
import re
from contextlib import contextmanager
from contextvars import ContextVar
from types import SimpleNamespace

import pyphen

MAX_HYPHENATED_RUN = 2
HYPHEN_ENDINGS = ("-", "\u2010", "\u00ad")

_names: ContextVar[frozenset[str]] = ContextVar("names kept whole", default=frozenset())
_no_hyphens: ContextVar[bool] = ContextVar("line laid out without hyphenation", default=False)

_TOKEN = re.compile(r"<[^>]*>|[^<]+")
_STARTS_SENTENCE = re.compile(r"</?(?:p|li|dd|dt|td|th|h[1-6]|blockquote|div|section|nav|caption|figcaption|title)\b"
                              r"|<br\b|<span\b[^>]*\bclass=\"footnote\"", re.I)
_SKIPPED = re.compile(r"<(head|style|script|code|pre)\b", re.I)
_WORD = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:…]")
_POSSESSIVE = re.compile(r"[’'][sS]?$")


def name_key(word: str) -> str:
    """A word as the names are kept: without a possessive ending ("Trotsky’s" → "Trotsky")."""
    return _POSSESSIVE.sub("", word)


def proper_names(document: str) -> frozenset[str]:
    """The words the HTML `document` prints with a capital first letter inside a sentence."""
    names: set[str] = set()
    sentence_start, skipping = True, None
    for token in _TOKEN.findall(document):
        if token.startswith("<"):
            if skipping:
                if token.lower().startswith(f"</{skipping}"):
                    skipping = None
            elif found := _SKIPPED.match(token):
                skipping = found.group(1).lower()
            elif _STARTS_SENTENCE.match(token):
                sentence_start = True
            continue
        if skipping:
            continue
        text, position = html.unescape(token), 0
        for word in _WORD.finditer(text):
            if _SENTENCE_END.search(text, position, word.start()):
                sentence_start = True
            if word.group()[0].isupper() and not sentence_start:
                names.add(name_key(word.group()))
            sentence_start, position = False, word.end()
        if _SENTENCE_END.search(text, position):
            sentence_start = True
    return frozenset(names)


@contextmanager
def keep_names_whole(names: frozenset[str]):
    """Within the block, the words `names` (see `proper_names`) are never hyphenated."""
    token = _names.set(names)
    try:
        yield
    finally:
        _names.reset(token)


class NameKeepingPyphen(pyphen.Pyphen):
    """A Pyphen dictionary that gives no break in a name being kept whole."""

    def iterate(self, word):
        if name_key(word) in _names.get():
            return iter(())
        return super().iterate(word)


def _ends_hyphenated(line) -> bool:
    from weasyprint.formatting_structure.boxes import TextBox

    texts = [box.text for box in line.descendants() if isinstance(box, TextBox) and box.text.strip()]
    return bool(texts) and texts[-1].rstrip().endswith(HYPHEN_ENDINGS)


def _skip_key(skip_stack) -> str:
    return repr(skip_stack)


def install() -> bool:
    """Add the limits to WeasyPrint's line layout (once per process); True if they are in place."""
    from weasyprint.layout import block, inline
    from weasyprint.text import line_break

    if getattr(inline, "_anthology_limits_hyphens", False):
        return True
    make_line, split_first_line = inline.get_next_linebox, inline.split_first_line

    def split_first_line_limited(text, style, *args, **kwargs):
        if not _no_hyphens.get() or style["hyphens"] != "auto":
            return split_first_line(text, style, *args, **kwargs)
        style["hyphens"] = "manual"  # restored at once: the style is shared with other boxes
        try:
            return split_first_line(text, style, *args, **kwargs)
        finally:
            style["hyphens"] = "auto"

    def lay_out_line(no_hyphens: bool, args) -> tuple:
        token = _no_hyphens.set(no_hyphens)
        try:
            return make_line(*args)
        finally:
            _no_hyphens.reset(token)

    def next_line_limited(context, linebox, position_y, bottom_space, skip_stack, containing_block,
                          absolute_boxes, fixed_boxes, *rest):
        """One line of `linebox`, hyphenated only within the limits; how many lines before it ended
        in a hyphen is kept on the block's line box, by where each line starts (a block laid out
        again from one of its lines, on the next page, starts from the same count)."""
        runs = linebox.__dict__.setdefault("_anthology_hyphen_runs", {})
        run = 0 if skip_stack is None else runs.get(_skip_key(skip_stack), 0)
        args = (context, linebox, position_y, bottom_space, skip_stack, containing_block,
                absolute_boxes, fixed_boxes, *rest)
        line, resume_at = lay_out_line(run >= MAX_HYPHENATED_RUN, args)
        if (line is not None and resume_at is not None and run < MAX_HYPHENATED_RUN
                and (context.current_page or 0) % 2 == 1 and _ends_hyphenated(line)
                and _last_on_page(context, bottom_space, line)):
            block.remove_placeholders(context, line.children, absolute_boxes, fixed_boxes)
            line, resume_at = lay_out_line(True, args)
        if line is not None and resume_at is not None:
            runs[_skip_key(resume_at)] = run + 1 if _ends_hyphenated(line) else 0
        return line, resume_at

    inline.get_next_linebox = next_line_limited
    inline.split_first_line = split_first_line_limited
    line_break.pyphen = SimpleNamespace(Pyphen=NameKeepingPyphen, language_fallback=pyphen.language_fallback)
    inline._anthology_limits_hyphens = True
    return True


def _last_on_page(context, bottom_space: float, line) -> bool:
    """Whether `line` fits on its page and a line of its height after it would not."""
    bottom = line.position_y + line.height
    return not context.overflows_page(bottom_space, bottom) and context.overflows_page(bottom_space, bottom + line.height)

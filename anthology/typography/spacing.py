"""Ellipses and spaces.

Ellipsis: `...`, `. . .` and `…` become the single glyph `…`; the texts' four-dot form (`....`,
an omission that runs to the end of a sentence) becomes `….`, the glyph followed by the
sentence's full stop. Spacing follows the texts' own majority usage, a space on both sides of an
omission mid-sentence, made consistent: a no-break space before the ellipsis (a line never starts
with one) and a space after it; no space between the ellipsis and an opening quote or bracket
before it (`“… in 1923`, `[…]`) or punctuation, a closing quote or bracket after it.

Spaces: no runs of spaces, no space before `, . ; : ! ?` (in English) or before a note call, none
just inside quotes or parentheses.
"""
from __future__ import annotations

import re

from .markup import NOTE, TRANSPARENT
from .rules import NBSP, Rule

_SPACE = "[ \u00a0]"


def _space_ellipsis(match: re.Match) -> str:
    text = match.string
    before_spaces, dots_after, after_spaces = match.group(1), match.group(2), match.group(3)
    left = text[match.start() - 1] if match.start() > 0 else None
    right = text[match.end()] if match.end() < len(text) else None

    if left is None or left in "“‘([{" + TRANSPARENT or (left == "*" and not before_spaces):
        before = ""
    elif left in "–—-":
        before = " " if before_spaces else ""
    else:
        before = NBSP

    if right is None:
        after = ""
    elif right == "’" and match.end() + 1 < len(text) and text[match.end() + 1].isalnum():
        after = " "  # an elision (`… ’em`)
    elif right in ",.;:!?”’)]}" + NOTE + TRANSPARENT or (right == "*" and not after_spaces):
        after = ""
    elif right in "–—-":
        # The sentence dash keeps its own no-break space before it (dash-en-spacing).
        after = (NBSP if right == "–" else " ") if after_spaces else ""
    else:
        after = " "
    return before + "…" + dots_after + after


RULES_BEFORE_QUOTES = [
    Rule(
        "space-multiple",
        "One space between words: runs of spaces (and a space next to a no-break space) collapse.",
        re.compile(r"(?<=\S)(?:  +|(?=[ \u00a0]{2})[ \u00a0]*\u00a0[ \u00a0]*)(?=\S)"),
        lambda m: NBSP if NBSP in m.group(0) else " ",
        needs=("  ", NBSP),
    ),
    Rule(
        "ellipsis-glyph",
        "Three dots are an ellipsis; the four-dot form is the ellipsis and a full stop (`….`).",
        re.compile(r"(?<!\.)(?:\.{3,4}(?!\.)|\.(?: \.){2,3}(?! ?\.))"),
        lambda m: "…." if m.group(0).count(".") == 4 else "…",
        needs=("...", ". ."),
    ),
    Rule(
        "ellipsis-doubled",
        "Two ellipses in a row are one.",
        re.compile(r"…\.?(?:[ \u00a0]*…\.?)+"),
        lambda m: "…." if m.group(0).endswith(".") else "…",
        needs=("…",),
    ),
]

ELLIPSIS_RULES = [
    Rule(
        "ellipsis-spacing",
        "An ellipsis has a no-break space before and a space after, none next to an opening "
        "quote or bracket before it or punctuation after it.",
        re.compile(rf"({_SPACE}*)…(\.?)({_SPACE}*)"),
        _space_ellipsis,
        needs=("…",),
    ),
]

SPACE_RULES = [
    Rule(
        "space-before-punctuation",
        "No space before a comma, full stop, semicolon, colon, question or exclamation mark.",
        re.compile(rf"(?<=[^\s…–—“‘(\[]){_SPACE}+(?=[,.;:!?](?:[\s”’)\]*{NOTE}{TRANSPARENT}]|$))"),
        "",
        languages=("en",),
        needs=tuple(space + mark for space in " " + NBSP for mark in ",.;:!?"),
    ),
    Rule(
        "space-before-note",
        "A note call sits directly on the word or punctuation it annotates.",
        re.compile(rf"(?<=\S){_SPACE}+(?={NOTE})"),
        "",
        needs=(NOTE,),
    ),
    Rule(
        "space-inside-quotes",
        "No space just inside double quotes (`“ word”`, `word ”`).",
        re.compile(rf"(?<=“){_SPACE}+(?=\S)|(?<=\S){_SPACE}+(?=”)"),
        "",
        needs=("“", "”"),
    ),
    Rule(
        "space-inside-brackets",
        "No space just inside parentheses (`( word )`).",
        re.compile(rf"(?<=\(){_SPACE}+(?=\S)|(?<=\S){_SPACE}+(?=\))"),
        "",
        needs=("(", ")"),
    ),
]

"""One sentence dash for the whole book: a spaced en dash, tied to the word before it.

The five texts write the same dash five ways: ` -- `, ` - `, ` – `, closed `—`, and half-glued
forms (`State –regarded`, `communists- must`, `(1917–1921)- an`). All become
`word\u00a0– word`: a no-break space before the dash so that a line never starts with one, and an
ordinary space after it where the line may break. Closed en dashes between words (`Marx–Engels`)
and real hyphens (`twenty-first`, `anarcho-syndicalism`, the suspended `60- to 80-ton`) are left
alone; a dash between two numbers is a range, which the `numbers` module takes first.

Why the spaced en dash rather than a closed em dash: four of the five texts already space their
dashes, so the pages keep the rhythm their authors gave them; and a no-break space is understood
by every reading system, whereas the word joiner a closed em dash needs to stay off the start of
a line is drawn as a box by some older EPUB readers.

Why a hyphen glued to the *word before* is a dash (`communists- must`) but a hyphen glued to the
*word after* is a compound with a stray space (`over -accumulation`): writers who type a hyphen
for a dash type it after the word and then a space, as the thirteen `word- ` dashes of one of the
texts show; a space before a hyphen and none after is a broken compound.
"""
from __future__ import annotations

import re

from .rules import NBSP, Rule

_SPACE = "[ \u00a0]"


def _sentence_dash(match: re.Match) -> str:
    """The dash with its spaces, minus the space that would stand at a paragraph's edge or just
    inside a quote or bracket (`“– and`, `said\u00a0–”`)."""
    text = match.string
    left = text[match.start() - 1] if match.start() > 0 else None
    right = text[match.end()] if match.end() < len(text) else None
    before = "" if left is None or left in "“‘([" else NBSP
    elision = right == "’" and text[match.end() + 1:match.end() + 2].isalnum()
    after = "" if right is None or right in "”)]" or (right == "’" and not elision) else " "
    return before + "–" + after


RULES = [
    Rule(
        "dash-double-hyphen",
        "` -- ` (and `---`) is a typewriter dash.",
        re.compile(rf"{_SPACE}*(?<!-)-{{2,3}}(?!-){_SPACE}*"),
        _sentence_dash,
        needs=("--",),
    ),
    Rule(
        "dash-em",
        "A closed or spaced em dash becomes the house spaced en dash.",
        re.compile(rf"{_SPACE}*(?<!—)—(?!—){_SPACE}*"),
        _sentence_dash,
        needs=("—",),
    ),
    Rule(
        "dash-en-spacing",
        "An en dash with a space on either side is a sentence dash: no-break space before, space after.",
        re.compile(rf"{_SPACE}+–{_SPACE}*|–{_SPACE}+"),
        _sentence_dash,
        needs=("–",),
    ),
    Rule(
        "dash-spaced-hyphen",
        "A hyphen with spaces on both sides (` - `) is a dash.",
        re.compile(rf"(?<=\S){_SPACE}+-(?:{_SPACE}+(?=\S)|(?=[”)\]]|$))"),
        _sentence_dash,
        needs=(" -", NBSP + "-"),
    ),
    Rule(
        "dash-glued-hyphen",
        "A hyphen glued to the word before and followed by a space (`communists- must`) is a dash; "
        "a suspended hyphen (`60- to 80-ton`) is not.",
        re.compile(r"(?<=[^\s-])- +(?!(?:and|or|to|nor)\b +\S*\w-)(?=[\w\"'“‘(\[*])"),
        _sentence_dash,
        needs=("- ",),
    ),
    Rule(
        "dash-doubled",
        "Two sentence dashes in a row (`word - -- word`) are one dash.",
        re.compile(rf"{_SPACE}*–(?:{_SPACE}*–|{_SPACE}+-+(?={_SPACE}|$))+{_SPACE}*"),
        _sentence_dash,
        needs=("–",),
    ),
    Rule(
        "hyphen-stray-space",
        "A hyphen glued to the word after, with a space before (`over -accumulation`), is a compound.",
        re.compile(r"(?<=[a-z]) -(?=[a-z])"),
        "-",
        needs=(" -",),
    ),
]

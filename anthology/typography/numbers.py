"""Numbers: en dashes in ranges, fraction glyphs, and no-break spaces that keep a number with
what it counts.

Ranges take a closed en dash (`1917–1921`, `1923–4`, `pp. 715–6`, `670,000–680,000`), written
with a hyphen in some texts and an em dash in others (`2.8—4.3`). A run of three numbers joined by
hyphens (`09-01-1997`, an ISBN) is not a range and is left alone; URLs never reach these rules.

Fractions with a glyph in the book face (½ ¼ ¾) are set as one character, `3 1/2` → `3½`; other
mixed numbers keep their figures but are tied together (`2 1/5`).

No-break spaces: between a page, volume or number abbreviation and its number (`p. 45`,
`Vol 1`, `No. 5`), inside `10 per cent`, and between a person's initials and surname
(`V. I. Lenin`, `EH Carr`), so that a line never ends on the abbreviation or the initial.
"""
from __future__ import annotations

import re

from .rules import NBSP, Rule

_NUMBER = r"\d+(?:[.,]\d+)*"

# A number with an abbreviation before it that must stay on its line.
_ABBREVIATION_WITH_DOT = r"(?i:pp?|vols?|nos?|chs?|chap|figs?|art|secs?|paras?|fols?|ll?|nn?)\."
_WORD_BEFORE_NUMBER = r"(?:Vols?|Volume|Part|Chapter|Book|Section|No)"
_NUMBER_OR_ROMAN = r"(?=\d|[IVXLC]+\b)"

# Capitals that are words, not initials, when followed by a capitalised word.
_NOT_INITIALS = r"(?:A|I|US|UK|UN|EU|CP|TV|OK|NY|SU|OF|IN|ON|AT|TO|BY|OR|AN|AS|IS|IT|NO|SO|UP)\b"

RANGE_RULES = [
    Rule(
        "range-dash",
        "An em or en dash between numbers, closed or spaced on one side only, is a closed range "
        "dash (`2.8—4.3 —5.5` → `2.8–4.3–5.5`).",
        re.compile(r"(?<=\d)(?:[—–]|[ \u00a0][—–]|[—–][ \u00a0])(?=\d)"),
        "–",
        needs=("—", "–"),
    ),
]

RULES = [
    Rule(
        "range-hyphen",
        "A hyphen between two numbers is a range: en dash (`1917–1921`, `pp. 715–6`).",
        re.compile(rf"(?<![\d.,/-])({_NUMBER})-({_NUMBER})(?![\d/-]|[.,]\d)"),
        r"\1–\2",
        needs=("-",),
    ),
    Rule(
        "fraction-glyph",
        "½, ¼ and ¾ exist as glyphs in the book face; a mixed number is one word (`3 1/2` → `3½`).",
        re.compile(r"(?<![\d/.,])(?:(\d+)[ \u00a0])?(1/2|1/4|3/4)(?![\d/])"),
        lambda m: (m.group(1) or "") + {"1/2": "½", "1/4": "¼", "3/4": "¾"}[m.group(2)],
        needs=("1/2", "1/4", "3/4"),
    ),
    Rule(
        "nbsp-mixed-number",
        "A mixed number without a fraction glyph (`2 1/5`) must not break across lines.",
        re.compile(r"(?<![\d/.,])(\d+) (?=\d+/\d+(?![\d/]))"),
        rf"\1{NBSP}",
        needs=("/",),
    ),
    Rule(
        "nbsp-abbreviation",
        "A page, volume or number abbreviation stays with its number (`p. 45`, `Vol 1`, `No. 5`).",
        re.compile(rf"(?<![\w.])({_ABBREVIATION_WITH_DOT}|{_WORD_BEFORE_NUMBER}) {_NUMBER_OR_ROMAN}"),
        rf"\1{NBSP}",
    ),
    Rule(
        "nbsp-per-cent",
        "`10 per cent` is one unit: it must not break after the number or inside `per cent`.",
        re.compile(r"(?<=\d)[ \u00a0](?:per[ \u00a0]cent|percent)\b"),
        lambda m: NBSP + m.group(0)[1:].replace(" ", NBSP),
        needs=("per cent", f"per{NBSP}cent", "percent"),
    ),
    Rule(
        "nbsp-initials",
        "Initials stay with each other and the surname (`V. I. Lenin`, `E. H. Carr`, `EH Carr`).",
        re.compile(
            rf"(?<![\w.’'])(?:([A-Z]\.) (?=[A-Z])|(?!{_NOT_INITIALS})([A-Z]{{1,2}}) (?=[A-Z][a-z]))"
        ),
        lambda m: (m.group(1) or m.group(2)) + NBSP,
    ),
]

"""Paragraphs that are not paragraphs: lines a text sets as a paragraph of their own but that are
not its prose, so they get no citable number (apparatus/anchors.py).

A dateline ("August 4 1936" under an introduction), a bare citation after a quotation ("(State and
Revolution)"), an editor's bracketed line, a signature: numbering them shifts every later number,
so that "¶ 12" in one printing is "¶ 14" in another, and a reader counting paragraphs on the page
counts prose. Each rule judges a paragraph by its shape alone (never by which text it is in), has a
name and a one-line reason, and is tested with a line from the texts (tests/test_paragraph_numbers.py).
They are deliberately narrow: a short paragraph that is a sentence ("The regime survived.") stays
numbered.

Dates are read with the month and weekday names of the text's language, from Babel's CLDR data, so
"4 août 1936" is a dateline in a French text as "August 4 1936" is in an English one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names, get_month_names

CITATION_WORDS = 8
"""A parenthesised paragraph of at most this many words is a citation, not an aside."""
FRAGMENT_WORDS = 3
"""A paragraph of at most this many words with no punctuation at all is a label, not a sentence."""
SENTENCE_MARKS = re.compile(r"[.!?:;,…]")
INITIAL = re.compile(r"\b[A-Z]\.")
"""An initial's full stop ("L. Trotsky") does not end a sentence."""
CLOSING = {"(": ")", "[": "]"}


@dataclass(frozen=True)
class ShapeRule:
    name: str
    reason: str
    matches: Callable[[str, str], bool]
    """(the paragraph's text, the text's language) → whether the paragraph has this shape."""


def is_dateline(line: str, language: str) -> bool:
    return dateline_pattern(language).fullmatch(line) is not None


def wholly_bracketed(line: str) -> str | None:
    """The bracket that opens `line` if its match is the line's last character ("(a) … (b)" is
    not wholly bracketed), else None."""
    if len(line) < 2 or line[0] not in CLOSING or line[-1] != CLOSING[line[0]]:
        return None
    opening, depth = line[0], 0
    for k, char in enumerate(line):
        depth += (char == opening) - (char == CLOSING[opening])
        if depth == 0 and k < len(line) - 1:
            return None
    return opening


def is_citation(line: str, language: str) -> bool:
    return wholly_bracketed(line) == "(" and len(line.split()) <= CITATION_WORDS


def is_interpolation(line: str, language: str) -> bool:
    return wholly_bracketed(line) == "["


def is_fragment(line: str, language: str) -> bool:
    return len(line.split()) <= FRAGMENT_WORDS and not SENTENCE_MARKS.search(INITIAL.sub("", line))


RULES = [
    ShapeRule("dateline", "a date on a line of its own says when the text was written; it is not a paragraph of it",
              is_dateline),
    ShapeRule("bare-citation", "a few words in parentheses after a quotation name its source; they are not a paragraph",
              is_citation),
    ShapeRule("interpolation", "a paragraph wholly in square brackets is an editor's or translator's, not the author's",
              is_interpolation),
    ShapeRule("fragment", "a few words with no punctuation (a signature, a place, a label) are not a sentence",
              is_fragment),
]


def unnumbered_rule(line: str, language: str) -> ShapeRule | None:
    """The first rule that finds `line` (a paragraph's text, notes left out) not a paragraph."""
    line = " ".join(line.split())
    if not line:
        return None
    return next((rule for rule in RULES if rule.matches(line, language)), None)


@lru_cache(maxsize=None)
def dateline_pattern(language: str) -> re.Pattern:
    """A whole line that is a date, in `language`: "August 4 1936", "September 1936", "4th August,
    1936", "Monday, August 4, 1936", "Coyoacan, August 4 1936" (a place before it), with an
    optional full stop. A language Babel does not know has no datelines (nothing is left
    unnumbered for want of a month name)."""
    months, days = _names(language)
    if not months:
        return re.compile(r"(?!)")
    month = "(?:" + "|".join(months) + r")\.?"
    day = r"\d{1,2}(?:st|nd|rd|th|er|\.)?"
    year = r"\d{3,4}"
    weekday = r"(?:(?:" + "|".join(days) + r"),?\s+)?" if days else ""
    place = r"(?:[A-Z][\w.'’-]*(?:\s+[\w.'’-]+){0,3},\s+)?"
    date = (rf"(?:{month}\s+{day},?\s+{year}|{day}\s+(?:de\s+)?{month},?\s+(?:de\s+)?{year}"
            rf"|{month},?\s+{year}|{month}\s+{day}|{day}\s+{month})")
    return re.compile(rf"{place}{weekday}{date}\.?")


def _names(language: str) -> tuple[list[str], list[str]]:
    """The month names (wide and abbreviated) and weekday names of `language`, longest first."""
    try:
        locale = Locale.parse((language or "en").replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError):
        return [], []
    months = {name for width in ("wide", "abbreviated") for context in ("format", "stand-alone")
              for name in get_month_names(width, context, locale).values()}
    days = {name for name in get_day_names("wide", "format", locale).values()}
    return _spellings(months), _spellings(days)


def _spellings(names: set[str]) -> list[str]:
    """Each name as CLDR gives it, capitalised and in capitals ("août", "Août", "AOÛT"), escaped
    for a pattern, longest first (so "June" is tried before "Jun")."""
    spelt = {form for name in names for form in (name.rstrip("."), name.rstrip(".").capitalize(), name.rstrip(".").upper())}
    return [re.escape(name) for name in sorted(spelt, key=lambda n: (-len(n), n))]

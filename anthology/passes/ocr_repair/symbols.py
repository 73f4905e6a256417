"""Symbols the OCR read for letters and quotation marks: `|`, `®`, `™`, `€`, `?>`, `?*`.

`|` is the OCR's reading of a thin upright stroke: the letter l, the pronoun I, or (at a word's end,
where a bracket is open and nothing else closes it) the closing bracket; the frequency model says
which reading makes words. The symbols a text's OCR read for a closing quotation mark depend on
the engine and the fonts, so the text's manifest names them (`quote_symbols`: `®`, `™`, `€`, and
`>`/`*` after a question mark, for The Revolution Betrayed); they stand for the closing quotation
mark when a quotation is open, and for nothing otherwise.
"""
from __future__ import annotations

import re
from typing import Sequence

from .engine import Edit, Paragraph
from .tokens import ZIPF_OFFSET, Lexicon

# ---------------------------------------------------------------------------------------------
# The vertical bar

_BAR = re.compile(r"([^\W_]*)\|([^\W_]*)")


def _bar_readings(left: str, right: str) -> tuple[str, ...]:
    """What a `|` between `left` and `right` may stand for: l or I; inside a run-together also a
    lost space (`bourgeois|law`) or a space and an l (`Bourgeois|aw`); and nothing at all only
    beside an l, as a doubled stroke (`|lower`)."""
    readings = ("l", "I")
    if left and right:
        readings += (" ", " l")
    if right.startswith("l") or left.endswith("l"):
        readings += ("",)
    return readings


def fix_bars(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`|` for l or I: `|eadership` -> leadership, `| doubt` -> I doubt, `|s` -> Is, `leaders|` -> ]."""
    edits = []
    text = par.text
    if "|" not in text:
        return edits  # the pattern would try every word of the paragraph only to find no bar
    for m in _BAR.finditer(text):
        left, right = m.group(1), m.group(2)
        start, end = m.start(), m.end()
        if not right and _closes_bracket(text, start + len(left)):
            edits.append(Edit(start + len(left), end, "]"))  # `[TRANSLATOR NOTE ... leaders| of`
            continue
        if not left and not right:
            nxt = re.match(r" ([a-z]+)", text[end:])
            if nxt and lex.is_fragment(nxt.group(1)) and lex.is_word("l" + nxt.group(1)):
                edits.append(Edit(start, end + len(nxt.group()), "l" + nxt.group(1)))
            elif nxt and lex.is_word(nxt.group(1)):
                edits.append(Edit(start, end, "I"))
            continue
        best = None
        for reading in _bar_readings(left, right):
            words = (left + reading + right).split()
            if not words or not all(lex.is_word(w) for w in words):
                continue
            score = sum(lex.score(w) - ZIPF_OFFSET for w in words)
            if best is None or score > best[0]:
                best = (score, left + reading + right)
        if best:
            edits.append(Edit(start, end, best[1]))
    return edits


def _closes_bracket(text: str, bar: int) -> bool:
    """A `|` at the end of a word stands for `]` when a bracket is open before it and nothing
    after it closes that bracket: the OCR read the closing bracket's upright alone."""
    before, after = text[:bar], text[bar + 1 :]
    if before.count("[") <= before.count("]"):
        return False
    closing = after.find("]")
    opening = after.find("[")
    return closing == -1 or (opening != -1 and opening < closing)


# ---------------------------------------------------------------------------------------------
# Symbols

_QUOTES = re.compile(r"[\"“”]")


def quote_is_open(text: str, pos: int) -> str | None:
    """The opening mark of the quotation open at `pos` (an odd number of marks before it)."""
    marks = _QUOTES.findall(text[:pos])
    if len(marks) % 2 == 1:
        return marks[-1]
    return None


def symbol_pattern(quote_symbols: Sequence[str]) -> re.Pattern | None:
    """The pattern of the symbols an OCR engine read for a closing quotation mark (the pass's
    `quote_symbols` option): each a symbol (`®`), or `?` and a symbol (`?>`) that stands so only
    after a question mark. None when there are none."""
    alternatives = [
        r"(?<=\?)" + re.escape(symbol[1:]) if symbol.startswith("?") and len(symbol) > 1 else re.escape(symbol)
        for symbol in quote_symbols if symbol
    ]
    return re.compile("|".join(alternatives)) if alternatives else None


def fix_symbols(par: Paragraph, pattern: re.Pattern | None) -> list[Edit]:
    """®, ™, €, `?>`, `?*` (what `pattern` finds): a closing quotation mark if a quotation is
    open, else nothing.

    The marks are counted as the symbols are read, left to right, so that a symbol already read
    as a closing mark counts for the next one."""
    found = []
    text = par.text
    if pattern is None:
        return found
    for m in pattern.finditer(par.text):
        after_word = m.start() > 0 and not text[m.start() - 1].isspace()
        inside_word = m.end() < len(text) and text[m.end()].isalpha() and text[m.start() - 1].isalpha()
        opening = quote_is_open(text, m.start()) if after_word and not inside_word else None
        if opening:
            closing = "”" if opening == "“" else '"'
            found.append(Edit(m.start(), m.end(), closing, rule="ocr-symbol-quote"))
            text = text[: m.start()] + closing + text[m.end() :]
        else:
            found.append(Edit(m.start(), m.end(), "", rule="ocr-symbol-stray"))
    return found

"""Curly quotes and apostrophes, decided by context.

House style: “double” quotes outside, ‘single’ quotes nested inside, and ’ for every apostrophe
(`workers’`, `’90s`, `rock ’n’ roll`). The book is rendered with Pandoc's `smart` extension off,
so every quote must leave this pass as its final character.

A quote's direction is read from its neighbours, looking through emphasis asterisks, note calls
and raw HTML: after a space, a dash or an opening bracket and before a word it opens; after a word
or punctuation and before a space or punctuation it closes. When the neighbours do not decide it
(a quote between two spaces, or glued between two words as OCR leaves it: `this"terrorist`), it
opens if the next quote in the paragraph closes, and otherwise pairs with the one before: it
closes if a quote is open and opens if none is. A closing single quote that ends a quotation
(punctuation follows it, not a possessive's noun) while a double quote is open, no single quote
is, and no closing double quote comes next, is OCR's misreading of the closing double quote
(`“Stakhanovists’, the`).

Quotes that are already curly are judged the same way, but only changed when the context is
unambiguous, so an author's correct curly quote is never second-guessed; this repairs the odd
backwards quote (`‘exported‘`, `“’clogged’”`). A curly ’ before a word is only turned into ‘
when a closing ’ follows it in the same paragraph, because ’ before a word is usually an elision.

Once every quote is curly, a quotation in single quotes that no double quote encloses is set in
double quotes, as the house style has it (Conrad's and the glossary's `‘second revolution’`
→ `“second revolution”`), and any quotation nested in it in single quotes. Its closing quote is
told from an apostrophe by `_closing_single`; where that cannot be told, the quotation is left
as it is.
"""
from __future__ import annotations

import re
from bisect import bisect_right

from .markup import OPAQUE, SEE_THROUGH
from .rules import FunctionRule, Recorder, Rule

QUOTES = "\"'“”‘’"
DOUBLES = "\"“”"
OPEN_D, CLOSE_D, OPEN_S, CLOSE_S = "“", "”", "‘", "’"
# Only the quotes themselves are visited: walking every character of a line costs far more.
_QUOTE = re.compile(f"[{QUOTES}]")
_DOUBLE = re.compile(f"[{DOUBLES}]")

# What may stand before an opening quote, and after a closing one (besides a space or nothing).
_OPENS_AFTER = set("([{<—–‒-/“‘\u2060")
_CLOSES_BEFORE = set(".,;:!?)]}>—–‒-/”’")
# Punctuation after which a quote can only be closing, even when a word follows it.
_ONLY_CLOSES_AFTER = set(".,!?)]}…%”’" + OPAQUE)

# What may follow the end of a quotation, as opposed to a possessive's noun.
_ENDS_A_QUOTATION = set(".,;:!?)]—–")

# Words that begin with an elided letter or figure: the quote before them is an apostrophe.
_ELISION = re.compile(
    r"(?:\d\d(?:s|th)?\b(?![.,]?\d)|n['’](?=\s)|(?:em|tis|twas|twere|til|cause|bout)\b)",
    re.I,
)
# A closing single quote later in the same paragraph (for the curly ’ pairing check).
_LATER_CLOSING_SINGLE = re.compile(r"(?<=[^\s‘“(\[])['’](?![^\W\d_])")

OPEN, CLOSE, AMBIGUOUS = "open", "close", "ambiguous"


def _neighbour(text: str | list[str], index: int, step: int) -> str | None:
    """The nearest character in direction `step` that is not invisible syntax (None at an end)."""
    index += step
    while 0 <= index < len(text):
        if text[index] not in SEE_THROUGH:
            return text[index]
        index += step
    return None


def _is_wordlike(char: str | None) -> bool:
    return char is not None and (char.isalnum() or char == OPAQUE)


def _context(left: str | None, right: str | None) -> str:
    opens = left is None or left.isspace() or left in _OPENS_AFTER
    closes = right is None or right.isspace() or right in _CLOSES_BEFORE
    if opens and not closes:
        return OPEN
    if closes and not opens:
        return CLOSE
    if not opens and not closes and left in _ONLY_CLOSES_AFTER:
        return CLOSE
    return AMBIGUOUS


def curl_quotes(text: str, recorder: Recorder) -> str:
    chars = list(text)
    ahead = _DoubleLookahead(text)
    double_open = False
    single_open = False
    for match in _QUOTE.finditer(text):
        i, char = match.start(), match.group()
        # The left neighbour is read from `chars`, which holds the quotes already decided.
        left = _neighbour(chars, i, -1)
        right = _neighbour(text, i, 1)
        context = _context(left, right)
        if char in DOUBLES:
            new, rule = _double(char, context, double_open, ahead.next_after(i))
            double_open = new == OPEN_D
        else:
            new, rule, single_open = _single(char, context, left, right, text, i, single_open)
            if (
                new == CLOSE_S
                and rule != "apostrophe"
                and (_is_wordlike(left) or (left is not None and left in ".,!?"))
                and double_open
                and not single_open
                and (right is None or right in _ENDS_A_QUOTATION)
                and ahead.first_after(i) != CLOSE
            ):
                # OCR reads a closing double quote as a single one (`“Stakhanovists’, the`); a
                # possessive is followed by its noun, not by punctuation.
                new, rule, double_open = CLOSE_D, "quote-single-for-double", False
        if new != char:
            recorder.record(rule, text, i, i + 1, new)
            chars[i] = new
    return "".join(chars)


class _DoubleLookahead:
    """What the next double quote in the paragraph does, judged by its context alone."""

    def __init__(self, text: str):
        self.positions: list[int] = []
        self.contexts: list[str] = []
        for match in _DOUBLE.finditer(text):
            i, char = match.start(), match.group()
            context = _context(_neighbour(text, i, -1), _neighbour(text, i, 1))
            if context == AMBIGUOUS and char != '"':
                context = OPEN if char == OPEN_D else CLOSE
            self.positions.append(i)
            self.contexts.append(context)

    def first_after(self, index: int) -> str | None:
        """The context of the very next double quote (ambiguous or not)."""
        k = bisect_right(self.positions, index)
        return self.contexts[k] if k < len(self.contexts) else None

    def next_after(self, index: int) -> str | None:
        """The context of the next double quote whose context decides it."""
        k = bisect_right(self.positions, index)
        for context in self.contexts[k:]:
            if context != AMBIGUOUS:
                return context
        return None


def _double(char: str, context: str, is_open: bool, next_context: str | None) -> tuple[str, str]:
    if context == AMBIGUOUS:
        if char != '"':
            return char, ""
        # A quote that the next quote closes is an opening one, even if an earlier quote was
        # left open (OCR loses closing quotes more often than anything else); otherwise pair.
        opening = next_context == CLOSE or not is_open
        return (OPEN_D if opening else CLOSE_D), "quote-double-by-pairing"
    new = OPEN_D if context == OPEN else CLOSE_D
    return new, ("quote-double" if char == '"' else "quote-fix-curly")


def _single(char, context, left, right, text, i, is_open):
    """Decide a single quote; returns (new char, rule id, whether a single quote is now open)."""
    straight = char == "'"
    if _is_wordlike(left) or (left is not None and left in _ONLY_CLOSES_AFTER):
        closing = not _is_wordlike(right)
        rule = "apostrophe" if not closing else "quote-single"
        return CLOSE_S, (rule if straight else "quote-fix-curly"), (is_open and not closing)
    if context == OPEN or (context == AMBIGUOUS and not is_open and _is_wordlike(right)):
        if _ELISION.match(text, i + 1):
            return CLOSE_S, ("apostrophe" if straight else "quote-fix-curly"), is_open
        if char == CLOSE_S and not _LATER_CLOSING_SINGLE.search(text, i + 2):
            return char, "", is_open  # probably an elision we do not know: keep the author's ’
        return OPEN_S, ("quote-single" if straight else "quote-fix-curly"), True
    if context == CLOSE:
        return CLOSE_S, ("quote-single" if straight else "quote-fix-curly"), False
    if not straight:
        return char, "", char == OPEN_S
    new = CLOSE_S if is_open else OPEN_S
    return new, "quote-single-by-pairing", not is_open


def _closing_single(text: str, start: int, end: int) -> int | None:
    """Where the quotation opened by the ‘ at `start` closes, before `end`; None if unsure.

    A ’ before a letter is an apostrophe (`wasn’t`). Of the others, one alone closes; otherwise
    the first does, unless it ends a word in s (`the workers’ state’`: a plural possessive, or the
    close?), when the only one followed by punctuation does, and none if there is no such one.
    """
    candidates = [
        i for i in range(start + 1, end)
        if text[i] == CLOSE_S and not _is_wordlike(_neighbour(text, i, 1))
    ]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    if text[candidates[0] - 1] != "s":
        return candidates[0]
    punctuated = [i for i in candidates if (_neighbour(text, i, 1) or ".") in _ENDS_A_QUOTATION | {CLOSE_D}]
    return punctuated[0] if len(punctuated) == 1 else None


_SWAP_NESTED = {OPEN_D: OPEN_S, CLOSE_D: CLOSE_S}


def outer_quotes_double(text: str, recorder: Recorder) -> str:
    chars = list(text)
    double_open = False
    i = 0
    while i < len(text):
        char = text[i]
        if char == OPEN_D:
            double_open = True
        elif char == CLOSE_D:
            double_open = False
        elif char == OPEN_S and not double_open:
            next_open = text.find(OPEN_S, i + 1)
            close = _closing_single(text, i, next_open if next_open >= 0 else len(text))
            if close is not None:
                for k in range(i, close + 1):
                    new = {OPEN_S: OPEN_D, CLOSE_S: CLOSE_D}[text[k]] if k in (i, close) else _SWAP_NESTED.get(text[k])
                    if new:
                        # Recorded on the line as changed so far, so the snippet of the closing
                        # quote shows the quotation's new opening one.
                        recorder.record("quote-outer-double", "".join(chars), k, k + 1, new)
                        chars[k] = new
                i = close
        i += 1
    return "".join(chars)


RULES = [
    Rule(
        "quote-doubled",
        "Two double quote marks side by side (OCR's `improvement\"”`) are one; a curly one is kept.",
        re.compile(r"[\"“”]{2,}"),
        lambda m: next((c for c in m.group(0) if c != '"'), '"'),
        needs=tuple(DOUBLES),
    ),
    FunctionRule(
        "quotes",
        "Straight and backwards quotes become curly quotes and apostrophes, decided by context.",
        curl_quotes,
        ids=(
            "quote-double",
            "quote-single",
            "apostrophe",
            "quote-fix-curly",
            "quote-double-by-pairing",
            "quote-single-by-pairing",
            "quote-single-for-double",
        ),
        needs=tuple(QUOTES),
    ),
    FunctionRule(
        "quote-outer-double",
        "A quotation is in double quotes, a quotation inside it in single: `‘second revolution’` → `“second revolution”`.",
        outer_quotes_double,
        needs=(OPEN_S,),
    ),
]

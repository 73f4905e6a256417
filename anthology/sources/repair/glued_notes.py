"""Finding note references that lost their superscript: numbers glued onto the text.

Text copied from a web page keeps a note call as plain digits stuck to whatever preceded it
(``humanity.2``, ``breakdown”.3``, ``Britain43``, ``early 19235`` = 1923 + note 5). Digits glued
to text are also ordinary numbers (``11.6``, ``26,000``, ``“1941``), so no pattern alone can
tell a call from a number. What does tell them apart is order: calls run 1, 2, 3 … through the
text. The finder therefore

1. collects *candidates*, every digit group that could be a call, in three classes:

   - ``A``: 1–2 digits glued to a letter, to closing punctuation or to a closing quote, but not
     the tail of a decimal or a thousands group (``11.6``, ``26,000``) and not after an opening
     quote;
   - ``B``: 1–2 digits glued onto a four-digit year (``19235`` = 1923 + 5);
   - ``C``: digits after a ``.`` that follows a year or a year range (``1924.19``,
     ``1923-4.37``), which class A would take for a decimal;

2. walks n = 1 … N and takes, for each n, the first candidate with value n after the previous
   call. A naive "next occurrence of n" derails as soon as a year such as ``1923`` sits before
   the real call 3; the candidate set is what keeps the walk on track.

Candidates left over (``l50``, an OCR slip for 150) stay in the text as they are, and are
returned so that a report can show them to an editor.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import SourceError

DIGIT_RUN = re.compile(r"\d+")
YEAR = re.compile(r"(?:1[5-9]|20)\d\d")
# A year or a year range (1923, 1923-4, 1923–24, 1923/1924) ending where a "." follows.
YEAR_OR_RANGE_BEFORE_DOT = re.compile(r"(?<![\d.,])(?:1[5-9]|20)\d\d(?:[-–/]\d{1,4})?$")
YEAR_OR_RANGE_LONGEST = 10
"""The longest text that pattern matches (`1923/1924`), and the newline `$` may stand before."""
CLOSING_QUOTES = "”’\"'"
CLOSING_PUNCTUATION = ".,;:!?)]"
# After these, a digit group preceded by a digit is a decimal, a thousands group or a time.
NUMBER_SEPARATORS = ".,:"


@dataclass(frozen=True)
class Candidate:
    """A digit group that may be note call `value`, occupying text[start:end]."""

    start: int
    end: int
    value: int
    kind: str  # "A" glued, "B" glued onto a year, "C" after a year and a full stop


def _glued_kind(text: str, start: int) -> str | None:
    """Class of the digit group at `start` by what it is glued to, or None if not a candidate."""
    if start == 0:
        return None
    before = text[start - 1]
    before2 = text[start - 2] if start >= 2 else " "
    if before.isalpha():
        return "A"
    if before in CLOSING_QUOTES:
        # A quote after a space (or at the start) opens: `“1941` is a number, not a call.
        return "A" if not before2.isspace() else None
    if before in NUMBER_SEPARATORS and before2.isdigit():
        # The match ends at the dot (`$`), so only the last few characters can hold it: searching
        # from the start of the text instead made finding the candidates quadratic.
        window = max(0, start - 1 - YEAR_OR_RANGE_LONGEST)
        if before == "." and YEAR_OR_RANGE_BEFORE_DOT.search(text, window, start - 1):
            return "C"
        return None  # 11.6, 26,000, 10:30
    if before in CLOSING_PUNCTUATION:
        return "A"
    return None


def find_candidates(text: str, *, max_digits: int = 2) -> list[Candidate]:
    """Every digit group in `text` that could be a glued note call, in text order."""
    found = []
    for run in DIGIT_RUN.finditer(text):
        digits, start, end = run.group(), run.start(), run.end()
        after = text[end] if end < len(text) else " "
        if after.isalnum():
            continue  # 13th, 1920s: a number that goes on, not a call
        if len(digits) <= max_digits:
            kind = _glued_kind(text, start)
            if kind:
                found.append(Candidate(start, end, int(digits), kind))
        elif 4 < len(digits) <= 4 + max_digits and YEAR.fullmatch(digits[:4]):
            before = text[start - 1] if start else " "
            if before not in NUMBER_SEPARATORS and not before.isalnum():
                found.append(Candidate(start + 4, end, int(digits[4:]), "B"))
    return found


def assign_calls(
    text: str,
    count: int,
    *,
    origin: str = "",
    locate=None,
    max_digits: int = 2,
) -> tuple[list[Candidate], list[Candidate]]:
    """Pick the calls 1 … `count` in order; return (calls, leftover candidates).

    `locate(offset)` turns an offset into a human locator for error messages ("line 25").
    Raises SourceError naming the first number that cannot be found after the previous call, or
    a call N + 1 after the last one (a note missing from the list).
    """
    locate = locate or (lambda offset: f"char {offset}")
    candidates = find_candidates(text, max_digits=max_digits)
    calls: list[Candidate] = []
    cursor = 0
    for n in range(1, count + 1):
        match = next((c for c in candidates if c.start >= cursor and c.value == n), None)
        if match is None:
            place = locate(calls[-1].start) if calls else ""
            line = re.fullmatch(r"line (\d+)", place)
            where = f"{origin}:{line.group(1)}: " if origin and line else f"{origin}: " if origin else ""
            after = (f"after call {n - 1}" + ("" if line else f" ({place})")) if calls else "in the text"
            raise SourceError(
                f"{where}note call {n} not found {after}; the note list has {count} notes, "
                "so a call is missing or glued where the finder cannot see it"
            )
        calls.append(match)
        cursor = match.end
    extra = next((c for c in candidates if c.start >= cursor and c.value == count + 1), None)
    if extra is not None:
        raise SourceError(
            f"{origin + ': ' if origin else ''}what looks like note call {count + 1} follows the last call "
            f"({locate(extra.start)}), but the note list has only {count} notes"
        )
    used = set(calls)
    return calls, [c for c in candidates if c not in used]


def place_calls(text: str, calls: list[Candidate], *, escape=lambda s: s, call_markup=lambda n: f"[^{n}]") -> str:
    """Replace each call's digits by its markup, right where the digits were.

    `escape` is applied to the text between calls only, so that escaping the text for Markdown
    never touches the call markup itself.
    """
    out = []
    last = 0
    for c in sorted(calls, key=lambda c: c.start):
        out.append(escape(text[last:c.start]))
        out.append(call_markup(c.value))
        last = c.end
    out.append(escape(text[last:]))
    return "".join(out)


def word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the whitespace-delimited word containing text[start:end], for a reviewer's log."""
    left = start
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = end
    while right < len(text) and not text[right].isspace():
        right += 1
    return left, right

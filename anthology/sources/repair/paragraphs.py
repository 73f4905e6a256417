"""Recovering paragraph breaks in text that has lost them.

Two sources of breaks, in this order of trust:

1. **Editorial anchors**: the first few words of a paragraph, chosen by an editor who read the
   text. Each must occur exactly once and sit at a sentence start, or the build stops (an anchor
   that drifted would silently glue two paragraphs or cut one mid-sentence).
2. **A fallback** for anything the anchors leave too long: split at a sentence boundary, near the
   middle, preferring the sentences a writer most often starts a paragraph with (a whole
   parenthetical aside, or "Thus", "Hence", "Now,", "So,"). It is a guess, so every split it
   makes is reported and an editor can replace it with an anchor.

Nothing here knows about any source format: the text is plain prose with `\\n\\n` between the
paragraphs that are already known.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...editorial import find_exactly
from ...errors import EditorialError
from ...prose import count_words, sentence_starts

CUE_OPENINGS = ("Thus", "Hence", "Now,", "So,")
"""Sentence openings that usually turn an argument in English prose, so a paragraph may well start
there: the general default. They are not taken from any one text (none of the book's paragraphs
is split by this fallback); a reader may pass a text's or a site's own (`cues`)."""

ASIDE_MIN_WORDS = 10
"""A sentence in parentheses this long is an aside worth its own paragraph, not a citation."""


@lru_cache(maxsize=32)
def _cue_pattern(cues: tuple[str, ...]) -> re.Pattern | None:
    """A word cue must end at a word's end (`Thus`, not `Thusly`); one ending in a comma already does."""
    if not cues:
        return None
    return re.compile("|".join(re.escape(c) + ("" if c.endswith(",") else r"\b") for c in cues))


@dataclass(frozen=True)
class Break:
    """A paragraph break to insert at `offset` (where the new paragraph's first word starts)."""

    offset: int
    reason: str
    """``anchor`` (editorial), ``cue`` (fallback at a cue sentence) or ``balance`` (fallback)."""


def anchor_breaks(text: str, anchors: list[str], *, origin: str = "", what: str = "paragraphs entry") -> list[Break]:
    """Validate editorial paragraph anchors against `text` and return where they break it.

    Each anchor must occur exactly once and start a sentence (or a line): an anchor in
    mid-sentence is almost certainly a typo in the editorial file.
    """
    starts = set(sentence_starts(text))
    breaks = []
    for anchor in anchors:
        (offset,) = find_exactly(text, anchor, what=what, origin=origin)
        at_line_start = offset == 0 or text[offset - 1] == "\n"
        if not (at_line_start or offset in starts):
            context = text[max(0, offset - 40): offset].lstrip()
            raise EditorialError(
                f"{origin}: {what} {anchor!r} does not start a sentence (it follows {context!r}); "
                "an anchor must be the first words of a paragraph"
            )
        if not at_line_start:
            breaks.append(Break(offset, "anchor"))
    return sorted(breaks, key=lambda b: b.offset)


def _is_cue(rest: str, cues: tuple[str, ...] = CUE_OPENINGS) -> bool:
    """Does the sentence starting `rest` make a good paragraph opening?"""
    if rest.startswith("("):
        aside = rest[: rest.find(")") + 1] if ")" in rest else rest
        return count_words(aside) >= ASIDE_MIN_WORDS
    pattern = _cue_pattern(tuple(cues))
    return bool(pattern and pattern.match(rest))


def long_paragraph_breaks(paragraph: str, *, max_words: int, min_words: int = 30,
                          cues: tuple[str, ...] = CUE_OPENINGS) -> list[Break]:
    """Breaks that bring every part of `paragraph` down to `max_words`, where sentences allow.

    Each split is at the sentence start that best balances the two halves, with a cue sentence
    (one opening with one of `cues`, or a long parenthetical aside) preferred when it is within a
    fifth of the middle; no part is made shorter than `min_words`.
    Recurses until every part fits (a single over-long sentence is left alone).
    """
    total = count_words(paragraph)
    if total <= max_words:
        return []
    best, best_score = None, None
    for start in sentence_starts(paragraph):
        left = count_words(paragraph[:start])
        if left < min_words or total - left < min_words:
            continue
        score = abs(left - total / 2) / total - (0.2 if _is_cue(paragraph[start:], cues) else 0.0)
        if best_score is None or score < best_score:
            best, best_score = start, score
    if best is None:
        return []
    reason = "cue" if _is_cue(paragraph[best:], cues) else "balance"
    head = long_paragraph_breaks(paragraph[:best], max_words=max_words, min_words=min_words, cues=cues)
    tail = long_paragraph_breaks(paragraph[best:], max_words=max_words, min_words=min_words, cues=cues)
    return head + [Break(best, reason)] + [Break(best + b.offset, b.reason) for b in tail]


def apply_breaks(text: str, breaks: list[Break]) -> str:
    """Insert a blank line at each break (dropping the spaces that preceded it)."""
    out, last = [], 0
    for brk in sorted(breaks, key=lambda b: b.offset):
        out.append(text[last: brk.offset].rstrip())
        last = brk.offset
    out.append(text[last:])
    return "\n\n".join(out)


def context_before(text: str, offset: int, width: int = 40) -> str:
    """The end of the sentence before a break, for the cleaning report."""
    return "…" + " ".join(text[max(0, offset - width): offset].split())


def context_after(text: str, offset: int, width: int = 40) -> str:
    """The start of the new paragraph, for the cleaning report."""
    return "¶ " + " ".join(text[offset: offset + width].split()) + "…"

"""Runs of text the OCR could not read at all (`fo t2ecdmul oweoonurtotheithighee gdh`).

No algorithm can restore such a run: the words are lost and must be re-taken from another copy
of the book. What the repair can do is say so, plainly, instead of printing garbage or, worse,
"correcting" the fragments into plausible nonsense. A run is a stretch where garbage tokens
(letters mixed with digits, unsplittable non-words, stray short fragments) come densely; it is
replaced by the editorial mark unless the corrections file supplies the text.
"""
from __future__ import annotations

import re

from ...prose import zipf
from .engine import Edit, Paragraph
from .tokens import Lexicon, SHORT_WORDS

MIN_GARBAGE = 4
"""At least this many garbage tokens ..."""

WINDOW = 6
"""... among this many consecutive tokens make a run."""

MAX_GAP = 3
"""A run goes on over at most two readable tokens between garbage (`gdh up to t a compl`)."""

GARBAGE_ZIPF = 1.5
"""A lower-case token rarer than this is garbage, unless a rule repairs it."""

_TOKEN = re.compile(r"\S+")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")
_ORDINAL_OR_FRACTION = re.compile(r"\d+(?:st|nd|rd|th|s)|\d+/\d+(?:st|nd|rd|th)?")
_LETTERS = re.compile(r"[^\W\d_|]+")
_BRACKET_OR_SIGN = re.compile(r"[(){}<>=]")


def is_garbage(token: str, lex: Lexicon, *, can_repair) -> bool:
    """A token no rule can make a word of: letters mixed with digits or symbols, a fragment of one
    or two letters, or a lower-case token the frequency model hardly knows and no rule repairs.
    Capitalised unknown tokens are names (`Troyanovsky, Maisky, Potemkin, Suritz`), not garbage."""
    # Texts repeat their tokens, so what the token's form says is kept; whether a rule repairs
    # it is the caller's question (`can_repair`), asked every time.
    key = ("garbage", token)
    if key not in lex.cache:
        lex.cache[key] = _garbage_by_form(token, lex)
    verdict, core = lex.cache[key]
    return not can_repair(core) if verdict is None else verdict


def _garbage_by_form(token: str, lex: Lexicon) -> tuple[bool | None, str]:
    """`is_garbage` as far as the token itself decides, and its core; None: garbage unless repaired."""
    core = token.strip(".,;:!?\"“”'’()[]—")
    if not core or core.isdigit() or lex.is_protected(core):
        return False, core
    if _DIGIT.search(core) and _LETTER.search(core):
        return not _ORDINAL_OR_FRACTION.fullmatch(core), core
    if not _LETTERS.fullmatch(core.replace("|", "x")):
        return "|" in core or bool(_BRACKET_OR_SIGN.search(core)), core
    if core[0].isupper() and core[1:].islower():
        return False, core  # a name the model does not know, not garbage
    if len(core) <= 2:
        return core.lower() not in SHORT_WORDS, core
    return (None if zipf(core) < GARBAGE_ZIPF else False), core


def mark_illegible(par: Paragraph, lex: Lexicon, mark: str, *, can_repair) -> list[Edit]:
    """Replace each dense run of garbage tokens by the editorial mark."""
    tokens = list(_TOKEN.finditer(par.text))
    flags = [is_garbage(t.group(), lex, can_repair=can_repair) for t in tokens]
    edits = []
    i = 0
    while i < len(tokens):
        if not flags[i] or sum(flags[i : i + WINDOW]) < MIN_GARBAGE:
            i += 1
            continue
        last = i
        for j in range(i + 1, len(tokens)):
            if j - last > MAX_GAP:
                break
            if flags[j]:
                last = j
        start, end = tokens[i].start(), tokens[last].end()
        trail = re.search(r"[.,;:!?]+$", tokens[last].group())
        if trail:
            end -= len(trail.group())
        edits.append(Edit(start, end, mark, guard=True))
        i = last + 1
    return edits

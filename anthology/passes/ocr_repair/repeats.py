"""Words and lines the OCR read twice (`have have increased`, a whole line repeated).

An OCR engine stitching lines together now and then reads a word, or a whole line, twice. In
prose an immediate repetition of four or more words is never meant; a repeated short sequence
is meant only in a few idioms (`had had`, `that that`), in rhetoric built on a function word
(`a war between office and office`) or with names (`Khrushchev Khrushchev Remembers`, an author
and his title), so short repeats are removed only when they are plain lower-case words outside
those.
"""
from __future__ import annotations

import re

from ...prose import FUNCTION_WORDS
from .engine import Edit, Paragraph

MAX_WORDS = 12
"""The longest repeated stretch looked for (a repeated printed line is about this long)."""

SHORT = 3
"""Repeats of up to this many words must be lower-case words, and not an idiom."""

IDIOMS = frozenset({"had", "that"})
"""Words English doubles on purpose (`he had had enough`, `he said that that was wrong`)."""

_WORD = re.compile(r"\S+")


def remove_repeats(par: Paragraph) -> list[Edit]:
    tokens = list(_WORD.finditer(par.text))
    words = [t.group() for t in tokens]
    edits = []
    i = 0
    while i < len(tokens):
        longest = min(MAX_WORDS, (len(tokens) - i) // 2)
        word = words[i]
        if longest and word not in words[i + 1 : i + 1 + longest] and not words[i + 1].startswith(word):
            i += 1  # no repeat starts here (most words): settled without trying every length
            continue
        for n in range(longest, 0, -1):
            if words[i] != words[i + n] and not (n == 1 and words[i + 1].startswith(words[i])):
                continue
            first, second = words[i : i + n], words[i + n : i + 2 * n]
            tail = re.search(r"[.,;:!?)\]—]*$", second[-1]).group()
            if first != second[:-1] + [second[-1][: len(second[-1]) - len(tail)]]:
                continue  # the second copy may end the clause: `the grain reserve reserve, and`
            if not _worth_removing(first):
                continue
            start, end = tokens[i].start(), tokens[i + 2 * n - 1].end()
            edits.append(Edit(start, end, par.text[start : tokens[i + n - 1].end()] + tail))
            i += 2 * n - 1
            break
        i += 1
    return edits


def _worth_removing(words: list[str]) -> bool:
    if len(words) > SHORT:
        return True
    if not all(re.fullmatch(r"[a-z]+", w) for w in words):
        return False
    if len(words) == 1:
        return words[0] not in IDIOMS
    return not any(w in FUNCTION_WORDS for w in words)  # `a war between office and office and Zinoviev`

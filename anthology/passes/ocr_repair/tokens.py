"""Words, their frequencies, and the parts of a Markdown line that OCR repair must not touch.

Every rule asks the same two questions: *is this a word?* and *how common is it?* The answer
comes from `wordfreq` (a maintained frequency model of English), not from a hand-made list, plus
the editor's protected words (names, Russian terms, the translation's own spellings) which the
model does not know and which the repair must never change.

A few closed classes of English are spelled out because no frequency model can say what they
are: the function words that OCR most often glues to a neighbour (`anthology.prose.FUNCTION_WORDS`),
and here the complete set of English one- and two-letter words (the model counts `el`, `se`, `ou`
as common because it has read Spanish and French, so short fragments need a stricter test).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...prose import zipf

SHORT_WORDS = frozenset(
    """a i o ah am an as at ax be by do eh go ha he hi ho if in is it me my no of oh ok on or ox
    so to up us we ye""".split()
)
"""English words of one or two letters; any other short token is a fragment of a longer word."""

WORD_ZIPF = 3.0
"""Zipf frequency from which a token counts as an ordinary English word (about 1 per million)."""

PROTECTED_ZIPF = 4.0
"""The frequency a protected word is given when it is a part of a split (it is a known word)."""

ZIPF_OFFSET = 9.0
"""A Zipf value is the log10 of a word's frequency per billion words, so a Zipf value less this
is the log10 of the word's probability. Probabilities multiply, so the rules that weigh a split
against the token as printed add their parts' Zipf values each less this."""


_CACHES: dict[frozenset, dict] = {}


@dataclass
class Lexicon:
    """The frequency model plus the editor's protected words."""

    protected: frozenset[str] = field(default_factory=frozenset)
    """Lower-cased protected words; their plural and possessive forms are protected too."""

    cache: dict = field(default_factory=dict, repr=False, compare=False)
    """Decisions already taken for a token (splits, letter fixes): texts repeat their words.
    Lexicons with the same protected words share it."""

    def __post_init__(self) -> None:
        self.cache = _CACHES.setdefault(self.protected, self.cache)

    def is_protected(self, word: str) -> bool:
        key = ("protected", word)
        answer = self.cache.get(key)  # one lookup, not two: every rule asks this of every token
        if answer is None:
            answer = self.cache[key] = self._protected(word)
        return answer

    def _protected(self, word: str) -> bool:
        w = word.lower().replace("’", "'")
        if w in self.protected:
            return True
        for suffix in ("'s", "s'", "s"):
            if w.endswith(suffix) and w[: -len(suffix)] in self.protected:
                return True
        return w.endswith("es") and w[:-2] in self.protected and w[-3] in "sxzh"

    def score(self, word: str) -> float:
        """Zipf frequency, with protected words counted as ordinary words."""
        if self.is_protected(word):
            return max(PROTECTED_ZIPF, zipf(word))
        return zipf(word)

    def is_word(self, word: str, threshold: float = WORD_ZIPF) -> bool:
        """True for protected words and for words at least as common as `threshold`."""
        if len(word) <= 2 and word.lower() not in SHORT_WORDS:
            return self.is_protected(word)
        return self.is_protected(word) or zipf(word) >= threshold

    def is_fragment(self, word: str) -> bool:
        """A piece of a word: a short non-word, a lone capital other than A/I/O, or a rare token."""
        if self.is_protected(word):
            return False
        if len(word) <= 2:
            return word.lower() not in SHORT_WORDS or (len(word) == 1 and word not in "aAIO")
        return zipf(word) < WORD_ZIPF


# ---------------------------------------------------------------------------------------------
# Markdown that must survive untouched

_LEADING_MARKUP = re.compile(r"^\s*(?:#{1,6}\s+|>\s?|\[\^[^\]\s]+\]:\s*|[-+*]\s+|\d+[.)]\s+)*")
_INLINE_MARKUP = re.compile(
    r"\[\^[^\]\s]+\]"  # footnote call
    r"|\]\([^)]*\)"  # link target
    r"|<[^>\s]+>"  # autolink or raw HTML tag
    r"|https?://\S+"  # bare URL
    r"|`[^`]*`"  # inline code
)
SCENE_BREAK = re.compile(r"^\s*(?:[*_-]\s*){3,}$")


def markup_spans(line: str) -> list[tuple[int, int]]:
    """Spans of `line` that are Markdown syntax (heading markers, note calls, links, URLs)."""
    spans = []
    lead = _LEADING_MARKUP.match(line)
    if lead and lead.end():
        spans.append((0, lead.end()))
    spans.extend(m.span() for m in _INLINE_MARKUP.finditer(line))
    return spans


def is_untouchable(line: str) -> bool:
    """Lines the repair leaves alone entirely: blank lines and scene breaks."""
    return not line.strip() or bool(SCENE_BREAK.match(line))


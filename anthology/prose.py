"""Counting words the same way everywhere (preface tables, word-count checks, reading times)."""
from __future__ import annotations

import re

_MARKUP = re.compile(
    r"<sup>\d+</sup>"          # HTML note calls in some sources
    r"|\[\^[^\]]+\]:?"          # Pandoc note calls and definition labels
    r"|\]\([^)]*\)"             # the URL part of a Markdown link
    r"|https?://\S+"            # bare URLs
)
# Numbers are left out: note numbers glued to words in some sources would otherwise count.
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")

READING_WORDS_PER_MINUTE = 230
"""A typical silent-reading speed for non-fiction; reading times are estimates, not promises."""


def count_words(text: str) -> int:
    return len(_WORD.findall(_MARKUP.sub(" ", text)))


def reading_minutes(words: int) -> int:
    return max(1, round(words / READING_WORDS_PER_MINUTE))


def load_frequencies() -> None:
    """Load the English word frequencies (wordfreq's list: a sixth of a second, once per
    process), so that a later lookup is quick."""
    from wordfreq import get_frequency_dict

    get_frequency_dict("en", "best")


_ZIPF_BY_FREQUENCY: dict[float | None, float] = {}


def zipf(word: str) -> float:
    """wordfreq's `zipf_frequency(word, "en")`, for a word of ASCII letters without its tokenizer
    (most of its cost): such a word is one token, its lower-case self, so its Zipf value depends
    only on the frequency the word list gives that token; wordfreq computes it once per frequency."""
    from wordfreq import get_frequency_dict, zipf_frequency

    if not (word.isascii() and word.isalpha()):
        return zipf_frequency(word, "en")
    freq = get_frequency_dict("en", "best").get(word.lower())  # as wordfreq asks, so its cache serves both
    if freq not in _ZIPF_BY_FREQUENCY:
        _ZIPF_BY_FREQUENCY[freq] = zipf_frequency(word, "en")
    return _ZIPF_BY_FREQUENCY[freq]

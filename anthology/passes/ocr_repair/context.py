"""Run-togethers that happen to spell a word the frequency model knows (`avery`, `asa`, `bein`).

`avery` is a surname, `asa` an abbreviation, `anew` and `afar` real adverbs: a dictionary passes
them all. Context decides:

* two function words run together (`asa`, `isa`, `bein`, `Ina`) make no English word in lower
  case, or at a sentence start, when another word follows and the pair is far more likely
  than the token (`anon` and `bean` stay);
* `a` glued to a common word (`avery`, `anew`, `afar`) is split when the token is rare, the
  word is far more common, and an ordinary lower-case word follows, so that the phrase goes on
  as a noun phrase (`avery few`, `anew life`, `afar more`); `anew.` and `from afar,` stay.
"""
from __future__ import annotations

import re

from ...prose import ends_sentence, zipf
from .engine import Edit, Paragraph
from .splitting import is_function
from .tokens import ZIPF_OFFSET, Lexicon

RARE_ZIPF = 4.0
"""A real word rarer than this may be a run-together, if the context says so ..."""

KNOWN_ZIPF = 1.0
"""... if at least this common: a token the model hardly knows is no word, but damage for other rules."""

PAIR_GAIN = 1.5
"""Two function words: the pair must be this much more likely (in log10) than the token."""

A_GAIN = 2.0
"""`a` + word: the word must be this much more common than the token ..."""

FOLLOWING_ZIPF = 2.0
"""... and the word after it at least this common."""

_CANDIDATE = re.compile(r"(?<![\w'’-])([A-Za-z]{3,8}) (?=([a-z]+))")


def _sentence_start(text: str, i: int) -> bool:
    """Whether a sentence may start at `i`: after the end of one, or behind an opening quote."""
    before = text[:i].rstrip()
    return not before or before[-1] in "\"“" or ends_sentence(before)


def split_in_context(par: Paragraph, lex: Lexicon) -> list[Edit]:
    edits = []
    text = par.text
    for m in _CANDIDATE.finditer(text):
        token, following = m.group(1), m.group(2)
        low = token.lower()
        if lex.is_protected(token) or zipf(token) >= RARE_ZIPF or zipf(token) < KNOWN_ZIPF:
            continue
        if token[0].isupper() and not (token[1:].islower() and _sentence_start(text, m.start())):
            continue
        parts = _two_function_words(low)
        gain = sum(zipf(p) - ZIPF_OFFSET for p in parts) - (zipf(token) - ZIPF_OFFSET) if parts else 0.0
        if parts and gain >= PAIR_GAIN and lex.is_word(following):
            cut = len(parts[0])
            edits.append(Edit(m.start(1), m.end(1), token[:cut] + " " + token[cut:]))
            continue
        if low.startswith("a") and token[0].islower() and not is_function(following):
            rest = low[1:]
            if zipf(rest) - zipf(token) >= A_GAIN and lex.is_word(following, FOLLOWING_ZIPF) and len(following) > 2:
                edits.append(Edit(m.start(1), m.end(1), "a " + token[1:]))
    return edits


def _two_function_words(word: str) -> tuple[str, str] | None:
    """`asa` -> (as, a); never an article before a function word, nor a word twice (`in toto`)."""
    for cut in range(1, len(word)):
        first, second = word[:cut], word[cut:]
        if first in ("a", "an") or first == second:
            continue
        if is_function(first) and is_function(second):
            return first, second
    return None


PRONOUN_GAIN = 1.5
"""`I` + word: the pair must be this much more likely (in log10) than the token ..."""

PRONOUN_WORD_ZIPF = 5.0
"""... and the word one of the commonest (`do`, `think`, `have`)."""

_PRONOUN_GLUED = re.compile(r"(?<![\w'’-])I([a-z]{2,6}) (?=[a-z])")


def split_glued_pronoun(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`Ido not mean`: the pronoun I glued to the common word after it, which spells a rare word
    or a name (`Ido`, a language). Not before a function word (`Ion`, `Ian`: no English puts `I`
    before `on` or `an`), and only before a lower-case word, so that the sentence goes on."""
    edits = []
    for m in _PRONOUN_GLUED.finditer(par.text):
        token, rest = "I" + m.group(1), m.group(1)
        if lex.is_protected(token) or is_function(rest) or zipf(rest) < PRONOUN_WORD_ZIPF:
            continue
        gain = (zipf("I") - ZIPF_OFFSET) + (zipf(rest) - ZIPF_OFFSET) - (zipf(token) - ZIPF_OFFSET)
        if gain >= PRONOUN_GAIN:
            edits.append(Edit(m.start(), m.start() + len(token), "I " + rest))
    return edits

"""Property tests for the cleaning (hypothesis): cleaning cleaned text changes nothing, and no
word is lost or altered without a logged, named change."""
from __future__ import annotations

import difflib
import re
from functools import lru_cache

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from anthology.passes.ocr_repair import Lexicon, repair_text
from anthology.typography import typogrify
from conftest import ROOT

LETTERS = re.compile(r"[^\W\d_½¼¾]+")  # vulgar fractions are \w, but numbers, not letters


@lru_cache(maxsize=None)
def paragraphs(name: str) -> list[str]:
    """Paragraphs of a raw source, lines joined: real text with real damage in it."""
    raw = (ROOT / "texts" / name).read_text(encoding="utf-8")
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", raw)]
    return [b for b in blocks if len(b.split()) >= 8 and not b.startswith(("#", "<sup>", "---"))]


@lru_cache(maxsize=None)
def lexicon() -> Lexicon:
    from anthology.passes.ocr_repair.corrections import load_protected_words

    return Lexicon(load_protected_words(ROOT / "editorial" / "protected-words.txt"))


SOURCES = ["why-russia-isnt-socialist.md", "genesis-part-1.md", "genesis-part-2.web.txt", "revolution-betrayed.ocr.txt"]
real_paragraph = st.sampled_from(SOURCES).flatmap(lambda name: st.sampled_from(paragraphs(name)))
# Noise as a careless typist makes it: words with the five sources' quote and dash habits.
TOKENS = ["word", "Russia", "\"quoted\"", "'single'", "it's", "workers'", "'90s", "word,", "word.", "word;",
          "--", "-", "–", "—", "...", "…", "(aside)", "1917-21", "pp. 715-6", "3 1/2", "10 per cent", "V. I. Lenin"]
noise = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25).map(" ".join)
paragraph = st.sampled_from(SOURCES).flatmap(lambda name: st.sampled_from(paragraphs(name)))
noise = st.lists(st.sampled_from(list("abc XYZ\"'’“”‘-–—.,;:!?()…") + ["...", " -- ", " - ", "1917", "3 1/2", " word "]),
                 max_size=30).map("".join)
paragraph = st.one_of(real_paragraph, st.tuples(real_paragraph, noise).map(" ".join), noise)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(paragraph)
def test_typography_is_idempotent(text):
    once, _ = typogrify(text)
    twice, changes = typogrify(once)
    assert twice == once and changes == []


@FAST
@given(paragraph)
def test_typography_never_changes_a_letter(text):
    after, _ = typogrify(text)
    assert LETTERS.findall(after) == LETTERS.findall(text.replace(" -accumulation", "-accumulation"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(real_paragraph)
def test_ocr_repair_is_idempotent(text):
    once = repair_text(text, lex=lexicon())
    assert repair_text(once, lex=lexicon()) == once


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(real_paragraph)
@example("in the struggle of factionsin the Communist party. The platform of factionsin the Communist party. "
         "The platform of the Opposition (1927) demanded a guarantee.")  # a later rule splits a repeated word
def test_ocr_repair_makes_no_unlogged_change(text):
    """Every region where the words differ is covered by a logged change of a named rule, and
    every change is in the result (as the changes logged after it left it)."""
    from anthology.passes.ocr_repair.rules import REASONS

    log = []
    after = repair_text(text, lex=lexicon(), log=lambda rule, before, new, where: log.append((rule, before, new)))
    differing = [op for op in difflib.SequenceMatcher(None, text.split(), after.split(), autojunk=False).get_opcodes()
                 if op[0] != "equal"]
    assert len(log) >= len(differing) if differing else True
    for k, (rule, before, new) in enumerate(log):
        assert rule.removeprefix("ocr-") in REASONS or rule in REASONS, rule
        for _, later_before, later_new in log[k + 1:]:  # a later change to a word of this one
            new = re.sub(rf"(?<!\w){re.escape(later_before)}(?!\w)", lambda m: later_new, new)
        assert new in after


def test_counted_skips_exactly_the_spaces_and_the_uncounted_characters():
    """The page list and the index places count characters the same way (render/pages.py)."""
    from anthology.render.pages import UNCOUNTED, counted

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert counted(every) == sum(1 for c in every if not c.isspace() and c not in UNCOUNTED)
    assert counted("a\u00a0b\u2010c\u00add e\u3000") == 5

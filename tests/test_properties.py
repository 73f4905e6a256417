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
    from anthology.passes.corrections import load_protected_words

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


def _places(text: str, forms: set[str]) -> list[bool]:
    """For each character of `text`, whether it lies in an occurrence of one of `forms` or is a
    space just beside one (a word taken out takes a space with it)."""
    covered = [False] * len(text)
    for form in filter(None, forms):
        start = text.find(form)
        while start >= 0:
            first = start - 1 if start and text[start - 1].isspace() else start
            end = start + len(form)
            last = end + 1 if end < len(text) and text[end].isspace() else end
            covered[first:last] = [True] * (last - first)
            start = text.find(form, start + 1)
    return covered


def unlogged_changes(text: str, after: str, log: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """Where `after` differs from `text` and no logged change accounts for it: each region where the
    words differ, as (words before, words after), if a character of it that differs lies outside
    every place a logged change stands. A change stands in `text` as it read there (its `before`,
    with the earlier changes it edited undone) and in `after` as it reads there (its `new`, with the
    later changes to its words applied)."""
    originals, finals = set(), set()
    for k, (_, before, new) in enumerate(log):
        originals.add(before)
        for _, earlier_before, earlier_new in reversed(log[:k]):
            if earlier_new:
                before = before.replace(earlier_new, earlier_before)
        originals.add(before)
        for _, later_before, later_new in log[k + 1:]:
            new = re.sub(rf"(?<!\w){re.escape(later_before)}(?!\w)", lambda m: later_new, new)
        finals.add(new)
    in_text, in_after = _places(text, originals), _places(after, finals)
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    new_words = [(m.start(), m.end()) for m in re.finditer(r"\S+", after)]
    found = []
    matcher = difflib.SequenceMatcher(None, [text[a:b] for a, b in words], [after[a:b] for a, b in new_words],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # the region's characters, with the spaces around it (a split or joined word changes a space)
        start, end = (words[i1 - 1][1] if i1 else 0), (words[i2][0] if i2 < len(words) else len(text))
        new_start, new_end = (new_words[j1 - 1][1] if j1 else 0), (new_words[j2][0] if j2 < len(new_words) else len(after))
        chars = difflib.SequenceMatcher(None, text[start:end], after[new_start:new_end], autojunk=False)
        for op, a1, a2, b1, b2 in chars.get_opcodes():
            if op != "equal" and not (all(in_text[start + a1:start + a2]) and all(in_after[new_start + b1:new_start + b2])):
                found.append((text[start:end].strip(), after[new_start:new_end].strip()))
                break
    return found


def test_unlogged_changes_are_found():
    log = [("ocr-join-split", "devel opment", "development")]
    assert unlogged_changes("the devel opment of it", "the development of it", log) == []
    assert unlogged_changes("the devel opment of it", "the development of them", log) == [("it", "them")]
    assert unlogged_changes("a tbe b", "a the b", []) == [("tbe", "the")]
    assert unlogged_changes("one two three", "one three", []) == [("two", "")]
    # a later change edits a word an earlier one made: both are accounted for
    log = [("ocr-split-function", "factionsin", "factions in"), ("ocr-letter", "factions", "fractions")]
    assert unlogged_changes("of factionsin the", "of fractions in the", log) == []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(real_paragraph)
@example("in the struggle of factionsin the Communist party. The platform of factionsin the Communist party. "
         "The platform of the Opposition (1927) demanded a guarantee.")  # a later rule splits a repeated word
def test_ocr_repair_makes_no_unlogged_change(text):
    """Every character that differs, in every region where the words differ, lies where a logged
    change of a named rule stands (in the text before and in the result); and every change is in
    the result (as the changes logged after it left it)."""
    from anthology.passes.ocr_repair.rules import REASONS

    log = []
    after = repair_text(text, lex=lexicon(), log=lambda rule, before, new, where: log.append((rule, before, new)))
    assert unlogged_changes(text, after, log) == []
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

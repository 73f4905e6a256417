"""The shortcuts that make reading and cleaning fast must never change a result.

Each shortcut skips work that cannot matter (a rule's pattern on a line without the characters it
needs, a rule on a text it already left alone, the tokenizer for a plain word); these tests hold
each one to the slow way it replaces, on the five texts and on generated text.
"""
from __future__ import annotations

import random
import re
import string
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from wordfreq import get_frequency_dict, zipf_frequency

from anthology.sources.repair.glued_notes import YEAR_OR_RANGE_BEFORE_DOT, YEAR_OR_RANGE_LONGEST
from anthology.prose import zipf
from anthology.model import Change
from anthology.typography import HEADING_RULES, RULES, typogrify
from anthology.typography import rules as rules_module
from anthology.typography.markup import _HIDDEN, _KIND_STAND_IN, NOTE, STAND_INS, Masked, heading_content, prose_lines
from anthology.typography.rules import NBSP, Recorder, Rule

TEXTS = Path(__file__).resolve().parents[1] / "texts"


def _lines() -> list[str]:
    return [
        line
        for path in sorted(TEXTS.iterdir())
        for line in path.read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]


# ---------------------------------------------------------------------------------------------
# Word frequencies


def test_plain_words_score_as_wordfreq_scores_them():
    rnd = random.Random(7)
    listed = sorted(w for w in get_frequency_dict("en", "best") if w.isascii() and w.isalpha())
    words = rnd.sample(listed, 5000)
    words += [w.capitalize() for w in words[:500]] + [w.upper() for w in words[500:1000]]
    words += ["".join(rnd.choice(string.ascii_letters) for _ in range(rnd.randint(1, 12))) for _ in range(3000)]
    words += ["people’s", "don't", "I1zvestia", "|eadership", "naïve", ""]
    for word in words:
        assert zipf(word) == zipf_frequency(word.replace("’", "'"), "en"), word


# ---------------------------------------------------------------------------------------------
# Typography: prechecks, the pass memo and the masking shortcut


def _mask_slowly(content: str) -> Masked:
    hidden: list[str] = []

    def hide(match: re.Match) -> str:
        hidden.append(match.group(0))
        return _KIND_STAND_IN[match.lastgroup if match.lastgroup != "ticks" else "code"]

    return Masked(_HIDDEN.sub(hide, content), hidden)


def _reveal_slowly(masked: Masked, text: str, start: int = 0, end: int | None = None, *, shorten: int = 0):
    end = len(text) if end is None else end
    index = sum(text.count(c, 0, start) for c in STAND_INS)
    out = []
    for char in text[start:end]:
        if char in STAND_INS:
            piece = masked.hidden[index]
            out.append(piece[: shorten - 1] + "…" if shorten and len(piece) > shorten else piece)
            index += 1
        else:
            out.append(char)
    return "".join(out)


def _typogrify_slowly(markdown: str, lang: str = "en") -> tuple[str, list[Change]]:
    """Every rule on every line in every pass, no precheck: what `typogrify` must equal."""
    rules = [rule for rule in RULES if rule.applies_to(lang)]
    heading_rules = rules + [rule for rule in HEADING_RULES if rule.applies_to(lang)]
    lines, changes = [], []
    for number, prefix, content in prose_lines(markdown):
        if prefix is None:
            lines.append(content)
            continue
        heading = heading_content(prefix, content)
        if heading:
            prefix, content = heading
        masked = _mask_slowly(content)
        masked.reveal = lambda *a, m=masked, **k: _reveal_slowly(m, *a, **k)  # type: ignore[method-assign]
        recorder = Recorder(masked, f"line {number}")
        text = masked.text
        for _ in range(4):
            before = text
            for rule in heading_rules if heading else rules:
                if isinstance(rule, Rule):
                    text = _apply_slowly(rule, text, recorder)
                else:
                    text = rule.function(text, recorder)
            if text == before:
                break
        lines.append(prefix + masked.reveal(text))
        changes.extend(recorder.changes)
    return "\n".join(lines), changes


def _apply_slowly(rule: Rule, text: str, recorder: Recorder) -> str:
    return Rule.apply(Rule(rule.id, rule.reason, rule.pattern, rule.replacement), text, recorder)


def test_rule_needs_hold_on_every_line_of_the_texts():
    lines = [Masked.of(line).text for line in _lines()]
    lines += [Masked.of(line).text for line in typogrify("\n".join(_lines()))[0].split("\n")]
    for rule in RULES:
        if isinstance(rule, Rule) and rule.needs:
            for line in lines:
                if rule.pattern.search(line):
                    assert any(need in line for need in rule.needs), (rule.id, line)


def test_typogrify_equals_the_slow_way_on_the_texts():
    for path in sorted(TEXTS.iterdir()):
        markdown = path.read_text(encoding="utf-8")
        assert typogrify(markdown) == _typogrify_slowly(markdown), path.name


_PIECES = list("aAbIVxyz019/.,;:!?-–—… \"'“”‘’()[]*`<>{}\\^#") + [NBSP, "  ", "http://x.org", "[^3]", "p. 4"]
_ALPHABET = st.sampled_from(_PIECES)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_typogrify_equals_the_slow_way_on_generated_lines(line):
    assert typogrify(line) == _typogrify_slowly(line)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + [NOTE, "per cent", "1/2", "3 1/4"]), max_size=40).map("".join))
def test_rule_needs_only_skip_lines_the_pattern_cannot_change(line):
    for rule in RULES:
        if isinstance(rule, Rule) and rule.needs and not rules_module._holds_any(line, rule.needs):
            assert rule.pattern.search(line) is None, rule.id


# ---------------------------------------------------------------------------------------------
# Glued note calls: the year before a dot is looked for near the dot only


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(list("0123456789.,-–/ a\n") + ["1923", "2001", "1917-21"]), max_size=30).map("".join))
def test_year_before_dot_found_in_the_window_as_in_the_whole_text(text):
    for end in range(len(text) + 1):
        whole = YEAR_OR_RANGE_BEFORE_DOT.search(text, 0, end)
        window = YEAR_OR_RANGE_BEFORE_DOT.search(text, max(0, end - YEAR_OR_RANGE_LONGEST), end)
        assert bool(whole) == bool(window), (text, end)

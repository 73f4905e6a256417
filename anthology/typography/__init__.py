"""The house typography, applied to every text after cleaning (after Standard Ebooks' `typogrify`).

`typogrify` sets quotes, dashes, ellipses, ranges, fractions and no-break spaces in a text's
Pandoc Markdown body, and returns the changes it made for the cleaning report. Pandoc then reads
the body with its `smart` extension off, so every character set here is final.

The rules are small and named; `RULES` lists them in the order they run, which matters:
spaces are tidied and ellipses made glyphs first; quotes are curled while dashes are still in
their source form (so `outstripping'—` is read as a closing quote); number ranges are taken before
the sentence-dash rules could take a dash between two numbers for a sentence dash; the spacing
around ellipses is settled once quotes and dashes are known, and before the number rules, which
look at what stands before a fraction; the other spaces last.

Markdown syntax is never touched: block markers at the start of a line, note calls, link targets,
URLs, code and raw HTML are hidden from the rules (see `markup`). Rules that only suit one output
(hair spaces, runt control) are applied to Pandoc's HTML by `for_output`.

Headings get the same rules and then `HEADING_RULES` (case and numbering, see `headings`); a
heading's number (`### 1. The Transitional Regime`) is part of its content, not a list marker.
"""
from __future__ import annotations

from collections import Counter

from ..model import Change
from . import dashes, headings, numbers, quotes, spacing
from .markup import Masked, heading_content, prose_lines
from .output import for_output
from .rules import FunctionRule, Recorder, Rule

__all__ = ["typogrify", "for_output", "RULES", "rule_ids", "reasons", "summarise"]

RULES: list[Rule | FunctionRule] = [
    *spacing.RULES_BEFORE_QUOTES,
    *quotes.RULES,
    *numbers.RANGE_RULES,  # before any dash between two numbers could become a sentence dash
    *dashes.RULES,
    *spacing.ELLIPSIS_RULES,  # after quotes and dashes: its spacing depends on both
    *numbers.RULES,
    *spacing.SPACE_RULES,
]

HEADING_RULES: list[Rule | FunctionRule] = headings.RULES
"""Run on heading lines only, after `RULES`."""


def rule_ids() -> list[str]:
    """Every id a change can carry, for the report's legend."""
    return [rule_id for rule in RULES + HEADING_RULES for rule_id in _ids(rule)]


def reasons() -> dict[str, str]:
    """Every id a change can carry, with its rule's one-line reason (a rule that records its
    changes under several ids gives each the same reason), for the cleaning report."""
    found: dict[str, str] = {}
    for rule in RULES + HEADING_RULES:
        for rule_id in _ids(rule):
            found.setdefault(rule_id, rule.reason)
    return found


def _ids(rule: Rule | FunctionRule) -> tuple[str, ...]:
    return rule.ids if isinstance(rule, FunctionRule) and rule.ids else (rule.id,)


MAX_PASSES = 4


def typogrify(markdown: str, *, lang: str = "en") -> tuple[str, list[Change]]:
    """Apply the house style to a Pandoc Markdown body; return the new body and its changes.

    `where` in each change is the line of `markdown` (the clean body), since the typography pass
    runs after the readers and no longer knows the raw file's lines.
    """
    rules = [rule for rule in RULES if rule.applies_to(lang)]
    heading_rules = rules + [rule for rule in HEADING_RULES if rule.applies_to(lang)]
    lines: list[str] = []
    changes: list[Change] = []
    for number, prefix, content in prose_lines(markdown):
        if prefix is None:
            lines.append(content)
            continue
        heading = heading_content(prefix, content)
        if heading:
            prefix, content = heading
        line_rules = heading_rules if heading else rules
        masked = Masked.of(content)
        recorder = Recorder(masked, f"line {number}")
        text = masked.text
        # One rule can make work for an earlier one (removing a space can leave two quote marks
        # side by side); run the list again until nothing changes, so that typography is
        # idempotent. Real lines settle in one or two passes.
        # A rule's result depends on the text alone, so a rule that left a text untouched is not
        # run on that same text again in the next pass.
        left_alone: dict[int, str] = {}
        for _ in range(MAX_PASSES):
            before = text
            for k, rule in enumerate(line_rules):
                if left_alone.get(k) == text:
                    continue
                recorded = len(recorder.changes)
                new = rule.apply(text, recorder)
                if new == text and len(recorder.changes) == recorded:
                    left_alone[k] = text
                text = new
            if text == before:
                break
        lines.append(prefix + masked.reveal(text))
        changes.extend(recorder.changes)
    return "\n".join(lines), changes


def summarise(changes: list[Change]) -> dict[str, int]:
    """How many changes each typography rule made, most frequent first (for a report header)."""
    return dict(Counter(change.rule for change in changes).most_common())

"""What a typography rule is, and how its edits are recorded for the cleaning report.

A rule has a stable id, a one-line reason (shown to an editor next to its changes) and either a
regular expression with a replacement or a small function. Rules run on one line's content with
its Markdown syntax hidden (see `markup`), and every occurrence a rule actually changes is
recorded with a short snippet of context, so the report reads
"dash-spaced-hyphen: `waste - the` → `waste – the` (line 7)".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..model import Change
from .markup import Masked

NBSP = "\u00a0"
SNIPPET_CONTEXT = 12
"""Characters of context shown on each side of a change in its snippet."""
SNIPPET_HIDDEN = 24
"""Longest piece of hidden syntax (a URL) shown whole in a snippet."""


@dataclass
class Recorder:
    """Collects the changes made to one line, with context snippets from that line."""

    masked: Masked
    where: str
    changes: list[Change] = field(default_factory=list)

    def record(self, rule: str, text: str, start: int, end: int, new: str) -> None:
        lo = max(0, start - SNIPPET_CONTEXT)
        hi = min(len(text), end + SNIPPET_CONTEXT)
        reveal = self.masked.reveal
        head = reveal(text, lo, start, shorten=SNIPPET_HIDDEN)
        old_part = reveal(text, start, end, shorten=SNIPPET_HIDDEN)
        tail = reveal(text, end, hi, shorten=SNIPPET_HIDDEN)
        # Stand-ins are never created or deleted, so `new` reveals with the same index as `old`.
        new_part = reveal(text[:start] + new, start, start + len(new), shorten=SNIPPET_HIDDEN)
        self.changes.append(Change(rule, head + old_part + tail, head + new_part + tail, self.where))


@dataclass(frozen=True)
class Rule:
    """A regular-expression rule. `replacement` is a template string or a function of the match."""

    id: str
    reason: str
    pattern: re.Pattern
    replacement: str | Callable[[re.Match], str]
    languages: tuple[str, ...] | None = None
    """Language codes the rule applies to (None: all)."""
    needs: tuple[str, ...] = ()
    """Strings a line must hold one of for the pattern to match there (empty: no such test)."""

    def applies_to(self, lang: str) -> bool:
        return self.languages is None or lang.split("-")[0].lower() in self.languages

    def apply(self, text: str, recorder: Recorder) -> str:
        if not _holds_any(text, self.needs):
            return text  # most lines lack the rule's characters: a substring test is far cheaper
        out: list[str] = []
        last = 0
        for match in self.pattern.finditer(text):
            new = (
                self.replacement(match)
                if callable(self.replacement)
                else match.expand(self.replacement)
            )
            out.append(text[last:match.start()])
            if new != match.group(0):
                recorder.record(self.id, text, match.start(), match.end(), new)
            out.append(new)
            last = match.end()
        out.append(text[last:])
        return "".join(out)


@dataclass(frozen=True)
class FunctionRule:
    """A rule that needs more than one regular expression (e.g. the quote pass keeps state).

    `function(text, recorder)` returns the new text and records its own changes; it may record
    them under several ids, listed in `ids` so that the rule catalogue is complete.
    """

    id: str
    reason: str
    function: Callable[[str, Recorder], str]
    ids: tuple[str, ...] = ()
    languages: tuple[str, ...] | None = None
    needs: tuple[str, ...] = ()
    """Strings a line must hold one of for the function to change it (empty: no such test)."""

    def applies_to(self, lang: str) -> bool:
        return self.languages is None or lang.split("-")[0].lower() in self.languages

    def apply(self, text: str, recorder: Recorder) -> str:
        if not _holds_any(text, self.needs):
            return text
        return self.function(text, recorder)


def _holds_any(text: str, needs: tuple[str, ...]) -> bool:
    if not needs:
        return True
    for need in needs:
        if need in text:
            return True
    return False

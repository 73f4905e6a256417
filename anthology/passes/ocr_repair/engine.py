"""Applying the rules' edits to one paragraph while keeping Markdown and settled text intact.

A rule never rewrites a paragraph itself: it proposes `Edit`s (replace characters `start:end`
by `new`) and the paragraph applies those that do not overlap a *guarded* span. Guarded spans
are the Markdown syntax (note calls, heading markers, link targets) and the text an earlier
step has settled for good (an editor's correction, the illegible mark), so no later rule can
undo or garble them. Each applied edit is logged for the cleaning report.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .tokens import markup_spans


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    new: str
    guard: bool = False
    """Guard the replacement from later rules (editorial text, the illegible mark)."""
    rule: str = ""
    """The rule making this edit, when one step applies several (else the step's rule)."""


Logger = Callable[[str, str, str], None]


@dataclass
class Paragraph:
    """One line of the body (a paragraph, a heading or a note definition) under repair."""

    text: str
    guarded: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def of(cls, line: str) -> "Paragraph":
        return cls(line, markup_spans(line))

    def is_guarded(self, start: int, end: int) -> bool:
        for g_start, g_end in self.guarded:
            if start == end:
                if g_start < start < g_end:
                    return True
            elif start < g_end and g_start < end:
                return True
        return False

    def free(self, start: int, end: int) -> bool:
        return not self.is_guarded(start, end)

    def apply(self, rule: str, edits: list[Edit], log: Logger) -> int:
        """Apply the edits that touch no guarded span and no earlier edit; return how many."""
        chosen: list[Edit] = []
        for edit in sorted(edits, key=lambda e: (e.start, e.end)):
            if self.text[edit.start : edit.end] == edit.new or self.is_guarded(edit.start, edit.end):
                continue
            if chosen and edit.start < chosen[-1].end:
                continue
            chosen.append(edit)
        for edit in reversed(chosen):
            before = self.text[edit.start : edit.end]
            self.text = self.text[: edit.start] + edit.new + self.text[edit.end :]
            shift = len(edit.new) - (edit.end - edit.start)
            self.guarded = [
                (s + shift, e + shift) if s >= edit.end else (s, e) for s, e in self.guarded
            ]
            if edit.guard:
                self.guarded.append((edit.start, edit.start + len(edit.new)))
            log(edit.rule or rule, before, edit.new)
        return len(chosen)

"""The print index's lines: page numbers, note locators, and long lists broken into sub-entries.

A reader of the printed book follows a page number, so each heading's marks become the pages they
are printed on (runs of consecutive pages merged: 45–47). A mark in a footnote is printed at the
foot of the note's page, which need not be its call's page: its locator is that page with `n` and
the note's number, `139n11` (consecutive notes on one page: `172nn36–37`), unless a page number
already sends the reader to that page.

A string of more than `MAX_LOCATORS` bare numbers tells a reader nothing, so a heading's (or a
sub-entry's) locators beyond that many are broken up: by the texts they are in ("in Trotsky", the
manifest's `short_title`, in the book's order) and, where one text still has too many, by its
chapters, and then a chapter's by its sections ("in Trotsky, ch. 5", "in Trotsky, ch. 5 §2"). The editor's own sub-entries in index.yml (`sub`: the
aspects of a heading) come first, sorted; the texts' groups follow in the order of the book.

What the index cannot print well is a warning (`CHECK_PREFIX`), which `build.py --check` turns
into a failure: a heading with nothing to print (no page, no *see*), which is left out, and a line
still holding more than `MAX_LOCATORS` locators.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .index import IndexData, Mark, entries, letter_groups, sort_key
from .notes import note_ids

MAX_LOCATORS = 12
"""Locators one line may hold before it is broken into sub-entries."""
CHECK_PREFIX = "print index: "
"""How the print index's warnings begin; `build.py --check` fails on them."""


@dataclass(frozen=True)
class PageLocator:
    """A run of pages (`first`–`last`), or notes printed on page `first` (`139n11`, or consecutive
    notes `172nn36–37`), linking to `target`."""

    first: int
    last: int
    target: str
    notes: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        if len(self.notes) > 1:
            return f"{self.first}nn{self.notes[0]}–{self.notes[-1]}"
        if self.notes:
            return f"{self.first}n{self.notes[0]}"
        return f"{self.first}–{self.last}" if self.last > self.first else str(self.first)


def consecutive(numbers) -> list[list[int]]:
    """`[45, 46, 47, 52]` → `[[45, 46, 47], [52]]`: the numbers, sorted, in runs of consecutive ones."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def page_runs(pages: dict[int, str]) -> list[PageLocator]:
    """`{45: a, 46: b, 47: c, 52: d}` (page → the first mark on it) → runs of consecutive pages,
    each linking to the first mark of its first page."""
    return [PageLocator(run[0], run[-1], pages[run[0]]) for run in consecutive(pages)]


def page_locators(marks: list[Mark], anchor_pages: dict[str, int]) -> list[PageLocator]:
    """The locators of `marks` in page order: the pages of the marks in the running text (from
    each mark's anchor), merged into runs, and for the notes holding a mark the page where each
    is printed (the note's own anchor) and its number, consecutive notes on one page merged
    (`172nn36–37`); a note on a page a run already gives is not given again."""
    body: dict[int, str] = {}
    notes: dict[int, dict[int, str]] = {}
    for mark in marks:
        note = mark.locator.note if mark.locator else None
        if note is None:
            if mark.id in anchor_pages:
                body.setdefault(anchor_pages[mark.id], mark.id)
            continue
        note_id = note_ids(mark.locator.text_id, note)[1]
        if note_id in anchor_pages:
            notes.setdefault(anchor_pages[note_id], {}).setdefault(note, note_id)
    runs = page_runs(body)
    found = list(runs)
    for page, on_page in notes.items():
        if any(run.first <= page <= run.last for run in runs):
            continue
        found += [PageLocator(page, page, on_page[run[0]], tuple(run)) for run in consecutive(on_page)]
    return sorted(found, key=lambda loc: (loc.first, bool(loc.notes), loc.notes))


@dataclass
class Line:
    """One printed line of an entry (with its turnovers): the heading (level 0), a sub-entry
    (level 1) or a sub-entry's own sub-entry (level 2). A sub-entry is the editor's (`heading`)
    or a text's group of locators (`text`, and `section` when a text's were broken up further)."""

    level: int
    locators: list[PageLocator]
    heading: str | None = None
    text: str | None = None
    section: str | None = None

    @property
    def label(self) -> str:
        """The line's words as the template prints them (for warnings and tests)."""
        if self.heading is not None:
            return self.heading
        return f"in {self.text}" + (f", {self.section}" if self.section else "")

    def as_dict(self) -> dict:
        return {"level": self.level, "heading": self.heading, "text": self.text, "section": self.section,
                "pages": [{"label": loc.label, "target": loc.target} for loc in self.locators]}


def _in_order(marks: list[Mark], key) -> list[tuple[object, list[Mark]]]:
    """`marks` grouped by `key(mark)`, the groups in the order of their first mark."""
    groups: dict[object, list[Mark]] = {}
    for mark in marks:
        groups.setdefault(key(mark), []).append(mark)
    return list(groups.items())


def broken_up(marks: list[Mark], anchor_pages: dict[str, int], level: int,
              limit: int = MAX_LOCATORS) -> tuple[list[PageLocator], list[Line]]:
    """`marks` as one line's locators if they are at most `limit`; otherwise none, and lines at
    `level` for each text's marks; where a text has more than `limit`, for each chapter's, and
    where a chapter has more, for each of its sections'.
    Marks are in reading order, so the lines are in the book's order."""
    found = page_locators(marks, anchor_pages)
    if len(found) <= limit:
        return found, []
    lines: list[Line] = []
    for title, in_text in _in_order(marks, lambda m: m.locator.text_title):
        text_found = page_locators(in_text, anchor_pages)
        if len(text_found) <= limit:
            lines.append(Line(level, text_found, text=title))
            continue
        for chapter, in_chapter in _in_order(in_text, lambda m: m.locator.chapter):
            chapter_found = page_locators(in_chapter, anchor_pages)
            if len(chapter_found) <= limit:
                lines.append(Line(level, chapter_found, text=title, section=chapter))
                continue
            for section, in_section in _in_order(in_chapter, lambda m: m.locator.section):
                lines.append(Line(level, page_locators(in_section, anchor_pages), text=title, section=section))
    return [], [line for line in lines if line.locators]


@dataclass
class PrintEntry:
    """One heading of the print index: its first line and the lines under it."""

    id: str
    heading: str
    locators: list[PageLocator]
    subs: list[Line] = field(default_factory=list)
    see: str | None = None
    see_also: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [Line(0, self.locators, heading=self.heading), *self.subs]

    def as_dict(self) -> dict:
        return {"id": self.id, "heading": self.heading,
                "pages": [{"label": loc.label, "target": loc.target} for loc in self.locators],
                "subs": [line.as_dict() for line in self.subs], "see": self.see, "see_also": self.see_also}


def print_entry(entry, anchor_pages: dict[str, int]) -> PrintEntry:
    """An index `Entry` as printed: its own locators (or its texts' groups of them), then its
    sub-entries sorted, each followed by its texts' groups where it has too many locators."""
    own, own_groups = broken_up(entry.locators, anchor_pages, level=1)
    aspects: list[Line] = []
    for sub, marks in sorted(entry.subs, key=lambda item: sort_key(item[0])):
        found, groups = broken_up(marks, anchor_pages, level=2)
        if found or groups:
            aspects += [Line(1, found, heading=sub), *groups]
    return PrintEntry(entry.heading.id, entry.heading.heading, own, aspects + own_groups,
                      entry.see.heading if entry.see else None, [h.heading for h in entry.see_also])


def print_index(index_data: IndexData, anchor_pages: dict[str, int]) -> tuple[list[tuple[str, list[PrintEntry]]], list[str]]:
    """The print index in letter groups, and its warnings: each heading with nothing to print
    (left out, with the cross-references to it) and each line with too many locators."""
    printed = [(entry, print_entry(entry, anchor_pages))
               for entry in entries(index_data.headings, index_data.marks)]
    empty = {p.id for entry, p in printed if not p.locators and not p.subs and not p.see}
    empty |= {p.id for entry, p in printed if entry.see and entry.see.id in empty}
    warnings = [f"{CHECK_PREFIX}{p.heading!r} (id {p.id}) has no page to print: left out (its marks are on no "
                "page of the PDF)" for _, p in printed if p.id in empty]
    kept: list = []
    for entry, p in printed:
        if p.id in empty:
            continue
        p.see_also = [h.heading for h in entry.see_also if h.id not in empty]
        kept.append(entry)
        for line in p.lines:
            if len(line.locators) > MAX_LOCATORS:
                where = "" if line.level == 0 else f", sub-entry {line.label!r}"
                warnings.append(f"{CHECK_PREFIX}{p.heading!r} (id {p.id}){where} has {len(line.locators)} page "
                                f"references in one line (more than {MAX_LOCATORS}); give it sub-entries in index.yml")
    by_id = {p.id: p for _, p in printed}
    groups = [(letter, [by_id[entry.heading.id] for entry in group]) for letter, group in letter_groups(kept)]
    return groups, warnings


def checked_warnings(warnings: list[str]) -> list[str]:
    """The warnings of the print index among a build's: `build.py --check` fails on them."""
    return [w for w in warnings if w.startswith(CHECK_PREFIX)]

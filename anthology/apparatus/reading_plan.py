"""The reading plan: the manifest's `meetings:` checked against the texts and measured, for the
preface's table, the "Reading plan" page, and the anchors where each reading ends.

A text is a run of *segments*: its opening (whatever comes before its first heading) and then one
segment per heading, up to the next heading of any level. A heading's id names its whole section,
its own segment and its subsections'; a text's id names the whole text. The plan is checked
segment by segment: every segment with words in it must be read in exactly one meeting, so that
no chapter is forgotten and none is read twice.

Everything is counted on the book's AST after `anchors` has given it heading ids and paragraph
numbers, so the ids, the paragraph numbers (¶) and the words are those of the built book. Words
are counted as the preface counts a text (`anthology.words`, notes included): a meeting that
reads a whole text has exactly the words the preface gives that text.

Pages are not known until the PDF is laid out. The plan carries the ids of each reading's first
and last anchor (`data-first`, `data-last`); the print style sheet prints their pages with
`target-counter()` in the same layout. The last anchor is an empty span put at the end of the
reading's last paragraph (`mark_reading_ends`), so a reading whose last paragraph runs over a
page ends on the page where that paragraph ends.
"""
from __future__ import annotations

import difflib
import re
import statistics
from dataclasses import dataclass, field

from .. import doctree
from ..errors import ManifestError
from ..prose import count_words, reading_minutes

LONG_MEETING_FACTOR = 1.5
"""A meeting with more words than this times the median meeting is flagged in the warnings."""
END_CLASS = "reading-end"
SKIPPED_DIVS = {"opener", "discussion"}
"""Not the text's own words: the opener's lines (title, author, date) and the questions."""


@dataclass
class Segment:
    ident: str
    level: int
    """1 for the text's opening, else its heading's level."""
    heading: str
    words: int
    paragraphs: list[int]


@dataclass
class Part:
    """One reading of a meeting, resolved: a run of segments of one text."""

    text_id: str
    title: str
    label: str
    start: str
    """The id where it begins: the text's id, or its first heading's."""
    end: str
    """The id of the empty anchor at the end of its last paragraph."""
    first_paragraph: int | None
    last_paragraph: int | None
    words: int
    first_segment: int
    stop_segment: int

    @property
    def paragraphs(self) -> str:
        """`¶ 1–62`, as a reader cites them."""
        if self.first_paragraph is None:
            return ""
        if self.first_paragraph == self.last_paragraph:
            return f"¶ {self.first_paragraph}"
        return f"¶ {self.first_paragraph}–{self.last_paragraph}"


@dataclass
class PlannedMeeting:
    number: int
    title: str
    parts: list[Part]
    line: int = 0
    page_ranges: list[tuple[str, str]] = field(default_factory=list)
    """(first id, last id) per stretch of the book read: one when the parts follow each other."""

    @property
    def words(self) -> int:
        return sum(part.words for part in self.parts)

    @property
    def minutes(self) -> int:
        return reading_minutes(self.words)


# --- the texts' segments ----------------------------------------------------------------------

def _paragraph_number(block: dict) -> int | None:
    inlines = doctree.inlines_of(block)
    if inlines and inlines[0]["t"] == "Span" and doctree.has_class(inlines[0], "para-anchor"):
        ident = doctree.node_id(inlines[0])
        return int(ident.rsplit("-p", 1)[1])
    return None


def block_words(block: dict) -> int:
    """The words of a block as a reader reads them, notes included; blocks inside blocks are
    counted one by one, so no two paragraphs' words run together."""
    kind = block["t"]
    if kind == "Div":
        if SKIPPED_DIVS & set(doctree.classes(block)):
            return 0
        return sum(block_words(b) for b in doctree.blocks_of(block))
    if kind in ("BlockQuote", "BulletList", "OrderedList"):
        return sum(block_words(b) for blocks in doctree.child_blocks(block) for b in blocks)
    notes = doctree.find_notes(block)
    return count_words(doctree.stringify(block)) + sum(block_words(b) for note in notes for b in doctree.note_blocks(note))


def segments(blocks: list, text_id: str) -> list[Segment]:
    """A text's segments, from its blocks (as `ast.texts` gives them: its level-1 heading first)."""
    found = [Segment(text_id, 1, "", 0, [])]
    for block in blocks:
        if block["t"] == "Header":
            level = doctree.header_level(block)
            if level == 1:
                continue
            found.append(Segment(doctree.header_id(block), level, doctree.stringify(doctree.header_inlines(block)), 0, []))
        current = found[-1]
        current.words += block_words(block)

        def visit(inner):
            if inner["t"] == "Para" and (number := _paragraph_number(inner)) is not None:
                current.paragraphs.append(number)

        doctree.walk_blocks([block], visit)
    return found


def section_end(segs: list[Segment], k: int) -> int:
    """The index after the last segment of segment k's section (its subsections included)."""
    level, end = segs[k].level, k + 1
    while end < len(segs) and segs[end].level > level:
        end += 1
    return end if k else len(segs)


# --- how a reading is named -------------------------------------------------------------------

ENUMERATED = re.compile(r"^((?:\d+\.)*\d+|[IVXLC]+)\.?\s")


def heading_label(segs: list[Segment], k: int) -> str:
    """A short name for a heading: "Chapter 2" for "Chapter 2: Economic Growth…", "§1" for
    "1. Money and Plan" (with its chapter's name before it: "Chapter 4, §1"), else the heading."""
    seg = segs[k]
    if seg.level == 1:
        return ""
    head, colon, _ = seg.heading.partition(": ")
    if colon and len(head.split()) <= 3:
        return head
    numbered = ENUMERATED.match(seg.heading)
    if not numbered:
        return seg.heading
    parent = next((j for j in range(k - 1, 0, -1) if segs[j].level < seg.level), None)
    own = f"§{numbered.group(1)}"
    return f"{heading_label(segs, parent)}, {own}" if parent else own


def _span_label(first: str, last: str) -> str:
    """"§I" and "§V" → "§§I–V"; "Chapter 2, §1" and "Chapter 2, §3" → "Chapter 2, §§1–3"."""
    if first == last:
        return first
    head_a, _, tail_a = first.rpartition(", ")
    head_b, _, tail_b = last.rpartition(", ")
    if head_a == head_b and tail_a.startswith("§") and tail_b.startswith("§"):
        return (f"{head_a}, " if head_a else "") + f"§§{tail_a[1:]}–{tail_b[1:]}"
    return f"{first} to {last}"


def default_label(segs: list[Segment], first: int, stop: int, last_named: int | None, before: bool) -> str:
    """How the plan names a reading of segments first…stop-1 when the manifest gives no label:
    nothing for a whole text (its title says it), else from its first and last headings."""
    if first == 0 and stop == len(segs):
        return ""
    if segs[first].level == 1 and first + 1 < stop:
        first += 1  # a reading from the text's start is named by its first heading
    start = heading_label(segs, first)
    if before:
        until = heading_label(segs, stop)
        if not start:  # from the text's start, no heading before `stop` (its title says where)
            return f"up to {until}"
        prefix = f"{start}, "
        return f"{start}, up to {until.removeprefix(prefix)}"
    if last_named is None:
        return start
    return _span_label(start, heading_label(segs, last_named))


# --- resolving the manifest's meetings ----------------------------------------------------------

def resolve(book, tree: dict, measured: dict[str, list[Segment]] | None = None) -> list[PlannedMeeting]:
    """The book's meetings resolved against `tree` (the book's AST after `anchors` has run);
    `measured` gives texts' segments already counted (`SEGMENTS_FACT`), by text id.
    Raises ManifestError, naming the manifest's lines, for an id that no text or heading has, a
    range that runs backwards or across texts, and any part of a text read twice or never."""
    from .locators import running_head

    name = book.manifest_path.name
    entries = {entry.id: entry for entry in book.texts}
    measured = measured or {}
    texts = {text_id: measured[text_id] if text_id in measured else segments(blocks, text_id)
             for text_id, blocks in doctree.texts(tree)}
    where = {seg.ident: (text_id, k) for text_id, segs in texts.items() for k, seg in enumerate(segs)}
    read_in: dict[tuple[str, int], int] = {}
    problems: list[str] = []
    plan = []
    for number, meeting in enumerate(book.meetings, start=1):
        parts = []
        for reading in meeting.readings:
            found = _segment_range(reading, texts, where, f"{name}:{reading.line}: meetings[{number - 1}]", problems)
            if found is None:
                continue
            text_id, first, stop, last_named = found
            segs = texts[text_id]
            twice = [k for k in range(first, stop) if (text_id, k) in read_in and segs[k].words]
            if twice:
                other = read_in[(text_id, twice[0])]
                problems.append(f"{name}:{reading.line}: meetings[{number - 1}]: {_describe(segs, twice[0], text_id)}"
                                + (f" and {len(twice) - 1} more section(s)" if len(twice) > 1 else "")
                                + f" already read in meeting {other} (“{book.meetings[other - 1].title}”)")
            for k in range(first, stop):
                read_in.setdefault((text_id, k), number)
            paragraphs = [n for seg in segs[first:stop] for n in seg.paragraphs]
            entry = entries[text_id]
            label = reading.label or default_label(segs, first, stop, last_named, bool(reading.before))
            parts.append(Part(
                text_id=text_id,
                title=running_head(entry, book.texts),  # two parts of one work named apart
                label=label,
                start=segs[first].ident,
                end=_reading_end(text_id, segs, first, stop),
                first_paragraph=paragraphs[0] if paragraphs else None,
                last_paragraph=paragraphs[-1] if paragraphs else None,
                words=sum(seg.words for seg in segs[first:stop]),
                first_segment=first, stop_segment=stop,
            ))
        plan.append(PlannedMeeting(number, meeting.title, parts, meeting.line))
    problems += _unread(texts, read_in, entries, f"{name}:{book.meetings_line or 1}: meetings")
    if problems:
        raise ManifestError(problems)
    for meeting in plan:
        meeting.page_ranges = _stretches(meeting.parts, texts, list(texts))
    return plan


def _segment_range(reading, texts: dict, where: dict, here: str,
                   problems: list[str]) -> tuple[str, int, int, int | None] | None:
    """(text id, first segment, segment after the last, the segment `to` names) of one reading;
    None, with the problem added, if its ids or its range are wrong."""
    ends_at = reading.to or reading.before
    found = []
    for ident in (reading.start, ends_at) if ends_at else (reading.start,):
        if ident not in where:
            near = difflib.get_close_matches(ident, list(where), n=1, cutoff=0.6)
            problems.append(f"{here.split(': ')[0]}: meetings: no text or heading has the id {ident!r}"
                            + (f"; did you mean {near[0]!r}?" if near else "")
                            + " (the ids are those of the EPUB's sections; see output/clean/book.md)")
        found.append(where.get(ident))
    if None in found:
        return None
    (text_id, first), end = found[0], (found[1] if ends_at else None)
    segs = texts[text_id]
    if end is None:
        return text_id, first, section_end(segs, first), None
    if end[0] != text_id:
        problems.append(f"{here}: a range stays within one text; {reading.start!r} and {ends_at!r} are in "
                        f"different texts")
        return None
    last_named, stop = (end[1], section_end(segs, end[1])) if reading.to else (None, end[1])
    if stop <= first or (last_named is not None and last_named < first):
        problems.append(f"{here}: the range ends before it begins ({reading.start!r} comes after {ends_at!r})")
        return None
    return text_id, first, stop, last_named


def _unread(texts: dict, read_in: dict, entries: dict, here: str) -> list[str]:
    """A problem for each text that no meeting reads, or reads only in part."""
    problems = []
    for text_id, segs in texts.items():
        missing = [k for k, seg in enumerate(segs) if seg.words and (text_id, k) not in read_in]
        if missing and not any(key[0] == text_id for key in read_in):
            problems.append(f"{here}: the text {text_id!r} (“{entries[text_id].title}”) is in no meeting; add it "
                            f"to one (`read: [{text_id}]`) or to a meeting of its own")
        elif missing:
            listed = "; ".join(_describe(segs, k, text_id) for k in missing[:4]) + ("; …" if len(missing) > 4 else "")
            problems.append(f"{here}: not read in any meeting: {listed}")
    return problems


def _describe(segs: list[Segment], k: int, text_id: str) -> str:
    return f"the opening of {text_id!r}" if k == 0 else f"{segs[k].ident!r} (“{segs[k].heading}”)"


def _stretches(parts: list[Part], texts: dict, order: list[str]) -> list[tuple[str, str]]:
    """(first id, last id) of each run of parts that follow one another in the book."""
    runs: list[list[Part]] = []
    for part in parts:
        if runs:
            before = runs[-1][-1]
            same_text = before.text_id == part.text_id and before.stop_segment == part.first_segment
            next_text = (before.stop_segment == len(texts[before.text_id]) and part.first_segment == 0
                         and order.index(part.text_id) == order.index(before.text_id) + 1)
            if same_text or next_text:
                runs[-1].append(part)
                continue
        runs.append([part])
    return [(run[0].start, run[-1].end) for run in runs]


def end_anchor(text_id: str, paragraph: int) -> str:
    from .anchors import paragraph_anchor

    return f"{paragraph_anchor(text_id, paragraph)}-end"


def long_meetings(plan: list[PlannedMeeting], factor: float = LONG_MEETING_FACTOR) -> list[str]:
    """Warnings for meetings whose reading is far longer than the rest (> factor × the median)."""
    if len(plan) < 2:
        return []
    median = statistics.median(meeting.words for meeting in plan)
    return [f"reading plan: meeting {m.number} (“{m.title}”) has {m.words:,} words, more than "
            f"{factor:g} times the median meeting ({median:,.0f}); consider splitting it"
            for m in plan if m.words > factor * median]


# --- the plan in the book's AST -----------------------------------------------------------------

def mark_text_reading_ends(book, tree: dict, warnings: list[str] | None = None, facts: dict | None = None) -> None:
    """`mark_reading_ends` for the readings that fall in `tree`'s texts (one text, marked on its
    own while the others are still being read). Readings of other texts, and wrong ones, are
    `resolve`'s to report, on the whole book."""
    if book.meetings:
        texts = {text_id: segments(blocks, text_id) for text_id, blocks in doctree.texts(tree)}
        _mark_ends(tree, reading_ends(book, tree, texts))
        if facts is not None:  # measured once, here in the worker, for `resolve` on the whole book
            facts.setdefault(SEGMENTS_FACT, {}).update(texts)


SEGMENTS_FACT = "reading-segments"
"""The facts' key of each text's segments (text id → its segments), as the text steps measured
them: the later steps wrap words in marks and links but add or remove none, so `resolve` need
not count the book's words again (half a second; tests/test_apparatus.py holds the two equal)."""


def reading_ends(book, tree: dict, texts: dict[str, list[Segment]] | None = None) -> set[str]:
    """The end anchors of the readings found in `tree`, as `resolve` would give them."""
    if texts is None:
        texts = {text_id: segments(blocks, text_id) for text_id, blocks in doctree.texts(tree)}
    where = {seg.ident: (text_id, k) for text_id, segs in texts.items() for k, seg in enumerate(segs)}
    ends = set()
    for meeting in book.meetings:
        for reading in meeting.readings:
            found = _segment_range(reading, texts, where, "", []) if reading.start in where else None
            if found is not None:
                text_id, first, stop, _ = found
                ends.add(_reading_end(text_id, texts[text_id], first, stop))
    return ends


def _reading_end(text_id: str, segs: list[Segment], first: int, stop: int) -> str:
    """Where a reading of segments `first` to `stop` ends: its last paragraph's end anchor (or,
    with no paragraph, its first segment)."""
    paragraphs = [n for seg in segs[first:stop] for n in seg.paragraphs]
    return end_anchor(text_id, paragraphs[-1]) if paragraphs else segs[first].ident


def check_reading_plan(book, tree: dict, warnings: list[str], facts: dict, cache=None) -> None:
    """The book step: the plan checked on the whole book (a wrong id, a chapter read twice or
    never is an error naming the manifest's line) and its long meetings flagged. The plan the
    preface measured, if any, is in `facts["reading-plan"]`."""
    if book.meetings:
        plan = facts.get("reading-plan") or resolve(book, tree)
        warnings.extend(long_meetings(plan))


def _mark_ends(tree: dict, ends: set[str]) -> None:
    def visit(block):
        if block["t"] == "Para" and (number := _paragraph_number(block)) is not None:
            inlines = doctree.inlines_of(block)
            anchor = doctree.node_id(inlines[0])
            if f"{anchor}-end" in ends:
                inlines.append(doctree.span(f"{anchor}-end", [END_CLASS], []))

    for _, blocks in doctree.texts(tree):
        doctree.walk_blocks(blocks, visit)


def plan_for_preface(book, texts, texts_ast: dict | None = None,
                     measured: dict[str, list[Segment]] | None = None) -> list[PlannedMeeting] | None:
    """The plan measured before the book's AST is finished (the preface is written first): on the
    texts as the build made them (`texts_ast`, anchors in place, not changed here; `measured`:
    their segments as the text steps counted them), or else parsed and anchored here. None when
    the book has no meetings, or `texts` are not the book's texts (a plan is for the whole book)."""
    if not book.meetings or [item.entry.id for item in texts] != [entry.id for entry in book.texts]:
        return None
    if texts_ast is not None:
        return resolve(book, texts_ast, measured)
    from ..assemble import book_markdown
    from .anchors import number_paragraphs, prefix_heading_ids

    tree = doctree.from_markdown(book_markdown(book, texts))
    prefix_heading_ids(book, tree, [])
    number_paragraphs(book, tree)
    return resolve(book, tree)


def page_range(first: int, last: int) -> str:
    """A reading's pages as both editions print them: "45–47", or "45" for one page."""
    return f"{first}–{last}" if last != first else str(first)


def fill_print_pages(roots, folios: dict[str, int]) -> int:
    """Write the print pages into the plan's page spans of the EPUB, as the print style sheet
    prints them, for reading systems, which have no print layout to count them in. `roots` are
    the EPUB's parsed XHTML documents, `folios` the PDF's `render.pdf.anchor_pages` from the same
    build. Returns how many spans were filled; a span whose anchor has no page is left empty."""
    filled = 0
    for root in roots:
        for node in root.iter():
            classes = (node.get("class") or "").split()
            if "plan-pages" not in classes:
                continue
            first = folios.get((node.get("data-first") or "").lstrip("#"))
            last = folios.get((node.get("data-last") or "").lstrip("#"), first)
            if first is None:
                continue
            pages = page_range(first, last)
            node.text = f", page{'s' if last != first else ''} {pages}" if "labelled" in classes else pages
            filled += 1
    return filled

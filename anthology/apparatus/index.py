"""The back-of-book index: `index.yml`, a mark at every occurrence, and the index page in each output.

Marking (`mark_index`, shared by both outputs): every occurrence of a heading's variants in the
texts' running text and notes (never in headings or openers) becomes
`<span id="ix-ID-TEXT-N" class="index-mark">`, numbered per heading and text in reading order (so
each text is marked by itself, and an edit to one text changes no other text's marks); an
occurrence of a sub-entry's variants carries `data-sub="K"` as well. The longest form wins where forms overlap, so
"first five-year plan" is indexed once, under the most specific heading.

The index pages themselves (the EPUB's section and the print index) are in `index_pages`.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .. import doctree
from ..doctree import block_inline_lists, child_blocks, has_class, span
from ..errors import ManifestError
from . import data
from .inlines import TermMatcher, rewrite
from .locators import Locator, SectionTracker, short_title
from .notes import notes_in

KINDS = ("person", "organisation", "place", "concept", "event", "publication")
SUB_FIELDS = {"heading": data.Field("text", required=True), "variants": data.Field("texts", required=True)}
FIELDS = {
    "heading": data.Field("text", required=True),
    "id": data.Field("id", required=True),
    "kind": data.Field("text", required=True, choices=KINDS),
    "variants": data.Field("texts"),
    "sub": data.Field("entries", fields=SUB_FIELDS),
    "see": data.Field("id"),
    "see_also": data.Field("ids"),
}


@dataclass
class Heading:
    id: str
    heading: str
    kind: str
    variants: list[str] = field(default_factory=list)
    subs: list[tuple[str, list[str]]] = field(default_factory=list)
    see: str | None = None
    see_also: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"index-{self.id}"


@dataclass(frozen=True)
class Mark:
    """One marked occurrence: its span id, heading, sub-entry (or None) and where it stands."""

    id: str
    heading: str
    sub: int | None
    locator: Locator


def load_index(path) -> list[Heading]:
    entries, lines = data.load_entries(path, FIELDS)
    name = path.name
    problems = data.check_references(entries, lines, name, ("see", "see_also"))
    by_id = {e["id"]: e for e in entries}
    owners: dict[str, str] = {}
    for i, entry in enumerate(entries):
        where = f"{name}:{lines[i]}: entry {i + 1} (id {entry['id']!r})"
        if entry.get("see"):
            if entry.get("variants") or entry.get("sub"):
                problems.append(f"{where}: a `see` entry only points to another; move its variants and sub-entries there")
            target = by_id.get(entry["see"])
            if target and target.get("see"):
                problems.append(f"{where}: see: {entry['see']!r} is itself a `see` entry; point to its target instead")
        elif not entry.get("variants") and not entry.get("sub"):
            problems.append(f"{where}: variants: missing; give the forms to mark in the texts, or `see: ID`")
        forms = list(entry.get("variants") or [])
        for sub in entry.get("sub") or []:
            forms += list(sub.get("variants") or [])
        for form in forms:
            if form in owners and owners[form] != entry["id"]:
                problems.append(f"{where}: variants: {form!r} is also a variant of {owners[form]!r}; "
                                "each form may belong to one heading only")
            owners.setdefault(form, entry["id"])
    if problems:
        raise ManifestError(problems)
    return [Heading(e["id"], e["heading"], e["kind"], list(e.get("variants") or []),
                    [(s["heading"], list(s["variants"])) for s in e.get("sub") or []],
                    e.get("see"), list(e.get("see_also") or [])) for e in entries]


def index_for(book) -> list[Heading] | None:
    path = book.apparatus_file("index")
    return load_index(path) if path else None


def matcher(headings: list[Heading]) -> TermMatcher:
    forms: dict[str, tuple[str, int | None]] = {}
    for h in headings:
        for form in h.variants:
            forms.setdefault(form, (h.id, None))
        for k, (_, variants) in enumerate(h.subs):
            for form in variants:
                forms.setdefault(form, (h.id, k))
    return TermMatcher(forms)


def mark_id(heading_id: str, text_id: str, number: int) -> str:
    return f"ix-{heading_id}-{text_id}-{number}"


def mark_heading(mark: str, text_id: str) -> str:
    """The heading id in the id of a mark in the text `text_id`."""
    return mark[len("ix-"):].rsplit("-", 1)[0].removesuffix(f"-{text_id}")


def _enter(node: dict) -> bool:
    """Where a mark may go inside another element: not in links (but in glossary links), not in
    another mark."""
    if node["t"] == "Link":
        return has_class(node, "glossary-term")
    if node["t"] == "Span":
        return not has_class(node, "index-mark")
    return True


# "Moscow 1977" in a note is where a book was published, not a place the text talks about.
_PUBLISHED_AT = re.compile(r"^,?\s+(1[5-9]\d\d|20\d\d|nd)\b")


def mark_text(text_id: str, blocks: list, match: TermMatcher, places: frozenset[str] = frozenset()) -> Counter:
    """Mark every occurrence in one text's running text and notes (but not a place named as
    where a cited book was published); returns how many marks each heading got."""
    in_note = [False]
    counters: Counter = Counter()

    def wrap(found, nodes):
        heading, sub = found.key
        if in_note[0] and heading in places and _PUBLISHED_AT.match(found.after):
            return None
        counters[heading] += 1
        attributes = [["data-sub", str(sub)]] if sub is not None else []
        return span(mark_id(heading, text_id, counters[heading]), ["index-mark"], nodes, attributes)

    def on_note(note):
        in_note[0] = True
        visit(doctree.note_blocks(note))
        in_note[0] = False

    def visit(inner_blocks):
        for block in inner_blocks:
            if block["t"] == "Header" or doctree.is_editorial_div(block):
                continue
            lists = block_inline_lists(block)
            if lists is not None:
                for inlines in lists:
                    inlines[:] = rewrite(inlines, match, wrap, _enter, on_note)
            else:
                for child in child_blocks(block):
                    visit(child)

    visit(blocks)
    return counters


def mark_index(book, tree: dict, warnings: list[str], facts: dict | None = None) -> None:
    """The index step, text by text: mark every occurrence, counted in `facts["index"]`. Without
    `facts` (the whole book at once), also `check_index`."""
    headings = index_for(book)
    if not headings:
        return
    match = matcher(headings)
    counts = Counter()
    places = frozenset(h.id for h in headings if h.kind == "place")
    for text_id, blocks in doctree.texts(tree):
        counts += mark_text(text_id, blocks, match, places)
    if facts is None:
        check_index(book, tree, warnings, {"index": counts})
    else:
        facts["index"] = facts.get("index", Counter()) + counts


def check_index(book, tree: dict, warnings: list[str], facts: dict, cache=None) -> None:
    """The book step: warn about headings that mark nothing in any text, and about the
    cross-references the index pages leave out because they would lead to one of them."""
    headings = index_for(book)
    counts = facts.get("index") or Counter()
    for h in headings or ():
        if not h.see and not counts[h.id]:
            warnings.append(f"index: {h.heading!r} (id {h.id}) occurs in no text; check its variants")
    warnings.extend(dropped_cross_references(headings or [], {ident for ident, n in counts.items() if n}))


def shown_headings(headings: list[Heading], marked: set[str]) -> set[str]:
    """The ids of the headings the index pages show: each with marks in the book (`marked`), and
    each `see` entry whose target is one of those. The index file is the whole project's, and a
    book of some of its texts shows only some of its headings."""
    shown = {h.id for h in headings if not h.see and h.id in marked}
    return shown | {h.id for h in headings if h.see in shown}


def dropped_cross_references(headings: list[Heading], marked: set[str]) -> list[str]:
    """A warning for each cross-reference the index pages leave out: a `see` entry or a "see also"
    that would lead to a heading none of the book's texts has (a book of some of the texts)."""
    shown = shown_headings(headings, marked)
    by_id = {h.id: h for h in headings}
    dropped = [(h, by_id[h.see]) for h in headings if h.see and h.id not in shown]
    dropped += [(h, by_id[other]) for h in headings if h.id in shown for other in h.see_also if other not in shown]
    return [f"index: the cross-reference from {h.heading!r} (id {h.id}) to {target.heading!r} (id {target.id}) is "
            "left out: that heading is not in this book's index, as none of its texts has it" for h, target in dropped]


# ------------------------------------------------------------------ reading the marks back

def index_marks(book, tree: dict) -> list[Mark]:
    """Every index mark in the tree, in reading order, with the text, section, paragraph or note
    it stands in (what the EPUB locators say)."""
    marks: list[Mark] = []
    titles = {t.id: short_title(t) for t in book.texts}
    for text_id, blocks in doctree.texts(tree):
        tracker = SectionTracker(text_id, titles.get(text_id, text_id))
        note_numbers = {id(note): n for n, note in enumerate(notes_in(blocks), 1)}

        def inlines_walk(inlines, note):
            for node in inlines:
                kind = node["t"]
                if kind == "Span" and has_class(node, "para-anchor") and note is None:
                    tracker.paragraph(doctree.node_id(node))
                if kind == "Span" and has_class(node, "index-mark"):
                    ident, _, attributes = doctree.attrs(node)
                    heading = mark_heading(ident, text_id)
                    sub = dict(attributes).get("data-sub")
                    marks.append(Mark(ident, heading, int(sub) if sub is not None else None, tracker.locator(note)))
                if kind == "Note":
                    blocks_walk(doctree.note_blocks(node), note_numbers.get(id(node)))
                    continue
                inner = doctree.running_inlines(node)
                if inner is not None:
                    inlines_walk(inner, note)

        def blocks_walk(inner_blocks, note):
            for block in inner_blocks:
                if block["t"] == "Header":
                    level = doctree.header_level(block)
                    if level > 1:  # the level-1 heading is the text's title
                        tracker.heading(level, doctree.stringify(doctree.header_inlines(block)))
                    continue
                if doctree.is_editorial_div(block):
                    continue
                lists = block_inline_lists(block)
                if lists is not None:
                    for inlines in lists:
                        inlines_walk(inlines, note)
                else:
                    for child in child_blocks(block):
                        blocks_walk(child, note)

        blocks_walk(blocks, None)
    return marks


# ------------------------------------------------------------------ the entries, sorted

def sort_key(heading: str) -> tuple:
    plain = re.sub(r"[^\w ,]", "", heading.casefold())
    return (re.sub(r"^(the|a|an) ", "", plain), heading)


def letter_of(heading: str) -> str:
    first = sort_key(heading)[0][:1].upper()
    return first if first.isalpha() else "#"


@dataclass
class Entry:
    """One heading as the index pages show it: its locators (marks, or page numbers in print),
    sub-entries and cross-references."""

    heading: Heading
    locators: list = field(default_factory=list)
    subs: list[tuple[str, list]] = field(default_factory=list)
    see: Heading | None = None
    see_also: list[Heading] = field(default_factory=list)


def entries(headings: list[Heading], marks: list[Mark]) -> list[Entry]:
    by_id = {h.id: h for h in headings}
    grouped: dict[tuple[str, int | None], list[Mark]] = defaultdict(list)
    for mark in marks:
        grouped[(mark.heading, mark.sub)].append(mark)
    shown = shown_headings(headings, {mark.heading for mark in marks})
    out = []
    for h in (h for h in headings if h.id in shown):
        entry = Entry(h, grouped.get((h.id, None), []),
                      [(sub, grouped.get((h.id, k), [])) for k, (sub, _) in enumerate(h.subs)],
                      by_id.get(h.see) if h.see else None,
                      [by_id[other] for other in h.see_also if other in shown])
        entry.subs = [(sub, found) for sub, found in entry.subs if found]
        out.append(entry)
    return sorted(out, key=lambda e: sort_key(e.heading.heading))


def letter_groups(items: list[Entry]) -> list[tuple[str, list[Entry]]]:
    groups: list[tuple[str, list[Entry]]] = []
    for entry in items:
        letter = letter_of(entry.heading.heading)
        if not groups or groups[-1][0] != letter:
            groups.append((letter, []))
        groups[-1][1].append(entry)
    return groups


# ------------------------------------------------------------------ for the index pages

@dataclass
class IndexData:
    """What the print index needs from the build: the headings and every mark's id."""

    headings: list[Heading]
    marks: list[Mark]


def collect_index(book, tree: dict) -> IndexData | None:
    """The index's headings and marks, read from the marked (shared) AST; None without index.yml."""
    headings = index_for(book)
    if not headings:
        return None
    return IndexData(headings, index_marks(book, tree))

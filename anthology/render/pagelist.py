"""Print page numbers in the EPUB: where each page of the PDF begins, read off the PDF's own layout,
and marked at the same place in the EPUB, so that "page 57" means the same place in both.

Both outputs are written from one AST, so they share its anchors: each body paragraph starts with
an empty `<span id="<text-id>-p<N>" class="para-anchor">`, each heading's section has an id
`<text-id>-<slug>` and each text's section has the text's id. A place in the book is therefore an
*anchor* (the nearest element with an anchor that owns the text) and an *offset*: how many of the
anchor's own characters come before it. Only characters that both outputs print are counted: not
whitespace (the two lay out spaces differently), not the hyphens WeasyPrint adds at line ends, not
generated content (note calls, list numbers, `::before`/`::after`), not the notes themselves (at
the page foot in print, at the chapter's end in the EPUB), and not the text of a nested anchor.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from .epub_package import EPUB_TYPE, element, local_name, parent_map, x

PARA_ANCHOR = "para-anchor"
INDEX_MARK = "index-mark"
UNCOUNTED = {"\u2010", "\u00ad"}
_SPACES = {chr(c) for c in range(0x3001) if chr(c).isspace()}
_NOT_COUNTED = re.compile("[" + re.escape("".join(sorted(UNCOUNTED | _SPACES))) + "]")
"""What `counted` skips, as one character class: every character `str.isspace` calls a space
(none lies above U+3000) and the UNCOUNTED ones. A loop over the characters cost a tenth of a
second per text."""
"""WeasyPrint's hyphenation character and the soft hyphen: never counted on either side."""
GENERATED = ("::before", "::after", "::marker", "::footnote-call", "::footnote-marker")
NOTE_TYPES = {"noteref", "footnote", "footnotes", "endnote", "endnotes", "rearnote", "rearnotes"}
WORD_JOINERS = "’'\u00ad"


@dataclass(frozen=True)
class PageStart:
    """Where one printed page begins. `page` is the PDF page number (1-based) and `label` the
    folio printed on it; `anchor_id` is None only for blank pages at the very end of the book."""

    page: int
    anchor_id: str | None
    offset: int
    snippet: str
    label: str = ""

    @property
    def blank(self) -> bool:
        return not self.snippet


def counted(text: str) -> int:
    return len(text) - len(_NOT_COUNTED.findall(text))


def own_anchor(node) -> str | None:
    """The anchor an element carries itself: a paragraph's leading para-anchor span, or its id. An
    index mark is not an anchor (print lays the text out without them: render/index_places.py),
    so its words count as its paragraph's on both sides."""
    if INDEX_MARK in (node.get("class") or "").split():
        return None
    if len(node) and local_name(node[0].tag) == "span" and PARA_ANCHOR in (node[0].get("class") or "").split():
        return node[0].get("id")
    return node.get("id")


def owner(node, parents: dict) -> str | None:
    while node is not None:
        anchor = own_anchor(node)
        if anchor:
            return anchor
        node = parents.get(node)
    return None


# --- the print side: WeasyPrint's layout ----------------------------------------------------------

@dataclass(frozen=True)
class PageMark:
    """What one laid-out page begins with: the anchor and offset of its first counted text (None
    and 0 on a page without text), its first lines, and whether that text is in one of the book's
    texts (the page list starts at the first such page)."""

    anchor_id: str | None
    offset: int
    snippet: str
    in_text: bool


def page_marks(document, anchor_starts: list[dict[str, int]] | None = None) -> list[PageMark]:
    """One PageMark per page of a laid-out `weasyprint.Document` (a part of the book). If given,
    `anchor_starts` gets, per page, every anchor with text on it → its characters before that page."""
    from weasyprint.formatting_structure import boxes

    pages = [page._page_box for page in document.pages]
    roots = [next((c for c in page.children if c.is_for_root_element), None) for page in pages]
    trees: dict[int, dict] = {}  # a part repaired page by page has pages from several HTML trees
    seen: dict[str, int] = {}  # characters of each anchor laid out so far
    marks: list[PageMark] = []
    for root in roots:
        first, in_text = None, False
        lines: list[str] = []
        starts: dict[str, int] = {}
        if root is not None and id(root.element) not in trees:
            trees[id(root.element)] = parent_map(root.element)
        parents = trees[id(root.element)] if root is not None else {}
        for box in (root.descendants() if root is not None else ()):
            if not isinstance(box, boxes.TextBox) or box.element is None or box.element_tag.endswith(GENERATED):
                continue
            if not counted(box.text):
                continue
            anchor = owner(box.element, parents)
            starts.setdefault(anchor, seen.get(anchor, 0))
            if first is None:
                in_text = _in_text(box.element, parents)
                first = (anchor, seen.get(anchor, 0))
            if len(lines) < 3:
                lines.append(box.text.strip())
            seen[anchor] = seen.get(anchor, 0) + counted(box.text)
        marks.append(PageMark(*(first or (None, 0)), " ".join(lines)[:60], in_text))
        if anchor_starts is not None:
            anchor_starts.append(starts)
    return marks


def page_starts(marks: list[PageMark | None]) -> list[PageStart]:
    """One PageStart for each page of the body, from the page where the first text begins to the
    end; `marks` are the book's pages in order (None for a blank page put between parts), and a
    page's folio is its position. Blank pages get the place of the next page's start, so that
    every printed page has its marker."""
    first_text = next((i for i, mark in enumerate(marks) if mark is not None and mark.in_text), len(marks))
    starts: list[PageStart] = []
    following: tuple[str | None, int] = (None, 0)
    for number in range(len(marks), first_text, -1):
        mark = marks[number - 1]
        if mark is not None and mark.snippet:
            following = (mark.anchor_id, mark.offset)
            anchor, offset, snippet = mark.anchor_id, mark.offset, mark.snippet
        else:
            (anchor, offset), snippet = following, ""
        starts.append(PageStart(number, anchor, offset, snippet, str(number)))
    return starts[::-1]


def _in_text(node, parents) -> bool:
    while node is not None:
        if local_name(node.tag) == "section" and "text" in (node.get("class") or "").split():
            return True
        node = parents.get(node)
    return False


# --- the EPUB side: marking the same places -------------------------------------------------------

def pagebreak(label: str, ident: str) -> ET.Element:
    return element(x("span"), {EPUB_TYPE: "pagebreak", "role": "doc-pagebreak", "id": ident,
                               "aria-label": label}, tail=None)


def _skipped(node) -> bool:
    """Children whose text is not their parent anchor's own: nested anchors and notes."""
    if set((node.get(EPUB_TYPE) or "").split()) & NOTE_TYPES:
        return True
    if "footnote-ref" in (node.get("class") or "").split():
        return True
    return bool(own_anchor(node))


def owned_slots(node):
    """The anchor element's own text, as (element, "text" | "tail") slots in reading order."""
    yield node, "text"
    for child in node:
        if not _skipped(child):
            yield from owned_slots(child)
        yield child, "tail"


def _anchor_elements(documents: dict[str, ET.Element]) -> dict[str, tuple[str, ET.Element]]:
    found = {}
    for name, root in documents.items():
        for node in root.iter():
            if PARA_ANCHOR in (node.get("class") or "").split():
                continue
            anchor = own_anchor(node)
            if anchor and anchor not in found:
                found[anchor] = (name, node)
    return found


def insert_page_breaks(documents: dict[str, ET.Element], starts: list[PageStart],
                       problems: list[str] | None = None) -> list[tuple[str, str, str]]:
    """Put a pagebreak span into the EPUB documents (parsed XHTML, keyed by zip path, in spine
    order) for every page start; return (label, zip path, id) for the page list, in page order.

    Where the two outputs disagree (an anchor missing from the EPUB, or shorter there), the marker
    goes as near as can be found: at the end of the anchor's text, or just after the previous
    marker; each such page is described in `problems`."""
    problems = problems if problems is not None else []
    anchors = _anchor_elements(documents)
    parents = {name: parent_map(root) for name, root in documents.items()}
    used: set[str] = set()
    placed: list[tuple[str, str, str]] = []
    previous: tuple[str, ET.Element] | None = None
    for start in starts:
        ident = f"page-{start.label}"
        while ident in used:
            ident += "-"
        used.add(ident)
        marker = pagebreak(start.label, ident)
        if start.anchor_id in anchors:
            name, node = anchors[start.anchor_id]
            holder = _place(node, start, marker, parents[name])
            if holder is None:
                problems.append(f"page {start.label}: {start.anchor_id!r} is shorter in the EPUB than in print; "
                                f"marked at its end (print page begins {start.snippet!r})")
                node.append(marker)
                holder = node
        elif start.anchor_id is None:  # a blank page after the last text: at the end of the book
            name = list(documents)[-1]
            holder = documents[name].find(x("body"))
            holder.append(marker)
        else:
            problems.append(f"page {start.label}: no {start.anchor_id!r} in the EPUB; marked after page "
                            f"{placed[-1][0] if placed else '(none)'}")
            name = previous[0] if previous else list(documents)[0]
            if previous:
                holder = parents[name][previous[1]]
                holder.insert(list(holder).index(previous[1]) + 1, marker)
            else:
                holder = documents[name].find(x("body"))
                holder.insert(0, marker)
        parents[name][marker] = holder
        previous = (name, marker)
        placed.append((start.label, name, ident))
    return placed


def _place(anchor: ET.Element, start: PageStart, marker: ET.Element, parents: dict) -> ET.Element | None:
    """Insert the marker before the character at the start's offset; return the marker's parent
    (None if the anchor's text is too short)."""
    remaining = start.offset
    for node, slot in owned_slots(anchor):
        text = (node.text if slot == "text" else node.tail) or ""
        for k, char in enumerate(text):
            if char.isspace() or char in UNCOUNTED:
                continue
            if remaining:
                remaining -= 1
                continue
            return _insert(node, slot, _word_start(text, k), marker, parents)
    return None


def _word_start(text: str, k: int) -> int:
    """A page that begins inside a hyphenated word is marked before the word, not inside it."""
    if not text[k].isalnum():
        return k
    while k > 0 and (text[k - 1].isalnum() or text[k - 1] in WORD_JOINERS):
        k -= 1
    return k


def _insert(node: ET.Element, slot: str, k: int, marker: ET.Element, parents: dict) -> ET.Element:
    if slot == "text":
        if k == 0 and re.fullmatch(r"h[1-6]", local_name(node.tag)) and node in parents:
            parent = parents[node]  # before a heading, not inside it
            marker.tail = "\n"
            parent.insert(list(parent).index(node), marker)
            return parent
        marker.tail, node.text = node.text[k:], node.text[:k] or None
        node.insert(0, marker)
        return node
    parent = parents[node]
    marker.tail, node.tail = node.tail[k:], node.tail[:k] or None
    parent.insert(list(parent).index(node) + 1, marker)
    return parent


def page_list_nav(placed: list[tuple[str, str, str]], nav_path: str) -> ET.Element:
    """`<nav epub:type="page-list">` for nav.xhtml, with links relative to it."""
    base = nav_path.rsplit("/", 1)[0] + "/"
    nav = element(x("nav"), {EPUB_TYPE: "page-list", "role": "doc-pagelist", "id": "page-list", "hidden": "hidden"})
    nav.text = "\n"
    nav.append(element(x("h2"), text="Pages"))
    listing = element(x("ol"))
    listing.text = "\n"
    for label, name, ident in placed:
        item = element(x("li"))
        item.append(element(x("a"), {"href": f"{name.removeprefix(base)}#{ident}"}, text=label, tail=None))
        listing.append(item)
    nav.append(listing)
    return nav

"""Print page numbers in the EPUB: a pagebreak marker at the place where each page of the PDF begins
(render/pages.py says how a place is found on both sides), and the page list that names them."""
from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from ..pages import NOTE_TYPES, PARA_ANCHOR, UNCOUNTED, WORD_JOINERS, PageStart, counted, own_anchor, parent_map
from .package import EPUB_TYPE, element, local_name, x


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


Holder = tuple[str, ET.Element]
"""Where a page of print-only matter is marked: a document's zip path and the element whose
start stands for it."""


def insert_page_breaks(documents: dict[str, ET.Element], starts: list[PageStart],
                       problems: list[str] | None = None, *, front: Holder | None = None,
                       stand_ins: dict[str, Holder] | None = None) -> list[tuple[str, str, str]]:
    """Put a pagebreak span into the EPUB documents (parsed XHTML, keyed by zip path, in spine
    order) for every page start; return (label, zip path, id) for the page list, in page order.

    Pages of print-only front matter (the half-title, the title page and colophon, the contents)
    have no text in the EPUB's flow: a page whose anchor is in `stand_ins` is marked at the start
    of the element given for it (the contents page at the EPUB's contents), and any other page
    before the first one the EPUB has is marked at the start of `front` (the title page).

    Where the two outputs disagree otherwise (an anchor missing from the EPUB, or shorter there),
    the marker goes as near as can be found: at the end of the anchor's text, or just after the
    previous marker; each such page is described in `problems`."""
    problems = problems if problems is not None else []
    stand_ins = dict(stand_ins or {})
    anchors = _anchor_elements(documents)
    found_any = False
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
        found_any = found_any or start.anchor_id in anchors
        stand_in = stand_ins.get(start.anchor_id) or (front if not found_any and start.anchor_id else None)
        if start.anchor_id not in anchors and stand_in is not None:
            name, holder = stand_in
            parents.setdefault(name, parent_map(holder))
            _insert_leading(holder, marker)
        elif start.anchor_id in anchors:
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


def _insert_leading(holder: ET.Element, marker: ET.Element) -> None:
    """Put `marker` at the start of `holder`, after the page markers already there (pages in order)."""
    leading = next((i for i, child in enumerate(holder) if child.get(EPUB_TYPE) != "pagebreak"), len(holder))
    if leading:
        marker.tail, holder[leading - 1].tail = holder[leading - 1].tail, None
    else:
        marker.tail, holder.text = holder.text, None
    holder.insert(leading, marker)


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

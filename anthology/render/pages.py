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

This module is the model both editions share and the print side that reads it off the layout;
render/epub/pagelist.py marks the same places in the EPUB.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from xml.etree import ElementTree as ET

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


@dataclass(frozen=True)
class PrintPages:
    """What the EPUB takes from the PDF's layout: where each printed page begins (its page list)
    and the folio each anchor is printed on (the reading plan's page numbers)."""

    starts: list[PageStart]
    folios: dict[str, int]


def counted(text: str) -> int:
    return len(text) - len(_NOT_COUNTED.findall(text))


def counted_indexes(text: str) -> list[int]:
    """Where in `text` the characters `counted` counts are."""
    return [i for i, char in enumerate(text) if not _NOT_COUNTED.match(char)]


def own_anchor(node) -> str | None:
    """The anchor an element carries itself: a paragraph's leading para-anchor span, or its id. An
    index mark is not an anchor (print lays the text out without them: render/pdf/index_places.py),
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


def local_name(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parent_map(root: ET.Element) -> dict[ET.Element, ET.Element]:
    return {child: parent for parent in root.iter() for child in parent}


# --- the print side: WeasyPrint's layout ----------------------------------------------------------

@dataclass(frozen=True)
class PageMark:
    """What one laid-out page begins with: the anchor and offset of its first counted text (None
    and 0 on a page without text) and its first lines."""

    anchor_id: str | None
    offset: int
    snippet: str
    first_whole: str | None = None
    """The first anchor whose text begins on this page (None if every anchor on it began before)."""

    def at_first_whole(self) -> "PageMark":
        """This page marked at the start of the first anchor that begins on it (or of the one it
        begins in): for a part whose text is not the same in the EPUB (the index, whose EPUB
        version lists links where print lists page numbers), so that offsets into it mean nothing
        there."""
        return replace(self, anchor_id=self.first_whole or self.anchor_id, offset=0)


def counted_text(document):
    """The text boxes of a laid-out `weasyprint.Document` (a part of the book) whose text is
    counted, in the order of the text: (page index, the line box it is on, the box, the anchor
    that owns its text, that anchor's characters laid out before it). Shared by the page marks
    below and by the links laid over words after layout (render/pdf/text_links.py)."""
    from weasyprint.formatting_structure import boxes

    def text_boxes(box, line):
        # As box.descendants() orders them (a placeholder's box is not entered), with their line.
        for child in box.children:
            if isinstance(child, boxes.TextBox):
                yield line, child
            elif isinstance(child, boxes.Box):
                yield from text_boxes(child, child if isinstance(child, boxes.LineBox) else line)

    trees: dict[int, dict] = {}  # a part repaired page by page has pages from several HTML trees
    seen: dict[str | None, int] = {}  # characters of each anchor laid out so far
    for index, page in enumerate(document.pages):
        root = next((c for c in page._page_box.children if c.is_for_root_element), None)
        if root is None:
            continue
        if id(root.element) not in trees:
            trees[id(root.element)] = parent_map(root.element)
        parents = trees[id(root.element)]
        for line, box in text_boxes(root, None):
            if box.element is None or box.element_tag.endswith(GENERATED):
                continue
            length = counted(box.text)
            if not length:
                continue
            anchor = owner(box.element, parents)
            start = seen.get(anchor, 0)
            seen[anchor] = start + length
            yield index, line, box, anchor, start


def page_marks(document, anchor_starts: list[dict[str, int]] | None = None) -> list[PageMark]:
    """One PageMark per page of a laid-out `weasyprint.Document` (a part of the book). If given,
    `anchor_starts` gets, per page, every anchor with text on it → its characters before that page."""
    firsts: list[tuple | None] = [None] * len(document.pages)
    wholes: list[str | None] = [None] * len(document.pages)
    lines: list[list[str]] = [[] for _ in document.pages]
    starts: list[dict[str, int]] = [{} for _ in document.pages]
    for index, _, box, anchor, start in counted_text(document):
        starts[index].setdefault(anchor, start)
        if wholes[index] is None and anchor and not start:
            wholes[index] = anchor
        if firsts[index] is None:
            firsts[index] = (anchor, start)
        if len(lines[index]) < 3:
            lines[index].append(box.text.strip())
    if anchor_starts is not None:
        anchor_starts.extend(starts)
    return [PageMark(*(first or (None, 0)), " ".join(text)[:60], whole)
            for first, text, whole in zip(firsts, lines, wholes)]


def page_starts(marks: list[PageMark | None]) -> list[PageStart]:
    """One PageStart for each page of the book, front matter and index included; `marks` are the
    book's pages in order (None for a blank page put between parts), and a page's folio is its
    position. Blank pages get the place of the next page's start, so that every printed page has
    its marker (blank pages after the last text: None, the end of the book)."""
    starts: list[PageStart] = []
    following: tuple[str | None, int] = (None, 0)
    for number in range(len(marks), 0, -1):
        mark = marks[number - 1]
        if mark is not None and mark.snippet:
            following = (mark.anchor_id, mark.offset)
            anchor, offset, snippet = mark.anchor_id, mark.offset, mark.snippet
        else:
            (anchor, offset), snippet = following, ""
        starts.append(PageStart(number, anchor, offset, snippet, str(number)))
    return starts[::-1]

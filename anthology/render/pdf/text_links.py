"""Links laid out as plain text, and made links after layout.

A line of the print index holds up to a dozen page numbers, each a link to its passage. As `<a>`
elements they cost two thirds of the index's layout and writing, and the index is the build's
longest chain once the texts are laid out: each link is an inline box that WeasyPrint breaks lines
around, draws as a text run of its own and tags (1.29 s for the book's index, against 0.54 s with
the same text as plain words; benchmarks/profile_parts.py).

So a link written `<a class="text-link" href="…">words</a>` is taken out of the part's HTML before
layout, its words kept (render/pdf/index_places.py, `unmark`, notes where they stand: the anchor
that owns them and how many of its characters come before them, as render/pages.py counts). After
layout, `link_text` finds the text boxes the words were laid out in, measures the words' left and
right edges in each box's own Pango line (the line as it will be drawn, justified or not), and puts
an empty link box over them on the line: WeasyPrint writes it as it writes any link, an annotation
over the words and a Link element in the tagged PDF, beside the words' own text.

The words must be plain text (no element inside the link): `unmark` leaves any other link alone.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..pages import counted, counted_indexes, counted_text

TEXT_LINK = "text-link"
"""The class of a link laid out as plain text."""


@dataclass(frozen=True)
class TextLink:
    href: str
    anchor: str | None
    """The anchor that owns the link's words (render/pages.py)."""
    offset: int
    """How many characters of the anchor's text come before the words (as `counted` counts)."""
    length: int
    """The words' counted characters."""


def link_text(document, links: list[TextLink]) -> int:
    """Lay each link of `links` over its words in the laid-out `document` (a weasyprint.Document,
    before it is written). Returns how many link boxes were laid: one per line a link's words are
    on."""
    if not links:
        return 0
    from weasyprint.formatting_structure import boxes

    waiting: dict[str | None, list[TextLink]] = {}
    for link in sorted(links, key=lambda link: link.offset):
        waiting.setdefault(link.anchor, []).append(link)
    laid = 0
    for index, line, text_box, anchor, start in counted_text(document):
        end = start + counted(text_box.text)
        spans = [(link, max(link.offset, start) - start, min(link.offset + link.length, end) - start)
                 for link in waiting.get(anchor, ()) if link.offset < end and link.offset + link.length > start]
        if spans:
            document.pages[index].links.extend(_laid_over(line, text_box, spans, boxes))
            laid += len(spans)
    return laid


def _laid_over(line, text_box, spans, boxes) -> list[tuple]:
    """Link boxes over the counted characters [first, end) of `text_box` for each (link, first,
    end) of `spans`, added to `line`; their entries for the page's list of links."""
    from weasyprint.text.ffi import FROM_UNITS, ffi

    text = text_box.text
    places = counted_indexes(text)
    index_to_pos = _index_to_pos()
    layout = text_box.pango_layout
    layout.reactivate(text_box.style)  # the line as draw_text will draw it
    rectangle = ffi.new("PangoRectangle *")
    entries = []
    try:
        for link, first, end in spans:
            index_to_pos(layout.layout, len(text[:places[first]].encode()), rectangle)
            left = rectangle.x * FROM_UNITS
            index_to_pos(layout.layout, len(text[:places[end - 1]].encode()), rectangle)
            right = (rectangle.x + rectangle.width) * FROM_UNITS
            x, y = text_box.position_x + left, text_box.position_y
            box = _link_box(text_box, x, y, right - left, boxes)
            line.children = (*line.children, box)
            link_type = "internal" if link.href.startswith("#") else "external"
            target = link.href[1:] if link_type == "internal" else link.href
            entries.append((link_type, target, (x, y, x + right - left, y + text_box.margin_height()), box))  # as an <a>'s
    finally:
        layout.deactivate()
    return entries


def _index_to_pos():
    """Pango's `pango_layout_index_to_pos`, which WeasyPrint's bindings do not declare."""
    from weasyprint.text.ffi import ffi, pango

    try:
        return pango.pango_layout_index_to_pos
    except AttributeError:
        ffi.cdef("void pango_layout_index_to_pos (PangoLayout *layout, int index_, PangoRectangle *pos);")
        return pango.pango_layout_index_to_pos


def _link_box(text_box, x: float, y: float, width: float, boxes):
    """An empty inline box for an `<a>` element (WeasyPrint tags it as a Link), with no margin,
    padding, border or background: drawing it draws nothing."""
    box = boxes.InlineBox("a", text_box.style, text_box.element, [])
    box.position_x, box.position_y, box.width, box.height = x, y, width, text_box.height
    box.background = None
    for side in ("top", "right", "bottom", "left"):
        setattr(box, f"margin_{side}", 0)
        setattr(box, f"padding_{side}", 0)
        setattr(box, f"border_{side}_width", 0)
    return box

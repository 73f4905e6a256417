"""The printed paragraph numbers in the outer margin: a change to the laid-out pages.

The numbers themselves are the paragraph anchors' `data-n` (apparatus/anchors.py), shown by the
print style sheet as `::before` content in the left margin.
"""
from __future__ import annotations


NUMBER_GAP_PX = 2 * 96 / 25.4
"""The space between a margin number and the text block: 2 mm, as in the print style sheet."""


def numbers_to_outer_margin(document) -> int:
    """Move the printed paragraph numbers of right-hand pages into the right (outer) margin.

    CSS cannot tell a box which side of the spread its page is on, so the print style sheet
    puts every number in the left margin, set flush right against the text; that is the outer
    margin of a left-hand page only. After layout each page knows its side, so on right-hand
    pages each number is moved, without laying anything out again, to stand flush left at the
    same distance from the text's right edge. `document` is a laid-out weasyprint Document;
    returns how many numbers were moved."""
    moved = 0
    for page in document.pages:
        box = page._page_box
        if box.page_type.side != "right":
            continue
        text_right = box.content_box_x() + box.width
        for number in _margin_numbers(box):
            texts = [b for b in number.descendants() if hasattr(b, "text")]
            if not texts:
                continue
            number.translate(text_right + NUMBER_GAP_PX - min(b.position_x for b in texts), 0)
            moved += 1
    return moved


def _margin_numbers(box):
    for child in getattr(box, "children", None) or ():
        tag = getattr(child, "element_tag", "") or ""
        if tag.endswith("::before") and child.style["position"] == "absolute" \
                and "para-anchor" in (child.element.get("class") or "").split():
            yield child
            continue
        yield from _margin_numbers(child)

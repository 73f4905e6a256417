"""The EPUB's paragraph numbers, written into the text.

Print shows each number in the margin as generated content (styles/print.css), which adds no text
to the page. In the EPUB the number is the anchor's own text, `<span class="para-anchor" id=…
data-n="12">12</span>`, followed by a no-break space: reading systems that drop the publisher's
style sheet (or do not support `attr()`), text-to-speech and search all have it, as a reader citing
"¶ 12" expects. The style sheet only makes it small (styles/epub.css).

It does not move the print page numbers: the page list counts a paragraph's characters after its
anchor, and the anchor's own text is not among them (render/pages.py, render/epub/pagelist.py).
"""
from __future__ import annotations

from xml.etree import ElementTree as ET

from ..pages import PARA_ANCHOR

AFTER_NUMBER = "\u00a0"
"""Between the number and the paragraph's first word: no line ends after a paragraph's number."""


def write_paragraph_numbers(root: ET.Element) -> int:
    """Put each numbered paragraph anchor's `data-n` into its text, in one parsed XHTML document;
    returns how many were written. An anchor already holding text is left as it is."""
    written = 0
    for node in root.iter():
        number = node.get("data-n")
        if not number or PARA_ANCHOR not in (node.get("class") or "").split() or node.text or len(node):
            continue
        node.text = number
        node.tail = AFTER_NUMBER + (node.tail or "").lstrip()
        written += 1
    return written

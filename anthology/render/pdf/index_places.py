"""Where the index's words are printed, found from their place in the text instead of by an element
around each one.

The book's AST marks every indexed word with `<span id="ix-…" class="index-mark">`; the EPUB keeps
these spans (its index links to them). In print they cost a quarter of a text's layout time (each is
an inline box WeasyPrint splits lines around), so a part is laid out without them: `unmark` takes
them out of the part's HTML and notes where each stood as a *place*, the anchor that owns the text
there and how many of its characters come before it, counted as render/pages.py counts the
print page starts (non-space characters, no generated text, nested anchors and notes apart). After
layout, `pages_of` finds each place's page: the last page on which its anchor's text had not yet
passed it, which is the page where the word begins, hyphenated over to the next or not.

Links laid out as plain text (render/pdf/text_links.py: the print index's page numbers) are taken
out of the part's HTML in the same walk, and their places noted the same way.

Finding the places takes a parse of the part's HTML. The marks are taken out of that parsed tree
too, and the tree goes to WeasyPrint with the HTML (`Unmarked`), which would otherwise parse it again
(a tenth of a second a text).
"""
from __future__ import annotations

import re

import tinyhtml5

from .. import weasy_html_parsing
from ..pages import INDEX_MARK as MARK_CLASS
from ..pages import counted, own_anchor
from .text_links import TEXT_LINK, TextLink

MARK = re.compile(r'<span id="(?:ix-[^"]+)" class="index-mark"[^>]*>(.*?)</span>', re.S)
LINK = re.compile(rf'<a class="{TEXT_LINK}" href="[^"]*">(.*?)</a>', re.S)


class Unmarked(str):
    """A part's HTML without its index marks, and `tree`, the tree its parse gives (tinyhtml5's, as
    WeasyPrint parses a string), for render/weasy.py to lay out instead of parsing the HTML again.
    A string made from it (a style sheet added) is a plain `str`, parsed as any other."""

    tree = None


def unmark(html: str) -> tuple[str, dict[str, tuple[str, int]], list[TextLink]]:
    """`html` without its index-mark spans and its text links (their words kept), each mark's
    place: mark id → (owning anchor, characters of that anchor before the mark), and each text
    link with its place and length. The HTML comes as an `Unmarked`, with its parsed tree, where
    every mark and link holds words only (no element)."""
    if f'class="{MARK_CLASS}"' not in html and f'class="{TEXT_LINK}"' not in html:
        return html, {}, []
    places: dict[str, tuple[str, int]] = {}
    links: list[TextLink] = []
    counts: dict[str, int] = {}
    taken: list[tuple] = []  # (parent, mark or link)
    weasy_html_parsing.install()  # the parser's patterns kept, as for WeasyPrint's own parse
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    body = root.find("body")

    def visit(node, owner: str | None) -> None:
        here = own_anchor(node) or owner
        counts[here] = counts.get(here, 0) + counted(node.text or "")
        for child in node:
            classes = (child.get("class") or "").split()
            if MARK_CLASS in classes:
                places[child.get("id")] = (here, counts.get(here, 0))
                taken.append((node, child))
            elif TEXT_LINK in classes and child.tag == "a":
                links.append(TextLink(child.get("href") or "", here, counts.get(here, 0),
                                      counted("".join(child.itertext()))))
                taken.append((node, child))
            visit(child, here)
            counts[here] = counts.get(here, 0) + counted(child.tail or "")

    if body is not None:
        visit(body, None)
    stripped = LINK.sub(r"\1", MARK.sub(r"\1", html))
    if f'class="{MARK_CLASS}"' in stripped or f'class="{TEXT_LINK}"' in stripped:
        return html, {}, []  # one inside another, or written otherwise: this part's left alone
    unmarked = Unmarked(stripped)
    if all(len(element) == 0 for _, element in taken):
        for parent, element in taken:
            _take_out(parent, element)
        unmarked.tree = root
    return unmarked, places, links


def _take_out(parent, mark) -> None:
    """`mark` (an element holding text only) taken out of `parent`, its text and tail kept where
    it stood: the tree that parsing the HTML without the mark gives."""
    words = (mark.text or "") + (mark.tail or "")
    at = list(parent).index(mark)
    if words and at == 0:
        parent.text = (parent.text or "") + words
    elif words:
        parent[at - 1].tail = (parent[at - 1].tail or "") + words
    parent.remove(mark)


def pages_of(places: dict[str, tuple[str, int]], anchor_starts: list[dict[str, int]]) -> dict[str, int]:
    """Each place's page index, from `anchor_starts` (per page: each anchor printed on it → its
    characters before that page). A place whose anchor is on no page is left out."""
    pages: dict[str, int] = {}
    for mark, (anchor, offset) in places.items():
        found = [p for p, starts in enumerate(anchor_starts) if anchor in starts and starts[anchor] <= offset]
        if found:
            pages[mark] = found[-1]
    return pages

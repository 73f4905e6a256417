"""The print HTML cut into parts that WeasyPrint lays out one by one, in parallel.

A part is the front matter (half-title to contents) or one level-1 section of the book (the
preface, the reading plan, each text, the glossary). Every part opens on a right-hand page, so
a part's layout does not depend on what comes before it: its pages are the same whichever folio
it starts on, and only the printed folio differs (render/pdf/folios.py prints it afterwards).

Two things cross the cuts and are rewritten here:

- **Links** to an element in another part (the contents to a text, a glossary mark to the
  glossary) would be dropped by WeasyPrint, which only resolves anchors within one document. They
  become `anthology-anchor:<id>` links, which the join (render/pdf/join.py) points at the anchor's
  page in the finished PDF.
- **Page numbers of other parts** (the contents' folios, the reading plan's page ranges) cannot be
  counted in a part's own layout. The HTML asks for them with `data-page-of="<id>"` (one folio)
  and `data-first`/`data-last` (a range); `with_page_numbers` writes the numbers in as
  `data-page`/`data-pages`, which the style sheet prints. Such a part is laid out once with
  placeholder numbers (to learn its length) and again with the real ones, when the others are done.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ...apparatus.reading_plan import page_range

CROSS_PART_SCHEME = "anthology-anchor:"
PLACEHOLDER_FOLIO = 888
"""Stands for every folio in a first layout of a part that prints page numbers: as wide as the
numbers of a book of up to 999 pages."""

SECTION_START = re.compile(r'<section id="([^"]+)" class="level1\b')
ID = re.compile(r'\sid="([^"]+)"')
LOCAL_HREF = re.compile(r'href="#([^"]+)"')
PAGE_OF = re.compile(r'\sdata-page-of="#?([^"]+)"')
RANGE = re.compile(r'\sdata-first="#?([^"]+)" data-last="#?([^"]+)"')
AST_ASKS = re.compile(r'\["data-(?:page-of|first)",')


@dataclass(frozen=True)
class Part:
    name: str
    """The section's id, or "front" for what comes before the first section."""
    html: str
    """A whole HTML document: the book's head and this part's body."""

    @property
    def prints_page_numbers(self) -> bool:
        return bool(PAGE_OF.search(self.html) or RANGE.search(self.html))


def asks_for_page_numbers(ast_json: str) -> bool:
    """Whether a section, as the JSON of its AST, asks for page numbers (a `data-page-of`
    attribute, or `data-first`): its HTML will print them."""
    return bool(AST_ASKS.search(ast_json))


def frame_ends(html: str) -> tuple[str, str]:
    """A document's head up to and including `<body>`, and its end from `</body>`."""
    body_open = html.index(">", html.index("<body")) + 1
    return html[:body_open], html[html.rindex("</body>"):]


def with_style(html: str, css: str) -> str:
    """`html` with a style sheet added at the end of its head (after the book's own)."""
    head_end = html.index("</head>")
    return f"{html[:head_end]}<style>\n{css}</style>\n{html[head_end:]}"


def part(name: str, head: str, body: str, tail: str) -> Part:
    """A part from its body, between the book's head and tail, its links to other parts rewritten."""
    return Part(name, head + _cross_part_links(body) + "\n" + tail)


def split(html: str) -> list[Part]:
    """The book's print HTML as parts, in reading order; an empty front is left out."""
    head, tail = frame_ends(html)
    body_open, body_close = len(head), len(html) - len(tail)
    starts = [(m.group(1), m.start()) for m in SECTION_START.finditer(html, body_open, body_close)]
    chunks = [("front", body_open, starts[0][1] if starts else body_close)]
    chunks += [(name, start, starts[i + 1][1] if i + 1 < len(starts) else body_close)
               for i, (name, start) in enumerate(starts)]
    return [part(name, head, html[start:end], tail) for name, start, end in chunks
            if name != "front" or html[start:end].strip()]


def _cross_part_links(body: str) -> str:
    local = set(ID.findall(body))
    return LOCAL_HREF.sub(lambda m: m.group(0) if m.group(1) in local
                          else f'href="{CROSS_PART_SCHEME}{m.group(1)}"', body)


def with_page_numbers(html: str, folios: dict[str, int] | None) -> str:
    """`html` with the folio of every `data-page-of` anchor and the page range of every
    `data-first`/`data-last` pair written in; `folios=None` writes placeholders. An anchor with
    no page (not in the book) gets an empty number."""
    def folio(anchor: str) -> str:
        if folios is None:
            return str(PLACEHOLDER_FOLIO)
        return str(folios[anchor]) if anchor in folios else ""

    def page_of(m: re.Match) -> str:
        return f'{m.group(0)} data-page="{folio(m.group(1))}"'

    def pages(m: re.Match) -> str:
        first, last = folio(m.group(1)), folio(m.group(2)) or folio(m.group(1))
        shown = page_range(int(first), int(last)) if first and last else first
        return f'{m.group(0)} data-pages="{shown}"'

    return RANGE.sub(pages, PAGE_OF.sub(page_of, html))

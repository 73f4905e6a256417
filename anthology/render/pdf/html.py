"""The print HTML: the print template (head and front matter) and Pandoc's HTML5 of each of the
book's sections, which render/pdf/edition.py lays out as separate parts.

Footnotes become inline `<span class="footnote">` at the call (`inline_footnotes`, held to a Lua
filter), because CSS `float: footnote` moves an element from where it stands to the page foot;
`--wrap=none` keeps newlines out of them (a newline inside a WeasyPrint footnote shows as a hard break).

Everything the template prints that is computed (the page geometry for the manifest's page size,
each text's running head, the list of authors) is computed here, so the template only arranges it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ...doctree import attrs, header, header_id, header_inlines, header_level, stringify, to_json
from ...manifest import Book, TextEntry
from ... import pandoc
from ...pandoc import FILTERS
from ...typography.output import for_output
from ...apparatus.locators import running_head
from ...credits import book_credits, long_date, sentence
from ...templating import environment
from . import running_heads
from .inline_footnotes import inline_footnotes, needs_filter



@dataclass(frozen=True)
class PageGeometry:
    """One page size's type area: mirrored margins (the inner one carries the binding allowance)
    and the body size that gives a line of about 60–70 characters on that measure."""

    size: str
    top: str
    bottom: str
    inner: str
    outer: str
    font_size: str


PAGE_GEOMETRY = {
    "A5": PageGeometry("A5", top="17mm", bottom="21mm", inner="20mm", outer="15mm", font_size="10.5pt"),
    "A4": PageGeometry("A4", top="24mm", bottom="30mm", inner="32mm", outer="30mm", font_size="12.5pt"),
    "letter": PageGeometry("letter", top="24mm", bottom="28mm", inner="32mm", outer="32mm", font_size="12.5pt"),
}
DEFAULT_PAGE_SIZE = "A5"


def page_geometry(book: Book) -> PageGeometry:
    return PAGE_GEOMETRY[book.meta.get("page_size") or DEFAULT_PAGE_SIZE]


def page_css(book: Book) -> str:
    """The page box for the manifest's page size: shared by the book and its back matter (the
    index is laid out as a separate document and must have the same pages)."""
    page = page_geometry(book)
    return (f"@page {{ size: {page.size}; margin: {page.top} {page.outer} {page.bottom} {page.inner}; }}\n"
            f"@page :left {{ margin-left: {page.outer}; margin-right: {page.inner}; }}\n"
            f"@page :right {{ margin-left: {page.inner}; margin-right: {page.outer}; }}\n"
            f"html {{ font-size: {page.font_size}; }}\n")


def authors(texts: list[TextEntry]) -> list[str]:
    """Each author once, in reading order."""
    seen: list[str] = []
    for entry in texts:
        if entry.author not in seen:
            seen.append(entry.author)
    return seen


def mark_part_headings(book: Book, book_ast: dict) -> dict:
    """A copy of the AST whose headings carry their running heads as data attributes, for the
    style sheet's `string-set` and `bookmark-label` (the scheme: render/pdf/running_heads.py):
    `data-author` the verso's, `data-running-head` the recto's. The blocks that change are copied;
    the shared AST (the EPUB's too) is left as it was."""
    by_id = {entry.id: entry for entry in book.texts}
    blocks = []
    chapter_heads = False
    for index, block in enumerate(book_ast["blocks"]):
        if header_level(block) == 1:
            (ident, classes, keyvals), inlines = attrs(block), header_inlines(block)
            entry = by_id.get(ident)
            chapter_heads = bool(entry) and running_heads.has_chapter_heads(_section_blocks(book_ast["blocks"], index))
            if chapter_heads:
                heads = [["data-running-head", running_head(entry, book.texts)],
                         ["data-author", running_head(entry, book.texts)]]
            elif entry:
                heads = [["data-running-head", running_head(entry, book.texts)], ["data-author", entry.author]]
            else:
                heads = [["data-running-head", stringify(inlines)], ["data-author", book.meta["title"]]]
            block = header(1, ident, classes, [*keyvals, *heads], inlines)
        elif chapter_heads and header_level(block) == 2:
            (ident, classes, keyvals), inlines = attrs(block), header_inlines(block)
            block = header(2, ident, classes, [*keyvals, ["data-running-head", running_heads.chapter_head(block)]],
                           inlines)
        blocks.append(block)
    return {**book_ast, "blocks": blocks}


def _section_blocks(blocks: list[dict], start: int) -> list[dict]:
    """The blocks of the level-1 section whose heading is `blocks[start]`."""
    end = next((i for i in range(start + 1, len(blocks)) if header_level(blocks[i]) == 1), len(blocks))
    return blocks[start:end]


def other_parts(book: Book, book_ast: dict) -> tuple[list[dict], list[dict]]:
    """The book's level-1 sections that are not texts, for the contents, in reading order: those
    before the first text (the preface, the reading plan) and those after it (the glossary, then
    the index, which is laid out after the book and is not in its AST)."""
    from ...apparatus.index import index_for
    from ...apparatus.index_pages import SECTION_ID, TITLE

    text_ids = {entry.id for entry in book.texts}
    before: list[dict] = []
    after: list[dict] = []
    after_texts = False
    for block in book_ast["blocks"]:
        if header_level(block) != 1:
            continue
        ident = header_id(block)
        if ident in text_ids:
            after_texts = True
            continue
        part = {"id": ident, "title": stringify(header_inlines(block))}
        (after if after_texts else before).append(part)
    if index_for(book):
        after.append({"id": SECTION_ID, "title": TITLE})
    return before, after


def body_html_json(ast_json: str) -> str:
    """Pandoc's HTML5 of an AST's JSON, its notes as footnote spans: placed already by
    `inline_footnotes` (as `sections` does), or else by the Lua filter it is held to."""
    filters = [FILTERS / "inline_footnotes.lua"] if needs_filter(ast_json) else []
    return pandoc.convert(ast_json, "html5", from_format="json", args=["--wrap=none", "--section-divs"],
                          filters=filters)


def print_typography(html: str) -> str:
    """The typography only print wants (hair spaces between quote marks, no runts)."""
    return for_output(html, "pdf")


def print_frame(book: Book, book_ast: dict, body: str = "") -> str:
    """The print template around `body`: the head (style sheets, metadata) and the front matter
    (half-title, title page, colophon, contents). The book's sections are laid out apart from it
    (`sections`, `section_html`, render/pdf/edition.py)."""
    env = environment(book.design_root / "templates")
    env.filters["sentence"] = sentence
    template = env.get_template("print.html.j2")
    contents = [{"entry": entry, "title": running_head(entry, book.texts)} for entry in book.texts]
    return template.render(book=book.meta, lang=book.language, texts=book.texts, contents=contents,
                           parts=other_parts(book, book_ast), authors=authors(book.texts),
                           page=page_geometry(book), page_css=Markup(page_css(book)), edition_date=long_date(book.meta["date"], book.language),
                           credits=book_credits(book), body=Markup(body))


def sections(book: Book, book_ast: dict, skip: set[str] = frozenset()) -> list[tuple[str, str]]:
    """The book's level-1 sections (preface, reading plan, texts, glossary) as (id, AST JSON),
    their headings carrying the running heads, except those in `skip`; each is converted on its
    own by `section_html`."""
    marked = mark_part_headings(book, book_ast)
    found: list[tuple[str, list]] = []
    for block in marked["blocks"]:
        if header_level(block) == 1:
            found.append((header_id(block), []))
        if found:
            found[-1][1].append(block)
    return [(ident, to_json({**marked, "blocks": inline_footnotes(blocks)})) for ident, blocks in found
            if ident not in skip]


def section_ids(book_ast: dict) -> list[str]:
    """The ids of the book's level-1 sections, in order."""
    return [header_id(block) for block in book_ast["blocks"] if header_level(block) == 1]


def section_html(ast_json: str) -> str:
    """Pandoc's HTML of (part of) the book, with the print-only typography."""
    return print_typography(body_html_json(ast_json))

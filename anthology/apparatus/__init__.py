"""The apparatus: marks added to the book's AST that both outputs share, and the parts only one
output has.

`TEXT_STEPS` edit one text's AST in place, in order: heading ids and paragraph anchors first
(everything else points at them), the anchors where the reading plan's readings end, then note labels, glossary links, then index marks (after the
glossary, so a mark can sit inside a glossary link but never the reverse). They look at nothing
outside the text, so the build runs them on each text by itself, in a worker process, as soon as
the text is read (`apply_to_text`); what the book needs to know of a text they count in `facts`
(how often each glossary term and index heading occurs). `BOOK_STEPS` then run once on the whole
book's AST with the facts summed over its texts (`finish_book`): the reading plan checked, the
glossary checked and added as back matter, the index checked.

`EPUB_STEPS` run on a copy of that AST for the EPUB only (`for_epub`): the sources behind "Ibid.",
notes written as pop-up asides with back-links; and the index section, with links to the marks,
is added after them.
The print index is not in the AST: its page numbers exist only after layout (`print_index_html`).
"""
from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from ..doctree import copy_around, header_id, header_level
from ..manifest import Book
from ..sanitise import sanitise

from .anchors import number_paragraphs, prefix_heading_ids
from .glossary import finish_glossary, link_glossary
from .index import check_index, collect_index, mark_index
from .index_pages import epub_index_section, print_index_html
from .notes import epub_notes, expand_ibid, label_notes, notes_in
from .preface import preface_markdown
from .reading_plan import check_reading_plan, mark_text_reading_ends

TEXT_STEPS = [prefix_heading_ids, number_paragraphs, mark_text_reading_ends, label_notes, link_glossary, mark_index]
"""Each `(book, ast, warnings, facts)`; a step that counts nothing ignores `facts`."""
BOOK_STEPS = [check_reading_plan, finish_glossary, check_index]
"""Each `(book, ast, warnings, facts, cache)`; `cache` (None: none) keeps what a step has Pandoc read."""
EPUB_STEPS = [expand_ibid, epub_notes]

__all__ = ["TEXT_STEPS", "BOOK_STEPS", "EPUB_STEPS", "apply", "apply_to_text", "finish_book", "sum_facts",
           "for_epub", "collect_index", "print_index_html", "preface_markdown"]


def apply(book: Book, ast: dict, warnings: list[str]) -> dict:
    """The whole apparatus on a whole book's AST at once."""
    return finish_book(book, ast, warnings, apply_to_text(book, ast, warnings))


def apply_to_text(book: Book, ast: dict, warnings: list[str]) -> dict:
    """The text steps on `ast` (one text, or several); returns their facts."""
    facts: dict = {}
    for step in TEXT_STEPS:
        step(book, ast, warnings, facts)
    return facts


def sum_facts(facts: list[dict]) -> dict:
    """The facts of several texts as one: each count (a Counter) summed; what is measured per text
    (a mapping of text id → value) gathered."""
    total: dict = {}
    for one in facts:
        for key, counts in one.items():
            if isinstance(counts, Counter):
                total[key] = total.get(key, Counter()) + counts
            else:
                total[key] = {**total.get(key, {}), **counts}
    return total


def finish_book(book: Book, ast: dict, warnings: list[str], facts: dict, cache=None) -> dict:
    """The book steps, on the whole book's AST, with the texts' facts summed; what they have Pandoc
    read is kept in `cache` (a build's Cache), if given."""
    for step in BOOK_STEPS:
        step(book, ast, warnings, facts, cache)
    return ast


def for_epub(book: Book, ast: dict, warnings: list[str], cache=None,
             texts: dict[str, tuple[list, list[str]]] | None = None) -> dict:
    """The EPUB's AST: a copy of the shared one with the EPUB-only apparatus added; `texts` are
    texts already made so (`epub_text`), by id: their blocks and the warnings of making them. The index section is made from the shared AST's
    marks (the EPUB steps add or move none) in a thread, since most of its time is Pandoc's, in a
    process of its own (or `cache`'s, if its Markdown is the last build's)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        index = thread.submit(epub_index_section, book, ast, cache)
        sections: list[tuple[str | None, list]] = [(None, [])]
        for block in ast["blocks"]:
            if header_level(block) == 1:
                sections.append((header_id(block), []))
            sections[-1][1].append(block)
        made = texts or {}
        blocks = []
        for ident, section in sections:
            if ident in made:
                blocks += made[ident][0]
                warnings.extend(w for w in made[ident][1] if w not in warnings)
            else:
                blocks += epub_text(book, {**ast, "blocks": section}, warnings)["blocks"]
        index_blocks = index.result()
        if index_blocks:  # written from the editors' index.yml: held to the same allow-lists as a text
            sanitise(index_blocks, warnings, book.apparatus_file("index").relative_to(book.root).as_posix())
        epub_ast = {**ast, "blocks": blocks + index_blocks}
    return epub_ast


def epub_text(book: Book, ast: dict, warnings: list[str]) -> dict:
    """`ast` (a text, or several) with the EPUB steps done, the shared AST left as it was."""
    # The EPUB steps edit notes, replace them in the lists that hold them and put blocks between the
    # book's blocks, nothing else: only the notes, and what leads to them, are copied.
    epub_ast = {**ast, "blocks": copy_around(list(ast["blocks"]), "Note")}
    for step in EPUB_STEPS:
        step(book, epub_ast, warnings)
    return epub_ast

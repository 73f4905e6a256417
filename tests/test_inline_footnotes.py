"""The footnote spans placed in Python (render/pdf/inline_footnotes.py) against the Lua filter they
stand in for (filters/inline_footnotes.lua): the same HTML, byte for byte, for every section of the
built book and for the notes the book does not have (in emphasis, in a quotation, two in a row,
of several paragraphs, holding a list)."""
from __future__ import annotations

import json

import pytest

from anthology import doctree, pandoc
from anthology.pandoc import FILTERS
from anthology.render.pdf.html import body_html_json, mark_part_headings, sections
from anthology.render.pdf.inline_footnotes import inline_footnotes, needs_filter


def by_filter(ast: dict) -> str:
    """The slow twin: Pandoc's HTML with the Lua filter placing the notes."""
    return pandoc.convert(doctree.to_json(ast), "html5", from_format="json",
                          args=["--wrap=none", "--section-divs"], filters=[FILTERS / "inline_footnotes.lua"])


def by_python(ast: dict) -> str:
    return body_html_json(doctree.to_json({**ast, "blocks": inline_footnotes(ast["blocks"])}))


def markdown_ast(markdown: str) -> dict:
    return json.loads(pandoc.convert(markdown, "json", from_format="markdown"))


@pytest.mark.parametrize("markdown", [
    # a call after a word, after punctuation, after a space, two calls in a row
    "# T {.text}\n\nWord.[^1] Then[^2][^3] and ^[inline] ok.\n\n[^1]: One.\n[^2]: Two.\n[^3]: Three.\n",
    # calls inside emphasis and a quotation: Pandoc's walk numbers the inner list first
    "# T {.text}\n\nA[^1] *b[^2]* \"c[^3]\" d.[^4]\n\n[^1]: 1.\n[^2]: 2.\n[^3]: 3.\n[^4]: 4.\n",
    # a note of three paragraphs, one ending in a hard break; a note before any text ("book-fn1")
    "Preface.[^p]\n\n# T {.text}\n\nX.[^1]\n\n[^p]: Before.\n[^1]: First.\\\n    \n    Second  \n    line.\n\n    Third.\n",
    # two texts: each numbers its notes from 1; a level-1 heading that is not a text does not
    "# A {.text}\n\nA.[^1]\n\n# Glossary\n\nG.[^2]\n\n# B {.text}\n\nB.[^3]\n\n[^1]: a.\n[^2]: g.\n[^3]: b.\n",
    # a note holding a list: left to the filter
    "# T {.text}\n\nL.[^1]\n\n[^1]: Items:\n\n    - one\n    - two\n",
])
def test_the_notes_are_placed_as_the_filter_places_them(markdown):
    ast = markdown_ast(markdown)
    before = doctree.to_json(ast)
    assert by_python(ast) == by_filter(ast)
    assert doctree.to_json(ast) == before  # the tree given (the EPUB's too) is not changed


def test_a_note_holding_more_than_paragraphs_is_left_to_the_filter():
    ast = markdown_ast("# T {.text}\n\nL.[^1] M.[^2]\n\n[^1]: Items:\n\n    - one\n\n[^2]: Plain.\n")
    blocks = inline_footnotes(ast["blocks"])
    assert blocks is ast["blocks"]
    assert needs_filter(doctree.to_json({**ast, "blocks": blocks}))
    plain = markdown_ast("# T {.text}\n\nM.[^2]\n\n[^2]: Plain.\n")
    assert not needs_filter(doctree.to_json({**plain, "blocks": inline_footnotes(plain["blocks"])}))


def test_blocks_without_notes_are_shared_not_copied():
    ast = markdown_ast("# T {.text}\n\nNo note here.\n\nA note.[^1]\n\n[^1]: It.\n")
    blocks = inline_footnotes(ast["blocks"])
    assert blocks[0] is ast["blocks"][0] and blocks[1] is ast["blocks"][1]
    assert blocks[2] is not ast["blocks"][2]


def test_every_section_of_the_book_is_written_as_with_the_filter(built):
    """Every section the print edition lays out, its notes placed in Python, gives the HTML the
    Lua filter gives; none of them falls back on the filter, and every note is placed."""
    from anthology.pipeline import assembled_book

    book, book_ast = assembled_book(built.book.root / "anthology.yml", jobs=1)
    fast = dict(sections(book, book_ast))
    marked = mark_part_headings(book, book_ast)
    slow: dict[str, list] = {}
    for block in marked["blocks"]:
        if doctree.header_level(block) == 1:
            slow[doctree.header_id(block)] = []
        if slow:
            slow[list(slow)[-1]].append(block)
    assert list(fast) == list(slow) and len(fast) >= 7
    spans = 0
    for ident, ast_json in fast.items():
        assert not needs_filter(ast_json), ident
        html = body_html_json(ast_json)
        assert html == by_filter({**marked, "blocks": slow[ident]}), ident
        spans += html.count('class="footnote"')
    assert spans == len(doctree.find_notes(book_ast)) > 100

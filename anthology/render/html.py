"""The print HTML: Pandoc's HTML5 of the book, wrapped in the print template for WeasyPrint.

Footnotes become inline `<span class="footnote">` at the call (a Lua filter), because CSS
`float: footnote` moves an element from where it stands to the page foot; `--wrap=none` keeps
newlines out of them (a newline inside a WeasyPrint footnote shows as a hard break).
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..manifest import Book
from ..ast import to_json
from . import pandoc

FILTERS = Path(__file__).with_name("filters")


def body_html(book_ast: dict) -> str:
    return pandoc.convert(to_json(book_ast), "html5", from_format="json", args=["--wrap=none", "--section-divs"],
                          filters=[FILTERS / "inline_footnotes.lua"])


def print_html(book: Book, book_ast: dict) -> str:
    env = Environment(loader=FileSystemLoader(book.root / "templates"), autoescape=select_autoescape(["html", "j2"]))
    template = env.get_template("print.html.j2")
    return template.render(book=book.meta, lang=book.language, texts=book.texts, body=Markup(body_html(book_ast)))

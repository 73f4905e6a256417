"""Joining the cleaned texts into one Pandoc Markdown book, in manifest order.

Each text becomes a level-1 section whose id is the text's id. Note labels are prefixed with the
text id so that two texts' note 1 never collide; Pandoc's EPUB writer then numbers notes per
chapter file (one file per text), and the print style sheet resets its counter per text, so notes
are numbered per text in both outputs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import Environment

from .credits import credit_fields
from .footnotes import NOTE_CALL
from .manifest import Book, TextEntry
from .model import Document
from .templating import environment


@dataclass
class AssembledText:
    entry: TextEntry
    document: Document


def prefix_note_labels(body: str, prefix: str) -> str:
    return NOTE_CALL.sub(lambda m: f"[^{prefix}-{m.group(1)}]", body)


def demote_unknown(body: str) -> str:
    """Keep a stray level-1 heading in a body from splitting the book: the title is the text's."""
    return re.sub(r"(?m)^# ", "## ", body)


def book_markdown(book: Book, texts: list[AssembledText]) -> str:
    env = environment(book.design_root / "templates", markdown=True)
    return "\n".join(text_markdown(book, item, env) for item in texts)


def text_markdown(book: Book, item: AssembledText, env: Environment | None = None) -> str:
    """One text's part of the book: its opener, its body (note labels prefixed with its id) and
    its discussion questions. A text's Markdown stands alone, so texts can be parsed separately."""
    env = env or environment(book.design_root / "templates", markdown=True)
    entry, doc = item.entry, item.document
    lang = entry.language or book.language
    parts = [env.get_template("opener.md.j2").render(text=entry, lang=lang, source_note=doc.source_note, book=book.meta,
                                                     credits=credit_fields(entry, lang))]
    body = prefix_note_labels(demote_unknown(doc.body), entry.id)
    parts.append(body.strip() + "\n")
    if entry.questions:
        parts.append(env.get_template("questions.md.j2").render(text=entry))
    return "\n".join(parts)

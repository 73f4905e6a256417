"""The book as Pandoc's AST (JSON), the one document both outputs are written from.

The apparatus (paragraph numbers, glossary links, index marks) is added by walking this tree once,
so the EPUB and the PDF get exactly the same marks; each writer then only changes how they look.
"""
from __future__ import annotations

import json
from typing import Callable, Iterator

from . import pandoc


def from_markdown(markdown: str) -> dict:
    return json.loads(pandoc.convert(markdown, "json"))


def to_json(ast: dict) -> str:
    return json.dumps(ast, ensure_ascii=False)


def copy_tree(ast):
    """A deep copy of an AST (or any part of one): JSON data copied through the C JSON codec,
    several times faster than copy.deepcopy on a book-sized tree."""
    return json.loads(json.dumps(ast))


def stringify(node) -> str:
    """The plain text of an AST node or list of nodes (as pandoc.utils.stringify)."""
    if isinstance(node, list):
        return "".join(stringify(n) for n in node)
    if not isinstance(node, dict):
        return ""
    kind = node.get("t")
    if kind == "Str":
        return node["c"]
    if kind in ("Space", "SoftBreak"):
        return " "
    if kind == "LineBreak":
        return "\n"
    if kind == "Note":
        return ""
    content = node.get("c")
    if kind in ("Span", "Div", "Link", "Image", "Code", "CodeBlock"):
        return stringify(content[1]) if kind in ("Span", "Div", "Link", "Image") else content[1]
    if kind == "Quoted":
        return stringify(content[1])
    if kind == "Header":
        return stringify(content[2])
    return stringify(content) if isinstance(content, list) else ""


def walk_blocks(blocks: list, visit: Callable[[dict], None]) -> None:
    """Call `visit` on every block, depth first (into Divs and BlockQuotes and list items)."""
    for block in blocks:
        visit(block)
        kind, content = block.get("t"), block.get("c")
        if kind in ("Div",):
            walk_blocks(content[1], visit)
        elif kind == "BlockQuote":
            walk_blocks(content, visit)
        elif kind in ("BulletList",):
            for item in content:
                walk_blocks(item, visit)
        elif kind == "OrderedList":
            for item in content[1]:
                walk_blocks(item, visit)


def texts(ast: dict) -> Iterator[tuple[str, list]]:
    """(text id, its top-level blocks) for each text: the blocks from its level-1 heading (class
    `text`) up to the next level-1 heading. Front and back matter (preface, glossary, index) are
    level-1 sections without that class and are skipped."""
    current_id, current = None, []
    for block in ast["blocks"]:
        if block["t"] == "Header" and block["c"][0] == 1:
            if current_id:
                yield current_id, current
            is_text = "text" in block["c"][1][1]
            current_id, current = (block["c"][1][0] if is_text else None), []
        if current_id:
            current.append(block)
    if current_id:
        yield current_id, current


EDITORIAL_DIVS = frozenset({"opener", "discussion"})
"""Divs the book adds around a text (its opener, the discussion questions): not the author's
words, so they are not numbered, linked to the glossary or indexed."""


def is_editorial_div(block: dict) -> bool:
    return block.get("t") == "Div" and bool(EDITORIAL_DIVS & set(block["c"][0][1]))


def find_nodes(node, matches: Callable[[dict], bool]) -> list[dict]:
    """Every node under `node` (a node, a list of nodes, or a whole AST) for which `matches` is
    true, in document order, at any depth (notes inside paragraphs, spans inside notes…)."""
    found: list[dict] = []

    def walk(value):
        if isinstance(value, dict):
            if "t" in value and matches(value):
                found.append(value)
            walk(value.get("c") if "t" in value else value.get("blocks"))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(node)
    return found

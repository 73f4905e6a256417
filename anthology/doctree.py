"""The book as Pandoc's AST (JSON), the one document both outputs are written from.

The apparatus (paragraph numbers, glossary links, index marks) is added by walking this tree once,
so the EPUB and the PDF get exactly the same marks; each writer then only changes how they look.

This module is the one place that knows how Pandoc lays out its JSON: that a node is
`{"t": type, "c": content}`, that a Header's content is `[level, attr, inlines]` but a Span's
`[attr, inlines]`, and so on. Every other module reads, edits and builds nodes through the
accessors and constructors below (tests/test_doctree.py fails if one indexes `["c"]`), so a change
in Pandoc's types is made here once and the code elsewhere says what it means (`header_id(block)`,
not `block["c"][1][0]`).

Why plain functions over the raw JSON rather than a filter library: the build edits the tree
Pandoc gives in place, pickles it between processes, caches it, and hands it back to Pandoc as
JSON whose bytes key the caches. Measured on this book (2.9 MB of JSON, 150,000 nodes), panflute
2.3, which turns the tree into objects, takes about 4x `json.loads` to load it and 2x `json.dumps`
to write it (and writes other bytes: other separators), 3x as long to walk it and 7x as long to
pickle it. pandocfilters 1.5 keeps the dicts, but its `walk` builds a new copy of every list (the
nodes lose their identity, which the note numbering keys on) and it has no accessors for an Attr.
So the accessors here are one-line functions over the dicts and lists: no conversion, no copy;
what they return is the node's own list, so editing it edits the tree.
"""
from __future__ import annotations

import json
from typing import Callable, Iterator

from . import pandoc
from .limits import check_tree_depth


def from_markdown(markdown: str, *, max_depth: int | None = None) -> dict:
    """Pandoc's tree of `markdown`. With `max_depth`, a tree whose elements nest deeper is refused
    (anthology.limits.LimitExceeded) before it is decoded: the decoder, and every walk over the
    tree after it, would recurse past Python's limit."""
    text = pandoc.convert(markdown, "json")
    if max_depth is not None:
        check_tree_depth(text, max_depth)
    return json.loads(text)


def to_json(ast: dict) -> str:
    return json.dumps(ast, ensure_ascii=False)


def copy_tree(ast):
    """A deep copy of an AST (or any part of one): JSON data copied through the C JSON codec,
    several times faster than copy.deepcopy on a book-sized tree."""
    return json.loads(json.dumps(ast))


def copy_around(node, kind: str):
    """`node` (a node, or a list of nodes) with every node of type `kind` in it deeply copied, and
    each list and node on the way to one copied too, so that those nodes can be edited or replaced
    in the copy; everything else (most of a paragraph's words) is shared with `node`, not copied.
    `node` itself comes back when it holds none. (The EPUB edits only the notes of the book it shares
    with the PDF: a deep copy of every block with a note was most of a book-sized tree, twice the
    memory of a book of fifty texts.)"""
    if isinstance(node, dict):
        node_kind = node.get("t")
        if node_kind == kind:
            return copy_tree(node)
        if node_kind in LEAF_TYPES:
            return node
        content = node.get("c")
        if not isinstance(content, (list, dict)):
            return node
        copied = copy_around(content, kind)
        return node if copied is content else {**node, "c": copied}
    if isinstance(node, list):
        out = None
        for i, item in enumerate(node):
            if isinstance(item, dict) and item.get("t") in LEAF_TYPES and item.get("t") != kind:
                continue
            if isinstance(item, (list, dict)):
                copied = copy_around(item, kind)
                if copied is not item:
                    if out is None:
                        out = list(node)
                    out[i] = copied
        return node if out is None else out
    return node


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


# --- reading a node ---------------------------------------------------------------------------
# A node is {"t": type, "c": content}; Space, SoftBreak, LineBreak and HorizontalRule have no "c".
# An Attr is [id, classes, [[key, value], …]], the first item of an element's content, except in a
# Header ([level, attr, inlines]).

ATTR_AT = {"Header": 1, "Div": 0, "Span": 0, "Link": 0, "Image": 0, "Code": 0, "CodeBlock": 0,
           "Table": 0, "Figure": 0}
"""Where each element that has an Attr keeps it in its content."""

INLINE_TYPES = frozenset({"Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript",
                          "SmallCaps", "Quoted", "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math",
                          "RawInline", "Link", "Image", "Note", "Span"})
"""Pandoc's inline elements: a list whose first item is one of them is an inline list."""

LEAF_TYPES = frozenset({"Str", "Space", "SoftBreak", "LineBreak", "Code", "Math", "RawInline", "RawBlock",
                        "CodeBlock", "HorizontalRule"})
"""Nodes that hold no other node: a walk looking for nodes of another type need not enter them
(a Str is most of a tree's nodes; not calling into each one makes a walk two to three times faster)."""

TEXT_CONTAINERS = frozenset({"Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript"})
"""Inline elements whose content is an inline list and nothing else."""

_INLINES_SECOND = frozenset({"Span", "Link", "Image", "Quoted", "Cite"})
"""Inline elements whose inline list comes second, after their Attr (or quote type, citations)."""


def content(node: dict):
    """A node's raw content, None for a node without (Space, SoftBreak…): only for code that goes
    through every kind of node alike, not knowing its type; the accessors below say what they get."""
    return node.get("c")


def attrs(node: dict) -> list | None:
    """The node's Attr `[id, classes, keyvals]` (it unpacks as a triple), None if its type has
    none. The node's own list: changing it changes the node."""
    at = ATTR_AT.get(node["t"])
    return None if at is None else node["c"][at]


def node_id(node: dict) -> str:
    """The id of a node that has an Attr ("" for none)."""
    return attrs(node)[0]


def set_id(node: dict, ident: str) -> None:
    attrs(node)[0] = ident


def classes(node: dict) -> list:
    """The classes of a node (its own list), or an empty tuple if its type has no Attr."""
    at = ATTR_AT.get(node["t"])
    return () if at is None else node["c"][at][1]


def has_class(node: dict, name: str) -> bool:
    at = ATTR_AT.get(node["t"])
    return at is not None and name in node["c"][at][1]


def keyvals(node: dict) -> list:
    """The key-value attributes of a node that has an Attr, as Pandoc's `[[key, value], …]`."""
    return attrs(node)[2]


def header_level(node: dict) -> int | None:
    """A Header's level; None for any other node, so `header_level(block) == 1` asks both."""
    return node["c"][0] if node.get("t") == "Header" else None


def header_id(header: dict) -> str:
    return header["c"][1][0]


def header_inlines(header: dict) -> list:
    return header["c"][2]


def inlines_of(node: dict) -> list | None:
    """The inline list a node holds (its own list): a Para's or Plain's, a Header's text, the text
    inside emphasis, a quotation, a span, a link, an image's description, a citation; None for a
    node that holds blocks or nothing."""
    kind = node["t"]
    if kind in ("Para", "Plain") or kind in TEXT_CONTAINERS:
        return node["c"]
    if kind in _INLINES_SECOND:
        return node["c"][1]
    if kind == "Header":
        return node["c"][2]
    return None


def running_inlines(node: dict) -> list | None:
    """The running text inside an inline element, where words are looked for (glossary terms,
    index headings): emphasis and the like, a quotation, a span, a link. None for the rest: a note
    holds blocks, and an image's description or a citation is not the author's running text."""
    kind = node["t"]
    if kind in TEXT_CONTAINERS:
        return node["c"]
    if kind in ("Quoted", "Span", "Link"):
        return node["c"][1]
    return None


def set_inlines(node: dict, inlines: list) -> None:
    """Put `inlines` in place of the inline list that `inlines_of(node)` gives."""
    kind = node["t"]
    if kind in ("Para", "Plain") or kind in TEXT_CONTAINERS:
        node["c"] = inlines
    elif kind in _INLINES_SECOND:
        node["c"][1] = inlines
    elif kind == "Header":
        node["c"][2] = inlines
    else:
        raise ValueError(f"a {kind} holds no inline list")


def with_inlines(node: dict, inlines: list) -> dict:
    """A new node of `node`'s type and attributes (shared, not copied) holding `inlines`: part of
    an emphasis, a span or a link, when only part of its text is taken."""
    kind, old = node["t"], node["c"]
    if kind in ("Para", "Plain") or kind in TEXT_CONTAINERS:
        new = inlines
    elif kind in ("Span", "Quoted", "Cite"):
        new = [old[0], inlines]
    elif kind in ("Link", "Image"):
        new = [old[0], inlines, old[2]]
    elif kind == "Header":
        new = [old[0], old[1], inlines]
    else:
        raise ValueError(f"a {kind} holds no inline list")
    return {"t": kind, "c": new}


def literal(node: dict) -> str:
    """The text a leaf carries: a Str's string; the code of a Code or CodeBlock, the source of a
    RawInline, RawBlock or Math."""
    value = node["c"]
    return value if isinstance(value, str) else value[1]


def raw_format(node: dict) -> str:
    """The writer a RawInline or RawBlock is for ("html")."""
    return node["c"][0]


def target(node: dict) -> str:
    """The URL a Link points to, or an Image's source."""
    return node["c"][2][0]


def blocks_of(node: dict) -> list | None:
    """The block list a Div, BlockQuote or Note holds (its own list); None for other nodes (a list
    holds one per item: `child_blocks`)."""
    kind = node["t"]
    if kind == "Div":
        return node["c"][1]
    if kind in ("BlockQuote", "Note"):
        return node["c"]
    return None


def note_blocks(note: dict) -> list:
    """A Note's blocks (its own list)."""
    return note["c"]


def block_inline_lists(block: dict) -> list[list] | None:
    """The inline lists a block holds directly (a Para's one, a LineBlock's lines); None for
    blocks that hold other blocks or no text."""
    kind, value = block["t"], block.get("c")
    if kind in ("Para", "Plain"):
        return [value]
    if kind == "LineBlock":
        return list(value)
    return None


def child_blocks(block: dict) -> list[list]:
    """The block lists a block holds: a Div's or BlockQuote's one, one per item of a list, one per
    definition of a DefinitionList; [] for the others."""
    kind, value = block["t"], block.get("c")
    if kind == "Div":
        return [value[1]]
    if kind == "BlockQuote":
        return [value]
    if kind == "BulletList":
        return list(value)
    if kind == "OrderedList":
        return list(value[1])
    if kind == "DefinitionList":
        return [blocks for _, definitions in value for blocks in definitions]
    return []


# --- walking the tree -------------------------------------------------------------------------

def walk(node, visit: Callable[[dict], None]) -> None:
    """Call `visit` on every node under `node` (a node, a list of nodes, or a whole AST), blocks and
    inlines, into notes, in document order, each before its children: what a Pandoc filter's walk
    does, on the dicts as they are. `visit` may change a node's children before they are visited."""
    if isinstance(node, dict):
        if "t" in node:
            visit(node)
            walk(node.get("c"), visit)
        else:
            walk(node.get("blocks"), visit)
    elif isinstance(node, list):
        for item in node:
            walk(item, visit)


def walk_inline_lists(node, visit: Callable[[list], None]) -> None:
    """Call `visit` on every inline list under `node` (a node, a list of nodes, or a whole AST),
    into notes, each list after the lists inside its elements: the order of a Pandoc filter's
    `Inlines` function (`walk` goes bottom-up), so that what a filter numbers is numbered alike.
    `visit` may change the list in place."""
    _walk_inline_lists(_body(node), visit)


def _walk_inline_lists(value, visit) -> None:
    if isinstance(value, list):
        for item in value:
            if isinstance(item, list) or isinstance(item, dict) and item.get("t") not in LEAF_TYPES:
                _walk_inline_lists(item, visit)
        if value and isinstance(value[0], dict) and value[0].get("t") in INLINE_TYPES:
            visit(value)
    elif isinstance(value, dict):
        _walk_inline_lists(value.get("c"), visit)


def replace_nodes(node, kind: str, replace: Callable[[dict], dict]) -> None:
    """Put `replace(n)` in place of every node `n` of type `kind` under `node` (a node, a list of
    nodes, or a whole AST), in document order; neither a replaced node's children nor its
    replacement are looked into. (A type, not a predicate: it is asked of every node.)"""
    _replace(_body(node), kind, replace)


def _replace(value, kind: str, replace) -> None:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                item_kind = item.get("t")
                if item_kind == kind:
                    value[i] = replace(item)
                elif item_kind not in LEAF_TYPES:
                    _replace(item.get("c"), kind, replace)
            elif isinstance(item, list):
                _replace(item, kind, replace)
    elif isinstance(value, dict):
        _replace(value.get("c"), kind, replace)


def unwrap_nodes(node, kinds: frozenset, matches: Callable[[dict], bool]) -> None:
    """Put its inlines (`inlines_of`) in place of every node under `node` (a node, a list of nodes,
    or a whole AST) whose type is in `kinds` and for which `matches` is true: the words stay, the
    element around them goes (a link whose target may not be kept). What takes a node's place is
    looked into in turn (an image inside a link)."""
    _unwrap(_body(node), kinds, matches)


def _unwrap(value, kinds: frozenset, matches) -> None:
    if isinstance(value, list):
        i = 0
        while i < len(value):
            item = value[i]
            if isinstance(item, dict) and item.get("t") in kinds and matches(item):
                value[i:i + 1] = inlines_of(item)
            else:
                if not (isinstance(item, dict) and item.get("t") in LEAF_TYPES):
                    _unwrap(item, kinds, matches)
                i += 1
    elif isinstance(value, dict):
        _unwrap(value.get("c"), kinds, matches)


def find_notes(node) -> list[dict]:
    """Every Note under `node` (a node, a list of nodes, or a whole AST), in document order, not
    looking inside the notes found (a Pandoc note holds no note)."""
    found: list[dict] = []
    _find_notes(_body(node), found)
    return found


def _find_notes(value, found: list) -> None:
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                kind = item.get("t")
                if kind == "Note":
                    found.append(item)
                elif kind not in LEAF_TYPES:
                    _find_notes(item.get("c"), found)
            elif isinstance(item, list):
                _find_notes(item, found)
    elif isinstance(value, dict):
        if value.get("t") == "Note":
            found.append(value)
        else:
            _find_notes(value.get("c"), found)


def _body(node):
    """A whole AST's blocks; any node or list as it is."""
    return node.get("blocks") if isinstance(node, dict) and "t" not in node else node


# --- making nodes -----------------------------------------------------------------------------
# Each new node is {"t", "c"} in that order (Space has no "c"), as Pandoc writes them, so that the
# JSON of an edited tree reads like Pandoc's own.

def str_(text: str) -> dict:
    return {"t": "Str", "c": text}


def space() -> dict:
    return {"t": "Space"}


def line_break() -> dict:
    return {"t": "LineBreak"}


def span(ident: str, classes: list[str], inlines: list, attributes: list | None = None) -> dict:
    return {"t": "Span", "c": [[ident, classes, attributes or []], inlines]}


def link(target: str, inlines: list, *, ident: str = "", classes: list[str] | None = None,
         attributes: list | None = None, title: str = "") -> dict:
    return {"t": "Link", "c": [[ident, classes or [], attributes or []], inlines, [target, title]]}


def para(inlines: list) -> dict:
    return {"t": "Para", "c": inlines}


def header(level: int, ident: str, classes: list[str], attributes: list, inlines: list) -> dict:
    return {"t": "Header", "c": [level, [ident, classes, attributes], inlines]}


def raw_block(fmt: str, text: str) -> dict:
    """Raw output for one writer (`raw_block("html", "<aside …>")`)."""
    return {"t": "RawBlock", "c": [fmt, text]}

"""Finding words in Pandoc inline lists and wrapping them, for glossary links and index marks.

Pandoc splits running text into `Str` and `Space` nodes, so a term of several words ("Left
Opposition") spans several nodes. A `TermMatcher` reads one inline list as a string (a space for
`Space`/`SoftBreak`, one opaque character for any nested element, so that no match runs into
emphasis, a link or a note), finds whole-word matches, splits `Str` nodes at the match edges and
hands each match's nodes to a callback that may wrap them. Nested lists (emphasis, quotations,
spans) are visited in document order, so a callback sees the matches in reading order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

OPAQUE = "\x00"
# Spaces that Pandoc keeps inside a Str (the typography pass puts no-break spaces after initials and
# before units) read as plain spaces, and the two apostrophes as one, so that a variant written
# `Lenin's` or `Lenin’s` matches either. Each replacement is one character for one, so offsets hold.
_SAME_WIDTH = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "’": "'", "ʼ": "'"})

# Inline elements whose content is running text that may hold a term.
CONTAINERS = {"Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript"}


def normalise(text: str) -> str:
    return text.translate(_SAME_WIDTH)


def Str(text: str) -> dict:
    return {"t": "Str", "c": text}


def Space() -> dict:
    return {"t": "Space"}


def span(ident: str, classes: list[str], inlines: list, attributes: list | None = None) -> dict:
    return {"t": "Span", "c": [[ident, classes, attributes or []], inlines]}


def link(target: str, inlines: list, *, ident: str = "", classes: list[str] | None = None,
         attributes: list | None = None, title: str = "") -> dict:
    return {"t": "Link", "c": [[ident, classes or [], attributes or []], inlines, [target, title]]}


def plain_inlines(text: str) -> list:
    """Plain text as Str/Space nodes (no Markdown is read)."""
    out: list = []
    for i, word in enumerate(text.split(" ")):
        if i:
            out.append(Space())
        if word:
            out.append(Str(word))
    return out


def node_text(node: dict) -> str:
    """The node as the matcher reads it: its text, a space, or one opaque character."""
    kind = node["t"]
    if kind == "Str":
        return normalise(node["c"])
    if kind in ("Space", "SoftBreak"):
        return " "
    return OPAQUE


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    key: object
    text: str
    after: str = ""  # a few characters that follow the match (to tell "Moscow 1977" from "Moscow")


class TermMatcher:
    """Whole-word, case-sensitive matching of many surface forms at once, longest form first."""

    def __init__(self, forms: dict[str, object]):
        self.forms = {normalise(form): key for form, key in forms.items() if form.strip()}
        alternatives = sorted(self.forms, key=lambda f: (-len(f), f))
        self.regex = None
        if alternatives:
            body = "|".join(re.escape(f).replace(r"\ ", " +") for f in alternatives)
            self.regex = re.compile(rf"(?<![\w]){'(?:' + body + ')'}(?![\w])")

    def find(self, text: str) -> list[Match]:
        if self.regex is None:
            return []
        found = []
        for m in self.regex.finditer(text):
            key = self.forms.get(re.sub(" +", " ", m.group()))
            if key is not None:
                found.append(Match(m.start(), m.end(), key, m.group(), text[m.end():m.end() + 12]))
        return found

    def search_text(self, text: str) -> list[Match]:
        """Matches in a plain string (for checks over the whole book)."""
        return self.find(normalise(text))


def split_at(inlines: list, cuts: set[int]) -> list:
    """The same inlines with Str nodes split at the given offsets (of the matcher's string)."""
    out, pos = [], 0
    for node in inlines:
        text = node_text(node)
        if node["t"] == "Str":
            inner = sorted(c - pos for c in cuts if pos < c < pos + len(text))
            previous = 0
            for cut in inner + [len(text)]:
                out.append(Str(node["c"][previous:cut]))
                previous = cut
        else:
            out.append(node)
        pos += len(text)
    return out


# What a callback receives: the match and the nodes it covers; it returns the node to put in their
# place, or None to leave them as they are.
Wrap = Callable[[Match, list], "dict | None"]
# Which nested inline elements to enter (e.g. not links, not notes).
Enter = Callable[[dict], bool]


def nested_inlines(node: dict) -> list | None:
    """The inline list inside a nested inline element, if the matcher should look there."""
    kind, content = node["t"], node.get("c")
    if kind in CONTAINERS:
        return content
    if kind == "Quoted":
        return content[1]
    if kind in ("Span", "Link"):
        return content[1]
    return None


def rewrite(inlines: list, matcher: TermMatcher, wrap: Wrap, enter: Enter, on_note=None) -> list:
    """Return `inlines` with each match replaced by what `wrap` gives, nested elements first-come
    first-served in reading order. `on_note(note)` is called for every Note met on the way."""
    text = "".join(node_text(n) for n in inlines)
    matches = matcher.find(text)
    nodes = split_at(inlines, {m.start for m in matches} | {m.end for m in matches}) if matches else inlines
    out, pos, i, m = [], 0, 0, 0
    while i < len(nodes):
        if m < len(matches) and pos == matches[m].start:
            match, group = matches[m], []
            while pos < match.end:
                group.append(nodes[i])
                pos += len(node_text(nodes[i]))
                i += 1
            replacement = wrap(match, group)
            out.extend([replacement] if replacement is not None else group)
            m += 1
            continue
        node = nodes[i]
        if node["t"] == "Note":
            if on_note:
                on_note(node)
        else:
            inner = nested_inlines(node)
            if inner is not None and enter(node):
                inner[:] = rewrite(inner, matcher, wrap, enter, on_note)
        out.append(node)
        pos += len(node_text(node))
        i += 1
    return out


def block_inline_lists(block: dict) -> list[list] | None:
    """The inline lists a block holds directly (None for blocks that hold other blocks)."""
    kind, content = block["t"], block.get("c")
    if kind in ("Para", "Plain"):
        return [content]
    if kind == "LineBlock":
        return list(content)
    return None


def child_blocks(block: dict) -> list[list]:
    kind, content = block["t"], block.get("c")
    if kind == "Div":
        return [content[1]]
    if kind == "BlockQuote":
        return [content]
    if kind == "BulletList":
        return list(content)
    if kind == "OrderedList":
        return list(content[1])
    if kind == "DefinitionList":
        return [blocks for _, definitions in content for blocks in definitions]
    return []


def has_class(node: dict, name: str) -> bool:
    return node["t"] in ("Span", "Div", "Link", "Header") and name in node["c"][1 if node["t"] == "Header" else 0][1]


def inline_text(inlines: list) -> str:
    """Plain text of inlines, as the slicing below counts it (notes count as nothing)."""
    return "".join(_flat(node) for node in inlines)


def _flat(node: dict) -> str:
    kind = node["t"]
    if kind == "Str":
        return node["c"]
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in ("Note", "RawInline", "Image", "Math", "Cite"):
        return ""
    if kind == "Code":
        return node["c"][1]
    inner = nested_inlines(node)
    return inline_text(inner) if inner is not None else ""


def slice_inlines(inlines: list, start: int, end: int) -> list:
    """The inlines covering characters [start, end) of `inline_text(inlines)`, keeping emphasis."""
    out, pos = [], 0
    for node in inlines:
        length = len(_flat(node))
        node_start, node_end = pos, pos + length
        pos = node_end
        if node_end <= start or node_start >= end or length == 0:
            continue
        if start <= node_start and node_end <= end:
            out.append(node)
        elif node["t"] == "Str":
            out.append(Str(node["c"][max(start, node_start) - node_start:min(end, node_end) - node_start]))
        elif nested_inlines(node) is not None:
            inner = slice_inlines(nested_inlines(node), max(start, node_start) - node_start, min(end, node_end) - node_start)
            copy = {"t": node["t"], "c": _with_inlines(node, inner)}
            out.append(copy)
    return out


def _with_inlines(node: dict, inner: list):
    kind, content = node["t"], node["c"]
    if kind in CONTAINERS:
        return inner
    if kind == "Quoted":
        return [content[0], inner]
    if kind == "Span":
        return [content[0], inner]
    if kind == "Link":
        return [content[0], inner, content[2]]
    raise ValueError(kind)

"""Finding words in Pandoc inline lists and wrapping them, for glossary links and index marks.

Pandoc splits running text into `Str` and `Space` nodes, so a term of several words ("Left
Opposition") spans several nodes. A `TermMatcher` reads one inline list as a string (a space for
`Space`/`SoftBreak`, one opaque character for any nested element, so that no match runs into
emphasis, a link or a note), finds whole-word matches, splits `Str` nodes at the match edges and
hands each match's nodes to a callback that may wrap them. Nested lists (emphasis, quotations,
spans) are visited in document order, so a callback sees the matches in reading order. Reading and
making the nodes themselves is `doctree`'s; this module only knows how to match words in them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from .. import doctree
from ..doctree import str_

OPAQUE = "\x00"
# Spaces that Pandoc keeps inside a Str (the typography pass puts no-break spaces after initials and
# before units) read as plain spaces, and the two apostrophes as one, so that a variant written
# `Lenin's` or `Lenin’s` matches either. Each replacement is one character for one, so offsets hold.
_SAME_WIDTH = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "’": "'", "ʼ": "'"})

def normalise(text: str) -> str:
    return text.translate(_SAME_WIDTH)


def node_text(node: dict) -> str:
    """The node as the matcher reads it: its text, a space, or one opaque character."""
    kind = node["t"]
    if kind == "Str":
        return normalise(doctree.literal(node))
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


def split_at(inlines: list, cuts: set[int], texts: list[str] | None = None) -> list:
    """The same inlines with Str nodes split at the given offsets (of the matcher's string);
    `texts`, each node's `node_text` when the caller has them already."""
    if texts is None:
        texts = [node_text(node) for node in inlines]
    ordered = sorted(cuts)
    out, pos, c = [], 0, 0
    for node, text in zip(inlines, texts):
        end = pos + len(text)
        while c < len(ordered) and ordered[c] <= pos:
            c += 1
        if node["t"] == "Str" and c < len(ordered) and ordered[c] < end:
            previous, value = 0, doctree.literal(node)
            while c < len(ordered) and ordered[c] < end:
                cut = ordered[c] - pos
                out.append(str_(value[previous:cut]))
                previous = cut
                c += 1
            out.append(str_(value[previous:]))
        elif node["t"] == "Str":
            out.append(str_(doctree.literal(node)))
        else:
            out.append(node)
        pos = end
    return out


# What a callback receives: the match and the nodes it covers; it returns the node to put in their
# place, or None to leave them as they are.
Wrap = Callable[[Match, list], "dict | None"]
# Which nested inline elements to enter (e.g. not links, not notes).
Enter = Callable[[dict], bool]


def rewrite(inlines: list, matcher: TermMatcher, wrap: Wrap, enter: Enter, on_note=None) -> list:
    """Return `inlines` with each match replaced by what `wrap` gives, nested elements first-come
    first-served in reading order. `on_note(note)` is called for every Note met on the way."""
    texts = [node_text(n) for n in inlines]
    matches = matcher.find("".join(texts))
    if not matches:  # most lists: only the elements inside are looked into
        for node in inlines:
            _enter(node, matcher, wrap, enter, on_note)
        return list(inlines)
    nodes = split_at(inlines, {m.start for m in matches} | {m.end for m in matches}, texts)
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
        _enter(node, matcher, wrap, enter, on_note)
        out.append(node)
        pos += len(node_text(node))
        i += 1
    return out


def _enter(node: dict, matcher: TermMatcher, wrap: Wrap, enter: Enter, on_note) -> None:
    """A node between the matches: a note is reported, an element `enter` accepts is rewritten."""
    if node["t"] == "Note":
        if on_note:
            on_note(node)
        return
    inner = doctree.running_inlines(node)
    if inner is not None and enter(node):
        inner[:] = rewrite(inner, matcher, wrap, enter, on_note)


def inline_text(inlines: list) -> str:
    """Plain text of inlines, as the slicing below counts it (notes count as nothing)."""
    return "".join(_flat(node) for node in inlines)


def _flat(node: dict) -> str:
    kind = node["t"]
    if kind in ("Str", "Code"):
        return doctree.literal(node)
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in ("Note", "RawInline", "Image", "Math", "Cite"):
        return ""
    inner = doctree.running_inlines(node)
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
            out.append(str_(doctree.literal(node)[max(start, node_start) - node_start:min(end, node_end) - node_start]))
        elif (running := doctree.running_inlines(node)) is not None:
            inner = slice_inlines(running, max(start, node_start) - node_start, min(end, node_end) - node_start)
            out.append(doctree.with_inlines(node, inner))
    return out

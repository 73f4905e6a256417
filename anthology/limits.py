"""Limits on what parses untrusted structure, each checked before the parser that would choke on it.

A source text or an editor's YAML file can be small and still make a parser run away:

- YAML aliases (`*a`) repeat a value without repeating its text, so nine lines under 1 KB can
  stand for 10^9 values (a "billion laughs"): every walk over the loaded data (line numbers,
  schema checks) then runs for ever. Nesting thousands of lists deep crashes libyaml's composer
  (it recurses in C: a segmentation fault) and every walk over the data after it.
- Pandoc takes quadratic time over block quotes and lists nested inside each other (8,000 deep:
  46 s) and time exponential in the brackets still open in a paragraph (`[` … never closed:
  ten in a long paragraph, 20 s; twenty, hours), while what it returns, nested deeper than
  Python's recursion limit allows, breaks every walk over the tree (and pickling it between
  processes, and the print layout).

So YAML is measured from libyaml's events (a flat stream, no recursion) before it is composed,
and a text's Markdown is measured line by line before Pandoc reads it, then its tree before it is
decoded. Every limit is far above what a real book needs (this one's texts nest six deep at most)
and far below what breaks; each refusal is a `LimitExceeded` with the line it found, for the
caller to name its file. An unclosed bracket is no refusal: it opens nothing, so it is escaped,
which Pandoc reads as the same character, without the search for its end.
"""
from __future__ import annotations

import operator
import re
from itertools import accumulate, repeat

import yaml

MAX_NESTING = 64
"""How deep block quotes, lists, notes and emphasis may sit inside each other in a text (a real
text: six at most; a text at the limit builds both editions). At 150 the print layout recurses past
Python's limit, and at 300 pickling a text's tree between processes does."""
MAX_BRACKET_DEPTH = 4
"""How deep brackets (links, spans, notes) may nest in one paragraph: Pandoc's time doubles with
each level (4: 20 ms a paragraph; 8: over a second)."""
MAX_YAML_DEPTH = 32
"""How deep mappings and lists may nest in a YAML file (the manifest's deepest: five)."""
MAX_YAML_VALUES = 100_000
"""How many values a YAML file may hold once its aliases are expanded (the index: about 2,700)."""

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LimitExceeded(ValueError):
    """A limit was passed: `line` is where (1-based, in the text checked; 0 if unknown)."""

    def __init__(self, line: int, problem: str):
        super().__init__(problem)
        self.line, self.problem = line, problem


# --- YAML -------------------------------------------------------------------------------------

def check_yaml(source: str) -> None:
    """Raise LimitExceeded if `source` nests deeper than MAX_YAML_DEPTH or holds more than
    MAX_YAML_VALUES values with its aliases expanded. Syntax errors are left to the loader."""
    anchored: dict[str, tuple[int, int]] = {}  # anchor → (values, depth) of the node it names
    open_: list[list] = [[0, 0, None]]  # per open collection: [values, depth below it, its anchor]
    try:
        for event in yaml.parse(source, Loader=YAML_LOADER):
            _count_event(event, open_, anchored)
    except yaml.YAMLError:
        return  # the loader reports it, with its line


def _count_event(event: yaml.Event, open_: list[list], anchored: dict) -> None:
    line = event.start_mark.line + 1 if event.start_mark else 0
    if isinstance(event, yaml.CollectionStartEvent):
        if len(open_) > MAX_YAML_DEPTH:
            raise LimitExceeded(line, f"lists and mappings nested over {MAX_YAML_DEPTH} deep; "
                                      f"no file of the book needs more than a few levels")
        open_.append([1, 1, event.anchor])
    elif isinstance(event, yaml.CollectionEndEvent):
        values, depth, anchor = open_.pop()
        _add(open_[-1], values, depth, line)
        if anchor:
            anchored[anchor] = (values, depth)
    elif isinstance(event, yaml.AliasEvent):
        values, depth = anchored.get(event.anchor, (1, 0))
        if len(open_) - 1 + depth > MAX_YAML_DEPTH:
            raise LimitExceeded(line, f"the alias *{event.anchor} nests lists and mappings over "
                                      f"{MAX_YAML_DEPTH} deep")
        _add(open_[-1], values, depth, line, alias=event.anchor)
    elif isinstance(event, yaml.ScalarEvent):
        _add(open_[-1], 1, 0, line)
        if event.anchor:
            anchored[event.anchor] = (1, 0)


def _add(parent: list, values: int, depth: int, line: int, alias: str | None = None) -> None:
    parent[0] += values
    parent[1] = max(parent[1], depth + 1)
    if parent[0] > MAX_YAML_VALUES:
        cause = (f"YAML aliases (*{alias} and others) expand" if alias else "the file expands")
        raise LimitExceeded(line, f"{cause} to over {MAX_YAML_VALUES:,} values; write the values out "
                                  f"instead of repeating them by alias")


# --- a text's Markdown, before Pandoc -----------------------------------------------------------

_CONTAINER = re.compile(r"[ \t]*(?:>[ \t]?|(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$))")
"""A block quote's `>` or a list item's marker, at the start of what is left of a line."""
_INDENT = re.compile(r"[ \t]*")
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_LITERAL_SPAN = re.compile(r"(`+)(?:.*?[^`])?\1(?!`)"  # code
                           r"|<[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>]*>"  # an autolink
                           r"|\$[^$\s](?:[^$]*?[^$\s])?\$(?!\d)", re.S)  # TeX math
"""Where a bracket is not markup, and an escape would not be read as one (it would show)."""


def guard_markdown(markdown: str) -> str:
    """The Markdown to give Pandoc: checked against MAX_NESTING (block quotes and lists, line by
    line) and MAX_BRACKET_DEPTH (raising LimitExceeded at the first line past a limit), with
    every bracket a paragraph never closes escaped."""
    lines = markdown.split("\n")
    _check_block_nesting(lines)
    out, paragraph, first, fence = [], [], 0, None
    for number, line in enumerate(lines, 1):
        if fence is None and _FENCE.match(line):  # a code block opens: its brackets are code
            fence = _FENCE.match(line).group(1)
        elif fence is not None:
            fence = None if line.strip().startswith(fence) else fence
        elif line.strip():
            if not paragraph:
                first = number
            paragraph.append(line)
            continue
        out += _escape_unclosed(paragraph, first) if paragraph else []
        paragraph = []
        out.append(line)
    out += _escape_unclosed(paragraph, first) if paragraph else []
    return "\n".join(out)


def _check_block_nesting(lines: list[str]) -> None:
    """Raise LimitExceeded at the first line whose block quotes and list items (those its own
    markers open, and the list items it is indented under) nest deeper than MAX_NESTING, naming
    the deepest any line reaches."""
    items: list[int] = []  # the content columns of the list items open above
    deepest, first = 0, 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        indent = len(_INDENT.match(line).group(0).expandtabs(4))
        while items and indent < items[-1]:
            items.pop()
        depth = len(items) + _open_containers(line, items)
        if depth > MAX_NESTING and not first:
            first = number
        deepest = max(deepest, depth)
    if first:
        raise LimitExceeded(first, f"block quotes and lists nested {deepest} deep; the limit is {MAX_NESTING}")


def _open_containers(line: str, items: list[int]) -> int:
    """How many block quotes and list items the markers at the start of `line` open; the content
    column of each list item is pushed on `items`."""
    count, at = 0, 0
    while (marker := _CONTAINER.match(line, at)) is not None and marker.end() > at:
        count, at = count + 1, marker.end()
        if ">" not in marker.group(0):
            items.append(len(line[:at].expandtabs(4)))
    return count


def _escape_unclosed(paragraph: list[str], first: int) -> list[str]:
    """A paragraph's lines with each `[` it never closes escaped (`\\[`); LimitExceeded at the
    line where the brackets it does close nest deeper than MAX_BRACKET_DEPTH. Brackets in code,
    autolinks and math, escaped ones and a paragraph indented as code are left alone."""
    text = "\n".join(paragraph)
    if "[" not in text or len(_INDENT.match(text).group(0).expandtabs(4)) >= 4:
        return paragraph
    brackets = list(_brackets(text))
    unclosed = _unclosed(brackets)
    depth, deepest, past = 0, 0, -1
    for at, char in brackets:
        if at in unclosed:
            continue
        if char == "[":
            depth += 1
            deepest = max(deepest, depth)
            past = at if depth > MAX_BRACKET_DEPTH and past < 0 else past
        elif depth:
            depth -= 1
    if past >= 0:
        raise LimitExceeded(first + text.count("\n", 0, past),
                            f"brackets [ … ] nested {deepest} deep; the limit is {MAX_BRACKET_DEPTH} (Pandoc's "
                            f"time doubles with each level)")
    for at in sorted(unclosed, reverse=True):
        text = text[:at] + "\\" + text[at:]
    return text.split("\n")


def _unclosed(brackets: list[tuple[int, str]]) -> set[int]:
    """The offsets of the `[` that no `]` after them closes."""
    still_open: list[int] = []
    for at, char in brackets:
        if char == "[":
            still_open.append(at)
        elif still_open:
            still_open.pop()
    return set(still_open)


def _brackets(text: str):
    """(offset, char) of every bracket outside a _LITERAL_SPAN and not escaped by a backslash."""
    spans = [m.span() for m in _LITERAL_SPAN.finditer(text)] if re.search(r"[`<$]", text) else []
    span = 0
    for match in re.finditer(r"\\.|[\[\]]", text, re.S):
        at = match.start()
        while span < len(spans) and spans[span][1] <= at:
            span += 1
        if match.group(0)[0] == "\\" or (span < len(spans) and spans[span][0] <= at):
            continue
        yield at, match.group(0)


# --- a text's tree, before it is decoded ----------------------------------------------------

_NOT_BRACES = bytes(c for c in range(256) if c not in b'{}"')
_STRING = re.compile(rb'"[^"]*"')
_STEP = bytes.maketrans(b"{}", b"\x02\x00")


def tree_depth(json_text: str) -> int:
    """How deep the elements of Pandoc's JSON nest (a paragraph in a block quote: 2), measured on
    the text, where the JSON decoder would recurse. Each element is one JSON object, so this is the
    depth of the objects below the document's own, counted on their braces outside strings: a
    few milliseconds for the longest text."""
    # Escaped backslashes go first (in `"a\\"` the last quote ends the string), then escaped
    # quotes; what is left of the text is braces and the quotes around strings.
    unescaped = json_text.replace("\\\\", "").replace('\\"', "")
    braces = unescaped.encode("utf-8").translate(None, _NOT_BRACES)
    # Adjacent quotes end one string and start the next, or make an empty one: either way no
    # brace lies between them, so they go first, which leaves the few strings holding a brace.
    braces = _STRING.sub(b"", braces.replace(b'""', b""))
    steps = map(operator.sub, braces.translate(_STEP), repeat(1))
    return max(accumulate(steps), default=1) - 1


def check_tree_depth(json_text: str, limit: int = MAX_NESTING) -> None:
    """Raise LimitExceeded (line unknown: 0) if the elements nest deeper than `limit`."""
    depth = tree_depth(json_text)
    if depth > limit:
        raise LimitExceeded(0, f"block quotes, lists, notes or emphasis nested {depth} deep; the limit is {limit}")

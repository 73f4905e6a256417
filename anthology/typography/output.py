"""Typography that suits only one output, applied to the text of Pandoc's HTML.

The Markdown already carries everything both outputs need (curly quotes, the dash with its
no-break space, no-break spaces in references). What is left depends on the renderer:

- PDF (WeasyPrint, the bundled EB Garamond, which has the glyphs): a hair space between two
  adjacent quote marks (`“‘` reads as three strokes otherwise), and no runt, i.e. a paragraph's
  short last word is tied to the word before so it never sits alone on the last line.
- EPUB: nothing. The reader chooses the font, and older reading systems (Adobe's RMSDK, early
  Kindles) show a hair space or a word joiner they lack as a box; the text is already safe.

Only text between tags is changed, never a tag or an attribute, nor anything inside `<code>`,
`<pre>`, `<script>`, `<style>` or `<head>`.
"""
from __future__ import annotations

import re

from .rules import NBSP

HAIR_SPACE = "\u200a"
OUTPUTS = ("epub", "pdf")

_TOKENS = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_SKIPPED = {"code", "pre", "script", "style", "head", "math", "svg"}
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")

_ADJACENT_QUOTES = re.compile(r"(?<=[“‘])(?=[“‘])|(?<=[”’])(?=[”’])")
# The last space of a paragraph whose last word (with its punctuation) is at most 5 characters.
_RUNT = re.compile(r"(?<=\S) (?=[^\s<>]{1,5}\s*$)")


def _hair_spaces(text: str, closes_paragraph: bool) -> str:
    return _ADJACENT_QUOTES.sub(HAIR_SPACE, text)


def _no_runt(text: str, closes_paragraph: bool) -> str:
    return _RUNT.sub(NBSP, text) if closes_paragraph else text


_RULES = {
    "epub": [],
    "pdf": [_hair_spaces, _no_runt],
}


def for_output(html: str, output: str) -> str:
    """Apply the typography that only `output` ("epub" or "pdf") needs to an HTML body."""
    if output not in OUTPUTS:
        raise ValueError(f"unknown output {output!r}; expected one of {OUTPUTS}")
    rules = _RULES[output]
    if not rules:
        return html
    tokens = _TOKENS.split(html)
    skipping: list[str] = []
    for i, token in enumerate(tokens):
        if i % 2:  # a tag or a comment
            name = _TAG_NAME.match(token)
            if name and name.group(1).lower() in _SKIPPED and not token.endswith("/>"):
                if token.startswith("</"):
                    if skipping and skipping[-1] == name.group(1).lower():
                        skipping.pop()
                else:
                    skipping.append(name.group(1).lower())
            continue
        if skipping or not token:
            continue
        closes_paragraph = i + 1 < len(tokens) and tokens[i + 1].lower() == "</p>"
        for rule in rules:
            token = rule(token, closes_paragraph)
        tokens[i] = token
    return "".join(tokens)

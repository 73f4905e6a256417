"""Keeping Markdown syntax out of reach of the typography rules.

The rules are regular expressions over prose, and prose in Pandoc Markdown is interleaved with
syntax that must survive byte for byte: the `> ` and list markers at the start of a line, note
calls `[^3]`, link targets `](https://…)`, code spans, raw HTML and attribute blocks. Each line is
therefore split into a *prefix* (block markers, never touched) and *content*; inside the content,
every piece of syntax is swapped for one private-use character before the rules run and swapped
back afterwards. The rules never create or delete those characters, so the swap back is exact.

Three kinds of stand-in tell the rules how the hidden piece behaves next to punctuation:

- `NOTE` (a note call) and `TRANSPARENT` (an HTML tag, an attribute block) are invisible: a
  quote before `[^3]` is judged by what comes after the call.
- `OPAQUE` (a link target, a URL, a code span, a backslash escape) behaves like a word.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

TRANSPARENT = "\ue000"
OPAQUE = "\ue001"
NOTE = "\ue002"
STAND_INS = TRANSPARENT + OPAQUE + NOTE

#: Characters that quote rules look through when judging what is on either side of a quote:
#: the stand-ins for invisible syntax, and the asterisks of emphasis.
SEE_THROUGH = TRANSPARENT + NOTE + "*"

_HIDDEN = re.compile(
    r"""
      (?P<note>\[\^[^\]\s]+\])                                  # note call [^3]
    | (?P<code>(?P<ticks>`+).+?(?P=ticks))                       # code span
    | (?P<escape>\\[\\`*_{}\[\]()#+\-.!"'<>|~^$:=@])            # backslash escape
    | (?P<target>\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+"[^"]*")?\))  # link or image target ](url)
    | (?P<reflink>\]\[[^\]]*\])                                  # reference link ][label]
    | (?P<attr>\{(?:[#.=][^}]*|-)\})                             # {#id .class} / {-} / {=html}
    | (?P<autolink><(?:https?|ftp|mailto):[^>\s]*>|<[^@\s<>]+@[^@\s<>]+>)
    | (?P<comment><!--.*?-->)
    | (?P<tag></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)         # raw HTML tag
    | (?P<url>(?:https?://|www\.)[^\s<>"“”]*[^\s<>"“”.,;:!?)\]'’])
    """,
    re.X,
)

_HIDDEN_STARTS = ("[", "]", "`", "\\", "{", "<", "http", "www.")
"""What every piece of syntax `_HIDDEN` finds begins with: a line with none of them hides nothing."""

_KIND_STAND_IN = {
    "note": NOTE,
    "code": OPAQUE,
    "escape": OPAQUE,
    "target": OPAQUE,
    "reflink": OPAQUE,
    "attr": TRANSPARENT,
    "autolink": OPAQUE,
    "comment": TRANSPARENT,
    "tag": TRANSPARENT,
    "url": OPAQUE,
}

# Block-level markers at the start of a line: indentation, block quote `>`, list markers, ATX
# heading hashes, a note definition's label, a line-block bar. Repeated, because they nest
# (`> 1. `).
_PREFIX = re.compile(
    r"""(?:[ \t]*(?:
          >[ \t]?
        | \#{1,6}[ \t]+
        | [-+*][ \t]+(?=\S)
        | (?:\d{1,9}|\#)[.)][ \t]+
        | \[\^[^\]\s]+\]:[ \t]*
        | \|[ \t]+
    ))*[ \t]*""",
    re.X,
)

# Whole lines that are syntax and nothing else.
_THEMATIC_BREAK = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_SYNTAX_ONLY = re.compile(
    r"""^[ \t]*(?:
          :::                                 # fenced div
        | <(?:/?[A-Za-z][^>]*|!--.*)>[ \t]*$  # a line holding only an HTML tag or comment
        | \[[^\]^][^\]]*\]:[ \t]+\S           # link reference definition
        | \|.*\|[ \t]*$                       # pipe table row
        | \.\.\.[ \t]*$ | ---[ \t]*$          # YAML delimiters
    )""",
    re.X,
)


def prose_lines(markdown: str):
    """Yield (line number, prefix, content) for each line that holds prose; other lines give
    prefix None. Lines inside fenced code blocks and syntax-only lines are never prose."""
    fence: str | None = None
    for number, line in enumerate(markdown.split("\n"), 1):
        opener = _FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            yield number, None, line
            continue
        if opener:
            fence = opener.group(1)
            yield number, None, line
            continue
        if not line.strip() or _THEMATIC_BREAK.match(line) or _SYNTAX_ONLY.match(line):
            yield number, None, line
            continue
        prefix = _PREFIX.match(line).group(0)
        yield number, prefix, line[len(prefix):]


_HEADING_MARK = re.compile(r"^.*#{1,6}[ \t]+")


def heading_content(prefix: str, content: str) -> tuple[str, str] | None:
    """For a heading line, its prefix and content with the heading's number in the content
    (`### 1. The Transitional Regime`: the `1. ` is no list marker); None for any other line."""
    mark = _HEADING_MARK.match(prefix)
    if mark is None:
        return None
    return prefix[:mark.end()], prefix[mark.end():] + content


@dataclass
class Masked:
    """A line's content with its syntax hidden behind stand-in characters."""

    text: str
    hidden: list[str]

    @classmethod
    def of(cls, content: str) -> "Masked":
        hidden: list[str] = []
        if not any(start in content for start in _HIDDEN_STARTS):
            return cls(content, hidden)

        def hide(match: re.Match) -> str:
            hidden.append(match.group(0))
            return _KIND_STAND_IN[match.lastgroup if match.lastgroup != "ticks" else "code"]

        text = _HIDDEN.sub(hide, content)
        return cls(text, hidden)

    def reveal(self, text: str, start: int = 0, end: int | None = None, *, shorten: int = 0) -> str:
        """Put the hidden syntax back into `text[start:end]` (`text` is a rewritten `self.text`).

        With `shorten`, a hidden piece longer than that is cut short (for report snippets, where
        a whole URL would drown the change).
        """
        end = len(text) if end is None else end
        span = text[start:end]
        if not any(c in span for c in STAND_INS):
            return span  # nothing hidden here (most lines, most snippets): no need to walk it
        index = sum(text.count(c, 0, start) for c in STAND_INS)
        out = []
        for char in span:
            if char in STAND_INS:
                piece = self.hidden[index]
                if shorten and len(piece) > shorten:
                    piece = piece[: shorten - 1] + "…"
                out.append(piece)
                index += 1
            else:
                out.append(char)
        return "".join(out)

"""Reader for Amusewiki Muse (`.muse`), including files whose line breaks were all lost.

A Muse file opens with `#directive value` lines (title, author, source, notes …), then the body:
blank-line paragraphs, `*`…`*****` heading lines, `[[url][label]]` links, `<em>`/`*emph*`/
`**strong**`, `<quote>` blocks and `[N]` note calls with `[N] text` definitions at the end.

Pandoc reads Muse well once the line structure is right, so this reader's own work is to get the
line structure right and hand the body to Pandoc (`muse` → Pandoc Markdown). A *flattened* file
(everything on one line, directives separated only by spaces) needs its structure recovered:

- a directive's value ends where the next `#word` begins; the last value runs straight into the
  body, so the body start is an editorial anchor (`body_starts`);
- a heading marker (`***`) survives but the end of its title does not: an all-caps title ends
  where mixed case starts; any other title must be listed under `headings` in the editorial file;
- paragraphs come from editorial anchors plus a reported fallback (`sources/repair/paragraphs.py`);
- note definitions, if any, are the run `[1] … [2] …` from the last `[1]` on; each gets a line.

The reader tolerates what Text::Amuse (the Perl parser every Amusewiki library runs) tolerates:
the header is read as Text::Amuse reads it (a line right after a directive continues it), and
`tolerate` makes readable what Pandoc would fail on or drop (a `#name` anchor line, a tag never
closed or closing nothing, a note nothing calls, a secondary note inside a note …), logging each
change and warning at the Muse file's own line.

Muse heading levels are relative (Amusewiki uses `*` part … `****` subsection); the shallowest
level a file uses becomes `##` (the text's own title is added by the pipeline) unless the option
`top_heading_stars` says which level that is. Option `all_caps_headings: title` turns all-caps
headings into title case.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass


from .. import pandoc
from .repair import paragraphs
from ..contracts import Contract, EditorialKey, Option
from ..editorial import find_exactly
from ..errors import EditorialError, SourceError
from ..limits import MAX_NESTING
from ..model import Document
from ..prose import count_words, title_case

DIRECTIVE = re.compile(r"(?:^|(?<=\s))#([A-Za-z][A-Za-z0-9]*)(?=\s|$)")
"""`#title`, `#LISTtitle` …: a hash, a name, then whitespace (a URL's `/#frag` does not qualify)."""

HEADING_LINE = re.compile(r"^(\*{1,5}) +([^*\s].*?)\s*$")
"""`*** Title` at the start of a line (a `* * *` separator is not a heading)."""
STAR_SEPARATOR = re.compile(r"^\s*\*(?: *\*){2,}\s*$")
"""`* * *`: a section break, which Pandoc would read as a heading; written as Muse's `----`."""
FLAT_HEADING_MARK = re.compile(r"(?:^|(?<=\s))(\*{1,5}) (?=\S)")
MUSE_LINK = re.compile(r"\[\[([^\]]+)\](?:\[([^\]]*)\])?\]")
NOTE_DEFINITION_START = re.compile(r"(?:^|(?<=\s))\[(\d+)\] ")
BLOCK_TAG = re.compile(r"\s*(</?(?:quote|verse|center|right|example|biblio|play)>)\s*")
PLAIN_PARAGRAPH = re.compile(r"[^\s<\[;#>|*-]")
"""A paragraph the paragraph rules may split: not a tag, note, comment, list, table or heading."""

LITERAL_TAGS = ("code", "verbatim", "example", "literal", "src", "comment")
"""Tags whose contents are not markup: a tag inside one is text."""
MUSE_TAG = re.compile(r"<(/?)(quote|verse|center|right|div|class|biblio|play|em|strong|strike|del|sup|sub|"
                      + "|".join(LITERAL_TAGS) + r")(?:\s[^<>\n]*)?>")

INLINE_TAGS = frozenset({"em", "strong", "strike", "del", "sup", "sub", "code", "verbatim"})
"""Tags that end with their paragraph in Text::Amuse (an element's string is its paragraph)."""
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")

SINGLE_WORD_DIRECTIVES = frozenset({"lang", "pubdate", "slides", "deleted"})
"""Directives whose value is one word, so a flattened header may end after one without an anchor."""

MAX_PARAGRAPH_WORDS_FLAT = 250
MIN_PARAGRAPH_WORDS = 30

CONTRACT = Contract(
    options=(
        Option("all_caps_headings", "string", "keep", "`title`: set all-capital headings in title case",
               choices=("keep", "title")),
        Option("keep_upper", "list of strings", (), "acronyms to keep in capitals when title-casing"),
        Option("max_paragraph_words", "integer", None,
               "split longer paragraphs at a sentence boundary (logged); 0: never split",
               shown_default=f"{MAX_PARAGRAPH_WORDS_FLAT} for a flattened file, off otherwise"),
        Option("min_paragraph_words", "integer", MIN_PARAGRAPH_WORDS,
               "never split off a paragraph shorter than this"),
        Option("top_heading_stars", "integer", None, "which Muse heading level becomes a chapter (`##`)",
               shown_default="the shallowest level used"),
    ),
    editorial=(
        EditorialKey("body_starts", "string", "the body's first words, where `#notes` (or another directive) runs "
                     "into the body of a flattened file"),
        EditorialKey("headings", "list of strings", "titles of mixed-case headings of a flattened file, whose end "
                     "no rule can find"),
        EditorialKey("paragraphs", "list of strings", "the first words of each paragraph of a flattened file, "
                     "in order"),
    ),
)
"""The options and editorial keys this reader takes (checked by the manifest, listed in docs/manifest.md)."""


@dataclass
class Heading:
    stars: int
    title: str
    where: str


def read(raw: str, *, options: dict, editorial: dict, origin: str) -> Document:
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    flattened = is_flattened(text)
    doc = Document(body="")
    locate = _Locator(text, flattened)
    check_tags(text, origin, locate)

    if flattened:
        body_start = _body_start(text, flattened, editorial, origin, doc, locate)
        directives = parse_directives(text[:body_start], flattened)
    else:
        body_start = muse_header(text)[1]
        if editorial.get("body_starts"):
            body_start = _body_start(text, flattened, editorial, origin, doc, locate)
        directives = header_directives(muse_header(text[:body_start])[0], origin, doc)
    doc.metadata = metadata_from(directives)
    if directives.get("notes"):
        where = locate.find("#notes " + directives["notes"])
        notes = tolerate(directives["notes"], lambda i: where, origin, doc)
        doc.source_note = muse_to_markdown(notes).strip()

    if flattened:
        body = _unflatten_body(text[body_start:])
    else:
        first_line = text.count("\n", 0, body_start) + 1
        body = tolerate(text[body_start:], lambda i: f"line {first_line + i}", origin, doc)
    body = _insert_paragraph_anchors(body, editorial.get("paragraphs") or [], origin, doc, locate)
    blocks = _flat_blocks(body, editorial, origin, doc, locate) if flattened else _line_blocks(body, locate)

    max_words = options.get("max_paragraph_words", MAX_PARAGRAPH_WORDS_FLAT if flattened else None)
    if max_words:
        min_words = options.get("min_paragraph_words", MIN_PARAGRAPH_WORDS)
        blocks = [b if isinstance(b, Heading) else _split_long(b, max_words, min_words, doc, locate) for b in blocks]
    if options.get("all_caps_headings", CONTRACT.default("all_caps_headings")) == "title":
        keep_upper = set(options.get("keep_upper") or [])
        for block in blocks:
            if isinstance(block, Heading) and is_all_caps(block.title):
                new = title_case(block.title, keep_upper=keep_upper)
                doc.log("muse-heading-case", block.title, new, block.where)
                block.title = new

    muse_text = render_muse(blocks, options.get("top_heading_stars"))
    if flattened:
        # the rules see the structure recovered, and name places by the raw file's characters
        lines = muse_text.split("\n")
        muse_text = tolerate(muse_text, lambda i: locate.find(lines[i]), origin, doc)
    doc.body = muse_to_markdown(muse_text)
    return doc


def is_flattened(text: str) -> bool:
    """A Muse file whose newlines were lost: one line, several directives in a row at its start."""
    stripped = text.strip()
    return "\n" not in stripped and stripped.startswith("#") and len(DIRECTIVE.findall(stripped[:2000])) >= 2


class _Locator:
    """Turns a snippet of the body into a place in the raw file (`char N` or `line N`)."""

    def __init__(self, text: str, flattened: bool):
        self.text, self.flattened = text, flattened

    def at(self, offset: int) -> str:
        return f"char {offset}" if self.flattened else f"line {self.text.count(chr(10), 0, offset) + 1}"

    def find(self, snippet: str) -> str:
        words = snippet.split()
        for n in (8, 4, 2):
            i = self.text.find(" ".join(words[:n]))
            if words and i >= 0:
                return self.at(i)
        return ""


def check_tags(text: str, origin: str, locate: _Locator) -> None:
    """Refuse, before Pandoc reads the text, tags nested deeper than MAX_NESTING (Pandoc's time
    grows with the square of the depth), naming the line. A tag never closed, or closing nothing,
    is the tolerance rules' business (`tolerate`), as it is Text::Amuse's."""
    still_open: list[tuple[str, int]] = []
    literal: tuple[str, int] | None = None
    deepest, past = 0, None
    breaks = [m.start() for m in PARAGRAPH_BREAK.finditer(text)]
    paragraph = 0
    for tag in MUSE_TAG.finditer(text):
        closing, name = tag.group(1) == "/", tag.group(2)
        if bisect.bisect(breaks, tag.start()) != paragraph:
            # an inline tag ends with its paragraph (Text::Amuse): one left open is not nesting
            paragraph = bisect.bisect(breaks, tag.start())
            still_open = [item for item in still_open if item[0] not in INLINE_TAGS]
        if literal is not None:
            literal = None if closing and name == literal[0] else literal
        elif not closing and name in LITERAL_TAGS:
            literal = (name, tag.start())
        elif not closing:
            still_open.append((name, tag.start()))
            deepest = max(deepest, len(still_open))
            past = past or (still_open[-1] if len(still_open) > MAX_NESTING else None)
        elif name in (opened for opened, _ in still_open):
            while still_open.pop()[0] != name:
                pass
    if past is not None:
        raise SourceError(f"{_place(origin, locate, past[1])}: <{past[0]}> and the tags around it nested {deepest} "
                          f"deep; the limit is {MAX_NESTING}")


def _place(origin: str, locate: _Locator, offset: int) -> str:
    """`texts/x.muse:LINE`, or `texts/x.muse: char N` in a file that lost its line breaks."""
    where = locate.at(offset)
    return f"{origin}: {where}" if locate.flattened else f"{origin}:{where.removeprefix('line ')}"


def _body_start(text: str, flattened: bool, editorial: dict, origin: str, doc: Document, locate: _Locator) -> int:
    """Where the body begins: the editorial `body_starts` anchor, or after the directive lines."""
    anchor = editorial.get("body_starts")
    if anchor:
        (start,) = find_exactly(text, anchor, what="body_starts entry", origin=origin)
        last_directive = list(DIRECTIVE.finditer(text[:start]))
        if flattened and last_directive:
            before = text[last_directive[-1].start(): start].strip()
            doc.log("muse-body-start", f"…{before[-40:]} {anchor}", f"…{before[-40:]} ¶ {anchor}", locate.at(start))
        return start
    if not flattened:
        offset = 0
        for line in text.split("\n"):
            if line.strip() and not DIRECTIVE.match(line):
                break
            offset += len(line) + 1
        return min(offset, len(text))
    matches = list(DIRECTIVE.finditer(text))
    last = matches[-1]
    if last.group(1).lower() in SINGLE_WORD_DIRECTIVES:
        value = re.match(r"\s*\S+\s*", text[last.end():])
        start = last.end() + value.end()
        directive, opening = text[last.start(): start].strip(), text[start: start + 30]
        doc.log("muse-body-start", f"{directive} {opening}…", f"{directive} ¶ {opening}…", locate.at(start))
        return start
    raise SourceError(
        f"{origin}: this Muse file has lost its line breaks and the value of #{last.group(1)} runs into "
        "the body; give the body's first words as `body_starts:` in the editorial file"
    )


def parse_directives(header: str, flattened: bool) -> dict[str, str]:
    """`#key value` pairs in the order given: one a line, or, flattened, each value running
    until the next directive."""
    if not flattened:
        pairs = (re.match(r"#(\S+)\s*(.*)", line) for line in header.split("\n") if line.startswith("#"))
        return {m.group(1): m.group(2).strip() for m in pairs}
    matches = list(DIRECTIVE.finditer(header))
    out = {}
    for m, nxt in zip(matches, matches[1:] + [None]):
        value = header[m.end(): nxt.start() if nxt else len(header)]
        out[m.group(1)] = " ".join(value.split())
    return out


def metadata_from(directives: dict[str, str]) -> dict:
    """Directives by lower-case name, links flattened to their labels; `source_url` kept apart."""
    meta = {}
    for key, value in directives.items():
        name = key.lower()
        urls = [m.group(1) for m in MUSE_LINK.finditer(value)]
        meta[name] = MUSE_LINK.sub(lambda m: m.group(2) or m.group(1), value)
        if name == "source" and urls:
            meta["source_url"] = urls[0]
        if name == "sorttopics":
            meta["topics"] = [t.strip() for t in value.split(",") if t.strip()]
    return meta


def _insert_paragraph_anchors(body: str, anchors: list[str], origin: str, doc: Document, locate: _Locator) -> str:
    breaks = paragraphs.anchor_breaks(body, anchors, origin=origin, what="paragraphs entry")
    for brk in breaks:
        doc.log("muse-paragraph-anchor", paragraphs.context_before(body, brk.offset),
                paragraphs.context_after(body, brk.offset), locate.find(body[brk.offset: brk.offset + 60]))
    return paragraphs.apply_breaks(body, breaks)


def _flat_blocks(body: str, editorial: dict, origin: str, doc: Document, locate: _Locator) -> list:
    """Split a flattened body at its heading markers, finding where each title ends."""
    titles = list(editorial.get("headings") or [])
    used = {title: 0 for title in titles}
    marks = list(FLAT_HEADING_MARK.finditer(body))
    blocks: list = [body[: marks[0].start()] if marks else body]
    for mark, nxt in zip(marks, marks[1:] + [None]):
        rest = body[mark.end(): nxt.start() if nxt else len(body)]
        where = locate.find(body[mark.start(): mark.start() + 60])
        title = next((t for t in titles if rest.startswith(t) and rest[len(t): len(t) + 1] in ("", " ", "\n")), None)
        if title is not None:
            used[title] += 1
        else:
            title = all_caps_prefix(rest)
        if not title:
            raise EditorialError(
                f"{origin}: heading at {where} ({rest[:50]!r}…): nothing marks where its title ends; "
                "list the title under `headings:` in the editorial file"
            )
        following = rest[len(title):].strip()
        opening = " ".join(following[:30].split())
        doc.log("muse-heading-end", f"{mark.group(1)} {title} {opening}…", f"{mark.group(1)} {title} ¶ {opening}…", where)
        blocks += [Heading(len(mark.group(1)), title, where), following]
    for title, n in used.items():
        if n != 1:
            raise EditorialError(f"{origin}: headings entry {title!r} starts {n} heading(s), expected 1; fix the entry")
    return [b for b in blocks if not (isinstance(b, str) and not b.strip())]


def _line_blocks(body: str, locate: _Locator) -> list:
    """Split a normal multi-line body into heading lines and the Muse text between them."""
    blocks: list = []
    chunk: list[str] = []
    for line in body.split("\n"):
        m = HEADING_LINE.match(line)
        if STAR_SEPARATOR.match(line):
            chunk.append("----")
        elif m:
            blocks.append("\n".join(chunk))
            chunk = []
            blocks.append(Heading(len(m.group(1)), m.group(2), locate.find(line)))
        else:
            chunk.append(line)
    blocks.append("\n".join(chunk))
    return [b for b in blocks if not (isinstance(b, str) and not b.strip())]


def all_caps_prefix(rest: str) -> str:
    """The all-caps words at the start of `rest`, up to where mixed case starts.

    A trailing one-letter "A" or "I" belongs to the sentence that follows (``CONCLUSION I think``).
    Returns "" when the title is not all caps.
    """
    words = []
    for word in rest.split(" "):
        if not word or any(c.islower() for c in word) or "\n" in word:
            break
        words.append(word)
    while words and words[-1] in ("A", "I"):
        words.pop()
    title = " ".join(words)
    return title if sum(c.isupper() for c in title) >= 2 else ""


def is_all_caps(title: str) -> bool:
    return not any(c.islower() for c in title) and sum(c.isupper() for c in title) >= 2


def _unflatten_body(body: str) -> str:
    """Put a flattened body's block tags (`<quote>` …) and note definitions back on lines of their own.

    The definitions are the run `[1] … [2] … [k]` that starts at the last `[1]` of the text, provided
    an earlier `[1]` (the call) exists.
    """
    chunk = BLOCK_TAG.sub(lambda m: f"\n\n{m.group(1)}\n\n", body).strip()
    starts = list(NOTE_DEFINITION_START.finditer(chunk))
    ones = [m for m in starts if m.group(1) == "1"]
    if not ones or chunk.count("[1]") < 2:
        return chunk
    run, expected = [], 1
    for m in starts:
        if m.start() >= ones[-1].start() and int(m.group(1)) == expected:
            run.append(m.start())
            expected += 1
    pieces, last = [], 0
    for start in run:
        pieces.append(chunk[last:start].rstrip())
        last = start
    pieces.append(chunk[last:])
    return "\n\n".join(p for p in pieces if p)


def _split_long(chunk: str, max_words: int, min_words: int, doc: Document, locate: _Locator) -> str:
    """Apply the fallback split to every plain paragraph of `chunk` that is over `max_words`."""
    out = []
    for para in re.split(r"\n[ \t]*\n", chunk):
        if PLAIN_PARAGRAPH.match(para) and count_words(para) > max_words:
            flat = " ".join(para.split())
            breaks = paragraphs.long_paragraph_breaks(flat, max_words=max_words, min_words=min_words)
            for brk in breaks:
                doc.log(f"para-split-{brk.reason}", paragraphs.context_before(flat, brk.offset),
                        paragraphs.context_after(flat, brk.offset), locate.find(flat[brk.offset: brk.offset + 60]))
            para = paragraphs.apply_breaks(flat, breaks) if breaks else para
        out.append(para)
    return "\n\n".join(out)


def render_muse(blocks: list, top_stars: int | None = None) -> str:
    """Blocks back to multi-line Muse, headings shifted so the top level becomes `**` (→ `##`)."""
    levels = [b.stars for b in blocks if isinstance(b, Heading)]
    top = top_stars or (min(levels) if levels else 1)
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append("*" * max(2, min(5, block.stars - top + 2)) + " " + block.title)
        else:
            out.append(block.strip("\n"))
    return "\n\n".join(out) + "\n"


def muse_to_markdown(muse: str) -> str:
    """Convert Muse to Pandoc Markdown, one line per paragraph, typography left as it is."""
    # Both formats are Pandoc's own: checking them would cost two more Pandoc runs per call.
    if muse.lstrip().startswith("#"):
        # Pandoc reads `#…` at a document's start as a directive and fails on one it cannot
        # parse (`#one_two`, `#{x}`); the body has no directives (Text::Amuse), so it is text.
        muse = re.sub(r"^(\s*)#", r"\1<verbatim>#</verbatim>", muse, count=1)
    md = pandoc.convert(muse, "markdown-smart", from_format="muse", args=["--wrap=none"])
    # not .strip(): a code block that opens the text keeps its indent
    return _unescape_literal_brackets(md).lstrip("\n").rstrip() + "\n"


def _unescape_literal_brackets(md: str) -> str:
    r"""Pandoc escapes every bracket (`\[there must be\]`); a bracketed gloss that cannot be read as
    a link, note or citation needs no escape, and an editor reading the Markdown should not see one."""
    return re.sub(r"\\\[([^\[\]\\^@\n][^\[\]\\\n]*)\\\](?![(\[{:])", r"[\1]", md)


# --- What Text::Amuse tolerates -------------------------------------------------------------------
# Text::Amuse (Marco Pessotto's Perl parser, which every Amusewiki library runs) reads past almost
# anything; Pandoc's Muse reader fails on some of it, loops on some, and silently drops some. Each
# rule below does what Text::Amuse does, or, where Text::Amuse hides words, keeps them; each change
# is logged and warned about at the Muse file's own line.

AMUSE_DIRECTIVE = re.compile(r"^#([A-Za-z0-9_-]+)(?:\s+(.+))?$")
"""A header line as Text::Amuse reads it (Document.pm): `_` and `-` are dropped from the name."""
ANCHOR = re.compile(r"^(\s*)#([A-Za-z][A-Za-z0-9-]+) *")
"""`#name` at a body line's start: an anchor for `[[#name]]` links (Text::Amuse), not a directive."""
ANCHOR_LINK = re.compile(r"\[\[#([^\]\[]*)\](?:\[([^\]]*)\])?\]")
BLOCK_LINE = re.compile(r"^\s*<(/?)(quote|center|right|biblio|play|verse|example|comment|src|literal)(\s[^<>]*)?>\s*$")
"""A block tag alone on its line (Text::Amuse knows block tags only there)."""
LOOSE_BLOCKS = frozenset({"quote", "center", "right", "biblio", "play"})
"""Blocks Text::Amuse closes at the next heading, or at the end, when they are never closed."""
GREEDY_BLOCKS = frozenset({"verse", "example", "src"})
"""Blocks whose lines are taken as they are until the closing tag (Text::Amuse: to the end)."""
HIDDEN_BLOCKS = frozenset({"comment", "literal"})
INLINE_TAG = re.compile(r"<(/?)(em|strong|strike|del|sup|sub|code|verbatim|sc|sf|\[[a-z-]+\])>")
SPAN_TAGS = ("verbatim", "code")
"""Inline tags whose content is taken as it is, up to the first closing tag (Text::Amuse)."""
UNSUPPORTED_INLINE = re.compile(r"^(sc|sf|\[[a-z-]+\])$")
"""Small caps, sans serif, a language switch: Text::Amuse's own, shown by Pandoc as text."""
BR_ALONE = re.compile(r"^\s*<br\s*/?>\s*$")
NOTE_LINE = re.compile(r"^(\[([1-9][0-9]*)\]|\{([1-9][0-9]*)\})[ \t]+\S")
NOTE_CALL = re.compile(r"\[([1-9][0-9]*)\]|\{([1-9][0-9]*)\}")
GH_TABLE_ROW = re.compile(r"^\|+(?: +|\+)")
GH_TABLE_RULE = re.compile(r"^[|+\- :]+$")


AMUSEWIKI_DIRECTIVES = frozenset("""
    title subtitle author authors listtitle sorttitle sortauthors sorttopics topics cat date source lang
    pubdate notes teaser cover coverwidth nocoverpage notoc nofinalpage impressum continuefootnotes
    centerchapter centersection slides deleted isbn publisher rights seriesname seriesnumber
    hyphenation sku uid blob attach colophon mainfont sansfont monofont fontsize papersize
    disabletables""".split())
"""Directives Amusewiki's libraries use (the Muse manual, Text::Amuse); another is kept, with a warning."""


def muse_header(text: str) -> tuple[list[list], int]:
    """The header as Text::Amuse reads it: `(entries, body_offset)`, each entry `[name, value,
    line, continuation lines]`. A line that is neither blank nor a directive continues the
    directive above it; after a blank line it starts the body, as does a heading line."""
    entries: list[list] = []
    offset, last = 0, None
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.rstrip()
        directive = AMUSE_DIRECTIVE.match(stripped)
        if not stripped:
            last = None
        elif directive:
            last = [directive.group(1), directive.group(2) or "", number, []]
            entries.append(last)
        elif last is not None and not HEADING_LINE.match(stripped):
            # Text::Amuse would add even a heading to the directive; here it starts the body
            last[3].append((number, stripped.strip()))
        else:
            break
        offset += len(line) + 1
    return entries, min(offset, len(text))


def header_directives(entries: list[list], origin: str, doc: Document) -> dict[str, str]:
    """The header's directives by name, each continuation line joined to its value (logged)."""
    directives: dict[str, str] = {}
    for raw_name, value, line, continued in entries:
        name = re.sub(r"[_-]", "", raw_name)
        if not name:
            doc.log("muse-directive-empty", f"#{raw_name} {value}".strip(), "", f"line {line}")
            doc.warnings.append(f"{origin}:{line}: #{raw_name} names no directive; dropped, as Text::Amuse does")
            continue
        if continued:
            joined = " ".join(" ".join([value, *(text for _, text in continued)]).split())
            doc.log("muse-directive-continued", f"#{raw_name} {value} ¶ {continued[0][1]}", f"#{name} {joined}",
                    f"line {continued[0][0]}")
            doc.warnings.append(f"{origin}:{continued[0][0]}: this line continues #{raw_name} (no blank line "
                                "before it), so it is part of that directive's value, as in Text::Amuse")
            value = joined
        if name.lower() not in AMUSEWIKI_DIRECTIVES:
            doc.warnings.append(f"{origin}:{line}: #{raw_name} is not a directive Amusewiki knows; kept in the "
                                "metadata, not in the text (Text::Amuse reads every #word line before the body "
                                "as a directive)")
        directives[name] = value.strip()
    return directives


class _Tolerance:
    """The body's lines, changed in place by the rules; a line may grow into several (a closing
    tag put after it), so that every line keeps its place in the raw file for the warnings."""

    def __init__(self, body: str, place, origin: str, doc: Document):
        self.lines = body.split("\n")
        self.place, self.origin, self.doc = place, origin, doc
        self.literal = [False] * len(self.lines)

    def change(self, rule: str, index: int, new: str, why: str) -> None:
        where = self.place(index)
        self.doc.log(rule, self.lines[index].strip(), (new or "").strip(), where)
        self.doc.warnings.append(f"{self.warn_place(where)}: {why}")
        self.lines[index] = new

    def warn(self, index: int, why: str) -> None:
        self.doc.warnings.append(f"{self.warn_place(self.place(index))}: {why}")

    def warn_place(self, where: str) -> str:
        return f"{self.origin}:{where.removeprefix('line ')}" if where.startswith("line ") else \
            f"{self.origin}: {where}" if where else self.origin

    def text(self) -> str:
        return "\n".join(line for line in self.lines if line is not None)


def tolerate(body: str, place, origin: str, doc: Document) -> str:
    """The Muse body with what Pandoc cannot read (or would drop) made readable the way
    Text::Amuse reads it; `place(i)` names line `i` of `body` in the raw file (`line N`)."""
    t = _Tolerance(body, place, origin, doc)
    _balance_blocks(t)
    for index, line in enumerate(t.lines):
        if t.literal[index]:
            continue
        anchor = ANCHOR.match(line)
        if anchor:
            rest = line[anchor.end():]
            t.change("muse-anchor", index, anchor.group(1) + rest if rest.strip() else "",
                     f"#{anchor.group(2)} at a line's start in the body is an anchor (Text::Amuse), not a "
                     "directive; removed" + (", the rest of the line kept" if rest.strip() else ""))
        elif BR_ALONE.match(line) and not (_has_words(t, index - 1) and _has_words(t, index + 1)):
            # between two lines of a paragraph it breaks the line; opening or closing one, nothing
            t.change("muse-br-alone", index, "", "a <br> alone on its line, at a paragraph's start or end, "
                     "breaks no line; removed")
    _unlink_anchors(t)
    _balance_inline(t)
    _pipe_tables(t)
    _notes(t)
    return t.text()


def _has_words(t: _Tolerance, index: int) -> bool:
    return 0 <= index < len(t.lines) and bool(t.lines[index].strip()) and not BR_ALONE.match(t.lines[index])


def _balance_blocks(t: _Tolerance) -> None:
    """Block tags on lines of their own: a stray closing tag is removed and an open one closed
    at the next heading or the end (Text::Amuse's pile, Document.pm); `<src>` becomes
    `<example>` and `<literal>` and a never-closed `<comment>` are dropped, their lines kept."""
    tags = [(i, m.group(1) == "/", m.group(2)) for i, m in ((i, BLOCK_LINE.match(line)) for i, line in enumerate(t.lines))
            if m]
    stack: list[tuple[str, int]] = []
    greedy_until, verbatim = -1, False
    for i, line in enumerate(t.lines):
        if i <= greedy_until:
            # a verse's lines are still read for notes and tags; an example's, a comment's are not
            t.literal[i] = verbatim and (i < greedy_until or closed_at_end)
            continue
        tag = BLOCK_LINE.match(line)
        if HEADING_LINE.match(line) and not STAR_SEPARATOR.match(line):
            _close_loose(t, stack, i, "before the heading on the next line")
            continue
        if not tag:
            continue
        closing, name = tag.group(1) == "/", tag.group(2)
        if not closing and name in GREEDY_BLOCKS | HIDDEN_BLOCKS:
            end = next((j for j, shut, other in tags if j > i and shut and other == name), None)
            if end is None and name in ("comment", "literal"):
                t.change(f"muse-{name}-unclosed", i, "", f"<{name}> is never closed: Text::Amuse would hide "
                         "all that follows; the tag is removed and the text kept")
                continue
            if end is None:
                end = next((j for j in range(i + 1, len(t.lines)) if HEADING_LINE.match(t.lines[j])
                            and not STAR_SEPARATOR.match(t.lines[j])), len(t.lines))
                if not any(t.lines[j].strip() for j in range(i + 1, end)):
                    t.change("muse-block-unclosed", i, "", f"<{name}> is never closed and holds nothing; removed")
                    continue
                shut = "example" if name == "src" else name
                t.lines[end - 1] += f"\n</{shut}>"
                t.doc.log("muse-block-unclosed", f"<{name}> …", f"<{name}> … </{name}>", t.place(i))
                t.warn(i, f"<{name}> is never closed; closed at the end of its section"
                       + (" (Text::Amuse runs it to the end of the text)" if name != "src" else ""))
                end, closed_at_end = end - 1, True
            else:
                closed_at_end = False
                if name == "src":
                    t.change("muse-src", end, "</example>", "<src> is not a Text::Amuse tag; read as <example>")
                elif name == "literal":
                    t.change("muse-literal", end, "", "</literal> removed: Text::Amuse shows <literal> as text")
            if name == "src":
                t.change("muse-src", i, "<example>", "<src> is not a Text::Amuse tag; read as <example>")
            elif name == "literal":
                t.change("muse-literal", i, "", "<literal> removed (its lines kept): Text::Amuse shows it as "
                         "text and raw HTML is not let into the book")
            greedy_until = end if name != "literal" else -1
            verbatim = name in ("example", "src", "comment")
            continue
        if not closing:
            stack.append((name, i))
        elif name in (opened for opened, _ in stack):
            while stack[-1][0] != name:
                _close_loose(t, [stack.pop()], i, "before the closing tag on the next line")
            stack.pop()
        else:
            t.change("muse-block-stray", i, "", f"</{name}> closes nothing; removed, as Text::Amuse does")
    _close_loose(t, stack, len(t.lines), "at the end of the text")


def _close_loose(t: _Tolerance, stack: list[tuple[str, int]], before: int, where: str) -> None:
    while stack:
        name, opened = stack.pop()
        t.lines[before - 1] += f"\n</{name}>"
        t.doc.log("muse-block-unclosed", f"<{name}> …", f"<{name}> … </{name}>", t.place(opened))
        t.warn(opened, f"<{name}> is never closed; closed {where}, as Text::Amuse does")


def _unlink_anchors(t: _Tolerance) -> None:
    """A `[[#name][label]]` link goes to an anchor the anchor rule removed: its label is kept."""
    for index, line in enumerate(t.lines):
        if not t.literal[index] and ANCHOR_LINK.search(line):
            new = ANCHOR_LINK.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(1), line)
            t.change("muse-anchor-link", index, new, "a link to an anchor in the text (#…) kept as its words")


def _paragraphs(t: _Tolerance):
    """Runs of line indexes that Text::Amuse reads as one element (inline tags end with it)."""
    run: list[int] = []
    for index, line in enumerate(t.lines):
        if t.literal[index] or not line.strip() or BLOCK_LINE.match(line):
            if run:
                yield run
            run = []
            continue
        if run and (HEADING_LINE.match(line) or NOTE_LINE.match(line)):
            yield run
            run = []
        run.append(index)
    if run:
        yield run


def _balance_inline(t: _Tolerance) -> None:
    """Within a paragraph an inline tag with no partner is removed (Text::Amuse leaves it as text;
    Pandoc reads an unclosed <code> or <verbatim> to the end of the text and fails), and tags
    Pandoc does not know are removed from around their words."""
    for run in _paragraphs(t):
        for index in run:
            line, removed = t.lines[index], []
            opened: dict[str, list[int]] = {}
            spans: list[tuple[int, int]] = []
            pending: list[tuple[int, int, str]] = []  # (start, end, why) of tags to remove
            tags = list(INLINE_TAG.finditer(line))
            k = 0
            while k < len(tags):
                tag = tags[k]
                closing, name = tag.group(1) == "/", tag.group(2)
                if not closing and name in SPAN_TAGS:
                    end = next((n for n in range(k + 1, len(tags)) if tags[n].group(0) == f"</{name}>"), None)
                    if end is None:
                        pending.append((tag.start(), tag.end(), f"<{name}> is never closed in its paragraph"))
                        k += 1
                    else:
                        spans.append((tag.start(), tags[end].end()))
                        k = end + 1
                    continue
                if closing and name in SPAN_TAGS:
                    pending.append((tag.start(), tag.end(), f"</{name}> closes nothing"))
                elif UNSUPPORTED_INLINE.match(name):
                    pending.append((tag.start(), tag.end(), f"{tag.group(0)} is not read by Pandoc"))
                elif not closing:
                    opened.setdefault(name, []).append(len(pending))
                    pending.append((tag.start(), tag.end(), ""))
                elif opened.get(name):
                    pending[opened[name].pop()] = None  # matched: kept
                else:
                    pending.append((tag.start(), tag.end(), f"</{name}> closes nothing"))
                k += 1
            for slot in (s for stack in opened.values() for s in stack):
                start, end, _ = pending[slot]
                pending[slot] = (start, end, f"<{line[start + 1: end - 1]}> is never closed in its paragraph")
            cuts = sorted((p for p in pending if p is not None), reverse=True)
            if not cuts:
                continue
            new = line
            for start, end, why in cuts:
                new = new[:start] + new[end:]
                removed.append(why)
            t.change("muse-inline-tag", index, new, "; ".join(reversed(removed)) + ": tag removed, words kept "
                     "(Text::Amuse shows such a tag as text)")


def _pipe_tables(t: _Tolerance) -> None:
    """`| a | b |` rows (Text::Amuse reads them as a table, Pandoc as text) become Muse rows
    ` a | b`, the row above a `|---+---|` rule a header row (` a || b`); the rule goes."""
    index = 0
    while index < len(t.lines):
        if t.literal[index] or not GH_TABLE_ROW.match(t.lines[index]):
            index += 1
            continue
        end = index
        while end < len(t.lines) and t.lines[end].startswith("|"):
            end += 1
        rows = range(index, end)
        rules = [i for i in rows if GH_TABLE_RULE.match(t.lines[i])]
        for i in rows:
            cells = [c.strip() for c in t.lines[i].strip().strip("|").split("|")]
            if i in rules:
                # gone, not blank: a blank line would end the table
                t.change("muse-pipe-table", i, None, "a table's rule line |---| removed (Muse tables have none)")
            else:
                header = bool(rules) and i < rules[0]
                t.change("muse-pipe-table", i, " " + (" || " if header else " | ").join(cells),
                         "a table row | a | b | written as Muse's  a | b")
        index = end


def _notes(t: _Tolerance) -> None:
    """Note calls and definitions: a definition nothing calls stays a paragraph (Pandoc drops
    it); a call with no definition stays as text (as in Text::Amuse) and is warned about; a
    secondary note `{N}` called inside a note (Pandoc cannot nest notes) is put at that note's end."""
    defined: dict[str, list[int]] = {}
    calls: dict[str, list[int]] = {}
    for index, line in enumerate(t.lines):
        if t.literal[index] or line is None:
            continue
        head = NOTE_LINE.match(line)
        if head:
            defined.setdefault(head.group(1), []).append(index)
        for call in NOTE_CALL.finditer(line, head.end(1) if head else 0):
            calls.setdefault(call.group(0), []).append(index)
    blocks = {mark: _note_block(t, indexes[0]) for mark, indexes in defined.items()}
    for mark, indexes in sorted(defined.items(), key=lambda item: item[1][0]):
        index = indexes[0]
        outer = [m for m, block in blocks.items() if m.startswith("[") and m != mark
                 and any(i in block for i in calls.get(mark, []))]
        body_calls = [i for i in calls.get(mark, []) if not any(i in blocks[m] for m in outer)]
        if mark.startswith("{") and outer and not body_calls:
            host = blocks[outer[0]]
            text = " ".join(t.lines[i].strip() for i in blocks[mark])
            for i in blocks[mark]:
                t.lines[i] = ""
            for i in host:
                t.lines[i] = t.lines[i].replace(mark, f"<verbatim>{mark}</verbatim>")
            t.lines[host[-1]] += f" <verbatim>{mark}</verbatim>{text[len(mark):]}"
            t.doc.log("muse-secondary-note", text, f"{outer[0]} … {mark}{text[len(mark):]}", t.place(index))
            t.warn(index, f"secondary note {mark} is called inside note {outer[0]}, and a note cannot hold a "
                   "note: its text is put at the end of that note, after its mark")
        elif not calls.get(mark):
            t.change("muse-note-uncalled", index, f"<verbatim>{mark}</verbatim>{t.lines[index][len(mark):]}",
                     f"note {mark} is never called: its text is kept as a paragraph (Pandoc would drop it)")
    for mark, indexes in calls.items():
        if mark not in defined:
            t.warn(indexes[0], f"{mark} looks like a note call but no note {mark} is defined; kept as text, "
                   "as in Text::Amuse")


def _note_block(t: _Tolerance, index: int) -> list[int]:
    """The lines of the note defined at `index`: it and the lines up to a blank line."""
    block = [index]
    while block[-1] + 1 < len(t.lines) and (t.lines[block[-1] + 1] or "").strip() and \
            not NOTE_LINE.match(t.lines[block[-1] + 1]) and not t.literal[block[-1] + 1]:
        block.append(block[-1] + 1)
    return block


REASONS = {
    "muse-body-start": "where the body of a flattened file begins (editorial body_starts, or after the directives)",
    "muse-heading-end": "where a heading's title ends in a flattened file (an all-caps title: where mixed case starts)",
    "muse-heading-case": "an all-caps heading set in title case (option all_caps_headings: title)",
    "muse-paragraph-anchor": "a paragraph break a flattened file lost, at an editorial anchor (its first words)",
    "para-split-cue": "a paragraph too long, split at a sentence that often turns an argument (Thus, Hence); a guess",
    "para-split-balance": "a paragraph too long, split at the sentence nearest its middle; a guess",
    "muse-directive-continued": "a header line after a directive, with no blank line between, continues its value "
                                "(Text::Amuse)",
    "muse-directive-empty": "a header line `#---` names no directive; dropped, as Text::Amuse drops it",
    "muse-anchor": "`#name` at a body line's start is an anchor (Text::Amuse), not text; removed, the line's words kept",
    "muse-anchor-link": "a link to an anchor in the text, whose anchor is removed, kept as its words",
    "muse-br-alone": "a <br> alone on its line only adds vertical space; removed",
    "muse-block-stray": "a closing block tag that closes nothing; removed, as Text::Amuse removes it",
    "muse-block-unclosed": "a block tag never closed, closed at the next heading or the end (Text::Amuse's rule)",
    "muse-comment-unclosed": "a <comment> never closed, which would hide the rest of the text; the tag removed",
    "muse-literal-unclosed": "a <literal> never closed; the tag removed, the text kept",
    "muse-literal": "<literal> tags removed, their text kept (no raw HTML in the book; Text::Amuse shows it as text)",
    "muse-src": "<src> (Emacs Muse, unknown to Text::Amuse and Pandoc) read as <example>",
    "muse-inline-tag": "an inline tag with no partner in its paragraph, or one Pandoc cannot read; removed, words kept",
    "muse-pipe-table": "a `| a | b |` table row (Text::Amuse reads it as a table) written as a Muse table row",
    "muse-secondary-note": "a secondary note {N} called inside a note, put at that note's end (notes cannot nest)",
    "muse-note-uncalled": "a note nothing calls, kept as a paragraph (Pandoc would drop its text)",
}
"""The one-line reason of each change this reader logs, for the cleaning report."""

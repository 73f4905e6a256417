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

Muse heading levels are relative (Amusewiki uses `*` part … `****` subsection); the shallowest
level a file uses becomes `##` (the text's own title is added by the pipeline) unless the option
`top_heading_stars` says which level that is. Option `all_caps_headings: title` turns all-caps
headings into title case.
"""
from __future__ import annotations

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
MUST_CLOSE = frozenset({"code", "verbatim", "verse", "class"})
"""Tags Pandoc cannot read past when they are never closed: it stops at the end of the text
(`<code>`, `<verbatim>`, `<class>`) or, for a `<verse>` on a line of its own, loops, eating memory."""

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

    body_start = _body_start(text, flattened, editorial, origin, doc, locate)
    directives = parse_directives(text[:body_start], flattened)
    doc.metadata = metadata_from(directives)
    if directives.get("notes"):
        doc.source_note = muse_to_markdown(directives["notes"]).strip()

    body = _unflatten_body(text[body_start:]) if flattened else text[body_start:]
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

    doc.body = muse_to_markdown(render_muse(blocks, options.get("top_heading_stars")))
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
    """Refuse, before Pandoc reads the text, a tag of MUST_CLOSE that is never closed and tags
    nested deeper than MAX_NESTING (Pandoc's time grows with the square of the depth), naming the
    line. A closing tag that closes nothing is left to Pandoc, which shows it as text."""
    still_open: list[tuple[str, int]] = []
    literal: tuple[str, int] | None = None
    deepest, past = 0, None
    for tag in MUSE_TAG.finditer(text):
        closing, name = tag.group(1) == "/", tag.group(2)
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
    unclosed = [item for item in [*still_open, literal] if item is not None and item[0] in MUST_CLOSE]
    if unclosed:
        name, at = min(unclosed, key=lambda item: item[1])
        raise SourceError(f"{_place(origin, locate, at)}: <{name}> is opened here and never closed; close it "
                          f"with </{name}>")
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
    md = pandoc.convert(muse, "markdown-smart", from_format="muse", args=["--wrap=none"])
    return _unescape_literal_brackets(md).strip() + "\n"


def _unescape_literal_brackets(md: str) -> str:
    r"""Pandoc escapes every bracket (`\[there must be\]`); a bracketed gloss that cannot be read as
    a link, note or citation needs no escape, and an editor reading the Markdown should not see one."""
    return re.sub(r"\\\[([^\[\]\\^@\n][^\[\]\\\n]*)\\\](?![(\[{:])", r"[\1]", md)


REASONS = {
    "muse-body-start": "where the body of a flattened file begins (editorial body_starts, or after the directives)",
    "muse-heading-end": "where a heading's title ends in a flattened file (an all-caps title: where mixed case starts)",
    "muse-heading-case": "an all-caps heading set in title case (option all_caps_headings: title)",
    "muse-paragraph-anchor": "a paragraph break a flattened file lost, at an editorial anchor (its first words)",
    "para-split-cue": "a paragraph too long, split at a sentence that often turns an argument (Thus, Hence); a guess",
    "para-split-balance": "a paragraph too long, split at the sentence nearest its middle; a guess",
}
"""The one-line reason of each change this reader logs, for the cleaning report."""

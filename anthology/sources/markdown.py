"""Reader for Pandoc Markdown sources, including Markdown exported from web pages and PDFs.

Pandoc reads Markdown well, but these files carry damage it would faithfully keep: paragraphs
hard-wrapped at 72 columns, ``>text`` quotes, headings numbered ``I.`` here and ``III:`` there,
notes as raw ``<sup>`` HTML, and the traces of a magazine layout (page breaks mid-word, a pull
quote, a drop cap, an end mark, a byline). The reader splits the file into blocks, repairs them
with small named rules (logged on the document) and writes the body back as Pandoc Markdown
with one paragraph per line. Notes already in Pandoc's form (``[^x]`` and ``[^x]: text``) are kept,
each call checked against a definition (`anthology.sources.repair.pandoc_notes`).

Markdown taken from a static-site repository (Jekyll, Hugo, Eleventy) also carries the site's
debris: template tags, navigation lines, HTML comments, raw HTML, HTML entities, a notes heading
left empty. `anthology.sources.repair.site_debris` removes or converts it, each change logged;
the front matter's site keys (``layout``, ``permalink``, ``tags`` …) are not kept as metadata, and
TOML front matter (``+++``) is read like YAML.

Options (the text's ``options:`` in the manifest):

- ``source_note: description``: the YAML ``description`` becomes the text's source note;
- ``title_note: source``: a note called from the ``# Title`` line becomes the source note
  (without it such a note is an error: the title line leaves the body);
- ``heading_number_style: "."``: ``III: Isolation`` → ``III. Isolation`` in headings;
- ``repair_page_breaks: false``: skip the page-break rules (on by default);
- ``bold_quotes: false``: keep bold quotation paragraphs bold (by default they become
  block quotes).

Editorial entries (each must match the text, or the build stops with `EditorialError`):

- ``headings: [{heading: "## 1.2. Title", level: 3}]``: a heading set at the wrong level;
- ``byline: "Name"``: the paragraph holding only the author's name; dropped, kept as metadata;
- ``furniture: ["paragraph text"]``: other whole paragraphs to drop;
- ``join_paragraphs`` / ``keep_paragraphs_apart``: ``[{after: ..., before: ...}]`` page
  breaks the rules cannot decide (see `anthology.sources.repair.pagebreaks`).
"""
from __future__ import annotations

import datetime
import re
import tomllib

import yaml

from .repair import pagebreaks, site_debris, sup_notes
from .repair.pandoc_notes import check_pandoc_notes
from .repair.pagebreaks import Block
from ..contracts import Contract, EditorialKey, Option
from ..editorial import find_exactly
from ..errors import EditorialError, SourceError
from ..footnotes import with_notes
from ..limits import LimitExceeded, check_yaml
from ..model import Document

YAML_OPEN = re.compile(r"^---\s*$")
YAML_CLOSE = re.compile(r"^(---|\.\.\.)\s*$")
TOML_FENCE = re.compile(r"^\+\+\+\s*$")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
QUOTE_PREFIX = re.compile(r"^ {0,3}>[ ]?")
LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])([ \t]+)(\S.*)$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$|^\s*-{3,}(\s+-{3,})+\s*$")
HEADING_NUMBER = re.compile(r"^(?P<num>[IVXLCDM]+|\d+(?:\.\d+)*)(?P<punct>[.:)])(?=\s)")
HEADING_STYLES = (".", ":", ")")
RAW_SUP_SUB = re.compile(r"<(sup|sub)>(.*?)</\1>", re.S)
REASON = EditorialKey("reason", "string", "why the entry is there, for the next editor (not read by the build)")
PARAGRAPH_PAIR = (
    EditorialKey("after", "string", "the end of the first paragraph", required=True),
    EditorialKey("before", "string", "the start of the next", required=True),
    REASON,
)
CONTRACT = Contract(
    options=(
        Option("heading_number_style", "string", None, "e.g. `\".\"`: `III: Title` becomes `III. Title`",
               choices=HEADING_STYLES, shown_default="unchanged"),
        Option("title_note", "string", None, "`source`: the note called from the title line becomes the text's "
               "unnumbered source note, and the other notes are renumbered", choices=("source",)),
        Option("source_note", "string", None, "a YAML field (e.g. `description`) to use as the source note"),
        Option("repair_page_breaks", "boolean", True, "the page-break rules (hyphenated words and sentences cut "
               "by a blank line, a repeated pull quote, a drop cap, an end mark)"),
        Option("bold_quotes", "boolean", True, "bold quotation paragraphs become block quotes"),
    ),
    editorial=(
        EditorialKey("headings", "list of mappings", "headings the source set at the wrong level", keys=(
            EditorialKey("heading", "string", "the heading as it stands, e.g. `## 1.2. Title`", required=True),
            EditorialKey("level", "integer", "the level it should have, 1-6", required=True),
            REASON,
        )),
        EditorialKey("byline", "string", "the paragraph holding only the author's name (dropped, kept as metadata)"),
        EditorialKey("furniture", "list of strings", "other whole paragraphs to drop"),
        EditorialKey("join_paragraphs", "list of mappings", "paragraphs a page break split that the rules "
                     "leave apart", keys=PARAGRAPH_PAIR),
        EditorialKey("keep_paragraphs_apart", "list of mappings", "paragraphs the rules would join that "
                     "stay apart", keys=PARAGRAPH_PAIR),
    ),
)
"""The options and editorial keys this reader takes (checked by the manifest, listed in docs/manifest.md)."""
EDITORIAL_KEYS = CONTRACT.editorial_names


def read(raw: str, *, options: dict, editorial: dict, origin: str) -> Document:
    options, editorial = options or {}, editorial or {}
    unknown = set(editorial) - EDITORIAL_KEYS
    if unknown:
        raise EditorialError(f"{origin}: unknown editorial key(s) {sorted(unknown)} for a Markdown "
                             f"text; known: {sorted(EDITORIAL_KEYS)}")
    metadata, lines, first_line = split_front_matter(raw, origin)
    doc = Document(body="")
    doc.metadata = site_debris.site_keys(metadata, doc, f"lines 1-{first_line - 1}") if metadata else metadata
    lines, numbers = site_debris.strip_templating(lines, list(range(first_line, first_line + len(lines))), doc)
    doc.warnings.extend(check_pandoc_notes(lines, first_line, origin, numbers=numbers))
    blocks = parse_blocks(lines, first_line, doc, numbers=numbers)
    blocks = site_debris.html_to_markdown(blocks, doc, origin)
    site_debris.decode_entities(blocks, doc)
    blocks = site_debris.drop_navigation(blocks, doc)
    blocks = site_debris.drop_empty_notes_headings(blocks, doc)
    blocks = drop_furniture(blocks, editorial, doc, origin)
    body, note_blocks = sup_notes.split_note_list(blocks)
    while note_blocks and body and (site_debris.is_notes_heading(body[-1]) or site_debris.is_rule(body[-1])
                                    and len(body) > 1 and site_debris.is_notes_heading(body[-2])):
        doc.log("md-notes-heading", body[-1].text, "(the notes become footnotes)", body[-1].where,
                words_removed=len(body[-1].text.split()))
        body = body[:-1]
    title, body = take_title(body, doc)

    notes = sup_notes.collect_notes(note_blocks, doc, origin)
    source_notes = []
    if notes:
        mapping = number_notes(title, body, notes, options, origin, doc)
        source_notes = [n for n in notes if mapping[n.number] is None]
        numbered = sup_notes.numbered_notes(notes, mapping)
    else:
        numbered = {}

    if options.get("repair_page_breaks", CONTRACT.default("repair_page_breaks")):
        body = pagebreaks.strip_end_marks(body, doc)
        pagebreaks.strip_drop_caps(body, doc)
        body = pagebreaks.drop_repeated_pull_quotes(body, doc)
        body = pagebreaks.join_broken_paragraphs(
            body, doc, joins=editorial.get("join_paragraphs"),
            keep_apart=editorial.get("keep_paragraphs_apart"), origin=origin)
    elif editorial.get("join_paragraphs") or editorial.get("keep_paragraphs_apart"):
        raise EditorialError(f"{origin}: editorial join_paragraphs/keep_paragraphs_apart entries are "
                             "unused because the option repair_page_breaks is false")
    if options.get("bold_quotes", CONTRACT.default("bold_quotes")):
        body = bold_quotes_to_blockquotes(body, doc)
    restyle_heading_numbers(body, options.get("heading_number_style"), doc, origin)
    fix_heading_levels(body, editorial.get("headings") or [], doc, origin)

    doc.source_note = raw_html_to_markdown(make_source_note(doc, options, source_notes, origin), doc)
    doc.body = with_notes(render(body), {k: raw_html_to_markdown(v, doc) for k, v in numbered.items()})
    doc.body = raw_html_to_markdown(doc.body, doc)
    for text, what in ((doc.body, "body"), (doc.source_note, "source note")):
        if re.search(r"</?(sup|sub)\b", text):
            raise SourceError(f"{origin}: raw <sup>/<sub> HTML is left in the {what} after reading")
    return doc


def split_front_matter(raw: str, origin: str) -> tuple[dict, list[str], int]:
    """Parse a metadata block at the top, safely: YAML (``---`` … ``---`` or ``...``), or TOML
    (``+++`` … ``+++``, Hugo's). Dates become ISO strings. The keys that steer a website are
    dropped later (`site_debris.site_keys`), where the change can be logged."""
    lines = raw.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and TOML_FENCE.match(lines[start]):
        return _toml_front_matter(lines, start, origin)
    if start >= len(lines) or not YAML_OPEN.match(lines[start]):
        return {}, lines, 1
    for end in range(start + 1, len(lines)):
        if YAML_CLOSE.match(lines[end]):
            break
    else:
        raise SourceError(f"{origin}:{start + 1}: YAML metadata block is never closed by --- or ...")
    block = "\n".join(lines[start + 1:end])
    try:
        check_yaml(block)  # before PyYAML's composer recurses into it or an alias expands
        data = yaml.safe_load(block) or {}
    except LimitExceeded as exc:
        raise SourceError(f"{origin}:{start + 1 + exc.line}: YAML metadata block: {exc.problem}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)  # where YAML saw the fault, within the block
        line = start + 2 + mark.line if mark is not None else start + 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SourceError(f"{origin}:{line}: YAML metadata block is not valid: {problem}") from None
    if not isinstance(data, dict):
        raise SourceError(f"{origin}:{start + 1}: YAML metadata block must be a mapping")
    return _with_iso_dates(data), lines[end + 1:], end + 2


def _with_iso_dates(data: dict) -> dict:
    return {str(k): v.isoformat() if isinstance(v, (datetime.date, datetime.datetime, datetime.time)) else v
            for k, v in data.items()}


def _toml_front_matter(lines: list[str], start: int, origin: str) -> tuple[dict, list[str], int]:
    """Hugo's TOML front matter (``+++`` … ``+++``)."""
    for end in range(start + 1, len(lines)):
        if TOML_FENCE.match(lines[end]):
            break
    else:
        raise SourceError(f"{origin}:{start + 1}: TOML front matter is never closed by +++")
    block = "\n".join(lines[start + 1:end])
    if len(block) > 100_000:
        raise SourceError(f"{origin}:{start + 1}: TOML front matter is longer than 100000 characters")
    try:
        data = tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{origin}: TOML front matter (lines {start + 1}-{end + 1}) is not valid: {exc}") from None
    return _with_iso_dates(data), lines[end + 1:], end + 2


def _groups(lines: list[str], first_line: int, numbers: list[int] | None = None) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines with their first line number; a fenced code block is one run.
    `numbers` gives each line's number in the raw file when lines were taken out before."""
    groups, current, start, fence = [], [], 0, None
    for i, line in zip(numbers or range(first_line, first_line + len(lines)), lines):
        if fence:
            current.append(line)
            if line.strip().startswith(fence):
                fence = None
            continue
        opening = FENCE.match(line)
        if opening and not current:
            fence, start, current = opening.group(1), i, [line]
            continue
        if line.strip():
            if not current:
                start = i
            current.append(line)
        elif current:
            groups.append((start, current))
            current = []
    if current:
        groups.append((start, current))
    return groups


def unwrap(lines: list[str]) -> str:
    """Join hard-wrapped lines into one; a Markdown hard break (two spaces, ``\\``) is kept."""
    out = ""
    for line in lines:
        hard = line.endswith("  ") or line.endswith("\\")
        piece = line.strip()
        out += piece if not out or out.endswith("\n") else " " + piece
        if hard:
            out = out.rstrip("\\ ") + "\\\n"
    return out.rstrip("\\\n")


def parse_blocks(lines: list[str], first_line: int, doc: Document, numbers: list[int] | None = None) -> list[Block]:
    """Split Markdown into blocks and put each paragraph (and list item) on one line."""
    blocks: list[Block] = []
    wrapped = 0
    groups = _groups(lines, first_line, numbers)
    while groups:
        start, group = groups.pop(0)
        first = group[0]
        heading = ATX.match(first)
        if FENCE.match(first) or (first.startswith("    ") and not (blocks and blocks[-1].kind == "list")):
            blocks.append(Block("verbatim", "\n".join(group), start))
        elif heading:
            blocks.append(Block("heading", f"{heading.group(1)} {(heading.group(2) or '').strip()}", start))
            if len(group) > 1:
                groups.insert(0, (start + 1, group[1:]))
        elif len(group) >= 2 and TABLE_RULE.match(group[1]):  # a table: its lines are its rows
            blocks.append(Block("verbatim", "\n".join(group), start))
        elif RULE.match(first) and len(group) == 1:
            blocks.append(Block("verbatim", first.strip(), start))
        elif QUOTE_PREFIX.match(first):
            blocks.append(quote_block(group, start, doc))
            wrapped += len(group) > 1
        elif LIST_ITEM.match(first) or (first[:1].isspace() and blocks and blocks[-1].kind == "list"):
            list_block(group, start, blocks)
            wrapped += len(group) > 1
        elif len(group) >= 2 and SETEXT.match(group[-1]):
            level = "#" if group[-1].strip()[0] == "=" else "##"
            blocks.append(Block("heading", f"{level} {unwrap(group[:-1])}", start))
        else:
            blocks.append(Block("para", unwrap(group), start))
            wrapped += len(group) > 1
    if wrapped:
        last = max((i for i, line in enumerate(lines) if line.strip()), default=0)
        end = numbers[last] if numbers else first_line + last
        doc.log("md-unwrap", f"{wrapped} hard-wrapped blocks", "one line per paragraph",
                f"lines {first_line}-{end}")
    return blocks


def quote_block(group: list[str], start: int, doc: Document) -> Block:
    """A ``>`` block quote; lines without ``>`` are lazy continuations, as in Pandoc."""
    inner = [QUOTE_PREFIX.sub("", line, count=1) if QUOTE_PREFIX.match(line) else line for line in group]
    if any(re.match(r"^ {0,3}>[^ >\n]", line) for line in group):
        doc.log("md-quote-space", group[0][:30], "> " + inner[0][:28], f"line {start}")
    paragraphs, current = [], []
    for line in inner + [""]:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(unwrap(current))
            current = []
    return Block("quote", "\n\n".join(paragraphs), start)


def list_block(group: list[str], start: int, blocks: list[Block]) -> None:
    """List items on one line each; a continuation run after a blank line joins the list."""
    items: list[str] = []
    for line in group:
        item = LIST_ITEM.match(line)
        if item or not items:
            items.append(line.rstrip() if item else "    " + line.strip())
        else:
            items[-1] += " " + line.strip()
    text = "\n".join(items)
    if blocks and blocks[-1].kind == "list":
        blocks[-1].text += "\n\n" + text
    else:
        blocks.append(Block("list", text, start))


def drop_furniture(blocks: list[Block], editorial: dict, doc: Document, origin: str) -> list[Block]:
    """Drop whole paragraphs named by the editorial file (a byline, a printed credit)."""
    entries = []
    if editorial.get("byline"):
        entries.append(("byline", editorial["byline"]))
    entries += [(f"furniture[{i}]", text) for i, text in enumerate(editorial.get("furniture") or [])]
    for name, text in entries:
        if not isinstance(text, str):
            raise EditorialError(f"{origin}: editorial {name} must be the paragraph's exact text, got {text!r}")
        matches = [b for b in blocks if b.kind == "para" and b.text == text.strip()]
        if len(matches) != 1:
            raise EditorialError(f"{origin}: editorial {name} {text!r} matches {len(matches)} paragraph(s), "
                                 "expected exactly 1; fix the entry so that it matches the text")
        blocks = [b for b in blocks if b is not matches[0]]
        doc.log(f"md-{name.split('[')[0]}", text, "", matches[0].where, words_removed=len(text.split()))
        if name == "byline":
            doc.metadata.setdefault("author", text.strip())
    return blocks


def take_title(blocks: list[Block], doc: Document) -> tuple[Block | None, list[Block]]:
    """The ``# Title`` line leaves the body (the manifest supplies the title) for the metadata.

    Only a first block that is the text's one level-1 heading is taken for the title (a file
    with several ``#`` headings uses them for chapters), or a first heading of any level that
    repeats the title the front matter gives (a static site's page prints its title twice)."""
    h1 = [b for b in blocks if b.kind == "heading" and b.text.startswith("# ")]
    if not blocks or not (len(h1) == 1 and blocks[0] is h1[0] or repeats_title(blocks[0], doc)):
        return None, blocks
    title = blocks[0]
    text = sup_notes.SUP_CALL.sub("", title.text.lstrip("#")).strip()
    doc.metadata.setdefault("title", text)
    doc.log("md-title-line", title.text, "(title moved to metadata)", title.where,
            words_removed=len(title.text.split()))
    return title, blocks[1:]


def repeats_title(block: Block, doc: Document) -> bool:
    """Whether `block` is a heading whose words are the front matter's title."""
    title = str(doc.metadata.get("title") or "")
    if block.kind != "heading" or not title:
        return False
    words = sup_notes.SUP_CALL.sub("", block.text.lstrip("#"))
    return _words(words) == _words(title)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def number_notes(title: Block | None, body: list[Block], notes: list, options: dict, origin: str,
                 doc: Document) -> dict:
    """Check the ``<sup>`` numbering, make the title's note the source note, convert calls."""
    head = [title] if title else []
    sup_notes.check_numbering(sup_notes.calls_in(head + body), notes, origin)
    title_notes = {n for n, _ in sup_notes.calls_in(head)}
    if title_notes and options.get("title_note") != "source":
        raise SourceError(f"{origin}: note(s) {sorted(title_notes)} are called from the title line, which "
                          "leaves the body; set the option title_note: source to make them the source note")
    mapping = sup_notes.renumbering(len(notes), title_notes)
    for block in head + body:
        sup_notes.convert_calls(block, mapping, doc)
    if title_notes:
        numbered = [n for n in mapping.values() if n is not None]
        doc.log("md-renumber-notes", f"notes 1-{len(notes)}",
                f"source note + notes 1-{len(numbered)}" if numbered else "source note", "note list")
    return mapping


def make_source_note(doc: Document, options: dict, title_notes: list, origin: str) -> str:
    parts = []
    field_name = options.get("source_note")
    if field_name:
        value = doc.metadata.get(field_name)
        if not isinstance(value, str) or not value.strip():
            raise SourceError(f"{origin}: option source_note: {field_name} names no text in the metadata block")
        parts.append(value.strip())
    parts += ["\n\n".join(n.paragraphs) for n in title_notes]
    return "\n\n".join(parts)


def bold_quotes_to_blockquotes(blocks: list[Block], doc: Document) -> list[Block]:
    """A wholly bold paragraph that opens a quotation is a block quote set in bold by a layout;
    following bold paragraphs belong to it until its quotation marks close."""
    out: list[Block] = []
    open_quote = False
    for block in blocks:
        bold = pagebreaks.WHOLLY_BOLD.match(block.text) if block.kind == "para" else None
        inner = bold.group(1) if bold and "**" not in bold.group(1) else None
        if inner is not None and (open_quote or inner.lstrip()[:1] in "\"“"):
            if open_quote:
                out[-1].text += "\n\n" + inner
            else:
                out.append(Block("quote", inner, block.line))
            doc.log("md-bold-quote", block.text[:40], "> " + inner[:38], block.where)
            quote = out[-1].text
            open_quote = quote.count('"') % 2 == 1 or quote.count("“") > quote.count("”")
        else:
            out.append(block)
            open_quote = False
    return out


def restyle_heading_numbers(blocks: list[Block], style: str | None, doc: Document, origin: str) -> None:
    """``## III: Isolation`` → ``## III. Isolation`` when the option asks for ``.``."""
    if style is None:
        return
    if style not in HEADING_STYLES:
        raise SourceError(f"{origin}: option heading_number_style must be one of {HEADING_STYLES}, got {style!r}")
    for block in (b for b in blocks if b.kind == "heading"):
        hashes, _, text = block.text.partition(" ")
        match = HEADING_NUMBER.match(text)
        if match and match.group("punct") != style:
            new = f"{hashes} {match.group('num')}{style}{text[match.end():]}"
            doc.log("md-heading-number", block.text, new, block.where)
            block.text = new


def fix_heading_levels(blocks: list[Block], entries: list, doc: Document, origin: str) -> None:
    """Apply editorial ``headings`` entries: a heading the source set at the wrong level."""
    heading_text = "\n".join(b.text for b in blocks if b.kind == "heading")
    for i, entry in enumerate(entries):
        what = f"editorial headings[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("heading"), str) \
                or entry.get("level") not in range(1, 7):
            raise EditorialError(f"{origin}: {what} must be {{heading: '## text', level: 1-6}}, got {entry!r}")
        find_exactly("\n" + heading_text + "\n", "\n" + entry["heading"].strip() + "\n", what=what, origin=origin)
        block = next(b for b in blocks if b.kind == "heading" and b.text == entry["heading"].strip())
        hashes, _, text = block.text.partition(" ")
        if len(hashes) == entry["level"]:
            raise EditorialError(f"{origin}: {what}: {block.text!r} is already at level {entry['level']}; "
                                 "the entry is stale, remove it")
        new = "#" * entry["level"] + " " + text
        doc.log("md-heading-level", block.text, new, block.where)
        block.text = new


def raw_html_to_markdown(text: str, doc: Document) -> str:
    """A ``<sup>``/``<sub>`` that is not a note call (``1<sup>st</sup>``) becomes Pandoc's
    ``^st^``/``~st~``, so that no raw HTML reaches the EPUB or the PDF."""
    def replace(match: re.Match) -> str:
        mark = "^" if match.group(1) == "sup" else "~"
        inner = match.group(2).strip().replace(" ", "\\ ")
        doc.log("md-raw-" + match.group(1), match.group(0), f"{mark}{inner}{mark}")
        return f"{mark}{inner}{mark}"

    return RAW_SUP_SUB.sub(replace, text)


def render(blocks: list[Block]) -> str:
    """The blocks as Pandoc Markdown, separated by one blank line."""
    out = []
    for block in blocks:
        if block.kind == "quote":
            out.append("\n".join("> " + line if line else ">" for line in block.text.split("\n")))
        else:
            out.append(block.text)
    return "\n\n".join(out) + "\n"


REASONS = {
    **pagebreaks.REASONS,
    **sup_notes.REASONS,
    **site_debris.REASONS,
    "md-unwrap": "paragraphs hard-wrapped at a fixed width, each put on one line",
    "md-quote-space": "a >text quote: the quote marker with no space after it",
    "md-byline": "the paragraph holding only the author's name (editorial byline): kept as metadata",
    "md-furniture": "a paragraph the editorial file names as furniture (a printed credit)",
    "md-title-line": "the # Title line leaves the body: the manifest supplies the title",
    "md-notes-heading": "the heading of the note list: the notes become footnotes",
    "md-renumber-notes": "the note called from the title line becomes the source note",
    "md-bold-quote": "a wholly bold paragraph that opens a quotation: a block quote set in bold by a layout",
    "md-heading-number": "a heading's number restyled as the option heading_number_style asks (III: → III.)",
    "md-heading-level": "a heading the source set at the wrong level (editorial headings)",
    "md-raw-sup": "a <sup> that is not a note call (1<sup>st</sup>) becomes Pandoc's ^st^: no raw HTML",
    "md-raw-sub": "a <sub> becomes Pandoc's ~sub~: no raw HTML",
}
"""The one-line reason of each change this reader logs (its helpers' too), for the cleaning report."""

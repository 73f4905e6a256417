"""Reader for OCR'd browser prints of web pages (a site's pages printed, scanned and OCR'd).

The structure is rebuilt by the general rules of `anthology.sources.repair.ocr_structure` (furniture,
headings, paragraphs). What only one text can say comes from its editorial file, and each entry
is checked against the text so that an entry that no longer matches stops the build:

- ``furniture``: ``masthead`` (the site's masthead lines, compared whole) and ``running_head``
  (a regular expression for the browser's running head), both of which must be found;
- ``metadata``: which masthead lines give the text's ``title`` and ``subtitle``;
- ``part_headings``: extra or different book-part words and their levels (``{POSTSCRIPT: 3}``; a
  site's may come from its source profile);
- ``split_paragraphs`` / ``join_paragraphs``: paragraph breaks no rule can decide, each the
  exact words at which a paragraph starts (as its lines are joined);
- ``translator_notes``: bracketed notes (``bracket``, exactly as joined) that become footnotes
  labelled *Translator’s note.*, the call standing where the bracket stood (at the end of the
  previous paragraph if the note was a paragraph of its own). The bracket's opening label (one to
  three words in capitals before a colon, dash or full stop: ``[TRANSLATOR'S NOTE:``) is dropped,
  since the footnote has its own; an optional ``text`` gives the note's wording where the
  bracket's own is garbled beyond its label;
- ``ending``: a text that stops mid-sentence: its ``last_words`` and the editor's ``mark``, which
  becomes the last paragraph.

Word-level OCR damage (run-together words, ``|`` for ``l``) is left to the ``ocr_repair`` pass.
Options: ``line_width`` (characters; inferred from the text when absent); ``navigation`` and
``navigation_tail``, the wording of the site's navigation links, which its source profile gives.
"""
from __future__ import annotations

import re
from os.path import commonprefix

from .repair import ocr_structure
from .repair.ocr_structure import (
    DEFAULT_PART_HEADINGS, Block, Line, StructureReader, check_section_lists, full_width, normalise,
    remove_furniture,
)
from ..contracts import Contract, EditorialKey, Option
from ..errors import EditorialError, SourceError
from ..footnotes import with_notes
from ..model import Document

CONTRACT = Contract(
    options=(
        Option("line_width", "integer", None, "the printed line width in characters, used to tell a paragraph's "
               "last line", shown_default="measured"),
        Option("navigation", "list of regular expressions", [], "the site's navigation links (to the pages "
               "before and after, to the contents): each pattern matches a whole line, case ignored; such "
               "lines are dropped", profile=True),
        Option("navigation_tail", "list of regular expressions", [], "the last link of a navigation bar that "
               "wrapped onto a line of its own: each matches a whole line, case ignored; "
               "dropped only right after a navigation line", profile=True),
    ),
    editorial=(
        EditorialKey("furniture", "mapping", "the page furniture to remove; each part must be found", keys=(
            EditorialKey("masthead", "list of strings", "the site's masthead lines, compared whole (in runs of "
                         "two or more)"),
            EditorialKey("running_head", "string", "a regular expression for the browser's running head, "
                         "matching whole lines"),
        )),
        EditorialKey("metadata", "mapping", "which masthead lines give the text's metadata, by field (`title`, "
                     "`subtitle`)", values="string"),
        EditorialKey("part_headings", "mapping", "extra or different book-part words and their heading levels "
                     "(`{POSTSCRIPT: 3}`); without it, the general English words, each a chapter (level 2)",
                     values="integer", profile=True),
        EditorialKey("split_paragraphs", "list of strings", "the words at which a paragraph no rule splits "
                     "starts (as its lines are joined)"),
        EditorialKey("join_paragraphs", "list of strings", "the first words of a paragraph that continues the "
                     "one before"),
        EditorialKey("translator_notes", "list of mappings", "bracketed notes that become footnotes labelled "
                     "\"Translator’s note\"", keys=(
            EditorialKey("bracket", "string", "the bracket, exactly as its lines are joined", required=True),
            EditorialKey("text", "string", "the note's wording, where the bracket's own is garbled"),
        )),
        EditorialKey("ending", "mapping", "a text that stops mid-sentence", keys=(
            EditorialKey("last_words", "string", "how the text ends", required=True),
            EditorialKey("mark", "string", "the editor's mark, which becomes the last paragraph", required=True),
        )),
    ),
)
"""The options and editorial keys this reader takes (checked by the manifest, listed in docs/manifest.md)."""
EDITORIAL_KEYS = CONTRACT.editorial_names
BRACKET_LABEL = re.compile(r"^\[\s*(?:(?:[A-Z]{2}[A-Z'’]*\s+){0,2}[A-Z]{2}[A-Z'’]*\s*[—–:.-]\s*)?")
"""A bracketed note's opening bracket and its own label, dropped as the footnote gets one: one to
three words in capitals, then a colon, dash or full stop (``[TRANSLATOR'S NOTE:``, ``[EDITOR —``,
``[NOTE.``)."""
BRACKET_CLOSE = re.compile(r"\s*[\]|]$")
"""A bracket's close; OCR sometimes reads ``]`` as ``|``."""
TRANSLATOR_NOTE = "*Translator’s note.*"
BLOCK_START = re.compile(r"^(?:(\d+)([.)])(?=\s|$)|([-*+#>|])(?=\s|#|$)|(\()(?=(?:\d+|[A-Za-z])\)\s))")
"""A paragraph start Pandoc would read as a list, heading, quote or table (``1917. The``)."""


def read(raw: str, *, options: dict, editorial: dict, origin: str) -> Document:
    editorial = editorial or {}
    unknown = set(editorial) - EDITORIAL_KEYS
    if unknown:
        raise EditorialError(f"{origin}: unknown editorial entr(ies) {sorted(unknown)}; known: {sorted(EDITORIAL_KEYS)}")
    doc = Document(body="")
    lines = [Line(number, text) for number, text in enumerate(raw.split("\n"), 1)]
    furniture = editorial.get("furniture") or {}
    masthead = [str(m) for m in furniture.get("masthead") or []]
    running_head = _pattern(furniture.get("running_head"), origin)
    navigation = _patterns(options, "navigation", origin)
    navigation_tail = _patterns(options, "navigation_tail", origin)
    lines, found = remove_furniture(lines, masthead=masthead, running_head=running_head, doc=doc,
                                    navigation=navigation, navigation_tail=navigation_tail)
    _check_furniture(masthead, running_head, found, origin)

    width = int((options or {}).get("line_width") or full_width(lines))
    parts = {**DEFAULT_PART_HEADINGS, **{str(k).upper(): int(v) for k, v in (editorial.get("part_headings") or {}).items()}}
    reader = StructureReader(lines, width=width, part_headings=parts, doc=doc, origin=origin)
    blocks = reader.read()
    check_section_lists(reader, doc, origin)

    blocks = _split_paragraphs(blocks, editorial.get("split_paragraphs") or [], doc, origin)
    blocks = _join_paragraphs(blocks, editorial.get("join_paragraphs") or [], doc, origin)
    notes = _translator_notes(blocks, editorial.get("translator_notes") or [], doc, origin)
    _mark_ending(raw, blocks, editorial.get("ending"), doc, origin)

    doc.metadata = _metadata(editorial.get("metadata") or {}, found, origin)
    doc.body = with_notes("\n\n".join(_markdown(block) for block in blocks), notes)
    return doc


def _pattern(value, origin: str) -> re.Pattern | None:
    if not value:
        return None
    try:
        return re.compile(str(value))
    except re.error as exc:
        raise EditorialError(f"{origin}: editorial entry furniture.running_head {value!r} is not a regular expression: {exc}")


def _patterns(options: dict, name: str, origin: str) -> tuple[re.Pattern, ...]:
    """Option `name`'s regular expressions (from the text's options or its source profile),
    compiled to ignore case, as the site's links are printed in either."""
    try:
        return tuple(re.compile(str(p), re.IGNORECASE) for p in (options or {}).get(name) or [])
    except re.error as exc:
        raise SourceError(f"{origin}: option {name}: {exc.pattern!r} is not a regular expression: {exc}") from None


def _check_furniture(masthead: list[str], running_head, found, origin: str) -> None:
    missing = [m for m in masthead if normalise(m) not in found.masthead_lines]
    if missing:
        raise EditorialError(
            f"{origin}: editorial entry furniture.masthead line(s) {missing} were not found in a masthead "
            "(a run of at least two masthead lines); fix the entry so that it matches whole lines"
        )
    if running_head is not None and not found.running_heads:
        raise EditorialError(
            f"{origin}: editorial entry furniture.running_head {running_head.pattern!r} matches no whole line"
        )


def _para_hits(blocks: list[Block], needle: str) -> list[tuple[int, int]]:
    return [(i, m.start()) for i, b in enumerate(blocks) if b.kind == "para" for m in re.finditer(re.escape(needle), b.text)]


def _one_hit(blocks: list[Block], needle: str, entry: str, origin: str) -> tuple[int, int]:
    hits = _para_hits(blocks, str(needle))
    if len(hits) != 1:
        raise EditorialError(
            f"{origin}: editorial entry {entry} {needle!r} occurs {len(hits)} time(s) in the text "
            "(with its lines joined into paragraphs), expected 1; fix the entry so that it matches exactly"
        )
    return hits[0]


def _split_paragraphs(blocks: list[Block], entries: list, doc: Document, origin: str) -> list[Block]:
    for k, words in enumerate(entries):
        i, at = _one_hit(blocks, words, f"split_paragraphs[{k}]", origin)
        block = blocks[i]
        if at == 0 or block.text[at - 1] != " ":
            raise EditorialError(f"{origin}: editorial entry split_paragraphs[{k}] {words!r} does not start a word mid-paragraph")
        doc.log("ocr-editorial-split", block.text[max(0, at - 40):at + 40], "new paragraph", f"line {block.line}")
        blocks[i:i + 1] = [Block("para", block.text[:at - 1], block.line), Block("para", block.text[at:], block.line)]
    return blocks


def _join_paragraphs(blocks: list[Block], entries: list, doc: Document, origin: str) -> list[Block]:
    for k, words in enumerate(entries):
        i, at = _one_hit(blocks, words, f"join_paragraphs[{k}]", origin)
        if at != 0 or i == 0 or blocks[i - 1].kind != "para":
            raise EditorialError(f"{origin}: editorial entry join_paragraphs[{k}] {words!r} does not start a paragraph after a paragraph")
        doc.log("ocr-editorial-join", f"{blocks[i - 1].text[-40:]} | {blocks[i].text[:40]}", "joined", f"line {blocks[i].line}")
        blocks[i - 1].text += " " + blocks[i].text
        del blocks[i]
    return blocks


def _translator_notes(blocks: list[Block], entries: list, doc: Document, origin: str) -> list[str]:
    """Turn the bracketed translator's notes into footnotes, numbered in reading order."""
    placed = []
    for k, entry in enumerate(entries):
        if not isinstance(entry, dict) or "bracket" not in entry:
            raise EditorialError(f"{origin}: editorial entry translator_notes[{k}] needs a 'bracket' (and may give 'text')")
        placed.append((_one_hit(blocks, entry["bracket"], f"translator_notes[{k}].bracket", origin), k, entry))
    placed.sort(key=lambda item: item[0])
    notes: list[str] = []
    for number, ((i, at), k, entry) in reversed(list(enumerate(placed, 1))):
        bracket = str(entry["bracket"])
        text = str(entry.get("text") or BRACKET_CLOSE.sub("", BRACKET_LABEL.sub("", bracket))).strip()
        if not text:
            raise EditorialError(f"{origin}: editorial entry translator_notes[{k}] leaves the note empty")
        notes.insert(0, f"{TRANSLATOR_NOTE} {text}")
        call = f"[^{number}]"
        block = blocks[i]
        if block.text.strip() == bracket.strip():  # a note of its own: call it where the paragraph before ends
            if i == 0 or blocks[i - 1].kind != "para":
                raise EditorialError(f"{origin}: editorial entry translator_notes[{k}] has no paragraph before it to call it from")
            blocks[i - 1].text += call
            del blocks[i]
        else:
            start = at - 1 if at > 0 and block.text[at - 1] == " " else at
            block.text = block.text[:start] + call + block.text[at + len(bracket):]
        doc.log("ocr-translator-note", bracket, f"{call}: {TRANSLATOR_NOTE} {text}", f"line {block.line}")
    return notes


def _mark_ending(raw: str, blocks: list[Block], ending, doc: Document, origin: str) -> None:
    if not ending:
        return
    last_words, mark = str(ending.get("last_words", "")), str(ending.get("mark", ""))
    if not last_words or not mark:
        raise EditorialError(f"{origin}: editorial entry ending needs 'last_words' and 'mark'")
    if not raw.rstrip().endswith(last_words) or not blocks or not blocks[-1].text.endswith(last_words):
        raise EditorialError(f"{origin}: editorial entry ending.last_words {last_words!r} is not how the text ends")
    blocks.append(Block("para", mark, blocks[-1].line))
    doc.log("ocr-end-mark", last_words, mark, "end of text")


def _metadata(wanted: dict, found, origin: str) -> dict:
    metadata = {}
    for key, value in wanted.items():
        if normalise(str(value)) not in found.masthead_lines:
            raise EditorialError(f"{origin}: editorial entry metadata.{key} {value!r} is not a masthead line found in the text")
        metadata[key] = normalise(str(value))
    if found.footer_urls:
        prefix = commonprefix(found.footer_urls)
        metadata["source"] = prefix[: prefix.rfind("/") + 1] or prefix
    stamps = {s.split()[0] for s in found.footer_stamps if s.strip()}
    if len(stamps) == 1:
        metadata["printed"] = stamps.pop()
    return metadata


def _markdown(block: Block) -> str:
    if block.kind == "heading":
        return "#" * block.level + " " + block.text
    if block.kind == "break":
        return "* * *"
    return BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3] or m[4]}", block.text, count=1)


REASONS = {
    **ocr_structure.REASONS,
    "ocr-editorial-split": "a paragraph break no rule can decide (editorial split_paragraphs)",
    "ocr-editorial-join": "two paragraphs that are one, which no rule can decide (editorial join_paragraphs)",
    "ocr-translator-note": "a bracketed translator's note becomes a footnote (editorial translator_notes)",
    "ocr-end-mark": "the text stops mid-sentence: the editor's mark ends it (editorial ending)",
}
"""The one-line reason of each change this reader logs (its helpers' too), for the cleaning report."""

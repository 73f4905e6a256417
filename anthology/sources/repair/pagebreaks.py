"""Repairing the damage a printed page leaves in text copied out of a PDF or a magazine layout.

Copying a laid-out page turns each page break into a paragraph break, and brings along what the
layout added around the text. These rules work on a list of `Block`s (one Markdown block each,
paragraphs already on one line) and log every change on the document:

- ``md-end-mark``: an end-of-article ornament (``●``, ``■`` ...) at the end of a paragraph;
- ``md-drop-cap``: a bold first letter (``**T**o``), which was a drop cap, not emphasis;
- ``md-pull-quote``: a bold paragraph repeating, word for word, text that came earlier: a
  magazine's pull quote, which the reader of a book has already read;
- ``md-join-hyphenated``: ``self-devour-`` | ``ing``: a word hyphenated at a page break;
- ``md-join-broken``: a paragraph cut mid-sentence at a page break. Joined when the first part
  does not end a sentence, neither part is a wholly bold paragraph (a quotation set apart),
  and either the second part starts in lower case or the first ends on a word no sentence ends
  with (``the``, ``in``: `anthology.prose.NON_FINAL_FUNCTION_WORDS`). A break the rules cannot decide is left
  alone and logged as ``md-break-unsure``, for an editorial ``join_paragraphs`` or
  ``keep_paragraphs_apart`` entry to settle.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import EditorialError
from ...model import Document
from ...prose import NON_FINAL_FUNCTION_WORDS, ends_sentence, zipf


@dataclass
class Block:
    """One Markdown block: `kind` is para, heading, quote, list or verbatim; `line` is its
    first line in the raw file. A quote's `text` is its inner Markdown, without the ``>``."""

    kind: str
    text: str
    line: int

    @property
    def where(self) -> str:
        return f"line {self.line}"


REASONS = {
    "md-end-mark": "an end-of-article ornament (●, ■ …): it marks the end of a magazine piece, not of a text",
    "md-drop-cap": "a bold first letter (**T**o) was a drop cap, not emphasis",
    "md-pull-quote": "a bold paragraph repeating, word for word, text that came earlier: a magazine's pull quote",
    "md-join-hyphenated": "a word hyphenated at a page break (self-devour- | ing)",
    "md-join-broken": "a paragraph cut mid-sentence at a page break",
    "md-break-unsure": "a page break the rules cannot decide, left alone for an editorial entry to settle",
}
"""The one-line reason of each rule above, for the cleaning report."""

END_MARKS = "●■□◼∎◆♦"
WHOLLY_BOLD = re.compile(r"^\*\*(?!\*)(.+?)(?<!\*)\*\*$")
DROP_CAP = re.compile(r"^\*\*([A-Za-z])\*\*(?=[a-z])")
HYPHEN_AT_END = re.compile(r"([^\W\d_]+)-$")
FIRST_WORD = re.compile(r"^([^\W\d_]+)")
WORD = re.compile(r"[^\W\d_]+")

# A hyphenated word keeps its hyphen when both halves are common words and the joined form is
# rare (``well-`` | ``known``); otherwise the hyphen was the printer's (``bal-`` | ``ance``).
COMMON_ZIPF = 3.0
RARE_JOINED_ZIPF = 2.5


def plain_text(text: str) -> str:
    """The text of a paragraph with note calls, emphasis marks and quotation marks taken out,
    and spaces collapsed: what two copies of the same passage have in common."""
    text = re.sub(r"\[\^[^\]\s]+\]|<sup>\s*\d+\s*</sup>", "", text)
    text = re.sub(r"[*_\"“”‘’']", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(".,;:!? ")


def last_word(text: str) -> str:
    words = WORD.findall(text)
    return words[-1].lower() if words else ""


def first_letter(text: str) -> str:
    """The first alphanumeric character, skipping opening quotes, brackets and emphasis."""
    match = re.search(r"[^\W_]", text)
    return match.group(0) if match else ""


def starts_lowercase(text: str) -> bool:
    """Whether a paragraph starts in lower case, as the rest of a cut sentence does; a start
    after an ellipsis (``"... in 1923``) is a quotation's deliberate elision, not a cut."""
    if re.match(r"^[\W_]*?(\.\.\.|…)", text):
        return False
    return first_letter(text).islower()


def keeps_hyphen(first: str, second: str) -> bool:
    """Whether ``first-`` | ``second`` is a real compound split at its own hyphen."""
    joined = (first + second).lower()
    return (
        zipf(first) >= COMMON_ZIPF
        and zipf(second) >= COMMON_ZIPF
        and zipf(joined) < RARE_JOINED_ZIPF
    )


def strip_end_marks(blocks: list[Block], doc: Document) -> list[Block]:
    """Drop end-of-article ornaments: they mark the end of a magazine piece, not of a text."""
    pattern = re.compile(rf"\s*[{END_MARKS}]\s*$")
    kept = []
    for block in blocks:
        if block.kind == "para" and pattern.search(block.text):
            new = pattern.sub("", block.text)
            doc.log("md-end-mark", block.text[-40:], new[-40:], block.where, words_removed=1)
            block.text = new
            if not new:
                continue
        kept.append(block)
    return kept


def strip_drop_caps(blocks: list[Block], doc: Document) -> None:
    """``**T**o produce`` → ``To produce``: a drop cap is layout, and bold would show it."""
    for block in blocks:
        if block.kind == "para" and DROP_CAP.match(block.text):
            new = DROP_CAP.sub(r"\1", block.text, count=1)
            doc.log("md-drop-cap", block.text[:20], new[:20], block.where)
            block.text = new


def drop_repeated_pull_quotes(blocks: list[Block], doc: Document, *, min_words: int = 8) -> list[Block]:
    """Delete a wholly bold paragraph whose words already occur earlier in the body.

    A pull quote repeats a sentence of the article in large type. It is recognised by being
    bold *and* a verbatim repeat of at least `min_words` words, so a short bold phrase or a
    quotation first given here is never taken for one."""
    kept: list[Block] = []
    earlier = ""
    for block in blocks:
        match = WHOLLY_BOLD.match(block.text) if block.kind == "para" else None
        if match:
            words = plain_text(match.group(1)).lower()
            if len(words.split()) >= min_words and words in earlier:
                count = len(block.text.split())
                doc.log("md-pull-quote", block.text, "", block.where, words_removed=count)
                continue
        kept.append(block)
        earlier += " " + plain_text(block.text).lower()
    return kept


def _matches(entry: dict, prev: Block, nxt: Block) -> bool:
    return prev.text.endswith(entry["after"]) and nxt.text.startswith(entry["before"])


def _check_entries(name: str, entries: list, origin: str) -> list[dict]:
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) - {"after", "before", "reason"} or not (
            isinstance(entry.get("after"), str) and isinstance(entry.get("before"), str)
        ):
            raise EditorialError(
                f"{origin}: editorial {name}[{i}] must be a mapping with 'after' (the end of one "
                f"paragraph) and 'before' (the start of the next); got {entry!r}"
            )
    return entries


def join_broken_paragraphs(
    blocks: list[Block], doc: Document, *, joins: list | None = None, keep_apart: list | None = None,
    origin: str = "",
) -> list[Block]:
    """Re-join paragraphs that a page break split (see the module docstring for the rules).

    `joins` and `keep_apart` are editorial entries ``{after: <end of the first paragraph>,
    before: <start of the next>}``; each must match exactly one pair of adjacent paragraphs."""
    joins = _check_entries("join_paragraphs", joins or [], origin)
    keep_apart = _check_entries("keep_paragraphs_apart", keep_apart or [], origin)
    used = {("join_paragraphs", i): 0 for i in range(len(joins))}
    used.update({("keep_paragraphs_apart", i): 0 for i in range(len(keep_apart))})
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if prev is None or prev.kind != "para" or block.kind != "para":
            out.append(block)
            continue
        forced = [i for i, e in enumerate(joins) if _matches(e, prev, block)]
        refused = [i for i, e in enumerate(keep_apart) if _matches(e, prev, block)]
        for i in forced:
            used[("join_paragraphs", i)] += 1
        for i in refused:
            used[("keep_paragraphs_apart", i)] += 1
        # Only a paragraph ending in a hyphen can match; the pattern would try each of its words.
        hyphen = HYPHEN_AT_END.search(prev.text) if "-" in prev.text[-2:] else None
        second = FIRST_WORD.match(block.text)
        if refused:
            out.append(block)
        elif hyphen and second and second.group(1)[0].islower():
            _join_hyphenated(prev, block, hyphen.group(1), second.group(1), doc)
        elif forced or (not ends_sentence(prev.text) and not set_apart(prev, block) and (
                starts_lowercase(block.text) or last_word(prev.text) in NON_FINAL_FUNCTION_WORDS)):
            doc.log("md-join-broken", f"{prev.text[-30:]} ¶ {block.text[:30]}",
                    f"{prev.text[-30:]} {block.text[:30]}", block.where)
            prev.text = f"{prev.text} {block.text}"
        else:
            if not ends_sentence(prev.text) or starts_lowercase(block.text):
                doc.log("md-break-unsure", f"{prev.text[-30:]} ¶ {block.text[:30]}",
                        "left as two paragraphs", block.where)
            out.append(block)
    for (name, i), n in used.items():
        if n != 1:
            entry = (joins if name == "join_paragraphs" else keep_apart)[i]
            raise EditorialError(
                f"{origin}: editorial {name}[{i}] {entry!r} matches {n} pair(s) of adjacent "
                "paragraphs, expected exactly 1; fix the entry so that it matches the text"
            )
    return out


def set_apart(*blocks: Block) -> bool:
    """Whether any of the blocks is a wholly bold paragraph: a quotation or pull quote the
    layout set apart, which a page break does not run into (an editorial entry can)."""
    return any(WHOLLY_BOLD.match(b.text) for b in blocks)


def _join_hyphenated(prev: Block, block: Block, first: str, second: str, doc: Document) -> None:
    hyphen = "-" if keeps_hyphen(first, second) else ""
    joined = f"{prev.text[:-1]}{hyphen}{block.text}"
    doc.log("md-join-hyphenated", f"{first}- ¶ {second}", f"{first}{hyphen}{second}", block.where)
    prev.text = joined

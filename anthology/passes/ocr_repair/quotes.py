"""Quotation marks the OCR misplaced or misread.

A paragraph's double quotation marks should pair up. Whether a straight `"` opens or closes a
quotation is read from its neighbours (a space or dash before it and a letter after it open one)
or, where both neighbours are letters or both are spaces, from the count of marks before it. The
faults repaired here:

* a mark glued to the word outside the quotation (`this"terrorist”`, `course"in`);
* a space inside the quotation (`" word`, `word "`);
* the closing mark read as an apostrophe (`"six conditions’,`), found only where the paragraph
  has an unclosed quotation, and never in a possessive (`the workers' state`); and likewise an
  opening mark read as one (`'accounting and control”`);
* a closing mark read twice (`"improvement"”`).

No straight/curly inconsistency is introduced: a mark put back has the style of its partner.
"""
from __future__ import annotations

import re

from ...prose import FUNCTION_WORDS
from .engine import Edit, Paragraph

DOUBLE = "\"“”"
_DOUBLE = re.compile(r"[\"“”]")


def _opens(text: str, i: int) -> bool:
    """Does the double mark at `i` open a quotation?

    Decided by the mark itself if curly; by its neighbours (`␣"word` opens, `word"␣` closes); where
    both sides look alike (`this"terrorist`, `the " Stakhanovist"`), by a function word before it
    (a quotation seldom ends on `the`); and failing all that, by the count of marks before it."""
    mark = text[i]
    if mark in "“”":
        return mark == "“"
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    space_before = before.isspace() or before in "([{—–/-"
    space_after = after.isspace() or after in ".,;:!?)]}—–-"
    if space_before and not space_after:
        return True
    if space_after and not space_before:
        return False
    if space_before == space_after and (before.isspace() or before.isalnum()):
        word_before = re.search(r"([^\W_]+)\s?$", text[:i])
        if word_before and is_function_word(word_before.group(1)):
            return True
    return len(_DOUBLE.findall(text[:i])) % 2 == 0


def _closing_for(mark: str) -> str:
    return "”" if mark == "“" else '"'


def fix_glued(par: Paragraph) -> list[Edit]:
    """`this"terrorist` -> `this "terrorist`; `course"in` -> `course" in`."""
    edits = []
    text = par.text
    for m in re.finditer(r"(?<=[^\W_])[\"“”](?=[^\W_])", text):
        i = m.start()
        edits.append(Edit(i, i + 1, " " + text[i] if _opens(text, i) else text[i] + " "))
    return edits


def is_function_word(word: str) -> bool:
    return word.lower() in FUNCTION_WORDS


def fix_inner_space(par: Paragraph) -> list[Edit]:
    """`" word` (an opening mark with a space after it) and `word "` (a closing one with one before)."""
    edits = []
    text = par.text
    for m in re.finditer(r"(?:(?<=\s)|^)[\"“”] (?=\S)", text):
        i = m.start()
        opening = _opens(text, i)
        if opening and (text[i + 2].isalnum() or text[i + 2] in "‘'"):
            edits.append(Edit(i, i + 2, text[i]))
        elif not opening and i > 0 and text[i - 2 : i - 1].isalnum():
            edits.append(Edit(i - 1, i + 1, text[i]))
    return edits


_APOSTROPHE = re.compile(r"(?<=[^\W_]|[.,!?])['’](?=[\s.,;:!?)—–-]|$)")


def _possessive(text: str, i: int) -> bool:
    """`workers' state`: an apostrophe after s, followed by a lower-case word (not a function word,
    as in `"forced loans' of products`), is a possessive."""
    nxt = re.match(r"\s+([a-z]+)", text[i + 1 :])
    if nxt is None or nxt.group(1) in FUNCTION_WORDS or nxt.group(1).endswith("ly"):
        return False  # `"by changing circumstances' obviously won't`
    return text[i - 1] in "sS"


def fix_apostrophe_closers(par: Paragraph) -> list[Edit]:
    """In a paragraph with an unclosed quotation, the `'`/`’` that ends it is its closing mark;
    before a closing mark that closes nothing, the `'` that begins the quotation is its opening."""
    text = par.text
    marks = [m.start() for m in _DOUBLE.finditer(text)]
    edits = []
    open_at = None
    previous = -1
    for i in marks + [len(text)]:
        if i < len(text) and not _opens(text, i):
            if open_at is None:
                fix = _opener_between(text, previous, i)
                if fix is not None:
                    edits.append(Edit(fix, fix + 1, "“" if text[i] == "”" else '"'))
            open_at = None
            previous = i
            continue
        if open_at is not None:
            fix = _closer_between(text, open_at, i)
            if fix is not None:
                edits.append(Edit(fix, fix + 1, _closing_for(text[open_at])))
        open_at = i if i < len(text) else None
        previous = i
    return edits


def _opener_between(text: str, start: int, end: int) -> int | None:
    """The last `'` after `start` that opens a quotation nothing closes before `end`."""
    found = None
    for m in re.finditer(r"(?:(?<=\s)|(?<=^)|(?<=[(\[—]))['‘](?=[^\W_])", text[start + 1 : end]):
        found = start + 1 + m.start()
    if found is None or re.search(r"[^\W_][’']?[’'](?=[\s.,;:!?)—]|$)", text[found + 1 : end]):
        return None
    return found


def _closer_between(text: str, start: int, end: int) -> int | None:
    """The first apostrophe between two opening marks that can close the first one."""
    nested = 0
    for m in re.finditer(r"['‘’]", text[start + 1 : end]):
        i = start + 1 + m.start()
        before = text[i - 1]
        if text[i] == "‘" or (text[i] == "'" and (before.isspace() or before in DOUBLE + "(—")):
            nested += 1
            continue
        if not _APOSTROPHE.match(text, i):
            continue
        if nested:
            nested -= 1
            continue
        if _possessive(text, i) and re.search(r"\s", text[start:i]):
            continue  # (`a"bourgeois’ state`: a one-word quotation closes, however it looks)
        return i
    return None


def fix_doubled(par: Paragraph) -> list[Edit]:
    """`"improvement"”`: two closing marks in a row where the paragraph has one too many."""
    text = par.text
    if len(_DOUBLE.findall(text)) % 2 == 0:
        return []
    return [
        Edit(m.start(), m.end(), m.group()[0])
        for m in re.finditer(r"(?<=[^\W_])[\"”][\"”](?=[\s.,;:!?)—]|$)", text)
    ]

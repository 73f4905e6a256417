"""One note model for every text: Pandoc `Note` nodes in the shared AST, numbered per text.

Shared by both outputs (`label_notes`): a note that opens with an emphasised label such as
*Translator’s note.* gets that label wrapped in `<span class="note-label note-translator">`, so that
both style sheets can set it apart and a reader knows whose note it is.

EPUB only (`expand_ibid`, `epub_notes`, run on the EPUB's copy of the AST):
- "Ibid." names the previous note's source, which a pop-up does not show. Each ibid gets the
  source it stands for, derived from the notes before it (`Ibid [= A Writer, A history], p348`),
  in `<span class="ibid-antecedent">`. Print keeps the author's plain "Ibid.": there the previous
  note is on the same page or the one before. What counts as a citation is a general rule of
  English references, no one source's house style: a lead-in ("Quoted in", "see", "cf."), a year
  (or "nd"), page numbers with or without a full stop (`p. 48`, `p48`, `pp48-9`), a volume, a
  place before the year.
- Pandoc's EPUB notes have no way back to the text. `epub_notes` writes them itself: the call is a
  link (`epub:type="noteref"`, `role="doc-noteref"`) and each note an `<aside epub:type="footnote"
  role="doc-footnote">` that begins with its number linking back to the call (`role="doc-backlink"`),
  gathered at the end of its text (`<section epub:type="footnotes">`). This is the markup Apple
  Books and Kobo open as pop-ups (a noteref link to an aside marked footnote), and the DAISY
  guidance for readers without pop-ups (a back-link before the note's text).
"""
from __future__ import annotations

import copy
import re

from .. import doctree
from ..doctree import link, space, span, str_
from .inlines import inline_text, slice_inlines

# ------------------------------------------------------------------ labels (both outputs)

_LABEL = re.compile(r"^(?:(?P<who>[A-Z][a-z]+)[’']s [Nn]ote|[Nn]ote by the (?P<by>[a-z]+))[.:]?$")


def _stringify(inlines: list) -> str:
    return inline_text(inlines).strip()


def note_label(note: dict) -> str | None:
    """The role named by a note's opening label ("translator" for *Translator’s note.*), or None."""
    body = doctree.note_blocks(note)
    first = body[0] if body else None
    if not first or first["t"] not in ("Para", "Plain") or not doctree.inlines_of(first):
        return None
    head = doctree.inlines_of(first)[0]
    if head["t"] == "Span" and doctree.has_class(head, "note-label"):
        label = doctree.inlines_of(head)
        head = label[0] if label else head
    if head["t"] not in ("Emph", "Strong"):
        return None
    m = _LABEL.match(_stringify(doctree.inlines_of(head)))
    return (m.group("who") or m.group("by")).lower() if m else None


def notes_in(node) -> list[dict]:
    """Every Note node under `node` (a node, a list of nodes, or a whole AST), in document order.
    (Pandoc's notes hold no notes, so the search need not look inside one: three times faster than
    `find_nodes` on the book, which tests/test_doctree.py holds it to.)"""
    return doctree.find_notes(node)


def label_notes(book, tree: dict, warnings: list[str], facts: dict | None = None) -> None:
    from .. import doctree

    for _, blocks in doctree.texts(tree):
        for note in notes_in(blocks):
            role = note_label(note)
            body = doctree.note_blocks(note)
            first = doctree.inlines_of(body[0]) if body else []
            if role and first and first[0]["t"] in ("Emph", "Strong"):
                first[0] = span("", ["note-label", f"note-{role}"], [first[0]])


# ------------------------------------------------------------------ ibid (EPUB)

_IBID = re.compile(r"^(?P<pre>[(\[“‘]?)(?P<word>[Ii]bid(?:em)?\b\.?)(?P<rest>.*)$")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d|nd)\b")
_LEAD_IN = re.compile(r"^(?:[Qq]uoted in|[Cc]ited in|[Ss]ee(?: also)?|[Cc]f\.?|[Ff]rom)\s+")
_MID_LEAD_IN = re.compile(r"(?:^|\s)(?:–|—|-)?\s*(?:[Ss]ee(?: also)?|[Qq]uoted in|[Cc]ited in)\s+(?=\S)")
_PAGES = re.compile(r"[,\s]*(?:pp?\.?\s*[\dlIivxlc][\dlivxlc–\-, n]*|[Vv]ol\.?\s*\d+)?\s*[.)]*\s*$")
# A place of publication is one capitalised word ("London", "Harmondsworth"), or two where the first
# is one of the usual prefixes of place names ("New York").
_PLACE_YEAR = re.compile(r",?\s+(?:(?:New|San|Los|Saint|St\.?|Le|La|Den)\s+)?[A-Z][\w’'.-]*\s+(?:1[5-9]\d\d|20\d\d|nd)$")
_VOLUME = re.compile(r",?\s+[Vv]ol\.?\s*\d+$")


def citation_span(text: str) -> tuple[int, int] | None:
    """Where the source stands in a citation-like string: after a lead-in ("Quoted in", "see")
    and before the page numbers; None unless it names a year (or "nd"), as a citation does."""
    if not _YEAR.search(text) or _IBID.match(text.strip()) or re.search(r"\b[Ii]bid\b", text):
        return None
    start = 0
    for m in _MID_LEAD_IN.finditer(text):
        start = m.end()
    lead = _LEAD_IN.match(text[start:])
    if lead:
        start += lead.end()
    body = text[start:]
    trimmed = _PAGES.sub("", body)
    end = start + len(trimmed.rstrip(" ,."))
    # "London 1931", "Moscow 1977": where and when is not needed to know which book is meant.
    short = _PLACE_YEAR.sub("", text[start:end])
    if len(short.split()) >= 2:
        end = start + len(short.rstrip(" ,"))
    return (start, end) if end - start > 3 else None


def citations(text: str) -> list[tuple[int, int]]:
    """The sources a note cites, in order: each parenthesis that holds a citation, or else the
    note's last sentence if it is one (a bare reference like "A Writer CW Vol 30, Moscow 1977, p208")."""
    found = []
    for m in re.finditer(r"\(([^()]*)\)", text):
        inner = citation_span(m.group(1))
        if inner:
            found.append((m.start(1) + inner[0], m.start(1) + inner[1]))
    if found:
        return found
    sentences = [m.start() for m in re.finditer(r"(?<=[.!?”])\s+(?=[A-Z“‘])", text)]
    start = sentences[-1] + 1 if sentences else 0
    while start < len(text) and text[start] == " ":
        start += 1
    inner = citation_span(text[start:])
    return [(start + inner[0], start + inner[1])] if inner else []


def _ibid_positions(inlines: list) -> list[int]:
    """Indexes of the top-level inlines that are, or start with, the word ibid."""
    found = []
    for i, node in enumerate(inlines):
        if node["t"] == "Str" and _IBID.match(doctree.literal(node)):
            found.append(i)
        elif node["t"] in ("Emph", "Strong") and re.match(r"^[Ii]bid(?:em)?\.?$", _stringify(doctree.inlines_of(node))):
            found.append(i)
    return found


def _offset_of(inlines: list, index: int) -> int:
    return len(inline_text(inlines[:index]))


def expand_ibid(book, tree: dict, warnings: list[str]) -> None:
    """Put the source each "Ibid." stands for after it, in the EPUB's notes."""
    from .. import doctree

    for text_id, blocks in doctree.texts(tree):
        source: list | None = None
        for number, note in enumerate(notes_in(blocks), 1):
            for block in doctree.note_blocks(note):
                if block["t"] not in ("Para", "Plain"):
                    continue
                inlines = doctree.inlines_of(block)
                text = inline_text(inlines)
                events = [(_offset_of(inlines, i), "ibid", i) for i in _ibid_positions(inlines)]
                events += [(start, "cite", (start, end)) for start, end in citations(text)]
                insertions = []
                for _, kind, value in sorted(events, key=lambda e: e[0]):
                    if kind == "cite":
                        source = unmarked(slice_inlines(inlines, *value))
                    elif source is None:
                        warnings.append(f"notes: {text_id} note {number}: “Ibid.” with no earlier source to name")
                    else:
                        insertions.append((value, _fit(source, inlines, value)))
                for index, antecedent in reversed(insertions):
                    _insert_after_ibid(inlines, index, antecedent)


def unmarked(inlines: list) -> list:
    """A copy of inlines for use elsewhere: without index marks, glossary links or ids, so that
    the copy adds no second occurrence and no duplicate id."""
    out = []
    for node in copy.deepcopy(inlines):
        kind = node["t"]
        if kind in ("Span", "Link") and ({"index-mark", "glossary-term", "para-anchor"} & set(doctree.classes(node))):
            out.extend(unmarked(doctree.inlines_of(node)))
            continue
        if kind in ("Span", "Link"):
            doctree.set_id(node, "")
        if kind in ("Span", "Link", "Quoted") or kind in doctree.TEXT_CONTAINERS:
            doctree.set_inlines(node, unmarked(doctree.inlines_of(node)))
        out.append(node)
    return out


def _fit(source: list, inlines: list, index: int) -> list:
    """The source as this ibid needs it: without its volume when the ibid gives its own
    ("ibid Vol 29, p58" after "A Writer CW Vol 31")."""
    after = inline_text(inlines[index + 1:]).lstrip(" ,.")
    node = inlines[index]
    if node["t"] == "Str":
        after = _IBID.match(doctree.literal(node)).group("rest").lstrip(" ,.") + " " + after
    if re.match(r"^[Vv]ol\.?\s*\d", after.strip()):
        text = inline_text(source)
        m = _VOLUME.search(text)
        if m:
            return slice_inlines(source, 0, m.start())
    return source


def _insert_after_ibid(inlines: list, index: int, antecedent: list) -> None:
    node = inlines[index]
    mark = span("", ["ibid-antecedent"], [str_("[="), space(), *copy.deepcopy(antecedent), str_("]")])
    if node["t"] == "Str":
        m = _IBID.match(doctree.literal(node))
        word, rest = m.group("pre") + m.group("word"), m.group("rest")
        replacement = [str_(word), space(), mark] + ([str_(rest)] if rest else [])
        inlines[index:index + 1] = replacement
    else:
        inlines[index + 1:index + 1] = [space(), mark]


# ------------------------------------------------------------------ EPUB notes

def raw(html: str) -> dict:
    return doctree.raw_block("html", html)


def note_ids(text_id: str, number: int) -> tuple[str, str]:
    """(the call's id, the note's id) of a text's note `number`."""
    return f"{text_id}-fnref{number}", f"{text_id}-fn{number}"


def epub_notes(book, tree: dict, warnings: list[str]) -> None:
    """Replace each text's Note nodes by note calls and a notes section at the end of the text."""
    blocks = tree["blocks"]
    starts = [i for i, b in enumerate(blocks) if doctree.header_level(b) == 1]
    # Walk the level-1 sections from the last, so inserting notes does not move the ones before.
    for position, start in reversed(list(enumerate(starts))):
        header = blocks[start]
        if not doctree.has_class(header, "text"):
            continue
        end = starts[position + 1] if position + 1 < len(starts) else len(blocks)
        text_id = doctree.header_id(header)
        section = blocks[start:end]
        asides = _replace_notes(section, text_id)
        if asides:
            blocks[end:end] = [raw('<section class="footnotes" epub:type="footnotes" aria-label="Notes">'),
                               *asides, raw("</section>")]


def _replace_notes(section: list, text_id: str) -> list:
    asides: list = []
    count = 0

    def replace(note: dict) -> dict:
        nonlocal count
        count += 1
        ref_id, note_id = note_ids(text_id, count)
        role = note_label(note)
        classes = f"footnote note-{role}" if role else "footnote"
        body = doctree.note_blocks(note) or [doctree.para([])]
        back = link(f"#{ref_id}", [str_(str(count))], classes=["footnote-back"], attributes=[["role", "doc-backlink"]])
        if body[0]["t"] in ("Para", "Plain"):
            doctree.inlines_of(body[0])[:0] = [back, str_("."), space()]
        else:
            body.insert(0, doctree.para([back]))
        asides.append(raw(f'<aside id="{note_id}" class="{classes}" epub:type="footnote" role="doc-footnote">'))
        asides.extend(body)
        asides.append(raw("</aside>"))
        return link(f"#{note_id}", [str_(str(count))], ident=ref_id, classes=["footnote-ref"],
                    attributes=[["epub:type", "noteref"], ["role", "doc-noteref"]])

    doctree.replace_nodes(section, "Note", replace)
    return asides

"""Glossary links both ways in the EPUB: each term's definition opens in place, and each glossary
entry leads back to where the term is used.

The shared apparatus links the first use of a term in each text to its glossary entry (a plain
jump to the back of the book). Here, after Pandoc, that link becomes a note call
(`epub:type="noteref"`, `role="doc-noteref"`) to an `<aside epub:type="footnote">` in the same
file, gathered after the text's notes: the markup Apple Books, Kobo and others open as a pop-up
beside the text, as they do the authors' notes (apparatus/notes.py). The aside holds the headword
(a back-link to the use), the definition and a link to the full entry. Readers without pop-ups jump
to it and come back by the headword.

Each glossary entry then gets a "Used in" line: a link back to the term's first use in each text.
This runs after the print page markers are placed (their offsets count the glossary's own words,
which the "Used in" lines would change) and before large files are split (links are pointed anew
there).
"""
from __future__ import annotations

import copy
from typing import Callable
from xml.etree import ElementTree as ET

from .package import EPUB_TYPE, element, local_name, parent_map, x

TERM_CLASS = "glossary-term"
NOTE_CLASS = "glossary-note"
USES_CLASS = "glossary-uses"
ANCHOR_PREFIX = "gloss-"


def _classes(node) -> set[str]:
    return set((node.get("class") or "").split())


def _glossary_entries(documents: dict[str, ET.Element]) -> tuple[str, dict[str, tuple[ET.Element, ET.Element]]] | None:
    """(zip path of the glossary's file, term anchor → (dt, dd)); None without a glossary."""
    for name, root in documents.items():
        for dl in root.iter(x("dl")):
            if "glossary" not in _classes(dl):
                continue
            entries, term = {}, None
            for child in dl:
                if local_name(child.tag) == "dt" and (child.get("id") or "").startswith(ANCHOR_PREFIX):
                    term = child
                elif local_name(child.tag) == "dd" and term is not None:
                    entries[term.get("id")] = (term, child)
                    term = None
            return name, entries
    return None


def _text_section(node: ET.Element, parents: dict) -> ET.Element | None:
    """The level-1 section of a text (class `text`) that holds `node`."""
    while node is not None:
        if local_name(node.tag) == "section" and "text" in _classes(node) and node.get("id"):
            return node
        node = parents.get(node)
    return None


def _definition_copy(dd: ET.Element, glossary_file: str) -> list[ET.Element]:
    """The definition's blocks for a pop-up: no ids (they stay unique), no page markers (a page
    begins in the glossary, not in the pop-up), links within the glossary pointed at its file."""
    blocks = [copy.deepcopy(child) for child in dd if USES_CLASS not in _classes(child)]
    for block in blocks:
        parents = parent_map(block)
        for node in list(block.iter()):
            if node.get(EPUB_TYPE) == "pagebreak":
                holder = parents[node]
                index = list(holder).index(node)
                if node.tail:  # keep the text that followed the marker
                    if index:
                        holder[index - 1].tail = (holder[index - 1].tail or "") + node.tail
                    else:
                        holder.text = (holder.text or "") + node.tail
                holder.remove(node)
            node.attrib.pop("id", None)
            href = node.get("href") or ""
            if href.startswith("#"):
                node.set("href", glossary_file + href)
    return blocks


def link_both_ways(documents: dict[str, ET.Element], titles: dict[str, str],
                   terms_in: Callable[[str], list[str]] | None = None) -> int:
    """Make every glossary link in `documents` (parsed XHTML by zip path, in spine order) a note
    call to a pop-up definition in its own file, and give every glossary entry its "Used in"
    back-links (`titles`: text id → how the list names the text). A term used only in the
    authors' notes (never linked there: a pop-up inside a pop-up) leads back to the first note of
    each text that uses it, as `terms_in` (text → the anchors of the terms it uses) finds them.
    Returns the links made."""
    found = _glossary_entries(documents)
    if found is None:
        return 0
    glossary_path, entries = found
    glossary_file = glossary_path.rsplit("/", 1)[-1]
    uses: dict[str, list[tuple[str, str, str]]] = {anchor: [] for anchor in entries}
    made = 0
    for name, root in documents.items():
        if name == glossary_path:
            continue
        parents = parent_map(root)
        asides: dict[ET.Element, list[ET.Element]] = {}
        for link in list(root.iter(x("a"))):
            anchor = (link.get("href") or "").rpartition("#")[2]
            if TERM_CLASS not in _classes(link) or anchor not in entries:
                continue
            section = _text_section(link, parents)
            if section is None:
                continue
            text_id = section.get("id")
            use_id, note_id = f"{text_id}-{anchor}-use", f"{text_id}-{anchor}"
            link.set("id", use_id)
            link.set("href", f"#{note_id}")
            link.set(EPUB_TYPE, "noteref")
            link.set("role", "doc-noteref")
            dt, dd = entries[anchor]
            aside = element(x("aside"), {"id": note_id, "class": f"footnote {NOTE_CLASS}", EPUB_TYPE: "footnote",
                                         "role": "doc-footnote"})
            head = element(x("p"), {"class": "glossary-note-term"})
            head.append(element(x("a"), {"href": f"#{use_id}", "role": "doc-backlink"},
                                text="".join(dt.itertext()).strip(), tail=None))
            aside.append(head)
            for block in _definition_copy(dd, glossary_file):
                aside.append(block)
            full = element(x("p"), {"class": "glossary-note-entry"})
            full.append(element(x("a"), {"href": f"{glossary_file}#{anchor}"}, text="Glossary entry", tail=None))
            aside.append(full)
            asides.setdefault(section, []).append(aside)
            uses[anchor].append((name.rsplit("/", 1)[-1], use_id, titles.get(text_id, text_id)))
            made += 1
        for section, notes in asides.items():
            holder = element(x("section"), {"class": "glossary-notes", "aria-label": "Glossary terms in this text"})
            holder.text = "\n"
            for aside in notes:
                holder.append(aside)
            section.append(holder)
    if terms_in is not None:
        _uses_in_notes(documents, glossary_path, uses, terms_in, titles)
    for anchor, (_, dd) in entries.items():
        if uses[anchor]:
            dd.append(_uses_paragraph(uses[anchor]))
    return made


def _uses_in_notes(documents: dict[str, ET.Element], glossary_path: str, uses: dict, terms_in, titles) -> None:
    """For each term not linked anywhere, the first note in each text that uses it."""
    unlinked = {anchor for anchor, found in uses.items() if not found}
    for name, root in documents.items():
        if name == glossary_path or not unlinked:
            continue
        parents = parent_map(root)
        seen: set[tuple[str, str]] = set()
        for aside in root.iter(x("aside")):
            if aside.get(EPUB_TYPE) != "footnote" or NOTE_CLASS in _classes(aside) or not aside.get("id"):
                continue
            section = _text_section(aside, parents)
            if section is None:
                continue
            text_id = section.get("id")
            number = next((a.text for a in aside.iter(x("a")) if a.get("role") == "doc-backlink"), None)
            for anchor in terms_in("".join(aside.itertext())):
                if anchor in unlinked and (text_id, anchor) not in seen:
                    seen.add((text_id, anchor))
                    label = titles.get(text_id, text_id) + (f", note {number}" if number else ", a note")
                    uses[anchor].append((name.rsplit("/", 1)[-1], aside.get("id"), label))


def _uses_paragraph(found: list[tuple[str, str, str]]) -> ET.Element:
    """"Used in: A; B." with a link to the term's use in each text."""
    line = element(x("p"), {"class": USES_CLASS})
    label = element(x("em"), text="Used in", tail=" ")
    line.append(label)
    for i, (file, use_id, title) in enumerate(found):
        link = element(x("a"), {"href": f"{file}#{use_id}", "role": "doc-backlink"}, text=title,
                       tail="." if i == len(found) - 1 else "; ")
        line.append(link)
    return line

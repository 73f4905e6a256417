"""Reading a built EPUB in tests: its chapter files, headings, notes and text."""
from __future__ import annotations

import re
import zipfile
from functools import cached_property
from pathlib import Path
from xml.etree import ElementTree as ET

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def text_of(element) -> str:
    return "".join(element.itertext())


def is_paragraph_number(element) -> bool:
    return "para-anchor" in (element.get("class") or "").split()


def prose_of(paragraph) -> str:
    """A paragraph's text without the number the EPUB writes into its anchor (and the no-break
    space after it): the author's words, as print has them."""
    out = paragraph.text or ""
    for child in paragraph:
        if is_paragraph_number(child):
            out += (child.tail or "").lstrip("\u00a0")
        else:
            out += text_of(child) + (child.tail or "")
    return out


def is_glossary(element) -> bool:
    """A glossary link or the definition it opens (render/epub/glossary_links.py)."""
    return bool({"glossary-term", "glossary-note"} & set((element.get("class") or "").split()))


def _file_order(name: str) -> tuple:
    """Zip paths with a split chapter's pieces in order (ch003, ch003-2, …, ch003-10, ch004)."""
    m = re.search(r"^(.*?)(\d+)(?:-(\d+))?\.xhtml$", name)
    return (m.group(1), int(m.group(2)), int(m.group(3) or 1)) if m else (name, 0, 0)


class Epub:
    def __init__(self, path: Path):
        self.path = Path(path)
        with zipfile.ZipFile(self.path) as z:
            self.files = {name: z.read(name) for name in z.namelist()}

    @cached_property
    def chapters(self) -> dict[str, ET.Element]:
        """Chapter documents keyed by the id of their level-1 section (the text id). A chapter
        split into several files (`ch003.xhtml`, `ch003-2.xhtml`: render/epub/split.py) is given
        as one document: the continuations' sections follow the first file's in its body."""
        found, by_file = {}, {}
        for name in sorted(self.files, key=_file_order):
            m = re.search(r"text/(ch\d+)(?:-(\d+))?\.xhtml$", name)
            if not m:
                continue
            root = ET.fromstring(self.files[name])
            if m.group(2) and m.group(1) in by_file:
                body = by_file[m.group(1)].find("x:body", NS)
                body.extend(root.find("x:body", NS))
                continue
            section = root.find(".//x:body/x:section", NS)
            if section is not None and section.get("id"):
                found[section.get("id")] = by_file[m.group(1)] = root
        return found

    def text_ids(self) -> list[str]:
        """The chapters that are texts (their section has class `text`), not front or back matter."""
        return [i for i, root in self.chapters.items()
                if "text" in (root.find(".//x:body/x:section", NS).get("class") or "").split()]

    def headings(self, text_id: str, level: int) -> list[str]:
        root = self.chapters[text_id]
        return [" ".join(text_of(h).split()) for h in root.iter(f"{{{NS['x']}}}h{level}")]

    def notes(self, text_id: str) -> list[ET.Element]:
        """The authors' notes of a text (not the glossary definitions that open in place)."""
        root = self.chapters[text_id]
        return [e for e in root.iter() if e.get(EPUB_TYPE) == "footnote" and not is_glossary(e)]

    def noterefs(self, text_id: str) -> list[ET.Element]:
        """The calls of the authors' notes (not the glossary links, which are note calls too)."""
        root = self.chapters[text_id]
        return [e for e in root.iter() if e.get(EPUB_TYPE) == "noteref" and not is_glossary(e)]

    def paragraphs(self, text_id: str) -> list[str]:
        """Body paragraphs of a text (not notes, not the opener), without their numbers."""
        root = self.chapters[text_id]
        skip = set()
        for e in root.iter():
            if e.get(EPUB_TYPE) in ("footnote", "footnotes") or {"opener", "discussion"} & set((e.get("class") or "").split()):
                skip.update(id(x) for x in e.iter())
        return [" ".join(prose_of(p).split()) for p in root.iter(f"{{{NS['x']}}}p") if id(p) not in skip]

    def body_text(self, text_id: str) -> str:
        return text_of(self.chapters[text_id].find(".//x:body", NS))

    def all_text(self) -> str:
        return "\n".join(text_of(ET.fromstring(data)) for name, data in self.files.items() if name.endswith(".xhtml"))

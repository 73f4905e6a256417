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


class Epub:
    def __init__(self, path: Path):
        self.path = Path(path)
        with zipfile.ZipFile(self.path) as z:
            self.files = {name: z.read(name) for name in z.namelist()}

    @cached_property
    def chapters(self) -> dict[str, ET.Element]:
        """Chapter documents keyed by the id of their level-1 section (the text id)."""
        found = {}
        for name in sorted(self.files):
            if not re.search(r"text/ch\d+\.xhtml$", name):
                continue
            root = ET.fromstring(self.files[name])
            section = root.find(".//x:body/x:section", NS)
            if section is not None and section.get("id"):
                found[section.get("id")] = root
        return found

    def text_ids(self) -> list[str]:
        """The chapters that are texts (their section has class `text`), not front or back matter."""
        return [i for i, root in self.chapters.items()
                if "text" in (root.find(".//x:body/x:section", NS).get("class") or "").split()]

    def headings(self, text_id: str, level: int) -> list[str]:
        root = self.chapters[text_id]
        return [" ".join(text_of(h).split()) for h in root.iter(f"{{{NS['x']}}}h{level}")]

    def notes(self, text_id: str) -> list[ET.Element]:
        root = self.chapters[text_id]
        return [e for e in root.iter() if e.get(EPUB_TYPE) == "footnote"]

    def noterefs(self, text_id: str) -> list[ET.Element]:
        root = self.chapters[text_id]
        return [e for e in root.iter() if e.get(EPUB_TYPE) == "noteref"]

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

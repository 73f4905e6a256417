"""Rewriting an EPUB after Pandoc: its zip, its XHTML files and its package document (content.opf).

Pandoc writes the chapters; what it cannot write from a sandbox (the cover, the print page list,
landmarks, the full accessibility metadata) is added here by editing the files as XML trees, so
every file stays well-formed and is serialised the same way on every build.

The EPUB container rules want `mimetype` first and stored uncompressed; a reproducible book wants
every other entry in sorted order with the same timestamp, so that two builds of the same sources
are byte-identical.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from ..pages import local_name, parent_map  # noqa: F401 (part of this module's XML helpers)

FIXED_DATE = (1980, 1, 1, 0, 0, 0)

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
EPUB_TYPE = f"{{{OPS}}}type"
NAMESPACES = {"epub": OPS, "dc": DC, "svg": "http://www.w3.org/2000/svg", "xlink": "http://www.w3.org/1999/xlink"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                 "track", "wbr"}


# --- the zip -------------------------------------------------------------------------------------

def read_entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as source:
        return {name: source.read(name) for name in source.namelist()}


def write_entries(path: Path, entries: dict[str, bytes]) -> None:
    entries = dict(entries)
    with zipfile.ZipFile(path, "w") as target:
        target.writestr(_info("mimetype", zipfile.ZIP_STORED), entries.pop("mimetype"))
        for name in sorted(entries):
            target.writestr(_info(name, zipfile.ZIP_DEFLATED), entries[name])


def _info(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
    info.compress_type = compression
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


# --- XML files -----------------------------------------------------------------------------------

for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)


def parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def serialize_xhtml(root: ET.Element) -> bytes:
    """An XHTML content document as Pandoc writes them: declaration, `<!DOCTYPE html>`, and empty
    non-void elements written out in full (`<span ...></span>`), so that a reading system that
    parses the file as HTML rather than XML still reads it right."""
    body = _tostring(root, XHTML)
    body = re.sub(r"<([\w:.-]+)((?:\s[^<>]*?)?)\s*/>",
                  lambda m: m.group(0) if m.group(1) in VOID_ELEMENTS else f"<{m.group(1)}{m.group(2)}></{m.group(1)}>",
                  body)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n' + body + "\n").encode("utf-8")


def serialize_xml(root: ET.Element, default_namespace: str) -> bytes:
    body = _tostring(root, default_namespace)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _tostring(root: ET.Element, default_namespace: str) -> str:
    """ElementTree writes the namespace registered with the empty prefix as the default one."""
    ET.register_namespace("", default_namespace)
    return ET.tostring(root, encoding="unicode")


def x(tag: str) -> str:
    """An XHTML element name in ElementTree's notation."""
    return f"{{{XHTML}}}{tag}"


def append(parent: ET.Element, child: ET.Element, index: int | None = None) -> None:
    """Add `child` to `parent` keeping the file's indentation (each child on its own line)."""
    indent = parent.text if parent.text and not parent.text.strip() else "\n"
    index = len(parent) if index is None else index
    if index == len(parent):
        child.tail = parent[-1].tail if len(parent) else parent.tail
        if len(parent):
            parent[-1].tail = indent
    else:
        child.tail = indent
    parent.insert(index, child)


def element(tag: str, attrib: dict | None = None, text: str | None = None, tail: str | None = "\n") -> ET.Element:
    made = ET.Element(tag, attrib or {})
    made.text, made.tail = text, tail
    return made


# --- the package document ------------------------------------------------------------------------

class Package:
    """content.opf, with the few edits the EPUB step makes: metadata, manifest items, spine order."""

    def __init__(self, data: bytes, path: str = "EPUB/content.opf"):
        self.root = parse(data)
        self.path = path
        self.metadata = self.root.find(f"{{{OPF}}}metadata")
        self.manifest = self.root.find(f"{{{OPF}}}manifest")
        self.spine = self.root.find(f"{{{OPF}}}spine")

    @property
    def base(self) -> str:
        return self.path.rsplit("/", 1)[0] + "/"

    def items(self) -> list[ET.Element]:
        return list(self.manifest)

    def spine_hrefs(self) -> list[str]:
        """The spine's documents as paths in the zip, in reading order."""
        by_id = {item.get("id"): item.get("href") for item in self.manifest}
        return [self.base + by_id[ref.get("idref")] for ref in self.spine]

    def add_item(self, item_id: str, href: str, media_type: str, properties: str | None = None) -> None:
        attrib = {"id": item_id, "href": href, "media-type": media_type}
        if properties:
            attrib["properties"] = properties
        append(self.manifest, element(f"{{{OPF}}}item", attrib))

    def insert_spine(self, index: int, idref: str, linear: str = "yes") -> None:
        append(self.spine, element(f"{{{OPF}}}itemref", {"idref": idref, "linear": linear}), index)

    def remove_meta(self, predicate) -> None:
        for meta in list(self.metadata):
            if predicate(meta):
                self.metadata.remove(meta)

    def add_meta(self, prop: str, value: str, **attrib) -> ET.Element:
        made = element(f"{{{OPF}}}meta", {"property": prop, **attrib}, text=value)
        append(self.metadata, made)
        return made

    def add_dc(self, name: str, value: str, **attrib) -> ET.Element:
        made = element(f"{{{DC}}}{name}", attrib, text=value)
        append(self.metadata, made)
        return made

    def add_guide(self, kind: str, title: str, href: str) -> None:
        guide = self.root.find(f"{{{OPF}}}guide")
        if guide is None:
            guide = element(f"{{{OPF}}}guide")
            append(self.root, guide)
        append(guide, element(f"{{{OPF}}}reference", {"type": kind, "title": title, "href": href}), 0)

    def to_bytes(self) -> bytes:
        return serialize_xml(self.root, default_namespace=OPF)

"""Large chapter files cut in two or more at section boundaries, and every link pointed anew.

Older reading systems (and some current e-ink ones) load a whole XHTML file into memory and slow
down or fail on files over about 300 KB; a long text or the index passes that. Pandoc splits only
at one heading level for the whole book, so a file too large is cut here, after everything else is
in it: between the top-level sections of its level-1 section (chapters of a text, letter groups of
the index), each piece no larger than about `TARGET` bytes. A continuation file is named after its
first file (`ch003.xhtml` → `ch003-2.xhtml`), keeps its `<body>`'s partition and its section's
classes and language, and takes no id of its own (the level-1 id stays with the first piece). The
notes and glossary definitions at the end of a text go with the piece whose calls open them, since
a reading system opens a pop-up only from the same file.

A link anywhere in the book (the chapters, the contents, the page list, toc.ncx) to an id that
moved is then pointed at its new file.
"""
from __future__ import annotations

import copy
import math
import posixpath
import re
from xml.etree import ElementTree as ET

from .package import Package, local_name, serialize_xhtml, x

LIMIT = 300_000
"""A file larger than this (bytes of XHTML) is split."""
TARGET = 200_000
"""The size the pieces aim at."""
CONTINUED = "continued"


def _top_section(root: ET.Element) -> tuple[ET.Element, ET.Element] | None:
    body = root.find(x("body"))
    section = next((child for child in body if local_name(child.tag) == "section"), None) if body is not None else None
    return (body, section) if section is not None else None


def _cuts(children: list[ET.Element], pieces: int) -> list[int]:
    """Where to cut `children` (indexes of the children that begin a new piece): before a section,
    once the piece so far holds about its share of the bytes."""
    sizes = [len(ET.tostring(child)) for child in children]
    share = sum(sizes) / pieces
    cuts, running = [], 0
    for i, (child, size) in enumerate(zip(children, sizes)):
        if running and running + size / 2 > share * (len(cuts) + 1) and local_name(child.tag) == "section" \
                and len(cuts) < pieces - 1:
            cuts.append(i)
        running += size
    return cuts


def _is_notes(node: ET.Element) -> bool:
    """A section of pop-up asides (the notes, the glossary's definitions) at the end of a text."""
    return local_name(node.tag) == "section" and any(local_name(child.tag) == "aside" for child in node)


def _with_notes(content: list[ET.Element], note_sections: list[ET.Element]) -> list[ET.Element]:
    """`content` followed by the asides its note calls open, in sections like the text's own: a
    reading system opens a pop-up only from the call's own file."""
    called = {(node.get("href") or "").rpartition("#")[2] for child in content for node in child.iter()
              if node.get("href")}
    made = []
    for notes in note_sections:
        asides = [child for child in notes if local_name(child.tag) == "aside" and child.get("id") in called]
        if asides:
            part = ET.Element(notes.tag, dict(notes.attrib))
            part.text, part.tail = notes.text, notes.tail
            part.extend(asides)
            made.append(part)
    return content + made


def split_large(documents: dict[str, ET.Element], package: Package,
                serialized: dict[str, bytes] | None = None) -> dict[str, ET.Element]:
    """`documents` (parsed XHTML by zip path, in spine order) with every file over LIMIT cut into
    pieces, the new files added to `package` after their first piece. Each file left whole is
    put in `serialized` as it was measured, to be written as it is if nothing changes it after."""
    result: dict[str, ET.Element] = {}
    for name, root in documents.items():
        result[name] = root
        written = serialize_xhtml(root)
        size = len(written)
        found = _top_section(root)
        if size <= LIMIT or found is None:
            if serialized is not None:
                serialized[name] = written
            continue
        body, section = found
        note_sections = [child for child in section if _is_notes(child)]
        children = [child for child in section if not _is_notes(child)]
        cuts = _cuts(children, math.ceil(size / TARGET))
        if not cuts:
            continue
        bounds = list(zip([0] + cuts, cuts + [len(children)]))
        pieces = [_with_notes(children[start:end], note_sections) for start, end in bounds]
        after = list(body)[list(body).index(section) + 1:]  # markers of blank pages at the very end
        for child in list(section):
            section.remove(child)
        section.extend(pieces[0])
        for child in after:
            body.remove(child)
        href = _href(package, name)
        for number, piece in enumerate(pieces[1:], 2):
            piece_name = re.sub(r"(\.xhtml)$", rf"-{number}\1", name)
            result[piece_name] = _continuation(root, section, piece + (after if number == len(pieces) else []))
            item_id = re.sub(r"\W", "_", posixpath.basename(piece_name))
            package.add_item(item_id, posixpath.relpath(piece_name, package.base.rstrip("/")),
                             "application/xhtml+xml")
            package.insert_spine(_spine_position(package, href) + number - 1, item_id)
            for ref in package.spine:  # as Pandoc writes its own chapters' itemrefs
                if ref.get("idref") == item_id:
                    del ref.attrib["linear"]
    return result


def _href(package: Package, name: str) -> str:
    return posixpath.relpath(name, package.base.rstrip("/"))


def _spine_position(package: Package, href: str) -> int:
    by_id = {item.get("id"): item.get("href") for item in package.items()}
    return next(i for i, ref in enumerate(package.spine) if by_id[ref.get("idref")] == href)


def _continuation(root: ET.Element, section: ET.Element, children: list[ET.Element]) -> ET.Element:
    """A document like `root` whose body holds `children` in a section like `section`, without its id."""
    made = ET.Element(root.tag, dict(root.attrib))
    made.text = root.text
    for child in root:
        if local_name(child.tag) != "body":
            made.append(copy.deepcopy(child))
    title = next((node for node in made.iter() if local_name(node.tag) == "title"), None)
    if title is not None and title.text:
        title.text = f"{title.text}, continued"
    body = root.find(x("body"))
    new_body = ET.SubElement(made, body.tag, dict(body.attrib))
    new_body.text, new_body.tail = "\n", "\n"
    attrib = {k: v for k, v in section.attrib.items() if k != "id"}
    attrib["class"] = " ".join([*(attrib.get("class") or "").split(), CONTINUED])
    holder = ET.SubElement(new_body, section.tag, attrib)
    holder.text, holder.tail = "\n", "\n"
    for child in children:
        holder.append(child)
    return made


# --- links ----------------------------------------------------------------------------------------

def holders(documents: dict[str, ET.Element]) -> dict[str, str]:
    """Every id → the zip path of the document that holds it."""
    return {node.get("id"): name for name, root in documents.items() for node in root.iter() if node.get("id")}


def relative(target: str, start: str) -> str:
    """The zip path `target` as an href from the document at zip path `start`."""
    return posixpath.relpath(target, posixpath.dirname(start))


def point_links(documents: dict[str, ET.Element], where: dict[str, str], touched: set[str] | None = None) -> int:
    """Point every link in `documents` whose fragment lives in another file than the one it names
    (`where`: id → zip path) at that file; the files changed are added to `touched`. Returns the
    links changed."""
    changed = 0
    for name, root in documents.items():
        for node in root.iter():
            href = node.get("href")
            if not href or "#" not in href or re.match(r"^[a-z][a-z0-9+.-]*:", href):
                continue
            file, fragment = href.split("#", 1)
            current = posixpath.normpath(posixpath.join(posixpath.dirname(name), file)) if file else name
            target = where.get(fragment)
            if target is not None and target != current:
                node.set("href", ("" if target == name else relative(target, name)) + "#" + fragment)
                changed += 1
                if touched is not None:
                    touched.add(name)
    return changed


def point_ncx(ncx: bytes, ncx_name: str, where: dict[str, str]) -> bytes:
    """toc.ncx with every `src` to a moved id pointed at its file."""
    def repoint(m: re.Match) -> str:
        file, fragment = m.group(1), m.group(2)
        target = where.get(fragment)
        if target is None:
            return m.group(0)
        return f'src="{relative(target, ncx_name)}#{fragment}"'

    return re.sub(r'src="([^"#]*)#([^"]+)"', repoint, ncx.decode("utf-8")).encode("utf-8")

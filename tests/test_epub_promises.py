"""What the EPUB promises its readers, checked on the built book: glossary terms that open their
definition in place and entries that lead back to the text, print page numbers for every page
(front matter and index too), the right partitions and landmarks, files small enough for older
reading systems, the accessibility conformance claim and ARIA roles that do not contradict each
other."""
from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree import ElementTree as ET

import pytest

X = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module")
def book(built):
    """(zip entries, parsed XHTML documents by zip path, ids by zip path) of the built EPUB."""
    with zipfile.ZipFile(built.outputs["epub"]) as z:
        files = {name: z.read(name) for name in z.namelist()}
    docs = {name: ET.fromstring(data) for name, data in files.items() if name.endswith(".xhtml")}
    ids = {name: {node.get("id"): node for node in root.iter() if node.get("id")} for name, root in docs.items()}
    return files, docs, ids


def resolve(source: str, href: str) -> tuple[str, str]:
    """(zip path, fragment) an href in the document at `source` points to."""
    file, _, fragment = href.partition("#")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(source), file)) if file else source
    return target, fragment


def classes(node) -> set[str]:
    return set((node.get("class") or "").split())


def glossary_file(docs) -> str:
    return next(name for name, root in docs.items() if any("glossary" in classes(dl) for dl in root.iter(f"{X}dl")))


def test_every_glossary_link_opens_its_definition_in_the_same_file(book):
    _, docs, ids = book
    glossary = glossary_file(docs)
    calls = 0
    for name, root in docs.items():
        for link in root.iter(f"{X}a"):
            if "glossary-term" not in classes(link):
                continue
            calls += 1
            assert link.get(TYPE) == "noteref" and link.get("role") == "doc-noteref", link.attrib
            target, fragment = resolve(name, link.get("href"))
            assert target == name, (name, link.get("href"))  # a pop-up only opens from its own file
            aside = ids[name][fragment]
            assert aside.tag == f"{X}aside" and aside.get(TYPE) == "footnote" and aside.get("role") == "doc-footnote"
            back = [a for a in aside.iter(f"{X}a") if a.get("role") == "doc-backlink"]
            assert [resolve(name, a.get("href")) for a in back] == [(name, link.get("id"))]
            entry = [resolve(name, a.get("href")) for p in aside if "glossary-note-entry" in classes(p)
                     for a in p.iter(f"{X}a")]
            assert len(entry) == 1 and entry[0][0] == glossary and entry[0][1] in ids[glossary]
            assert ids[glossary][entry[0][1]].tag == f"{X}dt"
            assert "".join(back[0].itertext()).strip() == "".join(ids[glossary][entry[0][1]].itertext()).strip()
    assert calls >= 150  # 177 first uses linked across the five texts


def test_every_glossary_entry_leads_back_to_its_uses(book):
    _, docs, ids = book
    glossary = glossary_file(docs)
    dl = next(dl for dl in docs[glossary].iter(f"{X}dl") if "glossary" in classes(dl))
    entries = [child for child in dl if child.tag == f"{X}dd"]
    assert len(entries) >= 40
    without, back_links = [], 0
    for dd in entries:
        uses = [p for p in dd if "glossary-uses" in classes(p)]
        links = [a for p in uses for a in p.iter(f"{X}a")]
        if not links:
            without.append("".join(dd.itertext())[:40])
        for a in links:
            target, fragment = resolve(glossary, a.get("href"))
            use = ids[target][fragment]  # resolves: to the term's link in the text, or to the note using it
            if "glossary-term" in classes(use):
                assert use.get(TYPE) == "noteref"
            else:
                assert use.tag == f"{X}aside" and use.get(TYPE) == "footnote", use.attrib
                headword = "".join(dd_term(dl, dd).itertext()).split(",")[0].strip().casefold()
                assert headword.rstrip("s") in "".join(use.itertext()).casefold(), headword
            back_links += 1
    assert not without, without
    assert back_links >= 150


def dd_term(dl, dd):
    """The `dt` a glossary `dd` defines."""
    children = list(dl)
    return children[children.index(dd) - 1]


@pytest.fixture(scope="module")
def page_list(book):
    files, docs, ids = book
    nav = docs["EPUB/nav.xhtml"]
    block = next(n for n in nav.iter(f"{X}nav") if n.get(TYPE) == "page-list")
    return [("".join(a.itertext()), *resolve("EPUB/nav.xhtml", a.get("href"))) for a in block.iter(f"{X}a")]


def test_page_list_covers_every_printed_page_front_matter_and_index_included(built, book, page_list):
    files, docs, ids = book
    labels = [label for label, _, _ in page_list]
    assert labels == [str(n) for n in range(1, built.pages + 1)]
    for label, target, fragment in page_list:
        marker = ids[target][fragment]
        assert marker.get(TYPE) == "pagebreak" and marker.get("aria-label") == label
    holders = {target for _, target, _ in page_list}

    def holding(predicate) -> set[str]:
        return {name for name, root in docs.items() if predicate(root)}

    def section_class(cls):
        return lambda root: any(cls in classes(s) for s in root.iter(f"{X}section"))

    for part in ("preface", "reading-plan", "index", "glossary"):
        named = holding(lambda root: part in ids_of(root))
        assert named & holders, part
    assert holding(section_class("titlepage")) & holders  # the half-title, title page and colophon
    assert "EPUB/nav.xhtml" in holders  # the contents
    index_files = holding(lambda root: any(s.get(TYPE) == "index-group" for s in root.iter(f"{X}section")))
    assert len(index_files & holders) == len(index_files)  # every piece of the index has its pages


def ids_of(root) -> set[str]:
    return {node.get("id") for node in root.iter() if node.get("id")}


def test_every_internal_link_resolves(book):
    files, docs, ids = book
    checked = 0
    for name, root in docs.items():
        for node in root.iter():
            href = node.get("href")
            if not href or ":" in href.split("#")[0] or node.tag == f"{X}link":
                continue
            target, fragment = resolve(name, href)
            assert target in files, (name, href)
            assert not fragment or fragment in ids[target], (name, href)
            checked += 1
    ncx = ET.fromstring(files["EPUB/toc.ncx"])
    for content in ncx.iter("{http://www.daisy.org/z3986/2005/ncx/}content"):
        target, fragment = resolve("EPUB/toc.ncx", content.get("src"))
        assert not fragment or fragment in ids[target], content.get("src")
    assert checked > 2000


def test_partitions_and_landmarks(book):
    files, docs, ids = book
    partition = {}
    for name, root in docs.items():
        body = root.find(f"{X}body")
        section = body.find(f"{X}section")
        if section is not None and section.get("id") in ("preface", "reading-plan", "glossary", "index"):
            partition[section.get("id")] = body.get(TYPE)
        if section is not None and "text" in classes(section):
            assert body.get(TYPE) == "bodymatter", name
    assert partition == {"preface": "frontmatter", "reading-plan": "frontmatter", "glossary": "backmatter",
                         "index": "backmatter"}
    nav = docs["EPUB/nav.xhtml"]
    landmarks = next(n for n in nav.iter(f"{X}nav") if n.get(TYPE) == "landmarks")
    kinds = {a.get(TYPE): resolve("EPUB/nav.xhtml", a.get("href")) for a in landmarks.iter(f"{X}a")}
    for kind in ("glossary", "index"):
        target, fragment = kinds[kind]
        assert fragment == kind and docs[target].find(f"{X}body").get(TYPE) == "backmatter"
    target, fragment = kinds["bodymatter"]
    assert "text" in classes(ids[target][fragment])


def test_no_content_file_is_over_300_kb(book):
    files, _, _ = book
    sizes = {name: len(data) for name, data in files.items() if name.endswith(".xhtml")}
    assert max(sizes.values()) <= 300_000, sorted(sizes.items(), key=lambda item: -item[1])[:3]
    assert any("-2.xhtml" in name for name in sizes)  # the book has files that needed splitting


def test_split_files_are_in_the_spine_after_their_first_piece(book):
    files, _, _ = book
    opf = ET.fromstring(files["EPUB/content.opf"])
    hrefs = {item.get("id"): item.get("href") for item in opf.iter(f"{OPF}item")}
    spine = [hrefs[ref.get("idref")] for ref in opf.iter(f"{OPF}itemref")]
    for number, href in enumerate(spine):
        if href.endswith("-2.xhtml"):
            assert spine[number - 1] == href.replace("-2.xhtml", ".xhtml")


def test_accessibility_conformance_is_claimed(book):
    files, _, _ = book
    meta = ET.fromstring(files["EPUB/content.opf"]).find(f"{OPF}metadata")
    props = {}
    for m in meta.findall(f"{OPF}meta"):
        props.setdefault(m.get("property"), []).append(m.text)
    assert props["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert props["a11y:certifiedBy"] and props["a11y:certifiedBy"][0].strip()


def test_no_endnotes_role_holds_footnotes(book):
    _, docs, _ = book
    footnotes = 0
    for name, root in docs.items():
        for node in root.iter():
            if node.get("role") == "doc-endnotes":
                assert not [n for n in node.iter() if n.get("role") == "doc-footnote"], name
            footnotes += node.get("role") == "doc-footnote"
    assert footnotes > 100


def test_no_generated_content_the_reader_needs_is_left_to_css(book):
    """E-ink reading systems drop `:empty::before`: the plan table's dashes are text."""
    files, docs, _ = book
    css = re.sub(r"/\*.*?\*/", "", files["EPUB/styles/stylesheet1.css"].decode("utf-8"), flags=re.S)
    assert ":empty::before" not in css
    assert "underline dotted" not in css  # the shorthand a reader that lacks the style drops whole
    for root in docs.values():
        for node in root.iter():
            if {"plan-pages"} <= classes(node) and "labelled" not in classes(node):
                assert (node.text or "").strip(), "an empty page cell in the plan"


# --- the splitting rule itself, on a small made-up chapter -----------------------------------------

OPF_DOC = b"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata/><manifest>
<item id="ch001_xhtml" href="text/ch001.xhtml" media-type="application/xhtml+xml"/>
<item id="ch002_xhtml" href="text/ch002.xhtml" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="ch001_xhtml"/><itemref idref="ch002_xhtml"/></spine></package>"""


def chapter(sections: int, words: int) -> bytes:
    body = "".join(f'<section id="s{i}" class="level2"><h2>Part {i}</h2><p>{"word " * words}'
                   f'<a href="#t-fn{i}" id="t-fnref{i}" epub:type="noteref">{i}</a></p></section>'
                   for i in range(1, sections + 1))
    notes = "".join(f'<aside id="t-fn{i}" epub:type="footnote"><p><a href="#t-fnref{i}">{i}</a>. A note.</p></aside>'
                    for i in range(1, sections + 1))
    return (f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head>'
            f'<title>T</title></head><body epub:type="bodymatter"><section id="t" class="level1 text" lang="en-US">'
            f'<h1>T</h1>{body}<section class="footnotes" epub:type="footnotes">{notes}</section></section>'
            f'</body></html>').encode("utf-8")


def test_a_large_file_is_cut_at_sections_with_each_note_beside_its_call(monkeypatch):
    from anthology.render.epub import split
    from anthology.render.epub.package import Package, parse

    monkeypatch.setattr(split, "LIMIT", 3000)
    monkeypatch.setattr(split, "TARGET", 2000)
    package = Package(OPF_DOC)
    small = parse(b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>U</title></head><body><section id="u">'
                  b'<p><a href="ch001.xhtml#s4">on</a></p></section></body></html>')
    documents = split.split_large({"EPUB/text/ch001.xhtml": parse(chapter(6, 60)), "EPUB/text/ch002.xhtml": small},
                                  package)
    assert list(documents)[:2] == ["EPUB/text/ch001.xhtml", "EPUB/text/ch001-2.xhtml"]
    assert package.spine_hrefs()[:2] == ["EPUB/text/ch001.xhtml", "EPUB/text/ch001-2.xhtml"]
    where = split.holders(documents)
    assert where["t"] == "EPUB/text/ch001.xhtml" and where["s6"] != "EPUB/text/ch001.xhtml"
    for name, root in documents.items():  # every note in the file of its call, and the reverse
        for node in root.iter():
            if node.get("id", "").startswith("t-fn") and "ref" not in node.get("id"):
                assert where[node.get("id").replace("fn", "fnref")] == name
    split.point_links(documents, where)
    link = next(documents["EPUB/text/ch002.xhtml"].iter("{http://www.w3.org/1999/xhtml}a"))
    assert link.get("href") == posixpath.relpath(where["s4"], "EPUB/text") + "#s4"
    continued = documents["EPUB/text/ch001-2.xhtml"].find(".//{http://www.w3.org/1999/xhtml}section")
    assert continued.get("id") is None and continued.get("lang") == "en-US" and "continued" in continued.get("class")

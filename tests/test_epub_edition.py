"""The e-reader edition: print page numbers taken from the same build's PDF, the cover,
navigation, metadata and accessibility, checked on a real EPUB and PDF; and the EPUB opened in
reading systems nobody here wrote (DAISY Ace, epub.js), which are optional: those two tests skip,
saying why, where they are not installed (scripts/ace.py, scripts/reading_system.py)."""
from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest

from conftest import ROOT

X = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def edition(built, tmp_path_factory):
    """The EPUB and PDF the pipeline wrote from one layout, with the AST they were made from."""
    from anthology import apparatus, doctree
    from anthology.assemble import book_markdown

    book = built.book
    tree = apparatus.apply(book, doctree.from_markdown(book_markdown(book, built.texts)), [])
    with zipfile.ZipFile(built.outputs["epub"]) as z:
        assert b'epub:type="page-list"' in z.read("EPUB/nav.xhtml")
    return SimpleNamespace(book=book, tree=tree, warnings=[w for w in built.warnings if "EPUB" in w],
                           epub=built.outputs["epub"], pdf=built.outputs["pdf"], pages=built.pages,
                           out=tmp_path_factory.mktemp("edition"))


@pytest.fixture(scope="module")
def files(edition):
    with zipfile.ZipFile(edition.epub) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture(scope="module")
def opf(files):
    return ET.fromstring(files["EPUB/content.opf"])


@pytest.fixture(scope="module")
def nav(files):
    return ET.fromstring(files["EPUB/nav.xhtml"])


def spine_documents(files, opf):
    hrefs = {item.get("id"): item.get("href") for item in opf.iter(f"{OPF}item")}
    return [("EPUB/" + hrefs[ref.get("idref")]) for ref in opf.iter(f"{OPF}itemref")]


def nav_links(nav, kind):
    block = next((n for n in nav.iter(f"{X}nav") if n.get(TYPE) == kind), None)
    assert block is not None, f"no {kind} nav"
    return [(a.get(TYPE), a.get("href"), "".join(a.itertext())) for a in block.iter(f"{X}a")]


def pdf_pages(pdf) -> list[str]:
    """Each page's text (pdftotext, from poppler-utils, which setup.sh installs)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    return text.decode("utf-8").split("\f")[:-1]


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace() and c not in "\u2010\u00ad")


def text_lines(page: str) -> list[str]:
    """A PDF page's lines of text: not the folio, not ornaments (`* * *`), and without list
    numbers or bullets, which both outputs generate rather than print from the text."""
    lines = [re.sub(r"^\s*(\d+[.)]|[•◦▪])\s+", "", line) for line in page.splitlines()]
    return [line for line in lines if any(c.isalnum() for c in line) and not line.strip().isdigit()]


def starts_page(after: str, lines: list[str]) -> bool:
    """Whether the EPUB text after a marker begins with the first ~20 characters printed on the
    page; a page that begins inside a hyphenated word is marked before that word."""
    printed = norm(" ".join(lines))[:20]
    at = norm(after).find(printed)
    return bool(printed) and (at == 0 or (0 < at <= 20 and not re.search(r"\s", after.lstrip()[:at])))


def text_after(root, marker_id: str, limit: int = 200) -> str:
    """The text of a document after the element with `marker_id`, as a reader meets it (without
    the paragraphs' numbers, which print sets in the margin)."""
    pieces, found = [], False

    def walk(node):
        nonlocal found
        if node.tag == f"{X}aside":
            return
        if found and node.text and "para-anchor" not in (node.get("class") or "").split():
            pieces.append(node.text)  # a paragraph's number is in the EPUB's text, in print's margin
        for child in node:
            if child.get("id") == marker_id:
                found = True
            else:
                walk(child)
            if found and child.tail:
                pieces.append(child.tail)
            if sum(map(len, pieces)) > limit:
                return
    walk(root.find(f"{X}body"))
    return "".join(pieces)


# --- the page list ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def page_list(edition, files, nav):
    """(label, document root, marker id) for each page-list entry."""
    roots = {}
    entries = []
    for _, href, label in nav_links(nav, "page-list"):
        name, ident = href.split("#")
        if name not in roots:
            roots[name] = ET.fromstring(files["EPUB/" + name])
        entries.append((label, roots[name], ident))
    return entries


def test_build_placed_every_page_without_warnings(edition, page_list):
    assert edition.warnings == []
    assert len(page_list) > 100


def test_one_page_list_entry_per_printed_page(edition, page_list):
    """Every page of the PDF, front matter and index included, in order, labelled with its folio."""
    pages = pdf_pages(edition.pdf)
    assert len(pages) == edition.pages
    labels = [label for label, _, _ in page_list]
    assert labels == [str(n) for n in range(1, len(pages) + 1)]
    for (label, root, _), page in zip(page_list, pages):  # the folio printed on the page, where it shows one
        if any(node.get(TYPE) == "toc" for node in root.iter()):
            continue  # the contents page: its figures are the other pages' numbers, it prints no folio
        folios = [line.strip() for line in page.splitlines() if line.strip().isdigit()]
        assert not folios or label in folios, (label, folios)


def same_text_in_both(root, ident: str) -> bool:
    """Whether a page's marker stands where the EPUB prints the same text as print: not on the
    title page or the contents (the EPUB's own), not in the index (links in the EPUB, page numbers
    in print) or the glossary (the EPUB adds each entry's way back to its uses), not in a table
    (pdftotext reads a table's cells in another order)."""
    kinds = {node.get(TYPE) for node in root.iter()}
    if kinds & {"titlepage", "toc", "index", "index-group", "glossary"}:
        return False
    parents = {child: parent for parent in root.iter() for child in parent}
    node = next(e for e in root.iter() if e.get("id") == ident)
    while node is not None:
        if node.tag == f"{X}table":
            return False
        node = parents.get(node)
    return True


def test_markers_are_well_formed_page_breaks(page_list):
    for label, root, ident in page_list:
        marker = next(e for e in root.iter() if e.get("id") == ident)
        assert marker.tag == f"{X}span" and marker.get(TYPE) == "pagebreak"
        assert marker.get("role") == "doc-pagebreak" and marker.get("aria-label") == label
        assert len(marker) == 0 and not marker.text


def test_text_after_each_marker_is_the_first_text_printed_on_that_page(edition, page_list):
    pages = pdf_pages(edition.pdf)
    compared, wrong = 0, []
    for (label, root, ident), page in zip(page_list, pages):  # folio = page index + 1
        lines = text_lines(page)
        if not lines or not same_text_in_both(root, ident):
            continue  # a blank page: its marker stands just before the next page's
        after = text_after(root, ident)
        if not any(starts_page(after, lines[skip:]) for skip in (0, 1)):  # 1: past a running head
            wrong.append((label, lines[:2], after[:40]))
        compared += 1
    assert compared >= 20
    assert not wrong, wrong


def test_epub_only_build_has_no_page_list(edition, tmp_path):
    from anthology.render.epub.edition import write_epub

    epub = write_epub(edition.book, edition.tree, tmp_path / "plain.epub")
    with zipfile.ZipFile(epub) as z:
        assert b"page-list" not in z.read("EPUB/nav.xhtml")
        assert b"pageBreakSource" not in z.read("EPUB/content.opf")
        assert not any(b'epub:type="pagebreak"' in z.read(n) for n in z.namelist() if n.endswith(".xhtml"))


def test_pipeline_epub_carries_the_page_list(built):
    with zipfile.ZipFile(built.outputs["epub"]) as z:
        assert b"page-list" in z.read("EPUB/nav.xhtml")
        assert b"pageBreakSource" in z.read("EPUB/content.opf")
    assert not [w for w in built.warnings if "page list" in w]


def test_marker_placement_rules():
    """Offsets count printed characters only: not spaces, soft hyphens, note calls or nested
    anchors; a page that begins inside a word is marked before it, one at a heading before it."""
    from anthology.render.epub.pagelist import insert_page_breaks
    from anthology.render.pages import PageStart

    xhtml = ('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>'
             '<section id="t" class="level1 text"><h1>Title</h1>'
             '<section id="t-part"><h2>Part One</h2>'
             '<p><span id="t-p1" class="para-anchor"></span>An  <em>extra\u00adordinary</em> call'
             '<a href="#fn1" id="fnref1" class="footnote-ref" epub:type="noteref">12</a> here, develop\u00adment.</p>'
             '</section></section></body></html>')
    root = ET.fromstring(xhtml)
    starts = [PageStart(1, "t", 0, "Title", "1"), PageStart(2, "t-part", 0, "Part One", "2"),
              PageStart(3, "t-p1", 2, "extra", "3"), PageStart(4, "t-p1", 19, "here", "4"),
              PageStart(5, "t-p1", 31, "ment.", "5"), PageStart(6, "t-p1", 17, "l", "6")]
    placed = insert_page_breaks({"EPUB/text/ch001.xhtml": root}, starts)
    assert [ident for _, _, ident in placed] == [f"page-{n}" for n in range(1, 7)]

    def render(node):
        out = node.text or ""
        for child in node:
            out += f"[{child.get('aria-label')}]" if child.get(TYPE) == "pagebreak" else render(child)
            out += child.tail or ""
        return out

    assert render(root).replace("\n", "") == "[1]Title[2]Part OneAn  [3]extra\u00adordinary [6]call12 [4]here, [5]develop\u00adment."
    section = root.find(f".//{X}section")
    assert section[0].get("id") == "page-1" and section[1].tag == f"{X}h1"  # before the heading, not in it

    # where the outputs disagree, every page is still marked, as near as can be, and reported
    problems: list[str] = []
    more = [PageStart(7, "t-p1", 500, "far", "7"), PageStart(8, "t-p9", 0, "gone", "8"), PageStart(9, None, 0, "", "9")]
    insert_page_breaks({"EPUB/text/ch001.xhtml": root}, more, problems)
    assert render(root).replace("\n", "").endswith("develop\u00adment.[7][8][9]")
    assert len(problems) == 2 and "page 7" in problems[0] and "page 8" in problems[1]


# --- cover, navigation, metadata ------------------------------------------------------------------

def test_the_cover_drawn_beside_the_book_is_the_one_render_cover_draws(built, tmp_path, monkeypatch):
    """Beside the print edition the cover is laid out in a worker and rasterised from the build's
    process, at a lower priority (`drawn_beside`): the same PNG as `render_cover`'s, kept in the
    cache as it keeps it (and then taken from it, no worker started), and a missing pdftoppm comes
    out where the cover is waited for."""
    from anthology.cache import Cache
    from anthology.render.epub import cover
    from anthology.workers import InProcess

    cache = Cache(tmp_path)
    drawn = cover.drawn_beside(built.book, cache, InProcess(), nice=10)()
    assert drawn == cover.render_cover(built.book) and drawn.startswith(cover.PNG_SIGNATURE)
    class NoWorkers:
        def submit_ranked(self, *args, **kwargs):
            raise AssertionError("the cover is in the cache: no worker is needed")

    assert cover.drawn_beside(built.book, cache, NoWorkers())() == drawn
    monkeypatch.setattr(cover.shutil, "which", lambda name: None)
    waiting = cover.drawn_beside(built.book, None, InProcess())
    with pytest.raises(cover.CoverError, match="pdftoppm"):
        waiting()


def test_cover_image_is_marked_and_first(files, opf, nav):
    from PIL import Image

    items = {item.get("id"): item for item in opf.iter(f"{OPF}item")}
    covers = [i for i in items.values() if "cover-image" in (i.get("properties") or "").split()]
    assert len(covers) == 1
    image = Image.open(io.BytesIO(files["EPUB/" + covers[0].get("href")]))
    assert image.size == (1600, 2560)
    assert len(set(image.convert("L").resize((40, 64)).get_flattened_data())) > 20  # it has type on it, not a flat fill
    first = items[next(opf.iter(f"{OPF}itemref")).get("idref")]
    page = ET.fromstring(files["EPUB/" + first.get("href")])
    img = page.find(f".//{X}img")
    assert img is not None and img.get("alt", "").startswith("Cover: ")
    assert ("cover", first.get("href"), "Cover") in nav_links(nav, "landmarks")


def test_same_sources_give_the_same_epub(edition, tmp_path):
    from anthology.render.epub.edition import write_epub
    from anthology.render.pages import PageStart

    starts = [PageStart(1, edition.book.texts[0].id, 0, "x", "1"), PageStart(2, None, 0, "", "2")]
    first = write_epub(edition.book, edition.tree, tmp_path / "first.epub", page_starts=starts)
    digest = hashlib.sha256(first.read_bytes()).hexdigest()
    again = write_epub(edition.book, edition.tree, tmp_path / "again.epub", page_starts=starts)
    assert hashlib.sha256(again.read_bytes()).hexdigest() == digest


def test_contents_hold_every_heading_at_its_depth(files, opf, nav):
    toc = next(n for n in nav.iter(f"{X}nav") if n.get(TYPE) == "toc")

    def entries(ol, depth=1):
        for li in ol.findall(f"{X}li"):
            a = li.find(f"{X}a")
            yield depth, a.get("href"), " ".join("".join(a.itertext()).split())
            for sub in li.findall(f"{X}ol"):
                yield from entries(sub, depth + 1)

    listed = list(entries(toc.find(f"{X}ol")))
    headings = []
    for name in spine_documents(files, opf):
        root = ET.fromstring(files[name])
        for section in root.iter(f"{X}section"):
            heading = next((c for c in section if re.fullmatch(rf"{re.escape(X)}h[1-3]", c.tag)), None)
            if heading is not None and section.get("id"):
                headings.append((int(heading.tag[-1]), f"{name.removeprefix('EPUB/')}#{section.get('id')}",
                                 " ".join("".join(heading.itertext()).split())))
    assert len(listed) > 50
    assert listed == headings


def test_landmarks(files, nav, edition):
    marks = {kind: href for kind, href, _ in nav_links(nav, "landmarks")}
    assert {"cover", "titlepage", "toc", "bodymatter"} <= set(marks)
    assert marks["toc"] == "nav.xhtml#toc"
    assert marks["bodymatter"].endswith(f"#{edition.book.texts[0].id}")
    for ident in ("glossary", "index"):  # back matter, where the book has it
        holder = next((n for n, d in files.items() if n.endswith(".xhtml") and f'id="{ident}"'.encode() in d
                       and n != "EPUB/nav.xhtml"), None)
        assert (ident in marks) == (holder is not None)
        if holder:
            assert marks[ident] == f"{holder.removeprefix('EPUB/')}#{ident}"


def test_package_metadata(opf, edition):
    meta = opf.find(f"{OPF}metadata")
    props = {}
    for m in meta.findall(f"{OPF}meta"):
        props.setdefault(m.get("property") or m.get("name"), []).append(m.text or m.get("content"))
    roles = {m.get("refines"): m.text for m in meta.findall(f"{OPF}meta") if m.get("property") == "role"}
    creators = [(c.text, roles.get("#" + c.get("id"))) for c in meta.findall(f"{DC}creator")]
    contributors = [(c.text, roles.get("#" + c.get("id"))) for c in meta.findall(f"{DC}contributor")]
    authors = list(dict.fromkeys(t.author for t in edition.book.texts))
    assert creators == [(a, "aut") for a in authors]
    assert contributors == [(edition.book.meta["editor"], "edt")]
    assert meta.find(f"{DC}language").text == edition.book.language
    assert meta.find(f"{DC}identifier").text == edition.book.meta["identifier"]
    assert meta.find(f"{DC}date").text == str(edition.book.meta["date"])
    assert props["dcterms:modified"] == [f"{edition.book.meta['date']}T00:00:00Z"]
    assert [s.text for s in meta.findall(f"{DC}subject")] == edition.book.meta["subjects"]
    assert meta.find(f"{DC}rights").text.strip()
    source = meta.find(f"{DC}source")
    assert "print edition (PDF" in source.text and props["pageBreakSource"] == [source.text]
    assert props["schema:accessMode"] == ["textual"] and props["schema:accessModeSufficient"] == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder", "pageBreakMarkers",
            "pageNavigation"} <= set(props["schema:accessibilityFeature"])
    assert props["schema:accessibilityHazard"] == ["none"]
    assert len(props["schema:accessibilitySummary"][0]) > 100
    assert props["cover"] == ["cover-image"]


# --- Ace's main checks, without Ace ---------------------------------------------------------------

def test_every_document_has_a_language_and_a_title(files):
    for name, data in files.items():
        if name.endswith(".xhtml"):
            root = ET.fromstring(data)
            assert root.get("lang") and root.get(XML_LANG) == root.get("lang"), name
            title = (root.findtext(f"{X}head/{X}title") or "").strip()
            assert title and not title.endswith(".xhtml"), (name, title)  # a screen reader announces it


def test_structural_types_carry_their_aria_roles(files):
    from anthology.render.epub.a11y import ROLE_FOR_TYPE, ROLE_HOSTS

    checked = 0
    for name, data in files.items():
        if not name.endswith(".xhtml"):
            continue
        for node in ET.fromstring(data).iter():
            tag = node.tag.removeprefix(X)
            for kind in (node.get(TYPE) or "").split():
                if kind in ROLE_FOR_TYPE and tag in ROLE_HOSTS and (tag == "a") == (kind == "noteref"):
                    assert node.get("role") == ROLE_FOR_TYPE[kind], (name, tag, kind, node.get("role"))
                    checked += 1
    assert checked > 300


# --- real reading systems, where installed ----------------------------------------------------------



def skip_or_fail(reason: str) -> None:
    """Skip where the reading systems are optional (a machine set up without them); fail where
    they are required (`ANTHOLOGY_READING_SYSTEMS=required`, as CI sets after installing them)."""
    if os.environ.get("ANTHOLOGY_READING_SYSTEMS") == "required":
        pytest.fail(f"{reason} (ANTHOLOGY_READING_SYSTEMS=required)")
    pytest.skip(f"optional: {reason}; ./setup.sh --reading-systems installs it")


@pytest.mark.in_background("ace")
def test_ace_finds_no_violations(background):
    """Ace, run on the session's EPUB as soon as it was built (conftest.Background)."""
    import ace

    if ace.missing():  # an optional tool (DAISY Ace from npm, and Chromium); CI requires it
        skip_or_fail(f"DAISY Ace cannot run here: {ace.missing()}")
    report = background.result("ace")
    assert "schema:accessibilitySummary" in report["a11y-metadata"]["present"]
    found = ace.violations(report)
    assert found == []
    assert report["earl:result"]["earl:outcome"] == "pass"


@pytest.mark.in_background("epub.js shots")
def test_epub_js_opens_the_book_at_each_proof_location(background, page_list):
    """epub.js, run on the session's EPUB as soon as it was built (conftest.Background)."""
    import reading_system
    from PIL import Image

    if reading_system.missing():  # an optional tool (epub.js in Chromium); CI requires it
        skip_or_fail(f"the reading system (epub.js in Chromium) cannot run here: {reading_system.missing()}")
    results = background.result("epub.js shots")
    names = [r["name"] for r in results]
    assert {"cover", "opener", "note-call", "notes"} <= set(names) and any(n.startswith("page-") for n in names)
    for r in results:
        assert r["status"] == "ready" and r["targetFound"] and not r["errors"], r
        assert len(set(Image.open(r["path"]).convert("L").resize((30, 40)).get_flattened_data())) > 5, r["name"]
    assert results[0]["pageList"] == len(page_list)  # epub.js reads the same page list


@pytest.mark.in_background("epub.js walk")
def test_epub_js_opens_every_spine_item_and_every_page_list_target(background, files, page_list):
    """Issue 17: the reading system opens the whole book, not a sample: every spine item shown in
    its paginated view, every print page's target found through its own spine (run on the session's
    EPUB as soon as it was built)."""
    import reading_system

    if reading_system.missing():  # an optional tool (epub.js in Chromium); CI requires it
        skip_or_fail(f"the reading system (epub.js in Chromium) cannot run here: {reading_system.missing()}")
    opf = ET.fromstring(files["EPUB/content.opf"])
    spine = opf.findall(".//{http://www.idpf.org/2007/opf}spine/{http://www.idpf.org/2007/opf}itemref")
    walked = background.result("epub.js walk")
    assert walked["status"] == "walked" and not walked["errors"], walked
    assert walked["failures"] == []
    assert walked["spine"] == walked["spineOpened"] == len(spine) > 5
    assert walked["pageTargets"] == walked["pageTargetsFound"] == len(page_list) > 200


def test_beside_the_pdf_the_epubs_pandoc_runs_below_the_builds_priority(monkeypatch):
    """The print layouts' chain is the build's longest: beside the PDF, the EPUB's Pandoc takes only
    the CPU they leave (`nice`); built alone, the EPUB's Pandoc runs as the build does."""
    from anthology import pandoc
    from anthology.doctree import to_json
    from anthology.manifest import load_book
    from anthology.render.epub.edition import NICE_BESIDE_PDF, EpubEdition
    from anthology.workers import start_pool

    # A process run with `nice` reads its own priority once its input is closed: after it was set.
    _, stat, _ = pandoc._run(["sh", "-c", "cat >/dev/null; cat /proc/self/stat"], b"", dict(os.environ),
                             nice=NICE_BESIDE_PDF)
    assert int(stat.rsplit(b")", 1)[1].split()[16]) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICE_BESIDE_PDF)

    runs: list[int] = []
    real_run = pandoc._run

    def recording(command, stdin, env, timeout=None, nice=0):
        runs.append(nice)
        return real_run(command, stdin, env, timeout, nice)

    monkeypatch.setattr(pandoc, "_run", recording)
    book = load_book(ROOT / "anthology.yml")
    chapter = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [
        {"t": "Header", "c": [1, ["a-text", [], []], [{"t": "Str", "c": "Title"}]]},
        {"t": "Para", "c": [{"t": "Str", "c": "Words."}]}]}
    for alongside_pdf in (True, False):
        with start_pool(1) as pool, EpubEdition(book, pool, alongside_pdf=alongside_pdf) as epub:
            assert any(b"Words." in body for body in epub.writer.pandoc(to_json(chapter)).values())
    assert runs == [NICE_BESIDE_PDF, 0]

"""The print PDF's design, checked on the built book: fonts, footnotes, contents, openers, running
heads, page size, outline and metadata; plus the small pieces (repairs, back matter, proof sheet,
page geometry) on their own. What is looked for in the PDF is found whatever the line and page
breaks (which move with the fonts and the machine's Pango): by its letters and digits only, by
the PDF's links and outline, or by the size the style sheet sets it in."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from functools import lru_cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from anthology.render.pdf import footnote_check, html as print_html_module, parts

from anthology.render import weasy as pdf
from anthology.render.pdf.proof import make_proof, outline_pages, parse_pages
from conftest import ROOT
from pdf_tools import page_runs

A5 = (419.53, 595.28)
A4 = (595.28, 841.89)
BUNDLED_FACES = ["EBGaramond12-Regular.otf", "EBGaramond12-Italic.otf",
                 "EBGaramond-Bold.ttf", "EBGaramond-BoldItalic.ttf"]


@lru_cache(maxsize=4)
def page_texts(pdf_path: Path) -> tuple[str, ...]:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], check=True, capture_output=True)
    return tuple(done.stdout.decode("utf-8").split("\f"))


def alnum(text: str) -> str:
    """Letters and digits only: what survives line breaks, hyphenation and spacing in extraction."""
    return re.sub(r"[\W_]+", "", text)


@pytest.fixture(scope="module")
def reader(built):
    return PdfReader(built.outputs["pdf"])


@pytest.fixture(scope="module")
def texts(built):
    return page_texts(built.outputs["pdf"])


@pytest.fixture(scope="module")
def text_starts(reader, built):
    """Each text's id → the folio its opener is printed on (from the PDF's outline)."""
    heads = {print_html_module.running_head(t, built.book.texts): t.id for t in built.book.texts}
    return {heads[label]: folio for label, level, folio in outline_pages(reader) if level == 1 and label in heads}


# ------------------------------------------------------------------ fonts

def test_every_font_is_embedded_and_is_eb_garamond(reader):
    found = {}
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    assert found
    assert all(found.values()), [name for name, embedded in found.items() if not embedded]
    assert all("Garamond" in name for name in found), sorted(found)  # no DejaVu, no fallback


def test_every_character_of_the_book_is_in_the_bundled_faces(built):
    """A character the faces lack would be taken from a system font (on this machine perhaps a
    system EB Garamond, which the font names would not reveal), so check the text itself."""
    book_md = (built.book.root / "output" / "clean" / "book.md").read_text(encoding="utf-8")
    roman = set(TTFont(ROOT / "fonts" / "EBGaramond12-Regular.otf").getBestCmap())
    italic = set(TTFont(ROOT / "fonts" / "EBGaramond12-Italic.otf").getBestCmap())
    used = {ord(c) for c in book_md if not c.isspace() or c in "\u00a0\u202f\u2009\u200a"}
    assert not sorted(hex(c) for c in used - roman)
    assert len(used - italic) <= 1  # the italic lacks only U+202F, which the roman supplies (the fallback face)


@pytest.mark.parametrize("face", BUNDLED_FACES)
def test_bundled_faces_have_the_typographic_features(face):
    font = TTFont(ROOT / "fonts" / face)
    features = {record.FeatureTag for record in font["GSUB"].table.FeatureList.FeatureRecord}
    cmap = font.getBestCmap()
    assert all(ord(c) in cmap for c in "“”‘’–—…\u00a0½")
    if "Bold" not in face:
        assert {"smcp", "onum", "sups", "liga"} <= features


# ------------------------------------------------------------------ footnotes

def _text_without(element, css_classes: set[str]) -> list[str]:
    """The text of an element, leaving out descendants with one of the given classes (but keeping tails)."""
    pieces = [element.text or ""]
    for child in element:
        if not css_classes & set((child.get("class") or "").split()):
            pieces += _text_without(child, css_classes)
        pieces.append(child.tail or "")
    return pieces


def text_runs(pdf_path: Path) -> tuple[tuple[tuple[str, float], ...], ...]:
    """Every page's text as the PDF draws it, in runs of one font and size: (text, size in pt)."""
    return tuple(tuple((run.text, run.size) for run in page) for page in page_runs(pdf_path))


def note_sizes(book) -> tuple[float, float]:
    """The sizes (pt) print.css gives a footnote (its number and text) and its call: the note is
    `font-size: …rem`, the call `font-size: …em` of the note it stands for. Nothing else in a
    text is set at either size."""
    from anthology.render.pdf.html import page_geometry

    css = (book.root / "styles" / "print.css").read_text(encoding="utf-8")
    note = float(re.search(r"(?m)^\.footnote \{[^}]*?font-size: ([\d.]+)rem;", css)[1])
    call = float(re.search(r"(?m)^::footnote-call \{[^}]*?font-size: ([\d.]+)em;", css)[1])
    body = float(page_geometry(book).font_size.removesuffix("pt"))
    return body * note, body * note * call


def test_footnotes_are_on_the_page_of_their_call(built, epub, reader, text_starts):
    """Where each note's call and each note's text are printed, found by what the PDF draws and not
    by where its lines or pages break: a call is its number, the only text set at the call's size;
    a note opens with its number at the notes' size, followed by its own text (from the EPUB). Both
    are numbered from 1 in each text, so each number is looked for on that text's pages only
    (up to the next part the outline names)."""
    note_size, call_size = note_sizes(built.book)
    runs = text_runs(built.outputs["pdf"])
    folios = sorted({folio for _, level, folio in outline_pages(reader) if level == 1}) + [len(runs) + 1]
    total, same, elsewhere = 0, 0, []
    for entry in built.book.texts:
        first = text_starts[entry.id]
        pages = range(first, next(f for f in folios if f > first))
        # The EPUB's note opens with a link back to its call (the number); only the EPUB names the
        # source behind "Ibid." (span.ibid-antecedent): print leaves it out.
        notes = [alnum("".join(_text_without(note, {"footnote-back", "ibid-antecedent"})))[:30]
                 for note in epub.notes(entry.id)]
        numbers = [str(n) for n in range(1, len(notes) + 1)]
        calls: dict[str, list[int]] = {}
        bodies: dict[str, list[int]] = {}
        for folio in pages:
            page = runs[folio - 1]
            for k, (text, size) in enumerate(page):
                if abs(size - call_size) < 0.01:
                    calls.setdefault(text.strip(), []).append(folio)
                elif abs(size - note_size) < 0.01 and text.strip() in numbers \
                        and alnum("".join(t for t, _ in page[k + 1:])).startswith(notes[int(text) - 1]):
                    bodies.setdefault(text.strip(), []).append(folio)
        assert sorted(calls, key=lambda n: (len(n), n)) == numbers, f"{entry.id}: calls printed {sorted(calls)}"
        assert set(bodies) == set(numbers), f"{entry.id}: notes not in the PDF: {sorted(set(numbers) - set(bodies), key=int)}"
        for number in numbers:
            assert len(calls[number]) == len(bodies[number]) == 1, (entry.id, number, calls[number], bodies[number])
            total += 1
            if calls[number] == bodies[number]:
                same += 1
            else:
                elsewhere.append((entry.id, number, calls[number][0], bodies[number][0]))
    assert total == 126
    assert same >= 0.99 * total, elsewhere


def test_no_footnote_was_lost_in_layout(built):
    assert not [w for w in built.warnings if "footnote" in w and "missing" in w]


# ------------------------------------------------------------------ contents, openers, heads

def contents_number(texts, title: str) -> int:
    """The page number the contents print after a title (its leader dots left out, and wherever
    its lines break)."""
    page = alnum(next(t for t in texts if alnum(t).startswith("Contents")))
    found = re.findall(rf"{re.escape(alnum(title))}(\d+)", page)
    assert len(found) == 1, (title, found)
    return int(found[0])


def test_contents_page_numbers_are_where_the_texts_begin(built, texts, text_starts):
    for entry in built.book.texts:
        title = print_html_module.running_head(entry, built.book.texts)
        folio = contents_number(texts, title)
        assert folio == text_starts[entry.id], title
        opener = alnum(texts[folio - 1])
        assert alnum(entry.title) in opener and alnum(entry.author) in opener


def test_every_text_starts_on_a_right_hand_page(built, text_starts):
    assert set(text_starts) == {t.id for t in built.book.texts}
    assert all(folio % 2 == 1 for folio in text_starts.values()), text_starts


def test_openers_carry_no_running_head_and_a_dropped_folio(built, texts, text_starts):
    for text_id, folio in text_starts.items():
        lines = [line.strip() for line in texts[folio - 1].splitlines() if line.strip()]
        entry = next(t for t in built.book.texts if t.id == text_id)
        assert alnum(texts[folio - 1]).startswith(alnum(entry.title))  # the title first, on as many lines as it takes
        assert lines[-1] == str(folio)  # the folio at the foot


def test_running_heads_name_the_right_text(built, epub, texts, text_starts):
    starts = sorted((folio, text_id) for text_id, folio in text_starts.items())
    chapters = {entry.id: [h.split(": ", 1)[-1].split(". ", 1)[-1] for h in epub.headings(entry.id, 2)]
                for entry in built.book.texts}
    checked = 0
    for (first, text_id), (after, _) in zip(starts, starts[1:] + [(len(texts), None)]):
        entry = next(t for t in built.book.texts if t.id == text_id)
        others = [t for t in built.book.texts if t.author != entry.author]
        for folio in range(first + 1, min(first + 6, after - 1)):
            head = [line.strip() for line in texts[folio - 1].splitlines() if line.strip()][:2]
            if not head:
                continue  # a blank page
            # verso: the author, or a long text's title; recto: the title, or a long text's chapter
            # (the scheme is tested in test_page_makeup.py)
            title = print_html_module.running_head(entry, built.book.texts)
            expected = (entry.author, title) if folio % 2 == 0 else (title, *chapters.get(entry.id, ()))
            assert str(folio) in head and any(e in line for e in expected for line in head), (folio, head, expected)
            assert not any(o.author in head or o.title in head for o in others)
            checked += 1
    assert checked >= 20


def test_blank_pages_are_blank(texts, text_starts):
    for folio in text_starts.values():
        before = texts[folio - 2]
        if not before.strip() or alnum(before).isdigit():
            assert not before.strip(), f"page {folio - 1} is blank but carries {before.strip()!r}"


# ------------------------------------------------------------------ page, outline, metadata

def test_page_size_is_the_manifests_a5(reader):
    sizes = {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader.pages}
    assert sizes == {A5}


def test_outline_has_texts_then_chapters(built, reader):
    outline = outline_pages(reader)
    top = [label for label, level, _ in outline if level == 1]
    heads = [print_html_module.running_head(t, built.book.texts) for t in built.book.texts]
    assert [label for label in top if label in heads] == heads
    assert {"Title page", "Colophon", "Contents"} <= set(top)
    levels = [level for _, level, _ in outline]
    assert 2 in levels and 3 in levels and max(levels) <= 4


def test_pdf_metadata(built, reader):
    meta = reader.metadata
    assert meta.title == built.book.meta["title"]
    assert all(t.author in meta.author for t in built.book.texts)
    assert "Soviet Union" in (meta.get("/Keywords") or "")
    assert str(reader.trailer["/Root"]["/Lang"]) == built.book.language


# ------------------------------------------------------------------ a second page size, quickly

TINY_TEXT = """# A Short Text

First paragraph of a very short text, long enough to be a paragraph of the tiny book that the
test builds.[^1]

Second paragraph.

[^1]: A note.
"""


def test_index_words_are_found_on_their_page_without_their_marks(built, tmp_path):
    """Print lays a part out without the index-mark spans and finds each word's page from its place
    in the text: here a word near the end of a paragraph that runs over two pages."""
    from anthology.render.pdf import index_places, part_layout
    from anthology.render.pages import counted

    filler = "Words that fill the page of the small book, line after line. " * 60
    body = (f'<p><span id="t-p1" class="para-anchor"></span>{filler}</p>'
            f'<p><span id="t-p2" class="para-anchor"></span>{filler} The <span id="ix-zanzibar-1" '
            f'class="index-mark">Zanzibar</span> question ends it.</p>')
    html = f'{PART_HEAD}<section id="t" class="level1 text"><h1>T</h1>{body}</section></body></html>'
    stripped, places, links = index_places.unmark(html)
    assert "index-mark" not in stripped and "The Zanzibar question" in stripped and links == []
    assert places == {"ix-zanzibar-1": ("t-p2", counted(filler + "The"))}
    part = part_layout.lay_out(part_layout.PartTask("t", html, built.book.root, target=tmp_path / "t.pdf"))
    page = part.anchors["ix-zanzibar-1"][0]
    texts = [alnum(t) for t in page_texts(tmp_path / "t.pdf")]
    # The word may be hyphenated, even over the page turn; its first three letters (print.css:
    # `hyphenate-limit-chars: 6 3 3`) are printed on the page where it begins, and on no page before.
    assert part.pages >= 4 and "Zan" in texts[page] and all("Zan" not in t for t in texts[:page])
    assert "Zanzibar" in texts[page] or any("Zanzibar"[:k] in texts[page] and "Zanzibar"[k:] in texts[page + 1]
                                            for k in range(3, 6))


def test_a_link_laid_out_as_text_lies_over_its_words_in_justified_lines(built, tmp_path):
    """A `text-link` is laid out as plain words and made a link afterwards (render/pdf/text_links.py):
    its rectangle must start where its words are drawn and end before the next word, also in a
    justified paragraph, whose word spaces are stretched when the line is drawn; a link to an
    anchor of the part is an internal one, and each is a Link element of the tagged PDF."""
    from anthology.render.pdf import part_layout

    filler = "Words that fill the page of the small book, line after line. " * 3
    links = "".join(f'{filler}<a class="text-link" href="#t-p1">Zanzibar{n}</a> question. ' for n in range(6))
    html = (f'{PART_HEAD}<section id="t" class="level1 text"><h1>T</h1><p><span id="t-p1" '
            f'class="para-anchor"></span>{links}</p></section></body></html>')
    target = tmp_path / "t.pdf"
    part_layout.lay_out(part_layout.PartTask("t", html, built.book.root, target=target))
    xml = subprocess.run(["pdftotext", "-bbox", str(target), "-"], check=True, capture_output=True, text=True).stdout
    words = [(float(x1), float(y1), float(x2), word) for x1, y1, x2, word in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', xml)]
    reader = PdfReader(target)
    height = float(reader.pages[0].mediabox.height)
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    elements = {int(key): value for key, value in zip(nums[::2], nums[1::2])}
    found = []
    for annot in (a.get_object() for a in reader.pages[0].get("/Annots", [])):
        x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
        word = next(w for w in words if abs(w[0] - x1) < 0.3 and height - max(y1, y2) - 1 <= w[1] <= height - min(y1, y2))
        assert word[3].startswith("Zanzibar") and x2 <= word[2] + 0.3 and word[2] - x2 < 0.3, (word, x2)
        assert annot["/Dest"] == "t-p1" and elements[int(annot["/StructParent"])].get_object()["/S"] == "/Link"
        found.append(word[3])
    assert found == [f"Zanzibar{n}" for n in range(6)]


MARKED = ('<section id="t" class="level1 text"><h1>T</h1>'
          '<p><span id="t-p1" class="para-anchor"></span><span id="ix-a-1" class="index-mark">Lenin</span> '
          'and <em>the</em> <span id="ix-b-1" class="index-mark">Bolsheviks</span><span id="ix-c-1" '
          'class="index-mark">’</span> <span id="ix-d-1" class="index-mark">R&amp;D</span></p>'
          '<p><span id="t-p2" class="para-anchor"></span>A note.<span id="t-fn1" class="footnote">On '
          '<span id="ix-e-1" class="index-mark">Stalin</span></span> ends <span id="ix-f-1" '
          'class="index-mark">it</span></p></section></body></html>')


def test_the_tree_weasyprint_is_given_is_the_one_the_html_without_marks_parses_to(built):
    """The parse that finds the index marks' places is handed to WeasyPrint with the HTML
    (`Unmarked`), the marks taken out of it too: it must be the tree WeasyPrint would parse from
    the HTML without them (marks first in a paragraph, after an element, side by side, with an
    entity, in a note, last), and lay out the same pages. A mark holding an element leaves the
    HTML to be parsed again."""
    import xml.etree.ElementTree as ET

    import tinyhtml5

    from anthology.render.pdf import index_places

    html = PART_HEAD + MARKED.replace(" ends ", ' ends <a class="text-link" href="#t-p1">here &amp; now</a>, ')
    stripped, places, links = index_places.unmark(html)
    assert len(places) == 6 and stripped.tree is not None and "index-mark" not in stripped
    assert [(link.href, link.anchor, link.length) for link in links] == [("#t-p1", "t-p2", 8)]
    assert "text-link" not in stripped and "ends here &amp; now, it" in stripped
    assert ET.tostring(stripped.tree) == ET.tostring(tinyhtml5.parse(str(stripped), namespace_html_elements=False))
    assert pdf.takes_a_tree()  # the pinned WeasyPrint's HTML is made from its tree as html_from_tree makes it

    def drawn(document) -> list:
        from weasyprint.formatting_structure.boxes import TextBox

        return [[(box.text, round(box.position_x, 2), round(box.position_y, 2))
                 for box in page._page_box.descendants() if isinstance(box, TextBox)] for page in document.pages]

    from_tree = drawn(pdf.render(built.book.root, stripped))
    assert from_tree == drawn(pdf.render(built.book.root, str(stripped)))
    assert any("R&D" in text for text, _, _ in from_tree[0])

    nested = html.replace('class="index-mark">Lenin</span>', 'class="index-mark"><em>Lenin</em></span>')
    stripped, places, _ = index_places.unmark(nested)
    assert len(places) == 6 and getattr(stripped, "tree", None) is None and "<em>Lenin</em>" in stripped


def test_joined_book_has_one_structure_tree(reader):
    """Tagged PDF survives the join: one Document element over every part's elements, and every
    page's key in the parent tree is its own."""
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    keys = [int(k) for k in tree["/ParentTree"]["/Nums"][::2]]
    assert len(keys) == len(set(keys)) and int(tree["/ParentTreeNextKey"]) == max(keys) + 1
    document = tree["/K"][0]
    assert document["/S"] == "/Document" and len(document["/K"]) > 50
    page_keys = [int(page["/StructParents"]) for page in reader.pages if "/StructParents" in page]
    assert len(page_keys) > 200 and set(page_keys) <= set(keys) and len(page_keys) == len(set(page_keys))


def test_every_link_is_tagged(reader):
    """Each link annotation is in the structure tree (a screen reader finds it): its parent-tree
    entry is an element that holds it. Those laid over the index's page numbers after layout
    (render/pdf/text_links.py) are Link elements of their own, as WeasyPrint makes from an `<a>`
    holding text only. (An `<a>` holding other elements, as a contents line does, gets one
    annotation for each of its inline boxes, each held by that box's element: WeasyPrint's way.)"""
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    elements = {int(key): value for key, value in zip(nums[::2], nums[1::2])}
    kinds: dict[str, int] = {}
    for page in reader.pages:
        for annot in (a.get_object() for a in page.get("/Annots", [])):
            if annot.get("/Subtype") == "/Link":
                element = elements[int(annot["/StructParent"])].get_object()
                held = [k.get_object() for k in element["/K"] if not isinstance(k, int)]
                assert annot.indirect_reference.idnum in [k.raw_get("/Obj").idnum for k in held
                                                          if k.get("/Type") == "/OBJR"], element
                kinds[element["/S"]] = kinds.get(element["/S"], 0) + 1
    assert kinds["/Link"] > 1500 and sum(kinds.values()) - kinds["/Link"] < 100, kinds


def test_every_link_lands_on_a_page_of_the_book(reader, text_starts, texts):
    page_of = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, start=1)}
    internal, contents_targets = 0, set()
    contents = next(n for n, t in enumerate(texts, start=1) if alnum(t).startswith("Contents"))
    for n, page in enumerate(reader.pages, start=1):
        for annot in (a.get_object() for a in page.get("/Annots", [])):
            if annot.get("/Subtype") != "/Link":
                continue
            if "/A" in annot:  # only the colophon's source addresses leave the book
                assert str(annot["/A"]["/URI"]).startswith("http"), annot
                continue
            internal += 1
            assert annot["/Dest"][0].idnum in page_of
            if n == contents:
                contents_targets.add(page_of[annot["/Dest"][0].idnum])
    assert internal > 1500  # note calls, glossary marks, the index's page numbers, the contents
    assert set(text_starts.values()) <= contents_targets


@pytest.mark.book  # builds a one-text PDF of its own
def test_a4_manifest_gives_a4_pages(project_copy):
    from anthology.pipeline import build

    (project_copy / "texts" / "tiny.md").write_text(TINY_TEXT, encoding="utf-8")
    manifest = project_copy / "tiny.yml"
    manifest.write_text(textwrap.dedent("""\
        book:
          title: A Tiny Book
          editor: Test Editors
          language: en-GB
          date: "2026-01-02"
          identifier: urn:uuid:00000000-0000-4000-8000-000000000000
          rights: For testing.
          page_size: A4
        texts:
          - id: tiny
            file: texts/tiny.md
            format: markdown
            title: A Tiny Text
            author: Somebody
            date: "2000"
        """), encoding="utf-8")
    result = build(manifest, only="pdf")
    reader = PdfReader(project_copy / "output" / result.outputs["pdf"])
    sizes = {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader.pages}
    assert sizes == {A4}
    assert "A Tiny Text" in [label for label, level, _ in outline_pages(reader) if level == 1]


# ------------------------------------------------------------------ the pieces on their own

def test_page_geometry_follows_the_manifest():
    assert print_html_module.PAGE_GEOMETRY["A5"].size == "A5"
    assert set(print_html_module.PAGE_GEOMETRY) == {"A5", "A4", "letter"}
    schema = json.loads((ROOT / "anthology" / "manifest.schema.json").read_text(encoding="utf-8"))
    assert set(schema["properties"]["book"]["properties"]["page_size"]["enum"]) == set(print_html_module.PAGE_GEOMETRY)


def test_running_head_adds_a_subtitle_only_when_titles_repeat(built):
    heads = [print_html_module.running_head(t, built.book.texts) for t in built.book.texts]
    assert "Genesis of Bureaucratic Socialism: Part I" in heads
    assert "Genesis of Bureaucratic Socialism: Part II" in heads
    assert "The Revolution Betrayed" in heads  # its long subtitle stays out of the head
    assert len(set(heads)) == len(heads)
    assert print_html_module.long_date("2026-11-21") == "21 November 2026"


def test_repairs_edit_only_the_named_paragraph():
    html = ('<p><span id="t-p1" class="para-anchor"></span>One<span id="t-fn1" class="footnote">n</span></p>\n'
            '<p><span id="t-p2" class="para-anchor"></span>Two</p>')
    once = footnote_check.with_paragraph_style(html, "t-p2", "orphans: 3")
    assert once.endswith('<p style="orphans: 3"><span id="t-p2" class="para-anchor"></span>Two</p>')
    twice = footnote_check.with_paragraph_style(once, "t-p2", "orphans: 4")
    assert twice.count("orphans") == 1 and 'style="orphans: 4"' in twice
    call = footnote_check.with_call_paragraph_style(html, "t-fn1", "break-before: page")
    assert call.startswith('<p style="break-before: page"><span id="t-p1"')
    assert footnote_check.footnote_ids(html) == ["t-fn1"]


PART_HEAD = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
             '<link rel="stylesheet" href="styles/print.css"><style>@page { size: A5 }</style></head><body>')


def small_book() -> str:
    """Front matter linking to a text; a text of three pages (a heading and a paragraph, then a
    paragraph on each of two pages: forced page breaks, so that the count does not depend on how
    the lines break); a glossary the text links to."""
    para = "Words that fill the page of the small book, line after line. " * 10
    return (PART_HEAD + '<nav class="contents" id="contents"><h2 class="front-heading">Contents</h2>'
            '<ol><li><a href="#text" data-page-of="text"><span class="toc-title">A Text</span></a></li></ol></nav>'
            '<section id="text" class="level1 text"><h1 data-running-head="A Text" data-author="Someone">A Text</h1>'
            f'<p>{para}</p><p style="break-before: page">{para}</p>'
            '<p style="break-before: page">See the <a href="#glossary-term">term</a>.</p></section>'
            '<section id="glossary" class="level1 back-matter"><h1>Glossary</h1>'
            '<dl class="glossary"><dt id="glossary-term">Term</dt><dd><p>Its meaning.</p></dd></dl></section>'
            "</body></html>")


def test_split_cuts_at_level_one_sections_and_rewrites_links_between_parts():
    front, text, glossary = parts.split(small_book())
    assert [front.name, text.name, glossary.name] == ["front", "text", "glossary"]
    assert all(p.html.startswith(PART_HEAD) and p.html.rstrip().endswith("</body></html>") for p in (front, text, glossary))
    assert 'href="anthology-anchor:text"' in front.html and 'href="anthology-anchor:glossary-term"' in text.html
    assert front.prints_page_numbers and not text.prints_page_numbers
    assert 'data-page="888"' in parts.with_page_numbers(front.html, None)
    assert 'data-page="3"' in parts.with_page_numbers(front.html, {"text": 3})
    plan = '<span class="plan-pages" data-first="#a" data-last="#b"></span>'
    assert 'data-pages="3–5"' in parts.with_page_numbers(plan, {"a": 3, "b": 5})
    assert 'data-pages="4"' in parts.with_page_numbers(plan, {"a": 4, "b": 4})


def test_a_part_that_prints_page_numbers_is_measured_before_the_texts_waiting():
    """The reading plan given as a section of the AST (as the build gives it) is recognised as
    printing page numbers, whichever JSON spelling it comes in, and is queued ahead of the texts:
    the second round, the index's layout with it, waits for its length."""
    from anthology.doctree import to_json
    from anthology.render.pdf.edition import Layouts, PartCache, PrintEdition
    from anthology.render.pdf.part_layout import PartTask

    plan = {"blocks": [{"t": "Plain", "c": [{"t": "Span", "c": [["", ["plan-pages"], [["data-first", "#a"],
                                                                                      ["data-last", "#b"]]], []]}]}]}
    text = {"blocks": [{"t": "Para", "c": [{"t": "Str", "c": "data-first"}]}]}  # the words, not the attribute
    for ast_json in (to_json(plan), json.dumps(plan, separators=(",", ":"))):
        assert parts.asks_for_page_numbers(ast_json)
    assert not parts.asks_for_page_numbers(to_json(text))

    class Queue:
        def __init__(self):
            self.ranks = {}

        def submit_ranked(self, rank, fn, task):
            self.ranks[task.name] = rank

    queue = Queue()
    layouts = Layouts(queue, PartCache(None, None), PrintEdition(pages=0, page_starts=[], folios={}))
    tasks = [PartTask("long-text", None, ROOT, section=("<head>", to_json(text) + " " * 9000, "</tail>")),
             PartTask("short-text", None, ROOT, section=("<head>", to_json(text), "</tail>")),
             PartTask("reading-plan", None, ROOT, section=("<head>", to_json(plan), "</tail>"))]
    for task in tasks:
        layouts.start(task)
    assert sorted(queue.ranks, key=queue.ranks.get) == ["reading-plan", "long-text", "short-text"]


def test_the_worker_that_lays_out_the_last_text_is_kept_for_the_index():
    """Each text's worker, done, waits to be let go; it is at once, unless its text was the last
    one to be laid out: then it waits for the index (`_let_go_for_index`), which needs every text's
    pages, instead of taking a job that was waiting (the cover), which the index would wait for."""
    from concurrent.futures import Future

    from anthology.doctree import to_json
    from anthology.manifest import load_book
    from anthology.render.pdf.edition import PdfEdition

    class Pool:
        jobs = 2

        def __init__(self):
            self.jobs_of, self.released = {}, []

        def submit_holding(self, rank, fn, task):
            self.jobs_of[task.name] = Future()
            return self.jobs_of[task.name]

        def submit_ranked(self, rank, fn, task):  # a part that is not a text: its worker is not held
            raise AssertionError(f"{task.name} submitted without holding")

        def release(self, future):
            self.released.append(next(name for name, job in self.jobs_of.items() if job is future))

    book = load_book(ROOT / "anthology.yml")
    pool = Pool()
    texts = [entry.id for entry in book.texts]
    section = {"blocks": [{"t": "Para", "c": [{"t": "Str", "c": "Words."}]}]}
    with PdfEdition(book, pool) as pdf:
        for name in texts:
            pdf._start_section(name, to_json(section))
        for name in reversed(texts[1:]):
            pool.jobs_of[name].set_result(None)
        assert pool.released == texts[:0:-1]  # each let go as it ended
        pool.jobs_of[texts[0]].set_result(None)
        assert pool.released == texts[:0:-1]  # the last: kept
        pdf._let_go_for_index()
        assert pool.released == texts[:0:-1] + [texts[0]]


def test_parts_laid_out_alone_join_into_one_book(built, tmp_path):
    """The parts of a small book laid out one by one, as the build does: the text without its
    folios (printed by the overlay), the front matter with its page numbers and folios; joined, every
    part opens on a right-hand page, folios run on, and links between parts land on their pages."""
    from anthology.render.pdf import folios, join, part_layout
    from anthology.render.pdf.html import page_css

    root = built.book.root
    front, text, glossary = parts.split(small_book())
    lay = lambda part, **kw: part_layout.lay_out(part_layout.PartTask(  # noqa: E731
        part.name, part.html, root, target=tmp_path / f"{part.name}.pdf", **kw))
    body = [lay(text), lay(glossary)]
    assert body[0].pages == 3 and body[0].folio_kinds == ["foot", "head", "head"]
    placed = join.place([lay(front, first_folio=1), *body])  # the front matter is one page here
    assert [p.first_folio for p in placed] == [1, 3, 7]  # blank versos at 2 and 6
    numbered = parts.with_page_numbers(front.html, {n: f for p in placed for n, f in p.part.anchor_pages(p.first_folio).items()})
    placed[0] = join.PlacedPart(lay(parts.Part("front", numbered), first_folio=1), 1)
    overlays = []
    for item in placed[1:]:  # each part's folios, on pages of its own numbered from its first folio
        kinds = item.part.folio_kinds
        laid = part_layout.lay_out(part_layout.PartTask(
            f"folios-{item.part.name}", folios.overlay_html(kinds, "en", page_css(built.book)), root,
            target=tmp_path / f"folios-{item.part.name}.pdf", first_folio=item.first_folio, tagged=False))
        overlays.append(join.Overlay(laid.target, item.first_folio - 1, [i for i, kind in enumerate(kinds) if kind]))
    target = tmp_path / "book.pdf"
    pages = join.join(placed, target, overlays=overlays, lang="en")
    assert pages == 7
    texts = page_texts(target)
    assert "Contents" in alnum(texts[0]) and re.search(r"A Text\W+3\b", texts[0])  # the contents' number
    assert not texts[1].strip() and not texts[5].strip()  # blank versos
    numbers = [set(re.findall(r"(?m)^\d+$", text)) for text in texts[:7]]  # lines that are only a number
    # folios from the overlay and the front part; on the contents page, its entry's page number
    # (set flush right, so read as a line of its own), and no folio
    assert numbers == [{"3"}, set(), {"3"}, {"4"}, {"5"}, set(), {"7"}]
    reader = PdfReader(target)
    page_of = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, start=1)}
    links = [(n, page_of[a.get_object()["/Dest"][0].idnum]) for n, page in enumerate(reader.pages, start=1)
             for a in page.get("/Annots", []) if a.get_object().get("/Subtype") == "/Link"]
    assert (1, 3) in links and (5, 7) in links  # contents → text, text → glossary
    assert str(reader.trailer["/Root"]["/Lang"]) == "en"

    # Parts opened ahead in the joining process (join.open_ahead) join into the same book, byte
    # for byte; a part whose file changed after it was opened ahead is read again.
    join.open_ahead([item.part.target for item in placed])
    again = tmp_path / "again.pdf"
    assert join.join(placed, again, overlays=overlays, lang="en") == 7 and not join._OPENED
    assert again.read_bytes() == target.read_bytes()
    join.open_ahead([placed[2].part.target])
    shutil.copyfile(placed[1].part.target, placed[2].part.target)  # the glossary's file: now the text's 3 pages
    try:
        assert join.join(placed, again, lang="en") == 9
    finally:
        join._OPENED.clear()


def test_proof_sheet(built, tmp_path):
    assert shutil.which("pdftoppm"), "pdftoppm is missing: install poppler-utils (setup.sh does)"
    assert parse_pages("1,5,7-9") == [1, 5, 7, 8, 9]
    made = make_proof(built.outputs["pdf"], tmp_path, pages=parse_pages("1,5"))
    assert [p.name for p in made] == ["page-001.png", "page-005.png", "contact-sheet.png"]
    assert all(p.stat().st_size > 1000 for p in made)


# ------------------------------------------------------------------ the EPUB style sheet

def test_epub_style_sheet_leaves_the_reader_in_charge(epub):
    css = (ROOT / "styles" / "epub.css").read_text(encoding="utf-8")
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert not re.search(r"\d(px|pt|mm|cm|in)\b", rules)
    assert "font-family" not in rules and not re.search(r"(^|[^-])color\s*:", rules) and "background" not in rules
    for selector in (".opener", "blockquote", "hr::after", "h2", "section.footnotes", "text-indent"):
        assert selector in rules

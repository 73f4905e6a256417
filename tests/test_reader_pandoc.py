"""The `pandoc` reader (anthology/sources/converted.py) on a real EPUB
(examples/outside/texts/ippolita-in-the-facebook-aquarium.epub: Ippolita, "In the Facebook Aquarium",
Institute of Network Cultures 2015, CC BY-NC-SA 3.0, 176 notes), on a DOCX, reST and LaTeX that
real Pandoc writes or reads, and on broken inputs, which must be SourceErrors naming the file."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import html as lxml_html

from anthology.errors import SourceError
from anthology.footnotes import NOTE_CALL
from anthology.pandoc import convert
from anthology.sources import read as read_source, reads_bytes, reasons

ROOT = Path(__file__).resolve().parent.parent
EPUB = ROOT / "examples" / "outside" / "texts" / "ippolita-in-the-facebook-aquarium.epub"
DEFINITION = re.compile(r"^\[\^([^\]]+)\]: (.*)$", re.M)


def read(data: bytes | str, name: str, **options):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return read_source("pandoc", raw, options=options, editorial={}, origin=name)


def split(body: str) -> tuple[str, dict[str, str]]:
    start = re.search(r"^\[\^[^\]]+\]: ", body, re.M)
    return (body[:start.start()] if start else body), dict(DEFINITION.findall(body))


@pytest.fixture(scope="module")
def epub():
    return read(EPUB.read_bytes(), "texts/ippolita-in-the-facebook-aquarium.epub")


def chapters():
    """The EPUB's chapter files, in its own order, as lxml trees."""
    book = zipfile.ZipFile(EPUB)
    return [lxml_html.fromstring(book.read(name)) for name in sorted(book.namelist())
            if re.match(r"ch\d+\.xhtml$", name)]


def test_the_reader_takes_bytes():
    assert reads_bytes("pandoc") and reads_bytes("html")


def test_every_note_of_the_epub_resolves(epub):
    text, notes = split(epub.body)
    calls = NOTE_CALL.findall(text)
    source_calls = sum(len(tree.xpath("//a[contains(@class, 'footnoteRef')]")) for tree in chapters())
    assert len(calls) == source_calls == 176
    assert calls == [str(n) for n in range(1, 177)]
    assert set(notes) == set(calls) and all(note.strip() for note in notes.values())
    assert notes["1"].startswith("Paideia (παιδεία), refers to the training")
    assert not any("↩" in note for note in notes.values())


def test_the_epubs_chapter_headings_keep_their_level(epub):
    source = [" ".join(h.text_content().split()) for tree in chapters() for h in tree.xpath("//h1")]
    found = re.findall(r"^# (.+)$", split(epub.body)[0], re.M)
    assert len(found) >= 33 and set(found) <= set(source)
    assert "1.06 The Performance Society" in found
    assert not re.search(r"^#{2,} ", epub.body, re.M), "the book has only level-1 headings"


def test_the_epubs_metadata_is_its_own(epub):
    assert epub.metadata["title"] == "In the Facebook Aquarium"
    assert epub.metadata["author"] == "Ippolita"
    assert "CC BY-NC-SA 3.0" in epub.metadata["rights"]


def test_no_image_markup_or_entity_is_left(epub):
    assert "cover image" not in epub.body and "![" not in epub.body
    assert not re.search(r"&[#\w]+;", epub.body)
    assert "<" not in re.sub(r"<https?://[^>\s]+>|\\<", "", epub.body), "raw HTML is left"
    assert any(c.rule == "html-image" for c in epub.changes)
    assert set(c.rule for c in epub.changes) <= set(reasons())


def make_docx(tmp_path: Path, markdown: str) -> bytes:
    """A DOCX as Pandoc writes one (a real Word document, with real Word footnotes)."""
    out = tmp_path / "made.docx"
    convert(markdown, "docx", outputfile=out)
    return out.read_bytes()


def test_a_docx_gives_its_title_notes_and_headings(tmp_path):
    data = make_docx(tmp_path, "---\ntitle: The General Strike\nauthor: R. Postgate\n---\n\n"
                               "# The Nine Days\n\nThe TUC called it off.[^1]\n\n## Aftermath\n\nMiners stayed out.[^2]\n\n"
                               "[^1]: On 12 May 1926.\n[^2]: Until *November*.\n")
    doc = read(data, "texts/strike.docx")
    text, notes = split(doc.body)
    assert doc.metadata["title"] == "The General Strike" and doc.metadata["author"] == "R. Postgate"
    assert NOTE_CALL.findall(text) == ["1", "2"]
    assert notes == {"1": "On 12 May 1926.", "2": "Until *November*."}
    assert "## Aftermath" in text


def test_restructuredtext_notes_and_title():
    doc = read("===========\nThe Soviets\n===========\n\nA council [#]_ of workers.\n\nOrigins\n=======\n\n"
               "In 1905.\n\n.. [#] Russian *sovet*.\n", "texts/soviets.rst")
    text, notes = split(doc.body)
    assert doc.metadata["title"] == "The Soviets"
    assert NOTE_CALL.findall(text) == ["1"] and notes == {"1": "Russian *sovet*."}
    assert "# Origins" in text


def test_images_and_figures_are_dropped_and_logged():
    doc = read("Before the map.\n\n.. image:: map.png\n   :alt: A map of Petrograd\n\n"
               ".. figure:: barricade.png\n\n   The barricades of 1905.\n\nAfter the map.\n", "texts/maps.rst")
    assert "Before the map." in doc.body and "After the map." in doc.body
    assert "Petrograd" not in doc.body and "barricades" not in doc.body and "png" not in doc.body
    dropped = [c for c in doc.changes if c.rule == "html-image"]
    assert dropped and dropped[0].before.startswith("2 ×")


def test_the_from_option_names_the_format():
    doc = read("* Dual power\n\nThe Provisional Government.\n", "texts/notes.txt", **{"from": "org"})
    assert doc.body.startswith("# Dual power")


def test_a_corrupt_docx_is_a_source_error(tmp_path):
    data = make_docx(tmp_path, "Text.\n")
    with pytest.raises(SourceError, match=r"^texts/broken\.docx: Pandoc could not read it as docx: "):
        read(data[:3000], "texts/broken.docx")


def test_a_corrupt_epub_is_a_source_error():
    with pytest.raises(SourceError, match=r"^texts/broken\.epub: not a readable EPUB"):
        read(EPUB.read_bytes()[:5000], "texts/broken.epub")
    holder = io.BytesIO()
    with zipfile.ZipFile(holder, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
    with pytest.raises(SourceError, match=r"^texts/empty\.epub: not a readable EPUB"):
        read(holder.getvalue(), "texts/empty.epub")


def test_invalid_latex_names_the_line():
    with pytest.raises(SourceError, match=r"^texts/bad\.tex:5: Pandoc could not read it as latex: unexpected"):
        read("Text.\n\n\\begin{itemize}\n\\item one\n\\item two\n", "texts/bad.tex")


def test_an_input_that_ends_too_soon_names_its_last_line():
    """Pandoc names the line after the last (line 7 of this 5-line file): the last line is meant."""
    with pytest.raises(SourceError, match=r"^texts/open\.typ:5: Pandoc could not read it as typst: "):
        read("= Title\n\nText #let x = (\n\nMore.\n", "texts/open.typ")


@pytest.mark.parametrize("data, name, problem", [
    (b"", "texts/empty.docx", "the file is empty"),
    (b"Text.\n", "texts/notes.bib", "cannot be told from the file's extension"),
    (b"Text.\n", "texts/notes.xyz", "cannot be told from the file's extension"),
    (b"Text \x00 more\n", "texts/nul.rst", "looks binary"),
])
def test_unreadable_files_are_source_errors_naming_the_file(data, name, problem):
    with pytest.raises(SourceError, match=rf"^{re.escape(name)}(:\d+)?: ") as caught:
        read(data, name)
    assert problem in str(caught.value)


@pytest.mark.book
def test_a_book_of_the_saved_page_and_the_epub_builds(tmp_path):
    """Both fixtures through the whole build: every note a real EPUB footnote, the headings kept."""
    import shutil

    from anthology.pipeline import build
    from epub_tools import Epub

    root = tmp_path / "book"
    (root / "texts").mkdir(parents=True)
    for part in ("templates", "styles", "fonts"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copy(EPUB, root / "texts" / EPUB.name)
    shutil.copy(ROOT / "examples" / "outside" / "texts" / "wikipedia-mozilla.html", root / "texts" / "mozilla.html")
    (root / "anthology.yml").write_text(
        "book:\n  title: Outside\n  editor: E\n  language: en-GB\n  date: \"2026-12-02\"\n"
        "  identifier: urn:uuid:00000000-0000-0000-0000-000000000002\n  rights: R\n"
        "texts:\n"
        "  - {id: mozilla, file: texts/mozilla.html, format: html, title: Mozilla, author: Wikipedia, date: \"2016\"}\n"
        f"  - {{id: aquarium, file: texts/{EPUB.name}, format: pandoc, title: In the Facebook Aquarium, "
        "author: Ippolita, date: \"2015\"}\n", encoding="utf-8")
    result = build(root / "anthology.yml", only="epub", jobs=1)
    book = Epub(result.outputs["epub"])
    assert book.text_ids() == ["mozilla", "aquarium"]
    assert len(book.noterefs("mozilla")) == len(book.notes("mozilla")) == 76
    assert len(book.noterefs("aquarium")) == len(book.notes("aquarium")) == 176
    assert "History" in book.headings("mozilla", 2) and "Gecko" in book.headings("mozilla", 4)
    assert "1.06 The Performance Society" in book.headings("aquarium", 2)


def test_an_epub_gives_only_the_chapters_named_in_the_option():
    """`chapters` takes the named spine files, in reading order, each with its own notes."""
    raw = EPUB.read_bytes()
    doc = read_source("pandoc", raw, options={"chapters": ["ch020.xhtml", "ch019.xhtml"]}, editorial={},
               origin="texts/aquarium.epub")
    headings = re.findall(r"^#+ (.*)", doc.body, re.M)
    assert headings[0].startswith("2.02 Libertarianism") and headings[1].startswith("2.03 Technological Darwinism")
    assert len(headings) == 2
    calls = set(re.findall(r"\[\^(\d+)\](?!:)", doc.body))
    defined = set(re.findall(r"^\[\^(\d+)\]:", doc.body, re.M))
    assert calls and calls == defined


def test_a_chapter_the_epub_does_not_hold_is_refused_with_the_ones_it_does():
    with pytest.raises(SourceError, match=r"texts/aquarium.epub: option chapters names ch099.xhtml.*ch019.xhtml"):
        read_source("pandoc", EPUB.read_bytes(), options={"chapters": ["ch099.xhtml"]}, editorial={},
             origin="texts/aquarium.epub")

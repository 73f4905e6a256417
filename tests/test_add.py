"""`build.py add FILE`: the format told, the file's metadata read, the entry appended with the
manifest's comments kept, and every refusal leaving the manifest byte for byte as it was."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from anthology.cli import main
from anthology.errors import ManifestError
from anthology.manifest import load_book
from anthology.sources.metadata import detect_format, file_metadata, plain_text_format
from conftest import ROOT

MANIFEST = """\
# The manifest of a small reader.
book:
  title: T
  editor: E
  language: en-GB
  date: "2026-01-01"
  identifier: urn:uuid:00000000-0000-0000-0000-000000000000
  rights: R

texts:
  # The first text, kept as it was.
  - id: one
    file: texts/one.muse
    format: muse
    title: One
    author: A
    date: "1999"   # as printed

# A comment after the texts, introducing what follows.
glossary:
  file: glossary.yml
"""
ONE = "#title One\n#author A\n\n*** First\n\nThe first paragraph of the text, long enough to read.\n"

MUSE = """#title On Planning
#subtitle A Lecture
#author A. N. Other
#date 1931
#lang en
#source [[https://example.org/planning][example.org]]

*** The First Question

The question of the plan is put in every factory.
"""
MARKDOWN = """---
title: "Why Plans Fail"
author: [B. One, C. Two]
date: 1970-05-01
lang: fr
---

## I. The First Part

Text of the first part.
"""
HTML = """<!DOCTYPE html>
<html lang="en-us"><head>
<meta charset="utf-8">
<title>The Soviet Mirage | A Site</title>
<meta name="author" content="Lucien van der Walt">
<meta name="citation_publication_date" content="1999-10-08">
<meta property="og:site_name" content="A Site">
<link rel="canonical" href="https://example.org/mirage">
</head><body><h1>The Soviet Mirage</h1><p>The text.</p></body></html>
"""
WEB_TXT = "\n\n".join(["Masthead", "A title line"] + [
    f"Paragraph {n} of a page saved from the web, one paragraph on one line however long it runs, "
    "as a browser's 'save as text' writes it: sentence after sentence, with no line break inside "
    "the paragraph at all, until its very end." for n in range(8)]) + "\n"
OCR_TXT = "\n\n".join("\n".join(
    f"Line {n}.{k} of a scanned page, hard-wrapped at the width of the printed column, as"
    for k in range(9)) for n in range(6)) + "\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    (root / "texts").mkdir(parents=True)
    (root / "texts" / "one.muse").write_text(ONE, encoding="utf-8")
    (root / "anthology.yml").write_text(MANIFEST, encoding="utf-8")
    (root / "glossary.yml").write_text("[]\n", encoding="utf-8")
    return root


def outside(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def add(project: Path, *args) -> int:
    return main(["add", *map(str, args), "--manifest", str(project / "anthology.yml")])


def last_text(project: Path):
    return load_book(project / "anthology.yml").texts[-1]


def test_a_muse_file_gives_its_header(project, tmp_path, capsys):
    assert add(project, outside(tmp_path, "On Planning.muse", MUSE)) == 0
    text = last_text(project)
    assert (text.id, text.format, text.file) == ("on-planning", "muse", project / "texts" / "on-planning.muse")
    assert (text.title, text.author, text.date, text.subtitle) == ("On Planning", "A. N. Other", "1931", "A Lecture")
    assert text.source_url == "https://example.org/planning"
    assert text.language == ""  # `en` in a book in en-GB: the book's tag stands
    assert text.file.read_bytes() == MUSE.encode("utf-8")  # copied byte for byte
    said = capsys.readouterr().out
    assert "title: On Planning" in said and "top_heading_stars" in said and "build.py" in said
    entry = (project / "anthology.yml").read_text(encoding="utf-8").split("- id: on-planning")[1]
    assert "\n    title:" not in entry and "\n    author:" not in entry  # left to the file


def test_a_markdown_file_gives_its_front_matter(project, tmp_path):
    assert add(project, outside(tmp_path, "plans.md", MARKDOWN)) == 0
    text = last_text(project)
    assert (text.id, text.format) == ("why-plans-fail", "markdown")
    assert (text.title, text.author, text.date, text.language) == ("Why Plans Fail", "B. One and C. Two",
                                                                  "1970-05-01", "fr")


def test_an_html_page_gives_its_title_and_meta_author(project, tmp_path):
    assert add(project, outside(tmp_path, "mirage.html", HTML)) == 0
    text = last_text(project)
    assert (text.id, text.format) == ("the-soviet-mirage", "html")
    assert (text.title, text.author, text.date) == ("The Soviet Mirage", "Lucien van der Walt", "1999-10-08")
    assert (text.language, text.source_name, text.source_url) == ("en-US", "A Site", "https://example.org/mirage")


@pytest.mark.parametrize("content, fmt", [(WEB_TXT, "web"), (OCR_TXT, "ocr")])
def test_a_txt_is_web_or_ocr_by_its_shape(project, tmp_path, content, fmt):
    source = outside(tmp_path, "found.txt", content)
    assert add(project, source, "--title", "Found", "--author", "Someone", "--date", "1950") == 0
    text = last_text(project)
    assert (text.id, text.format, text.title, text.author, text.date) == ("found", fmt, "Found", "Someone", "1950")
    assert text.file.name == f"found.{fmt}.txt"


def test_the_rule_for_txt_on_the_texts_here():
    assert plain_text_format((ROOT / "texts" / "genesis-part-2.web.txt").read_text(encoding="utf-8"))[0] == "web"
    assert plain_text_format((ROOT / "texts" / "revolution-betrayed.ocr.txt").read_text(encoding="utf-8"))[0] == "ocr"


def test_the_manifest_keeps_its_comments_and_layout(project, tmp_path):
    before = (project / "anthology.yml").read_text(encoding="utf-8")
    assert add(project, outside(tmp_path, "plan.muse", MUSE)) == 0
    after = (project / "anthology.yml").read_text(encoding="utf-8")
    head, tail = before.split("\n# A comment after the texts")
    assert after.startswith(head + "  - id: on-planning\n    file: texts/on-planning.muse\n    format: muse\n")
    assert after.endswith("\n# A comment after the texts" + tail)
    assert "  # The first text, kept as it was.\n" in after and '    date: "1999"   # as printed\n' in after


def test_the_real_manifest_gets_one_block_and_keeps_every_byte(tmp_path):
    root = tmp_path / "reader"
    root.mkdir()
    for part in ("anthology.yml", "glossary.yml", "index.yml"):
        shutil.copy(ROOT / part, root / part)
    for part in ("texts", "editorial", "profiles"):
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, root / part)
    before = (root / "anthology.yml").read_text(encoding="utf-8")
    assert add(root, outside(tmp_path, "plan.muse", MUSE)) == 0
    after = (root / "anthology.yml").read_text(encoding="utf-8")
    block = ("\n  - id: on-planning\n    file: texts/on-planning.muse\n    format: muse\n    subtitle: A Lecture\n"
             "    source_url: https://example.org/planning\n")
    assert block in after and after.replace(block, "", 1) == before  # a blank line before it, as between the others
    assert after.index(block) < after.index("# The reading plan")


def test_an_entry_of_id_file_and_format_takes_the_rest_from_its_file(project):
    (project / "texts" / "two.muse").write_text(MUSE, encoding="utf-8")
    text = (project / "anthology.yml").read_text(encoding="utf-8").replace(
        "\n# A comment", "  - id: two\n    file: texts/two.muse\n    format: muse\n\n# A comment")
    (project / "anthology.yml").write_text(text, encoding="utf-8")
    two = last_text(project)
    assert (two.title, two.author, two.date) == ("On Planning", "A. N. Other", "1931")


def test_a_field_neither_the_entry_nor_the_file_gives_names_the_line(project):
    (project / "texts" / "two.web.txt").write_text(WEB_TXT, encoding="utf-8")
    text = (project / "anthology.yml").read_text(encoding="utf-8").replace(
        "\n# A comment", "  - id: two\n    file: texts/two.web.txt\n    format: web\n    author: X\n\n# A comment")
    (project / "anthology.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        load_book(project / "anthology.yml")
    assert info.value.problems == [
        "anthology.yml:18: texts[1].title: missing, and texts/two.web.txt does not give one",
        "anthology.yml:18: texts[1].date: missing, and texts/two.web.txt does not give one"]


def test_a_file_inside_the_project_stays_where_it_is(project):
    (project / "texts" / "plan.muse").write_text(MUSE, encoding="utf-8")
    assert add(project, project / "texts" / "plan.muse", "--id", "plan") == 0
    assert sorted(p.name for p in (project / "texts").iterdir()) == ["one.muse", "plan.muse"]
    assert last_text(project).file == project / "texts" / "plan.muse"


@pytest.mark.parametrize("case", ["taken id", "same file twice", "same bytes twice", "missing file",
                                  "unknown extension", "empty file", "binary markdown", "bad id", "txt says nothing",
                                  "not a docx"])
def test_refusals_change_nothing(project, tmp_path, capsys, case):
    plan = outside(tmp_path, "plan.muse", MUSE)
    args = {
        "taken id": [plan, "--id", "one"],
        "same file twice": [project / "texts" / "one.muse"],
        "same bytes twice": [outside(tmp_path, "again.muse", ONE)],
        "missing file": [tmp_path / "nowhere.muse"],
        "unknown extension": [outside(tmp_path, "plan.pages", MUSE)],
        "empty file": [outside(tmp_path, "empty.md", "  \n")],
        "binary markdown": [outside(tmp_path, "image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")],
        "bad id": [plan, "--id", "Plan One"],
        "txt says nothing": [outside(tmp_path, "found.txt", WEB_TXT)],
        "not a docx": [outside(tmp_path, "letter.docx", "not a zip")],
    }[case]
    before = (project / "anthology.yml").read_bytes()
    assert add(project, *args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), err
    assert (project / "anthology.yml").read_bytes() == before
    assert [p.name for p in (project / "texts").iterdir()] == ["one.muse"]


def test_adding_the_same_file_twice_is_refused(project, tmp_path, capsys):
    plan = outside(tmp_path, "plan.muse", MUSE)
    assert add(project, plan) == 0
    after_first = (project / "anthology.yml").read_bytes()
    assert add(project, plan) == 2
    assert "already in the manifest" in capsys.readouterr().err
    assert (project / "anthology.yml").read_bytes() == after_first


def docx(title: str, author: str) -> bytes:
    from io import BytesIO
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("docProps/core.xml", (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title>'
            f'<dc:creator>{author}</dc:creator><dc:language>de-DE</dc:language></cp:coreProperties>'))
        package.writestr("word/document.xml", (
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            '<w:p><w:pPr><w:pStyle w:val="Date"/></w:pPr><w:r><w:t>1 May 1920</w:t></w:r></w:p>'
            '<w:p><w:r><w:t>Body.</w:t></w:r></w:p></w:body></w:document>'))
    return out.getvalue()


def epub(title: str, author: str) -> bytes:
    from io import BytesIO
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("mimetype", "application/epub+zip")
        package.writestr("META-INF/container.xml", (
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="OEBPS/content.opf"/></rootfiles></container>'))
        package.writestr("OEBPS/content.opf", (
            '<package xmlns="http://www.idpf.org/2007/opf"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator><dc:date>1921</dc:date>'
            '<dc:language>en</dc:language></metadata></package>'))
    return out.getvalue()


def test_docx_and_epub_metadata_come_from_their_packages(tmp_path):
    letter = outside(tmp_path, "letter.docx", docx("A Letter", "R. Luxemburg"))
    assert detect_format(letter, letter.read_bytes(), "letter.docx")[0] == "pandoc"
    assert file_metadata(letter, "pandoc", "letter.docx") == {
        "title": "A Letter", "author": "R. Luxemburg", "date": "1 May 1920", "language": "de-DE"}
    book = outside(tmp_path, "book.epub", epub("A Book", "V. Serge"))
    assert file_metadata(book, "pandoc", "book.epub") == {
        "title": "A Book", "author": "V. Serge", "date": "1921", "language": "en"}


def test_an_org_file_gives_its_title_block_through_pandoc(tmp_path):
    notes = outside(tmp_path, "notes.org", "#+TITLE: Org Title\n#+AUTHOR: Org Author\n#+DATE: 1930\n"
                                          "#+LANGUAGE: de\n\nBody.\n")
    assert file_metadata(notes, "pandoc", "notes.org") == {
        "title": "Org Title", "author": "Org Author", "date": "1930", "language": "de"}


def test_a_docx_is_added_with_its_metadata(project, tmp_path):
    assert add(project, outside(tmp_path, "Letter.docx", docx("A Letter", "R. Luxemburg"))) == 0
    text = last_text(project)
    assert (text.id, text.format, text.title, text.language) == ("a-letter", "pandoc", "A Letter", "de-DE")
    assert text.file.name == "a-letter.docx"


def test_the_five_texts_keep_their_fields():
    book = load_book(ROOT / "anthology.yml")
    assert [(t.title, t.author, t.language) for t in book.texts][-1] == ("The Soviet Mirage", "Lucien van der Walt", "")


@pytest.mark.book
def test_an_added_text_builds_with_the_metadata_of_its_file(project, tmp_path):
    from anthology.pipeline import build
    from epub_tools import Epub

    for part in ("templates", "styles", "fonts"):
        shutil.copytree(ROOT / part, project / part)
    assert add(project, outside(tmp_path, "plan.muse", MUSE)) == 0
    result = build(project / "anthology.yml", only="epub", jobs=1)
    epub_file = Epub(result.outputs["epub"])
    assert epub_file.text_ids()[-1] == "on-planning"
    opener = epub_file.all_text()
    assert "On Planning" in opener and "A. N. Other" in opener and "A Lecture" in opener


def test_a_saved_page_title_is_its_one_h1_where_the_title_element_adds_the_site():
    """Wikipedia's `<title>Mozilla - Wikipedia</title>` and `<h1>Mozilla</h1>`: the title is `Mozilla`,
    as the html reader takes it (examples/outside/texts/wikipedia-mozilla.html)."""
    page = ROOT / "examples" / "outside" / "texts" / "wikipedia-mozilla.html"
    assert file_metadata(page, "html", "texts/wikipedia-mozilla.html")["title"] == "Mozilla"

"""The second anthology in examples/outside: four real texts from outside the first book's sites,
one per format a study group meets most (Muse from an Amusewiki library, Markdown from a static
site, a saved web page, an EPUB), built from its manifest alone through the real command line.

What is checked is what a site's debris or a reader's slip would leave in the book: template tags,
HTML entities, empty sections, navigation lines, unresolved notes, headings moved off the source's
levels, and EPUBCheck's verdict on the EPUB."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

from epub_tools import Epub

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "outside"
TEXTS = ["what-is-right-with-marriage", "poverty-of-student-life", "mozilla", "facebook-aquarium"]
HEADING = re.compile(r"^(#{1,6}) (.*?)(?: \{[^}]*\})?$", re.M)
CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")
DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:", re.M)
ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,30});")
NAVIGATION = re.compile(r"(?i)^\W*(?:\[[^\]]*\b(previous|next|prev|contents|index|back|top|home)\b[^\]]*\]\([^)]*\)\W*)+$")


@pytest.fixture(scope="module")
def example_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The example built once (EPUB, with EPUBCheck) in a copy: its manifest and texts only."""
    project = tmp_path_factory.mktemp("example") / "outside"
    shutil.copytree(EXAMPLE, project)
    assert not (project / "templates").exists()  # the tool's own design, nothing copied
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "--manifest", str(project / "anthology.yml"),
                          "--only", "epub", "--check", "--fresh"], capture_output=True, text=True, cwd=project)
    assert run.returncode == 0, run.stdout + run.stderr
    return project, run


@pytest.fixture(scope="module")
def example(example_run) -> Path:
    return example_run[0]


def clean(example: Path, text_id: str) -> str:
    return (example / "output" / "clean" / f"{text_id}.md").read_text(encoding="utf-8")


def test_the_epub_passes_epubcheck_with_no_error_and_no_warning(example_run):
    """The build's own `--check` ran EPUBCheck on it (anthology.validate.epubcheck)."""
    project, run = example_run
    assert (project / "output" / "texts-from-elsewhere.epub").exists()
    assert "EPUBCheck: no errors or warnings" in run.stdout, run.stdout + run.stderr
    assert "epubcheck:" not in run.stderr


def test_every_text_is_in_the_epub_with_its_notes_resolving(example):
    epub = Epub(example / "output" / "texts-from-elsewhere.epub")
    assert epub.text_ids() == TEXTS
    for text_id in TEXTS:
        notes = {note.get("id") for note in epub.notes(text_id)}
        targets = {ref.get("href").split("#")[1] for ref in epub.noterefs(text_id)}
        assert targets <= notes, text_id
        assert len(targets) == len(notes), text_id  # every note is called


@pytest.mark.parametrize("text_id", TEXTS)
def test_no_site_debris_is_left_in_the_cleaned_text(example, text_id):
    text = clean(example, text_id)
    assert "{{" not in text and "{%" not in text
    assert not ENTITY.search(text), ENTITY.search(text).group(0)
    assert not [line for line in text.splitlines() if NAVIGATION.match(line)]
    assert not re.search(r"</?(a|br|sup|span|div|p|script|style)\b", text)


@pytest.mark.parametrize("text_id", TEXTS)
def test_no_section_is_left_empty(example, text_id):
    """A heading is followed by text before the next heading of its level or higher, or the end."""
    text = clean(example, text_id)
    body = DEFINITION.split(text)[0] if DEFINITION.search(text) else text
    headings = list(HEADING.finditer(body))
    for here, following in zip(headings, headings[1:] + [None]):
        between = body[here.end(): following.start() if following else len(body)].strip()
        deeper = following is not None and len(following.group(1)) > len(here.group(1))
        assert between or deeper, f"{text_id}: empty section {here.group(0)!r}"


@pytest.mark.parametrize("text_id", TEXTS)
def test_every_note_call_has_its_note_and_every_note_a_call(example, text_id):
    text = clean(example, text_id)
    calls, notes = set(CALL.findall(text)), set(DEFINITION.findall(text))
    assert calls == notes
    if text_id != "what-is-right-with-marriage" or calls:
        assert calls, f"{text_id} has notes in its source"


def words(text: str) -> str:
    return " ".join(re.findall(r"\w+", html.unescape(text).casefold()))


def test_the_muse_headings_keep_their_levels(example):
    """Muse marks levels with asterisks; each heading keeps its rank, one level below the title."""
    raw = (EXAMPLE / "texts" / "khayati-poverty-of-student-life-mk.muse").read_text(encoding="utf-8")
    source = [(len(stars), words(title)) for stars, title in re.findall(r"^(\*{1,5}) (.*)$", raw, re.M)]
    cleaned = [(len(level), words(title)) for level, title in HEADING.findall(clean(example, "poverty-of-student-life"))]
    assert [title for _, title in cleaned] == [title for _, title in source]
    offsets = {stars - level for (stars, _), (level, _) in zip(source, cleaned)}
    assert len(offsets) == 1  # one mapping of asterisks to levels for the whole text


def source_headings(tree) -> dict[str, int]:
    return {words(h.text_content()): int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")}


def test_the_web_page_headings_keep_their_levels(example):
    page = lxml_html.fromstring((EXAMPLE / "texts" / "wikipedia-mozilla.html").read_bytes())
    for edit in page.find_class("mw-editsection"):  # the wiki's "[edit]" links, not the heading's words
        edit.drop_tree()
    levels = source_headings(page)
    cleaned = [(len(level), words(title)) for level, title in HEADING.findall(clean(example, "mozilla"))]
    assert len(cleaned) >= 30
    for level, title in cleaned:
        assert levels.get(title) == level, title


def test_the_epub_chapters_keep_their_headings_and_levels(example):
    import zipfile

    book = zipfile.ZipFile(EXAMPLE / "texts" / "ippolita-in-the-facebook-aquarium.epub")
    levels: dict[str, int] = {}
    for name in ("ch019.xhtml", "ch020.xhtml"):
        levels.update(source_headings(lxml_html.fromstring(book.read(name))))
    cleaned = [(len(level), words(title)) for level, title in HEADING.findall(clean(example, "facebook-aquarium"))]
    assert [title for _, title in cleaned] == list(levels)
    assert all(levels[title] == level for level, title in cleaned)


def test_the_manifest_gives_only_what_the_files_do_not_say(example):
    """The Muse text's entry is id, file and format: its title and author come from the file."""
    epub = Epub(example / "output" / "texts-from-elsewhere.epub")
    opener = "".join(epub.chapters["poverty-of-student-life"].itertext())
    assert "Бедата на студентскиот живот" in opener
    assert "Ситуационистичка интернационала" in opener

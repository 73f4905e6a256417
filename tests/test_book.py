"""The pipeline's promises (every text in the book, in order, with its structure, notes and words,
in one house style; EPUBCheck clean; the same sources give the same bytes), on the real built EPUB
and PDF (one build per session)."""
from __future__ import annotations

import json
import re

import pytest

from anthology.inputs import decode_source
from anthology.manifest import load_book
from anthology.prose import count_words
from conftest import ROOT
from pdf_tools import pdf_page_texts

# Expected structure per text: (level-2 headings, level-3 headings, numbered notes).
STRUCTURE = {
    "soviet-mirage": (8, 5, 0),
    "why-russia-isnt-socialist": (9, 0, 0),
    # Conrad's "Part I" / "Part II: Second revolution" headings repeat the opener and are dropped;
    # their sections (1.1, 1.2; 2.1) move up a level.
    "genesis-part-1": (2, 0, 44),
    "genesis-part-2": (1, 0, 79),
    "revolution-betrayed": (6, 18, 3),  # the three translator's notes
}

ABSENT = ["<sup>", "↩", "\ufe0e", "WeeklyWorker", "(A PDF", "marxists.org", "Revolution Betrayed: Chapter",
          "Archive Archives", "Back to", "F Y", "* k%", "self-devour-", "bal-", "Regis-", " -- ", "●",
          "#title", "#LISTtitle"]


def test_every_text_is_in_the_book_in_manifest_order(epub):
    book = load_book(ROOT / "anthology.yml")
    assert epub.text_ids() == [t.id for t in book.texts]


@pytest.mark.parametrize("text_id", STRUCTURE)
def test_headings_per_text(epub, text_id):
    h2, h3, _ = STRUCTURE[text_id]
    assert len(epub.headings(text_id, 1)) == 1
    assert len(epub.headings(text_id, 2)) == h2, epub.headings(text_id, 2)
    assert len(epub.headings(text_id, 3)) == h3, epub.headings(text_id, 3)


def test_numbering_punctuation_is_consistent(epub):
    numbered = [h for h in epub.headings("why-russia-isnt-socialist", 2)]
    assert all(re.match(r"^[IVX]+\. ", h) for h in numbered), numbered


@pytest.mark.parametrize("text_id", STRUCTURE)
def test_every_note_call_resolves_in_order(epub, text_id):
    notes = epub.notes(text_id)
    refs = epub.noterefs(text_id)
    assert len(notes) == STRUCTURE[text_id][2]
    assert len(refs) == len(notes)
    note_ids = [n.get("id") for n in notes]
    targets = [r.get("href").split("#")[1] for r in refs]
    assert targets == note_ids  # every call resolves, in order, and no note is left without a call
    assert [r.text for r in refs] == [str(i) for i in range(1, len(refs) + 1)]  # numbered per text


def test_forbidden_strings_are_gone(epub):
    text = "\n".join(epub.body_text(t) for t in STRUCTURE)
    found = [s for s in ABSENT if s in text]
    assert not found


@pytest.mark.parametrize("text_id", STRUCTURE)
def test_no_paragraph_begins_in_lower_case(epub, text_id):
    bad = [p[:60] for p in epub.paragraphs(text_id) if p and p[0].islower()]
    assert not bad


def test_soviet_mirage_paragraphs_are_not_walls(epub):
    lengths = [count_words(p) for p in epub.paragraphs("soviet-mirage")]
    assert max(lengths) <= 250
    assert len(lengths) >= 35


@pytest.mark.parametrize("text_id", STRUCTURE)
def test_word_count_within_one_percent_of_source(built, text_id):
    """Words in the read text vs the raw file, less the words removed as furniture (reported)."""
    from anthology.sources import read as read_source

    entry = next(t for t in built.book.texts if t.id == text_id)
    raw = decode_source(entry.file, [])
    doc = read_source(entry.format, raw, options=entry.options, editorial=entry.editorial, origin=entry.file.name)
    removed = sum(c.words_removed for c in doc.changes)
    expected = count_words(raw) - removed
    got = count_words(doc.body) + count_words(doc.source_note)
    assert abs(got - expected) <= 0.01 * expected, (got, expected, removed)


def test_clean_markdown_and_reports_are_written(built):
    out = built.book.root / "output"
    for entry in built.book.texts:
        assert (out / "clean" / f"{entry.id}.md").read_text(encoding="utf-8").strip()
    report = json.loads((out / "cleaning-report.json").read_text(encoding="utf-8"))
    assert [t["id"] for t in report["texts"]] == [t.id for t in built.book.texts]
    assert all(t["changes"] for t in report["texts"])
    assert (out / "cleaning-report.html").stat().st_size > 1000


def test_pdf_is_written_with_every_text(built):
    from pypdf import PdfReader

    reader = PdfReader(built.outputs["pdf"])
    assert len(reader.pages) == built.pages > 150
    pages = pdf_page_texts(built.outputs["pdf"])  # poppler's reading, shared with other tests
    assert len(pages) == built.pages
    assert "Soviet" in "".join(pages[::3])


@pytest.mark.in_background("epubcheck")
def test_epubcheck_reports_no_errors_or_warnings(background):
    """EPUBCheck (anthology.validate.epubcheck), run on the session's EPUB as soon as it was built."""
    assert [str(f) for f in background.result("epubcheck")] == []


def test_two_builds_are_byte_identical(built):
    """A changed PDF or EPUB must always mean a changed book: no timestamps, fixed zip order."""
    import hashlib

    from anthology.pipeline import build

    def digests(result):
        return {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in result.outputs.items()}

    first = digests(built)
    assert digests(build(built.book.manifest_path, use_cache=False)) == first


@pytest.mark.parametrize("text_id", STRUCTURE)
def test_discussion_questions_follow_each_text_in_both_formats(built, epub, text_id):
    entry = next(t for t in built.book.texts if t.id == text_id)
    assert 3 <= len(entry.questions) <= 6
    text = epub.body_text(text_id)
    assert "For discussion" in text
    for question in entry.questions:
        assert " ".join(question.split()[:6]) in " ".join(text.split())


def test_discussion_questions_are_printed(built):
    pages = [" ".join(p.split()) for p in pdf_page_texts(built.outputs["pdf"])]
    assert sum("For discussion" in p for p in pages) == len(built.book.texts)


@pytest.mark.parametrize("text_id", STRUCTURE)
def test_one_house_style_no_straight_quotes_or_hyphen_dashes(epub, text_id):
    text = epub.body_text(text_id)
    found = [m.group(0) for m in re.finditer(r".{0,20}(?:[\"']| - | -- ).{0,20}", text)]
    assert not found

"""One opener model for every text, the credits (translation, source, access date) and the EPUB's
title page: the rules on their own (anthology.opener, anthology.credits) with real examples from
the texts, then the built book. What is looked for in the PDF is found by its letters and digits
only, whatever the line and page breaks."""
from __future__ import annotations

import json
import re
import subprocess
from xml.etree import ElementTree as ET

import pytest

from anthology.credits import long_date, sentence, translation_credit
from anthology.model import Document
from anthology.opener import drop_repeated_heading, fit_to_opener, normalised, repeats_opener
from anthology.render.pdf.proof import outline_pages
from anthology.render.pdf import html as print_html_module
from epub_tools import NS, text_of

X = f"{{{NS['x']}}}"


def alnum(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


# ------------------------------------------------------------------ the first heading

def test_a_heading_that_repeats_the_subtitle_is_dropped_and_logged():
    # Conrad, Part II (texts/genesis-part-2.web.txt): "Part II - Second revolution", read as a heading.
    doc = Document(body="## Part II: Second revolution\n\nSocialism, because of its transitionary nature …\n")
    drop_repeated_heading(doc, "Genesis of Bureaucratic Socialism", "Part II: Second Revolution")
    assert doc.body == "Socialism, because of its transitionary nature …\n"
    assert [(c.rule, c.before, c.after) for c in doc.changes] == [
        ("opener-repeated-heading", "## Part II: Second revolution", "")]


def test_a_heading_that_repeats_the_title_is_dropped_whatever_its_case_and_punctuation():
    doc = Document(body="## Why Russia *isn't* socialist {#top}\n\nText.\n")
    drop_repeated_heading(doc, "Why Russia Isn’t Socialist")
    assert doc.body == "Text.\n"
    doc = Document(body="## Part I\n\n### 1.1. Party and class\n\nText.\n")  # Conrad, Part I
    drop_repeated_heading(doc, "Genesis of Bureaucratic Socialism", "Part I")
    assert doc.body == "## 1.1. Party and class\n\nText.\n"  # its sections move up: no level skipped
    assert repeats_opener("Genesis of bureaucratic socialism: Part I", "Genesis of Bureaucratic Socialism", "Part I")


@pytest.mark.parametrize("body", [
    "## Introduction: The Purpose of the Present Work\n\nThe bourgeois world …\n",  # says more than the opener
    "The “Russian question” …\n\n## The Soviet Mirage\n\nText.\n",  # not the first block
    "## Part I[^1]\n\nText.\n\n[^1]: A note.\n",  # a note call would be lost with it
    "## Part II\n\nText.\n",  # only part of the subtitle
])
def test_a_heading_that_says_more_or_comes_later_stays(body):
    doc = Document(body=body)
    drop_repeated_heading(doc, "The Soviet Mirage", "Part II: Second Revolution")
    assert doc.body == body and not doc.changes


def test_the_dropped_headings_section_moves_up_a_level_and_no_further():
    body = ("## Part II: Second revolution\n\nText.\n\n### 2.1. The first five-year plan\n\n#### Aims\n\n"
            "```\n### not a heading\n```\n\n## Notes on sources\n\n### After the section\n")
    doc = drop_repeated_heading(Document(body=body), "Genesis of Bureaucratic Socialism", "Part II: Second Revolution")
    assert doc.body == ("Text.\n\n## 2.1. The first five-year plan\n\n### Aims\n\n```\n### not a heading\n```\n\n"
                        "## Notes on sources\n\n### After the section\n")
    assert [c.rule for c in doc.changes] == ["opener-repeated-heading"] + ["opener-section-promoted"] * 2


def test_normalised_ignores_case_punctuation_and_emphasis_only():
    assert normalised("Part II – Second *revolution*") == normalised("PART II: Second Revolution") == "part ii second revolution"
    assert normalised("Part I") != normalised("Part II")


def test_an_omitted_source_note_is_logged_and_a_kept_one_stays():
    # van der Walt's #notes says what the manifest's `published` says.
    note = "Revised version of paper prepared by Lucien van der Walt for Lesedi Socialist Study Group, Wits University, 8 October 1999"
    doc = fit_to_opener(Document(body="Text.\n", source_note=note), title="The Soviet Mirage", omit_note=True)
    assert doc.source_note == "" and [c.rule for c in doc.changes] == ["opener-source-note-omitted"]
    kept = fit_to_opener(Document(body="Text.\n", source_note=note), title="The Soviet Mirage")
    assert kept.source_note == note and not kept.changes


# ------------------------------------------------------------------ credits

@pytest.mark.parametrize("translator, language, credit", [
    ("Max Eastman", "Russian", "Translated from the Russian by Max Eastman"),
    ("", "Italian", "Translated from the Italian"),  # no translator is named where the source names none
    ("Max Eastman", "", "Translated by Max Eastman"),
    ("", "", ""),
])
def test_translation_credit(translator, language, credit):
    assert translation_credit(translator, language) == credit


@pytest.mark.parametrize("value, language, written", [
    ("2026-11-21", "en-GB", "21 November 2026"),
    ("2026-11-21", "en-US", "November 21, 2026"),
    ("2026-11-21", "fr", "21 novembre 2026"),
    ("2000-08", "en-GB", "August 2000"),
    ("1936", "en-US", "1936"),
    ("9 January 1997", "en-GB", "9 January 1997"),  # already written out
    ("2021-07-02", "xx-unknown", "2 July 2021"),  # a language with no data: the house's English
])
def test_long_date_writes_the_date_out_in_the_language(value, language, written):
    assert long_date(value, language) == written


def test_sentence_closes_a_phrase_once():
    assert sentence("First published in Il Programma Comunista") == "First published in Il Programma Comunista."
    assert sentence("Where Is It Going?") == "Where Is It Going?"
    from markupsafe import Markup
    assert sentence(Markup("<i>The Soviet Mirage</i>")) == Markup("<i>The Soviet Mirage</i>.")


# ------------------------------------------------------------------ the built book: EPUB

def _opener(root) -> ET.Element:
    return next(e for e in root.iter(f"{X}div") if "opener" in (e.get("class") or "").split())


def _spans(opener, name: str) -> list[str]:
    return [" ".join(text_of(e).split()) for e in opener.iter() if name in (e.get("class") or "").split()]


def _opener_lines(opener) -> str:
    """The opener's own lines, without the source's note on the text."""
    notes = {id(e) for div in opener.iter(f"{X}div") if "source-note" in (div.get("class") or "") for e in div.iter()}
    return "\n".join(" ".join(text_of(p).split()) for p in opener.iter(f"{X}p") if id(p) not in notes)


def test_every_epub_opener_follows_the_model(built, epub):
    for entry in built.book.texts:
        root = epub.chapters[entry.id]
        opener = _opener(root)
        lines = _opener_lines(opener)
        assert [" ".join(text_of(h).split()) for h in root.iter(f"{X}h1")] == [entry.title]
        assert _spans(opener, "author") == [entry.author] and _spans(opener, "date") == [entry.date]
        assert lines.count(entry.date) == 1, (entry.id, lines)  # the source line never repeats it
        assert lines.count(entry.author) == 1, (entry.id, lines)
        assert len(_spans(opener, "published")) <= 1 and len(_spans(opener, "source-note")) <= 1
        assert _spans(opener, "subtitle") == ([entry.subtitle] if entry.subtitle else [])
        assert _spans(opener, "extent") == ([entry.extent] if entry.extent else [])
        if entry.extent:  # the editor's words are not the author's subtitle, nor set in its italic
            assert entry.extent not in entry.subtitle
            extent = next(e for e in opener.iter() if "extent" in (e.get("class") or "").split())
            assert extent.find(f".//{X}em") is None
        if entry.source_note_label:
            assert _spans(opener, "source-note-label") == [entry.source_note_label]


def test_no_text_opens_with_a_heading_that_repeats_its_opener(built, epub):
    dropped = 0
    for entry in built.book.texts:
        root = epub.chapters[entry.id]
        headings = [e for e in root.iter() if re.fullmatch(rf"{re.escape(X)}h[2-6]", str(e.tag))]
        if headings:
            first = " ".join(text_of(headings[0]).split())
            assert not repeats_opener(first, entry.title, entry.subtitle), (entry.id, first)
    report = json.loads((built.book.root / "output" / "cleaning-report.json").read_text(encoding="utf-8"))
    for text in report["texts"]:
        dropped += text["rules"].get("opener-repeated-heading", 0)
    assert dropped >= 2  # Conrad's "Part I" and "Part II: Second revolution"
    assert "opener-repeated-heading" in report["reasons"]


def test_the_translator_is_credited_in_the_epub_opener_and_colophon(built, epub):
    translated = [t for t in built.book.texts if t.translator or t.translated_from]
    assert any(t.translator for t in translated)  # the Trotsky text, Max Eastman's translation
    colophon = " ".join(text_of(ET.fromstring(epub.files["EPUB/text/title_page.xhtml"])).split())
    for entry in translated:
        credit = translation_credit(entry.translator, entry.translated_from)
        assert _spans(_opener(epub.chapters[entry.id]), "translation") == [credit]
        assert credit in colophon
    for entry in built.book.texts:
        if entry.source_url:
            assert entry.source_url in colophon
        if entry.accessed:
            assert f"accessed {long_date(entry.accessed, built.book.language)}" in colophon


def test_the_epub_title_page_has_one_styled_h1_an_editor_and_the_date_written_out(built, epub):
    root = ET.fromstring(epub.files["EPUB/text/title_page.xhtml"])
    page = next(e for e in root.iter(f"{X}section") if "titlepage" in (e.get(f"{{{NS['epub']}}}type") or ""))
    headings = [e for e in root.iter() if re.fullmatch(rf"{re.escape(X)}h1", str(e.tag))]
    assert [text_of(h) for h in headings] == [built.book.meta["title"]]
    text = " ".join(text_of(page).split())
    assert f"Edited by {built.book.meta['editor']}" in text
    assert long_date(built.book.meta["date"], built.book.language) in text and built.book.meta["date"] not in text
    css = epub.files["EPUB/styles/stylesheet1.css"].decode("utf-8")
    classes = {c for e in page.iter() for c in (e.get("class") or "").split()}
    assert classes and all(re.search(rf"\.{re.escape(c)}\b", css) for c in classes), classes


# ------------------------------------------------------------------ the built book: PDF

@pytest.fixture(scope="module")
def pdf_pages(built):
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(built.outputs["pdf"]), "-"], check=True, capture_output=True)
    return done.stdout.decode("utf-8").split("\f")


def _print_opener(built, epub, pdf_pages, entry) -> str:
    """The words of a text's opener in the PDF (`normalised`: case and punctuation aside): its
    first page up to the first words of the text's first paragraph (as the EPUB has them; its
    first word left out, which may be a paragraph number or a drop capital)."""
    from pypdf import PdfReader

    heads = {print_html_module.running_head(t, built.book.texts): t.id for t in built.book.texts}
    starts = {heads[label]: folio for label, level, folio in outline_pages(PdfReader(built.outputs["pdf"]))
              if level == 1 and label in heads}
    page = normalised(pdf_pages[starts[entry.id] - 1])
    first_words = normalised(" ".join(epub.paragraphs(entry.id)[0].split()[1:5]))
    assert first_words in page, (entry.id, first_words)
    return page[:page.index(first_words)]


def _times(words: str, value: str) -> int:
    """How often `value` is said in `words` as whole words ("Part I" is not in "Part II")."""
    return len(re.findall(rf"(?<![^ ]){re.escape(normalised(value))}(?![^ ])", words))


def test_every_print_opener_shows_title_author_date_once(built, epub, pdf_pages):
    for entry in built.book.texts:
        opener = _print_opener(built, epub, pdf_pages, entry)
        assert opener.startswith(normalised(entry.title))
        for value in (entry.title, entry.author, entry.date):
            assert _times(opener, value) == 1, (entry.id, value, opener)
        if entry.subtitle:  # a heading repeating the subtitle is gone: the subtitle is printed once
            assert _times(opener, entry.subtitle) == 1, (entry.id, opener)
        credit = translation_credit(entry.translator, entry.translated_from)
        if credit:
            assert normalised(credit) in opener


def test_the_print_colophon_credits_translators_sources_and_access_dates(built, pdf_pages):
    colophon = alnum(next(p for p in pdf_pages if "The texts and their sources" in p))
    translated = [t for t in built.book.texts if t.translator or t.translated_from]
    assert translated
    for entry in translated:
        assert alnum(translation_credit(entry.translator, entry.translated_from)) in colophon
    for entry in built.book.texts:
        if entry.source_url:
            assert alnum(entry.source_url) in colophon
        if entry.accessed:
            assert alnum(f"accessed {long_date(entry.accessed, built.book.language)}") in colophon

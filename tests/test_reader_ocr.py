"""The OCR reader on The Revolution Betrayed (a browser print of marxists.org pages, OCR'd) and
on small samples: furniture gone, headings and paragraphs rebuilt, the translator's notes made
footnotes, and editorial entries that no longer match the text stopping the build."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pypandoc
import pytest
import yaml

from anthology.errors import EditorialError, SourceError
from anthology.profiles import for_reader
from anthology.sources.ocr import CONTRACT, read
from anthology.prose import count_words

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "texts" / "revolution-betrayed.ocr.txt"
EDITORIAL = ROOT / "editorial" / "revolution-betrayed.yml"
ORIGIN = "texts/revolution-betrayed.ocr.txt"
PROFILE = ROOT / "anthology" / "sources" / "profiles" / "marxists-internet-archive.yml"
"""The text's source profile (anthology.yml: `profile: marxists-internet-archive`): the site's
navigation wording reaches the reader as options."""

EXPECTED_HEADINGS = [
    "## Introduction: The Purpose of the Present Work",
    "### Postscript",
    "## Chapter 1: What Has Been Achieved",
    "### 1. The Principal Indices of Industrial Growth",
    "### 2. Comparative Estimate of These Achievements",
    "### 3. Production Per Capita of the Population",
    "## Chapter 2: Economic Growth and the Zigzags of the Leadership",
    '### 1. "Military Communism", the "New Economic Policy" (NEP) and the Course Toward the Kulak',
    '### 2. A Sharp Turn: "Five-year Plan in Four Years" and "Complete Collectivization"',
    "## Chapter 3: Socialism and the State",
    "### 1. The Transitional Regime",
    "### 2. Program and Reality",
    "### 3. The Dual Character of the Workers' State",
    '### 4. "Generalized Want" and the Gendarme',  # printed "4,"
    '### 5. The "Complete Triumph of Socialism" and the "Reinforcement of the Dictatorship”',
    "## Chapter 4: The Struggle for Productivity of Labor",
    "### 1. Money and Plan",
    '### 2. "Socialist" Inflation',
    "### 3. The Rehabilitation of the Ruble",  # printed " 3." at a page top
    "### 4. The Stakhanov Movement",  # printed "4,"
    "## Chapter 5: The Soviet Thermidor",
    "### 1. Why Stalin Triumphed",
    "### 2. The Degeneration of the Bolshevik Party",
    "### 3. The Social Roots of Thermidor",
]


def load_editorial() -> dict:
    return yaml.safe_load(EDITORIAL.read_text(encoding="utf-8"))


def profile_options() -> dict:
    options, _ = for_reader(yaml.safe_load(PROFILE.read_text(encoding="utf-8")), CONTRACT)
    return options


def read_book(editorial: dict | None = None):
    raw = SOURCE.read_text(encoding="utf-8")
    return read(raw, options=profile_options(), editorial=load_editorial() if editorial is None else editorial,
                origin=ORIGIN)


@pytest.fixture(scope="module")
def doc():
    return read_book()


@pytest.fixture(scope="module")
def ast(doc):
    return json.loads(pypandoc.convert_text(doc.body, "json", format="markdown"))


def nodes(tree, kind):
    found = []

    def walk(x):
        if isinstance(x, dict):
            if x.get("t") == kind:
                found.append(x)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(tree)
    return found


def body_paragraphs(doc) -> list[str]:
    """The body's paragraphs (no headings, scene breaks or note definitions)."""
    blocks = doc.body.split("\n\n")
    return [b for b in blocks if not b.startswith(("#", "[^", "* * *"))]


def test_headings_are_the_six_chapters_and_eighteen_sections_in_order(doc, ast):
    headers = nodes(ast["blocks"], "Header")
    assert [h["c"][0] for h in headers].count(2) == 6
    assert [h["c"][0] for h in headers].count(3) == 18
    assert [line for line in doc.body.splitlines() if line.startswith("#")] == EXPECTED_HEADINGS


@pytest.mark.parametrize("furniture", [
    "marxists.org", "Revolution Betrayed: Chapter", "Archive Archives", "Back to", "On to",
    "Table of Contents", "F Y", "* k%", "* %", "Leon Trotsky's", "What is the Soviet Union and where",
    "The principa indices", "TRANSLATOR",
])
def test_furniture_is_gone(doc, furniture):
    assert furniture not in doc.body


def test_the_sites_navigation_bars_are_dropped_by_its_profile(doc):
    assert [c.before for c in doc.changes if c.rule == "ocr-navigation"] == [
        "Back to Intro On to chapter 2I",
        "Back to CHAPTER 2 On to CHAPTER 4 To Revolution Betrayed / Table of Contents",
        "Back to CHAPTER 3 — Onto CHAPTER S",
    ]


def test_furniture_removals_are_logged_with_their_words(doc):
    by_rule = {}
    for change in doc.changes:
        if change.words_removed:
            by_rule.setdefault(change.rule, []).append(change)
    assert len(by_rule["ocr-url-footer"]) == 3
    assert len(by_rule["ocr-running-head"]) == 4
    assert len(by_rule["ocr-masthead"]) == 5  # the full masthead and 4 short ones
    assert len(by_rule["ocr-navigation"]) == 3
    assert len(by_rule["ocr-section-list"]) == 17  # one per section: each list matched its headings


def test_scene_breaks_are_thematic_breaks(doc, ast):
    assert len(nodes(ast["blocks"], "HorizontalRule")) == 4
    # L1875 starts a paragraph right after the break, with no blank line in the print
    assert "* * *\n\nItisstill early to cast the balance" in doc.body


def test_translator_notes_are_footnotes_called_where_the_brackets_were(doc, ast):
    notes = nodes(ast["blocks"], "Note")
    assert len(notes) == 3
    definitions = re.findall(r"^\[\^(\d+)\]: (.*)$", doc.body, re.M)
    assert [n for n, _ in definitions] == ["1", "2", "3"]
    assert all(text.startswith("*Translator’s note.* ") for _, text in definitions)
    assert "now a prominent publicist[^1] of the ruling Soviet circles" in doc.body
    assert "but as areward for submission occupy secondary posts.[^2]\n\nAnd, finally" in doc.body
    assert "'Wait.\"[^3] The mechanic addresses" in doc.body
    calls = re.findall(r"\[\^(\d+)\](?!:)", doc.body)
    assert sorted(calls) == ["1", "2", "3"]
    # short glosses stay in the text
    assert "[Ha nyet cuda nyet]" in doc.body and "[6 miles]" in doc.body


def test_no_paragraph_starts_in_lower_case(doc):
    # No genuine exceptions in this text: every page break that split a sentence is mended.
    assert [p[:40] for p in body_paragraphs(doc) if p[:1].islower()] == []


def test_each_paragraph_is_one_line(doc):
    assert all("\n" not in p for p in body_paragraphs(doc))


def test_paragraphs_broken_by_the_print_are_mended(doc):
    body = doc.body
    # a blank line mid-sentence (after L4) and paragraphs running across the URL footers
    assert "the economic successes of the soviet regime—the experimental proof" in body
    assert "The rising tide of capitalism was visible everywhere. Thinking people saw plainly" in body
    assert "this branch of industry is calculated to take first place" in body
    # a line ending in a dash joins without a space: "course" | "—dekul akization"
    assert "almost an opposite course—dekul akization" in body
    joins = [c for c in doc.changes if c.rule == "ocr-join-across-blank"]
    assert len(joins) == 31  # 28 blank lines mid-paragraph + 3 footer blocks


def test_paragraph_breaks_lost_at_page_tops_are_restored(doc):
    paragraphs = body_paragraphs(doc)
    assert any(p.endswith("handicapped though it is with the small-farm system.") for p in paragraphs)
    assert any(p.startswith("The struggle to raise the productivity of labor") for p in paragraphs)
    assert "Rakovsky further explains:" in paragraphs
    assert any(p.startswith('"The social situation of the communist') for p in paragraphs)
    breaks = [c for c in doc.changes if c.rule == "ocr-lost-break"]
    assert len(breaks) == 14  # 12 at page tops, 2 after short lines in the Rykov passage (L751-753)
    # a page top after a full line that ends a sentence stays joined, and is listed for review
    assert any(c.rule == "ocr-break-unsure" and c.where == "line 1786" for c in doc.changes)


def test_editorial_end_mark_is_the_last_paragraph(doc, ast):
    paragraphs = body_paragraphs(doc)
    assert paragraphs[-1] == "*[The text of this edition ends here, in the middle of Chapter 5, section 3.]*"
    assert paragraphs[-2].endswith("why the bureaucracy succeeded in raising it")
    assert [b["t"] for b in ast["blocks"]][-1] == "Para"


def test_word_count_is_kept_once_furniture_is_accounted_for(doc):
    raw_words = count_words(SOURCE.read_text(encoding="utf-8"))
    removed = sum(c.words_removed for c in doc.changes)
    assert removed > 200
    assert abs(count_words(doc.body) + removed - raw_words) <= 0.01 * raw_words


def test_pandoc_reads_no_stray_markup(ast):
    # only the three note labels and the end mark are emphasis; no lists, code or maths
    assert len(nodes(ast["blocks"], "Emph")) == 4
    for kind in ("BulletList", "OrderedList", "CodeBlock", "Code", "Math", "RawInline", "Table"):
        assert nodes(ast["blocks"], kind) == []


def test_metadata_comes_from_the_masthead_and_footers(doc):
    assert doc.metadata["title"] == "Revolution Betrayed"
    assert doc.metadata["subtitle"] == "What is the Soviet Union and where is it going?"
    assert doc.metadata["source"] == "http://www.marxists.org/archive/trotsky/works/1936-rev/"


def _stale(editorial: dict, path: str, value) -> dict:
    edited = copy.deepcopy(editorial)
    *parents, last = path.split(".")
    target = edited
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return edited


@pytest.mark.parametrize("path, value", [
    ("translator_notes.1.bracket", "[TRANSLATOR'S NOTE: Zinoviev and Kamenev were shot.]"),
    ("furniture.masthead.2", "Archive of Archives"),
    ("furniture.running_head", r"Revolution Betrayed: Part \d+"),
    ("ending.last_words", "raising itself above society"),
    ("metadata.title", "The Revolution Betrayed"),
    ("split_paragraphs", ["These words do not occur in the text"]),
    ("join_paragraphs", ["further explains:"]),  # occurs, but not at a paragraph start
    ("no_such_entry", True),
])
def test_a_stale_editorial_entry_stops_the_build(path, value):
    with pytest.raises(EditorialError):
        read_book(_stale(load_editorial(), path, value))


SAMPLE = """Chapter 1
WHAT WAS DONE

First things first

Second things second

1. First Things First

The first paragraph of the sample runs over several printed lines, as a browser prints a long web
paragraph, and it ends on a short line.
 The second paragraph starts at the top of a printed page, after the short line that ended the
first one, so the blank line between the two was lost when the printed page was scanned and read.

The third paragraph runs on to the foot of a printed page, where the browser put the address of

http://www.example.org/archive/book/ch01.htm (1 of 3) [01/01/2000 10:00:00]



Book Title: Chapter 1

the page, and it goes on after the footer without a break in the sentence until the very end.

2.
Second Things
Second

The last paragraph of the sample belongs to the second section of the chapter and is long enough."""

SAMPLE_EDITORIAL = {"furniture": {"running_head": r"Book Title: Chapter \d+"}}


def test_a_small_ocr_sample_reads_correctly():
    doc = read(SAMPLE, options={}, editorial=SAMPLE_EDITORIAL, origin="sample.ocr.txt")
    assert doc.body.split("\n\n") == [
        "## Chapter 1: What Was Done",
        "### 1. First Things First",
        "The first paragraph of the sample runs over several printed lines, as a browser prints a long web "
        "paragraph, and it ends on a short line.",
        "The second paragraph starts at the top of a printed page, after the short line that ended the "
        "first one, so the blank line between the two was lost when the printed page was scanned and read.",
        "The third paragraph runs on to the foot of a printed page, where the browser put the address of "
        "the page, and it goes on after the footer without a break in the sentence until the very end.",
        "### 2. Second Things Second",
        "The last paragraph of the sample belongs to the second section of the chapter and is long enough.\n",
    ]
    assert doc.metadata["source"] == "http://www.example.org/archive/book/"


def test_a_section_list_that_does_not_match_the_headings_is_an_error():
    sample = SAMPLE.replace("Second things second", "Something else entirely")
    with pytest.raises(SourceError):
        read(sample, options={}, editorial=SAMPLE_EDITORIAL, origin="sample.ocr.txt")

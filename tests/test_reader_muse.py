"""The Muse reader: the flattened text of *The Soviet Mirage* and a small normal Muse file."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pypandoc
import pytest
import yaml

from anthology.sources.repair import paragraphs
from anthology.errors import EditorialError, SourceError
from anthology.sources import muse
from anthology.prose import count_words

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "texts" / "soviet-mirage.muse"
EDITORIAL = ROOT / "editorial" / "soviet-mirage.yml"
OPTIONS = {"all_caps_headings": "title"}
SOURCE_BODY_WORDS = 5694  # CATALOG.md §0, whitespace-separated tokens after the directives

H2_TITLES = [
    "Definitions and Outline of Argument",
    "What Is “Ownership of the Means of Production”?",
    "Ownership of the Means of Production in the Soviet Union",
    "Inadequate Answers, Inadequate Questions",
    "“Soviet Inc.”: Soviet State-Capitalism",
    "Investment and Input Allocation",
    "Who Did It? The Revolutionary Road to State Capitalism",
    "Conclusion",
]
H3_TITLES = [
    "The “workers’ state” idea",
    "The inheritance idea",
    "Mainstream Communists",
    "Trotskyists",
    "Leninist counter-revolution",
]


def raw_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


def editorial() -> dict:
    return yaml.safe_load(EDITORIAL.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def mirage():
    return muse.read(raw_text(), options=OPTIONS, editorial=editorial(), origin="texts/soviet-mirage.muse")


def ast(markdown: str) -> dict:
    return json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))


def plain(inlines) -> str:
    return pypandoc.convert_text(json.dumps({"pandoc-api-version": [1, 23, 1], "meta": {},
                                             "blocks": [{"t": "Plain", "c": inlines}]}),
                                 "plain", format="json", extra_args=["--wrap=none"]).strip()


def body_paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p.strip() and not p.startswith("#")]


# --- The Soviet Mirage: the flattened file ---------------------------------------------------

def test_the_soviet_mirage_is_detected_as_flattened():
    assert "\n" not in raw_text()
    assert muse.is_flattened(raw_text())


def test_headings_have_the_right_levels_and_titles():
    headers = [b["c"] for b in ast(mirage().body)["blocks"] if b["t"] == "Header"]
    assert [plain(h[2]) for h in headers if h[0] == 2] == H2_TITLES
    assert [plain(h[2]) for h in headers if h[0] == 3] == H3_TITLES
    assert not any(h[0] not in (2, 3) for h in headers)


def test_each_all_caps_heading_conversion_is_logged():
    cases = [c for c in mirage().changes if c.rule == "muse-heading-case"]
    assert len(cases) == 8
    assert ("“SOVIET INC.”: SOVIET STATE-CAPITALISM", "“Soviet Inc.”: Soviet State-Capitalism") in {
        (c.before, c.after) for c in cases}
    assert all(c.where.startswith("char ") for c in cases)


def test_no_paragraph_over_250_words_and_only_the_short_bridge_under_30():
    lengths = [(p, count_words(p)) for p in body_paragraphs(mirage().body)]
    assert max(n for _, n in lengths) <= 250
    short = [(p, n) for p, n in lengths if n < 30]
    assert len(short) == 1  # the bridge before the first subsection
    assert short[0][0].startswith("At this point it is important to answer") and short[0][1] == 21


def test_paragraphs_come_from_the_editorial_anchors():
    paras = body_paragraphs(mirage().body)
    assert len(paras) == 1 + len(editorial()["paragraphs"]) + len(H2_TITLES) + len(H3_TITLES)
    starts = {p[:60] for p in paras}
    for anchor in editorial()["paragraphs"]:
        assert any(s.startswith(anchor) for s in starts), anchor
    assert not [c for c in mirage().changes if c.rule.startswith("para-split")]


def test_no_paragraph_begins_in_lower_case():
    assert all(not p[0].islower() for p in body_paragraphs(mirage().body))


def test_directives_are_gone_from_the_body():
    body = mirage().body
    for directive in ("#title", "#LISTtitle", "#author", "#SORTtopics", "#notes", "#pubdate", "Revised version"):
        assert directive not in body
    assert body.startswith("The “Russian question” – the debate")


def test_metadata_and_source_note():
    meta = mirage().metadata
    assert meta["title"] == "The Soviet Mirage"
    assert meta["author"] == "Lucien van der Walt"
    assert meta["date"] == "8 October 1999"
    assert meta["lang"] == "en"
    assert meta["source"] == "Retrieved on 2nd July 2021 from lucienvanderwalt.com"
    assert meta["source_url"].startswith("https://lucienvanderwalt.com/2010/02/19/the-soviet-mirage")
    assert meta["topics"] == ["Soviet Union", "bolshevism"]
    assert mirage().source_note == (
        "Revised version of paper prepared by Lucien van der Walt for Lesedi Socialist Study Group, "
        "Wits University, 8 October 1999")


def test_word_count_within_one_percent_of_the_source_body():
    words = [w for w in mirage().body.split() if w.strip("#")]
    assert abs(len(words) - SOURCE_BODY_WORDS) <= SOURCE_BODY_WORDS * 0.01
    assert sum(c.words_removed for c in mirage().changes) == 0


def test_markdown_is_clean_pandoc():
    body = mirage().body
    blocks = ast(body)["blocks"]
    assert {b["t"] for b in blocks} == {"Para", "Header"}
    assert "[there must be]" in body  # a quotation's gloss, not escaped
    assert "\n\n\n" not in body and "{#" not in body
    assert not re.search(r"\S\n\S", body)  # one line per paragraph


def test_wrong_anchor_raises_editorial_error():
    for key, value in [("body_starts", "The “Russian question” raised"),
                       ("paragraphs", ["This paper will NOT raise"]),
                       ("paragraphs", ["the Soviet Union"]),  # occurs many times
                       ("paragraphs", ["raise these issues, developing"]),  # not a sentence start
                       ("headings", ["Trotskyist"])]:
        broken = dict(editorial(), **{key: value})
        with pytest.raises(EditorialError):
            muse.read(raw_text(), options=OPTIONS, editorial=broken, origin="texts/soviet-mirage.muse")


def test_flattened_file_without_body_anchor_is_an_error():
    with pytest.raises(SourceError, match="body_starts"):
        muse.read(raw_text(), options=OPTIONS, editorial={}, origin="texts/soviet-mirage.muse")


def test_fallback_split_without_anchors_keeps_paragraphs_within_limits():
    ed = {k: v for k, v in editorial().items() if k != "paragraphs"}
    doc = muse.read(raw_text(), options={}, editorial=ed, origin="texts/soviet-mirage.muse")
    paras = body_paragraphs(doc.body)
    assert max(count_words(p) for p in paras) <= 250
    assert sum(count_words(p) < 30 for p in paras) == 1
    splits = [c for c in doc.changes if c.rule.startswith("para-split")]
    assert len(splits) == len(paras) - 14  # 13 heading blocks + the introduction
    assert any(c.after.startswith("¶ (This is not to say") for c in splits)  # a whole aside is preferred
    assert any(c.after.startswith("¶ Thus,") for c in splits)
    assert "## DEFINITIONS AND OUTLINE OF ARGUMENT" in doc.body  # no title case unless asked


# --- a normal multi-line Muse file --------------------------------------------------------------

SAMPLE = """#title A Small Sample
#author Jane Doe
#date 2001
#source Retrieved from [[https://example.org/sample][example.org]]
#notes First given as a talk.

This opening paragraph cites a source[1] and links to [[https://example.org/more][more reading]]
across two lines, with <em>stress</em> and *emphasis* and **strength**.

*** A FIRST SECTION

The section text, with a bare link [[https://example.org/bare]].

<quote>
A quoted passage.
</quote>

**** A subsection

1917. was a year.

[1] The note, with a [[https://example.org/n][link]].
"""


def test_multi_line_sample_reads_into_markdown():
    doc = muse.read(SAMPLE, options={}, editorial={}, origin="sample.muse")
    body = doc.body
    assert body.startswith("This opening paragraph cites a source[^1] and links to "
                           "[more reading](https://example.org/more) across two lines, "
                           "with *stress* and *emphasis* and **strength**.\n")
    assert "\n## A FIRST SECTION\n" in body and "\n### A subsection\n" in body
    assert "<https://example.org/bare>" in body
    assert "\n> A quoted passage.\n" in body
    assert "\n1917\\. was a year.\n" in body  # not an ordered list
    assert body.rstrip().endswith("[^1]: The note, with a [link](https://example.org/n).")
    blocks = ast(body)["blocks"]
    notes = re.findall(r'"t": ?"Note"', json.dumps(blocks))
    assert len(notes) == 1
    assert doc.metadata["title"] == "A Small Sample" and doc.metadata["author"] == "Jane Doe"
    assert doc.metadata["source_url"] == "https://example.org/sample"
    assert doc.source_note == "First given as a talk."
    assert doc.changes == []


def test_flattened_sample_recovers_notes_quotes_and_headings():
    flat = " ".join(SAMPLE.split())
    doc = muse.read(flat, options={"all_caps_headings": "title"},
                    editorial={"body_starts": "This opening paragraph", "headings": ["A subsection"]},
                    origin="sample.muse")
    multi = muse.read(SAMPLE, options={"all_caps_headings": "title"}, editorial={}, origin="sample.muse")
    assert doc.body == multi.body
    assert "## A First Section" in doc.body


@pytest.mark.parametrize("caps, title", [
    ("“SOVIET INC.”: SOVIET STATE-CAPITALISM", "“Soviet Inc.”: Soviet State-Capitalism"),
    ("WHO DID IT? THE REVOLUTIONARY ROAD TO STATE CAPITALISM", "Who Did It? The Revolutionary Road to State Capitalism"),
    ("WHAT IS “OWNERSHIP OF THE MEANS OF PRODUCTION”?", "What Is “Ownership of the Means of Production”?"),
    ("PART II: THE STATE AND THE USSR", "Part II: The State and the USSR"),
])
def test_title_case(caps, title):
    assert muse.title_case(caps, keep_upper={"USSR"}) == title


def test_all_caps_prefix_stops_at_mixed_case():
    assert muse.all_caps_prefix("CONCLUSION Here are the roots") == "CONCLUSION"
    assert muse.all_caps_prefix("WHO DID IT? THE ROAD In short") == "WHO DID IT? THE ROAD"
    assert muse.all_caps_prefix("CONCLUSION I think so") == "CONCLUSION"
    assert muse.all_caps_prefix("The inheritance idea A second") == ""


def test_sentence_starts_skip_initials_and_abbreviations():
    text = "Edited by G.P. Maximoff. As comrade L. said (Buick, pp. 98–9). (This is an aside.) Now, go."
    starts = [text[i:i + 6] for i in paragraphs.sentence_starts(text)]
    assert starts == ["As com", "(This ", "Now, g"]


# --- a real library file: The Anarchist Library (mk), read as it comes --------------------------

FIXTURE = ROOT / "examples" / "outside" / "texts" / "khayati-poverty-of-student-life-mk.muse"
"""Khayati / Situationist International, *On the Poverty of Student Life*, in Macedonian, byte for
byte from mk.theanarchistlibrary.org's Amusewiki tree (ajdutin/Abiblio; /tmp/sources-muse.md)."""


@lru_cache(maxsize=None)
def library_text():
    from anthology import sources

    return sources.read("muse", FIXTURE.read_text(encoding="utf-8"), options={}, editorial={},
                        origin="examples/outside/texts/khayati-poverty-of-student-life-mk.muse")


def test_library_file_reads_with_every_note_call_resolved():
    body = library_text().body
    calls = re.findall(r"\[\^(\d+)\](?!:)", body)
    defined = re.findall(r"^\[\^(\d+)\]:", body, re.M)
    source_notes = re.findall(r"^\[(\d+)\] ", FIXTURE.read_text(encoding="utf-8"), re.M)
    assert sorted(set(calls), key=int) == sorted(defined, key=int) == source_notes and len(source_notes) == 19
    notes = re.findall(r'"t": ?"Note"', json.dumps(ast(body)["blocks"]))
    assert len(notes) == len(calls)
    assert library_text().warnings == [] and library_text().changes == []


def test_library_file_leaves_no_directive_in_the_body():
    doc = library_text()
    assert not re.search(r"^#(?!#+ )", doc.body, re.M) and "{#" not in doc.body
    for directive in ("#title", "#SORTauthors", "#pubdate", "#notes", "#lang"):
        assert directive not in doc.body
    assert doc.metadata["title"] == "Бедата на студентскиот живот" and doc.metadata["lang"] == "mk"
    assert doc.metadata["date"] == "1966" and doc.metadata["source_url"] == "http://www.bopsecrets.org/SI/poverty.htm"
    assert doc.source_note.startswith("Наслов на оригиналот: *De la misère en milieu étudiant*")


def test_library_file_headings_keep_the_source_levels():
    raw = FIXTURE.read_text(encoding="utf-8")
    source = [(len(m.group(1)), m.group(2).strip()) for m in re.finditer(r"^(\*{1,5}) (.+)$", raw, re.M)]
    headers = [b["c"] for b in ast(library_text().body)["blocks"] if b["t"] == "Header"]
    top = min(stars for stars, _ in source)
    assert [(h[0], plain(h[2])) for h in headers] == [(stars - top + 2, title) for stars, title in source]
    assert len(headers) == 3

"""The web reader on Genesis of Bureaucratic Socialism, Part II (`texts/genesis-part-2.web.txt`)
and on small made-up pages.

The properties come from CATALOG §4: 1 H2 + 1 H3, 79 glued note calls matching 79 listed notes
strictly in order (with the tricky ones 5, 19, 37 and 43), no masthead or back-link left, and
the body's words all kept except the furniture the editorial file names.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pypandoc
import pytest
import yaml

from anthology.sources.repair.glued_notes import assign_calls, find_candidates, place_calls
from anthology.errors import EditorialError, SourceError
from anthology.profiles import for_reader, merged
from anthology.sources.web import CONTRACT, read

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "texts" / "genesis-part-2.web.txt"
EDITORIAL = ROOT / "editorial" / "genesis-part-2.yml"
ORIGIN = "texts/genesis-part-2.web.txt"
PROFILE = ROOT / "anthology" / "sources" / "profiles" / "weekly-worker.yml"
"""The text's source profile (anthology.yml: `profile: weekly-worker`): the paper's masthead line
and date format, merged under the text's editorial file as the manifest merges them."""


def _read(raw: str, editorial: dict, options: dict | None = None):
    return read(raw, options=options or {}, editorial=editorial, origin=ORIGIN)


@pytest.fixture(scope="module")
def raw() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def editorial() -> dict:
    _, from_profile = for_reader(yaml.safe_load(PROFILE.read_text(encoding="utf-8")), CONTRACT)
    return merged(from_profile, yaml.safe_load(EDITORIAL.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def doc(raw, editorial):
    return _read(raw, editorial)


@pytest.fixture(scope="module")
def ast(doc) -> dict:
    # -smart: compare the text as written, before any typography.
    return json.loads(pypandoc.convert_text(doc.body, "json", format="markdown-smart"))


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _plain(node) -> str:
    """The text of an AST fragment, as Pandoc would print it without markup."""
    parts = []

    def visit(n):
        if isinstance(n, dict):
            kind = n.get("t")
            if kind == "Str":
                parts.append(n["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                parts.append(" ")
            elif kind in ("Para", "Plain") and parts:
                parts.append("\n\n")
                visit(n.get("c"))
            elif kind != "Note":
                visit(n.get("c"))
        elif isinstance(n, list):
            for item in n:
                visit(item)

    visit(node)
    return re.sub(r"[ \t]+", " ", "".join(parts)).strip()


def _source_notes(raw: str) -> list[str]:
    return [re.sub(r"\u21a9\ufe0e$", "", m) for m in re.findall(r"(?m)^  \d+\. (.*)$", raw)]


def _body(doc) -> str:
    return doc.body.split("\n[^1]:", 1)[0].strip()


# --- the real text --------------------------------------------------------------------------

def test_headings_are_one_part_and_one_section(ast):
    headers = [(n["c"][0], _plain(n["c"][2])) for n in _walk(ast["blocks"]) if n.get("t") == "Header"]
    assert headers == [(2, "Part II: Second revolution"), (3, "2.1. The first five-year plan")]


def test_one_sentence_paragraph_is_not_a_heading(doc):
    assert "\n\nAlbeit at enormous cost in human labour the Soviet Union was being modernised.\n\n" in doc.body


def test_every_call_resolves_in_order_to_its_listed_note(raw, ast):
    notes = [n for n in _walk(ast["blocks"]) if n.get("t") == "Note"]
    expected = _source_notes(raw)
    assert len(expected) == 79
    assert [_plain(n["c"]) for n in notes] == expected


def test_no_call_or_definition_is_left_unresolved(ast):
    text = _plain(ast["blocks"])
    assert "[^" not in text and "^]" not in text


def test_calls_and_definitions_are_numbered_one_to_79(doc):
    body, definitions = doc.body.split("\n[^1]:", 1)
    assert [int(n) for n in re.findall(r"\[\^(\d+)\]", body)] == list(range(1, 80))
    assert [int(n) for n in re.findall(r"(?m)^\[\^(\d+)\]:", "[^1]:" + definitions)] == list(range(1, 80))


@pytest.mark.parametrize("sample", [
    "early 1923[^5], Trotsky",   # B: glued onto a year
    "in May 1924.[^19]",         # C: after a year and a full stop
    "in 1923-4.[^37] ",          # C: after a year range
    "Britain[^43] - ",           # A: glued to a letter
    "breakdown”.[^3] ",          # A: after closing punctuation; the naive walk derails here
    "work.”[^11]",               # A: after a closing quote
    "numbers).[^29] ",           # A: after a closing bracket and a full stop
    "dropped to 25%.”[^73] ",
])
def test_tricky_calls_land_where_the_number_was(doc, sample):
    assert sample in doc.body


def test_numbers_that_are_not_calls_stay(doc):
    body = _body(doc)
    for number in ("there were l50 recorded", "from 11.6 to", "between 4,000 and 26,000", "“1941 was"):
        assert number in doc.body
    assert "“19.4% to 30.3% in 1932”.[^77]" in body
    assert [c.before for c in doc.changes if c.rule == "web-note-not-a-call"] == ["l50"]


@pytest.mark.parametrize("furniture", ["\u21a9", "\ufe0e", "WeeklyWorker", "(A PDF", "SUPPLEMENT:", "Jack Conrad"])
def test_furniture_is_gone(doc, furniture):
    assert furniture not in doc.body


def test_metadata_comes_from_the_masthead(doc):
    assert doc.metadata == {
        "publication": "Weekly Worker",
        "date": "1997-01-09",
        "series": "Genesis of bureaucratic socialism",
        "author": "Jack Conrad",
    }


def test_every_removal_is_logged_with_its_words(doc):
    removed = {c.before: (c.where, c.words_removed) for c in doc.changes if c.words_removed}
    assert removed == {
        "WeeklyWorker": ("line 1", 1),
        "09.01.1997": ("line 3", 1),
        "SUPPLEMENT: Genesis of bureaucratic socialism": ("line 5", 5),
        "(A PDF of this supplement can be found HERE)": ("line 9", 9),
        "Jack Conrad": ("line 183", 2),
    }
    assert sum(c.rule == "web-note-call" for c in doc.changes) == 79


def test_paragraphs_are_single_lines_starting_upper_case(ast, doc):
    paragraphs = [b for b in ast["blocks"] if b["t"] == "Para"]
    assert len(paragraphs) == 85
    assert all(_plain(p)[:1].isupper() for p in paragraphs)
    assert "\n\n\n" not in doc.body
    for block in _body(doc).split("\n\n"):
        assert "\n" not in block


def test_body_words_are_kept(raw, doc):
    lines = raw.split("\n")
    source_words = len(" ".join(lines[4:183]).split())  # title line to byline, as CATALOG counts
    assert abs(source_words - 10_608) <= 106
    out = re.sub(r"\[\^\d+\]|^#+ ", "", _body(doc), flags=re.M)
    removed = sum(c.words_removed for c in doc.changes if c.where not in ("line 1", "line 3"))
    # Only the " - " of "Part II - Second revolution" goes unaccounted for.
    assert len(out.split()) + removed == source_words - 1


# --- editorial entries must match -----------------------------------------------------------

@pytest.mark.parametrize("path, stale", [
    (("masthead", "date"), "10.01.1997"),
    (("masthead", "publication"), "Weekly Worker"),
    (("masthead", "title_prefix"), "SUPPLEMENT – "),
    (("drop_lines",), ["(A PDF of this supplement can be found here)"]),
    (("byline",), "J Conrad"),
])
def test_stale_editorial_entry_is_an_error(raw, editorial, path, stale):
    changed = yaml.safe_load(yaml.safe_dump(editorial))
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = stale
    with pytest.raises(EditorialError, match=path[0]):
        _read(raw, changed)


def test_misspelt_masthead_key_is_an_error(raw, editorial):
    changed = {**editorial, "masthead": {**editorial["masthead"], "titel_prefix": "x"}}
    with pytest.raises(EditorialError, match="titel_prefix"):
        _read(raw, changed)


# --- the candidate classes on small samples -------------------------------------------------

def _values(text: str) -> list[tuple[str, int]]:
    return [(c.kind, c.value) for c in find_candidates(text)]


@pytest.mark.parametrize("text, expected", [
    ("the other.1 Then", [("A", 1)]),
    ("a breakdown”.3 As", [("A", 3)]),
    ("of work.”11 Then", [("A", 11)]),
    ("from Britain43 - and", [("A", 43)]),
    ("the ‘prophet’12 and", [("A", 12)]),
    ("in early 19235, Trotsky", [("B", 5)]),
    ("in early 192355.", [("B", 55)]),
    ("in May 1924.19 At", [("C", 19)]),
    ("in 1923-4.37 The", [("C", 37)]),
    ("from 11.6 to 26,000 and 10:30", []),   # decimals, thousands, times
    ("the figure “19.4% and ‘12 men", []),    # after an opening quote
    ("the 13th congress of the 1920s", []),   # numbers that go on
    ("in 1923 Left and 1,500 men", []),
])
def test_candidate_classes(text, expected):
    assert _values(text) == expected


def test_ordered_walk_skips_what_a_naive_search_would_take():
    text = "In 1923 the left.1 It rose.2 By 1923 Left Oppositionists met 3 times.3 Then l50 men.4"
    calls, leftovers = assign_calls(text, 4)
    assert place_calls(text, calls) == (
        "In 1923 the left.[^1] It rose.[^2] By 1923 Left Oppositionists met 3 times.[^3] Then l50 men.[^4]"
    )
    assert [(c.kind, c.value) for c in leftovers] == [("A", 50)]


def test_missing_call_names_the_number_and_the_place():
    with pytest.raises(SourceError, match=r"note call 3 not found after call 2 \(char 16\)"):
        assign_calls("One.1 Two, then.2 Three.", 3)


# --- the reader on a small made-up page -----------------------------------------------------

PAGE = """\
The Daily Paper

31.12.1999

FEATURE: A made-up series

Chapter 3 - Beginnings

1917. The year began quietly in Petrograd.1

1.1. What the papers said

Some *stars* and a_b and a $5 note from @ home, said “Smith”.2

Staff writer


  1. 1905 was earlier.↩︎

  2. 1917. First paragraph.

  A second paragraph of note 2, from 1918.↩︎
"""
PAGE_EDITORIAL = {
    "masthead": {"publication": "The Daily Paper", "date": "31.12.1999", "date_format": "%d.%m.%Y",
                 "title_prefix": "FEATURE: "},
    "byline": "Staff writer",
}


def test_made_up_page():
    doc = read(PAGE, options={}, editorial=PAGE_EDITORIAL, origin="page.txt")
    assert doc.metadata == {
        "publication": "The Daily Paper", "date": "1999-12-31", "series": "A made-up series",
        "author": "Staff writer",
    }
    ast = json.loads(pypandoc.convert_text(doc.body, "json", format="markdown-smart"))
    kinds = [b["t"] for b in ast["blocks"]]
    assert kinds == ["Header", "Para", "Header", "Para"]
    assert _plain(ast["blocks"][0]["c"][2]) == "Chapter 3: Beginnings"
    assert ast["blocks"][2]["c"][0] == 3
    assert _plain(ast["blocks"][1]).startswith("1917. The year")
    assert _plain(ast["blocks"][3]) == "Some *stars* and a_b and a $5 note from @ home, said “Smith”."
    notes = [n for n in _walk(ast["blocks"]) if n.get("t") == "Note"]
    assert [_plain(n["c"]) for n in notes] == ["1905 was earlier.", "1917. First paragraph.\n\nA second paragraph of note 2, from 1918."]


def test_more_calls_than_notes_is_an_error():
    page = "Text.1 More.2 And more.3\n\n  1. One.↩︎\n\n  2. Two.↩︎\n"
    with pytest.raises(SourceError, match=r"note call 3 follows the last call \(line 1\), but the note list has only 2"):
        read(page, options={}, editorial={}, origin="page.txt")


def test_note_list_with_a_gap_is_an_error():
    page = "Text.1 More.2\n\n  1. One.↩︎\n\n  3. Three.↩︎\n"
    with pytest.raises(SourceError, match=r":5: note 3 where note 2 was expected"):
        read(page, options={}, editorial={}, origin="page.txt")


def test_fewer_calls_than_notes_is_an_error():
    page = "Text.1 More text.\n\n  1. One.↩︎\n\n  2. Two.↩︎\n"
    with pytest.raises(SourceError, match="page.txt:1: note call 2 not found after call 1;"):
        read(page, options={}, editorial={}, origin="page.txt")

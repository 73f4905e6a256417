"""Source profiles: what one site's pages share lives in a data file a text names (`profile:`), not
in the code. A profile is found (the project's own first), checked like an editorial file (an
unknown key, a wrong type, a missing profile: one line with the file and the line, exit 2), merged
under the text's own options and editorial entries, and hashed by the cache. Each pattern moved out
of the code works from its profile on the real text's lines, and a text without a profile does not
apply any site's wording."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from anthology import cache, profiles
from anthology.cli import main
from anthology.contracts import profile_fields
from anthology.errors import EditorialError, ManifestError
from anthology.manifest import load_book
from anthology.sources import FORMATS
from anthology.sources import contract as reader_contract
from anthology.sources import ocr, web
from anthology.sources.repair.paragraphs import long_paragraph_breaks
from conftest import ONE_TEXT_BOOK

ROOT = Path(__file__).resolve().parent.parent
BUILT_IN = ROOT / "anthology" / "sources" / "profiles"

BOOK = ONE_TEXT_BOOK
"""A book of one text, `texts/one.txt`, in the format `{fmt}`."""

# Real lines: the navigation bars of texts/revolution-betrayed.ocr.txt (lines 439, 1461–1462, 1923)
# and the start of the Weekly Worker page texts/genesis-part-2.web.txt (lines 1–5).
NAVIGATION_LINES = ["Back to Intro On to chapter 2I",
                    "Back to CHAPTER 2 On to CHAPTER 4 To Revolution Betrayed", "Table of Contents",
                    "Back to CHAPTER 3 — Onto CHAPTER S"]
OCR_PAGE = """\
Chapter 1
WHAT WAS DONE

The first paragraph runs over several printed lines, as a browser prints a long web paragraph,
and it ends on a short line.

Back to Intro On to chapter 2I

Chapter 2
WHAT CAME NEXT

The second chapter's paragraph runs over several printed lines too, as a browser prints a web
paragraph, and it ends here.

Back to CHAPTER 2 On to CHAPTER 4 To Revolution Betrayed
Table of Contents

Chapter 3
WHAT CAME LAST

The third chapter's paragraph also runs over several printed lines, as a browser prints a long
paragraph, and it ends.

Back to CHAPTER 3 — Onto CHAPTER S
"""
WEB_PAGE = """\
WeeklyWorker

09.01.1997

SUPPLEMENT: Genesis of bureaucratic socialism

Part II - Second revolution

The first paragraph of the page.
"""
WEB_EDITORIAL = {"masthead": {"date": "09.01.1997", "title_prefix": "SUPPLEMENT: "}}


def built_in(name: str) -> dict:
    return yaml.safe_load((BUILT_IN / f"{name}.yml").read_text(encoding="utf-8"))


def project(root: Path, fmt: str, extra: str = "", profile: str | None = None, name: str = "site",
            text: str = "Text.\n") -> Path:
    """A one-text project whose text adds `extra` to its entry; `profile` is written to
    profiles/NAME.yml."""
    (root / "texts").mkdir(exist_ok=True)
    (root / "texts" / "one.txt").write_text(text, encoding="utf-8")
    if profile is not None:
        (root / "profiles").mkdir(exist_ok=True)
        (root / "profiles" / f"{name}.yml").write_text(textwrap.dedent(profile), encoding="utf-8")
    manifest = BOOK.format(fmt=fmt) + textwrap.indent(textwrap.dedent(extra), "    ")
    (root / "anthology.yml").write_text(manifest, encoding="utf-8")
    return root / "anthology.yml"


def line_of(path: Path, needle: str) -> int:
    numbers = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(numbers) == 1, (needle, numbers)
    return numbers[0]


# --- found, checked, merged, hashed -------------------------------------------------------------

def test_the_project_profile_is_read_and_merged_under_the_text(tmp_path):
    manifest = project(tmp_path, "ocr", "profile: site\noptions:\n  line_width: 70\n  navigation: ['Up']\n",
                       "navigation:\n  - 'Previous\\s+Next'\nnavigation_tail: ['Contents']\n")
    (entry,) = load_book(manifest).texts
    assert entry.profile == "site"
    # The text's own value wins; what it does not give comes from the profile.
    assert entry.options == {"navigation": ["Up"], "navigation_tail": ["Contents"], "line_width": 70}
    assert tmp_path / "profiles" / "site.yml" in entry.files


def test_a_mapping_is_merged_key_by_key_the_editorial_file_winning():
    merged = profiles.merged({"masthead": {"publication": "WeeklyWorker", "date_format": "%d.%m.%Y"}},
                             {"masthead": {"date": "09.01.1997", "date_format": "%Y-%m-%d"}, "byline": "X"})
    assert merged == {"masthead": {"publication": "WeeklyWorker", "date_format": "%Y-%m-%d", "date": "09.01.1997"},
                      "byline": "X"}


def test_a_built_in_profile_is_found_and_the_projects_own_comes_first(tmp_path):
    manifest = project(tmp_path, "web", "profile: weekly-worker\n")
    (entry,) = load_book(manifest).texts
    assert entry.editorial["masthead"]["date_format"] == "%d.%m.%Y"
    assert BUILT_IN / "weekly-worker.yml" in entry.files
    project(tmp_path, "web", "profile: weekly-worker\n", "masthead:\n  date_format: '%Y/%m/%d'\n", name="weekly-worker")
    (entry,) = load_book(manifest).texts
    assert entry.editorial == {"masthead": {"date_format": "%Y/%m/%d"}}
    assert entry.files == (tmp_path / "profiles" / "weekly-worker.yml",)


def test_a_key_only_another_reader_reads_is_left_out(tmp_path):
    """One profile serves a site's texts in any format: the web reader's masthead does not reach
    a Markdown text."""
    manifest = project(tmp_path, "markdown", "profile: weekly-worker\n")
    (entry,) = load_book(manifest).texts
    assert entry.options == {} and entry.editorial == {}


def test_the_cache_key_holds_the_profiles_content(tmp_path):
    manifest = project(tmp_path, "ocr", "profile: site\n", "navigation:\n  - 'Previous\\s+Next'\n")
    book = load_book(manifest)
    key = cache.text_key(book, book.texts[0])
    (tmp_path / "profiles" / "site.yml").write_text("navigation:\n  - 'Previous\\s+Next'\n# a comment\n",
                                                    encoding="utf-8")
    assert cache.text_key(book, book.texts[0]) != key


def test_the_whole_builds_key_holds_the_projects_profiles(tmp_path):
    """A build with nothing changed returns at once: a changed profile is a change."""
    manifest = project(tmp_path, "ocr", "profile: site\n", "navigation:\n  - 'Previous\\s+Next'\n")
    book = load_book(manifest)
    key = cache.book_key(book)
    (tmp_path / "profiles" / "site.yml").write_text("navigation:\n  - 'Previous'\n", encoding="utf-8")
    assert cache.book_key(book) != key


# (the text's entry, the profile, the file the problem is in, the needle on its line, the problem)
BAD = {
    "unknown key": (
        "ocr", "profile: site\n", "navigaton:\n  - 'Previous'\n", "profiles/site.yml", "navigaton:",
        "navigaton: unknown profile key; did you mean navigation?"),
    "unknown nested key": (
        "web", "profile: site\n", "masthead:\n  date_fromat: '%d.%m.%Y'\n", "profiles/site.yml", "date_fromat:",
        "masthead.date_fromat: unknown key in masthead; did you mean date_format?"),
    "wrong type": (
        "ocr", "profile: site\n", "navigation: 'Back to'\n", "profiles/site.yml", "navigation:",
        'navigation: should be a list of regular expressions, not "Back to"'),
    "broken pattern": (
        "ocr", "profile: site\n", "navigation:\n  - 'Back to (Intro'\n", "profiles/site.yml", "Intro",
        "navigation[0]: should be a regular expression (Python's `re` syntax), not \"Back to (Intro\""),
    "missing profile": (
        "ocr", "profile: weekly-workers\n", None, "anthology.yml", "profile:",
        "texts[0].profile: no source profile 'weekly-workers' (looked for profiles/weekly-workers.yml and the "
        "built-in profiles); did you mean weekly-worker?"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_profile_stops_the_build_with_one_line(case, tmp_path, capsys):
    fmt, extra, profile, where, needle, message = BAD[case]
    manifest = project(tmp_path, fmt, extra, profile)
    code = main(["--manifest", str(manifest), "--only", "epub", "-q"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert [e for e in err.splitlines() if e.strip()] == [f"error: {where}:{line_of(tmp_path / where, needle)}: {message}"]
    assert not (tmp_path / "output").exists()


def test_a_profile_name_is_never_a_path(tmp_path):
    manifest = project(tmp_path, "ocr", "profile: ../texts/one\n")
    with pytest.raises(ManifestError) as caught:
        load_book(manifest)
    (problem,) = caught.value.problems
    assert problem.startswith(f"anthology.yml:{line_of(manifest, 'profile:')}: texts[0].profile: ")


def test_a_project_profile_may_not_lead_outside_the_project(tmp_path):
    outside = tmp_path / "elsewhere.yml"
    outside.write_text("navigation: []\n", encoding="utf-8")
    root = tmp_path / "book"
    root.mkdir()
    manifest = project(root, "ocr", "profile: site\n")
    (root / "profiles").mkdir()
    (root / "profiles" / "site.yml").symlink_to(outside)
    with pytest.raises(ManifestError) as caught:
        load_book(manifest)
    (problem,) = caught.value.problems
    assert problem.startswith(f"anthology.yml:{line_of(manifest, 'profile:')}: texts[0].profile: profiles/site.yml: "
                              "leads outside the project")


def test_every_profile_key_means_one_thing_to_every_reader():
    fields = profile_fields({fmt: reader_contract(fmt) for fmt in FORMATS})
    assert {"navigation", "navigation_tail", "part_headings", "masthead"} <= set(fields)
    assert all(declared.meaning for declared, _ in fields.values())


def test_the_built_in_profiles_keep_to_the_contract_and_the_real_texts_name_them():
    book = load_book(ROOT / "anthology.yml")
    named = {t.id: t.profile for t in book.texts}
    assert named["revolution-betrayed"] == "marxists-internet-archive"
    assert named["genesis-part-2"] == "weekly-worker"
    assert {path.stem for path in BUILT_IN.glob("*.yml")} <= set(named.values())


# --- each moved pattern works from its profile, and not without it -------------------------------

def test_navigation_links_are_dropped_with_the_sites_profile():
    options, _ = profiles.for_reader(built_in("marxists-internet-archive"), ocr.CONTRACT)
    doc = ocr.read(OCR_PAGE, options=options, editorial={}, origin="page.ocr.txt")
    assert [c.before for c in doc.changes if c.rule == "ocr-navigation"] == [
        NAVIGATION_LINES[0], " / ".join(NAVIGATION_LINES[1:3]), NAVIGATION_LINES[3]]
    assert not any(line in doc.body for line in NAVIGATION_LINES)


def test_without_a_profile_no_line_is_taken_for_navigation():
    doc = ocr.read(OCR_PAGE, options={}, editorial={}, origin="page.ocr.txt")
    assert not [c for c in doc.changes if c.rule == "ocr-navigation"]
    assert "Back to Intro On to chapter 2I" in doc.body


def test_the_web_date_format_comes_from_the_sites_profile():
    _, editorial = profiles.for_reader(built_in("weekly-worker"), web.CONTRACT)
    doc = web.read(WEB_PAGE, options={}, editorial=profiles.merged(editorial, WEB_EDITORIAL), origin="page.txt")
    assert doc.metadata["date"] == "1997-01-09"
    assert doc.metadata["publication"] == "Weekly Worker"
    assert "WeeklyWorker" not in doc.body


def test_a_profile_line_the_page_lacks_is_named_as_maybe_the_profiles():
    _, editorial = profiles.for_reader(built_in("weekly-worker"), web.CONTRACT)
    page = WEB_PAGE.replace("WeeklyWorker\n", "Another Paper\n")
    with pytest.raises(EditorialError, match=r"masthead\.publication 'WeeklyWorker' matches 0 .*source profile"):
        web.read(page, options={}, editorial=profiles.merged(editorial, WEB_EDITORIAL), origin="page.txt")


def test_without_a_profile_a_date_is_read_as_iso_and_the_error_says_where_to_give_a_format():
    with pytest.raises(EditorialError, match=r"'09\.01\.1997' does not parse as '%Y-%m-%d'; give masthead\.date_format"):
        web.read(WEB_PAGE, options={}, editorial=WEB_EDITORIAL, origin="page.txt")
    iso = WEB_PAGE.replace("09.01.1997", "1997-01-09")
    doc = web.read(iso, options={}, editorial={"masthead": {"date": "1997-01-09"}}, origin="page.txt")
    assert doc.metadata["date"] == "1997-01-09" and "WeeklyWorker" in doc.body  # no site's masthead either


def test_a_book_part_word_is_a_chapter_unless_the_text_or_its_profile_says_otherwise():
    page = ("INTRODUCTION\n\nThe introduction's only paragraph, which is long enough to be read as one.\n\n"
            "POSTSCRIPT\n\nThe postscript's only paragraph, which is long enough to be read as one too.\n")
    general = ocr.read(page, options={}, editorial={}, origin="page.ocr.txt")
    assert [b for b in general.body.split("\n\n") if b.startswith("#")] == ["## Introduction", "## Postscript"]
    nested = ocr.read(page, options={}, editorial={"part_headings": {"POSTSCRIPT": 3}}, origin="page.ocr.txt")
    assert [b for b in nested.body.split("\n\n") if b.startswith("#")] == ["## Introduction", "### Postscript"]


@pytest.mark.parametrize("bracket, note", [
    # The real text's brackets (texts/revolution-betrayed.ocr.txt), by the general label rule.
    ("[TRANSLATOR'S NOTE: Zinoviev and Kamenev were executed in August 1936.]",
     "Zinoviev and Kamenev were executed in August 1936."),
    ("[TRANSLATOR: It isimpossible to convey the flavor of this dialogue in English.]",
     "It isimpossible to convey the flavor of this dialogue in English."),
    ("[ TRANSLATOR NOTE—uwritten before the arrest of Karl Radek|", "uwritten before the arrest of Karl Radek"),
    ("[EDITOR'S NOTE — A later addition.]", "A later addition."),
    ("[In 1936 the ruble was not convertible.]", "In 1936 the ruble was not convertible."),  # no label: kept whole
])
def test_a_bracketed_notes_own_label_is_dropped_by_a_general_rule(bracket, note):
    assert ocr.BRACKET_CLOSE.sub("", ocr.BRACKET_LABEL.sub("", bracket)).strip() == note


# A real paragraph of texts/soviet-mirage.muse (a Muse text, whose reader may split paragraphs).
SOVIET_INC = (
    "The nature of the Soviet Union as a single “Soviet Inc” conglomerate also indicates issues with comrade K.’s "
    "argument that the Soviet Union could not be capitalist because the allocation of capital inputs was undertaken "
    "through the central plan and not the market. Given that the Soviet Union was a single company, the absence of "
    "market allocation of these goods is simply indicative of the internal transfer of equipment within a “private” "
    "Western company. Thus, the comrade is correct to point out this feature, but I would disagree on its "
    "significance. It is not a refutation but a confirmation of the State-capitalist thesis.")


def test_the_paragraph_fallback_prefers_the_cue_openings_it_is_given():
    """The cue words are a general English default, and a reader may pass others (or none)."""
    (cue,) = long_paragraph_breaks(SOVIET_INC, max_words=100, min_words=20)
    assert (cue.reason, SOVIET_INC[cue.offset:].split()[0]) == ("cue", "Thus,")
    (balance,) = long_paragraph_breaks(SOVIET_INC, max_words=100, min_words=20, cues=())
    assert (balance.reason, SOVIET_INC[balance.offset:].split()[0]) == ("balance", "Given")
    (own,) = long_paragraph_breaks(SOVIET_INC, max_words=100, min_words=20, cues=("Given",))
    assert (own.reason, SOVIET_INC[own.offset:].split()[0]) == ("cue", "Given")

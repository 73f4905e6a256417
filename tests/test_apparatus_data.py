"""The editors' apparatus data (glossary.yml, index.yml) and the preface prose, checked against the
raw texts: every spelling the marker will look for really occurs, every cross-reference resolves,
and the prose follows the house rules. Fast: no build, only YAML and regular expressions."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ROOT / "texts"
GLOSSARY = ROOT / "glossary.yml"
INDEX = ROOT / "index.yml"
PREFACE = ROOT / "templates" / "preface-introduction.md"

INDEX_KINDS = {"person", "organisation", "place", "concept", "event", "publication"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A sentence ends with . ! or ? followed by a space and something that can start a sentence.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘“(\d])")
AMERICAN = re.compile(r"\b(?:\w{4,}iz(?:e|es|ed|ing|ation|ations)|labor|center|centers|program|programs|"
                      r"defense|favor|favored|behavior|color)\b")


def _apostrophes(text: str) -> str:
    """The texts use both ' and ’; the marker treats them alike, and so do these checks."""
    return text.replace("’", "'").replace("‘", "'")


@lru_cache(maxsize=None)
def corpus() -> dict[str, str]:
    """Each raw text with its lines joined by spaces: the OCR text and the Markdown wrap paragraphs
    across lines, so a two-word variant may straddle a line break."""
    joined = {}
    for path in sorted(TEXTS.iterdir()):
        if path.is_file():
            raw = path.read_text(encoding="utf-8")
            joined[path.name] = _apostrophes(re.sub(r"\s*\n\s*", " ", raw))
    return joined


@lru_cache(maxsize=None)
def all_texts() -> str:
    """The five joined texts in one string, separated so that no match can span two of them."""
    return "\n\x00\n".join(corpus().values())


def whole_word(variant: str) -> re.Pattern:
    """Whole-word and case-sensitive, as the marker matches. Look-arounds rather than \\b, because
    a variant may end in a non-word character (N.E.P.)."""
    return re.compile(r"(?<!\w)" + re.escape(_apostrophes(variant)) + r"(?!\w)")


def occurs(variant: str) -> bool:
    return whole_word(variant).search(all_texts()) is not None


def occurrences(variant: str) -> dict[str, int]:
    """Occurrences of `variant` in each raw text."""
    pattern = whole_word(variant)
    return {name: len(pattern.findall(text)) for name, text in corpus().items()}


@lru_cache(maxsize=None)
def glossary() -> list[dict]:
    return yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def index() -> list[dict]:
    return yaml.safe_load(INDEX.read_text(encoding="utf-8"))


def index_variants() -> list[tuple[str, str]]:
    """(where, variant) for every variant of every heading and sub-entry."""
    found = []
    for entry in index():
        for variant in entry.get("variants") or []:
            found.append((entry["id"], variant))
        for sub in entry.get("sub") or []:
            for variant in sub["variants"]:
                found.append((f"{entry['id']} / {sub['heading']}", variant))
    return found


def sentences(text: str) -> list[str]:
    return [part for part in SENTENCE_END.split(text.strip()) if part]


# ------------------------------------------------------------------ the files load

def test_the_five_raw_texts_are_there():
    assert len(corpus()) == 5


def test_glossary_loads_as_a_list_of_entries():
    entries = glossary()
    assert isinstance(entries, list)
    for entry in entries:
        assert set(entry) <= {"term", "id", "variants", "definition", "see_also"}, entry
        assert entry["term"] and entry["definition"] and entry["variants"], entry


def test_index_loads_as_a_list_of_headings():
    headings = index()
    assert isinstance(headings, list)
    for entry in headings:
        assert set(entry) <= {"heading", "id", "kind", "variants", "sub", "see", "see_also"}, entry
        assert entry["heading"] and entry["kind"] in INDEX_KINDS, entry


# ------------------------------------------------------------------ sizes and ids

def test_glossary_has_at_least_forty_entries():
    assert len(glossary()) >= 40


def test_index_has_at_least_eighty_headings_with_locators():
    with_variants = [entry for entry in index() if entry.get("variants")]
    assert len(with_variants) >= 80
    assert len(index()) >= 80


def test_the_terms_a_newcomer_needs_are_in_the_glossary():
    ids = {entry["id"] for entry in glossary()}
    required = {
        "nep", "kulak", "thermidor", "gosplan", "kronstadt", "comintern", "gpu", "politburo",
        "left-opposition", "united-opposition", "war-communism", "soviet", "bolshevik", "menshevik",
        "five-year-plan", "collectivisation", "kolkhoz", "stakhanovism", "nepmen", "chervonets",
        "sovnarkom", "brest-litovsk", "permanent-revolution", "socialism-in-one-country",
        "state-capitalism", "workers-state", "council-communism", "anarcho-syndicalism",
        "primitive-socialist-accumulation", "lenins-testament",
    }
    assert required <= ids, sorted(required - ids)


@pytest.mark.parametrize("load", [glossary, index], ids=["glossary", "index"])
def test_ids_are_unique_slugs(load):
    ids = [entry["id"] for entry in load()]
    duplicates = [name for name, n in Counter(ids).items() if n > 1]
    assert not duplicates
    assert all(SLUG.match(name) for name in ids), [name for name in ids if not SLUG.match(name)]


def test_index_headings_are_unique():
    headings = Counter(entry["heading"] for entry in index())
    assert not [heading for heading, n in headings.items() if n > 1]


def test_people_are_listed_surname_first():
    people = [entry for entry in index() if entry["kind"] == "person"]
    assert len(people) >= 30
    for entry in people:
        surname = entry["heading"].split(",")[0]
        # "Mao Zedong", "Napoleon Bonaparte" and "Peter the Great" are conventionally not inverted.
        assert "," in entry["heading"] or entry["id"] in {"mao", "napoleon", "peter-the-great"}, entry
        assert any(surname.split()[-1] in variant for variant in entry["variants"]), entry


# ------------------------------------------------------------------ variants occur in the texts

@pytest.mark.parametrize("entry", glossary(), ids=lambda entry: entry["id"])
def test_every_glossary_variant_occurs_in_a_text(entry):
    missing = [v for v in entry["variants"] if not occurs(v)]
    assert not missing, f"{entry['id']}: {missing} occur in no text"


def test_every_index_variant_occurs_in_a_text():
    missing = [(where, v) for where, v in index_variants() if not occurs(v)]
    assert not missing


def test_no_variant_is_claimed_by_two_index_headings():
    """An occurrence is indexed once; two headings with the same variant would split it."""
    owners = Counter(variant for _, variant in index_variants())
    assert not [variant for variant, n in owners.items() if n > 1]


def test_no_variant_is_claimed_by_two_glossary_entries():
    owners = Counter(v for entry in glossary() for v in entry["variants"])
    assert not [variant for variant, n in owners.items() if n > 1]


def test_the_catalogued_spelling_variants_are_merged():
    """CATALOG §6: each pair of spellings sits under one heading."""
    heading_of = {variant: where.split(" / ")[0] for where, variant in index_variants()}
    pairs = [
        ("collectivisation", "collectivization"), ("rouble", "ruble"), ("Tsarist", "tzar"),
        ("kolkhos", "kolkhozi"), ("NEP", "N.E.P."), ("Stakhanovist", "Stakhanovism"),
        ("Trotskyist", "Trotskyite"), ("Stalinist", "Stalinite"),
        ("Comintern", "Communist International"), ("Gosplan", "State Planning Commission"),
        ("Military Communism", "War Communism"),
    ]
    for one, other in pairs:
        assert heading_of[one] == heading_of[other], (one, other)
    assert heading_of["chervonetz"] == "rouble"


def test_a_name_does_not_swallow_its_ism():
    """Whole-word matching keeps 'Lenin' out of 'Leninism'; the -isms have headings of their own."""
    assert occurrences("Lenin")["genesis-part-1.md"] > 0
    leninism = next(entry for entry in index() if entry["id"] == "leninism")
    assert "Leninism" in leninism["variants"]
    assert not whole_word("Lenin").search("Leninism and Leninists")
    assert whole_word("N.E.P.").search("back to the N.E.P. 4.")


def test_lower_case_soviet_is_listed_only_for_the_councils():
    """'soviet' in the texts is mostly an adjective ('soviet power'); the plural means the councils."""
    soviet = next(entry for entry in glossary() if entry["id"] == "soviet")
    assert set(soviet["variants"]) == {"soviets", "Soviets"}
    assert not {"Soviet", "soviet"} & {variant for _, variant in index_variants()}


# ------------------------------------------------------------------ cross-references

def test_glossary_see_also_resolves():
    ids = {entry["id"] for entry in glossary()}
    for entry in glossary():
        for target in entry.get("see_also") or []:
            assert target in ids and target != entry["id"], (entry["id"], target)


def test_index_see_and_see_also_resolve():
    by_id = {entry["id"]: entry for entry in index()}
    for entry in index():
        for target in ([entry["see"]] if entry.get("see") else []) + (entry.get("see_also") or []):
            assert target in by_id and target != entry["id"], (entry["id"], target)
        if entry.get("see"):
            # A "see" entry points at a heading that has locators, and has none of its own.
            assert not entry.get("variants") and not entry.get("sub"), entry["id"]
            assert by_id[entry["see"]].get("variants"), entry["id"]
        else:
            assert entry.get("variants"), entry["id"]


def test_sub_entries_have_a_heading_and_variants():
    for entry in index():
        for sub in entry.get("sub") or []:
            assert set(sub) == {"heading", "variants"} and sub["variants"], (entry["id"], sub)


# ------------------------------------------------------------------ the definitions

@pytest.mark.parametrize("entry", glossary(), ids=lambda entry: entry["id"])
def test_definitions_are_one_to_three_sentences(entry):
    definition = entry["definition"]
    assert definition.endswith("."), entry["id"]
    assert 1 <= len(sentences(definition)) <= 3, entry["id"]
    assert len(definition.split()) <= 90, entry["id"]


def test_definitions_are_in_british_spelling():
    for entry in glossary():
        assert not AMERICAN.search(entry["definition"]), (entry["id"], AMERICAN.search(entry["definition"]))


def test_definitions_carry_dates():
    """Most entries place the term in time; a few (muzhik, law of value ...) are timeless."""
    dated = [entry for entry in glossary() if re.search(r"\b1[789]\d\d\b", entry["definition"])]
    assert len(dated) >= 0.75 * len(glossary())


def test_the_sentence_counter_on_examples():
    assert len(sentences("One. Two (1921–28). Three.")) == 3
    assert len(sentences("The Cheka (founded in 1917) became the GPU in 1922.")) == 1


# ------------------------------------------------------------------ the preface prose

def test_preface_introduction_follows_the_house_rules():
    prose = PREFACE.read_text(encoding="utf-8")
    words = len(re.findall(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", prose))
    assert 600 <= words <= 900, words
    assert not re.search(r"^#{1,2}\s", prose, re.M), "no headings above ###"
    # Counts (words, reading times, repairs) come from data; only years may be typed.
    without_years = re.sub(r"\b1[89]\d\d(?:s|–\d\d(?:\d\d)?)?\b", "", prose)
    numbers = re.findall(r"\d+", without_years)
    assert not numbers, numbers
    assert "{{" not in prose and "{%" not in prose and "{#" not in prose
    # The preface may cite the texts' own spellings as examples of what the index merges.
    cited = {"collectivization", "ruble"}
    assert not [w for w in AMERICAN.findall(prose) if w not in cited]
    for author in ("Trotsky", "International Communist Party", "Conrad", "van der Walt"):
        assert author in prose

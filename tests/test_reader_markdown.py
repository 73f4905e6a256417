"""The Markdown reader on Why Russia Isn't Socialist (hard-wrapped Pandoc Markdown) and Genesis of
Bureaucratic Socialism, Part I (a magazine article with ``<sup>`` notes and page-break damage), and
each of its rules on small inline samples."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pypandoc
import pytest
import yaml

from anthology.sources.repair import pagebreaks
from anthology.errors import EditorialError, SourceError
from anthology.model import Document
from anthology.sources.markdown import read

ROOT = Path(__file__).resolve().parents[1]
RUSSIA = "texts/why-russia-isnt-socialist.md"
GENESIS = "texts/genesis-part-1.md"
RUSSIA_OPTIONS = {"heading_number_style": ".", "source_note": "description"}
GENESIS_OPTIONS = {"title_note": "source"}


def editorial(name: str) -> dict:
    return yaml.safe_load((ROOT / "editorial" / f"{name}.yml").read_text(encoding="utf-8")) or {}


def read_file(path: str, options: dict, name: str) -> Document:
    raw = (ROOT / path).read_text(encoding="utf-8")
    return read(raw, options=options, editorial=editorial(name), origin=path)


@pytest.fixture(scope="module")
def russia() -> Document:
    return read_file(RUSSIA, RUSSIA_OPTIONS, "why-russia-isnt-socialist")


@pytest.fixture(scope="module")
def genesis() -> Document:
    return read_file(GENESIS, GENESIS_OPTIONS, "genesis-part-1")


def ast(markdown: str) -> dict:
    return json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))


def walk(node, kind: str, skip: str = ""):
    """Every AST node of type `kind`, in document order, not looking inside `skip` nodes."""
    if isinstance(node, dict):
        if node.get("t") == kind:
            yield node
        if node.get("t") != skip or not skip:
            for value in node.values():
                yield from walk(value, kind, skip)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item, kind, skip)


def body_paragraphs(body: str) -> list[str]:
    """The body's blocks before the note definitions."""
    main = re.split(r"\n\n\[\^1\]: ", body)[0]
    return [b.strip("\n") for b in main.split("\n\n") if b.strip()]


# ---------------------------------------------------------------- Why Russia Isn't Socialist

def test_russia_structure(russia):
    tree = ast(russia.body)
    levels = [h["c"][0] for h in walk(tree["blocks"], "Header")]
    assert levels == [2] * 9
    titles = [line for line in russia.body.splitlines() if line.startswith("#")]
    assert titles[0] == "## I. Russian Capitalism"
    assert titles[2] == "## III. Isolation and Defeat for the Russian Proletariat"
    assert all(re.match(r"## [IVX]+\. \S", t) for t in titles), titles
    assert not list(walk(tree, "Note"))
    assert len([b for b in tree["blocks"] if b["t"] == "BlockQuote"]) == 7
    lists = [b for b in tree["blocks"] if b["t"] == "OrderedList"]
    assert len(lists) == 1 and len(lists[0]["c"][1]) == 5
    assert sum(c.rule == "md-heading-number" for c in russia.changes) == 7


def test_russia_paragraphs_are_unwrapped(russia):
    for block in body_paragraphs(russia.body):
        lines = block.split("\n")
        if block.startswith("1. "):
            assert [line[:3] for line in lines] == ["1. ", "2. ", "3. ", "4. ", "5. "]
        else:
            assert len(lines) == 1, block[:80]
    quote_lines = [line for line in russia.body.splitlines() if line.startswith(">")]
    assert len(quote_lines) == 7 and all(line.startswith('> "') for line in quote_lines)
    assert "> \"Socialism is inconceivable without large-scale capitalist engineering based on" in russia.body


def test_russia_metadata_and_source_note(russia):
    assert russia.metadata["title"] == "Why Russia Isn't Socialist"
    assert russia.metadata["date"] == 1970
    assert russia.source_note.startswith("Originally published in 1970 in Il Programma Comunista")


def test_russia_word_count():
    raw = (ROOT / RUSSIA).read_text(encoding="utf-8")
    doc = read(raw, options={}, editorial={}, origin=RUSSIA)
    source = len(raw.split("\n...\n", 1)[1].split())
    assert source == 14772  # CATALOG §0
    assert abs(len(doc.body.split()) - source) <= source * 0.01


# ---------------------------------------------------------------- Genesis of Bureaucratic Socialism, Part I

def test_genesis_headings(genesis):
    levels = [(h["c"][0]) for h in walk(ast(genesis.body)["blocks"], "Header")]
    assert levels == [2, 3, 3]
    assert [line for line in genesis.body.splitlines() if line.startswith("#")] == [
        "## Part I", "### 1.1. Party and class", "### 1.2. Leninism and Stalinism"]
    assert genesis.metadata == {"title": "Genesis of bureaucratic socialism", "author": "Jack Conrad"}


def test_genesis_notes_resolve_in_order(genesis):
    tree = ast(genesis.body)
    notes = list(walk(tree["blocks"], "Note"))
    assert len(notes) == 44
    calls = [int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", genesis.body)]
    definitions = [int(n) for n in re.findall(r"^\[\^(\d+)\]:", genesis.body, flags=re.M)]
    assert calls == definitions == list(range(1, 45))
    # an unresolved call would stay in the text as "[^N]"
    assert not any("[^" in s["c"] for s in walk(tree, "Str"))
    # note 21 of the source (now 20) was cut by a page break; note 27 (now 26) has 2 paragraphs
    assert "[^20]: VI Lenin *CW* Vol 33, Moscow 1977, p288.\n" in genesis.body
    assert len(notes[25]["c"]) == 2
    # calls before punctuation stay there
    assert 'Europe"[^1].' in genesis.body
    assert genesis.source_note.startswith("This and the three supplements which will in due course")


def test_genesis_damage_is_gone(genesis):
    out = genesis.body + genesis.source_note
    for bad in ("<sup>", "</sup>", "self-devour-", "bal-", "Regis-", "●", "**T**", "Jack Conrad\n", "# Genesis"):
        assert bad not in out, bad
    assert "self-devouring form of accumulation" in out
    assert "balance of class forces" in out
    assert "Registration and Distribution Department" in out
    assert out.count("A sort of atavism developed") == 1
    assert "There were 3.5 million industrial workers in 1913" in out
    assert "\n\nTo produce more use values Gosplan" in "\n\n" + out


def test_genesis_paragraph_shapes(genesis):
    tree = ast(genesis.body)
    for para in walk(tree["blocks"], "Para", skip="Note"):
        text = pypandoc.convert_text(json.dumps({**tree, "blocks": [para]}), "plain",
                                     format="json", extra_args=["--wrap=none"]).strip()
        assert not pagebreaks.starts_lowercase(text), text[:60]
    assert [b["t"] for b in tree["blocks"] if b["t"] not in ("Para", "Header", "BlockQuote")] == []
    quotes = [b for b in tree["blocks"] if b["t"] == "BlockQuote"]
    assert len(quotes) == 4
    assert len(quotes[0]["c"]) == 3  # the Lenin quotation over three paragraphs is one quote
    for block in body_paragraphs(genesis.body):
        assert block.startswith(">") or "\n" not in block


def test_genesis_word_count(genesis):
    raw = (ROOT / GENESIS).read_text(encoding="utf-8")
    removed = sum(c.words_removed for c in genesis.changes)
    out = len(genesis.body.split()) + len(genesis.source_note.split())
    source = len(raw.split())
    assert source == 8154 + 1664  # CATALOG §0: body + note words
    assert abs(out + removed - source) <= source * 0.01
    assert 76 <= next(c.words_removed for c in genesis.changes if c.rule == "md-pull-quote") <= 80


# ---------------------------------------------------------------- rules on inline samples

def read_sample(md: str, options: dict | None = None, editorial: dict | None = None) -> Document:
    return read(md, options=options or {}, editorial=editorial or {}, origin="sample.md")


def test_join_hyphenated():
    doc = read_sample("A bureaucracy locked in a self-devour-\n\ning accumulation.\n")
    assert doc.body == "A bureaucracy locked in a self-devouring accumulation.\n"
    assert [c.rule for c in doc.changes] == ["md-join-hyphenated"]
    # a real compound split at its own hyphen keeps it
    assert read_sample("It was well-\n\nknown to all.\n").body == "It was well-known to all.\n"


def test_join_mid_sentence():
    doc = read_sample("Unity is necessary, Lenin\n\nargued. Then\n\nFactions were banned.\n\n"
                      "He wrote about the situation in\n\nRussia makes me think.\n")
    assert body_paragraphs(doc.body) == [
        "Unity is necessary, Lenin argued. Then", "Factions were banned.",
        "He wrote about the situation in Russia makes me think."]
    unsure = [c for c in doc.changes if c.rule == "md-break-unsure"]
    assert len(unsure) == 1 and unsure[0].where == "line 5"


def test_editorial_join_and_keep_apart():
    md = "It was said by Lenin\n\nTrotsky agreed.\n\nThe war went\n\non.\n"
    doc = read_sample(md, editorial={
        "join_paragraphs": [{"after": "by Lenin", "before": "Trotsky"}],
        "keep_paragraphs_apart": [{"after": "war went", "before": "on."}]})
    assert body_paragraphs(doc.body) == ["It was said by Lenin Trotsky agreed.", "The war went", "on."]


def test_sup_notes_and_title_note():
    md = ("# A title<sup>1</sup>\n\n## Part I\n\nIn \"Europe\"<sup>2</sup>. Then more <sup>3</sup>\n\n"
          "<sup>1</sup>About this text.\n\n<sup>2</sup>A book, Moscow 1977,\n\np288.\n\n"
          "<sup>3</sup>First paragraph.\n\nSecond paragraph.\n")
    doc = read_sample(md, {"title_note": "source"})
    assert doc.source_note == "About this text."
    assert doc.metadata["title"] == "A title"
    assert doc.body == ('## Part I\n\nIn "Europe"[^1]. Then more[^2]\n\n'
                        "[^1]: A book, Moscow 1977, p288.\n\n"
                        "[^2]: First paragraph.\n\n    Second paragraph.\n")
    with pytest.raises(SourceError, match="title_note"):
        read_sample(md)


def test_tables_and_code_keep_their_lines():
    md = "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n\nmore\n```\n\nText\nwrapped.\n"
    assert read_sample(md).body == "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n\nmore\n```\n\nText wrapped.\n"


def test_notes_heading_before_the_note_list_goes():
    doc = read_sample("Text<sup>1</sup> and 1<sup>st</sup>.\n\n## Notes\n\n<sup>1</sup>A note.\n")
    assert doc.body == "Text[^1] and 1^st^.\n\n[^1]: A note.\n"


@pytest.mark.parametrize("md, message", [
    ("A<sup>1</sup> b<sup>1</sup>\n\n<sup>1</sup>x\n", "note 1 .* called 2 times"),
    ("A<sup>1</sup>\n\n<sup>1</sup>x\n\n<sup>2</sup>y\n", "note 2 .* called 0 times"),
    ("A<sup>2</sup> b<sup>1</sup>\n\n<sup>1</sup>x\n\n<sup>2</sup>y\n", "note 1 is called .* after note 2"),
    ("A<sup>1</sup> b<sup>2</sup>\n\n<sup>2</sup>x\n\n<sup>1</sup>y\n", "note 2 where note 1 should be"),
    ("A<sup>1</sup> b<sup>3</sup>\n\n<sup>1</sup>x\n", "call to note 3"),
])
def test_sup_note_numbering_errors_name_the_note(md, message):
    with pytest.raises(SourceError, match=message):
        read_sample(md)


def test_drop_cap_end_mark_and_pull_quote():
    md = ("**T**o produce more plan values the whole system fell into accumulation for its own sake.\n\n"
          "And so it went on\n\n"
          "**\"The whole system fell into accumulation for its own sake\"**\n\n"
          "for years. The end ●\n")
    doc = read_sample(md)
    assert body_paragraphs(doc.body) == [
        "To produce more plan values the whole system fell into accumulation for its own sake.",
        "And so it went on for years. The end"]
    removed = {c.rule: c.words_removed for c in doc.changes}
    assert removed["md-pull-quote"] == 10 and removed["md-end-mark"] == 1 and "md-drop-cap" in removed


def test_bold_quotation_becomes_one_block_quote():
    md = '**"Since Soviet power.**\n\n**This situation.**\n\n**On the other hand."<sup>1</sup>**\n\nSo.\n\n<sup>1</sup>n\n'
    doc = read_sample(md)
    assert doc.body.startswith('> "Since Soviet power.\n>\n> This situation.\n>\n> On the other hand."[^1]\n\nSo.')


def test_front_matter_closed_by_dashes_or_dots():
    for close in ("---", "..."):
        doc = read_sample(f"---\ntitle: T\ndate: 2021-07-02\n{close}\n\nText\nwrapped.\n")
        assert doc.metadata == {"title": "T", "date": "2021-07-02"}
        assert doc.body == "Text wrapped.\n"
    with pytest.raises(SourceError, match="YAML"):
        read_sample("---\ntitle: [unclosed\n---\n\nText.\n")


def test_stale_editorial_entries_raise():
    md = "## Part I\n\n### 1.1. Party\n\nText.\n\nJack Conrad\n"
    fixed = read_sample("## Part I\n\n## 1.1. Party\n\nText.\n",
                        editorial={"headings": [{"heading": "## 1.1. Party", "level": 3}]})
    assert fixed.body == "## Part I\n\n### 1.1. Party\n\nText.\n"
    with pytest.raises(EditorialError, match=r"headings\[0\]"):
        read_sample(md, editorial={"headings": [{"heading": "## 1.2. Gone", "level": 3}]})
    with pytest.raises(EditorialError, match="already at level 3"):
        read_sample(md, editorial={"headings": [{"heading": "### 1.1. Party", "level": 3}]})
    with pytest.raises(EditorialError, match="byline"):
        read_sample(md, editorial={"byline": "John Conrad"})
    with pytest.raises(EditorialError, match="join_paragraphs"):
        read_sample(md, editorial={"join_paragraphs": [{"after": "nothing", "before": "here"}]})
    with pytest.raises(EditorialError, match="unknown editorial key"):
        read_sample(md, editorial={"heading": []})


def test_editorial_files_match_their_texts():
    """The shipped editorial entries still match (else reading the texts above would raise)."""
    assert editorial("genesis-part-1")["headings"][0]["level"] == 3
    assert editorial("why-russia-isnt-socialist") == {}


# ---------------------------------------------------------------- site debris (see test_markdown_web.py)

def test_the_books_markdown_has_no_site_debris(russia, genesis):
    """The site-debris rules find nothing in the book's two Markdown texts, so they clean as before."""
    from anthology.sources.repair import site_debris
    for doc in (russia, genesis):
        assert not {c.rule for c in doc.changes} & set(site_debris.REASONS)
    assert russia.metadata["keywords"] == "USSR"  # a key the site rules keep


def test_line_numbers_survive_removed_lines():
    """A template line taken out does not shift the line numbers later rules report."""
    raw = "{% include nav.html %}\n<!--\nhidden\n-->\nA para-\n\ngraph cut by a page break.\n"
    doc = read(raw, options={}, editorial={}, origin="texts/x.md")
    assert doc.body == "A paragraph cut by a page break.\n"
    assert [c.where for c in doc.changes if c.rule == "md-join-hyphenated"] == ["line 7"]
    with pytest.raises(SourceError, match=r"texts/x.md:6: note \[\^2\] is called but never defined"):
        read("{% include nav.html %}\n<!--\nhidden\n-->\nText.[^1]\nMore.[^2]\n\n[^1]: A note.\n",
             options={}, editorial={}, origin="texts/x.md")

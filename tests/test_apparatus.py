"""The apparatus: notes, glossary, index and preface.

Function-level tests run on small ASTs made with Pandoc from Markdown; the tests on the built book
(EPUB and PDF, session fixtures `built`/`epub`) check the acceptance criteria on the real files.
"""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from anthology import doctree
from anthology.manifest import Book, TextEntry
from anthology.apparatus import glossary, index, index_pages, index_print, locators, notes
from anthology.apparatus.inlines import TermMatcher, inline_text, rewrite
from anthology.doctree import span
from anthology.errors import ManifestError
from conftest import ROOT

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def book_at(root: Path, texts=(("one", "One"), ("two", "Two"))) -> Book:
    """A book in `root` with the project's templates (and whatever glossary.yml/index.yml the test writes)."""
    if not (root / "templates").exists():
        shutil.copytree(ROOT / "templates", root / "templates")
    entries = [TextEntry(id=i, file=root / f"{i}.md", format="markdown", title=t, author="An Author", date="2000")
               for i, t in texts]
    return Book(root=root, manifest_path=root / "anthology.yml", meta={"title": "Test", "language": "en"},
                texts=entries)


def tree_of(markdown: str) -> dict:
    """A book AST as the pipeline makes it: texts are level-1 sections with class `text`."""
    from anthology.apparatus.anchors import number_paragraphs, prefix_heading_ids

    book = Book(root=ROOT, manifest_path=ROOT / "anthology.yml", meta={"language": "en"}, texts=[])
    tree = doctree.from_markdown(markdown)
    prefix_heading_ids(book, tree, [])
    number_paragraphs(book, tree, [])
    return tree


def glossary_steps(book, tree: dict, warnings: list[str]) -> None:
    """The glossary as the build runs it: its text step on the texts, then its book step."""
    facts: dict = {}
    glossary.link_glossary(book, tree, warnings, facts)
    glossary.finish_glossary(book, tree, warnings, facts)


def spans(node, cls: str) -> list[dict]:
    from anthology.doctree import find_nodes

    return find_nodes(node, lambda n: n["t"] in ("Span", "Link") and cls in n["c"][0][1])


def xhtml_of(blocks: list) -> ET.Element:
    """Pandoc's HTML for some blocks, parsed as XML: proves that raw HTML in them is well-formed."""
    from anthology import pandoc

    html = pandoc.convert(doctree.to_json({"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": blocks}),
                          "html5", from_format="json")
    html = html.replace("epub:type", "epubtype")
    return ET.fromstring(f"<div>{html}</div>")


# ------------------------------------------------------------------ matching words

def test_matcher_whole_words_longest_first_and_both_apostrophes():
    match = TermMatcher({"Lenin": "lenin", "Lenin’s Testament": "testament", "workers' state": "ws", "NEP": "nep"})
    found = [(m.key, m.text) for m in match.search_text("Leninism, Lenin's Testament, the workers’ state, NEP.")]
    assert found == [("testament", "Lenin's Testament"), ("ws", "workers' state"), ("nep", "NEP")]
    assert match.search_text("Lenin\u00a0and NEPmen")[0].key == "lenin"  # a no-break space is a space
    assert [m.key for m in match.search_text("NEPmen")] == []


def test_rewrite_wraps_terms_across_nodes_but_not_across_emphasis():
    tree = doctree.from_markdown("The Left Opposition and *Left* Opposition and “Left Opposition”.")
    inlines = tree["blocks"][0]["c"]
    match = TermMatcher({"Left Opposition": "lo"})
    new = rewrite(inlines, match, lambda m, nodes: span("", ["hit"], nodes), lambda node: True)
    assert [inline_text(s["c"][1]) for s in spans(new, "hit")] == ["Left Opposition", "Left Opposition"]
    assert inline_text(new) == inline_text(inlines)


# ------------------------------------------------------------------ glossary

GLOSSARY = """\
- term: NEP
  id: nep
  variants: [NEP, N.E.P., New Economic Policy]
  definition: "The *New Economic Policy* (1921–28)."
  see_also: [kulak]
- term: kulak
  id: kulak
  variants: [kulak, kulaks]
  definition: A rich peasant.
"""


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("entry, message", [
    ("- term: X\n  id: x\n  variants: [X]\n  definition: d\n  colour: red\n", "colour: unknown field"),
    ("- term: X\n  id: x\n  variants: [X]\n", "definition: missing"),
    ("- term: X\n  id: Not An Id\n  variants: [X]\n  definition: d\n", "not a valid id"),
    ("- term: X\n  id: x\n  variants: X\n  definition: d\n", "variants: should be a list"),
    ("- term: X\n  id: x\n  variants: [X]\n  definition: d\n  see_also: [nope]\n", "'nope' is not the id"),
    ("- term: X\n  id: x\n  variants: [X]\n  definition: d\n- term: Y\n  id: x\n  variants: [Y]\n  definition: d\n",
     "already used"),
])
def test_glossary_errors_name_file_line_entry_and_field(tmp_path, entry, message):
    path = write(tmp_path, "glossary.yml", entry)
    with pytest.raises(ManifestError) as error:
        glossary.load_glossary(path)
    assert re.search(r"^glossary\.yml:\d+: entry \d", str(error.value))
    assert message in str(error.value)


def test_an_apparatus_file_is_parsed_once_for_each_content(tmp_path, monkeypatch):
    """A build asks for the glossary many times (data._LOADED keeps what was parsed): the same
    content is not parsed again, a changed one is, and a file in error is refused every time."""
    from anthology.apparatus import data

    parsed = []
    parse = data._load_entries
    monkeypatch.setattr(data, "_load_entries", lambda *args: parsed.append(args[0]) or parse(*args))
    path = write(tmp_path, "glossary.yml", GLOSSARY)
    first = glossary.load_glossary(path)
    assert glossary.load_glossary(path) == first and len(parsed) == 1
    write(tmp_path, "glossary.yml", GLOSSARY.replace("A rich peasant.", "A peasant who hired labour."))
    assert [t.definition for t in glossary.load_glossary(path)][-1] == "A peasant who hired labour."
    assert len(parsed) == 2
    write(tmp_path, "glossary.yml", GLOSSARY + "  colour: red\n")
    for _ in range(2):
        with pytest.raises(ManifestError, match="colour: unknown field"):
            glossary.load_glossary(path)
    assert len(parsed) == 4


TWO_TEXTS = """\
# One {#one .text}

:::: opener
[NEP and kulaks]{.author}
::::

## NEP begins

Under [NEP](http://example.org/) the kulak grew.[^1] The kulaks and the N.E.P. again.

> Kulaks? No: kulak.

[^1]: NEP in a note.

# Two {#two .text}

The New Economic Policy was NEP; *kulaks* too.
"""


def test_first_use_per_text_is_linked_and_only_the_first(tmp_path):
    write(tmp_path, "glossary.yml", GLOSSARY)
    tree, warnings = tree_of(TWO_TEXTS), []
    glossary_steps(book_at(tmp_path), tree, warnings)
    links = {text_id: [(inline_text(l["c"][1]), l["c"][2][0]) for l in spans(blocks, "glossary-term")]
             for text_id, blocks in doctree.texts(tree)}
    # not in the heading, the opener, the note or the existing link: first free uses are "kulak", "N.E.P."
    assert links["one"] == [("kulak", "#gloss-kulak"), ("N.E.P.", "#gloss-nep")]
    assert links["two"] == [("New Economic Policy", "#gloss-nep"), ("kulaks", "#gloss-kulak")]
    link = spans(tree, "glossary-term")[0]
    assert ["epub:type", "glossref"] in link["c"][0][2] and ["role", "doc-glossref"] in link["c"][0][2]


def test_glossary_section_is_back_matter_with_glossterm_and_glossdef(tmp_path):
    write(tmp_path, "glossary.yml", GLOSSARY)
    tree = tree_of(TWO_TEXTS)
    glossary_steps(book_at(tmp_path), tree, [])
    start = next(i for i, b in enumerate(tree["blocks"]) if b["t"] == "Header" and b["c"][1][0] == "glossary")
    header = tree["blocks"][start]
    assert header["c"][0] == 1 and "text" not in header["c"][1][1]
    html = xhtml_of(tree["blocks"][start + 1:])  # raises if the raw HTML is not well-formed
    terms = [dt.text for dt in html.iter("dt")]
    assert terms == ["kulak", "NEP"]  # sorted
    assert all(dt.get("epubtype") == "glossterm" and dt.get("id").startswith("gloss-") for dt in html.iter("dt"))
    assert all(dd.get("epubtype") == "glossdef" for dd in html.iter("dd"))
    assert html.find(".//dd/p/em").text == "New Economic Policy"  # definitions are Markdown
    assert [a.get("href") for a in html.iter("a")] == ["#gloss-kulak"]  # see also


def test_glossary_check_warns_about_unused_terms_and_lists_candidates(tmp_path):
    write(tmp_path, "glossary.yml", GLOSSARY + "- term: Gosplan\n  id: gosplan\n  variants: [Gosplan]\n  definition: d\n")
    body = "\n\n".join(["The Workers’ Opposition met the sovnarkhozy in the Red Army."] * 4)
    tree, warnings = tree_of(f"# One {{#one .text}}\n\nNEP.\n\n{body}\n"), []
    glossary_steps(book_at(tmp_path), tree, warnings)
    assert any("'Gosplan' (id gosplan) occurs in no text" in w for w in warnings)
    candidates = next(w for w in warnings if "frequent terms with no entry" in w)
    assert "Red Army (4)" in candidates and "sovnarkhozy (4)" in candidates
    assert "Workers’ Opposition (4)" in candidates


# ------------------------------------------------------------------ index

INDEX = """\
- heading: "Stalin, Joseph"
  id: stalin
  kind: person
  variants: [Stalin]
  sub:
    - heading: as general secretary
      variants: [general secretary]
  see_also: [plans]
- heading: Five-year plans
  id: plans
  kind: concept
  variants: [five-year plan, first five-year plan]
- heading: Moscow
  id: moscow
  kind: place
  variants: [Moscow]
- heading: Gosplan
  id: gosplan
  kind: organisation
  see: plans
"""

MARKED = """\
# One {#one .text}

:::: opener
[Stalin]{.author}
::::

Stalin in Moscow.

## Chapter 2: Stalin’s plan

### 1. The first

The first five-year plan. Stalin, general secretary, and *Stalin*.[^1]

[^1]: Stalin in J Smith *Moscow* Moscow 1977, p3; the five-year plan.

# Two {#two .text}

## Part I

### 1.1. Words

“Stalin” again.
"""


@pytest.mark.parametrize("entry, message", [
    ("- heading: X\n  id: x\n  kind: animal\n  variants: [X]\n", "'animal' is not one of"),
    ("- heading: X\n  id: x\n  kind: concept\n  see: y\n  variants: [X]\n- heading: Y\n  id: y\n  kind: concept\n"
     "  variants: [Y]\n", "a `see` entry only points"),
    ("- heading: X\n  id: x\n  kind: concept\n  variants: [X]\n- heading: Y\n  id: y\n  kind: concept\n"
     "  variants: [X]\n", "'X' is also a variant of 'x'"),
    ("- heading: X\n  id: x\n  kind: concept\n", "variants: missing"),
    ("- heading: X\n  id: x\n  kind: concept\n  variants: [X]\n  sub:\n    - heading: a\n      forms: [b]\n",
     "sub[1]: forms: unknown field"),
])
def test_index_errors_name_file_line_entry_and_field(tmp_path, entry, message):
    with pytest.raises(ManifestError) as error:
        index.load_index(write(tmp_path, "index.yml", entry))
    assert re.search(r"^index\.yml:\d+: entry \d", str(error.value)) and message in str(error.value)


@pytest.fixture
def marked(tmp_path):
    write(tmp_path, "index.yml", INDEX)
    book = book_at(tmp_path)
    tree, warnings = tree_of(MARKED), []
    index.mark_index(book, tree, warnings)
    return book, tree, warnings


def test_every_occurrence_is_marked_once_with_unique_numbered_ids(marked):
    book, tree, warnings = marked
    marks = spans(tree, "index-mark")
    ids = [m["c"][0][0] for m in marks]
    assert len(ids) == len(set(ids))
    # numbered per heading within each text, so that one text's marks never depend on another's
    assert [i for i in ids if i.startswith("ix-stalin-")] == [f"ix-stalin-one-{n}" for n in range(1, 6)] + [
        "ix-stalin-two-1"]
    assert index.mark_heading("ix-stalin-two-1", "two") == "stalin"
    texts = {m["c"][0][0]: inline_text(m["c"][1]) for m in marks}
    assert texts["ix-plans-one-1"] == "first five-year plan"  # the longest form wins
    assert texts["ix-plans-one-2"] == "five-year plan"  # in the note
    sub = next(m for m in marks if inline_text(m["c"][1]) == "general secretary")
    assert ["data-sub", "0"] in sub["c"][0][2]
    # never in headings or the opener; "Moscow 1977" in a note is a place of publication
    assert not any(spans(b, "index-mark") for b in tree["blocks"] if b["t"] in ("Header", "Div"))
    assert [texts[i] for i in ids if i.startswith("ix-moscow")] == ["Moscow", "Moscow"]
    assert warnings == []


def test_locators_name_text_section_and_paragraph_or_note(marked):
    book, tree, _ = marked
    where = {m.id: m.locator.label for m in index.index_marks(book, tree)}
    assert where["ix-stalin-one-1"] == "One, ¶1"
    assert where["ix-stalin-one-2"] == "One, ch. 2 §1, ¶2"
    assert where["ix-stalin-one-5"] == "One, ch. 2 §1, n. 1"
    assert where["ix-stalin-two-1"] == "Two, pt I §1.1, ¶1"


@pytest.mark.parametrize("heading, label", [
    ("Chapter 4: The Struggle for Productivity of Labor", "ch. 4"), ("IV. The Stalinist Counter-Revolution", "§IV"),
    ("1.1. Party and class", "§1.1"), ("Part II: Second revolution", "pt II"), ("Conclusion", "Conclusion"),
    ("Inadequate Answers, Inadequate Questions", "Inadequate Answers, Inadequate…"),
])
def test_section_labels(heading, label):
    assert locators.heading_label(heading)[0] == label


def test_epub_index_links_land_on_marks_and_is_well_formed(marked):
    book, tree, _ = marked
    blocks = index_pages.epub_index_blocks(book, index.index_for(book), index.index_marks(book, tree))
    html = xhtml_of(blocks[1:])
    mark_text = {m["c"][0][0]: inline_text(m["c"][1]) for m in spans(tree, "index-mark")}
    locators_ = [a for a in html.iter("a") if a.get("class") == "index-locator"]
    assert locators_ and all(a.get("href")[1:] in mark_text for a in locators_)
    entry = next(li for li in html.iter("li") if li.get("id") == "index-stalin")
    text = " ".join("".join(entry.itertext()).split())
    assert text.startswith("Stalin, Joseph One: ¶1; ch. 2 §1 ¶2, n. 1. Two: pt I §1.1 ¶1.")
    assert "as general secretary One: ch. 2 §1 ¶2." in text and "See also Five-year plans." in text
    gosplan = next(li for li in html.iter("li") if li.get("id") == "index-gosplan")
    assert " ".join("".join(gosplan.itertext()).split()) == "Gosplan, see Five-year plans"


def test_print_page_numbers_merge_into_ranges():
    def page_ranges(pages):
        return ", ".join(run.label for run in index_print.page_runs({n: "" for n in pages}))

    assert page_ranges([47, 45, 46, 52, 52, 60, 61]) == "45–47, 52, 60–61"
    assert page_ranges([]) == ""
    runs = index_print.page_runs({46: "b", 45: "a", 47: "c", 52: "d"})
    assert [(run.label, run.target) for run in runs] == [("45–47", "a"), ("52", "d")]


class _Entries(HTMLParser):
    """The print index's entries (li id → text) and link targets, read from its HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.entries, self.hrefs, self._open = {}, [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "li":
            self._open.append(attrs.get("id"))
            if attrs.get("id"):
                self.entries[attrs["id"]] = ""
        if tag == "a":
            self.hrefs.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "li":
            self._open.pop()

    def handle_data(self, data):
        for ident in self._open:
            if ident:
                self.entries[ident] += data

    def text(self, ident: str) -> str:
        return " ".join(self.entries[ident].split())


def test_print_index_html_from_template(marked):
    book, tree, _ = marked
    data = index.collect_index(book, tree)
    pages = {m.id: 10 for m in data.marks}
    pages.update({"ix-stalin-one-1": 3, "ix-stalin-one-5": 99, "ix-stalin-two-1": 5, "ix-plans-one-1": 11,
                  "one-fn1": 4})  # ix-stalin-one-5 and ix-plans-one-2 are in note 1, printed on page 4
    html = index_pages.print_index_html(book, data, pages)
    parsed = _Entries(html)
    assert parsed.text("index-stalin") == "Stalin, Joseph 3, 4n1, 5, 10"
    assert parsed.text("index-plans") == "Five-year plans 4n1, 11"
    assert parsed.text("index-gosplan") == "Gosplan, see Five-year plans"
    after = " ".join(re.sub(r"<[^>]+>", " ", html[html.index('id="index-stalin"'):]).split())
    assert after.index("as general secretary 10") < after.index("see also Five-year plans")  # see also last
    at = parsed.hrefs.index("#ix-stalin-one-1")  # 3 links to its mark, 4n1 to the note, 5 to its mark
    assert parsed.hrefs[at:at + 3] == ["#ix-stalin-one-1", "#one-fn1", "#ix-stalin-two-1"]


# ------------------------------------------------------------------ notes

NOTES = """\
# One {#one .text}

A.[^1] B.[^2] C.[^3] D.[^4] E.[^5] F.[^6]

[^1]: *Translator’s note.* A note by the translator.
[^2]: VI Lenin *CW* Vol 31, Moscow 1977, p457.
[^3]: *ibid* Vol 29, p58.
[^4]: A long comment (Quoted in EH Carr *The interregnum* Harmondsworth 1969, p174). Then (Ibid p236).
[^5]: Ibid, p348.
[^6]: M Reiman The birth of Stalinism London 1987, p89.

# Two {#two .text}

G.[^7]

[^7]: Ibid.
"""


def note_texts(tree) -> list[str]:
    return [" ".join(inline_text(b["c"]) for b in note["c"]) for note in notes.notes_in(tree)]


def test_translators_notes_are_labelled():
    tree = tree_of(NOTES)
    notes.label_notes(None, tree, [])
    labels = spans(tree, "note-label")
    assert len(labels) == 1 and "note-translator" in labels[0]["c"][0][1]
    assert inline_text(labels[0]["c"][1]) == "Translator’s note."


def test_ibid_shows_the_source_it_stands_for():
    tree, warnings = tree_of(NOTES), []
    notes.expand_ibid(None, tree, warnings)
    texts = note_texts(tree)
    assert texts[2] == "ibid [= VI Lenin CW] Vol 29, p58."  # its own volume, so not the source's
    assert texts[3].endswith("(Ibid [= EH Carr The interregnum] p236).")  # the citation in the same note
    assert texts[4] == "Ibid [= EH Carr The interregnum], p348."
    assert texts[6] == "Ibid."  # nothing before it in its text
    assert warnings == ["notes: two note 1: “Ibid.” with no earlier source to name"]
    antecedent = spans(tree, "ibid-antecedent")[0]
    assert {"t": "Emph", "c": [{"t": "Str", "c": "CW"}]} in antecedent["c"][1]  # formatting kept


@pytest.mark.parametrize("citation, source", [
    ("M Reiman The birth of Stalinism London 1987, p89.", "M Reiman The birth of Stalinism"),
    ("L Trotsky The challenge of the Left Opposition 1923–25 New York 1980, p398.",
     "L Trotsky The challenge of the Left Opposition 1923–25"),
    ("See S Fitzpatrick Education and social mobility Cambridge 1979, p187.", "S Fitzpatrick Education and social mobility"),
    ("Few expected a straight military victory.", None),
])
def test_citation_source(citation, source):
    span_ = notes.citation_span(citation)
    assert (citation[span_[0]:span_[1]] if span_ else None) == source


def test_epub_notes_link_both_ways_numbered_per_text():
    tree = tree_of(NOTES)
    notes.label_notes(None, tree, [])
    notes.epub_notes(None, tree, [])
    assert not notes.notes_in(tree)
    html = xhtml_of(tree["blocks"])
    refs = [a for a in html.iter("a") if a.get("epubtype") == "noteref"]
    asides = [a for a in html.iter("aside")]
    assert [r.text for r in refs] == ["1", "2", "3", "4", "5", "6", "1"]
    assert [r.get("href")[1:] for r in refs] == [a.get("id") for a in asides]
    for ref, aside in zip(refs, asides):
        back = aside.find("p/a")
        assert back.get("role") == "doc-backlink" and back.get("href")[1:] == ref.get("id") and back.text == ref.text
        assert aside.get("epubtype") == "footnote" and aside.get("role") == "doc-footnote"
    assert asides[0].get("class") == "footnote note-translator"
    assert asides[-1].get("id") == "two-fn1"


# ------------------------------------------------------------------ preface

def assembled(body: str, **entry):
    from anthology.assemble import AssembledText
    from anthology.model import Document

    fields = dict(id="t", title="A Text", subtitle="", author="An Author", date="1936",
                  published="Written in 1936", source_url="https://www.marxists.org/x/", source_name="")
    fields.update(entry)
    doc = Document(body=body)
    return AssembledText(TextEntry(file=Path("texts/t.md"), format="markdown", **fields), doc)


def test_preface_numbers_are_computed(project_copy):
    from anthology.apparatus import preface_markdown
    from anthology.manifest import load_book
    from anthology.report import report_data

    book = load_book(project_copy / "anthology.yml")
    one = assembled("word " * 460)
    markdown = preface_markdown(book, [one], report_data(book, [one]))
    assert markdown.startswith("# Preface {#preface")
    assert "| 460 | 2 min |" in markdown and "marxists.org" not in markdown
    two = assembled("word " * 23000)
    two.document.log("ocr-join", "a", "b", "line 1")
    two.document.log("quote-double", "a", "b", "line 2")
    markdown = preface_markdown(book, [two], report_data(book, [two]))
    assert "| 23,000 | 1 h 40 min |" in markdown
    assert "1 repair and 1 typographic change." in markdown


# ------------------------------------------------------------------ the real data and the built book

def test_the_glossary_and_index_files_are_big_enough():
    assert len(glossary.load_glossary(ROOT / "glossary.yml")) >= 40
    assert len(index.load_index(ROOT / "index.yml")) >= 80


@pytest.fixture(scope="module")
def book_epub(epub):
    """The built EPUB, with its apparatus: a preface and an index chapter (without them, every test
    that uses it errors, naming what is missing)."""
    missing = [name for name in ("preface", "index") if name not in epub.chapters]
    assert not missing, f"the built EPUB has no {' or '.join(missing)} chapter"
    return epub


def _text_ids(epub) -> list[str]:
    return [i for i, root in epub.chapters.items()
            if "text" in (root.find(f".//{XHTML}body/{XHTML}section").get("class") or "").split()]


def test_epub_note_calls_and_notes_resolve_both_ways(book_epub):
    from test_book import STRUCTURE

    for text_id in _text_ids(book_epub):
        refs, asides = book_epub.noterefs(text_id), book_epub.notes(text_id)
        assert len(refs) == len(asides) == STRUCTURE[text_id][2]
        for ref, aside in zip(refs, asides):
            assert ref.get("href").split("#")[1] == aside.get("id")
            back = next(a for a in aside.iter(f"{XHTML}a") if a.get("role") == "doc-backlink")
            assert back.get("href").split("#")[1] == ref.get("id") and back.text == ref.text


def _forms(entry_variants) -> re.Pattern:
    alternatives = sorted((re.escape(v.replace("’", "'")).replace(r"\ ", r"\s+") for v in entry_variants),
                          key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _running_text(root):
    """(text, glossary links) of a chapter's running text in reading order: no headings, opener
    or notes. Each link is (term id, offset where it starts)."""
    parts, links = [], []
    skip_tags = {f"{XHTML}h{n}" for n in range(1, 7)}

    def walk(node):
        if node.tag in skip_tags or node.get(EPUB_TYPE) in ("footnote", "footnotes") \
                or {"opener", "discussion"} & set((node.get("class") or "").split()):
            return
        glossary = node.tag == f"{XHTML}a" and "glossary-term" in (node.get("class") or "")
        if glossary:  # a call to the definition in the same file: "#<text-id>-gloss-<term id>"
            links.append((node.get("href").rpartition("gloss-")[2], len("".join(parts))))
        if node.tag == f"{XHTML}a" and node.get(EPUB_TYPE) == "noteref" and not glossary:
            parts.append(" " + (node.tail or ""))
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
        if node.tag == f"{XHTML}p":
            parts.append("\n")
        parts.append(node.tail or "")

    walk(root.find(f".//{XHTML}body"))
    return "".join(parts).replace("’", "'").replace("\u00a0", " "), links


def _first_uses(text: str, terms: dict) -> dict[str, int]:
    """Where each term is first used in `text`: whole words, the longest form winning where forms
    overlap ("Council of People’s Commissars" is not a use of "People’s Commissars")."""
    owner = {v.replace("’", "'"): t.id for t in terms.values() for v in t.variants}
    first: dict[str, int] = {}
    for m in _forms(list(owner)).finditer(text):
        first.setdefault(owner[re.sub(r"\s+", " ", m.group())], m.start())
    return first


def test_epub_glossary_first_use_per_text_is_linked(book_epub):
    terms = {t.id: t for t in glossary.load_glossary(ROOT / "glossary.yml")}
    dl = book_epub.chapters["glossary"].find(f".//{XHTML}dl")
    assert len(dl.findall(f"{XHTML}dt")) == len(terms) >= 40
    used = set()
    for text_id in _text_ids(book_epub):
        text, links = _running_text(book_epub.chapters[text_id])
        linked = dict(links)
        assert len(links) == len(linked), f"{text_id}: a term linked twice"
        first = _first_uses(text, terms)
        assert linked == first, f"{text_id}: links differ from first uses"
        used.update(first)
    everywhere = "\n".join(book_epub.body_text(t) for t in _text_ids(book_epub)).replace("’", "'")
    unused = [t.term for t in terms.values() if t.id not in used and not _forms(t.variants).search(everywhere)]
    assert not unused  # every term occurs in some text (in its running text or its notes)


def test_epub_index_links_land_on_the_term(book_epub):
    headings = {h.id: h for h in index.load_index(ROOT / "index.yml")}
    root = book_epub.chapters["index"]
    entries = [li for li in root.iter(f"{XHTML}li") if li.get("id", "").startswith("index-")]
    assert len(entries) >= 80
    by_id = {}
    for chapter in book_epub.chapters.values():
        for node in chapter.iter():
            if node.get("id"):
                by_id[node.get("id")] = node
    locators_ = [a for a in root.iter(f"{XHTML}a") if a.get("class") == "index-locator"]
    assert len(locators_) > 1000
    for a in locators_:
        target = by_id[a.get("href").split("#")[1]]
        mark = target.get("id")
        text_id = next(t for t in _text_ids(book_epub) if mark.rsplit("-", 1)[0].endswith(f"-{t}"))
        heading = headings[index.mark_heading(mark, text_id)]
        forms = heading.variants + [v for _, vs in heading.subs for v in vs]
        assert _forms(forms).fullmatch("".join(target.itertext()).replace("’", "'").replace("\u00a0", " ")), a.get("href")


def _raw_page_texts(path) -> list[str]:
    from pdf_tools import pdf_page_texts

    return list(pdf_page_texts(path))


def _normalised(text: str) -> str:
    text = re.sub(r"(?m)^\d+\n", "", text)  # margin paragraph numbers, read between the lines
    text = re.sub(r"[-\u2010\u00ad]\s*\n\s*", "", text)  # words hyphenated at a line end
    return " ".join(text.replace("’", "'").split())


def _on_page(pages: list[str], raw: list[str], folio: int, form: str) -> bool:
    """Whether a form's first word is on a page, or begins at its foot and is hyphenated over to
    the next page ("Eng-" / "land"): the index gives the page where a word begins. (The raw text is
    searched for the hyphenated start, as a page's margin numbers, running head and folio may be
    extracted after its last line.)"""
    word = form.replace("-", "").replace("’", "'").split()[0]
    if word in pages[folio - 1].replace("-", ""):
        return True
    # (pdftotext drops the hyphen of a word broken at a line end, so the break is a line's last word)
    for m in re.finditer(r"(\w+)[-\u2010\u00ad]?\s*\n", raw[folio - 1]):
        start = m.group(1)
        if len(start) < len(word) and word.startswith(start) and folio < len(pages) \
                and re.search(rf"(?<!\w){re.escape(word[len(start):])}", pages[folio][:300]):
            return True
    return False


def test_pdf_index_page_numbers_show_the_term(built, book_epub):
    from test_index_print import built_print_index

    raw = _raw_page_texts(built.outputs["pdf"])
    pages = [_normalised(text) for text in raw]
    headings = {h.heading: h for h in index.load_index(ROOT / "index.yml")}
    checked = 0
    for entry in built_print_index(built):
        h = headings[entry.heading.parts["label"]]
        if h.see:
            continue  # a cross-reference has no pages
        forms = [f.replace("’", "'") for f in h.variants + [v for _, vs in h.subs for v in vs]]
        for line in (entry.heading, *entry.subs):
            for part in line.locators:
                if "n" in part:
                    continue  # a note's page: tests/test_index_print.py checks it prints the note
                first, _, last = part.partition("–")
                for folio in range(int(first), int(last or first) + 1):
                    assert any(_on_page(pages, raw, folio, f) for f in forms), (h.heading, folio)
                    checked += 1
    assert checked > 1000


def test_preface_comes_first_with_computed_figures(built, book_epub):
    from anthology.prose import count_words

    assert list(book_epub.chapters)[0] == "preface"
    text = " ".join(book_epub.body_text("preface").split())
    for item in built.texts:
        assert f"{count_words(item.document.body):,}" in text
    assert "marxists.org" not in text

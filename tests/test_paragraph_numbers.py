"""Paragraph numbers only on paragraphs, and in the EPUB as text.

Unit tests judge lines taken from the texts (each is checked to be a whole line of its raw file, so
the examples stay real); book tests read the built EPUB: every number is the anchor's text, no
line the rules call a dateline or citation is numbered, and the reading plan's and the preface's
"¶ n" land on numbered paragraphs.
"""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from anthology import doctree
from anthology.apparatus.anchors import UNNUMBERED, number_paragraphs
from anthology.apparatus.paragraph_shapes import RULES, unnumbered_rule, wholly_bracketed
from anthology.manifest import Book, TextEntry
from anthology.render.epub.pagelist import insert_page_breaks
from anthology.render.epub.paragraph_numbers import AFTER_NUMBER, write_paragraph_numbers
from anthology.render.pages import PageStart
from epub_tools import NS, is_paragraph_number, prose_of, text_of

ROOT = Path(__file__).resolve().parent.parent
X = f"{{{NS['x']}}}"
EPUB_TYPE = f"{{{NS['epub']}}}type"


def raw_lines(name: str) -> set[str]:
    return {line.strip() for line in (ROOT / name).read_text(encoding="utf-8").splitlines()}


# ------------------------------------------------------------------ the rules, on lines from the texts

NOT_PARAGRAPHS = [
    ("texts/revolution-betrayed.ocr.txt", "August 4 1936", "dateline"),  # under the Introduction
    ("texts/revolution-betrayed.ocr.txt", "September 1936", "dateline"),  # under the Postscript
    ("texts/revolution-betrayed.ocr.txt", "(State and Revolution)", "bare-citation"),  # after Lenin's words
]

PROSE = [
    ("texts/revolution-betrayed.ocr.txt", "The regime survived."),  # three words, one sentence
    ("texts/revolution-betrayed.ocr.txt", "And Stalin seconded him:"),  # introduces a quotation
    ("texts/revolution-betrayed.ocr.txt", "Rakovsky further explains:"),
    ("texts/why-russia-isnt-socialist.md", "And Lenin insists:"),
    ("texts/genesis-part-1.md", "**This situation is an entirely novel and difficult one.**"),
]


@pytest.mark.parametrize("source, line, rule", NOT_PARAGRAPHS)
def test_datelines_and_citations_from_the_texts_are_not_paragraphs(source, line, rule):
    assert line in raw_lines(source)
    found = unnumbered_rule(line, "en")
    assert found is not None and found.name == rule


@pytest.mark.parametrize("source, line", PROSE)
def test_short_prose_paragraphs_from_the_texts_stay_numbered(source, line):
    assert line in raw_lines(source)
    assert unnumbered_rule(line.strip("*"), "en") is None


def test_the_editors_closing_bracket_is_an_interpolation():
    """The editorial file's mark where the Trotsky text stops: the editor's words, not Trotsky's."""
    mark = next(line.split(": ", 1)[1].strip('"') for line in
                (ROOT / "editorial/revolution-betrayed.yml").read_text(encoding="utf-8").splitlines()
                if line.strip().startswith("mark:"))
    assert unnumbered_rule(mark.strip("*"), "en").name == "interpolation"


@pytest.mark.parametrize("line", [
    "In January 1930, at a Moscow congress, a member of the Central Committee, Andreyev, drew a "
    "two-sided picture of collectivization:",  # begins with a date
    "Finally, on March 1, 1936, in a conversation with Roy Howard, Stalin offered a new definition "
    "of the Soviet regime:",
    "Basing himself wholly upon the Marxian theory of the dictatorship of the proletariat, Lenin did "
    "not succeed, as we have said, either in his chief work dedicated to this question (State and "
    "Revolution), or in the program of the party",  # a citation inside a sentence
    "(a) the state farms and (b) the collective farms",  # brackets that open and close twice
    "(This chapter was written before the trial was announced, and the author has not changed a word of it.)",
    "May 1936 was a hard month.",
    "No.",
])
def test_sentences_that_look_like_dates_or_citations_stay_numbered(line):
    assert unnumbered_rule(line, "en") is None


@pytest.mark.parametrize("line, language", [
    ("Coyoacan, August 4, 1936", "en"), ("4th August, 1936.", "en"), ("Monday, August 4, 1936", "en"),
    ("AUGUST 1936", "en-GB"), ("4 août 1936", "fr"), ("4. August 1936", "de"), ("4 августа 1936", "ru"),
])
def test_datelines_in_other_spellings_and_languages(line, language):
    assert unnumbered_rule(line, language).name == "dateline"


def test_a_language_babel_does_not_know_has_no_datelines():
    assert unnumbered_rule("August 4, 1936", "xx-unknown") is None


def test_signatures_are_fragments():
    assert unnumbered_rule("L. Trotsky", "en").name == "fragment"
    assert unnumbered_rule("— Lenin", "en").name == "fragment"


def test_wholly_bracketed():
    assert wholly_bracketed("(State and Revolution)") == "("
    assert wholly_bracketed("[sic]") == "["
    assert wholly_bracketed("(a) one (b) two") is None
    assert wholly_bracketed("(unclosed") is None


def test_every_rule_has_a_name_and_a_reason():
    assert len({rule.name for rule in RULES}) == len(RULES)
    assert all(rule.reason and len(rule.reason) < 120 for rule in RULES)


# ------------------------------------------------------------------ numbering a text

TEXT_MD = """# One {#one .text}

::: opener
[An Author]{.author}
:::

The introduction's only paragraph.

August 4 1936

## Postscript

The regime survived.

> “The proletariat needs a state – this all the opportunists can tell you.”

(State and Revolution)

And Lenin insists:[^n]

[^n]: A note does not make a paragraph prose or not.
"""


def one_text_book() -> Book:
    entry = TextEntry(id="one", file=Path("texts/one.md"), format="markdown", title="One", author="A", date="1936")
    return Book(root=Path("."), manifest_path=Path("anthology.yml"), meta={"language": "en"}, texts=[entry])


def test_lines_that_are_not_paragraphs_get_no_number_and_do_not_shift_the_others():
    tree = doctree.from_markdown(TEXT_MD)
    facts: dict = {}
    number_paragraphs(one_text_book(), tree, [], facts)
    numbered, bare = [], []

    def visit(block):
        if block["t"] == "Para":
            first = doctree.inlines_of(block)[0]
            text = " ".join(doctree.stringify(block).split())
            if first["t"] == "Span" and doctree.has_class(first, "para-anchor"):
                numbered.append((doctree.node_id(first), dict(doctree.keyvals(first))["data-n"], text))
            else:
                bare.append(text)

    doctree.walk_blocks(tree["blocks"], visit)
    assert [(ident, n) for ident, n, _ in numbered] == [(f"one-p{n}", str(n)) for n in range(1, 5)]
    assert [text for _, _, text in numbered][1:] == [
        "The regime survived.", "“The proletariat needs a state – this all the opportunists can tell you.”",
        "And Lenin insists:"]
    assert bare == ["An Author", "August 4 1936", "(State and Revolution)"]  # the opener's line is not the text's
    assert dict(facts[UNNUMBERED]) == {"one: dateline: August 4 1936": 1,
                                       "one: bare-citation: (State and Revolution)": 1}


# ------------------------------------------------------------------ the EPUB writes the number as text

CHAPTER = (f'<html xmlns="{NS["x"]}" xmlns:epub="{NS["epub"]}"><body><section id="t" class="level1 text">'
           '<h1>Title</h1>'
           '<p><span id="t-p1" class="para-anchor" data-n="1"></span>The first <em>paragraph</em> here.</p>'
           '<p>August 4 1936</p>'
           '<p><span id="t-p2" class="para-anchor" data-n="2"></span><em>Second</em> one, develop\u00adment.</p>'
           '</section></body></html>')


def test_the_epub_number_is_the_anchors_text_followed_by_a_no_break_space():
    root = ET.fromstring(CHAPTER)
    assert write_paragraph_numbers(root) == 2
    spans = [s for s in root.iter(f"{X}span") if is_paragraph_number(s)]
    assert [(s.text, s.tail) for s in spans] == [("1", AFTER_NUMBER + "The first "), ("2", AFTER_NUMBER)]
    paragraphs = list(root.iter(f"{X}p"))
    assert text_of(paragraphs[0]) == "1\u00a0The first paragraph here."
    assert prose_of(paragraphs[2]) == "Second one, develop\u00adment."
    assert write_paragraph_numbers(root) == 0  # written once


def test_print_pages_land_in_the_same_place_with_the_numbers_written():
    """The page list counts a paragraph's own characters after its anchor: a written number must
    not move any page marker (render/pages.py)."""
    starts = [PageStart(1, "t", 0, "Title", "1"), PageStart(2, "t-p1", 0, "The", "2"),
              PageStart(3, "t-p1", 8, "paragraph", "3"), PageStart(4, "t", 5, "August", "4"),
              PageStart(5, "t-p2", 0, "Second", "5"), PageStart(6, "t-p2", 16, "ment.", "6")]

    def rendered(write: bool) -> str:
        root = ET.fromstring(CHAPTER)
        if write:
            write_paragraph_numbers(root)
        problems: list[str] = []
        insert_page_breaks({"EPUB/text/ch001.xhtml": root}, starts, problems)
        assert not problems

        def render(node):
            out = node.text or ""
            for child in node:
                if child.get(EPUB_TYPE) == "pagebreak":
                    out += f"[{child.get('aria-label')}]"
                elif not is_paragraph_number(child):
                    out += render(child)
                out += (child.tail or "").lstrip(AFTER_NUMBER) if is_paragraph_number(child) else (child.tail or "")
            return out

        return render(root.find(f".//{X}body"))

    assert rendered(True) == rendered(False)
    assert rendered(True) == "[1]\nTitle[2]The first [3]paragraph here.[4]August 4 1936[5]Second one, [6]develop\u00adment."


def test_the_epub_style_sheet_styles_the_number_and_does_not_generate_it():
    """The EPUB number is text; print keeps its margin number as generated content, which adds no
    character to the page-mapped text."""
    epub_css = re.sub(r"/\*.*?\*/", "", (ROOT / "styles/epub.css").read_text(encoding="utf-8"), flags=re.S)
    print_css = (ROOT / "styles/print.css").read_text(encoding="utf-8")
    assert "attr(data-n)" not in epub_css and re.search(r"\.para-anchor\s*\{[^}]*font-size", epub_css)
    assert re.search(r"\.para-anchor\[data-n\]::before\s*\{[^}]*content:\s*attr\(data-n\)", print_css)


# ------------------------------------------------------------------ the built book

def body_paragraphs(root):
    """A text's own paragraphs in the EPUB: not its opener, its questions or its notes."""
    skip = set()
    for element in root.iter():
        if element.get(EPUB_TYPE) in ("footnote", "footnotes") or \
                {"opener", "discussion"} & set((element.get("class") or "").split()):
            skip.update(id(inner) for inner in element.iter())
    return [p for p in root.iter(f"{X}p") if id(p) not in skip]


def test_every_epub_paragraph_number_is_in_the_text(built, epub):
    numbered = 0
    for text_id in epub.text_ids():
        for paragraph in body_paragraphs(epub.chapters[text_id]):
            if len(paragraph) and is_paragraph_number(paragraph[0]):
                anchor = paragraph[0]
                numbered += 1
                assert anchor.text == anchor.get("data-n") and anchor.get("id") == f"{text_id}-p{anchor.text}"
                assert text_of(paragraph).startswith(anchor.text + AFTER_NUMBER)
    assert numbered > 600


def test_no_dateline_or_citation_is_numbered(epub):
    left_out = []
    for text_id in epub.text_ids():
        for paragraph in body_paragraphs(epub.chapters[text_id]):
            line = " ".join(prose_of(paragraph).split())
            is_numbered = len(paragraph) and is_paragraph_number(paragraph[0])
            rule = unnumbered_rule(line, "en")
            assert bool(is_numbered) == (rule is None), (text_id, line[:60])
            if rule is not None:
                left_out.append((rule.name, line))
    assert ("dateline", "August 4 1936") in left_out and ("dateline", "September 1936") in left_out
    assert ("bare-citation", "(State and Revolution)") in left_out


def test_reading_plan_paragraph_ranges_resolve_to_numbered_paragraphs(epub, built):
    """Each reading's "¶ a–b": a is the first numbered paragraph at its link's target, and b is
    the paragraph holding the reading's end anchor."""
    holder = {node.get("id"): (text_id, root) for text_id, root in epub.chapters.items() for node in root.iter()
              if node.get("id")}
    checked = 0
    for item in epub.chapters["reading-plan"].iter(f"{X}p"):
        links = [a for a in item.iter(f"{X}a")]
        ranges = [span.text for span in item.iter(f"{X}span") if "plan-paragraphs" in (span.get("class") or "")]
        for link, cited in zip(links, ranges):
            found = re.fullmatch(r"¶ (\d+)(?:–(\d+))?", cited)
            first, last = int(found[1]), int(found[2] or found[1])
            start = link.get("href").split("#")[1]
            text_id, root = holder[start]
            target = next(node for node in root.iter() if node.get("id") == start)
            after = [node for node in target.iter(f"{X}span") if is_paragraph_number(node)]
            assert after and after[0].get("data-n") == str(first), cited
            end = f"{text_id}-p{last}-end"
            parents = {child: parent for parent in root.iter() for child in parent}
            end_node = next(node for node in root.iter() if node.get("id") == end)
            paragraph = parents[end_node]
            assert is_paragraph_number(paragraph[0]) and paragraph[0].get("data-n") == str(last), cited
            checked += 1
    assert checked == sum(len(m.readings) for m in built.book.meetings) >= 9


def test_the_prefaces_paragraph_citation_points_at_a_numbered_paragraph(epub, built):
    preface = " ".join(text_of(epub.chapters["preface"]).split())
    citations = re.findall(r"“([^”]+?) ¶ (\d+)”", preface)
    assert citations
    titles = {(entry.short_title or entry.title): entry.id for entry in built.book.texts}
    for title, number in citations:
        text_id = titles[title]
        anchors = {span.get("id"): span.text for span in epub.chapters[text_id].iter(f"{X}span")
                   if is_paragraph_number(span)}
        assert anchors.get(f"{text_id}-p{number}") == number

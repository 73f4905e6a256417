"""The `html` reader on a real saved page (examples/outside/texts/wikipedia-mozilla.html: Wikipedia's
"Mozilla" article as saved with its scripts, menus and `<sup class="reference">` notes) and on small
pages in the other web note shapes, all with real Pandoc and the real extractor."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from anthology.errors import SourceError
from anthology.footnotes import NOTE_CALL
from anthology.inputs import MAX_SOURCE_BYTES
from anthology.pandoc import convert
from anthology.sources import html, reasons

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "examples" / "outside" / "texts" / "wikipedia-mozilla.html"
DEFINITION = re.compile(r"^\[\^([^\]]+)\]: (.*)$", re.M)
HEADING = re.compile(r"^(#{1,6}) (.+)$", re.M)


def read(page: str | bytes, name: str = "texts/page.html", **options):
    return html.read(page.encode("utf-8") if isinstance(page, str) else page, options=options, editorial={},
                     origin=name)


def body_and_notes(body: str) -> tuple[str, dict[str, str]]:
    start = re.search(r"^\[\^[^\]]+\]: ", body, re.M)
    text = body[:start.start()] if start else body
    return text, dict(DEFINITION.findall(body))


@pytest.fixture(scope="module")
def saved():
    return html.read(PAGE.read_bytes(), options={}, editorial={}, origin="texts/wikipedia-mozilla.html")


@pytest.fixture(scope="module")
def source():
    return lxml_html.fromstring(PAGE.read_bytes())


def test_every_note_call_of_the_page_resolves(saved, source):
    text, notes = body_and_notes(saved.body)
    calls = NOTE_CALL.findall(text)
    page_calls = source.xpath("//sup[contains(@class, 'reference')]/a[starts-with(@href, '#cite_note')]")
    assert len(calls) == len(page_calls) == 76
    assert calls == [str(n) for n in range(1, 77)]
    assert set(notes) == set(calls) and all(notes.values())
    assert notes["1"] == 'For exceptions, see "Values" section below'
    assert not any(re.match(r"[\^↑↩]|Jump up", note) for note in notes.values()), "a back-link is left"
    assert sum(c.rule == "html-note" for c in saved.changes) == 76


def test_headings_keep_the_page_levels(saved, source):
    levels = {}
    for heading in source.xpath("//h2 | //h3 | //h4 | //h5 | //h6"):
        text = re.sub(r"\[\s*edit\s*\]", "", " ".join(heading.text_content().split())).strip()
        levels.setdefault(text, int(heading.tag[1]))
    found = HEADING.findall(body_and_notes(saved.body)[0])
    assert len(found) >= 35
    assert all(levels[text] == len(hashes) for hashes, text in found), found
    assert ("##", "History") in found and ("####", "Gecko") in found


def test_the_title_heading_is_the_title_not_a_heading(saved):
    assert saved.metadata["title"] == "Mozilla"
    assert saved.metadata["source"] == "https://en.wikipedia.org/wiki/Mozilla"
    assert not re.search(r"^# ", saved.body, re.M)
    assert any(c.rule == "html-title-heading" for c in saved.changes)


def test_no_script_style_navigation_or_entity_reaches_the_text(saved):
    for furniture in ("wgCanonicalNamespace", "RLQ", "mw-parser-output", "Personal tools", "Navigation menu",
                      "Create account", "Main page", "What links here", "[edit]", "Jump to"):
        assert furniture not in saved.body, furniture
    assert not re.search(r"&[#\w]+;", saved.body)
    assert "<" not in re.sub(r"<https?://[^>\s]+>", "", saved.body), "raw HTML is left"
    assert {"html-script", "html-navigation", "html-contents", "html-extract"} <= {c.rule for c in saved.changes}
    assert set(c.rule for c in saved.changes) <= set(reasons())


def test_pandocs_own_footnotes_become_notes():
    page = convert("---\ntitle: On Strikes\nauthor: A. Writer\n---\n\nA claim.[^a] Another.[^b]\n\n"
                   "## Part\n\nMore.[^a2]\n\n[^a]: First *note*.\n[^b]: Second.\n[^a2]: Third.\n",
                   "html5", args=["--standalone"])
    assert 'class="footnote-ref"' in page and "footnote-back" in page
    doc = read(page, extract=False)
    text, notes = body_and_notes(doc.body)
    assert NOTE_CALL.findall(text) == ["1", "2", "3"]
    assert notes == {"1": "First *note*.", "2": "Second.", "3": "Third."}
    assert "## Part" in text and "↩" not in doc.body
    assert doc.metadata["title"] == "On Strikes" and doc.metadata["author"] == "A. Writer"


BLOG = """<!DOCTYPE html><html><head><title>The Commune | A Blog</title>
<meta name="citation_title" content="The Commune of 1871">
<meta name="citation_author" content="Ann Historian"><meta name="DC.date" content="2019-03-18">
<meta property="og:site_name" content="A Blog"><style>p { color: red }</style>
<script>var tracker = "TRACKER";</script></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<form><input name="q"> <button>Search</button></form>
<article><h1>The Commune of 1871</h1><time datetime="2019-03-18">18 March 2019</time>
<p>The National Guard held the cannon of Montmartre.<sup><a href="#n1" id="r1">1</a></sup>
The government fled to Versailles.<sup><a href="#note2" id="r2">[2]</a></sup></p>
<!-- a comment: COMMENTED -->
<h2>The Assembly</h2><p>Elections followed on 26 March &amp; the Council met.<sup><a href="#n1">1</a></sup></p>
<img src="barricade.jpg" alt="a barricade">
<hr><p><a href="#r1" id="n1">1.</a> Lissagaray, <em>History of the Commune</em>, ch. 2. <a href="#r1">↩</a></p>
<p id="note2"><a href="#r2">2</a> Thiers left Paris that afternoon.</p>
</article><footer>Copyright A Blog</footer></body></html>"""


def test_a_blogs_numbered_endnote_paragraphs_become_notes():
    doc = read(BLOG, extract=False)
    text, notes = body_and_notes(doc.body)
    assert NOTE_CALL.findall(text) == ["1", "2", "3"]
    assert notes["1"] == "Lissagaray, *History of the Commune*, ch. 2."
    assert notes["2"] == "Thiers left Paris that afternoon."
    assert notes["3"] == notes["1"], "a note called twice is given to each call"
    assert "## The Assembly" in text and "26 March & the Council" in text
    for furniture in ("TRACKER", "color: red", "Home", "Search", "COMMENTED", "barricade", "↩", "Lissagaray"):
        assert furniture not in text, furniture


def test_metadata_from_citation_dublin_core_and_open_graph():
    doc = read(BLOG, extract=False)
    assert doc.metadata["title"] == "The Commune of 1871"
    assert doc.metadata["author"] == "Ann Historian"
    assert doc.metadata["date"] == "2019-03-18"
    assert doc.metadata["publication"] == "A Blog"
    assert "# The Commune" not in doc.body


def test_the_main_option_chooses_the_element():
    doc = read(BLOG, main="article")
    assert "Copyright" not in doc.body and "National Guard" in doc.body
    with pytest.raises(SourceError, match=r"^texts/page\.html: option main: 'section\.text' matches no element"):
        read(BLOG, main="section.text")
    with pytest.raises(SourceError, match=r"^texts/page\.html: option main: '\[\[' is not a CSS selector"):
        read(BLOG, main="[[")


def test_extract_false_keeps_the_whole_body_less_furniture():
    doc = read(BLOG, extract=False)
    assert "Copyright A Blog" in doc.body
    assert not any(c.rule == "html-extract" for c in doc.changes)


@pytest.mark.parametrize("data, problem", [
    (b"", "the file is empty"),
    (b" \n\t\n", "the file is empty"),
    (b"<html>\x00\x01\x02</html>", "looks binary"),
    (b"<html><head><title>T</title></head><body><nav><a href='/'>Home</a></nav></body></html>", "no text"),
])
def test_unreadable_pages_are_source_errors_naming_the_file(data, problem):
    with pytest.raises(SourceError, match=r"^texts/bad\.html(:\d+)?: ") as caught:
        read(data, "texts/bad.html", extract=False)
    assert problem in str(caught.value)


def test_a_page_over_the_size_limit_is_refused():
    with pytest.raises(SourceError, match=r"^texts/big\.html: the file is \d+ KB, over the"):
        read(b"<p>" + b"a " * (MAX_SOURCE_BYTES // 2 + 1) + b"</p>", "texts/big.html")


GUTENBERG = """<html><head><title>The Project Gutenberg eBook of Essays</title></head><body>
<h1>ESSAYS</h1><h2>CONTENTS</h2>
<p><a href="#I">I. Of Liberty</a><br><a href="#II">II. Of Property</a><br><a href="#III">III. Of Labour</a></p>
<h2><a id="I"></a>I. OF LIBERTY</h2>
<p>The first claim.<a name="FNanchor_1" id="FNanchor_1"></a><a href="#Footnote_1" class="fnanchor">[1]</a><br><br>
A second paragraph, set apart by two line breaks.</p>
<h2><a id="II"></a>II. OF PROPERTY</h2><p>Property is a relation.</p>
<h2><a id="III"></a>III. OF LABOUR</h2><p>Labour comes first.<a href="#Footnote_2" class="fnanchor">[A]</a></p>
<div class="footnotes"><h3>FOOTNOTES:</h3>
<div class="footnote"><p><a name="Footnote_1" id="Footnote_1"></a><a href="#FNanchor_1"><span class="label">[1]</span></a>
Locke, <i>Second Treatise</i>, § 27.</p></div>
<div class="footnote"><p><a id="Footnote_2"></a><a href="#FNanchor_2"><span class="label">[A]</span></a> A lettered note.</p></div>
</div></body></html>"""


def test_a_gutenberg_page_its_contents_breaks_and_lettered_notes():
    doc = read(GUTENBERG, extract=False)
    text, notes = body_and_notes(doc.body)
    assert doc.metadata["title"] == "ESSAYS"
    assert NOTE_CALL.findall(text) == ["1", "2"]
    assert notes == {"1": "Locke, *Second Treatise*, § 27.", "2": "A lettered note."}
    assert "CONTENTS" not in text and "II. Of Property" not in text, "the table of contents is left"
    assert "The first claim.[^1]\n\nA second paragraph" in text
    assert re.findall(r"^## (.+)$", text, re.M) == ["I. OF LIBERTY", "II. OF PROPERTY", "III. OF LABOUR"]
    assert "FOOTNOTES" not in doc.body and "\\" not in doc.body
    assert {"html-contents", "html-double-break", "html-notes-heading"} <= {c.rule for c in doc.changes}

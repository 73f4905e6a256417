"""Markdown taken from a static-site repository: the Markdown reader on a real chapter from a
Jekyll book (examples/outside/texts/, see its provenance in the report of the helper that added
it), and each site-debris rule (`anthology.sources.repair.site_debris`) on a small example of
the shape real sites write."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pypandoc
import pytest

from anthology import sources
from anthology.errors import SourceError
from anthology.sources.repair import site_debris
from anthology.typography import typogrify

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = "examples/outside/texts/binkley-what-is-right-with-marriage-ch2.md"
"""Chapter II of R. C. and F. W. Binkley, *What Is Right with Marriage* (1929), as the
jekyll-book edition's repository keeps it (CC0): Jekyll front matter, footnotes, page marks."""


def read(raw: str, origin: str = "texts/web.md", **options):
    return sources.read("markdown", raw, options=options, editorial={}, origin=origin)


def rules(doc) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in doc.changes:
        counts[change.rule] = counts.get(change.rule, 0) + 1
    return counts


def ast(markdown: str) -> dict:
    return json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))


def walk(node, kind: str):
    if isinstance(node, dict):
        if node.get("t") == kind:
            yield node
        for value in node.values():
            yield from walk(value, kind)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item, kind)


def headings(body: str) -> list[tuple[int, str]]:
    return [(len(m.group(1)), m.group(2)) for m in re.finditer(r"(?m)^(#{1,6}) (.*)$", body)]


def assert_clean(body: str) -> None:
    """The properties every cleaned web chapter must have."""
    prose = re.sub(r"(?s)```.*?```|`[^`\n]+`", "", body)
    assert "{{" not in prose and "{%" not in prose
    assert not re.search(r"&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", prose, re.I), "an HTML entity is left"
    assert not re.search(r"</?(?!sup\b|sub\b)[a-z][a-z0-9]*\b[^>]*>", prose, re.I), "raw HTML is left"
    levels = headings(body)
    blocks = [b for b in body.split("\n\n") if b.strip() and not re.match(r"\[\^[^\]]+\]:", b)]
    for i, block in enumerate(blocks):
        head = re.match(r"(#{1,6}) ", block)
        if head:
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            nxt_head = re.match(r"(#{1,6}) ", nxt) if nxt else None
            assert nxt is not None and not (nxt_head and len(nxt_head.group(1)) <= len(head.group(1))), \
                f"empty section: {block!r}"
    for block in blocks:
        assert site_debris.navigation_links(site_debris.Block("para", block, 0)) is None, f"navigation: {block!r}"
    calls = set(re.findall(r"\[\^([^\]\s]+)\](?!:)", body))
    defined = set(re.findall(r"(?m)^\[\^([^\]\s]+)\]:", body))
    assert calls <= defined, calls - defined
    assert levels is not None


@pytest.fixture(scope="module")
def chapter():
    return read((ROOT / FIXTURE).read_text(encoding="utf-8"), origin=FIXTURE)


# --------------------------------------------------------------------------- the real chapter

def test_fixture_is_clean(chapter):
    assert_clean(chapter.body)
    tree = ast(chapter.body)
    assert len(list(walk(tree, "Note"))) == 4  # [^2-1] … [^2-4], each called once and defined once
    assert "[^2-1]" in chapter.body and not chapter.warnings


def test_fixture_front_matter(chapter):
    assert chapter.metadata == {"title": "Chapter II: Diverse Theories of Marriage and of the Family Which Now Prevail"}
    dropped = [c for c in chapter.changes if c.rule == "md-front-matter-site-keys"]
    assert [c.before for c in dropped] == ["layout, permalink, id, group"]


def test_fixture_headings_at_the_source_levels(chapter):
    """Its one heading repeats the front matter's title: it is the title line, not a body heading."""
    assert headings(chapter.body) == []
    assert chapter.metadata["title"] == "Chapter II: Diverse Theories of Marriage and of the Family Which Now Prevail"


def test_fixture_through_typography(chapter):
    text, changes = typogrify(chapter.body)
    assert_clean(text)
    assert "“" in text and '"' not in re.sub(r"`[^`]*`", "", text)


# --------------------------------------------------------------------------- front matter

def test_front_matter_site_keys_are_not_metadata():
    doc = read("---\nlayout: post\ntitle: Notes from Below\ndate: 2016-05-28 08:12:29\ncategories: jekyll update\n"
               "permalink: /x/\n---\n\nText.\n")
    assert doc.metadata == {"title": "Notes from Below", "date": "2016-05-28T08:12:29"}
    assert rules(doc)["md-front-matter-site-keys"] == 1


def test_toml_front_matter():
    doc = read('+++\ntitle = "The Paris Commune"\ndate = 2021-03-18\ndraft = false\nweight = 3\n+++\n\nText.\n')
    assert doc.metadata == {"title": "The Paris Commune", "date": "2021-03-18"}
    assert doc.body == "Text.\n"
    with pytest.raises(SourceError, match="TOML front matter"):
        read('+++\ntitle = "x"\n\nText.\n')


# --------------------------------------------------------------------------- templating

def test_liquid_tags_go_outside_code():
    doc = read("{% include toc.html %}\n\nThe strike began{{ site.footnote_mark }} in May.\n\n"
               "Write `{{ page.title }}` to print it.\n\n```\n{% raw %}{{ x }}{% endraw %}\n```\n")
    assert doc.body == ("The strike began in May.\n\nWrite `{{ page.title }}` to print it.\n\n"
                        "```\n{% raw %}{{ x }}{% endraw %}\n```\n")
    assert rules(doc)["md-template-tag"] == 2


def test_raw_block_keeps_its_content_and_comment_block_goes():
    doc = read("{% comment %}\nDraft: check the dates.\n{% endcomment %}\nThe {% raw %}{{ braces }}{% endraw %} stay.\n")
    assert doc.body == "The {{ braces }} stay.\n"
    assert rules(doc) == {"md-template-comment": 1, "md-template-tag": 1}


def test_hugo_shortcodes_go_and_paired_content_stays():
    doc = read("{{< figure src=\"strike.jpg\" >}}\n\n{{% notice note %}}\nThe mill closed in 1926.\n{{% /notice %}}\n")
    assert doc.body == "The mill closed in 1926.\n"
    assert rules(doc)["md-shortcode"] == 3


def test_template_link_in_prose_keeps_its_text():
    doc = read("Set up a rendering context in the\n[next chapter]({{ site.url }}/chapter-1-getting-started.html).\n")
    assert doc.body == "Set up a rendering context in the next chapter.\n"
    assert rules(doc)["md-template-link"] == 1


def test_template_image_goes():
    doc = read("Before.\n\n![Contents]({{ site.baseurl }}/assets/blobstore.png)\n\nAfter.\n")
    assert doc.body == "Before.\n\nAfter.\n"
    assert rules(doc)["md-template-image"] == 1


def test_kramdown_attribute_lists_go():
    doc = read("* toc\n{:toc}\n\nA paragraph.\n{: .lead}\n")
    assert doc.body == "A paragraph.\n"


def test_html_comment_goes_and_lines_keep_their_numbers():
    doc = read("<!-- more -->\nFirst paragraph.\n\n<!--\nTODO: sources\n-->\n\nSecond <b>bold</b>.\n")
    assert doc.body == "First paragraph.\n\nSecond **bold**.\n"
    assert [c.where for c in doc.changes if c.rule == "md-html-emphasis"] == ["line 8"]


# --------------------------------------------------------------------------- navigation

def test_navigation_line_between_rules_goes_with_its_rules():
    doc = read("The end of the chapter.\n\n* * *\n\n[Previous Chapter]({% link a.md %}) | "
               "[Table of Contents]({% link index.md %}) |\n[Next Chapter]({% link b.md %})\n\n* * *\n\n"
               "A closing paragraph.\n")
    assert doc.body == "The end of the chapter.\n\nA closing paragraph.\n"
    assert rules(doc)["md-navigation"] == 3


def test_navigation_at_the_start_with_site_links():
    doc = read("[Previous chapter]({% post_url 2019-11-08-chapter-6 %}) - [Overview]({% post_url 2019-11-08-x %})\n\n"
               "We are almost done.\n")
    assert doc.body == "We are almost done.\n"


def test_html_navigation_left_by_a_template():
    doc = read("Last paragraph.\n\n<p markdown=\"1\" style=\"text-align:right\">\n&laquo; <a href=\"{{ page.previous.url }}\">"
               "{{ page.previous.title }}</a> |\n<a href=\"{{ page.next.url }}\">{{ page.next.title }}</a> &raquo;<br />\n</p>\n")
    assert doc.body == "Last paragraph.\n"


def test_navigation_words_in_prose_are_kept():
    text = "Back to the mines went the strikers, and [next year](https://example.org/1927) they came out again.\n"
    assert read(text).body == text
    assert read("[Home](/) | [Contents](/toc/)\n\nThe text.\n\n[Next](/2/)\n\nMore text.\n").body == \
        "The text.\n\n[Next](/2/)\n\nMore text.\n"  # a lone link between paragraphs is not at an edge


def test_navigation_words_are_data():
    assert {"previous", "next", "contents", "index", "top", "home", "up", "back", "chapter"} <= site_debris.NAVIGATION_WORDS
    block = site_debris.Block("para", "[Précédent](a.html) | [Suivant](b.html)", 1)
    assert site_debris.navigation_links(block) is None
    assert site_debris.navigation_links(block, site_debris.NAVIGATION_WORDS | {"précédent", "suivant"})


# --------------------------------------------------------------------------- notes headings

@pytest.mark.parametrize("heading", ["## Footnotes", "### Notes", "**Notes**", "<h2>Endnotes</h2>", "# References:"])
def test_empty_notes_heading_goes(heading):
    doc = read(f"The strike.[^1]\n\n{heading}\n\n[^1]: Daily Herald, 4 May 1926.\n")
    assert doc.body == "The strike.[^1]\n\n[^1]: Daily Herald, 4 May 1926.\n"
    assert "md-empty-notes-heading" in rules(doc)


def test_notes_heading_with_text_under_it_stays():
    raw = "The strike.[^1]\n\n## Notes\n\nThe notes are the editor's.\n\n[^1]: Daily Herald.\n"
    assert "## Notes" in read(raw).body


def test_notes_heading_before_sup_notes_goes():
    doc = read("The strike.<sup>1</sup>\n\n**Footnotes**\n\n<sup>1</sup> Daily Herald.\n")
    assert doc.body == "The strike.[^1]\n\n[^1]: Daily Herald.\n"


# --------------------------------------------------------------------------- entities and HTML

def test_entities_become_characters_outside_code():
    doc = read("&#8220;Bread &amp; roses,&#8221; said the caf&eacute; owner &#x2014; `a &amp; b`.\n\n"
               "Less than: &lt;b&gt; is not a tag; an asterisk: &#42;.\n")
    assert doc.body == ("“Bread & roses,” said the café owner — `a &amp; b`.\n\n"
                        "Less than: \\<b\\> is not a tag; an asterisk: \\*.\n")
    tree = ast(doc.body)
    assert not list(walk(tree, "Strong")) and not list(walk(tree, "RawInline"))


def test_html_anchors_links_and_wrappers():
    doc = read('<a name="ch2"></a>The <span class="sc">Commune</span> fell; see '
               '<a href="https://example.org/commune">the account</a>.\n')
    assert doc.body == "The Commune fell; see [the account](https://example.org/commune).\n"


def test_html_breaks():
    doc = read("Dear comrades,<br>we write to you.<br/><br/>From the mill.<br />\n")
    assert doc.body == "Dear comrades,\\\nwe write to you.\n\nFrom the mill.\n"


def test_html_emphasis_and_code():
    doc = read("An <em>essential</em> point, <i>Capital</i>, <strong>bold </strong>and <b>strong</b>; "
               "<code>finger</code>.\n")
    assert doc.body == "An *essential* point, *Capital*, **bold** and **strong**; `finger`.\n"


def test_html_note_calls_with_links():
    doc = read('The strike<sup><a href="#fn1" id="fnref1">1</a></sup> spread.\n\n'
               '<p id="fn1"><sup>1</sup> Daily Herald. <a href="#fnref1">↩</a></p>\n')
    assert doc.body == "The strike[^1] spread.\n\n[^1]: Daily Herald.\n"


def test_unknown_html_is_dropped_with_a_warning():
    doc = read('Before.\n\n<script>track()</script>\n\nThe <img src="x.png" alt="x"> photo. <NETINFO>HOSTS.TXT\n')
    assert doc.body == "Before.\n\nThe photo. \\<NETINFO>HOSTS.TXT\n"
    assert doc.warnings == ["texts/web.md:3: raw HTML <script> dropped with its content",
                            "texts/web.md:5: raw HTML <img> dropped"]


def test_wrapper_lines_do_not_glue_a_quote_into_a_paragraph():
    doc = read('<div class="epigraph">\n> The history of naming is tied up with messaging.\n</div>\n')
    assert doc.body == "> The history of naming is tied up with messaging.\n"


def test_every_rule_has_a_reason():
    logged = set()
    for raw in ["{% include x %}\n\n<br><em>a</em>&amp;\n", "<!-- c -->\n\n[^1]\n\n## Notes\n\n[^1]: n\n"]:
        logged |= set(rules(read(raw)))
    assert logged <= set(sources.reasons())
    assert set(site_debris.REASONS) <= set(sources.reasons())


def test_a_first_heading_that_repeats_the_front_matter_title_is_the_title_line():
    """A Jekyll page prints its title twice: in the front matter and as its first heading (real
    lines 1-8 of the Binkley chapter in examples/outside)."""
    raw = ('---\nlayout: section\ntitle: "Chapter II: Diverse Theories of Marriage and of the Family Which Now '
           'Prevail"\npermalink: 04-chapter02.html\n---\n## Chapter II: Diverse Theories of Marriage and of the '
           'Family Which Now Prevail\n\nHE who writes a theory of marriage has no blank\npage to write upon.\n\n'
           '## A Later Heading\n\nMore text.\n')
    doc = sources.read("markdown", raw, options={}, editorial={}, origin="texts/ch2.md")
    assert doc.body.startswith("HE who writes a theory of marriage")
    assert "## A Later Heading" in doc.body
    assert [c.where for c in doc.changes if c.rule == "md-title-line"] == ["line 6"]


def test_a_first_heading_that_differs_from_the_title_stays():
    raw = "---\ntitle: The Book\n---\n## The First Chapter\n\nText of the chapter.\n"
    doc = sources.read("markdown", raw, options={}, editorial={}, origin="texts/ch.md")
    assert doc.body.startswith("## The First Chapter")

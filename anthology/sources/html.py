"""Reader for a saved web page (HTML), the most common source a study group has.

A page holds far more than its text: scripts, styles, navigation, forms, comments, a site header
and footer, sidebars, images, and notes in one of the web's many shapes. The reader takes the
page's main content with trafilatura (measured against readability-lxml on real pages with notes:
it kept every content heading, note call and note text where readability lost headings and a
whole note list), or the element a CSS selector names, or the whole body; turns the usual note
shapes into real Pandoc notes; and has Pandoc's HTML reader write the rest as Pandoc Markdown,
with raw HTML off.

Notes are found on the whole page *before* extraction, while every `id` is still there, so that
the extractor need keep only a plain word where each call was:

- a link to an in-page anchor (`#n1`, `#fn1`, `#note1`, `#cite_note-7` …) whose text is a note
  mark (`1`, `[1]`, `*`, `a`) and which is a superscript or says it is a note call (its class,
  `role="doc-noteref"`, `epub:type="noteref"`): Pandoc's own `footnote-ref`, Wikipedia's
  `<sup class="reference">`, a blog's `<sup><a href="#n1">1</a></sup>`;
- the anchor's block is the note: a list item of an endnote list, or a paragraph that starts with
  the back-linked number (`<p><a href="#r1" id="n1">1</a>. Text</p>`).

Back-links (`↩`, `^`, `a b c`, `back`) and the note's own number leave the note's text; a note list
left empty leaves the page with its heading (`Notes`, `References` …). Every change is logged.
The page's metadata comes from `<title>`, `<meta name="author">`, `citation_*`, `og:*`, `DC.*` and
the first `<time>`; the page's title heading (its one `<h1>`) becomes the title, not a body heading.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from urllib.parse import unquote

from ..contracts import Contract, Option
from ..errors import SourceError
from ..footnotes import with_notes
from ..inputs import MAX_SOURCE_BYTES, decode_bytes
from ..model import Document
from ..pandoc import FILTERS, PandocError, convert

READS_BYTES = True
CONTRACT = Contract(
    options=(
        Option("extract", "boolean", True, "take the page's main content with trafilatura (false: the whole "
               "body, less scripts, styles, navigation, forms and images)"),
        Option("main", "string", None, "a CSS selector for the element that holds the text (e.g. `article` or "
               "`div#content`); set, it is used instead of the extractor"),
    ),
    meaning="a saved web page: main content, notes made real footnotes, page metadata",
)
"""The options this reader takes (checked by the manifest, listed in docs/manifest.md)."""

MARKDOWN_OUT = ("markdown-raw_html-native_divs-native_spans-bracketed_spans-fenced_divs-link_attributes"
                "-header_attributes-inline_code_attributes-fenced_code_attributes-raw_attribute-smart")
"""What Pandoc writes: Pandoc Markdown with no raw HTML and no attributes (an id or a class of the
page means nothing in the book)."""

FURNITURE = {
    "html-script": "//script | //noscript | //template",
    "html-style": "//style",
    "html-navigation": "//nav | //*[@role='navigation'] | //*[@role='search'] | //menu",
    "html-form": "//form | //button | //input | //select | //textarea",
    "html-embed": "//iframe | //object | //embed | //video | //audio | //canvas | //map",
    "html-not-for-print": " | ".join(f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
                                     for name in ("noprint", "no-print", "hidden-print", "d-print-none")),
    "html-sidebar": " | ".join(f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
                               for name in ("infobox", "navbox", "vertical-navbox", "sidebar", "hatnote")),
    "html-image": "//img | //picture | //svg | //figure | //*[contains(concat(' ', @class, ' '), "
                  "' anthology-dropped-image ')]",
}
"""What never reaches the text, by the rule that removes it (Pandoc-converted sources mark the
images they drop with the class `anthology-dropped-image`)."""
CALL_MARK = re.compile(r"^[\[(]?\s*(\d{1,4}|[a-z]{1,2}|[*†‡§¶]{1,3})\s*[\])]?$", re.I)
"""The text of a note call: a number, a letter or a symbol, perhaps in brackets."""
NOTE_WORDS = re.compile(r"(?i)\b(note|foot|fn|endnote|ref|cite|noteref)")
NOTE_BLOCKS = ("li", "p", "div", "aside", "dd", "td", "section", "blockquote")
NOTES_HEADING = re.compile(r"(?i)^\W*(notes?|foot-?notes|end-?notes|references|notes and references|"
                           r"references and notes|sources|citations)\W*$")
BACK_MARK = re.compile(r"^[\s\^↑↩⤴︎️]*(back|return( to (text|article))?|top)?[\s\^↑↩⤴︎️]*$", re.I)
"""The text of a back-link: an arrow, a caret, `back`."""
CONTENTS_HEADING = re.compile(r"(?i)^(table of )?contents$")
EDIT_LINK = re.compile(r"(?i)^\[?\s*edit( source)?\s*\]?$")
PLACEHOLDER = "XqNoteCall{}qX"
PLACEHOLDER_FOUND = re.compile(r"XqNoteCall(\d+)qX")
NOTE_START = "XqNoteText{}qX"
NOTE_START_FOUND = re.compile(r"^XqNoteText(\d+)qX$", re.M)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
LINKS_FILTER = FILTERS / "page_links.lua"
"""Only a link to another site means anything in a book: an in-page or relative link keeps its text."""


@dataclass
class Note:
    """One note found on the page: its HTML, the call's mark and the call's line."""

    html: str
    mark: str
    line: int
    place: str = ""
    """The file inside a container (an EPUB's chapter) whose line `line` is; empty: the source."""

    def where(self) -> str:
        return f"{self.place} line {self.line}" if self.place else f"line {self.line}"


def read(raw, *, options: dict, editorial: dict, origin: str) -> Document:
    """The page's main content as a Document (see the module's docstring)."""
    options = options or {}
    doc = Document(body="")
    text = page_text(raw, origin, doc)
    return read_page(text, doc, origin, extract=options.get("extract", CONTRACT.default("extract")),
                     main=options.get("main"))


def page_text(raw: str | bytes, origin: str, doc: Document) -> str:
    """The file's text: refused empty or over the size limit, decoded as every source is."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{origin}: the file is {len(data) // 1024} KB, over the {MAX_SOURCE_BYTES // 1024} KB "
                          "limit for one text")
    return decode_bytes(data, origin, doc.warnings, doc.changes)


def read_page(text: str, doc: Document, origin: str, *, extract: bool = True, main: str | None = None,
              lone_h1_is_title: bool = True) -> Document:
    """Read an HTML page's text into `doc`: metadata, furniture out, notes, main content, Markdown.
    `lone_h1_is_title`: a page's one `<h1>` is its title (on the web); a converted document's is a
    chapter heading unless it repeats the document's title."""
    tree = parse_page(text, origin)
    doc.metadata.update(page_metadata(tree))
    remove_furniture(tree, doc)
    take_title_heading(tree, doc, lone_h1_is_title)
    notes = take_notes(tree, doc, origin)
    content = main_content(tree, doc, origin, extract=extract, main=main)
    return write_document(content, notes, doc, origin, extracted=extract and not main)


def parse_page(text: str, origin: str):
    """The page's element tree (comments and processing instructions dropped by the parser)."""
    from lxml import etree, html as lxml_html

    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        return lxml_html.document_fromstring(XML_DECLARATION.sub("", text), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"{origin}: not an HTML page ({exc})") from None


def write_document(content: str, notes: list[Note], doc: Document, origin: str, *,
                   extracted: bool = False) -> Document:
    """`doc` with its body: the content's HTML as Pandoc Markdown, each placeholder a `[^N]` call;
    where an extractor chose the content, a heading it left with nothing under it is dropped."""
    markdown = to_markdown(content, notes, origin)
    body, note_texts = split_notes(markdown, len(notes))
    if extracted:
        body = drop_empty_headings(body, doc)
    body = double_breaks(body, doc)
    body, numbered = number_calls(body, note_texts, notes, doc, origin)
    if not body.strip():
        raise SourceError(f"{origin}: no text found in the page's main content; set the option main to the "
                          "element that holds the text, or extract: false")
    doc.body = with_notes(body, numbered)
    return doc


# --- metadata ----------------------------------------------------------------------------------

META_FIELDS = {
    "title": ("citation_title", "dc.title", "dcterms.title", "og:title", "twitter:title"),
    "author": ("citation_author", "author", "dc.creator", "dcterms.creator", "article:author"),
    "date": ("citation_publication_date", "citation_date", "dc.date", "dcterms.date", "dcterms.issued",
             "article:published_time", "date"),
    "description": ("description", "dc.description", "dcterms.description", "og:description"),
    "publication": ("citation_journal_title", "og:site_name", "dc.publisher", "dcterms.publisher"),
    "source": ("citation_public_url", "citation_abstract_html_url", "og:url", "dc.identifier"),
    "language": ("citation_language", "dc.language", "dcterms.language", "og:locale"),
}
"""Each metadata field and the `<meta>` names (or properties) that give it, the first found wins."""


def page_metadata(tree) -> dict:
    """What the page's head says about the text: `<meta>` fields, `<title>`, canonical link, `<time>`."""
    found: dict[str, list[str]] = {}
    for meta in tree.xpath("//meta[@content]"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        value = " ".join(meta.get("content").split())
        if name and value:
            found.setdefault(name, []).append(value)
    metadata: dict = {}
    for field, names in META_FIELDS.items():
        for name in names:
            if found.get(name):
                values = list(dict.fromkeys(found[name]))
                metadata[field] = values[0] if len(values) == 1 or field != "author" else ", ".join(values)
                break
    title = tree.findtext(".//title")
    if title and title.strip() and "title" not in metadata:
        metadata["title"] = " ".join(title.split())
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    if canonical and "source" not in metadata:
        metadata["source"] = canonical[0].strip()
    if "date" not in metadata:
        times = tree.xpath("//time[@datetime]/@datetime") or tree.xpath("//time/text()")
        if times and times[0].strip():
            metadata["date"] = times[0].strip()
    if "date" in metadata:
        metadata["date"] = metadata["date"][:10] if re.match(r"\d{4}-\d\d-\d\dT", metadata["date"]) else metadata["date"]
    return metadata


# --- furniture, title ----------------------------------------------------------------------------

def remove_furniture(tree, doc: Document) -> None:
    """Scripts, styles, navigation, forms, embedded players and images leave the page, and a
    wiki's `[edit]` link leaves its heading: one logged change per kind."""
    for rule, xpath in FURNITURE.items():
        # what the page's <head> holds never reaches the text: only the body's furniture is news
        found = [el for el in tree.xpath(xpath) if el.getparent() is not None
                 and any(parent.tag == "body" for parent in el.iterancestors())]
        if found:
            _drop(found, rule, doc)
    contents = [lst for lst in tree.xpath("//ul | //ol | //p") if _is_contents(lst)]
    headings = [lst.getprevious() for lst in contents if lst.getprevious() is not None
                and CONTENTS_HEADING.match(lst.getprevious().text_content().strip())]
    if contents:
        _drop(contents + headings, "html-contents", doc)
    edits = [el for h in tree.xpath("//h1|//h2|//h3|//h4|//h5|//h6") for el in h.iter("a", "span")
             if el is not h and EDIT_LINK.match(el.text_content().strip()) and el.getparent() is not None]
    if edits:
        _drop(edits, "html-edit-link", doc)


def _is_contents(lst) -> bool:
    """A list of three or more items (or a paragraph of three or more links), each only links
    within the page or the site: a table of contents or a menu."""
    items = lst.findall("li") if lst.tag != "p" else [lst] * (len(lst.findall(".//a")) >= 3)
    if len(items) < 3 and lst.tag != "p" or not items:
        return False
    for item in items:
        rest = item.text_content()
        for link in item.iter("a"):
            if re.match(r"(?i)(https?:|mailto:)", link.get("href") or ""):
                return False
            rest = rest.replace(link.text_content(), "", 1)
        if re.sub(r"[\W\d]", "", rest):
            return False
    return True


def _drop(elements: list, rule: str, doc: Document) -> None:
    outermost = [el for el in elements if not any(other in el.iterancestors() for other in elements)]
    words = sum(len(el.text_content().split()) for el in outermost if el.tag not in ("script", "style"))
    tags = sorted({el.tag if isinstance(el.tag, str) else "?" for el in outermost})
    line = min((el.sourceline or 0) for el in outermost)
    for el in outermost:
        _remove(el)
    described = [" ".join(alt.split()) for el in outermost for alt in el.xpath("descendant-or-self::*/@alt")]
    described = [alt for alt in described if alt]
    shown = f"{len(outermost)} × <{'>, <'.join(tags)}>" + (f": {'; '.join(described)}"[:200] if described else "")
    doc.log(rule, shown, "", f"line {line}" if line else "", words_removed=words)


def _remove(el) -> None:
    """Remove `el` and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    previous = el.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def take_title_heading(tree, doc: Document, lone_h1_is_title: bool = True) -> None:
    """The page's one `<h1>` (or a first heading that repeats the title) is the text's title: it
    leaves the body for the metadata."""
    headings = tree.xpath("//body//h1")
    if len(headings) != 1 or not lone_h1_is_title:
        title = str(doc.metadata.get("title", ""))
        first = tree.xpath("(//body//h1|//body//h2)[1]")
        headings = [h for h in first if title and " ".join(h.text_content().split()) in title]
    if not headings:
        return
    heading = headings[0]
    text = " ".join(heading.text_content().split())
    if not text:
        return
    doc.metadata["title"] = text
    doc.log("html-title-heading", f"<{heading.tag}>{text}</{heading.tag}>", "(title moved to metadata)",
            f"line {heading.sourceline}", words_removed=len(text.split()))
    _remove(heading)


# --- notes -------------------------------------------------------------------------------------

def take_notes(tree, doc: Document, origin: str, first: int = 0) -> list[Note]:
    """Find every note call and its note; put a placeholder word where each call was (numbered from
    `first`), move each note's text out of the page, and remove the note lists left empty (with
    their heading)."""
    anchors = {}
    for el in tree.xpath("//*[@id] | //a[@name]"):
        anchors.setdefault(el.get("id") or el.get("name"), el)
    order = {el: i for i, el in enumerate(tree.iter())}
    found: list[tuple] = []
    for link in tree.xpath("//a[starts-with(@href, '#')]"):
        target = anchors.get(unquote(link.get("href")[1:]))
        mark = link.text_content().strip()
        if target is None or not CALL_MARK.match(mark) or not _says_call(link):
            continue
        block = _note_block(target, link, mark)
        # a note follows its call: a link that points back up the page is a note's back-link
        if block is not None and order[block] > order[link]:
            found.append((link, block, mark.strip("[]() ")))
    blocks = {block for _, block, _ in found}
    found = [(link, block, mark) for link, block, mark in found
             if not any(ancestor in blocks for ancestor in link.iterancestors())]
    if not found:
        return []
    blocks = list(dict.fromkeys(block for _, block, _ in found))
    calls = {id(_call_element(link)) for link, _, _ in found}
    call_ids = {ident for link, _, _ in found for el in (link, *link.iterancestors())
                for ident in (el.get("id"), el.get("name")) if ident}
    texts = {id(block): _note_html(block, call_ids, mark) for _, block, mark in found}
    notes = []
    for index, (link, block, mark) in enumerate(found, first):
        call = _call_element(link)
        notes.append(Note(texts[id(block)], mark, link.sourceline or 0))
        _replace_with_text(call, PLACEHOLDER.format(index))
    containers = {id(b.getparent()): b.getparent() for b in blocks if b.getparent() is not None}
    for block in blocks:
        if id(block) not in calls:
            _remove(block)
    _remove_empty_lists(list(containers.values()), doc)
    return notes


def _says_call(link) -> bool:
    """A link that is set as a note call: a superscript, or marked as a note reference."""
    near = [link, *list(link.iterancestors())[:2]]
    if any(el.tag == "sup" for el in near) or link.find(".//sup") is not None:
        return True
    described = " ".join(str(el.get(attr) or "") for el in near
                         for attr in ("class", "role", "{http://www.idpf.org/2007/ops}type", "epub:type", "rel"))
    return bool(NOTE_WORDS.search(described))


def _note_block(target, link, mark: str):
    """The block holding the note `target` points into, or None where it is not a note (a
    heading, a section, a block that holds the call itself)."""
    block = target
    while block is not None and block.tag not in NOTE_BLOCKS:
        block = block.getparent()
    if block is None or block.tag == "section" or link in block.iter("a"):
        return None
    if block.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6") or len(block.text_content().split()) > 2000:
        return None
    if block.tag == "li" or block is not target and target.tag == "a":
        return block
    start = block.text_content().strip().lstrip("[(")
    return block if start.startswith(mark.strip("[]() ")) else None


def _call_element(link):
    """The element that is the call: the link, or the superscript that holds only it."""
    parent = link.getparent()
    if parent is not None and parent.tag == "sup" and parent.text_content().strip() == link.text_content().strip():
        return parent
    return link


def _replace_with_text(el, text: str) -> None:
    parent = el.getparent()
    previous = el.getprevious()
    addition = text + (el.tail or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + addition
    else:
        parent.text = (parent.text or "") + addition
    parent.remove(el)


def _note_html(block, call_ids: set[str], mark: str) -> str:
    """The note's own text as HTML: back-links, back arrows and its leading number removed."""
    from lxml import html as lxml_html

    note = copy.deepcopy(block)
    note.tail = None
    for link in list(note.iter("a")):
        href = unquote(link.get("href") or "")
        back = href.startswith("#") and (href[1:] in call_ids or BACK_MARK.match(link.text_content())
                                          or CALL_MARK.match(link.text_content().strip()))
        if back and link.getparent() is not None:
            holder = link.getparent()
            while holder is not note and holder.getparent() is not None and not holder.text_content().replace(
                    link.text_content(), "").strip(" \t\n^↑"):
                link, holder = holder, holder.getparent()
            _remove(link)
    html = "".join([note.text or ""] + [lxml_html.tostring(child, encoding="unicode") for child in note])
    label = re.escape(mark.strip("[]() "))
    # a bare letter opens many a sentence ("A note"); only a bare number or symbol is a label
    bare = f"|{label}(?=\\s|<|$)" if not mark.strip("[]() ").isalpha() else ""
    html = re.sub(rf"^(\s*(<[^>]+>\s*)*)[\^↑\s]*(\[{label}\]|\({label}\)|{label}[.):]{bare})?[\s.:]*",
                  r"\1", html, count=1)
    return re.sub(r"[\s\^↑↩⤴\ufe0e\ufe0f]+((</[a-z]+>\s*)*)$", r"\1", html)


def _remove_empty_lists(containers: list, doc: Document) -> None:
    """Each note list emptied by `take_notes` leaves the page, with its heading."""
    for element in containers:
        top = None
        while element is not None and element.tag not in ("body", "html") and not element.text_content().strip():
            top, element = element, element.getparent()
        if top is None or top.getparent() is None:
            continue
        heading = top.getprevious()
        _remove(top)
        if heading is not None and heading.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "p") \
                and NOTES_HEADING.match(heading.text_content().strip()):
            text = heading.text_content().strip()
            doc.log("html-notes-heading", text, "(the notes become footnotes)", f"line {heading.sourceline}",
                    words_removed=len(text.split()))
            _remove(heading)


# --- main content ------------------------------------------------------------------------------

def main_content(tree, doc: Document, origin: str, *, extract: bool, main: str | None) -> str:
    """The HTML of the text: the element `main` names, trafilatura's main content, or the body."""
    from lxml import html as lxml_html

    body = tree.find("body") if tree.find("body") is not None else tree
    words = len(body.text_content().split())
    if main:
        from lxml.cssselect import CSSSelector
        try:
            chosen = CSSSelector(main, translator="html")(tree)
        except Exception as exc:  # cssselect's SelectorError and its subclasses
            raise SourceError(f"{origin}: option main: {main!r} is not a CSS selector ({exc})") from None
        if not chosen:
            raise SourceError(f"{origin}: option main: {main!r} matches no element of the page")
        content = "".join(lxml_html.tostring(el, encoding="unicode") for el in chosen)
        kept = sum(len(el.text_content().split()) for el in chosen)
        rule, what = "html-main", f"the element(s) {main}"
    elif extract:
        import trafilatura

        content = trafilatura.extract(lxml_html.tostring(tree, encoding="unicode"), output_format="html",
                                      include_formatting=True, include_links=True, include_tables=True,
                                      include_images=False, include_comments=False, favor_recall=True,
                                      deduplicate=False, with_metadata=False)
        if not content:
            raise SourceError(f"{origin}: the extractor found no main text in the page; set the option main to "
                              "the element that holds the text, or extract: false")
        kept = len(lxml_html.fromstring(content).text_content().split())
        rule, what = "html-extract", "the main content"
    else:
        return (body.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in body)
    if words > kept:
        doc.log(rule, f"the page: {words} words", f"{what}: {kept} words", "", words_removed=words - kept)
    return content


def to_markdown(content: str, notes: list[Note], origin: str) -> str:
    """Pandoc Markdown of the content, then of each note, in one Pandoc run: each note follows a
    paragraph holding only its placeholder."""
    parts = [content] + [f"<p>{NOTE_START.format(i)}</p>\n<div>{note.html}</div>" for i, note in enumerate(notes)]
    try:
        return convert("\n".join(parts), MARKDOWN_OUT, from_format="html", args=["--wrap=none"],
                       filters=[LINKS_FILTER])
    except PandocError as exc:
        raise SourceError(f"{origin}: Pandoc could not read the page: {exc.reason}") from None


HEADING = re.compile(r"^(#{1,6}) (.*)$")
BREAK_LINES = re.compile(r"(?m)\\\n(?:\\\n)+|^(?:\\\n)+|\\(?=\n\n|\n?\Z)")
"""Pandoc's hard line breaks (a line ending in a backslash) two or more in a row, at the start of
a paragraph, or at its end."""


def double_breaks(body: str, doc: Document) -> str:
    """Two line breaks in a row (`<br><br>`, a page's way of starting a paragraph) are a paragraph
    break; a line break that starts or ends a paragraph is dropped."""
    found = BREAK_LINES.findall(body)
    if not found:
        return body
    doc.log("html-double-break", f"{len(found)} runs of line breaks (<br><br>)", "paragraph breaks")
    body = BREAK_LINES.sub(lambda m: "\n\n" if m.group(0).count("\n") > 1 else "", body)
    return re.sub(r"\n{3,}", "\n\n", body).lstrip("\n")




def drop_empty_headings(body: str, doc: Document) -> str:
    """A heading with nothing under it before the next heading of its level (a `See also` whose
    links the extractor left out) leaves the body."""
    blocks = [b for b in re.split(r"\n\s*\n", body.strip()) if b.strip()]
    kept: list[str] = []
    for i, block in enumerate(blocks):
        heading = HEADING.match(block)
        if heading:
            level = len(heading.group(1))
            following = next((b for b in blocks[i + 1:]), None)
            nested = following is not None and HEADING.match(following)
            if following is None or (nested and len(nested.group(1)) <= level):
                doc.log("html-empty-heading", block, "", "", words_removed=len(heading.group(2).split()))
                continue
        kept.append(block)
    return "\n\n".join(kept) + "\n"


def split_notes(markdown: str, count: int) -> tuple[str, dict[int, str]]:
    """The body and each note's Markdown, by index, from `to_markdown`'s output."""
    pieces = NOTE_START_FOUND.split(markdown)
    body, texts = pieces[0], {}
    for index, text in zip(pieces[1::2], pieces[2::2]):
        texts[int(index)] = text.strip()
    return body, texts


def number_calls(body: str, texts: dict[int, str], notes: list[Note], doc: Document,
                 origin: str) -> tuple[str, dict[str, str]]:
    """Each placeholder the body kept becomes `[^N]`, numbered in reading order."""
    numbered: dict[str, str] = {}

    def call(match: re.Match) -> str:
        index = int(match.group(1))
        number = str(len(numbered) + 1)
        text = texts.get(index, "").strip()
        if not text:
            note = notes[index]
            place = f"{origin}: {note.where()}" if note.place else f"{origin}:{note.line}"
            doc.warnings.append(f"{place}: note {note.mark} has no text; its call is removed")
            return ""
        numbered[number] = text
        doc.log("html-note", f"call {notes[index].mark} and its note", f"[^{number}]", notes[index].where())
        return f"[^{number}]"

    present = len(PLACEHOLDER_FOUND.findall(body))
    body = PLACEHOLDER_FOUND.sub(call, body)
    lost = len(notes) - present
    if lost > 0:
        doc.warnings.append(f"{origin}: {lost} note call(s) were outside the main content; their notes are dropped")
    return body, numbered


REASONS = {
    "html-script": "a script (or noscript, template) of the page: never part of the text",
    "html-style": "a style sheet of the page: never part of the text",
    "html-navigation": "the page's navigation (menus, search): not part of the text",
    "html-form": "a form or its controls: not part of the text",
    "html-embed": "an embedded frame, player or canvas: the book has no media",
    "html-image": "an image or figure: the book has no images",
    "html-contents": "a table of contents or a menu (a list made only of links within the page or site)",
    "html-double-break": "two line breaks in a row (<br><br>) are a paragraph break; one at a paragraph's edge is dropped",
    "html-not-for-print": "what the page itself marks as not for print (class noprint): edit links, banners, tools",
    "html-sidebar": "a sidebar box (an infobox, a navigation box, a hatnote): the text's furniture, not its prose",
    "html-edit-link": "a wiki's [edit] link inside a heading",
    "html-title-heading": "the page's title heading leaves the body: it is the text's title",
    "html-empty-heading": "a heading with no text under it (its list or table was not part of the main content)",
    "html-notes-heading": "the heading of the note list: the notes become footnotes",
    "html-note": "a web note (a linked superscript and its text in a note list) becomes a real footnote",
    "html-extract": "the page's main content is kept; menus, sidebars, footers and comments are dropped",
    "html-main": "the element the option main names is kept; the rest of the page is dropped",
}
"""The one-line reason of each change this reader logs, for the cleaning report."""

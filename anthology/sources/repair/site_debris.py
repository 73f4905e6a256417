"""What a static-site generator leaves in a Markdown file that is not part of the text.

A chapter taken from a Jekyll, Hugo or Eleventy repository is Markdown written for the site's
template engine, not for a book: Liquid/Jinja tags (``{{ page.next.url }}``, ``{% include nav.html %}``),
Hugo shortcodes (``{{< relref "x" >}}``), kramdown attribute lists (``{:toc}``), navigation lines
(``« Previous | Contents | Next »``) framed by rules, HTML comments, raw HTML the site's
Markdown engine passed through (``<a name="x"></a>``, ``<br>``, ``<em>``, ``<div>``), HTML character
entities (``&#8220;``, ``&eacute;``), and a ``Footnotes`` heading that is left empty once Pandoc
moves the notes. Pandoc would print the tags as text, turn template links into broken links, and
keep the entities for the typography pass and the report to trip over.

Each repair here is a general rule, logged with its rule id (`REASONS`), and none names a site.
The words that make a link navigation (`NAVIGATION_WORDS`) and the front-matter keys that belong
to the site rather than to the book (`SITE_KEYS`) are module data, so that a source profile can
extend them. Code (fenced and indented blocks, inline code spans) is never touched: a tutorial's
``{{ example }}`` is its content.

Two stages: `strip_templating` works on the raw lines before they are split into blocks (a tag or
a comment can span lines, and an HTML wrapper line would otherwise glue a quote into a paragraph);
the others work on the `Block`s, where a paragraph is one string.
"""
from __future__ import annotations

import bisect
import html
import re

from ...model import Document
from .pagebreaks import Block

REASONS = {
    "md-front-matter-site-keys": "front-matter keys that steer the website (layout, permalink, tags …), not the book",
    "md-html-comment": "an HTML comment: a note to the site's editors, not part of the text",
    "md-template-tag": "a site template tag (Liquid/Jinja {{ … }} or {% … %}), which the book would print as text",
    "md-shortcode": "a Hugo shortcode ({{< … >}}, {{% … %}}), which the book would print as text",
    "md-template-comment": "a template comment or capture block ({% comment %} … {% endcomment %}): never printed by the site",
    "md-template-link": "a link whose target is a site template expression: it would be a broken link; its text is kept",
    "md-template-image": "an image whose address is a site template expression: the book cannot find it",
    "md-kramdown-attributes": "a kramdown attribute list ({: .class}, {:toc}): site styling, printed as text by Pandoc",
    "md-html-wrapper": "an HTML wrapper tag (<p>, <div>, <span> …) around Markdown: the text is kept, the tag goes",
    "md-html-anchor": "an empty HTML anchor (<a name=…></a>): a link target of the website",
    "md-html-link": "an HTML link (<a href>) written as a Markdown link",
    "md-html-break": "an HTML line break (<br>): a Markdown line break, or a paragraph break when doubled",
    "md-html-emphasis": "HTML emphasis (<em>, <i>, <strong>, <b>) written as Markdown emphasis",
    "md-html-code": "HTML <code> written as a Markdown code span",
    "md-html-heading": "an HTML heading (<h2>…</h2>) written as a Markdown heading",
    "md-html-rule": "an HTML rule (<hr>) written as a Markdown rule",
    "md-html-note-call": "a note call wrapped in a link to the note (<sup><a href=#fn1>1</a></sup>): the link goes",
    "md-html-backlink": "a note's link back to its call (↩): the book's notes have their own",
    "md-html-dropped": "raw HTML the book cannot set (an image, a script, an unknown tag): dropped, with a warning",
    "md-html-escaped": "a tag-like <word> that is no HTML element: kept as text",
    "md-html-entity": "an HTML character entity (&#8220;, &eacute;, &amp;) written as the character itself",
    "md-navigation": "a website's navigation line (previous / contents / next), with the rules that framed it",
    "md-empty-notes-heading": "a notes heading left with nothing under it once the notes become footnotes",
}
"""The one-line reason of each change logged here, for the cleaning report."""

NAVIGATION_WORDS = frozenset({
    "previous", "prev", "next", "index", "contents", "content", "toc", "back", "top", "home", "up",
    "chapter", "chapters", "part", "section", "return", "overview", "start", "beginning", "menu",
    "continue", "forward", "first", "last", "newer", "older", "archive", "archives", "posts",
    "up", "«", "»", "←", "→", "↑",
})
"""Words that make a link navigation (a link text made only of these, of numbers, of the filler
words below and of arrows is a link to another page of the site, not part of the text). A source
profile may extend this set."""
NAVIGATION_FILLER = frozenset({"to", "the", "of", "a", "go", "page", "table", "scroll", "read", "reading",
                               "and", "list", "all", "this", "main"})
"""Words that may stand in a navigation link (`Back to the Table of Contents`) but do not make one."""
NAVIGATION_SEPARATORS = "|·•«»‹›←→↑↓⇐⇒⟵⟶<>-–—/\\:,;.()[]*_ \t\n\u00a0"
"""What stands between navigation links (`« Prev | Index | Next »`)."""
NAVIGATION_MARKS = "|·•«»‹›←→⇐⇒"
"""Separators that only navigation uses: a block made of nothing else is what is left of one."""
NAVIGATION_MAX_LINKS = 8
NAVIGATION_MAX_WORDS = 8
"""A navigation block is short: at most this many links, each of at most this many words."""

NOTES_HEADING_WORDS = ("notes", "note", "footnotes", "footnote", "endnotes", "endnote", "references",
                       "notes and references", "sources", "citations")
"""Headings of a note list, which is empty once its notes become footnotes (a source profile may extend)."""

SITE_KEYS = frozenset({
    "layout", "permalink", "tags", "categories", "category", "slug", "draft", "weight", "aliases", "menu",
    "type", "url", "id", "group", "published", "comments", "sidebar", "toc", "toc_label", "toc_sticky",
    "nav_order", "parent", "grand_parent", "has_children", "nav_exclude", "excerpt", "excerpt_separator",
    "redirect_from", "redirect_to", "image", "thumbnail", "header", "feature_image", "cover", "share",
    "related", "sitemap", "lastmod", "last_modified_at", "render_with_liquid", "mathjax", "math",
    "highlight", "series", "hidden", "pagination", "classes", "author_profile", "read_time", "featured",
    "guid", "sort", "order", "bookToc", "bookHidden", "bookCollapseSection", "bookFlatSection",
    "eleventyNavigation", "eleventyExcludeFromCollections", "templateEngineOverride", "outputs", "css", "js",
})
"""Front-matter keys of Jekyll, Hugo and Eleventy that steer the website and say nothing about the
text: they are dropped from the metadata. A source profile may extend this set."""

TEMPLATE_TARGET = "\x06"
"""What a link's target becomes when it was a template expression, until the navigation rule has
decided whether the link is navigation (dropped) or prose (kept as plain text)."""

HTML_ELEMENTS = frozenset("""
a abbr acronym address area article aside audio b base bdi bdo big blockquote body br button canvas caption
center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em embed fieldset
figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img
input ins kbd label legend li link main map mark menu meta meter nav noscript object ol optgroup option
output p param picture pre progress q rp rt ruby s samp script section select small source span strike
strong style sub summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u
ul var video wbr blink marquee nobr spacer
""".split())
"""Names of HTML elements: a tag-like ``<word>`` with another name is text (``<NETINFO>``)."""
UNWRAPPED = frozenset({"p", "div", "span", "font", "center", "section", "article", "main", "aside",
                       "header", "footer", "figure", "figcaption", "small", "big", "u", "ins", "mark",
                       "cite", "abbr", "acronym", "time", "nav", "details", "summary", "dfn", "q",
                       "tt", "kbd", "samp", "var", "bdi", "bdo", "label", "data", "blockquote"})
"""Elements whose tags go and whose text stays (a wrapper, or markup the book sets plainly)."""
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "noscript", "form", "object", "video", "audio",
                                  "svg", "canvas", "button", "select", "textarea", "template", "map"})
"""Elements whose content is not text for a reader: dropped whole, with a warning."""
KEPT = frozenset({"sup", "sub"})
"""Elements a later rule of the reader handles (note calls, superscripts)."""

CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
INLINE_CODE = re.compile(r"(`+)(?!`)[^\n]+?(?<!`)\1(?!`)")
LINE_MARK = re.compile(r"\x00(\d+)\x01")

HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
RAW_BLOCK = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)
SILENT_BLOCK = re.compile(r"\{%-?\s*(comment|capture)\b.*?-?%\}.*?\{%-?\s*end\1\s*-?%\}|\{\{/\*.*?\*/\}\}", re.S)
LINK = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(((?:[^()\n]|\([^()\n]*\))*)\)")
TEMPLATE_HREF = re.compile(r"""(\bhref\s*=\s*)(["'])([^"']*?(?:\{\{|\{%)[^"']*?)\2""")
SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}", re.S)
TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
KRAMDOWN_TOC = re.compile(r"(?<=\x01)[ \t]*[*-][ \t]+(?:toc|TOC)[ \t]*(?=\n\x00\d+\x01[ \t]*\{:toc\})")
"""kramdown's table of contents: a one-item list ``* toc`` followed by ``{:toc}`` (lines carry marks here)."""
KRAMDOWN_IAL = re.compile(r"\{:[^{}\n]*\}")
WRAPPER_LINE = re.compile(r"^[ \t]*(?:</?(?:" + "|".join(sorted(UNWRAPPED - {"q", "cite", "abbr"})) +
                          r")\b[^<>]*>[ \t]*)+$", re.I | re.M)

TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^<>]*?)?)\s*(/?)>")
ATTRIBUTE = re.compile(r"""([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
ESCAPED_AFTER_DECODING = set("\\`*_[]<>#|~^$@")
"""Characters an entity may stand for that Markdown would read as markup: they are escaped."""
ENTITY_LIKE = re.compile(r"(?=[A-Za-z#][A-Za-z0-9]*;)")
NOTE_CALL_LINK = re.compile(r"<sup>\s*<a\b[^>]*href=[\"']#[^>]*>\s*\[?(?P<n>\d+)\]?\s*</a>\s*</sup>"
                            r"|<a\b[^>]*href=[\"']#[^>]*>\s*<sup>\s*\[?(?P<m>\d+)\]?\s*</sup>\s*</a>", re.I)
NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^[^\]\s]+\]:")
RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
ROMAN_OR_NUMBER = re.compile(r"^(?:\d+|[ivxlcdm]+)$", re.I)


# --- the raw lines ----------------------------------------------------------------------------

def strip_templating(lines: list[str], numbers: list[int], doc: Document) -> tuple[list[str], list[int]]:
    """Remove HTML comments, template tags, shortcodes, kramdown attribute lists and lines that
    hold only HTML wrapper tags, outside code. Returns the lines and each one's raw line number;
    a line that held only what was removed goes (so that a tag inside a paragraph does not split it)."""
    if not any(("{" in line or "<" in line) for line in lines):
        return lines, numbers
    code = _code_lines(lines)
    text = "".join(f"\x02{i}\x03\n" if code[i] else f"\x00{i}\x01{line}\n" for i, line in enumerate(lines))
    raw_blocks: list[str] = []

    def keep_raw(match: re.Match, line: int) -> str:
        _log(doc, "md-template-tag", match.group(0)[:60], "(raw: its content kept as written)", line)
        raw_blocks.append(match.group(1))
        return f"\x04{len(raw_blocks) - 1}\x05"

    text = _sub(text, RAW_BLOCK, keep_raw, numbers)

    def keep_code(match: re.Match, line: int) -> str:
        raw_blocks.append(match.group(0))
        return f"\x04{len(raw_blocks) - 1}\x05"

    text = _sub(text, INLINE_CODE, keep_code, numbers)
    text = _remove(text, HTML_COMMENT, "md-html-comment", numbers, doc)
    text = _remove(text, SILENT_BLOCK, "md-template-comment", numbers, doc)
    text = _sub(text, LINK, lambda m, line: _template_link(m, line, doc), numbers)
    text = _sub(text, TEMPLATE_HREF, lambda m, line: f"{m.group(1)}{m.group(2)}{TEMPLATE_TARGET}{m.group(2)}",
                numbers)
    text = _remove(text, SHORTCODE, "md-shortcode", numbers, doc)
    text = _remove(text, TEMPLATE_TAG, "md-template-tag", numbers, doc)
    text = _remove(text, KRAMDOWN_TOC, "md-kramdown-attributes", numbers, doc)
    text = _remove(text, KRAMDOWN_IAL, "md-kramdown-attributes", numbers, doc)
    text = _remove_lines(text, WRAPPER_LINE, "md-html-wrapper", numbers, doc)
    text = re.sub(r"\x04(\d+)\x05", lambda m: raw_blocks[int(m.group(1))], text)

    out_lines, out_numbers = [], []
    for piece in text.split("\n")[:-1]:
        placeholder = re.fullmatch(r"\x02(\d+)\x03", piece)
        if placeholder:
            i = int(placeholder.group(1))
            out_lines.append(lines[i])
            out_numbers.append(numbers[i])
            continue
        marks = [int(m) for m in LINE_MARK.findall(piece)]
        clean = LINE_MARK.sub("", piece)
        clean = re.sub(r"\x02(\d+)\x03", lambda m: lines[int(m.group(1))], clean)
        if marks:
            first = marks[0]
            if not clean.strip() and (lines[first].strip() or len(marks) > 1):
                continue  # emptied by a removal: the line goes, so that its neighbours stay together
            out_numbers.append(numbers[first])
            if clean != lines[first]:  # a tag taken out of a sentence leaves one space, not two
                clean = re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", clean)
        else:
            out_numbers.append(out_numbers[-1] if out_numbers else numbers[0])
        out_lines.append(clean.rstrip() if clean.strip() == "" else clean)
    return out_lines, out_numbers


def _code_lines(lines: list[str]) -> list[bool]:
    """Which lines are inside a fenced code block (the fences included)."""
    flags, fence = [], None
    for line in lines:
        opening = CODE_FENCE.match(line)
        if fence:
            flags.append(True)
            if line.strip().startswith(fence):
                fence = None
        elif opening:
            fence = opening.group(1)
            flags.append(True)
        else:
            flags.append(False)
    return flags


def _locator(text: str, numbers: list[int]):
    """Position in the marked text → raw line number (of the last line mark before it)."""
    marks = [(m.start(), int(m.group(1))) for m in re.finditer(r"[\x00\x02](\d+)[\x01\x03]", text)]
    starts = [position for position, _ in marks]

    def line(position: int) -> int:
        k = bisect.bisect_right(starts, position) - 1
        return numbers[marks[k][1]] if k >= 0 else numbers[0]
    return line


def _log(doc: Document, rule: str, before: str, after: str, line: int) -> None:
    shown = re.sub(r"[\x00\x02]\d+[\x01\x03]", " ", before).replace("\n", " ").strip()
    doc.log(rule, shown, after, f"line {line}",
            words_removed=len(re.findall(r"[^\W\d_]+", shown)) if not after else 0)


def _remove(text: str, pattern: re.Pattern, rule: str, numbers: list[int], doc: Document) -> str:
    """Remove every match, keeping the line marks inside it (so later lines keep their numbers)."""
    def replace(match: re.Match, line: int) -> str:
        marks = "".join(re.findall(r"[\x00\x02]\d+[\x01\x03]", match.group(0)))
        if not re.sub(r"[\x00\x02]\d+[\x01\x03]", "", match.group(0)).strip():
            return match.group(0)
        _log(doc, rule, match.group(0)[:80], "", line)
        return marks
    return _sub(text, pattern, replace, numbers)


def _remove_lines(text: str, pattern: re.Pattern, rule: str, numbers: list[int], doc: Document) -> str:
    """Empty each line that `pattern` matches whole (the line's mark stays)."""
    def whole(match: re.Match, line: int) -> str:
        mark, content = match.group(1), match.group(2)
        if content.strip() and pattern.fullmatch(content):
            _log(doc, rule, content, "", line)
            return mark
        return match.group(0)
    return _sub(text, re.compile(r"(\x00\d+\x01)([^\n]*)"), whole, numbers)


def _sub(text: str, pattern: re.Pattern, make, numbers: list[int]) -> str:
    """`pattern.sub`, the replacement made by `make(match, raw line number)`."""
    line = _locator(text, numbers)
    return pattern.sub(lambda m: make(m, line(m.start())), text)


def _has_template(text: str) -> bool:
    return "{{" in text or "{%" in text


def _template_link(match: re.Match, line: int, doc: Document) -> str:
    bang, label, target = match.groups()
    if not _has_template(target):
        return match.group(0)
    if bang:
        doc.log("md-template-image", match.group(0), "", f"line {line}")
        return ""
    label = TEMPLATE_TAG.sub("", SHORTCODE.sub("", label)).strip()
    return f"[{label}]({TEMPLATE_TARGET})"


# --- blocks -----------------------------------------------------------------------------------

def is_code(block: Block) -> bool:
    return block.kind == "verbatim" and (CODE_FENCE.match(block.text) is not None or block.text.startswith("    ")
                                         or block.text.startswith("\t"))


def _outside_code(text: str, repair) -> str:
    """Apply `repair` to the parts of a block's text that are not inline code spans."""
    out, last = [], 0
    for span in CODE_SPAN.finditer(text):
        out.append(repair(text[last:span.start()]))
        out.append(span.group(0))
        last = span.end()
    out.append(repair(text[last:]))
    return "".join(out)


def html_to_markdown(blocks: list[Block], doc: Document, origin: str) -> list[Block]:
    """Raw HTML left in the blocks becomes Markdown structure, or goes (see `REASONS`)."""
    out: list[Block] = []
    for block in blocks:
        if is_code(block) or "<" not in block.text:
            out.append(block)
            continue
        heading = re.fullmatch(r"\s*<h([1-6])\b[^>]*>(.*?)</h\1>\s*", block.text, re.S | re.I)
        if heading and block.kind == "para":
            text = "#" * int(heading.group(1)) + " " + " ".join(heading.group(2).split())
            doc.log("md-html-heading", block.text[:60], text[:60], block.where)
            block = Block("heading", text, block.line)
        if re.fullmatch(r"\s*<hr\b[^>]*>\s*", block.text, re.I):
            doc.log("md-html-rule", block.text, "* * *", block.where)
            out.append(Block("verbatim", "* * *", block.line))
            continue
        text = _outside_code(block.text, lambda part: _inline_html(part, block, doc, origin))
        text = re.sub(r"^[\s\x07\x08]+|[\s\x07\x08]+$", "", text) if block.kind in ("para", "heading") else text
        if block.kind == "para" and "\x07" in text:  # <br><br>: a paragraph break
            pieces = [p.strip().replace("\x08", "\\\n") for p in text.split("\x07")]
            out.extend(Block("para", p, block.line) for p in pieces if p)
            continue
        text = re.sub(r"[\x07\x08]", lambda _: "\\\n" if block.kind != "heading" else " ", text)
        if text != block.text:  # a tag taken out leaves one space, not two
            text = re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", text)
        if text.strip():
            block.text = text.strip() if block.kind in ("para", "heading") else text
            out.append(block)
        else:
            doc.log("md-html-wrapper", block.text[:60], "", block.where)
    return out


def _inline_html(text: str, block: Block, doc: Document, origin: str) -> str:
    """One piece of a block's text (no code span in it) with its raw HTML made Markdown.
    A ``<br>`` becomes the mark ``\x08`` and a doubled one ``\x07``, for the caller to place."""
    where = block.where
    text = NOTE_CALL_LINK.sub(lambda m: _note_call(m, doc, where), text)
    for name in sorted(DROPPED_WITH_CONTENT):
        element = re.compile(rf"<{name}\b.*?</{name}\s*>", re.S | re.I)
        for match in element.finditer(text):
            doc.log("md-html-dropped", match.group(0)[:60], "", where)
            doc.warnings.append(f"{origin}:{block.line}: raw HTML <{name}> dropped with its content")
        text = element.sub("", text)
    text = re.sub(r"(?:[ \t]*<br\s*/?>[ \t]*){2,}", lambda m: _logged(doc, "md-html-break", m.group(0), "¶", where,
                  "\x07"), text, flags=re.I)
    text = re.sub(r"[ \t]*<br\s*/?>[ \t]*", lambda m: _logged(doc, "md-html-break", m.group(0), "\\", where,
                  "\x08"), text, flags=re.I)
    text = re.sub(r"<(em|i)\b[^>]*>(.*?)</\1\s*>", lambda m: _emphasis(m, "*", doc, where), text, flags=re.S | re.I)
    text = re.sub(r"<(strong|b)\b[^>]*>(.*?)</\1\s*>", lambda m: _emphasis(m, "**", doc, where), text,
                  flags=re.S | re.I)
    text = re.sub(r"<code\b[^>]*>(.*?)</code\s*>", lambda m: _code(m, doc, where), text, flags=re.S | re.I)
    text = re.sub(r"<a\b([^>]*)>(.*?)</a\s*>", lambda m: _anchor(m, doc, where), text, flags=re.S | re.I)
    return TAG.sub(lambda m: _other_tag(m, block, doc, origin), text)


def _note_call(match: re.Match, doc: Document, where: str) -> str:
    number = match.group("n") or match.group("m")
    doc.log("md-html-note-call", match.group(0), f"<sup>{number}</sup>", where)
    return f"<sup>{number}</sup>"


def _logged(doc: Document, rule: str, before: str, after: str, where: str, result: str) -> str:
    doc.log(rule, before.strip(), after, where)
    return result


def _emphasis(match: re.Match, mark: str, doc: Document, where: str) -> str:
    inner = match.group(2)
    core = inner.strip()
    if not core:
        doc.log("md-html-emphasis", match.group(0), inner, where)
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    after = f"{lead}{mark}{core}{mark}{trail}"
    doc.log("md-html-emphasis", match.group(0)[:60], after[:60], where)
    return after


def _code(match: re.Match, doc: Document, where: str) -> str:
    inner = html.unescape(match.group(1))
    fence = "``" if "`" in inner else "`"
    after = f"{fence}{inner}{fence}" if fence == "`" else f"`` {inner} ``"
    doc.log("md-html-code", match.group(0)[:60], after[:60], where)
    return after


def _attributes(raw: str) -> dict[str, str]:
    return {m.group(1).lower(): next(v for v in m.groups()[1:] if v is not None) for m in ATTRIBUTE.finditer(raw)}


def _anchor(match: re.Match, doc: Document, where: str) -> str:
    attributes = _attributes(match.group(1))
    label = match.group(2).strip()
    href = attributes.get("href")
    if href and href.startswith("#") and _words(label) <= {"↩", "↑", "back", "return", "top", "^"} | {""}:
        doc.log("md-html-backlink", match.group(0), "", where)
        return ""
    if href == TEMPLATE_TARGET:  # a template link: the navigation rule decides
        return f"[{label}]({href})"
    if not href or not label:
        doc.log("md-html-anchor", match.group(0)[:60], label, where)
        return label
    after = f"[{label}]({href})"
    doc.log("md-html-link", match.group(0)[:60], after[:60], where)
    return after


def _other_tag(match: re.Match, block: Block, doc: Document, origin: str) -> str:
    name = match.group(2).lower()
    if name not in HTML_ELEMENTS:
        doc.log("md-html-escaped", match.group(0), "\\" + match.group(0), block.where)
        return "\\" + match.group(0)
    if name in KEPT:
        return match.group(0)
    if name in UNWRAPPED:
        doc.log("md-html-wrapper", match.group(0), "", block.where)
        return ""
    doc.log("md-html-dropped", match.group(0), "", block.where)
    if not match.group(1):  # one warning for an element, not one for each of its tags
        doc.warnings.append(f"{origin}:{block.line}: raw HTML <{name}> dropped")
    return ""


def decode_entities(blocks: list[Block], doc: Document) -> None:
    """``&#8220;``, ``&eacute;``, ``&amp;`` → the character (`html.unescape`), outside code; a
    character Markdown would read as markup (``&lt;`` → ``<``) is escaped."""
    for block in blocks:
        if is_code(block) or "&" not in block.text:
            continue
        block.text = _outside_code(block.text, lambda part: decode_text(part, doc, block.where))


def decode_text(text: str, doc: Document, where: str) -> str:
    """The entities of one piece of Markdown text, decoded (one log entry a piece)."""
    found: list[tuple[str, str]] = []

    def replace(match: re.Match) -> str:
        entity = match.group(0)
        character = html.unescape(entity)
        if character == entity:
            return entity
        found.append((entity, character))
        if character in ESCAPED_AFTER_DECODING:
            return "\\" + character
        return character

    decoded = ENTITY.sub(replace, text)
    decoded = re.sub(r"&" + ENTITY_LIKE.pattern, r"\\&", decoded) if found and "&" in decoded else decoded
    if found:
        doc.log("md-html-entity", " ".join(e for e, _ in found)[:80], " ".join(c for _, c in found)[:80], where)
    return decoded


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[\s|·•:,;.()\[\]/\\*_-]+", text.lower()) if w}


def is_navigation_link(label: str, words: frozenset[str] = NAVIGATION_WORDS) -> bool:
    """A link text made of navigation words (at least one), numbers and fillers, and short."""
    found = _words(label.replace("\\\n", " "))
    if not found:
        return True  # an arrow or a title the template filled in: nothing left of it here
    if len(found) > NAVIGATION_MAX_WORDS:
        return False
    strong = {w for w in found if w in words}
    rest = found - strong - NAVIGATION_FILLER
    return bool(strong) and all(ROMAN_OR_NUMBER.match(w) or set(w) <= set(NAVIGATION_SEPARATORS) for w in rest)


def navigation_links(block: Block, words: frozenset[str] = NAVIGATION_WORDS) -> list[str] | None:
    """The link texts of a block made only of navigation links and separators, else None."""
    if block.kind not in ("para", "list", "heading") or is_code(block):
        return None
    text = block.text
    if block.kind == "heading":
        text = text.partition(" ")[2]
    if block.kind == "list":
        text = re.sub(r"(?m)^\s*(?:[-*+]|\d+[.)])\s+", " ", text)
    links = [(m.group(2), m.group(3)) for m in LINK.finditer(text) if not m.group(1)]
    rest = LINK.sub(" ", text)
    if rest.strip(NAVIGATION_SEPARATORS):
        return None
    if not links:  # what a template left of a navigation line: « | »
        return [] if set(rest) & set(NAVIGATION_MARKS) else None
    if len(links) > NAVIGATION_MAX_LINKS or any(len(_words(label)) > NAVIGATION_MAX_WORDS for label, _ in links):
        return None
    navigational = [is_navigation_link(label, words) for label, _ in links]
    if not any(navigational):
        return None
    if all(nav or _within_site(target) for nav, (_, target) in zip(navigational, links)):
        return [label for label, _ in links]
    return None


def _within_site(target: str) -> bool:
    """A link to another page of the same site: a template expression or a relative address."""
    address = target.strip().split()[0] if target.strip() else ""
    return address == TEMPLATE_TARGET or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//", address)


def is_rule(block: Block) -> bool:
    return block.kind == "verbatim" and RULE.match(block.text) is not None


def is_note_definition(block: Block) -> bool:
    return block.kind == "para" and NOTE_DEFINITION.match(block.text) is not None


def drop_navigation(blocks: list[Block], doc: Document, words: frozenset[str] = NAVIGATION_WORDS) -> list[Block]:
    """Drop navigation blocks at the start or the end of the text, or framed by rules, with the
    rules that framed them; a template link left in prose becomes its plain text."""
    navigation = [navigation_links(b, words) is not None for b in blocks]
    if not any(navigation) and not any(TEMPLATE_TARGET in b.text for b in blocks):
        return blocks
    drop: set[int] = set()
    for i, block in enumerate(blocks):
        if not navigation[i]:
            continue
        before = blocks[:i]
        after = blocks[i + 1:]
        at_start = all(b.kind == "heading" or is_rule(b) or navigation[j] for j, b in enumerate(before))
        at_end = all(is_rule(b) or navigation[i + 1 + j] or is_note_definition(b) or is_notes_heading(b)
                     or is_code(b) and j and is_note_definition(after[j - 1]) for j, b in enumerate(after))
        framed = bool(before) and bool(after) and is_rule(before[-1]) and is_rule(after[0])
        if not (at_start or at_end or framed):
            continue
        drop.add(i)
        shown = block.text.replace(TEMPLATE_TARGET, "{{ … }}")
        doc.log("md-navigation", shown[:80], "", block.where, words_removed=len(_words(LINK.sub(r"\2", shown))))
        for j in (i - 1, i + 1):
            if 0 <= j < len(blocks) and is_rule(blocks[j]) and j not in drop:
                drop.add(j)
                doc.log("md-navigation", blocks[j].text, "", blocks[j].where)
    kept = [b for i, b in enumerate(blocks) if i not in drop]
    for block in kept:
        if TEMPLATE_TARGET in block.text:
            def plain(match: re.Match) -> str:
                if match.group(3) != TEMPLATE_TARGET:
                    return match.group(0)
                doc.log("md-template-link", match.group(0).replace(TEMPLATE_TARGET, "{{ … }}"), match.group(2),
                        block.where)
                return match.group(2)
            block.text = LINK.sub(plain, block.text)
            block.text = block.text.replace(TEMPLATE_TARGET, "")
    return kept


def _heading_level(block: Block) -> int:
    """A heading's level; a bold paragraph counts as below every heading."""
    if block.kind == "heading":
        return len(block.text.partition(" ")[0])
    return 7


def is_notes_heading(block: Block, names: tuple[str, ...] = NOTES_HEADING_WORDS) -> bool:
    """``## Notes``, ``**Footnotes**``, ``### References:`` (an `<h2>` is a heading by now)."""
    if block.kind == "heading":
        text = block.text.partition(" ")[2]
    elif block.kind == "para" and re.fullmatch(r"\*\*[^*\n]+\*\*:?|__[^_\n]+__:?", block.text.strip()):
        text = block.text
    else:
        return False
    return text.strip().strip("*_").strip().rstrip(":").strip().lower() in names


def drop_empty_notes_headings(blocks: list[Block], doc: Document) -> list[Block]:
    """A notes heading under which stand only note definitions (and rules) until the next
    heading of its level or above: Pandoc moves the notes, and the heading would head nothing."""
    drop: set[int] = set()
    for i, block in enumerate(blocks):
        if not is_notes_heading(block):
            continue
        level = _heading_level(block)
        section = []
        for later in blocks[i + 1:]:
            if later.kind == "heading" and _heading_level(later) <= level:
                break
            section.append(later)
        definitions = [b for b in section if is_note_definition(b)]
        rest = [b for b in section if not (is_note_definition(b) or is_rule(b) or is_code(b))]
        if rest or (section and not definitions):
            continue
        drop.add(i)
        doc.log("md-empty-notes-heading", block.text, "(its notes become footnotes)", block.where,
                words_removed=len(_words(block.text)))
        drop.update(i + 1 + j for j, b in enumerate(section) if is_rule(b))
    return [b for i, b in enumerate(blocks) if i not in drop]


def site_keys(metadata: dict, doc: Document, where: str, keys: frozenset[str] = SITE_KEYS) -> dict:
    """The metadata without the keys that steer the website (logged)."""
    dropped = [k for k in metadata if k in keys]
    if dropped:
        doc.log("md-front-matter-site-keys", ", ".join(dropped), "", where)
    kept = {k: v for k, v in metadata.items() if k not in keys}
    for key, value in list(kept.items()):
        if isinstance(value, str) and ENTITY.search(value):
            kept[key] = html.unescape(value)
            doc.log("md-html-entity", value[:80], kept[key][:80], f"{where} ({key})")
    return kept

"""What a source file says about itself: which format it is in, and the metadata it carries.

`build.py add` detects a new text's format here and writes the manifest entry from its metadata;
the manifest (anthology/manifest.py) takes from here the title, author, date and language an entry
leaves out. Both call `file_metadata`, so what `add` leaves out is exactly what the build fills in.

The format is told by the file's extension; a `.txt` by its shape (`plain_text_format`): a page
saved from the web holds one paragraph per line, an OCR or `pdftotext` dump is hard-wrapped, its
paragraphs running over many lines of one column's width. What each format gives:

- Muse: the header's `#title`, `#subtitle`, `#author`, `#date`, `#lang` and the link in `#source`;
- Markdown: the YAML front matter (`title`, `subtitle`, `author`, `date`, `lang`, `url`), else a
  `# Title` on the first line;
- HTML: `<title>`, `<html lang>`, and the `<meta>` fields of Highwire (`citation_*`), Dublin Core
  (`DC.*`), Open Graph (`og:*`) and plain `author`/`date`, the most specific first;
- DOCX, ODT, EPUB: the package's own properties (DOCX: `docProps/core.xml` and the paragraphs
  styled Title, Subtitle, Author, Date, as Pandoc reads them; ODT: `meta.xml`; EPUB: the OPF's
  Dublin Core), read from the ZIP without running Pandoc; reStructuredText, Org and LaTeX through
  Pandoc's own reading of their title blocks;
- web, ocr (`.txt`): nothing; their mastheads are told apart by editorial entries, not here.

Every value comes back as one line (whitespace collapsed, markup dropped), a language as a BCP 47
tag, a date without its time; a value that cannot be one of these is left out.
"""
from __future__ import annotations

import datetime
import html as html_module
import re
import zipfile
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import yaml

from . import html as html_reader, markdown as markdown_reader, muse as muse_reader
from .. import pandoc
from ..errors import SourceError
from ..limits import LimitExceeded, check_yaml
from ..inputs import CONTROL, MAX_SOURCE_BYTES, decode_bytes, decoded, without_mojibake

EXTENSIONS = {
    ".muse": "muse", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".docx": "pandoc", ".odt": "pandoc", ".epub": "pandoc", ".rst": "pandoc", ".org": "pandoc", ".tex": "pandoc",
}
"""Each extension whose format the extension alone tells (a `.txt` is told by its shape)."""
PLAIN_TEXT = ".txt"
PACKAGES = {".docx": "DOCX", ".odt": "ODT", ".epub": "EPUB"}
"""The formats that are ZIP packages, not text."""
PANDOC_TEXT = {".rst": "rst", ".org": "org", ".tex": "latex"}
"""The text formats only Pandoc reads, with its name for each."""

FIELDS = ("title", "subtitle", "author", "date", "language", "source_name", "source_url")
"""What a file may say about itself, under the manifest's names for each."""
NO_METADATA = frozenset({"web", "ocr"})
"""Formats whose files say nothing a manifest field could take (their mastheads need editorial entries)."""

LONG_LINE = 160
"""A line longer than this is a whole paragraph: no printed or scanned column is this wide."""
WRAPPED_SHARE = 0.5
"""A `.txt` is OCR when at least this share of its non-blank lines run on into the next line."""
MAX_VALUE = 300
"""A value longer than this is not a title, a name or a date (a body swallowed by a broken header)."""
MAX_HEADER_VALUE = 1000
"""In a Muse file that lost its line breaks, a directive's value this long has run into the body:
what comes after it is not the header."""
MAX_MEMBER_BYTES = 4 * 1024 * 1024
"""The most read of one member of a DOCX, ODT or EPUB for its metadata (a ZIP bomb stops here)."""
BCP47 = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
"""The manifest's language pattern (manifest.schema.json)."""


def extension(name: str | Path) -> str:
    return Path(name).suffix.lower()


def format_by_extension(name: str | Path) -> str | None:
    """The format a file's extension names; None for `.txt` (see `plain_text_format`) or one unknown."""
    return EXTENSIONS.get(extension(name))


def plain_text_format(text: str) -> tuple[str, str]:
    """`web` or `ocr` for a `.txt`, and why, in words. A web save has one paragraph per line; an OCR
    dump is hard-wrapped: most of its lines run on into the next one, none is a paragraph long.
    (On the texts here: the web save has 0 % of its lines running on and 95 % of its characters in
    lines over 160 characters; the OCR dump 82 % and 0 %.)"""
    lines = text.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        return "web", "it is empty"
    running_on = sum(1 for i in filled if i + 1 < len(lines) and lines[i + 1].strip()) / len(filled)
    characters = sum(len(lines[i]) for i in filled)
    in_long = sum(len(lines[i]) for i in filled if len(lines[i]) > LONG_LINE) / characters
    shape = (f"{running_on:.0%} of its lines run on into the next, {in_long:.0%} of its characters are in lines "
             f"over {LONG_LINE} characters")
    if running_on >= WRAPPED_SHARE and in_long < 0.5:
        return "ocr", f"hard-wrapped like an OCR dump: {shape}"
    return "web", f"one paragraph per line like a web save: {shape}"


def sniffed_format(text: str) -> str | None:
    """The format a `.txt` shows at its start, when it is not plain text at all: a Muse header, an
    HTML page, a Markdown front matter."""
    start = text.lstrip()[:500]
    if re.match(r"#(title|author)\s", start):
        return "muse"
    if re.match(r"(?i)<!doctype html|<html[\s>]", start):
        return "html"
    if re.match(r"---[ \t]*\n(.*\n)*?\w+:", start):
        return "markdown"
    return None


def detect_format(path: Path, data: bytes, origin: str) -> tuple[str | None, str]:
    """The format of the file at `path` (its bytes `data`) and why, or (None, why) when neither its
    extension nor its content tells. SourceError when a text format's bytes are not text."""
    ext = extension(path)
    if ext in EXTENSIONS:
        return EXTENSIONS[ext], f"its extension {ext}"
    if ext == PLAIN_TEXT:
        text = decode_bytes(data, origin, [])
        sniffed = sniffed_format(text)
        if sniffed:
            return sniffed, f"its first lines ({sniffed})"
        return plain_text_format(text)
    return None, f"its extension {ext or '(none)'} is not one of {', '.join([*EXTENSIONS, PLAIN_TEXT])}"


def check_readable(path: Path, data: bytes, fmt: str, origin: str) -> None:
    """SourceError unless the bytes can be what `fmt` reads: text for a text format (not empty, not
    binary, not UTF-16), a ZIP package for a DOCX, ODT or EPUB."""
    ext = extension(path)
    if fmt == "pandoc" and ext in PACKAGES:
        if not data:
            raise SourceError(f"{origin}: the file is empty; put the text in it")
        if not zipfile.is_zipfile(BytesIO(data)):
            raise SourceError(f"{origin}: not a {PACKAGES[ext]} file (a {PACKAGES[ext]} is a ZIP package); "
                              f"save it again from its editor")
        return
    decode_bytes(data, origin, [])


def file_metadata(path: Path, fmt: str, origin: str) -> dict[str, str]:
    """What the file at `path`, read as `fmt`, says about itself, by manifest field (see FIELDS);
    only the fields it gives. SourceError when it cannot be read (`origin` names it)."""
    if fmt in NO_METADATA:
        return {}
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SourceError(f"{origin}: cannot be read ({exc.strerror or exc})") from None
    ext = extension(path)
    if ext in PACKAGES:
        check_readable(path, data, "pandoc", origin)
        found = _package_metadata(data, ext, origin)
    else:
        text = _source_text(data, origin)
        if ext in PANDOC_TEXT:
            found = _pandoc_metadata(text, PANDOC_TEXT[ext], origin)
        else:
            found = {"muse": _muse_metadata, "markdown": _markdown_metadata, "html": _html_metadata}.get(
                fmt, lambda text, origin: {})(text, origin)
    return cleaned(found)


def _source_text(data: bytes, origin: str) -> str:
    """A file's text for its metadata: decoded as the readers decode it, but without the repairs
    `decode_bytes` makes over the whole text; `cleaned` makes them on the few values taken (ftfy
    over a book-length text would cost more than all the rest of loading the manifest)."""
    if not data.strip():
        raise SourceError(f"{origin}: the file is empty; put the text in it or remove it from the manifest")
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{origin}: the file is {len(data) // 1024} KB, over the {MAX_SOURCE_BYTES // 1024} KB "
                          f"limit for one text")
    return decoded(data, origin, []).replace("\r\n", "\n").replace("\r", "\n")


def cleaned(found: dict) -> dict[str, str]:
    """The manifest's fields from what a reader found: one line each, a language as BCP 47, a date
    without its time, a URL only if it is http(s); what cannot be is left out."""
    out = {}
    for key in FIELDS:
        value = one_line(found.get(key))
        if not value.isascii():
            value = without_mojibake(CONTROL.sub("", value), "", [], [])
        if key == "language":
            value = language_tag(value)
        elif key == "date":
            value = re.sub(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}.*$", r"\1", value)
        elif key == "source_url" and not re.match(r"https?://\S+$", value):
            value = ""
        if value and len(value) <= MAX_VALUE:
            out[key] = value
    return out


def one_line(value) -> str:
    """A metadata value as one line of plain text; several names as `A, B and C`."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("text") or ""
    if isinstance(value, (list, tuple)):
        names = [one_line(v) for v in value]
        names = [n for n in names if n]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + (f" and {names[-1]}" if names else "")
    if value is None or isinstance(value, bool):
        return ""
    text = re.sub(r"<[^<>]*>", "", str(value))
    return " ".join(text.split())


def language_tag(value: str) -> str:
    """`en_gb`, `EN-gb` → `en-GB`: a BCP 47 tag the manifest accepts, or "" if it is not one."""
    parts = value.replace("_", "-").split("-")
    if not parts or not parts[0]:
        return ""
    shaped = [parts[0].lower()] + [p.upper() if len(p) == 2 else p.title() if len(p) == 4 else p for p in parts[1:]]
    tag = "-".join(shaped)
    return tag if BCP47.match(tag) else ""


def differs_from(language: str, book_language: str) -> bool:
    """Whether a file's `language` names a language other than the book's. `en` in a book in
    `en-GB` does not: it is the same language, which the book names more precisely."""
    file_tag, book_tag = language.lower(), book_language.lower()
    return not (book_tag == file_tag or book_tag.startswith(file_tag + "-"))


# Muse ------------------------------------------------------------------------------------------

MUSE_FIELDS = {"title": "title", "subtitle": "subtitle", "author": "author", "date": "date", "lang": "language",
               "source_url": "source_url"}


def _muse_metadata(text: str, origin: str) -> dict:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if muse_reader.is_flattened(text):
        directives = _flattened_directives(text)
    else:
        header = []
        for line in text.split("\n"):
            if line.strip() and not muse_reader.DIRECTIVE.match(line):
                break
            header.append(line)
        directives = muse_reader.parse_directives("\n".join(header), flattened=False)
    found = muse_reader.metadata_from(directives)
    if "source_url" not in found and re.match(r"https?://\S+$", found.get("source", "")):
        found["source_url"] = found["source"]
    return {ours: found[theirs] for theirs, ours in MUSE_FIELDS.items() if theirs in found}


def _flattened_directives(text: str) -> dict[str, str]:
    """The header of a Muse file that lost its line breaks: each directive's value runs to the next
    directive. The last one's value runs into the body, so only its first word is known (and kept
    for a one-word directive such as `#lang`); a value too long to be one has run into the body, so
    each next directive is looked for only that far (the body is never scanned)."""
    found: dict[str, str] = {}
    directive = muse_reader.DIRECTIVE.search(text, 0, MAX_HEADER_VALUE)
    while directive:
        name = directive.group(1)
        following = muse_reader.DIRECTIVE.search(text, directive.end(), directive.end() + MAX_HEADER_VALUE)
        if following is None:
            if name.lower() in muse_reader.SINGLE_WORD_DIRECTIVES:
                first = text[directive.end(): directive.end() + MAX_VALUE].split(maxsplit=1)
                found.setdefault(name, first[0] if first else "")
            break
        found.setdefault(name, " ".join(text[directive.end(): following.start()].split()))
        directive = following
    return found


# Markdown --------------------------------------------------------------------------------------

MARKDOWN_FIELDS = {"title": "title", "subtitle": "subtitle", "author": "author", "date": "date",
                   "lang": "language", "language": "language", "url": "source_url", "source_url": "source_url"}
TITLE_LINE = re.compile(r"^#[ \t]+(.+?)[ \t#]*$")
NOTE_MARK = re.compile(r"<sup>.*?</sup>|\[\^[^\]]*\]")
FRONT_MATTER_LINES = 2000
"""Lines split off the head of a Markdown file to find its front matter (the rest is not split)."""
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML has it, as the manifest uses."""


def _markdown_metadata(text: str, origin: str) -> dict:
    data, after = _front_matter(text, origin)
    found = {}
    for theirs, ours in MARKDOWN_FIELDS.items():
        if data.get(theirs) not in (None, "", []):
            found.setdefault(ours, data[theirs])
    if "title" not in found:
        first = next((line for line in after if line.strip()), "").split("\n", 1)[0]
        title = TITLE_LINE.match(first)
        if title:
            found["title"] = NOTE_MARK.sub("", title.group(1))
    return found


def _front_matter(text: str, origin: str) -> tuple[dict, list[str]]:
    """The YAML front matter, as the Markdown reader reads it, and the first lines after it. Only
    the head of the text is split, and the block is parsed by libyaml; anything the fast way does
    not take is left to the reader's own `split_front_matter`, which says what is wrong."""
    lines = text.split("\n", FRONT_MATTER_LINES)
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if start == len(lines) or not markdown_reader.YAML_OPEN.match(lines[start]):
        return {}, lines[start:start + 20]
    end = next((i for i in range(start + 1, len(lines) - 1) if markdown_reader.YAML_CLOSE.match(lines[i])), None)
    if end is not None:
        block = "\n".join(lines[start + 1:end])
        try:
            check_yaml(block)  # before libyaml composes it or an alias expands
            data = yaml.load(block, Loader=YAML_LOADER) or {}
        except (LimitExceeded, yaml.YAMLError):
            data = None
        if isinstance(data, dict):
            return {str(k): v.isoformat() if isinstance(v, (datetime.date, datetime.datetime)) else v
                    for k, v in data.items()}, lines[end + 1:end + 20]
    data, rest, _ = markdown_reader.split_front_matter(text, origin)
    return data, rest[:20]


# HTML ------------------------------------------------------------------------------------------

HTML_FIELDS = {
    "title": (*html_reader.META_FIELDS["title"], "<title>"),
    "author": html_reader.META_FIELDS["author"],
    "date": html_reader.META_FIELDS["date"],
    "language": ("<html lang>", *html_reader.META_FIELDS["language"]),
    "source_name": html_reader.META_FIELDS["publication"],
    "source_url": ("<link canonical>", *html_reader.META_FIELDS["source"]),
}
"""Where an HTML page says each field, the most specific first: the `<meta>` names the html reader
reads (one list for both), and what the head says outside `<meta>`."""
HTML_HEAD_BYTES = 512 * 1024
"""The head of a page is read up to `<body>`, and no further than this."""


class _HeadParser(HTMLParser):
    """The metadata of an HTML page's head: `<html lang>`, `<title>`, `<meta>`, canonical `<link>`."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, list[str]] = {}
        self.in_title = False
        self.title: list[str] = []
        self.done = False

    def add(self, key: str, value: str | None) -> None:
        if value and value.strip():
            self.fields.setdefault(key, []).append(value.strip())

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): v for k, v in attrs}
        if tag == "html":
            self.add("<html lang>", attrs.get("lang") or attrs.get("xml:lang"))
        elif tag == "title" and not self.title:
            self.in_title = True
        elif tag == "meta":
            key = (attrs.get("name") or attrs.get("property") or "").lower()
            if key:
                self.add(key, attrs.get("content"))
        elif tag == "link" and "canonical" in (attrs.get("rel") or "").lower().split():
            self.add("<link canonical>", attrs.get("href"))
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)


def _html_metadata(text: str, origin: str) -> dict:
    parser = _HeadParser()
    for start in range(0, min(len(text), HTML_HEAD_BYTES), 8192):
        parser.feed(text[start: start + 8192])
        if parser.done:
            break
    parser.add("<title>", "".join(parser.title))
    found = {}
    for ours, places in HTML_FIELDS.items():
        for place in places:
            values = [v for v in parser.fields.get(place, []) if not (ours == "author" and "://" in v)]
            if values:
                found[ours] = values if ours == "author" else values[0]
                break
    if "title" in found and found["title"] == one_line(parser.title):
        if found.get("source_name"):
            found["title"] = _without_site_name(found["title"], found["source_name"])
        found["title"] = _as_page_heading(found["title"], text)
    return found


TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ")
"""What a page's `<title>` puts between the text's title and the site's name."""
H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.I | re.S)


def _as_page_heading(title: str, text: str) -> str:
    """`Mozilla - Wikipedia` → `Mozilla`, where the page's one `<h1>` is the title's first part
    and the rest, after a separator, names the site (the html reader takes that `<h1>` as the
    title too, so the two agree)."""
    headings = H1.findall(text)
    if len(headings) != 1:
        return title
    heading = one_line(html_module.unescape(re.sub(r"<[^>]+>", "", headings[0])))
    for separator in TITLE_SEPARATORS:
        if heading and title.startswith(heading + separator):
            return heading
    return title


def _without_site_name(title: str, site: str) -> str:
    """`The Soviet Mirage | Lucien van der Walt` → `The Soviet Mirage`, when the part cut is the site's name."""
    for separator in TITLE_SEPARATORS:
        head, sep, tail = title.rpartition(separator)
        if sep and head and tail.strip().lower() == site.strip().lower():
            return head
    return title


# DOCX, ODT, EPUB ------------------------------------------------------------------------------

NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "container": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
}
DOCX_STYLES = {"title": "title", "subtitle": "subtitle", "author": "author", "date": "date"}
"""Paragraph styles whose text Pandoc's DOCX reader takes as metadata (by style id, lower-cased)."""
DOCX_STYLED_PARAGRAPHS = 40
"""The styled title block is at the start: no further paragraphs are looked at."""


def _package_metadata(data: bytes, ext: str, origin: str) -> dict:
    try:
        with zipfile.ZipFile(BytesIO(data)) as package:
            if ext == ".docx":
                return _docx(package)
            if ext == ".odt":
                return _odt(package)
            return _epub(package)
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError, ValueError) as exc:
        raise SourceError(f"{origin}: its {PACKAGES[ext]} package cannot be read ({exc})") from None


def _member(package: zipfile.ZipFile, name: str) -> bytes | None:
    if name not in package.namelist():
        return None
    with package.open(name) as member:
        data = member.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise ValueError(f"{name} is over {MAX_MEMBER_BYTES // (1024 * 1024)} MB")
    return data


def _texts(root: ElementTree.Element, path: str) -> list[str]:
    return [" ".join("".join(e.itertext()).split()) for e in root.findall(path, NS)]


def _docx(package: zipfile.ZipFile) -> dict:
    found: dict = {}
    core = _member(package, "docProps/core.xml")
    if core:
        root = ElementTree.fromstring(core)
        for ours, path in (("title", "dc:title"), ("author", "dc:creator"), ("language", "dc:language")):
            values = [v for v in _texts(root, path) if v]
            if values:
                found[ours] = values[0]
    document = _member(package, "word/document.xml")
    if document:
        styled: dict[str, list[str]] = {}
        body = ElementTree.fromstring(document).find("w:body", NS)
        for paragraph in list(body if body is not None else [])[:DOCX_STYLED_PARAGRAPHS]:
            style = paragraph.find("w:pPr/w:pStyle", NS)
            kind = DOCX_STYLES.get((style.get(f"{{{NS['w']}}}val", "") if style is not None else "").lower())
            if kind:
                styled.setdefault(kind, []).append("".join(t.text or "" for t in paragraph.iter(f"{{{NS['w']}}}t")))
        for kind, values in styled.items():
            found[kind] = values if kind == "author" else values[0]
    return found


def _odt(package: zipfile.ZipFile) -> dict:
    meta = _member(package, "meta.xml")
    if not meta:
        return {}
    root = ElementTree.fromstring(meta)
    found = {}
    for ours, path in (("title", ".//dc:title"), ("subtitle", ".//dc:subject"), ("author", ".//meta:initial-creator"),
                       ("language", ".//dc:language")):
        values = [v for v in _texts(root, path) if v]
        if values:
            found[ours] = values[0]
    return found


def _epub(package: zipfile.ZipFile) -> dict:
    container = _member(package, "META-INF/container.xml")
    if not container:
        raise ValueError("it has no META-INF/container.xml")
    rootfile = ElementTree.fromstring(container).find(".//container:rootfile", NS)
    opf = _member(package, rootfile.get("full-path", "")) if rootfile is not None else None
    if not opf:
        raise ValueError("its package document (the OPF) is missing")
    metadata = ElementTree.fromstring(opf).find("opf:metadata", NS)
    if metadata is None:
        return {}
    found: dict = {}
    for ours, path in (("title", "dc:title"), ("author", "dc:creator"), ("date", "dc:date"),
                       ("language", "dc:language"), ("source_name", "dc:publisher"), ("source_url", "dc:source")):
        values = [v for v in _texts(metadata, path) if v]
        if values:
            found[ours] = values if ours == "author" else values[0]
    return found


def _pandoc_metadata(text: str, pandoc_format: str, origin: str) -> dict:
    """A reStructuredText, Org or LaTeX file's title block, as Pandoc reads it: written back as
    Markdown with its metadata block, which is then read like any front matter."""
    try:
        written = pandoc.convert(text, "markdown", args=["--standalone"], from_format=pandoc_format)
    except pandoc.PandocError as exc:
        raise SourceError(f"{origin}:{exc.line or 1}: Pandoc cannot read it as {pandoc_format}: {exc.reason}") from None
    data = markdown_reader.split_front_matter(written, origin)[0]
    return {ours: data[theirs] for theirs, ours in MARKDOWN_FIELDS.items() if data.get(theirs)}

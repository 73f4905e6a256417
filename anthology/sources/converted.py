"""Reader for what Pandoc already reads well (the manifest's format `pandoc`): DOCX, ODT,
reStructuredText, LaTeX, Org, Textile, MediaWiki, DocBook, FB2, RTF, Typst … and EPUB.

The input format comes from the option `from` or from the file's extension. Pandoc reads the file
(a DOCX or an ODT as its bytes, on standard input; a text format decoded as every source is) and
writes HTML with the document's own metadata (title, author, date); images and figures leave it
(the book has none; each is logged); the HTML reader then writes the body as Pandoc Markdown, so
that notes in every shape become `[^N]` notes the same way.

An EPUB is read chapter by chapter here rather than by Pandoc: each chapter is an HTML file whose
note anchors (`fn1` …) start again at 1, which Pandoc 3.9's EPUB reader cannot tell apart (a
real EPUB here came out with every one of its 176 notes empty). Its metadata comes from its
package document (`dc:title`, `dc:creator`, `dc:date`, `dc:language`, `dc:rights`).

What Pandoc cannot read is a SourceError naming the file (and the line, where Pandoc names one).
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import replace
from pathlib import PurePosixPath
from urllib.parse import unquote

from . import html
from ..contracts import Contract, Option
from ..errors import SourceError
from ..inputs import MAX_SOURCE_BYTES, decode_bytes
from ..model import Document
from ..pandoc import FILTERS, PandocError, convert

READS_BYTES = True
EXTENSIONS = {
    ".docx": "docx", ".odt": "odt", ".epub": "epub", ".rst": "rst", ".rest": "rst", ".tex": "latex",
    ".latex": "latex", ".org": "org", ".textile": "textile", ".mediawiki": "mediawiki", ".wiki": "mediawiki",
    ".dbk": "docbook", ".docbook": "docbook", ".fb2": "fb2", ".rtf": "rtf", ".typ": "typst", ".t2t": "t2t",
    ".muse": "muse", ".opml": "opml", ".jats": "jats", ".ipynb": "ipynb", ".creole": "creole",
    ".dokuwiki": "dokuwiki", ".twiki": "twiki", ".tikiwiki": "tikiwiki", ".bib": None,
}
"""Each extension and the Pandoc reader it names (None: not a text; `from` must say)."""
BINARY = frozenset({"docx", "odt", "epub"})
"""Formats read as bytes; the others are text, decoded as every source is."""
FORMATS = tuple(sorted({f for f in EXTENSIONS.values() if f}))
CONTRACT = Contract(
    options=(
        Option("from", "string", None, "Pandoc's name of the file's format", choices=FORMATS,
               shown_default="from the file's extension"),
        Option("chapters", "list of strings", None, "for an EPUB: the chapters to take, by their file names in "
               "the EPUB (e.g. `[ch008.xhtml, ch009.xhtml]`), in the EPUB's reading order",
               shown_default="every chapter"),
    ),
    meaning="a document Pandoc reads (DOCX, ODT, EPUB, reStructuredText, LaTeX, Org …)",
)
"""The options this reader takes (checked by the manifest, listed in docs/manifest.md)."""
TEMPLATE = FILTERS / "converted_page.html"
"""A page holding only the body and the metadata, for the HTML reader."""
DROP_IMAGES = FILTERS / "drop_images.lua"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"


def read(raw, *, options: dict, editorial: dict, origin: str) -> Document:
    """The document as Pandoc reads it, its notes as `[^N]` notes (see the module's docstring)."""
    options = options or {}
    doc = Document(body="")
    fmt = options.get("from") or EXTENSIONS.get(PurePosixPath(origin).suffix.lower())
    if not fmt:
        raise SourceError(f"{origin}: the format cannot be told from the file's extension; set the option "
                          f"from (one of {', '.join(FORMATS)})")
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    if not data.strip():
        raise SourceError(f"{origin}: the file is empty; put the text in it or remove it from the manifest")
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{origin}: the file is {len(data) // 1024} KB, over the {MAX_SOURCE_BYTES // 1024} KB "
                          "limit for one text")
    if fmt == "epub":
        return read_epub(data, doc, origin, chapters=options.get("chapters"))
    repairs = []  # mojibake mended in a text format, at the source's own lines
    source = data if fmt in BINARY else decode_bytes(data, origin, doc.warnings, repairs)
    try:
        page = convert(source, "html5", from_format=fmt,
                       args=[f"--lua-filter={DROP_IMAGES}", "--standalone", f"--template={TEMPLATE}", "--wrap=none"])
    except PandocError as exc:
        # Pandoc names the line after the last for an input that ends too soon: the last is meant
        last = len(source.splitlines()) if isinstance(source, str) else 0
        where = f"{origin}:{min(exc.line, last)}" if exc.line and last else origin
        raise SourceError(f"{where}: Pandoc could not read it as {fmt}: {exc.reason}") from None
    html.read_page(page, doc, origin, extract=False, lone_h1_is_title=False)
    # the lines the HTML reader names are those of Pandoc's HTML, which no editor sees
    doc.changes = repairs + [replace(change, where="") for change in doc.changes]
    return doc


def read_epub(data: bytes, doc: Document, origin: str, chapters: list[str] | None = None) -> Document:
    """An EPUB's chapters in reading order, each chapter's notes resolved within it; only those
    named in `chapters` (file names, as the EPUB holds them), if given."""
    from lxml import etree

    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        container = etree.fromstring(book.read("META-INF/container.xml"))
        package_path = container.find(".//{*}rootfile").get("full-path")
        package = etree.fromstring(book.read(package_path))
    except (zipfile.BadZipFile, KeyError, AttributeError, etree.XMLSyntaxError) as exc:
        raise SourceError(f"{origin}: not a readable EPUB ({exc})") from None
    doc.metadata.update(epub_metadata(package))
    items = {item.get("id"): item for item in package.iter(f"{OPF}item")}
    base = posixpath.dirname(package_path)
    contents, notes = [], []
    spine = [(itemref, items.get(itemref.get("idref"))) for itemref in package.iter(f"{OPF}itemref")]
    spine = [(itemref, item, posixpath.normpath(posixpath.join(base, unquote(item.get("href")))))
             for itemref, item in spine if item is not None and "html" in (item.get("media-type") or "")]
    if chapters is not None:
        names = [name for _, _, name in spine]
        missing = [c for c in chapters if c not in names]
        if missing:
            raise SourceError(f"{origin}: option chapters names {', '.join(missing)}, which the EPUB's reading "
                              f"order does not hold; it holds {', '.join(names)}")
        spine = [entry for entry in spine if entry[2] in chapters]
    for itemref, item, name in spine:
        logged = len(doc.changes)
        try:
            text = decode_bytes(book.read(name), f"{origin}:{name}", doc.warnings, doc.changes)
        except KeyError:
            raise SourceError(f"{origin}: the EPUB's spine names {name}, which it does not hold") from None
        tree = html.parse_page(text, f"{origin}:{name}")
        if tree.xpath("//*[@*[local-name()='type' and contains(., 'toc')]]") and itemref.get("linear") == "no":
            continue
        html.remove_furniture(tree, doc)
        found = html.take_notes(tree, doc, origin, first=len(notes))
        for note in found:
            note.place = name
        notes += found
        doc.changes[logged:] = [replace(change, where=f"{name} {change.where}".strip())
                                for change in doc.changes[logged:]]
        body = tree.find("body")
        if body is not None and body.text_content().strip():
            contents.append(html.main_content(tree, doc, origin, extract=False, main=None))
    if not contents:
        raise SourceError(f"{origin}: the EPUB's spine holds no chapter with text")
    return html.write_document("\n".join(contents), notes, doc, origin)


def epub_metadata(package) -> dict:
    """Title, author, date, language and rights from the EPUB's package document."""
    metadata = {}
    for field, element in (("title", "title"), ("author", "creator"), ("date", "date"),
                           ("language", "language"), ("rights", "rights"), ("description", "description"),
                           ("publication", "publisher")):
        values = [" ".join((el.text or "").split()) for el in package.iter(f"{DC}{element}")]
        values = [v for v in values if v]
        if values:
            metadata[field] = ", ".join(dict.fromkeys(values)) if field == "author" else values[0]
    return metadata


REASONS = {**html.REASONS}
"""The HTML reader's rules: a converted document is written as an HTML page first."""

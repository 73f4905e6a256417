"""The one boundary between what a source asks for and what the outputs do: links and attributes
on an allow-list, nothing else.

Pandoc keeps what a text's Markdown says: `[x](javascript:…)` (or a Muse `[[javascript:…][x]]`)
is a live `<a href>` in the EPUB and a /URI action in the PDF, and `## H {onmouseover=… style=…}`
an event handler and a remote style on the heading and its section. Rather than each reader
guarding against this (and every future reader remembering to), the document tree is sanitised
once, after Pandoc has read it and before any writer sees it: each text's tree, the preface's,
and the back matter written from the editors' files (the glossary, the EPUB index).

- A Link whose URL is not on the allow-list (`http`, `https`, `mailto`, and `#…` within the
  book) is replaced by its words; so is an Image whose source is not a relative path inside the
  book (source texts carry no pictures: the Markdown reader already keeps only their description).
- Of the key-value attributes, only `lang`, `dir`, `role`, `epub:type` and the `data-` attributes
  the build itself writes are kept; ids and classes always are.

Allow-lists, not deny-lists: a scheme or an attribute nobody thought of is refused. Each removal
is a warning naming the file. What the build adds later (paragraph anchors, note links, glossary
links, the print edition's running heads) is its own and is not looked at again.
"""
from __future__ import annotations

import re

from . import doctree

SCHEMES = frozenset({"http", "https", "mailto"})
"""The schemes a link of the book may have; besides these only an in-book `#id`."""

ATTRIBUTES = frozenset({
    "lang", "dir", "role", "epub:type",
    # the build's own data- attributes: paragraph numbers (apparatus/anchors.py), index
    # sub-entries (apparatus/index.py), the reading plan's page ranges (preface, reading plan),
    # the print edition's folios and running heads (render/pdf)
    "data-n", "data-sub", "data-first", "data-last", "data-page-of", "data-page", "data-pages",
    "data-running-head", "data-author",
})
"""The key-value attributes an element may keep (ids and classes are always kept)."""

_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_SKIPPED = re.compile(r"[\x00-\x20\x7f]")
"""What a browser strips from a URL or skips inside it before it reads the scheme
(`java\\tscript:` is `javascript:`), so it is taken out before the scheme is looked at."""

WHY_LINK = "a book links only to web pages (http, https), mail (mailto) and its own pages (#…)"
WHY_IMAGE = "a book's pictures are its own files, not URLs"
WHY_ATTRIBUTE = "a book keeps ids, classes, lang, dir, role and its own data- and epub:type attributes"


def url_allowed(url: str) -> bool:
    """Whether a link may point to `url`: an in-book `#id`, or an http, https or mailto URL."""
    bare = _SKIPPED.sub("", url).lower()
    if bare.startswith("#"):
        return True
    scheme = _SCHEME.match(bare)
    return scheme is not None and scheme.group(1) in SCHEMES


def image_allowed(source: str) -> bool:
    """Whether an image may show `source`: a relative path that stays inside the book (no
    scheme, no `//host`, no `/` from the root, no `..`)."""
    bare = _SKIPPED.sub("", source).replace("\\", "/")
    return (bool(bare) and not _SCHEME.match(bare.lower()) and not bare.startswith("/")
            and ".." not in bare.split("/"))


def attribute_allowed(name: str) -> bool:
    return name in ATTRIBUTES


def sanitise(node, warnings: list[str], where: str) -> None:
    """Make `node` (a whole AST, a node or a list of blocks) safe to write, in place: links and
    images off the allow-list become their words, attributes off it are dropped; each removal is
    a warning `where: …` (`where` names the file the tree was read from)."""
    doctree.unwrap_nodes(node, frozenset({"Link", "Image"}), lambda found: _refused(found, warnings, where))

    def drop_attributes(element: dict) -> None:
        if doctree.attrs(element) is None:
            return
        keyvals = doctree.keyvals(element)
        refused = [(key, value) for key, value in keyvals if not attribute_allowed(key)]
        for key, value in refused:
            warnings.append(f"{where}: attribute {key}={_shown(value)} removed from a {element['t']}: {WHY_ATTRIBUTE}")
        if refused:
            keyvals[:] = [pair for pair in keyvals if attribute_allowed(pair[0])]

    doctree.walk(node, drop_attributes)


def _refused(node: dict, warnings: list[str], where: str) -> bool:
    """Whether a Link or an Image must go (saying so in `warnings`)."""
    url = doctree.target(node)
    if node["t"] == "Link":
        if url_allowed(url):
            return False
        warnings.append(f"{where}: link to {_shown(url)} made plain text (its words are kept): {WHY_LINK}")
        return True
    if image_allowed(url):
        return False
    warnings.append(f"{where}: image {_shown(url)} left out (its description is kept): {WHY_IMAGE}")
    return True


def _shown(value: str, limit: int = 80) -> str:
    """A value from a source, quoted for one line of a message (control characters escaped)."""
    return repr(value if len(value) <= limit else value[:limit - 1] + "…")

"""Pandoc's EPUB written chapter by chapter, side by side, each chapter kept for the next build.

Pandoc's EPUB writer takes the whole book in one process (about 2 s here: most of an EPUB-only
build), though a chapter's XHTML depends on nothing but the chapter. So Pandoc writes:

1. the book's *skeleton*, every level-1 section with its headings and nothing else: that is the
   whole package (`content.opf`, the navigation, `toc.ncx`, one file per chapter), as Pandoc
   would write it for the whole book, in a tenth of the time;
2. each chapter on its own, several at once, and only the chapters that changed since the last
   build (the others are in the cache, keyed by the chapter's content and the metadata); a
   text's chapter as soon as the text is ready (`Chapters.start`), before the book is.

A chapter is written by Pandoc's HTML writer where that gives the body its EPUB writer would: the
EPUB writer is its HTML writer and more (it packages images, writes notes and math its own way,
re-writes raw HTML, and points each link to an id of the chapter at the chapter's file), and
takes half as long again. So a chapter without notes, images, math, citations, or raw HTML that
links or holds media is written as HTML, and its links to its own ids pointed at "ch001.xhtml"
as the EPUB writer points them, writing the chapter alone; the `<body>` tag is the skeleton's,
whose chapter has the same heading. (The EPUB writer also spells raw HTML's entities anew: the
build reads and writes every file of the EPUB, which spells them one way.)

A long raw HTML block (the index's lists: templates/index-epub.md.j2) goes around Pandoc, which
would write it as it is but parse it first, looking for media to package (a third of a second for
the index): Pandoc is given a placeholder, which the block replaces in what Pandoc writes.

Each chapter file of the skeleton gets its chapter's body. One thing crosses chapters: a link.
Pandoc points every internal link at the file that holds its target ("ch008.xhtml#gloss-nep"),
which a chapter written alone cannot know, so links are pointed here, from the ids each chapter
holds. The result is the EPUB Pandoc writes in one go, byte for byte (tests/test_epub_edition.py).
"""
from __future__ import annotations

import hashlib
import re
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable

from ...cache import kept
from ...doctree import child_blocks, header_level, inlines_of, literal, raw_block, raw_format, to_json

CHAPTER_FILE = re.compile(r"^EPUB/text/ch\d+\.xhtml$")
BODY_OPEN = re.compile(r"<body\b[^>]*>")
ID = re.compile(r'\sid="([^"]+)"')
INTERNAL_LINK = re.compile(r'href="(ch\d+\.xhtml)?#([^"]+)"')

Entries = dict[str, bytes]

ALONE = "ch001.xhtml"
"""The file Pandoc's EPUB writer gives a chapter written alone."""
EPUB_WRITER_NODES = re.compile(r'"t":\s?"(?:Note|Image|Math|Cite)"')
"""Nodes the EPUB writer writes otherwise than the HTML writer (a Str cannot hold these quotes
unescaped: only a node matches)."""
MEDIA = re.compile(r"\b(?:src|poster|srcset)\s*=|<(?:link|svg|math|object|embed)\b", re.I)
"""What Pandoc's EPUB writer looks for in raw HTML to put into the package: a block holding any of
it is left to that writer."""
LINK = re.compile(r"\bhref\s*=", re.I)
RAW_HTML = re.compile(r'"t":\s?"Raw(?:Block|Inline)",\s?"c":\s?\["html",\s?"((?:[^"\\]|\\.)*)"\]')

SET_ASIDE = 10_000
"""The length from which a raw HTML block goes around Pandoc."""


def chapters(book_ast: dict) -> list[list[dict]] | None:
    """The book's blocks cut at each level-1 heading (Pandoc's `--split-level=1`); None if any
    block comes before the first such heading (it would make a chapter of its own)."""
    cut: list[list[dict]] = []
    for block in book_ast["blocks"]:
        if header_level(block) == 1:
            cut.append([])
        elif not cut:
            return None
        cut[-1].append(block)
    return cut


class Chapters:
    """Chapters being written by Pandoc (`start`), several at once, each once, kept in `cache`;
    `write` is Pandoc's EPUB writer on an AST's JSON, `write_html` its HTML writer (HTML5, section
    divs, no wrapping; None: the EPUB writer writes every chapter), and `context` what else their
    output depends on (metadata, options, code)."""

    def __init__(self, write: Callable[[str], Entries], context: str, cache=None, jobs: int = 2,
                 write_html: Callable[[str], str] | None = None):
        self.write, self.context, self.cache, self.write_html = write, context, cache, write_html
        self.threads = ThreadPoolExecutor(max_workers=max(1, jobs))
        self.started: dict[str, Future] = {}
        self.named: dict[int, tuple[list, str]] = {}

    def name(self, blocks: list, name: str) -> None:
        """Let `name` (a text's key in the cache) stand for a chapter made of exactly these block
        objects: its key is then found without writing its JSON (a tenth of a second a text)."""
        if blocks:
            self.named[id(blocks[0])] = (blocks, name)

    def start(self, chapter_ast: dict) -> Future:
        """The chapter's XHTML from its `<body>` on, as Pandoc writes it alone."""
        blocks = chapter_ast["blocks"]
        blocks_named, name = self.named.get(id(blocks[0]), (None, None)) if blocks else (None, None)
        ast_json = None
        if name is not None and len(blocks_named) == len(blocks) and all(a is b for a, b in zip(blocks, blocks_named)):
            rest = to_json({k: v for k, v in chapter_ast.items() if k != "blocks"})
            key = hashlib.sha256(f"{self.context}\0named {name}\0{rest}".encode("utf-8")).hexdigest()
        else:
            ast_json = to_json(chapter_ast)
            key = hashlib.sha256((self.context + ast_json).encode("utf-8")).hexdigest()
        if key not in self.started:
            lean, set_aside = _set_aside(chapter_ast)
            if set_aside:
                ast_json = to_json(lean)
            self.started[key] = self.threads.submit(_chapter, ast_json or (lambda: to_json(chapter_ast)), key,
                                                    self.write, self.cache, set_aside, self.write_html)
        return self.started[key]

    def skeleton(self, ast_json: str) -> Entries:
        """Pandoc's EPUB of the book's skeleton (its level-1 headings): the package, the navigation
        and a file per chapter; kept in the cache, since an edit to a text rarely changes it."""
        key = hashlib.sha256(f"{self.context}\0skeleton\0{ast_json}".encode("utf-8")).hexdigest()
        return kept(self.cache, "epub-skeletons", key, is_entries, lambda: self.write(ast_json))

    def close(self, cancel: bool = False) -> None:
        """Wait for the chapters under way; with `cancel` (the build failed or was interrupted),
        those not yet begun are not written."""
        self.threads.shutdown(cancel_futures=cancel)


def by_chapter(book_ast: dict, chapters_: Chapters) -> Entries | None:
    """The EPUB's entries as Pandoc's EPUB writer makes them for the whole book, from a skeleton
    and one run per chapter (those started already are not started again). None if the book
    cannot be cut into chapters."""
    cut = chapters(book_ast)
    if not cut:
        return None
    skeleton = {**book_ast, "blocks": [block for chapter in cut for block in chapter if block["t"] == "Header"]}
    # The longest first, so that the runs still going when the print edition is done are short
    # ones, on both cores.
    longest_first = sorted(range(len(cut)), key=lambda i: -_weight(cut[i]))
    started = {i: chapters_.start({**book_ast, "blocks": cut[i]}) for i in longest_first}
    bodies = [started[i] for i in range(len(cut))]
    entries = chapters_.skeleton(to_json(skeleton))
    files = sorted(name for name in entries if CHAPTER_FILE.match(name))
    if len(files) != len(cut):
        return None
    bodies = [body.result() for body in bodies]
    holder = {ident: name.rsplit("/", 1)[1] for name, body in zip(files, bodies) for ident in ID.findall(body)}
    for name, body in zip(files, bodies):
        skeleton_file = entries[name].decode("utf-8")
        tag = BODY_OPEN.search(skeleton_file)
        head = skeleton_file[:tag.start()]
        body = tag.group(0) + body[BODY_OPEN.match(body).end():]  # the chapter's own, or a plain one (`_chapter`)
        own = set(ID.findall(body))

        def pointed(m: re.Match, here: str = name.rsplit("/", 1)[1]) -> str:
            prefixed, ident = m.groups()
            if prefixed:  # a link to the chapter's own id, which Pandoc gave its own file name (ch001)
                return f'href="{here}#{ident}"'
            if ident in holder and ident not in own:  # an id in another chapter, unknown to Pandoc
                return f'href="{holder[ident]}#{ident}"'
            return m.group(0)  # a link Pandoc made itself (a note's "#fn1"), or to no id at all

        entries[name] = (head + INTERNAL_LINK.sub(pointed, body)).encode("utf-8")
    return entries


def is_entries(value) -> bool:
    """Zip entries as the cache keeps them (the skeleton's): path → bytes."""
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, bytes) for k, v in value.items())


def is_chapter_body(value) -> bool:
    """A chapter as the cache keeps it: its XHTML from its `<body>` on."""
    return isinstance(value, str) and BODY_OPEN.match(value) is not None


def _weight(blocks: list) -> int:
    """About how long Pandoc takes to write these blocks: their inline nodes, counted one level
    down (not inside emphasis or notes), with their nested blocks'. A text's JSON is not made to
    be measured (a tenth of a second), and a count of blocks put a text of long paragraphs late."""
    total = 0
    for block in blocks:
        inlines = inlines_of(block)
        total += 1 + (len(inlines) if inlines else 0) + sum(_weight(child) for child in child_blocks(block))
    return total


def _set_aside(chapter_ast: dict) -> tuple[dict, dict[str, str]]:
    """The chapter with each long raw HTML block of its own (not one in a Div) replaced by a
    placeholder block, and each placeholder → the HTML it stands for."""
    set_aside: dict[str, str] = {}
    blocks = []
    for block in chapter_ast["blocks"]:
        if block["t"] == "RawBlock" and raw_format(block) == "html" and len(literal(block)) >= SET_ASIDE \
                and not MEDIA.search(literal(block)):
            placeholder = f'<div data-set-aside="{len(set_aside)}"></div>'
            set_aside[placeholder] = literal(block)
            block = raw_block("html", placeholder)
        blocks.append(block)
    return ({**chapter_ast, "blocks": blocks} if set_aside else chapter_ast), set_aside


def html_writer_will_do(ast_json: str) -> bool:
    """Whether Pandoc's HTML writer writes this chapter's body as its EPUB writer would (see the
    module's docstring)."""
    return EPUB_WRITER_NODES.search(ast_json) is None and not any(
        MEDIA.search(raw) or LINK.search(raw) for raw in RAW_HTML.findall(ast_json))


def _as_written_alone(html: str) -> str:
    """The HTML writer's body as the EPUB writer writes it for a chapter alone: links to the
    chapter's own ids pointed at its file, in a `<body>` tag (which by_chapter replaces)."""
    own = set(ID.findall(html))

    def pointed(m: re.Match) -> str:
        prefixed, ident = m.groups()
        return f'href="{ALONE}#{ident}"' if not prefixed and ident in own else m.group(0)

    return f"<body>\n{INTERNAL_LINK.sub(pointed, html)}</body>\n</html>\n"


def _chapter(ast_json: str | Callable[[], str], key: str, write: Callable[[str], Entries], cache,
             set_aside: dict[str, str] | None = None, write_html: Callable[[str], str] | None = None) -> str:
    """The chapter's body, from the cache or written by Pandoc from `ast_json` (or what it gives,
    made only when Pandoc needs it), by its HTML writer where that will do, with the raw HTML
    `set_aside` put back in its placeholders."""
    def body() -> str:
        source = ast_json if isinstance(ast_json, str) else ast_json()
        if write_html is not None and html_writer_will_do(source):
            text = _as_written_alone(write_html(source))
        else:
            entries = write(source)
            [name] = [name for name in entries if CHAPTER_FILE.match(name)]
            text = entries[name].decode("utf-8")
        for placeholder, html in (set_aside or {}).items():
            text = text.replace(placeholder, html, 1)
        return text[BODY_OPEN.search(text).start():]

    return kept(cache, "epub-chapters", key, is_chapter_body, body)

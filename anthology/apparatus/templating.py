"""Back matter written from Jinja templates in Pandoc Markdown (the glossary, the EPUB index).

The book's Markdown is read with raw HTML off, so that nothing in a source text reaches the
outputs as markup. These templates need a few tags of their own (`dl`, `ul`, `li` with `epub:type`),
so they are read with Pandoc's explicit raw blocks on (```` ```{=html} ````), and still without
raw HTML: a value from the YAML data is Markdown-escaped (`|md`), so it cannot open a tag.
"""
from __future__ import annotations

import hashlib
import json

from ..cache import code_version, kept
from .. import pandoc
from .. import templating

TEMPLATE_MARKDOWN = "markdown-raw_html-raw_tex-smart"


def raw_block(html: str) -> str:
    """A raw HTML block in Pandoc Markdown (for the templates' tags)."""
    return f"\n```{{=html}}\n{html}\n```\n"


def environment(book):
    """The Markdown templates' environment (`anthology.templating`), with `raw_block`."""
    env = templating.environment(book.design_root / "templates", markdown=True)
    env.globals["raw_block"] = raw_block
    return env


def is_blocks(value) -> bool:
    """Pandoc's blocks as the cache keeps them: a list of block nodes."""
    return isinstance(value, list) and all(isinstance(block, dict) and "t" in block for block in value)


def markdown_blocks(markdown: str, cache=None, from_format: str = TEMPLATE_MARKDOWN) -> list:
    """The blocks Pandoc reads in `markdown` (as `from_format`); kept in `cache` (a build's Cache)
    by the text, since a long one (the EPUB index: 0.6 s) is mostly the same from one build to the
    next, and a short one (the glossary, the preface) costs a Pandoc run (0.1 s) all the same."""
    key = hashlib.sha256((from_format + code_version() + markdown).encode("utf-8")).hexdigest()
    return kept(cache, "markdown", key, is_blocks,
                lambda: json.loads(pandoc.convert(markdown, "json", from_format=from_format))["blocks"])

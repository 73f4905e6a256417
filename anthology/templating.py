"""The Jinja environment every template in `templates/` is rendered in.

Templates come in two kinds. HTML templates (the print frame, the cover, the print index, the
cleaning report) are autoescaped. Markdown templates (the openers, the discussion questions, the
preface, the glossary, the EPUB index) write Pandoc Markdown, where HTML escaping would be wrong:
a value is escaped for Markdown with the `|md` filter instead, an undefined value is an error,
and the template's last newline is kept.
"""
from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~^$])")


def md_escape(value: str) -> str:
    """Escape a plain string (from the manifest) for inclusion in Pandoc Markdown."""
    return _MD_SPECIAL.sub(r"\\\1", str(value))


def environment(templates: Path, *, markdown: bool = False) -> Environment:
    """A Jinja environment for the templates in the folder `templates`: for HTML templates, or
    with `markdown` for templates that write Pandoc Markdown (see the module's docstring)."""
    if not markdown:
        return Environment(loader=FileSystemLoader(templates), autoescape=select_autoescape(["html", "j2"]))
    env = Environment(
        loader=FileSystemLoader(templates),
        undefined=StrictUndefined,
        autoescape=False,  # these templates write Markdown; values are escaped with |md
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env

"""The common document model that every reader produces and every later stage consumes.

A reader turns a raw source file into a `Document`: Pandoc Markdown for the body (chapters as
`##`, sections as `###`; the text's own title is *not* in the body, it comes from the manifest),
plus the metadata it found in the source and the list of every `Change` it made. Keeping the body
as Pandoc Markdown lets Pandoc do the parsing it is good at, and keeps `output/clean/<id>.md`
readable for an editor.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    """One edit the cleaner made, as the cleaning report lists it.

    `rule` is a stable id such as ``web-masthead`` or ``ocr-split-a``; `where` is a human
    locator in the *raw* file (``line 173``, ``char 468``). `words_removed` counts words that
    were deliberately dropped (furniture, a duplicated pull-quote) so that word-count checks can
    account for them.
    """

    rule: str
    before: str
    after: str
    where: str = ""
    words_removed: int = 0


@dataclass
class Document:
    """A text after reading and cleaning: one body, its notes, and the audit trail."""

    body: str
    """Pandoc Markdown; footnotes as ``[^N]`` calls with ``[^N]: text`` definitions at the end."""

    metadata: dict = field(default_factory=dict)
    """What the source itself says (title, author, date, source, description ...)."""

    source_note: str = ""
    """An unnumbered note about the text's origin (Markdown), shown with the text's opener."""

    changes: list[Change] = field(default_factory=list)

    warnings: list[str] = field(default_factory=list)
    """What the reader found wrong but could read past (a note nothing calls), for the build to
    print: each names the raw file and line."""

    def log(self, rule: str, before: str, after: str, where: str = "", words_removed: int = 0) -> None:
        self.changes.append(Change(rule, before, after, where, words_removed))

"""Emendations: errors the source itself carries, corrected by the editor, each with a reason.

OCR repair mends what the scanner broke; an emendation mends what the source printed (a German
term misspelt in the translation, a word the translator dropped, a slip in a web page): it is a
judgement, so it is never made by a rule. It is an entry in the editor's file (YAML, under
`emendations:`), in the same `wrong -> right` shape as OCR corrections (`context` to say which
occurrence, `count`), with a required `note` that gives the editor's reason and an optional
`mark`. Every entry must still match its text, or the build stops naming the entry.

Each emendation is logged (rule `emendation`, the note as its place) so that the cleaning report
lists them all, and the preface states the policy and counts them. A marked emendation stands in
square brackets in the text, the usual sign of an editor's hand; an unmarked one reads as if the
source had been right, and is recorded only in the report.

Manifest config for this pass (path relative to the project directory)::

    emendations:
      file: editorial/revolution-betrayed.emendations.yml
      mark: false          # the default for entries that do not say
"""
from __future__ import annotations

import difflib
from pathlib import Path

from ..contracts import Contract, Option
from ..model import Document
from .corrections import Correction, check_corrections, correction_spans, load_corrections

RULE = "emendation"

REASONS = {RULE: "an error the source itself prints, corrected by the editor (the entry's note gives why)"}

CONTRACT = Contract(
    meaning="corrects errors the source itself carries, from the editor's list of emendations, each with "
            "its reason (listed in the cleaning report, counted in the preface)",
    options=(
        Option("file", "string", None, "the editor's emendations file (YAML: `emendations:` entries "
               "`wrong`, `right`, `note`, optional `context`, `count`, `mark`)", file=True),
        Option("mark", "boolean", False, "whether an emendation stands in square brackets in the text "
               "(an entry's own `mark` overrides it)"),
    ),
)


def apply(doc: Document, *, config: dict, project_dir: Path, origin: str) -> Document:
    """Make every emendation of the file `config["file"]` in `doc.body`, and log each one."""
    name = str(config["file"])
    entries = load_corrections(Path(project_dir) / name, name=name, key="emendations",
                               extra_keys={"mark"}, needs_note=True)
    doc.body = emend(doc.body, entries, mark=bool(config.get("mark", CONTRACT.default("mark"))),
                     log=doc.log, origin=name)
    return doc


def emend(body: str, entries: list[Correction], *, mark: bool, log, origin: str) -> str:
    """`body` with every entry applied (each must match exactly its `count` times, whole words)."""
    paragraphs = body.split("\n\n")
    check_corrections(paragraphs, entries, origin)
    for n, paragraph in enumerate(paragraphs):
        for entry in entries:
            for start, end in reversed(correction_spans(paragraph, entry)):
                shown = marked(entry.wrong, entry.right) if (mark if entry.mark is None else entry.mark) else entry.right
                paragraph = paragraph[:start] + shown + paragraph[end:]
                log(RULE, entry.wrong, entry.right, f"paragraph {n + 1}: {entry.note}")
        paragraphs[n] = paragraph
    return "\n\n".join(paragraphs)


def marked(wrong: str, right: str) -> str:
    """`right` with the words the editor changed or supplied in square brackets (as text, so that
    every reader shows them), each run in a span of class `emendation` for the style sheets: a
    long `wrong` given for its context does not bracket the words that stay."""
    old, new = wrong.split(" "), right.split(" ")
    out: list[str] = []
    for op, _, _, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(new[j1:j2])
        elif op in ("replace", "insert"):
            out.append("[\\[" + " ".join(new[j1:j2]) + "\\]]{.emendation}")
    return " ".join(out)

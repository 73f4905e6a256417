"""OCR repair: make an OCR'd text read as if it had been typed by hand.

Runs after the `ocr` reader, on its Markdown body (one paragraph a line). It repairs words, never
structure: Markdown syntax (heading markers, `[^N]` calls, scene breaks, link targets) is left
alone. The repair is a sequence of small named rules (`rules.RULES`: their ids, reasons and
order) driven by a word-frequency model; what they cannot decide goes in the text's corrections
file. Every change is logged on the document for the cleaning report. It is measured on two
labelled samples, the book's OCR text and another text read by Tesseract (`tests/ocr_measure.py`).
What differs between OCR engines and fonts, and so between texts, is a setting (`quote_symbols`).

Manifest config for this pass (paths relative to the project directory)::

    protected_words: editorial/protected-words.txt
    corrections: editorial/revolution-betrayed.corrections.yml
    illegible_mark: "[illegible in the source]"
    quote_symbols: ["®", "™", "€", "?>", "?*"]
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Sequence

from ...contracts import Contract, Option
from ...model import Change, Document
from ..corrections import Correction, check_corrections, load_corrections, load_protected_words
from . import symbols
from .engine import Paragraph
from .rules import REASONS, RULES, Given
from .tokens import Lexicon, is_untouchable

DEFAULT_MARK = "[illegible in the source]"

CONTRACT = Contract(
    meaning="repairs OCR word damage: run-together and split words, misread letters and symbols, quotation "
            "marks, illegible runs (see the cleaning report)",
    options=(
        Option("protected_words", "string", None, "a file of words never changed, one a line", file=True),
        Option("corrections", "string", None, "the editor's `wrong → right` corrections file (YAML)", file=True),
        Option("illegible_mark", "string", DEFAULT_MARK, "what stands for a run of text no rule can read"),
        Option("quote_symbols", "list of strings", [], "what this text's OCR read for a closing quotation "
               "mark: a symbol (`®`), or `?` and a symbol read so only after a question mark (`?>`)"),
    ),
)
"""The settings this pass takes under `cleaning: {ocr_repair: …}` (checked by the manifest)."""

__all__ = ["apply", "repair_text", "Lexicon", "RULES", "REASONS", "DEFAULT_MARK", "CONTRACT"]


def apply(doc: Document, *, config: dict, project_dir: Path, origin: str) -> Document:
    """Repair `doc.body` and log every change on `doc`."""
    project_dir = Path(project_dir)
    protected = frozenset()
    if config.get("protected_words"):
        protected = load_protected_words(project_dir / config["protected_words"], name=config["protected_words"])
    corrections: list[Correction] = []
    corrections_origin = origin
    if config.get("corrections"):
        corrections_origin = str(config["corrections"])
        corrections = load_corrections(project_dir / corrections_origin, name=corrections_origin)
    doc.body = repair_text(
        doc.body,
        lex=Lexicon(protected),
        corrections=corrections,
        mark=config.get("illegible_mark", CONTRACT.default("illegible_mark")),
        quote_symbols=config.get("quote_symbols") or (),
        log=doc.log,
        origin=corrections_origin,
    )
    return doc


def repair_text(
    text: str,
    *,
    lex: Lexicon,
    corrections: Iterable[Correction] = (),
    mark: str = DEFAULT_MARK,
    quote_symbols: Sequence[str] = (),
    log: Callable[..., None] | None = None,
    origin: str = "",
) -> str:
    """Repair every paragraph (line) of `text`; call `log(rule, before, after, where)` per change.
    `quote_symbols`: what the OCR read for a closing quotation mark (the option of that name)."""
    corrections = list(corrections)
    given = Given(lex, tuple(corrections), mark, symbols.symbol_pattern(quote_symbols))
    lines = text.split("\n")
    check_corrections(lines, corrections, origin)
    paragraph_no = 0
    for n, line in enumerate(lines):
        if is_untouchable(line):
            continue
        paragraph_no += 1
        where = f"paragraph {paragraph_no}"

        def note(rule: str, before: str, after: str, where: str = where) -> None:
            if log is not None:
                log(rule, before, after, where)

        lines[n] = repair_paragraph(line, given=given, log=note)
    return "\n".join(lines)


def repair_paragraph(line: str, *, given: Given, log) -> str:
    """Run every rule of `RULES`, in order, over one paragraph."""
    par = Paragraph.of(line)
    for rule in RULES:
        if rule.find is not None:
            par.apply(rule.id, rule.find(par, given), log)
    return par.text



"""OCR repair: make an OCR'd text read as if it had been typed by hand.

Runs after the `ocr` reader, on its Markdown body (one paragraph a line). It repairs words, never
structure: Markdown syntax (heading markers, `[^N]` calls, scene breaks, link targets) is left
alone. The repair is a sequence of small named rules (see `rules.py` for their ids and reasons)
driven by a word-frequency model; what they cannot decide goes in the text's corrections file.
Every change is logged on the document for the cleaning report.

Manifest config for this pass (paths relative to the project directory)::

    protected_words: editorial/protected-words.txt
    corrections: editorial/revolution-betrayed.corrections.yml
    illegible_mark: "[illegible in the source]"
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from ...model import Change, Document
from . import context, illegible, letters, quotes, repeats, splitting, symbols
from .corrections import Correction, check_corrections, correction_spans, load_corrections, load_protected_words
from .engine import Edit, Paragraph
from .rules import REASONS, RULES
from .tokens import Lexicon, is_untouchable

DEFAULT_MARK = "[illegible in the source]"

__all__ = ["apply", "repair_text", "Lexicon", "RULES", "REASONS", "DEFAULT_MARK"]


def apply(doc: Document, *, config: dict, project_dir: Path, origin: str) -> Document:
    """Repair `doc.body` and log every change on `doc`."""
    project_dir = Path(project_dir)
    protected = frozenset()
    if config.get("protected_words"):
        protected = load_protected_words(project_dir / config["protected_words"])
    corrections: list[Correction] = []
    corrections_origin = origin
    if config.get("corrections"):
        corrections_origin = str(config["corrections"])
        corrections = load_corrections(project_dir / corrections_origin, name=corrections_origin)
    doc.body = repair_text(
        doc.body,
        lex=Lexicon(protected),
        corrections=corrections,
        mark=config.get("illegible_mark", DEFAULT_MARK),
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
    log: Callable[..., None] | None = None,
    origin: str = "",
) -> str:
    """Repair every paragraph (line) of `text`; call `log(rule, before, after, where)` per change."""
    corrections = list(corrections)
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

        lines[n] = repair_paragraph(line, lex=lex, corrections=corrections, mark=mark, log=note)
    return "\n".join(lines)


def repair_paragraph(line: str, *, lex: Lexicon, corrections=(), mark=DEFAULT_MARK, log) -> str:
    """Run every rule, in order, over one paragraph."""
    par = Paragraph.of(line)
    edits = [Edit(s, e, c.right, guard=True) for c in corrections for s, e in correction_spans(par.text, c)]
    par.apply("ocr-correction", edits, log)

    def can_repair(token: str) -> bool:
        return bool(splitting.split_token(token, lex)[0] or letters.best_candidate(token, lex))

    par.apply("ocr-illegible", illegible.mark_illegible(par, lex, mark, can_repair=can_repair), log)
    par.apply("ocr-repeated-words", repeats.remove_repeats(par), log)
    par.apply("ocr-symbol-stray", symbols.fix_symbols(par, lex), log)
    par.apply("ocr-bar-letter", symbols.fix_bars(par, lex), log)
    par.apply("ocr-digit-letter", letters.fix_digits(par, lex), log)
    par.apply("ocr-join-split", splitting.join_broken_words(par, lex), log)
    par.apply("ocr-quote-glued", quotes.fix_glued(par), log)
    par.apply("ocr-split-function", splitting.split_run_togethers(par, lex), log)
    par.apply("ocr-dropped-l", letters.fix_dropped_l(par, lex), log)
    par.apply("ocr-split-context", context.split_in_context(par, lex), log)
    par.apply("ocr-letter", letters.fix_letters(par, lex), log)
    par.apply("ocr-capital-mid-sentence", letters.fix_capital_function_words(par, lex), log)
    par.apply("ocr-quote-apostrophe", quotes.fix_apostrophe_closers(par), log)
    par.apply("ocr-quote-space", quotes.fix_inner_space(par), log)
    par.apply("ocr-quote-doubled", quotes.fix_doubled(par), log)
    return par.text


def changes_by_rule(changes: Iterable[Change]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.rule] = counts.get(change.rule, 0) + 1
    return counts

"""The named rules of OCR repair, in the order they run, each with the one-line reason an editor
reads in the cleaning report: `RULES` is both the catalogue and the run order.

The order matters: the editor's corrections come first (they match the text as the editor sees
it in the source, and the text they supply is then guarded from every rule); unreadable runs are
marked before any rule tries to "fix" their fragments; symbols and `|` are resolved before words
are split or joined; quotation marks are balanced last, once the words around them are right.

A rule's `find` proposes its edits on one paragraph, which applies them (see `engine`). A step may
make the changes of two rules, marking each edit with its rule's id: the second of those rules
has no `find` of its own and follows the step's rule in the list.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from . import context, illegible, letters, quotes, repeats, splitting, symbols
from .corrections import Correction, correction_spans
from .engine import Edit, Paragraph
from .tokens import Lexicon


@dataclass(frozen=True)
class Given:
    """What the rules work with besides the paragraph."""

    lex: Lexicon
    corrections: Sequence[Correction] = ()
    """The editor's corrections (the text's corrections file)."""
    mark: str = ""
    """What stands for a run of text no rule can read."""


@dataclass(frozen=True)
class Rule:
    id: str
    reason: str
    find: Callable[[Paragraph, Given], list[Edit]] | None = None
    """The rule's edits on a paragraph; None for a rule whose edits the step before it makes."""


def _corrections(par: Paragraph, given: Given) -> list[Edit]:
    """The editor's corrections, guarded from every later rule."""
    return [Edit(s, e, c.right, guard=True) for c in given.corrections for s, e in correction_spans(par.text, c)]


def _illegible(par: Paragraph, given: Given) -> list[Edit]:
    lex = given.lex

    def can_repair(token: str) -> bool:
        return bool(splitting.split_token(token, lex)[0] or letters.best_candidate(token, lex))

    return illegible.mark_illegible(par, lex, given.mark, can_repair=can_repair)


RULES = (
    Rule("ocr-correction", "an editor's entry in the corrections file (a case no rule can decide)",
         _corrections),
    Rule("ocr-illegible", "a run of garbage the OCR could not read; no algorithm can restore it",
         _illegible),
    Rule("ocr-repeated-words", "a word or a line the OCR read twice (have have increased)",
         lambda par, given: repeats.remove_repeats(par)),
    Rule("ocr-symbol-stray", "a symbol (®, ™, €, >, *) with no business inside a word or after ?",
         lambda par, given: symbols.fix_symbols(par, given.lex)),
    Rule("ocr-symbol-quote", "®, ™ or € read for the closing quotation mark of an open quotation"),
    Rule("ocr-bar-letter", "| read for the letter l or the pronoun I",
         lambda par, given: symbols.fix_bars(par, given.lex)),
    Rule("ocr-digit-letter", "a digit read for a letter inside a word (I1zvestia)",
         lambda par, given: letters.fix_digits(par, given.lex)),
    Rule("ocr-join-split", "a word broken by a stray space into a fragment and its rest (devel opment)",
         lambda par, given: splitting.join_broken_words(par, given.lex)),
    Rule("ocr-quote-glued", "a quotation mark glued to the word outside it (this\"terrorist)",
         lambda par, given: quotes.fix_glued(par)),
    Rule("ocr-split-function", "a dropped space next to a short function word (aresult, peasantsin)",
         lambda par, given: splitting.split_run_togethers(par, given.lex)),
    Rule("ocr-split-words", "a dropped space between two common words (taxesfell)"),
    Rule("ocr-dropped-l", "an l dropped from a common word, leaving a rare one (al, aso, aways)",
         lambda par, given: letters.fix_dropped_l(par, given.lex)),
    Rule("ocr-split-context", "a run-together that happens to spell a rare word (avery few, asa rule)",
         lambda par, given: context.split_in_context(par, given.lex)),
    Rule("ocr-letter", "a letter misread or dropped (redlity, technigue, socia)",
         lambda par, given: letters.fix_letters(par, given.lex)),
    Rule("ocr-capital-mid-sentence", "a capital I read at a line start in mid-sentence (there Is quietly)",
         lambda par, given: letters.fix_capital_function_words(par, given.lex)),
    Rule("ocr-quote-apostrophe", "the closing quotation mark read as ' or ’ (\"six conditions’)",
         lambda par, given: quotes.fix_apostrophe_closers(par)),
    Rule("ocr-quote-space", "a space inside a quotation, after the opening or before the closing mark",
         lambda par, given: quotes.fix_inner_space(par)),
    Rule("ocr-quote-doubled", "a closing quotation mark read twice (\"improvement\"”)",
         lambda par, given: quotes.fix_doubled(par)),
)

REASONS = {rule.id: rule.reason for rule in RULES}

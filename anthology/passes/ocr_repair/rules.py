"""The named rules of OCR repair, in the order they run, each with the one-line reason an editor
reads in the cleaning report: `RULES` is both the catalogue and the run order.

The order matters: the editor's corrections come first (they match the text as the editor sees
it in the source, and the text they supply is then guarded from every rule); words hyphenated at
a line end are joined next, so that every later rule sees whole words; unreadable runs are
marked before any rule tries to "fix" their fragments; symbols and `|` are resolved before words
are split or joined; quotation marks are balanced last, once the words around them are right.

A rule's `find` proposes its edits on one paragraph, which applies them (see `engine`). A step may
make the changes of two rules, marking each edit with its rule's id: the second of those rules
has no `find` of its own and follows the step's rule in the list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from . import context, illegible, letters, quotes, repeats, splitting, symbols
from ..corrections import Correction, correction_spans
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
    symbols: re.Pattern | None = None
    """What the OCR read for a closing quotation mark (the `quote_symbols` option), as a pattern."""


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
    Rule("ocr-join-hyphenated", "a word hyphenated at a line end, its halves left apart when the lines were "
         "joined (prac- tices)", lambda par, given: splitting.join_hyphenated(par, given.lex)),
    Rule("ocr-illegible", "a run of garbage the OCR could not read; no algorithm can restore it",
         _illegible),
    Rule("ocr-repeated-words", "a word or a line the OCR read twice (have have increased)",
         lambda par, given: repeats.remove_repeats(par)),
    Rule("ocr-symbol-stray", "a symbol the OCR reads for a quotation mark (®, ™, €, ?>) where no quotation is open",
         lambda par, given: symbols.fix_symbols(par, given.symbols)),
    Rule("ocr-symbol-quote", "a symbol (®, ™, €, ?>) read for the closing quotation mark of an open quotation"),
    Rule("ocr-bar-letter", "| read for the letter l or the pronoun I",
         lambda par, given: symbols.fix_bars(par, given.lex)),
    Rule("ocr-digit-letter", "a digit read for a letter inside a word (I1zvestia)",
         lambda par, given: letters.fix_digits(par, given.lex)),
    Rule("ocr-join-split", "a word broken by a stray space into a fragment and its rest (devel opment)",
         lambda par, given: splitting.join_broken_words(par, given.lex)),
    Rule("ocr-self-compound", "a compound of self that lost its hyphen (selfregarding)",
         lambda par, given: splitting.hyphenate_self_compounds(par, given.lex)),
    Rule("ocr-quote-glued", "a quotation mark glued to the word outside it (this\"terrorist)",
         lambda par, given: quotes.fix_glued(par)),
    Rule("ocr-split-function", "a dropped space next to a short function word (aresult, peasantsin)",
         lambda par, given: splitting.split_run_togethers(par, given.lex, letter_fix=letters.common_misreading,
                                                               misread_variants=letters.misread_variants)),
    Rule("ocr-split-words", "a dropped space between two common words (taxesfell)"),
    Rule("ocr-dropped-l", "an l dropped from a common word, leaving a rare one (al, aso, aways)",
         lambda par, given: letters.fix_dropped_l(par, given.lex)),
    Rule("ocr-split-context", "a run-together that happens to spell a rare word (avery few, asa rule)",
         lambda par, given: context.split_in_context(par, given.lex)),
    Rule("ocr-split-pronoun", "the pronoun I glued to the common word after it (Ido not mean)",
         lambda par, given: context.split_glued_pronoun(par, given.lex)),
    Rule("ocr-fl-ligature", "the fl ligature read as a capital H in mid-sentence (not Howing smoothly)",
         lambda par, given: letters.fix_fl_ligature(par, given.lex)),
    Rule("ocr-letter", "a letter misread or dropped (redlity, technigue, socia)",
         lambda par, given: letters.fix_letters(par, given.lex)),
    Rule("ocr-letter-rare", "a long word the model hardly knows, one misread letter from a common one (chinking)",
         lambda par, given: letters.fix_rare_long_misreadings(par, given.lex)),
    Rule("ocr-last-letter", "the last letter of a common word lost (limi)",
         lambda par, given: letters.fix_dropped_last_letter(par, given.lex)),
    Rule("ocr-short-word", "a two-letter non-word one misread letter from the only short word it can be (co, ir)",
         lambda par, given: letters.fix_short_words(par, given.lex)),
    Rule("ocr-short-dropped", "a two-letter fragment between words: one of the commonest words, a letter lost "
         "(th plan)",
         lambda par, given: letters.fix_short_dropped_letter(par, given.lex)),
    Rule("ocr-trailing-speck", "letters with no vowel after a paragraph's last sentence: specks read as text "
         "(barbarians. nm)",
         lambda par, given: letters.drop_trailing_speck(par, given.lex)),
    Rule("ocr-lone-t", "a lone capital T between lower-case words, the pronoun I misread (what do T prefer)",
         lambda par, given: letters.fix_lone_t(par, given.lex)),
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

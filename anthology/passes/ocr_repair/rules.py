"""The named rules of OCR repair, in the order they run, each with the one-line reason an editor
reads in the cleaning report.

The order matters: the editor's corrections come first (they match the text as the editor sees
it in the source, and the text they supply is then guarded from every rule); unreadable runs are
marked before any rule tries to "fix" their fragments; symbols and `|` are resolved before words
are split or joined; quotation marks are balanced last, once the words around them are right.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    reason: str


RULES = (
    Rule("ocr-correction", "an editor's entry in the corrections file (a case no rule can decide)"),
    Rule("ocr-illegible", "a run of garbage the OCR could not read; no algorithm can restore it"),
    Rule("ocr-repeated-words", "a word or a line the OCR read twice (have have increased)"),
    Rule("ocr-symbol-quote", "®, ™ or € read for the closing quotation mark of an open quotation"),
    Rule("ocr-symbol-stray", "a symbol (®, ™, €, >, *) with no business inside a word or after ?"),
    Rule("ocr-bar-letter", "| read for the letter l or the pronoun I"),
    Rule("ocr-digit-letter", "a digit read for a letter inside a word (I1zvestia)"),
    Rule("ocr-join-split", "a word broken by a stray space into a fragment and its rest (devel opment)"),
    Rule("ocr-quote-glued", "a quotation mark glued to the word outside it (this\"terrorist)"),
    Rule("ocr-split-function", "a dropped space next to a short function word (aresult, peasantsin)"),
    Rule("ocr-split-words", "a dropped space between two common words (taxesfell)"),
    Rule("ocr-dropped-l", "an l dropped from a common word, leaving a rare one (al, aso, aways)"),
    Rule("ocr-split-context", "a run-together that happens to spell a rare word (avery few, asa rule)"),
    Rule("ocr-letter", "a letter misread or dropped (redlity, technigue, socia)"),
    Rule("ocr-capital-mid-sentence", "a capital I read at a line start in mid-sentence (there Is quietly)"),
    Rule("ocr-quote-apostrophe", "the closing quotation mark read as ' or ’ (\"six conditions’)"),
    Rule("ocr-quote-space", "a space inside a quotation, after the opening or before the closing mark"),
    Rule("ocr-quote-doubled", "a closing quotation mark read twice (\"improvement\"”)"),
)

REASONS = {rule.id: rule.reason for rule in RULES}

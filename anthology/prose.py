"""English prose, defined once for every module that asks about it: counting words (preface
tables, word-count checks, reading times), how common a word is, which words are function words,
where a sentence ends, and how a title is cased."""
from __future__ import annotations

import re
from functools import lru_cache

_MARKUP = re.compile(
    r"<sup>\d+</sup>"          # HTML note calls in some sources
    r"|\[\^[^\]]+\]:?"          # Pandoc note calls and definition labels
    r"|\]\([^)]*\)"             # the URL part of a Markdown link
    r"|\]\{[^}\n]*\}"           # the attributes of a Markdown span (`[words]{.emendation}`)
    r"|https?://\S+"            # bare URLs
)
# Numbers are left out: note numbers glued to words in some sources would otherwise count.
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")

READING_WORDS_PER_MINUTE = 230
"""A typical silent-reading speed for non-fiction; reading times are estimates, not promises."""


def count_words(text: str) -> int:
    return len(_WORD.findall(_MARKUP.sub(" ", text)))


def reading_minutes(words: int) -> int:
    return max(1, round(words / READING_WORDS_PER_MINUTE))


def load_frequencies() -> None:
    """Load the English word frequencies (wordfreq's list: a sixth of a second, once per
    process), so that a later lookup is quick."""
    from wordfreq import get_frequency_dict

    get_frequency_dict("en", "best")


_ZIPF_BY_FREQUENCY: dict[float | None, float] = {}


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """How common `word` is in English: wordfreq's `zipf_frequency(word, "en")` (0 for a word it
    does not know), with ’ read as ' and cached, since the cleaning rules ask about the same words
    many times. A word of ASCII letters skips wordfreq's tokenizer (most of its cost): such a word
    is one token, its lower-case self, so its Zipf value depends only on the frequency the word
    list gives that token; wordfreq computes it once per frequency."""
    from wordfreq import get_frequency_dict, zipf_frequency

    word = word.replace("’", "'")
    if not (word.isascii() and word.isalpha()):
        return zipf_frequency(word, "en")
    freq = get_frequency_dict("en", "best").get(word.lower())  # as wordfreq asks, so its cache serves both
    if freq not in _ZIPF_BY_FREQUENCY:
        _ZIPF_BY_FREQUENCY[freq] = zipf_frequency(word, "en")
    return _ZIPF_BY_FREQUENCY[freq]


FUNCTION_WORDS = frozenset(
    """a an the this that these those its it his her their our my your is was are were be been
    being has had have in into on onto upon at to of for by with about as and or nor but not no so
    than then only all from if itself himself themselves which who whom whose whether because
    although though while when where""".split()
)
"""English function words (articles, pronouns, auxiliaries, prepositions, conjunctions), which
no frequency model can tell from content words: the words OCR most often glues to a neighbour
(`aresult`, `peasantsin`, `isto`)."""

NON_FINAL_FUNCTION_WORDS = FUNCTION_WORDS - frozenset("it itself himself themselves all no not so then only".split())
"""The function words no sentence ends on, so a paragraph that stops at one (`the`, `in`) was cut
short at a page break; a sentence may end on the others (`do it`, `at all`, `or not`, `since then`)."""


# ---------------------------------------------------------------------------------------------
# Where a sentence ends

SENTENCE_MARKS = ".?!…"
"""The marks that end a sentence."""

PAUSE_MARKS = ":;"
"""Marks that end what comes before them and may end a paragraph (a colon before a quotation
set apart), so `ends_sentence` counts them too; within a paragraph, no sentence starts after them."""

CLOSING_MARKS = "\"'”’»)]"
"""Closing quotation marks and brackets, which may follow the mark that ends a sentence."""

_TRAILING = re.compile(rf"(?:\[\^[^\]\s]+\]|<sup>\s*\d+\s*</sup>|[\s*_{re.escape(CLOSING_MARKS)}])$")
"""What may stand after the last mark of a sentence: a closing mark, an emphasis mark, a note call."""
_TRAILING_CITATION = re.compile(r"\s*\([^()]{1,60}\)$")
"""``… badly.” (Izvestia)``: a source named after a quotation still ends its sentence."""
_END_WITHIN = re.compile(rf"[{re.escape(SENTENCE_MARKS)}][{re.escape(CLOSING_MARKS)}]*\s+")
_SENTENCE_OPENING = re.compile(r"[“‘\"'(\[]?[A-Z0-9]")
_INITIALS = re.compile(r"(?:[A-Z]\.)+")
_ABBREVIATIONS = frozenset(
    "e.g. i.e. cf. p. pp. vol. vols. no. nos. ch. chs. ed. eds. op. cit. viz. vs. Mr. Mrs. Ms. Dr. St. Prof.".split()
)


def _last_mark(text: str) -> str:
    """`text` without what may follow its last mark (closing marks, emphasis, note calls)."""
    tail = text.rstrip()
    while _TRAILING.search(tail):
        tail = _TRAILING.sub("", tail)
    return tail


def _ends_with_mark(word: str) -> bool:
    """Whether a word ends on one of `SENTENCE_MARKS` or `PAUSE_MARKS`, behind closing marks."""
    tail = _last_mark(word)
    return bool(tail) and tail[-1] in SENTENCE_MARKS + PAUSE_MARKS


def ends_sentence(text: str, *, clause: bool = False) -> bool:
    """Whether `text` (a paragraph, a line) ends where a sentence does: its last mark, behind
    closing quotation marks, brackets, emphasis marks, note calls and a source named in
    parentheses after a quotation, is one of `SENTENCE_MARKS` or `PAUSE_MARKS` (text with
    nothing before its closing marks counts as ended too). With `clause`, a comma counts as
    well: the text ends at least a clause (a heading line ends on no punctuation at all)."""
    marks = SENTENCE_MARKS + PAUSE_MARKS + ("," if clause else "")
    text = text.rstrip()
    without_citation = _TRAILING_CITATION.sub("", text)
    if without_citation != text:
        before = _last_mark(without_citation)
        if not before or before[-1] in marks:
            return True
    tail = _last_mark(text)
    return not tail or tail[-1] in marks


def sentence_starts(text: str) -> list[int]:
    """Offsets in `text` where a sentence starts after another one ends (not counting offset 0).

    A sentence ends at one of `SENTENCE_MARKS` (a colon or semicolon goes on with the same
    sentence), followed by a space; a full stop after initials (``G.P. Maximoff``, ``comrade K.
    has``) or a common abbreviation (``pp. 98``) does not end one; the next sentence must open
    with a capital or a digit, possibly behind an opening quote or parenthesis.
    """
    starts = []
    for match in _END_WITHIN.finditer(text):
        nxt = match.end()
        if not _SENTENCE_OPENING.match(text, nxt):
            continue
        word = text[: match.start() + 1].rsplit(None, 1)[-1].lstrip("“‘\"'([")
        if _INITIALS.fullmatch(word) or word in _ABBREVIATIONS:
            continue
        starts.append(nxt)
    return starts


# ---------------------------------------------------------------------------------------------
# Title case

SMALL_WORDS = frozenset(
    "a an and as at but by for from in into nor of off on onto or than the to up upon via vs with".split()
)
"""Words a title keeps in lower case, unless they open it, close it, follow the end of a sentence,
a colon or a dash, or stand behind an opening quote or bracket."""

_ROMAN = re.compile(r"[IVX]+")
_WORD_CORE = re.compile(r"^([^\w]*)(.*?)([^\w]*)$")


def title_case(title: str, *, keep_upper: set[str] | frozenset[str] = frozenset()) -> str:
    """`“SOVIET INC.”: SOVIET STATE-CAPITALISM` → `“Soviet Inc.”: Soviet State-Capitalism`.

    An all-caps title is cased word by word (each part of a hyphenated word too): small words
    in lower case, the others capitalised; Roman numerals and words in `keep_upper` stay upper
    case. A title already in mixed case is as printed, except that a small word capitalised in
    mid-title (``Estimate Of These``) is lowered to match the other titles. Punctuation and
    quotation marks are kept.
    """
    all_caps = not any(c.islower() for c in title)
    tokens = title.split(" ")
    out: list[str] = []
    for i, token in enumerate(tokens):
        lead, core, trail = _WORD_CORE.match(token).groups()
        after_stop = i > 0 and (_ends_with_mark(out[-1]) or out[-1].endswith("—"))
        force = i == 0 or i == len(tokens) - 1 or after_stop or bool(lead)
        parts = []
        for j, part in enumerate(core.split("-")):
            if part in keep_upper or core in keep_upper or (_ROMAN.fullmatch(part) and len(part) > 1):
                parts.append(part)
            elif part.lower() in SMALL_WORDS and not (force and j == 0):
                parts.append(part.lower())
            elif all_caps:
                parts.append(part[:1].upper() + part[1:].lower())
            else:
                parts.append(part)
        out.append(lead + "-".join(parts) + trail)
    return " ".join(out)

"""Spaces the OCR dropped (`aresult`, `peasantsin`, `taxesfell`) or added (`devel opment`).

Splitting is the most dangerous repair: a split that turns a rare word into two common ones
(`kulak` → `ku lak`, `cannot` → `can not`) is an error nobody will look for. So a token is split
only when it is not itself a word, and the split is clearly better than the token:

* with a **function word** (`a`, `is`, `in`, `its`, `the` ...) among the parts, the other part
  must be an ordinary word, and the parts together must be far more likely than the token
  (their summed log-frequencies beat the token's by `SPLIT_MARGIN`); a token the model has
  never seen may hold two ordinary words besides (`regimeliesin`, `timesitssizein`);
* with **no function word**, the token must be unknown to the frequency model, both parts
  common words, and the first part a plural or possessive (`taxesfell`, `people'sincome`):
  English closed compounds seldom start with one, while `stockbreeding`, `mouselike` and
  `grainbearing` are words the model happens not to know.

Words the model knows (`another`, `along`, `isolate`, `onto`) are left alone, except by context
rules (`avery few`, see `context.py`) or by an editorial entry. Case is kept because a split
only inserts spaces.
"""
from __future__ import annotations

import re

from ...prose import FUNCTION_WORDS, zipf
from .engine import Edit, Paragraph
from .tokens import SHORT_WORDS, WORD_ZIPF, ZIPF_OFFSET, Lexicon

SPLIT_MARGIN = 2.0
"""How many orders of magnitude more likely the split must be than the token as printed."""

DAMAGED_ZIPF = 2.0
"""A token rarer than this is no word a writer would use: it is damage of some kind ..."""

DAMAGED_SPLIT_MARGIN = 0.8
"""... so a split needs a smaller margin (`alack of` -> `a lack of`, `aslong` -> `as long`)."""

CONTENT_ZIPF = 3.0
"""A non-function part of a split must be at least this common (or protected)."""

UNKNOWN_CONTENT_ZIPF = 1.5
"""... or this common, when the token is unknown to the model (`unpleasantnessin`, `colonizersinto`)."""

RARE_PART_LENGTH = 6
"""... if it is a long word: short rare "words" (`tle`, `ste`) are mostly pieces of others."""

BARE_SPLIT_ZIPF = 3.3
"""Both parts of a split with no function word must be at least this common."""

JOINED_ZIPF = 1.5
"""Two fragments that join into a word this common (`measurel ess`) were one word."""

MAX_PARTS = 4
_TOKEN = re.compile(r"(?<![\w'’|-])[A-Za-z]+(?:['’][A-Za-z]+)*(?![\w|])")


def _part_score(part: str, at_start: bool, lex: Lexicon) -> float | None:
    """Log-frequency of a candidate part, or None when the part cannot be a word on its own."""
    low = part.lower()
    if len(part) == 1:
        if low == "a" or (part == "I" and at_start):
            return zipf(part)
        return None
    if len(part) == 2 and low not in SHORT_WORDS:
        return None
    if "'" in part or "’" in part:
        stem, _, tail = part.replace("’", "'").partition("'")
        if tail not in ("s", "t", "ll", "re", "ve", "d") or not lex.is_word(stem):
            return None
    value = lex.score(part)
    return value if value > 0 else None


def segmentations(token: str, lex: Lexicon) -> list[tuple[float, tuple[str, ...]]]:
    """The best way to cut `token` into 2..MAX_PARTS words, as (summed log-frequency, parts)."""
    return list(_segmentations(token, lex))


def _segmentations(token: str, lex: Lexicon):
    n = len(token)
    # best[i]: dict parts-count -> (score, parts) for token[:i]
    best: list[dict[int, tuple[float, tuple[str, ...]]]] = [dict() for _ in range(n + 1)]
    best[0][0] = (0.0, ())
    for i in range(1, n + 1):
        for j in range(max(0, i - 24), i):
            if not best[j]:
                continue
            part = token[j:i]
            value = _part_score(part, j == 0, lex)
            if value is None:
                continue
            for count, (score, parts) in best[j].items():
                if count + 1 > MAX_PARTS:
                    continue
                candidate = (score + value - ZIPF_OFFSET, parts + (part,))
                if count + 1 not in best[i] or candidate[0] > best[i][count + 1][0]:
                    best[i][count + 1] = candidate
    return sorted((v for k, v in best[n].items() if k >= 2), reverse=True)


def is_function(part: str) -> bool:
    return part.lower().replace("’", "'") in FUNCTION_WORDS


def acceptable_split(token: str, parts: tuple[str, ...], score: float, lex: Lexicon) -> str | None:
    """The rule id under which `parts` may replace `token`, or None if the token must stay."""
    if lex.is_protected(token):
        return None
    own = zipf(token)
    if own >= WORD_ZIPF:
        return None
    content = [p for p in parts if not is_function(p)]
    for first, second in zip(parts, parts[1:]):
        if first.lower() in ("a", "an") and is_function(second):
            return None  # an article before a function word is no English (`aso` is `also`)
    if len(content) < len(parts):
        if len(content) > 1 and (
            own > 0 or len(content) > 2 or any(len(p) < 4 for p in content)
            or (len(parts) > 3 and not is_function(parts[-1]))
        ):
            return None  # `oppositeistrue`, `timesitssizein`; but not `grain be a ring`
        rare_ok = (
            own == 0 and len(content) == 1 and len(content[0]) >= RARE_PART_LENGTH
            and parts[-1].lower() not in ("a", "an")  # `principa` is no `princip a`
        )
        floor = UNKNOWN_CONTENT_ZIPF if rare_ok else CONTENT_ZIPF
        if any(lex.score(p) < floor for p in content):
            return None
        margin = SPLIT_MARGIN if own >= DAMAGED_ZIPF else DAMAGED_SPLIT_MARGIN
        if own > 0 and score - (own - ZIPF_OFFSET) < margin:
            return None
        return "ocr-split-function"
    if own == 0 and len(parts) == 2 and all(lex.score(p) >= BARE_SPLIT_ZIPF for p in parts):
        if _plural_or_possessive(parts[0], lex):
            return "ocr-split-words"
    return None


PREFIX_LENGTH = 3
"""Prefixes in s are this short (`mis`, `dis`); a longer word in s is a word of its own."""


def _plural_or_possessive(word: str, lex: Lexicon) -> bool:
    """`taxes`, `people's`, `us`, `bourgeois`: a word in s; a short one (`mis`, `dis`) only when
    its stem is a word too, since those are mostly prefixes (`misbeliever` is no `mis believer`)."""
    low = word.lower().replace("’", "'")
    if low.endswith("s") and (len(low) > PREFIX_LENGTH or low in SHORT_WORDS):
        return True
    if low.endswith("'s"):
        return lex.is_word(low[:-2])
    if not low.endswith("s"):
        return False
    return lex.is_word(low[:-1]) or (low.endswith("es") and lex.is_word(low[:-2]))


def split_token(token: str, lex: Lexicon) -> tuple[str | None, tuple[str, ...]]:
    """(rule id, parts) if `token` should be split, else (None, ())."""
    key = ("split", token)
    if key not in lex.cache:
        lex.cache[key] = None, ()
        for score, parts in segmentations(token, lex):
            rule = acceptable_split(token, parts, score, lex)
            if rule:
                lex.cache[key] = rule, parts
                break
    return lex.cache[key]


def _split_misread(token: str, lex: Lexicon, misread_variants) -> tuple[str | None, tuple[str, ...]]:
    """A split of the one reading of `token` with a misread letter put right that splits
    (`bucit` -> `but it`); none where two readings split."""
    found = {(rule, parts) for variant in misread_variants(token)
             for rule, parts in [split_token(variant, lex)] if rule}
    return found.pop() if len(found) == 1 else (None, ())


def split_run_togethers(par: Paragraph, lex: Lexicon, letter_fix=None, misread_variants=None) -> list[Edit]:
    """Propose a split for every token that is a run-together of words; not where `letter_fix`
    (token, lex) gives one misread letter's correction more likely than the split (`torally` is
    `totally`, not `to rally`). A token the model has never seen that does not split may split
    once one letter of it is read again (`misread_variants(token)`: `bucit` -> `but it`)."""
    found = []
    for m in _TOKEN.finditer(par.text):
        token = m.group()
        if len(token) < 3 or lex.is_word(token) or not _prose_case(token):
            continue
        rule, parts = split_token(token, lex)
        if not rule and misread_variants is not None and zipf(token) == 0:
            rule, parts = _split_misread(token, lex, misread_variants)
        if rule and letter_fix is not None:
            fix = letter_fix(token, lex)
            if fix and lex.score(fix) - ZIPF_OFFSET > sum(lex.score(p) - ZIPF_OFFSET for p in parts):
                continue
        if rule and parts[0].lower() in ("a", "an") and _after_determiner(par.text, m.start()):
            continue  # `their abasement` is no `their a basement`
        if rule:
            found.append(Edit(m.start(), m.end(), " ".join(parts), rule=rule))
    return found


DETERMINERS = frozenset("the a an my your his its our their these those every each".split())
"""Words an article never follows (`the a`, `their a`): a split that puts one there is wrong."""


def _after_determiner(text: str, start: int) -> bool:
    before = re.search(r"([A-Za-z]+)\s+$", text[:start])
    return bool(before) and before.group(1).lower() in DETERMINERS


def _prose_case(token: str) -> bool:
    """Lower case, a capital first letter, or all capitals: the case of prose. `SORTtopics` or
    `WeeklyWorker` are names or markup, not words the OCR ran together."""
    return token.islower() or token.isupper() or (token[0].isupper() and token[1:].islower())


_PAIR = re.compile(r"(?<![\w'’|-])([A-Za-z]+) ([a-z]+)(?![\w'’|-])")


def join_broken_words(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """Join `devel opment`, `L eft`, `Y akovlev`: two fragments that together make a word.

    Both pieces must be fragments (neither an English word), so `is o` never becomes `iso`.
    """
    edits = []
    pos = 0
    while True:
        m = _PAIR.search(par.text, pos)
        if not m:
            break
        first, second = m.group(1), m.group(2)
        joined = first + second
        if lex.is_fragment(first) and lex.is_fragment(second) and lex.is_word(joined, JOINED_ZIPF):
            if not (first[1:].isupper() and len(first) > 1) and par.free(m.start(), m.end()):
                edits.append(Edit(m.start(), m.end(), joined))
                pos = m.end()
                continue
        pos = m.start(2)
    return edits


_SELF_COMPOUND = re.compile(r"(?<![\w'’|-])([Ss]elf)([a-z]{4,})(?![\w'’|-])")


def hyphenate_self_compounds(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`selfregarding` -> self-regarding: English writes a compound of `self` with a hyphen, so
    a token the model has never seen that is `self` and an ordinary word lost its hyphen (a line
    end's, or the OCR's). Words the model knows (`selfish`, `selfsame`) are left alone."""
    edits = []
    if "elf" not in par.text:
        return edits
    for m in _SELF_COMPOUND.finditer(par.text):
        token = m.group()
        if zipf(token) == 0 and not lex.is_protected(token) and lex.is_word(m.group(2)):
            edits.append(Edit(m.start(), m.end(), m.group(1) + "-" + m.group(2)))
    return edits


_HYPHENATED = re.compile(r"(?<![\w'’|])([^\W\d_]+)- ([a-z]+|[A-Z]+)(?![\w'’|-])")

KEEP_HYPHEN_JOINED_ZIPF = 2.5
"""Two words hyphenated at a line end whose joined form is rarer than this were a compound
(`fellow- creatures` -> fellow-creatures); the same value decides a hyphen at a page break."""


def join_hyphenated(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`prac- tices` -> practices: a word the printer hyphenated at a line end, whose lines the
    reader joined with a space. Both halves being words and the joined form rare, the hyphen was
    the word's own (`fellow- creatures` -> fellow-creatures); a dash is spaced or doubled, and a
    line-end hyphen is followed by the word's lower-case rest, so neither matches."""
    edits = []
    if "- " not in par.text:
        return edits
    for m in _HYPHENATED.finditer(par.text):
        first, second = m.group(1), m.group(2)
        if second.isupper() and not first.isupper():
            continue  # `Anglo- Saxon`: a capital starts a word of its own
        joined = first + second
        compound = lex.is_word(first) and lex.is_word(second) and zipf(joined) < KEEP_HYPHEN_JOINED_ZIPF
        if compound and lex.is_protected(joined):
            compound = False
        edits.append(Edit(m.start(), m.end(), first + "-" + second if compound else joined))
    return edits

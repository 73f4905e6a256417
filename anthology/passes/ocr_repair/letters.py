"""Letters the OCR misread, dropped or doubled; digits read for letters; capitals in mid-sentence.

The candidates for a damaged word come from a small table of the confusions an OCR engine makes
(`d` for `a`/`al`/`s`, `g` for `q`, a dropped `l`, a doubled letter; for digits, the letters a
digit resembles) and the frequency model chooses: a candidate is taken only when it is a word,
clearly the most common of the candidates, and far more common than the damaged token. A token
that is itself a word, or a protected word, is never "corrected".
"""
from __future__ import annotations

import re

from ...prose import zipf
from .engine import Edit, Paragraph
from .splitting import DAMAGED_ZIPF
from .tokens import WORD_ZIPF, Lexicon

CONFUSIONS = {
    "d": ("a", "al", "s", "sl", "l", "cl"),  # redlity, generd, dliding, dightest
    "g": ("q", "aj", "s"),  # technigue, mgority, congtituted
    "l": ("i", "e", "al"),  # nuclel, crudl
    "c": ("e",),
    "e": ("c",),
    "m": ("rn", "in", "im"),  # smple
    "rn": ("m",),
    "h": ("b", "li"),
    "b": ("h",),
    "ii": ("i",),
}
"""What the OCR printed -> what the page may have said."""


CANDIDATE_MARGIN = 0.8
"""The chosen candidate must be this much more common than the runner-up."""

GAIN = 2.0
"""... and this much more common than the damaged token."""


def candidates(token: str) -> set[str]:
    """Words one OCR confusion, one dropped `l` or one stray letter away from `token`.

    A stray letter is never looked for in an inflection or a word's last letter (`raisings` is no
    misprint of `raising`, nor `deputises` of `deputies`, nor `kolkhozi` of `kolkhoz`), nor at
    the start of a word, unless it is doubled."""
    out = set()
    stem_end = len(token) - (3 if token.endswith("es") else 2 if token.endswith("s") else 1)
    for i in range(len(token)):
        for wrong, rights in CONFUSIONS.items():
            if token.startswith(wrong, i):
                for right in rights:
                    out.add(token[:i] + right + token[i + len(wrong) :])
        if (0 < i < stem_end) or (i + 1 < len(token) and token[i].lower() == token[i + 1].lower()):
            out.add(token[:i] + token[i + 1 :])  # a stray or doubled letter
        if i > 0:
            out.add(token[:i] + "l" + token[i:])  # a dropped l
    out.add(token + "l")
    out.discard(token)
    return {c for c in out if c and not (c[0].islower() and token[0].isupper())}


def _dropped_l(token: str, candidate: str) -> bool:
    return len(candidate) == len(token) + 1 and any(
        candidate[i] == "l" and candidate[:i] + candidate[i + 1 :] == token for i in range(len(candidate))
    )


CANDIDATE_ZIPF = 2.5
"""The correction must be a word at least this common (`conguerors` -> `conquerors`, 2.8)."""


def best_candidate(token: str, lex: Lexicon, *, floor: float = DAMAGED_ZIPF) -> str | None:
    """The correction of a damaged token, or None when the token is a word or no fix is clear."""
    key = ("letter", token, floor)
    if key in lex.cache:
        return lex.cache[key]
    answer = None
    own = zipf(token)
    if not lex.is_protected(token) and own < floor and len(token) >= 3 and token.isalpha():
        scored = sorted(((lex.score(c), c) for c in candidates(token)), reverse=True)
        # a token the model knows at all is a rare word, unless all it lacks is an l (`socia`)
        scored = [(s, c) for s, c in scored if s > 0 and (own == 0 or _dropped_l(token, c))]
        if scored and scored[0][0] >= CANDIDATE_ZIPF and scored[0][0] - own >= GAIN:
            runner_up = scored[1][0] if len(scored) > 1 else 0.0
            if scored[0][0] - runner_up >= CANDIDATE_MARGIN:
                answer = scored[0][1]
    lex.cache[key] = answer
    return answer


_WORD = re.compile(r"(?<![\w'’|-])[^\W\d_]+(?:['’][^\W\d_]+)*(?![\w|])")


def fix_letters(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """Correct damaged words that no split explains (`redlity`, `technigue`, `I1zvestia`)."""
    edits = []
    for m in _WORD.finditer(par.text):
        token = m.group()
        fix = best_candidate(token, lex)
        if fix:
            edits.append(Edit(m.start(), m.end(), fix))
    return edits


_STANDALONE_AL = re.compile(r"(?<![\w'’-])(?<!et )al(?=[\s.,;:!?)—]|$)")

DROPPED_L_GAIN = 2.5
"""A rare word becomes the common one with an `l` put back (`aways` 2.6 -> `always` 5.4) ..."""

DROPPED_L_ZIPF = 4.0
"""... which must be at least this common."""


def fix_dropped_l(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`al` for `all`, `aso` for `also`, `aways` for `always`: an l dropped from a common word.

    The damaged forms are rare words (or, for `al`, no English word at all outside `et al.`), so
    the frequency model passes them; an `l` put back makes a word hundreds of times commoner.
    """
    edits = [Edit(m.start(), m.end(), "all") for m in _STANDALONE_AL.finditer(par.text)]
    for m in _WORD.finditer(par.text):
        token = m.group()
        if len(token) < 3 or lex.is_protected(token) or not DAMAGED_ZIPF <= zipf(token) < WORD_ZIPF:
            continue
        with_l = {token[:i] + "l" + token[i:] for i in range(1, len(token) + 1)}
        best = max(with_l, key=zipf)
        if zipf(best) - zipf(token) >= DROPPED_L_GAIN and zipf(best) >= DROPPED_L_ZIPF:
            edits.append(Edit(m.start(), m.end(), best))
    return edits


# ---------------------------------------------------------------------------------------------
# Digits

DIGIT_READINGS = {"1": ("l", "I", "i", ""), "0": ("o", "O"), "5": ("s", "S"), "8": ("B",)}
DIGIT_READING_ZIPF = 2.0
"""A digit's reading as a letter must make a word at least this common."""
_DIGIT_IN_WORD = re.compile(r"(?<![\w'’-])[^\W\d_]+\d[^\W\d_]+(?![\w'’])")
_WORD_THEN_DECIMAL = re.compile(r"(?<![\w'’-])([^\W\d_]{2,})(\d+\.\d+)(?![\w])")
_LETTER_THEN_DIGIT = re.compile(r"[^\W\d_]\d")
"""What both patterns above need; far cheaper to look for, and most paragraphs lack it."""


def fix_digits(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`I1zvestia` -> Izvestia (a digit inside a word); `about0.7` -> `about 0.7` (a lost space)."""
    edits = []
    if not _LETTER_THEN_DIGIT.search(par.text):
        return edits
    for m in _DIGIT_IN_WORD.finditer(par.text):
        token = m.group()
        i = next(k for k, ch in enumerate(token) if ch.isdigit())
        readings = [token[:i] + r + token[i + 1 :] for r in DIGIT_READINGS.get(token[i], ())]
        words = sorted((lex.score(w), w) for w in readings if lex.is_word(w, DIGIT_READING_ZIPF))
        if words:
            edits.append(Edit(m.start(), m.end(), words[-1][1]))
    for m in _WORD_THEN_DECIMAL.finditer(par.text):
        if lex.is_word(m.group(1)):
            edits.append(Edit(m.start(), m.end(), m.group(1) + " " + m.group(2)))
    return edits


# ---------------------------------------------------------------------------------------------
# Capitals

_CAPITAL_FUNCTION = re.compile(r"(?<=[a-z] )(Is|In|It|Its)(?= [a-z])")


def fix_capital_function_words(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`there Is quietly`, `for In the`: a capitalised function word between lower-case words.

    Not after a comma: `sowings, The right wing` is a full stop misread, not a capital; and not
    `The`/`A`, which start the titles of books cited in sentence case (`in The new course`)."""
    return [Edit(m.start(), m.end(), m.group().lower()) for m in _CAPITAL_FUNCTION.finditer(par.text)]

"""Letters the OCR misread, dropped or doubled; digits read for letters; capitals in mid-sentence.

The candidates for a damaged word come from a small table of the confusions an OCR engine makes
(`d` for `a`/`al`/`s`, `g` for `q`, `r` or `c` for a `t` whose foot or crossbar was lost, a
dropped `l`, a doubled letter; for digits, the letters a digit resembles) and the frequency model
chooses: a candidate is taken only when it is a word, clearly the most common of the candidates,
and far more common than the damaged token. A token that is an ordinary word, or a protected
word, is never "corrected"; a short token the model knows only rarely (`thar`, `bur`, `cach`) is
read as one of the commonest words when one letter of `RARE_WORD_CONFUSIONS` makes it that.
"""
from __future__ import annotations

import re

from ...prose import zipf
from .engine import Edit, Paragraph
from .splitting import DAMAGED_ZIPF
from .tokens import SHORT_WORDS, WORD_ZIPF, Lexicon

CONFUSIONS = {
    "d": ("a", "al", "s", "sl", "l", "cl", "t", "tl"),  # redlity, generd, dliding, dightest; undil, differendy
    "g": ("q", "aj", "s"),  # technigue, mgority, congtituted
    "l": ("i", "e", "al"),  # nuclel, crudl
    "c": ("e", "t"),  # seck; chis, colerance (a t's crossbar lost)
    "e": ("c", "t", "r"),  # buile, restraine, steong
    "r": ("t",),  # thar, bur, dury (a t's foot lost)
    "a": ("u",),  # fandamentally
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

COMMON_FIX_ZIPF = 4.5
"""A token the model knows, but rarely (`thar` 2.7, `bur` 2.8, `cach` 1.4), is the misreading of a
word this common one confusion away (`that`, `but`, `each`) ...""" 

COMMON_FIX_GAIN = 2.5
"""... when that word is this much more common (300 times): a writer who means the rare word is
far rarer than an OCR engine that drops a t's crossbar."""


def best_candidate(token: str, lex: Lexicon, *, floor: float = DAMAGED_ZIPF) -> str | None:
    """The correction of a damaged token, or None when the token is a word or no fix is clear."""
    key = ("letter", token, floor)
    if key in lex.cache:
        return lex.cache[key]
    answer = None
    own = zipf(token)
    if not lex.is_protected(token) and own < WORD_ZIPF and len(token) >= 3 and token.isalpha():
        misreadings = set(_common_misreadings(token, own, lex))
        scored = set(misreadings)
        if own < floor:
            # a token the model knows at all is a rare word, unless all it lacks is an l (`socia`)
            scored |= {(_candidate_score(c, own, lex), c) for c in candidates(token)
                       if own == 0 or _dropped_l(token, c)}
        scored = sorted(((s, c) for s, c in scored if s > 0), reverse=True)
        common_enough = scored and (scored[0][0] >= CANDIDATE_ZIPF or scored[0] in misreadings)
        if common_enough and scored[0][0] - own >= GAIN:
            runner_up = scored[1][0] if len(scored) > 1 else 0.0
            if scored[0][0] - runner_up >= CANDIDATE_MARGIN:
                answer = scored[0][1]
    lex.cache[key] = answer
    return answer


DERIVING_SUFFIXES = ("ful", "fuls", "ness", "less", "like")
"""Suffixes that make a word of any noun or adjective (`warehouseful`, `mouselike`); the model
lacks most such words, so a candidate may be one."""

DERIVED_ZIPF_STEP = 1.5
"""A derived word the model lacks counts as its stem this much rarer."""

DERIVED_STEM_LENGTH = 5
"""... when the stem is at least this long (`ful`, `less` after a short word are often pieces)."""


def _candidate_score(candidate: str, own: float, lex: Lexicon) -> float:
    """A candidate's frequency; for a token the model has never seen, a derived word it lacks
    (`warchouseful` -> warehouseful) counts as its stem, less `DERIVED_ZIPF_STEP`."""
    value = lex.score(candidate)
    if value > 0 or own > 0:
        return value
    for suffix in DERIVING_SUFFIXES:
        stem = candidate[: -len(suffix)]
        if candidate.endswith(suffix) and len(stem) >= DERIVED_STEM_LENGTH and lex.is_word(stem):
            return lex.score(stem) - DERIVED_ZIPF_STEP
    return value


RARE_WORD_CONFUSIONS = {"r": ("t",), "c": ("t", "e"), "e": ("c",), "d": ("t",), "t": ("r",)}
"""The misreadings that turn one of the commonest words into a word the model knows, rarely: a
t's crossbar or foot lost (`thar`, `chis`, `undil`), c for e (`cach`, `sce`), t for r (`ftom`).
Not e for t: `pare` is a word of its own, no misreading of `part`."""

KNOWN_TOKEN_CONFUSIONS = {"f": ("l",)}
"""... and, in a token the model knows (rarely), f for an l whose top caught a speck (`fet not
society`). Not in a token it has never seen, which is more often a run-together (`afive` is
`a five`, not `alive`)."""

SHORT_WORD_CONFUSIONS = {"r": ("t",), "c": ("t",), "v": ("t",)}
"""The misreadings a two-letter non-word is read back from (`co`, `ir`, `Ic`, `vo`); not d or e for
t, as `ad` and `ie` are abbreviations."""


RARE_WORD_LENGTH = 5
"""A short misreading is known to the model by chance (`thar`, `cach`); a longer token it knows is a
rare word of its own (`conduce` is no misreading of `conduct`)."""


LONG_TOKEN = 8
"""A lower-case token this long that the model has never seen ..."""

LONG_FIX_ZIPF = 1.5
"""... is the misreading of a word at least this common that one of those letters makes
(`persecucors` -> persecutors, `newspapets` -> newspapers): long words are seldom a letter apart."""


def _common_misreadings(token: str, own: float, lex: Lexicon) -> list[tuple[float, str]]:
    """The commonest words one `RARE_WORD_CONFUSIONS` substitution in a short or unknown token (or a
    doubled last letter, `successfull`) away from `token`, best first, when far more common than the token."""
    found = set()
    if len(token) <= RARE_WORD_LENGTH or own == 0:
        table = {**RARE_WORD_CONFUSIONS, **KNOWN_TOKEN_CONFUSIONS} if own else RARE_WORD_CONFUSIONS
        for i, letter in enumerate(token):
            for right in table.get(letter, ()):
                found.add(token[:i] + right + token[i + 1 :])
    if len(token) > 3 and token[-1] == token[-2]:
        found.add(token[:-1])
    scored = sorted(((lex.score(c), c) for c in found), reverse=True)
    if scored and scored[0][0] >= COMMON_FIX_ZIPF and scored[0][0] - own >= COMMON_FIX_GAIN:
        return scored
    if scored and own == 0 and len(token) >= LONG_TOKEN and token.islower() and scored[0][0] >= LONG_FIX_ZIPF:
        return scored
    return []


def misread_variants(token: str) -> set[str]:
    """A short `token` with one letter of `RARE_WORD_CONFUSIONS` read again (`bucit` -> `butit`);
    none for a longer one, which the model not knowing it is more often a rare word of its own
    (`syndicalistic` is no `syndicalist it`)."""
    if len(token) > RARE_WORD_LENGTH:
        return set()
    return {token[:i] + right + token[i + 1 :] for i, letter in enumerate(token)
            for right in RARE_WORD_CONFUSIONS.get(letter, ())}


def common_misreading(token: str, lex: Lexicon) -> str | None:
    """The common word `token` misreads by one `RARE_WORD_CONFUSIONS` letter (`torally` -> totally)
    or by a dropped l (`amost` -> almost, `aready` -> already), if clearly one; the split rules ask
    this before they cut a token into words (`to rally`, `a most`)."""
    if lex.is_protected(token):
        return None
    own = zipf(token)
    scored = set(_common_misreadings(token, own, lex))
    with_l = {(lex.score(c), c) for c in {token[:i] + "l" + token[i:] for i in range(1, len(token) + 1)}}
    scored |= {(s, c) for s, c in with_l if s >= COMMON_FIX_ZIPF and s - own >= COMMON_FIX_GAIN}
    scored = sorted(scored, reverse=True)
    if scored and (len(scored) == 1 or scored[0][0] - scored[1][0] >= CANDIDATE_MARGIN):
        return scored[0][1]
    return None


_WORD = re.compile(r"(?<![\w'’|-])[^\W\d_]+(?:['’][^\W\d_]+)*(?![\w|])")


_COMPOUND_END = re.compile(r"(?<=[a-z]-)[a-z]+(?![\w|'’-])")
"""The last, lower-case part of a hyphenated compound (`fellow-creacures`)."""


def fix_letters(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """Correct damaged words that no split explains (`redlity`, `technigue`, `I1zvestia`), and
    the last part of a compound (`fellow-creacures`)."""
    edits = []
    if "-" in par.text:
        for m in _COMPOUND_END.finditer(par.text):
            fix = best_candidate(m.group(), lex)
            if fix:
                edits.append(Edit(m.start(), m.end(), fix))
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


RARE_LONG_LENGTH = RARE_WORD_LENGTH + 1
"""A token this long that the model hardly knows (rarer than `DAMAGED_ZIPF`) ..."""


def fix_rare_long_misreadings(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`chinking` -> thinking: a long token the model hardly knows (Zipf < 2), one
    `RARE_WORD_CONFUSIONS` letter from one of the commonest words, far more common than it.
    Rarer than `DAMAGED_ZIPF`, the token is no word a writer would choose over that one; a rare
    word above it (`conduce`, `scamp`) stays."""
    edits = []
    for m in _WORD.finditer(par.text):
        token = m.group()
        if len(token) < RARE_LONG_LENGTH or not token.islower() or lex.is_protected(token):
            continue
        own = zipf(token)
        if not 0 < own < DAMAGED_ZIPF:
            continue
        fix = _clear_winner(token, own, {token[:i] + right + token[i + 1 :] for i, letter in enumerate(token)
                                         for right in RARE_WORD_CONFUSIONS.get(letter, ())}, lex)
        if fix:
            edits.append(Edit(m.start(), m.end(), fix))
    return edits


def _clear_winner(token: str, own: float, readings: set[str], lex: Lexicon) -> str | None:
    """The reading of `token` that is one of the commonest words (`COMMON_FIX_ZIPF`), far more
    common than the token (`COMMON_FIX_GAIN`) and than every other reading (`CANDIDATE_MARGIN`)."""
    scored = sorted(((lex.score(r), r) for r in readings if r != token), reverse=True)
    if not scored or scored[0][0] < COMMON_FIX_ZIPF or scored[0][0] - own < COMMON_FIX_GAIN:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < CANDIDATE_MARGIN:
        return None
    return scored[0][1]


LAST_LETTER_LENGTH = 4
"""A token this long or longer may have lost its last letter (`limi` -> limit) ..."""

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_NEXT_FRAGMENT = re.compile(r"\s+[b-hj-z]\b")


def fix_dropped_last_letter(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`limi` -> limit: a lower-case token the model hardly knows (Zipf < 2) that one letter put
    at its end makes one of the commonest words, clearly the commonest such. Not before a lone
    letter, which may be the lost end itself (`limi t`, a case for the join rules)."""
    edits = []
    for m in _WORD.finditer(par.text):
        token = m.group()
        if len(token) < LAST_LETTER_LENGTH or not token.islower() or lex.is_protected(token):
            continue
        own = zipf(token)
        if own >= DAMAGED_ZIPF or _NEXT_FRAGMENT.match(par.text, m.end()):
            continue
        fix = _clear_winner(token, own, {token + letter for letter in _LETTERS}, lex)
        if fix:
            edits.append(Edit(m.start(), m.end(), fix))
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


# ---------------------------------------------------------------------------------------------
# Two-letter tokens

_TWO_LETTERS = re.compile(r"(?<![\w'’|.-])[A-Za-z]{2}(?![\w'’|-])(?!\.\w)")


def fix_short_words(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`co` -> to, `ir` -> it, `Ic` -> It: a two-letter token that is no English word, one
    `SHORT_WORD_CONFUSIONS` misreading away from exactly one that is. Not beside a hyphen or an
    apostrophe (`co-operative`), nor an abbreviation's capital before a full stop (`Co.`)."""
    edits = []
    for m in _TWO_LETTERS.finditer(par.text):
        token = m.group()
        if token.lower() in SHORT_WORDS or lex.is_protected(token) or not _prose_case(token):
            continue
        if token[0].isupper() and par.text[m.end() : m.end() + 1] == ".":
            continue
        readings = {
            token[:i] + right + token[i + 1 :]
            for i, letter in enumerate(token)
            for right in SHORT_WORD_CONFUSIONS.get(letter, ())
        }
        words = [r for r in readings if r.lower() in SHORT_WORDS]
        if len(words) == 1:
            edits.append(Edit(m.start(), m.end(), words[0]))
    return edits


SHORT_FIX_ZIPF = 6.0
"""A two-letter fragment between words is the commonest word (`th` -> the, `nd` -> and) that one
letter put back makes, when that word is at least this common ..."""

SHORT_FIX_MARGIN = 1.0
"""... and this much more common than any other word a letter put back makes (`ow`: how, now, own
are too close to choose)."""

_TWO_LETTERS_BETWEEN_WORDS = re.compile(r"(?:(?<=[a-z] )|(?<=[a-z], ))[a-z]{2}(?= [a-z])")


def fix_short_dropped_letter(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`the fulfillment of th plan`, `independence nd freedom`: a two-letter non-word between
    lower-case words that lost a letter of one of the commonest words. Only between words, so
    that `London nd, p108` (no date) and `5 th` stay."""
    edits = []
    for m in _TWO_LETTERS_BETWEEN_WORDS.finditer(par.text):
        token = m.group()
        if token in SHORT_WORDS or lex.is_protected(token):
            continue
        readings = {token[:i] + letter + token[i:] for i in range(len(token) + 1) for letter in _LETTERS}
        scored = sorted(((zipf(r), r) for r in readings), reverse=True)
        if scored[0][0] >= SHORT_FIX_ZIPF and scored[0][0] - scored[1][0] >= SHORT_FIX_MARGIN:
            edits.append(Edit(m.start(), m.end(), scored[0][1]))
    return edits


_TRAILING_SPECK = re.compile(r"[.!?;:][\"”’)]?(\s+([b-df-hj-np-tv-xz]{1,2}))\s*$")


def drop_trailing_speck(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`by energetic barbarians. nm`: one or two letters with no vowel after the last sentence of
    a paragraph are specks on the page the OCR read as letters; no sentence ends so."""
    m = _TRAILING_SPECK.search(par.text)
    if not m or lex.is_protected(m.group(2)):
        return []
    return [Edit(m.start(1), m.end(), "")]


def _prose_case(token: str) -> bool:
    return token.islower() or (token[0].isupper() and token[1:].islower())


_LONE_T = re.compile(r"(?<=[a-z] )T(?= [a-z])")


def fix_lone_t(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`what do T prefer`: a lone capital T between lower-case words is the pronoun I misread."""
    return [Edit(m.start(), m.end(), "I") for m in _LONE_T.finditer(par.text)]


_MID_SENTENCE_H = re.compile(r"(?<=[a-z,;] )H[a-z]{2,}(?![\w'’|-])")

FL_ZIPF = 3.0
"""`fl` put back for an `H` must make a word at least this common."""


def fix_fl_ligature(par: Paragraph, lex: Lexicon) -> list[Edit]:
    """`for not Howing smoothly`: the fl ligature read as a capital H, in mid-sentence, where the
    token is no word (nor a protected name) and `fl` makes a common one."""
    edits = []
    for m in _MID_SENTENCE_H.finditer(par.text):
        token = m.group()
        fixed = "fl" + token[1:]
        if zipf(token) == 0 and not lex.is_protected(token) and zipf(fixed) >= FL_ZIPF:
            edits.append(Edit(m.start(), m.end(), fixed))
    return edits

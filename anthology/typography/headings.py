"""The house style of headings: one case convention and one way of numbering for every text.

The five texts came with five conventions: title case (Trotsky's translator, the International
Communist Party's), sentence case (Conrad), all capitals (van der Walt's sections, set in title
case by the Muse reader), sentence case again in van der Walt's subsections, and the editors'
sentence case; and their numbers were followed by a colon (`III: Isolation`), a full point, a
space or a no-break space. A press setting them in one book keeps every word of every heading
and imposes only its house style:

- **Headline style** (title case) in English headings: a word the author set in lower case is
  capitalised, except the small words of `prose.SMALL_WORDS` (articles, short prepositions and
  conjunctions) and a name's particle (`van der Walt`), which stay lower case unless they open or
  close the heading or follow a colon, a dash, a sentence's end or an opening quote. Every part of
  a hyphenated word counts as a word (`Five-Year Plan`, `Counter-Revolution`), as the Muse
  reader's all-caps conversion already does (`State-Capitalism`). Headline style is the only
  direction that is safe: a word is never lowered, so a proper noun or an acronym (`USSR`, `NEP`)
  can never be lost, as sentence case would lose it (`Bolshevik Party` or `Bolshevik party`?).
- **Numbers**: each text keeps its own numbering (Arabic, Roman, decimal, `Chapter 1`, `Part II`),
  since the texts cite it; a bare number is followed by a full point (`III. Isolation`,
  `1.1. Party`) and tied to the title by a no-break space, so that it never ends a line on its
  own; a number after a label word is tied to the label (`Chapter 1`, `Part II`, by the rule
  `nbsp-abbreviation`) and followed by a colon, after which a long heading may break
  (`Chapter 2: Economic Growth and the Zigzags of the Leadership`).

Headline style is an English convention (French, Italian and German headings are in sentence
case), so that rule applies to English texts only. The rules see only heading lines, after the
body rules (see `typogrify`); the editors' own headings (preface, reading plan, back matter) are
written by hand in templates and manifest, not by these rules.
"""
from __future__ import annotations

import re

from ..prose import SMALL_WORDS
from .rules import NBSP, FunctionRule, Recorder, Rule

_ROMAN = r"(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_BARE_NUMBER = rf"(?:{_ROMAN}|\d+(?:\.\d+)*)"

NAME_PARTICLES = frozenset("van von der den de du da di la le ter ten".split())
"""Lower-case particles of a name (`Lucien van der Walt`): kept lower case before a capital."""

_SMALL = SMALL_WORDS | {"v"}
# Marks after which the next word opens a new phrase and is capitalised, small or not.
_PHRASE_ENDS = (":", ".", "?", "!", "—", "–")
_OPENERS = "“‘\"'(["
_TOKEN = re.compile(r"\S+")
_CORE = re.compile(r"^([^\w]*)(.*?)([^\w]*)$")


def _capitalised(part: str) -> str:
    first = part[:1].upper()
    return first + part[1:] if len(first) == 1 else part


def _headline_part(part: str, small_allowed: bool) -> str:
    """One word or one part of a hyphenated word: capitalised if the author set it all in lower
    case, unless it is a small word where a small word may stay small."""
    if not part.isalpha() or not part.islower():
        return part  # a capital already, a figure, an abbreviation (`i.e.`): the author's
    if small_allowed and part in _SMALL:
        return part
    return _capitalised(part)


def headline_case(text: str, recorder: Recorder) -> str:
    tokens = list(_TOKEN.finditer(text))
    out = list(text)
    for k, token in enumerate(tokens):
        lead, core, trail = _CORE.match(token.group()).groups()
        previous = tokens[k - 1].group() if k else ""
        forced = (
            k == 0
            or k == len(tokens) - 1
            or previous.rstrip("”’\"')]*").endswith(_PHRASE_ENDS)
            or previous in ("—", "–")
            or any(char in _OPENERS for char in lead)
        )
        following = tokens[k + 1].group().lstrip(_OPENERS + "*") if k + 1 < len(tokens) else ""
        if not forced and core in NAME_PARTICLES and (following[:1].isupper() or following in NAME_PARTICLES):
            continue  # `van der Walt`
        parts = core.split("-")
        new_parts = [_headline_part(part, small_allowed=not (forced and j == 0)) for j, part in enumerate(parts)]
        new_core = "-".join(new_parts)
        if new_core != core:
            start = token.start() + len(lead)
            recorder.record("heading-headline-case", text, start, start + len(core), new_core)
            out[start:start + len(core)] = new_core
    return "".join(out)


RULES = [
    Rule(
        "heading-number-point",
        "A heading's bare number ends with a full point, as in every text (`III: Isolation` → `III. Isolation`).",
        re.compile(rf"^({_BARE_NUMBER})[:)](?=[ \u00a0]+\S)"),
        r"\1.",
    ),
    Rule(
        "heading-number-space",
        "A heading's bare number is tied to its title by a no-break space, so it never ends a line alone.",
        re.compile(rf"^({_BARE_NUMBER}\.)[ ]+(?=\S)"),
        rf"\1{NBSP}",
    ),
    FunctionRule(
        "heading-headline-case",
        "Headings are in headline style: a word the author set in lower case is capitalised, small words excepted.",
        headline_case,
        languages=("en",),
    ),
]

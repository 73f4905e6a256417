"""Notes written in Pandoc's own Markdown: ``[^label]`` calls and ``[^label]: text`` definitions.

Pandoc pairs them up without a word: a call with no definition prints as ``[^label]`` in the book,
and a definition nothing calls vanishes from it. They are checked here, on the raw lines, so that
each problem names its line. A call with no definition stops the build (`SourceError`), since the
book would print the label; so does a label defined twice (Pandoc keeps one of the two notes). A
definition nothing calls is a warning: the book loses the note, but prints nothing wrong.
Code (fenced blocks, inline code) and escaped brackets (``\\[^x]``) hold no notes.
"""
from __future__ import annotations

import re

from ...errors import SourceError

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
CALL = re.compile(r"(?<!\\)\[\^([^\]\s]+)\]")


def note_lines(lines: list[str], first_line: int,
               numbers: list[int] | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """Each label's first call and its definition, by raw line number: (calls, definitions).
    A label defined twice is a `SourceError` (raised by the caller, which knows the file).
    `numbers` gives each line's raw number when lines were taken out before (site debris)."""
    calls: dict[str, int] = {}
    definitions: dict[str, list[int]] = {}
    fence = None
    for number, line in zip(numbers or range(first_line, first_line + len(lines)), lines):
        opening = FENCE.match(line)
        if fence or opening:
            if fence is None:
                fence = opening.group(1)
            elif line.strip().startswith(fence):
                fence = None
            continue
        text = CODE_SPAN.sub("", line)
        definition = DEFINITION.match(text)
        if definition:
            definitions.setdefault(definition.group(1), []).append(number)
            text = text[definition.end():]
        for call in CALL.finditer(text):
            calls.setdefault(call.group(1), number)
    return calls, definitions


def check_pandoc_notes(lines: list[str], first_line: int, origin: str,
                       numbers: list[int] | None = None) -> list[str]:
    """Stop on a call with no definition or a label defined twice (one line per problem, all at
    once, in the file's order); return a warning for each definition nothing calls."""
    calls, definitions = note_lines(lines, first_line, numbers)
    problems = [(numbers[1], f"note [^{label}] is defined twice (first at line {numbers[0]}); give each note "
                 "a label of its own") for label, numbers in definitions.items() if len(numbers) > 1]
    problems += [(number, f"note [^{label}] is called but never defined; add a definition `[^{label}]: …` "
                  "or remove the call") for label, number in calls.items() if label not in definitions]
    if problems:
        raise SourceError("\n".join(f"{origin}:{number}: {problem}" for number, problem in sorted(problems)))
    return [f"{origin}:{numbers[0]}: note [^{label}] is defined but never called, so the book leaves it out; "
            "call it where it belongs or remove it" for label, numbers in definitions.items() if label not in calls]

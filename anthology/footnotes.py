"""Writing notes as Pandoc footnotes, shared by every reader.

Calls are written ``[^N]`` in the body; definitions go at the end of the body. A note with
several paragraphs needs its continuation paragraphs indented by four spaces, or Pandoc would
take them for body text.
"""
from __future__ import annotations

import re

NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")


def note_definitions(notes: dict[str, str] | list[str]) -> str:
    """Format notes (label -> Markdown text, or a list numbered from 1) as Pandoc definitions."""
    items = notes.items() if isinstance(notes, dict) else ((str(i), t) for i, t in enumerate(notes, 1))
    out = []
    for label, text in items:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
        first, rest = paragraphs[0], paragraphs[1:]
        block = f"[^{label}]: {first}"
        for para in rest:
            block += "\n\n" + "\n".join("    " + line for line in para.splitlines())
        out.append(block)
    return "\n\n".join(out)


def with_notes(body: str, notes: dict[str, str] | list[str]) -> str:
    """Append note definitions to a body, if there are any."""
    if not notes:
        return body.rstrip() + "\n"
    return body.rstrip() + "\n\n" + note_definitions(notes) + "\n"

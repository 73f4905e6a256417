"""Helpers for editorial entries: the text-specific facts no algorithm can infer.

Entries live in a YAML file named by the manifest (`editorial:`); readers receive them as a plain
dict. Every entry that anchors on the text must match it, or the build stops: an entry that no
longer matches means the source or the entry changed, and silently skipping it would lose an edit.
"""
from __future__ import annotations

from .errors import EditorialError


def find_exactly(text: str, needle: str, *, count: int = 1, what: str = "entry", origin: str = "") -> list[int]:
    """Return the offsets of `needle` in `text`, insisting that it occurs exactly `count` times."""
    offsets = []
    start = 0
    while True:
        i = text.find(needle, start)
        if i < 0:
            break
        offsets.append(i)
        start = i + 1
    if len(offsets) != count:
        where = f"{origin}: " if origin else ""
        raise EditorialError(
            f"{where}{what} {needle!r} occurs {len(offsets)} time(s) in the text, expected {count}; "
            "fix the entry so that it matches the text exactly"
        )
    return offsets

"""The editor's files of `wrong -> right` entries, and the protected words of OCR repair.

Two passes read entries of this shape: OCR repair (its `corrections` file: the residue its rules
cannot decide) and emendations (errors the source itself carries, each with the editor's note).

* **Protected words** (one a line, `#` comments): names, Russian terms and the translation's own
  spellings that the frequency model does not know. They are never changed, and they count as
  words when a run-together is split (`tzarsis` -> `tzars is`).
* **Corrections** (YAML): `wrong` -> `right`, with an optional `context` (a longer stretch of the
  text that contains `wrong` once, to pin down which occurrence is meant) and an optional `count`
  (default 1). Every entry must match the text exactly `count` times, whole words only, or the
  build stops with an EditorialError naming the file and the entry: an entry that no longer
  matches means the text or the entry changed, and skipping it silently would lose an edit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..errors import EditorialError
from ..limits import LimitExceeded, check_yaml


def load_protected_words(path: Path, name: str = "") -> frozenset[str]:
    """The words of a protected-words file; `name` is how error messages call it (its manifest path)."""
    words = set()
    for line in read_utf8(path, name or str(path)).splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(word.lower().replace("’", "'"))
    return frozenset(words)


@dataclass(frozen=True)
class Correction:
    wrong: str
    right: str
    context: str = ""
    count: int = 1
    note: str = ""
    """The editor's reason for the entry, shown in the cleaning report (required for emendations)."""
    mark: bool | None = None
    """Emendations only: whether this one is marked in the text (None: the pass's setting)."""

    def describe(self) -> str:
        where = f" in {self.context!r}" if self.context else ""
        return f"{self.wrong!r} -> {self.right!r}{where}"

    def must_contain(self) -> str:
        """The text every match stands in: a paragraph without it cannot match."""
        return self.context or self.wrong

    def places_in_context(self) -> list[int]:
        """Where `wrong` stands, as whole words, inside `context`."""
        return [m.start() for m in _whole(self.wrong).finditer(self.context)]

    @lru_cache(maxsize=None)  # every paragraph is matched against every entry
    def pattern(self) -> re.Pattern:
        """Where the entry applies: `wrong` as whole words, inside `context` if one is given."""
        if not self.context:
            return re.compile("(" + _whole(self.wrong).pattern + ")")
        i = self.places_in_context()[0]
        head, tail = self.context[:i], self.context[i + len(self.wrong) :]
        whole = _whole(self.context).pattern
        body = re.escape(head) + "(" + re.escape(self.wrong) + ")" + re.escape(tail)
        return re.compile(whole.replace(re.escape(self.context), body, 1))


def _whole(text: str) -> re.Pattern:
    """`text` as whole words: not glued to a letter or digit on either side."""
    start = r"(?<![\w'’])" if text[:1].isalnum() else ""
    end = r"(?!\w)" if text[-1:].isalnum() else ""
    return re.compile(start + re.escape(text) + end)


def read_utf8(path: Path, name: str) -> str:
    """An editor's file as text; one in another encoding is an EditorialError naming its line."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise EditorialError(f"{name}:{line}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None


ENTRY_KEYS = frozenset({"wrong", "right", "context", "count", "note"})


def load_corrections(path: Path, name: str = "", *, key: str = "corrections", extra_keys=frozenset(),
                     needs_note: bool = False) -> list[Correction]:
    """The entries of a corrections file, listed under `key`; `name` is how error messages call it
    (its manifest path). `extra_keys`: keys this kind of file allows besides `ENTRY_KEYS`."""
    name = name or str(path)
    try:
        source = read_utf8(path, name)
        check_yaml(source)  # before an alias expands, in the messages below too
        data = yaml.safe_load(source) or {}
    except LimitExceeded as exc:
        raise EditorialError(f"{name}:{exc.line}: {exc.problem}") from None
    except (OSError, yaml.YAMLError) as exc:
        raise EditorialError(f"{name}: cannot be read: {exc}") from None
    entries = data.get(key, []) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise EditorialError(f"{name}: expected a list under '{key}'")
    out = []
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("wrong", "right")):
            raise EditorialError(
                f"{name}: entry {n} needs 'wrong' and 'right' as text (quote `on`, `no`, `yes`): {entry!r}"
            )
        extra = set(entry) - ENTRY_KEYS - set(extra_keys)
        if extra:
            raise EditorialError(f"{name}: entry {n} ({entry['wrong']!r}) has unknown keys {sorted(extra)}")
        count = entry.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise EditorialError(f"{name}: entry {n} ({entry['wrong']!r}): count must be a whole number from 1")
        note = entry.get("note") or ""
        if needs_note and not (isinstance(note, str) and note.strip()):
            raise EditorialError(f"{name}: entry {n} ({entry['wrong']!r}) needs a 'note': the editor's reason")
        mark = entry.get("mark")
        if mark is not None and not isinstance(mark, bool):
            raise EditorialError(f"{name}: entry {n} ({entry['wrong']!r}): mark must be true or false")
        correction = Correction(entry["wrong"], entry["right"], str(entry.get("context") or ""), count,
                                str(note).strip(), mark)
        if correction.context and len(correction.places_in_context()) != 1:
            raise EditorialError(
                f"{name}: entry {n} {correction.describe()}: the context must contain 'wrong' exactly once"
            )
        out.append(correction)
    return out


def check_corrections(paragraphs: list[str], corrections: list[Correction], origin: str) -> None:
    """Every entry must match the text exactly as many times as it says."""
    for n, correction in enumerate(corrections, 1):
        pattern = correction.pattern()
        found = sum(len(pattern.findall(p)) for p in paragraphs if correction.must_contain() in p)
        if found != correction.count:
            raise EditorialError(
                f"{origin}: correction {n} {correction.describe()} matches {found} time(s) in the text, "
                f"expected {correction.count}; fix the entry so that it matches the text exactly"
            )


def correction_spans(text: str, correction: Correction) -> list[tuple[int, int]]:
    if correction.must_contain() not in text:
        return []  # most entries are absent from most paragraphs; the test is far cheaper than the regex
    return [m.span(1) for m in correction.pattern().finditer(text)]

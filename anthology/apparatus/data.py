"""Loading the editors' apparatus files (glossary.yml, index.yml) with errors they can act on.

Each file is a YAML list of entries. Every problem is reported at once, as
`glossary.yml:LINE: entry 12 (id 'nep'): variants: should be a list of strings`, and a field the
loader does not know is refused, so that a misspelt `see_allso` is not silently ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ManifestError

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Field:
    kind: str  # "text", "texts" (list of strings), "id", "ids", "entries" (list of mappings)
    required: bool = False
    choices: tuple[str, ...] = ()
    fields: dict | None = None  # for "entries": the fields of each sub-entry


_LOADED: dict[tuple[str, bytes, int], tuple[list[dict], dict[int, int]]] = {}
"""The last files loaded, by path, content and fields: a build asks for the glossary and the index
again and again (the contents, every text's marking, in each worker, the EPUB, the index's pages),
and parsing a file's YAML with its line numbers takes about 10 ms each time."""
KEPT_FILES = 8


def load_entries(path: Path, fields: dict[str, Field]) -> tuple[list[dict], dict[int, int]]:
    """The entries of an apparatus file, validated; and each entry's line, by position. Loaded
    once for each content of the file (`_LOADED`): the entries given are shared, for reading only."""
    key = (str(path), Path(path).read_bytes(), id(fields))
    if key in _LOADED:
        return _LOADED[key]
    loaded = _load_entries(path, fields)
    if len(_LOADED) >= KEPT_FILES:
        _LOADED.pop(next(iter(_LOADED)), None)
    _LOADED[key] = loaded
    return loaded


def _load_entries(path: Path, fields: dict[str, Field]) -> tuple[list[dict], dict[int, int]]:
    name = path.name
    from ..manifest import load_yaml_document

    data, node = load_yaml_document(path)
    if data is None:
        return [], {}
    if not isinstance(data, list):
        raise ManifestError([f"{name}:1: must be a list of entries (each line starting `- `)"])
    lines = {i: item.start_mark.line + 1 for i, item in enumerate(node.value)}
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(data):
        where = f"{name}:{lines[i]}: entry {i + 1}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping of fields ({', '.join(fields)})")
            continue
        if isinstance(entry.get("id"), str):
            where += f" (id {entry['id']!r})"
        problems.extend(check_fields(entry, fields, where))
        ident = entry.get("id")
        if isinstance(ident, str):
            if ident in seen:
                problems.append(f"{where}: id: {ident!r} is already used by entry {seen[ident] + 1}; ids must be unique")
            seen.setdefault(ident, i)
    if problems:
        raise ManifestError(problems)
    return data, lines


def check_fields(entry: dict, fields: dict[str, Field], where: str) -> list[str]:
    problems = []
    for key in entry:
        if key not in fields:
            problems.append(f"{where}: {key}: unknown field; allowed: {', '.join(fields)}")
    for key, spec in fields.items():
        if key not in entry or entry[key] is None:
            if spec.required:
                problems.append(f"{where}: {key}: missing (required)")
            continue
        value = entry[key]
        if spec.kind == "text" and not (isinstance(value, str) and value.strip()):
            problems.append(f"{where}: {key}: should be a non-empty string, not {value!r}")
        elif spec.kind == "id" and not (isinstance(value, str) and ID.match(value)):
            problems.append(f"{where}: {key}: {value!r} is not a valid id (lower-case letters, digits, hyphens)")
        elif spec.kind in ("texts", "ids"):
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                problems.append(f"{where}: {key}: should be a list of non-empty strings, e.g. [NEP, N.E.P.]")
            elif spec.kind == "ids" and not all(ID.match(v) for v in value):
                problems.append(f"{where}: {key}: {value!r} should list ids (lower-case letters, digits, hyphens)")
        elif spec.kind == "entries":
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                problems.append(f"{where}: {key}: should be a list of mappings, each with {', '.join(spec.fields or {})}")
            else:
                for j, sub in enumerate(value):
                    problems.extend(check_fields(sub, spec.fields or {}, f"{where}: {key}[{j + 1}]"))
        if spec.choices and isinstance(value, str) and value not in spec.choices:
            problems.append(f"{where}: {key}: {value!r} is not one of {', '.join(spec.choices)}")
    return problems


def check_references(entries: list[dict], lines: dict[int, int], name: str, keys: tuple[str, ...]) -> list[str]:
    """Problems with `see`/`see_also` ids that name no entry of the same file."""
    known = {e["id"] for e in entries}
    problems = []
    for i, entry in enumerate(entries):
        for key in keys:
            value = entry.get(key)
            for target in ([value] if isinstance(value, str) else value or []):
                if target not in known:
                    problems.append(f"{name}:{lines[i]}: entry {i + 1} (id {entry['id']!r}): {key}: "
                                    f"{target!r} is not the id of any entry in {name}")
                elif target == entry["id"]:
                    problems.append(f"{name}:{lines[i]}: entry {i + 1} (id {entry['id']!r}): {key}: refers to itself")
    return problems

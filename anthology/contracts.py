"""Contracts: what a reader or a cleaning pass takes from the manifest and the editorial file,
declared in one place.

Each reader (`anthology/sources/<format>.py`) and each cleaning pass (`anthology/passes/<name>`)
declares a `CONTRACT`: its options (name, type, default, one-line meaning, whether the value names
a file) and its editorial keys (with the keys of a nested mapping). The manifest loader checks
every text against its reader's and passes' contracts with `validate`, resolves the values
declared `file=True` (and only those) as project files, and the cache hashes exactly those files;
`docs/manifest.md`'s tables are generated from the same declarations (`markdown_table`).

Types are named in words, as the docs give them: ``string``, ``integer``, ``boolean``,
``list of strings``, ``mapping``, ``list of mappings``, ``regular expression``, ``list of regular
expressions``.

A declaration marked `profile=True` may also be given by a **source profile**
(`anthology/profiles.py`): what one site's pages share (its navigation wording, its date format,
its masthead), kept in one data file that each text from that site names. Those declarations,
gathered from every reader (`profile_fields`), are the profile contract.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

TYPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "string": (lambda v: isinstance(v, str), "a string"),
    "integer": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number"),
    "boolean": (lambda v: isinstance(v, bool), "true or false"),
    "list of strings": (lambda v: isinstance(v, list), "a list of strings"),
    "mapping": (lambda v: isinstance(v, dict), "a mapping"),
    "list of mappings": (lambda v: isinstance(v, list), "a list of mappings"),
    "regular expression": (lambda v: _compiles(v), "a regular expression (Python's `re` syntax)"),
    "list of regular expressions": (lambda v: isinstance(v, list), "a list of regular expressions"),
}
"""Each type's test and how a message names it (a list's items are checked one by one)."""
ITEM_TYPE = {"list of strings": "string", "list of mappings": "mapping",
             "list of regular expressions": "regular expression"}


def _compiles(value) -> bool:
    """Whether `value` is a string Python's `re` compiles (checked when the file is loaded, so
    that a broken pattern is named with its file and line, not found while a text is read)."""
    if not isinstance(value, str):
        return False
    try:
        re.compile(value)
    except re.error:
        return False
    return True


@dataclass(frozen=True)
class Option:
    """One reader option (`options:`) or one setting of a cleaning pass (`cleaning: {pass: …}`)."""

    name: str
    type: str
    default: Any
    meaning: str
    file: bool = False
    """The value names a file in the project (checked, and hashed by the cache)."""
    choices: tuple = ()
    shown_default: str = ""
    """How the docs give a default the reader works out itself (`measured`); empty: `default`."""
    profile: bool = False
    """A source profile may give it (see the module docstring); the text's own value wins."""

    def __post_init__(self):
        assert self.type in TYPES, f"option {self.name}: unknown type {self.type!r}"


@dataclass(frozen=True)
class EditorialKey:
    """One key of an editorial file, or of a mapping inside one (`keys`)."""

    name: str
    type: str
    meaning: str
    file: bool = False
    keys: tuple["EditorialKey", ...] = ()
    """For a mapping, or a list of mappings: the keys each mapping may have. Empty: any keys."""
    values: str = ""
    """For a mapping with any keys: the type of every value (empty: not checked)."""
    required: bool = False
    """Inside a mapping: the mapping must have this key."""
    profile: bool = False
    """A source profile may give it (a top-level key only; see the module docstring); the text's
    editorial file wins, key by key inside a mapping."""

    def __post_init__(self):
        assert self.type in TYPES, f"editorial key {self.name}: unknown type {self.type!r}"


@dataclass(frozen=True)
class Contract:
    """What one reader or pass accepts. `meaning` says in a line what it does (for the docs)."""

    options: tuple[Option, ...] = ()
    editorial: tuple[EditorialKey, ...] = ()
    meaning: str = ""

    def option(self, name: str) -> Option:
        return next(o for o in self.options if o.name == name)

    def default(self, name: str) -> Any:
        """The declared default of option `name` (the reader reads it from here)."""
        return self.option(name).default

    def editorial_key(self, name: str) -> EditorialKey:
        return next(k for k in self.editorial if k.name == name)

    @property
    def editorial_names(self) -> frozenset[str]:
        return frozenset(k.name for k in self.editorial)


def suggestion(name: object, known: Iterable[str]) -> str:
    """`did you mean X?` for the nearest known name, else the list of known names."""
    known = sorted(known)
    match = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
    if match:
        return f"did you mean {match[0]}?"
    return f"known: {', '.join(known)}" if known else "none are taken here"


def field_path(prefix: str, key: object) -> str:
    """`texts[3].options` + `x` → `texts[3].options.x`; an index is `[i]`."""
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else str(key)


def validate(values: object, fields: Iterable[Option | EditorialKey], *, noun: str,
             locate: Callable[[tuple], str], prefix: str = "", keys: tuple = ()) -> list[str]:
    """Check a mapping against declared fields; return one `FILE:LINE: path.key: problem` a problem.

    `noun` names what a key of this mapping is (`option`, `editorial key for the muse reader`);
    `locate(keys)` gives `FILE:LINE` for the path of keys below the mapping; `prefix` is the
    mapping's own dotted name in messages (`texts[3].options`, empty for a file's top level)."""
    fields = list(fields)
    if values is None:
        return []
    if not isinstance(values, dict):
        return [f"{locate(keys)}: {prefix or '(top)'}: should be a mapping of {noun}s, not {_shown(values)}"]
    by_name = {f.name: f for f in fields}
    problems = []
    for key, value in values.items():
        path, name = keys + (key,), field_path(prefix, key)
        declared = by_name.get(key)
        if declared is None:
            problems.append(f"{locate(path)}: {name}: unknown {noun}; {suggestion(key, by_name)}")
            continue
        problems += _check_value(value, declared, locate=locate, name=name, keys=path)
    for declared in fields:
        if isinstance(declared, EditorialKey) and declared.required and declared.name not in values:
            meaning = f" ({declared.meaning})" if declared.meaning else ""
            problems.append(f"{locate(keys)}: {prefix or '(top)'}: needs {declared.name}{meaning}")
    return problems


def _check_value(value, declared: Option | EditorialKey, *, locate, name: str, keys: tuple) -> list[str]:
    test, wanted = TYPES[declared.type]
    if not test(value):
        return [f"{locate(keys)}: {name}: should be {wanted}, not {_shown(value)}"]
    choices = getattr(declared, "choices", ())
    if choices and value not in choices:
        return [f"{locate(keys)}: {name}: should be one of {', '.join(map(_shown, choices))}, not {_shown(value)}"]
    problems = []
    if declared.type in ITEM_TYPE:
        item_test, item_wanted = TYPES[ITEM_TYPE[declared.type]]
        for i, item in enumerate(value):
            if not item_test(item):
                problems.append(f"{locate(keys + (i,))}: {name}[{i}]: should be {item_wanted}, not {_shown(item)}")
            elif isinstance(item, dict) and getattr(declared, "keys", ()):
                problems += validate(item, declared.keys, noun=f"key in {declared.name}", locate=locate,
                                     prefix=f"{name}[{i}]", keys=keys + (i,))
    elif isinstance(value, dict):
        if getattr(declared, "keys", ()):
            problems += validate(value, declared.keys, noun=f"key in {declared.name}", locate=locate,
                                 prefix=name, keys=keys)
        elif getattr(declared, "values", ""):
            value_test, value_wanted = TYPES[declared.values]
            problems += [f"{locate(keys + (k,))}: {field_path(name, k)}: should be {value_wanted}, not {_shown(v)}"
                         for k, v in value.items() if not value_test(v)]
    return problems


def _shown(value) -> str:
    """A value as a message quotes it: strings in double quotes, YAML's true/false/null."""
    if isinstance(value, (str, bool, int, float)) or value is None:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{value} (put it in quotes to make it a string)"


def files(values: object, fields: Iterable[Option | EditorialKey], keys: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """The values declared `file=True` that `values` gives: (path of keys, the file's name)."""
    if not isinstance(values, dict):
        return
    for declared in fields:
        value = values.get(declared.name)
        if declared.file and isinstance(value, str):
            yield keys + (declared.name,), value
        nested = getattr(declared, "keys", ())
        if nested and isinstance(value, dict):
            yield from files(value, nested, keys + (declared.name,))
        elif nested and isinstance(value, list):
            for i, item in enumerate(value):
                yield from files(item, nested, keys + (declared.name, i))


def profile_fields(contracts: dict[str, Contract]) -> dict[str, tuple[Option | EditorialKey, tuple[str, ...]]]:
    """The profile contract: each key a source profile may give (the declarations marked
    `profile=True` in the readers' `contracts`, by format), with the formats that read it. Two
    readers may read the same key only if they declare it alike (a profile serves every format
    its site's texts come in, so a key means one thing)."""
    found: dict[str, tuple[Option | EditorialKey, tuple[str, ...]]] = {}
    for fmt, contract in contracts.items():
        for declared in (*contract.options, *contract.editorial):
            if not declared.profile:
                continue
            if declared.name in found:
                first, formats = found[declared.name]
                assert (first.type, type(first)) == (declared.type, type(declared)), (
                    f"profile key {declared.name}: declared differently by the {formats[0]} and {fmt} readers")
                found[declared.name] = (first, formats + (fmt,))
            else:
                found[declared.name] = (declared, (fmt,))
    return found


# --- the docs' tables -------------------------------------------------------------------------

def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _type_shown(declared: Option | EditorialKey) -> str:
    if declared.file:
        return "file"
    if getattr(declared, "choices", ()):
        return " or ".join(f"`{c}`" for c in declared.choices)
    if getattr(declared, "values", ""):
        return f"mapping of {declared.values}s"
    return declared.type


def default_shown(option: Option) -> str:
    if option.shown_default:
        return option.shown_default
    value = option.default
    if value is None:
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return f"`{json.dumps(list(value), ensure_ascii=False)}`"
    return f"`{value}`"


def markdown_table(contract: Contract, *, option_word: str = "option") -> str:
    """The contract as Markdown tables: its options, then its editorial keys (nested keys as
    `masthead.date`, keys of a list's mappings as `headings[].level`)."""
    parts = []
    if contract.options:
        rows = [f"| {option_word} | type | default | meaning |", "|---|---|---|---|"]
        rows += [f"| `{o.name}` | {_cell(_type_shown(o))} | {_cell(default_shown(o))} | {_cell(o.meaning)} |"
                 for o in contract.options]
        parts.append("\n".join(rows))
    if contract.editorial:
        rows = ["| editorial key | type | meaning |", "|---|---|---|"]
        rows += [f"| `{name}` | {_cell(_type_shown(k))} | {_cell(k.meaning)}{' (required)' if k.required else ''} |"
                 for name, k in _flattened(contract.editorial)]
        parts.append("\n".join(rows))
    return "\n\n".join(parts)


def _flattened(keys: Iterable[EditorialKey], prefix: str = "") -> Iterator[tuple[str, EditorialKey]]:
    for key in keys:
        name = f"{prefix}{key.name}"
        yield name, key
        yield from _flattened(key.keys, f"{name}[]." if key.type == "list of mappings" else f"{name}.")


def profile_table(fields: dict[str, tuple[Option | EditorialKey, tuple[str, ...]]]) -> str:
    """The profile contract as a Markdown table (a mapping's keys as `masthead.date_format`)."""
    rows = ["| profile key | type | read by | meaning |", "|---|---|---|---|"]
    for name, (declared, formats) in fields.items():
        readers = ", ".join(f"`{fmt}`" for fmt in formats)
        nested = _flattened(getattr(declared, "keys", ()), f"{name}[]." if declared.type == "list of mappings" else f"{name}.")
        for shown, key in [(name, declared), *nested]:
            rows.append(f"| `{shown}` | {_cell(_type_shown(key))} | {readers} | {_cell(key.meaning)} |")
    return "\n".join(rows)

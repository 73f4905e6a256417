"""The manifest (`anthology.yml`): load it safely, validate it against a schema, and report every
problem at once as `anthology.yml:LINE: field: what is wrong` so that an editor can fix them
without reading a traceback.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import yaml

from . import profiles as source_profiles
from .contracts import files as contract_files, profile_fields, suggestion, validate
from .errors import ManifestError, ProjectFileError
from .limits import LimitExceeded, check_yaml
from .project import inside_project
from .passes import PASSES
from .passes import contract as pass_contract
from .sources import FORMATS
from .sources.metadata import differs_from, file_metadata
from .errors import SourceError
from .sources import contract as reader_contract

SCHEMA_PATH = Path(__file__).with_name("manifest.schema.json")
TOOL_ROOT = Path(__file__).resolve().parent.parent
"""The folder the tool lives in: its `templates/`, `styles/` and `fonts/` are the default design."""


@dataclass(frozen=True)
class TextEntry:
    """One text of the book, as the manifest describes it."""

    id: str
    file: Path
    format: str
    title: str
    author: str
    date: str
    subtitle: str = ""
    short_title: str = ""
    source_name: str = ""
    language: str = ""
    published: str = ""
    """The opener's one source line: where and how the text first appeared (never its date again)."""
    source_url: str = ""
    extent: str = ""
    """What part of the work the book gives ("Introduction and Chapters 1–5"): the editor's words,
    set in roman on a line of their own, never as part of the author's subtitle."""
    translator: str = ""
    translated_from: str = ""
    """The language the text was translated from ("Russian"); with `translator`, credited in the
    opener and the colophon (anthology.credits)."""
    accessed: str = ""
    """When the copy was taken from `source_url` (YYYY-MM-DD), as the source files say."""
    source_note_label: str = ""
    """The label set over the source's own note on the text ("Author’s preface")."""
    omit_source_note: bool = False
    """Leave the source's own note out of the opener: `published` already says it."""
    options: dict = field(default_factory=dict)
    editorial: dict = field(default_factory=dict)
    editorial_file: Path | None = None
    questions: list = field(default_factory=list)
    """Discussion questions printed after the text ("For discussion")."""
    cleaning: dict = field(default_factory=dict)
    """Cleaning passes after reading, by name, each with its config (e.g. ``ocr_repair: {...}``)."""
    files: tuple[Path, ...] = ()
    """The files besides `file` that reading and cleaning this text read: the editorial file, its
    source profile's file and every value its reader's and passes' contracts declare a file (the
    cache hashes exactly these)."""
    profile: str = ""
    """The source profile it names (`anthology.profiles`); its values are already merged under
    `options` and `editorial`."""


@dataclass(frozen=True)
class Reading:
    """One part of a meeting's reading, named by the ids the built book gives its texts and
    headings (`revolution-betrayed`, `revolution-betrayed-chapter-1-what-has-been-achieved`).
    `start` alone is that whole text or that heading's whole section (its subsections included);
    with `to`, the reading runs on through the end of that heading's section; with `before`, up
    to that heading. Whether the headings exist is checked when the book is built
    (anthology.apparatus.reading_plan), since their ids come from the texts."""

    start: str
    to: str = ""
    before: str = ""
    label: str = ""
    """How the plan names the reading; by default it is named from its headings."""
    line: int = 0
    """Its line in the manifest, for error messages."""


@dataclass(frozen=True)
class Meeting:
    """One meeting of the reading plan (`meetings:`)."""

    title: str
    readings: tuple[Reading, ...]
    line: int = 0


@dataclass(frozen=True)
class Book:
    """The whole book: metadata and the texts in reading order."""

    root: Path
    manifest_path: Path
    meta: dict
    texts: list[TextEntry]
    glossary: dict = field(default_factory=dict)
    index: dict = field(default_factory=dict)
    meetings: tuple[Meeting, ...] = ()
    """The reading plan, in order (empty: the book has none)."""
    meetings_line: int = 0

    @property
    def design_root(self) -> Path:
        """The folder whose `templates/`, `styles/` and `fonts/` make the book's design: the
        project's own where it has a `templates/` folder, else the tool's (the folder of the
        `anthology` package), so that a second anthology needs only its manifest and its texts.
        The editor's own prose (`include_raw` in the preface) is read from the project alone."""
        return self.root if (self.root / "templates").is_dir() else TOOL_ROOT

    @property
    def paragraph_numbers(self) -> bool:
        """Whether paragraph numbers are shown (the anchors exist either way)."""
        return bool(self.meta.get("paragraph_numbers", True))

    @property
    def language(self) -> str:
        return self.meta["language"]

    @property
    def output_stem(self) -> str:
        return self.meta.get("output_name") or "anthology"

    def apparatus_file(self, name: str) -> Path | None:
        """The file for `name` ("glossary" or "index"): `file:` in the manifest's `name:` section if
        the manifest has one, else `<name>.yml` beside the manifest; None if there is no such file."""
        config = getattr(self, name, None) or {}
        path = self.root / config.get("file", f"{name}.yml")
        # The default file is named by no one, so nothing else checked that it stays in the project.
        return inside_project(self.root, path) if path.is_file() else None


def _line_map(node: yaml.Node, path: tuple = (), lines: dict | None = None) -> dict:
    """Map each value's path (keys and indexes) to its 1-based line in the YAML source."""
    lines = {} if lines is None else lines
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines[path + (key.value,)] = key.start_mark.line + 1
            _line_map(value, path + (key.value,), lines)
            lines[path + (key.value,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (i,), lines)
    return lines


def _line_for(lines: dict, path: tuple) -> int:
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)


def _field_name(path: tuple) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[") or "(top)"


def _schema_message(error: jsonschema.ValidationError) -> str:
    """Turn a jsonschema error into what an editor can act on."""
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "required":
        return error.message
    if error.validator == "type":
        return f"{error.instance!r} should be of type {error.validator_value}"
    if error.validator == "pattern":
        hint = error.schema.get("description", "")
        return f"{error.instance!r} is not valid" + (f" ({hint})" if hint else "")
    return error.message


YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (its wheels are): several times faster on the
apparatus files, with the same marks for line numbers."""


def load_yaml_document(path: Path, shown: str = "") -> tuple[object, yaml.Node | None]:
    """A YAML file's data and its node tree (for line numbers), loaded safely. Bad encoding or
    syntax, and a file past the limits of anthology.limits (aliases expanding to too many values,
    lists nested too deep: checked before libyaml composes it), is a ManifestError naming the file
    (as `shown`, its path in the project; by default its name) and the line."""
    path = Path(path)
    shown = shown or path.name
    raw = path.read_bytes()
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ManifestError([f"{shown}:{line}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
                             f"save it as UTF-8"]) from None
    try:
        check_yaml(source)
    except LimitExceeded as exc:
        raise ManifestError([f"{shown}:{exc.line}: {exc.problem}"]) from None
    loader = YAML_LOADER(source)
    try:
        node = loader.get_single_node()  # parsed once: the data is constructed from the node tree
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise ManifestError([f"{shown}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    finally:
        loader.dispose()


def load_book(manifest_path: Path) -> Book:
    """Load, validate and resolve the manifest; raise ManifestError listing every problem."""
    manifest_path = Path(manifest_path).resolve()
    root = manifest_path.parent
    name = manifest_path.name
    try:
        data, node = load_yaml_document(manifest_path)
    except FileNotFoundError:
        raise ManifestError([f"{name}: no such file; create it or pass --manifest PATH"]) from None
    except IsADirectoryError:
        raise ManifestError([f"{name}: is a folder; name the manifest file in it "
                             f"(--manifest {name}/anthology.yml)"]) from None
    if not isinstance(data, dict):
        raise ManifestError([f"{name}:1: the manifest must be a mapping with `book:` and `texts:`"])
    lines = _line_map(node)

    problems = _schema_problems(data, lines, name)
    if problems:
        raise ManifestError(problems)

    texts, seen = [], {}
    for i, raw in enumerate(data["texts"]):
        if raw["id"] in seen:
            problems.append(f"{name}:{_line_for(lines, ('texts', i, 'id'))}: texts[{i}].id: duplicate id "
                            f"{raw['id']!r} (first used by texts[{seen[raw['id']]}]); ids must be unique")
        seen.setdefault(raw["id"], i)
        raw = with_file_metadata(raw, i, root, name, lines, data["book"]["language"], problems)
        texts.append(_text_entry(raw, i, root, name, lines, problems))
    for section in ("glossary", "index"):
        if (data.get(section) or {}).get("file"):
            _project_path(root, data[section]["file"], f"{name}:{_line_for(lines, (section, 'file'))}: {section}.file", problems)
    meetings = _meetings(data.get("meetings") or [], lines, name, [t.id for t in texts], problems)
    if problems:
        raise ManifestError(problems)
    meta = dict(data["book"])
    meta["date"] = str(meta["date"])
    return Book(root=root, manifest_path=manifest_path, meta=meta, texts=texts,
                glossary=data.get("glossary") or {}, index=data.get("index") or {},
                meetings=meetings, meetings_line=_line_for(lines, ("meetings",)) if meetings else 0)


FROM_FILE = ("title", "author", "date", "language")
"""The fields a text's entry may leave out when its file says them (anthology.sources.metadata)."""
REQUIRED_FROM_FILE = ("title", "author", "date")
"""Of those, the ones the text must have: from the entry, else from the file."""


def with_file_metadata(raw: dict, i: int, root: Path, name: str, lines: dict, book_language: str,
                       problems: list[str]) -> dict:
    """Text `i`'s entry with the title, author, date and language it leaves out taken from its
    file, as `build.py add` read them (the same function); each required field neither gives is a
    problem, `anthology.yml:LINE: texts[5].title: missing, and texts/x.md does not give one`. A
    language is taken only when it names another language than the book's (a file in `en` does
    not change a book in `en-GB`). The file is read only for an entry that leaves a field out."""
    missing = [key for key in FROM_FILE if key not in raw]
    if not missing:
        return raw
    filled, where = dict(raw), f"{name}:{_line_for(lines, ('texts', i))}: texts[{i}]"
    path = Path(raw["file"])
    resolved = (root / path).resolve()
    found, unreadable = {}, ""
    usable = not path.is_absolute() and resolved.is_relative_to(root) and resolved.is_file()
    if usable:  # otherwise _text_entry names the problem with the file itself
        try:
            found = file_metadata(resolved, raw["format"], raw["file"])
        except SourceError as exc:
            unreadable = str(exc)
    for key in missing:
        value = found.get(key, "")
        if key not in REQUIRED_FROM_FILE:
            if value and differs_from(value, book_language):
                filled[key] = value
        elif value:
            filled[key] = value
        else:
            filled[key] = ""
            if usable:
                problems.append(f"{where}.{key}: missing, and " + (
                    f"{raw['file']} cannot be read for it: {unreadable}" if unreadable
                    else f"{raw['file']} does not give one"))
    return filled


def _schema_problems(data: dict, lines: dict, name: str) -> list[str]:
    """Every way `data` breaks the manifest's JSON schema, as `anthology.yml:LINE: field: …`."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    schema["$defs"]["text"]["properties"]["format"]["enum"] = list(FORMATS)
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in validator.iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = sorted(error.schema.get("properties", {}))
            for key in sorted(set(error.instance) - set(allowed)):
                problems.append((_line_for(lines, path + (key,)), f"{_field_name(path + (key,))}: unknown field; "
                                 f"allowed here: {', '.join(allowed)}"))
            continue
        problems.append((_line_for(lines, path), f"{_field_name(path)}: {_schema_message(error)}"))
    return [f"{name}:{line}: {message}" for line, message in sorted(problems)]


def _text_entry(raw: dict, i: int, root: Path, name: str, lines: dict, problems: list[str]) -> TextEntry:
    """One text of the manifest (already valid against the schema), its files resolved and its
    options, cleaning settings and editorial file checked against its reader's and passes' contracts."""
    here = lambda key: f"{name}:{_line_for(lines, ('texts', i, key))}: texts[{i}].{key}"  # noqa: E731
    text_file = _project_path(root, raw["file"], here("file"), problems)
    editorial, editorial_file, files = {}, None, []
    if raw.get("editorial"):
        editorial_file = _project_path(root, raw["editorial"], here("editorial"), problems)
        if editorial_file:
            editorial, files = _load_editorial(editorial_file, root, raw["format"], here("editorial"), problems)
    files += _check_contracts(raw, i, root, name, lines, problems)
    options, editorial, profile_files = _with_profile(raw, root, here("profile"), editorial, problems)
    files += profile_files
    return TextEntry(
        id=raw["id"], file=text_file or root, format=raw["format"], title=raw["title"],
        author=raw["author"], date=str(raw["date"]), subtitle=raw.get("subtitle", ""),
        short_title=raw.get("short_title", ""), source_name=raw.get("source_name", ""),
        language=raw.get("language", ""), published=raw.get("published", ""),
        source_url=raw.get("source_url", ""), extent=raw.get("extent", ""),
        translator=raw.get("translator", ""), translated_from=raw.get("translated_from", ""),
        accessed=str(raw.get("accessed", "")), source_note_label=raw.get("source_note_label", ""),
        omit_source_note=bool(raw.get("omit_source_note", False)), options=options, profile=raw.get("profile", ""),
        editorial=editorial, editorial_file=editorial_file, cleaning=raw.get("cleaning") or {},
        questions=list(raw.get("questions") or []), files=tuple(files),
    )


def _with_profile(raw: dict, root: Path, where: str, editorial: dict, problems: list[str]) -> tuple[dict, dict, list[Path]]:
    """A text's options and editorial entries with its source profile's values merged under them
    (the text's own win), and the profile's file (for the cache); as given if it names none."""
    options = raw.get("options") or {}
    if not raw.get("profile"):
        return options, editorial, []
    loaded = _load_profile(raw["profile"], root, where, problems)
    if loaded is None:
        return options, editorial, []
    profile, path = loaded
    profile_options, profile_editorial = source_profiles.for_reader(profile, reader_contract(raw["format"]))
    return (source_profiles.merged(profile_options, options), source_profiles.merged(profile_editorial, editorial),
            [path])


def _load_profile(name: str, root: Path, where: str, problems: list[str]) -> tuple[dict, Path] | None:
    """Source profile `name` (`anthology.profiles.find`), checked against the profile contract,
    each problem named `profiles/x.yml:LINE: key: …`; None, with the problem, if it cannot be used."""
    try:
        path, shown = source_profiles.find(root, name)
    except ProjectFileError as exc:
        problems.append(f"{where}: {exc}")
        return None
    if path is None:
        problems.append(f"{where}: no source profile {name!r} (looked for {source_profiles.PROJECT_FOLDER}/{name}"
                        f"{source_profiles.SUFFIX} and the built-in profiles); "
                        f"{suggestion(name, source_profiles.names(root))}")
        return None
    try:
        data, node = load_yaml_document(path, shown)
    except ManifestError as exc:
        problems += [f"{problem} ({where})" for problem in exc.problems]
        return None
    except OSError as exc:
        problems.append(f"{where}: the source profile {shown} cannot be read ({exc.strerror or exc})")
        return None
    data = {} if data is None else data
    if not isinstance(data, dict):
        problems.append(f"{shown}:1: a source profile must be a mapping of profile keys ({where})")
        return None
    lines = _line_map(node) if node is not None else {}
    fields = [declared for declared, _ in profile_fields({fmt: reader_contract(fmt) for fmt in FORMATS}).values()]
    found = validate(data, fields, noun="profile key", locate=lambda keys: f"{shown}:{_line_for(lines, keys)}")
    if found:
        problems += [problem for problem in found if problem not in problems]  # once, however many texts name it
        return None
    return data, path


def _meetings(raw: list, lines: dict, name: str, text_ids: list[str], problems: list[str]) -> tuple[Meeting, ...]:
    """The reading plan's meetings. Here only what the manifest alone can tell is checked: that
    every id names a text or could be a heading of one (it begins with a text's id) and that a
    range ends in one way; the headings themselves are looked up when the book is built."""
    meetings = []
    for i, meeting in enumerate(raw):
        readings = []
        for j, item in enumerate(meeting["read"]):
            path = ("meetings", i, "read", j)
            item = {"from": item} if isinstance(item, str) else item
            where = f"{name}:{_line_for(lines, path)}: meetings[{i}].read[{j}]"
            if item.get("to") and item.get("before"):
                problems.append(f"{where}: give `to` (through the end of that section) or `before` (up to "
                                f"that heading), not both")
            for key in ("from", "to", "before"):
                ident = item.get(key)
                if ident and not any(ident == t or ident.startswith(f"{t}-") for t in text_ids):
                    problems.append(f"{name}:{_line_for(lines, path + (key,))}: meetings[{i}].read[{j}]"
                                    f"{'.' + key if isinstance(raw[i]['read'][j], dict) else ''}: unknown id {ident!r}; "
                                    f"name a text ({', '.join(text_ids)}) or one of its headings")
            readings.append(Reading(start=item["from"], to=item.get("to", ""), before=item.get("before", ""),
                                    label=item.get("label", ""), line=_line_for(lines, path)))
        meetings.append(Meeting(title=meeting["title"], readings=tuple(readings), line=_line_for(lines, ("meetings", i))))
    return tuple(meetings)


def _project_path(root: Path, value: str, where: str, problems: list[str]) -> Path | None:
    """Resolve a path named in the manifest, refusing anything outside the project."""
    candidate = Path(value)
    if candidate.is_absolute():
        problems.append(f"{where}: {value!r} is an absolute path; name a file inside the project, e.g. texts/NAME.txt")
        return None
    resolved = (root / candidate).resolve()
    if not resolved.is_relative_to(root):
        problems.append(f"{where}: {value!r} leaves the project folder; name a file inside it, e.g. texts/NAME.txt")
        return None
    if not resolved.is_file():
        problems.append(f"{where}: file {value!r} does not exist (looked in {root})")
        return None
    return resolved


def _check_contracts(raw: dict, i: int, root: Path, name: str, lines: dict, problems: list[str]) -> list[Path]:
    """Check text `i`'s options against its reader's contract and its `cleaning:` against the
    passes' contracts; resolve the values they declare files. Returns those files."""
    fmt = raw["format"]
    checks = [(("options",), raw.get("options"), reader_contract(fmt).options, "option")]
    for pass_name, config in (raw.get("cleaning") or {}).items():
        if pass_name not in PASSES:
            problems.append(f"{name}:{_line_for(lines, ('texts', i, 'cleaning', pass_name))}: "
                            f"texts[{i}].cleaning.{pass_name}: unknown cleaning pass; "
                            f"{suggestion(pass_name, PASSES)}")
            continue
        checks.append((("cleaning", pass_name), config, pass_contract(pass_name).options,
                       f"setting of the {pass_name} pass"))
    files = []
    for keys, values, fields, noun in checks:
        base = ("texts", i) + keys
        locate = lambda path, base=base: f"{name}:{_line_for(lines, base + path)}"  # noqa: E731
        prefix = _field_name(base)
        problems += validate(values, fields, noun=noun, locate=locate, prefix=prefix)
        for path, value in contract_files(values, fields):
            resolved = _project_path(root, value, f"{locate(path)}: {_field_name(base + path)}", problems)
            files += [resolved] if resolved else []
    return files


def _load_editorial(path: Path, root: Path, fmt: str, where: str, problems: list[str]) -> tuple[dict, list[Path]]:
    """A text's editorial file, checked against its reader's editorial keys (each problem named
    `editorial/x.yml:LINE: key: …`), and the file itself with the files its entries declare."""
    shown = path.relative_to(root).as_posix()
    try:
        data, node = load_yaml_document(path, shown)
    except ManifestError as exc:
        problems += [f"{problem} ({where})" for problem in exc.problems]
        return {}, [path]
    data = {} if data is None else data
    if not isinstance(data, dict):
        problems.append(f"{shown}:1: an editorial file must be a mapping of entries ({where})")
        return {}, [path]
    lines = _line_map(node) if node is not None else {}
    locate = lambda keys: f"{shown}:{_line_for(lines, keys)}"  # noqa: E731
    fields = reader_contract(fmt).editorial
    problems += validate(data, fields, noun=f"editorial key for the {fmt} reader", locate=locate)
    files = [path]
    for keys, value in contract_files(data, fields):
        files.append(_project_path(root, value, f"{locate(keys)}: {_field_name(keys)}", problems))
    return data, [f for f in files if f]

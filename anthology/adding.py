"""`build.py add FILE`: a new text into the project and its entry into the manifest.

The file's format is told by its extension and, for a `.txt`, by its shape
(anthology.sources.metadata); a file outside the project is copied into `texts/` byte for byte,
under a name made from its id, never over a file already there. The entry is appended to the
manifest's `texts:` as text, after the last line of the last entry and in its indentation, so every
comment and blank line of the manifest stays as it was; the entry gives `id`, `file` and `format`
and only what the file does not say itself (the build reads the file's title, author, date and
language where the entry leaves them out: anthology.manifest.with_file_metadata).

Nothing is changed unless everything succeeds: the new manifest is written beside the old one,
loaded and checked like any build's, and only then moved over it (`os.replace`); a refusal leaves
the manifest byte for byte as it was and removes a copy it made.
"""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .contracts import default_shown
from .errors import AnthologyError, ManifestError
from .manifest import FROM_FILE, REQUIRED_FROM_FILE, Book, load_book, load_yaml_document
from .project import lexically_inside
from .sources import FORMATS, contract
from .sources.metadata import (PLAIN_TEXT, check_readable, detect_format, differs_from, extension,
                               file_metadata)

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_ID_WORDS = 8
"""An id made from a long title keeps its first words: it names files and links."""
WRITTEN_FROM_FILE = ("subtitle", "source_name", "source_url")
"""What the file says that the build does not read from it: `add` writes it into the entry."""


class AddRefused(AnthologyError):
    """`build.py add` cannot add the file; nothing was changed."""

    exit_code = 2


@dataclass
class Added:
    """What `add_text` did, for the editor to review."""

    entry: dict
    manifest: Path
    line: int
    """The entry's first line in the manifest."""
    format_reason: str
    copied_from: Path | None = None
    left_out: dict = field(default_factory=dict)
    """The fields the file gives, left out of the entry (the build reads them from the file)."""
    written_from_file: dict = field(default_factory=dict)
    """The fields the file gives that the entry holds (the build does not read them from the file)."""
    book_language_kept: str = ""
    """The file's language, where it is the book's own (so the entry leaves it to the book)."""
    has_meetings: bool = False
    given: dict = field(default_factory=dict)
    """The fields given on the command line (`--title` …), which the entry holds."""


def add_text(manifest_path: Path, source: Path, *, text_id: str | None = None, fmt: str | None = None,
             given: dict | None = None) -> Added:
    """Add the text at `source` to the manifest at `manifest_path`; AddRefused (or the manifest's or
    the file's own error) with one line when it cannot be, with nothing changed. `given` holds
    fields the editor gives on the command line (title, author, date), which the entry then holds."""
    manifest_path = Path(manifest_path).absolute()
    book = load_book(manifest_path)
    root = book.root
    source = Path(source)
    shown = str(source)
    if not source.is_file():
        raise AddRefused(f"{shown}: " + ("is a folder; name a file" if source.is_dir() else "no such file"))
    data = source.read_bytes()

    if fmt is None:
        fmt, reason = detect_format(source, data, shown)
        if fmt is None:
            raise AddRefused(f"{shown}: cannot tell the format: {reason}; name it with --format "
                             f"({', '.join(FORMATS)})")
    else:
        reason = "--format"
    if fmt not in FORMATS:
        raise AddRefused(f"{shown}: format {fmt} ({reason}) has no reader in this build; "
                         f"the formats read are {', '.join(FORMATS)}")
    check_readable(source, data, fmt, shown)
    metadata = file_metadata(source, fmt, shown)

    _refuse_a_text_already_in(book, source, data, shown)
    given = {k: v for k, v in (given or {}).items() if v}
    title = given.get("title") or metadata.get("title", "")
    text_id = text_id or slug(title) or slug(_stem(source)) or "text"
    _check_id(book, text_id, bool(title))
    unsaid = [key for key in REQUIRED_FROM_FILE if not (given.get(key) or metadata.get(key))]
    if unsaid:
        raise AddRefused(f"{shown}: the file does not give its {_listed(unsaid)}; give "
                         f"{' '.join(f'--{key} {key.upper()}' for key in unsaid)}")

    target, copy = _place(root, source, data, text_id, fmt)
    entry = {"id": text_id, "file": target.relative_to(root).as_posix(), "format": fmt}
    left_out, written = {}, {}
    for key in ("title", "subtitle", "author", "date", "language", "source_name", "source_url"):
        if given.get(key):
            entry[key] = given[key]
        elif key in FROM_FILE and key in metadata:
            if key in REQUIRED_FROM_FILE or differs_from(metadata[key], book.language):
                left_out[key] = metadata[key]
        elif key in WRITTEN_FROM_FILE and key in metadata:
            entry[key] = written[key] = metadata[key]
    kept_language = metadata.get("language", "") if "language" in metadata and "language" not in left_out else ""

    original = manifest_path.read_bytes()
    text = original.decode("utf-8")
    _, node = load_yaml_document(manifest_path)
    new_text, line = appended(text, node, entry)
    _check_appended(text, new_text, entry, manifest_path.name)
    _commit(manifest_path, new_text, original, target if copy else None, data)
    return Added(entry=entry, manifest=manifest_path, line=line, format_reason=reason,
                 copied_from=source.resolve() if copy else None, left_out=left_out, written_from_file=written,
                 book_language_kept=kept_language, has_meetings=bool(book.meetings), given=given)


def slug(text: str) -> str:
    """`The Soviet Mirage` → `the-soviet-mirage`: lower-case ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower().replace("'", ""))
    return "-".join(words[:MAX_ID_WORDS])


def _stem(path: Path) -> str:
    """A file's name without its extension, nor a format word before it (`x.web.txt` → `x`)."""
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return re.sub(r"\.(web|ocr|muse|md|html?)$", "", stem, flags=re.I)


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" or {words[-1]}"


def _check_id(book: Book, text_id: str, from_title: bool) -> None:
    if not ID_PATTERN.match(text_id):
        raise AddRefused(f"--id: {text_id!r} is not an id: lower-case letters, digits and dashes, e.g. the-soviet-mirage")
    taken = next((t for t in book.texts if t.id == text_id), None)
    if taken:
        made = "" if not from_title else " (made from the title)"
        raise AddRefused(f"id {text_id!r}{made} is taken by {taken.file.relative_to(book.root).as_posix()}; "
                         f"choose another with --id")


def _refuse_a_text_already_in(book: Book, source: Path, data: bytes, shown: str) -> None:
    """The same file, or a file with the same bytes, is in the manifest already."""
    resolved = source.resolve()
    for i, text in enumerate(book.texts):
        if text.file == resolved or (text.file.stat().st_size == len(data) and text.file.read_bytes() == data):
            same = "is" if text.file == resolved else "has the same bytes as"
            raise AddRefused(f"{shown}: already in the manifest: it {same} "
                             f"{text.file.relative_to(book.root).as_posix()}, texts[{i}] ({text.id})")


def _place(root: Path, source: Path, data: bytes, text_id: str, fmt: str) -> tuple[Path, bool]:
    """Where the text lives in the project, and whether it must be copied there: a file inside the
    project stays where it is; another goes to `texts/<id><ext>` (`texts/<id>.<format>.txt` for a
    plain text, as the sources here are named), or `<id>-2…` when that name is taken by other bytes."""
    if lexically_inside(root, source) and source.resolve().is_relative_to(root.resolve()):
        return source.resolve(), False
    suffix = extension(source)
    suffix = f".{fmt}{suffix}" if suffix == PLAIN_TEXT else suffix
    for n in range(1, 100):
        target = root / "texts" / f"{text_id}{'' if n == 1 else f'-{n}'}{suffix}"
        if not target.exists():
            return target, True
        if target.is_file() and target.read_bytes() == data:
            return target, False  # the same bytes are there already, named by no text: used as they are
    raise AddRefused(f"texts/: no free name for {text_id}{suffix}; give another --id")


def appended(text: str, node: yaml.Node, entry: dict) -> tuple[str, int]:
    """The manifest's `text` with `entry` appended to its `texts:` list, and the entry's first line.
    The entry goes after the last line of the last entry (its comments inside it included, the
    comments after it, which introduce what follows, not), in the same indentation, with a blank
    line before it if the entries are separated by one."""
    sequence = next((value for key, value in node.value if key.value == "texts"), None)
    if not isinstance(sequence, yaml.SequenceNode) or not sequence.value:
        raise AddRefused("texts: the manifest's list of texts is empty or not a list; write the first entry by hand")
    if sequence.flow_style:
        raise AddRefused("texts: the list is written in brackets ([...]); write it as a list of `- id: …` entries")
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    last = sequence.value[-1]
    first_line, key_column = last.start_mark.line, last.start_mark.column
    dash_column = lines[first_line].rfind("-", 0, key_column)
    if dash_column < 0 or not isinstance(last, yaml.MappingNode) or last.flow_style:
        raise AddRefused(f"texts: the last entry (line {first_line + 1}) is not written as `- id: …`; "
                         f"add the text by hand")
    end = first_line
    for number in range(first_line + 1, len(lines)):
        content = lines[number].strip()
        indent = len(lines[number]) - len(lines[number].lstrip(" "))
        if content and indent <= dash_column:
            break
        if content:
            end = number
    separated = False
    if len(sequence.value) > 1:
        before = sequence.value[-1].start_mark.line - 1
        separated = before >= 0 and not lines[before].strip()
    body = []
    for i, (key, value) in enumerate(entry.items()):
        dumped = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=False, width=10**6,
                                sort_keys=False).rstrip("\n")
        lead = " " * dash_column + "-" + " " * (key_column - dash_column - 1) if i == 0 else " " * key_column
        body.append(lead + dumped + newline)
    head = "".join(lines[: end + 1])
    if not head.endswith(("\n", "\r")):
        head += newline
    gap = newline if separated else ""
    line = head.count("\n") + (1 if separated else 0) + 1
    return head + gap + "".join(body) + "".join(lines[end + 1:]), line


def _check_appended(old: str, new: str, entry: dict, name: str) -> None:
    """The new manifest holds what the old one did and the entry at the end of `texts:`, nothing else."""
    old_data, new_data = yaml.safe_load(old), yaml.safe_load(new)
    expected = dict(old_data, texts=[*old_data["texts"], entry])
    if new_data != expected:
        raise AddRefused(f"{name}: the entry could not be appended without changing what else the manifest "
                         f"says (an unusual layout of `texts:`); add it by hand")


def _commit(manifest_path: Path, new_text: str, original: bytes, copy_to: Path | None, data: bytes) -> None:
    """Copy the text (if it must be) and replace the manifest, having loaded the new one; on any
    failure, the copy is removed and the manifest left as it was."""
    made: list[Path] = []
    fd, temporary = tempfile.mkstemp(prefix=f".{manifest_path.name}.", suffix=".adding", dir=manifest_path.parent)
    temporary = Path(temporary)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(new_text.encode("utf-8"))
        os.chmod(temporary, manifest_path.stat().st_mode & 0o7777)
        if copy_to is not None:
            copy_to.parent.mkdir(exist_ok=True)
            with open(copy_to, "xb") as out:  # never over a file that appeared in the meantime
                made.append(copy_to)
                out.write(data)
        try:
            load_book(temporary)
        except ManifestError as exc:
            raise ManifestError([p.replace(temporary.name, manifest_path.name) for p in exc.problems]) from None
        if manifest_path.read_bytes() != original:
            raise AddRefused(f"{manifest_path.name}: changed while the text was being added; run add again")
        os.replace(temporary, manifest_path)
    except BaseException:
        for path in made:
            path.unlink(missing_ok=True)
        raise
    finally:
        temporary.unlink(missing_ok=True)


def review(added: Added) -> list[str]:
    """What the editor should look at after `add`, line by line."""
    entry = added.entry
    out = [f"added {entry['file']} as {entry['id']!r} ({entry['format']}: by {added.format_reason}) "
           f"to {added.manifest.name}, line {added.line}"]
    if added.copied_from:
        out.append(f"  copied byte for byte from {added.copied_from}")
    if added.left_out:
        out.append("left out of the entry, as the file gives them (the build reads them from the file; "
                   "write a field into the entry to say otherwise):")
        out += [f"  {key}: {value}" for key, value in added.left_out.items()]
    if added.book_language_kept:
        out.append(f"  (the file's language, {added.book_language_kept}, is the book's: the book's tag applies)")
    if added.given:
        out.append("given on the command line, written into the entry:")
        out += [f"  {key}: {value}" for key, value in added.given.items()]
    if added.written_from_file:
        out.append("taken from the file into the entry:")
        out += [f"  {key}: {value}" for key, value in added.written_from_file.items()]
    unsaid = [k for k in ("subtitle", "short_title", "published", "source_name", "source_url") if k not in entry
              and k not in added.left_out]
    if unsaid:
        out.append(f"not given by the file (add them to the entry if the book should show them): {', '.join(unsaid)}")
    declared = contract(entry["format"])
    if declared.options:
        out.append(f"options of the {entry['format']} reader (under `options:`; see docs/manifest.md):")
        out += [f"  {o.name} (default {default_shown(o)}): {o.meaning}" for o in declared.options]
    if declared.editorial:
        out.append(f"editorial keys (in a file the entry names with `editorial:`): "
                   f"{', '.join(k.name for k in declared.editorial)}")
    if added.has_meetings:
        out.append(f"the reading plan reads every text: add {entry['id']!r} to a meeting under `meetings:`")
    manifest = "" if added.manifest.name == "anthology.yml" else f" --manifest {added.manifest.name}"
    out.append(f"next: .venv/bin/python build.py{manifest}, then read output/clean/{entry['id']}.md and "
               f"output/cleaning-report.html")
    return out

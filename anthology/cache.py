"""Build cache: a stage's result is kept under a key made from everything it was made from, so
that unchanged work is never redone.

- Each text's cleaned document is keyed by its raw bytes, its manifest entry, the files its
  reader and cleaning passes read (its editorial file and the values their contracts declare
  files: `TextEntry.files`), and the code of the package (a changed rule is a changed key).
- Each text as the book has it (parsed, marked up by the apparatus's text steps) is keyed by its
  cleaned document's key and what the markup reads: the manifest, the glossary and index files
  and the templates.
- The whole build is keyed by every input file; when nothing changed and the outputs are still
  there, a rebuild does nothing.

The cache lives in `.cache/` beside the manifest (git-ignored); deleting it is always safe.
"""
from __future__ import annotations

import functools
import hashlib
import json
import pickle
import types
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def digest_files(paths, h=None) -> "hashlib._Hash":
    h = h or hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        if path.is_file():
            h.update(path.as_posix().encode())
            h.update(path.read_bytes())
    return h


@functools.cache
def code_version() -> str:
    files = [p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".lua", ".json", ".yml")]  # .yml: the built-in source profiles
    return digest_files(files).hexdigest()


def text_key(book, entry) -> str:
    h = hashlib.sha256()
    h.update(code_version().encode())
    h.update(repr(sorted(vars(entry).items(), key=lambda kv: kv[0])).encode())
    # The raw text and the files the reader's and passes' contracts declare (resolved by the manifest).
    digest_files([entry.file, *entry.files], h)
    return h.hexdigest()


def prepared_key(book, entry) -> str:
    files = [book.manifest_path, *(p for p in (book.design_root / "templates").rglob("*") if p.is_file())]
    files += [path for kind in ("glossary", "index") if (path := book.apparatus_file(kind))]
    h = digest_files(set(files))
    h.update(text_key(book, entry).encode())
    return h.hexdigest()


def design_files(book, folders: tuple[str, ...] = ("templates", "styles", "fonts")) -> list[Path]:
    """Every file of the book's design folders (the project's own, or the tool's: Book.design_root)."""
    return [p for folder in folders for p in (Path(book.design_root) / folder).rglob("*") if p.is_file()]


def book_key(book) -> str:
    """Everything a full build reads: manifest, texts, editorial files, data, templates, styles, fonts, code."""
    root = book.root
    files = [book.manifest_path, *root.glob("*.yml")]
    for folder in ("texts", "editorial", "profiles"):
        files += [p for p in (root / folder).rglob("*") if p.is_file()]
    files += design_files(book)
    h = digest_files(set(files))
    h.update(code_version().encode())
    return h.hexdigest()


def wanted(only) -> set[str]:
    return {"epub", "pdf"} if only is None else {only}


def fits(value, shape) -> bool:
    """Whether `value` has `shape`, what a kind of cache entry declares it stores: a type or a
    union of types (`bytes | None`), which it must be an instance of; a tuple of shapes, which
    it must be a tuple of, part by part; or a function that tells (a PNG's first bytes)."""
    if isinstance(shape, tuple):
        return isinstance(value, tuple) and len(value) == len(shape) and all(map(fits, value, shape))
    if isinstance(shape, (type, types.UnionType)):
        return isinstance(value, shape)
    return bool(shape(value))


def kept(cache: "Cache | None", kind: str, key: str, shape, make):
    """The value `cache` keeps under `key` (see `Cache.load`), or else `make()`, kept there for the
    next build; with no cache (None: a build told not to use one), simply `make()`."""
    found = cache.load(kind, key, shape) if cache is not None else None
    if found is None:
        found = make()
        if cache is not None:
            cache.store(kind, key, found)
    return found


class Cache:
    def __init__(self, root: Path):
        self.dir = Path(root) / ".cache"

    def has(self, kind: str, key: str) -> bool:
        """Whether a value is kept under `key` (it may still prove unreadable: see `load`)."""
        return (self.dir / kind / f"{key}.pickle").is_file()

    def load(self, kind: str, key: str, shape):
        """The value kept under `key`, or None (a miss, so the work is done again) when there is
        none, it cannot be read (an older version's, a file cut short) or it is not of `shape`
        (see `fits`): the cache is a file anyone can overwrite, and a wrong value must neither
        crash the build nor reach an output."""
        path = self.dir / kind / f"{key}.pickle"
        if not path.is_file():
            return None
        try:
            value = pickle.loads(path.read_bytes())
        except Exception:  # a cache entry from an older version: rebuild it
            return None
        return value if fits(value, shape) else None

    def store(self, kind: str, key: str, value) -> None:
        folder = self.dir / kind
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.tmp"
        tmp.write_bytes(pickle.dumps(value))
        tmp.replace(folder / f"{key}.pickle")


def _record(book) -> dict | None:
    """The last builds' record, or None if there is none or it is not what `remember_outputs`
    writes (the file is anyone's to overwrite: a wrong one means building again)."""
    try:
        record = json.loads((Path(book.root) / ".cache" / "last-build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if _is_record(record) else None


def _is_record(record) -> bool:
    """Whether `record` has the shape `remember_outputs` writes."""
    def strings(value) -> bool:
        return isinstance(value, str)

    def mapping_of_strings(value) -> bool:
        return isinstance(value, dict) and all(map(strings, [*value, *value.values()]))

    return (isinstance(record, dict) and strings(record.get("key")) and mapping_of_strings(record.get("files"))
            and mapping_of_strings(record.get("outputs")) and isinstance(record.get("pages"), int | None)
            and isinstance(record.get("warnings"), list) and all(map(strings, record["warnings"])))


def outputs_unchanged(book, only, out: Path) -> dict | None:
    """The last builds' record if nothing they were made from has changed and the outputs asked
    for (`only`) are still there, untouched; its outputs are then just those asked for. An EPUB-only
    build after a full build of the same sources therefore has nothing to do."""
    record = _record(book)
    if record is None or record.get("key") != book_key(book) or not wanted(only) <= set(record["outputs"]):
        return None
    for kind in wanted(only):
        relative = record["outputs"][kind]
        path = out / relative
        if not path.resolve().is_relative_to(out.resolve()):  # a record that names a file elsewhere
            return None
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != record["files"].get(relative):
            return None
    return dict(record, outputs={kind: record["outputs"][kind] for kind in wanted(only)})


def remember_outputs(book, only, out: Path, outputs: dict, pages, warnings) -> None:
    """Record what this build made from which sources; outputs of an earlier build of the same
    sources (the PDF, after an EPUB-only build) stay recorded."""
    key = book_key(book)
    record = _record(book)
    if record is None or record.get("key") != key:
        record = {"key": key, "files": {}, "outputs": {}, "pages": None, "warnings": []}
    for kind, path in outputs.items():
        relative = path.relative_to(out).as_posix()
        record["outputs"][kind] = relative
        record["files"][relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    record["pages"] = pages if pages is not None else record["pages"]
    record["warnings"] = list(dict.fromkeys(record["warnings"] + warnings))
    folder = Path(book.root) / ".cache"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "last-build.json").write_text(json.dumps(record, indent=1), encoding="utf-8")


def layout_key(book) -> str:
    """What the print layout depends on: the book's AST, the print templates, styles, fonts and code.
    An EPUB-only build reuses the page starts of the last layout made from the same inputs.
    The AST is named by the keys of its texts (`prepared_key`): each covers all that the book's
    AST is made from (the manifest, the templates, the glossary and index files, the text and its
    editorial files, the code), so the AST's own JSON (a tenth of a second) is not needed."""
    h = digest_files(design_files(book))
    for entry in book.texts:
        h.update(prepared_key(book, entry).encode())
    h.update(repr(sorted(book.meta.items())).encode("utf-8"))
    h.update(code_version().encode())
    return h.hexdigest()

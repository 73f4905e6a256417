"""Books that are valid but inconsistent, and a cache that lies: each probe is one row.

The catalogue, one table per class:

- cache: a cache file of the right syntax but the wrong shape (a dict, a string, a tuple of the
  wrong length or parts), garbage, truncated or empty, for each kind the build keeps, is a miss: the
  build redoes that work and its outputs are byte for byte those of a build with a good cache;
  `--fresh` reads no cache at all (the cover's included); the last build's record
  (`last-build.json`) of the wrong shape, or naming a file outside output/, is no record;
- notes: a Markdown note call with no definition stops the build naming file and line; a
  definition nothing calls is a warning naming file and line;
- ids: a text whose id is another text's heading id still gets its own id, so the contents
  link lands on the text;
- subsets: a book of some of the texts drops the index's cross-references to entries that are
  not in it (with a warning), so any subset of the texts passes EPUBCheck.
"""
from __future__ import annotations

import hashlib
import json
import pickle
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import yaml

from anthology.cli import main
from anthology.pipeline import build
from conftest import ROOT, copy_project

BOOK = {
    "title": "T", "editor": "E", "language": "en-GB", "date": "2026-01-01",
    "identifier": "urn:uuid:00000000-0000-0000-0000-000000000000", "rights": "R",
}
MUSE = ("#title One\n#author A\n\n*** First\n\nThe Bolsheviks took power in a country of peasants, "
        "and the question was what kind of state would follow.[1]\n\n*** Second\n\nA second paragraph "
        "about the Bolsheviks and the peasants, long enough to read.\n\n[1] A note.\n")
GLOSSARY = [{"term": "Bolshevik", "id": "bolshevik", "variants": ["Bolsheviks"], "definition": "A member of a party."}]
INDEX = [{"heading": "Peasants", "id": "peasants", "kind": "concept", "variants": ["peasants"]}]


def text_entry(ident: str, file: str, fmt: str, title: str) -> dict:
    return {"id": ident, "file": file, "format": fmt, "title": title, "author": "A", "date": "1999"}


def write_yaml(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def small_project(root: Path, texts: dict[str, tuple[str, str, str]] | None = None) -> Path:
    """A throwaway project: `texts` maps each id to (file name, format, content); by default one
    Muse text. A tiny glossary and index, so that every kind of cache entry is made."""
    texts = texts or {"one": ("one.muse", "muse", MUSE)}
    (root / "texts").mkdir(parents=True)
    for part in ("templates", "styles", "fonts"):
        shutil.copytree(ROOT / part, root / part)
    entries = []
    for ident, (name, fmt, content) in texts.items():
        (root / "texts" / name).write_text(content, encoding="utf-8")
        entries.append(text_entry(ident, f"texts/{name}", fmt, ident.replace("-", " ").title()))
    write_yaml(root / "glossary.yml", GLOSSARY)
    write_yaml(root / "index.yml", INDEX)
    write_yaml(root / "anthology.yml", {"book": dict(BOOK), "texts": entries})
    return root


def outputs_of(result) -> dict[str, bytes]:
    return {kind: path.read_bytes() for kind, path in result.outputs.items()}


# ====================================================================== cache
# Each row poisons every entry of some kinds of the warm cache of a one-text book, then builds:
# the build must succeed and give the bytes a build with a good cache gives.

CACHE_KINDS = ("texts", "prepared", "parts", "layout", "epub-chapters", "cover", "markdown")


def pickled(value) -> Callable[[bytes], bytes]:
    return lambda good: pickle.dumps(value)


def raw(data: bytes) -> Callable[[bytes], bytes]:
    return lambda good: data


def truncated(good: bytes) -> bytes:
    return good[: len(good) // 2]


PNG_LOOKALIKE = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass(frozen=True)
class Poison:
    kinds: tuple[str, ...]
    """The kinds of cache entry replaced by `value` (of the good entry's bytes)."""
    value: Callable[[bytes], bytes]
    only: str | None = "epub"
    """What the row builds (a kind is read only by the builds that use it)."""
    misses: tuple[str, ...] = ()
    """Kinds removed first, so that the poisoned kind is read at all (texts: only when prepared misses)."""
    fresh: bool = False


ALL = CACHE_KINDS
CACHE_ROWS = {
    "texts: a dict": Poison(("texts",), pickled({"body": "x"}), misses=("prepared",)),
    "texts: a string": Poison(("texts",), pickled("a document"), misses=("prepared",)),
    "texts: a tuple of one": Poison(("texts",), pickled(("a document",)), misses=("prepared",)),
    "texts: a tuple of the wrong parts": Poison(("texts",), pickled(("body", ["w"])), misses=("prepared",)),
    "prepared: a dict": Poison(("prepared",), pickled({"tree": {}})),
    "prepared: a tuple": Poison(("prepared",), pickled(("doc", [], "md", {}, [], {}))),
    "parts: a dict": Poison(("parts",), pickled({"part": None}), only="pdf"),
    "parts: a tuple of one": Poison(("parts",), pickled(("part",)), only="pdf"),
    "parts: a tuple of the wrong parts": Poison(("parts",), pickled(("part", b"%PDF")), only="pdf"),
    "layout: a dict": Poison(("layout",), pickled({"starts": []})),
    "layout: a list": Poison(("layout",), pickled([1, 2, 3])),
    "epub chapters: bytes": Poison(("epub-chapters",), pickled(b"<body>")),
    "epub chapters: a list": Poison(("epub-chapters",), pickled(["<body>"])),
    "cover: a string": Poison(("cover",), pickled("cover.png")),
    "cover: bytes that are no PNG": Poison(("cover",), pickled(b"not a picture")),
    "markdown: a dict": Poison(("markdown",), pickled({"blocks": []})),
    "markdown: a string": Poison(("markdown",), pickled("# Index")),
    "markdown: a list of strings": Poison(("markdown",), pickled(["Para"])),
    "every kind: garbage bytes": Poison(ALL, raw(b"\x80\x05garbage"), only=None),
    "every kind: a truncated pickle": Poison(ALL, truncated, only=None),
    "every kind: an empty file": Poison(ALL, raw(b""), only=None),
    "every kind: a pickle of None": Poison(ALL, pickled(None), only=None),
    "--fresh: a cover cache that looks like a PNG": Poison(("cover",), pickled(PNG_LOOKALIKE), fresh=True),
    "--fresh: every kind of the wrong shape": Poison(ALL, pickled({"wrong": "shape"}), only=None, fresh=True),
}


class WarmBook:
    """A one-text project with every kind of cache entry made (a full build, then an EPUB alone).
    Cache keys hold the project's absolute paths, so each row builds in this same folder, from
    the cache as it was (`restore`)."""

    def __init__(self, root: Path, saved: Path):
        self.root, self.saved, self.cache = root, saved, root / ".cache"
        build(root / "anthology.yml")
        build(root / "anthology.yml", only="epub")
        assert all(any((self.cache / kind).glob("*.pickle")) for kind in CACHE_KINDS), \
            sorted(p.name for p in self.cache.iterdir())
        record = self.cache / "last-build.json"
        self.record = json.loads(record.read_text(encoding="utf-8"))
        record.unlink()  # or a build with nothing changed would build nothing
        shutil.copytree(self.cache, saved)
        self.references: dict = {}

    def restore(self) -> None:
        shutil.rmtree(self.cache)
        shutil.copytree(self.saved, self.cache)

    def build(self, only: str | None, use_cache: bool = True) -> dict[str, bytes]:
        return outputs_of(build(self.root / "anthology.yml", only=only, use_cache=use_cache))

    def reference(self, only: str | None, layout: bool) -> dict[str, bytes]:
        """What a build gives with a good cache (without a laid-out PDF, if not `layout`)."""
        if (only, layout) not in self.references:
            self.restore()
            if not layout:
                shutil.rmtree(self.cache / "layout")
            self.references[(only, layout)] = self.build(only)
        return self.references[(only, layout)]


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    folder = tmp_path_factory.mktemp("warm")
    return WarmBook(small_project(folder / "book"), folder / "saved-cache")


@pytest.mark.book  # builds a one-text book (EPUB, PDF, or both) per row
@pytest.mark.parametrize("row", CACHE_ROWS)
def test_a_cache_entry_of_the_wrong_shape_is_a_miss(row, warm):
    poison = CACHE_ROWS[row]
    # A poisoned layout is a miss: the EPUB alone then has no print page numbers, as without one.
    expected = warm.reference(poison.only, layout=not poison.fresh and "layout" not in poison.kinds)
    warm.restore()
    for kind in poison.misses:
        shutil.rmtree(warm.cache / kind)
    poisoned = 0
    for kind in poison.kinds:
        for path in (warm.cache / kind).glob("*.pickle"):
            path.write_bytes(poison.value(path.read_bytes()))
            poisoned += 1
    assert poisoned

    assert warm.build(poison.only, use_cache=not poison.fresh) == expected


# The last build's record (`.cache/last-build.json`, what lets an unchanged book not be built
# again) is a cache file too: one of the wrong shape is no record, and the book is built.

def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


RECORD_ROWS = {
    # name: the record's text, from the good record and the project's folder
    "not JSON": lambda good, root: "{not json",
    "a list": lambda good, root: json.dumps([good]),
    "a string": lambda good, root: json.dumps("last build"),
    "outputs of the wrong type": lambda good, root: json.dumps({**good, "outputs": "epub"}),
    "an output's hash missing": lambda good, root: json.dumps({**good, "files": {}}),
    "pages of the wrong type": lambda good, root: json.dumps({**good, "pages": "many"}),
    "warnings of the wrong type": lambda good, root: json.dumps({**good, "warnings": [1, None]}),
    "an output outside output/": lambda good, root: json.dumps({
        **good, "outputs": {"epub": "../anthology.yml", "pdf": "../anthology.yml"},
        "files": {"../anthology.yml": sha256(root / "anthology.yml")}}),
}


@pytest.mark.book  # builds a one-text book per row
@pytest.mark.parametrize("row", RECORD_ROWS)
def test_a_last_build_record_of_the_wrong_shape_is_no_record(row, warm):
    expected = warm.reference(None, layout=True)  # and output/ holds what it made
    warm.restore()
    (warm.cache / "last-build.json").write_text(RECORD_ROWS[row](warm.record, warm.root), encoding="utf-8")

    result = build(warm.root / "anthology.yml")

    assert all(path.is_relative_to(warm.root / "output") for path in result.outputs.values()), result.outputs
    assert outputs_of(result) == expected
    assert isinstance(result.pages, int) and all(isinstance(w, str) for w in result.warnings)


# ====================================================================== notes
# Markdown notes the reader writes as Pandoc footnotes ([^x] calls, [^x]: definitions).

NOTE_ROWS = {
    # name: (text after the heading line, error expected (or None), warning expected (or None))
    "a call with no definition": ("First paragraph.\n\nA call.[^x] More.\n", "texts/two.md:5: note [^x] is called but never defined", None),
    "a call with no definition in a list": ("- an item[^lost]\n", "texts/two.md:3: note [^lost] is called but never defined", None),
    "a definition nothing calls": ("Text.\n\n[^y]: A lost note.\n", None, "texts/two.md:5: note [^y] is defined but never called"),
    "a note defined twice": ("Text.[^z]\n\n[^z]: One.\n\n[^z]: Two.\n", "texts/two.md:7: note [^z] is defined twice", None),
    "a call and its definition (control)": ("Text.[^a]\n\n[^a]: The note.\n", None, None),
    "a call in code (control)": ("Write `[^x]` for a note.\n\n```\n[^y]\n```\n", None, None),
    "an escaped call (control)": ("Not a note: \\[^x].\n", None, None),
}


@pytest.mark.parametrize("row", NOTE_ROWS)
def test_markdown_note_calls_and_definitions_match(row):
    from anthology.errors import SourceError
    from anthology.sources import read

    body, error, warning = NOTE_ROWS[row]
    raw = "## A\n\n" + body
    if error:
        with pytest.raises(SourceError) as caught:
            read("markdown", raw, options={}, editorial={}, origin="texts/two.md")
        assert str(caught.value).startswith(error), str(caught.value)
        assert "\n" not in str(caught.value)
        return
    doc = read("markdown", raw, options={}, editorial={}, origin="texts/two.md")
    if warning:
        assert len(doc.warnings) == 1 and doc.warnings[0].startswith(warning), doc.warnings
    else:
        assert doc.warnings == []


def test_a_missing_note_definition_stops_the_build_with_one_line(tmp_path, capsys, monkeypatch):
    root = small_project(tmp_path, {"one": ("one.muse", "muse", MUSE),
                                    "two": ("two.md", "markdown", "## A\n\nA call.[^x]\n")})
    (root / "output").mkdir()
    (root / "output" / "book.epub").write_bytes(b"yesterday's good book")
    monkeypatch.chdir(root)
    code = main(["--only", "epub", "-q"])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and "Traceback" not in err, err
    assert lines == ["error: texts/two.md:3: two: note [^x] is called but never defined; add a definition "
                     "`[^x]: …` or remove the call"], lines
    assert [p.name for p in (root / "output").iterdir()] == ["book.epub"]


@pytest.mark.book  # builds a two-text EPUB
def test_a_note_nothing_calls_is_a_warning_of_the_build(tmp_path):
    root = small_project(tmp_path, {"one": ("one.muse", "muse", MUSE),
                                    "two": ("two.md", "markdown", "## A\n\nText.\n\n[^lost]: A lost note.\n")})
    result = build(root / "anthology.yml", only="epub")
    assert [w for w in result.warnings if "[^lost]" in w] == [
        "texts/two.md:5: note [^lost] is defined but never called, so the book leaves it out; "
        "call it where it belongs or remove it"]


# ====================================================================== ids
# Headings take ids `<text-id>-<slug>`; a text may have such an id itself.

ID_ROWS = {
    # name: (the texts' ids in order, the headings of the first text)
    "a heading's id is a later text's id": (["one", "one-two"], ["Two"]),
    "a heading's id is an earlier text's id": (["one-two", "one"], ["Two"]),
    "the suffixed id is a text's id too": (["one", "one-two", "one-two-2"], ["Two", "Two"]),
    "a heading's id is a third text's id": (["one", "other", "one-other"], ["Other"]),
}


def id_book(tmp_path: Path, ids: list[str], headings: list[str]):
    from anthology.manifest import load_book

    body = "".join(f"*** {heading}\n\nA paragraph under {heading}, long enough to read.\n\n" for heading in headings)
    texts = {ident: (f"{ident}.muse", "muse", f"#title {ident}\n#author A\n\n" + (body if ident == "one" else
             "*** Start\n\nThe text's own first paragraph, long enough to read.\n")) for ident in ids}
    root = small_project(tmp_path, texts)
    return root, load_book(root / "anthology.yml")


@pytest.mark.parametrize("row", ID_ROWS)
def test_no_heading_takes_a_text_id(row, tmp_path):
    from anthology import doctree
    from anthology.apparatus.anchors import prefix_heading_ids

    ids, headings = ID_ROWS[row]
    _, book = id_book(tmp_path, ids, headings)
    markdown = "# One {#one .text}\n\n" + "".join(f"## {heading}\n\nText.\n\n" for heading in headings)
    tree = doctree.from_markdown(markdown)
    prefix_heading_ids(book, tree, [])
    heading_ids = [doctree.header_id(b) for b in tree["blocks"] if b["t"] == "Header" and doctree.header_level(b) > 1]
    assert len(heading_ids) == len(headings) == len(set(heading_ids))
    assert not set(heading_ids) & set(ids), heading_ids
    assert all(ident.startswith("one-") for ident in heading_ids)


@pytest.mark.book  # reads, parses and marks up a three-text book (no outputs)
def test_the_contents_link_of_a_text_lands_on_the_text(tmp_path):
    from anthology import doctree
    from anthology.pipeline import assembled_book

    root, _ = id_book(tmp_path, ["one", "one-two", "one-two-2"], ["Two", "Two"])
    _, ast = assembled_book(root / "anthology.yml", jobs=1)
    ids: list[str] = []

    def visit(node):
        attrs = doctree.attrs(node) if "c" in node else None
        if attrs and attrs[0]:
            ids.append(attrs[0])

    doctree.walk(ast, visit)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    texts = {doctree.header_id(b) for b in ast["blocks"] if b["t"] == "Header" and doctree.header_level(b) == 1}
    assert {"one", "one-two", "one-two-2"} <= texts


# ====================================================================== subsets
# The glossary and the index are the whole project's; a book of some of its texts must not link
# to entries that are not in it.

def index_file(tmp_path: Path, rows: list[tuple[str, str | None, list[str]]]) -> Path:
    """An index.yml of `rows`: (id, the id it sees or None, the ids it sees also)."""
    entries = []
    for ident, see, also in rows:
        entry = {"heading": ident.title(), "id": ident, "kind": "concept"}
        entry.update({"see": see} if see else {"variants": [ident.title()]})
        entry.update({"see_also": also} if also else {})
        entries.append(entry)
    write_yaml(tmp_path / "index.yml", entries)
    return tmp_path / "index.yml"


@dataclass(frozen=True)
class IndexOnly:
    """What the index's book step reads of a book: where its index is."""
    path: Path

    def apparatus_file(self, name: str) -> Path | None:
        return self.path if name == "index" else None


XREF_ROWS = {
    # name: (index rows (id, see, see_also), the ids that have marks, expected {id: (see, see_also)}, dropped)
    "see also an entry with no marks": ([("a", None, ["b"]), ("b", None, [])], {"a"}, {"a": (None, [])}, 1),
    "see also one present, one absent": ([("a", None, ["b", "c"]), ("b", None, []), ("c", None, [])], {"a", "b"},
                                         {"a": (None, ["b"]), "b": (None, [])}, 1),
    "see an entry with no marks": ([("a", None, []), ("x", "b", []), ("b", None, [])], {"a"}, {"a": (None, [])}, 1),
    "see an entry that is there (control)": ([("x", "b", []), ("b", None, [])], {"b"},
                                             {"x": ("b", []), "b": (None, [])}, 0),
    "see also from an entry not in the book (control)": ([("a", None, ["b"]), ("b", None, [])], {"b"},
                                                         {"b": (None, [])}, 0),
}


@pytest.mark.parametrize("row", XREF_ROWS)
def test_index_cross_references_point_only_at_entries_in_the_book(row, tmp_path):
    from collections import Counter

    from anthology.apparatus.index import Mark, check_index, entries, load_index

    rows, marked, expected, dropped = XREF_ROWS[row]
    path = index_file(tmp_path, rows)
    marks = [Mark(f"ix-{ident}-t-1", ident, None, None) for ident in sorted(marked)]
    found = {e.heading.id: (e.see.id if e.see else None, [h.id for h in e.see_also])
             for e in entries(load_index(path), marks)}
    assert found == expected

    warnings: list[str] = []
    check_index(IndexOnly(path), {"blocks": []}, warnings, {"index": Counter(marked)})
    assert len([w for w in warnings if "cross-reference" in w]) == dropped, warnings


SUBSET_ROWS = {
    "Conrad I and the Muse text": ["genesis-part-1", "soviet-mirage"],
    "the ICP and Conrad II": ["why-russia-isnt-socialist", "genesis-part-2"],
    "the Muse text alone": ["soviet-mirage"],
}


@pytest.fixture(scope="module")
def subset_books(tmp_path_factory) -> dict[str, tuple[object, Future]]:
    """Each row's EPUB built, and EPUBCheck on it started in a thread as soon as it is: the check
    (Java, 5 s) runs while the next row's book is built."""
    from anthology.validate import epubcheck

    books = {}
    with ThreadPoolExecutor(max_workers=1) as checks:
        for row, ids in SUBSET_ROWS.items():
            root = copy_project(tmp_path_factory.mktemp("subset"))
            manifest = yaml.safe_load((root / "anthology.yml").read_text(encoding="utf-8"))
            manifest["texts"] = [t for t in manifest["texts"] if t["id"] in ids]
            manifest.pop("meetings", None)  # the reading plan reads every text
            write_yaml(root / "anthology.yml", manifest)
            result = build(root / "anthology.yml", only="epub")
            books[row] = result, checks.submit(epubcheck, result.outputs["epub"])
    return books


@pytest.mark.book  # builds an EPUB of some of the real texts and runs EPUBCheck
@pytest.mark.parametrize("row", SUBSET_ROWS)
def test_a_book_of_some_of_the_texts_passes_epubcheck(row, subset_books):
    result, checked = subset_books[row]
    assert [t.id for t in result.book.texts] == SUBSET_ROWS[row]
    assert [str(f) for f in checked.result()] == []
    assert any("cross-reference" in w for w in result.warnings), result.warnings

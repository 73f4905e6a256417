"""Bad input gets one clear line, exit code 2, no traceback, and no change to output/.

Each case starts from a small, valid one-text project and breaks one thing, the way an editor
or a pasted web page might."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from anthology.cli import main
from conftest import ROOT

BOOK = {
    "title": "T", "editor": "E", "language": "en-GB", "date": "2026-01-01",
    "identifier": "urn:uuid:00000000-0000-0000-0000-000000000000", "rights": "R",
}
MUSE = "#title One\n#author A\n\n*** First\n\nThe first paragraph of the text, long enough to read.[1]\n\n[1] A note.\n"


def project(tmp_path: Path) -> Path:
    (tmp_path / "texts").mkdir()
    (tmp_path / "editorial").mkdir()
    for part in ("templates", "styles", "fonts"):
        shutil.copytree(ROOT / part, tmp_path / part)
    (tmp_path / "texts" / "one.muse").write_text(MUSE, encoding="utf-8")
    write_manifest(tmp_path, {"book": dict(BOOK), "texts": [text_entry()]})
    out = tmp_path / "output"
    out.mkdir()
    (out / "book.epub").write_bytes(b"yesterday's good book")
    return tmp_path


def text_entry(**extra):
    entry = {"id": "one", "file": "texts/one.muse", "format": "muse", "title": "One", "author": "A", "date": "1999"}
    entry.update(extra)
    return entry


def write_manifest(root: Path, data) -> None:
    (root / "anthology.yml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def manifest_case(mutate):
    def apply(root: Path):
        data = yaml.safe_load((root / "anthology.yml").read_text(encoding="utf-8"))
        mutate(data)
        write_manifest(root, data)
    return apply


def raw_manifest(text: str | bytes):
    def apply(root: Path):
        path = root / "anthology.yml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return apply


def text_file(data: bytes, name="one.muse"):
    def apply(root: Path):
        (root / "texts" / name).write_bytes(data)
    return apply


def second_text(fmt: str, name: str, data: str, editorial: str | None = None, **options):
    def apply(root: Path):
        (root / "texts" / name).write_text(data, encoding="utf-8")
        m = yaml.safe_load((root / "anthology.yml").read_text(encoding="utf-8"))
        entry = text_entry(id="two", file=f"texts/{name}", format=fmt)
        if options:
            entry["options"] = options
        if editorial is not None:
            (root / "editorial" / "two.yml").write_text(editorial, encoding="utf-8")
            entry["editorial"] = "editorial/two.yml"
        m["texts"].append(entry)
        write_manifest(root, m)
    return apply


def set_book(key, value):
    return manifest_case(lambda d: d["book"].__setitem__(key, value))


def set_text(key, value):
    return manifest_case(lambda d: d["texts"][0].__setitem__(key, value))


def drop_text(key):
    return manifest_case(lambda d: d["texts"][0].pop(key))


WEB_MISSING_NOTE = "Masthead\n\nA first paragraph with a call.1 And more text here without the next.\n\n  1. The first note.↩︎\n  2. The second note.↩︎\n"
SUP_MISMATCH = "# Title\n\nText with a call<sup>1</sup> and another<sup>3</sup>.\n\n<sup>1</sup>First note.\n\n<sup>2</sup>Second note.\n"

CASES = {
    "unknown top-level field": (manifest_case(lambda d: d.__setitem__("colour", "red")), "colour"),
    "no book section": (manifest_case(lambda d: d.pop("book")), "'book' is a required property"),
    "no texts section": (manifest_case(lambda d: d.pop("texts")), "'texts' is a required property"),
    "empty texts list": (manifest_case(lambda d: d.__setitem__("texts", [])), "texts"),
    "unknown text field": (set_text("autor", "A"), "texts[0].autor: unknown field"),
    "missing date": (drop_text("date"), "texts[0].date: missing, and texts/one.muse does not give one"),
    "missing file field": (drop_text("file"), "'file' is a required property"),
    "title of the wrong type": (set_text("title", ["One"]), "texts[0].title"),
    "unknown format": (set_text("format", "docx"), "is not one of"),
    "duplicate ids": (manifest_case(lambda d: d["texts"].append(dict(d["texts"][0]))), "duplicate id"),
    "file does not exist": (set_text("file", "texts/missing.muse"), "does not exist"),
    "path leaves the project": (set_text("file", "../outside.muse"), "leaves the project"),
    "absolute path": (set_text("file", "/etc/passwd"), "absolute path"),
    "bad language tag": (set_book("language", "English"), "book.language"),
    "bad identifier": (set_book("identifier", "my-book"), "book.identifier"),
    "bad date": (set_book("date", "21/11/2026"), "book.date"),
    "bad page size": (set_book("page_size", "B5"), "book.page_size"),
    "output name with a slash": (set_book("output_name", "../book"), "book.output_name"),
    "missing editor": (manifest_case(lambda d: d["book"].pop("editor")), "'editor' is a required property"),
    "YAML syntax error": (raw_manifest("book:\n  title: [T\n"), "not valid YAML"),
    "manifest is a list": (raw_manifest("- one\n- two\n"), "must be a mapping"),
    "manifest not UTF-8": (raw_manifest(b"book:\n  title: \xff\xfe\n"), "not UTF-8"),
    "editorial file missing": (set_text("editorial", "editorial/none.yml"), "does not exist"),
    "editorial file not YAML": (lambda r: ((r / "editorial" / "one.yml").write_text("a: [b\n"),
                                           set_text("editorial", "editorial/one.yml")(r)), "not valid YAML"),
    "unknown cleaning pass": (set_text("cleaning", {"spellcheck": {}}), "spellcheck"),
    "empty text": (text_file(b"   \n"), "empty"),
    "binary text": (text_file(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10), "binary"),
    "absurdly large text": (text_file(b"word " * 1_200_000), "over the"),
    "text in no known encoding": (text_file("#title One\n\nBad \u00e9 bytes".encode("utf-8") + b"\x81\x8d\x90"), "not UTF-8"),
    "web note call missing": (second_text("web", "two.txt", WEB_MISSING_NOTE), "note"),
    "sup notes out of order": (second_text("markdown", "two.md", SUP_MISMATCH), "note"),
    "muse anchor does not match": (second_text("muse", "two.muse", MUSE, editorial="paragraphs:\n  - Words that are not there\n"),
                                   "editorial/two.yml"),
    "markdown editorial heading does not match": (
        second_text("markdown", "two.md", "## A\n\nText.\n", editorial="headings:\n  - heading: '## B'\n    level: 3\n"),
        "editorial/two.yml"),
    "no manifest at all": (lambda r: (r / "anthology.yml").unlink(), "no such file"),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_refused_cleanly(name, tmp_path, capsys, monkeypatch):
    root = project(tmp_path)
    breaker, expected = CASES[name]
    breaker(root)
    before = snapshot(root / "output")
    monkeypatch.chdir(root)

    code = main(["--only", "epub"])

    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if line.strip()]
    assert code == 2, captured.err
    assert "Traceback" not in captured.err + captured.out
    assert len(errors) == 1 and errors[0].startswith("error: "), errors
    assert expected in errors[0], errors[0]
    assert snapshot(root / "output") == before


@pytest.mark.book  # builds a one-text EPUB
def test_latin1_text_builds_with_a_named_warning(tmp_path, capsys, monkeypatch):
    root = project(tmp_path)
    text_file(MUSE.replace("long enough", "caf\u00e9 long enough").encode("cp1252"))(root)
    monkeypatch.chdir(root)
    assert main(["--only", "epub", "-q"]) == 0
    assert "decoded as Windows-1252" in capsys.readouterr().err


def test_verbose_shows_the_traceback(tmp_path, capsys, monkeypatch):
    root = project(tmp_path)
    set_text("format", "docx")(root)
    monkeypatch.chdir(root)
    text_file(b"")(root)
    assert main(["--only", "epub", "-v"]) == 2
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.book  # builds a one-text EPUB and runs EPUBCheck on it
def test_check_fails_a_build_whose_epub_has_an_error(tmp_path, capsys, monkeypatch):
    """`build.py --check` runs EPUBCheck on the built EPUB and fails on an error. (That it passes a
    good one: test_example_anthology.py, and the book's EPUBCheck test in test_book.py.)"""
    from anthology.render.epub import edition as epub_module

    real_finish = epub_module.finish

    def broken_finish(*args, **kwargs):
        entries = real_finish(*args, **kwargs)
        chapter = next(name for name in sorted(entries) if name.endswith("ch001.xhtml"))
        entries[chapter] = entries[chapter].replace(b"</section>", b"</sectio>", 1)  # not well-formed
        return entries

    root = project(tmp_path)
    monkeypatch.chdir(root)
    monkeypatch.setattr(epub_module, "finish", broken_finish)
    assert main(["--only", "epub", "--check", "-q"]) == 1
    err = capsys.readouterr().err
    assert "epubcheck: ERROR" in err or "epubcheck: FATAL" in err
    assert "EPUBCheck found" in err

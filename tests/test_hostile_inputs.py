"""One clear line for every bad input: a catalogue of hostile and broken inputs.

Each table is one class of input (encodings, Pandoc, structure and limits, manifest, editorial
files, arguments); each row breaks one thing in a small, valid one-text project (the project of
tests/test_bad_input.py) and names what the one error line must say. Every row must end with
exit code 2, exactly one line on stderr naming the file (and the line where there is one), no
traceback, `output/` byte-identical, and within a few seconds: the next bad input is one row.

What is repaired rather than refused (a form feed, a stray control character) has its own table,
at the level that proves it (`decode_source`), and one small build proves the repaired text
reaches no XML writer that could choke on it."""
from __future__ import annotations

import re
import signal
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from anthology.cli import main
from anthology.inputs import decode_source
from test_bad_input import MUSE, project, second_text, snapshot, text_entry, text_file, write_manifest

SECONDS = 20
"""Far more than any row needs (most take well under a second): past it, a limit is missing."""


class Hung(BaseException):
    """Raised by the alarm: the build did not finish in time (a BaseException, so that the build's
    own last-resort handler cannot turn it into an error line)."""


def run_build(root: Path, args: list[str], capsys, monkeypatch) -> tuple[int, list[str], str]:
    """`build.py ARGS` in `root`, stopped after SECONDS: (exit code, stderr's lines, all output)."""
    monkeypatch.chdir(root)

    def too_long(signum, frame):
        raise Hung(f"the build ran for over {SECONDS} s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(SECONDS)
    try:
        code = main(args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    captured = capsys.readouterr()
    return code, [line for line in captured.err.splitlines() if line.strip()], captured.out + captured.err


def assert_refused(root: Path, args: list[str], expected: str, capsys, monkeypatch) -> str:
    """The build of `root` stops with exit 2 and one `error:` line matching `expected`, no
    traceback, output/ as it was. Returns the line."""
    before = snapshot(root / "output")
    code, errors, everything = run_build(root, args, capsys, monkeypatch)
    assert "Traceback" not in everything
    assert len(errors) == 1 and errors[0].startswith("error: "), errors
    assert code == 2, errors
    assert re.search(expected, errors[0]), errors[0]
    assert snapshot(root / "output") == before
    return errors[0]


def breaks(*changes):
    """Several changes to a project, in order."""
    def apply(root: Path):
        for change in changes:
            change(root)
    return apply


def manifest(mutate):
    def apply(root: Path):
        data = yaml.safe_load((root / "anthology.yml").read_text(encoding="utf-8"))
        mutate(data)
        write_manifest(root, data)
    return apply


def raw_file(relative: str, data: str | bytes):
    def apply(root: Path):
        path = root / relative
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return apply


def with_editorial(data: str | bytes, text: int = 0):
    """An editorial file for text `text` (0: the muse text `one`), named in the manifest."""
    name = "one" if text == 0 else "two"
    return breaks(raw_file(f"editorial/{name}.yml", data),
                  manifest(lambda d: d["texts"][text].__setitem__("editorial", f"editorial/{name}.yml")))


def muse_body(body: str):
    """The muse text with `body` after its two directive lines and a blank line (so the body's
    first line is line 4 of texts/one.muse)."""
    return text_file(("#title One\n#author A\n\n" + body).encode("utf-8"))


def markdown_text(body: str):
    """A second text, `two`, in Markdown: texts/two.md is `body`."""
    return second_text("markdown", "two.md", body)


def billion_laughs(indent: str = "") -> str:
    """Nine anchors, each a list of nine aliases of the one before: under 1 KB, 10^9 strings once
    expanded."""
    lines = [f'{indent}a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"{indent}a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


MUSE_HEAD = "#title One\n#author A\n\n*** First\n\n"
FILLER = "A paragraph of the text, long enough to read, and then some more words.\n\n"


# --- encodings: what a text's bytes may hold ------------------------------------------------------

ENCODINGS = {
    "NUL byte after the first 64 KB": (
        text_file((MUSE_HEAD + FILLER * 1000 + "A NUL \x00 here.\n").encode()),
        r"^error: texts/one\.muse:2006: .*binary"),
    # UTF-16 and UTF-32 are read (tests/test_encodings.py); their marks on other bytes are not
    "UTF-16 byte-order mark on bytes that are not UTF-16": (
        text_file(b"\xff\xfe" + MUSE.encode()), r"^error: texts/one\.muse: .*UTF-16.*UTF-8"),
    "UTF-32 byte-order mark on bytes that are not UTF-32": (
        text_file(b"\xff\xfe\x00\x00" + MUSE.encode()), r"^error: texts/one\.muse: .*UTF-32.*UTF-8"),
}


@pytest.mark.parametrize("name", ENCODINGS)
def test_encodings(name, tmp_path, capsys, monkeypatch):
    breaker, expected = ENCODINGS[name]
    root = project(tmp_path)
    breaker(root)
    assert_refused(root, ["--only", "epub"], expected, capsys, monkeypatch)


REPAIRED = {
    # raw text → (the text the readers get, the warning, if any)
    "form feed between paragraphs": ("One.\n\x0cTwo.\n", "One.\n\nTwo.\n", None),
    "form feed on a line of its own": ("One.\n\x0c\nTwo.\n", "One.\n\nTwo.\n", None),
    "form feed inside a line": ("One. \x0c Two.\n", "One.\n\nTwo.\n", None),
    "form feeds at the start and end": ("\x0cOne.\n\x0c", "One.\n", None),
    "escape sequence (ESC)": ("One.\nRed \x1b[31mtext.\n", "One.\nRed [31mtext.\n",
                              r"^texts/one\.muse:2: removed 1 control character \(U\+001B\)"),
    "several control characters": ("\x01One.\nTwo\x7f.\n\x08\n", "One.\nTwo.\n\n",
                                   r"^texts/one\.muse:1: removed 3 control characters \(U\+0001, U\+007F, U\+0008\)"),
    "C1 control (NEL) from a mis-decoded page": ("One\u0085two.\n", "Onetwo.\n",
                                                 r"texts/one\.muse:1: removed 1 control character \(U\+0085\)"),
    "noncharacter U+FFFF": ("One \uffff two.\n", "One  two.\n", r"texts/one\.muse:1: .*U\+FFFF"),
    "tab and line endings kept": ("One\ttwo.\r\nThree.\rFour.\n", "One\ttwo.\nThree.\nFour.\n", None),
}


@pytest.mark.parametrize("name", REPAIRED)
def test_repaired_characters(name, tmp_path):
    raw, expected, warning = REPAIRED[name]
    path = tmp_path / "texts" / "one.muse"
    path.parent.mkdir()
    path.write_bytes(raw.encode("utf-8"))
    warnings: list[str] = []
    assert decode_source(path, warnings, origin="texts/one.muse") == expected
    if warning is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and re.search(warning, warnings[0]), warnings


@pytest.mark.book  # builds a one-text EPUB
def test_control_characters_reach_no_xml_writer(tmp_path, capsys, monkeypatch):
    """Form feeds (as OCR leaves them), an escape sequence, a NUL-free C0 and C1 mix and a
    noncharacter: the book is built, every XHTML file is well-formed, the words are all there."""
    root = project(tmp_path)
    muse_body("*** First\n\nThe first page, long enough to read.\n\x0c\nThe second \x1b[1mpage\x1b[0m"
              " \x01with \u0085odd \uffffbytes.\x0c\n")(root)
    code, errors, _ = run_build(root, ["--only", "epub"], capsys, monkeypatch)
    assert code == 0, errors
    assert any("removed 5 control characters" in line and "texts/one.muse:8" in line for line in errors), errors
    epub = root / "output" / "anthology.epub"
    with zipfile.ZipFile(epub) as book:
        pages = {name: book.read(name) for name in book.namelist() if name.endswith(".xhtml")}
    for page in pages.values():
        ElementTree.fromstring(page)  # well-formed, or this raises
    words = b" ".join(pages.values())
    assert b"The first page" in words and b"The second" in words and b"bytes." in words


# --- Muse that Pandoc could not read: tolerated as Text::Amuse tolerates it, with a warning -----
# (Pandoc failed on each of these, or looped on the unclosed <verse>; the reader now closes or
# removes what is left open, keeps the words and names the line. What Pandoc still cannot read,
# for every reader, is in tests/test_reader_errors.py.)

TOLERATED_MUSE = {
    "muse: <code> never closed": (
        muse_body("*** First\n\nSome text <code>left open here.\n\nMore text.\n"),
        r"texts/one\.muse:6: .*<code>", b"left open here"),
    "muse: <verbatim> never closed": (
        muse_body("*** First\n\nSome text.\n\n<verbatim>\nleft open\n\nMore text.\n"),
        r"texts/one\.muse:8: .*<verbatim>", b"left open"),
    "muse: <verse> never closed (Pandoc would loop, eating memory)": (
        muse_body("*** First\n\nPara one.\n\n<verse>\nA line\n\nMore text.\n"),
        r"texts/one\.muse:8: .*<verse>", b"A line"),
    "muse: the body opens with #{": (
        muse_body("#{{x}} y\n\nText of the body, long enough.\n"), None, b"Text of the body"),
    "muse: #notes with <code> never closed": (
        text_file(b"#title One\n#author A\n#notes A <code>note\n\n*** First\n\nText of the body.\n"),
        r"texts/one\.muse:3: .*<code>", b"Text of the body"),
}


@pytest.mark.parametrize("name", TOLERATED_MUSE)
def test_tolerated_muse(name, tmp_path, capsys, monkeypatch):
    breaker, warning, kept = TOLERATED_MUSE[name]
    root = project(tmp_path)
    breaker(root)
    code, errors, _ = run_build(root, ["--only", "epub"], capsys, monkeypatch)
    assert code == 0, errors
    if warning:
        assert any(re.search(warning, line) for line in errors), errors
    with zipfile.ZipFile(root / "output" / "anthology.epub") as book:
        assert any(kept in book.read(name) for name in book.namelist() if name.endswith(".xhtml"))


PANDOC_LIMITS = {
    # what no check before Pandoc foresees still ends, as a PandocError with Pandoc's reason;
    # the limits are lowered here so that the rows take seconds: (Muse or Markdown, limit, reason)
    "time: brackets nested 30 deep": ("Text " + "[" * 30 + "x", "markdown", ("READ_SECONDS", 1),
                                      r"still reading after 1 s"),
    "memory: an unclosed <verse> in Muse": ("** A\n\nText.\n\n<verse>\nA line\n", "muse", ("READ_MEMORY_MB", 100),
                                            r"more than its 100 MB of memory"),
}


@pytest.mark.parametrize("name", PANDOC_LIMITS)
def test_pandoc_limits(name, monkeypatch):
    from anthology import pandoc

    document, reader, (limit, value), reason = PANDOC_LIMITS[name]
    monkeypatch.setattr(pandoc, limit, value)
    with pytest.raises(pandoc.PandocError) as failed:
        pandoc.convert(document, "json", from_format=pandoc.MARKDOWN if reader == "markdown" else reader)
    assert re.search(reason, failed.value.reason) and failed.value.document == document


# --- structure and limits: deep nesting, expansion, runaway parsing -----------------------------

DEEP_YAML = "[" * 5000 + "]" * 5000
DEEPER_YAML = "[" * 100_000 + "]" * 100_000  # libyaml's composer recursed in C: a segmentation fault

STRUCTURE = {
    "block quotes 5000 deep (Markdown)": (
        markdown_text("# A\n\nText.\n\n" + "> " * 5000 + "deep\n"),
        r"^error: texts/two\.md:5: two: .*nested 5000 deep; the limit is \d+"),
    "block quotes 100 deep (Markdown; the print layout would break at 150)": (
        markdown_text("# A\n\nText.\n\n" + "> " * 100 + "deep\n"),
        r"^error: texts/two\.md:5: two: .*nested 100 deep; the limit is \d+"),
    "lists 5000 deep (- - - …)": (
        markdown_text("# A\n\nText.\n\n" + "- " * 5000 + "deep\n"),
        r"^error: texts/two\.md:5: two: .*nested 5000 deep"),
    "lists 400 deep by indentation": (
        markdown_text("# A\n\nText.\n\n" + "".join("  " * i + "- x\n" for i in range(400))),
        r"^error: texts/two\.md:\d+: two: .*nested \d+ deep"),
    "emphasis 5000 deep": (
        markdown_text("# A\n\nText " + "*_" * 2500 + "x" + "_*" * 2500 + ".\n"),
        r"^error: texts/two\.md: two: .*nested \d+ deep; the limit is \d+"),
    "muse <quote> 3000 deep": (
        muse_body("*** First\n\n" + "<quote>\n" * 3000 + "deep\n" + "</quote>\n" * 3000),
        r"^error: texts/one\.muse:\d+: .*<quote>.*nested 3000 deep; the limit is \d+"),
    "brackets nested 20 deep (Pandoc takes exponential time)": (
        markdown_text("# A\n\nText " + "[" * 20 + "x" + "]" * 20 + ".\n"),
        r"^error: texts/two\.md:3: two: .*\[.*nested 20 deep; the limit is \d+"),
    "20 unclosed brackets in a paragraph (Pandoc takes exponential time)": (
        markdown_text("# A\n\nText " + "[ lorem ipsum dolor sit amet " * 20 + ".\n\nMore text.\n"),
        None),  # built: an unclosed bracket opens nothing, and is read as the character it is
    "manifest: lists 5000 deep": (
        raw_file("anthology.yml", "book:\n  subjects: " + DEEP_YAML + "\n"),
        r"^error: anthology\.yml:2: .*nested over \d+ deep"),
    "manifest: lists 100000 deep": (
        raw_file("anthology.yml", "book:\n  subjects: " + DEEPER_YAML + "\n"),
        r"^error: anthology\.yml:2: .*nested over \d+ deep"),
    "manifest: billion laughs (aliases expanding to 10^9 nodes)": (
        lambda root: (root / "anthology.yml").write_text(
            billion_laughs() + (root / "anthology.yml").read_text(encoding="utf-8"), encoding="utf-8"),
        r"^error: anthology\.yml:\d+: .*alias.*expand"),
    "editorial file: billion laughs": (
        with_editorial(billion_laughs()), r"^error: editorial/one\.yml:\d+: .*alias.*expand"),
    "editorial file: lists 5000 deep": (
        with_editorial("paragraphs: " + DEEP_YAML + "\n"), r"^error: editorial/one\.yml:1: .*nested over \d+ deep"),
    "glossary.yml: billion laughs": (
        raw_file("glossary.yml", billion_laughs()), r"^error: glossary\.yml:\d+: .*alias.*expand"),
    "Markdown front matter: billion laughs": (
        markdown_text("---\n" + billion_laughs() + "title: *a9\n---\n\n# A\n\nText.\n"),
        r"^error: texts/two\.md:\d+: .*alias.*expand"),
    "Markdown front matter: lists 5000 deep": (
        markdown_text("---\ntitle: " + DEEP_YAML + "\n---\n\n# A\n\nText.\n"),
        r"^error: texts/two\.md:2: .*nested over \d+ deep"),
}


@pytest.mark.parametrize("name", [name if expected else pytest.param(name, marks=pytest.mark.book)  # builds
                                  for name, (_, expected) in STRUCTURE.items()])
def test_structure(name, tmp_path, capsys, monkeypatch):
    breaker, expected = STRUCTURE[name]
    root = project(tmp_path)
    breaker(root)
    if expected is None:
        code, errors, _ = run_build(root, ["--only", "epub", "-q"], capsys, monkeypatch)
        assert code == 0, errors
        return
    assert_refused(root, ["--only", "epub"], expected, capsys, monkeypatch)


# --- the manifest: values that would garble the pages they are printed on ----------------------

def set_value(section: str, key: str, value: str):
    def mutate(data):
        (data["book"] if section == "book" else data["texts"][0])[key] = value
    return manifest(mutate)


MANIFEST = {
    f"{section}.{key}: {what}": (set_value(section, key, value), rf"^error: anthology\.yml:\d+: "
                                 rf"{re.escape(section if section == 'book' else 'texts[0]')}\.{key}: .*one line")
    for section, key in [("book", "title"), ("book", "subtitle"), ("book", "editor"), ("book", "publisher"),
                         ("text", "title"), ("text", "subtitle"), ("text", "author"), ("text", "short_title"),
                         ("text", "source_name")]
    for what, value in [("a newline", "First\nSecond"), ("an escape sequence", "Red \x1b[31mtitle")]
}
MANIFEST["meetings[0].title: a newline"] = (
    manifest(lambda d: d.__setitem__("meetings", [{"title": "First\nSecond", "read": ["one"]}])),
    r"^error: anthology\.yml:\d+: meetings\[0\]\.title: .*one line")


@pytest.mark.parametrize("name", MANIFEST)
def test_manifest(name, tmp_path, capsys, monkeypatch):
    breaker, expected = MANIFEST[name]
    root = project(tmp_path)
    breaker(root)
    assert_refused(root, ["--only", "epub"], expected, capsys, monkeypatch)


# --- editorial files ----------------------------------------------------------------------------

OCR = "A first paragraph of the printed page, long enough to read.\n\nAnother one follows here.\n"


def with_pass_file(setting: str, relative: str, data: str | bytes):
    """A file the ocr_repair pass reads (`corrections`, `protected_words`), given to the muse text."""
    return breaks(raw_file(relative, data), manifest(
        lambda d: d["texts"][0].__setitem__("cleaning", {"ocr_repair": {setting: relative}})))


EDITORIAL = {
    "a list where a mapping is expected (the file)": (
        with_editorial("- Some words\n- Other words\n"), r"^error: editorial/one\.yml:1: .*mapping"),
    "a list where a mapping is expected (a key)": (
        breaks(second_text("ocr", "two.txt", OCR), with_editorial("furniture:\n  - masthead\n", text=1)),
        r"^error: editorial/two\.yml:1: furniture: should be a mapping"),
    "a string where a list is expected": (
        with_editorial("paragraphs: Some words\n"), r"^error: editorial/one\.yml:1: paragraphs: should be a list"),
    "a number where a string is expected": (
        with_editorial("body_starts: 12\n"), r"^error: editorial/one\.yml:1: body_starts: should be a string"),
    "Latin-1 bytes": (
        with_editorial(b"paragraphs:\n  - caf\xe9 au lait\n"), r"^error: editorial/one\.yml:2: .*not UTF-8"),
    "an unknown key": (
        with_editorial("paragraphs: []\nheadngs: [A]\n"), r"^error: editorial/one\.yml:2: headngs: unknown"),
    "YAML syntax error": (
        with_editorial("paragraphs: [a\n"), r"^error: editorial/one\.yml:\d+: not valid YAML"),
    "corrections file: billion laughs (an error message would print it all)": (
        with_pass_file("corrections", "editorial/fixes.yml", billion_laughs() + "corrections: *a9\n"),
        r"^error: editorial/fixes\.yml:\d+: .*alias.*expand"),
    "corrections file: Latin-1 bytes": (
        with_pass_file("corrections", "editorial/fixes.yml", b"corrections:\n  - wrong: caf\xe9\n    right: cafe\n"),
        r"^error: editorial/fixes\.yml:2: not UTF-8"),
    "protected words file: Latin-1 bytes": (
        with_pass_file("protected_words", "editorial/words.txt", b"Lenin\ncaf\xe9\n"),
        r"^error: editorial/words\.txt:2: not UTF-8"),
}


@pytest.mark.parametrize("name", EDITORIAL)
def test_editorial(name, tmp_path, capsys, monkeypatch):
    breaker, expected = EDITORIAL[name]
    root = project(tmp_path)
    breaker(root)
    assert_refused(root, ["--only", "epub"], expected, capsys, monkeypatch)


# --- arguments: checked before any work starts ----------------------------------------------------

def output_is_a_file(root: Path):
    for item in (root / "output").iterdir():
        item.unlink()
    (root / "output").rmdir()
    (root / "output").write_bytes(b"not a folder")


ARGUMENTS = {
    "--manifest names a folder": ([], ["--manifest", "texts"], r"^error: texts: .*folder"),
    "--manifest names no file": ([], ["--manifest", "nope.yml"], r"^error: nope\.yml: no such file"),
    "--proof with a range that runs backwards": ([], ["--proof", "9-1"], r"^error: --proof: .*9-1.*runs backwards"),
    "--proof with words": ([], ["--proof", "abc"], r"^error: --proof: .*'abc'"),
    "--proof with page 0": ([], ["--proof", "0"], r"^error: --proof: .*page 0"),
    "--proof with a negative page": ([], ["--proof", "-3"], r"^error: --proof: "),
    "--booklet negative": ([], ["--booklet", "-2"], r"^error: --booklet: .*at least 1"),
    "--booklet 0": ([], ["--booklet", "0"], r"^error: --booklet: .*at least 1"),
    "--booklet with words": ([], ["--booklet", "four"], r"^error: --booklet: "),
    "--jobs 0": ([], ["--jobs", "0"], r"^error: --jobs: .*at least 1"),
    "--jobs negative": ([], ["--jobs", "-4"], r"^error: --jobs: .*at least 1"),
    "--only with an unknown edition": ([], ["--only", "docx"], r"^error: --only: .*docx"),
    "an unknown option": ([], ["--colour"], r"^error: .*--colour"),
    "clean: no text with that id": ([], ["clean", "nope"], r"^error: .*no text with id 'nope'"),
    "output/ is a regular file": ([output_is_a_file], [], r"^error: output: .*file"),
}


@pytest.mark.parametrize("name", ARGUMENTS)
def test_arguments(name, tmp_path, capsys, monkeypatch):
    changes, args, expected = ARGUMENTS[name]
    root = project(tmp_path)
    breaks(*changes)(root)
    if (root / "output").is_file():
        before = (root / "output").read_bytes()
        code, errors, everything = run_build(root, args, capsys, monkeypatch)
        assert (code, len(errors), "Traceback" in everything) == (2, 1, False), errors
        assert re.search(expected, errors[0]) and (root / "output").read_bytes() == before, errors
    else:
        assert_refused(root, ["--only", "epub", *args] if args[:1] != ["clean"] else args, expected, capsys,
                       monkeypatch)
    assert not (root / ".cache").exists()  # refused before any work


@pytest.mark.book  # builds a one-text PDF
def test_proof_page_past_the_end_is_one_line(tmp_path, capsys, monkeypatch):
    """Pages past the PDF's end can only be known once it is built: one line, exit 2."""
    root = project(tmp_path)
    code, errors, everything = run_build(root, ["--only", "pdf", "--proof", "1,999", "-q"], capsys, monkeypatch)
    assert (code, "Traceback" in everything) == (2, False), errors
    assert len(errors) == 1 and re.search(r"^error: --proof: no page 999 in .*\.pdf \(it has \d+ pages\)", errors[0])


# --- internal errors: the last resort ----------------------------------------------------------

def test_an_internal_error_names_the_stage_and_the_text(tmp_path, capsys, monkeypatch):
    """A bug (here: the Muse reader raising what no one expected) is one line naming the stage and
    the text, exit 1; with -v the traceback too."""
    from anthology.sources import muse

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(muse, "render_muse", broken)
    root = project(tmp_path)
    before = snapshot(root / "output")
    code, errors, everything = run_build(root, ["--only", "epub"], capsys, monkeypatch)
    assert code == 1 and "Traceback" not in everything
    assert len(errors) == 1, errors
    assert re.search(r"^error: internal error in 'read, clean and mark up texts', on texts/one\.muse \(one\): "
                     r"ValueError: a bug .*-v", errors[0]), errors[0]
    assert snapshot(root / "output") == before
    code, errors, everything = run_build(root, ["--only", "epub", "-v"], capsys, monkeypatch)
    assert code == 1 and "Traceback" in everything and "render_muse" in everything

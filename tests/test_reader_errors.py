"""Every reader's failure is one line naming the file and the line, exit code 2, output/ untouched.

For each reader of `anthology.sources.FORMATS`, a one-text project is given (a) a source the reader
or Pandoc cannot read, (b) an empty file and (c) a file in an encoding no reader reads (Shift-JIS).
Each must stop with a SourceError (exit code 2) whose one line is `texts/FILE:LINE: …`, or
`texts/FILE: …` where no line applies; never a RuntimeError, a traceback or exit code 1. The rows
run the work a build's worker does on one text (`prepare_text_job`: read, clean, parse, mark up);
three run the real command line and check that output/ is as it was.

A new reader is one row of READERS; a failure found in a reader's own code is a row of
KNOWN_WRONG, marked with the reader, the input and what is wrong, until the reader is mended."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from anthology.errors import AnthologyError
from anthology.manifest import load_book
from anthology.pipeline import prepare_text_job
from anthology.sources import FORMATS
from test_bad_input import BOOK, project, write_manifest
from test_hostile_inputs import assert_refused


@dataclass(frozen=True)
class Unreadable:
    """A source its reader cannot read: the file's name and bytes, the line the refusal must name
    (None where no line applies) and what the refusal says."""

    file: str
    data: bytes
    line: int | None
    says: str


READERS = {
    "muse": Unreadable("one.muse", b"#title One\n\n*** A\n\n" + b"<em>" * 300 + b"deep" + b"</em>" * 300 + b"\n", 5,
                       r"<em> and the tags around it nested 300 deep; the limit is \d+"),
    "markdown": Unreadable("one.md", b"# A\n\nText with a note.[^x]\n", 3, r"note \[\^x\] is called but never defined"),
    "web": Unreadable("one.txt", "Masthead\n\nA call.1 And.2\n\n  1. One.↩︎\n  3. Three.↩︎\n".encode(), 6,
                      r"note 3 where note 2 was expected"),
    "ocr": Unreadable("one.ocr.txt", b"CHAPTER I\n\nText of the chapter.\n\n1.\n", 5,
                      r"section number 1 has no title after it"),
    "html": Unreadable("one.html", b"<!-- a page saved as nothing but a comment -->\n", None, r"not an HTML page"),
    "pandoc": Unreadable("one.tex", b"\\begin{document}\nText \\textbf{open\n\n\\end{itemize}\n", 4,
                         r"Pandoc could not read it as latex"),
}
"""One row per reader: what it cannot read."""

KNOWN_WRONG: dict[str, str] = {
    # reader's failure → why the line it gives is not `texts/FILE:LINE: …` (none today; an OCR'd
    # `<div>` was structure to Pandoc until native_divs was switched off for sources)
}
"""The rows of READERS whose reader fails today; each is expected to fail (strictly) until mended."""

MORE = {
    # (format, name): the source, the line it must name, what it says
    ("markdown", "YAML block never closed"):
        Unreadable("one.md", b"---\ntitle: x\n\n# A\n\nText.\n", 1, r"YAML metadata block is never closed"),
    ("markdown", "YAML block not valid"):
        Unreadable("one.md", b"---\ntitle: [x\n---\n\n# A\n\nText.\n", 2, r"YAML metadata block is not valid"),
    ("web", "note call missing"):
        Unreadable("one.txt", "Masthead\n\nA first paragraph with a call.1 And more.\n\n  1. The first.↩︎\n"
                              "  2. The second.↩︎\n".encode(), 3, r"note call 2 not found after call 1;"),
}
"""More failures of one reader, each with the line it must name."""

SHIFT_JIS = "ソビエト連邦は社会主義ではなかったと著者は書いている。労働者は工場を支配していなかった。\n".encode("shift_jis")


def one_text_project(tmp_path: Path, fmt: str, file: str, data: bytes) -> Path:
    """The project of tests/test_bad_input.py, its one text `one` replaced by `texts/FILE` in `fmt`."""
    root = project(tmp_path)
    (root / "texts" / "one.muse").unlink()
    (root / "texts" / file).write_bytes(data)
    entry = {"id": "one", "file": f"texts/{file}", "format": fmt, "title": "One", "author": "A", "date": "1999"}
    write_manifest(root, {"book": dict(BOOK), "texts": [entry]})
    return root


def refusal(tmp_path: Path, fmt: str, file: str, data: bytes) -> AnthologyError:
    """The error the work on the text ends in (the test fails if it ends otherwise)."""
    root = one_text_project(tmp_path, fmt, file, data)
    book = load_book(root / "anthology.yml")
    try:
        prepare_text_job(book, book.texts[0])
    except AnthologyError as exc:
        return exc
    except Exception as exc:  # a bug: exit code 1 and a traceback with -v
        raise AssertionError(f"{fmt} reader: {type(exc).__name__}: {exc}") from exc
    raise AssertionError(f"{fmt} reader read texts/{file} without a word")


def assert_one_line(exc: AnthologyError, file: str, line: int | None, says: str) -> None:
    message = str(exc)
    place = f"texts/{re.escape(file)}" + (f":{line}" if line else "")
    assert exc.exit_code == 2, message
    assert "\n" not in message, message
    assert re.match(place + ": ", message), message
    assert re.search(says, message), message


def cases():
    for fmt in FORMATS:
        row = READERS[fmt]
        known = KNOWN_WRONG.get(fmt)
        marks = [pytest.mark.xfail(reason=known, strict=True)] if known else []
        yield pytest.param(fmt, row, id=f"{fmt}-unreadable", marks=marks)
        yield pytest.param(fmt, Unreadable(row.file, b"", None, r"the file is empty"), id=f"{fmt}-empty")
        # The Pandoc reader's text formats are decoded as every source is; its DOCX is not a text.
        yield pytest.param(fmt, Unreadable(row.file, SHIFT_JIS, None, r"not UTF-8: the file looks like (CP932|SHIFT_JIS)"),
                           id=f"{fmt}-shift-jis")
    for (fmt, name), row in MORE.items():
        yield pytest.param(fmt, row, id=f"{fmt}-{name}")


@pytest.mark.parametrize("fmt, row", list(cases()))
def test_reader_failure_is_one_line(fmt, row, tmp_path):
    assert_one_line(refusal(tmp_path, fmt, row.file, row.data), row.file, row.line, row.says)


def test_every_reader_has_a_row():
    assert set(READERS) == set(FORMATS)


def epub(chapter_body: str) -> bytes:
    """A one-chapter EPUB whose chapter's body is `chapter_body` (XHTML)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr("META-INF/container.xml", '<?xml version="1.0"?><container version="1.0" '
                      'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile '
                      'full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>')
        book.writestr("OEBPS/content.opf", '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" '
                      'version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T</dc:title>'
                      '</metadata><manifest><item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>'
                      '</manifest><spine><itemref idref="c1"/></spine></package>')
        book.writestr("OEBPS/c1.xhtml", '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head>'
                      f'<title>T</title></head><body>{chapter_body}</body></html>')
    return out.getvalue()


def test_a_binary_source_past_a_limit_is_named_without_a_line(tmp_path):
    """An EPUB (bytes, no lines) whose text nests past the limit: the refusal names the file and the
    text. (The line was looked for in the EPUB's bytes, which refused them as binary, and that
    refusal, `texts/one.epub:1: the file looks binary`, was the message.)"""
    deep = "<blockquote>" * 100 + "<p>Deep words here.</p>" + "</blockquote>" * 100
    exc = refusal(tmp_path, "pandoc", "one.epub", epub(f"<h1>A</h1><p>Text, long enough to read.</p>{deep}"))
    assert_one_line(exc, "one.epub", None, r"^texts/one\.epub: one: block quotes and lists nested 100 deep")


# --- the real command line: exit code 2, one `error:` line, output/ as it was ----------------------

CLI = {
    # (format, the source, what the line says), each a different way to fail
    "Markdown nested past the limit (the line found in the source by its words)": (
        "markdown", Unreadable("one.md", b"# A\n\nText, long enough to read.\n\n" + b"> " * 5000 + b"deep\n", 5,
                               r"one: .*nested 5000 deep; the limit is \d+")),
    "an empty file given to a reader of bytes": ("html", Unreadable("one.html", b"", None, r"the file is empty")),
    "a text in Shift-JIS": ("markdown", Unreadable("one.md", SHIFT_JIS, None, r"not UTF-8: the file looks like")),
}


@pytest.mark.parametrize("name", CLI)
def test_command_line_refuses_in_one_line(name, tmp_path, capsys, monkeypatch):
    fmt, row = CLI[name]
    if fmt not in FORMATS:
        pytest.fail(f"no reader for {fmt}")
    root = one_text_project(tmp_path, fmt, row.file, row.data)
    place = f"texts/{re.escape(row.file)}" + (f":{row.line}" if row.line else "")
    assert_refused(root, ["--only", "epub"], f"^error: {place}: .*{row.says}", capsys, monkeypatch)

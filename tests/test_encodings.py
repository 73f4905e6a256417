"""Every encoding an editor's program may save a text in is read, or refused in one line naming the
file and the encoding found; mojibake in a UTF-8 text is repaired, each repair a logged change.

The texts are real: a paragraph of the book's own sources (curly quotes, dashes, accents), a French
and a Russian and a Japanese sentence, saved the way an editor's program would save them. What
`anthology.inputs.decode_bytes` returns is what every reader is given."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from anthology.errors import SourceError
from anthology.inputs import REASONS, decode_bytes, decode_source
from anthology.manifest import load_book
from anthology.model import Change
from anthology.pipeline import read_text, source_line
from anthology.report import rule_reasons
from conftest import ROOT
from test_bad_input import BOOK, project, write_manifest

TEXTS = sorted((ROOT / "texts").iterdir())
NAME = "texts/one.muse"


def real_paragraph() -> str:
    """The first paragraph of the book's sources with a curly apostrophe and curly quotes (the
    characters a wrong encoding garbles) that Windows-1252 and Mac Roman can hold."""
    for path in TEXTS:
        for paragraph in decode_source(path, []).split("\n\n"):
            if all(char in paragraph for char in "’“”") and len(paragraph) < 3000 and fits(paragraph, "cp1252", "mac_roman"):
                return paragraph.strip() + "\n"
    raise AssertionError("no paragraph of texts/ has curly quotes")


def fits(text: str, *encodings: str) -> bool:
    try:
        for encoding in encodings:
            text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


PARAGRAPH = real_paragraph()
FRENCH = "L’école de la rue Blanche a été fermée en 1936 ; « c’est la vie », répond-il, déçu.\n"
FRENCH_LATIN1 = "L'école de la rue Blanche a été fermée en 1936 ; « voilà », répond-il, déçu.\n"
RUSSIAN = "Советский Союз был государственным капитализмом, а не социализмом, - пишет автор.\n"
JAPANESE = "ソビエト連邦は社会主義ではなかったと著者は書いている。労働者は工場を支配していなかった。\n"


def decode(data: bytes) -> tuple[str, list[str], list[Change]]:
    warnings: list[str] = []
    changes: list[Change] = []
    return decode_bytes(data, NAME, warnings, changes), warnings, changes


# --- read: what an editor's program saves, and the one warning it gets ----------------------------

READ = {
    # name: (the file's bytes, the text it holds, the warning it gets (None: none))
    "UTF-8": (PARAGRAPH.encode(), PARAGRAPH, None),
    "UTF-8 with a byte-order mark (Notepad)": (b"\xef\xbb\xbf" + PARAGRAPH.encode(), PARAGRAPH, None),
    "plain ASCII": (b"A plain line of text.\n", "A plain line of text.\n", None),
    "UTF-16 LE with a byte-order mark (Word's 'Unicode')": (
        PARAGRAPH.encode("utf-16"), PARAGRAPH, r"^texts/one\.muse: saved as UTF-16; read as such"),
    "UTF-16 BE with a byte-order mark": (
        b"\xfe\xff" + PARAGRAPH.encode("utf-16-be"), PARAGRAPH, r"^texts/one\.muse: saved as UTF-16; read"),
    "UTF-16 LE without a byte-order mark": (
        PARAGRAPH.encode("utf-16-le"), PARAGRAPH, r"^texts/one\.muse: saved as UTF-16LE without a byte-order mark"),
    "UTF-16 BE without a byte-order mark": (
        PARAGRAPH.encode("utf-16-be"), PARAGRAPH, r"^texts/one\.muse: saved as UTF-16BE without a byte-order mark"),
    "UTF-32 with a byte-order mark": (
        PARAGRAPH.encode("utf-32"), PARAGRAPH, r"^texts/one\.muse: saved as UTF-32; read as such"),
    "UTF-32 LE without a byte-order mark": (
        PARAGRAPH.encode("utf-32-le"), PARAGRAPH, r"^texts/one\.muse: saved as UTF-32LE without a byte-order mark"),
    "UTF-32 BE without a byte-order mark": (
        PARAGRAPH.encode("utf-32-be"), PARAGRAPH, r"^texts/one\.muse: saved as UTF-32BE without a byte-order mark"),
    "Windows-1252 (curly quotes and dashes)": (
        PARAGRAPH.encode("cp1252"), PARAGRAPH, r"^texts/one\.muse: not UTF-8; decoded as Windows-1252\. Save it as UTF-8"),
    "Windows-1252, French": (FRENCH.encode("cp1252"), FRENCH, r"decoded as Windows-1252\."),
    "Latin-1 (ISO-8859-1), French": (
        FRENCH_LATIN1.encode("latin-1"), FRENCH_LATIN1,
        r"^texts/one\.muse: not UTF-8; decoded as Windows-1252, the same as Latin-1 \(ISO-8859-1\) for every byte"),
    "Mac Roman (curly quotes and dashes)": (
        PARAGRAPH.encode("mac_roman"), PARAGRAPH, r"^texts/one\.muse: not UTF-8; decoded as Mac Roman\."),
    "Mac Roman, French": (FRENCH.encode("mac_roman"), FRENCH, r"decoded as Mac Roman\."),
    "Windows line ends in UTF-16": (
        PARAGRAPH.replace("\n", "\r\n").encode("utf-16"), PARAGRAPH, r"saved as UTF-16"),
}


@pytest.mark.parametrize("name", READ)
def test_encoding_is_read(name):
    data, expected, warning = READ[name]
    text, warnings, changes = decode(data)
    assert text == expected
    assert changes == []
    if warning is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and re.search(warning, warnings[0]), warnings


# --- refused: one line naming the file and the encoding found -------------------------------------

REFUSED = {
    "Shift-JIS (Japanese)": (JAPANESE.encode("shift_jis"), r"^texts/one\.muse: not UTF-8: the file looks like (CP932|SHIFT_JIS) \(ja text\); save it as UTF-8$"),
    "EUC-JP (Japanese)": (JAPANESE.encode("euc_jp"), r"^texts/one\.muse: not UTF-8: the file looks like EUC-JP"),
    "Windows-1251 (Russian)": (RUSSIAN.encode("cp1251"), r"^texts/one\.muse: not UTF-8: the file looks like Windows-1251 \(ru text\)"),
    "KOI8-R (Russian)": (RUSSIAN.encode("koi8_r"), r"^texts/one\.muse: not UTF-8: the file looks like KOI8-R \(ru text\)"),
    "UTF-16 without a byte-order mark, Japanese (its NUL bytes tell nothing)": (
        JAPANESE.encode("utf-16-le"), r"^texts/one\.muse(:\d+)?: (not UTF-8: |the file looks binary)"),
    "UTF-8 with a line pasted in Windows-1252": (
        PARAGRAPH.encode() + "It’s pasted from Word.\n".encode("cp1252"),
        r"^texts/one\.muse:2: not UTF-8: byte 0x92 on this line \(’ in Windows-1252\), though the rest of the file is UTF-8"),
    "UTF-8 ending in stray bytes (a UTF-8 file cut short, or pasted into)": (
        "#title One\n\nBad \u00e9 bytes".encode() + b"\x81\x8d\x90",
        r"^texts/one\.muse:3: not UTF-8 \(byte 0x81 on this line\), and read as Windows-1252 or Mac Roman it is garbled"),
    "a UTF-16 byte-order mark on UTF-8": (
        b"\xff\xfe" + PARAGRAPH.encode(), r"^texts/one\.muse: the file starts with the byte-order mark of UTF-16 but is not UTF-16"),
    "a UTF-32 byte-order mark on UTF-8": (
        b"\xff\xfe\x00\x00" + PARAGRAPH.encode(), r"^texts/one\.muse: the file starts with the byte-order mark of UTF-32 but is not UTF-32"),
    # the refusals there were before, with their messages
    "empty": (b" \n\n", r"^texts/one\.muse: the file is empty; put the text in it"),
    "empty, in UTF-16": (" \n".encode("utf-16"), r"^texts/one\.muse: the file is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, r"^texts/one\.muse:3: the file looks binary"),
    "too big": (b"word " * 1_200_000, r"^texts/one\.muse: the file is \d+ KB, over the \d+ KB limit"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_encoding_is_refused(name):
    data, message = REFUSED[name]
    with pytest.raises(SourceError) as refused:
        decode(data)
    assert "\n" not in str(refused.value)
    assert re.search(message, str(refused.value)), str(refused.value)


@pytest.mark.parametrize("path", TEXTS, ids=lambda path: path.name)
def test_the_books_texts_are_read_unchanged(path):
    """Each of the five texts, as it is (UTF-8), is read with no warning and no repair: what is
    UTF-8 never reaches the detector, and ftfy finds no mojibake in it."""
    warnings: list[str] = []
    changes: list[Change] = []
    text = decode_source(path, warnings, f"texts/{path.name}", changes)
    assert warnings == [] and changes == []
    raw = path.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
    if "\f" not in raw:  # a page break becomes a blank line
        assert text == raw


@pytest.mark.parametrize("encoding, named", [("cp1252", "Windows-1252"), ("mac_roman", "Mac Roman")])
@pytest.mark.parametrize("path", TEXTS[1:4], ids=lambda path: path.name)
def test_a_whole_text_saved_in_a_western_encoding_is_read_back(path, encoding, named):
    """A whole text of the book saved as Windows-1252 or Mac Roman (what either cannot hold left
    out) reads back exactly, named in the warning."""
    original = path.read_text(encoding="utf-8").encode(encoding, "ignore").decode(encoding)
    text, warnings, changes = decode(original.encode(encoding))
    assert text == decode(original.encode())[0]  # as the same text saved as UTF-8 reads
    assert len(warnings) == 1 and f"decoded as {named}" in warnings[0], warnings


# --- mojibake: repaired and logged, nothing else touched ------------------------------------------

MOJIBAKE = {
    # the line as garbled → as repaired, and each (before, after) change logged for it
    "apostrophe (’ read as Windows-1252)": ("It\u00e2\u20ac\u2122s the workers\u00e2\u20ac\u2122 state.",
                                           "It’s the workers’ state.",
                                           [("Itâ€™s", "It’s"), ("workersâ€™", "workers’")]),
    "accented letter (é)": ("The caf\u00c3\u00a9 on the corner.", "The café on the corner.", [("cafÃ©", "café")]),
    "curly quotes (“ ”, the closing one's third byte a C1 control)": (
        "He said \u00e2\u20ac\u0153no\u00e2\u20ac\x9d twice.", "He said “no” twice.", [("â€œnoâ€\x9d", "“no”")]),
    "encoded twice (é)": ("A caf\u00c3\u0192\u00c2\u00a9 again.", "A café again.", [("cafÃƒÂ©", "café")]),
    "dash (—)": ("Lenin\u00e2\u20ac\u201dand Trotsky.", "Lenin—and Trotsky.", [("Leninâ€”and", "Lenin—and")]),
}


@pytest.mark.parametrize("name", MOJIBAKE)
def test_mojibake_is_repaired_and_logged(name):
    garbled, repaired, logged = MOJIBAKE[name]
    text, warnings, changes = decode(f"A first line, clean.\n\n{garbled}\n".encode())
    assert text == f"A first line, clean.\n\n{repaired}\n"
    assert [(change.before, change.after) for change in changes] == logged
    assert all(change.rule == "mojibake" and change.where == "line 3" for change in changes)
    assert warnings == []


def test_mojibake_in_a_text_flattened_onto_one_line():
    """The longest line of the book's sources (a text flattened onto one line), garbled in two
    places: each repair is found, in well under a second."""
    import time

    line = max((line for path in TEXTS for line in decode_source(path, []).split("\n")), key=len)
    first, last = line.index("’"), line.rindex("’")
    assert len(line) > 10_000 and first != last
    garbled = line[:first] + "\u00e2\u20ac\u2122" + line[first + 1:last] + "\u00e2\u20ac\u2122" + line[last + 1:]
    start = time.perf_counter()
    text, warnings, changes = decode(garbled.encode())
    assert time.perf_counter() - start < 1
    assert text.rstrip("\n") == line.rstrip("\n")
    assert len(changes) == 2 and all("â€™" in change.before and "’" in change.after for change in changes)


UNTOUCHED = {
    "curly and straight quotes": "“Curly” and \"straight\" and ‘single’ and 'plain'.",
    "ligatures": "The ﬁrst ﬂoor, a ligature ﬁ.",
    "full-width letters": "ＡＢＣ in full width.",
    "accents and dashes": "Naïve café résumé — and – dashes… Ærø, Œuvre, Straße.",
    "a line separator": "One\u2028two.",
    "Cyrillic and Greek": "Советский Союз and Ελλάδα.",
    "decomposed accent (not normalised)": "cafe\u0301",
    "HTML entity (a reader's business)": "Fish &amp; chips &lt;b&gt;.",
}


@pytest.mark.parametrize("name", UNTOUCHED)
def test_only_mojibake_is_repaired(name):
    line = UNTOUCHED[name]
    text, warnings, changes = decode(f"{line}\n".encode())
    assert text == f"{line}\n" and changes == [] and warnings == []


def test_a_c1_control_alone_is_removed_not_guessed():
    """ftfy would take a lone C1 control for a Windows-1252 byte read as Latin-1 (U+0085 for
    `…`); it is removed with a warning, as every control character is (anthology.inputs)."""
    text, warnings, changes = decode("One\x85two.\n".encode())
    assert text == "Onetwo.\n" and changes == []
    assert len(warnings) == 1 and "removed 1 control character (U+0085)" in warnings[0]


def test_mojibake_without_a_change_list_is_a_warning():
    """A reader of bytes that decodes without a list for the changes still repairs, and says so."""
    warnings: list[str] = []
    text = decode_bytes("Clean.\nIt\u00e2\u20ac\u2122s.\n".encode(), NAME, warnings)
    assert text == "Clean.\nIt’s.\n"
    assert warnings == ["texts/one.muse:2: repaired mojibake in 1 place (Itâ€™s. → It’s.)"]


def test_mojibake_repairs_reach_the_document_and_the_report(tmp_path):
    """Through `read_text`: the reader reads the repaired characters, and the document's changes
    begin with the repairs, each with a reason the cleaning report gives."""
    root = project(tmp_path)
    (root / "texts" / "two.md").write_bytes("# A chapter\n\nThe workers\u00e2\u20ac\u2122 state.\n".encode())
    entry = {"id": "two", "file": "texts/two.md", "format": "markdown", "title": "Two", "author": "A", "date": "1999"}
    write_manifest(root, {"book": dict(BOOK), "texts": [entry]})
    book = load_book(root / "anthology.yml")
    warnings: list[str] = []
    doc = read_text(book, book.texts[0], warnings)
    assert "workers’ state" in doc.body and "â€" not in doc.body
    assert doc.changes[0] == Change("mojibake", "workersâ€™", "workers’", "line 3")
    assert rule_reasons()["mojibake"] == REASONS["mojibake"]


# --- the line a Pandoc or limit error names, found in the source by its words ---------------------

def test_source_line_finds_a_line_whose_quotes_the_typography_curled():
    raw = 'He said so.\n\nThen he said "no" to them, twice.\n'
    given = "He said so.\n\nThen he said “no” to them, twice.\n"
    assert source_line(raw, given, 3) == 3


def test_source_line_takes_the_occurrence_nearest_its_place():
    """Words that occur twice: the occurrence at the same share of the way through the source,
    not the first."""
    raw = "".join(f"Paragraph {n} of the text.\n\n" for n in range(1, 40)) + "A repeated line.\n\n" * 2
    raw = "A repeated line.\n\n" + raw
    given = "# Heading\n\n" + raw
    assert source_line(raw, given, given.count("\n") - 1) == raw.count("\n") - 1


def test_source_line_across_the_sources_line_breaks():
    """An OCR source breaks a paragraph across lines; the Markdown made from it has one line."""
    raw = "Title\n\nThe first words of a\nparagraph broken across\nlines.\n"
    assert source_line(raw, "# Title\n\nThe first words of a paragraph broken across lines.\n", 3) == 3


def test_source_line_none():
    assert source_line("Some words.\n", "Other text entirely.\n", 1) == 0
    assert source_line("Some words.\n", "* * *\n", 1) == 0

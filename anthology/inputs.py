"""Reading a source file's bytes into text, refusing what cannot be a text.

A source pasted from the web or a scan may be in the wrong encoding, empty, binary or huge; each
gets a clear message instead of a traceback or a silently garbled book.

What a text may hold but no page can show is repaired here, once, for every reader: a form feed
(OCR and `pdftotext` mark each new page with one) becomes a blank line, the page break readers
know; other control characters (an escape sequence pasted from a terminal, a C1 control from a
page decoded twice) and the noncharacters U+FFFE and U+FFFF are removed with a warning naming the
line. None of them may reach the EPUB's XML, which is not well-formed with them. A form feed in
the middle of a line adds a line, so messages count such a line as two.
"""
from __future__ import annotations

import re
from pathlib import Path

from .errors import SourceError

MAX_SOURCE_BYTES = 5 * 1024 * 1024
"""Far above any book-length text (the largest source here is ~190 KB); bigger is a mistake."""


CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
"""What is removed: every C0 and C1 control but tab, newline, carriage return and form feed (which
are line ends and page breaks), DEL, and the two noncharacters XML forbids."""
PAGE_BREAK = re.compile(r"\n?[ \t]*\f[\f \t]*\n?")
"""A form feed with the spaces and line ends around it: one blank line."""
WIDE_UNICODE = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16",
                b"\xfe\xff": "UTF-16"}
"""Byte-order marks of the encodings an editor may save a text in by mistake (UTF-32's first)."""


def decode_source(path: Path, warnings: list[str], origin: str | None = None) -> str:
    """The text of a source file, or SourceError; `origin` is how messages name it (its path in
    the project, `texts/one.muse`; by default its name)."""
    return decode_bytes(path.read_bytes(), origin or path.name, warnings)


def decode_bytes(data: bytes, name: str, warnings: list[str]) -> str:
    """The text of a source file's bytes, or SourceError naming `name` (its path in the project);
    for a reader that takes the file's bytes and finds text in them."""
    if not data.strip():
        raise SourceError(f"{name}: the file is empty; put the text in it or remove it from the manifest")
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{name}: the file is {len(data) // 1024} KB, over the {MAX_SOURCE_BYTES // 1024} KB limit for one text")
    for mark, encoding in WIDE_UNICODE.items():
        if data.startswith(mark):
            raise SourceError(f"{name}: the file is saved as {encoding}; save it as UTF-8")
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise SourceError(f"{name}:{line}: the file looks binary (a NUL byte on this line); a text must be plain UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise SourceError(
                f"{name}: not UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r}); save it as UTF-8"
            ) from None
        warnings.append(f"{name}: not UTF-8; decoded as Windows-1252 (Latin-1). Save it as UTF-8 to silence this")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return page_breaks(without_controls(text, name, warnings))


def without_controls(text: str, name: str, warnings: list[str]) -> str:
    """`text` with every CONTROL character removed, and one warning naming the first line with one."""
    found = CONTROL.findall(text)
    if not found:
        return text
    first = CONTROL.search(text).start()
    kinds = [f"U+{ord(char):04X}" for char in dict.fromkeys(found)]
    codes = ", ".join(kinds[:5]) + (", …" if len(kinds) > 5 else "")
    count = f"{len(found)} control character{'s' if len(found) > 1 else ''}"
    warnings.append(f"{name}:{text.count(chr(10), 0, first) + 1}: removed {count} ({codes}); "
                    f"no page can show them")
    return CONTROL.sub("", text)


def page_breaks(text: str) -> str:
    """Each form feed (a new page) as a blank line; none at the start or the end."""
    if "\f" not in text:
        return text
    return PAGE_BREAK.sub("\n\n", text.strip("\f"))

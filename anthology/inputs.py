"""Reading a source file's bytes into text, refusing what cannot be a text.

A source pasted from the web or a scan may be in the wrong encoding, empty, binary or huge; each
gets a clear message instead of a traceback or a silently garbled book.
"""
from __future__ import annotations

from pathlib import Path

from .errors import SourceError

MAX_SOURCE_BYTES = 5 * 1024 * 1024
"""Far above any book-length text (the largest source here is ~190 KB); bigger is a mistake."""


def decode_source(path: Path, warnings: list[str]) -> str:
    data = path.read_bytes()
    name = path.name
    if not data.strip():
        raise SourceError(f"{name}: the file is empty; put the text in it or remove it from the manifest")
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{name}: the file is {len(data) // 1024} KB, over the {MAX_SOURCE_BYTES // 1024} KB limit for one text")
    if b"\x00" in data[:65536]:
        raise SourceError(f"{name}: the file looks binary (it holds NUL bytes); a text must be plain UTF-8")
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
    return text.replace("\r\n", "\n").replace("\r", "\n")

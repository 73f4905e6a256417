"""Reading a source file's bytes into text, refusing what cannot be a text.

A source pasted from the web or a scan may be in the wrong encoding, empty, binary or huge; each
gets a clear message instead of a traceback or a silently garbled book. What an editor's program
may save a text as is read, with a warning where it is not UTF-8 (UTF-16, UTF-32, Windows-1252,
Latin-1, Mac Roman); any other encoding is refused, naming the encoding found. Mojibake (`â€™` for
`’`: UTF-8 once read as Windows-1252) is repaired by ftfy before any reader sees the text, each
repair logged as a change the cleaning report lists.

What a text may hold but no page can show is repaired here, once, for every reader: a form feed
(OCR and `pdftotext` mark each new page with one) becomes a blank line, the page break readers
know; other control characters (an escape sequence pasted from a terminal, a C1 control from a
page decoded twice) and the noncharacters U+FFFE and U+FFFF are removed with a warning naming the
line. None of them may reach the EPUB's XML, which is not well-formed with them. A form feed in
the middle of a line adds a line, so messages count such a line as two.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from .errors import SourceError
from .model import Change

REASONS = {
    "mojibake": "characters garbled by a wrong decoding before the text came here (â€™ for ’, Ã© for é) "
                "restored to the characters meant (ftfy)",
}
"""The one-line reason of each change made while reading a file's bytes, by rule id."""

MAX_SOURCE_BYTES = 5 * 1024 * 1024
"""Far above any book-length text (the largest source here is ~190 KB); bigger is a mistake."""


CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
"""What is removed: every C0 and C1 control but tab, newline, carriage return and form feed (which
are line ends and page breaks), DEL, and the two noncharacters XML forbids."""
PAGE_BREAK = re.compile(r"\n?[ \t]*\f[\f \t]*\n?")
"""A form feed with the spaces and line ends around it: one blank line."""
BYTE_ORDER_MARKS = ((b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"), (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
                    (b"\xef\xbb\xbf", "utf-8", "UTF-8"), (b"\xff\xfe", "utf-16-le", "UTF-16"),
                    (b"\xfe\xff", "utf-16-be", "UTF-16"))
"""Byte-order marks (UTF-32's before UTF-16's, whose little-endian mark begins UTF-32's): the
codec that reads what follows each, and the encoding's name for messages."""
UNMARKED_WIDE = (("utf-32-le", 4, (2, 3), 0), ("utf-32-be", 4, (0, 1), 3), ("utf-16-le", 2, (1,), 0),
                 ("utf-16-be", 2, (0,), 1))
"""UTF-32 and UTF-16 without a mark: the codec, its unit's width, the bytes of each unit that are
NUL for every character of the Latin alphabets (for UTF-32, of every character in Unicode's first
plane), and the byte that holds a Latin letter's code, which is not."""
WESTERN = {"cp1252": "Windows-1252", "iso8859-1": "Latin-1 (ISO-8859-1)", "iso8859-15": "Latin-9 (ISO-8859-15)",
           "mac-roman": "Mac Roman"}
"""The legacy encodings a text is read in (with a warning), by Python codec, and the name a
message gives each. Latin-1 is read as Windows-1252, which differs from it only where Latin-1 has
invisible control characters (bytes 0x80-0x9F) and Windows-1252 its quotes and dashes, so a file
in either is read alike, and the warning says which it can be."""
C1_BYTES = re.compile(rb"[\x80-\x9f]")
TOKEN = re.compile(r"\S+|\s+")
"""A word (a run of non-space) or the space between two."""
C1_ONLY = [("encode", "latin-1"), ("decode", "windows-1252")]
"""ftfy's plan for a line whose only oddity is a C1 control (taken for a Windows-1252 byte)."""
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
"""A well-formed multi-byte UTF-8 character (in Windows-1252, an accented capital then a symbol)."""


def decode_source(path: Path, warnings: list[str], origin: str | None = None,
                  changes: list[Change] | None = None) -> str:
    """The text of a source file, or SourceError; `origin` is how messages name it (its path in
    the project, `texts/one.muse`; by default its name). Mojibake repairs go to `changes` (see
    `decode_bytes`)."""
    return decode_bytes(path.read_bytes(), origin or path.name, warnings, changes)


def decode_bytes(data: bytes, name: str, warnings: list[str], changes: list[Change] | None = None) -> str:
    """The text of a source file's bytes, or SourceError naming `name` (its path in the project);
    for a reader that takes the file's bytes and finds text in them.

    UTF-8 (with or without a byte-order mark) is read as it is; UTF-16 and UTF-32 (with a mark, or
    without one where the NUL bytes of a Latin-alphabet text show them) and the Western legacy
    encodings (Windows-1252, Latin-1, Mac Roman, which `chardet` tells apart) are read with a
    warning naming the encoding; anything else is refused naming the encoding found. Mojibake
    (`â€™` for `’`) is then repaired, each repair a Change (rule `mojibake`, `line N`) appended to
    `changes`, or, where no list is given, one warning."""
    if not data.strip():
        raise SourceError(f"{name}: the file is empty; put the text in it or remove it from the manifest")
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{name}: the file is {len(data) // 1024} KB, over the {MAX_SOURCE_BYTES // 1024} KB limit for one text")
    text = decoded(data, name, warnings)
    if not text.strip():
        raise SourceError(f"{name}: the file is empty; put the text in it or remove it from the manifest")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = without_mojibake(text, name, warnings, changes)
    return page_breaks(without_controls(text, name, warnings))


def decoded(data: bytes, name: str, warnings: list[str]) -> str:
    """`data` decoded by the rules of `decode_bytes` (before any repair), or SourceError."""
    for mark, codec, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                text = data[len(mark):].decode(codec)
            except UnicodeDecodeError as exc:
                raise SourceError(f"{name}: the file starts with the byte-order mark of {encoding} but is not "
                                  f"{encoding} ({exc.reason} at byte {exc.start + len(mark)}); save it as UTF-8") from None
            if encoding != "UTF-8":
                warnings.append(f"{name}: saved as {encoding}; read as such. Save it as UTF-8 to silence this")
            return text
    wide = unmarked_wide_encoding(data)
    if wide:
        warnings.append(f"{name}: saved as {wide.upper().replace('-LE', 'LE').replace('-BE', 'BE')} without a byte-order mark; read as such. "
                        f"Save it as UTF-8 to silence this")
        return data.decode(wide)
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise SourceError(f"{name}:{line}: the file looks binary (a NUL byte on this line); a text must be plain UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    high_bytes = sum(1 for byte in data if byte > 0x7F)
    utf8_bytes = sum(len(match) for match in UTF8_SEQUENCE.findall(data))
    if utf8_bytes >= 4 * (high_bytes - utf8_bytes):
        # Mostly UTF-8: a passage pasted from elsewhere, which no one encoding reads whole. (In
        # real texts in other encodings, bytes that happen to pair as UTF-8 are at most 1.2 times
        # as many as those that do not: EUC-JP's; Windows-1252's, 0.15 times.)
        line = data.count(b"\n", 0, bad) + 1
        as_windows = data[bad:bad + 1].decode("cp1252", "replace")
        raise SourceError(f"{name}:{line}: not UTF-8: byte 0x{data[bad]:02X} on this line ({as_windows} in "
                          f"Windows-1252), though the rest of the file is UTF-8; retype the line or save the "
                          f"file as UTF-8")
    return legacy_decoded(data, name, warnings, bad)


def unmarked_wide_encoding(data: bytes) -> str | None:
    """The codec of UTF-32 or UTF-16 saved without a byte-order mark, told by its NUL bytes: those
    of a Latin-alphabet text fall at the same places in (nearly) every character, and not where
    the letter is; None where the bytes do not show it, or do not decode."""
    for codec, width, nul_at, letter_at in UNMARKED_WIDE:
        units = len(data) // width
        if not units or len(data) % width:
            continue
        nuls = sum(data[at::width].count(0) for at in nul_at)
        if nuls >= 0.9 * units * len(nul_at) and data[letter_at::width].count(0) <= 0.01 * units:
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                continue
            return codec
    return None


def legacy_decoded(data: bytes, name: str, warnings: list[str], first_bad: int) -> str:
    """`data`, which is not UTF-8, decoded in the Western legacy encoding `chardet` finds, with a
    warning naming it; SourceError naming the encoding found where it is any other (`first_bad` is
    the first byte that is not UTF-8).

    chardet (restricted to the encodings of the web and the Mac's, so that no DOS code page is
    guessed for a short text) tells Windows-1252 from Mac Roman well on a paragraph; on a line or
    two it may name either. What settles it is how each reads: Mac Roman's quotes and dashes read
    as Windows-1252 are capitals inside a word (`donÕt`), Windows-1252's accented letters read as
    Mac Roman are capitals and symbols (`cafÈ`), so the reading with fewer of those and of what ftfy
    takes for mojibake wins, and a tie goes to chardet's choice. A reading ftfy still takes for
    mojibake is refused: no real text in these encodings measured here reads so."""
    import chardet
    from chardet.enums import EncodingEra
    from ftfy.badness import badness

    found = chardet.detect(data, encoding_era=EncodingEra.MODERN_WEB | EncodingEra.LEGACY_MAC)
    try:
        codec = codecs.lookup(found["encoding"]).name if found["encoding"] else None
    except LookupError:
        codec = None
    if codec not in WESTERN:
        language = f" ({found['language']} text)" if found.get("language") else ""
        named = f"looks like {found['encoding']}{language}" if found["encoding"] else "is in no encoding that could be told"
        raise SourceError(f"{name}: not UTF-8: the file {named}; save it as UTF-8")
    readings = {}
    # Latin-1 read as Windows-1252: the same but for its invisible controls, which are that one's quotes.
    codec = "cp1252" if codec == "iso8859-1" else codec
    for candidate in dict.fromkeys([codec, "cp1252", "mac-roman"]):
        try:
            readings[candidate] = data.decode(candidate)
        except UnicodeDecodeError:
            continue
    if not readings:
        raise SourceError(f"{name}: not UTF-8: the file looks like {found['encoding']}, but does not decode in it; "
                          f"save it as UTF-8")
    scores = {candidate: implausible_letters(text) + badness(text) for candidate, text in readings.items()}
    best = min(readings, key=lambda candidate: (scores[candidate], candidate != codec))
    if badness(readings[best]):
        # What reads as mojibake in every Western encoding is no text in one: most often UTF-8
        # with bytes from elsewhere, which no single encoding reads whole.
        line = data.count(b"\n", 0, first_bad) + 1
        raise SourceError(f"{name}:{line}: not UTF-8 (byte 0x{data[first_bad]:02X} on this line), and read as "
                          f"Windows-1252 or Mac Roman it is garbled (part of it may be UTF-8); save it as UTF-8")
    encoding = WESTERN[best]
    if best == "cp1252" and not C1_BYTES.search(data):
        encoding += ", the same as Latin-1 (ISO-8859-1) for every byte in it"
    warnings.append(f"{name}: not UTF-8; decoded as {encoding}. Save it as UTF-8 to silence this")
    return readings[best]


def implausible_letters(text: str) -> int:
    """How many non-ASCII characters of `text` no word would hold there: a capital right after a
    small letter, or a symbol (`ˆ`, `‡`, `¨`) between two letters."""
    count = 0
    for at, char in enumerate(text[1:-1], start=1):
        if char.isascii():
            continue
        before, after = text[at - 1], text[at + 1]
        if char.isupper() and before.islower():
            count += 1
        elif unicodedata.category(char).startswith("S") and before.isalpha() and after.isalpha():
            count += 1
    return count


def without_mojibake(text: str, name: str, warnings: list[str], changes: list[Change] | None) -> str:
    """`text` with its mojibake repaired by ftfy, line by line (ftfy's own unit): each repaired
    word a Change in `changes`, or, where `changes` is None, one warning naming the first line."""
    if text.isascii():
        return text
    import ftfy

    # Only the fixes that undo a wrong decoding: nothing that would change a text's own quotes,
    # ligatures, widths, line breaks, controls or normal form, which are the readers' and the
    # typography's to decide (and log).
    config = ftfy.TextFixerConfig(
        unescape_html=False, remove_terminal_escapes=False, fix_encoding=True, restore_byte_a0=True,
        replace_lossy_sequences=False, decode_inconsistent_utf8=True, fix_c1_controls=False,
        fix_latin_ligatures=False, fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
        fix_surrogates=False, remove_control_chars=False, normalization=None, explain=True)
    lines = text.split("\n")
    repairs: list[Change] = []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        fixed, steps = ftfy.fix_and_explain(line, config)
        # A C1 control alone (`One\x85two`) ftfy reads as Windows-1252 taken for Latin-1 (`…`):
        # a guess at one character, where the control is removed, with a warning, as any other.
        if fixed != line and [tuple(step) for step in steps] != C1_ONLY:
            lines[number - 1] = fixed
            repairs += [Change("mojibake", before, after, f"line {number}") for before, after in changed_words(line, fixed)]
    if not repairs:
        return text
    if changes is not None:
        changes.extend(repairs)
    else:
        first = repairs[0]
        warnings.append(f"{name}:{first.where.removeprefix('line ')}: repaired mojibake in {len(repairs)} "
                        f"place{'s' if len(repairs) > 1 else ''} ({first.before} → {first.after}"
                        f"{', …' if len(repairs) > 1 else ''})")
    return "\n".join(lines)


def changed_words(before: str, after: str) -> list[tuple[str, str]]:
    """The words of `before` that differ in `after` (a repair of it), each run of them with what it
    became. Compared word by word, and pair by pair where the repair kept the number of words and
    spaces (it nearly always does): a line may be a whole paragraph (in a flattened file, the whole
    text), which a general diff takes seconds over."""
    old, new = TOKEN.findall(before), TOKEN.findall(after)
    if len(old) == len(new):
        return [(word, repaired) for word, repaired in zip(old, new) if word != repaired and word.strip()]
    from difflib import SequenceMatcher

    found = []
    for tag, start, end, new_start, new_end in SequenceMatcher(None, old, new).get_opcodes():
        words, repaired = "".join(old[start:end]).strip(), "".join(new[new_start:new_end]).strip()
        if tag != "equal" and (words or repaired):  # a space that went with a repaired word is not one
            found.append((words, repaired))
    return found


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

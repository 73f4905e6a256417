"""Credits: who translated a text and from what, when its copy was taken, and dates written out
as the book's language writes them.

The opener, the print colophon and the EPUB's title page and colophon all say these things; the
wording is made here once, so that the three cannot drift apart. The values come from the
manifest (`translator`, `translated_from`, `source_name`, `source_url`, `accessed`, the book's
`date`); nothing here knows which text it is crediting.
"""
from __future__ import annotations

import datetime
import re

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from markupsafe import Markup

ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _locale(language: str) -> Locale:
    """The Babel locale of a BCP 47 tag (`en-GB`); British English where Babel has no data, as
    the house style is."""
    try:
        return Locale.parse(language.replace("-", "_")) if language else Locale("en", "GB")
    except (ValueError, UnknownLocaleError):
        return Locale("en", "GB")


def long_date(value, language: str = "en-GB") -> str:
    """A manifest date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) written out in `language`:
    `2026-11-21` is "21 November 2026" in en-GB, "November 21, 2026" in en-US; a year stays a
    year. A date already written out ("9 January 1997") is returned as it is."""
    text = str(value).strip()
    found = ISO_DATE.match(text)
    if not found:
        return text
    year, month, day = found.groups()
    locale = _locale(language)
    if day:
        return format_date(datetime.date(int(year), int(month), int(day)), "long", locale=locale)
    if month:
        return format_skeleton("yMMMM", datetime.date(int(year), int(month), 1), locale=locale)
    return year


def translation_credit(translator: str = "", translated_from: str = "") -> str:
    """The line that credits a translation: "Translated from the Russian by Max Eastman";
    "Translated from the Italian" when the source names no translator (none is invented);
    "Translated by …" when the language is not given; empty for a text in its own language."""
    if not (translator or translated_from):
        return ""
    line = "Translated"
    if translated_from:
        line += f" from the {translated_from}"
    if translator:
        line += f" by {translator}"
    return line


def sentence(text: str) -> str:
    """`text` closed with a full stop, unless it already ends as a sentence does ("Going?"). Markup
    (a title in `<i>`) stays markup, judged by its words."""
    text = text.rstrip()
    words = text.striptags() if isinstance(text, Markup) else text
    return text if not words or words[-1] in ".?!…" else text + "."


def credit_fields(entry, language: str = "en-GB") -> dict[str, str]:
    """The credits of one text (a manifest entry) as the templates show them: `translation` (the
    translation credit) and `accessed` (when its copy was taken, written out in `language`)."""
    return {
        "translation": translation_credit(entry.translator, entry.translated_from),
        "accessed": long_date(entry.accessed, language) if entry.accessed else "",
    }


def book_credits(book) -> dict[str, dict[str, str]]:
    """Each text's `credit_fields` by id, dates written out in the book's language (the
    colophon's language, whatever the text's)."""
    return {entry.id: credit_fields(entry, book.language) for entry in book.texts}

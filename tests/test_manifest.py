"""A wrong manifest names the file, the line and the field, and lists every problem at once."""
from __future__ import annotations

import re
import textwrap

import pytest

from anthology.errors import ManifestError
from anthology.manifest import load_book

GOOD_BOOK = """\
book:
  title: T
  editor: E
  language: en-GB
  date: "2026-01-01"
  identifier: urn:uuid:00000000-0000-0000-0000-000000000000
  rights: R
texts:
  - id: one
    file: texts/one.muse
    format: muse
    title: One
    author: A
    date: "1999"
"""


def write(tmp_path, manifest: str):
    (tmp_path / "texts").mkdir(exist_ok=True)
    (tmp_path / "texts" / "one.muse").write_text("#title One\n\nText.\n", encoding="utf-8")
    path = tmp_path / "anthology.yml"
    path.write_text(textwrap.dedent(manifest), encoding="utf-8")
    return path


def problems(tmp_path, manifest: str) -> list[str]:
    with pytest.raises(ManifestError) as info:
        load_book(write(tmp_path, manifest))
    return info.value.problems


def test_good_manifest_loads(tmp_path):
    book = load_book(write(tmp_path, GOOD_BOOK))
    assert [t.id for t in book.texts] == ["one"]


@pytest.mark.parametrize("change, line, field, words", [
    (("format: muse", "format: docx"), 11, "texts[0].format", "not one of"),
    (("    date: \"1999\"\n", ""), 9, "texts[0].date", "missing, and texts/one.muse does not give one"),
    (("    author: A\n", "    author: A\n    colour: red\n"), 14, "texts[0].colour", "unknown field"),
    (("file: texts/one.muse", "file: texts/missing.muse"), 10, "texts[0].file", "does not exist"),
    (("file: texts/one.muse", "file: ../outside.muse"), 10, "texts[0].file", "leaves the project"),
    (("file: texts/one.muse", "file: /etc/passwd"), 10, "texts[0].file", "absolute path"),
    (("language: en-GB", "language: English"), 4, "book.language", "BCP 47"),
    (("title: One", "title: [One]"), 12, "texts[0].title", "should be of type string"),
    (("identifier: urn:uuid:", "identifier: book-"), 6, "book.identifier", "urn:uuid"),
    (("id: one", "id: One Two"), 9, "texts[0].id", "lower-case"),
])
def test_bad_manifest_names_line_and_field(tmp_path, change, line, field, words):
    found = problems(tmp_path, GOOD_BOOK.replace(*change))
    assert len(found) == 1, found
    assert re.match(rf"anthology\.yml:{line}: {re.escape(field)}", found[0]), found[0]
    assert words in found[0]


def test_all_problems_are_reported_at_once(tmp_path):
    manifest = GOOD_BOOK.replace("format: muse", "format: docx").replace("language: en-GB", "language: English")
    assert len(problems(tmp_path, manifest)) == 2


def test_duplicate_ids(tmp_path):
    second = GOOD_BOOK.split("texts:\n")[1]
    found = problems(tmp_path, GOOD_BOOK + second)
    assert any("duplicate id 'one'" in p and p.startswith("anthology.yml:15:") for p in found), found


def test_yaml_syntax_error_names_the_line(tmp_path):
    found = problems(tmp_path, GOOD_BOOK.replace("  title: T\n", "  title: [T\n"))
    assert found[0].startswith("anthology.yml:") and "not valid YAML" in found[0]

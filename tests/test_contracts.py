"""Readers and passes declare what they take (their `CONTRACT`), and the manifest checks every text
against it: a misspelt option, editorial key or cleaning setting stops the build with the file, the
line, the key and the nearest known key, exit code 2, and output/ untouched. docs/manifest.md's
tables are generated from the same declarations, and the cache hashes exactly the files they
declare."""
from __future__ import annotations

import hashlib
import importlib.util
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from anthology import cache
from anthology.cli import main
from anthology.contracts import Contract, EditorialKey, Option, validate
from anthology.errors import ManifestError
from anthology.manifest import load_book
from anthology.passes import PASSES
from anthology.passes import contract as pass_contract
from anthology.sources import FORMATS, MODULES
from anthology.sources import contract as reader_contract
from conftest import ONE_TEXT_BOOK

ROOT = Path(__file__).resolve().parent.parent

BOOK = ONE_TEXT_BOOK
"""A book of one text, `texts/one.txt`, in the format `{fmt}`."""
TEXTS = {"muse": "#title One\n\nText.\n", "markdown": "Text.\n", "web": "Text.\n", "ocr": "Text.\n"}


def project(root: Path, fmt: str, extra: str = "", editorial: str | None = None) -> Path:
    """A one-text project: `extra` is added to the text's entry (indented as the entry's fields),
    `editorial` is written to editorial/one.yml and named by the entry."""
    (root / "texts").mkdir(exist_ok=True)
    (root / "editorial").mkdir(exist_ok=True)
    (root / "texts" / "one.txt").write_text(TEXTS[fmt], encoding="utf-8")
    (root / "editorial" / "words.txt").write_text("tzar\n", encoding="utf-8")
    (root / "editorial" / "corrections.yml").write_text("corrections: []\n", encoding="utf-8")
    manifest = BOOK.format(fmt=fmt) + textwrap.indent(textwrap.dedent(extra), "    ")
    if editorial is not None:
        (root / "editorial" / "one.yml").write_text(textwrap.dedent(editorial), encoding="utf-8")
        manifest += "    editorial: editorial/one.yml\n"
    (root / "anthology.yml").write_text(manifest, encoding="utf-8")
    return root / "anthology.yml"


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of `path` on which `needle` stands (exactly one)."""
    numbers = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(numbers) == 1, (needle, numbers)
    return numbers[0]


# (reader, manifest lines for the text, editorial file or None, the file the problem is in, the
#  misspelt key as it stands in that file, the problem's expected text after `FILE:LINE: `)
MISSPELT = {
    "muse option": (
        "muse", "options:\n  top_heading_star: 2\n", None, "anthology.yml", "top_heading_star:",
        "texts[0].options.top_heading_star: unknown option; did you mean top_heading_stars?"),
    "muse editorial key": (
        "muse", "", "# the body starts here\nbody_start: Text\n", "editorial/one.yml", "body_start:",
        "body_start: unknown editorial key for the muse reader; did you mean body_starts?"),
    "markdown option": (
        "markdown", 'options:\n  heading_numbr_style: "."\n', None, "anthology.yml", "heading_numbr_style",
        "texts[0].options.heading_numbr_style: unknown option; did you mean heading_number_style?"),
    "markdown editorial key": (
        "markdown", "", "byline: A\nfurnitur:\n  - Text.\n", "editorial/one.yml", "furnitur:",
        "furnitur: unknown editorial key for the markdown reader; did you mean furniture?"),
    "markdown nested editorial key": (
        "markdown", "", "headings:\n  - heading: '## A'\n    levl: 3\n    level: 3\n", "editorial/one.yml", "levl:",
        "headings[0].levl: unknown key in headings; did you mean level?"),
    "web option": (
        "web", "options:\n  max_heading_word: 8\n", None, "anthology.yml", "max_heading_word",
        "texts[0].options.max_heading_word: unknown option; did you mean max_heading_words?"),
    "web editorial key": (
        "web", "", "drop_line:\n  - Text.\n", "editorial/one.yml", "drop_line:",
        "drop_line: unknown editorial key for the web reader; did you mean drop_lines?"),
    "web nested editorial key": (
        "web", "", "masthead:\n  publicaton: Text.\n", "editorial/one.yml", "publicaton:",
        "masthead.publicaton: unknown key in masthead; did you mean publication?"),
    "ocr option": (
        "ocr", "options:\n  line_widht: 70\n", None, "anthology.yml", "line_widht",
        "texts[0].options.line_widht: unknown option; did you mean line_width?"),
    "ocr editorial key": (
        "ocr", "", "translator_note:\n  - bracket: '[x]'\n", "editorial/one.yml", "translator_note:",
        "translator_note: unknown editorial key for the ocr reader; did you mean translator_notes?"),
    "ocr nested editorial key": (
        "ocr", "", "furniture:\n  running_heads: 'Page \\d+'\n", "editorial/one.yml", "running_heads:",
        "furniture.running_heads: unknown key in furniture; did you mean running_head?"),
    "ocr_repair setting": (
        "ocr", "cleaning:\n  ocr_repair:\n    protected_word: editorial/words.txt\n", None, "anthology.yml",
        "protected_word:",
        "texts[0].cleaning.ocr_repair.protected_word: unknown setting of the ocr_repair pass; "
        "did you mean protected_words?"),
    "cleaning pass name": (
        "ocr", "cleaning:\n  ocr_repiar:\n    protected_words: editorial/words.txt\n", None, "anthology.yml",
        "ocr_repiar:", "texts[0].cleaning.ocr_repiar: unknown cleaning pass; did you mean ocr_repair?"),
}


@pytest.mark.parametrize("case", MISSPELT)
def test_a_misspelt_key_stops_the_build(case, tmp_path, capsys):
    """Through the CLI: exit 2, one `error: FILE:LINE: key: … did you mean …?` line, output/ as it was."""
    fmt, extra, editorial, where, needle, message = MISSPELT[case]
    manifest = project(tmp_path, fmt, extra, editorial)
    out = tmp_path / "output"
    out.mkdir()
    (out / "book.epub").write_bytes(b"yesterday's good book")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()}

    code = main(["--manifest", str(manifest), "--only", "epub", "-q"])

    err = capsys.readouterr().err
    line = line_of(tmp_path / where, needle)
    assert code == 2, err
    assert [e for e in err.splitlines() if e.strip()] == [f"error: {where}:{line}: {message}"]
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()} == before
    assert not (tmp_path / ".cache").exists()


def test_build_py_reports_a_misspelt_option(tmp_path):
    """The real command: `python build.py --manifest …` exits 2 with the file, line, key and suggestion."""
    manifest = project(tmp_path, "markdown", 'options:\n  heading_numbr_style: "."\n')
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "--manifest", str(manifest), "--only", "epub"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 2, run.stderr
    line = line_of(manifest, "heading_numbr_style")
    assert (f"error: anthology.yml:{line}: texts[0].options.heading_numbr_style: unknown option; "
            f"did you mean heading_number_style?") in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "output").exists()


def problems(manifest: Path) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_book(manifest)
    return caught.value.problems


def test_every_problem_is_reported_at_once(tmp_path):
    manifest = project(tmp_path, "ocr", "options:\n  line_widht: 70\ncleaning:\n  ocr_repair:\n    corection: x\n",
                       "endng: {}\n")
    found = problems(manifest)
    assert len(found) == 3, found
    assert {p.split(": ")[1] for p in found} == {"texts[0].options.line_widht", "texts[0].cleaning.ocr_repair.corection",
                                                 "endng"}


def test_correct_options_are_accepted(tmp_path):
    manifest = project(tmp_path, "markdown", 'options:\n  heading_number_style: "."\n  bold_quotes: false\n',
                       "headings:\n  - heading: '## A'\n    level: 3\n    reason: why\n")
    (entry,) = load_book(manifest).texts
    assert entry.options == {"heading_number_style": ".", "bold_quotes": False}
    assert entry.editorial["headings"][0]["level"] == 3


@pytest.mark.parametrize("fmt, extra, editorial, key, words", [
    ("markdown", "options:\n  bold_quotes: sometimes\n", None, "texts[0].options.bold_quotes",
     'should be true or false, not "sometimes"'),
    ("markdown", 'options:\n  heading_number_style: "-"\n', None, "texts[0].options.heading_number_style",
     'should be one of ".", ":", ")", not "-"'),
    ("muse", "options:\n  keep_upper: USSR\n", None, "texts[0].options.keep_upper",
     'should be a list of strings, not "USSR"'),
    ("web", "options:\n  max_heading_words: twelve\n", None, "texts[0].options.max_heading_words",
     'should be a whole number, not "twelve"'),
    ("ocr", "cleaning:\n  ocr_repair:\n    illegible_mark: 3\n", None, "texts[0].cleaning.ocr_repair.illegible_mark",
     "should be a string, not 3"),
    ("ocr", "", "part_headings:\n  POSTSCRIPT: three\n", "part_headings.POSTSCRIPT", 'should be a whole number'),
    ("ocr", "", "translator_notes:\n  - text: a note\n", "translator_notes[0]", "needs bracket"),
    ("muse", "", "headings: A title\n", "headings", 'should be a list of strings, not "A title"'),
])
def test_a_value_of_the_wrong_type_is_reported(tmp_path, fmt, extra, editorial, key, words):
    (found,) = problems(project(tmp_path, fmt, extra, editorial))
    assert re.match(rf"(anthology\.yml|editorial/one\.yml):\d+: {re.escape(key)}: ", found), found
    assert words in found


def test_a_declared_file_must_exist_inside_the_project(tmp_path):
    manifest = project(tmp_path, "ocr", "cleaning:\n  ocr_repair:\n    corrections: ../corrections.yml\n")
    (found,) = problems(manifest)
    line = line_of(manifest, "corrections:")
    assert found.startswith(f"anthology.yml:{line}: texts[0].cleaning.ocr_repair.corrections: ")
    assert "leaves the project" in found


def test_the_cache_hashes_exactly_the_declared_files(tmp_path):
    """`TextEntry.files` is the editorial file and the values declared files; a string that
    happens to name a file (here the illegible mark) is not one of them."""
    manifest = project(tmp_path, "ocr", "cleaning:\n  ocr_repair:\n    protected_words: editorial/words.txt\n"
                                        "    corrections: editorial/corrections.yml\n"
                                        "    illegible_mark: editorial/notes.txt\n", editorial="{}\n")
    (tmp_path / "editorial" / "notes.txt").write_text("not read\n", encoding="utf-8")
    book = load_book(manifest)
    (entry,) = book.texts
    assert entry.files == tuple(tmp_path / "editorial" / name for name in ("one.yml", "words.txt", "corrections.yml"))
    key = cache.text_key(book, entry)
    (tmp_path / "editorial" / "notes.txt").write_text("changed, still not read\n", encoding="utf-8")
    assert cache.text_key(book, entry) == key
    (tmp_path / "editorial" / "words.txt").write_text("tzar\nkulak\n", encoding="utf-8")
    assert cache.text_key(book, entry) != key


def test_the_real_book_keeps_to_the_contracts():
    book = load_book(ROOT / "anthology.yml")
    assert {t.format for t in book.texts} <= set(FORMATS)  # html and pandoc: tests/test_reader_html.py, _pandoc.py
    ocr = next(t for t in book.texts if t.cleaning)
    assert {p.name for p in ocr.files} >= {"protected-words.txt", "revolution-betrayed.corrections.yml"}


def test_validate_alone():
    fields = (Option("colour", "string", "red", "a colour", choices=("red", "blue")),
              EditorialKey("sizes", "list of mappings", "sizes", keys=(EditorialKey("cm", "integer", "", required=True),)))
    locate = lambda keys: f"f.yml:{len(keys)}"  # noqa: E731
    assert validate({"colour": "blue", "sizes": [{"cm": 3}]}, fields, noun="key", locate=locate) == []
    assert validate({"colur": "red"}, fields, noun="key", locate=locate) == [
        "f.yml:1: colur: unknown key; did you mean colour?"]
    assert validate({"zzz": 1}, fields, noun="key", locate=locate) == ["f.yml:1: zzz: unknown key; known: colour, sizes"]
    assert validate({"sizes": [{}]}, fields, noun="key", locate=locate, prefix="p") == [
        "f.yml:2: p.sizes[0]: needs cm"]


# --- the declarations cover what the code reads ---------------------------------------------------

READ = r"""(?:{names})\)?\s*(?:or\s*\{{\}}\)?\s*)?(?:\.get\(\s*|\[)["'](\w+)["']"""
"""`options.get("x"`, `(options or {}).get("x"`, `options["x"]` … for the variable names given."""
NESTED = {
    "web": {"masthead": "masthead"},
    "ocr": {"furniture": "furniture", "ending": "ending", "entry": "translator_notes"},
    "markdown": {"entry": "headings"},
}


def read_keys(source: str, *names: str) -> set[str]:
    return set(re.findall(READ.format(names="|".join(names)), source))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_key_a_reader_reads_is_declared(fmt):
    source = (ROOT / "anthology" / "sources" / f"{MODULES[fmt]}.py").read_text(encoding="utf-8")
    contract = reader_contract(fmt)
    assert read_keys(source, "options") <= {o.name for o in contract.options}
    assert read_keys(source, "editorial") <= contract.editorial_names
    for variable, key in NESTED.get(fmt, {}).items():
        assert read_keys(source, variable) <= {k.name for k in contract.editorial_key(key).keys}, (fmt, variable)


@pytest.mark.parametrize("name", PASSES)
def test_every_setting_a_pass_reads_is_declared(name):
    source = Path(importlib.import_module(PASSES[name]).__file__).read_text(encoding="utf-8")
    assert read_keys(source, "config") == {o.name for o in pass_contract(name).options}


def test_contracts_are_declared_once_per_reader_and_pass():
    for contract in [reader_contract(fmt) for fmt in FORMATS] + [pass_contract(name) for name in PASSES]:
        assert isinstance(contract, Contract)
        names = [o.name for o in contract.options] + [k.name for k in contract.editorial]
        assert len(names) == len(set(names))
        assert all(o.meaning for o in contract.options) and all(k.meaning for k in contract.editorial)


# --- the docs ------------------------------------------------------------------------------------

def test_docs_manifest_md_is_generated_from_the_contracts():
    spec = importlib.util.spec_from_file_location("manifest_docs", ROOT / "scripts" / "manifest_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (ROOT / "docs" / "manifest.md").read_text(encoding="utf-8")
    assert module.generate(text) == text, "docs/manifest.md is out of date: run python scripts/manifest_docs.py"
    for fmt in FORMATS:
        for option in reader_contract(fmt).options:
            assert f"| `{option.name}` |" in text

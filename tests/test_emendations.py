"""Emendations: the editor's corrections of errors the sources themselves print (anthology/passes/
emendations.py), each with a reason, listed in the cleaning report, counted in the preface, and
marked in the text where the editor chooses."""
from __future__ import annotations

import json

import pytest
import yaml

from anthology.apparatus.preface import in_words
from anthology.errors import EditorialError
from anthology.model import Document
from anthology.passes import emendations
from anthology.passes.corrections import Correction

ROOT_EDITORIAL = ("editorial/revolution-betrayed.emendations.yml", "editorial/genesis-part-2.emendations.yml")

TROTSKY = "Socialism is a structure of planned to the end of the best satisfaction of human needs; otherwise"
CONRAD = ("It is in relationship to this complex of possibilities, or impossibilities, that the major "
          "political tends which emerged in the 1920s Soviet Union positioned themselves.")


def entry(wrong, right, note="a reason", context="", count=1, mark=None):
    return Correction(wrong, right, context, count, note, mark)


def run(body, entries, mark=False):
    log = []
    out = emendations.emend(body, entries, mark=mark, log=lambda *change: log.append(change), origin="e.yml")
    return out, log


def test_an_emendation_replaces_the_words_and_logs_its_note():
    out, log = run(CONRAD, [entry("the major political tends", "the major political trends", "a typing slip")])
    assert "the major political trends which emerged" in out and "tends" not in out
    assert log == [("emendation", "the major political tends", "the major political trends",
                    "paragraph 1: a typing slip")]


def test_a_marked_emendation_brackets_only_the_words_the_editor_supplied():
    out, _ = run(TROTSKY, [entry("a structure of planned to the end", "a structure of planned production to the end",
                                 mark=True)])
    assert "a structure of planned [\\[production\\]]{.emendation} to the end of" in out


def test_a_replaced_word_is_bracketed_whole_and_the_pass_setting_marks_entries_that_do_not_say():
    body = "Third comes economic schematization, in the spirit of the old-German Hatheder-Sozializmus."
    out, _ = run(body, [entry("Hatheder-Sozializmus", "Katheder-Sozialismus")], mark=True)
    assert out.endswith("old-German [\\[Katheder-Sozialismus\\]]{.emendation}.")
    unmarked, _ = run(body, [entry("Hatheder-Sozializmus", "Katheder-Sozialismus", mark=False)], mark=True)
    assert unmarked.endswith("old-German Katheder-Sozialismus.")


def test_an_entry_that_no_longer_matches_its_text_stops_the_build_naming_it():
    with pytest.raises(EditorialError, match=r"e\.yml: correction 1 'political tendencies'.*matches 0 time"):
        run(CONRAD, [entry("political tendencies", "political trends")])


def test_an_emendation_without_the_editors_note_is_refused(tmp_path):
    path = tmp_path / "e.yml"
    path.write_text("emendations:\n  - {wrong: tends, right: trends}\n", encoding="utf-8")
    with pytest.raises(EditorialError, match=r"e\.yml: entry 1 \('tends'\) needs a 'note'"):
        emendations.apply(Document(body=CONRAD), config={"file": "e.yml"}, project_dir=tmp_path, origin="t")


def test_unknown_keys_and_a_mark_that_is_not_true_or_false_are_refused(tmp_path):
    path = tmp_path / "e.yml"
    for bad, message in (("{wrong: tends, right: trends, note: n, marked: true}", "unknown keys"),
                         ("{wrong: tends, right: trends, note: n, mark: 'yes please'}", "mark must be true or false")):
        path.write_text(f"emendations:\n  - {bad}\n", encoding="utf-8")
        with pytest.raises(EditorialError, match=message):
            emendations.apply(Document(body=CONRAD), config={"file": "e.yml"}, project_dir=tmp_path, origin="t")


def test_the_books_emendation_files_hold_real_entries_with_reasons():
    from conftest import ROOT

    for name in ROOT_EDITORIAL:
        entries = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))["emendations"]
        assert entries and all(e["note"].strip() and e["wrong"] != e["right"] for e in entries)


# --- on the built book ---------------------------------------------------------------------------

def test_the_built_book_carries_the_emendations_and_not_the_errors(built, epub):
    text = epub.all_text()
    for error in ("Hatheder", "Sozializmus", "planned to the end", "political tends"):
        assert error not in text
    assert "Katheder-Sozialismus" in text and "political trends" in text
    assert "planned [production] to the end" in " ".join(text.split())


def test_the_cleaning_report_lists_each_emendation_with_its_reason_and_the_preface_counts_them(built, epub):
    report = json.loads((built.outputs["epub"].parent / "cleaning-report.json").read_text(encoding="utf-8"))
    listed = [c for t in report["texts"] for c in t["changes"] if c["rule"] == "emendation"]
    files = [yaml.safe_load((built.book.root / name).read_text(encoding="utf-8"))["emendations"]
             for name in ROOT_EDITORIAL]
    expected = [e for entries in files for e in entries]
    assert len(listed) == len(expected)
    notes = {" ".join(e["note"].split()) for e in expected}
    assert {c["where"].split(": ", 1)[1] for c in listed} == notes
    preface = " ".join(epub.body_text("preface").split())
    assert f"{in_words(len(expected))} emendations in all" in preface


def test_a_marked_emendation_counts_as_its_words_only():
    from anthology.prose import count_words

    out, _ = run(TROTSKY, [entry("a structure of planned to the end", "a structure of planned production to the end",
                                 mark=True)])
    assert count_words(out) == count_words(TROTSKY) + 1  # "production", not the span's class

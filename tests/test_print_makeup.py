"""The print edition's make-up: restrained hyphenation (names whole, at most two hyphenated lines in
a row), words that text extraction reads whole, contents leaders that end evenly.

The unit tests lay out small documents with the real WeasyPrint and the project's limits
(render/weasy_hyphenation.py); the book tests take statistical figures from the built PDF with
scripts/measure_makeup.py, never where a particular line or page breaks."""
from __future__ import annotations

import re
import sys

import pytest

from anthology.render import weasy, weasy_hyphenation
from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import measure_makeup  # noqa: E402

WIDTHS = range(150, 290, 6)
"""Column widths in px: narrow (a few words a line, none wider than a line) and varied, so that
the words fall at line ends somewhere."""


def column_text(tmp_path, paragraph: str, widths=WIDTHS) -> list[str]:
    """The lines pdftotext reads from `paragraph` set ragged right (justified, pdftotext may read a
    line with wide spaces as two columns) and hyphenated in columns of each
    width, in one real WeasyPrint layout; an empty string between two columns."""
    blocks = "".join(f'<p style="width:{w}px">{paragraph}</p>' for w in widths)
    html = (f'<html lang="en-GB"><head><style>@page {{ size: A4; margin: 1cm }} '
            f'p {{ hyphens: auto; margin: 0 0 1em; font-size: 12pt }}</style></head>'
            f'<body>{blocks}</body></html>')
    target = tmp_path / "columns.pdf"
    weasy.render(ROOT, html).write_pdf(target)
    lines: list[str] = []
    for page in measure_makeup.page_texts(target):
        lines += [line.strip() for line in page.split("\n")]
    return lines


def longest_run(lines: list[str]) -> int:
    longest = run = 0
    for line in lines:
        run = run + 1 if measure_makeup.ends_hyphenated(line) else 0
        longest = max(longest, run)
    return longest


# ------------------------------------------------------------------ which words are names

def test_a_word_capitalised_inside_a_sentence_is_a_name():
    # Conrad, Genesis of Bureaucratic Socialism, Part I ¶12
    names = weasy_hyphenation.proper_names(
        "<p>“Our banking on the world revolution, if you can call it that, has on the whole been "
        "fully justified,” wrote Lenin; but in Dzerzhinsky’s view the Commissariat was ready.</p>")
    assert {"Lenin", "Dzerzhinsky", "Commissariat"} <= names
    assert "Our" not in names  # opens the paragraph


def test_a_capital_after_a_full_stop_or_opening_a_block_or_a_note_is_not_a_name():
    names = weasy_hyphenation.proper_names(
        '<p>Nevertheless, the plan failed. Consequently the bureaucracy grew: Therefore nothing.'
        '<span class="footnote">Quoted in EH Carr.</span></p><h2>Heading Words</h2>'
        '<style>p { Hidden: 1 }</style>')
    assert not names & {"Nevertheless", "Consequently", "Therefore", "Quoted", "Heading", "Hidden"}
    assert {"EH", "Carr"} <= names


def test_a_possessive_is_the_name_itself():
    assert weasy_hyphenation.name_key("Trotsky’s") == "Trotsky"
    assert weasy_hyphenation.name_key("Stalin's") == "Stalin"
    assert weasy_hyphenation.name_key("Marxists") == "Marxists"


# ------------------------------------------------------------------ the limits, laid out by WeasyPrint

def test_a_name_is_kept_whole_where_the_same_word_opening_sentences_is_broken(tmp_path):
    opening = column_text(tmp_path, " ".join(["Plekhanov spoke."] * 8))
    inside = column_text(tmp_path, " ".join(["and then Plekhanov spoke,"] * 8))
    broken = re.compile(r"Plek\w*[\u2010-]$")
    assert any(broken.search(line) for line in opening)  # the layout does hyphenate the word …
    assert not any(broken.search(line) for line in inside)  # … except as a name


def test_never_more_than_two_hyphenated_lines_in_a_row(tmp_path, monkeypatch):
    text = " ".join(["revolutionary administration internationalism"] * 6)
    lines = column_text(tmp_path, text)
    assert longest_run(lines) == weasy_hyphenation.MAX_HYPHENATED_RUN  # the limit is reached, not passed
    monkeypatch.setattr(weasy_hyphenation, "MAX_HYPHENATED_RUN", 1)
    assert longest_run(column_text(tmp_path, text)) == 1


def test_a_note_call_is_held_to_the_word_before_it():
    """A call alone at the start of a line ("… 13 times / over. ⁷⁸" printed "over." then "78" on
    a line of its own, Conrad II) is prevented by holding the word and the call together."""
    from anthology import pandoc
    from anthology.render.pdf.html import body_html_json

    ast = pandoc.convert("# T {.text}\n\ngrew by some 11 or 13 times over.[^1] And[^2]\n\n[^1]: A note.\n[^2]: Another.\n",
                         "json", from_format="markdown")
    html = body_html_json(ast)
    assert re.search(r'<span class="with-call">over\.<span id="t-fn1" class="footnote" data-note="1">A note\.</span></span>',
                     html), html
    assert '<span class="with-call">And<span id="t-fn2" class="footnote"' in html
    css = (ROOT / "styles" / "print.css").read_text(encoding="utf-8")
    assert re.search(r"\.with-call\s*\{\s*white-space:\s*nowrap", css)


def test_the_style_sheet_declares_the_limits():
    css = (ROOT / "styles" / "print.css").read_text()
    chars = re.search(r"html \{[^}]*hyphens: auto;[^}]*hyphenate-limit-chars: (\d+) (\d+) (\d+);", css)
    assert chars and int(chars.group(1)) >= 7 and int(chars.group(2)) >= 4 and int(chars.group(3)) >= 3
    notes = re.search(r"\.footnote \{[^}]*hyphenate-limit-chars: (\d+) (\d+) (\d+);", css)
    assert notes and min(int(n) for n in notes.groups()[1:]) >= 3
    assert re.search(r"h2 \+ p[^{]*\{ orphans: 3; \}", css)  # 3 lines after a heading at a page foot
    for rule in re.findall(r"letter-spacing: ([\d.]+)em", css):
        assert float(rule) <= 0.08  # wider splits small capitals in text extraction ("C ontents")


# ------------------------------------------------------------------ the built book

@pytest.fixture(scope="module")
def makeup(built):
    return measure_makeup.measure(built.outputs["pdf"])


def test_at_most_one_line_in_ten_is_hyphenated(makeup):
    assert makeup.lines > 3000
    assert makeup.share <= 0.10, makeup.summary()


def test_never_three_hyphenated_lines_in_a_row(makeup):
    assert makeup.longest_run <= 2, makeup.details()


def test_few_capitalised_words_are_broken(makeup):
    assert len(makeup.capitals_broken) <= 20, makeup.details()


def test_no_word_is_split_by_letter_spacing(makeup, built):
    assert makeup.letter_spaced_splits == []
    contents = next(t for t in measure_makeup.page_texts(built.outputs["pdf"]) if "Contents" in t.split())
    assert "Contents" in contents.split()


def test_the_contents_leaders_end_evenly(makeup):
    assert makeup.leader_spread is not None and makeup.leader_spread < 0.5

"""The Muse reader tolerates what Text::Amuse tolerates: one test per rule, each on a real example
(a few lines of an Amusewiki library's file, or of Text::Amuse's own test files; the sources are
named in each test), read with real Pandoc through `anthology.sources.read`."""
from __future__ import annotations

import json
import re

import pypandoc

from anthology import sources


def read(muse: str):
    return sources.read("muse", muse, options={}, editorial={}, origin="texts/t.muse")


def blocks(markdown: str) -> list:
    return json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))["blocks"]


def kinds(markdown: str) -> set[str]:
    return {b["t"] for b in blocks(markdown)}


def rules(doc) -> list[str]:
    return [c.rule for c in doc.changes]


def warned(doc, line: int, words: str) -> bool:
    return any(w.startswith(f"texts/t.muse:{line}: ") and words in w for w in doc.warnings)


# --- the header ------------------------------------------------------------------------------

def test_a_line_after_a_directive_continues_it():
    # fixedpointdirichlet/archive m/mj/min-ji-fan-ban-yun-xin-min-xian-zhai-yao-kpam.muse
    doc = read("#title 新民府\n#notes 机翻。\n       来源Dr. Yi Horyong （이호룡）， 한국의 아나키즘\n#lang zh\n\n正文。\n")
    assert doc.metadata["notes"] == "机翻。 来源Dr. Yi Horyong （이호룡）， 한국의 아나키즘"
    assert doc.metadata["lang"] == "zh" and doc.body.strip() == "正文。"
    assert rules(doc) == ["muse-directive-continued"] and warned(doc, 3, "continues #notes")


def test_unknown_directives_are_kept_as_metadata_with_a_warning():
    # the header of fixedpointdirichlet/archive c/cs/crimethinc-su-dan-…-jun-shi-du-cai.muse, and
    # `#disable-tables` (Emacs Muse), whose dash Text::Amuse drops
    doc = read("#cover c-s-crimethinc-2.jpg\n#title 苏丹\n#notoc 1\n#disable-tables t\n#wibble x\n\n正文。\n")
    assert doc.metadata["cover"] == "c-s-crimethinc-2.jpg" and doc.metadata["disabletables"] == "t"
    assert doc.metadata["wibble"] == "x" and warned(doc, 5, "#wibble is not a directive")
    assert len(doc.warnings) == 1 and doc.body.strip() == "正文。"


def test_an_empty_directive_is_dropped():
    # Text::Amuse's own example (Document.pm): "#---------------------"
    doc = read("#title T\n#---------------------\n\nText.\n")
    assert doc.metadata == {"title": "T"} and rules(doc) == ["muse-directive-empty"] and warned(doc, 2, "#---")


def test_a_heading_right_after_the_header_starts_the_body():
    # fixedpointdirichlet/archive l/lz/lun-zuo-na-wei-tuo-wo-ye-shi-yi-ge-xu-wu-zhu-yi-zhe.muse
    doc = read("#title 我也是一个虚无主义者\n#notoc 1\n*** 一\n\n正文。\n")
    assert doc.body.startswith("## 一\n") and doc.metadata["notoc"] == "1"


# --- #word lines in the body -------------------------------------------------------------------

def test_a_body_that_opens_with_a_hash_word_is_read_not_refused():
    # Pandoc read this line as a directive and failed: "Error at (line 1, column 11)"
    doc = read("#title T\n\nIntroduction.\n\n#something: the first words.\n")
    assert "the first words." in doc.body and warned(doc, 5, "#something")
    doc = read("#title T\n\n#{{x}} y, and the body goes on.\n")
    assert "{{x}} y, and the body goes on." in doc.body


def test_an_anchor_line_is_removed_and_links_to_it_keep_their_words():
    # fixedpointdirichlet/archive c/cs/crimethinc-su-dan-…-jun-shi-du-cai.muse, lines 22 and 82
    doc = read("#title 苏丹\n\n[[#secondinterview][第二部分]]是在12月30日写的。\n\n#secondinterview\n"
               "*** 更新：2021年12月30日\n\n正文。\n")
    assert doc.body.startswith("第二部分是在12月30日写的。\n") and "#secondinterview" not in doc.body
    assert "\n## 更新：2021年12月30日\n" in doc.body and kinds(doc.body) == {"Para", "Header"}
    assert sorted(rules(doc)) == ["muse-anchor", "muse-anchor-link"] and warned(doc, 5, "anchor")


# --- inline tags ------------------------------------------------------------------------------

def test_an_unclosed_code_keeps_its_words():
    # Pandoc read `<code>` to the end of the text and failed ("unexpected end of input")
    doc = read("#title T\n\n*** First\n\nSome text <code>left open here.\n\nMore text.\n")
    assert "Some text left open here." in doc.body and "More text." in doc.body and "`" not in doc.body
    assert rules(doc) == ["muse-inline-tag"] and warned(doc, 5, "<code> is never closed")


def test_stray_inline_tags_go_and_their_words_stay():
    # Text::Amuse t/testfiles/broken.muse and a heading of fixedpointdirichlet/archive
    # e/ex/e-xiu-la-le-gu-en-yi-wu-suo-you.muse whose <strong> is closed two lines on
    doc = read("#title T\n\n** <strong>URSULA LE GUIN\n<br>\n关于厄休拉·勒古恩</strong>\n\nText </em> and </strong>.\n")
    assert "## URSULA LE GUIN\n" in doc.body and "关于厄休拉·勒古恩" in doc.body
    assert "<" not in doc.body and "Text and ." in doc.body
    assert rules(doc).count("muse-inline-tag") == 3 and warned(doc, 7, "</em> closes nothing")


def test_unpaired_stars_and_equals_stay_text():
    # Text::Amuse t/testfiles/broken-inline.muse: not markup, as in Text::Amuse
    doc = read("#title Inline broken\n\n\nAnd. *this is\n*broken* and will not compile.\n\nThis (=should be code=).\n")
    assert "And. \\*this is *broken* and will not compile." in doc.body
    assert "This (`should be code`)." in doc.body and doc.changes == []


def test_tags_pandoc_does_not_read_are_removed():
    # Text::Amuse's <sc> (small caps) and a language switch <[fr]>
    doc = read("#title T\n\nThe <sc>SI</sc> wrote <[fr]>De la misère</[fr]> in 1966.\n")
    assert doc.body.strip() == "The SI wrote De la misère in 1966." and rules(doc) == ["muse-inline-tag"]


# --- block tags ------------------------------------------------------------------------------

def test_broken_block_tags_of_text_amuse_tests_read():
    # Text::Amuse t/testfiles/broken.muse, whole
    doc = read("#title Broken\n\n\n<quote>\n\nHello\n\n** title\n\n</em>\n</strong>\n<code>\n\n</verse>\n</example>\n")
    assert doc.body.startswith("> Hello\n\n## title")
    assert warned(doc, 4, "<quote> is never closed") and warned(doc, 14, "</verse> closes nothing")
    assert warned(doc, 15, "</example> closes nothing")


def test_an_unclosed_verse_is_closed_at_the_end_of_its_section():
    # Pandoc looped on this, eating memory
    doc = read("#title T\n\n*** First\n\nPara one.\n\n<verse>\nA line\nAnother line\n\n*** Second\n\nMore text.\n")
    assert "| A line\n| Another line\n" in doc.body and "\n## Second\n" in doc.body
    assert rules(doc) == ["muse-block-unclosed"] and warned(doc, 7, "<verse> is never closed")


def test_an_unclosed_comment_hides_nothing():
    doc = read("#title T\n\nBefore.\n\n<comment>\nAfter the tag, still the text.\n")
    assert "After the tag, still the text." in doc.body and rules(doc) == ["muse-comment-unclosed"]


def test_src_reads_as_an_example():
    # Emacs Muse's <src>, which neither Text::Amuse nor Pandoc reads as a block
    doc = read("#title T\n\n<src lang=\"perl\">\nmy $x = 1;\n</src>\n")
    assert kinds(doc.body) == {"CodeBlock"} and "my $x = 1;" in doc.body and rules(doc) == ["muse-src", "muse-src"]


def test_a_br_alone_at_a_paragraph_start_goes_and_one_inside_breaks_the_line():
    # ajdutin/Abiblio v/vl/volfi-landstrajker-…-burjoaskite-koreni-na-anarhosindikalizmot.muse
    doc = read("#title T\n\n<br>\nНаслов на оригиналот.\n\nA\n<br>\nB\n")
    assert doc.body.startswith("Наслов на оригиналот.\n") and "A\\\nB" in doc.body
    assert rules(doc) == ["muse-br-alone"] and warned(doc, 3, "<br>")


def test_verse_lines_and_tables_read():
    # Text::Amuse t/testfiles/table.muse style rows, a `| a | b |` table and `> ` verse lines
    doc = read("#title T\n\n> A line of verse\n> and another\n\n Name | Year\n Khayati | 1966\n\n"
               "| a | b |\n|---+---|\n| 1 | 2 |\n")
    assert [b["t"] for b in blocks(doc.body)] == ["LineBlock", "Table", "Table"]
    assert set(rules(doc)) == {"muse-pipe-table"} and warned(doc, 10, "rule line")


# --- notes -----------------------------------------------------------------------------------

def test_a_call_with_no_note_stays_text_and_is_warned_about():
    # ajdutin/Abiblio m/ms/marshal-salins-prvobitnoto-opshtestvo-na-blagosostojba.muse: a year
    doc = read("#title T\n\nКако што пишува Енгелс [1883], тоа е така.\n")
    assert "[1883]" in doc.body and doc.changes == [] and warned(doc, 3, "[1883] looks like a note call")


def test_a_note_nothing_calls_is_kept():
    # Text::Amuse t/testfiles/open-letter.muse has calls [1] … [12]; here [2] is called by none
    doc = read("#title Footnotes\n\nA [1] piece of text.\n\n[1] Those of you who never read our texts.\n\n"
               "[2] From now on this scientific gang will be referred to as Drury and Co.\n")
    assert "[2] From now on this scientific gang" in doc.body and "[^1]: Those of you" in doc.body
    assert rules(doc) == ["muse-note-uncalled"] and warned(doc, 7, "note [2] is never called")


def test_a_secondary_note_inside_a_note_goes_to_its_end():
    # Text::Amuse t/testfiles/secondary-fn.muse: Pandoc numbered {3} and {4} as notes inside a
    # note, leaving calls with no definition
    doc = read("#title Secondary footnotes\n\nA new page, then again [2] and a secondary. {2}\n\n"
               "{2} Second secondary, from the body\n\n"
               "[2] Second footnote with a secondary footnote itself {3} and another {4}\n\n"
               "{3} Third secondary, from the footnote itself.\n\n{4} Last one from the footnote itself.\n")
    calls = set(re.findall(r"\[\^(\d+)\](?!:)", doc.body))
    defined = set(re.findall(r"^\[\^(\d+)\]:", doc.body, re.M))
    assert calls == defined and len(defined) == 2
    assert "itself {3} and another {4} {3} Third secondary, from the footnote itself. {4} Last one" in doc.body
    assert rules(doc) == ["muse-secondary-note"] * 2 and warned(doc, 9, "{3} is called inside note [2]")


def test_an_unclosed_code_in_the_notes_directive_keeps_its_words():
    doc = read("#title One\n#author A\n#notes A <code>note\n\n*** First\n\nText of the body.\n")
    assert doc.source_note == "A note" and warned(doc, 3, "<code> is never closed")

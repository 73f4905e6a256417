"""The study-group edition: the reading plan (`meetings:`) and citable paragraph numbers.

On the built book (the session's one build): the plan reads every text exactly once and its
printed pages are where its readings begin and end; every paragraph's number is printed in the
PDF's margin beside that paragraph's first line, with the same number the EPUB gives it. The
rest (ranges, labels, the checks that stop a build, the long-meeting warning, moving numbers to
the outer margin) is tested on small made-up examples. What is looked for in the PDF is found
whatever the line and page breaks: by its letters only, or by where it stands beside the text
block (pdftotext, from poppler-utils, which setup.sh installs: required, not optional)."""
from __future__ import annotations

import dataclasses

import re
import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest

from anthology import doctree
from anthology.apparatus import reading_plan
from anthology.apparatus.anchors import number_paragraphs, prefix_heading_ids
from anthology.render.pdf.margin_numbers import numbers_to_outer_margin
from anthology.errors import ManifestError
from anthology.manifest import Book, Meeting, Reading, TextEntry, load_book
from anthology.prose import count_words
from epub_tools import prose_of

X = "{http://www.w3.org/1999/xhtml}"
MM = 72 / 25.4


def alnum(text: str) -> str:
    """Lower-case letters and digits only (for headings, whose numbers tell them apart)."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())


def letters(text: str) -> str:
    """Lower-case letters only: what survives hyphenation, ligatures, quotes and spacing."""
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKC", text).lower())


@lru_cache(maxsize=2)
def pdf_words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Every page's words with their boxes (xMin, yMin, xMax, yMax, text), from pdftotext -bbox."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True).stdout.decode("utf-8")
    pages = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", out, flags=re.S):
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)
        pages.append([(float(a), float(b), float(c), float(d), unescape(t)) for a, b, c, d, t in words])
    return pages


def unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


@lru_cache(maxsize=2)
def page_texts(pdf: Path) -> tuple[str, ...]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True).stdout
    return tuple(out.decode("utf-8").split("\f"))


def text_block(book, folio: int, page_width: float = 419.53) -> tuple[float, float]:
    """The x range of a page's text block: mirrored margins, the wider one inside (odd folios are
    right-hand pages)."""
    from anthology.render.pdf.html import page_geometry

    geometry = page_geometry(book)
    inner, outer = (float(geometry.inner.removesuffix("mm")) * MM, float(geometry.outer.removesuffix("mm")) * MM)
    left, right = (inner, outer) if folio % 2 else (outer, inner)
    return left, page_width - right


def margin_numbers(built) -> list[tuple[int, int, float, str]]:
    """Every number printed beside the text block, in reading order: (folio, number, the middle
    of its line, "left" or "right")."""
    found = []
    for index, words in enumerate(pdf_words(built.outputs["pdf"]), start=1):
        left, right = text_block(built.book, index)
        for x0, y0, x1, y1, text in sorted(words, key=lambda w: (w[1], w[0])):
            if text.isdigit() and (x1 < left - 2 or x0 > right + 2):
                found.append((index, int(text), (y0 + y1) / 2, "left" if x1 < left else "right"))
    return found


def epub_paragraphs(epub) -> dict[str, list[tuple[int, str]]]:
    """Each text's numbered paragraphs in the EPUB: (data-n, the paragraph's text), in order."""
    found = {}
    for text_id in epub.text_ids():
        root = epub.chapters[text_id]
        parents = {child: parent for parent in root.iter() for child in parent}
        found[text_id] = [(int(span.get("data-n")), prose_of(parents[span]))
                          for span in root.iter(f"{X}span") if "para-anchor" in (span.get("class") or "").split()]
    return found


@pytest.fixture(scope="module")
def plan(built):
    """The plan as the build measured it, on the built book's texts."""
    return reading_plan.plan_for_preface(built.book, built.texts)


# ------------------------------------------------------------------ the plan on the built book

def test_meetings_read_every_text_exactly_once(built, plan):
    assert 8 <= len(plan) <= 10
    words = {item.entry.id: count_words(item.document.body) for item in built.texts}
    paragraphs: dict[str, list[int]] = {text_id: [] for text_id in words}
    read_words = dict.fromkeys(words, 0)
    for meeting in plan:
        for part in meeting.parts:
            paragraphs[part.text_id] += list(range(part.first_paragraph, part.last_paragraph + 1))
            read_words[part.text_id] += part.words
    for text_id, numbers in paragraphs.items():
        assert numbers == list(range(1, len(numbers) + 1)), text_id  # each paragraph once, in order
    assert read_words == words  # the preface's word count of each text, no word twice or never
    # Trotsky's long text is split by chapters; every meeting is a sensible evening's reading.
    assert sum(1 for m in plan for p in m.parts if p.text_id == "revolution-betrayed") == 4
    assert all(5_000 <= m.words <= 10_000 for m in plan), [m.words for m in plan]
    assert not [w for w in built.warnings if w.startswith("reading plan")]


def test_the_plan_from_the_segments_each_text_measured_is_the_plan_counted_on_the_book(built):
    """The fast path (each text's segments counted once, in its worker, while it was marked up)
    held to its slow twin (every word of the book counted again), on the built book's texts as
    the build's cache kept them."""
    from anthology import apparatus, cache
    from anthology.pipeline import PreparedText

    kept = cache.Cache(built.book.root)
    prepared = [kept.load("prepared", cache.prepared_key(built.book, entry), PreparedText) for entry in built.book.texts]
    assert all(item is not None for item in prepared)
    book_ast = {**prepared[0].tree, "blocks": [block for item in prepared for block in item.tree["blocks"]]}
    measured = apparatus.sum_facts([item.facts for item in prepared])[reading_plan.SEGMENTS_FACT]
    assert set(measured) == {entry.id for entry in built.book.texts}
    fast = reading_plan.resolve(built.book, book_ast, measured)
    assert fast == reading_plan.resolve(built.book, book_ast)
    assert sum(meeting.words for meeting in fast) > 50_000


def test_readings_are_named_from_their_headings(plan):
    labels = [(p.title, p.label.replace("\xa0", " ")) for m in plan for p in m.parts]
    assert labels[0] == ("The Revolution Betrayed", "Introduction to Chapter 2, §1")
    assert labels[1] == ("The Revolution Betrayed", "Chapter 2, §2 to Chapter 3")
    assert ("Why Russia Isn’t Socialist", "§§I–V") in labels
    assert ("Genesis of Bureaucratic Socialism: Part I", "") in labels  # a whole text: its running head
    assert ("Genesis of Bureaucratic Socialism: Part II", "up to §2.1") in labels  # its "Part II" heading is the opener's
    assert ("Genesis of Bureaucratic Socialism: Part II", "§2.1") in labels
    assert plan[0].parts[0].paragraphs == "¶ 1–84" and plan[1].parts[0].paragraphs == "¶ 85–180"


def plan_page(built) -> int:
    texts = page_texts(built.outputs["pdf"])
    return next(i for i, text in enumerate(texts, start=1) if letters(text).startswith("readingplan"))


def printed_ranges(built) -> list[tuple[int, int]]:
    """The page ranges printed flush right on the plan's own page, top to bottom."""
    folio = plan_page(built)
    _, right = text_block(built.book, folio)
    words = sorted(pdf_words(built.outputs["pdf"])[folio - 1], key=lambda w: w[1])
    return [tuple(map(int, w[4].split("–"))) for w in words if re.fullmatch(r"\d+–\d+", w[4]) and w[2] > right - 3]


def test_plan_pages_are_where_each_reading_begins_and_ends(built, epub, plan):
    from pypdf import PdfReader

    from anthology.apparatus.locators import running_head
    from anthology.render.pdf.proof import outline_pages

    texts = page_texts(built.outputs["pdf"])
    ranges = printed_ranges(built)
    assert len(ranges) == len(plan)
    outline = outline_pages(PdfReader(built.outputs["pdf"]))
    opener = {entry.id: next(folio for label, level, folio in outline
                             if level == 1 and label == running_head(entry, built.book.texts))
              for entry in built.book.texts}
    paragraphs = epub_paragraphs(epub)
    headings = {}
    for root in epub.chapters.values():
        for section in root.iter(f"{X}section"):
            heading = next((c for c in section if re.fullmatch(rf"{re.escape(X)}h[1-6]", c.tag)), None)
            if heading is not None and section.get("id"):
                headings[section.get("id")] = alnum("".join(heading.itertext()))
    for meeting, (first, last) in zip(plan, ranges):
        start = meeting.parts[0]
        if start.start == start.text_id:
            assert first == opener[start.text_id], meeting.title
        else:  # the page where its heading is printed (and not the page before)
            heading = headings[start.start]
            assert heading in alnum(texts[first - 1]) and heading not in alnum(texts[first - 2]), meeting.title
        end = meeting.parts[-1]
        # The reading's last paragraph ends on its last page: the paragraph's last two lines are
        # printed there together (print.css: `widows: 2`), so its last letters are, wherever its
        # lines and pages break.
        tail = letters(paragraphs[end.text_id][end.last_paragraph - 1][1])[-14:]
        assert tail in letters(texts[last - 1]), (meeting.title, last, tail)
        assert first <= last


def test_the_preface_table_prints_the_same_pages(built):
    folio = plan_page(built)
    words = [w[4] for page in pdf_words(built.outputs["pdf"])[:folio - 1] for w in sorted(page, key=lambda w: w[1])]
    in_preface = [tuple(map(int, w.split("–"))) for w in words if re.fullmatch(r"\d+–\d+", w)]
    remaining = iter(in_preface)
    assert all(r in remaining for r in printed_ranges(built))  # in order, in the preface's table


def test_epub_plan_links_lead_to_each_reading(epub, plan):
    assert "reading-plan" in epub.chapters and "preface" in epub.chapters
    ids = {node.get("id"): name for name, root in epub.chapters.items() for node in root.iter() if node.get("id")}
    links = [a.get("href") for a in epub.chapters["reading-plan"].iter(f"{X}a")]
    assert [href.split("#")[1] for href in links] == [p.start for m in plan for p in m.parts]
    for href in links:
        assert href.split("#")[1] in ids
    ends = {node.get("id") for root in epub.chapters.values() for node in root.iter()
            if "reading-end" in (node.get("class") or "").split()}
    assert ends == {p.end for m in plan for p in m.parts}


# ------------------------------------------------------------------ paragraph numbers on the built book

def test_every_paragraph_is_numbered_the_same_in_epub_and_pdf(built, epub):
    paragraphs = epub_paragraphs(epub)
    assert list(paragraphs) == [t.id for t in built.book.texts]
    for text_id, numbered in paragraphs.items():
        assert [n for n, _ in numbered] == list(range(1, len(numbered) + 1)), text_id
    printed = [number for _, number, _, _ in margin_numbers(built)]
    runs = []
    for number in printed:
        if number == 1:
            runs.append([])
        runs[-1].append(number)
    assert [len(run) for run in runs] == [len(paragraphs[t]) for t in paragraphs]
    assert all(run == list(range(1, len(run) + 1)) for run in runs)


def test_each_margin_number_stands_beside_its_paragraphs_first_line(built, epub):
    paragraphs = epub_paragraphs(epub)
    order = iter(paragraphs)
    text_id, wrong, checked = None, [], 0
    pages = pdf_words(built.outputs["pdf"])
    for folio, number, middle, _ in margin_numbers(built):
        if number == 1:
            text_id = next(order)
        left, right = text_block(built.book, folio)
        line = sorted((w for w in pages[folio - 1] if left - 1 <= w[0] and w[2] <= right + 1
                       and w[1] < middle < w[3]), key=lambda w: w[0])
        printed = letters(" ".join(w[4] for w in line))
        expected = letters(paragraphs[text_id][number - 1][1])
        if not printed or not expected.startswith(printed[:20]):
            wrong.append((text_id, number, folio, printed[:20], expected[:20]))
        checked += 1
    assert checked == sum(len(p) for p in paragraphs.values()) > 600
    assert not wrong, wrong[:5]


# ------------------------------------------------------------------ small examples

BOOK_MD = """# One {#one .text}

::: opener
[An Author]{.author}
:::

## Introduction: Why

First paragraph of one.

## Chapter 1: Beginnings

### 1. Early days

Second paragraph, with a note.[^n]

> Third paragraph, quoted.

### 2. Later days

Fourth paragraph.

## Chapter 2: Endings

Fifth paragraph.

[^n]: The note has five words.

# Two {#two .text}

Only paragraph of two.
"""


def small_book(*meetings: Meeting):
    texts = [TextEntry(id=ident, file=Path(f"texts/{ident}.md"), format="markdown", title=ident.title(),
                       author="An Author", date="2000") for ident in ("one", "two")]
    return Book(root=Path("."), manifest_path=Path("anthology.yml"), meta={"language": "en", "paragraph_numbers": True},
                texts=texts, meetings=meetings, meetings_line=40)


def small_tree(book):
    tree = doctree.from_markdown(BOOK_MD)
    prefix_heading_ids(book, tree, [])
    number_paragraphs(book, tree)
    return tree


def meeting(title: str, *readings: Reading) -> Meeting:
    return Meeting(title=title, readings=readings, line=10)


def test_ranges_headings_and_texts_resolve():
    book = small_book(
        meeting("a", Reading("one", to="one-1-early-days", line=11)),
        meeting("b", Reading("one-2-later-days", line=12), Reading("one-chapter-2-endings", line=13)),
        meeting("c", Reading("two", line=14)))
    plan = reading_plan.resolve(book, small_tree(book))
    first, second, third = plan
    assert [p.label for p in first.parts] == ["Introduction to Chapter 1, §1"]
    assert (first.parts[0].start, first.parts[0].end, first.parts[0].paragraphs) == ("one", "one-p3-end", "¶ 1–3")
    assert [p.label for p in second.parts] == ["Chapter 1, §2", "Chapter 2"]
    assert second.page_ranges == [("one-2-later-days", "one-p5-end")]  # consecutive parts: one stretch
    assert third.parts[0].label == "" and third.parts[0].words == count_words("Only paragraph of two.")
    assert first.parts[0].words == count_words("Introduction: Why First paragraph of one. Chapter 1: Beginnings "
                                               "1. Early days Second paragraph, with a note. The note has five "
                                               "words. Third paragraph, quoted.")
    before = small_book(meeting("a", Reading("one", before="one-chapter-2-endings", label="Most of it", line=11)),
                        meeting("b", Reading("one-chapter-2-endings", line=12), Reading("two", line=13)))
    split = reading_plan.resolve(before, small_tree(before))
    assert split[0].parts[0].label == "Most of it" and split[0].parts[0].last_paragraph == 4
    assert split[1].page_ranges == [("one-chapter-2-endings", "two-p1-end")]  # runs on into the next text


def test_plan_mistakes_name_the_manifest_line():
    book = small_book(
        meeting("a", Reading("one-chapter-1-beginings", line=11)),  # misspelt
        meeting("b", Reading("one", to="one-introduction-why", line=12)),
        meeting("c", Reading("one-introduction-why", line=13), Reading("one-chapter-2-endings", to="one", line=14)),
        meeting("d", Reading("one-chapter-2-endings", before="one-introduction-why", line=15)))
    with pytest.raises(ManifestError) as caught:
        reading_plan.resolve(book, small_tree(book))
    problems = caught.value.problems
    assert any(p.startswith("anthology.yml:11: meetings: no text or heading has the id 'one-chapter-1-beginings'; "
                            "did you mean 'one-chapter-1-beginnings'?") for p in problems), problems
    assert any(p.startswith("anthology.yml:13: ") and "already read in meeting 2" in p for p in problems), problems
    assert any(p.startswith("anthology.yml:15: ") and "ends before it begins" in p for p in problems), problems
    assert any(p.startswith("anthology.yml:14: ") and "ends before it begins" in p for p in problems), problems
    missing = [p for p in problems if "not read in any meeting" in p or "is in no meeting" in p]
    assert len(missing) == 2 and all(p.startswith("anthology.yml:40: ") for p in missing)
    assert "not read in any meeting: 'one-chapter-1-beginnings'" in missing[0]
    assert "the text 'two' (“Two”) is in no meeting" in missing[1]


def test_a_meeting_far_longer_than_the_others_is_flagged():
    def made_up(*words):
        return [reading_plan.PlannedMeeting(n, f"m{n}", [SimpleNamespace(words=w)]) for n, w in enumerate(words, 1)]

    assert reading_plan.long_meetings(made_up(8000, 7000, 9000, 7500)) == []
    flagged = reading_plan.long_meetings(made_up(8000, 7000, 16000, 7500))
    assert len(flagged) == 1 and flagged[0].startswith("reading plan: meeting 3 (“m3”) has 16,000 words")
    warnings: list[str] = []
    book = small_book(meeting("a", Reading("one", line=11)), meeting("b", Reading("two", line=12)))
    tree = small_tree(book)
    reading_plan.check_reading_plan(book, tree, warnings, {})
    assert warnings and "meeting 1" in warnings[0]  # text one is many times longer than text two


def test_reading_ends_are_marked_at_the_last_paragraph():
    book = small_book(meeting("a", Reading("one", line=11)), meeting("b", Reading("two", line=12)))
    tree = small_tree(book)
    reading_plan.mark_text_reading_ends(book, tree)
    ends = []
    doctree.walk_blocks(tree["blocks"], lambda b: ends.extend(
        (b["c"][0]["c"][0][0], i["c"][0][0]) for i in b["c"] if b["t"] == "Para" and i["t"] == "Span"
        and "reading-end" in i["c"][0][1]))
    assert ends == [("one-p5", "one-p5-end"), ("two-p1", "two-p1-end")]


def test_manifest_checks_reading_ids_and_ranges(project_copy):
    manifest = project_copy / "anthology.yml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace("    read: [genesis-part-1]", "    read: [nowhere-chapter-1]", 1)
    text = text.replace("        before: genesis-part-2-2-1-the-first-five-year-plan",
                        "        before: genesis-part-2-2-1-the-first-five-year-plan\n        to: genesis-part-2", 1)
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_book(manifest)
    lines = text.splitlines()
    problems = caught.value.problems
    nowhere = next(i for i, line in enumerate(lines, 1) if "nowhere-chapter-1" in line)
    assert any(p.startswith(f"anthology.yml:{nowhere}: ") and "unknown id 'nowhere-chapter-1'" in p for p in problems)
    assert any("give `to`" in p and "not both" in p for p in problems), problems


def test_paragraph_numbers_can_be_turned_off():
    book = small_book()
    book = dataclasses.replace(book, meta={**book.meta, "paragraph_numbers": False})
    tree = small_tree(book)
    anchors = []
    doctree.walk_blocks(tree["blocks"], lambda b: anchors.extend(
        i["c"][0] for i in b["c"][:1] if b["t"] == "Para" and "para-anchor" in i["c"][0][1]))
    assert [ident for ident, _, _ in anchors] == [f"one-p{n}" for n in range(1, 6)] + ["two-p1"]
    assert all(attributes == [] for _, _, attributes in anchors)


def test_epub_page_numbers_are_filled_from_the_print_layout():
    root = ET.fromstring(f'<html xmlns="{X[1:-1]}"><body><p><span class="plan-pages" data-first="#a" data-last="#b"/>'
                         '<span class="plan-pages labelled" data-first="#a" data-last="#b"/>'
                         '<span class="plan-pages" data-first="#missing" data-last="#b"/></p></body></html>')
    assert reading_plan.fill_print_pages([root], {"a": 15, "b": 37}) == 2
    assert [s.text for s in root.iter(f"{X}span")] == ["15–37", ", pages 15–37", None]


def test_numbers_move_to_the_outer_margin_of_right_hand_pages(built):
    from anthology.render import weasy as pdf
    from anthology.render.pdf.html import page_css

    paragraphs = "".join(f'<p><span id="t-p{n}" class="para-anchor" data-n="{n}"></span>{"Words in a line. " * 30}</p>'
                         for n in range(1, 25))
    html = (f'<html lang="en"><head><meta charset="utf-8"><link rel="stylesheet" href="styles/print.css">'
            f'<style>{page_css(built.book)}</style></head><body><section id="t" class="level1 text"><h1>T</h1>'
            f'{paragraphs}</section></body></html>')
    document = pdf.render(built.book.root, html)
    assert len(document.pages) >= 3
    moved = numbers_to_outer_margin(document)
    assert moved > 0
    for page in document.pages:
        box = page._page_box
        left, right = box.content_box_x(), box.content_box_x() + box.width
        for number in reading_numbers(box):
            xs = [b.position_x for b in number.descendants() if hasattr(b, "text")]
            ends = [b.position_x + b.width for b in number.descendants() if hasattr(b, "text")]
            if box.page_type.side == "right":
                assert min(xs) > right
            else:
                assert max(ends) < left


def reading_numbers(box):
    from anthology.render.pdf.margin_numbers import _margin_numbers

    return list(_margin_numbers(box))


# ------------------------------------------------------------------ what the pipeline does with them

def test_numbers_stand_in_the_outer_margin(built):
    sides = {(folio % 2, side) for folio, _, _, side in margin_numbers(built)}
    assert sides == {(0, "left"), (1, "right")}  # verso: left margin; recto: right margin


def test_epub_plan_pages_are_the_print_pages(built, epub):
    spans = [s for s in epub.chapters["reading-plan"].iter(f"{X}span") if "plan-pages" in (s.get("class") or "")]
    assert spans and all(s.text for s in spans), "the EPUB's reading plan has no print pages"
    assert [tuple(map(int, re.findall(r"\d+", s.text))) for s in spans] == printed_ranges(built)

"""How well OCR repair does, measured the same way on every labelled sample.

Two figures, both about *words* (letters and inner apostrophes; hyphens and other punctuation
separate words and are not counted):

* **recall on detectable errors**: of the OCR's word errors a dictionary can detect (a group of
  OCR words, one of which is not a word to the pass's own dictionary, whose true words differ),
  the share the pass repairs;
* **changed correct words**: of the words the OCR read right, the share the pass changes.

A sample is either a whole text with its truth (the OCR'd paragraphs and the clean ones, line by
line: `measure_aligned`) or a list of hand-labelled faults and correct-but-unusual tokens with
their context (`measure_rows`, tests/data/ocr_sample.tsv). The dictionary is the pass's `Lexicon`
with no protected words.

Run it to print both samples' figures (rules only, no corrections file, no protected words):

    .venv/bin/python tests/ocr_measure.py
"""
from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_SAMPLE = ROOT / "tests/data/ocr_sample.tsv"
FIRST_TEXT = ROOT / "texts/revolution-betrayed.ocr.txt"
SECOND_SAMPLE = ROOT / "tests/data/ocr_sample_mill"

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def words(text: str) -> list[str]:
    return [w.replace("’", "'") for w in WORD.findall(text)]


# ---------------------------------------------------------------------------------------------
# Aligning OCR words with true words

@dataclass(frozen=True)
class Group:
    """OCR words ocr[i1:i2] stand for true words true[j1:j2]."""

    i1: int
    i2: int
    j1: int
    j2: int
    equal: bool


def align(ocr: list[str], true: list[str]) -> list[Group]:
    """The smallest groups of OCR words and true words that stand for each other, in order.

    Word by word first (difflib); inside a run of differing words, letter by letter, so that
    `awonderful` stands for `a wonderful` and `liber ty` for `liberty`, not the whole run."""
    groups = []
    matcher = difflib.SequenceMatcher(None, ocr, true, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            groups.extend(Group(i, i + 1, j1 + i - i1, j1 + i - i1 + 1, True) for i in range(i1, i2))
        elif i2 - i1 == j2 - j1:
            groups.extend(Group(i, i + 1, j1 + i - i1, j1 + i - i1 + 1, False) for i in range(i1, i2))
        else:
            groups.extend(_refine(ocr, true, i1, i2, j1, j2))
    return groups


def _spans(items: list[str]) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for item in items:
        spans.append((pos, pos + len(item)))
        pos += len(item) + 1
    return spans


def _refine(ocr, true, i1, i2, j1, j2) -> list[Group]:
    a, b = ocr[i1:i2], true[j1:j2]
    if not a or not b:
        return [Group(i1, i2, j1, j2, False)]
    sa, sb = _spans(a), _spans(b)
    char_to_b = {}
    matcher = difflib.SequenceMatcher(None, " ".join(a).lower(), " ".join(b).lower(), autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            char_to_b[block.a + k] = block.b + k
    word_of_b = {}
    for n, (s, e) in enumerate(sb):
        for c in range(s, e):
            word_of_b[c] = n
    # each OCR word reaches the true words its letters align with; groups are the runs that overlap
    reach = []
    for s, e in sa:
        hit = sorted({word_of_b[char_to_b[c]] for c in range(s, e) if c in char_to_b and char_to_b[c] in word_of_b})
        reach.append((hit[0], hit[-1]) if hit else None)
    groups: list[list[int]] = []  # [a_lo, a_hi, b_lo, b_hi]
    b_next = 0
    for n, r in enumerate(reach):
        joins = bool(groups) and groups[-1][1] == n and groups[-1][1] > groups[-1][0]
        if r is None:  # no letter of it aligns: it belongs with the OCR word before it, if any
            if joins:
                groups[-1][1] = n + 1
            else:
                groups.append([n, n + 1, b_next, b_next])
            continue
        lo, hi = r
        if joins and lo < groups[-1][3]:  # it shares a true word with the OCR word before it
            groups[-1][1], groups[-1][3] = n + 1, max(groups[-1][3], hi + 1)
        else:
            lo = max(lo, b_next)
            if lo > b_next:  # true words no OCR word reached: the OCR dropped them
                groups.append([n, n, b_next, lo])
            groups.append([n, n + 1, lo, max(hi, lo) + 1])
        b_next = groups[-1][3]
    if b_next < len(b):
        groups.append([len(a), len(a), b_next, len(b)])
    return [Group(i1 + g[0], i1 + g[1], j1 + g[2], j1 + g[3], a[g[0]:g[1]] == b[g[2]:g[3]]) for g in groups]


def label_rows(ocr_paragraphs: list[str], true_paragraphs: list[str]) -> list[tuple[int, str, str]]:
    """(paragraph number, OCR words, true words) for every group of every paragraph."""
    rows = []
    for n, (o, t) in enumerate(zip(ocr_paragraphs, true_paragraphs), 1):
        ow, tw = words(o), words(t)
        for g in align(ow, tw):
            rows.append((n, " ".join(ow[g.i1:g.i2]), " ".join(tw[g.j1:g.j2])))
    return rows


# ---------------------------------------------------------------------------------------------
# The two figures

@dataclass
class Figures:
    words: int = 0
    """OCR words (aligned samples) or labelled tokens' words (hand-labelled samples)."""
    errors: int = 0
    detectable: int = 0
    fixed: int = 0
    correct: int = 0
    changed: int = 0
    missed: list = field(default_factory=list)
    spoiled: list = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.fixed / self.detectable if self.detectable else 1.0

    @property
    def change_rate(self) -> float:
        return self.changed / self.correct if self.correct else 0.0

    def summary(self) -> str:
        return (f"{self.fixed}/{self.detectable} detectable errors fixed ({self.recall:.1%}; "
                f"{self.errors} word errors in all), {self.changed}/{self.correct} correct words changed "
                f"({self.change_rate * 10000:.1f} per 10,000)")


def detectable(ocr_words: list[str], lex) -> bool:
    return any(not lex.is_word(w) for w in ocr_words)


def measure_aligned(before: list[str], after: list[str], true: list[str], lex) -> Figures:
    """The figures for paragraphs `before` the pass and `after` it, against the `true` text."""
    fig = Figures()
    for b, a, t in zip(before, after, true):
        bw, aw, tw = words(b), words(a), words(t)
        fig.words += len(bw)
        right_after = set()
        inserted_after = set()
        for g in align(aw, tw):
            if g.equal:
                right_after.add(g.j1)
            elif g.j1 == g.j2:
                inserted_after.add(g.j1)
        for g in align(bw, tw):
            if g.equal:
                fig.correct += 1
                if g.j1 not in right_after:
                    fig.changed += 1
                    fig.spoiled.append((bw[g.i1], t))
                continue
            fig.errors += 1
            if not detectable(bw[g.i1:g.i2], lex):
                continue
            fig.detectable += 1
            span = range(g.j1, g.j2)
            if all(j in right_after for j in span) and (span or g.j1 not in inserted_after):
                fig.fixed += 1
            else:
                fig.missed.append((" ".join(bw[g.i1:g.i2]), " ".join(tw[g.j1:g.j2])))
    return fig


def load_aligned_sample(folder: Path = SECOND_SAMPLE) -> tuple[list[str], list[str]]:
    """The OCR'd paragraphs (as the `ocr` reader gives them to the pass) and the true ones."""
    ocr = (folder / "input.txt").read_text(encoding="utf-8").splitlines()
    true = (folder / "clean.txt").read_text(encoding="utf-8").splitlines()
    assert len(ocr) == len(true)
    return ocr, true


# ---------------------------------------------------------------------------------------------
# A hand-labelled sample (faults and correct-but-unusual tokens, each with its context)

def load_rows(path: Path = FIRST_SAMPLE) -> list[dict]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def raw_paragraphs(path: Path) -> list[str]:
    """Blank lines separate paragraphs; a paragraph's lines are joined by single spaces."""
    paragraphs, current = [], []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _window(src: str, out: str, start: int, end: int) -> tuple[str, str, int]:
    """The stretches of `src` and `out` around src[start:end], aligned word by word, that hold
    every edit touching it; and where the stretch starts in `src`."""
    a, b = list(re.finditer(r"\S+", src)), list(re.finditer(r"\S+", out))
    ops = difflib.SequenceMatcher(None, [t.group() for t in a], [t.group() for t in b], autojunk=False).get_opcodes()
    first = next(k for k, t in enumerate(a) if t.end() > start)
    last = max(k for k, t in enumerate(a) if t.start() < end)
    lo, hi = max(first - 1, 0), min(last + 2, len(a))
    for tag, i1, i2, _, _ in ops:
        if tag != "equal" and i1 <= hi and i2 >= lo:
            lo, hi = min(lo, i1), max(hi, i2)
    lo, hi = max(lo - 1, 0), min(hi + 1, len(a))

    def in_out(k: int, low: bool) -> int:
        for tag, i1, i2, j1, j2 in ops:
            if tag == "equal" and i1 <= k < i2:
                return j1 + k - i1
        for tag, i1, i2, j1, j2 in ops:
            if i1 <= k < i2 or i1 == i2 == k:
                return j1 if low else max(j2 - 1, j1)
        return len(b) - 1

    o_lo, o_hi = in_out(lo, True), in_out(hi - 1, False)
    return src[a[lo].start() : a[hi - 1].end()], out[b[o_lo].start() : b[o_hi].end()], a[lo].start()


def became(src: str, out: str, start: int, end: int) -> set[str]:
    """What src[start:end] became in `out` (with and without insertions at its edges)."""
    x, y, offset = _window(src, out, start, end)
    start, end = start - offset, end - offset
    ops = difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes()

    def at(pos: int, low: bool) -> int:
        for equal in (True, False):
            for tag, i1, i2, j1, j2 in ops:
                inside = i1 <= pos < i2 if low else i1 < pos <= i2
                if inside and (tag == "equal") == equal:
                    return j1 + pos - i1 if equal else (j1 if low else j2)
        return len(y) if pos >= len(x) else 0

    lo, hi = at(start, True), at(end, False)
    found = {y[lo:hi]}
    for tag, i1, _, j1, j2 in ops:
        if tag == "insert" and i1 == start:
            found.add(y[j1:hi])
        if tag == "insert" and i1 == end:
            found.add(y[lo:j2])
    return found


def score(before: list[str], after: list[str], rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """The rows the repair got right and those it got wrong."""
    right, wrong = [], []
    for row in rows:
        place = row["left"] + row["token"] + row["right"]
        hits = [n for n, p in enumerate(before) if place in p]
        assert len(hits) == 1 and before[hits[0]].count(place) == 1, f"sample row not unique: {row}"
        src, out = before[hits[0]], after[hits[0]]
        start = src.index(place) + len(row["left"])
        got = became(src, out, start, start + len(row["token"]))
        norm = lambda s: " ".join(s.split())  # noqa: E731
        (right if norm(row["expected"]) in {norm(g) for g in got} else wrong).append(row)
    return right, wrong


def measure_rows(before: list[str], after: list[str], rows: list[dict], lex) -> Figures:
    """The figures on a hand-labelled sample: its faults are its errors, its `ok` tokens' words
    its correct words (a spoiled token counts each of its words as changed)."""
    fig = Figures()
    faults = [r for r in rows if r["kind"] == "fault"]
    oks = [r for r in rows if r["kind"] == "ok"]
    fig.errors = sum(words(r["token"]) != words(r["expected"]) for r in faults)
    found = [r for r in faults if words(r["token"]) != words(r["expected"]) and detectable(words(r["token"]), lex)]
    fixed, missed = score(before, after, found)
    fig.detectable, fig.fixed = len(found), len(fixed)
    fig.missed = [(r["token"], r["expected"]) for r in missed]
    _, spoiled = score(before, after, oks)
    fig.correct = sum(len(words(r["token"])) for r in oks)
    fig.changed = sum(len(words(r["token"])) for r in spoiled)
    fig.spoiled = [(r["token"], r["left"] + r["token"] + r["right"]) for r in spoiled]
    fig.words = sum(len(words(r["token"])) for r in rows)
    return fig


# ---------------------------------------------------------------------------------------------

def first_text_quote_symbols() -> list[str]:
    """The first sample's `quote_symbols` setting, as its manifest gives it (a property of its OCR,
    not an editor's correction)."""
    import yaml

    manifest = yaml.safe_load((ROOT / "anthology.yml").read_text(encoding="utf-8"))
    for text in manifest["texts"]:
        if text["file"] == FIRST_TEXT.relative_to(ROOT).as_posix():
            return text["cleaning"]["ocr_repair"].get("quote_symbols", [])
    return []


def both_samples() -> dict[str, Figures]:
    """Both samples' figures, rules only: no corrections file, no protected words."""
    from anthology.passes.ocr_repair import Lexicon, repair_text

    lex = Lexicon(frozenset())
    mark = "[illegible in the source]"
    before = raw_paragraphs(FIRST_TEXT)
    after = repair_text("\n".join(before), lex=lex, mark=mark, quote_symbols=first_text_quote_symbols()).split("\n")
    first = measure_rows(before, after, load_rows(), lex)
    ocr, true = load_aligned_sample()
    second = measure_aligned(ocr, repair_text("\n".join(ocr), lex=lex, mark=mark).split("\n"), true, lex)
    return {"first (The Revolution Betrayed, hand-labelled)": first, "second (On Liberty, Tesseract)": second}


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(ROOT))
    for name, fig in both_samples().items():
        print(f"{name}: {fig.summary()}")
        for m in fig.missed:
            print(f"    missed: {m[0]!r} -> {m[1]!r}")
        for s in fig.spoiled:
            print(f"    changed: {s[0]!r} in {s[1][:100]!r}")

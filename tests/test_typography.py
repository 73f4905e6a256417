"""The house typography pass: rules on real examples from the five texts, and properties of the
whole texts after the pass (no typewriter quotes or dashes left, quotes balanced, idempotent,
Markdown syntax untouched).

The texts are read raw, with only a trivial join of wrapped lines, so these tests do not depend
on the readers being written alongside this pass.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pypandoc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anthology.model import Change
from anthology.typography import RULES, for_output, rule_ids, summarise, typogrify
from anthology.typography.markup import Masked, prose_lines

TEXTS = Path(__file__).resolve().parents[1] / "texts"
NB = "\u00a0"
HAIR = "\u200a"


# ---------------------------------------------------------------------------------------------
# The five texts, read raw and joined trivially (one paragraph per line)


def _join_wrapped(raw: str) -> str:
    """Blank-line separated blocks, each joined onto one line; `>` quotes and numbered lists kept."""
    out = []
    for block in re.split(r"\n\s*\n", raw):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith(">") for line in lines):
            out.append("> " + " ".join(line[1:].strip() for line in lines))
        elif re.match(r"\d+\. ", lines[0]):
            items: list[str] = []
            for line in lines:
                if re.match(r"\d+\. ", line):
                    items.append(line)
                else:
                    items[-1] += " " + line
            out.append("\n".join(items))
        else:
            out.append(" ".join(lines))
    return "\n\n".join(out) + "\n"


def _raw(name: str) -> str:
    return (TEXTS / name).read_text(encoding="utf-8")


def _text_000() -> str:  # Muse on one line: give each heading marker a line of its own
    return re.sub(r" (\*{3,4}) ", r"\n\n\1 ", _raw("soviet-mirage.muse"))


def _text_001() -> str:  # Markdown wrapped at 72 columns, after its YAML block
    return _join_wrapped(_raw("why-russia-isnt-socialist.md").split("\n...\n", 1)[1])


def _text_002() -> str:  # <sup>N</sup> refs and notes as Pandoc notes
    raw = re.sub(r"^<sup>(\d+)</sup>", r"[^\1]: ", _raw("genesis-part-1.md"), flags=re.M)
    return re.sub(r"<sup>(\d+)</sup>", r"[^\1]", raw)


def _text_003() -> str:
    return _raw("genesis-part-2.web.txt").replace("↩\ufe0e", "")


def _text_004() -> str:
    return _join_wrapped(_raw("revolution-betrayed.ocr.txt"))


SOURCES = {"000": _text_000, "001": _text_001, "002": _text_002, "003": _text_003, "004": _text_004}


@pytest.fixture(scope="module")
def typeset() -> dict[str, tuple[str, str, list[Change]]]:
    """text id -> (input Markdown, output Markdown, changes)."""
    result = {}
    for key, source in SOURCES.items():
        markdown = source()
        out, changes = typogrify(markdown)
        result[key] = (markdown, out, changes)
    return result


def _prose(markdown: str) -> list[str]:
    """Each prose line's content with URLs, code and link targets taken out."""
    return [Masked.of(content).text for _, prefix, content in prose_lines(markdown) if prefix is not None]


# ---------------------------------------------------------------------------------------------
# Rules on real examples (input, expected output)

EXAMPLES = [
    # 000: spaced, half-glued and hyphen dashes; backwards curly quotes; odd ellipses
    ("Both the State –regarded as a centralised", f"Both the State{NB}– regarded as a centralised"),
    ("the “Russian question” – the debate", f"the “Russian question”{NB}– the debate"),
    ("for the council communists- must be established", f"for the council communists{NB}– must be established"),
    ("the means of production– as well as", f"the means of production{NB}– as well as"),
    ("the Russian Revolution (1917–1921)- an incredible", f"the Russian Revolution (1917–1921){NB}– an incredible"),
    ("international crisis of over -accumulation that", "international crisis of over-accumulation that"),
    ("in the 1945–1973 period", "in the 1945–1973 period"),
    ("“regardless of … Soviet Union ‘exported‘ ‘little’ ‘capital’ in those countries”",
     f"“regardless of{NB}… Soviet Union ‘exported’ ‘little’ ‘capital’ in those countries”"),
    ("suffered from the “’clogged’” in", "suffered from the “‘clogged’” in"),
    ("the Bolshevik leadership …centralised discipline", f"the Bolshevik leadership{NB}… centralised discipline"),
    ("the working class…must be thrown", f"the working class{NB}… must be thrown"),
    ("(“The Immediate Tasks …”) This", f"(“The Immediate Tasks{NB}…”) This"),
    ("(Buick and Crump, pp. 98–9).", f"(Buick and Crump, pp.{NB}98–9)."),
    ("the twenty-first century and anarcho-syndicalism", "the twenty-first century and anarcho-syndicalism"),
    ("imports 9 percent of GNP- approximately", f"imports 9{NB}percent of GNP{NB}– approximately"),
    # 001: ` -- ` dashes, straight quotes and apostrophes, nested single quotes
    ("because all of them -- Russia included -- are capitalist.",
     f"because all of them{NB}– Russia included{NB}– are capitalist."),
    ("Communism doesn't offer anything better", "Communism doesn’t offer anything better"),
    ("queues in front of the butcher's shop", "queues in front of the butcher’s shop"),
    ("the workers' revolution", "the workers’ revolution"),
    ("the term 'Soviet Socialist Republic' implies", "the term “Soviet Socialist Republic” implies"),
    ('"the \'Soviet\' state"', "“the ‘Soviet’ state”"),
    ("VII: The False \"Communism\" of the Kolkhos", "VII: The False “Communism” of the Kolkhos"),
    ("Stalinism in 1929-30, none of the", "Stalinism in 1929–30, none of the"),
    ("out wage labour..., they failed", f"out wage labour{NB}…, they failed"),
    ("Moscow 1971, Vol. 3).", f"Moscow 1971, Vol.{NB}3)."),
    # 002: ` - ` dashes, quotes next to note calls and bold, ranges
    ("To make up for waste - the massive gap", f"To make up for waste{NB}– the massive gap"),
    ("Stalin's massacre of the Old Bolsheviks in 1936-8.", "Stalin’s massacre of the Old Bolsheviks in 1936–8."),
    ('joint view that "today ... Russia forms the vanguard',
     f"joint view that “today{NB}… Russia forms the vanguard"),
    ('action in Europe"[^2]. Engels', "action in Europe”[^2]. Engels"),
    ('applied to it."[^3]', "applied to it.”[^3]"),
    ('**"... in 1923 the Soviet', "**“… in 1923 the Soviet"),
    ("This view of the *united* but *uneven* world", "This view of the *united* but *uneven* world"),
    ('estimated at 670,000-680,000" (JV Stalin *Works* Vol 6',
     f"estimated at 670,000–680,000” (JV{NB}Stalin *Works* Vol{NB}6"),
    ("Moscow 1981, pp306-413. Lenin", "Moscow 1981, pp306–413. Lenin"),
    ("K Marx and F Engels", f"K{NB}Marx and F{NB}Engels"),
    ("the Zinoviev-Kamenev-Stalin triumvirate", "the Zinoviev-Kamenev-Stalin triumvirate"),
    # 003: curly quotes kept, ` - ` dashes, ranges next to a note call
    ("Part II - Second revolution", f"Part{NB}II{NB}– Second revolution"),
    ("the workers’ state - which it must be emphasised", f"the workers’ state{NB}– which it must be emphasised"),
    ("in 1923-4.[^37] The high", "in 1923–4.[^37] The high"),
    ("Progress Publishers, Moscow 1970, pp715-6.", "Progress Publishers, Moscow 1970, pp715–6."),
    ("production fell by 10-50%, while", "production fell by 10–50%, while"),
    ("the so-called ‘scissors crisis’, which", "the so-called “scissors crisis”, which"),
    ("EH Carr and RW Davies", f"EH{NB}Carr and RW{NB}Davies"),
    # 004: closed em dashes, em dashes in number series, OCR quote damage, fractions, per cent
    ("the democratic tasks of backward Russia—such as liquidation",
     f"the democratic tasks of backward Russia{NB}– such as liquidation"),
    ('the task of "catching up with and outstripping\'— consequently in',
     f"the task of “catching up with and outstripping”{NB}– consequently in"),
    ("a feverish series: 2.0—2.8—4.3 —5.5—8.4! The", "a feverish series: 2.0–2.8–4.3–5.5–8.4! The"),
    ("approximately 3 1/2 times, or", "approximately 3½ times, or"),
    ("that is, to 1/2 of", "that is, to ½ of"),
    ("[kg = 2 1/5 Ibs. ap.]", f"[kg = 2{NB}1/5 Ibs. ap.]"),
    ("rose to 30 per cent—incomparably more", f"rose to 30{NB}per{NB}cent{NB}– incomparably more"),
    ("in the building industry.... It is carried", f"in the building industry{NB}…. It is carried"),
    ("America a truck travels 60- to 80-, or even", "America a truck travels 60- to 80-, or even"),
    ('the logic of this"terrorist" theory', "the logic of this“terrorist” theory"),
    ('an "improvement"” of that', "an “improvement” of that"),
    ('numbered among " Stakhanovists\', the administration', "numbered among “Stakhanovists”, the administration"),
    ("into bureaucrats—", f"into bureaucrats{NB}–"),
    ("—dekulakization by violence", "– dekulakization by violence"),
    ('before—"and the cutting', f"before{NB}– “and the cutting"),
    # apostrophes and elisions the brief names
    ("rock 'n' roll in the '90s, give 'em the workers' o'clock",
     "rock ’n’ roll in the ’90s, give ’em the workers’ o’clock"),
    ("V. I. Lenin and E. H. Carr, p. 45, No. 5", f"V.{NB}I.{NB}Lenin and E.{NB}H.{NB}Carr, p.{NB}45, No.{NB}5"),
    # dates and URLs are not ranges
    ("WeeklyWorker 09.01.1997, pubdate 2021-07-02T10:22:58", "WeeklyWorker 09.01.1997, pubdate 2021-07-02T10:22:58"),
    ("[Part II - 1997](https://weeklyworker.co.uk/1997/09-01/genesis-2.html) and https://x.org/a--b's-1923-4",
     f"[Part{NB}II{NB}– 1997](https://weeklyworker.co.uk/1997/09-01/genesis-2.html) and https://x.org/a--b's-1923-4"),
    # whitespace
    ("the peasants  and  the workers , he said [^4] ( sic )", "the peasants and the workers, he said[^4] (sic)"),
]


@pytest.mark.parametrize("before, after", EXAMPLES)
def test_rule_examples(before: str, after: str) -> None:
    assert typogrify(before)[0] == after


# ---------------------------------------------------------------------------------------------
# Markdown syntax is never altered


SYNTAX_SAMPLE = """\
## VII: The False "Communism" of the Kolkhos {#vii}

**"... in 1923 the Soviet** state -- as Lenin said -- was a "workers' state".[^3] See \
[the 'archive' - 2010](https://example.org/2010/02/19/the-soviet-mirage-lucien-van-der-walt-revised-1999-paper/ "a 'title'") \
and <https://www.sinistra.net/lib/pro/whyrusnsoc.html>, or www.marxists.org/archive/trotsky/works/1936-rev/ch02.htm.

> "Socialism is inconceivable without large-scale capitalist engineering..." (VI Lenin *CW* Vol 32)

1. Natural economy: i.e. patriarchal production - almost totally consumed.
2. Small commodity production: "this includes the *majority* of those peasants".

* * *

- a bullet with 'quotes' and `code "here" -- 1923-4` - done
- rock 'n' roll, 3 1/2 times

[^3]: V. I. Lenin, "Our revolution" - *CW* Vol 33, Moscow 1966, p. 480 (1917-1921).

    A second paragraph of the note -- with "quotes".
"""


def _skeleton(node):
    """The AST with the words taken out: what typography may change is only inside Str/Space."""
    if isinstance(node, list):
        kept = [_skeleton(n) for n in node if not (isinstance(n, dict) and n.get("t") in ("Str", "Space"))]
        return kept
    if isinstance(node, dict):
        if "t" in node:
            if node["t"] in ("Code", "CodeBlock", "RawInline", "RawBlock", "Link", "Image"):
                return {"t": node["t"], "c": node.get("c") if node["t"] not in ("Link", "Image")
                        else [node["c"][0], _skeleton(node["c"][1]), node["c"][2]]}
            return {"t": node["t"], "c": _skeleton(node.get("c"))}
        return {key: _skeleton(value) for key, value in node.items()}
    return node


def test_markdown_structure_is_untouched() -> None:
    out, _ = typogrify(SYNTAX_SAMPLE)
    ast_before = pypandoc.convert_text(SYNTAX_SAMPLE, "json", format="markdown-smart")
    ast_after = pypandoc.convert_text(out, "json", format="markdown-smart")
    before, after = json.loads(ast_before)["blocks"], json.loads(ast_after)["blocks"]
    assert _skeleton(after) == _skeleton(before)
    # and the syntax is there byte for byte
    for syntax in ("## ", "{#vii}", "**", "[^3]", "[^3]: ", "> ", "1. ", "2. ", "* * *", "- a bullet",
                   "](https://example.org/2010/02/19/the-soviet-mirage-lucien-van-der-walt-revised-1999-paper/ \"a 'title'\")",
                   "<https://www.sinistra.net/lib/pro/whyrusnsoc.html>",
                   "www.marxists.org/archive/trotsky/works/1936-rev/ch02.htm",
                   '`code "here" -- 1923-4`', "\n    A second paragraph", "*CW*", "*majority*"):
        assert syntax in out, syntax
    assert "“workers’ state”" in out and "“archive”" in out and "“Our revolution”" in out


_TOKENS = ["word", "the", "Lenin", "1917", "21", " ", "  ", '"', "'", "“", "”", "‘", "’", "-", "--",
           "—", "–", "...", "…", ".", ",", ";", "?", "(", ")", "*", "1/2", "p.", "Vol", "per cent",
           "E.", " - ", " -- ", "\u00a0", "[^3]", "[a](http://x.org/a--b'c)", "`c'd -- e`", "<b>", "{#id}"]
_SYNTAX = re.compile(r"\[\^3\]|\]\(http://x\.org/a--b'c\)|`c'd -- e`|<b>|\{#id\}")


@settings(max_examples=100, deadline=None, database=None)
@given(st.lists(st.lists(st.sampled_from(_TOKENS), max_size=12).map("".join), max_size=4))
def test_any_text_keeps_its_syntax(lines: list[str]) -> None:
    markdown = "\n\n".join(lines)
    out, changes = typogrify(markdown)
    assert out.count("\n") == markdown.count("\n")
    assert _SYNTAX.findall(out) == _SYNTAX.findall(markdown)
    assert not re.search("[\ue000-\ue002]", out + "".join(c.before + c.after for c in changes))


def test_prefixes_and_syntax_lines_are_left_alone() -> None:
    markdown = "- a list item - with a dash\n\n---\n\n```\n\"code\" -- here\n```\n\n| a | b |\n"
    out, _ = typogrify(markdown)
    assert out.startswith(f"- a list item{NB}– with a dash\n\n---\n\n```\n\"code\" -- here\n```\n\n| a | b |")


# ---------------------------------------------------------------------------------------------
# Properties of the five texts after the pass


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_no_typewriter_dashes_or_quotes_left(typeset, key: str) -> None:
    _, out, _ = typeset[key]
    for line in _prose(out):
        assert " -- " not in line and "--" not in line, line
        assert not re.search(r"(?<=\S)[ \u00a0]-[ \u00a0]", line), line  # ` - ` used as a dash
        assert "—" not in line, line  # one dash style: no em dashes left
        assert '"' not in line and "'" not in line, line


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_every_sentence_dash_is_tied_to_the_word_before(typeset, key: str) -> None:
    _, out, _ = typeset[key]
    for line in _prose(out):
        for match in re.finditer(r"–", line):
            before = line[match.start() - 1] if match.start() else ""
            after = line[match.end()] if match.end() < len(line) else ""
            closed = before.isalnum() and after.isalnum()  # a range (1917–1921) or a name pair
            spaced = before in ("", NB, "“", "‘", "(", "[") and after in ("", " ", "”", "’", ")", "]")
            assert closed or spaced, line[max(0, match.start() - 20):match.end() + 20]


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_idempotent(typeset, key: str) -> None:
    _, out, _ = typeset[key]
    again, changes = typogrify(out)
    assert again == out
    assert changes == []


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_lines_and_words_are_kept(typeset, key: str) -> None:
    markdown, out, _ = typeset[key]
    assert out.count("\n") == markdown.count("\n")
    words = lambda text: len(re.findall(r"[^\W\d_]+", text))  # noqa: E731
    assert abs(words(out) - words(markdown)) <= 0.001 * words(markdown)


def _quote_depths(paragraph: str) -> tuple[bool, bool]:
    """Whether double quotes and single quotes pair up properly in a paragraph."""
    depth = 0
    doubles_ok = True
    for char in paragraph:
        depth += {"“": 1, "”": -1}.get(char, 0)
        doubles_ok &= 0 <= depth <= 1
    singles = 0
    singles_ok = True
    for match in re.finditer(r"[‘’]", paragraph):
        if match.group() == "‘":
            singles += 1
            singles_ok &= singles <= 1
        elif singles and not paragraph[match.end():match.end() + 1].isalnum():
            singles -= 1
    return doubles_ok and depth == 0, singles_ok and singles == 0


@pytest.mark.parametrize("key", ["001", "002"])
def test_quotes_balanced_in_the_clean_texts(typeset, key: str) -> None:
    markdown, out, _ = typeset[key]
    checked = 0
    for raw_line, line in zip(markdown.split("\n"), out.split("\n")):
        if raw_line.count('"') % 2:  # a quotation running on into the next paragraph
            continue
        doubles_ok, singles_ok = _quote_depths(line)
        assert doubles_ok and singles_ok, line
        checked += line.count("“")
    assert checked > 50


def test_quote_counts_001(typeset) -> None:
    _, out, _ = typeset["001"]
    # 354 straight double quotes, and two quotations in single quotes set in double (“solution”,
    # “injustice”); two stay single, nested in doubles (‘Soviet Socialist Republic’, ‘national …’).
    assert out.count("“") == out.count("”") == 354 // 2 + 2
    assert out.count("‘") == 2 and "“solution”" in out and "“injustice”" in out
    assert "butcher’s" in out and "isn’t" in out and "Achilles’ heel" in out


def test_apostrophes_and_nested_quotes_in_samples(typeset) -> None:
    _, out_002, _ = typeset["002"]
    assert "a “workers’ state with" in out_002
    assert "“extremities” of the bourgeois" in out_002
    _, out_000, _ = typeset["000"]
    assert "Kwena Mathatho’s intervention “Let’s Refute Myths about the Soviet Union”" in out_000
    assert "“‘clogged’”" in out_000 and "‘exported’" in out_000


def test_changes_are_logged_readably(typeset) -> None:
    known = set(rule_ids())
    for key, (_, _, changes) in typeset.items():
        assert changes, key
        for change in changes:
            assert change.rule in known
            assert re.fullmatch(r"line \d+", change.where)
            assert change.before != change.after
            assert len(change.before) < 80  # a snippet, not a paragraph (URLs are shortened)
            assert change.words_removed == 0
    counts = summarise(typeset["001"][2])
    assert counts["dash-double-hyphen"] == 76
    assert counts["quote-double"] == 354
    assert summarise(typeset["002"][2])["dash-spaced-hyphen"] == 61
    assert summarise(typeset["000"][2])["dash-glued-hyphen"] == 13


def test_rule_catalogue() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(rule.reason.endswith(".") and len(rule.reason) < 200 for rule in RULES)
    assert len(rule_ids()) == len(set(rule_ids()))


def test_language_specific_rules() -> None:
    assert typogrify("Il dit : non !", lang="fr")[0] == "Il dit : non !"
    assert typogrify("He said : no !", lang="en-GB")[0] == "He said: no!"


# ---------------------------------------------------------------------------------------------
# Per-output rules on Pandoc's HTML


HTML = (
    '<h2 id="vii">The “Communism” of it</h2>\n'
    '<p>He said, “‘Soviet Socialist Republic’ implies the opposite of it.”</p>\n'
    '<p><a href="https://example.org/a" title="“‘x’”">a link</a> and the <code>“‘code’”</code> too.</p>\n'
    '<p>The bureaucracy and the peasants of the Soviet Union</p>\n'
)


def test_for_output_pdf() -> None:
    out = for_output(HTML, "pdf")
    assert f"“{HAIR}‘Soviet Socialist Republic’ implies the opposite of{NB}it.”" in out
    assert f"of the Soviet{NB}Union</p>" in out
    assert 'title="“‘x’”"' in out and "<code>“‘code’”</code>" in out  # attributes and code untouched
    assert re.sub("[\u200a\u00a0]", lambda m: " " if m.group() == NB else "", out) == HTML


def test_for_output_epub_is_conservative() -> None:
    assert for_output(HTML, "epub") == HTML
    with pytest.raises(ValueError):
        for_output(HTML, "mobi")

"""The document API (anthology/doctree.py): its accessors and constructors on real Pandoc output,
and the rule that no other module reads Pandoc's JSON by hand."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pypandoc
import pytest

from anthology import doctree, pandoc

PACKAGE = Path(__file__).resolve().parent.parent / "anthology"


def blocks(markdown: str) -> list:
    return doctree.from_markdown(markdown)["blocks"]


def first(markdown: str, kind: str) -> dict:
    """The first node of type `kind` in Pandoc's reading of `markdown`, as the build reads it; or,
    for what the build's reader never makes (images, smart quotes, raw markup), as Pandoc's
    Markdown reader makes it with every extension it has by default."""
    if kind in ("Image", "Quoted", "RawInline", "RawBlock"):
        tree = json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))
    else:
        tree = doctree.from_markdown(markdown)
    return doctree.find_nodes(tree, lambda n: n["t"] == kind)[0]


def same_json(a, b) -> bool:
    """Equal as Pandoc would write them: same keys in the same order, same values."""
    return json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)


# --- reading ----------------------------------------------------------------------------------

def test_header_accessors():
    h1, h2 = blocks("# The Title {#intro .text lang=en}\n\n## A *section*\n")
    assert doctree.header_level(h1) == 1 and doctree.header_level(h2) == 2
    assert doctree.header_id(h1) == "intro" and doctree.header_id(h2) == "a-section"
    assert doctree.stringify(doctree.header_inlines(h2)) == "A section"
    assert doctree.classes(h1) == ["text"] and ["lang", "en"] in doctree.keyvals(h1)
    assert h1["t"] == "Header"


def test_header_level_of_other_nodes_is_none():
    para = blocks("Just words.")[0]
    assert doctree.header_level(para) is None
    assert doctree.header_level({}) is None  # an empty opening, as the pipeline may ask


@pytest.mark.parametrize("markdown, kind", [
    ("# Head {#x .a .b k=v}", "Header"),
    ("::: {#x .a .b k=v}\nText.\n:::", "Div"),
    ("[text]{#x .a .b k=v}", "Span"),
    ("[text](http://example.org){#x .a .b k=v}", "Link"),
    ("An ![alt](pic.png){#x .a .b k=v} inline.", "Image"),
    ("`code`{#x .a .b k=v}", "Code"),
    ("```{#x .a .b k=v}\ncode\n```", "CodeBlock"),
])
def test_attrs_wherever_pandoc_puts_them(markdown, kind):
    node = first(markdown, kind)
    ident, classes, keyvals = doctree.attrs(node)
    assert (ident, classes, keyvals) == ("x", ["a", "b"], [["k", "v"]])
    assert doctree.node_id(node) == "x" and doctree.classes(node) == ["a", "b"]
    assert doctree.has_class(node, "b") and not doctree.has_class(node, "c")
    assert doctree.keyvals(node) == [["k", "v"]]
    assert doctree.keyvals(node) == [["k", "v"]]
    doctree.set_id(node, "y")  # the node's own Attr: the edit is in the tree
    assert doctree.node_id(node) == "y" and doctree.attrs(node)[0] == "y"


def test_nodes_without_attr():
    word = first("word", "Str")
    assert doctree.attrs(word) is None and doctree.classes(word) == ()
    assert not doctree.has_class(word, "x") and doctree.attrs(word) is None
    assert doctree.content(first("a b", "Space")) is None


def test_attr_of_a_table_and_a_figure():
    table = first("| a | b |\n|---|---|\n| 1 | 2 |\n", "Table")
    assert doctree.attrs(table) == ["", [], []]
    assert doctree.node_id(first("![alt](pic.png){#fig}", "Figure")) == "fig"


@pytest.mark.parametrize("markdown, kind, text", [
    ("Some *words*.", "Para", "Some words."),
    ("- tight item", "Plain", "tight item"),
    ("## A heading", "Header", "A heading"),
    ("Some *emphasised words*.", "Emph", "emphasised words"),
    ("**strong** words", "Strong", "strong"),
    ("[a span]{.s}", "Span", "a span"),
    ("[a link](http://example.org)", "Link", "a link"),
    ("![the alt](pic.png)", "Image", "the alt"),
    ('He said "quoted words".', "Quoted", "quoted words"),
    ("[see @doe, p. 3]", "Cite", "[see @doe, p. 3]"),
])
def test_inlines_of(markdown, kind, text):
    node = first(markdown, kind)
    inlines = doctree.inlines_of(node)
    assert doctree.stringify(inlines) == text
    assert inlines is doctree.inlines_of(node)  # the node's own list, not a copy


def test_inlines_of_nodes_without():
    assert doctree.inlines_of(first("::: d\nText.\n:::", "Div")) is None
    assert doctree.inlines_of(first("word", "Str")) is None
    assert doctree.inlines_of(first("text^[a note]", "Note")) is None


def test_running_inlines_are_running_text_only():
    assert doctree.stringify(doctree.running_inlines(first("*some* words", "Emph"))) == "some"
    assert doctree.stringify(doctree.running_inlines(first('"quoted"', "Quoted"))) == "quoted"
    assert doctree.stringify(doctree.running_inlines(first("[in](http://x.org)", "Link"))) == "in"
    assert doctree.running_inlines(first("![alt](pic.png)", "Image")) is None
    assert doctree.running_inlines(first("[@doe]", "Cite")) is None
    assert doctree.running_inlines(first("text^[a note]", "Note")) is None


@pytest.mark.parametrize("markdown, kind", [
    ("Some words.", "Para"), ("## Head", "Header"), ("*emph*", "Emph"), ("[span]{.s}", "Span"),
    ("[link](http://example.org)", "Link"), ('"quoted"', "Quoted"),
])
def test_set_inlines_and_with_inlines(markdown, kind):
    node = first(markdown, kind)
    other = [doctree.str_("other")]
    copy = doctree.with_inlines(node, other)
    assert copy["t"] == kind and doctree.inlines_of(copy) is other
    assert doctree.attrs(copy) is doctree.attrs(node)  # shared, not copied
    doctree.set_inlines(node, other)
    assert doctree.inlines_of(node) is other and same_json(copy, node)


def test_set_inlines_refuses_a_node_without():
    with pytest.raises(ValueError):
        doctree.set_inlines(first("::: d\nText.\n:::", "Div"), [])


@pytest.mark.parametrize("markdown, kind, text", [
    ("word", "Str", "word"),
    ("`some code`", "Code", "some code"),
    ("```\nblock code\n```", "CodeBlock", "block code"),
    ("`<b>`{=html}", "RawInline", "<b>"),
    ("```{=html}\n<hr>\n```", "RawBlock", "<hr>"),
    ("$x^2$", "Math", "x^2"),
])
def test_literal(markdown, kind, text):
    assert doctree.literal(first(markdown, kind)) == text


def test_blocks_of_and_note_blocks():
    note = first("Text.[^1]\n\n[^1]: First.\n\n    Second.\n", "Note")
    assert [doctree.stringify(b) for b in doctree.note_blocks(note)] == ["First.", "Second."]
    assert doctree.blocks_of(note) is doctree.note_blocks(note)
    assert [b["t"] for b in doctree.blocks_of(first("> quoted\n", "BlockQuote"))] == ["Para"]
    assert [b["t"] for b in doctree.blocks_of(first("::: d\nText.\n:::", "Div"))] == ["Para"]
    assert doctree.blocks_of(first("Text.", "Para")) is None


def test_block_inline_lists():
    assert [doctree.stringify(i) for i in doctree.block_inline_lists(first("A para.", "Para"))] == ["A para."]
    lines = doctree.block_inline_lists(first("| line one\n| line two\n", "LineBlock"))
    assert [doctree.stringify(i) for i in lines] == ["line one", "line two"]
    assert doctree.block_inline_lists(first("> quoted", "BlockQuote")) is None


@pytest.mark.parametrize("markdown, kind, texts", [
    ("::: d\nOne.\n\nTwo.\n:::", "Div", [["One.", "Two."]]),
    ("> One.\n>\n> Two.", "BlockQuote", [["One.", "Two."]]),
    ("- One.\n- Two.", "BulletList", [["One."], ["Two."]]),
    ("1. One.\n2. Two.", "OrderedList", [["One."], ["Two."]]),
    ("Term\n:   One.\n\n:   Two.\n", "DefinitionList", [["One."], ["Two."]]),
    ("A para.", "Para", []),
])
def test_child_blocks(markdown, kind, texts):
    children = doctree.child_blocks(first(markdown, kind))
    assert [[doctree.stringify(b) for b in blocks_] for blocks_ in children] == texts


# --- walking ----------------------------------------------------------------------------------

SAMPLE = """# Title {#t .text}

A *first* paragraph.^[A note with [a span]{.s}.]

> A quotation with a [link](http://example.org).
"""


def test_walk_visits_every_node_in_document_order():
    tree = doctree.from_markdown(SAMPLE)
    seen = []
    doctree.walk(tree, lambda node: seen.append(node["t"]))
    assert seen[:3] == ["Header", "Str", "Para"]
    assert seen.index("Note") < seen.index("Span") < seen.index("BlockQuote") < seen.index("Link")
    # Every node, blocks and inlines, notes included: the same as find_nodes finds.
    assert len(seen) == len(doctree.find_nodes(tree, lambda node: True))
    # A node, or a list of nodes, is walked the same way as a whole tree.
    some = []
    doctree.walk(tree["blocks"][1], lambda node: some.append(node["t"]))
    assert some == seen[seen.index("Para"):seen.index("BlockQuote")]


def test_walk_sees_what_visit_adds():
    tree = doctree.from_markdown("One paragraph.")
    seen = []

    def visit(node):
        seen.append(node["t"])
        if node["t"] == "Para":
            doctree.inlines_of(node).insert(0, doctree.span("a", ["anchor"], []))

    doctree.walk(tree, visit)
    assert seen[:2] == ["Para", "Span"]


def test_replace_nodes():
    tree = doctree.from_markdown("One.^[First.] Two *two*.^[Second.]")
    calls = []

    def replace(note):
        calls.append(doctree.stringify(doctree.note_blocks(note)))
        return doctree.str_(f"[{len(calls)}]")

    doctree.replace_nodes(tree, "Note", replace)
    assert calls == ["First.", "Second."]
    assert doctree.stringify(tree["blocks"]) == "One.[1] Two two.[2]"
    assert doctree.find_notes(tree) == []


def test_copy_around_copies_the_notes_and_the_way_to_them_and_shares_the_rest():
    tree = doctree.from_markdown("One *two*.^[A note.]\n\n> Three *four*.\n\n- Five.^[Another.]")
    before = doctree.to_json(tree)
    blocks = tree["blocks"]
    copied = doctree.copy_around(blocks, "Note")
    assert copied is not blocks and doctree.to_json({**tree, "blocks": copied}) == before
    para, quote, bullets = copied
    assert quote is blocks[1]  # no note in it: shared, not copied
    assert para is not blocks[0] and para["c"][2] is blocks[0]["c"][2]  # the emphasis beside the note: shared
    # Edit the notes in the copy the way the EPUB does (replaced in their lists, their text changed).
    doctree.replace_nodes(copied, "Note", lambda note: doctree.str_("[note]"))
    assert doctree.stringify(copied) == "One two.[note]Three four.Five.[note]"
    assert doctree.to_json(tree) == before  # the shared tree is as it was
    assert doctree.copy_around(blocks[1], "Note") is blocks[1]


def test_find_notes():
    tree = doctree.from_markdown("One.^[First.] *Two.^[Second.]*\n\n> Three.^[Third.]")
    found = doctree.find_notes(tree)
    assert [doctree.stringify(doctree.note_blocks(n)) for n in found] == ["First.", "Second.", "Third."]
    assert found == doctree.find_nodes(tree, lambda n: n["t"] == "Note")


# --- making nodes -----------------------------------------------------------------------------

@pytest.mark.parametrize("made, markdown, kind", [
    (lambda: doctree.str_("word"), "word", "Str"),
    (lambda: doctree.space(), "a b", "Space"),
    (lambda: doctree.span("x", ["a"], [doctree.str_("text")], [["k", "v"]]), "[text]{#x .a k=v}", "Span"),
    (lambda: doctree.span("", [], [doctree.str_("text")]), "[text]{}", "Span"),
    (lambda: doctree.link("http://example.org", [doctree.str_("here")], ident="x", classes=["a"],
                          attributes=[["k", "v"]], title="T"), '[here](http://example.org "T"){#x .a k=v}', "Link"),
    (lambda: doctree.link("#note", [doctree.str_("1")]), "[1](#note)", "Link"),
    (lambda: doctree.para([doctree.str_("One.")]), "One.", "Para"),
    (lambda: doctree.header(2, "h", ["c"], [["k", "v"]], [doctree.str_("Head")]), "## Head {#h .c k=v}", "Header"),
    (lambda: doctree.raw_block("html", "<hr>"), "```{=html}\n<hr>\n```", "RawBlock"),
])
def test_constructors_make_what_pandoc_makes(made, markdown, kind):
    assert same_json(made(), first(markdown, kind))


def test_a_tree_built_here_is_read_by_pandoc():
    tree = doctree.from_markdown("# Head {#h}\n\nText.")
    tree["blocks"].append(doctree.para([
        doctree.span("s", ["c"], [doctree.str_("a"), doctree.space(), doctree.str_("span")]), doctree.space(),
        doctree.link("#h", [doctree.str_("back")], classes=["back"])]))
    html = pandoc.convert(doctree.to_json(tree), "html5", from_format="json", args=["--wrap=none"])
    assert '<span id="s" class="c">a span</span> <a href="#h" class="back">back</a>' in html


# --- one place --------------------------------------------------------------------------------

def _raw_accesses(tree: ast.AST) -> list[tuple[int, str]]:
    """Where a module reads or builds Pandoc's JSON by hand: `x["c"]`, `x.get("c")`, or a dict
    literal with the keys "t" and "c" and no other (a node made without the constructors)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "c":
            found.append((node.lineno, '["c"]'))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == "c"):
            found.append((node.lineno, '.get("c")'))
        elif isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if {"t", "c"} <= keys <= {"t", "c"}:  # a node has these keys and no other (not a table of letters)
                found.append((node.lineno, '{"t": …, "c": …}'))
    return found


def test_the_scan_finds_raw_accesses_and_not_comments():
    source = 'x = node["c"][0]  # node["c"]\ny = node.get("c")\nz = {"t": "Str", "c": "a"}\n"""node["c"]"""\n'
    assert sorted(_raw_accesses(ast.parse(source))) == [(1, '["c"]'), (2, '.get("c")'), (3, '{"t": …, "c": …}')]
    assert _raw_accesses(ast.parse('confusions = {"r": "t", "c": "e", "t": "r"}\n')) == []


def test_only_doctree_reads_pandoc_json_by_hand():
    """Every module reads and builds the tree through anthology/doctree.py, so Pandoc's layout of
    its JSON is known in one place."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "doctree.py":
            continue
        for line, what in _raw_accesses(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {what} (use anthology.doctree)")
    assert not offenders, "\n".join(offenders)

"""The security boundary, as a catalogue of hostile inputs: what a source text, a template or a
file in the project's folders can make the build put into the EPUB and the PDF, run, or read.

One table per class, one row per probe, so that the next bad input is one more row:

- LINKS: a link whose scheme is not http, https, mailto or an in-book `#fragment` (from a Markdown
  link, an autolink, a reference link, a Muse link, a glossary definition) is neither a live
  `href` in the EPUB nor a /URI action in the PDF; its words stay as text, and a warning names
  the file. URLS, TREES and IMAGES hold the same allow-list at the unit level.
- ATTRIBUTES: a Pandoc attribute off the allow-list (event handlers, `style`, `src`, `href` on a
  span, a made-up name) never reaches the EPUB's markup, and its URL is never fetched for the PDF;
  ATTRIBUTE_NAMES and TREES at the unit level. RAW_DEFINITIONS: no raw HTML from glossary.yml.
- OUTSIDE: a symbolic link in `templates/`, `styles/`, `fonts/` (or a default apparatus file)
  that leads outside the project stops the build: exit 2, one line naming the link, output/
  untouched. PATHS: the helper every such read goes through.
- TEMPLATES, BROKEN_TEMPLATES: templates run sandboxed, with undefined values an error: a syntax
  error, an undefined value, a missing template and a reach into Python's internals each give
  one line `templates/NAME:LINE: …` and exit 2.

The unit tables are fast; the tables that build a small book are marked `book`, and the link and
attribute probes share one build (a Markdown and a Muse text, a glossary and an index).
"""
from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

# --- a small throwaway project ------------------------------------------------------------------

BOOK = {
    "title": "T", "editor": "E", "language": "en-GB", "date": "2026-01-01",
    "identifier": "urn:uuid:00000000-0000-0000-0000-000000000000", "rights": "R",
}
MUSE = "#title One\n#author A\n\n*** First\n\nThe first paragraph of the text, long enough to read.[1]\n\n[1] A note.\n"


def text_entry(ident: str, file: str, fmt: str) -> dict:
    return {"id": ident, "file": file, "format": fmt, "title": ident.title(), "author": "A", "date": "1999"}


def make_project(root: Path, texts: dict[str, tuple[str, str]] | None = None) -> Path:
    """A project with the real templates, styles and fonts and the given texts (file name →
    (format, content); by default one short Muse text), and yesterday's output in output/."""
    texts = texts or {"one.muse": ("muse", MUSE)}
    (root / "texts").mkdir(parents=True)
    for part in ("templates", "styles", "fonts"):
        shutil.copytree(ROOT / part, root / part)
    entries = []
    for name, (fmt, content) in texts.items():
        (root / "texts" / name).write_text(content, encoding="utf-8")
        entries.append(text_entry(name.split(".")[0], f"texts/{name}", fmt))
    manifest = {"book": dict(BOOK), "texts": entries}
    (root / "anthology.yml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    (root / "output").mkdir()
    (root / "output" / "book.epub").write_bytes(b"yesterday's good book")
    return root


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def epub_markup(path: Path) -> str:
    """Every XHTML document of an EPUB, as one string."""
    with zipfile.ZipFile(path) as epub:
        return "\n".join(epub.read(n).decode("utf-8") for n in epub.namelist() if n.endswith(".xhtml"))


def pdf_actions(path: Path) -> list[str]:
    """Every link annotation's action in a PDF, as `/S value` (`/URI https://…`, `/GoTo …`)."""
    from pypdf import PdfReader

    found = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                action = action.get_object()
                found.append(f"{action.get('/S')} {action.get('/URI', action.get('/D', action.get('/JS', '')))}")
    return found


def run_cli(root: Path, monkeypatch, capsys, *args: str) -> tuple[int, list[str], str]:
    """`build.py ARGS` in `root`: the exit code, the error lines, all that was printed."""
    from anthology.cli import main

    monkeypatch.chdir(root)
    code = main(["-q", *args])
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if line.startswith("error: ")]
    return code, errors, captured.out + captured.err


# --- LINKS ---------------------------------------------------------------------------------------
# Each probe is one paragraph in a text of the shared hostile book. Its marker (Lnn) is in the
# link's target only, so the target can be looked for in the outputs; the link's words
# ("words Lnn", except for an autolink, whose words are its target) must stay.
# id: (text, paragraph, marker, live): `live` rows are the allow-list's own, which must stay links.

LINKS = {
    "markdown inline javascript:": ("md", "Para [words L01](javascript:alert('L01')) end.", "L01", False),
    "markdown inline JaVaScRiPt: (mixed case)": ("md", "Para [words L02](JaVaScRiPt:alert('L02')) end.", "L02", False),
    "markdown inline, leading spaces": ("md", "Para [words L03](   javascript:alert('L03')) end.", "L03", False),
    "markdown inline, entity-encoded scheme": ("md", "Para [words L04](&#106;avascript:alert('L04')) end.", "L04", False),
    "markdown inline, tab inside the scheme": ("md", "Para [words L05](<java\tscript:alert('L05')>) end.", "L05", False),
    "markdown inline data:": ("md", "Para [words L06](data:text/html,%3Cscript%3Ealert('L06')%3C/script%3E) end.", "L06", False),
    "markdown inline file:": ("md", "Para [words L07](file:///etc/passwd#L07) end.", "L07", False),
    "markdown inline vbscript:": ("md", "Para [words L08](vbscript:msgbox('L08')) end.", "L08", False),
    "markdown inline, a relative path": ("md", "Para [words L09](../../etc/passwd#L09) end.", "L09", False),
    "markdown inline, protocol-relative //host": ("md", "Para [words L10](//evil.example/L10) end.", "L10", False),
    "markdown autolink javascript:": ("md", "Para <javascript:alert('L11')> end.", "L11", False),
    "markdown autolink data:": ("md", "Para <data:text/html,L12> end.", "L12", False),
    "markdown autolink file:": ("md", "Para <file:///etc/passwd#L13> end.", "L13", False),
    "markdown reference link javascript:": ("md", "Para [words L14][r14] end.\n\n[r14]: javascript:alert('L14')", "L14", False),
    "markdown reference link vbscript:": ("md", "Para [words L15][r15] end.\n\n[r15]: VBScript:msgbox('L15')", "L15", False),
    "muse javascript:": ("muse", "Para [[javascript:alert('L16')][words L16]] end.", "L16", False),
    "muse JAVASCRIPT: (upper case)": ("muse", "Para [[JAVASCRIPT:alert('L17')][words L17]] end.", "L17", False),
    "muse data:": ("muse", "Para [[data:text/html,L18][words L18]] end.", "L18", False),
    "muse file:": ("muse", "Para [[file:///etc/passwd#L19][words L19]] end.", "L19", False),
    "muse vbscript:": ("muse", "Para [[vbscript:msgbox('L20')][words L20]] end.", "L20", False),
    "muse bare javascript: link": ("muse", "Para [[javascript:alert('L21')]] end.", "L21", False),
    # the back matter written from the editors' files: a glossary definition is Markdown placed as it
    # is; an index heading is escaped by its template
    "glossary definition javascript:": ("glossary", "A definition [words L30](javascript:alert('L30')).", "L30", False),
    "glossary definition data:": ("glossary", "A definition <data:text/html,L31>.", "L31", False),
    "index heading javascript:": ("index", "Heading [words L32](javascript:alert('L32'))", "L32", False),
    # the allow-list: these stay live
    "markdown https: stays a link": ("md", "Para [words L80](https://example.org/L80) end.", "L80", True),
    "markdown mailto: stays a link": ("md", "Para [words L81](mailto:editor@example.org?subject=L81) end.", "L81", True),
    "muse http: stays a link": ("muse", "Para [[http://example.org/L82][words L82]] end.", "L82", True),
}

# --- ATTRIBUTES ----------------------------------------------------------------------------------
# Each probe puts one attribute on one element of the Markdown text; the marker (Ann) is in the
# attribute's value only; the element's words ("words Ann") must stay.

ATTRIBUTES = {
    "onmouseover on a heading": "## Heading words A01 {#head-a01 onmouseover=\"alert('A01')\"}",
    "remote style on a heading": "## Heading words A02 {#head-a02 style=\"background:url(http://evil.example/A02.png)\"}",
    "onclick on a span": "Para [span words A03]{onclick=\"alert('A03')\"} end.",
    "style on a span": "Para [span words A04]{style=\"background:url(http://evil.example/A04.png)\"} end.",
    "src on a span": "Para [span words A05]{src=\"http://evil.example/A05.png\"} end.",
    "href on a span": "Para [span words A06]{href=\"javascript:alert('A06')\"} end.",
    "a made-up attribute on a span": "Para [span words A07]{custom=\"A07\"} end.",
    "a made-up data- attribute on a span": "Para [span words A08]{data-evil=\"A08\"} end.",
    "onclick on inline code": "Para `code-words-A09`{onclick=\"alert('A09')\"} end.",
    "style on inline code": "Para `code-words-A10`{style=\"background:url(http://evil.example/A10.png)\"} end.",
    "onclick on a link": "Para [link words A11](https://example.org/){onclick=\"alert('A11')\"} end.",
    "formaction on a heading": "## Heading words A12 {#head-a12 formaction=\"javascript:alert('A12')\"}",
}

HOSTILE_MD_HEAD = "---\ntitle: Hostile\n...\n\n## A Page From the Web\n\nThe first paragraph of the page, long enough to read.\n"


def hostile_texts() -> dict[str, tuple[str, str]]:
    """The shared hostile book's two texts: every Markdown probe in one, every Muse probe in the other."""
    md = [HOSTILE_MD_HEAD] + [p for t, p, _, _ in LINKS.values() if t == "md"] + list(ATTRIBUTES.values())
    muse = [MUSE] + [p for t, p, _, _ in LINKS.values() if t == "muse"]
    return {"web.md": ("markdown", "\n\n".join(md) + "\n"), "muse.muse": ("muse", "\n\n".join(muse) + "\n")}


def hostile_apparatus(root: Path) -> None:
    """The hostile book's glossary.yml and index.yml: one entry per probe, each on a word the texts use."""
    glossary = [{"term": f"Term {marker.lower()}", "id": f"term-{marker.lower()}", "variants": ["paragraph"],
                 "definition": p} for t, p, marker, _ in LINKS.values() if t == "glossary"]
    index = [{"heading": p, "id": f"entry-{marker.lower()}", "kind": "concept", "variants": ["paragraph"]}
             for t, p, marker, _ in LINKS.values() if t == "index"]
    for name, entries in (("glossary.yml", glossary), ("index.yml", index)):
        (root / name).write_text(yaml.safe_dump(entries, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory):
    """The hostile book, EPUB and PDF, built once for every link and attribute probe."""
    from anthology.pipeline import build

    root = make_project(tmp_path_factory.mktemp("hostile"), hostile_texts())
    hostile_apparatus(root)
    result = build(root / "anthology.yml")
    return {"epub": epub_markup(result.outputs["epub"]), "pdf": pdf_actions(result.outputs["pdf"]),
            "warnings": result.warnings}


def attribute_values_holding(markup: str, marker: str) -> list[str]:
    return re.findall(rf'[\w:-]+="[^"]*(?:{marker})[^"]*"', markup)


@pytest.mark.book
@pytest.mark.parametrize("probe", LINKS)
def test_link_schemes_in_the_epub(probe, hostile_book):
    text, paragraph, marker, live = LINKS[probe]
    markup = hostile_book["epub"]
    hrefs = re.findall(rf'href="[^"]*{marker}[^"]*"', markup)
    if live:
        assert hrefs, f"the allowed link {marker} is no longer a link"
        return
    assert not attribute_values_holding(markup, marker), f"{marker} reaches the EPUB's markup"
    if f"words {marker}" in paragraph:
        assert f"words {marker}" in markup, "the link's words were lost"
    if text != "index":  # an index heading is escaped by its template: it never was a link to remove
        assert any(marker in w and "link" in w for w in hostile_book["warnings"]), "no warning names the removed link"


@pytest.mark.book
@pytest.mark.parametrize("probe", LINKS)
def test_link_schemes_in_the_pdf(probe, hostile_book):
    _, _, marker, live = LINKS[probe]
    actions = [a for a in hostile_book["pdf"] if marker in a]
    if live:
        assert [a for a in actions if a.startswith("/URI ")], f"the allowed link {marker} is no live link in the PDF"
    else:
        assert not actions, f"the PDF has an action for {marker}: {actions}"


@pytest.mark.book
@pytest.mark.parametrize("probe", ATTRIBUTES)
def test_attributes_in_the_epub(probe, hostile_book):
    marker = re.search(r"A\d\d", ATTRIBUTES[probe]).group(0)
    markup = hostile_book["epub"]
    assert not attribute_values_holding(markup, marker), f"the attribute of {marker} reaches the EPUB"
    # (a heading's words are set in headline style: "Words")
    assert re.search(rf"words[ -\u00a0]{marker}", markup, re.I), "the element's words were lost"
    assert any(marker in w and "attribute" in w for w in hostile_book["warnings"]), "no warning names the attribute"


@pytest.mark.book
@pytest.mark.parametrize("probe", ATTRIBUTES)
def test_attributes_never_reach_the_pdf_layout(probe, hostile_book):
    """The PDF shows no attribute, but a style's URL would be fetched while it is laid out: no
    fetch of the probe's URL may even be attempted (the fetcher says `PDF: URL` when it refuses one)."""
    marker = re.search(r"A\d\d", ATTRIBUTES[probe]).group(0)
    assert not [w for w in hostile_book["warnings"] if w.startswith("PDF:") and marker in w]
    assert not [a for a in hostile_book["pdf"] if marker in a and "example.org" not in a]


@pytest.mark.book
def test_no_event_handler_or_remote_style_anywhere_in_the_hostile_epub(hostile_book):
    assert not re.findall(r'\son\w+="', hostile_book["epub"])
    assert not re.findall(r'\sstyle="[^"]*url\(', hostile_book["epub"])  # Pandoc's own column widths stay


# --- the allow-lists, fast ---------------------------------------------------------------------

URLS = {
    "https": ("https://example.org/x", True),
    "http": ("http://example.org/x", True),
    "HTTPS upper case": ("HTTPS://example.org/x", True),
    "mailto": ("mailto:a@example.org", True),
    "in-book fragment": ("#preface", True),
    "javascript": ("javascript:alert(1)", False),
    "JaVaScRiPt": ("JaVaScRiPt:alert(1)", False),
    "leading spaces": ("   javascript:alert(1)", False),
    "leading control character": ("\x01javascript:alert(1)", False),
    "tab and newline inside": ("java\tscr\nipt:alert(1)", False),
    "data": ("data:text/html,<script>alert(1)</script>", False),
    "file": ("file:///etc/passwd", False),
    "vbscript": ("vbscript:msgbox(1)", False),
    "relative path": ("../../etc/passwd", False),
    "protocol-relative": ("//evil.example/x", False),
    "empty": ("", False),
    "ftp": ("ftp://example.org/x", False),
    "internal anthology-anchor (print only)": ("anthology-anchor:p1", False),
}


@pytest.mark.parametrize("probe", URLS)
def test_url_allow_list(probe):
    from anthology.sanitise import url_allowed

    url, allowed = URLS[probe]
    assert url_allowed(url) is allowed


ATTRIBUTE_NAMES = {
    "lang": True, "dir": True, "epub:type": True, "role": True,
    "data-n": True, "data-sub": True, "data-first": True, "data-last": True, "data-page-of": True,
    "data-running-head": True, "data-author": True,
    "onclick": False, "onmouseover": False, "ONCLICK": False, "style": False, "src": False, "href": False,
    "srcset": False, "formaction": False, "custom": False, "data-evil": False, "xmlns": False,
}


@pytest.mark.parametrize("name", ATTRIBUTE_NAMES)
def test_attribute_allow_list(name):
    from anthology.sanitise import attribute_allowed

    assert attribute_allowed(name) is ATTRIBUTE_NAMES[name]


# The sanitiser on trees Pandoc reads, for each form a link or an attribute can take (fast: no book).
TREES = {
    "inline link": ("Para [words](javascript:alert(1)) end.", "words"),
    "autolink": ("Para <javascript:alert(1)> end.", "javascript:alert(1)"),
    "reference link": ("Para [words][r] end.\n\n[r]: javascript:alert(1)", "words"),
    "link inside emphasis inside a note": ("Para.[^n]\n\n[^n]: A *note [words](data:text/html,x)*.", "words"),
    "link in a heading": ("## Head [words](file:///etc/passwd)", "words"),
    "link in a table cell": ("| a |\n|---|\n| [words](javascript:x) |", "words"),
    "link in a block quote list": ("> - [words](vbscript:x)", "words"),
    "attributes on a div": ("::: {#d .box onclick=\"x\" style=\"y\" lang=\"fr\"}\nwords\n:::", "words"),
    "attributes on a code block": ("``` {#c .python onclick=\"x\"}\nwords\n```", "words"),
    "attributes on a heading": ("## words {#h onmouseover=\"x\" lang=\"de\" epub:type=\"chapter\"}", "words"),
    "attributes on a table caption": ("| a |\n|---|\n| b |\n\n: words {#t onclick=\"x\"}", "words"),
}


def _offending(tree) -> list:
    from anthology import doctree
    from anthology.sanitise import attribute_allowed, url_allowed

    bad = []

    def visit(node):
        if node["t"] in ("Link", "Image") and not url_allowed(doctree.target(node)):
            bad.append(doctree.target(node))
        if doctree.ATTR_AT.get(node["t"]) is not None:
            bad.extend(k for k, _ in doctree.keyvals(node) if not attribute_allowed(k))

    doctree.walk(tree, visit)
    return bad


@pytest.mark.parametrize("probe", TREES)
def test_sanitise_leaves_no_bad_link_or_attribute(probe):
    from anthology import doctree
    from anthology.sanitise import sanitise

    markdown, words = TREES[probe]
    tree = doctree.from_markdown(markdown)
    warnings: list[str] = []
    sanitise(tree, warnings, "texts/x.md")
    assert _offending(tree) == []
    assert f'"{words}"' in doctree.to_json(tree) or f'"{words} ' in doctree.to_json(tree)  # the words stay
    assert warnings and all(w.startswith("texts/x.md: ") for w in warnings)


@pytest.mark.parametrize("markdown", [
    "No picture here, *only* words.\n",
    "A picture ![a remote picture](http://evil.example/pic.png) and ![](file:///etc/passwd).\n",
])
def test_a_source_read_into_json_has_its_images_filtered_as_by_the_filter_run_always(markdown):
    """The Lua filter is run only on a source found to hold an image (the source read again):
    the tree is the one Pandoc gives with the filter run every time."""
    from anthology import pandoc

    always = ["--lua-filter=" + str(pandoc.SAFETY_FILTER)]
    assert pandoc.convert(markdown, "json") == pandoc.convert(markdown, "json", args=always)
    assert not pandoc.json_holds(pandoc.convert(markdown, "json"), "Image")
    assert ("image omitted" in pandoc.convert(markdown, "json")) == ("![]" in markdown)


# Images: the Markdown reader already keeps only a picture's description (a Lua filter), so these
# trees are made by hand, as a future reader might make them.
IMAGES = {
    "javascript: source": ("javascript:alert(1)", False),
    "data: source": ("data:image/svg+xml,<svg onload=alert(1)>", False),
    "file: source": ("file:///etc/passwd", False),
    "remote source": ("https://evil.example/pixel.png", False),
    "protocol-relative source": ("//evil.example/pixel.png", False),
    "absolute path": ("/etc/passwd", False),
    "a path up and out": ("images/../../../etc/passwd", False),
    "a picture of the book's own": ("images/cover.png", True),
}


@pytest.mark.parametrize("probe", IMAGES)
def test_sanitise_images(probe):
    from anthology import doctree
    from anthology.sanitise import sanitise

    source, kept = IMAGES[probe]
    image = {"t": "Image", "c": [["", [], []], [doctree.str_("description")], [source, ""]]}
    blocks = [doctree.para([doctree.str_("See"), doctree.space(), image])]
    warnings: list[str] = []
    sanitise(blocks, warnings, "texts/x.md")
    images = doctree.find_nodes(blocks, lambda n: n["t"] == "Image")
    assert (images != []) is kept
    assert "description" in doctree.to_json(blocks)
    assert (warnings == []) is kept


def test_sanitise_keeps_the_allowed_and_says_nothing():
    """What the book itself writes (in-book and web links, ids, classes, lang, epub:type, its own
    data- attributes) is left exactly as it was: no warning, the same JSON."""
    from anthology import doctree
    from anthology.sanitise import sanitise

    markdown = ("# Preface {#preface .front-matter epub:type=preface}\n\n"
                "Read [this](#one) and [that](https://example.org/) or [write](mailto:a@example.org).\n\n"
                "[]{.plan-pages data-first=\"#a\" data-last=\"#b\"} [fr]{lang=fr dir=ltr}\n")
    tree = doctree.from_markdown(markdown)
    before = doctree.to_json(tree)
    warnings: list[str] = []
    sanitise(tree, warnings, "templates/preface.md.j2")
    assert warnings == []
    assert doctree.to_json(tree) == before


# A glossary definition is the editors' Markdown, read with Pandoc's raw output on (the glossary
# template writes its `dl` with it): a definition may not use it to write markup of its own.
RAW_DEFINITIONS = {
    "a raw HTML block": "A word.\n\n```{=html}\n<script>alert(1)</script>\n```\n",
    "raw HTML inline": "A `<b onclick=\"alert(1)\">`{=html} word.",
    "raw EPUB output": "A `<a href=\"javascript:alert(1)\">`{=epub3} word.",
}


@pytest.mark.parametrize("probe", RAW_DEFINITIONS)
def test_raw_output_in_a_glossary_definition_is_refused(probe, tmp_path):
    from anthology.apparatus.glossary import load_glossary
    from anthology.errors import ManifestError

    entries = [{"term": "Fine", "id": "fine", "variants": ["fine"], "definition": "A fine word."},
               {"term": "Word", "id": "word", "variants": ["word"], "definition": RAW_DEFINITIONS[probe]}]
    (tmp_path / "glossary.yml").write_text(yaml.safe_dump(entries, sort_keys=False), encoding="utf-8")
    with pytest.raises(ManifestError) as raised:
        load_glossary(tmp_path / "glossary.yml")
    assert raised.value.problems == [
        "glossary.yml:6: entry 2 (id 'word'): definition: raw output ({=…}) is not allowed in a definition; "
        "write it in Markdown"]
    assert raised.value.exit_code == 2


# --- OUTSIDE: symbolic links that lead out of the project ----------------------------------------
# id: (the link, inside the project; what the outside file holds (None: the real folder, moved
# out); --only; what the error names)

SECRET = "SECRET-OUTSIDE-THE-PROJECT"
OUTSIDE = {
    "a template": ("templates/opener.md.j2",
                   lambda: (ROOT / "templates" / "opener.md.j2").read_text(encoding="utf-8") + f"\n{SECRET}\n",
                   "epub", "templates/opener.md.j2"),
    "the cover template": ("templates/cover.html.j2",
                           lambda: (ROOT / "templates" / "cover.html.j2").read_text(encoding="utf-8"),
                           "epub", "templates/cover.html.j2"),
    "the preface's introduction": ("templates/preface-introduction.md", lambda: f"{SECRET}\n",
                                   "epub", "templates/preface-introduction.md"),
    "the whole templates folder": ("templates", None, "epub", "templates/"),
    "the EPUB style sheet": ("styles/epub.css", lambda: f"/* {SECRET} */ body {{ margin: 0 }}\n", "epub",
                             "styles/epub.css"),
    "the print style sheet": ("styles/print.css",
                              lambda: (ROOT / "styles" / "print.css").read_text(encoding="utf-8"), "pdf",
                              "styles/print.css"),
    "a font": ("fonts/EBGaramond12-Regular.otf", lambda: (ROOT / "fonts" / "EBGaramond12-Regular.otf").read_bytes(),
               "pdf", "fonts/EBGaramond12-Regular.otf"),
    "a font, for the EPUB's cover": ("fonts/EBGaramond12-Regular.otf",
                                     lambda: (ROOT / "fonts" / "EBGaramond12-Regular.otf").read_bytes(),
                                     "epub", "fonts/EBGaramond12-Regular.otf"),
    "the default glossary.yml": ("glossary.yml",
                                 lambda: f"- term: Word\n  id: word\n  variants: [paragraph]\n  definition: {SECRET}\n",
                                 "epub", "glossary.yml"),
}


def link_outside(root: Path, outside: Path, inside: str, content) -> None:
    """Put the outside file (or, for a folder, the real one, moved) outside the project and a
    symbolic link to it at `inside`."""
    link = root / inside
    target = outside / Path(inside).name
    if content is None:
        shutil.copytree(link, target)
        shutil.rmtree(link)
    else:
        data = content()
        target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        if link.exists():
            link.unlink()
    link.symlink_to(target)


@pytest.mark.book  # builds (part of) a one-text book
@pytest.mark.parametrize("probe", OUTSIDE)
def test_a_symbolic_link_out_of_the_project_stops_the_build(probe, tmp_path, monkeypatch, capsys):
    inside, content, only, named = OUTSIDE[probe]
    root = make_project(tmp_path / "project")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    link_outside(root, outside, inside, content)
    before = snapshot(root / "output")

    code, errors, printed = run_cli(root, monkeypatch, capsys, "--only", only)

    assert code == 2, printed
    assert len(errors) == 1 and named in errors[0] and "outside the project" in errors[0], errors
    assert "Traceback" not in printed
    assert snapshot(root / "output") == before


# The helper every such read goes through, fast: id: (what is at the path, the path asked for, refused?)
PATHS = {
    "a file inside": ("file", "styles/print.css", False),
    "a file not there (whoever reads it says so)": (None, "styles/none.css", False),
    "a link to a file inside": ("link-inside", "styles/alias.css", False),
    "a link to a file outside": ("link-outside", "styles/alias.css", True),
    "a linked folder outside": ("folder-outside", "styles/print.css", True),
    "a path up and out": (None, "styles/../../elsewhere/secret.txt", True),
    "an absolute path outside": (None, "/etc/passwd", True),
}


@pytest.mark.parametrize("probe", PATHS)
def test_inside_project(probe, tmp_path):
    from anthology.errors import ProjectFileError
    from anthology.project import inside_project

    what, path, refused = PATHS[probe]
    root, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (root / "styles").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text(SECRET, encoding="utf-8")
    (root / "styles" / "print.css").write_text("body {}", encoding="utf-8")
    if what == "link-inside":
        (root / path).symlink_to(root / "styles" / "print.css")
    elif what == "link-outside":
        (root / path).symlink_to(elsewhere / "secret.txt")
    elif what == "folder-outside":
        shutil.move(root / "styles", elsewhere / "styles")
        (root / "styles").symlink_to(elsewhere / "styles")
    if refused:
        with pytest.raises(ProjectFileError, match=r"outside the project"):
            inside_project(root, path)
    else:
        assert inside_project(root, path).is_relative_to(root.resolve())


# --- TEMPLATES, fast: the environment itself -------------------------------------------------------
# id: (template source, markdown?, the line the error names, what the error says)

TEMPLATES = {
    "syntax error": ("line one\nline two\n{% if %}\n", True, 3, "syntax"),
    "unclosed block": ("{% for x in items %}\n{{ x }}\n", True, 2, "syntax"),
    "undefined variable (Markdown)": ("line one\n{{ nonesuch }}\n", True, 2, "nonesuch"),
    "undefined variable (HTML)": ("<p>one</p>\n<p>{{ nonesuch }}</p>\n", False, 2, "nonesuch"),
    "undefined variable in an if (HTML)": ("<p>one</p>\n{% if nonesuch %}x{% endif %}\n", False, 2, "nonesuch"),
    "misspelt field of a mapping (HTML)": ("<p>{{ book.titel }}</p>\n", False, 1, "titel"),
    "undefined in a filter (HTML)": ("\n\n<p>{{ nonesuch | upper }}</p>\n", False, 3, "nonesuch"),
    "str.__class__.__mro__": ("{{ ''.__class__.__mro__ }}\n", True, 1, "unsafe"),
    "cycler.__init__.__globals__ (runs os.system)": (
        "{{ cycler.__init__.__globals__.os.system('touch pwned') }}\n", False, 1, "unsafe"),
    "lipsum.__globals__": ("\n{{ lipsum.__globals__['os'] }}\n", False, 2, "unsafe"),
    "a function's __code__": ("{{ joiner.__init__.__code__ }}\n", True, 1, "unsafe"),
    "include of a missing template": ("one\n{% include 'nowhere.j2' %}\n", True, 2, "nowhere.j2"),
}


@pytest.mark.parametrize("probe", TEMPLATES)
def test_template_errors_name_the_template_and_line(probe, tmp_path, monkeypatch):
    from anthology.errors import TemplateError
    from anthology.templating import environment

    source, markdown, line, says = TEMPLATES[probe]
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "x.j2").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TemplateError) as raised:
        environment(templates, markdown=markdown).get_template("x.j2").render(book={"title": "T"}, items=[1])
    message = str(raised.value)
    assert raised.value.exit_code == 2
    assert "\n" not in message
    assert message.startswith(f"templates/x.j2:{line}: "), message
    assert says in message, message
    assert not (tmp_path / "pwned").exists()


def test_a_missing_template_is_named(tmp_path):
    from anthology.errors import TemplateError
    from anthology.templating import environment

    (tmp_path / "templates").mkdir()
    with pytest.raises(TemplateError, match=r"^templates/opener\.md\.j2: "):
        environment(tmp_path / "templates", markdown=True).get_template("opener.md.j2")


def test_an_optional_field_missing_from_a_mapping_tests_false(tmp_path):
    """`{% if book.subtitle %}` for a book without a subtitle is how a template asks whether the
    manifest has the field: it renders as before, while printing a missing one is an error."""
    from anthology.templating import environment

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "x.html.j2").write_text("<p>{% if book.subtitle %}{{ book.subtitle }}{% endif %}"
                                                     "{{ book.title }}</p>", encoding="utf-8")
    env = environment(tmp_path / "templates")
    assert env.get_template("x.html.j2").render(book={"title": "T & U"}) == "<p>T &amp; U</p>"


def test_a_template_linked_from_outside_is_refused(tmp_path):
    from anthology.errors import ProjectFileError
    from anthology.templating import environment

    (tmp_path / "project" / "templates").mkdir(parents=True)
    (tmp_path / "secret.j2").write_text(SECRET, encoding="utf-8")
    (tmp_path / "project" / "templates" / "x.j2").symlink_to(tmp_path / "secret.j2")
    with pytest.raises(ProjectFileError, match=r"^templates/x\.j2: .*outside the project"):
        environment(tmp_path / "project" / "templates").get_template("x.j2").render()


def test_a_link_inside_the_project_is_followed(tmp_path):
    from anthology.templating import environment

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "real.j2").write_text("real {{ x }}", encoding="utf-8")
    (templates / "alias.j2").symlink_to(templates / "real.j2")
    assert environment(templates).get_template("alias.j2").render(x=1) == "real 1"


# --- TEMPLATES through the build: one line, exit 2 ---------------------------------------------
# id: (template, the line appended to it, --only, what the error says)

BROKEN_TEMPLATES = {
    "syntax error in the opener": ("opener.md.j2", "{% if %}", "epub", "syntax"),
    "undefined variable in the opener": ("opener.md.j2", "{{ nonesuch }}", "epub", "nonesuch"),
    "undefined variable in the print frame": ("print.html.j2", "<p>{{ colophon_note }}</p>", "pdf", "colophon_note"),
    "undefined variable in the cover": ("cover.html.j2", "<p>{{ cover_note }}</p>", "epub", "cover_note"),
    "undefined variable in the cleaning report": ("cleaning-report.html.j2", "{{ report_note }}", "epub", "report_note"),
    "reach into Python from the opener": ("opener.md.j2", "{{ ''.__class__.__mro__[1].__subclasses__() }}", "epub",
                                          "unsafe"),
    "a shell command from the opener": ("opener.md.j2", "{{ cycler.__init__.__globals__.os.system('touch pwned') }}",
                                        "epub", "unsafe"),
}


@pytest.mark.book  # builds (part of) a one-text book
@pytest.mark.parametrize("probe", BROKEN_TEMPLATES)
def test_a_broken_template_is_one_line_naming_it(probe, tmp_path, monkeypatch, capsys):
    name, line, only, says = BROKEN_TEMPLATES[probe]
    root = make_project(tmp_path)
    path = root / "templates" / name
    source = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(source + "\n" + line + "\n", encoding="utf-8")
    line_number = source.count("\n") + 2
    before = snapshot(root / "output")

    code, errors, printed = run_cli(root, monkeypatch, capsys, "--only", only)

    assert code == 2, printed
    assert len(errors) == 1 and errors[0].startswith(f"error: templates/{name}:{line_number}: "), errors
    assert says in errors[0], errors
    assert "Traceback" not in printed
    assert snapshot(root / "output") == before
    assert not (root / "pwned").exists()


@pytest.mark.book  # builds (part of) a one-text book
def test_a_missing_template_is_one_line_naming_it(tmp_path, monkeypatch, capsys):
    root = make_project(tmp_path)
    (root / "templates" / "opener.md.j2").unlink()
    code, errors, printed = run_cli(root, monkeypatch, capsys, "--only", "epub")
    assert code == 2, printed
    assert len(errors) == 1 and errors[0].startswith("error: templates/opener.md.j2: "), errors

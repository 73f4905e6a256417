"""The book's style sheet parsed once per worker (render/weasy_stylesheets.py) is a fast path: a
document laid out with the kept sheet must give the PDF it gives laid out on its own, byte for
byte, with its own `<style>` blocks still ranking after the sheet; and whatever a document would
have said about its sheet (a refused URL) it still says when the sheet is shared."""
from __future__ import annotations

import shutil
from pathlib import Path

from anthology.render import weasy_stylesheets
from anthology.render.weasy import render
from conftest import ROOT


def document(extra_style: str = "", text: str = "") -> str:
    """A small part as the build makes them: the book's sheet linked first, then `<style>` blocks
    that override it (the page's size, a paragraph's colour), a heading, a note, a small cap."""
    return f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<link rel="stylesheet" href="styles/print.css">
<style>@page {{ size: A6; margin: 12mm; }} p.override {{ color: rgb(200, 0, 0); }}{extra_style}</style>
</head><body><section id="t" class="level1 text"><h1 class="text">A Heading</h1>
<p>Some prose with a note<span class="footnote">The note’s text.</span> and <span class="smallcaps">small
capitals</span>, long enough to hyphenate: incomprehensibility, internationalisation.{text}</p>
<p class="override">A paragraph the document’s own style sheet colours.</p></section></body></html>"""


def pdf(root: Path, html: str, warnings: list[str] | None = None) -> bytes:
    document_ = render(root, html, warnings)
    return document_.write_pdf(pdf_tags=True)


def test_the_find_stylesheets_change_applies_to_the_pinned_weasyprint():
    assert weasy_stylesheets.install()


def test_a_document_laid_out_with_the_kept_sheet_is_byte_identical_to_one_laid_out_alone():
    with weasy_stylesheets.sharing(False):
        alone = [pdf(ROOT, document()), pdf(ROOT, document(text=" Another sentence."))]
    with weasy_stylesheets.sharing(True):
        first = pdf(ROOT, document())
        assert len(weasy_stylesheets._shared.sheets) == 1  # the sheet was kept ...
        kept = weasy_stylesheets._shared.sheets.copy()
        second = pdf(ROOT, document(text=" Another sentence."))
        assert weasy_stylesheets._shared.sheets == kept  # ... and given to the next document
    assert first == alone[0]
    assert second == alone[1]


def test_the_documents_own_styles_still_override_the_kept_sheet():
    with weasy_stylesheets.sharing(True):
        render(ROOT, document())  # keeps the sheet
        laid_out = render(ROOT, document())
    page = laid_out.pages[0]
    a6_width_px = 105 / 25.4 * 96
    assert abs(page.width - a6_width_px) < 1  # the <style> block's @page, not print.css's A5


def test_a_document_adding_fonts_of_its_own_is_laid_out_in_a_configuration_of_its_own():
    with weasy_stylesheets.sharing(True):
        assert weasy_stylesheets.shared_for(document()) is not None
        own_font = '@font-face { font-family: "Other"; src: url("fonts/EBGaramond12-Regular.otf"); }'
        assert weasy_stylesheets.shared_for(document(extra_style=own_font)) is None
    with weasy_stylesheets.sharing(False):
        assert weasy_stylesheets.shared_for(document()) is None


def test_a_sheet_that_fetched_something_refused_is_not_kept_and_every_document_says_so(tmp_path):
    shutil.copytree(ROOT / "fonts", tmp_path / "fonts")
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "print.css").write_text(
        (ROOT / "styles" / "print.css").read_text(encoding="utf-8")
        + '\n@font-face { font-family: "Far"; src: url("https://example.com/far.woff2"); }\n', encoding="utf-8")
    with weasy_stylesheets.sharing(True):
        said = [[], []]
        for warnings in said:
            render(tmp_path, document(), warnings)
        assert weasy_stylesheets._shared.sheets == {}
    for warnings in said:
        assert any("https://example.com/far.woff2" in w for w in warnings), warnings


def test_a_missing_linked_sheet_is_not_kept_and_the_others_are():
    missing = '<link rel="stylesheet" href="styles/missing.css">'
    html = document().replace('<link rel="stylesheet" href="styles/print.css">',
                              missing + '\n<link rel="stylesheet" href="styles/print.css">')
    with weasy_stylesheets.sharing(True):
        render(ROOT, html, [])
        assert [href for href, _ in weasy_stylesheets._shared.sheets] == [(ROOT / "styles" / "print.css").as_uri()]

"""The PDF writer's changes (render/weasy_pdf_writing.py) are a fast path: a part written with them
must draw the same pages, with the same tags and links, as pydyf writes it; only the compressed
bytes of its streams may differ."""
from __future__ import annotations

import io

import pikepdf

from anthology.render import weasy_pdf_writing
from conftest import ROOT, laid_out_both_ways

PROSE = ("The plan, drawn up by the bureaucracy, serves its privileges first; the workers see the "
         "result at the counter of the co-operative store. ")


def linked_document() -> str:
    """Several pages of tagged prose with links across them (each link and tag asks for its
    page's reference), under the book's style sheet."""
    sections = "".join(
        f'<section id="s{n}"><h2>Section {n}</h2>'
        + "".join(f'<p>{PROSE * 3} See <a href="#s{(n + 2) % 6}">section {(n + 2) % 6}</a>.</p>' for _ in range(8))
        + "</section>" for n in range(6))
    return ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            f'<link rel="stylesheet" href="styles/print.css"></head><body>{sections}</body></html>')


def decoded(pdf_bytes: bytes) -> bytes:
    """The PDF with every stream decoded and nothing compressed: what is drawn, tagged and linked,
    whatever level its streams were compressed at."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.all,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable, deterministic_id=True)
    return out.getvalue()


def test_the_changes_apply_to_the_pinned_pydyf():
    assert weasy_pdf_writing.install()


def test_a_part_draws_the_same_pages_and_tags_as_pydyf_writes_them():
    as_pydyf, fast, pages = laid_out_both_ways(linked_document(), weasy_pdf_writing.writing_as_pydyf_does)
    assert pages >= 4
    assert fast != as_pydyf  # compressed at another level ...
    assert decoded(fast) == decoded(as_pydyf)  # ... the same PDF once decoded


def test_the_page_references_kept_are_those_pydyf_makes_and_follow_a_new_page():
    import pydyf

    pdf = pydyf.PDF()
    for _ in range(2):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    kept = pdf.page_references
    assert pdf.page_references is kept  # kept ...
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    with weasy_pdf_writing.writing_as_pydyf_does():
        made = pdf.page_references
    assert len(made) == 3 and pdf.page_references == made  # ... until a page is added
    assert pdf.page_references[:2] == kept

"""The index pages: the EPUB's index section and the print index, from the marks `index` made.

EPUB (`epub_index_section`): an index section, rendered from `templates/index-epub.md.j2`, whose
locators link to the marks, one link per paragraph or note, labelled with the text and section
they lead to ("Trotsky, ch. 2 §1").

PDF (`print_index_html`): the page numbers come from the laid-out book (each mark's anchor page,
a note's from where the note is printed: `139n11`), merged into ranges and broken into sub-entries
where a line would hold too many (index_print), rendered from `templates/index.html.j2` and laid
out as its own back-matter document after the book, so the book is laid out once.
"""
from __future__ import annotations

from html import escape

from .index import Heading, IndexData, Mark, entries, index_for, index_marks, letter_groups
from .index_print import MAX_LOCATORS, print_index
from .templating import environment, markdown_blocks

TITLE = "Index"
SECTION_ID = "index"


# ------------------------------------------------------------------ EPUB index

EPUB_TEMPLATE = "index-epub.md.j2"


def locator_groups(marks: list[Mark]) -> list[dict]:
    """One entry's locators for the EPUB: per text, per section, one per paragraph or note, each
    the first mark there. `[{title, sections: [{label, places: [{label, target, title}]}]}]`,
    read as "Trotsky: ch. 2 §1 ¶23, ¶25; ch. 3 n. 4"."""
    seen, by_text = set(), {}
    for mark in marks:
        where = mark.locator
        if (where.text_id, where.section, where.place) in seen:
            continue
        seen.add((where.text_id, where.section, where.place))
        sections = by_text.setdefault(where.text_id, {"title": where.text_title, "sections": {}})["sections"]
        sections.setdefault(where.section, []).append({"label": where.place, "target": mark.id, "title": where.label})
    return [{"title": group["title"],
             "sections": [{"label": label, "places": places} for label, places in group["sections"].items()]}
            for group in by_text.values()]


def epub_entries(headings: list[Heading], marks: list[Mark]) -> list[dict]:
    """The EPUB index as plain data for its template: letter groups of entries."""
    def ref(h: Heading) -> dict:
        return {"heading": h.heading, "anchor": h.anchor}

    groups = []
    for letter, group in letter_groups(entries(headings, marks)):
        groups.append({"letter": letter, "entries": [{
            "anchor": entry.heading.anchor,
            "heading": entry.heading.heading,
            "locators": locator_groups(entry.locators),
            "subs": [{"heading": sub, "locators": locator_groups(found)} for sub, found in entry.subs],
            "see": ref(entry.see) if entry.see else None,
            "see_also": [ref(h) for h in entry.see_also],
        } for entry in group]})
    return groups


def epub_index_markdown(book, headings: list[Heading], marks: list[Mark]) -> str:
    env = environment(book)
    env.filters["title"] = lambda value: str(value).replace("\\", "\\\\").replace('"', '\\"')
    env.filters["html"] = escape
    return env.get_template(EPUB_TEMPLATE).render(title=TITLE, section_id=SECTION_ID,
                                                  groups=epub_entries(headings, marks))


def epub_index_blocks(book, headings: list[Heading], marks: list[Mark], cache=None) -> list:
    """The EPUB's index section (back matter), from templates/index-epub.md.j2."""
    return markdown_blocks(epub_index_markdown(book, headings, marks), cache)


def epub_index_section(book, tree: dict, cache=None) -> list:
    """EPUB only: the index section's blocks (none without an index), from the marks in `tree`,
    to go after the glossary; Pandoc's reading of it kept in `cache`."""
    headings = index_for(book)
    if not headings:
        return []
    return epub_index_blocks(book, headings, index_marks(book, tree), cache)


# ------------------------------------------------------------------ print index

def print_entries(index_data: IndexData, anchor_pages: dict[str, int],
                  warnings: list[str] | None = None) -> list[dict]:
    """The print index as plain data for the template: letter groups of entries with page numbers
    (see index_print); its warnings are added to `warnings`."""
    groups, found = print_index(index_data, anchor_pages)
    if warnings is not None:
        warnings.extend(w for w in found if w not in warnings)
    return [{"letter": letter, "entries": [entry.as_dict() for entry in group]} for letter, group in groups]


def print_index_html(book, index_data: IndexData, anchor_pages: dict[str, int],
                     warnings: list[str] | None = None) -> str:
    """The print index as an HTML document (templates/index.html.j2), for the PDF's back matter.
    `anchor_pages`: every element id of the book → its folio (index marks and notes among them)."""
    from .. import templating

    groups = print_entries(index_data, anchor_pages, warnings)
    depth = max((sub["level"] for group in groups for entry in group["entries"] for sub in entry["subs"]), default=1)
    env = templating.environment(book.design_root / "templates")
    return env.get_template("index.html.j2").render(
        book=book.meta, lang=book.language, title=TITLE, groups=groups, depth=depth, most=MAX_LOCATORS)

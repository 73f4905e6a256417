"""The index pages: the EPUB's index section and the print index, from the marks `index` made.

EPUB (`epub_index_section`): an index section, rendered from `templates/index-epub.md.j2`, whose
locators link to the marks, one link per paragraph or note, labelled with the text and section
they lead to ("Trotsky, ch. 2 §1").

PDF (`print_index_html`): the page numbers come from the laid-out book (each mark's anchor page),
merged into ranges, rendered from `templates/index.html.j2` and laid out as its own back-matter
document after the book, so the book is laid out once.
"""
from __future__ import annotations

from html import escape

from .index import Heading, IndexData, Mark, entries, index_for, index_marks, letter_groups
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

def page_runs(pages: dict[int, str]) -> list[dict]:
    """`{45: a, 46: b, 47: c, 52: d}` (page → the first mark on it) → runs of consecutive pages:
    `[{label: "45–47", target: a}, {label: "52", target: d}]`, each linking to its first mark."""
    runs: list[list[int]] = []
    for n in sorted(pages):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return [{"label": f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]), "target": pages[run[0]]}
            for run in runs]


def print_entries(index_data: IndexData, anchor_pages: dict[str, int]) -> list[dict]:
    """The print index as plain data for the template: letter groups of entries with page ranges."""
    def pages(marks):
        first: dict[int, str] = {}
        for mark in marks:
            if mark.id in anchor_pages:
                first.setdefault(anchor_pages[mark.id], mark.id)
        return page_runs(first)

    groups = []
    for letter, group in letter_groups(entries(index_data.headings, index_data.marks)):
        rows = []
        for entry in group:
            subs = [{"heading": sub, "pages": pages(found)} for sub, found in entry.subs]
            rows.append({
                "id": entry.heading.id,
                "heading": entry.heading.heading,
                "pages": pages(entry.locators),
                "subs": [s for s in subs if s["pages"]],
                "see": entry.see.heading if entry.see else None,
                "see_also": [h.heading for h in entry.see_also],
            })
        groups.append({"letter": letter, "entries": rows})
    return groups


def print_index_html(book, index_data: IndexData, anchor_pages: dict[str, int]) -> str:
    """The print index as an HTML document (templates/index.html.j2), for the PDF's back matter."""
    from .. import templating

    env = templating.environment(book.design_root / "templates")
    return env.get_template("index.html.j2").render(
        book=book.meta, lang=book.language, title=TITLE, groups=print_entries(index_data, anchor_pages))

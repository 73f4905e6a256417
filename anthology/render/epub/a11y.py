"""Accessibility of the EPUB: the package metadata that EPUB Accessibility 1.1 and DAISY Ace look
for, and the ARIA roles that match each structural `epub:type`.

Reading systems and assistive technology read ARIA, not `epub:type`; Ace faults an element whose
`epub:type` has an ARIA equivalent it lacks. The metadata says what the book offers (text only, a
table of contents, print page numbers) so that a reader can tell before opening it.
"""
from __future__ import annotations

from xml.etree import ElementTree as ET

from .package import EPUB_TYPE, Package, local_name

ROLE_FOR_TYPE = {
    "chapter": "doc-chapter", "part": "doc-part", "glossary": "doc-glossary", "index": "doc-index",
    "footnote": "doc-footnote", "endnotes": "doc-endnotes",
    "noteref": "doc-noteref", "pagebreak": "doc-pagebreak", "toc": "doc-toc", "page-list": "doc-pagelist",
    "bibliography": "doc-bibliography", "epigraph": "doc-epigraph", "preface": "doc-preface",
    "introduction": "doc-introduction", "foreword": "doc-foreword", "afterword": "doc-afterword",
    "conclusion": "doc-conclusion", "colophon": "doc-colophon", "acknowledgments": "doc-acknowledgments",
    "appendix": "doc-appendix", "dedication": "doc-dedication", "abstract": "doc-abstract",
}
"""epub:type → the DPUB-ARIA role it corresponds to (only types that have one). `footnotes` has
none: a section of `doc-footnote` asides is not `doc-endnotes` (which holds `doc-endnote` items), and
DPUB-ARIA has no role for a group of footnotes."""

ROLE_HOSTS = {"section", "aside", "nav", "div", "a", "span", "ol", "ul", "dl", "p", "header", "footer"}
"""Elements that may take those roles (never `body` or `html`)."""

BACK_MATTER = {"glossary": "Glossary", "index": "Index"}
"""Back-matter sections found by id: their epub:type and landmark title."""

ACCESS = [
    ("schema:accessMode", "textual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "displayTransformability"),
]


CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
"""The conformance claim, in the exact wording EPUB Accessibility 1.1 defines (and Ace checks)."""


def summary(*, page_list: bool) -> str:
    pages = (" Print page numbers from the PDF edition built with it are marked in the text and listed"
             " for navigation." if page_list else "")
    return ("A text-only book: every text has a heading structure for navigation, a table of contents"
            " with its chapters and sections, and notes linked both ways." + pages +
            " The only image, the cover, has a text alternative. The style sheet sets no fonts or"
            " colours, so the reader's settings apply. Glossary terms open their definition in place and"
            " each glossary entry links back to where the term is used. Conformance to WCAG 2.1 AA is"
            " claimed by the editors (self-assessed with DAISY Ace), not certified by a third party.")


def set_metadata(package: Package, *, page_list: bool, has_index: bool, certified_by: str | None = None) -> None:
    """Replace Pandoc's accessibility metadata with the book's own, with the conformance claim and
    who makes it (`certified_by`: the editors, who self-assess with the build's checks)."""
    package.remove_meta(lambda m: (m.get("property") or "").startswith("schema:"))
    features = list(ACCESS)
    if page_list:
        features += [("schema:accessibilityFeature", "pageBreakMarkers"),
                     ("schema:accessibilityFeature", "pageNavigation")]
    if has_index:
        features.append(("schema:accessibilityFeature", "index"))
    for prop, value in features:
        package.add_meta(prop, value)
    package.add_meta("schema:accessibilityHazard", "none")
    package.add_meta("schema:accessibilitySummary", summary(page_list=page_list))
    package.remove_meta(lambda m: (m.get("property") or "").startswith(("dcterms:conformsTo", "a11y:")))
    package.add_meta("dcterms:conformsTo", CONFORMS_TO)
    if certified_by:
        package.add_meta("a11y:certifiedBy", certified_by)


def add_roles(root: ET.Element) -> None:
    """Give each element with a structural epub:type the ARIA role that matches it, if it lacks one."""
    for node in root.iter():
        if local_name(node.tag) not in ROLE_HOSTS or node.get("role"):
            continue
        for kind in (node.get(EPUB_TYPE) or "").split():
            if kind in ROLE_FOR_TYPE and (local_name(node.tag) == "a") == (kind == "noteref"):
                node.set("role", ROLE_FOR_TYPE[kind])
                break


MATTER = {"front-matter": "frontmatter", "text": "bodymatter", "back-matter": "backmatter"}
"""The class of a file's level-1 section → the partition its `<body>` belongs to. Pandoc guesses the
partition from a few epub:types (a preface is front matter, an index back matter) and calls the
rest body matter, the reading plan and the glossary among them."""


def mark_matter(root: ET.Element) -> None:
    """Put the file's `<body>` in the partition its level-1 section's class names."""
    body = next((e for e in root if local_name(e.tag) == "body"), None)
    section = next((e for e in body if local_name(e.tag) == "section"), None) if body is not None else None
    if section is None:
        return
    found = [MATTER[c] for c in (section.get("class") or "").split() if c in MATTER]
    if found:
        body.set(EPUB_TYPE, found[0])


def mark_back_matter(root: ET.Element) -> dict[str, str]:
    """Type the back-matter sections (by id: `glossary`, `index`) for reading systems and ARIA;
    return the ids found."""
    found = {}
    for node in root.iter():
        ident = node.get("id")
        if ident in BACK_MATTER and local_name(node.tag) in ("section", "div", "nav"):
            kinds = (node.get(EPUB_TYPE) or "").split()
            if ident not in kinds:
                node.set(EPUB_TYPE, " ".join(kinds + [ident]))
            node.set("role", ROLE_FOR_TYPE[ident])
            found[ident] = BACK_MATTER[ident]
    return found


def title_from_heading(root: ET.Element, fallback: str) -> None:
    """Give a chapter document the title of its first heading: Pandoc names each split file's
    `<title>` after the file ("ch003.xhtml"), which is what a screen reader announces."""
    head_title = next((e for e in root.iter() if local_name(e.tag) == "title"), None)
    heading = next((e for e in root.iter() if local_name(e.tag) in ("h1", "h2")), None)
    if head_title is None:
        return
    text = " ".join("".join(heading.itertext()).split()) if heading is not None else ""
    head_title.text = text or fallback

"""Every footnote's text on the page of its call: a check on the laid-out pages, and a repair.

The print HTML gives every note an id (`<text-id>-fn<N>`, from render/pdf/inline_footnotes.py or
filters/inline_footnotes.lua). After layout we walk each page's boxes to find where each note's
call and each note's body were placed (`placements`). Two WeasyPrint 70 faults separate them:

- **Lost notes.** A note's body can be dropped without a word (the call is printed, the note is
  not). The rounding fault behind most of these is absorbed in styles/print.css (see `@footnote`);
  any note still lost is repaired here.
- **Squeezed orphans.** When exactly `orphans - 1` lines of a paragraph fit at the foot of a page
  that already has notes, WeasyPrint moves the page's last notes to the next page to make room
  for one more line, rather than moving the paragraph's start over. The notes then sit a page
  after their calls (and a long one leaves half the page empty). render/weasyprint_patch.py
  turns that behaviour off in the pinned WeasyPrint, so this repair is only the safety net.

The repair changes only the paragraph concerned, so that the fix holds if the pages before it move:
a squeezed paragraph gets `orphans` one higher than the lines it had on the page (its start then
goes over to the next page, as orphan control would have done without notes); the paragraph
holding a lost note's call gets `widows: 3; orphans: 3`, then a page break before it. `repair`
lays out again only when something needs repair, and checks again; pdf.layout decides what to lay
out (the texts concerned, or the whole book) and reports what is still wrong: a lost note as a
build warning, every placement in `document.footnotes`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the build's own process loads this module (FootnoteReport) but never WeasyPrint
    import weasyprint

FOOTNOTE_ID = re.compile(r'<span id="([^"]+)" class="footnote"')
CALL_SUFFIX = "::footnote-call"
PARAGRAPH_ANCHOR_CLASS = "para-anchor"
LOST_NOTE_REPAIRS = ("widows: 3; orphans: 3", "break-before: page")
"""Tried in turn on the paragraph holding a lost note's call: CSS declarations."""
ROUNDS = 3
"""Layouts after the first, at most: each repairs what the one before left wrong."""


@dataclass(frozen=True)
class NotePlacement:
    note_id: str
    call_page: int | None
    """Folio (page index + 1) of the page where the call is printed."""
    note_page: int | None
    """Folio of the page where the note's body begins; None if it is on no page (lost)."""

    @property
    def same_page(self) -> bool:
        return self.call_page is not None and self.call_page == self.note_page


@dataclass
class FootnoteReport:
    """What the check found in the final layout, and how many layouts it took."""

    placements: list[NotePlacement] = field(default_factory=list)
    layouts: int = 0
    repairs: list[str] = field(default_factory=list)
    lost_attempts: dict[str, int] = field(default_factory=dict)
    """How many of LOST_NOTE_REPAIRS each lost note has had."""

    @property
    def total(self) -> int:
        return len(self.placements)

    @property
    def same_page(self) -> int:
        return sum(p.same_page for p in self.placements)

    @property
    def lost(self) -> list[str]:
        return [p.note_id for p in self.placements if p.note_page is None]

    @property
    def elsewhere(self) -> list[NotePlacement]:
        return [p for p in self.placements if p.note_page is not None and not p.same_page]

    def summary(self) -> str:
        return (f"{self.same_page} of {self.total} footnotes on the page of their call, "
                f"{len(self.elsewhere)} on a later page, {len(self.lost)} lost "
                f"({self.layouts} layout{'s' if self.layouts > 1 else ''})")


def footnote_ids(html: str) -> list[str]:
    """The id of every footnote in the print HTML, in order."""
    return FOOTNOTE_ID.findall(html)


def _walk(box) -> Iterator:
    stack = [box]
    while stack:
        box = stack.pop()
        yield box
        if hasattr(box, "all_children"):
            stack.extend(reversed(list(box.all_children())))


def placements(document: weasyprint.Document, note_ids: list[str]) -> list[NotePlacement]:
    """Where each note's call and body were placed in the laid-out document."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    calls: dict[str, int] = {}
    bodies: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for area in page._page_box.children:
            in_footnote_area = isinstance(area, FootnoteAreaBox)
            for box in _walk(area):
                element = getattr(box, "element", None)
                if element is None or not element.get("id"):
                    continue
                tag = box.element_tag or ""
                if in_footnote_area and "::" not in tag:
                    bodies.setdefault(element.get("id"), index + 1)
                elif tag.endswith(CALL_SUFFIX):
                    calls.setdefault(element.get("id"), index + 1)
    return [NotePlacement(n, calls.get(n), bodies.get(n)) for n in note_ids]


def _last_paragraph(page) -> tuple[object, int] | None:
    """The element of the last paragraph in the page's text flow and its number of lines there."""
    from weasyprint.formatting_structure.boxes import BlockBox, LineBox

    last = None
    for box in _walk(page._page_box.children[0]):
        if isinstance(box, BlockBox) and box.element_tag == "p" and any(isinstance(c, LineBox) for c in box.children):
            last = box
    if last is None:
        return None
    return last.element, sum(isinstance(c, LineBox) for c in last.children)


def _paragraph_anchor(element) -> str | None:
    for child in element:
        if PARAGRAPH_ANCHOR_CLASS in (child.get("class") or "").split():
            return child.get("id")
    return None


def squeezed_paragraphs(document: weasyprint.Document, found: list[NotePlacement]) -> dict[str, int]:
    """Paragraphs (by anchor id) that pushed a page's notes over to fit one line more → the
    `orphans` that sends their start to the next page instead."""
    squeezed: dict[str, int] = {}
    for page_number in sorted({p.call_page for p in found if p.call_page and not p.same_page}):
        last = _last_paragraph(document.pages[page_number - 1])
        if last is None:
            continue
        element, lines = last
        orphans = element.get("style", "")  # a repaired paragraph may say it already
        current = int(m.group(1)) if (m := re.search(r"orphans: (\d+)", orphans)) else 2
        anchor = _paragraph_anchor(element)
        if anchor and lines <= current:
            squeezed[anchor] = lines + 1
    return squeezed


def _styled(html: str, start: int, declarations: str) -> str:
    """`html` with CSS `declarations` added to the tag that starts at `start` (a `<p`)."""
    if html.startswith('<p style="', start):
        at = start + len('<p style="')
        existing_end = html.index('"', at)
        existing = re.sub(r"\s*(orphans|widows|break-before): [^;]+;?", "", html[at:existing_end]).strip()
        return f"{html[:at]}{declarations}; {existing}".rstrip("; ") + html[existing_end:]
    return f'{html[:start]}<p style="{declarations}"{html[start + 2:]}'


def with_paragraph_style(html: str, anchor_id: str, declarations: str) -> str:
    """`html` with `declarations` on the paragraph whose anchor is `anchor_id`."""
    anchor = html.find(f'<span id="{anchor_id}" class="{PARAGRAPH_ANCHOR_CLASS}"')
    start = html.rfind("<p", 0, anchor)
    if anchor < 0 or start < 0:
        return html
    return _styled(html, start, declarations)


def with_call_paragraph_style(html: str, note_id: str, declarations: str) -> str:
    """`html` with `declarations` on the paragraph that holds `note_id`'s call."""
    call = html.find(f'<span id="{note_id}" class="footnote"')
    start = html.rfind("<p", 0, call)
    if call < 0 or start < 0 or html[start:start + 3] not in ("<p>", "<p "):
        return html
    return _styled(html, start, declarations)


def problems(found: list[NotePlacement]) -> bool:
    return any(not p.same_page for p in found)


def apply_repairs(html: str, document: weasyprint.Document, found: list[NotePlacement],
                  report: FootnoteReport) -> str:
    """`html` with the repairs for what `found` (placements in `document`) shows wrong."""
    for anchor_id, orphans in squeezed_paragraphs(document, found).items():
        html = with_paragraph_style(html, anchor_id, f"orphans: {orphans}")
        report.repairs.append(f"{anchor_id}: orphans {orphans}")
    for note_id in (p.note_id for p in found if p.note_page is None):
        attempt = report.lost_attempts.get(note_id, 0)
        if attempt < len(LOST_NOTE_REPAIRS):
            html = with_call_paragraph_style(html, note_id, LOST_NOTE_REPAIRS[attempt])
            report.repairs.append(f"{note_id}: {LOST_NOTE_REPAIRS[attempt]}")
            report.lost_attempts[note_id] = attempt + 1
    return html


def repair(render: Callable[[str], weasyprint.Document], html: str, report: FootnoteReport,
           rounds: int = ROUNDS) -> tuple[weasyprint.Document, str, list[NotePlacement]]:
    """Lay out `html` with `render`; while a note is lost or squeezed off its page, repair and lay
    out again, at most `rounds` more times. Returns the last layout, the HTML it was made from,
    and the placements found in it; `report` counts the layouts and lists the repairs."""
    note_ids = footnote_ids(html)
    document = render(html)
    report.layouts += 1
    found = placements(document, note_ids)
    for _ in range(rounds):
        if not problems(found):
            break
        html = apply_repairs(html, document, found, report)
        document = render(html)
        report.layouts += 1
        found = placements(document, note_ids)
    return document, html, found

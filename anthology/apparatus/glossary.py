"""The glossary: `glossary.yml`, the first use of each term in each text linked to its entry, and
the glossary itself as back matter in both outputs.

A term is linked once per text, at its first use in the running text (paragraphs, block quotes,
lists), never in a heading, the opener, a note or an existing link: the first sight of a word is
where a newcomer needs its meaning, and a link in a note would be a pop-up inside a pop-up, which
no reading system shows. The link is `<a class="glossary-term" epub:type="glossref"
role="doc-glossref" href="#gloss-ID">`, the EPUB 3 and DPUB-ARIA markup for "a reference to a
glossary definition"; the glossary is a `dl` whose `dt`/`dd` carry `glossterm`/`glossdef`.

The build also checks the glossary against the texts: a term none of whose forms occurs is a
warning, and so is a list of frequent words and names that have no entry (the editors' to-do list).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape

from .. import doctree
from ..doctree import block_inline_lists, child_blocks, link
from ..errors import ManifestError
from ..sanitise import sanitise
from . import data
from .inlines import TermMatcher, rewrite
from .templating import environment, markdown_blocks

FIELDS = {
    "term": data.Field("text", required=True),
    "id": data.Field("id", required=True),
    "variants": data.Field("texts", required=True),
    "definition": data.Field("text", required=True),
    "see_also": data.Field("ids"),
}
TITLE = "Glossary"


@dataclass
class Term:
    id: str
    term: str
    variants: list[str]
    definition: str
    see_also: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"gloss-{self.id}"


RAW_OUTPUT = re.compile(r"\{=[^}]*\}")
"""Pandoc's raw output (```` ```{=html} ````, `` `…`{=html} ``): on in the glossary's Markdown for the
template's own tags, so a definition, which is placed as it is, may not use it for markup of its own."""


def load_glossary(path) -> list[Term]:
    entries, lines = data.load_entries(path, FIELDS)
    problems = data.check_references(entries, lines, path.name, ("see_also",))
    problems += [f"{path.name}:{lines[i]}: entry {i + 1} (id {e['id']!r}): definition: raw output ({{=…}}) is not "
                 "allowed in a definition; write it in Markdown" for i, e in enumerate(entries)
                 if RAW_OUTPUT.search(e["definition"])]
    if problems:
        raise ManifestError(problems)
    return [Term(e["id"], e["term"], list(e["variants"]), e["definition"], list(e.get("see_also") or []))
            for e in entries]


def glossary_for(book) -> list[Term] | None:
    path = book.apparatus_file("glossary")
    return load_glossary(path) if path else None


def matcher(terms: list[Term]) -> TermMatcher:
    forms: dict[str, str] = {}
    for term in terms:
        for form in term.variants:
            forms.setdefault(form, term.id)
    return TermMatcher(forms)


def running_blocks(blocks: list):
    """The blocks of a text whose inlines are running text: not headings, not the opener."""
    for block in blocks:
        if block["t"] == "Header" or doctree.is_editorial_div(block):
            continue
        yield block


def link_first_uses(text_blocks: list, match: TermMatcher, terms_by_id: dict[str, Term]) -> list[str]:
    """Link the first use of each term in one text; return the ids linked, in order."""
    linked: list[str] = []

    def wrap(found, nodes):
        if found.key in linked:
            return None
        linked.append(found.key)
        term = terms_by_id[found.key]
        return link(f"#{term.anchor}", nodes, classes=["glossary-term"],
                    attributes=[["epub:type", "glossref"], ["role", "doc-glossref"]], title=term.term)

    def enter(node):
        return node["t"] != "Link"

    def visit(blocks):
        for block in blocks:
            lists = block_inline_lists(block)
            if lists is not None:
                for inlines in lists:
                    inlines[:] = rewrite(inlines, match, wrap, enter)
            else:
                for inner in child_blocks(block):
                    visit(inner)

    visit(list(running_blocks(text_blocks)))
    return linked


def plain_text(blocks: list, notes: bool = True) -> str:
    """The words of a text, one block per line (so no match runs across blocks); with its notes
    unless `notes` is false."""
    lines: list[str] = []

    def visit(block):
        lists = block_inline_lists(block)
        if block["t"] == "Header":
            lists = [doctree.header_inlines(block)]
        for inlines in lists or []:
            lines.append(doctree.stringify(inlines))
            for note in (doctree.find_notes(inlines) if notes else ()):
                doctree.walk_blocks(doctree.note_blocks(note), visit)

    doctree.walk_blocks(blocks, visit)
    return "\n".join(lines)


TEMPLATE = "glossary.md.j2"


def glossary_markdown(book, terms: list[Term]) -> str:
    """The glossary section as Pandoc Markdown, from templates/glossary.md.j2."""
    from html import escape

    from ..typography import typogrify

    env = environment(book)
    env.filters["html"] = escape
    # The editors' definitions get the texts' house typography (quotes, dashes, spaces).
    env.filters["typeset"] = lambda markdown: typogrify(markdown, lang=book.language)[0]
    by_id = {t.id: t for t in terms}
    rows = [{"id": t.id, "anchor": t.anchor, "term": t.term, "definition": t.definition.strip(),
             "see_also": [{"term": by_id[o].term, "anchor": by_id[o].anchor} for o in t.see_also]}
            for t in sorted(terms, key=lambda t: sort_key(t.term))]
    return env.get_template(TEMPLATE).render(title=TITLE, terms=rows)


def sort_key(text: str) -> str:
    return re.sub(r"[^\w ]", "", text.casefold())


def glossary_blocks(book, terms: list[Term], cache=None) -> list:
    """The glossary section: a level-1 heading (back matter, id `glossary`) and a `dl` whose
    `dt`/`dd` carry `glossterm`/`glossdef`. Definitions may use Markdown; "See also" links are
    real links, which the EPUB writer points at the right file."""
    return markdown_blocks(glossary_markdown(book, terms), cache)


FREQUENT_ENOUGH = 4          # a candidate must occur at least this often across the texts
RARE_IN_ENGLISH = 2.5        # Zipf frequency below which a word counts as specialist vocabulary
CANDIDATES_SHOWN = 15

_STOP = {"The", "A", "An", "In", "On", "Of", "And", "But", "For", "To", "This", "That", "It", "As", "At", "By",
         "If", "So", "Yet", "When", "While", "With", "Its", "His", "Her", "Their", "Our", "We", "They", "He", "She"}
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w’'\-]+(?:\s+(?:of\s+|the\s+|of\s+the\s+)?[A-Z][\w’'\-]+)+")
_WORD = re.compile(r"\b[^\W\d_][\w’'\-]*\b")


def candidate_counts(text: str, match: TermMatcher) -> Counter:
    """How often each possible term occurs in `text`: capitalised runs (two words or more) and
    lower-case words rare in English, where no glossary form covers them. Counted text by text
    (where the text is read, so the build's own process never loads the word frequencies), summed
    over the book, then filtered by `frequent_candidates`."""
    from ..prose import zipf

    covered = bytearray(len(text))
    for m in match.search_text(text):
        covered[m.start:m.end] = b"\x01" * (m.end - m.start)

    def is_covered(start: int, end: int) -> bool:
        return all(covered[start:end])

    counts: Counter = Counter()
    for m in _CAPITALISED_RUN.finditer(text):
        words = m.group().split()
        while words and words[0] in _STOP:
            words.pop(0)
        if len(words) >= 2 and not is_covered(m.end() - len(" ".join(words)), m.end()):
            counts[" ".join(words)] += 1
    words: Counter = Counter()
    for m in _WORD.finditer(text):
        word = m.group()
        if word.islower() and len(word) > 3 and not is_covered(m.start(), m.end()):
            words[word] += 1
    counts.update({word: n for word, n in words.items() if zipf(word) < RARE_IN_ENGLISH})
    return counts


def frequent_candidates(counts: Counter, limit: int = CANDIDATES_SHOWN) -> list[tuple[str, int]]:
    """The candidates frequent enough to show, most frequent first."""
    scored = [(term, n) for term, n in counts.items() if n >= FREQUENT_ENOUGH]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:limit]


def link_glossary(book, tree: dict, warnings: list[str], facts: dict) -> None:
    """The glossary's text step: link first uses; count in `facts` each term's uses
    ("glossary") and the words and names that could be terms ("glossary-candidates")."""
    terms = glossary_for(book)
    if not terms:
        return
    by_id = {t.id: t for t in terms}
    match = matcher(terms)
    uses, candidates = Counter(), Counter()
    for _, blocks in doctree.texts(tree):
        link_first_uses(blocks, match, by_id)
        uses.update(m.key for m in match.search_text(plain_text(blocks)))
        # Candidates come from the running text only: the notes are mostly citations ("VI Lenin CW Vol").
        candidates += candidate_counts(plain_text(blocks, notes=False), match)
    facts["glossary"] = facts.get("glossary", Counter()) + uses
    facts["glossary-candidates"] = facts.get("glossary-candidates", Counter()) + candidates


def finish_glossary(book, tree: dict, warnings: list[str], facts: dict, cache=None) -> None:
    """The glossary's book step: check the glossary against the whole book's counts, and add it
    as back matter."""
    terms = glossary_for(book)
    if terms is None:
        return
    if not terms:
        warnings.append("glossary: the glossary file has no entries")
        return
    uses = facts.get("glossary") or Counter()
    for term in terms:
        if not uses[term.id]:
            warnings.append(f"glossary: {term.term!r} (id {term.id}) occurs in no text; "
                            f"check its variants ({', '.join(term.variants)}) or remove the entry")
    candidates = frequent_candidates(facts.get("glossary-candidates") or Counter())
    if candidates:
        warnings.append("glossary: frequent terms with no entry (add an entry or a variant if a newcomer needs "
                        "them): " + ", ".join(f"{name} ({n})" for name, n in candidates))
    blocks = glossary_blocks(book, terms, cache)
    # The definitions are the editors' Markdown, placed as they are: held to the allow-lists of a text.
    sanitise(blocks, warnings, book.apparatus_file("glossary").relative_to(book.root).as_posix())
    tree["blocks"].extend(blocks)

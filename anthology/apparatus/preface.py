"""The preface, rendered from `templates/preface.md.j2` with figures computed from the build.

Every number in it is counted here, from the cleaned texts and the cleaning report, never typed:
words and reading times per text (`anthology.words`), and what the cleaning changed (the
report's counts per rule, split into repairs of the source and house typography). The editor's
own prose lives in `templates/preface-introduction.md`; the template places it and the tables.

When the manifest has a reading plan (`meetings:`), the preface gives it as a table and the plan
also gets a page of its own, "Reading plan" (`templates/reading-plan.md.j2`), right after the
preface: meetings, their readings (linked), paragraph numbers, pages, words and reading times,
all measured by `reading_plan`.
"""
from __future__ import annotations

from pathlib import Path

from ..passes import emendations
from ..prose import READING_WORDS_PER_MINUTE, count_words, reading_minutes
from ..typography import rule_ids

TEMPLATE = "preface.md.j2"
PLAN_TEMPLATE = "reading-plan.md.j2"


def reading_time(minutes: int) -> str:
    """`75` → `1 h 15 min`; `40` → `40 min`."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def thousands(number: int) -> str:
    return f"{number:,}"


SMALL_NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                 "fifteen sixteen seventeen eighteen nineteen twenty").split()


def in_words(number: int) -> str:
    """`9` → `nine` (up to twenty; larger numbers stay figures), as prose writes a count."""
    return SMALL_NUMBERS[number] if 0 <= number < len(SMALL_NUMBERS) else f"{number:,}"


def site_name(entry) -> str:
    """Where a text was taken from, as a name ("Marxists Internet Archive"): the manifest's
    `source_name`. Never the address: a web address is not a source's name, and the book must not
    send its readers to a site that may move (the address stays in the manifest for the editors)."""
    return entry.source_name


def typography_rules() -> set[str]:
    return set(rule_ids())


EMENDATION = emendations.RULE
"""The editor's corrections of the source's own errors are counted apart from repairs (which
mend damage) in the preface."""


def text_rows(book, texts, report: dict) -> list[dict]:
    typographic = typography_rules()
    by_id = {t["id"]: t for t in report.get("texts", [])}
    rows = []
    for item in texts:
        entry, doc = item.entry, item.document
        words = count_words(doc.body)
        counts = by_id.get(entry.id, {}).get("rules", {})
        rows.append({
            "id": entry.id,
            "title": entry.title,
            "short_title": entry.short_title or entry.title,
            "subtitle": entry.subtitle,
            "author": entry.author,
            "date": entry.date,
            "published": entry.published,
            "source": site_name(entry),
            "words": words,
            "minutes": reading_minutes(words),
            "reading": reading_time(reading_minutes(words)),
            "notes": doc.body.count("\n[^"),
            "repairs": sum(n for rule, n in counts.items() if rule not in typographic and rule != EMENDATION),
            "emendations": counts.get(EMENDATION, 0),
            "emendations_marked": doc.body.count("]{.emendation}"),
            "typography": sum(n for rule, n in counts.items() if rule in typographic),
            "words_removed": by_id.get(entry.id, {}).get("words_removed", 0),
            "rules": counts,
        })
    return rows


def preface_markdown(book, texts, report: dict, texts_ast: dict | None = None, plan=None) -> str:
    """The preface as Pandoc Markdown: a level-1 section `# Preface {#preface}` to go before the
    first text (and after it the reading plan's page, `# Reading plan {#reading-plan}`, if the
    manifest has one). `texts` are the pipeline's AssembledText items; `report` is
    `anthology.report.report_data(book, texts)`; `plan` the reading plan if the caller has
    measured it, else it is measured on `texts_ast` (the texts as the book has them, if the
    caller has them; else parsed again)."""
    from ..errors import ProjectFileError
    from ..project import inside_project, project_name
    from ..templating import environment
    from .reading_plan import plan_for_preface

    env = environment(book.design_root / "templates", markdown=True)
    env.filters["thousands"] = thousands
    env.filters["reading_time"] = reading_time
    env.filters["in_words"] = in_words
    env.filters["unbroken"] = lambda text: str(text).replace(" ", "\u00a0")
    templates = Path(book.root) / "templates"

    def include_raw(name: str) -> str:
        """A file from templates/ placed as it is (not read as a template, so the editor's
        Markdown may use `{#id}` attributes freely)."""
        path = inside_project(book.root, templates / name)  # a link out of the project is refused
        if not path.is_relative_to(templates.resolve()):
            raise ProjectFileError(f"{project_name(book.root, templates / name)}: include_raw() reads only "
                                   "files in templates/; move the file there")
        return path.read_text(encoding="utf-8").strip() if path.is_file() else ""

    env.globals["include_raw"] = include_raw
    rows = text_rows(book, texts, report)
    total_words = sum(r["words"] for r in rows)
    total = {
        "words": total_words,
        "reading": reading_time(sum(r["minutes"] for r in rows)),
        "repairs": sum(r["repairs"] for r in rows),
        "emendations": sum(r["emendations"] for r in rows),
        "emendations_marked": sum(r["emendations_marked"] for r in rows),
        "typography": sum(r["typography"] for r in rows),
        "words_removed": sum(r["words_removed"] for r in rows),
    }
    plan = plan if plan is not None else plan_for_preface(book, texts, texts_ast)
    figures = dict(book=book.meta, texts=rows, total=total, words_per_minute=READING_WORDS_PER_MINUTE,
                   plan=plan, paragraph_numbers=book.paragraph_numbers)
    preface = env.get_template(TEMPLATE).render(**figures)
    if not plan:
        return preface
    return preface.rstrip("\n") + "\n\n" + env.get_template(PLAN_TEMPLATE).render(**figures)

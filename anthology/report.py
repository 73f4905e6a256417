"""The cleaning report: every change the cleaner made, per text, with counts per rule and each
rule's one-line reason, as JSON (for tests and tools) and HTML (for the editor, readable in ten
minutes)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from . import inputs, opener, passes, sources, typography
from .outputs import write_text
from .prose import count_words
from .templating import environment


def rule_reasons() -> dict[str, str]:
    """The one-line reason of every rule that logs changes, by id: the decoding's (mojibake), the
    readers', the cleaning passes', the opener's and the house typography's."""
    return {**inputs.REASONS, **sources.reasons(), **passes.reasons(), **opener.REASONS, **typography.reasons()}


def report_data(book, texts) -> dict:
    """The report's data: per text, its counts per rule and every change; `reasons` gives the
    one-line reason of each rule in it (a rule whose code gives none is left out)."""
    data = {"texts": []}
    for item in texts:
        doc = item.document
        counts = Counter(change.rule for change in doc.changes)
        data["texts"].append({
            "id": item.entry.id,
            "title": item.entry.title,
            "words": count_words(doc.body),
            "words_removed": sum(c.words_removed for c in doc.changes),
            "rules": dict(sorted(counts.items())),
            "changes": [
                {"rule": c.rule, "before": c.before, "after": c.after, "where": c.where, "words_removed": c.words_removed}
                for c in doc.changes
            ],
        })
    known = rule_reasons()
    used = sorted({rule for text in data["texts"] for rule in text["rules"]})
    data["reasons"] = {rule: known[rule] for rule in used if rule in known}
    return data


def write_reports(book, texts, staging) -> dict:
    data = report_data(book, texts)
    write_text(staging.path("cleaning-report.json"), json.dumps(data, ensure_ascii=False, indent=1))
    env = environment(book.design_root / "templates")
    write_text(staging.path("cleaning-report.html"), env.get_template("cleaning-report.html.j2").render(book=book.meta, data=data))
    return data

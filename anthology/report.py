"""The cleaning report: every change the cleaner made, per text, with counts per rule, as JSON
(for tests and tools) and HTML (for the editor, readable in ten minutes)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .outputs import write_text
from .prose import count_words


def report_data(book, texts) -> dict:
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
    return data


def write_reports(book, texts, staging) -> dict:
    data = report_data(book, texts)
    write_text(staging.path("cleaning-report.json"), json.dumps(data, ensure_ascii=False, indent=1))
    env = Environment(loader=FileSystemLoader(book.root / "templates"), autoescape=select_autoescape(["html", "j2"]))
    write_text(staging.path("cleaning-report.html"), env.get_template("cleaning-report.html.j2").render(book=book.meta, data=data))
    return data

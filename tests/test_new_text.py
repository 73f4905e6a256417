"""A sixth text in a known format builds by editing the manifest alone: no code change."""
from __future__ import annotations

import pytest
import yaml

from anthology.pipeline import build
from epub_tools import Epub

pytestmark = pytest.mark.book  # builds the whole anthology's EPUB with a sixth text

SIXTH = """#title On Planning
#author A. N. Other
#date 1931

*** The First Question

The question of the plan is put in every factory.[1] Nobody can say who first asked it, but
everyone in the meeting had an answer, and each answer was a different one.

It was asked again in the next year, and in the year after that.

[1] A note about the factories.
"""


def test_sixth_text_builds_from_the_manifest_alone(project_copy):
    (project_copy / "texts" / "on-planning.muse").write_text(SIXTH, encoding="utf-8")
    manifest = project_copy / "anthology.yml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    data["texts"].append({"id": "on-planning", "file": "texts/on-planning.muse", "format": "muse",
                          "title": "On Planning", "author": "A. N. Other", "date": "1931"})
    data["meetings"].append({"title": "On planning", "read": ["on-planning"]})  # every text is read once
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    result = build(manifest, only="epub")
    epub = Epub(result.outputs["epub"])
    assert epub.text_ids()[-1] == "on-planning"
    assert epub.headings("on-planning", 2) == ["The First Question"]
    assert len(epub.notes("on-planning")) == 1
    assert any(p.startswith("It was asked again") for p in epub.paragraphs("on-planning"))

#!/usr/bin/env python3
"""Write docs/manifest.md's tables of reader options, editorial keys and cleaning-pass settings from
the contracts the readers and passes declare (`CONTRACT` in `anthology/sources/<format>.py` and
`anthology/passes/<name>/`), so that the docs say what the code checks.

Only the text between `<!-- contract: NAME … -->` and `<!-- /contract: NAME -->` is written (NAME
is a format, `cleaning` for the passes, or `profile` for the source profiles' keys); the prose
around it is the editor's. Every format, the passes and the profiles must have their block. tests/test_contracts.py fails when the file differs from what
this script writes.

    python scripts/manifest_docs.py           # rewrite docs/manifest.md
    python scripts/manifest_docs.py --check   # exit 1 if docs/manifest.md is out of date
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "manifest.md"
sys.path.insert(0, str(ROOT))

from anthology.contracts import markdown_table, profile_fields, profile_table  # noqa: E402
from anthology.passes import PASSES  # noqa: E402
from anthology.passes import contract as pass_contract  # noqa: E402
from anthology.sources import FORMATS  # noqa: E402
from anthology.sources import contract as reader_contract  # noqa: E402

BLOCK = re.compile(r"(?P<open><!-- contract: (?P<name>[\w-]+)\b[^\n]*-->\n)(?P<body>.*?)(?P<close><!-- /contract: (?P=name) -->)",
                   re.S)


def section(name: str) -> str:
    """The generated Markdown for one block."""
    if name in FORMATS:
        return markdown_table(reader_contract(name))
    if name == "cleaning":
        rows = ["| pass | what it does |", "|---|---|"]
        rows += [f"| `{pass_name}` | {pass_contract(pass_name).meaning} |" for pass_name in PASSES]
        parts = ["\n".join(rows)]
        for pass_name in PASSES:
            parts.append(f"Settings of `{pass_name}` (`cleaning: {{{pass_name}: …}}`; file names are relative to "
                         "the project folder):")
            parts.append(markdown_table(pass_contract(pass_name), option_word="setting"))
        return "\n\n".join(parts)
    if name == "profile":
        return profile_table(profile_fields({fmt: reader_contract(fmt) for fmt in FORMATS}))
    raise KeyError(f"docs/manifest.md: no contract named {name!r} (formats: {', '.join(FORMATS)}; cleaning; or profile)")


def generate(text: str) -> str:
    """`text` with every contract block rewritten from the declarations."""
    found = []

    def fill(match: re.Match) -> str:
        found.append(match["name"])
        return f"{match['open']}{section(match['name'])}\n{match['close']}"

    out = BLOCK.sub(fill, text)
    missing = [name for name in (*FORMATS, "cleaning", "profile") if name not in found]
    if missing:
        raise ValueError(f"docs/manifest.md has no block for {', '.join(missing)}: add "
                         f"`<!-- contract: NAME -->` … `<!-- /contract: NAME -->` where its tables belong")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report whether docs/manifest.md is up to date")
    args = parser.parse_args(argv)
    text = DOCS.read_text(encoding="utf-8")
    wanted = generate(text)
    if wanted == text:
        return 0
    if args.check:
        print("docs/manifest.md is out of date: run python scripts/manifest_docs.py", file=sys.stderr)
        return 1
    DOCS.write_text(wanted, encoding="utf-8")
    print("docs/manifest.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())

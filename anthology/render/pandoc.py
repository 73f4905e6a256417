"""Running Pandoc (the pypandoc-binary wheel, so no system pandoc is needed), always sandboxed.

`--sandbox` stops a hostile source text from making Pandoc read local files or fetch URLs (an
`![](file:///etc/passwd)` image, an `@import`); the files it needs are passed on the command line.
Raw HTML and TeX are switched off in the reader so that markup pasted from a web page is shown as
text, never executed or fetched.
"""
from __future__ import annotations

from pathlib import Path

import pypandoc

MARKDOWN = "markdown-raw_html-raw_tex-raw_attribute-smart"
"""The typography pass has already set every quote and dash; `smart` would second-guess it."""


def convert(text: str, to: str, *, args: list[str] | None = None, outputfile: Path | None = None,
            filters: list[Path] | None = None) -> str:
    extra = ["--sandbox", *(args or [])]
    return pypandoc.convert_text(
        text, to, format=MARKDOWN, extra_args=extra,
        outputfile=str(outputfile) if outputfile else None,
        filters=[str(f) for f in filters or []],
        sandbox=False,  # pypandoc's own flag would add --sandbox a second time
    )

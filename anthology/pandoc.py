"""Running Pandoc (the binary in the pypandoc-binary wheel, so no system pandoc is needed),
always sandboxed.

`--sandbox` stops a hostile source text from making Pandoc read local files or fetch URLs (an
`![](file:///etc/passwd)` image); the few files it needs are passed on the command line. Raw HTML
and TeX are switched off in the reader, so markup pasted from a web page is shown as text, never
executed or fetched. Pandoc is called directly rather than through `pypandoc.convert_text` so that
its environment (SOURCE_DATE_EPOCH, for reproducible EPUBs) is ours to set per call.
"""
from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path


MARKDOWN = "markdown-raw_html-raw_tex-raw_attribute-smart"
"""The typography pass has already set every quote and dash; `smart` would second-guess it."""


FILTERS = Path(__file__).with_name("filters")
"""The Lua filters the build gives Pandoc."""
SAFETY_FILTER = FILTERS / "no_external_images.lua"
"""Run wherever Markdown is read. A JSON AST is the build's own, made from Markdown that went
through it, so writing one out skips it (it costs a quarter of a second on the whole book)."""


class PandocError(RuntimeError):
    pass


@cache
def pandoc_path() -> str:
    # pypandoc (which imports urllib, email, ssl …) is loaded only when Pandoc is first run: a
    # no-op build, which only loads the manifest, does not need it.
    import pypandoc

    return pypandoc.get_pandoc_path()


def convert(text: str, to: str, *, args: list[str] | None = None, outputfile: Path | None = None,
            filters: list[Path] | None = None, source_date_epoch: str | None = None,
            from_format: str = MARKDOWN) -> str:
    command = [pandoc_path(), "--sandbox", f"--from={from_format}", f"--to={to}", *(args or [])]
    safety = [SAFETY_FILTER] if from_format != "json" else []
    command += [f"--lua-filter={f}" for f in [*safety, *(filters or [])]]
    if outputfile:
        command.append(f"--output={outputfile}")
    env = dict(os.environ)
    if source_date_epoch:
        env["SOURCE_DATE_EPOCH"] = source_date_epoch
    done = subprocess.run(command, input=text.encode("utf-8"), capture_output=True, env=env)
    if done.returncode != 0:
        raise PandocError(f"Pandoc failed ({to}): {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout.decode("utf-8")

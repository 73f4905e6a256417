"""Running Pandoc (the binary in the pypandoc-binary wheel, so no system pandoc is needed),
always sandboxed.

`--sandbox` stops a hostile source text from making Pandoc read local files or fetch URLs (an
`![](file:///etc/passwd)` image); the few files it needs are passed on the command line. Raw HTML
and TeX are switched off in the reader, so markup pasted from a web page is shown as text, never
executed or fetched. Pandoc is called directly rather than through `pypandoc.convert_text` so that
its environment (SOURCE_DATE_EPOCH, for reproducible EPUBs) is ours to set per call.

Where Pandoc reads a source (anything but the build's own JSON), it runs under a memory and a time
limit: its Muse reader loops on an unclosed `<verse>`, taking 200 MB a second, and its Markdown
reader takes exponential time over brackets (anthology.limits keeps those out; the limits catch
what it does not foresee). A failure is a PandocError that keeps what Pandoc was given and the
line it names, for the build to name the source's line.
"""
from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
from functools import cache
from pathlib import Path


MARKDOWN = "markdown-raw_html-raw_tex-raw_attribute-native_divs-native_spans-smart"
"""The typography pass has already set every quote and dash; `smart` would second-guess it.
`native_divs` and `native_spans` are off with raw HTML: a `<div>` or `<span>` left in a source (an
OCR'd page, a pasted web page) is its words, never structure (the build's own Markdown makes divs
and spans with `:::` and `[…]{…}`)."""


FILTERS = Path(__file__).with_name("filters")
"""The Lua filters the build gives Pandoc."""
SAFETY_FILTER = FILTERS / "no_external_images.lua"
"""Run wherever Markdown is read. A JSON AST is the build's own, made from Markdown that went
through it, so writing one out skips it (it costs a quarter of a second on the whole book).
Read into JSON, a source is first read without it, and again with it only if it holds an image
(`json_holds`): almost none does, and the filter's pass over the tree costs a quarter of Pandoc's
run on a long text (0.1 of 0.42 s on Trotsky's); the output is the same either way."""


READ_SECONDS = 120
"""How long Pandoc may take to read a source: the longest text here takes 0.4 s, one of 5 MB (the
size limit for a text) under 10 s."""
READ_MEMORY_MB = 1536
"""Pandoc's heap when it reads a source (+RTS -M): a text of 5 MB needs about 600 MB."""


class PandocError(RuntimeError):
    """Pandoc failed. `document` is what it was given, `line` the line of it Pandoc names (0: none),
    `reason` what it says is wrong, in one line."""

    def __init__(self, message: str, document: str = "", line: int = 0, reason: str = ""):
        super().__init__(message)
        self.document, self.line, self.reason = document, line, reason or message


@cache
def pandoc_path() -> str:
    # pypandoc (which imports urllib, email, ssl …) is loaded only when Pandoc is first run: a
    # no-op build, which only loads the manifest, does not need it.
    import pypandoc

    return pypandoc.get_pandoc_path()


def convert(text: str | bytes, to: str, *, args: list[str] | None = None, outputfile: Path | None = None,
            filters: list[Path] | None = None, source_date_epoch: str | None = None,
            from_format: str = MARKDOWN, nice: int = 0) -> str:
    """`text` converted by Pandoc; `nice`: how far below the build's own processes Pandoc runs
    (the `nice` value added), for a conversion that should take only the CPU they leave."""
    reading = from_format != "json"  # a source, not the build's own tree
    # Read into JSON, a source gets `SAFETY_FILTER` only if it holds an image: it is then read again.
    filtered_if_needed = reading and to == "json" and not filters and not outputfile
    safety = [SAFETY_FILTER] if reading and not filtered_if_needed else []
    output = _convert(text, to, args, [*safety, *(filters or [])], outputfile, source_date_epoch, from_format, nice)
    if filtered_if_needed and json_holds(output, "Image"):
        output = _convert(text, to, args, [SAFETY_FILTER], outputfile, source_date_epoch, from_format, nice)
    return output


def json_holds(ast_json: str, kind: str) -> bool:
    """Whether an AST's JSON (as Pandoc or json.dumps writes it) holds a node of type `kind`: a
    Str cannot hold these quotes unescaped, so only a node matches."""
    return re.search(rf'"t":\s?"{kind}"', ast_json) is not None


def _convert(text: str | bytes, to: str, args: list[str] | None, filters: list[Path], outputfile: Path | None,
             source_date_epoch: str | None, from_format: str, nice: int = 0) -> str:
    command = [pandoc_path(), "--sandbox", f"--from={from_format}", f"--to={to}", *(args or [])]
    reading = from_format != "json"
    if reading:
        command[1:1] = ["+RTS", f"-M{READ_MEMORY_MB}m", "-RTS"]
    command += [f"--lua-filter={f}" for f in filters]
    if outputfile:
        command.append(f"--output={outputfile}")
    env = dict(os.environ)
    if source_date_epoch:
        env["SOURCE_DATE_EPOCH"] = source_date_epoch
    try:
        # a DOCX, an ODT or an EPUB is given as its bytes: Pandoc reads those from stdin too
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        returncode, stdout, stderr = _run(command, data, env, READ_SECONDS if reading else None, nice)
    except subprocess.TimeoutExpired:
        raise PandocError(f"Pandoc failed ({to}): still reading after {READ_SECONDS} s", text,
                          reason=f"it was still reading after {READ_SECONDS} s") from None
    if returncode != 0:
        message = stderr.decode("utf-8", "replace").strip()
        raise PandocError(f"Pandoc failed ({to}): {message}", text, *_where_and_why(message))
    return stdout.decode("utf-8")


def _where_and_why(message: str) -> tuple[int, str]:
    """The line Pandoc's error names (0: none) and what it says is wrong, in one line."""
    located = re.search(r"\(line (\d+), column \d+\):\s*\n(.*)", message)
    if located:
        return int(located.group(1)), located.group(2).strip()
    if "Heap exhausted" in message:
        return 0, f"it needed more than its {READ_MEMORY_MB} MB of memory"
    return 0, next((line.strip() for line in message.splitlines() if line.strip()), "no reason given")


class Running:
    """The Pandocs this process runs, so that an interrupted build can end them (`stop`): they
    run in threads the build would otherwise wait for, and one started after Ctrl-C never got it."""

    def __init__(self):
        self.lock = threading.RLock()  # re-entered by a signal handler that interrupts `_run`
        self.processes: set[subprocess.Popen] = set()
        self.stopped = False


RUNNING = Running()


def stop(stopped: bool = True) -> None:
    """End every Pandoc running, and start no other until `stop(False)`: a conversion raises
    KeyboardInterrupt, the build having been interrupted (so it is, even where the first
    KeyboardInterrupt was lost: Python drops one raised in a `__del__`)."""
    with RUNNING.lock:
        RUNNING.stopped = stopped
        for process in RUNNING.processes if stopped else ():
            process.kill()


def run_program(command: list[str], stdin: bytes, *, nice: int = 0) -> tuple[int, bytes, bytes]:
    """Another program run as Pandoc is run: stopped with the build (`stop`), at priority `nice`.
    Returns its exit status, its output and its error output."""
    return _run(command, stdin, dict(os.environ), None, nice)


def _run(command: list[str], stdin: bytes, env: dict, timeout: float | None = None,
         nice: int = 0) -> tuple[int, bytes, bytes]:
    """`subprocess.run`, with the process known to `stop` while it runs; past `timeout` seconds it
    is ended (subprocess.TimeoutExpired). With `nice`, the process's priority is lowered that much
    (where the system lets it: else it runs as it is)."""
    with RUNNING.lock:
        if RUNNING.stopped:
            raise KeyboardInterrupt("Pandoc was not run: the build was interrupted")
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=env)
        RUNNING.processes.add(process)
    if nice:
        with contextlib.suppress(OSError, AttributeError):  # AttributeError: no setpriority (Windows)
            os.setpriority(os.PRIO_PROCESS, process.pid, os.getpriority(os.PRIO_PROCESS, 0) + nice)
    with process:
        try:
            stdout, stderr = process.communicate(stdin, timeout=timeout)
        except BaseException:  # Ctrl-C in this thread, or the timeout: end it, as subprocess.run does
            process.kill()
            raise
        finally:
            with RUNNING.lock:
                RUNNING.processes.discard(process)
    return process.returncode, stdout, stderr

"""The command line: `python build.py [options]` and `python build.py clean <text-id>`."""
from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
import traceback
from pathlib import Path

from . import pandoc
from .errors import AnthologyError
from .progress import Progress

DESCRIPTION = """Build the anthology: read the texts named in anthology.yml, clean them, and write
the EPUB and the print PDF into output/ (plus output/clean/<id>.md for each cleaned text and
output/cleaning-report.html listing every change the cleaner made)."""


class ArgumentsError(AnthologyError):
    """An argument build.py cannot use; found before any work starts."""

    exit_code = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse, whose errors (usage, then the problem, then exit) become one ArgumentsError naming
    the option: `--jobs: must be a whole number from 1, not '0'`."""

    def error(self, message: str):
        raise ArgumentsError(re.sub(r"^argument (?:-\w/)?(-?-?[\w-]+): ", r"\1: ", message))


def at_least_one(value: str) -> int:
    """A whole number from 1 (`--jobs`, `--booklet`)."""
    if not re.fullmatch(r"\s*\d+\s*", value) or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, at least 1, not {value!r}")
    return int(value)


def proof_pages(value: str) -> list[int]:
    """`--proof 1,5,7-9`: the pages, checked before the build (past the PDF's end: after it)."""
    from .render.pdf.proof import ProofError, parse_pages

    try:
        return parse_pages(value)
    except ProofError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="build.py", description=DESCRIPTION)
    p.add_argument("--manifest", type=Path, default=Path("anthology.yml"),
                   help="the manifest to build from (default: anthology.yml)")
    p.add_argument("--only", choices=["epub", "pdf"], help="build only the EPUB or only the PDF")
    p.add_argument("--check", action="store_true",
                   help="after building, validate the EPUB with EPUBCheck and check the print index; any "
                        "EPUBCheck error or warning, or any print index warning, fails the build")
    p.add_argument("--proof", nargs="?", const="", type=proof_pages, metavar="PAGES",
                   help="after building, render PDF pages to PNG in output/proof/ with a contact sheet "
                        "(default: a chosen set of pages; or e.g. 1,5,7-9)")
    p.add_argument("--booklet", nargs="?", const=0, type=at_least_one, metavar="SHEETS",
                   help="also write output/<name>-booklet.pdf: the A5 book imposed two-up on A4 for "
                        "saddle-stitch printing (duplex, flip on the short edge); optionally in "
                        "signatures of SHEETS sheets")
    p.add_argument("--fresh", action="store_true", help="ignore the build cache and redo every stage")
    p.add_argument("-j", "--jobs", type=at_least_one, metavar="N",
                   help="work on N texts or parts of the book at once, in N processes (default: one per "
                        "core; 1 runs everything in this process)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors and warnings")
    p.add_argument("-v", "--verbose", action="store_true", help="show a traceback when something fails")
    sub = p.add_subparsers(dest="command")
    clean = sub.add_parser("clean", help="print one text's cleaned Markdown and stop")
    clean.add_argument("text_id", help="the text's id in the manifest")
    add = sub.add_parser("add", help="add a text: copy FILE into texts/ and append its entry to the manifest",
                         description="Add a text to the book: tell its format, read the metadata it carries, "
                                     "copy it into texts/ if it is not in the project, and append its entry to "
                                     "the manifest's texts: (its comments and layout kept), leaving out what the "
                                     "file says itself. Nothing is changed if it cannot be added.")
    add.add_argument("file", type=Path, help="the text's file (.muse, .md, .html, .docx, .odt, .epub, .rst, .org, "
                                             ".tex, or .txt: a web save or an OCR dump, told by its shape)")
    add.add_argument("--id", dest="text_id", metavar="ID", help="the text's id (default: made from its title or file name)")
    add.add_argument("--format", dest="text_format", metavar="FMT", help="the reader to use, whatever the file's extension says")
    add.add_argument("--manifest", dest="add_manifest", type=Path, metavar="MANIFEST",
                     help="the manifest to add it to (default: anthology.yml)")
    for key in ("title", "author", "date"):
        add.add_argument(f"--{key}", help=f"the text's {key}, where the file does not give it (written into the entry)")
    return p


INTERRUPTED = "interrupted; output/ is as it was"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM, raised in the build's main thread (see `Interruptible`)."""


class Interruptible:
    """SIGINT and SIGTERM stop the build: every Pandoc this process runs is ended (and any other
    refused: see pandoc.stop), then `Interrupted` unwinds the build, which stops the worker
    processes and removes the temporary and staging folders on the way. A second signal while it
    unwinds (a second Ctrl-C) is ignored, so that clean-up, which takes about a second, is not
    cut short and leaves nothing behind.

    Python drops an exception raised in a `__del__` (the signal may come while one runs, or the
    interruption of a thread, see workers.InProcess.stop): nothing is printed, the build goes on
    to its next Pandoc, which raises the interruption again, and the signals are listened to again."""

    def __init__(self):
        self.signum: int | None = None
        self.previous: dict = {}
        self.unraisable_hook = None

    def __enter__(self) -> "Interruptible":
        if threading.current_thread() is threading.main_thread():  # signals reach the main thread only
            self.previous = {stop: signal.signal(stop, self.interrupt) for stop in STOP_SIGNALS}
            self.unraisable_hook, sys.unraisablehook = sys.unraisablehook, self.dropped
        return self

    def __exit__(self, *exc) -> None:
        if self.previous:
            pandoc.stop(False)
            sys.unraisablehook = self.unraisable_hook
            for stop, handler in self.previous.items():
                signal.signal(stop, handler)

    def interrupt(self, signum, frame) -> None:
        for stop in STOP_SIGNALS:
            signal.signal(stop, signal.SIG_IGN)
        self.signum = signum
        pandoc.stop()
        raise Interrupted(signum)

    def dropped(self, unraisable) -> None:
        if isinstance(unraisable.exc_value, Interrupted):
            for stop in STOP_SIGNALS:
                signal.signal(stop, self.interrupt)
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            self.unraisable_hook(unraisable)


def main(argv: list[str] | None = None) -> int:
    """`build.py`; Ctrl-C or SIGTERM prints one line and exits 130 or 143 (128 + the signal)."""
    interruption = Interruptible()
    try:
        with interruption:
            return _main(argv)
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 128 + (interruption.signum or signal.SIGINT)


def _main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except ArgumentsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    progress = Progress(quiet=args.quiet)
    try:
        if args.command == "clean":
            from .pipeline import clean_one
            sys.stdout.write(clean_one(args.manifest, args.text_id))
            return 0
        if args.command == "add":
            from .adding import add_text, review
            added = add_text(args.add_manifest or args.manifest, args.file, text_id=args.text_id,
                             fmt=args.text_format, given={"title": args.title, "author": args.author, "date": args.date})
            for line in review(added):
                say(line)
            return 0
        from .pipeline import build
        result = build(args.manifest, only=args.only, progress=progress, use_cache=not args.fresh, jobs=args.jobs)
        return _finish(args, result, say)
    except AnthologyError as exc:
        if args.verbose:
            traceback.print_exc()
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # a bug, not bad input: still one clear line
        if args.verbose:
            traceback.print_exc()
        print(f"error: {internal_error(exc, progress.current)}", file=sys.stderr)
        return 1


def _finish(args: argparse.Namespace, result, say) -> int:
    """After the build: its warnings and outputs, then the proof, the booklet and the check asked for."""
    if result.warnings:
        print(f"{len(result.warnings)} warning(s):", file=sys.stderr)
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    for kind, path in result.outputs.items():
        size = path.stat().st_size / 1024
        pages = f", {result.pages} pages" if kind == "pdf" and result.pages else ""
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        say(f"{kind.upper():5} {shown} ({size:.0f} KB{pages})")
    say(f"cleaning report: {result.book.root / 'output' / 'cleaning-report.html'}")
    if args.proof is not None and "pdf" in result.outputs:
        from .render.pdf.proof import ProofError, make_proof
        try:
            made = make_proof(result.outputs["pdf"], result.book.root / "output" / "proof", args.proof or None)
        except ProofError as exc:  # a page past the end, known only now the PDF is built
            print(f"error: --proof: {exc}", file=sys.stderr)
            return 2
        say(f"proof  {made[-1]} ({len(made) - 1} pages)")
    if args.booklet is not None and "pdf" in result.outputs:
        from .outputs import atomic_path
        from .render.pdf.booklet import impose
        target = result.outputs["pdf"].with_name(result.outputs["pdf"].stem + "-booklet.pdf")
        with atomic_path(target) as part:
            sheets = impose(result.outputs["pdf"], part, sheets_per_signature=args.booklet or None)
        say(f"booklet {target.name} ({sheets} A4 sheets, print duplex, flip on the short edge)")
    failed = False
    if args.check and "pdf" in result.outputs:
        from .apparatus.index_print import checked_warnings
        problems = checked_warnings(result.warnings)  # printed above, as warnings
        if problems:
            print(f"error: the print index has {len(problems)} problem(s) in {result.outputs['pdf'].name}",
                  file=sys.stderr)
            failed = True
    if args.check and "epub" in result.outputs:
        from .validate import epubcheck
        findings = epubcheck(result.outputs["epub"])
        for finding in findings:
            print(f"epubcheck: {finding}", file=sys.stderr)
        if findings:
            print(f"error: EPUBCheck found {len(findings)} problem(s) in {result.outputs['epub'].name}", file=sys.stderr)
            return 1
        say("EPUBCheck: no errors or warnings")
    if failed:
        return 1
    say(f"done in {result.timings['total']:.1f} s")
    return 0


def internal_error(exc: Exception, stage: str | None) -> str:
    """One line for a failure no one foresaw: the stage it happened in, the text the build was
    working on (pipeline.working_on notes it), and what it was; -v shows the traceback."""
    texts = [note.removeprefix("while working on ") for note in getattr(exc, "__notes__", [])
             if note.startswith("while working on ")]
    where = (f" in {stage!r}" if stage else "") + (f", on {texts[-1]}" if texts else "")
    what = next(iter(str(exc).splitlines()), "")
    return (f"internal error{where}: {type(exc).__name__}: {what} (a bug in the build, not in its input; run with "
            f"-v for the traceback)")

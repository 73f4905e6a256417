"""The command line: `python build.py [options]` and `python build.py clean <text-id>`."""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from .errors import AnthologyError

DESCRIPTION = """Build the anthology: read the texts named in anthology.yml, clean them, and write
the EPUB and the print PDF into output/ (plus output/clean/<id>.md for each cleaned text and
output/cleaning-report.html listing every change the cleaner made)."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION)
    p.add_argument("--manifest", type=Path, default=Path("anthology.yml"),
                   help="the manifest to build from (default: anthology.yml)")
    p.add_argument("--only", choices=["epub", "pdf"], help="build only the EPUB or only the PDF")
    p.add_argument("--check", action="store_true",
                   help="after building, validate the EPUB with EPUBCheck; any error or warning fails the build")
    p.add_argument("--proof", nargs="?", const="", metavar="PAGES",
                   help="after building, render PDF pages to PNG in output/proof/ with a contact sheet "
                        "(default: a chosen set of pages; or e.g. 1,5,7-9)")
    p.add_argument("--booklet", nargs="?", const=0, type=int, metavar="SHEETS",
                   help="also write output/<name>-booklet.pdf: the A5 book imposed two-up on A4 for "
                        "saddle-stitch printing (duplex, flip on the short edge); optionally in "
                        "signatures of SHEETS sheets")
    p.add_argument("--fresh", action="store_true", help="ignore the build cache and redo every stage")
    p.add_argument("-j", "--jobs", type=int, metavar="N",
                   help="work on N texts or parts of the book at once, in N processes (default: one per "
                        "core; 1 runs everything in this process)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors and warnings")
    p.add_argument("-v", "--verbose", action="store_true", help="show a traceback when something fails")
    sub = p.add_subparsers(dest="command")
    clean = sub.add_parser("clean", help="print one text's cleaned Markdown and stop")
    clean.add_argument("text_id", help="the text's id in the manifest")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    try:
        if args.command == "clean":
            from .pipeline import clean_one
            sys.stdout.write(clean_one(args.manifest, args.text_id))
            return 0
        from .pipeline import build
        from .progress import Progress
        result = build(args.manifest, only=args.only, progress=Progress(quiet=args.quiet), use_cache=not args.fresh,
                       jobs=args.jobs)
    except AnthologyError as exc:
        if args.verbose:
            traceback.print_exc()
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # an unexpected failure still gets one clear line
        if args.verbose:
            traceback.print_exc()
        print(f"error: the build failed: {type(exc).__name__}: {exc} (run with -v for details)", file=sys.stderr)
        return 1
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
        from .render.pdf.proof import make_proof, parse_pages
        made = make_proof(result.outputs["pdf"], result.book.root / "output" / "proof", parse_pages(args.proof) or None)
        say(f"proof  {made[-1]} ({len(made) - 1} pages)")
    if args.booklet is not None and "pdf" in result.outputs:
        from .outputs import atomic_path
        from .render.pdf.booklet import impose
        target = result.outputs["pdf"].with_name(result.outputs["pdf"].stem + "-booklet.pdf")
        with atomic_path(target) as part:
            sheets = impose(result.outputs["pdf"], part, sheets_per_signature=args.booklet or None)
        say(f"booklet {target.name} ({sheets} A4 sheets, print duplex, flip on the short edge)")
    if args.check and "epub" in result.outputs:
        from .validate import epubcheck
        findings = epubcheck(result.outputs["epub"])
        for finding in findings:
            print(f"epubcheck: {finding}", file=sys.stderr)
        if findings:
            print(f"error: EPUBCheck found {len(findings)} problem(s) in {result.outputs['epub'].name}", file=sys.stderr)
            return 1
        say("EPUBCheck: no errors or warnings")
    say(f"done in {result.timings['total']:.1f} s")
    return 0

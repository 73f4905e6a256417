#!/usr/bin/env python3
"""Where the print edition's layout time goes: every part of a cold build laid out one after the
other in this process (`--jobs 1`), with the CPU time each layout took, and with `--cprofile` the
functions all of them spent it in.

    .venv/bin/python benchmarks/profile_parts.py [--cprofile] [--top 30]

The build runs once, cold, on a copy of the project. Each part is listed in the order the build
lays it out: the texts, the front matter, preface and reading plan (measured with placeholder
page numbers), the glossary and the index, then the parts laid out again with their page numbers
and the folio overlays. cProfile slows Python-heavy code three to five times more than WeasyPrint's
calls into Pango, so its shares are a map of where to look, not a measure: time a change with
`benchmarks/bench.py`. Not a test: the figures are the machine's.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import copy_project  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cprofile", action="store_true", help="profile the layouts and list the costliest functions")
    parser.add_argument("--top", type=int, default=30, help="functions listed with --cprofile")
    args = parser.parse_args()

    from anthology.pipeline import build
    from anthology.progress import Progress
    from anthology.render import weasy_stylesheets
    from anthology.render.pdf import edition, part_layout

    laid_out: list[tuple[str, float, int]] = []
    profile = cProfile.Profile() if args.cprofile else None
    lay_out = part_layout.lay_out

    def timed(task):
        started = time.process_time()
        if profile is not None:
            profile.enable()
        try:
            part = lay_out(task)
        finally:
            if profile is not None:
                profile.disable()
        laid_out.append((task.name, time.process_time() - started, part.pages))
        return part

    edition.lay_out = timed  # the name the print edition submits its layouts by
    with tempfile.TemporaryDirectory(prefix="anthology-profile-") as tmp:
        project = copy_project(Path(tmp) / "book")
        shutil.rmtree(project / ".cache", ignore_errors=True)
        wall = time.perf_counter()
        with weasy_stylesheets.sharing(True):  # the parts share the parsed style sheet, as in a worker
            build(project / "anthology.yml", progress=Progress(quiet=True), jobs=1)
        wall = time.perf_counter() - wall
    print(f"cold build, one process: {wall:.2f} s; {len(laid_out)} part layouts, "
          f"{sum(seconds for _, seconds, _ in laid_out):.2f} s of CPU")
    print(f"{'part':<32} {'CPU s':>6} {'pages':>6}")
    for name, seconds, pages in laid_out:
        print(f"{name:<32} {seconds:6.2f} {pages:6d}")
    if profile is not None:
        stats = pstats.Stats(profile)
        print(f"\nthe {args.top} functions with the most time of their own, over every layout:")
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()

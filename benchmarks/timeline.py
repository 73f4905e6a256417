#!/usr/bin/env python3
"""Where a cold build's time goes: every job of the worker pool on its lane (one per core), and
the build's own process beside them, drawn as a timeline.

    .venv/bin/python benchmarks/timeline.py [--scale 0.25] [--one-change]

The build runs once, cold (no cache), on a copy of the project; with --one-change, the build after
the benchmark's correction of one word in one text (the book built before it, by a process of its
own). The pool records each job it hands out (anthology.workers.trace_jobs): reading and cleaning a
text (`prepare_text_job`), laying out a part of the print edition (`lay_out:<part>`: the first
round, then the parts with page numbers, the folio overlays and the index), the EPUB's cover. The
build's process is traced here by wrapping the few functions that do its own work (the shortest
text's reading, while the workers start; the EPUB; joining the PDF). Each row is a lane; each
character `--scale` seconds; a letter is the kind of job, a dot a lane waiting.
Not a test: the figures are the machine's.
"""
from __future__ import annotations

import argparse
import functools
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import CORRECTIONS, EDIT, copy_project  # noqa: E402

LETTERS = {"prepare_text_job": "R", "lay_out": "L", "cover_pdf": "C"}
MAIN_STEPS = {
    "anthology.pipeline:prepare_text_job": "R",
    "anthology.render.epub.edition:EpubEdition.finish": "E",
    "anthology.render.pdf.join:join": "J",
    "anthology.pipeline:_assemble": "A",
}
"""Work the build's own process does (module:function → letter)."""


def traced(records: list, label: str, lane: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        record = {"job": label, "lane": lane, "start": time.perf_counter()}
        records.append(record)
        try:
            return fn(*args, **kwargs)
        finally:
            record["end"] = time.perf_counter()
    return wrapper


def wrap_main_steps(records: list) -> None:
    import importlib

    for path in MAIN_STEPS:
        module_name, attribute = path.split(":")
        module = importlib.import_module(module_name)
        owner, name = module, attribute
        if "." in attribute:
            cls, name = attribute.split(".")
            owner = getattr(module, cls)
        setattr(owner, name, traced(records, path.split(":")[1], "build", getattr(owner, name)))


def letter(job: str) -> str:
    if job in {"EpubEdition.finish", "join", "_assemble", "prepare_text_job"}:
        return MAIN_STEPS[next(p for p in MAIN_STEPS if p.endswith(":" + job))]
    kind, _, name = job.partition(":")
    if kind == "lay_out":
        if name == "index":
            return "I"
        if name.startswith("folios-"):
            return "o"
        return "L"
    return LETTERS.get(kind, "?")


def draw(records: list, t0: float, total: float, scale: float) -> None:
    lanes = sorted({r["lane"] for r in records}, key=lambda lane: (isinstance(lane, str), str(lane)))
    width = int(total / scale) + 1
    print(f"timeline ({scale:g} s a character; R read and clean, L lay out a part, I the index, o a folio "
          f"overlay, C cover, A assemble, E the EPUB, J join the PDF; . waiting)")
    for lane in lanes:
        row = ["."] * width
        for r in records:
            if r["lane"] != lane or "end" not in r:
                continue
            a, b = int((r["start"] - t0) / scale), max(int((r["start"] - t0) / scale) + 1, int((r["end"] - t0) / scale))
            for i in range(a, min(b, width)):
                row[i] = letter(r["job"])
        busy = sum(r["end"] - r["start"] for r in records if r["lane"] == lane and "end" in r)
        name = f"core {lane}" if isinstance(lane, int) else lane
        print(f"{name:>7} |{''.join(row)}| busy {busy:5.1f} s of {total:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.25, help="seconds a character")
    parser.add_argument("--one-change", action="store_true",
                        help="time the build after the benchmark's one-word correction, not the cold build")
    args = parser.parse_args()
    from anthology import workers
    from anthology.pipeline import build
    from anthology.progress import Progress

    records = workers.trace_jobs()
    wrap_main_steps(records)
    with tempfile.TemporaryDirectory(prefix="anthology-timeline-") as tmp:
        project = copy_project(Path(tmp) / "book")
        shutil.rmtree(project / ".cache", ignore_errors=True)
        if args.one_change:  # the book built (by a process of its own, whose workers' server this
            # process would otherwise keep, as the editor's next run does not), then one word corrected
            subprocess.run([sys.executable, str(ROOT / "build.py"), "--manifest", str(project / "anthology.yml"), "-q"],
                           check=True, capture_output=True)
            text = project / "texts" / EDIT[0]
            text.write_text(text.read_text(encoding="utf-8").replace(EDIT[1], next(CORRECTIONS)), encoding="utf-8")
        t0 = time.perf_counter()
        result = build(project / "anthology.yml", progress=Progress(quiet=True))
        total = time.perf_counter() - t0
    print(f"{'one text changed' if args.one_change else 'cold build'} {total:.2f} s; stages: "
          + ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items() if k != "total"))
    print(f"{'job':<34} {'lane':>5} {'start':>6} {'end':>6} {'secs':>6}")
    for r in sorted(records, key=lambda r: r["start"]):
        if "end" in r:
            print(f"{r['job']:<34} {str(r['lane']):>5} {r['start'] - t0:6.2f} {r['end'] - t0:6.2f} "
                  f"{r['end'] - r['start']:6.2f}")
    pool = [r for r in records if isinstance(r["lane"], int) and "end" in r]
    busy = sum(r["end"] - r["start"] for r in pool)
    lanes = len({r["lane"] for r in pool}) or 1
    print(f"pool: {busy:.1f} s of work on {lanes} cores in {total:.1f} s: {busy / (lanes * total):.0%} busy")
    draw(records, t0, total, args.scale)


if __name__ == "__main__":
    main()

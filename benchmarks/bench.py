#!/usr/bin/env python3
"""Benchmark the build: wall time and peak memory per stage, for the scenarios an editor meets.

    .venv/bin/python benchmarks/bench.py [--runs 3] [--skip-10x]

Every scenario runs `--runs` times (3 by default) and is reported as its median, with the
fastest and slowest run: on a shared machine one run can be a second or two off.

Scenarios, each in a fresh process on a copy of the project (so the real cache and output/ are
not touched): a cold build, a no-op rebuild, a rebuild after a one-word correction in one text, an
EPUB-only build of the same sources and one after a second correction, and the floor: Pandoc
making the book's print HTML, and WeasyPrint laying out the whole book (front matter, preface,
texts with their footnotes, glossary, index: the same HTML the build lays out part by part) as one
document and writing it, with no other work. For comparison, the texts alone as Pandoc's own HTML
(endnotes, no front or back matter) laid out the same way. Then a synthetic 10x corpus (the texts
repeated under new ids) to show how time grows.

And the reference an editor who knows Pandoc and WeasyPrint would compare with: the naive
pipeline, the ten-line script they would otherwise write (`NAIVE`): the five raw files, no
cleaning, each one level-1 section under its file name, one Pandoc call to standalone HTML with a
contents list, one WeasyPrint pass with a plain book style sheet in the book's own EB Garamond
(A5, footnotes at the page foot, running heads, folios, the contents' page numbers). The cold build
is reported as a ratio of it and of the floor. Peak memory: the build process's, the largest of
all its processes (it, the layout workers, Pandoc; sampled from /proc every 0.25 s) and all of them
together. Not a test: numbers depend on the machine (and vary by a second or two from run
to run on a shared one); quote them, don't assert them.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EDIT = ("genesis-part-2.web.txt", "theoretical sophistication")
CORRECTIONS = iter(f"theoretical {word}" for word in (
    "subtlety finesse refinement acuity nuance depth rigour insight precision clarity breadth reach").split())
"""The words the benchmark's correction puts in their place: a new one for every run, one the
cache has never seen (a run that repeated the last run's edit would only read the cache)."""
PARTS = ["anthology.yml", "glossary.yml", "index.yml", "texts", "editorial", "templates", "styles", "fonts"]

BUILD = textwrap.dedent("""
    import json, os, resource, sys, threading, time
    sys.path.insert(0, {root!r})
    from anthology.pipeline import build
    from anthology.progress import Progress

    # The workers are the fork server's children, not the build's, so getrusage does not see them:
    # every process under the build is sampled from /proc instead (every 0.25 s).
    peaks = {{"process": 0, "all": 0}}

    def descendants(root):
        children = {{}}
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                parent = int(open(f"/proc/{{pid}}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(pid))
        found, todo = [], [root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children.get(pid, [])
        return found

    def rss_mb(pid):
        try:
            for line in open(f"/proc/{{pid}}/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def sample():
        while True:
            sizes = [rss_mb(pid) for pid in descendants(os.getpid())]
            peaks["process"] = max(peaks["process"], *sizes)
            peaks["all"] = max(peaks["all"], sum(sizes))
            time.sleep(0.25)

    threading.Thread(target=sample, daemon=True).start()
    t = time.perf_counter()
    result = build({manifest!r}, only={only!r}, progress=Progress(quiet=True))
    print(json.dumps({{"wall": time.perf_counter() - t, "stages": result.timings, "memory": result.memory,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "largest_mb": peaks["process"], "all_mb": peaks["all"], "pages": result.pages}}))
""")

FLOOR = textwrap.dedent("""
    import json, re, resource, sys, time
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from anthology import apparatus, cache, doctree
    from anthology.pipeline import assembled_book
    from anthology.render.pages import PrintPages
    from anthology.render.pdf import parts
    from anthology.render.pdf.html import mark_part_headings, page_css, print_frame, section_html
    from anthology.render.pdf.index_places import unmark
    from anthology.render.pdf.text_links import link_text
    from anthology.render.weasy import render

    book, book_ast = assembled_book(Path({project!r}) / "anthology.yml", jobs=1)  # texts from the cache
    # The numbers the contents, the reading plan and the index print: the cold build's.
    folios = cache.Cache(book.root).load("layout", cache.layout_key(book), PrintPages).folios
    index = parts.with_style(apparatus.print_index_html(book, apparatus.collect_index(book, book_ast), folios),
                             page_css(book))
    t = time.perf_counter()
    body = section_html(doctree.to_json(mark_part_headings(book, book_ast)))
    t_pandoc = time.perf_counter() - t
    # One document: the book's print HTML with the index's style and body added, the page numbers
    # written in, and the index marks and the index's page-number links taken out as the build
    # takes them out (not timed); the links are put back over their words after layout, as the
    # build puts them back (timed with the writing).
    html = print_frame(book, book_ast, body)
    index_head, index_body = index[:index.index("</head>")], parts.frame_ends(index)[0]
    styles = "".join(re.findall(r"<style>.*?</style>", index_head, re.S))
    html = html.replace("</head>", styles + "</head>", 1)
    html = html.replace("</body>", index[len(index_body):index.rindex("</body>")] + "</body>", 1)
    html, _, text_links = unmark(parts.with_page_numbers(html, folios))
    t = time.perf_counter()
    # As a plain string, which WeasyPrint parses (timed). The untimed parse above that finds the
    # index marks also yields the tree the build hands WeasyPrint (index_places.Unmarked): given
    # that, the floor would time no parse at all, where the build's layouts include theirs.
    document = render(book.root, str(html), [])
    t_layout = time.perf_counter() - t
    link_text(document, text_links)
    document.write_pdf(book.root / "floor.pdf", pdf_tags=True)
    t_write = time.perf_counter() - t - t_layout
    print(json.dumps({{"wall": t_pandoc + t_layout + t_write,
                      "stages": {{"pandoc": t_pandoc, "layout": t_layout, "write": t_write}},
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "pages": len(document.pages)}}))
""")

TEXTS_ONLY = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, {root!r})
    import pypandoc, weasyprint
    from pathlib import Path
    root = Path({project!r})
    t = time.perf_counter()
    markdown = (root / "output" / "clean" / "book.md").read_text(encoding="utf-8")
    body = pypandoc.convert_text(markdown, "html5", format="markdown", extra_args=["--wrap=none", "--section-divs"])
    t_pandoc = time.perf_counter() - t
    from anthology.manifest import load_book
    from anthology.render.pdf.html import page_css
    page = page_css(load_book(root / "anthology.yml"))  # the book's page size and margins
    html = ('<html lang="en"><head><link rel="stylesheet" href="styles/print.css"><style>' + page
            + '</style></head><body>' + body + '</body></html>')
    document = weasyprint.HTML(string=html, base_url=root.as_uri() + "/").render()
    t_layout = time.perf_counter() - t - t_pandoc
    document.write_pdf(root / "floor.pdf")
    print(json.dumps({{"wall": time.perf_counter() - t, "stages": {{"pandoc": t_pandoc, "layout": t_layout}},
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "pages": len(document.pages)}}))
""")


NAIVE_CSS = """
@font-face { font-family: "EB Garamond"; src: url("fonts/EBGaramond12-Regular.otf"); }
@font-face { font-family: "EB Garamond"; src: url("fonts/EBGaramond12-Italic.otf"); font-style: italic; }
@font-face { font-family: "EB Garamond"; src: url("fonts/EBGaramond-Bold.ttf"); font-weight: bold; }
@font-face { font-family: "EB Garamond"; src: url("fonts/EBGaramond-BoldItalic.ttf"); font-weight: bold; font-style: italic; }
@page { size: A5; margin: 20mm 16mm 22mm 16mm;
        @top-center { content: string(heading); font-style: italic; font-size: 9pt; }
        @bottom-center { content: counter(page); font-size: 9pt; } }
html { font: 10.5pt/1.35 "EB Garamond"; text-align: justify; hyphens: auto; }
h1 { string-set: heading content(); break-before: page; }
nav#TOC { break-after: page; }
nav#TOC a::after { content: leader('.') target-counter(attr(href), page); }
.footnote { float: footnote; font-size: 8.5pt; }
"""
"""The naive pipeline's plain book style sheet: what an editor would write in ten minutes."""

NAIVE = textwrap.dedent("""
    import json, re, resource, sys, time
    from pathlib import Path
    t = time.perf_counter()
    import pypandoc, weasyprint, yaml
    root = Path({project!r})
    files = [root / t["file"] for t in yaml.safe_load((root / "anthology.yml").read_text())["texts"]]
    # Each file one level-1 section under its name, its own headings one level down; all read as Markdown.
    markdown = "\\n\\n".join("# " + f.name + "\\n\\n" + re.sub(r"(?m)^#", "##", f.read_text(encoding="utf-8"))
                             for f in files)
    html = pypandoc.convert_text(markdown, "html5", format="markdown",
                                 extra_args=["--standalone", "--toc", "--section-divs", "--metadata=title:Book"])
    t_pandoc = time.perf_counter() - t
    # Pandoc puts the notes at the end: move each to its call, where float: footnote takes it.
    notes = dict(re.findall(r'<li id="(fn\\d+)">(.*?)</li>', html, re.S))
    html = re.sub(r'<a href="#(fn\\d+)" class="footnote-ref"[^>]*>.*?</a>',
                  lambda m: '<span class="footnote">' + re.sub(r'<a href="#fnref[^>]*>.*?</a>|</?p>', "",
                                                                 notes.get(m.group(1), "")) + '</span>', html)
    html = re.sub(r'<section id="footnotes".*?</section>', "", html, flags=re.S)
    html = html.replace("</head>", "<style>" + {css!r} + "</style></head>", 1)
    t = time.perf_counter()
    document = weasyprint.HTML(string=html, base_url=root.as_uri() + "/").render()
    t_layout = time.perf_counter() - t
    document.write_pdf(root / "naive.pdf")
    t_write = time.perf_counter() - t - t_layout
    print(json.dumps({{"wall": t_pandoc + t_layout + t_write,
                      "stages": {{"read and pandoc": t_pandoc, "layout": t_layout, "write": t_write}},
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "pages": len(document.pages)}}))
""")
"""The naive pipeline (timed from its imports, as a script run would be)."""


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for part in PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.exists():
            shutil.copy2(src, dest / part)
    return dest


def run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def build(project: Path, only=None) -> dict:
    return run(BUILD.format(root=str(ROOT), manifest=str(project / "anthology.yml"), only=only))


def median_of(runs: int, once) -> dict:
    """The median run of `once()` (by wall time), with every run's wall time kept for min–max."""
    return median([once() for _ in range(runs)])


def median(results: list[dict]) -> dict:
    """The median of runs (by wall time), with every run's wall time kept for min–max."""
    results = sorted(results, key=lambda r: r["wall"])
    middle = dict(results[len(results) // 2])
    middle["walls"] = [r["wall"] for r in results]
    return middle


def show(name: str, r: dict) -> None:
    stages = ", ".join(f"{k} {v:.2f}s" for k, v in r["stages"].items() if k != "total")
    pages = f", {r['pages']} pages" if r.get("pages") else ""
    workers = (f"; largest of its processes (it, a worker, Pandoc) {r['largest_mb']:.0f} MB, all together "
               f"{r['all_mb']:.0f} MB" if r.get("largest_mb") else "")
    walls = r.get("walls", [r["wall"]])
    spread = f" (min {walls[0]:.2f}, max {walls[-1]:.2f}, {len(walls)} runs)" if len(walls) > 1 else ""
    print(f"{name:<22} {r['wall']:7.2f} s{spread}  peak {r['peak_mb']:6.0f} MB (build process){workers}{pages}\n"
          f"{'':<22} {stages}", flush=True)


def cold_build(project: Path) -> dict:
    """A build with no cache and no earlier output (the cache is the project's `.cache/`)."""
    shutil.rmtree(project / ".cache", ignore_errors=True)
    shutil.rmtree(project / "output", ignore_errors=True)
    return build(project)


def ten_times(project: Path) -> None:
    manifest = project / "anthology.yml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    data["texts"] = [dict(t, id=f"{t['id']}-{n}") for n in range(10) for t in data["texts"]]
    data.pop("meetings", None)  # the reading plan names the original ids
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-10x", action="store_true", help="skip the synthetic 10x corpus")
    parser.add_argument("--runs", type=int, default=3, help="runs of each scenario; the median is reported")
    parser.add_argument("--runs-10x", type=int, default=1, help="runs of the 10x corpus (each about 3 minutes)")
    args = parser.parse_args()
    runs = max(1, args.runs)
    with tempfile.TemporaryDirectory(prefix="anthology-bench-") as tmp:
        project = copy_project(Path(tmp) / "book")
        # The three compared are run in turn, naive, cold, floor, then again: a shared machine's
        # speed drifts by a quarter over minutes, and each ratio should be taken in one spell of it.
        compared: dict[str, list[dict]] = {"naive": [], "cold": [], "floor": []}
        for _ in range(runs):
            compared["naive"].append(run(NAIVE.format(project=str(project), css=NAIVE_CSS)))
            compared["cold"].append(cold_build(project))
            compared["floor"].append(run(FLOOR.format(root=str(ROOT), project=str(project))))  # reads its cache
        naive, cold, floor = (median(compared[kind]) for kind in ("naive", "cold", "floor"))
        show("naive Pandoc + WeasyPrint", naive)
        show("cold build", cold)
        show("floor (the book as one document)", floor)
        pairs = [(c["wall"] / n["wall"], c["wall"] / f["wall"])
                 for n, c, f in zip(compared["naive"], compared["cold"], compared["floor"])]
        print("run by run, cold / naive: " + ", ".join(f"{a:.2f}" for a, _ in pairs)
              + "; cold / floor: " + ", ".join(f"{b:.2f}" for _, b in pairs))
        show("no-op rebuild", median_of(runs, lambda: build(project)))
        text = project / "texts" / EDIT[0]  # an editor's correction: one word in one text
        source = text.read_text(encoding="utf-8")
        assert source.count(EDIT[1]) == 1, "the benchmark's edit no longer applies"

        def changed(only=None) -> dict:
            """A build after a correction no build has seen replaced the benchmark's words (each run
            starts from the unchanged book, built)."""
            text.write_text(source, encoding="utf-8")
            build(project, only=only)
            text.write_text(source.replace(EDIT[1], next(CORRECTIONS)), encoding="utf-8")
            return build(project, only=only)

        one_change = median_of(runs, lambda: changed())
        show("one text changed", one_change)
        show("EPUB only, unchanged", median_of(runs, lambda: build(project, only="epub")))
        show("EPUB only, one change", median_of(runs, lambda: changed(only="epub")))
        text.write_text(source, encoding="utf-8")
        build(project)  # the cache and output of the unchanged book, which the texts-only run reads
        texts_only = run(TEXTS_ONLY.format(root=str(ROOT), project=str(project)))
        show("texts only, Pandoc's HTML", texts_only)
        print(f"cold build / naive pipeline = {cold['wall'] / naive['wall']:.2f}"
              f"  cold build / floor = {cold['wall'] / floor['wall']:.2f}"
              f"  (/ texts only = {cold['wall'] / texts_only['wall']:.2f})")
        print(f"one text changed / cold build = {one_change['wall'] / cold['wall']:.2f}")
        if not args.skip_10x:
            big = copy_project(Path(tmp) / "book10")
            ten_times(big)
            r = median_of(max(1, args.runs_10x), lambda: cold_build(big))
            show("10x corpus, cold", r)
            print(f"10x / 1x = {r['wall'] / cold['wall']:.2f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark the build: wall time and peak memory per stage, for the scenarios an editor meets.

    .venv/bin/python benchmarks/bench.py [--skip-10x]

Scenarios, each in a fresh process on a copy of the project (so the real cache and output/ are
not touched): a cold build, a no-op rebuild, a rebuild after a one-word correction in one text, an
EPUB-only build of the same sources and one after a second correction, and the floor: Pandoc
making the book's print HTML, and WeasyPrint laying out the whole book (front matter, preface,
texts with their footnotes, glossary, index: the same HTML the build lays out part by part) as one
document and writing it, with no other work. For comparison, the texts alone as Pandoc's own HTML
(endnotes, no front or back matter) laid out the same way. Then a synthetic 10x corpus (the texts
repeated under new ids) to show how time grows. Peak memory is the build process's and the
largest of its child processes' (the layout workers, Pandoc). Not a test: numbers depend on the machine (and vary by a second or two from run
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
EDIT = ("genesis-part-2.web.txt", "theoretical sophistication", "theoretical subtlety")
EPUB_EDIT = "theoretical finesse"
"""A second correction of the same words, for the EPUB-only build after a change: one the cache
has never seen."""
PARTS = ["anthology.yml", "glossary.yml", "index.yml", "texts", "editorial", "templates", "styles", "fonts"]

BUILD = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, {root!r})
    from anthology.pipeline import build
    from anthology.progress import Progress
    t = time.perf_counter()
    result = build({manifest!r}, only={only!r}, progress=Progress(quiet=True))
    print(json.dumps({{"wall": time.perf_counter() - t, "stages": result.timings, "memory": result.memory,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                      "pages": result.pages}}))
""")

FLOOR = textwrap.dedent("""
    import json, re, resource, sys, time
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from anthology import apparatus, cache, doctree
    from anthology.pipeline import assembled_book
    from anthology.render.pdf import parts
    from anthology.render.pdf.html import mark_part_headings, page_css, print_frame, section_html
    from anthology.render.pdf.index_places import unmark
    from anthology.render.weasy import render

    book, book_ast = assembled_book(Path({project!r}) / "anthology.yml", jobs=1)  # texts from the cache
    # The numbers the contents, the reading plan and the index print: the cold build's.
    folios = cache.Cache(book.root).load("layout", cache.layout_key(book, doctree.to_json(book_ast))).folios
    index = parts.with_style(apparatus.print_index_html(book, apparatus.collect_index(book, book_ast), folios),
                             page_css(book))
    t = time.perf_counter()
    body = section_html(doctree.to_json(mark_part_headings(book, book_ast)))
    t_pandoc = time.perf_counter() - t
    # One document: the book's print HTML with the index's style and body added, the page numbers
    # written in, and the index marks taken out as the build takes them out (not timed).
    html = print_frame(book, book_ast, body)
    index_head, index_body = index[:index.index("</head>")], parts.frame_ends(index)[0]
    styles = "".join(re.findall(r"<style>.*?</style>", index_head, re.S))
    html = html.replace("</head>", styles + "</head>", 1)
    html = html.replace("</body>", index[len(index_body):index.rindex("</body>")] + "</body>", 1)
    html, _ = unmark(parts.with_page_numbers(html, folios))
    t = time.perf_counter()
    document = render(book.root, html, [])
    t_layout = time.perf_counter() - t
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


def show(name: str, r: dict) -> None:
    stages = ", ".join(f"{k} {v:.2f}s" for k, v in r["stages"].items() if k != "total")
    pages = f", {r['pages']} pages" if r.get("pages") else ""
    workers = (f", largest child process (a layout worker or Pandoc) {r['worker_peak_mb']:.0f} MB"
               if r.get("worker_peak_mb") else "")
    print(f"{name:<22} {r['wall']:7.2f} s  peak {r['peak_mb']:6.0f} MB (build process){workers}{pages}\n"
          f"{'':<22} {stages}")


def ten_times(project: Path) -> None:
    manifest = project / "anthology.yml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    data["texts"] = [dict(t, id=f"{t['id']}-{n}") for n in range(10) for t in data["texts"]]
    data.pop("meetings", None)  # the reading plan names the original ids
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-10x", action="store_true", help="skip the synthetic 10x corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="anthology-bench-") as tmp:
        project = copy_project(Path(tmp) / "book")
        cold = build(project)
        show("cold build", cold)
        show("no-op rebuild", build(project))
        text = project / "texts" / EDIT[0]  # an editor's correction: one word in one text
        source = text.read_text(encoding="utf-8")
        assert source.count(EDIT[1]) == 1, "the benchmark's edit no longer applies"
        text.write_text(source.replace(EDIT[1], EDIT[2]), encoding="utf-8")
        show("one text changed", build(project))
        show("EPUB only, unchanged", build(project, only="epub"))
        text.write_text(source.replace(EDIT[1], EPUB_EDIT), encoding="utf-8")
        show("EPUB only, one change", build(project, only="epub"))
        text.write_text(source, encoding="utf-8")
        floor = run(FLOOR.format(root=str(ROOT), project=str(project)))
        show("floor (the book as one document)", floor)
        texts_only = run(TEXTS_ONLY.format(root=str(ROOT), project=str(project)))
        show("texts only, Pandoc's HTML", texts_only)
        print(f"cold build / floor = {cold['wall'] / floor['wall']:.2f}"
              f"  (/ texts only = {cold['wall'] / texts_only['wall']:.2f})")
        if not args.skip_10x:
            big = copy_project(Path(tmp) / "book10")
            ten_times(big)
            r = build(big)
            show("10x corpus, cold", r)
            print(f"10x / 1x = {r['wall'] / cold['wall']:.2f}")


if __name__ == "__main__":
    main()

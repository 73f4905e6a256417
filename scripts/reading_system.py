#!/usr/bin/env python3
"""Open the built EPUB in a reading system nobody here wrote, and take e-reader screenshots.

The reading system is epub.js (the renderer behind many web and app readers), run in Debian's
headless Chromium and driven by puppeteer-core; none of them downloads a browser. The npm packages
(pinned below) are installed once into a cache folder outside the project. The screenshots go to
output/proof/ereader-*.png: the cover, a text's opener, a page with a note call, the notes, a page
reached through the print page list, and the glossary and index when the book has them. Before
them it walks the whole book (`walk`): every spine item shown in the paginated view, every print
page-list target resolved through epub.js's spine to an element of its document.

    python scripts/reading_system.py [EPUB] [--out output/proof] [--require]

Without Chromium or Node.js it prints why and exits 0 (2 with --require). Install the browser with
`apt-get install -y --no-install-recommends chromium` (about 480 MB).
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

ROOT = Path(__file__).resolve().parent.parent
ASSETS = Path(__file__).resolve().with_name("reading_system")
PACKAGES = {"epubjs": "0.3.93", "jszip": "3.10.1", "puppeteer-core": "25.16.0"}
SCRIPTS = {"epub.min.js": "epubjs/dist/epub.min.js", "jszip.min.js": "jszip/dist/jszip.min.js"}
VIEWPORT = (600, 800)  # a 6-inch e-ink reader's proportions
OPS = "{http://www.idpf.org/2007/ops}type"
XHTML = "{http://www.w3.org/1999/xhtml}"


class Unavailable(RuntimeError):
    """The reading system cannot run on this machine (the message says what is missing)."""


def chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def tools_dir() -> Path:
    return Path(os.environ.get("ANTHOLOGY_TOOLS", Path.home() / ".cache" / "anthology" / "reading-system"))


def missing() -> str | None:
    """Why the reading system cannot run here, or None."""
    if chromium() is None:
        return "Chromium is not installed (apt-get install -y --no-install-recommends chromium)"
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "Node.js and npm are not installed"
    return None


def ensure_tools() -> Path:
    """The pinned npm packages, installed into the cache folder if they are not there yet."""
    folder = tools_dir()
    def installed(name: str, version: str) -> bool:
        manifest = folder / "node_modules" / name / "package.json"
        return manifest.exists() and json.loads(manifest.read_text(encoding="utf-8")).get("version") == version
    if not all(installed(name, version) for name, version in PACKAGES.items()):
        folder.mkdir(parents=True, exist_ok=True)
        specs = [f"{name}@{version}" for name, version in PACKAGES.items()]
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", str(folder),
                               *specs], capture_output=True, text=True)
        if done.returncode != 0:
            raise Unavailable(f"npm install {' '.join(specs)} failed: {done.stderr.strip()[-500:]}")
    return folder


def shots_for(epub: Path) -> list[tuple[str, str]]:
    """(name, target) for each screenshot, read from the EPUB's own navigation: no text is named."""
    with zipfile.ZipFile(epub) as z:
        nav = ET.fromstring(z.read("EPUB/nav.xhtml"))
        chapters = {n: z.read(n) for n in sorted(z.namelist()) if n.startswith("EPUB/text/") and n.endswith(".xhtml")}
    landmarks, pages = {}, []
    for block in nav.iter(f"{XHTML}nav"):
        links = [(a.get(OPS), a.get("href"), "".join(a.itertext())) for a in block.iter(f"{XHTML}a")]
        if block.get(OPS) == "landmarks":
            landmarks = {kind: href for kind, href, _ in links}
        elif block.get(OPS) == "page-list":
            pages = [(label, href) for _, href, label in links]
    shots = []
    if "cover" in landmarks:
        shots.append(("cover", landmarks["cover"]))
    if "bodymatter" in landmarks:
        shots.append(("opener", landmarks["bodymatter"]))
    for name, data in chapters.items():
        root = ET.fromstring(data)
        ref = next((e for e in root.iter() if e.get(OPS) == "noteref" and e.get("id")), None)
        if ref is not None:
            href = name.removeprefix("EPUB/")
            shots.append(("note-call", f"{href}#{ref.get('id')}"))
            shots.append(("notes", f"{href}#{ref.get('href').split('#')[1]}"))
            break
    if pages:
        label, href = pages[len(pages) // 2]
        shots.append((f"page-{label}", href))
    for kind in ("glossary", "index"):
        if kind in landmarks:
            shots.append((kind, landmarks[kind]))
    return shots


def serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".epub": "application/epub+zip",
                      ".mjs": "text/javascript"}

    def log_message(self, *args):
        pass


def screenshots(epub: Path, out: Path) -> list[dict]:
    """Take the screenshots; return what epub.js reported for each. Raises Unavailable."""
    out.mkdir(parents=True, exist_ok=True)
    return _drive(epub, [{"name": name, "target": target, "path": str(out / f"ereader-{name}.png")}
                         for name, target in shots_for(epub)])


def walk(epub: Path) -> dict:
    """Open every spine item in epub.js's paginated view and resolve every page-list target
    through its spine to an element of the loaded document. Returns epub.js's count of each
    (`spine`, `spineOpened`, `pageTargets`, `pageTargetsFound`) and its `failures`, with the
    page's `status` ("walked") and script `errors`. Raises Unavailable."""
    return _drive(epub, [], walk=True)[0]


def _drive(epub: Path, shots: list[dict], walk: bool = False) -> list[dict]:
    reason = missing()
    if reason:
        raise Unavailable(reason)
    tools = ensure_tools()
    with tempfile.TemporaryDirectory(prefix="anthology-reader-") as tmp:
        site = Path(tmp)
        shutil.copy(ASSETS / "reader.html", site / "reader.html")
        for name, source in SCRIPTS.items():
            shutil.copy(tools / "node_modules" / source, site / name)
        shutil.copy(epub, site / "book.epub")
        server = serve(site)
        try:
            job = {"base": f"http://127.0.0.1:{server.server_address[1]}", "book": "book.epub",
                   "chromium": chromium(), "width": VIEWPORT[0], "height": VIEWPORT[1], "shots": shots,
                   "walk": walk}
            env = dict(os.environ, NODE_PATH=str(tools / "node_modules"))
            driver = site / "shoot.mjs"
            shutil.copy(ASSETS / "shoot.mjs", driver)
            (site / "node_modules").symlink_to(tools / "node_modules")
            done = subprocess.run(["node", str(driver)], input=json.dumps(job), capture_output=True, text=True,
                                  env=env, timeout=600)
        finally:
            server.shutdown()
    if done.returncode != 0:
        raise RuntimeError(f"the reading system failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("epub", nargs="?", type=Path, default=ROOT / "output" / "what-was-the-soviet-union.epub")
    parser.add_argument("--out", type=Path, default=ROOT / "output" / "proof")
    parser.add_argument("--require", action="store_true", help="exit 2 (not 0) when the reading system cannot run")
    args = parser.parse_args(argv)
    try:
        results = screenshots(args.epub, args.out)
    except Unavailable as exc:
        print(f"reading system: skipped: {exc}")
        return 2 if args.require else 0
    walked = walk(args.epub)
    print(f"epub.js opened {walked.get('spineOpened')} of {walked.get('spine')} spine items and found "
          f"{walked.get('pageTargetsFound')} of {walked.get('pageTargets')} page-list targets"
          + "".join(f"\n  ! {f}" for f in (walked.get("failures") or [])[:20]))
    for r in results:
        problems = "; ".join(r.get("errors") or []) or ("target not found" if not r.get("targetFound") else "")
        print(f"{r['name']:12} {r['status']:6} {r.get('href') or '-':22} {Path(r['path']).name}"
              + (f"  ! {problems}" if problems else ""))
    if results:
        r = results[0]
        print(f"epub.js read {r.get('toc')} top-level contents entries, {r.get('landmarks')} landmarks, "
              f"{r.get('pageList')} print pages")
    walked_ok = walked.get("status") == "walked" and not walked.get("failures") and not walked.get("errors")
    return 0 if walked_ok and all(r["status"] == "ready" and r.get("targetFound") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

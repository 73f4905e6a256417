#!/usr/bin/env python3
"""Run DAISY's Ace accessibility checker on the built EPUB, where it is installed.

Ace needs a browser; its own download cannot work here, so it is pointed at Debian's Chromium.
Install both once (Chromium is about 480 MB, so the build does not require it):

    apt-get install -y --no-install-recommends chromium
    PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @daisy/ace-cli@1.4.6

    python scripts/ace.py [EPUB] [--out output/ace] [--require]

Prints each violation and the accessibility metadata Ace found missing; exits 1 if Ace reports any
violation, 0 if it passes, and 0 with a `skipped:` line where Ace or Chromium is not installed (2
with --require). The HTML report is written to the --out folder.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ace_command() -> str | None:
    return shutil.which("ace-cli") or shutil.which("ace")


def chromium() -> str | None:
    for candidate in (os.environ.get("PUPPETEER_EXECUTABLE_PATH"), shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def missing() -> str | None:
    if ace_command() is None:
        return "Ace is not installed (PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @daisy/ace-cli@1.4.6)"
    if chromium() is None:
        return "Chromium is not installed (apt-get install -y --no-install-recommends chromium)"
    return None


def run_ace(epub: Path, out: Path, attempts: int = 3) -> dict:
    """Ace's JSON report for `epub` (raises RuntimeError if Ace itself fails). Ace drives a headless
    Chromium, which now and then fails to start on a loaded machine: it is given more tries, the
    last one verbose, so that a failure says why."""
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium())
    out.mkdir(parents=True, exist_ok=True)
    report = out / "report.json"
    for attempt in range(1, attempts + 1):
        loudness = "--verbose" if attempt == attempts else "--silent"
        with tempfile.TemporaryDirectory(prefix="anthology-ace-") as tmp:
            done = subprocess.run([ace_command(), loudness, "--force", "--outdir", str(out), "--tempdir", tmp,
                                   str(epub)], capture_output=True, text=True, env=env, timeout=600)
        if done.returncode in (0, 1) and report.exists():
            return json.loads(report.read_text(encoding="utf-8"))
    raise RuntimeError(f"Ace failed ({done.returncode}): {(done.stderr + done.stdout).strip()[-3000:]}")


def violations(report: dict) -> list[str]:
    found = []
    for document in report.get("assertions", []):
        where = document.get("earl:testSubject", {}).get("url", "?")
        for assertion in document.get("assertions", []):
            test = assertion.get("earl:test", {})
            description = assertion.get("earl:result", {}).get("dct:description", "")
            found.append(f"{test.get('earl:impact', '?')} {test.get('dct:title', '?')} in {where}: {description}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("epub", nargs="?", type=Path, default=ROOT / "output" / "what-was-the-soviet-union.epub")
    parser.add_argument("--out", type=Path, default=ROOT / "output" / "ace")
    parser.add_argument("--require", action="store_true", help="exit 2 (not 0) when Ace cannot run here")
    args = parser.parse_args(argv)
    reason = missing()
    if reason:
        print(f"ace: skipped: {reason}")
        return 2 if args.require else 0
    report = run_ace(args.epub, args.out)
    found = violations(report)
    for line in found:
        print(f"ace: {line}")
    meta = report.get("a11y-metadata", {})
    print(f"ace: {report['earl:result']['earl:outcome']}; {len(found)} violation(s); metadata present: "
          f"{', '.join(meta.get('present', []))}; missing: {', '.join(meta.get('missing', [])) or 'none'}")
    print(f"ace: report in {args.out / 'report.html'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

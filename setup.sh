#!/usr/bin/env bash
# Set up a fresh Debian 12 machine (Python 3.11) to build and test the anthology:
# the system libraries WeasyPrint and the tests need, Java for EPUBCheck, and a virtualenv in .venv.
# With --reading-systems (CI uses it), also the two reading systems the EPUB is opened in:
# Chromium (Debian's) for epub.js, and DAISY Ace from npm, told not to download a browser of its own.
set -euo pipefail
cd "$(dirname "$0")"
reading_systems=""
[ "${1:-}" = "--reading-systems" ] && reading_systems=1

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
packages="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig poppler-utils"
command -v java >/dev/null 2>&1 || packages="$packages default-jre-headless"
if [ -n "$reading_systems" ]; then
  packages="$packages chromium"
  command -v npm >/dev/null 2>&1 || packages="$packages nodejs npm"
fi
missing=""
for p in $packages; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
# The package's bytecode, compiled once: a Python told not to write it (PYTHONDONTWRITEBYTECODE, set
# on some machines) would otherwise compile the package again in every process of every build
# (a quarter of a second each: the build's, the workers' fork server's). Python checks it against
# the source, so an edited module is simply compiled again in memory.
.venv/bin/python -m compileall -q anthology >/dev/null

if [ -n "$reading_systems" ] && ! command -v ace-cli >/dev/null 2>&1; then
  PUPPETEER_SKIP_DOWNLOAD=1 $SUDO npm install -g --silent @daisy/ace-cli@1.4.6
fi

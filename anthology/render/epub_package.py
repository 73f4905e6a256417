"""Rewriting an EPUB's zip: swap in files, and write entries in a fixed order with fixed dates.

The EPUB container rules want `mimetype` first and stored uncompressed; a reproducible book wants
every other entry in sorted order with the same timestamp, so that two builds of the same sources
are byte-identical.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def repackage(path: Path, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> None:
    replace = replace or {}
    with zipfile.ZipFile(path) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    for name, data in replace.items():
        if name not in entries:
            raise KeyError(f"{name} is not in the EPUB Pandoc wrote")
        entries[name] = data
    entries.update(add or {})
    with zipfile.ZipFile(path, "w") as target:
        target.writestr(_info("mimetype", zipfile.ZIP_STORED), entries.pop("mimetype"))
        for name in sorted(entries):
            target.writestr(_info(name, zipfile.ZIP_DEFLATED), entries[name])


def _info(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
    info.compress_type = compression
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info

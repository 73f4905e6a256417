"""WeasyPrint's native libraries (GObject, Pango, HarfBuzz, fontconfig) found without asking the C
compiler.

WeasyPrint loads each library by trying a list of names, Windows and macOS ones first, through
cffi; for a name the dynamic loader does not know, cffi asks `ctypes.util.find_library`, which on
Linux runs `ldconfig -p`, then the C compiler, then the linker: three programs for every name that
fails, 22 names, 0.16 s. Every worker's server pays it before the first layout can start, and
after a correction to one text that start is on the build's critical path.

While WeasyPrint is imported (`quick_lookup`), `find_library` answers on Linux from one reading of
`ldconfig -p`, the first place the standard library looks, and skips the compiler and the linker.
Nothing is lost by it: each of WeasyPrint's lists ends with the library's soname
(`libpango-1.0.so.0`), which the dynamic loader finds by itself wherever the compiler or linker
would have (the system's library paths and LD_LIBRARY_PATH). Where ldconfig cannot be run, the
standard library's own lookup is used.
"""
from __future__ import annotations

import contextlib
import ctypes.util
import functools
import os
import re
import struct
import subprocess
import sys


@functools.cache
def _ldconfig_listing() -> str | None:
    """`ldconfig -p`'s list of the libraries in the loader's cache, or None if it cannot be run."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        return subprocess.run(["/sbin/ldconfig", "-p"], stdin=subprocess.DEVNULL, capture_output=True,
                              check=True, env={"LC_ALL": "C", "LANG": "C"}).stdout.decode(errors="surrogateescape")
    return None


def _abi_type() -> str:
    """The ABI tag ldconfig prints beside this interpreter's kind of library (ctypes.util's table)."""
    machine = f"{os.uname().machine}-{struct.calcsize('l') * 8}"
    return {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
            "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}.get(machine, "libc6")


def find_library(name: str, *, standard=ctypes.util.find_library) -> str | None:
    """The soname of library `name` from ldconfig's cache, as `ctypes.util.find_library` would
    find it there first; None if the cache does not have it."""
    listing = _ldconfig_listing()
    if listing is None:
        return standard(name)
    found = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(_abi_type())}", listing)
    return found.group(1) if found else None


@contextlib.contextmanager
def quick_lookup():
    """`ctypes.util.find_library` answered from ldconfig's cache only (on Linux), for the time of
    the `with` block."""
    if not sys.platform.startswith("linux"):
        yield
        return
    standard = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = standard

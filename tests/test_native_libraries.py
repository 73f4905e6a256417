"""WeasyPrint's native libraries found from ldconfig's cache alone (render/native_libraries.py): a
fast path held to the standard library's `ctypes.util.find_library`, and to the libraries WeasyPrint
loaded."""
from __future__ import annotations

import ctypes.util
import os
import sys

import pytest

from anthology.render import native_libraries

WEASYPRINT_LIBRARIES = ["gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig", "pangoft2-1.0"]
"""The names in WeasyPrint's lists that ldconfig's cache resolves on Linux (text/ffi.py)."""

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the quick lookup is Linux's only")


@linux
@pytest.mark.parametrize("name", WEASYPRINT_LIBRARIES + ["c", "m", "z"])
def test_the_quick_lookup_finds_what_the_standard_lookup_finds(name):
    found = native_libraries.find_library(name)
    assert found is not None and found.startswith(f"lib{name}.so")
    assert found == ctypes.util.find_library(name)


@linux
@pytest.mark.parametrize("name", ["libgobject-2.0-0", "pango-1.0-0", "harfbuzz-vector-0.0", "no-such-library-here"])
def test_a_name_the_loader_does_not_know_is_not_found(name):
    """WeasyPrint's Windows and macOS names, tried first: not found, without asking the C compiler."""
    assert native_libraries.find_library(name) is None


@linux
def test_the_standard_lookup_is_back_after_the_block():
    standard = ctypes.util.find_library
    with native_libraries.quick_lookup():
        assert ctypes.util.find_library is native_libraries.find_library
    assert ctypes.util.find_library is standard


@linux
def test_weasyprint_loaded_the_libraries_the_loader_resolves():
    """The libraries WeasyPrint holds (imported under the quick lookup, anthology/render/weasy.py)
    are those the process mapped for their sonames."""
    from anthology.render import weasy  # noqa: F401  (imports WeasyPrint)
    from weasyprint.text import ffi

    for library in (ffi.gobject, ffi.pango, ffi.harfbuzz, ffi.fontconfig, ffi.pangoft2):
        assert library is not None
    mapped = open(f"/proc/{os.getpid()}/maps").read()
    for soname in ("libpango-1.0.so.0", "libgobject-2.0.so.0", "libharfbuzz.so.0", "libfontconfig.so.1",
                   "libpangoft2-1.0.so.0"):
        assert soname in mapped

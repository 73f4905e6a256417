"""Writing a part's PDF made cheaper: two changes to pydyf 0.13, the PDF writer WeasyPrint uses.

Writing is a quarter of a part's time (the book's parts: 3.3 s of 12 s on one core), and two things
in it cost more than the output needs:

1. **Streams are compressed at zlib's default level, not at 9.** pydyf compresses every stream
   (each page's drawing, each font, the object stream) at level 9, the slowest. Level 6 writes the
   book's parts in 2.8 s instead of 3.3 s, for files 2% larger (2.13 MB against 2.09 MB); level 1
   saves only 0.1 s more and makes them 22% larger. Joining the parts (render/pdf/join.py) keeps
   their compressed streams as they are (and compresses its object streams anew), so the book's PDF
   is 1.2% larger (1,972,037 bytes against 1,948,261). The decoded streams, what a reader draws,
   are the same: only their compressed bytes differ (every page rasterises as before).
2. **The list of page references is made once per page count.** `PDF.page_references` builds the
   reference of every page each time it is read, and WeasyPrint reads it once for every tagged
   element and every link, to take one page's reference: pages × elements (a long text: 75 pages
   by 4,000 elements). The list is now kept while no page is added; the PDF is the same, byte for
   byte.

Each change is made only where pydyf's source is the pinned version's; `writing_as_pydyf_does`
turns both off, for the tests that hold the result to what pydyf writes
(tests/test_weasy_pdf_writing.py).
"""
from __future__ import annotations

import inspect
import sys

from .weasyprint_patch import turned_off

FLATE_LEVEL = 6
"""zlib's default: the level pydyf's level 9 is replaced by."""
PYDYF_COMPRESSES = "compressobj = zlib.compressobj(level=9)"
REFERENCES_EVERY_PAGE = "for object_number in self.pages['Kids'][::3])"

_enabled = True


def writing_as_pydyf_does():
    """Within the block, PDFs are written as pydyf writes them: level 9, every reference made anew."""
    return turned_off(sys.modules[__name__])


class _Zlib:
    """pydyf's `zlib`, whose `compressobj` compresses at `FLATE_LEVEL` (at the level asked for
    within `writing_as_pydyf_does`)."""

    def __init__(self, zlib):
        self._zlib = zlib

    def compressobj(self, level: int = -1, *args, **kwargs):
        return self._zlib.compressobj(FLATE_LEVEL if _enabled else level, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._zlib, name)


def _kept_page_references(make_references):
    def page_references(self) -> tuple:
        if not _enabled:
            return make_references(self)
        kept = self.__dict__.get("_anthology_page_references")
        if kept is None or 3 * len(kept) != len(self.pages["Kids"]):
            kept = self._anthology_page_references = make_references(self)
        return kept

    page_references._anthology = True
    return property(page_references)


def install() -> bool:
    """Make both changes to pydyf (once per process); True if they are made."""
    import pydyf

    if isinstance(pydyf.zlib, _Zlib):
        return True
    references = pydyf.PDF.page_references
    if (PYDYF_COMPRESSES not in inspect.getsource(pydyf.Stream.data.fget)
            or not isinstance(references, property)
            or REFERENCES_EVERY_PAGE not in inspect.getsource(references.fget)):
        return False
    pydyf.PDF.page_references = _kept_page_references(references.fget)
    pydyf.zlib = _Zlib(pydyf.zlib)
    return True

"""A proof sheet: chosen pages of the print PDF as PNG images, and one contact sheet of them all,
so that an editor can look at the book's pages without a PDF viewer (and a reviewer can look at
a build's pages in a CI artefact).

Pages are rendered with Poppler's `pdftoppm` (installed by setup.sh with poppler-utils). The
default choice shows what a careful reader checks first: the half-title, title, colophon and
contents pages, each text's opening page and the page after it, the page with the most
footnotes, and the last page.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

PAGE_DPI = 110
THUMB_WIDTH = 300
COLUMNS = 5
FRONT_LABELS = ("Title page", "Colophon", "Contents")
NOTE_LINE = re.compile(r"^\s*\d{1,3}\s+\S", re.M)


class ProofError(RuntimeError):
    pass


MAX_PAGE = 10_000
"""Far past the end of any book: a larger page number is a slip of the keyboard."""


def parse_pages(spec: str) -> list[int]:
    """Pages as a person writes them on the command line: "1,5,7-9" → [1, 5, 7, 8, 9]. Whether
    the PDF has them is known only once it is built (`make_proof`)."""
    pages: list[int] = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise ProofError(f"not a page or a range of pages: {part!r} (write e.g. 1,5,7-9)")
        start, end = int(first), int(last or first)
        if start == 0:
            raise ProofError(f"there is no page 0 (in {part!r}): pages are numbered from 1")
        if end < start:
            raise ProofError(f"the range {part!r} runs backwards: write {end}-{start}")
        if end > MAX_PAGE:
            raise ProofError(f"page {end} (in {part!r}) is past the end of any book")
        pages.extend(range(start, end + 1))
    return pages


def outline_pages(reader: PdfReader) -> list[tuple[str, int, int]]:
    """(label, level, folio) of every bookmark in the PDF's outline, in order."""
    found: list[tuple[str, int, int]] = []

    def visit(items, level):
        for item in items:
            if isinstance(item, list):
                visit(item, level + 1)
            else:
                found.append((item.title, level, reader.get_destination_page_number(item) + 1))

    visit(reader.outline, 1)
    return found


def page_texts(pdf_path: Path) -> list[str]:
    """The text of every page (Poppler's pdftotext: pypdf takes ten times as long)."""
    if shutil.which("pdftotext") is None:
        raise ProofError("pdftotext is missing: install poppler-utils (setup.sh does)")
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], check=True, capture_output=True)
    return done.stdout.decode("utf-8").split("\f")


def page_with_most_notes(pdf_path: Path) -> int | None:
    """The page whose text has the most lines that begin with a note number (1-based)."""
    best, best_count = None, 1
    for index, text in enumerate(page_texts(pdf_path)):
        count = len(NOTE_LINE.findall(text))
        if count > best_count:
            best, best_count = index + 1, count
    return best


def default_pages(pdf_path: Path) -> list[int]:
    reader = PdfReader(pdf_path)
    total = len(reader.pages)
    chosen = [1]
    for label, level, folio in outline_pages(reader):
        if level != 1:
            continue
        chosen.append(folio)
        if label not in FRONT_LABELS:  # a text: its opener and the page after it
            chosen.append(folio + 1)
    notes = page_with_most_notes(pdf_path)
    if notes:
        chosen.append(notes)
    chosen.append(total)
    return sorted({p for p in chosen if 1 <= p <= total})


def render_page(pdf_path: Path, page: int, target: Path, dpi: int = PAGE_DPI) -> Path:
    if shutil.which("pdftoppm") is None:
        raise ProofError("pdftoppm is missing: install poppler-utils (setup.sh does)")
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf_path), str(stem)], check=True, capture_output=True)
    return target


def contact_sheet(images: list[tuple[int, Path]], target: Path) -> Path:
    """All the pages, small, in rows, each labelled with its page number."""
    thumbs = []
    for page, path in images:
        with Image.open(path) as image:
            ratio = THUMB_WIDTH / image.width
            thumbs.append((page, image.convert("RGB").resize((THUMB_WIDTH, round(image.height * ratio)))))
    label_height, gap = 22, 14
    cell_height = max(t.height for _, t in thumbs) + label_height
    rows = (len(thumbs) + COLUMNS - 1) // COLUMNS
    sheet = Image.new("RGB", (COLUMNS * (THUMB_WIDTH + gap) + gap, rows * (cell_height + gap) + gap), (200, 200, 200))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default()
    for i, (page, thumb) in enumerate(thumbs):
        x = gap + (i % COLUMNS) * (THUMB_WIDTH + gap)
        y = gap + (i // COLUMNS) * (cell_height + gap)
        sheet.paste(thumb, (x, y))
        draw.text((x, y + thumb.height + 4), f"page {page}", fill=(0, 0, 0), font=font)
    sheet.save(target)
    return target


def make_proof(pdf_path: Path, out_dir: Path, pages: list[int] | None = None) -> list[Path]:
    """Render `pages` (1-based; default: `default_pages`) of the PDF to `out_dir/page-NNN.png`
    and a contact sheet `out_dir/contact-sheet.png`; return the page images, then the sheet."""
    pdf_path, out_dir = Path(pdf_path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("page-*.png"):
        old.unlink()
    chosen = pages or default_pages(pdf_path)
    total = len(PdfReader(pdf_path).pages)
    bad = [p for p in chosen if not 1 <= p <= total]
    if bad:
        shown = ", ".join(map(str, bad[:5])) + (", …" if len(bad) > 5 else "")
        raise ProofError(f"no page {shown} in {pdf_path.name} (it has {total} pages)")
    images = [(page, render_page(pdf_path, page, out_dir / f"page-{page:03d}.png")) for page in chosen]
    sheet = contact_sheet(images, out_dir / "contact-sheet.png")
    return [path for _, path in images] + [sheet]

"""Make the second labelled OCR sample (tests/data/ocr_sample_mill/) from a public-domain text.

The OCR repair pass was tuned on one OCR'd book; this sample measures it on a text it has never
seen, damaged by a real OCR engine rather than by hand. Steps, each reproducible:

1. take the clean text of J. S. Mill, *On Liberty*, chapters III and IV, from the Standard Ebooks
   repository (a bare git mirror: `--repo`, pinned by `--commit`);
2. typeset it into book pages with WeasyPrint (EB Garamond from fonts/, justified, hyphenated,
   a running head and a page number on each page);
3. render the pages with pdftoppm and degrade them with Pillow as a worn scan: a lower resolution,
   a slight blur, grain, a small rotation, JPEG compression (a fixed seed per page);
4. read them with Tesseract (`tesseract-ocr`, `tesseract-ocr-eng`; only this script needs it);
5. turn the raw OCR text into what the pass reads after the `ocr` reader (page furniture dropped,
   a paragraph's lines joined by single spaces: `liber-` at a line end and `ty` on the next
   become `liber- ty`, as the reader leaves them), cut into the clean text's paragraphs;
6. label it: each OCR word aligned with the true word (tests/ocr_measure.py, word by word, then
   letter by letter inside a run of differing words).

Writes ocr.txt (Tesseract's text, pages separated by form feeds), clean.txt and input.txt (one
paragraph a line, line n of one matching line n of the other) and labels.tsv. Run:

    .venv/bin/python scripts/make_ocr_sample.py --repo /path/to/john-stuart-mill_on-liberty/repo
"""
from __future__ import annotations

import argparse
import difflib
import html
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

OUT = ROOT / "tests/data/ocr_sample_mill"
COMMIT = "f9793ea4d5f540e28413cf49496da4fcbf54d822"
CHAPTERS = ("chapter-3", "chapter-4")
RUNNING_HEAD = "ON LIBERTY."
FIRST_PAGE = 101
"""The page number printed on the first page (a book's middle, as a scanned chapter would be)."""

DPI = 150
RENDER_DPI = 300
BLUR = 1.1
NOISE = 56
ROTATION = 0.7
JPEG_QUALITY = 45
SEED = 1859


def chapter_paragraphs(repo: str, commit: str, name: str) -> list[tuple[str, str]]:
    """(kind, text) for the chapter's heading lines and paragraphs, as plain text."""
    xhtml = subprocess.run(["git", "--git-dir", repo, "show", f"{commit}:src/epub/text/{name}.xhtml"],
                           check=True, capture_output=True, text=True).stdout
    xhtml = re.sub(r'<a href="endnotes[^>]*>.*?</a>', "", xhtml)  # note calls: the sample has no notes
    out = []
    number = re.search(r'<h2 epub:type="z3998:ordinal z3998:roman">(.*?)</h2>', xhtml).group(1)
    title = re.search(r'<p epub:type="title">(.*?)</p>', xhtml, re.S).group(1)
    out.append(("h", f"CHAPTER {number}."))
    out.append(("t", plain(title).upper() + "."))
    body = xhtml.split("</hgroup>", 1)[1]
    for p in re.findall(r"<p>(.*?)</p>", body, re.S):
        out.append(("p", plain(p)))
    return out


def plain(fragment: str) -> str:
    text = re.sub(r"<[^>]+>", "", fragment)
    text = html.unescape(text).replace("\u2060", "")  # Standard Ebooks' word joiner before dashes
    return " ".join(text.split())


def typeset(paragraphs: list[tuple[str, str]], pdf: Path) -> None:
    from weasyprint import HTML

    fonts = (ROOT / "fonts").as_uri()
    parts = []
    for kind, text in paragraphs:
        text = html.escape(text)
        if kind == "h":
            parts.append(f'<h2 class="chapter">{text}</h2>')
        elif kind == "t":
            parts.append(f'<h3>{text}</h3>')
        else:
            parts.append(f"<p>{text}</p>")
    css = f"""
    @font-face {{ font-family: Garamond; src: url({fonts}/EBGaramond12-Regular.otf); }}
    @font-face {{ font-family: Garamond; font-style: italic; src: url({fonts}/EBGaramond12-Italic.otf); }}
    @page {{ size: letter; margin: 0.9in 1in 0.9in 1in;
             @top-center {{ content: "{RUNNING_HEAD}"; font: 9pt Garamond; letter-spacing: 0.1em; }}
             @bottom-center {{ content: counter(page); font: 10pt Garamond; }} }}
    @page :first {{ counter-reset: page {FIRST_PAGE}; }}
    body {{ font: 11.5pt/1.3 Garamond; text-align: justify; hyphens: auto; }}
    p {{ margin: 0; text-indent: 1.4em; }}
    h2 {{ font-size: 12pt; font-weight: normal; text-align: center; margin: 1.5em 0 0.3em; break-before: page; }}
    h3 {{ font-size: 10pt; font-weight: normal; text-align: center; margin: 0 0 1.2em; letter-spacing: 0.05em; }}
    """
    document = f'<html lang="en"><head><style>{css}</style></head><body>{"".join(parts)}</body></html>'
    HTML(string=document).write_pdf(pdf)


def degrade(source: Path, target: Path, seed: int) -> None:
    """A worn scan: lower resolution, blur, grain, a small rotation, JPEG compression."""
    from PIL import Image, ImageChops, ImageFilter

    rng = random.Random(seed)
    page = Image.open(source).convert("L")
    scale = DPI / RENDER_DPI
    page = page.resize((round(page.width * scale), round(page.height * scale)), Image.LANCZOS)
    page = page.filter(ImageFilter.GaussianBlur(BLUR))
    grain = Image.frombytes("L", page.size, rng.randbytes(page.width * page.height))
    grain = grain.point(lambda v: v * NOISE // 255)  # uniform grain of NOISE levels, centred below
    page = ImageChops.add(page, grain, 1.0, -(NOISE // 2))
    page = page.rotate(rng.uniform(-ROTATION, ROTATION), resample=Image.BICUBIC, expand=False, fillcolor=255)
    page.save(target, "JPEG", quality=JPEG_QUALITY, dpi=(DPI, DPI))


def ocr(images: list[Path]) -> list[str]:
    pages = []
    for image in images:
        pages.append(subprocess.run(["tesseract", str(image), "-", "-l", "eng", "--dpi", str(DPI)],
                                    check=True, capture_output=True, text=True).stdout)
    return pages


def is_furniture(line: str, first: bool) -> bool:
    """The running head (first line) or the page number (last line), however the OCR read them."""
    text = line.strip()
    if first and difflib.SequenceMatcher(None, text.upper(), RUNNING_HEAD).ratio() >= 0.6:
        return True
    return not first and bool(re.fullmatch(r"[\dIlOoS]{1,4}", text))


def body_lines(pages: list[str]) -> list[str]:
    lines = []
    for page in pages:
        page_lines = [line for line in page.splitlines() if line.strip()]
        if page_lines and is_furniture(page_lines[0], True):
            page_lines = page_lines[1:]
        if page_lines and is_furniture(page_lines[-1], False):
            page_lines = page_lines[:-1]
        lines.extend(line.strip() for line in page_lines)
    return lines


def norm(token: str) -> str:
    return re.sub(r"[^\w]", "", token.lower())


def cut_into_paragraphs(ocr_tokens: list[str], clean_paragraphs: list[str]) -> list[str]:
    """The OCR's running text cut where the clean text's paragraphs start (aligned token by token)."""
    clean_tokens, starts = [], []
    for paragraph in clean_paragraphs:
        starts.append(len(clean_tokens))
        clean_tokens.extend(paragraph.split())
    matcher = difflib.SequenceMatcher(None, [norm(t) for t in ocr_tokens], [norm(t) for t in clean_tokens],
                                      autojunk=False)
    to_ocr = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2 + 1):
            to_ocr.setdefault(j, i1 + (j - j1) if tag == "equal" else i1)
    cuts = [0] + [to_ocr[s] for s in starts[1:]] + [len(ocr_tokens)]
    return [" ".join(ocr_tokens[a:b]) for a, b in zip(cuts, cuts[1:])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", required=True, help="bare git dir of standardebooks/john-stuart-mill_on-liberty")
    parser.add_argument("--commit", default=COMMIT)
    parser.add_argument("--keep", help="keep the PDF and page images in this folder")
    args = parser.parse_args()

    from ocr_measure import label_rows

    paragraphs = [p for name in CHAPTERS for p in chapter_paragraphs(args.repo, args.commit, name)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        pdf = work / "sample.pdf"
        typeset(paragraphs, pdf)
        subprocess.run(["pdftoppm", "-r", str(RENDER_DPI), "-gray", "-png", str(pdf), str(work / "page")], check=True)
        rendered = sorted(work.glob("page-*.png"))
        images = []
        for n, png in enumerate(rendered):
            target = work / f"scan-{n + 1:02d}.jpg"
            degrade(png, target, SEED + n)
            images.append(target)
        pages = ocr(images)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ocr.txt").write_text("\f".join(pages), encoding="utf-8")
    clean = [text for _, text in paragraphs]
    tokens = " ".join(body_lines(pages)).split()
    cut = cut_into_paragraphs(tokens, clean)
    (OUT / "clean.txt").write_text("\n".join(clean) + "\n", encoding="utf-8")
    (OUT / "input.txt").write_text("\n".join(cut) + "\n", encoding="utf-8")
    rows = label_rows(cut, clean)
    with (OUT / "labels.tsv").open("w", encoding="utf-8") as f:
        f.write("paragraph\tocr\ttrue\n")
        for row in rows:
            f.write("\t".join(map(str, row)) + "\n")
    words = sum(len(p.split()) for p in clean)
    print(f"{len(pages)} pages, {words} words; wrote {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()

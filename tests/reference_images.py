"""Reviewed reference renders of posters and flyers (English, Spanish, Arabic, Chinese, Vietnamese), and the comparison the tests use.

Regenerate after an intended design change, look at every PNG, then commit them:
    python tests/reference_images.py DIST_FOLDER
"""
from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2
from PIL import Image, ImageChops

REFERENCE = Path(__file__).resolve().parent / "reference"
PAGES = {"poster-en-black-lgbtq.png": "en/posters/black-lgbtq.pdf", "flyer-es-intersex-youth.png": "es/flyers/intersex-youth.pdf",
         "poster-es-week-at-a-glance.png": "es/posters/week-at-a-glance.pdf",
         # right to left, Chinese and Vietnamese script (mirrored layout, bundled fonts)
         "poster-ar-black-lgbtq.png": "ar/posters/black-lgbtq.pdf", "flyer-ar-intersex-youth.png": "ar/flyers/intersex-youth.pdf",
         "poster-zh-Hans-immigrant-youth.png": "zh-Hans/posters/immigrant-youth.pdf",
         "flyer-vi-disability-justice.png": "vi/flyers/disability-justice.pdf"}
DPI = 36


def render_page(pdf_path: Path) -> Image.Image:
    """The first page at DPI, RGB."""
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        return document[0].render(scale=DPI / 72).to_pil().convert("RGB")
    finally:
        document.close()


def difference(a: Image.Image, b: Image.Image) -> float:
    """The percentage of pixels that differ visibly (by more than 48 of 255 in grey), 0 to 100.

    Anti-aliasing noise changes a pixel a little; a moved block or a missing line changes many a lot."""
    if a.size != b.size:
        return 100.0
    changed = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 48 else 0)
    return 100 * changed.histogram()[255] / (a.size[0] * a.size[1])


if __name__ == "__main__":
    dist = Path(sys.argv[1])
    REFERENCE.mkdir(exist_ok=True)
    for name, pdf in PAGES.items():
        render_page(dist / pdf).save(REFERENCE / name, optimize=True)
        print("wrote", REFERENCE / name)

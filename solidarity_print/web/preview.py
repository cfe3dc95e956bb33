"""Preview images: a packet's cover, first poster and first flyer, rasterised with pypdfium2."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pypdfium2

PREVIEW_WIDTH = 480  # pixels: sharp on a phone, small enough to send on every keystroke's pause
PREVIEWS = ("cover", "poster", "flyer")
# PDFium allows one call at a time in a process (pypdfium2: "Incompatibility with Threading"); previews
# are made in several request threads at once, and without this the server died in libpdfium.so.
PDFIUM_LOCK = threading.Lock()


@dataclass(frozen=True)
class PreviewImage:
    """One rasterised page: its name (cover, poster, flyer), the piece's title and the PNG file."""

    name: str
    title: str
    path: Path


def pages_to_preview(entry: dict) -> dict[str, tuple[int, str]]:
    """{name: (1-based page, piece title)} of the cover, the first focus day's poster and first flyer of a
    packet's manifest entry (the week-at-a-glance poster is skipped when a focus day's poster follows)."""
    pieces = entry.get("pieces") or []
    chosen = {}
    for name in PREVIEWS:
        matches = [p for p in pieces if p["kind"] == name]
        if name == "poster" and len(matches) > 1:
            matches = matches[1:]
        if matches:
            chosen[name] = (matches[0]["first"], matches[0]["title"].split(": ", 1)[-1])
    return chosen


def rasterise(pdf: Path, pages: dict[str, tuple[int, str]], folder: Path) -> list[PreviewImage]:
    """Write `folder/<name>.png` for each chosen page of `pdf`, PREVIEW_WIDTH pixels wide."""
    folder.mkdir(parents=True, exist_ok=True)
    with PDFIUM_LOCK:
        return _rasterise(pdf, pages, folder)


def _rasterise(pdf: Path, pages: dict[str, tuple[int, str]], folder: Path) -> list[PreviewImage]:
    images = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        for name, (number, title) in pages.items():
            page = document[number - 1]
            try:
                scale = PREVIEW_WIDTH / page.get_width()
                bitmap = page.render(scale=scale)
                target = folder / f"{name}.png"
                bitmap.to_pil().save(target, format="PNG", optimize=False, compress_level=3)
                images.append(PreviewImage(name, title, target))
            finally:
                page.close()
    finally:
        document.close()
    return images

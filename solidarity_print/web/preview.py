"""Preview images: a packet's cover, first poster and first flyer, drawn and rasterised in a render worker."""
from __future__ import annotations

import io
import pickle
import threading
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2

from ..pipeline.work_item import Work
from ..pipeline.workers import WorkerSetup, render_work

# The images show about 160 CSS pixels wide beside the form (a third of its column): 320 pixels are
# sharp on a 2x screen, and cost 0.44 of the 480 once used, in PDFium and in encoding.
PREVIEW_WIDTH = 320
# JPEG: 2 ms for a 320-pixel page where PNG took 11 ms (level 1 or 3 alike) and WebP 12 ms; at this
# quality a poster's type stays clean at the size it is shown.
JPEG_QUALITY = 85
MEDIA_TYPE = "image/jpeg"
PREVIEWS = ("cover", "poster", "flyer")
# PDFium allows one call at a time in a process (pypdfium2: "Incompatibility with Threading"). Render
# workers are single-threaded; the lock guards any caller that rasterises on threads.
PDFIUM_LOCK = threading.Lock()


@dataclass(frozen=True)
class PreviewImage:
    """One rasterised page: its name (cover, poster, flyer), the piece's title and the key it is kept under."""

    name: str
    title: str
    key: str


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


def rasterise(pdf: bytes | Path, pages: dict[str, tuple[int, str]], width: int = PREVIEW_WIDTH) -> dict[str, tuple[str, bytes]]:
    """{name: (title, JPEG bytes)} for each chosen page of `pdf`, `width` pixels wide."""
    with PDFIUM_LOCK:
        images = {}
        document = pypdfium2.PdfDocument(pdf)
        try:
            for name, (number, title) in pages.items():
                page = document[number - 1]
                try:
                    bitmap = page.render(scale=width / page.get_width())
                    buffer = io.BytesIO()
                    bitmap.to_pil().save(buffer, format="JPEG", quality=JPEG_QUALITY)
                    images[name] = (title, buffer.getvalue())
                finally:
                    page.close()
        finally:
            document.close()
        return images


_campaigns: dict[str, object] = {}  # in a render worker: the campaign of each build fingerprint, unpickled once


def preview_in_worker(setup: WorkerSetup, campaign: bytes | None, item: Work,
                      wanted: tuple[str, ...]) -> tuple[dict | None, tuple | None]:
    """In a render worker: the item's packet drawn onto its shared render, and its `wanted` pages as
    images; nothing is written. `setup` comes without its campaign, which is `campaign` pickled: unpickling
    it on every preview cost 4 ms, and sending its 220 KB each time copied it twice more, so the server
    sends None until a worker asks. Returns ({name: (title, bytes)}, None), ({}, the render's error), or
    (None, None) when this worker has no campaign for `setup` yet and needs it sent."""
    if setup.key not in _campaigns:
        if campaign is None:
            return None, None
        _campaigns.clear()
        _campaigns[setup.key] = pickle.loads(campaign)
    outcome = render_work(replace(setup, campaign=_campaigns[setup.key]), item)
    if outcome.error:
        return {}, outcome.error
    pages = pages_to_preview(outcome.entry.as_json())
    return rasterise(outcome.data, {name: pages[name] for name in wanted if name in pages}), None


def file_in_worker(pdf: Path, entry: dict) -> dict[str, tuple[str, bytes]]:
    """In a render worker: the preview images of a packet already written to `pdf`."""
    return rasterise(pdf, pages_to_preview(entry))

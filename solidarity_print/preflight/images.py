"""Raster images: enough pixels for their printed size (150 ppi at least; 300 for print-shop files)."""
from __future__ import annotations

from .findings import Finding
from .page import INCH, PageView

LEAST = 150  # ppi: below this a photo or logo prints visibly soft
PRESS = 300  # ppi: what print shops ask for
PRESS_PURPOSES = {"print-shop", "print_shop", "press", "shop"}  # manifest `purpose` of print-shop files, if any


def check(view: PageView, file: str, entry: dict) -> list[Finding]:
    """A finding per image printed with too few pixels per inch (the lower of across and down)."""
    for_press = str(entry.get("purpose", "")).lower() in PRESS_PURPOSES or str(entry.get("kind", "")).startswith("press")
    findings = []
    for (left, bottom, right, top), width, height in view.images:
        across, down = (right - left) / INCH, (top - bottom) / INCH
        if across <= 0 or down <= 0:
            continue
        ppi = min(width / across, height / down)
        size = f"{width}×{height} pixels printed {across:.2f}×{down:.2f} in"
        if ppi < LEAST:
            findings.append(Finding(file, view.number, "image resolution",
                                    f"an image has only {ppi:.0f} ppi ({size}); it needs {LEAST} ppi",
                                    f"use an image of at least {int(across * LEAST + 0.999)}×{int(down * LEAST + 0.999)} pixels "
                                    f"({int(across * PRESS + 0.999)}×{int(down * PRESS + 0.999)} for a print shop), or print it smaller"))
        elif for_press and ppi < PRESS:
            findings.append(Finding(file, view.number, "image resolution",
                                    f"an image has {ppi:.0f} ppi ({size}); print shops ask for {PRESS} ppi",
                                    f"use an image of at least {int(across * PRESS + 0.999)}×{int(down * PRESS + 0.999)} pixels",
                                    warning=True))
    return findings

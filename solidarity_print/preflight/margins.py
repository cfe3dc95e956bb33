"""Text or images in the 0.25 in band at the edge of a letter or A4 page, where office printers cannot print."""
from __future__ import annotations

from .findings import Finding
from .page import INCH, PageView

UNPRINTABLE = 0.25 * INCH  # points from each edge


def check(view: PageView, file: str) -> list[Finding]:
    """A warning per letter/A4 page with text or images reaching into the unprintable band."""
    if view.paper() is None:
        return []
    inside = lambda left, bottom, right, top: (left >= UNPRINTABLE - 0.5 and bottom >= UNPRINTABLE - 0.5 and
                                               right <= view.width - UNPRINTABLE + 0.5 and top <= view.height - UNPRINTABLE + 0.5)
    texts = [run.text for run in view.runs if not inside(run.left, run.bottom, run.right, run.top)]
    images = [box for box, _, _ in view.images if not inside(*box)]
    if not texts and not images:
        return []
    what = []
    if texts:
        sample = texts[0] if len(texts[0]) <= 40 else texts[0][:39] + "…"
        what.append(f"text ({sample!r}{f' and {len(texts) - 1} more' if len(texts) > 1 else ''})")
    if images:
        what.append(f"{len(images)} image{'s' if len(images) > 1 else ''}")
    return [Finding(file, view.number, "margin",
                    f"{' and '.join(what)} within {UNPRINTABLE / INCH:g} in of the edge of this {view.paper()} page, "
                    "where most office printers cannot print", "keep text and images at least 0.25 in from every edge "
                                                              "(@page margin, or padding inside a full-bleed band)",
                    warning=True)]

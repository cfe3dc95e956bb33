"""A check any test can run on a PDF: no two runs of text on a page are drawn on top of each other."""
from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c

from solidarity_print.render.fonts import is_joined_script

# Boxes are the glyphs' tight boxes; lines set close together, or a descender above a capital,
# may touch by a fraction of a point, two texts printed in one place overlap by much more.
MIN_OVERLAP = 1.5  # points, in both directions
SAME_LINE = 0.35  # a character whose bottom moves more than this share of its height starts a new run


@dataclass
class Run:
    """Characters drawn one after the other on one line: their text and the box around them."""

    text: str
    left: float
    bottom: float
    right: float
    top: float
    baseline: float = 0.0  # where its first character stands: letters of one line share it, marks aside

    def overlaps(self, other: "Run") -> bool:
        """True if the boxes share more than MIN_OVERLAP points both across and up."""
        across = min(self.right, other.right) - max(self.left, other.left)
        up = min(self.top, other.top) - max(self.bottom, other.bottom)
        return across > MIN_OVERLAP and up > MIN_OVERLAP


def text_runs(page: pypdfium2.PdfPage) -> list[Run]:
    """The page's text as runs: a run ends where the next character starts a new line, jumps back
    to the left, or leaves a gap wider than a few characters."""
    text_page = page.get_textpage()
    runs: list[Run] = []
    current: Run | None = None
    last_left = 0.0
    x, y = ctypes.c_double(), ctypes.c_double()
    try:
        for index in range(text_page.count_chars()):
            char = text_page.get_text_range(index, 1)
            left, bottom, right, top = text_page.get_charbox(index)
            if not char.strip() or right - left <= 0 or top - bottom <= 0:
                continue  # spaces and generated line breaks have no ink
            height = top - bottom
            if current is not None:
                same_line = abs(bottom - current.bottom) <= SAME_LINE * max(height, current.top - current.bottom)
                # Kerning tucks a letter under the one before ("Yo"), but never left of its start.
                follows = last_left < left <= current.right + 3 * max(height, 4)
                if same_line and follows:
                    last_left = left
                    current.text += char
                    current.left, current.bottom = min(current.left, left), min(current.bottom, bottom)
                    current.right, current.top = max(current.right, right), max(current.top, top)
                    continue
            pdfium_c.FPDFText_GetCharOrigin(text_page.raw, index, x, y)
            current, last_left = Run(char, left, bottom, right, top, y.value), left
            runs.append(current)
    finally:
        text_page.close()
    return runs


def _one_arabic_word(a: Run, b: Run) -> bool:
    """Right-to-left letters arrive leftwards, so each starts a run of its own; joined Arabic letters'
    boxes overlap by design. Two such runs on one line are one word, not two texts."""
    # Letters of one Arabic line rise and descend differently: compare their middles, not their bottoms.
    # A final ي hangs far below the letter it joins: their middles differ, their baseline does not.
    height = max(a.top - a.bottom, b.top - b.bottom)
    same_line = abs((a.top + a.bottom) - (b.top + b.bottom)) / 2 <= 0.6 * height or abs(a.baseline - b.baseline) <= 0.25 * height
    return same_line and (is_joined_script(a.text) or is_joined_script(b.text))


def overlapping_text(path: Path) -> list[tuple[int, str, str]]:
    """(1-based page, text, text) for every two runs of text on one page whose boxes overlap."""
    found = []
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        for number in range(len(pdf)):
            page = pdf[number]
            runs = text_runs(page)
            for i, run in enumerate(runs):
                found += [(number + 1, run.text, other.text) for other in runs[i + 1:]
                          if run.overlaps(other) and not _one_arabic_word(run, other)]
            page.close()
    finally:
        pdf.close()
    return found

"""Contrast of every run of text against what is rendered behind it, WCAG 2.2 AA (4.5:1, 3:1 when large)."""
from __future__ import annotations

import math

from ..render import contrast as wcag
from .findings import Finding
from .page import PageView, TextRun

NORMAL, LARGE = 4.5, 3.0
LARGE_SIZE, LARGE_BOLD_SIZE = 18.0, 14.0  # points: WCAG's large text
NEAR = 40  # a pixel this close to the text colour (sum of channel differences) is ink or its anti-aliasing
PAD = 0.25  # of the run's height, around its box: the space between letters and lines is background too


def check(view: PageView, file: str) -> list[Finding]:
    """One finding per page and pair of colours whose contrast is too low, naming a sample of the text."""
    worst: dict[tuple, tuple[float, str, int]] = {}
    for run in view.runs:
        background = _background(view, run)
        measured = wcag.ratio(_hex(run.color), _hex(background))
        large = run.size >= LARGE_SIZE or (run.bold and run.size >= LARGE_BOLD_SIZE)
        needed = LARGE if large else NORMAL
        if measured >= needed:
            continue
        key = (run.color, background, needed)
        _, sample, count = worst.get(key, (measured, run.text, 0))
        worst[key] = (measured, sample, count + 1)
    findings = []
    for (text_color, background, needed), (measured, sample, count) in worst.items():
        size = "large text" if needed == LARGE else "text"
        runs = f", and {count - 1} more line{'s' if count > 2 else ''}" if count > 1 else ""
        findings.append(Finding(
            file, view.number, "contrast",
            f"{size} {_hex(text_color)} on {_hex(background)} has a contrast of {math.floor(measured * 10) / 10:g}:1 "
            f"(WCAG AA needs {needed:g}:1): {_quote(sample)}{runs}",
            f"make the text darker or its background lighter (or the other way round), e.g. text "
            f"{_fix(text_color, background, needed)} on {_hex(background)}"))
    return findings


def _background(view: PageView, run: TextRun) -> tuple[int, int, int]:
    """The commonest colour in and around the run's box that is not its ink; the ink colour itself
    if there is none (text drawn on its own colour cannot be read)."""
    pad = (run.top - run.bottom) * PAD
    box = view.pixels(run.left - pad, run.bottom - pad, run.right + pad, run.top + pad)
    if box[2] <= box[0] or box[3] <= box[1]:
        return run.color
    crop = view.image.crop(box)
    colors = crop.getcolors(maxcolors=crop.width * crop.height) or []
    red, green, blue = run.color
    for _, color in sorted(colors, reverse=True):
        if abs(color[0] - red) + abs(color[1] - green) + abs(color[2] - blue) > NEAR:
            return color
    return run.color


def _fix(text_color: tuple[int, int, int], background: tuple[int, int, int], needed: float) -> str:
    """A text colour of the same hue that reaches `needed` on this background, darker on a light one."""
    if wcag.relative_luminance(_hex(background)) < 0.18:
        return "#FFFFFF" if wcag.ratio("#FFFFFF", _hex(background)) >= needed else "#000000"
    step = 0.0
    color = text_color
    while wcag.ratio(_hex(color), _hex(background)) < needed and step < 1:
        step += 0.05
        color = tuple(int(c * (1 - step)) for c in text_color)
    return _hex(color)


def _hex(color: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02X}" for c in color)


def _quote(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")

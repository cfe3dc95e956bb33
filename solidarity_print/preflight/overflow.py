"""Text overflow in the finished file: lines drawn over other lines, or running off the page."""
from __future__ import annotations

from ..render.fonts import is_joined_script
from .findings import Finding
from .page import PageView

SAME_LINE = 0.6  # share of a glyph's height the middles of two pieces of one Arabic line may differ by
OVERLAP = 1.5  # points both ways: tight boxes of lines set close may touch, two texts in one place overlap far more


def check(view: PageView, file: str) -> list[Finding]:
    """The build's own overflow rule (no text runs into another or out of the page), on the printed result."""
    runs = view.runs
    findings = []
    outside = [r for r in runs if r.right < 0 or r.left > view.width or r.top < 0 or r.bottom > view.height
               or r.left < -OVERLAP or r.right > view.width + OVERLAP or r.bottom < -OVERLAP or r.top > view.height + OVERLAP]
    if outside:
        findings.append(Finding(file, view.number, "overflow",
                                f"text runs off the page: {outside[0].text.strip()[:40]!r}",
                                "shorten the text or make it smaller so it fits its box"))
    ordered = sorted(runs, key=lambda r: r.left)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1:]:
            if second.left > first.right - OVERLAP:
                break
            across = min(first.right, second.right) - max(first.left, second.left)
            up = min(first.top, second.top) - max(first.bottom, second.bottom)
            joined = (is_joined_script(first.text) or is_joined_script(second.text)) and \
                abs((first.top + first.bottom) - (second.top + second.bottom)) / 2 <= \
                SAME_LINE * max(first.top - first.bottom, second.top - second.bottom)
            if across > OVERLAP and up > OVERLAP and not joined:
                drawn, over = sorted((first, second), key=runs.index)
                findings.append(Finding(file, view.number, "overflow",
                                        f"text is printed over other text: {drawn.text.strip()[:40]!r} and "
                                        f"{over.text.strip()[:40]!r}",
                                        "shorten the text, or give the box more room, so nothing runs into the next"))
                return findings
    return findings

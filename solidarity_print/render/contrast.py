"""WCAG 2 contrast of a focus day's colour against the white it is printed with, and a darker fix."""
from __future__ import annotations

import colorsys

# Contrast is symmetric, so white text on the colour and the colour as text on white have the same
# ratio; the stricter of the two uses decides. Measured in assets/css at the smallest unit (A4 and
# letter handouts, 5.95-6.12 pt): the flyer's step numbers are white on the colour at 2.2 units
# (13.1-13.5 pt, weight 800), under WCAG's "large" (14 pt bold), so normal text's 4.5:1 (AA) applies.
# The colour as text on white is only ever large (flyer h2 at 3 units, 17.9 pt bold; guide h2 21 pt;
# poster headings 25 pt), where 3:1 would do.
WHITE_TEXT_ON_COLOR = 4.5
COLOR_TEXT_ON_WHITE = 3.0
NEEDED = max(WHITE_TEXT_ON_COLOR, COLOR_TEXT_ON_WHITE)
WHITE = "#FFFFFF"


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of '#RRGGBB', 0 (black) to 1 (white)."""
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two '#RRGGBB' colours, 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darker_passing(color: str, needed: float = NEEDED) -> str:
    """The same hue and saturation, darkened just enough to reach `needed` against white."""
    red, green, blue = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    low, high = 0.0, lightness  # lightness 0 is black, which always passes
    for _ in range(30):
        middle = (low + high) / 2
        if ratio(_hex(hue, middle, saturation), WHITE) >= needed:
            low = middle
        else:
            high = middle
    return _hex(hue, low, saturation)


def _hex(hue: float, lightness: float, saturation: float) -> str:
    # Rounding down keeps the rounded colour at least as dark as the one that passed.
    return "#" + "".join(f"{int(c * 255):02X}" for c in colorsys.hls_to_rgb(hue, lightness, saturation))

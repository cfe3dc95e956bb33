"""Vector QR codes (segno) as SVG data URIs, so they print sharp at any poster size."""
from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=64)
def svg_data_uri(url: str, dark: str = "#111111") -> str:
    """An SVG QR code for `url` as a data: URI, medium error correction, drawn edge to edge.

    The image has no quiet zone of its own, so the width a template gives it is the code's own width
    (a poster's 2 in code is 2 in of modules); the footer leaves the four modules of white around it."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_data_uri(scale=4, border=0, dark=dark, light="#FFFFFF", omitsize=True)

"""Vector QR codes (segno) as SVG data URIs, so they print sharp at any poster size."""
from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=64)
def svg_data_uri(url: str, dark: str = "#111111") -> str:
    """An SVG QR code for `url` as a data: URI, medium error correction, with the standard quiet zone."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_data_uri(scale=4, border=4, dark=dark, light="#FFFFFF", omitsize=True)

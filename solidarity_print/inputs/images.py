"""Images from the user (school logos): inside their folder, really images, sharp enough to print (Pillow)."""
from __future__ import annotations

import base64
import io
import zlib
from functools import lru_cache
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ..errors import ProblemCollector

FORMATS = {"PNG", "JPEG"}
MAX_LOGO_EDGE = 900  # pixels: 600 ppi at the printed size is more than any printer resolves
# A logo is printed about 1.5 inches wide on the cover; below 150 pixels per inch it looks soft.
LOGO_PRINT_INCHES = 1.5
MIN_PPI = 150
MAX_PIXELS = 40_000_000  # far beyond any logo; larger is a decompression bomb, not a picture

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def check_logo(folder: Path, value: str, where: str, problems: ProblemCollector) -> Path | None:
    """The logo's resolved path, or None with the problem recorded at `where`."""
    root = folder.resolve()
    try:
        path = (root / value).resolve()
        exists = path.is_file()
    except (ValueError, OSError):  # a NUL byte, a name longer than the file system allows
        problems.add(where, f"{value[:80]!r} is not a usable file name")
        return None
    if not path.is_relative_to(root):
        problems.add(where, f"{value!r} is outside the roster's folder {root}")
        return None
    if not exists:
        problems.add(where, f"{value!r} does not exist (looked for {path})")
        return None
    if path.suffix.lower() == ".svg":
        problems.add(where, f"{value!r} is an SVG drawing; export the logo as PNG (SVG files can pull in other files)")
        return None
    try:
        with Image.open(path) as image:
            kind, size = image.format, image.size
            if size[0] * size[1] > MAX_PIXELS:
                raise Image.DecompressionBombError(f"{size[0]}×{size[1]}")
            image.verify()
        with Image.open(path) as image:
            image.load()  # verify() misses truncated pixel data
    except Image.DecompressionBombError:
        problems.add(where, f"{value!r} has more than {MAX_PIXELS:,} pixels; use a smaller logo")
        return None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        problems.add(where, f"{value!r} is not a readable image ({exc.__class__.__name__}: {exc})")
        return None
    if size[0] * size[1] > MAX_PIXELS:
        problems.add(where, f"{value!r} has {size[0] * size[1]:,} pixels ({size[0]}×{size[1]}); "
                            f"a logo needs far fewer (at most {MAX_PIXELS:,})")
        return None
    if kind not in FORMATS:
        problems.add(where, f"{value!r} is a {kind} image; use PNG or JPEG")
        return None
    ppi = min(size) / LOGO_PRINT_INCHES
    if ppi < MIN_PPI:
        problems.add(where, f"{value!r} is {size[0]}×{size[1]} pixels, about {ppi:.0f} ppi when printed; "
                            f"it will look blurry (use {round(MIN_PPI * LOGO_PRINT_INCHES)} pixels or more)", warning=True)
    return path


def _print_ready(path: Path) -> Image.Image:
    """The logo in 8-bit RGB(A), at most MAX_LOGO_EDGE pixels on a side, whatever the school sent
    (16-bit, CMYK, palette, a huge photo)."""
    with Image.open(path) as image:
        image.load()
        if image.mode in ("I;16", "I;16B", "I;16L", "I"):
            image = image.convert("I").point(lambda value: value / 256).convert("L")
        image = image.convert("RGBA" if "A" in image.getbands() or image.info.get("transparency") is not None else "RGB")
    image.thumbnail((MAX_LOGO_EDGE, MAX_LOGO_EDGE))
    return image


@lru_cache(maxsize=256)
def logo_data_uri(path: Path) -> str:
    """The logo as a PNG data: URI of its print-ready pixels: the rendered page depends on the
    image's content only, not on a file that may change."""
    buffer = io.BytesIO()
    _print_ready(path).save(buffer, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@lru_cache(maxsize=64)
def logo_pixels(path: Path) -> tuple[int, int, bytes, bytes | None]:
    """The logo's print-ready pixels for a PDF image: width, height, deflated RGB and deflated
    alpha (None when opaque)."""
    image = _print_ready(path)
    alpha = zlib.compress(image.getchannel("A").tobytes(), 6) if image.mode == "RGBA" else None
    return image.width, image.height, zlib.compress(image.convert("RGB").tobytes(), 6), alpha

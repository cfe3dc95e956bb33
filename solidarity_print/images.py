"""Images from the user (school logos): inside their folder, really images, sharp enough to print (Pillow)."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .errors import ProblemCollector

FORMATS = {"PNG", "JPEG"}
# A logo is printed about 1.5 inches wide on the cover; below 150 pixels per inch it looks soft.
LOGO_PRINT_INCHES = 1.5
MIN_PPI = 150
MAX_PIXELS = 40_000_000  # far beyond any logo; larger is a decompression bomb, not a picture

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def check_logo(folder: Path, value: str, where: str, problems: ProblemCollector) -> Path | None:
    """The logo's resolved path, or None with the problem recorded at `where`."""
    root = folder.resolve()
    path = (root / value).resolve()
    if not path.is_relative_to(root):
        problems.add(where, f"{value!r} is outside the roster's folder {root}")
        return None
    if not path.is_file():
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

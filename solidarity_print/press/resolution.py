"""The resolution of every raster image of a PDF at the size it is printed, read from the page content."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pikepdf

LEAST_PPI = 150  # below this a print shop sends the file back
SHARP_PPI = 300  # below this photos and logos look soft on coated paper
DEEPEST_FORM = 8  # forms inside forms: ours nest two deep; a loop in a hostile file must end


@dataclass(frozen=True)
class PlacedImage:
    """One image as printed: its page (1-based), pixels and size on paper."""

    page: int
    pixels: tuple[int, int]
    inches: tuple[float, float]

    @property
    def ppi(self) -> float:
        """Pixels per inch along its less resolved side."""
        return min(px / max(inch, 1e-9) for px, inch in zip(self.pixels, self.inches))

    def describe(self) -> str:
        """'an image of 60×60 pixels printed 1.5×1.5 in (40 ppi)'."""
        return (f"an image of {self.pixels[0]}×{self.pixels[1]} pixels printed {self.inches[0]:.2g}×"
                f"{self.inches[1]:.2g} in ({self.ppi:.0f} ppi)")


def placed_images(data: bytes) -> list[PlacedImage]:
    """Every image drawn on the pages of `data`, with the size the page's transformations give it."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return images_of(pdf)


def images_of(pdf: pikepdf.Pdf) -> list[PlacedImage]:
    """placed_images of a file already open (read before its pages are changed)."""
    found: list[PlacedImage] = []
    for number, page in enumerate(pdf.pages, 1):
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        if _draws_images(page, resources):
            _walk(pikepdf.parse_content_stream(page), resources, (1, 0, 0, 1, 0, 0), number, found, 0)
    return found


def _draws_images(page: pikepdf.Page, resources) -> bool:
    """True if the page's content names an image or a form: only such pages are parsed. (A packet's
    pages share one resource dictionary that lists the cover's logo, so the resources alone do not tell.)"""
    names = [name.encode() for name, xobject in resources.get("/XObject", {}).items()
             if xobject.get("/Subtype") in ("/Image", "/Form")]
    if not names:
        return False
    contents = page.obj.get("/Contents")
    streams = contents if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
    data = b"".join(stream.read_bytes() for stream in streams)
    return any(name in data for name in names)


def _walk(instructions, resources, matrix, page: int, found: list[PlacedImage], depth: int) -> None:
    """Follow q/Q/cm through one content stream; record each image drawn and go into each form."""
    stack, ctm = [], matrix
    xobjects = resources.get("/XObject", {})
    for operands, operator in instructions:
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q" and stack:
            ctm = stack.pop()
        elif op == "cm" and len(operands) == 6:
            ctm = _multiply(tuple(float(v) for v in operands), ctm)
        elif op == "Do" and operands and str(operands[0]) in xobjects:
            xobject = xobjects[str(operands[0])]
            if xobject.get("/Subtype") == "/Image":
                a, b, c, d = ctm[:4]
                found.append(PlacedImage(page, (int(xobject.Width), int(xobject.Height)),
                                         (math.hypot(a, b) / 72, math.hypot(c, d) / 72)))
            elif xobject.get("/Subtype") == "/Form" and depth < DEEPEST_FORM:
                inner = tuple(float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0]))
                _walk(pikepdf.parse_content_stream(xobject), xobject.get("/Resources", pikepdf.Dictionary()),
                      _multiply(inner, ctm), page, found, depth + 1)


def _multiply(m, n):
    """The PDF matrix product m × n (m applied first)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)

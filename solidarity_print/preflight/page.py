"""One page of a finished PDF as the checks see it: its size, its text, its images, its render."""
from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import cached_property

import pypdfium2
import pypdfium2.raw as pdfium_c

INCH = 72.0  # points
RENDER_DPI = 72  # modest on purpose: one render serves contrast and QR, and a tabloid page takes ~20 ms
BOLD_WORDS = ("bold", "black", "heavy")  # in a font's name: its weight is often not written (400)


@dataclass(frozen=True)
class TextRun:
    """One text object of the page (a line, or the part of it in one style): its text, its box in
    points (origin bottom left), its fill colour, size in points, weight and marked-content id."""

    text: str
    left: float
    bottom: float
    right: float
    top: float
    color: tuple[int, int, int]
    size: float
    bold: bool
    font: str
    mcid: int  # -1 when not marked (an artifact, or untagged content)


class PageView:
    """A pypdfium2 page with what several checks read from it, each read once and only when asked."""

    def __init__(self, document: pypdfium2.PdfDocument, index: int):
        self.document = document
        self.index = index
        self.page = document[index]
        self.width, self.height = self.page.get_size()

    @property
    def number(self) -> int:
        """The page number as a person counts it."""
        return self.index + 1

    @cached_property
    def runs(self) -> list[TextRun]:
        """Every text object of the page with visible text, in the order it is drawn."""
        text_page = self.page.get_textpage()
        red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
        size = ctypes.c_float()
        name = ctypes.create_string_buffer(128)
        found = []
        for obj in self.page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=8):
            length = pdfium_c.FPDFTextObj_GetText(obj.raw, text_page.raw, None, 0)
            buffer = (ctypes.c_ushort * max(1, length // 2))()
            pdfium_c.FPDFTextObj_GetText(obj.raw, text_page.raw, buffer, length)
            text = bytes(buffer).decode("utf-16-le", "replace").rstrip("\x00")
            if not text.strip() or pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
                continue  # invisible text (a scan's OCR layer) is read, never seen
            pdfium_c.FPDFPageObj_GetFillColor(obj.raw, red, green, blue, alpha)
            pdfium_c.FPDFTextObj_GetFontSize(obj.raw, size)
            font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
            pdfium_c.FPDFFont_GetBaseFontName(font, name, len(name))
            font_name = name.value.decode("latin-1").split("+")[-1]
            a, b, c, d, _, _ = obj.get_matrix().get()
            (left, bottom, right, top), scale = _on_page(obj, obj.get_bounds())
            found.append(TextRun(text, left, bottom, right, top, (red.value, green.value, blue.value),
                                 size.value * abs(a * d - b * c) ** 0.5 * scale,
                                 pdfium_c.FPDFFont_GetWeight(font) >= 700 or any(w in font_name.lower() for w in BOLD_WORDS),
                                 font_name, pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)))
        return found

    @cached_property
    def image(self):
        """The page rendered at RENDER_DPI as an RGB PIL image (one render for every check)."""
        image = self.page.render(scale=RENDER_DPI / INCH, rev_byteorder=True).to_pil()
        return image if image.mode == "RGB" else image.convert("RGB")

    def pixels(self, left: float, bottom: float, right: float, top: float) -> tuple[int, int, int, int]:
        """The image's pixel box (left, upper, right, lower) of a box given in points."""
        scale = RENDER_DPI / INCH
        return (max(0, int(left * scale)), max(0, int((self.height - top) * scale)),
                min(self.image.width, int(right * scale + 0.999)), min(self.image.height, int((self.height - bottom) * scale + 0.999)))

    @cached_property
    def images(self) -> list[tuple[tuple[float, float, float, float], int, int]]:
        """Each raster image drawn on the page: its box in points (left, bottom, right, top) and its pixels across and down."""
        found = []
        for obj in self.page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8):
            box, _ = _on_page(obj, obj.get_bounds())
            width, height = obj.get_px_size()
            found.append((box, width, height))
        return found

    def paper(self) -> str | None:
        """'letter' or 'a4' when the page is that paper (either way up), else None."""
        short, long = sorted((self.width, self.height))
        for name, (w, h) in {"letter": (612, 792), "a4": (595.28, 841.89)}.items():
            if abs(short - w) < 2 and abs(long - h) < 2:
                return name
        return None


def _on_page(obj, box: tuple[float, float, float, float]) -> tuple[tuple[float, float, float, float], float]:
    """A box pdfium gives in the space of the form the object is drawn in, in page space, and the scale
    between the two (a poster drawn at half size on a packet page is 0.5)."""
    scale, container = 1.0, obj.container
    while container is not None:
        a, b, c, d, e, f = container.get_matrix().get()
        left, bottom, right, top = box
        xs, ys = zip(*((a * x + c * y + e, b * x + d * y + f) for x in (left, right) for y in (bottom, top)))
        box = (min(xs), min(ys), max(xs), max(ys))
        scale *= abs(a * d - b * c) ** 0.5
        container = container.container
    return box, scale

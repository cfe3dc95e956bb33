"""--booklet on pages that carry /Rotate: each is placed as a viewer shows it, upright in its half."""
from __future__ import annotations

import io

import pikepdf
import pypdfium2
from PIL import Image

from solidarity_print.press.booklet import impose_booklet

BAND = 100  # points: a black band along the top of each page as shown, on a light grey page


def two_pages_second_rotated() -> bytes:
    """A portrait page, then a landscape MediaBox turned by /Rotate 90 into a portrait page (its band
    drawn along the MediaBox's left edge, which a viewer shows at the top)."""
    pdf = pikepdf.new()
    for box, content, rotate in (([0, 0, 612, 792], f"0.8 g 0 0 612 792 re f 0 g 0 {792 - BAND} 612 {BAND} re f", 0),
                                 ([0, 0, 792, 612], f"0.8 g 0 0 792 612 re f 0 g 0 0 {BAND} 612 re f", 90)):
        page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=pikepdf.Array(box),
                                  Contents=pdf.make_stream(content.encode()), Resources=pikepdf.Dictionary())
        if rotate:
            page.Rotate = rotate
        pdf.pages.append(pikepdf.Page(page))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def grey_and_black_boxes(image: Image.Image) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(left, top, right, bottom) of the page drawn (grey or black) and of its black band, in pixels."""
    page = image.point(lambda v: 255 if v < 250 else 0).getbbox()
    band = image.point(lambda v: 255 if v < 50 else 0).getbbox()
    return page, band


def rendered(data: bytes, index: int) -> Image.Image:
    document = pypdfium2.PdfDocument(data)
    try:
        return document[index].render(scale=1).to_pil().convert("L")
    finally:
        document.close()


def test_a_rotated_page_is_placed_upright_as_a_viewer_shows_it():
    source = two_pages_second_rotated()
    shown = rendered(source, 1)
    assert shown.size == (612, 792)  # the premise: a viewer shows it portrait, band at the top
    page, band = grey_and_black_boxes(shown)
    assert band[1] == page[1] and band[3] - band[1] == BAND and band[2] - band[0] == 612

    booklet, sides = impose_booklet(source, "letter")
    assert sides == 2
    back = rendered(booklet, 1)  # the back of the sheet: page 2 on the left, a blank page on the right
    width, height = back.size
    page, band = grey_and_black_boxes(back)
    page_width, page_height = page[2] - page[0], page[3] - page[1]
    assert page_height > page_width, "the rotated page is drawn on its side"
    assert abs(page_width / page_height - 612 / 792) < 0.02
    assert abs(band[1] - page[1]) <= 1 and abs(band[2] - band[0] - page_width) <= 1, "its top is not at the top"
    assert abs((band[3] - band[1]) / page_height - BAND / 792) < 0.02
    assert page[2] <= width // 2 + 1, "it leaves its half of the sheet"

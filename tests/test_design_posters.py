"""Posters fill their page and carry a QR code that scans from a step away (measured on the built PDFs)."""
from __future__ import annotations

import pypdfium2
import pytest
import zxingcpp
from click.testing import CliRunner

from solidarity_print.cli import cli

URL = "https://www.glsen.org/solidarity-week"
DAYS = ("black-lgbtq", "disability-justice", "immigrant-youth", "intersex-youth", "native-indigenous")
TEXT = 1  # pdfium page object type of text


def measure(path):
    """The decoded QR text, its width in points, the gap from the lowest text above it down to its top,
    the page size, and every text object's bounds."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        page = document[0]
        width, height = page.get_size()
        image = page.render(scale=150 / 72).to_pil()
        codes = zxingcpp.read_barcodes(image)
        assert len(codes) == 1, f"{path}: {len(codes)} QR codes decoded"
        corners = codes[0].position
        xs = [p.x for p in (corners.top_left, corners.top_right, corners.bottom_left, corners.bottom_right)]
        ys = [p.y for p in (corners.top_left, corners.top_right, corners.bottom_left, corners.bottom_right)]
        code_width, code_top = (max(xs) - min(xs)) * 72 / 150, height - min(ys) * 72 / 150
        texts = [obj.get_bounds() for obj in page.get_objects() if obj.type == TEXT]
        gap = min(bottom for _, bottom, _, _ in texts if bottom > code_top) - code_top
        return codes[0].text, code_width, gap, (width, height), texts
    finally:
        document.close()


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("day", DAYS)
def test_focus_day_poster_fills_the_page_and_its_code_is_2in(default_build, lang, day):
    text, code_width, gap, (width, height), texts = measure(default_build / lang / "posters" / f"{day}.pdf")
    assert text == URL
    assert code_width >= 144, f"QR code {code_width:.0f} pt wide"
    # Before the text was set larger, 10-18% of the page stood empty between the last action and the
    # footer; now under 9% (the footer's own padding, a breathing space, and a line that did not fit).
    assert gap < 0.09 * height, f"{gap:.0f} pt empty above the footer"
    for left, bottom, right, top in texts:
        assert left >= 0 and right <= width and bottom >= 0 and top <= height


def test_a3_posters_have_a_2in_code_and_text_within_the_page(tmp_path):
    out = tmp_path / "a3"
    result = CliRunner().invoke(cli, ["build", "--out", str(out), "--only", "posters", "--paper", "a3", "--lang", "es",
                                      "--no-cache"])
    assert result.exit_code == 0, result.output
    for path in sorted((out / "es/posters").glob("*.pdf")):
        text, code_width, _, (width, height), texts = measure(path)
        assert text == URL and code_width >= 144, (path.name, code_width)
        assert all(0 <= left and right <= width and 0 <= bottom and top <= height for left, bottom, right, top in texts)

"""Shaped lines (Arabic, Chinese) drawn with TJ arrays put every glyph where HarfBuzz placed it, in logical order."""
from __future__ import annotations

import re

import pytest

from solidarity_print.pdf.overlay import ARABIC_REGULAR, NOTO_REGULAR, SC_REGULAR, overlay_font
from solidarity_print.pdf.shaping import ShapedFace, _run_ops, _shaped_run

LINES = {
    "ar": "مدرسة ابنُ سينا الثانوية 12 — صفحة 3 من 15",  # a mark (damma) that shaping may raise
    "zh": "北京路中学 Pride Club — 第 7 页，共 15 页",
}
OP = re.compile(r"(/\w+) ([\d.]+) Tf|1 0 0 1 (-?[\d.]+) (-?[\d.]+) Tm|\[([^\]]*)\]TJ|(-?[\d.]+) Ts")
ARRAY_PART = re.compile(r"(-?\d+)|<([0-9a-f]{4})>")


def face_for(text: str, rtl: bool) -> ShapedFace:
    chars = "".join(sorted(set(text)))
    return ShapedFace([overlay_font(file, chars, True) for file in (ARABIC_REGULAR, NOTO_REGULAR, SC_REGULAR)], rtl)


def shown_glyphs(ops: str, face: ShapedFace) -> list[tuple[int, float, float]]:
    """(glyph id, x, rise) of each glyph the operators show, as a PDF viewer places them."""
    fonts = {font.resource: font for font in face.fonts}
    font, size, rise, x, glyphs = face.fonts[0], None, 0.0, 0.0, []
    for resource, font_size, tm_x, _, array, new_rise in OP.findall(ops):
        if resource:
            font, size = fonts[resource], float(font_size)
        elif tm_x:
            x = float(tm_x)
        elif new_rise:
            rise = float(new_rise)
        else:
            for number, gid in ARRAY_PART.findall(array):
                if number:
                    x -= int(number) * size / 1000
                else:
                    glyphs.append((int(gid, 16), x, rise))
                    x += font.pdf_widths().get(int(gid, 16), 1000) * size / 1000
    return glyphs


def shaped_glyphs(face: ShapedFace, line: str, size: float, x: float) -> list[tuple[int, int, float, float]]:
    """(character index, glyph id, x, rise) of each glyph as shaping places it, worked out from the runs."""
    glyphs, pen = [], x
    for start, run, font, rtl in face._order_runs(line):
        for cluster, gid, advance, dx, dy in _shaped_run(font.file, run, rtl)[0]:
            glyphs.append((start + cluster, gid, pen + dx * size, dy * size))
            pen += advance * size
    return glyphs


@pytest.mark.parametrize("lang", LINES)
def test_each_glyph_is_drawn_where_shaping_put_it_in_logical_order(lang):
    line, size, x = LINES[lang], 9.5, 72.0
    face = face_for(line, rtl=lang == "ar")
    shown = shown_glyphs(f"{face.resource} {size:.2f} Tf\n" + face.draw_line(line, size, x, 40.0), face)
    expected = sorted(shaped_glyphs(face, line, size, x), key=lambda glyph: glyph[0])  # stable: logical order
    assert [gid for gid, _, _ in shown] == [gid for _, gid, _, _ in expected]
    for (gid, left, rise), (_, _, want_left, want_rise) in zip(shown, expected):
        # Run starts are rounded to 0.01 pt, each number to a thousandth of an em: nothing builds up.
        assert abs(left - want_left) < 0.01 + size / 1000, (gid, left, want_left)
        assert abs(rise - want_rise) < 0.01
    assert face.width(line, size) == pytest.approx(sum(
        _shaped_run(font.file, run, rtl)[1] for _, run, font, rtl in face._order_runs(line)) * size)


def test_a_right_to_left_run_shows_one_glyph_per_array_and_a_left_to_right_run_one_array():
    # One string running leftwards is taken by viewers for visual order and reversed when copied.
    face = face_for(LINES["ar"], rtl=True)
    runs = face._runs(LINES["ar"])
    assert {rtl for _, _, _, rtl in runs} == {True, False}
    for _, run, font, rtl in runs:
        arrays = re.findall(r"\[([^\]]*)\]TJ", _run_ops(font, run, rtl, 10.0)[2])
        glyphs = [len(re.findall(r"<[0-9a-f]{4}>", array)) for array in arrays]
        assert glyphs == ([1] * len(glyphs) if rtl else glyphs[:1]), (run, arrays)


@pytest.mark.parametrize("text", ["مدرسة 7 — صفحة 9 من 15", "Lincoln High 2 — page 10 of 11", "第 3 页，共 12 页",
                                  "ثانوية 1990 (2023–2024)"])
def test_texts_that_differ_in_their_digits_share_an_ordering_that_is_right_for_each(text):
    face = face_for(text + "0123456789", rtl=True)
    assert face._runs(text) == face._order_runs(text)
    other = text.translate(str.maketrans("0123456789", "5820917364"))
    assert face._runs(other) == face._order_runs(other)

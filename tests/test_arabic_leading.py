"""Arabic lines on the overlap checks: joined letters of one word are one word, lines set too close are caught."""
from __future__ import annotations

from pathlib import Path

import weasyprint
from text_overlap import overlapping_text

from solidarity_print.resources import ASSETS

# Final ي hangs well below the ف and ل it joins: the middles of their boxes sit more than half a
# letter apart although both stand on one baseline.
WORDS = "نحتفي بالطلبة في حاملي صفات الجنسين"
# Two lines whose deep tails (ي) sit right above tall alefs with hamza (أ) on the next line.
TWO_LINES = "ابحثوا عن الشعب الأصلي الذي تقوم مدرستكم على أرضه التقليدية، وأعلنوا ذلك في الإذاعة الصباحية"


def _arabic_pdf(tmp_path: Path, text: str, line_height: float, width: str = "6in", size: int = 30) -> Path:
    path = tmp_path / "arabic.pdf"
    font = (ASSETS / "fonts" / "NotoSansArabic-Regular.ttf").as_uri()
    style = f"<style>@font-face {{ font-family: Arabic; src: url({font}) }}</style>"
    weasyprint.HTML(string=f"<html lang='ar' dir='rtl'>{style}<body style='font: {size}pt Arabic; line-height: {line_height}; "
                           f"width: {width}'><p>{text}</p></body></html>").write_pdf(path)
    return path


def test_joined_letters_standing_on_one_baseline_are_one_word(tmp_path):
    assert overlapping_text(_arabic_pdf(tmp_path, WORDS, 2, width="30in", size=60)) == []


def test_arabic_lines_set_at_latin_leading_are_caught(tmp_path):
    assert overlapping_text(_arabic_pdf(tmp_path, TWO_LINES, 1.0))


def test_arabic_lines_at_the_body_leading_of_the_theme_do_not_touch(tmp_path):
    assert overlapping_text(_arabic_pdf(tmp_path, TWO_LINES, 1.4)) == []

"""Arabic (right to left) and Simplified Chinese builds: bundled fonts without tofu, /Lang, mirrored
layout, logical text order, and Arabic- and Chinese-named schools drawn on the fast path."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from solidarity_print.cli import cli
from solidarity_print.render import fonts

CAMPAIGN = Path(__file__).parent / "data" / "rtl_campaign"
IBN_SINA, BEIJING = "مدرسة ابن سينا الثانوية", "北京路中学"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The test campaign's materials in Arabic and Chinese, and its roster's packets and posters."""
    out = tmp_path_factory.mktemp("scripts")
    folder = out / "campaign"
    shutil.copytree(CAMPAIGN, folder)
    for args in (["--lang", "ar,zh-Hans,en", "--out", str(out / "kit")],
                 ["--roster", str(folder / "schools.csv"), "--only", "packets,posters", "--out", str(out / "schools")]):
        result = CliRunner().invoke(cli, ["build", "--campaign", str(folder), "--no-cache", *args])
        assert result.exit_code == 0, result.output
    return out


def page_text(path: Path, index: int = 0) -> str:
    return pdfium.PdfDocument(path)[index].get_textpage().get_text_range()


def glyph_ids_drawn(pdf: pikepdf.Pdf) -> dict[str, set[int]]:
    """Glyph ids each Identity-H font draws on any page, by font name."""
    drawn: dict[str, set[int]] = {}
    for page in pdf.pages:
        fonts_here = page.Resources.get("/Font", {})
        current = None
        for operands, operator in pikepdf.parse_content_stream(page):
            if operator == pikepdf.Operator("Tf"):
                current = fonts_here.get(str(operands[0]))
            elif operator in (pikepdf.Operator("Tj"), pikepdf.Operator("TJ")) and current is not None \
                    and current.get("/Encoding") == "/Identity-H":
                strings = operands[0] if operator == pikepdf.Operator("TJ") else [operands[0]]
                for s in strings:
                    if isinstance(s, pikepdf.String):
                        raw = bytes(s)
                        drawn.setdefault(str(current.BaseFont), set()).update(
                            int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2))
    return drawn


def every_pdf(built: Path) -> list[Path]:
    return sorted(p for p in built.rglob("*.pdf") if "/campaign/" not in str(p))


def test_no_glyph_is_drawn_as_notdef_in_any_embedded_font(built):
    pdfs = [p for p in every_pdf(built) if "/en/" not in str(p)]
    assert len(pdfs) >= 14
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            drawn = glyph_ids_drawn(pdf)
            assert drawn, path
            for font, glyphs in drawn.items():
                assert 0 not in glyphs, f"{path}: {font} draws .notdef"


def test_arabic_and_chinese_files_use_the_bundled_fonts_and_say_their_language(built):
    for lang, family in (("ar", "Noto-Sans-Arabic"), ("zh-Hans", "Noto-Sans-SC")):
        for path in (built / "kit" / lang).rglob("*.pdf"):
            with pikepdf.open(path) as pdf:
                assert str(pdf.Root.Lang) == lang
                names = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
                assert any(family in name for name in names), (path, names)


def test_text_is_extracted_in_logical_order(built):
    poster = page_text(built / "kit" / "ar" / "posters" / "immigrant-youth.pdf")
    assert "الشباب المهاجرون" in poster
    assert "يوم التركيز" in poster
    flyer = page_text(built / "kit" / "zh-Hans" / "flyers" / "immigrant-youth.pdf")
    assert "用每一种语言欢迎 LGBTQ+ 移民学生和他们的家人。" in flyer


def char_boxes(path: Path, text: str) -> list[tuple[float, float, float, float]]:
    page = pdfium.PdfDocument(path)[0]
    textpage = page.get_textpage()
    found = textpage.search(text).get_next()
    assert found, text
    start, count = found
    return [textpage.get_charbox(i) for i in range(start, start + count)], page.get_width()


def test_an_arabic_poster_is_mirrored_and_an_english_one_is_not(built):
    boxes, width = char_boxes(built / "kit" / "ar" / "posters" / "immigrant-youth.pdf", "الشباب المهاجرون")
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    margin = width * 0.07  # the band's padding: 7u on each side
    assert abs(right - (width - margin)) < 8 and left > margin + 30, (left, right, width)
    boxes, width = char_boxes(built / "kit" / "en" / "posters" / "immigrant-youth.pdf", "Immigrant Youth")
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    assert abs(left - margin) < 8 and right < width - margin - 30, (left, right, width)


def test_arabic_and_chinese_named_schools_are_drawn_on_shared_renders(built):
    files = {f["path"]: f for f in json.loads((built / "schools" / "manifest.json").read_text())["files"]}
    for path in ("ibn-sina/ar/packet.pdf", "beijing-road/zh-Hans/packet.pdf", "lincoln/ar/packet.pdf",
                 "al-amal/en/packet.pdf"):
        assert files[path]["shared_render"] is True, path
    cover = page_text(built / "schools" / "ibn-sina" / "ar" / "packet.pdf")
    assert IBN_SINA in cover.split("\r\n")
    assert BEIJING in page_text(built / "schools" / "beijing-road" / "zh-Hans" / "packet.pdf").split("\r\n")
    # An Arabic name in an English packet, drawn in Noto Sans Arabic, joined (shaped) and whole.
    assert "ثانوية النور" in page_text(built / "schools" / "al-amal" / "en" / "packet.pdf").split("\r\n")


def test_an_arabic_name_on_the_cover_is_right_aligned_and_shaped(built):
    path = built / "schools" / "ibn-sina" / "ar" / "packet.pdf"
    boxes, width = char_boxes(path, IBN_SINA)
    assert max(b[2] for b in boxes) > width - 80  # the cover's right margin is 0.8 in
    with pikepdf.open(path) as pdf:
        drawn = glyph_ids_drawn(pdf)
    # Shaping draws joining forms: glyphs other than those of the letters standing alone.
    from fontTools.ttLib import TTFont

    from solidarity_print.resources import ASSETS
    source = TTFont(ASSETS / "fonts" / "NotoSansArabic-Bold.ttf")
    order, cmap = source.getGlyphOrder(), source.getBestCmap()
    isolated = {order.index(cmap[ord(c)]) for c in IBN_SINA + "نادي التضامن" + "للتواصل" + "الاجتماعات" if ord(c) in cmap}
    name = next(name for name in drawn if "SPFONT" in name and "Arabic" in name and "Bold" in name)
    assert len(drawn[name] - isolated) >= 5, "the Arabic letters were drawn unjoined: the name was not shaped"


def test_font_class_picks_the_script_and_vietnamese_is_covered():
    assert fonts.font_class("مدرسة ابن سينا") == "script-arabic"
    assert fonts.font_class("北京路中学") == "script-sc"
    assert fonts.font_class("Trường Trung học Lê Lợi") == "script-noto"
    assert fonts.missing_characters("Tiếng Việt: ă â đ ê ô ơ ư ạ ả ấ ầ ẩ ẫ ậ ắ ằ ẳ ẵ ặ ẹ ẻ ẽ ế ề ể ễ ệ ỉ ị ọ ỏ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ụ ủ ứ ừ ử ữ ự ỳ ỵ ỷ ỹ") == []
    assert fonts.missing_characters("한국") == ["한", "국"]


def test_every_arabic_and_chinese_file_passes_ua1_with_every_glyph_mapped_to_text(built):
    import page as page_validation
    pdfs = [p for p in every_pdf(built) if "/en/" not in str(p)]
    for path in pdfs:
        report = page_validation.validate_pdf(str(path), profile="ua1")
        assert report.is_compliant, (path, [(f.rule_id, f.message) for f in report.failures][:3])
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                for font in page.Resources.get("/Font", {}).values():
                    if "/ToUnicode" in font:
                        assert b"> <>" not in font.ToUnicode.read_bytes(), (path, str(font.BaseFont))

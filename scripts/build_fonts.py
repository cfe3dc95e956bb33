"""Rebuild assets/fonts from the Fontsource npm package and Debian's fonts-noto-core and fonts-noto-cjk (maintainers only)."""
# Fontsource ships Atkinson Hyperlegible Next split into "latin" and "latin-ext" WOFF2 subsets meant
# for unicode-range on the web. One TTF per style is simpler for WeasyPrint and keeps the PDF's
# ToUnicode maps clean, so the two subsets are merged here with fontTools.
#
# Usage (from the repository root):
#   npm pack @fontsource/atkinson-hyperlegible-next@5.3.0 && tar xzf fontsource-*.tgz
#   apt-get install fonts-noto-core fonts-noto-cjk
#   python scripts/build_fonts.py package
#
# Noto Sans CJK is 19 MB a weight. Simplified Chinese is shipped as a subset: the 3,755 characters of
# GB2312 level 1 (the common characters every reader knows), CJK punctuation, full-width forms, and
# every character the built-in campaign's texts use, converted from CFF to TrueType outlines so that
# WeasyPrint and the overlay embed it like the other fonts. A school name with a rarer character is
# reported with its row before rendering; to ship more, rebuild with `--cjk-extra FILE` (a text file
# whose characters are added) or `--cjk-levels 2` (all of GB2312, 6,763 characters).
import argparse
import shutil
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

STYLES = {"Regular": ("400", "normal"), "Italic": ("400", "italic"), "Bold": ("700", "normal"),
          "BoldItalic": ("700", "italic"), "ExtraBold": ("800", "normal")}
NOTO = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
CJK_SC_INDEX = 2  # in NotoSansCJK-*.ttc: JP, KR, SC, TC, HK, then the Mono faces
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "fonts"


def merge_atkinson(package: Path) -> None:
    files = package / "files"
    with tempfile.TemporaryDirectory() as tmp:
        for style, (weight, slant) in STYLES.items():
            parts = []
            for subset in ("latin", "latin-ext"):
                font = TTFont(files / f"atkinson-hyperlegible-next-{subset}-{weight}-{slant}.woff2")
                font.flavor = None
                part = Path(tmp) / f"{subset}.ttf"
                font.save(part)
                parts.append(str(part))
            Merger().merge(parts).save(OUT / f"AtkinsonHyperlegibleNext-{style}.ttf")
    shutil.copy(package / "LICENSE", OUT / "AtkinsonHyperlegibleNext-OFL.txt")


def copy_noto() -> None:
    for style in ("Regular", "Bold", "Italic", "BoldItalic"):
        shutil.copy(NOTO / f"NotoSans-{style}.ttf", OUT / f"NotoSans-{style}.ttf")
    for style in ("Regular", "Bold"):
        shutil.copy(NOTO / f"NotoSansArabic-{style}.ttf", OUT / f"NotoSansArabic-{style}.ttf")
    _licence(TTFont(NOTO / "NotoSansArabic-Regular.ttf"), "Noto Sans Arabic TTF files from Debian package fonts-noto-core",
             OUT / "NotoSansArabic-OFL.txt")


def _licence(font: TTFont, source: str, path: Path) -> None:
    """The OFL text (as shipped with Noto Sans) under the font's own copyright line."""
    body = (OUT / "NotoSans-OFL.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    path.write_text(f"{font['name'].getDebugName(0)} ({source})\n{body}", encoding="utf-8")


def common_chinese(levels: int) -> set[int]:
    """GB2312's hanzi: level 1 (rows 16-55, the 3,755 common ones), with level 2 (rows 56-87) too."""
    last_row = 0xD7 if levels == 1 else 0xF7
    found = set()
    for row in range(0xB0, last_row + 1):
        for cell in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return found


def campaign_characters() -> set[int]:
    """Every character of the built-in campaign's texts and theme words, in any language."""
    folders = [ROOT / "solidarity_print" / "default_campaign", ROOT / "templates" / "strings"]
    return {ord(c) for folder in folders for path in folder.rglob("*") if path.suffix in (".toml", ".md")
            for c in path.read_text(encoding="utf-8")}


def chinese_subset(levels: int, extra: str) -> None:
    """Noto Sans CJK SC, cut to common Chinese and our texts, with TrueType outlines."""
    wanted = common_chinese(levels) | campaign_characters() | {ord(c) for c in extra}
    wanted |= set(range(0x20, 0x7F)) | set(range(0x3000, 0x3040)) | set(range(0xFF01, 0xFF5F)) | {0x00B7, 0x2014, 0x2026}
    for style in ("Regular", "Bold"):
        font = TTCollection(NOTO_CJK / f"NotoSansCJK-{style}.ttc").fonts[CJK_SC_INDEX]
        options = subset.Options()
        options.name_IDs = ["*"]
        options.hinting = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted & set(font.getBestCmap()))
        subsetter.subset(font)
        _cff_to_glyf(font)
        font.save(OUT / f"NotoSansSC-{style}.ttf")
        if style == "Regular":
            _licence(font, "subset of Noto Sans CJK SC from Debian package fonts-noto-cjk, made by "
                     "scripts/build_fonts.py; Reserved Font Name 'Source'", OUT / "NotoSansSC-OFL.txt")


def _cff_to_glyf(font: TTFont) -> None:
    """Replace CFF outlines with quadratic TrueType ones (as fontTools' otf2ttf snippet does)."""
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in font.getGlyphOrder():
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = font.getGlyphOrder()
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")
    font["maxp"].tableVersion = 0x00010000
    for key in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(font["maxp"], key, 1 if key == "maxZones" else 0)
    font["maxp"].maxComponentDepth = 0
    font["post"].formatType = 2.0
    font["post"].extraNames, font["post"].mapping = [], {}
    font["head"].glyphDataFormat = 0
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    font.sfntVersion = "\x00\x01\x00\x00"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("package", type=Path, help="the unpacked Fontsource Atkinson Hyperlegible Next package")
    parser.add_argument("--cjk-levels", type=int, choices=(1, 2), default=1, help="GB2312 levels to ship")
    parser.add_argument("--cjk-extra", type=Path, help="a text file whose characters the Chinese subset adds")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    merge_atkinson(args.package)
    copy_noto()
    chinese_subset(args.cjk_levels, args.cjk_extra.read_text(encoding="utf-8") if args.cjk_extra else "")

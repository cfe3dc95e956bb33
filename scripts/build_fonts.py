"""Rebuild assets/fonts from the Fontsource npm package and Debian's fonts-noto-core (maintainers only)."""
# Fontsource ships Atkinson Hyperlegible Next split into "latin" and "latin-ext" WOFF2 subsets meant
# for unicode-range on the web. One TTF per style is simpler for WeasyPrint and keeps the PDF's
# ToUnicode maps clean, so the two subsets are merged here with fontTools.
#
# Usage (from the repository root):
#   npm pack @fontsource/atkinson-hyperlegible-next@5.3.0 && tar xzf fontsource-*.tgz
#   apt-get install fonts-noto-core
#   python scripts/build_fonts.py package
import shutil
import sys
import tempfile
from pathlib import Path

from fontTools.merge import Merger
from fontTools.ttLib import TTFont

STYLES = {"Regular": ("400", "normal"), "Italic": ("400", "italic"), "Bold": ("700", "normal"),
          "BoldItalic": ("700", "italic"), "ExtraBold": ("800", "normal")}
NOTO = Path("/usr/share/fonts/truetype/noto")
OUT = Path(__file__).resolve().parent.parent / "assets" / "fonts"


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


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    merge_atkinson(Path(sys.argv[1]))
    copy_noto()

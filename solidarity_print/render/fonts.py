"""Which bundled font can draw a text (fontTools cmaps): missing glyphs are reported, never printed as boxes."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from fontTools.ttLib import TTFont

from ..resources import ASSETS

# In the order the stylesheets prefer them; the class switches a whole name to a font that has all
# of it, so that one word is never drawn in two typefaces.
FAMILIES = (("", "AtkinsonHyperlegibleNext-Regular.ttf"), ("script-noto", "NotoSans-Regular.ttf"),
            ("script-arabic", "NotoSansArabic-Regular.ttf"), ("script-sc", "NotoSansSC-Regular.ttf"))


@lru_cache(maxsize=None)
def _cmap(file: str) -> frozenset[int]:
    with TTFont(ASSETS / "fonts" / file, lazy=True) as font:
        return frozenset(font.getBestCmap())


def is_joined_script(text: str) -> bool:
    """True for text wholly in a script whose letters join and whose shaped glyphs' boxes overlap
    their neighbours by design (Arabic): two such pieces on one line are one word, not an overprint."""
    letters = [c for c in text if not c.isspace()]
    return bool(letters) and all("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" or "\u08a0" <= c <= "\u08ff"
                                 or "\ufb50" <= c <= "\ufdff" or "\ufe70" <= c <= "\ufeff" for c in letters)


def cmap_of(file: str) -> frozenset[int]:
    """The code points a bundled font file draws."""
    return _cmap(file)


def _drawn(char: str) -> bool:
    """False for characters that need no glyph of their own: spaces, controls, joiners, bidi marks and
    isolates (all category Cf), variation selectors."""
    if "\ufe00" <= char <= "\ufe0f":  # variation selectors choose a glyph, they are not one
        return False
    return unicodedata.category(char) not in ("Zs", "Cc", "Cf") or char == "\u00ad"


@lru_cache(maxsize=4096)  # the web server asks again for the campaign's labels on every preview
def font_class(text: str) -> str | None:
    """The CSS class of the first bundled family that draws every character of `text` ('' for the
    default), or None when no bundled font can."""
    needed = {ord(c) for c in unicodedata.normalize("NFC", text) if _drawn(c)}
    for css_class, file in FAMILIES:
        if needed <= _cmap(file):
            return css_class
    return None


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    return frozenset().union(*(_cmap(file) for _, file in FAMILIES))


def missing_characters(text: str) -> list[str]:
    """The characters of `text` that no bundled font can draw, each once, in order."""
    covered = _covered()
    found = []
    for char in unicodedata.normalize("NFC", text):
        if _drawn(char) and ord(char) not in covered and char not in found:
            found.append(char)
    return found


def characters_of(texts: list[str]) -> str:
    """Every character of `texts`, each once, sorted: the same set always gives the same font subset."""
    return "".join(sorted(set("".join(texts))))


def describe(chars: list[str]) -> str:
    """'"한" (U+D55C HANGUL SYLLABLE HAN), …' for a message."""
    return ", ".join(f'"{c}" (U+{ord(c):04X} {unicodedata.name(c, "unnamed")})' for c in chars[:8]) + (
        f" and {len(chars) - 8} more" if len(chars) > 8 else "")

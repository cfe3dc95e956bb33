"""Text in Arabic, Chinese or mixed scripts drawn onto shared renders: shaped by HarfBuzz, ordered for bidi.

Arabic letters change shape with their neighbours and run right to left; a glyph per character, as
overlay.OverlayFont draws, would print them unjoined and backwards. Here each run of one direction
and one font is shaped by HarfBuzz (uharfbuzz), runs are ordered as the Unicode bidi algorithm does
for a single embedding level, and each glyph is placed at its own position. Glyphs are written in
the order of the characters they come from, so text extracted from the page reads in logical order."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import uharfbuzz as hb

from ..resources import ASSETS
from .overlay import OverlayFont

# Digits read left to right inside Arabic too; every other class but these is neutral here.
RTL_CLASSES, LTR_CLASSES = {"R", "AL"}, {"L", "EN", "AN"}
NO_BREAK_BEFORE = set("，。、；：？！）」』”’》〉…·—")
ARABIC_CONTEXTS = ("{}", "\u0640{}", "{}\u0640", "\u0640{}\u0640")  # isolated, final, initial, medial
LIGATURES = ("لا", "لأ", "لإ", "لآ")


@lru_cache(maxsize=None)
def _hb_font(file: str) -> hb.Font:
    return hb.Font(hb.Face(hb.Blob.from_file_path(str(ASSETS / "fonts" / file))))


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"


def _ignored(char: str) -> bool:
    """Bidi controls and isolates (FSI … PDI) order text; they are never drawn."""
    return unicodedata.category(char) == "Cf"


def is_complex(text: str) -> bool:
    """True for a text with right-to-left or Chinese characters: it needs a ShapedFace."""
    return any(unicodedata.bidirectional(c) in RTL_CLASSES or _is_cjk(c) for c in text)


class ShapedFace:
    """Several subset fonts drawn as one face (e.g. Noto Sans Arabic, Noto Sans, Noto Sans SC): each
    character in the first that has it, each run shaped, lines ordered in `direction`."""

    def __init__(self, fonts: list[OverlayFont], rtl: bool = False):
        self.fonts = fonts
        self.rtl = rtl
        self._shaped: dict[str, list[tuple]] = {}  # a school's texts are measured many times while fitting
        self._font_for: dict[str, OverlayFont | None] = {}
        for font in fonts:
            _map_shaped_glyphs(font)

    @property
    def resource(self) -> str:
        return self.fonts[0].resource

    def directed(self, rtl: bool) -> "ShapedFace":
        """The same face laying lines out right to left (or left to right)."""
        if rtl == self.rtl:
            return self
        if not hasattr(self, "_other"):
            self._other = ShapedFace(self.fonts, rtl)
            self._other._other = self
        return self._other

    def covers(self, text: str) -> bool:
        """True if some font of the face has every character of `text`."""
        return all(c == " " or _ignored(c) or self._font_of(c) is not None for c in text)

    def _font_of(self, char: str) -> OverlayFont | None:
        if char not in self._font_for:
            self._font_for[char] = next((font for font in self.fonts if char in font.chars), None)
        return self._font_for[char]

    def width(self, text: str, size: float) -> float:
        """Advance width of `text`, shaped, at `size` points."""
        return sum(glyph[3] for glyph in self._glyphs(text)) * size

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """Greedy wrap at spaces and between Chinese characters; a piece longer than a line stands alone."""
        pieces, piece = [], ""
        for char in text:
            if piece and (piece.endswith(" ") and char != " " or _is_cjk(char) and char not in NO_BREAK_BEFORE
                          or _is_cjk(piece[-1]) and char not in NO_BREAK_BEFORE and not piece[-1] in "（「『“‘《〈"):
                pieces.append(piece)
                piece = ""
            piece += char
        pieces.append(piece)
        lines, line = [], ""
        for piece in pieces:
            candidate = line + piece
            if line.strip() and self.width(candidate.strip(), size) > width:
                lines.append(line.strip())
                line = piece
            else:
                line = candidate
        return [l for l in lines + [line.strip()] if l]

    def draw_line(self, line: str, size: float, x: float, baseline: float) -> str:
        """Text operators (inside BT … ET) drawing `line` from `x` on `baseline`, glyph by glyph."""
        ops, current = [], None
        for _, font, gid, advance, dx, dy, pen in sorted(self._glyphs(line), key=lambda g: g[0]):
            if font is not current:
                ops.append(f"{font.resource} {size:.2f} Tf")
                current = font
            ops.append(f"1 0 0 1 {x + (pen + dx) * size:.2f} {baseline + dy * size:.2f} Tm <{gid:04x}> Tj")
        return "\n".join(ops)

    def _glyphs(self, text: str) -> list[tuple]:
        """(character index, font, glyph id, advance, x offset, y offset, pen x) per glyph in visual
        order; lengths are in ems."""
        if text in self._shaped:
            return self._shaped[text]
        if len(self._shaped) > 4096:
            self._shaped.clear()
        glyphs = self._shaped[text] = self._shape(text)
        return glyphs

    def _shape(self, text: str) -> list[tuple]:
        glyphs, pen = [], 0.0
        for start, run, font, rtl in self._visual_runs(text):
            buffer = hb.Buffer()
            buffer.add_codepoints([ord(c) for c in run])  # clusters are then character indices
            buffer.guess_segment_properties()
            buffer.direction = "rtl" if rtl else "ltr"
            hb_font = _hb_font(font.file)
            hb.shape(hb_font, buffer, {})
            scale = 1 / hb_font.face.upem
            for info, position in zip(buffer.glyph_infos, buffer.glyph_positions):
                glyphs.append((start + info.cluster, font, info.codepoint, position.x_advance * scale,
                               position.x_offset * scale, position.y_offset * scale, pen))
                pen += position.x_advance * scale
        return glyphs

    def _visual_runs(self, text: str) -> list[tuple[int, str, OverlayFont, bool]]:
        """(start index, text, font, right to left) runs of one font and direction, in visual order."""
        strong = [True if unicodedata.bidirectional(c) in RTL_CLASSES else False
                  if unicodedata.bidirectional(c) in LTR_CLASSES else None for c in text]
        before, after = [self.rtl] * len(text), [self.rtl] * len(text)
        for i in range(1, len(text)):
            before[i] = strong[i - 1] if strong[i - 1] is not None else before[i - 1]
        for i in range(len(text) - 2, -1, -1):
            after[i] = strong[i + 1] if strong[i + 1] is not None else after[i + 1]
        for i, value in enumerate(strong):  # a neutral between two runs of one direction takes it
            if value is None:
                strong[i] = before[i] if before[i] == after[i] else self.rtl
        runs, last_font = [], self.fonts[0]
        for i, char in enumerate(text):
            if _ignored(char):
                continue
            font = self._font_of(char) if char != " " else None
            font = font or (last_font if char == " " and last_font and " " in font_chars(last_font) else self.fonts[-1])
            last_font = font
            if runs and runs[-1][2] is font and runs[-1][3] == strong[i] and runs[-1][0] + len(runs[-1][1]) == i:
                runs[-1][1] += char
            else:
                runs.append([i, char, font, strong[i]])
        # One level of embedding: consecutive runs of one direction form a group (a Latin address may
        # span two fonts); right to left, the groups are reversed and so are the runs of an RTL group.
        groups: list[list] = []
        for run in runs:
            if groups and groups[-1][0][3] == run[3]:
                groups[-1].append(run)
            else:
                groups.append([run])
        ordered = [run for group in (reversed(groups) if self.rtl else groups)
                   for run in (reversed(group) if group[0][3] else group)]
        return [tuple(run) for run in ordered]


def font_chars(font: OverlayFont) -> set[str]:
    return font.chars | {" "}


def _map_shaped_glyphs(font: OverlayFont) -> None:
    """Give the glyphs shaping reaches (Arabic joining forms, lam-alef) their characters in the font's
    ToUnicode map, so that copied text and screen readers get letters, not nothing."""
    if font.shaped_unicode or not any(unicodedata.bidirectional(c) == "AL" for c in font.chars):
        return
    hb_font = _hb_font(font.file)
    texts = [c for c in font.chars if unicodedata.bidirectional(c) == "AL"]
    texts += [pair for pair in LIGATURES if set(pair) <= font.chars]
    for text in texts:
        for context in ARABIC_CONTEXTS:
            buffer = hb.Buffer()
            buffer.add_codepoints([ord(c) for c in context.format(text)])
            buffer.guess_segment_properties()
            hb.shape(hb_font, buffer, {})
            start = context.index("{")
            for info in buffer.glyph_infos:
                if info.cluster == start and info.codepoint:
                    font.shaped_unicode.setdefault(info.codepoint, text)

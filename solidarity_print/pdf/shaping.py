"""Text in Arabic, Chinese or mixed scripts drawn onto shared renders: shaped by HarfBuzz, ordered for bidi.

Arabic letters change shape with their neighbours and run right to left; a glyph per character, as
overlay.OverlayFont draws, would print them unjoined and backwards. Here each run of one direction
and one font is shaped by HarfBuzz (uharfbuzz), runs are ordered as the Unicode bidi algorithm does
for a single embedding level, and each glyph is placed at its own position. Glyphs are written in
the order of the characters they come from, so text extracted from the page reads in logical order."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import chain

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


@lru_cache(maxsize=None)
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
        self._widths: dict[str, float] = {}  # in ems
        self._covered: dict[str, bool] = {}
        self._ordered: dict[str, list[tuple]] = {}
        self._runs: dict[str, list[tuple]] = {}
        self._wrapped: dict[tuple, list[str]] = {}
        self._drawn: dict[tuple, str] = {}
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
        return all(map(self._covers_char, set(text)))

    def _covers_char(self, char: str) -> bool:
        covered = self._covered.get(char)
        if covered is None:
            covered = self._covered[char] = char == " " or _ignored(char) or self._font_of(char) is not None
        return covered

    def _font_of(self, char: str) -> OverlayFont | None:
        if char not in self._font_for:
            self._font_for[char] = next((font for font in self.fonts if char in font.chars), None)
        return self._font_for[char]

    def width(self, text: str, size: float) -> float:
        """Advance width of `text`, shaped, at `size` points."""
        ems = self._widths.get(text)
        if ems is None:
            if len(self._widths) > 4096:
                self._widths.clear()
            # Summed glyph by glyph, in visual order, as the glyphs are placed: the same number to the last bit.
            ems = self._widths[text] = sum(glyph[3] for glyph in self._shaped[text]) if text in self._shaped else \
                sum(chain.from_iterable(_shaped_run(font.file, run, rtl)[1] for _, run, font, rtl in self._visual_runs(text)))
        return ems * size

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """Greedy wrap at spaces and between Chinese characters; a piece longer than a line stands alone."""
        key = (text, size, width)
        if key not in self._wrapped:  # a school's club line is fitted the same way in every footer slot
            if len(self._wrapped) > 4096:
                self._wrapped.clear()
            self._wrapped[key] = self._wrap(text, size, width)
        return list(self._wrapped[key])

    def _wrap(self, text: str, size: float, width: float) -> list[str]:
        if CJK.search(text):
            pieces, piece = [], ""
            for char in text:
                if piece and (piece.endswith(" ") and char != " " or _is_cjk(char) and char not in NO_BREAK_BEFORE
                              or _is_cjk(piece[-1]) and char not in NO_BREAK_BEFORE and not piece[-1] in "（「『“‘《〈"):
                    pieces.append(piece)
                    piece = ""
                piece += char
            pieces.append(piece)
        else:  # words, each with the spaces after it
            pieces = [piece for piece in WORDS.findall(text) if piece]
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
        key = (line, size, x, baseline)
        if key not in self._drawn:  # a school's line comes back at one place: its club line on every poster
            if len(self._drawn) > 1024:
                self._drawn.clear()
            ops, current = [], None
            for font, code, left, dy in self._logical(line):
                if font is not current:
                    ops.append(f"{font.resource} {size:.2f} Tf")
                    current = font
                ops.append(f"1 0 0 1 {x + left * size:.2f} {baseline + dy * size:.2f} Tm {code} Tj")
            self._drawn[key] = "\n".join(ops)
        return self._drawn[key]

    def _logical(self, line: str) -> list[tuple]:
        """(font, glyph id as <hex>, pen x plus x offset, y offset) per glyph of `line`, in the order of
        the characters they come from."""
        if line not in self._ordered:
            if len(self._ordered) > 4096:
                self._ordered.clear()
            self._ordered[line] = [(font, f"<{gid:04x}>", pen + dx, dy) for _, font, gid, advance, dx, dy, pen
                                   in sorted(self._glyphs(line), key=lambda g: g[0])]
        return self._ordered[line]

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
            for cluster, gid, advance, dx, dy in _shaped_run(font.file, run, rtl)[0]:
                glyphs.append((start + cluster, font, gid, advance, dx, dy, pen))
                pen += advance
        return glyphs

    def _visual_runs(self, text: str) -> list[tuple[int, str, OverlayFont, bool]]:
        """(start index, text, font, right to left) runs of one font and direction, in visual order."""
        if text in self._runs:  # measured, then drawn
            return self._runs[text]
        if len(self._runs) > 4096:
            self._runs.clear()
        strong = list(map(_strong, text))
        classes = "".join(map(_class_letter, strong))
        for neutral in NEUTRALS.finditer(classes):  # a neutral between two runs of one direction takes it
            start, end = neutral.span()
            before = strong[start - 1] if start else self.rtl
            after = strong[end] if end < len(text) else self.rtl
            strong[start:end] = [before if before == after else self.rtl] * (end - start)
        runs, last_font, fallback, run, end = [], self.fonts[0], self.fonts[-1], None, -1
        for i, char in enumerate(text):
            if char == " ":
                font = last_font or fallback  # a space stays in the font before it (every subset draws one)
            elif _ignored(char):
                continue
            else:
                font = self._font_of(char) or fallback
            last_font = font
            if run is not None and run[2] is font and run[3] == strong[i] and end == i:
                run[1] += char
            else:
                run = [i, char, font, strong[i]]
                runs.append(run)
            end = i + 1
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
        self._runs[text] = [tuple(run) for run in ordered]
        return self._runs[text]


NEUTRALS = re.compile("N+")
CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")  # as _is_cjk
WORDS = re.compile("[^ ]* *")


def _class_letter(strong: bool | None) -> str:
    return "N" if strong is None else "S"


@lru_cache(maxsize=None)
def _strong(char: str) -> bool | None:
    """True for a right-to-left letter, False for a left-to-right one (digits too), None if neutral."""
    kind = unicodedata.bidirectional(char)
    return True if kind in RTL_CLASSES else False if kind in LTR_CLASSES else None


@lru_cache(maxsize=4096)
def _shaped_run(file: str, run: str, rtl: bool) -> tuple[tuple[tuple, ...], tuple[float, ...]]:
    """The glyphs (cluster, glyph id, advance, x offset, y offset in ems) of a run of one font and
    direction, word by word, in visual order, and their advances alone (for measuring)."""
    scale = 1 / _hb_font(file).face.upem
    glyphs = tuple((offset + cluster, gid, advance * scale, dx * scale, dy * scale)
                   for offset, piece in (reversed(_pieces(run)) if rtl else _pieces(run))
                   for cluster, gid, advance, dx, dy in _shaped_piece(file, piece, rtl))
    return glyphs, tuple(glyph[2] for glyph in glyphs)


def _pieces(run: str) -> list[tuple[int, str]]:
    """(offset, text) of the words of `run` and of the spaces between them, in logical order."""
    pieces, start = [], 0
    for i in range(1, len(run) + 1):
        if i == len(run) or (run[i] == " ") != (run[i - 1] == " "):
            pieces.append((start, run[start:i]))
            start = i
    return pieces


@lru_cache(maxsize=8192)
def _shaped_piece(file: str, piece: str, rtl: bool) -> tuple[tuple[int, int, int, int, int], ...]:
    """(cluster, glyph id, advance, x offset, y offset) in font units of one word (or of the spaces
    between words) shaped alone, in visual order. Arabic letters never join across a space and the
    bundled fonts have no contextual rule that reaches over one, so a line shaped word by word is the
    line shaped whole; and a school's words recur on every page, in every packet."""
    buffer = hb.Buffer()
    buffer.add_codepoints([ord(c) for c in piece])  # clusters are then character indices
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if rtl else "ltr"
    hb.shape(_hb_font(file), buffer, {})
    return tuple((info.cluster, info.codepoint, position.x_advance, position.x_offset, position.y_offset)
                 for info, position in zip(buffer.glyph_infos, buffer.glyph_positions))


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

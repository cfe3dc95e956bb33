"""Text in Arabic, Chinese or mixed scripts drawn onto shared renders: shaped by HarfBuzz, ordered for bidi.

Arabic letters change shape with their neighbours and run right to left; a glyph per character, as
overlay.OverlayFont draws, would print them unjoined and backwards. Here each run of one direction
and one font is shaped by HarfBuzz (uharfbuzz), runs are ordered as the Unicode bidi algorithm does
for a single embedding level, and each glyph is placed where shaping put it, written in the order
of the characters it comes from, so text extracted from the page reads in logical order."""
from __future__ import annotations

import re
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
        self._font_for: dict[str, OverlayFont | None] = {}
        self._covered: dict[str, bool] = {}
        # A school's texts come back page after page (its footer, its club line on every poster) but
        # a district's schools never do: bounded, least recently used first out.
        self._visual_runs = lru_cache(maxsize=4096)(self._order_runs)
        self._runs = lru_cache(maxsize=4096)(self._text_runs)  # measured, then drawn
        self._wrapped = lru_cache(maxsize=4096)(self._wrap)
        self._ems = lru_cache(maxsize=4096)(self._measure)  # measured while fitting, then again to centre
        self.draw_line = lru_cache(maxsize=1024)(self._draw_line)
        self._digits_alike = len({self._font_of(digit) for digit in DIGITS}) == 1
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
        return self._ems(text) * size

    def _measure(self, text: str) -> float:
        return sum(_shaped_run(font.file, run, rtl)[1] for _, run, font, rtl in self._runs(text))

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """Greedy wrap at spaces and between Chinese characters; a piece longer than a line stands alone."""
        return list(self._wrapped(text, size, width))  # a school's club line is fitted alike in every footer slot

    def _wrap(self, text: str, size: float, width: float) -> tuple[str, ...]:
        if self.width(text.strip(), size) <= width:  # most lines fit whole: no need to measure each word
            return (text.strip(),) if text.strip() else ()
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
        return tuple(l for l in lines + [line.strip()] if l)

    def _draw_line(self, line: str, size: float, x: float, baseline: float) -> str:
        """Text operators (inside BT … ET, after the face's first font is set at `size`) drawing
        `line` from `x` on `baseline`: each run placed at its pen position, its glyphs in the order
        of the characters they come from."""
        placed, pen = [], x
        for start, run, font, rtl in self._runs(line):  # visual order: where each run starts
            width, first, glyph_ops = _run_ops(font, run, rtl, size)
            placed.append((start, f"1 0 0 1 {pen + first:.2f} {baseline:.2f} Tm\n{glyph_ops}", font))
            pen += width
        placed.sort()  # logical order (starts differ)
        ops, current = [], self.fonts[0]
        for _, run_ops, font in placed:
            if font is not current:
                ops.append(f"{font.resource} {size:.2f} Tf")
                current = font
            ops.append(run_ops)
        if current is not self.fonts[0]:  # as the next line expects
            ops.append(f"{self.fonts[0].resource} {size:.2f} Tf")
        return "\n".join(ops)

    def _text_runs(self, text: str) -> list[tuple[int, str, OverlayFont, bool]]:
        """(start index, text, font, right to left) runs of one font and direction, in visual order.
        Digits all share a font and a direction, so texts that differ only in their digits (a
        footer's page numbers) share one ordering: it is worked out once, with every digit a 0."""
        if not self._digits_alike or not DIGIT.search(text):
            return self._visual_runs(text)
        return [(start, text[start:start + len(run)], font, rtl)
                for start, run, font, rtl in self._visual_runs(text.translate(ZERO_DIGITS))]

    def _order_runs(self, text: str) -> list[tuple[int, str, OverlayFont, bool]]:
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
        return [tuple(run) for run in ordered]


DIGITS = "0123456789"
DIGIT = re.compile("[0-9]")
ZERO_DIGITS = str.maketrans(DIGITS, "0" * len(DIGITS))
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
def _shaped_run(file: str, run: str, rtl: bool) -> tuple[tuple[tuple, ...], float]:
    """The glyphs (cluster, glyph id, advance, x offset, y offset in ems) of a run of one font and
    direction, word by word, in visual order, and their advance together (for measuring)."""
    scale = 1 / _hb_font(file).face.upem
    glyphs = tuple((offset + cluster, gid, advance * scale, dx * scale, dy * scale)
                   for offset, piece in (reversed(_pieces(run)) if rtl else _pieces(run))
                   for cluster, gid, advance, dx, dy in _shaped_piece(file, piece, rtl))
    return glyphs, sum(glyph[2] for glyph in glyphs)


@lru_cache(maxsize=8192)
def _run_ops(font: OverlayFont, run: str, rtl: bool, size: float) -> tuple[float, float, str]:
    """A run's advance at `size`, where its first drawn glyph starts (from the run's pen position),
    and the operators showing its glyphs from there in the order of the characters they come from.

    After each glyph a PDF viewer advances by the font's declared width; a number in a TJ array
    moves the next glyph from there to where shaping put it. Left to right, a run is one TJ array.
    Right to left, each glyph has an array of its own: a viewer reading one string that runs
    leftwards takes it for text stored in visual order and reverses it when text is copied.
    Each number is worked out from the position reached so far, so rounding never builds up; a
    glyph raised or lowered by shaping (an Arabic mark) is drawn with a text rise (Ts)."""
    placed, pen = [], 0.0
    for cluster, gid, advance, dx, dy in _shaped_run(font.file, run, rtl)[0]:
        placed.append((cluster, (pen + dx) * size, round(dy * size, 2), gid))
        pen += advance
    if not placed:
        return 0.0, 0.0, ""
    placed.sort(key=lambda glyph: glyph[0])  # stable: a cluster's glyphs keep their order
    widths = font.pdf_widths()
    first, rise, ops, array = placed[0][1], 0.0, [], ""
    reached = first  # where the viewer would draw the next glyph
    for _, left, dy, gid in placed:
        if dy != rise or rtl and array:
            ops += [f"[{array}]TJ"] if array else []
            ops += [f"{dy:g} Ts"] if dy != rise else []
            array, rise = "", dy
        shift = round((reached - left) * 1000 / size)
        array += f"{shift or ''}<{gid:04x}>"
        # A glyph the font declares no width for is advanced by the default width, 1000.
        reached += (widths.get(gid, 1000) - shift) * size / 1000
    ops.append(f"[{array}]TJ" + (" 0 Ts" if rise else ""))
    return pen * size, first, "\n".join(ops)


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

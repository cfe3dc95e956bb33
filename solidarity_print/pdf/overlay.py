"""The font and text operators of what is drawn per school onto shared renders: an embedded subset.

PDF/UA needs drawn text in an embedded font whose glyphs map back to Unicode: the bundled font,
subset once per build to the characters its schools need, as a Type0 font with widths and a
ToUnicode map; text is set with its glyph ids."""
from __future__ import annotations

import io
import zlib
from functools import lru_cache

import pikepdf
from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont

from ..resources import ASSETS

INK = "0.0824 0.0824 0.0824 rg"  # --ink, #151515
MUTED = "0.29 0.29 0.29 rg"  # --muted, #4A4A4A
BOLD, REGULAR = "AtkinsonHyperlegibleNext-Bold.ttf", "AtkinsonHyperlegibleNext-Regular.ttf"
NOTO_BOLD, NOTO_REGULAR = "NotoSans-Bold.ttf", "NotoSans-Regular.ttf"
ARABIC_BOLD, ARABIC_REGULAR = "NotoSansArabic-Bold.ttf", "NotoSansArabic-Regular.ttf"
SC_BOLD, SC_REGULAR = "NotoSansSC-Bold.ttf", "NotoSansSC-Regular.ttf"
RESOURCE_NAMES = {BOLD: "/SPFB", REGULAR: "/SPFR", NOTO_BOLD: "/SPNB", NOTO_REGULAR: "/SPNR",
                  ARABIC_BOLD: "/SPAB", ARABIC_REGULAR: "/SPAR", SC_BOLD: "/SPCB", SC_REGULAR: "/SPCR",
                  "shaped:" + NOTO_BOLD: "/SPSNB", "shaped:" + NOTO_REGULAR: "/SPSNR"}


class OverlayFont:
    """One bundled font, subset once to the characters a build needs (glyph ids kept)."""

    def __init__(self, file: str, characters: str, shaped: bool = False):
        # Drawn through shaping.ShapedFace: the glyphs its shaping tables reach are kept too.
        self.resource = RESOURCE_NAMES[("shaped:" if shaped and "shaped:" + file in RESOURCE_NAMES else "") + file]
        self.file = file
        self.shaped_unicode: dict[int, str] = {}  # glyph id -> text, for glyphs no character maps to
        source = TTFont(ASSETS / "fonts" / file)
        self.cmap = source.getBestCmap()
        self.upem = source["head"].unitsPerEm
        self.advances = {gid: source["hmtx"][name][0] for gid, name in enumerate(source.getGlyphOrder())}
        self.gid = {name: gid for gid, name in enumerate(source.getGlyphOrder())}
        wanted = {ord(c) for c in characters if ord(c) in self.cmap}
        self.name = source["name"].getDebugName(6) or "Font"
        options = ft_subset.Options()
        options.retain_gids = True
        options.notdef_outline = True
        options.layout_features = ["*"] if shaped else []
        # A PDF viewer draws glyphs by id: shaping tables and hinting would only add bytes to every packet.
        options.hinting = False
        options.drop_tables += ["DSIG"] if shaped else ["GDEF", "GPOS", "GSUB", "DSIG"]
        if not shaped:  # gone before subsetting: the subsetter reads every layout table it is given, kept or not
            for tag in ("GDEF", "GPOS", "GSUB"):
                if tag in source:
                    del source[tag]
        subsetter = ft_subset.Subsetter(options)
        subsetter.populate(unicodes=wanted)
        subsetter.subset(source)
        source.recalcTimestamp = False  # keep the font's own date: equal inputs must give equal bytes
        buffer = io.BytesIO()
        source.save(buffer)
        self.program = buffer.getvalue()
        self.head = source["head"]
        self.hhea = source["hhea"]
        self.chars = {chr(u) for u in wanted}
        self._char_advance = {chr(u): self.advances[self.gid[self.cmap[u]]] for u in wanted | {32}}
        self._char_code = {chr(u): f"{self.gid[self.cmap[u]]:04x}" for u in wanted | {32}}
        self._drawable = self.chars | {" "}

    def covers(self, text: str) -> bool:
        """True if every character of `text` is in the subset."""
        return set(text) <= self._drawable

    def glyphs(self, text: str) -> list[int]:
        return [self.gid[self.cmap[ord(c)]] for c in text]

    def width(self, text: str, size: float) -> float:
        """Advance width of `text` at `size` points."""
        return sum(map(self._char_advance.__getitem__, text)) * size / self.upem

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """Greedy word wrap into lines no wider than `width`; a word longer than a line stands alone."""
        lines, line = [], ""
        for word in text.split():
            candidate = f"{line} {word}" if line else word
            if line and self.width(candidate, size) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        return lines + ([line] if line else [])

    def embed(self, pdf: pikepdf.Pdf) -> pikepdf.Object:
        """The font as an object of `pdf`: built once per process in a holder file, then copied in."""
        if not hasattr(self, "_holder"):
            self._holder = pikepdf.new()
            self._font = self._build(self._holder)
        return pdf.copy_foreign(self._font)

    def _build(self, pdf: pikepdf.Pdf) -> pikepdf.Object:
        """A Type0 font object with widths and a ToUnicode map for every character of the subset."""
        program, cmap, widths = self._prepare()
        scale = 1000 / self.upem
        descriptor = pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name(f"/SPFONT+{self.name}"), Flags=4,
            FontBBox=pikepdf.Array([round(v * scale) for v in (self.head.xMin, self.head.yMin, self.head.xMax, self.head.yMax)]),
            ItalicAngle=0, Ascent=round(self.hhea.ascent * scale), Descent=round(self.hhea.descent * scale),
            CapHeight=round(self.hhea.ascent * scale), StemV=80,
            FontFile2=_raw_stream(pdf, program, Length1=len(self.program)))
        cid_font = pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name(f"/SPFONT+{self.name}"),
            CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
            CIDToGIDMap=pikepdf.Name.Identity, FontDescriptor=pdf.make_indirect(descriptor), W=pikepdf.Array(widths))
        return pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name(f"/SPFONT+{self.name}"),
            Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=pikepdf.Array([pdf.make_indirect(cid_font)]),
            ToUnicode=_raw_stream(pdf, cmap)))

    def _used(self) -> list[tuple[int, str]]:
        """(glyph id, text) of every glyph the font declares: its characters' and the shaped ones'."""
        used = {(g, c) for c in self.chars for g in self.glyphs(c)} | {(g, " ") for g in self.glyphs(" ")}
        mapped = {g for g, _ in used}
        return sorted(used | {(g, text) for g, text in self.shaped_unicode.items() if g not in mapped})

    def pdf_widths(self) -> dict[int, int]:
        """The width (in thousandths of an em) the font's /W gives each glyph it declares; a PDF
        viewer advances by these after each glyph of a string."""
        if getattr(self, "_widths_for", None) != len(self.shaped_unicode):  # shaping may map more glyphs
            scale = 1000 / self.upem
            self._pdf_widths = {gid: round(self.advances[gid] * scale) for gid, _ in self._used()}
            self._widths_for = len(self.shaped_unicode)
        return self._pdf_widths

    def _prepare(self) -> tuple[bytes, bytes, list]:
        """The compressed font program and ToUnicode map, and the /W entries, for the whole subset."""
        used = self._used()
        pdf_widths = self.pdf_widths()
        widths = []
        for gid, _ in used:
            widths += [gid, pikepdf.Array([pdf_widths[gid]])]
        mapping = "".join(f"<{gid:04x}> <{char.encode('utf-16-be').hex()}>\n" for gid, char in used)
        cmap = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\n"
                f"endcodespacerange\n{len(used)} beginbfchar\n{mapping}endbfchar\nendcmap\n"
                "CMapName currentdict /CMap defineresource pop\nend\nend\n")
        return zlib.compress(self.program, 6), zlib.compress(cmap.encode("ascii"), 6), widths

    def show(self, text: str) -> str:
        """The text as a hex string of glyph ids, for Tj."""
        return "<" + "".join(map(self._char_code.__getitem__, text)) + ">"


@lru_cache(maxsize=16)
def overlay_font(file: str, characters: str, shaped: bool = False) -> OverlayFont:
    """Subsetting takes tens of milliseconds: once per font and character set per process."""
    return OverlayFont(file, characters, shaped)


class Typefaces:
    """The fonts drawn onto shared renders: the theme's face, and Noto Sans for a text the theme's
    face cannot draw whole (the templates' `font_class` makes the same choice)."""

    def __init__(self, characters: str, fallback_characters: str = ""):
        from .shaping import ShapedFace, is_complex  # it builds on OverlayFont
        self.faces = [(overlay_font(BOLD, characters), overlay_font(REGULAR, characters))]
        if fallback_characters:
            self.faces.append((overlay_font(NOTO_BOLD, fallback_characters), overlay_font(NOTO_REGULAR, fallback_characters)))
        if is_complex(fallback_characters):
            # Arabic and Chinese, with Noto Sans for the Latin words among them, shaped by HarfBuzz.
            pairs = [(ARABIC_BOLD, ARABIC_REGULAR), (NOTO_BOLD, NOTO_REGULAR), (SC_BOLD, SC_REGULAR)]
            used = [pair for pair in pairs if _has_any(pair[1], fallback_characters)]
            self.faces.append(tuple(ShapedFace([overlay_font(pair[i], fallback_characters, True) for pair in used])
                                    for i in (0, 1)))

    def pick(self, text: str, bold: bool = False, rtl: bool = False) -> OverlayFont | None:
        """The first face that draws all of `text`, in bold or regular; None if none does. A shaped
        face orders its lines right to left with `rtl`."""
        for pair in self.faces:
            if pair[0 if bold else 1].covers(text):
                face = pair[0 if bold else 1]
                return face.directed(rtl) if hasattr(face, "directed") else face
        return None

    def fonts(self, bold: bool = True) -> list[OverlayFont]:
        """Every font of the faces (without the bold ones when nothing bold is drawn)."""
        faces = [face for pair in self.faces for face in (pair if bold else pair[1:])]
        return [font for face in faces for font in getattr(face, "fonts", [face])]


def _has_any(file: str, characters: str) -> bool:
    cmap = TTFont(ASSETS / "fonts" / file, lazy=True).getBestCmap()
    return any(ord(c) in cmap for c in characters if not c.isspace() and not c.isdigit())


def text_ops(font: OverlayFont, lines: list[str], size: float, x: float, top: float,
             leading: float, color: str = INK, right_to: float | None = None) -> str:
    """BT…ET drawing `lines` left-aligned from `top` (the first line's top) downwards, or, with
    `right_to` (a right to left page), right-aligned to that x."""
    ops = [f"{color}", "BT", f"{font.resource} {size:.2f} Tf"]
    baseline = top - size * 0.98
    for line in lines:
        start = x if right_to is None else right_to - font.width(line, size)
        if hasattr(font, "draw_line"):
            ops.append(font.draw_line(line, size, start, baseline))
        else:
            ops.append(f"1 0 0 1 {start:.2f} {baseline:.2f} Tm {font.show(line)} Tj")
        baseline -= leading
    ops.append("ET")
    return "\n".join(ops)


def _raw_stream(pdf: pikepdf.Pdf, compressed: bytes, **entries) -> pikepdf.Object:
    stream = pikepdf.Stream(pdf, compressed)
    stream.Filter = pikepdf.Name.FlateDecode
    for key, value in entries.items():
        stream[f"/{key}"] = value
    return pdf.make_indirect(stream)

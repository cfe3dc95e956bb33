"""Personal text drawn onto already-rendered, tagged pages (pikepdf): real tagged text, or artifacts.

WeasyPrint lays out what every school shares once; this module adds what differs per school in a
few milliseconds, keeping PDF/UA: text a reader needs is marked content with a structure element,
page furniture is an /Artifact, and the font is an embedded TrueType subset with widths and a
ToUnicode map."""
from __future__ import annotations

import io
import zlib

from functools import lru_cache

import pikepdf
from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont
from PIL import Image

from .resources import ASSETS

INK = "0.0824 0.0824 0.0824 rg"  # --ink, #151515
MUTED = "0.29 0.29 0.29 rg"  # --muted, #4A4A4A


class OverlayFont:
    """One bundled font, subset once to the characters a build needs (glyph ids kept)."""

    def __init__(self, file: str, characters: str):
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
        options.layout_features = []
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

    def covers(self, text: str) -> bool:
        """True if every character of `text` is in the subset."""
        return all(c in self.chars or c == " " for c in text)

    def glyphs(self, text: str) -> list[int]:
        return [self.gid[self.cmap[ord(c)]] for c in text]

    def width(self, text: str, size: float) -> float:
        """Advance width of `text` at `size` points."""
        advance = self._char_advance
        return sum(advance[c] for c in text) * size / self.upem

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

    def _prepare(self) -> tuple[bytes, bytes, list]:
        """The compressed font program and ToUnicode map, and the /W entries, for the whole subset."""
        used = sorted({(g, c) for c in self.chars for g in self.glyphs(c)} | {(g, " ") for g in self.glyphs(" ")})
        scale = 1000 / self.upem
        widths = []
        for gid, _ in used:
            widths += [gid, pikepdf.Array([round(self.advances[gid] * scale)])]
        mapping = "".join(f"<{gid:04x}> <{ord(char):04x}>\n" for gid, char in used)
        cmap = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\n"
                f"endcodespacerange\n{len(used)} beginbfchar\n{mapping}endbfchar\nendcmap\n"
                "CMapName currentdict /CMap defineresource pop\nend\nend\n")
        return zlib.compress(self.program, 6), zlib.compress(cmap.encode("ascii"), 6), widths

    def show(self, text: str) -> str:
        """The text as a hex string of glyph ids, for Tj."""
        codes = self._char_code
        return "<" + "".join(codes[c] for c in text) + ">"


@lru_cache(maxsize=8)
def overlay_font(file: str, characters: str) -> OverlayFont:
    """Subsetting takes tens of milliseconds: once per font and character set per process."""
    return OverlayFont(file, characters)


class PageTagger:
    """Adds marked content to pages of a tagged PDF and the structure elements that own it."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        root = pdf.Root.StructTreeRoot
        self.document = root.K if isinstance(root.K, pikepdf.Dictionary) else root.K[0]
        nums = root.ParentTree.Nums
        self.marked = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        self.streams: dict[int, list[str]] = {}
        self.insertions: list[tuple] = []  # (page objgen, after how many of its elements, element)
        self.changed: list[pikepdf.Object] = [self.document, root.ParentTree]  # for an incremental update

    def tagged(self, page_index: int, tag: str, operators: str, *, after: int = 0, **attributes) -> None:
        """Draw `operators` on a page as content of a new structure element `tag`, placed in reading
        order after the page's (`after`+1)-th element (or its last); elements given the same place
        keep the order they were drawn in."""
        page = self.pdf.pages[page_index]
        marked = self.marked[int(page.obj.StructParents)]
        mcid = len(marked)
        element = self.pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + tag), K=mcid, **attributes))
        # Set after creation: given to the constructor, indirect objects cost a deep copy.
        element.P = self.document
        element.Pg = page.obj
        marked.append(element)
        self.changed.append(element)
        self.insertions.append((page.obj.objgen, after, element))
        self.streams.setdefault(page_index, []).append(f"/{tag} <</MCID {mcid}>> BDC\n{operators}\nEMC\n")

    def artifact(self, page_index: int, operators: str) -> None:
        """Draw page furniture (a running footer) that screen readers skip."""
        self.streams.setdefault(page_index, []).append(
            f"/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n{operators}\nEMC\n")

    def _insert_elements(self) -> None:
        """Put the new structure elements into the document's reading order, in one pass."""
        kids = list(self.document.K)
        pages = [kid.Pg.objgen if "/Pg" in kid else None for kid in kids]
        result, counts = [], {}
        pending = list(self.insertions)
        for index, kid in enumerate(kids):
            result.append(kid)
            seen = counts[pages[index]] = counts.get(pages[index], 0) + 1
            last_of_page = index + 1 == len(kids) or pages[index + 1] != pages[index]
            for item in list(pending):
                objgen, after, element = item
                if objgen == pages[index] and (seen == after + 1 or (last_of_page and seen < after + 1)):
                    result.append(element)
                    pending.remove(item)
        result += [element for _, _, element in pending]
        self.document.K = pikepdf.Array(result)

    def finish(self, resources: dict[str, pikepdf.Object]) -> None:
        """Write the collected drawing onto each page, isolated from the page's own graphics state."""
        self._insert_elements()
        save_state = self.pdf.make_indirect(pikepdf.Stream(self.pdf, b"q\n"))  # one object shared by every page
        self.changed.append(save_state)
        for index, parts in self.streams.items():
            page = self.pdf.pages[index]
            drawing = _stream(self.pdf, ("Q\n" + "".join(parts)).encode("latin-1"))
            page.contents_add(save_state, prepend=True)
            page.contents_add(drawing)
            self.changed += [page.obj, drawing]
            if page.obj.Resources.is_indirect:
                self.changed.append(page.obj.Resources)
            for name, obj in resources.items():
                kind = "/Font" if name.startswith("/SPF") else "/XObject"
                if kind not in page.Resources:
                    page.Resources[kind] = pikepdf.Dictionary()
                page.Resources[kind][name] = obj
                if page.Resources[kind].is_indirect:  # shared between pages: rewritten once
                    self.changed.append(page.Resources[kind])


def text_ops(font_name: str, font: OverlayFont, lines: list[str], size: float, x: float, top: float,
             leading: float, color: str = INK) -> str:
    """BT…ET drawing `lines` left-aligned from `top` (the first line's top) downwards."""
    ops = [f"{color}", "BT", f"{font_name} {size:.2f} Tf"]
    baseline = top - size * 0.98
    for line in lines:
        ops.append(f"1 0 0 1 {x:.2f} {baseline:.2f} Tm {font.show(line)} Tj")
        baseline -= leading
    ops.append("ET")
    return "\n".join(ops)


def image_xobject(pdf: pikepdf.Pdf, png_data_uri: str) -> pikepdf.Object:
    """An image XObject (with a soft mask for transparency) from a PNG data: URI."""
    import base64
    raw = base64.b64decode(png_data_uri.split(",", 1)[1])
    with Image.open(io.BytesIO(raw)) as image:
        image = image.convert("RGBA") if image.mode != "RGB" else image
        width, height = image.size
        rgb = image.convert("RGB").tobytes()
        xobject = _stream(pdf, rgb, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=width, Height=height,
                          ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8)
        if image.mode == "RGBA":
            alpha = image.getchannel("A").tobytes()
            xobject.SMask = _stream(pdf, alpha, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=width,
                                    Height=height, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8)
    return xobject


def _stream(pdf: pikepdf.Pdf, data: bytes, **entries) -> pikepdf.Object:
    return _raw_stream(pdf, zlib.compress(data, 6), **entries)


def _raw_stream(pdf: pikepdf.Pdf, compressed: bytes, **entries) -> pikepdf.Object:
    stream = pikepdf.Stream(pdf, compressed)
    stream.Filter = pikepdf.Name.FlateDecode
    for key, value in entries.items():
        stream[f"/{key}"] = value
    return pdf.make_indirect(stream)

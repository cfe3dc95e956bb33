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

from .pdf_update import append_update
from .render import Slot
from .resources import ASSETS

INK = "0.0824 0.0824 0.0824 rg"  # --ink, #151515
MUTED = "0.29 0.29 0.29 rg"  # --muted, #4A4A4A
PLACEHOLDER = "SOLIDARITY-PRINT-SCHOOL-NAME"
BOLD, REGULAR = "AtkinsonHyperlegibleNext-Bold.ttf", "AtkinsonHyperlegibleNext-Regular.ttf"
LOGO_SIZE = 108.0  # 1.5 in, as on a fully rendered cover


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
        return "<" + "".join(f"{g:04x}" for g in self.glyphs(text)) + ">"


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


def guide_pages(pieces) -> set[int]:
    """0-based pages that belong to guide pieces (their bottom margin is the guide's)."""
    return {n - 1 for p in pieces if p.kind == "guide" for n in range(p.first, p.last + 1)}


FONTS_KEY = "/SolidarityPrintOverlayFonts"


def prepare_base(data: bytes, characters: str) -> bytes:
    """The shared render with the overlay fonts already embedded (under a private catalog key that
    `personalize` removes), so that each school's packet only points at them."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.Root[FONTS_KEY] = pikepdf.Dictionary({
            "/SPFB": overlay_font(BOLD, characters).embed(pdf), "/SPFR": overlay_font(REGULAR, characters).embed(pdf)})
        buffer = io.BytesIO()
        pdf.save(buffer, deterministic_id=True, fix_metadata_version=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def personalize(base, school, t: dict[str, str], characters: str):
    """The packet of `school` drawn onto `base` (a shared render), or None when it needs a full
    render: text the subset font cannot draw, or a name too long for the cover's reserved area."""
    from dataclasses import replace
    footer_texts = [t["footer"].format(school=school.name, page=n, pages=base.pages - 2) for n in range(1, base.pages - 1)]
    contact = " · ".join(v for v in (school.contact_name, school.contact_email) if v)
    org = f"{school.club} · {school.name}" if school.club else school.name
    texts = [school.name, school.club, contact, school.meeting, org, t["contact"], t["meeting"], *footer_texts]
    bold, regular = overlay_font(BOLD, characters), overlay_font(REGULAR, characters)
    if not all(bold.covers(x) and regular.covers(x) for x in texts):
        return None
    with pikepdf.open(io.BytesIO(base.data)) as pdf:
        tagger = PageTagger(pdf)
        fonts = pdf.Root[FONTS_KEY]
        resources = {"/SPFB": fonts.SPFB, "/SPFR": fonts.SPFR}
        del pdf.Root[FONTS_KEY]
        tagger.changed += [pdf.Root, pdf.trailer.Info, pdf.Root.Metadata]
        slots = {(slot.name, slot.page): slot for slot in base.slots}
        cover = slots.get(("school", 0))
        if cover is None or not _draw_cover(tagger, resources, cover, school, contact, t, bold, regular):
            return None
        for slot in base.slots:
            if slot.name == "org" and not _draw_org(tagger, slot, org, regular):
                return None
        if base.footer_pages:
            # One type size for every footer: the one the longest page number needs.
            page_width = float(pdf.pages[base.footer_pages[0]].mediabox[2])
            size = _footer_size(max(footer_texts, key=len), page_width, regular)
            for page in base.footer_pages:
                tagger.artifact(page, _footer_ops(footer_texts[page - 2], float(pdf.pages[page].mediabox[2]),
                                                  base.footer_space.get(page, 26.0), regular, size))
        tagger.finish(resources)
        title = base.title.replace(PLACEHOLDER, school.name)
        pdf.docinfo["/Title"] = pikepdf.String(title)
        metadata = pdf.Root.Metadata.read_bytes()
        escaped = school.name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        pdf.Root.Metadata.write(metadata.replace(PLACEHOLDER.encode(), escaped.encode("utf-8")))
        data = append_update(base.data, pdf, tagger.changed)
    return replace(base, data=data, title=title, slots=[], footer_pages=[], footer_space={})


FOOTER_SIDE_MARGIN = 54.0


def _footer_size(text: str, page_width: float, font: OverlayFont) -> float:
    """8.5 pt, or smaller until `text` fits on two lines: a long school name is never cut off."""
    width, size = page_width - 2 * FOOTER_SIDE_MARGIN, 8.5
    while size > 5:
        lines = font.wrap(text, size, width)
        if len(lines) <= 2 and all(font.width(line, size) <= width for line in lines):
            break
        size -= 0.5
    return size


def _footer_ops(text: str, page_width: float, space: float, font: OverlayFont, size: float) -> str:
    """The running footer, centred in the bottom margin, on one line or two."""
    width = page_width - 2 * FOOTER_SIDE_MARGIN
    lines = [text] if font.width(text, size) <= width else font.wrap(text, size, width)
    baseline = space / 2 - 3 + (len(lines) - 1) * size * 0.6
    ops = [MUTED, "BT", f"/SPFR {size:.2f} Tf"]
    for line in lines:
        ops.append(f"1 0 0 1 {(page_width - font.width(line, size)) / 2:.2f} {baseline:.2f} Tm {font.show(line)} Tj")
        baseline -= size * 1.2
    return "\n".join(ops + ["ET"])


def _draw_cover(tagger: PageTagger, resources: dict, slot: Slot, school, contact: str, t: dict[str, str],
                bold: OverlayFont, regular: OverlayFont) -> bool:
    """Logo, name (H1), club, contact and meeting in the cover's reserved area; False if they do not fit."""
    text_width = slot.width - (LOGO_SIZE + 16 if school.logo else 0)
    top = slot.y + slot.height
    size = 44.0 if len(school.name) <= 28 else 38.0 if len(school.name) <= 48 else 32.0
    lines = bold.wrap(school.name, size, text_width)
    while (len(lines) * size * 1.08 > slot.height * 0.55 or any(bold.width(l, size) > text_width for l in lines)) and size > 20:
        size *= 0.9
        lines = bold.wrap(school.name, size, text_width)
    if len(lines) * size * 1.08 > slot.height * 0.55 or any(bold.width(l, size) > text_width for l in lines):
        return False
    # Everything here follows the cover's first element (the campaign line), in drawing order.
    if school.logo:
        from .images import logo_data_uri
        resources["/SPLogo"] = image_xobject(tagger.pdf, logo_data_uri(school.logo))
        tagger.changed.append(resources["/SPLogo"])
        if "/SMask" in resources["/SPLogo"]:
            tagger.changed.append(resources["/SPLogo"].SMask)
        x, y = slot.x + slot.width - LOGO_SIZE, top - LOGO_SIZE
        tagger.tagged(slot.page, "Figure", f"q {LOGO_SIZE:.2f} 0 0 {LOGO_SIZE:.2f} {x:.2f} {y:.2f} cm /SPLogo Do Q",
                      Alt=pikepdf.String(school.logo_alt),
                      A=pikepdf.Dictionary(O=pikepdf.Name.Layout, BBox=pikepdf.Array([x, y, x + LOGO_SIZE, top])))
    tagger.tagged(slot.page, "H1", text_ops("/SPFB", bold, lines, size, slot.x, top, size * 1.08))
    y = top - len(lines) * size * 1.08 - 10
    if school.club:
        club = regular.wrap(school.club, 20, text_width)
        accent = "0.55 0.12 0.25 rg"
        tagger.tagged(slot.page, "P", text_ops("/SPFB", bold, club, 20, slot.x, y, 24, accent))
        y -= len(club) * 24 + 14
    for label, value in ((t["contact"], contact), (t["meeting"], school.meeting)):
        if not value:
            continue
        label_width = bold.width(label, 13) + 14
        value_lines = regular.wrap(value, 13, text_width - label_width)
        ops = text_ops("/SPFB", bold, [label], 13, slot.x, y, 18) + "\n" + \
            text_ops("/SPFR", regular, value_lines, 13, slot.x + label_width, y, 18)
        tagger.tagged(slot.page, "P", ops)
        y -= len(value_lines) * 18 + 6
    return y >= slot.y


def _draw_org(tagger: PageTagger, slot: Slot, text: str, font: OverlayFont) -> bool:
    """The club and school on a poster or flyer, in its reserved footer line (a second line may use
    the space below it); False if even that is too little."""
    size = slot.height / 1.3
    for scale, most_lines in ((1.0, 1), (0.85, 1), (0.85, 2), (0.72, 2)):
        lines = font.wrap(text, size * scale, slot.width)
        if len(lines) <= most_lines and all(font.width(line, size * scale) <= slot.width for line in lines):
            ops = text_ops("/SPFR", font, lines, size * scale, slot.x, slot.y + slot.height, size * scale * 1.25, MUTED)
            tagger.tagged(slot.page, "P", ops, after=10_000)
            return True
    return False

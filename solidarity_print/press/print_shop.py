"""A finished screen PDF to a print-shop PDF/X-4 file: bleed, crop marks in the slug, trim and bleed boxes."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

import pikepdf

from ..pdf.pdf_update import Extension
from ..resources import ASSETS
from .resolution import PlacedImage, images_of

US_BLEED = 9.0  # 0.125 in
ISO_BLEED = 3 * 72 / 25.4  # 3 mm
ISO_SIZES = ((595.28, 841.89), (841.89, 1190.55))  # A4, A3
MARK_LENGTH = 18.0  # a quarter inch of crop mark, in the slug beyond the bleed
SLUG = MARK_LENGTH + 6.0
# The outermost strip of a page, stretched over the bleed: backgrounds that reach the trim edge go
# on to the bleed edge. Our designs keep text and images well inside it, so only fills are stretched.
EDGE = 1.0
PROFILE = ASSETS / "icc" / "sRGB2014.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"


@dataclass(frozen=True)
class PrintShopFile:
    """A print-shop PDF: its bytes (or an Extension of its screen file's), pages, the trim size and
    bleed of its first page in points, every page's trim size, and the images it prints (read while
    the file was open anyway)."""

    data: bytes | Extension
    pages: int
    trim: tuple[float, float]
    bleed: float
    page_trims: tuple[tuple[float, float], ...] = ()
    images: tuple[PlacedImage, ...] = ()


def bleed_for(width: float, height: float) -> float:
    """0.125 in for US sizes, 3 mm for A4 and A3 (either way round)."""
    size = sorted((width, height))
    iso = any(abs(size[0] - w) < 1 and abs(size[1] - h) < 1 for w, h in ISO_SIZES)
    return ISO_BLEED if iso else US_BLEED


def print_shop_pdf(data: bytes, *, title: str, lang: str, created: dt.date) -> PrintShopFile:
    """`data` (a finished poster, flyer or packet) as a PDF/X-4 file for a print shop.

    Each page is placed whole on a larger sheet: the original page is the TrimBox,
    its edges are stretched into the bleed, and crop marks sit in the slug beyond the bleed. The
    file is for the press: its structure tree and links are dropped (the tagged screen file stays
    beside it), and it says so in its XMP (PDF/X-4, output intent sRGB, dates from the campaign)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        images = tuple(images_of(pdf))
        shared: dict[tuple, list] = {}
        trims = [_bleed_page(pdf, page, shared) for page in pdf.pages]
        _drop_screen_parts(pdf)
        _declare_pdfx(pdf, title, lang, created, hashlib.sha256(data).hexdigest())
        buffer = io.BytesIO()
        # PDF/X-4 is defined on PDF 1.6; nothing we write needs 1.7. Our XMP names no PDF version
        # and is written as pikepdf would serialise it: it need not be parsed and written again.
        pdf.save(buffer, deterministic_id=True, force_version="1.6",
                 object_stream_mode=pikepdf.ObjectStreamMode.generate, fix_metadata_version=False)
    (width, height), bleed = trims[0]
    return PrintShopFile(buffer.getvalue(), len(trims), (width, height), bleed, tuple(size for size, _ in trims), images)


def _bleed_page(pdf: pikepdf.Pdf, page: pikepdf.Page, shared: dict[tuple, list]) -> tuple[tuple[float, float], float]:
    """Turn one page into its trimmed form on a sheet with bleed and slug; its trim size and bleed.
    Pages of one size share their placing streams (`shared`, keyed by the page's box)."""
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    width, height = x1 - x0, y1 - y0
    bleed = bleed_for(width, height)
    margin = bleed + SLUG
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    for key in ("/CropBox", "/ArtBox", "/Annots", "/StructParents", "/Tabs"):
        if key in page.obj:
            del page.obj[key]
    # The page's own content streams are drawn nine times (clipped, each in its own q/Q) by listing
    # them again in /Contents: nothing is decompressed or copied, so a 26-page packet takes
    # milliseconds, and the page keeps its resources and transparency group as they were.
    if (x0, y0, x1, y1) not in shared:
        placements = _placements(x0, y0, width, height, bleed, margin)
        ops = [placements[0]] + [f"Q\n{placement}" for placement in placements[1:]]
        ops.append("Q\n" + _crop_mark_ops(width, height, bleed, margin))
        shared[x0, y0, x1, y1] = [pdf.make_indirect(pdf.make_stream(text.encode("ascii"))) for text in ops]
    placing = shared[x0, y0, x1, y1]
    parts = [placing[0]]
    for ops in placing[1:]:
        parts += streams + [ops]
    page.obj.Contents = pikepdf.Array(parts)
    page.obj.MediaBox = pikepdf.Array([0, 0, width + 2 * margin, height + 2 * margin])
    page.obj.BleedBox = pikepdf.Array([round(v, 3) for v in (margin - bleed, margin - bleed,
                                                             margin + width + bleed, margin + height + bleed)])
    page.obj.TrimBox = pikepdf.Array([round(v, 3) for v in (margin, margin, margin + width, margin + height)])
    return (round(width, 2), round(height, 2)), round(bleed, 3)


def _placements(x0: float, y0: float, width: float, height: float, bleed: float, margin: float) -> list[str]:
    """The operators that open each drawing of the page: eight stretched copies of its edges and
    corners clipped to the bleed, then the page itself at its trim."""
    stretch = bleed / EDGE

    def axis(length: float) -> list[tuple[float, float, float, float]]:
        # (clip start, clip length, scale, offset) mapping page coordinates to sheet coordinates
        return [(margin - bleed, bleed, stretch, margin - bleed),
                (margin, length, 1.0, margin),
                (margin + length, bleed, stretch, margin + length - (length - EDGE) * stretch)]

    ops = []
    for ix, (cx, cw, sx, tx) in enumerate(axis(width)):
        for iy, (cy, ch, sy, ty) in enumerate(axis(height)):
            if ix == iy == 1:
                continue
            ops.append(f"q {cx:.3f} {cy:.3f} {cw:.3f} {ch:.3f} re W n "
                       f"{sx:.4f} 0 0 {sy:.4f} {tx - x0 * sx:.3f} {ty - y0 * sy:.3f} cm\n")
    ops.append(f"q 1 0 0 1 {margin - x0:.3f} {margin - y0:.3f} cm\n")
    return ops


def _crop_mark_ops(width: float, height: float, bleed: float, margin: float) -> str:
    """Two hairlines at each corner on the trim lines, starting at the bleed edge, so no mark is
    ever printed on the piece or its bleed."""
    ops = ["q 0 G 0.3 w 0 J"]
    for x, out_x in ((margin, -1), (margin + width, 1)):
        for y, out_y in ((margin, -1), (margin + height, 1)):
            near_x, far_x = x + out_x * bleed, x + out_x * (bleed + MARK_LENGTH)
            near_y, far_y = y + out_y * bleed, y + out_y * (bleed + MARK_LENGTH)
            ops.append(f"{near_x:.3f} {y:.3f} m {far_x:.3f} {y:.3f} l S")
            ops.append(f"{x:.3f} {near_y:.3f} m {x:.3f} {far_y:.3f} l S")
    return "\n".join(ops + ["Q"]) + "\n"


def _drop_screen_parts(pdf: pikepdf.Pdf) -> None:
    """Tags and accessibility claims describe the screen file's pages, which are now inside forms:
    the print file makes no claim it cannot keep. Links are screen-only, and PDF/X keeps
    annotations off the printed area."""
    for key in ("/StructTreeRoot", "/MarkInfo", "/AcroForm", "/OpenAction"):
        if key in pdf.Root:
            del pdf.Root[key]


def _declare_pdfx(pdf: pikepdf.Pdf, title: str, lang: str, created: dt.date, source_hash: str) -> None:
    """The output intent (the shipped sRGB profile) and the PDF/X-4 identification in Info and XMP,
    dated from the campaign so that equal inputs give equal bytes."""
    output_intent(pdf)
    stamp = f"D:{created:%Y%m%d}000000Z"
    pdf.docinfo.Title = title
    pdf.docinfo.CreationDate = stamp
    pdf.docinfo.ModDate = stamp
    pdf.docinfo.Trapped = pikepdf.Name("/False")
    pdf.docinfo.GTS_PDFXVersion = "PDF/X-4"
    producer = str(pdf.docinfo.get("/Producer", "solidarity-print"))
    author = str(pdf.docinfo.get("/Author", ""))  # the XMP must say what Info says
    document_id = uuid.uuid5(uuid.NAMESPACE_URL, f"solidarity-print:print-shop:{source_hash}")
    metadata = pdf.make_stream(_xmp(title, lang, f"{created:%Y-%m-%d}T00:00:00Z", producer, author,
                                    document_id).encode())
    metadata.Type, metadata.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
    pdf.Root.Metadata = metadata


def output_intent(pdf: pikepdf.Pdf) -> None:
    """The catalog's output intent: the shipped sRGB profile, for PDF/X."""
    profile = pdf.make_stream(_profile())
    profile.N = 3
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX, OutputConditionIdentifier=OUTPUT_CONDITION,
        RegistryName="http://www.color.org", Info=OUTPUT_CONDITION, DestOutputProfile=profile))])


@cache
def _profile() -> bytes:
    """The output intent's ICC profile, read once per process."""
    return PROFILE.read_bytes()


def _xmp(title: str, lang: str, date: str, producer: str, author: str, document_id: uuid.UUID) -> str:
    """The XMP packet PDF/X-4 asks for: identification, dates matching Info, title, ids, Trapped."""
    creator = f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>\n" if author else ""
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" \
xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" \
xmlns:dc="http://purl.org/dc/elements/1.1/" rdf:about="">
<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>
<pdf:Trapped>False</pdf:Trapped>
<pdf:Producer>{escape(producer)}</pdf:Producer>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
<xmpMM:DocumentID>uuid:{document_id}</xmpMM:DocumentID>
<xmpMM:InstanceID>uuid:{document_id}</xmpMM:InstanceID>
<xmpMM:VersionID>1</xmpMM:VersionID>
<xmpMM:RenditionClass>default</xmpMM:RenditionClass>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>
{creator}</rdf:Description>
</rdf:RDF>
</x:xmpmeta>

<?xpacket end="w"?>
"""

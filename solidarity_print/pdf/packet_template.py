"""A shared render made ready to personalise as bytes: fonts, overlay streams and structure in place.

pikepdf runs here once per variant (language, paper, audience). It wires into the shared render
everything every school's drawing needs — the overlay fonts, one empty overlay stream per page that
gets per-school text, a placeholder logo image — and records, as serialised bytes, the few objects a
school's update rewrites (the Document structure element, the MCID arrays of the pages that gain
elements, /Info, the XMP). Each school's packet is then that file plus an incremental update
assembled from bytes, with no PDF library in the loop. Which schools share a shared render is
their variant (packet_variant, document_variant)."""
from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, replace

import pikepdf

from ..model import School
from ..pipeline.plan import Job, poster_paper
from .overlay import OverlayFont
from .pdf_update import Trailer, append_update, deflate, pdf_text

PLACEHOLDER = "SOLIDARITY-PRINT-SCHOOL-NAME"
# The author a shared render names (School.author of the anonymous school: club and name are PLACEHOLDER).
SHARED_AUTHOR = f"{PLACEHOLDER}, {PLACEHOLDER}"
TITLE_RE = re.compile(r'<title>.*?</title>|<meta name="author"[^>]*>', re.S)


def shows_school(html: str) -> bool:
    """True if a shared render's page (its HTML, without its title and author) prints a school's text: a theme
    override that does cannot be personalised by drawing, and its schools are rendered whole."""
    return PLACEHOLDER in TITLE_RE.sub("", html)


@dataclass(frozen=True)
class PacketTemplate:
    """The prepared shared render and the serialised objects a school's update rewrites."""

    data: bytes
    trailer: Trailer
    page_numbers: tuple[int, ...]  # object number of each page
    page_widths: tuple[float, ...]
    overlays: dict[int, int]  # page index -> object number of its overlay stream
    logo: int | None  # object number of the cover's logo image (a 1x1 placeholder until a school has one)
    document: int  # object number of the Document structure element
    document_entries: bytes  # its dictionary entries but /K
    kids: tuple[bytes, ...]  # its /K items, serialised
    kid_pages: tuple[int | None, ...]  # the page index of each kid
    marked: dict[int, tuple[int, tuple[bytes, ...]]]  # drawn page -> (object number of its MCID array, its items)
    info_entries: bytes  # /Info but /Title and /Author
    info_title: bytes  # the shared render's /Title, serialised
    metadata: int
    metadata_entries: bytes  # the XMP stream's dictionary entries but /Length and /Filter
    metadata_parts: tuple[tuple[bytes, ...], ...]  # the XMP split where the author goes, each part where the school's name goes

    def placement(self, page: int, after: int) -> int:
        """Where in the Document's kids a new element for `page` goes: after the page's (`after`+1)-th
        element, or its last, or at the end for a page without any."""
        seen, last = 0, None
        for index, kid_page in enumerate(self.kid_pages):
            if kid_page == page:
                seen += 1
                last = index + 1
                if seen == after + 1:
                    return last
        return last if last is not None else len(self.kids)


def prepare_template(data: bytes, drawn_pages: set[int], fonts: list[OverlayFont], logo: bool) -> PacketTemplate | None:
    """The template of a shared render (`data`) whose `drawn_pages` get per-school text in `fonts`
    (and, with `logo`, a logo on the first page); None if its structure is not the flat one
    WeasyPrint writes (those schools are then rendered whole)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        embedded = {font.resource: font.embed(pdf) for font in fonts}
        images = {"/SPLogo": pdf.make_indirect(pikepdf.Stream(
            pdf, b"\xff\xff\xff", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=1, Height=1,
            ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8))} if logo else {}
        save_state = pdf.make_indirect(pikepdf.Stream(pdf, b"q\n"))  # one object shared by every drawn page
        # A drawn page's entry in the parent tree becomes an object of its own: a school's update
        # then rewrites the few arrays that gain elements, not the whole tree.
        nums = pdf.Root.StructTreeRoot.ParentTree.get("/Nums", pikepdf.Array())
        keys = {int(pdf.pages[index].obj.get("/StructParents", -1)) for index in drawn_pages}
        for i in range(0, len(nums) - 1, 2):
            if int(nums[i]) in keys and isinstance(nums[i + 1], pikepdf.Array) and not nums[i + 1].is_indirect:
                nums[i + 1] = pdf.make_indirect(nums[i + 1])
        for index in sorted(drawn_pages):
            page = pdf.pages[index]
            # The overlay restores the page's graphics state first; until a school fills it, it only does that.
            page.contents_add(save_state, prepend=True)
            page.contents_add(pdf.make_indirect(pikepdf.Stream(pdf, b"Q\n")))
            for kind, entries in (("/Font", embedded), ("/XObject", images if index == 0 else {})):
                if entries and kind not in page.Resources:
                    page.Resources[kind] = pikepdf.Dictionary()
                for name, obj in entries.items():
                    page.Resources[kind][name] = obj
        buffer = io.BytesIO()
        # Every school's packet carries this file: it is worth compressing as tightly as zlib can.
        pikepdf.settings.set_flate_compression_level(9)
        try:
            pdf.save(buffer, deterministic_id=True, fix_metadata_version=False, recompress_flate=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
        finally:
            pikepdf.settings.set_flate_compression_level(-1)  # qpdf's default, for every other file
    prepared = buffer.getvalue()
    with pikepdf.open(io.BytesIO(prepared)) as pdf:
        return _read_template(pdf, prepared, drawn_pages, logo)


def _read_template(pdf: pikepdf.Pdf, prepared: bytes, drawn_pages: set[int], logo: bool) -> PacketTemplate | None:
    root = pdf.Root.StructTreeRoot
    document = root.K if isinstance(root.K, pikepdf.Dictionary) else root.K[0] if len(root.K) == 1 else None
    tree = root.ParentTree
    if document is None or not document.is_indirect or "/Nums" not in tree or not isinstance(document.K, pikepdf.Array):
        return None
    pages = [page.obj.objgen for page in pdf.pages]
    kid_pages = tuple(pages.index(kid.Pg.objgen) if isinstance(kid, pikepdf.Dictionary) and "/Pg" in kid else None
                      for kid in document.K)
    arrays = {int(tree.Nums[i]): tree.Nums[i + 1] for i in range(0, len(tree.Nums), 2)}
    marked = {}
    for index in drawn_pages:
        array = arrays.get(int(pdf.pages[index].obj.get("/StructParents", -1)))
        if not isinstance(array, pikepdf.Array) or not array.is_indirect:
            return None
        marked[index] = (array.objgen[0], tuple(item.unparse() for item in array))
    info, metadata = pdf.trailer.Info, pdf.Root.Metadata
    xmp = metadata.read_bytes()
    if not info.is_indirect:
        return None
    startxref = int(prepared[prepared.rindex(b"startxref") + 9:].split()[0])
    return PacketTemplate(
        data=prepared,
        trailer=Trailer(startxref=startxref, size=int(pdf.trailer.Size), root=pdf.Root.objgen[0], info=info.objgen[0],
                        first_id=bytes(pdf.trailer.ID[0])),
        page_numbers=tuple(number for number, _ in pages),
        page_widths=tuple(float(page.mediabox[2]) for page in pdf.pages),
        overlays={index: pdf.pages[index].obj.Contents[-1].objgen[0] for index in drawn_pages},
        logo=pdf.pages[0].Resources.XObject.SPLogo.objgen[0] if logo else None,
        document=document.objgen[0], document_entries=_entries(document, skip=("/K",)),
        kids=tuple(kid.unparse() for kid in document.K), kid_pages=kid_pages,
        marked=marked,
        info_entries=_entries(info, skip=("/Title", "/Author")), info_title=info.get("/Title", pikepdf.String("")).unparse(),
        metadata=metadata.objgen[0], metadata_entries=_entries(metadata.stream_dict, skip=("/Length", "/Filter", "/DecodeParms")),
        metadata_parts=tuple(tuple(part.split(PLACEHOLDER.encode())) for part in xmp.split(SHARED_AUTHOR.encode())))


def _entries(dictionary: pikepdf.Dictionary, skip: tuple[str, ...]) -> bytes:
    """A dictionary's entries, serialised (indirect values as references), without the `skip` keys."""
    return b" ".join(key.encode() + b" " + value.unparse() for key, value in dictionary.items() if key not in skip)


class Drawing:
    """What one school adds to a template: content per drawn page and the structure elements owning it."""

    def __init__(self, template: PacketTemplate):
        self.parts: dict[int, list[str]] = {}
        self.elements: list[tuple[int, int, str, int, bytes]] = []  # page, after, tag, MCID, more entries
        self._next_mcid = {page: len(items) for page, (_, items) in template.marked.items()}

    def tagged(self, page: int, tag: str, operators: str, *, after: int = 0, entries: bytes = b"") -> None:
        """Draw `operators` as the content of a new structure element `tag`, placed in reading order
        after the page's (`after`+1)-th element (or its last); elements given the same place keep
        the order they were drawn in."""
        mcid = self._next_mcid[page]
        self._next_mcid[page] += 1
        self.elements.append((page, after, tag, mcid, entries))
        self.parts.setdefault(page, []).append(f"/{tag} <</MCID {mcid}>> BDC\n{operators}\nEMC\n")

    def artifact(self, page: int, operators: str) -> None:
        """Draw page furniture (a running footer) that screen readers skip."""
        self.parts.setdefault(page, []).append(f"/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n{operators}\nEMC\n")


def fill(template: PacketTemplate, drawing: Drawing, title: str | None = None, name: str = "",
         logo: tuple[int, int, bytes, bytes | None] | None = None, author: str = "") -> bytes:
    """The packet: the template plus an update with the drawing and its structure elements; the
    `title` (None keeps the template's), the school's `name` where the XMP has a place for it, its
    `author` (School.author) in /Info and the XMP, and, if given, the logo (width, height, compressed
    RGB, compressed alpha or None)."""
    t = template
    objects: dict[int, bytes] = {}
    streams = {t.overlays[page]: (b"/Filter /FlateDecode", deflate(("Q\n" + "".join(parts)).encode("latin-1"), 9))
               for page, parts in drawing.parts.items()}
    number = t.trailer.size
    inserted: dict[int, list[bytes]] = {}
    added: dict[int, list[bytes]] = {}
    for page, after, tag, mcid, entries in drawing.elements:
        objects[number] = (b"<< /Type /StructElem /S /%s /P %d 0 R /Pg %d 0 R /K %d %s>>"
                           % (tag.encode("ascii"), t.document, t.page_numbers[page], mcid, entries + b" " if entries else b""))
        inserted.setdefault(t.placement(page, after), []).append(b"%d 0 R" % number)
        added.setdefault(page, []).append(b"%d 0 R" % number)
        number += 1
    kids = []
    for index in range(len(t.kids) + 1):
        kids += inserted.get(index, [])
        if index < len(t.kids):
            kids.append(t.kids[index])
    objects[t.document] = b"<< %s /K [%s] >>" % (t.document_entries, b" ".join(kids))
    for page, elements in added.items():
        array, items = t.marked[page]
        objects[array] = b"[%s]" % b" ".join(items + tuple(elements))
    # Both are small (the XMP is about 1 KB), so every school's file gets its own, poster and flyer too.
    objects[t.trailer.info] = b"<< %s /Title %s /Author %s >>" % (
        t.info_entries, t.info_title if title is None else pdf_text(title), pdf_text(author))
    if len(t.metadata_parts) > 1 or len(t.metadata_parts[0]) > 1:
        xml_name, xml_author = (html.escape(text, quote=False).encode("utf-8") for text in (name, author))
        streams[t.metadata] = (t.metadata_entries + b" /Filter /FlateDecode",
                               deflate(xml_author.join(xml_name.join(part) for part in t.metadata_parts), 9))
    if logo:
        width, height, rgb, alpha = logo
        image = b"/Type /XObject /Subtype /Image /Width %d /Height %d /BitsPerComponent 8 /Filter /FlateDecode" % (width, height)
        mask = b""
        if alpha is not None:
            streams[number] = (image + b" /ColorSpace /DeviceGray", alpha)
            mask, number = b" /SMask %d 0 R" % number, number + 1
        streams[t.logo] = (image + b" /ColorSpace /DeviceRGB" + mask, rgb)
    return append_update(t.data, t.trailer, objects, streams)


def packet_variant(school: School, lang: str, ink: str = "color") -> tuple:
    """What a school's packet shares with other schools': one render per language, papers, audiences, link and ink."""
    return ("packet", lang, school.paper, poster_paper(school), school.audiences(), school.link, ink)


def document_variant(job: Job) -> tuple:
    """What a school's poster or flyer shares with other schools': one render per design, language, paper, link and ink."""
    school = job.context.get("school")
    return (job.template, job.focus_day, job.lang, job.paper.name, school.link if school else "", job.context.get("ink", ""))


def anonymous(school: School) -> School:
    """`school` with nothing of its own left: what every school of its variant shares."""
    return replace(school, row=0, name=PLACEHOLDER, slug="shared", club=PLACEHOLDER, contact_name=PLACEHOLDER,
                   contact_email=PLACEHOLDER, meeting=PLACEHOLDER, logo=None, logo_alt=PLACEHOLDER, grade_band="")

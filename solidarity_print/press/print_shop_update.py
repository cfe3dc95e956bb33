"""A school's print-shop file as an update of its own file: bleed, marks, boxes and output intent made once per shared render.

Every school's poster, flyer and packet is its variant's shared render plus a small update (its
texts, pdf/packet_template.py). What print_shop_pdf does to a file — pages placed on sheets with
bleed and marks, TrimBox and BleedBox, the structure tree and links dropped, the output intent —
depends only on the shared render, so it is done to the shared render once, with pikepdf, and each
school's print-shop file is its file plus one more update: those objects again, and its own /Info
and XMP (title, author, dates, PDF/X-4 identification)."""
from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from dataclasses import dataclass

import pikepdf

from ..pdf.pdf_update import Packed, extend, pdf_text
from ..pdf.plan_store import stored_plan
from ..pdf.update_plan import (Plans, Revision, Tail, base_length, defined_object, defined_stream, entries_of, plan_revision,
                               read_tail)
from .print_shop import PrintShopFile, _bleed_page, _drop_screen_parts, _xmp, output_intent
from .resolution import PlacedImage, images_of

PLANS_KEPT = 64  # shared renders a worker meets close together: each school has 12 (6 posters, 5 flyers, a packet) per language and paper
PDFX_INFO = ("/Title", "/Author", "/CreationDate", "/ModDate", "/Trapped", "/GTS_PDFXVersion")
# What the school's drawing places an image with (pdf/personalize.py: "q w 0 0 h x y cm /Name Do Q").
_PLACED = re.compile(rb"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) -?[\d.]+ -?[\d.]+ cm\s*(/[^\s/\[\]()<>]+) Do")


@dataclass(frozen=True)
class ShopPlan:
    """A shared render's print-shop edit and what every school's print-shop file of it shares."""

    revision: Revision
    packed: Packed | None  # the revision's objects, packed once
    pages: int
    trim: tuple[float, float]
    bleed: float
    page_trims: tuple[tuple[float, float], ...]
    images: tuple[PlacedImage, ...]  # those the shared render draws itself
    info: int  # object numbers of /Info and the XMP, which each school's file has of its own
    metadata: int
    info_entries: bytes  # the shared render's /Info but what PDF/X-4 sets per file
    producer: str
    content_pages: dict[int, int]  # content stream -> its page (0-based), to find the images a school draws
    page_images: dict[int, dict[bytes, tuple[int, int, int]]]  # page -> image name -> (object, width, height)


_plans = Plans(PLANS_KEPT)
PLAN_KINDS = (ShopPlan, Revision, Packed, PlacedImage)  # what a stored plan is made of


def print_shop_update(data: bytes, *, title: str, lang: str, created: dt.date, source_hash: str) -> PrintShopFile | None:
    """print_shop_pdf of `data` (whose SHA-256 is `source_hash`) as an update of it, its `data` an
    Extension of `data` (the file's bytes are made.data.join(data)); or None when `data` is not a
    shared render plus one school's update (then print_shop_pdf makes it whole)."""
    tail = read_tail(data)
    end = base_length(data, tail) if tail else None
    if end is None:
        return None
    key = (end, tail.trailer.first_id, data[end - 64:end])
    plan = _plans.get(key, lambda: stored_plan("print-shop", key, data[:end], _plan, PLAN_KINDS))
    if plan is None or not plan.revision.fits(data, tail, {plan.info, plan.metadata}) or tail.trailer.info != plan.info:
        return None
    author = _author(defined_object(data, tail, plan.info) or b"")
    if author is None:
        return None
    stamp = f"D:{created:%Y%m%d}000000Z"
    by = b" /Author " + pdf_text(author) if author else b""
    info = b"<< %s /Title %s%s /CreationDate %s /ModDate %s /Trapped /False /GTS_PDFXVersion (PDF/X-4) >>" % (
        plan.info_entries, pdf_text(title), by, pdf_text(stamp), pdf_text(stamp))
    document_id = uuid.uuid5(uuid.NAMESPACE_URL, f"solidarity-print:print-shop:{source_hash}")
    xmp = _xmp(title, lang, f"{created:%Y-%m-%d}T00:00:00Z", plan.producer, author, document_id).encode()
    # PDF/X-4 is defined on PDF 1.6; the header says so (the same length: every offset stays right).
    made = extend(data, tail.trailer, {plan.info: info},
                  {**plan.revision.streams, plan.metadata: (b"/Type /Metadata /Subtype /XML", xmp)}, plan.packed,
                  head=b"%PDF-1.6")
    # in page order, each page's own images before the school's drawing, as images_of reads them
    images = tuple(sorted(plan.images + _drawn_images(data, tail, plan), key=lambda image: image.page))
    return PrintShopFile(made, plan.pages, plan.trim, plan.bleed, plan.page_trims, images)


def _plan(base: bytes) -> ShopPlan | None:
    """The print-shop edit of a shared render, made with pikepdf once."""
    if not base.startswith(b"%PDF-1."):
        return None

    def edit(pdf: pikepdf.Pdf):
        images = tuple(images_of(pdf))
        content_pages, page_images = {}, {}
        for index, page in enumerate(pdf.pages):
            contents = page.obj.Contents
            for stream in (contents if isinstance(contents, pikepdf.Array) else [contents]):
                content_pages[stream.objgen[0]] = index
            page_images[index] = {name.encode(): (xobject.objgen[0], int(xobject.Width), int(xobject.Height))
                                  for name, xobject in page.obj.Resources.get("/XObject", {}).items()
                                  if xobject.get("/Subtype") == "/Image" and xobject.is_indirect}
        shared: dict[tuple, list] = {}
        trims = [_bleed_page(pdf, page, shared) for page in pdf.pages]
        _drop_screen_parts(pdf)
        output_intent(pdf)
        info = pdf.trailer.Info
        entries = entries_of(info, PDFX_INFO)
        return (images, trims, info.objgen[0], pdf.Root.Metadata.objgen[0], entries,
                str(info.get("/Producer", "solidarity-print")), content_pages, page_images)

    planned = plan_revision(base, edit)
    if planned is None:
        return None
    revision, (images, trims, info, metadata, entries, producer, content_pages, page_images) = planned
    if {info, metadata} & revision.touched:
        return None
    (width, height), bleed = trims[0]
    return ShopPlan(revision, revision.packed(), len(trims), (width, height), bleed, tuple(size for size, _ in trims),
                    images, info, metadata, entries, producer, content_pages, page_images)


def _author(info: bytes) -> str | None:
    """The /Author of a school's /Info as append_update's pdf_text writes it ('' if none), None if unreadable."""
    match = re.search(rb"/Author\s*(\((?:\\.|[^\\()])*\)|<[0-9a-fA-F]*>)", info)
    if match is None:
        return "" if b"/Author" not in info else None
    value = match[1]
    if value.startswith(b"<"):
        raw = bytes.fromhex(value[1:-1].decode("ascii"))
        return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")
    return re.sub(rb"\\(.)", rb"\1", value[1:-1]).decode("latin-1")


def _drawn_images(data: bytes, tail: Tail, plan: ShopPlan) -> tuple[PlacedImage, ...]:
    """The images a school's update draws (a packet cover's logo), at the size its drawing gives them."""
    found = []
    for number, page in plan.content_pages.items():
        # A school's drawing places only its own image (a logo, pdf/personalize.py), which its update
        # defines in place of the shared render's placeholder: other pages need not be read.
        if number not in tail.defined or not any(image in tail.defined for image, _, _ in plan.page_images[page].values()):
            continue
        stream = defined_stream(data, tail, number)
        if stream is None or b" Do" not in stream[1]:  # most pages get text only: a footer, a club line
            continue
        content = stream[1]
        for match in _PLACED.finditer(content):
            a, b, c, d = (float(v) for v in match.groups()[:4])
            image = plan.page_images[page].get(match[5])
            if image is None:
                continue
            image_number, width, height = image
            own = defined_stream(data, tail, image_number, decode=False)
            if own is not None:  # the school's own image (its logo) in place of the shared render's placeholder
                width, height = (int(re.search(rb"/%s (\d+)" % key, own[0])[1]) for key in (b"Width", b"Height"))
            found.append(PlacedImage(page + 1, (width, height), (math.hypot(a, b) / 72, math.hypot(c, d) / 72)))
    return tuple(found)

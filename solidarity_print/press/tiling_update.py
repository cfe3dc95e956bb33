"""A school's tiled poster as an update of its poster: the shared render tiled once, the school's club line added per file.

A school's poster is its variant's shared render plus an update drawing its club line (a tagged
paragraph in the page's overlay stream, pdf/packet_template.py). The shared render is tiled once,
with pikepdf, each sheet keeping an empty stream for the school's drawing (tiling.tile_page); each
school's tiled poster is then its poster plus one more update: those objects again, its drawing in
every sheet's stream (tagged on the sheet that owns its centre, an /Artifact on the others, as
tags.Retagger does), its structure elements pointed at that sheet, and that sheet's parent-tree entry."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pikepdf

from ..pdf.pdf_update import Extension, Packed, extend
from ..pdf.plan_store import stored_plan
from ..pdf.update_plan import Plans, Revision, base_length, defined_object, defined_stream, plan_revision, read_tail
from .tags import _OPENING
from .tiling import Grid, _marked_boxes, check_tiling, tile_page

LABEL_WORDS = ("tile_label", "tile_label_first", "tile_and")  # the words tiling.tile_label uses
PLANS_KEPT = 32  # a worker meets a school's six posters per language and paper close together
# The text operators a school's drawing uses (pdf/overlay.py, pdf/shaping.py): a string or an array
# of strings and shifts shown at a Tm position, in a font set by Tf; any other way of placing text
# or drawing is not followed.
_TEXT = re.compile(rb"<([0-9a-fA-F]*)>\s*Tj|\[([^\]]*)\]\s*TJ|(/[^\s/\[\]()<>]+)\s+(-?[\d.]+)\s+Tf"
                   rb"|1 0 0 1 (-?[\d.]+) (-?[\d.]+) Tm")
_ITEM = re.compile(rb"(-?[\d.]+)|<([0-9a-fA-F]*)>")
_UNREAD = re.compile(rb"[()]|\b(?:Td|TD|T\*|Tc|Tw|Tz|TL|cm|Do|BI|sh)\b|(?<![\w.])(?:'|\")")


@dataclass(frozen=True)
class TilePlan:
    """A shared render's tiles and what a school's update of them needs."""

    revision: Revision
    packed: Packed | None  # the revision's objects but the sheets' parent-tree arrays, packed once
    grid: Grid
    origin: tuple[float, float, float]  # the poster's left, bottom and height, in its own coordinates
    overlay: int  # object number of the poster's overlay stream (the school's drawing)
    marked: int  # object number of the poster's parent-tree array (the school's update adds its elements)
    shared_mcids: int  # marked-content sequences of the shared render: the school's are numbered after them
    sheet_pages: tuple[int, ...]  # object number of each sheet
    school_parts: tuple[int, ...]  # each sheet's stream for the school's drawing
    sheet_arrays: tuple[tuple[int, bytes, int], ...]  # each sheet's parent-tree array: object number, items, their count
    fonts: dict[bytes, tuple[dict[int, float], float, float, float]]  # font name -> glyph widths, default width,
    # ascent and descent, per 1000 units of size


_plans = Plans(PLANS_KEPT)
PLAN_KINDS = (TilePlan, Revision, Packed, Grid)  # what a stored plan is made of


def tile_update(data: bytes, paper: str, overlap: float, words: dict[str, str]) -> tuple[Extension, int] | None:
    """tile_poster of `data` as an update of it (an Extension of `data`) and its sheet count, or None
    when `data` is not a shared render plus one school's update drawing text only (tile_poster then
    tiles it whole)."""
    tail = read_tail(data)
    end = base_length(data, tail) if tail else None
    if end is None:
        return None
    key = (end, tail.trailer.first_id, data[end - 64:end], paper, overlap,
           tuple(words.get(name) for name in LABEL_WORDS))
    plan = _plans.get(key, lambda: stored_plan("tiles", key, data[:end], lambda base: _plan(base, paper, overlap, words),
                                                 PLAN_KINDS))
    allowed = {plan.overlay, plan.marked, tail.trailer.info} if plan else set()
    if plan is None or not plan.revision.fits(data, tail, allowed):
        return None
    overlay = defined_stream(data, tail, plan.overlay)
    marked = defined_object(data, tail, plan.marked)
    if overlay is None or marked is None or not overlay[1].startswith(b"Q\n"):
        return None
    drawing = overlay[1][2:]
    items = marked.strip(b"[] \n").split(b" R")
    school = [int(ref.split()[0]) for ref in items[plan.shared_mcids:-1]]
    openings = list(_OPENING.finditer(drawing))
    if len(items) - 1 != plan.shared_mcids + len(openings) or [int(o["mcid"]) for o in openings] != list(
            range(plan.shared_mcids, plan.shared_mcids + len(openings))):
        return None
    objects = {number: plan.revision.objects[number] for number, _, _ in plan.sheet_arrays}
    streams = dict(plan.revision.streams)
    next_mcid = [count for _, _, count in plan.sheet_arrays]
    owned: list[list[int]] = [[] for _ in plan.sheet_pages]
    pieces: list[list[bytes]] = [[] for _ in plan.sheet_pages]
    start = 0
    for element, opening, after in zip(school, openings, openings[1:] + [None]):
        home = _home(drawing[opening.end():after.start() if after else len(drawing)], plan)
        body = defined_object(data, tail, element)
        if home is None or body is None:
            return None
        for sheet, parts in enumerate(pieces):
            parts.append(drawing[start:opening.start()])
            parts.append(b"%s <<%s/MCID %d%s>> BDC" % (opening["tag"], opening["before"], next_mcid[sheet], opening["after"])
                         if sheet == home else b"/Artifact BMC")
        start = opening.end()
        body, pages = re.subn(rb"/Pg \d+ 0 R", b"/Pg %d 0 R" % plan.sheet_pages[home], body)
        body, kids = re.subn(rb"/K \d+", b"/K %d" % next_mcid[home], body)
        if pages != 1 or kids != 1:
            return None
        objects[element] = body
        owned[home].append(element)
        next_mcid[home] += 1
    for sheet, parts in enumerate(pieces):
        streams[plan.school_parts[sheet]] = (b"", b"".join(parts) + drawing[start:])
        if owned[sheet]:
            number, shared, _ = plan.sheet_arrays[sheet]
            objects[number] = b"[%s]" % b" ".join([shared] + [b"%d 0 R" % e for e in owned[sheet]])
    return extend(data, tail.trailer, objects, streams, plan.packed), len(plan.sheet_pages)


def _home(sequence: bytes, plan: TilePlan) -> int | None:
    """The sheet owning the centre of the text a marked-content sequence shows, found by following
    its text operators (Tf, Tm, Tj, TJ, Ts) with the fonts' widths; None if it draws anything else
    or positions text some other way (the poster is then tiled whole)."""
    if _UNREAD.search(sequence) or sequence.count(b"Tm") != len(re.findall(rb"1 0 0 1 -?[\d.]+ -?[\d.]+ Tm", sequence)):
        return None
    font, size, x, y, box = None, 0.0, 0.0, 0.0, None
    for match in _TEXT.finditer(sequence):
        shown, array, name, tf_size, tm_x, tm_y = match.groups()
        if name:
            font, size = plan.fonts.get(name), float(tf_size)
            continue
        if tm_x:
            x, y = float(tm_x), float(tm_y)
            continue
        if font is None:
            return None
        widths, default, ascent, descent = font
        start = x
        for number, glyphs in _ITEM.findall(array if array is not None else b"<" + shown + b">"):
            if number:
                x -= float(number) * size / 1000
                continue
            codes = bytes.fromhex(glyphs.decode("ascii"))
            x += sum(widths.get(int.from_bytes(codes[i:i + 2], "big"), default) for i in range(0, len(codes), 2)) * size / 1000
        edges = (min(start, x), y + descent * size / 1000, max(start, x), y + ascent * size / 1000)
        box = edges if box is None else (min(box[0], edges[0]), min(box[1], edges[1]),
                                         max(box[2], edges[2]), max(box[3], edges[3]))
    if box is None:
        return None
    left, bottom, height = plan.origin
    return plan.grid.home((box[0] + box[2]) / 2 - left, (box[1] + box[3]) / 2 - bottom, height)


def _plan(base: bytes, paper: str, overlap: float, words: dict[str, str]) -> TilePlan | None:
    """The shared render tiled once with pikepdf, each sheet with an empty stream for a school's drawing."""
    check_tiling(paper, overlap)
    boxes = _marked_boxes(base)

    def edit(pdf: pikepdf.Pdf):
        poster = pdf.pages[0]
        contents = poster.obj.Contents
        if not isinstance(contents, pikepdf.Array) or len(pdf.pages) != 1:
            return None
        overlay = contents[-1].objgen[0]
        tree = pdf.Root.StructTreeRoot.ParentTree
        key = int(poster.obj.StructParents)
        nums = list(tree.Nums)
        marked = next((nums[i + 1] for i in range(0, len(nums), 2) if int(nums[i]) == key), None)
        if marked is None or not marked.is_indirect:
            return None
        fonts = {name.encode(): _metrics(font) for name, font in poster.obj.Resources.get("/Font", {}).items()
                 if font.get("/Subtype") == "/Type0"}
        left, bottom, _, top = (float(v) for v in poster.mediabox)
        parts: list = []
        grid, _ = tile_page(pdf, boxes, paper, overlap, words, parts)
        tree = pdf.Root.StructTreeRoot.ParentTree
        nums = tree.Nums
        keys = {int(page.obj.StructParents): index for index, page in enumerate(pdf.pages)}
        arrays: dict[int, pikepdf.Object] = {}
        for i in range(0, len(nums), 2):
            if int(nums[i]) in keys:  # each sheet's entry an object of its own: a school's update rewrites one
                nums[i + 1] = pdf.make_indirect(nums[i + 1])
                arrays[keys[int(nums[i])]] = nums[i + 1]
        return (grid, (left, bottom, top - bottom), overlay, marked.objgen[0], len(marked), fonts,
                tuple(page.obj.objgen[0] for page in pdf.pages), tuple(part.objgen[0] for part in parts),
                tuple((arrays[i].objgen[0], b" ".join(item.unparse() for item in arrays[i]), len(arrays[i]))
                      for i in range(len(pdf.pages))))

    planned = plan_revision(base, edit)
    if planned is None or planned[1] is None:
        return None
    revision, (grid, origin, overlay, marked, shared, fonts, pages, parts, arrays) = planned
    if {overlay, marked} & revision.touched:
        return None
    packed = revision.packed(frozenset(number for number, _, _ in arrays))
    return TilePlan(revision, packed, grid, origin, overlay, marked, shared, pages, parts, arrays, fonts)


def _metrics(font: pikepdf.Dictionary) -> tuple[dict[int, float], float, float, float]:
    """A Type0 font's glyph widths (its /W array), default width, ascent and descent, per 1000 units of size."""
    descendant = font.DescendantFonts[0]
    widths: dict[int, float] = {}
    items = list(descendant.get("/W", []))
    at = 0
    while at < len(items):
        first = int(items[at])
        if isinstance(items[at + 1], pikepdf.Array):
            for offset, width in enumerate(items[at + 1]):
                widths[first + offset] = float(width)
            at += 2
        else:
            for code in range(first, int(items[at + 1]) + 1):
                widths[code] = float(items[at + 2])
            at += 3
    descriptor = descendant.FontDescriptor
    return (widths, float(descendant.get("/DW", 1000)), float(descriptor.get("/Ascent", 800)),
            float(descriptor.get("/Descent", -200)))

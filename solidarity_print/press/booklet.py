"""Saddle-stitched booklets: a document's pages two to a side of landscape sheets, to print double-sided and fold.

The pages are drawn as Form XObjects of the original, shrunk to half a sheet. A booklet is for the
press, not for screen readers: it is untagged, and the tagged original is written beside it."""
from __future__ import annotations

import io

import pikepdf

from ..errors import OptionError
from .sheets import PRINTABLE_MARGIN, SHEET_PAPERS, form_of, place, saved, sheet_size


def booklet_order(pages: int) -> list[tuple[int | None, int | None]]:
    """The (left, right) pages of each side, 0-based, None for a blank, in printing order: sheet by
    sheet, front then back. The pages are padded to a multiple of four; the back sides read upright
    when the printer flips on the short edge, and the folded stack reads 1, 2, 3 … in order."""
    padded = -(-pages // 4) * 4

    def page(number: int) -> int | None:  # 1-based, in the padded booklet
        return number - 1 if number <= pages else None

    sides = []
    for sheet in range(padded // 4):
        outer, inner = padded - 2 * sheet, 2 * sheet + 1
        sides.append((page(outer), page(inner)))  # front: the last pages outside, the first inside
        sides.append((page(inner + 1), page(outer - 1)))  # back
    return sides


def impose_booklet(data: bytes, paper: str, pages: range | None = None, name: str = "document") -> tuple[bytes, int]:
    """`pages` (0-based, default all) of the PDF `data` as a booklet on landscape `paper` (letter or a4);
    returns the booklet and its number of sides (two per sheet). `name` is the file the error names."""
    if paper not in SHEET_PAPERS:
        raise ValueError(f"booklets are printed on letter or a4, not {paper}")
    with pikepdf.open(io.BytesIO(data)) as source:
        chosen = list(pages if pages is not None else range(len(source.pages)))
        if len(chosen) < 2:
            raise OptionError("--booklet", f"{name} has one page: a booklet needs two or more")
        width, height = sheet_size(paper, landscape=True)
        half = width / 2
        booklet = pikepdf.new()
        booklet.docinfo = booklet.make_indirect(pikepdf.Dictionary(
            {key: value for key, value in source.docinfo.items() if key in ("/Title", "/Author", "/CreationDate", "/ModDate")}))
        if "/Lang" in source.Root:
            booklet.Root.Lang = source.Root.Lang
        forms: dict[int, pikepdf.Object] = {}
        for left, right in booklet_order(len(chosen)):
            content, xobjects = [], pikepdf.Dictionary()
            for side, index in (("left", left), ("right", right)):
                if index is None:
                    continue
                page = source.pages[chosen[index]]
                if index not in forms:
                    forms[index] = booklet.make_indirect(form_of(booklet, page))
                resource = f"/P{index}"
                xobjects[resource] = forms[index]
                content.append(_placed(page, forms[index].get("/Matrix"), resource, side, half, height))
            booklet.pages.append(pikepdf.Page(pikepdf.Dictionary(
                Type=pikepdf.Name.Page, MediaBox=pikepdf.Array([0, 0, round(width, 3), round(height, 3)]),
                Resources=pikepdf.Dictionary(XObject=xobjects), Contents=booklet.make_stream("".join(content).encode()))))
        return saved(booklet), len(booklet.pages)


def _placed(page: pikepdf.Page, matrix, resource: str, side: str, half: float, height: float) -> str:
    """The operators drawing `page` (its form's `matrix` turns it as its /Rotate says, or is None)
    shrunk into its half of the sheet: against the fold, centred up and down, clear of the quarter
    inch an office printer leaves unprinted on the outer edges."""
    x0, y0, x1, y1 = _shown(page.trimbox, matrix)
    box_width, box_height = x1 - x0, y1 - y0
    scale = min((half - PRINTABLE_MARGIN) / box_width, (height - 2 * PRINTABLE_MARGIN) / box_height)
    drawn_width, drawn_height = box_width * scale, box_height * scale
    left = half - drawn_width if side == "left" else half
    bottom = (height - drawn_height) / 2
    # as_form_xobject keeps the page's own coordinates (its /BBox is the MediaBox): shift its trim corner
    return place(resource, scale, left - x0 * scale, bottom - y0 * scale, (left, bottom, drawn_width, drawn_height))


def _shown(box, matrix) -> tuple[float, float, float, float]:
    """The page box `box` as the form draws it: through its `matrix` (a turned page), else as it is."""
    x0, y0, x1, y1 = (float(v) for v in box)
    if matrix is None:
        return x0, y0, x1, y1
    a, b, c, d, e, f = (float(v) for v in matrix)
    xs, ys = zip(*((a * x + c * y + e, b * x + d * y + f) for x in (x0, x1) for y in (y0, y1)))
    return min(xs), min(ys), max(xs), max(ys)

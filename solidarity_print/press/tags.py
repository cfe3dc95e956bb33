"""Keeping a one-page document's structure tree when its content is spread over several sheets.

Each marked-content sequence gets one home sheet, where it stays tagged (renumbered in the order the
sheet draws it); on every other sheet the same operators are an /Artifact. The structure elements,
the parent tree, link annotations and bookmarks are pointed at the home sheets, so the tree reads as
before: each text once, in the document's order."""
from __future__ import annotations

import re
from collections.abc import Callable

import pikepdf

from ..errors import RenderError

# A tagged sequence's opening, `/Span <</MCID 3>> BDC`: WeasyPrint writes its properties inline.
_OPENING = re.compile(rb"(?P<tag>/[^\s/<>\[\]()]+)\s*<<(?P<before>(?:(?!>>).)*?)/MCID\s+(?P<mcid>\d+)"
                      rb"(?P<after>(?:(?!>>).)*?)>>\s*BDC", re.S)


class Retagger:
    """Spreads `page` of `pdf` over sheets: `homes` maps each MCID to its sheet, `home_of(x, y)` gives
    the sheet owning a point of the page (for links and bookmarks)."""

    def __init__(self, pdf: pikepdf.Pdf, page: pikepdf.Page, homes: dict[int, int], home_of: Callable[[float, float], int]):
        self.pdf, self.page, self.homes, self.home_of = pdf, page, homes, home_of
        # The content is cut once at its tagged sequences' openings, as bytes; each sheet joins the same
        # pieces with its own openings (parsing and serialising the stream per sheet costs ten times more).
        contents = page.obj.Contents
        content = b"\n".join(stream.read_bytes() for stream in (contents if isinstance(contents, pikepdf.Array) else [contents]))
        self.pieces: list[bytes] = []
        self.openings: list[tuple[int, re.Match]] = []
        start = 0
        for opening in _OPENING.finditer(content):
            self.pieces.append(content[start:opening.start()])
            self.openings.append((int(opening["mcid"]), opening))
            start = opening.end()
        self.pieces.append(content[start:])
        self.sheets: dict[int, pikepdf.Page] = {}
        self.shifts: dict[int, tuple[float, float]] = {}
        self.new_ids: dict[int, tuple[int, int]] = {}  # old MCID -> (sheet, MCID on that sheet)
        self.annotation_sheet: dict[tuple[int, int], int] = {}

    def content_for(self, sheet: int) -> bytes:
        """The page's content with the sequences whose home is `sheet` tagged and the others artifacts."""
        parts, next_id = [self.pieces[0]], 0
        for (mcid, opening), piece in zip(self.openings, self.pieces[1:]):
            if self.homes.get(mcid, 0) == sheet:
                self.new_ids[mcid] = (sheet, next_id)
                parts.append(b"%s <<%s/MCID %d%s>> BDC" % (opening["tag"], opening["before"], next_id, opening["after"]))
                next_id += 1
            else:
                parts.append(b"/Artifact BMC")
            parts.append(piece)
        return b"".join(parts)

    def place(self, sheet: int, page: pikepdf.Page, shift: tuple[float, float], clip: tuple[float, float, float, float]) -> None:
        """Record `page` as sheet number `sheet`, whose content is the page's moved by `shift`, visible
        within `clip` (x0, y0, x1, y1); move there the links whose centre that sheet owns."""
        self.sheets[sheet], self.shifts[sheet] = page, shift
        links = []
        for annotation in self.page.obj.get("/Annots", []):
            x0, y0, x1, y1 = _normal(annotation.Rect)
            if self.home_of((x0 + x1) / 2, (y0 + y1) / 2) != sheet:
                continue
            dx, dy = shift
            annotation.Rect = pikepdf.Array([round(v, 3) for v in (max(x0 + dx, clip[0]), max(y0 + dy, clip[1]),
                                                                  min(x1 + dx, clip[2]), min(y1 + dy, clip[3]))])
            annotation.P = page.obj
            self.annotation_sheet[annotation.objgen] = sheet
            links.append(annotation)
        if links:
            page.obj.Annots = pikepdf.Array(links)

    def finish(self) -> None:
        """Point the structure tree, the parent tree and the bookmarks at the sheets."""
        root = self.pdf.Root.StructTreeRoot
        old_key = int(self.page.obj.StructParents)
        nums = list(root.ParentTree.Nums)
        entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        parents = entries.pop(old_key)
        if sorted(mcid for mcid, _ in self.openings) != list(range(len(parents))):
            # content written some other way (properties by name, sequences the parent tree does not list)
            raise RenderError("tiling", "the poster's tagged content could not be read for tiling")
        next_key = max([old_key, *entries]) + 1
        for sheet, page in sorted(self.sheets.items()):
            owned = sorted((new, old) for old, (home, new) in self.new_ids.items() if home == sheet)
            key = old_key if sheet == 0 else next_key + sheet - 1
            page.obj.StructParents = key
            entries[key] = pikepdf.Array([parents[old] for _, old in owned])
        root.ParentTree = pikepdf.Dictionary(Nums=pikepdf.Array([v for key in sorted(entries) for v in (key, entries[key])]))
        root.ParentTreeNextKey = max(entries) + 1
        self._retag(root, set())
        if "/Outlines" in self.pdf.Root:
            self._move_bookmarks(self.pdf.Root.Outlines.get("/First"))

    def _retag(self, node: pikepdf.Object, seen: set) -> None:
        """Rewrite every structure element's page and marked-content references below `node`."""
        if node.is_indirect:
            if node.objgen in seen:
                return
            seen.add(node.objgen)
        kids = node.get("/K")
        if kids is None:
            return
        items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        placed, first_sheet = [], None
        for kid in items:
            if isinstance(kid, int):  # an MCID of the poster's page
                placed.append(self.new_ids.get(int(kid)))
                first_sheet = first_sheet if first_sheet is not None or placed[-1] is None else placed[-1][0]
            else:
                placed.append(None)
        page_sheet = first_sheet if first_sheet is not None else 0
        new_kids = []
        for kid, where in zip(items, placed):
            if where is not None:
                sheet, mcid = where
                new_kids.append(mcid if sheet == page_sheet else pikepdf.Dictionary(
                    Type=pikepdf.Name.MCR, Pg=self.sheets[sheet].obj, MCID=mcid))
            elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid and kid.get("/Type") == pikepdf.Name.MCR:
                sheet, mcid = self.new_ids[int(kid.MCID)]
                kid.Pg, kid.MCID = self.sheets[sheet].obj, mcid
                new_kids.append(kid)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR:
                kid.Pg = self.sheets[self.annotation_sheet.get(kid.Obj.objgen, 0)].obj
                new_kids.append(kid)
            elif isinstance(kid, pikepdf.Dictionary):
                self._retag(kid, seen)
                new_kids.append(kid)
            else:
                new_kids.append(kid)
        if node.get("/Type") != pikepdf.Name.StructTreeRoot:
            if "/Pg" in node:
                node.Pg = self.sheets[page_sheet].obj
            node.K = pikepdf.Array(new_kids) if isinstance(kids, pikepdf.Array) else new_kids[0]

    def _move_bookmarks(self, item: pikepdf.Object | None) -> None:
        """Send each bookmark to the sheet that owns the point it opens at."""
        while item is not None:
            destination = item.get("/Dest")
            if isinstance(destination, pikepdf.Array) and len(destination) and destination[0].objgen == self.page.obj.objgen:
                item.Dest = self._moved(destination)
            self._move_bookmarks(item.get("/First"))
            item = item.get("/Next")

    def _moved(self, destination: pikepdf.Array) -> pikepdf.Array:
        if destination[1] == pikepdf.Name.XYZ and destination[2] is not None and destination[3] is not None:
            x, y = float(destination[2]), float(destination[3])
            sheet = self.home_of(x, y)
            dx, dy = self.shifts[sheet]
            return pikepdf.Array([self.sheets[sheet].obj, pikepdf.Name.XYZ, round(x + dx, 3), round(y + dy, 3), destination[4]])
        return pikepdf.Array([self.sheets[0].obj, pikepdf.Name.Fit])


def _normal(rect) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in rect)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)

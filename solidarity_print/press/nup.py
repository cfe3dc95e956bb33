"""N-up imposition on pikepdf: one page repeated in a grid on a sheet, with cut marks between."""
from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import pikepdf

# Office printers leave about 0.25 in at every edge unprinted: no mark may start closer to the edge.
UNPRINTABLE = 18.0
MARK_LENGTH = 14.0
MARK_WIDTH = 0.6
GUIDE_GREY = 0.6  # the dashed line along each cut, light enough to vanish into the cut edge


@dataclass(frozen=True)
class Sheet:
    """A sheet (size in points) holding `columns` x `rows` equal pieces, the grid centred on it."""

    paper: str
    width: float
    height: float
    columns: int
    rows: int

    @property
    def count(self) -> int:
        """How many pieces one sheet gives."""
        return self.columns * self.rows

    def cells(self, piece: tuple[float, float]) -> list[tuple[float, float]]:
        """The lower-left corner of each piece, left to right, top to bottom (PDF points, origin bottom left)."""
        width, height = piece
        left, bottom = (self.width - self.columns * width) / 2, (self.height - self.rows * height) / 2
        return [(left + column * width, bottom + (self.rows - 1 - row) * height)
                for row in range(self.rows) for column in range(self.columns)]

    def cuts(self, piece: tuple[float, float] | None = None) -> dict[str, list[float]]:
        """Where to cut, in points from the sheet's left (x) and bottom (y) edges."""
        width, height = piece or (self.width / self.columns, self.height / self.rows)
        left, bottom = (self.width - self.columns * width) / 2, (self.height - self.rows * height) / 2
        return {"x": [round(left + i * width, 2) for i in range(1, self.columns)],
                "y": [round(bottom + i * height, 2) for i in range(1, self.rows)]}


def impose(data: bytes, sheet: Sheet, *, title: str, lang: str) -> bytes:
    """The first page of the PDF `data`, `sheet.count` times on one sheet, with cut marks.

    The page goes in once, as a Form XObject drawn in every cell, so a sheet of four is hardly larger
    than one hand-out. A sheet is for the printer: it is not tagged (the tagged hand-out sits beside it)."""
    with pikepdf.open(BytesIO(data)) as source, pikepdf.new() as out:
        page = source.pages[0]
        box = [float(v) for v in page.mediabox]
        piece = (box[2] - box[0], box[3] - box[1])
        form = out.copy_foreign(page.as_form_xobject())
        sheet_page = out.add_blank_page(page_size=(sheet.width, sheet.height))
        name = sheet_page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name("/Handout"))
        drawing = [f"q 1 0 0 1 {x:.3f} {y:.3f} cm {name} Do Q" for x, y in sheet.cells(piece)]
        drawing += _marks(sheet, sheet.cuts(piece))
        sheet_page.Contents = out.make_stream("\n".join(drawing).encode("ascii"))
        out.Root.Lang = pikepdf.String(lang)
        out.docinfo["/Title"] = title
        if "/Info" in source.trailer and "/CreationDate" in source.docinfo:
            out.docinfo["/CreationDate"] = source.docinfo["/CreationDate"]
        buffer = BytesIO()
        out.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def _marks(sheet: Sheet, cuts: dict[str, list[float]]) -> list[str]:
    """Black crop marks at both ends of every cut, just inside the printable area, and a light dashed
    guide along it (it runs through the white frame every piece keeps at its edges)."""
    start, end = UNPRINTABLE, UNPRINTABLE + MARK_LENGTH
    marks = [f"{MARK_WIDTH} w 0 G [] 0 d"]
    for x in cuts["x"]:
        marks += [f"{x:.2f} {start:.2f} m {x:.2f} {end:.2f} l S",
                  f"{x:.2f} {sheet.height - start:.2f} m {x:.2f} {sheet.height - end:.2f} l S"]
    for y in cuts["y"]:
        marks += [f"{start:.2f} {y:.2f} m {end:.2f} {y:.2f} l S",
                  f"{sheet.width - start:.2f} {y:.2f} m {sheet.width - end:.2f} {y:.2f} l S"]
    marks.append(f"0.4 w {GUIDE_GREY} G [3 3] 0 d")
    for x in cuts["x"]:
        marks.append(f"{x:.2f} {end:.2f} m {x:.2f} {sheet.height - end:.2f} l S")
    for y in cuts["y"]:
        marks.append(f"{end:.2f} {y:.2f} m {sheet.width - end:.2f} {y:.2f} l S")
    # Marks and guides are artifacts of printing, not content.
    return ["/Artifact BMC q", *marks, "Q EMC"]

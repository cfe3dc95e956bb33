"""Tiled posters: a tabloid or A3 poster split over letter or A4 sheets that overlap, keeping its tags.

Each sheet carries the whole poster's content, clipped to its tile. The structure tree is kept: every
marked-content sequence is tagged on one sheet only, the one whose own part of the poster holds its
centre, and is an /Artifact on the others (the overlap repeats it, the clip hides it), so a screen
reader reads each text once, in the poster's order. Marks and labels are artifacts too."""
from __future__ import annotations

import io
import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c

from ..errors import OptionError
from ..resources import TEMPLATES
from .sheets import (LABEL_FONT, LABEL_SIZE, MARK_GAP, MARK_LENGTH, PRINTABLE_MARGIN, SHEET_PAPERS, artifact, crop_marks,
                     label, label_font, saved, sheet_size, tick)
from .tags import Retagger

MARK_SPACE = MARK_GAP + MARK_LENGTH + 2  # room for the marks between a tile and the printable edge
LABEL_SPACE = LABEL_SIZE + 7  # room for the label under the marks
POSTER_PAPERS = ("tabloid", "a3")  # the posters an office printer cannot print whole


@dataclass(frozen=True)
class Grid:
    """How a poster is cut: columns × rows tiles of `width` × `height` poster points on sheets."""

    paper: str
    landscape: bool
    columns: int
    rows: int
    width: float
    height: float
    overlap: float

    @property
    def sheet(self) -> tuple[float, float]:
        """Width and height of each sheet in points."""
        return sheet_size(self.paper, self.landscape)

    def window(self, column: int, row: int, poster_height: float) -> tuple[float, float]:
        """The lower-left corner, in poster coordinates, of the tile in `column`, `row` (row 0 at the top)."""
        return column * (self.width - self.overlap), poster_height - self.height - row * (self.height - self.overlap)

    def origin(self) -> tuple[float, float]:
        """Where a tile's lower-left corner sits on its sheet: centred across, above the label."""
        sheet_width, sheet_height = self.sheet
        bottom = PRINTABLE_MARGIN + LABEL_SPACE + MARK_SPACE
        top = sheet_height - PRINTABLE_MARGIN - MARK_SPACE
        return (sheet_width - self.width) / 2, bottom + (top - bottom - self.height) / 2

    def home(self, x: float, y: float, poster_height: float) -> int:
        """The tile (row-major index) that owns the poster point (x, y): each point has one owner."""
        column = min(max(int(x // (self.width - self.overlap)), 0), self.columns - 1)
        row = min(max(int((poster_height - y) // (self.height - self.overlap)), 0), self.rows - 1)
        return row * self.columns + column


def largest_tile(paper: str, landscape: bool) -> tuple[float, float]:
    """The largest tile a sheet takes with room for marks and label inside its printable area."""
    width, height = sheet_size(paper, landscape)
    room = 2 * (PRINTABLE_MARGIN + MARK_SPACE)
    return width - room, height - room - LABEL_SPACE


def check_tiling(paper: str, overlap: float) -> None:
    """Raise OptionError for a sheet that is not office paper or an overlap (points) that cannot work."""
    if paper not in SHEET_PAPERS:
        raise OptionError("--tile", f"{paper}: tiles are printed on letter or a4, which must be smaller than the poster")
    half = min(largest_tile(paper, False)) / 2
    if not 0 <= overlap <= half:
        raise OptionError("--overlap", f"{overlap / 72:g} in: give 0 to {half / 72:.2f} in (at most half a tile on {paper})")


def choose_grid(width: float, height: float, paper: str, overlap: float) -> Grid:
    """The orientation and grid that cover a `width` × `height` poster with the fewest sheets (portrait on a tie)."""
    best = None
    for landscape in (False, True):
        most_width, most_height = largest_tile(paper, landscape)
        columns = max(1, math.ceil((width - overlap) / (most_width - overlap) - 1e-9))
        rows = max(1, math.ceil((height - overlap) / (most_height - overlap) - 1e-9))
        grid = Grid(paper, landscape, columns, rows, (width + overlap * (columns - 1)) / columns,
                    (height + overlap * (rows - 1)) / rows, overlap)
        if best is None or columns * rows < best.columns * best.rows:
            best = grid
    return best


def tile_name(index: int, grid: Grid) -> str:
    """'B1': the column as a letter, the row as a number, as the labels name tiles."""
    row, column = divmod(index, grid.columns)
    return f"{chr(ord('A') + column)}{row + 1}"


@lru_cache(maxsize=1)
def english_words() -> dict[str, str]:
    """The built-in theme's English words."""
    return tomllib.loads((TEMPLATES / "strings" / "en.toml").read_text(encoding="utf-8"))


def tile_label(index: int, grid: Grid, words: dict[str, str]) -> str:
    """'B1 · 2 × 2 · glue onto A1': the tile, the grid, and the tiles it overlaps when glued."""
    row, column = divmod(index, grid.columns)
    under = [tile_name(index - 1, grid)] if column else []
    under += [tile_name(index - grid.columns, grid)] if row else []
    values = dict(tile=tile_name(index, grid), columns=grid.columns, rows=grid.rows,
                  under=f" {words['tile_and']} ".join(under))
    return (words["tile_label"] if under else words["tile_label_first"]).format(**values)


def tile_poster(data: bytes, paper: str, overlap: float, words: dict[str, str]) -> tuple[bytes, int]:
    """The one-page poster `data` as a tiled poster on `paper` sheets overlapping by `overlap` points,
    labelled in `words` (the campaign's strings of the poster's language); returns it and its page count."""
    check_tiling(paper, overlap)
    boxes = _marked_boxes(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        grid, _ = tile_page(pdf, boxes, paper, overlap, words)
        return saved(pdf), grid.columns * grid.rows


def tile_page(pdf: pikepdf.Pdf, boxes: dict[int, tuple[float, float, float, float]], paper: str, overlap: float,
              words: dict[str, str], school_parts: list | None = None) -> tuple[Grid, Retagger]:
    """Put the tiles of the one page of `pdf` (its marked-content `boxes`, from _marked_boxes) in its
    place. With `school_parts` (a list), each sheet's content gets an empty stream of its own after
    the poster's, listed there, for a school's drawing to go in (press/tiling_update.py)."""
    poster = pdf.pages[0]
    left, bottom, right, top = (float(v) for v in poster.mediabox)
    width, height = right - left, top - bottom
    grid = choose_grid(width, height, paper, overlap)
    homes = {mcid: grid.home((x0 + x1) / 2 - left, (y0 + y1) / 2 - bottom, height) for mcid, (x0, y0, x1, y1) in boxes.items()}
    tags = Retagger(pdf, poster, homes, lambda x, y: grid.home(x - left, y - bottom, height))
    font = label_font([tile_label(i, grid, words) for i in range(grid.columns * grid.rows)])
    if font is None:  # an Arabic poster: its sheets are labelled in English rather than drawn unshaped
        words = english_words()
        font = label_font([tile_label(i, grid, words) for i in range(grid.columns * grid.rows)])
    resources = pdf.make_indirect(pikepdf.Dictionary(poster.obj.Resources))
    resources.Font = pikepdf.Dictionary(resources.get("/Font", pikepdf.Dictionary()))
    resources.Font[LABEL_FONT] = font.embed(pdf)
    x_at, y_at = grid.origin()
    sheet_width, sheet_height = grid.sheet
    for index in range(grid.columns * grid.rows):
        row, column = divmod(index, grid.columns)
        x0, y0 = grid.window(column, row, height)
        dx, dy = x_at - x0 - left, y_at - y0 - bottom
        content = (f"q\n{x_at:.3f} {y_at:.3f} {grid.width:.3f} {grid.height:.3f} re W n\n"
                   f"1 0 0 1 {dx:.3f} {dy:.3f} cm\n").encode() + tags.content_for(index)
        marks = b"\nQ\n" + artifact(_marks(grid, index, x_at, y_at) + "\n"
                                   + label(tile_label(index, grid, words), font, x_at, PRINTABLE_MARGIN + LABEL_SIZE * 0.35)).encode()
        if school_parts is None:
            contents = pdf.make_stream(content + marks)
        else:
            school_parts.append(pdf.make_indirect(pdf.make_stream(b"")))
            contents = pikepdf.Array([pdf.make_indirect(pdf.make_stream(content)), school_parts[-1],
                                      pdf.make_indirect(pdf.make_stream(marks))])
        sheet = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=pikepdf.Array([0, 0, sheet_width, sheet_height]),
                                   Resources=resources, Contents=contents, Tabs=pikepdf.Name.S)
        pdf.pages.append(pikepdf.Page(sheet))
        tags.place(index, pdf.pages[-1], (dx, dy), (x_at, y_at, x_at + grid.width, y_at + grid.height))
    tags.finish()
    del pdf.pages[0]
    return grid, tags


def _marks(grid: Grid, index: int, x: float, y: float) -> str:
    """Cut marks at the tile's corners, and dashed glue marks where the next tile's edge lands."""
    row, column = divmod(index, grid.columns)
    right, top = x + grid.width, y + grid.height
    ops = [crop_marks(x, y, right, top)]
    outer = MARK_GAP + MARK_LENGTH
    if column < grid.columns - 1:  # the tile to the right is glued over this strip
        edge = right - grid.overlap
        ops += [tick(edge, top + MARK_GAP, edge, top + outer), tick(edge, y - MARK_GAP, edge, y - outer)]
    if row < grid.rows - 1:  # and the tile below over this one
        edge = y + grid.overlap
        ops += [tick(x - MARK_GAP, edge, x - outer, edge), tick(right + MARK_GAP, edge, right + outer, edge)]
    return "\n".join(ops)


def _marked_boxes(data: bytes) -> dict[int, tuple[float, float, float, float]]:
    """The bounding box in page space of each marked-content id on the first page, as pdfium draws it."""
    document = pypdfium2.PdfDocument(data)
    try:
        boxes: dict[int, tuple[float, float, float, float]] = {}
        for item in document[0].get_objects(max_depth=1):
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(item.raw)
            if mcid < 0:
                continue
            x0, y0, x1, y1 = item.get_bounds()
            if mcid in boxes:
                a0, b0, a1, b1 = boxes[mcid]
                x0, y0, x1, y1 = min(a0, x0), min(b0, y0), max(a1, x1), max(b1, y1)
            boxes[mcid] = (x0, y0, x1, y1)
        return boxes
    finally:
        document.close()

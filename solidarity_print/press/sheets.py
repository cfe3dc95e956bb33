"""What tiled posters and booklets share: sheets of office paper, pages placed as clipped forms, marks and labels."""
from __future__ import annotations

import io

import pikepdf

from ..pdf.overlay import INK, NOTO_REGULAR, REGULAR, SC_REGULAR, OverlayFont, overlay_font
from ..pipeline.plan import PAPERS
from ..render import fonts

# Office printers leave about a quarter inch at every edge of the sheet unprinted.
PRINTABLE_MARGIN = 18.0
MARK_LENGTH, MARK_GAP = 9.0, 3.0  # a cut or glue mark, and its distance from the edge it marks
MARK_COLOR = "0.2 0.2 0.2 RG"
LABEL_SIZE = 9.0  # the smallest type the handout tables use too
SHEET_PAPERS = ("letter", "a4")
# The labels' font: a name of its own, as the page may already use the overlay fonts' names for school text.
LABEL_FONT = "/SPLabel"


def sheet_size(paper: str, landscape: bool = False) -> tuple[float, float]:
    """The width and height in points of a sheet of `paper` (letter or a4), turned if `landscape`."""
    size = PAPERS[paper]
    return (size.height, size.width) if landscape else (size.width, size.height)


def artifact(ops: str) -> str:
    """Content that is not part of the document (marks, labels): skipped by screen readers (PDF/UA 7.1)."""
    return f"/Artifact BMC\nq\n{ops}\nQ\nEMC\n"


def crop_marks(x0: float, y0: float, x1: float, y1: float) -> str:
    """Line operators for marks at the four corners of the rectangle, outside it, where a sheet is cut."""
    ops = [MARK_COLOR, "0.5 w"]
    for x, dx in ((x0, -1), (x1, 1)):
        for y, dy in ((y0, -1), (y1, 1)):
            ops.append(f"{x + dx * MARK_GAP:.2f} {y:.2f} m {x + dx * (MARK_GAP + MARK_LENGTH):.2f} {y:.2f} l S")
            ops.append(f"{x:.2f} {y + dy * MARK_GAP:.2f} m {x:.2f} {y + dy * (MARK_GAP + MARK_LENGTH):.2f} l S")
    return "\n".join(ops)


def tick(x0: float, y0: float, x1: float, y1: float) -> str:
    """A dashed line: where the edge of a neighbouring sheet goes when the sheets are glued together."""
    return f"{MARK_COLOR}\n0.75 w\n[2 1.5] 0 d\n{x0:.2f} {y0:.2f} m {x1:.2f} {y1:.2f} l S\n[] 0 d"


def label_font(words: list[str]) -> OverlayFont | None:
    """The first bundled regular face that draws every label (Atkinson, else Noto Sans for Vietnamese,
    else Noto Sans SC), subset to their characters (cached per process); None when the labels need a
    script that is shaped (Arabic): labels are drawn unshaped, left to right."""
    characters = "".join(sorted(set("".join(words))))
    for file in (REGULAR, NOTO_REGULAR, SC_REGULAR):
        if all(ord(c) in fonts.cmap_of(file) for c in characters if not c.isspace()):
            return overlay_font(file, characters)
    return None


def label(text: str, font: OverlayFont, x: float, baseline: float, size: float = LABEL_SIZE) -> str:
    """A line of text set in `font` (in the sheet's resources as LABEL_FONT) with its baseline at `baseline`."""
    return f"{INK}\nBT\n{LABEL_FONT} {size:.2f} Tf\n1 0 0 1 {x:.2f} {baseline:.2f} Tm {font.show(text)} Tj\nET"


def form_of(pdf: pikepdf.Pdf, page: pikepdf.Page) -> pikepdf.Object:
    """A page of `pdf` (or of another open file) as a Form XObject of `pdf`, to draw on sheets."""
    form = page.as_form_xobject()
    return form if page.obj.is_owned_by(pdf) else pdf.copy_foreign(form)


def place(name: str, scale: float, x: float, y: float, clip: tuple[float, float, float, float]) -> str:
    """Operators drawing the form `name` scaled by `scale` with its origin at (x, y) on the sheet,
    clipped to `clip` (x, y, width, height in sheet coordinates)."""
    cx, cy, cw, ch = clip
    return (f"q\n{cx:.3f} {cy:.3f} {cw:.3f} {ch:.3f} re W n\n"
            f"{scale:.6f} 0 0 {scale:.6f} {x:.3f} {y:.3f} cm\n{name} Do\nQ\n")


def saved(pdf: pikepdf.Pdf) -> bytes:
    """The file's bytes, the same for the same input (no random ID, no timestamps added)."""
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             fix_metadata_version=False)
    return buffer.getvalue()

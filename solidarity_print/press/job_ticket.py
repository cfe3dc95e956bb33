"""The job ticket: what a print shop prints, for whom, on what paper and how many, as CSV and JSON."""
from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict, dataclass

from ..inputs.copies import DEFAULT
from ..model import Campaign, School

TICKET = "print/job-ticket"  # .csv and .json, under the output folder
PAPER_WORDS = {"tabloid": "tabloid 11 × 17 in", "letter": "letter 8.5 × 11 in", "a4": "A4 210 × 297 mm",
               "a3": "A3 297 × 420 mm"}
FOLDED = {"tabloid": "letter", "a3": "a4"}  # a poster page in a packet folds once to the packet's paper
# A spreadsheet runs a cell that starts like this as a formula (CSV injection): such cells get a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TicketRow:
    """One piece for one school (or for the campaign, without a roster): enough to quote and print it."""

    school: str
    school_name: str
    piece: str  # poster | flyer | packet
    lang: str
    title: str
    file: str  # the print-shop file, relative to the output folder
    pages: int
    paper: str
    trim: str
    trim_pt: str  # "792 × 1224"
    bleed_pt: float
    colour: str
    duplex: str
    finishing: str
    copies: int
    sheets_per_copy: int
    sheets: int


def ticket_row(entry, piece_entry, campaign: Campaign, school: School | None, *, duplex: bool,
               page_papers: list[str]) -> TicketRow:
    """The ticket's row for a print-shop file's manifest `entry`, made from the screen file `piece_entry`;
    `page_papers` names each page's paper (a packet holds poster pages that fold)."""
    piece = piece_entry.kind
    two_sided = duplex and piece == "packet"
    sheets = math.ceil(entry.pages / 2) if two_sided else entry.pages
    copies = _copies(piece, campaign, school)
    width, height = entry.trim
    return TicketRow(school=school.slug if school else "", school_name=school.name if school else "",
                     piece=piece, lang=entry.lang, title=entry.title, file=entry.path, pages=entry.pages,
                     paper=entry.paper, trim=PAPER_WORDS.get(entry.paper, f"{width:g} × {height:g} pt"),
                     trim_pt=f"{width:g} × {height:g}", bleed_pt=entry.bleed,
                     colour="4/4 colour" if two_sided else "4/0 colour", duplex="yes" if two_sided else "no",
                     finishing=_finishing(piece, entry.paper, page_papers), copies=copies, sheets_per_copy=sheets,
                     sheets=sheets * copies)


def _copies(piece: str, campaign: Campaign, school: School | None) -> int:
    """The school's own number, else the campaign's [defaults], else one."""
    own = dict(school.copies) if school else {}
    return own.get(piece, dict(campaign.default_copies).get(piece, DEFAULT))


def _finishing(piece: str, paper: str, page_papers: list[str]) -> str:
    """Trim to the crop marks; a packet is stapled, its poster pages folded to its paper first."""
    if piece != "packet":
        return "trim"
    steps = ["trim"]
    for size, folded in FOLDED.items():
        count = page_papers.count(size)
        if count and folded == paper:
            steps.append(f"fold {count} {PAPER_WORDS[size].split()[0]} page{'s' if count > 1 else ''} to {folded}")
    return "; ".join(steps + ["staple top left"])


def ticket_files(rows: list[TicketRow], campaign_name: str) -> dict[str, bytes]:
    """{relative path: bytes} of the ticket as CSV (for a spreadsheet) and JSON (for a script)."""
    rows = sorted(rows, key=lambda row: (row.school, row.lang, row.piece, row.file))
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    header = list(TicketRow.__dataclass_fields__)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in asdict(row).values()])
    totals = {"files": len(rows), "copies": sum(row.copies for row in rows), "sheets": sum(row.sheets for row in rows)}
    data = {"campaign": campaign_name, "rows": [asdict(row) for row in rows], "totals": totals}
    # utf-8-sig: Excel opens a CSV with a BOM as UTF-8, so accented school names survive.
    return {f"{TICKET}.csv": text.getvalue().encode("utf-8-sig"),
            f"{TICKET}.json": (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")}


def _cell(value):
    """Text a spreadsheet would run as a formula, quoted so that it shows as the text it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

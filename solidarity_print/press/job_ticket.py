"""The job ticket: what a print shop prints, for whom, on what paper and how many, as CSV and JSON."""
from __future__ import annotations

import csv
import io
import json
import math
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from ..inputs.copies import DEFAULT
from ..model import Campaign, School
from ..pipeline.output import sorted_on_disk

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


class Ticket:
    """The job ticket's rows, kept on disk as they come (a line of JSON each) with running totals, so
    that a state's 60,000 print-shop files cost the build no memory; sorted on disk when written."""

    def __init__(self):
        self._lines = tempfile.TemporaryFile()
        self._sorted = None  # the lines in order, once the ticket is written
        self.totals = {"files": 0, "copies": 0, "sheets": 0}

    def add(self, row: TicketRow) -> None:
        # vars, not dataclasses.asdict: its deep copy of every value costs more than the rest of a row
        self._lines.write(json.dumps(vars(row), ensure_ascii=False).encode("utf-8") + b"\n")
        self.totals["files"] += 1
        self.totals["copies"] += row.copies
        self.totals["sheets"] += row.sheets

    def files(self, campaign_name: str) -> dict[str, Iterator[bytes]]:
        """{relative path: its bytes, a piece at a time} of the ticket as CSV (for a spreadsheet) and
        JSON (for a script), the rows by school, language, piece and file."""
        return {f"{TICKET}.csv": self._csv(), f"{TICKET}.json": self._json(campaign_name)}

    def _rows(self) -> Iterator[dict]:
        """The rows in the ticket's order: sorted on disk once, then read for each file."""
        if self._sorted is None:
            self._lines.flush()
            self._lines.seek(0)
            self._sorted = tempfile.TemporaryFile()
            self._sorted.writelines(sorted_on_disk(iter(self._lines.readline, b""), key=_order))
            self._lines.close()
        self._sorted.seek(0)
        return map(json.loads, iter(self._sorted.readline, b""))

    def _csv(self) -> Iterator[bytes]:
        # utf-8-sig: Excel opens a CSV with a BOM as UTF-8, so accented school names survive.
        text = io.StringIO(newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(TicketRow.__dataclass_fields__)
        yield text.getvalue().encode("utf-8-sig")
        for row in self._rows():
            text.seek(0)
            text.truncate()
            writer.writerow([_cell(value) for value in row.values()])
            yield text.getvalue().encode("utf-8")

    def _json(self, campaign_name: str) -> Iterator[bytes]:
        # As json.dumps(..., indent=1) writes the whole: {"campaign": …, "rows": […], "totals": {…}}.
        yield f'{{\n "campaign": {json.dumps(campaign_name, ensure_ascii=False)},\n "rows": ['.encode("utf-8")
        first = True
        for row in self._rows():
            yield (("\n  " if first else ",\n  ") + _indented(row)).encode("utf-8")
            first = False
        totals = json.dumps(self.totals, indent=1).replace("\n", "\n ")
        close = "]" if first else "\n ]"
        yield f'{close},\n "totals": {totals}\n}}\n'.encode("utf-8")


def _indented(row: dict) -> str:
    """json.dumps(row, ensure_ascii=False, indent=1) of a row of plain values, each line indented two
    more: as json writes it, without its pure-Python indenting encoder (ten times slower per row)."""
    if any(isinstance(value, (list, dict)) for value in row.values()):  # not a ticket row's: json's own way
        return json.dumps(row, ensure_ascii=False, indent=1).replace("\n", "\n  ")
    items = ",\n   ".join(f"{_DUMP(key)}: {_DUMP(value)}" for key, value in row.items())
    return "{\n   " + items + "\n  }" if items else "{}"


_DUMP = json.JSONEncoder(ensure_ascii=False).encode  # one value, by the C encoder


def _order(line: bytes) -> tuple:
    row = json.loads(line)
    return row["school"], row["lang"], row["piece"], row["file"]


def _cell(value):
    """Text a spreadsheet would run as a formula, quoted so that it shows as the text it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

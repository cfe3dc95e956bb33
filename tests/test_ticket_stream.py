"""The job ticket streamed from disk: the same CSV and JSON a whole-list write gives, in memory that does not grow with the rows."""
from __future__ import annotations

import csv
import io
import json
import tracemalloc
from dataclasses import asdict

from solidarity_print.press.job_ticket import TICKET, Ticket, TicketRow, _cell


def row(number: int, school: str = "") -> TicketRow:
    school = school or f"school-{number % 997:04d}"
    return TicketRow(school=school, school_name=f"Escuela José Martí {number}", piece=("poster", "flyer", "packet")[number % 3],
                     lang=("en", "es", "ar")[number % 3], title=f"=Title {number}", file=f"{school}/print/shop/{number}.pdf",
                     pages=1 + number % 30, paper="letter", trim="letter 8.5 × 11 in", trim_pt="612 × 792", bleed_pt=9.0,
                     colour="4/0 colour", duplex="no", finishing="trim", copies=number % 7, sheets_per_copy=1,
                     sheets=number % 7)


def whole(rows: list[TicketRow], name: str) -> dict[str, bytes]:
    """The ticket as one json.dumps and one csv.writer over every row, sorted."""
    rows = sorted(rows, key=lambda r: (r.school, r.lang, r.piece, r.file))
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(TicketRow.__dataclass_fields__)
    for r in rows:
        writer.writerow([_cell(value) for value in asdict(r).values()])
    totals = {"files": len(rows), "copies": sum(r.copies for r in rows), "sheets": sum(r.sheets for r in rows)}
    data = {"campaign": name, "rows": [asdict(r) for r in rows], "totals": totals}
    return {f"{TICKET}.csv": text.getvalue().encode("utf-8-sig"),
            f"{TICKET}.json": (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")}


def streamed(rows: list[TicketRow], name: str) -> dict[str, bytes]:
    ticket = Ticket()
    for r in rows:
        ticket.add(r)
    return {path: b"".join(pieces) for path, pieces in ticket.files(name).items()}


def test_the_streamed_ticket_is_byte_for_byte_the_whole_write():
    rows = [row(n) for n in range(9000, 0, -1)]  # more than one sorted run on disk, out of order
    rows += [row(1, school="school-0001"), row(1, school="school-0001")]  # equal keys keep their order
    for chosen in (rows, rows[:3], []):
        assert streamed(chosen, "Semana de la Solidaridad «2023»") == whole(chosen, "Semana de la Solidaridad «2023»")


def test_the_tickets_memory_does_not_grow_with_its_rows():
    def peak(count: int) -> int:
        rows = (row(n) for n in range(count))
        tracemalloc.start()
        ticket = Ticket()
        for r in rows:
            ticket.add(r)
        for pieces in ticket.files("Solidarity Week").values():
            for _ in pieces:
                pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    small, large = peak(5_000), peak(20_000)
    assert large < small * 1.25, (small, large)  # the whole-list write held every row: four times as much

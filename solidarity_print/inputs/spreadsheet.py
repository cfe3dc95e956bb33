"""Rosters kept as spreadsheets (.xlsx, .xls, .ods) read directly into the same rows a CSV gives."""
from __future__ import annotations

import datetime
import multiprocessing
import resource
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import python_calamine

from ..errors import ProblemCollector

SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
# A ZIP (xlsx, ods) or an OLE compound file (xls, and any password-protected Office file).
MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
MAX_ROWS = 100_000  # far beyond any district; more is a mistake or a bomb, not a roster
READ_MEMORY_BYTES = 768 * 1024 * 1024  # the reading process's address space: ample for any real roster
READ_SECONDS = 60


def is_spreadsheet(path: Path) -> bool:
    """Whether `path` is a spreadsheet, by its name or, when renamed to .csv, by its first bytes."""
    return path.suffix.lower() in SUFFIXES or _starts_like_spreadsheet(path)


def read_records(path: Path, problems: ProblemCollector, max_bytes: int) -> list[list[str]] | None:
    """The first visible sheet's cells as text, record i being spreadsheet row i + 1 and cell j column j + 1
    (so row numbers and column letters match what the spreadsheet shows); None with the problem recorded
    when the file cannot be read."""
    try:
        if path.stat().st_size > max_bytes:
            problems.add("", f"is larger than {max_bytes // 1024 // 1024} MB; is this really a roster?")
            return None
    except OSError as exc:
        problems.add("", f"cannot be read: {exc.strerror or exc}")
        return None
    outcome = _read_in_child(path)
    if outcome[0] == "password":
        problems.add("", "is protected with a password: save a copy without the password and use that")
        return None
    if outcome[0] == "too-large":
        problems.add("", "is too large to read as a roster: its sheet spans far more cells than a table of "
                         "schools (a stray cell far to the right or below? delete it and save again)")
        return None
    if outcome[0] == "error":
        if not _starts_like_spreadsheet(path):
            problems.add("", f"is named {path.suffix} but is not a spreadsheet file (if it is text, such as CSV, "
                             "name it .csv)")
            return None
        problems.add("", f"cannot be read as a spreadsheet ({outcome[1]}); save it again from the "
                         "spreadsheet program as .xlsx, .ods or \"CSV UTF-8\"")
        return None
    if outcome[0] == "no-sheet":
        problems.add("", "has no visible worksheet to read the schools from")
        return None
    if outcome[0] == "rows":
        problems.add("", f"sheet {outcome[1]!r} has {outcome[2]:,} rows; a roster has at most {MAX_ROWS:,}")
        return None
    _, sheets, cells = outcome
    if len(sheets) > 1:
        problems.add("", f"has {len(sheets)} sheets; the schools are read from the first, {sheets[0]!r}, only",
                     warning=True)
    records = [[cell_text(value) for value in row] for row in cells]
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()  # spreadsheets often report formatted but empty rows at the end
    if records and not any(cell.strip() for cell in records[0]):
        problems.add("row 1", f"is empty in sheet {sheets[0]!r}: the header (name, club, ...) must be the first row")
        return None
    return records


def _read_in_child(path: Path) -> tuple:
    """`_read_sheet` in a child process with capped memory: a sheet's cells are held densely, so a
    2 KB file with one cell in column XFD would take gigabytes, in the server that reads uploads too."""
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_cap_memory)
    try:
        return pool.submit(_read_sheet, str(path)).result(timeout=READ_SECONDS)
    except (BrokenProcessPool, MemoryError, TimeoutError):
        return ("too-large",)
    finally:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (READ_MEMORY_BYTES, resource.getrlimit(resource.RLIMIT_AS)[1]))


def _read_sheet(path: str) -> tuple:
    """In the child: ("ok", visible sheet names, first sheet's cells as Python values), or a refusal:
    ("password",), ("error", reason), ("no-sheet",), ("rows", sheet, height)."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(path)
        sheets = [s.name for s in workbook.sheets_metadata
                  if s.typ == python_calamine.SheetTypeEnum.WorkSheet
                  and s.visible == python_calamine.SheetVisibleEnum.Visible]
        if not sheets:
            return ("no-sheet",)
        sheet = workbook.get_sheet_by_name(sheets[0])
        if sheet.total_height > MAX_ROWS:
            return ("rows", sheets[0], sheet.total_height)
        # skip_empty_area=False keeps empty leading rows and columns, so positions are the sheet's own.
        return ("ok", sheets, sheet.to_python(skip_empty_area=False))
    except python_calamine.PasswordError:
        return ("password",)
    except MemoryError:
        return ("too-large",)
    except (python_calamine.CalamineError, OSError, ValueError) as exc:
        return ("error", _reason(exc))


def cell_text(value) -> str:
    """A cell as the person who typed it would write it: 5551234567 not 5551234567.0, dates as 2026-10-05."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _starts_like_spreadsheet(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(8).startswith(MAGIC)
    except OSError:
        return False  # whoever reads the file next reports why it cannot


def _reason(exc: Exception) -> str:
    """The library's message in one short line (it can quote long XML)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."

"""Rosters as .xlsx and .ods spreadsheets: the same schools as the CSV, the same row and column messages.

The files are real: .xlsx written with openpyxl, .ods zipped by hand from a minimal content.xml (as
LibreOffice writes it), and a password-protected .xlsx made with msoffcrypto-tool.
"""
from __future__ import annotations

import csv
import datetime
import shutil
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from click.testing import CliRunner
from PIL import Image

from solidarity_print.cli import cli
from solidarity_print.errors import InputError
from solidarity_print.inputs.config import load_campaign
from solidarity_print.inputs.roster import load_roster
from solidarity_print.inputs.spreadsheet import cell_text

HEADER = ["name", "slug", "club", "contact_name", "contact_email", "meeting", "logo", "logo_alt",
          "languages", "paper", "audience", "grade_band"]
ROWS = [
    ["Lincoln High School", "lincoln-high", "Lincoln GSA", "Alex Rivera", "arivera@example.org",
     "Room 204 on Tuesdays at lunch", "logo.png", "A green oak leaf", "en;es", "letter", "both", "high"],
    ["Escuela Secundaria José Martí", "", "Club de Solidaridad", "María López", "mlopez@example.org",
     "Biblioteca los jueves 15:30", "", "", "es", "a4", "student", "middle"],
    ["Trần Hưng Đạo Academy", "", "Rainbow Alliance", "", "", "", "", "", "", "", "", ""],
]


@pytest.fixture(scope="module")
def campaign():
    return load_campaign()


def write_csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list], *, first_column: int = 1, extra_sheets: tuple[str, ...] = ()) -> Path:
    """An .xlsx whose rows start at row 1 and at `first_column` (1 = A); None leaves a cell empty."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Schools"
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=first_column):
            if value not in (None, ""):
                sheet.cell(row=r, column=c, value=value)
    for name in extra_sheets:
        book.create_sheet(name)["A1"] = "notes"
    book.save(path)
    return path


def write_ods(path: Path, rows: list[list]) -> Path:
    """A minimal OpenDocument spreadsheet: mimetype stored first, a manifest and content.xml."""
    def cell(value) -> str:
        if value in (None, ""):
            return "<table:table-cell/>"
        if isinstance(value, (int, float)):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="Schools">{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    """A roster folder with the logo the first school names."""
    Image.new("RGB", (400, 400), "green").save(tmp_path / "logo.png")
    return tmp_path


@pytest.mark.parametrize("write", [write_xlsx, write_ods], ids=["xlsx", "ods"])
def test_spreadsheet_gives_the_same_schools_as_the_csv(folder, campaign, write):
    from_csv = load_roster(write_csv(folder / "schools.csv", [HEADER, *ROWS]), campaign)
    suffix = ".xlsx" if write is write_xlsx else ".ods"
    from_sheet = load_roster(write(folder / f"schools{suffix}", [HEADER, *ROWS]), campaign)
    assert from_sheet == from_csv
    schools, warnings = from_sheet
    assert [s.name for s in schools] == [r[0] for r in ROWS] and warnings == []
    assert schools[0].logo == folder / "logo.png" and schools[1].paper == "a4"


def test_bad_rows_are_named_by_the_sheets_row_and_column_letter(folder, campaign):
    """The table starts in column B after an empty column A, with an empty row inside and formatted
    empty rows at the end: positions are still the ones the spreadsheet shows."""
    rows = [HEADER, ROWS[1], [], ["Lincoln High", "", "", "", "not-an-email"], ["", "", "GSA without a school"],
            ["Roosevelt", "", "", "", "", "", "", "", "de"]]
    path = write_xlsx(folder / "schools.xlsx", rows, first_column=2)
    book = openpyxl.load_workbook(path)
    book.active["B40"].number_format = "0.00"  # styled but empty: not a school
    book.active["B40"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
    book.save(path)
    with pytest.raises(InputError) as info:
        load_roster(path, load_campaign())
    errors = {(p.where, p.message) for p in info.value.problems if not p.warning}
    assert errors == {
        ("row 4, column F (contact_email)", "'not-an-email' is not an email address"),
        ("row 5, column B (name)", "is empty: every school needs a name"),
        ("row 6, column J (languages)", "'de' is not a language of this campaign (it has: en, es, fr, vi, ar, zh-Hans)"),
    }
    assert {p.file for p in info.value.problems} == {str(path.resolve())}


def test_cells_typed_as_numbers_dates_and_times_read_as_written(folder, campaign):
    rows = [["name", "club", "meeting", "contact_name"],
            ["Lincoln High", 2026, datetime.time(15, 30), 5551234567],
            ["Central High", 4.5, datetime.datetime(2026, 10, 5, 12, 0), datetime.date(2026, 10, 5)]]
    schools, _ = load_roster(write_xlsx(folder / "schools.xlsx", rows), campaign)
    assert [(s.club, s.meeting, s.contact_name) for s in schools] == [
        ("2026", "15:30", "5551234567"), ("4.5", "2026-10-05 12:00", "2026-10-05")]
    assert [cell_text(v) for v in (True, 1e20, -3.0, None, datetime.datetime(2026, 1, 2))] == [
        "TRUE", "1e+20", "-3", "", "2026-01-02"]


def test_only_the_first_sheet_is_read_and_the_warning_says_which(folder, campaign):
    path = write_xlsx(folder / "schools.xlsx", [HEADER, *ROWS], extra_sheets=("Notes", "Budget"))
    schools, [warning] = load_roster(path, campaign)
    assert len(schools) == 3
    assert warning.message == "has 3 sheets; the schools are read from the first, 'Schools', only"


def test_a_spreadsheet_saved_under_a_csv_name_is_still_read(folder, campaign):
    """Web uploads and renamed files: the first bytes tell, not only the name."""
    write_xlsx(folder / "real.xlsx", [HEADER, *ROWS])
    shutil.copy(folder / "real.xlsx", folder / "schools.csv")
    schools, _ = load_roster(folder / "schools.csv", campaign)
    assert [s.name for s in schools] == [r[0] for r in ROWS]


def _problem(path: Path, campaign) -> str:
    with pytest.raises(InputError) as info:
        load_roster(path, campaign)
    [problem] = info.value.problems
    assert problem.file == str(path.resolve()) and problem.where == ""
    return problem.message


def test_broken_fake_and_locked_spreadsheets_are_refused_naming_the_file(folder, campaign):
    whole = write_xlsx(folder / "whole.xlsx", [HEADER, *ROWS]).read_bytes()
    (folder / "truncated.xlsx").write_bytes(whole[: len(whole) // 2])
    assert _problem(folder / "truncated.xlsx", campaign).startswith("cannot be read as a spreadsheet (")

    (folder / "text.xlsx").write_text("name\nLincoln High\n", encoding="utf-8")
    assert _problem(folder / "text.xlsx", campaign) == (
        "is named .xlsx but is not a spreadsheet file (if it is text, such as CSV, name it .csv)")

    from msoffcrypto.format.ooxml import OOXMLFile
    with (folder / "whole.xlsx").open("rb") as plain, (folder / "locked.xlsx").open("wb") as locked:
        OOXMLFile(plain).encrypt("secret", locked)
    assert _problem(folder / "locked.xlsx", campaign) == (
        "is protected with a password: save a copy without the password and use that")

    write_xlsx(folder / "titled.xlsx", [[], HEADER, *ROWS])
    with pytest.raises(InputError) as info:
        load_roster(folder / "titled.xlsx", campaign)
    assert [(p.where, p.message) for p in info.value.problems] == [
        ("row 1", "is empty in sheet 'Schools': the header (name, club, ...) must be the first row")]


def test_cli_check_takes_a_spreadsheet_roster(folder):
    good = write_ods(folder / "schools.ods", [HEADER, *ROWS])
    result = CliRunner().invoke(cli, ["check", "--roster", str(good)])
    assert result.exit_code == 0, result.output
    assert f"{good.resolve()}: OK (3 schools)" in result.output

    bad = write_ods(folder / "bad.ods", [HEADER, ["Lincoln High", "", "", "", "nope"]])
    result = CliRunner().invoke(cli, ["check", "--roster", str(bad)])
    assert result.exit_code == 1
    assert f"{bad.resolve()}: row 2, column E (contact_email): 'nope' is not an email address" in result.output


def test_a_tiny_sheet_spanning_millions_of_cells_is_refused_not_loaded(folder, campaign):
    """One stray cell in column XFD makes a 2 KB file whose sheet is read as 16,384 × 3,000 cells
    (1.5 GB): it is read in a child process with capped memory and refused, naming the file."""
    book = openpyxl.Workbook()
    book.active["A1"], book.active["XFD3000"] = "name", "x"
    path = folder / "stray.xlsx"
    book.save(path)
    assert path.stat().st_size < 10_000
    with pytest.raises(InputError) as info:
        load_roster(path, campaign)
    [problem] = info.value.problems
    assert problem.file == str(path.resolve()) and "too large to read as a roster" in problem.message

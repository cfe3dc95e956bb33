"""The school form and the roster: a form is validated as a one-row roster, and its problems mapped back to fields."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import InputError, Problem
from ..inputs import roster
from ..model import AUDIENCES, Campaign, School
from ..pipeline.plan import poster_paper
from ..press.tiling import POSTER_PAPERS

# The form's fields are roster columns, in the roster's order (the slug is made from the name).
FORM_FIELDS = tuple(column for column in roster.COLUMNS
                    if column in ("name", "club", "contact_name", "contact_email", "meeting", "logo", "logo_alt",
                                  "languages", "paper", "audience", "grade_band", "poster_paper", "link"))
TEXT_FIELDS = tuple(column for column in FORM_FIELDS if column not in ("logo", "languages"))
FIELD_OF_COLUMN = {"slug": "name"}  # the slug is made from the name, so its problems are the name's
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg", ".gif", ".webp", ".bmp", ".tif", ".tiff")
ROSTER_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods")
COLUMN_RE = re.compile(r"\((\w+)\)$")
WHERE_RE = re.compile(r"^(?:row (?P<row>\d+)|line (?P<line>\d+))?(?:, )?(?:column (?P<column>.+))?$")
MAX_TEXT = 500  # characters in one text field: far beyond any school name, far below a nuisance


@dataclass
class SchoolForm:
    """What a person typed (and uploaded) into the school form."""

    values: dict[str, str]
    languages: tuple[str, ...] = ()
    logo: bytes | None = None
    logo_filename: str = ""
    printing: tuple[str, ...] = ()  # of PRINT_CHOICES: the print files the kit adds


@dataclass
class Checked:
    """A form checked by the roster's rules: the school, or the problems by field (and those of no field)."""

    school: School | None
    roster_file: Path
    by_field: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.school is not None


def school_form(form, campaign: Campaign) -> SchoolForm:
    """A SchoolForm from a parsed multipart form; unknown fields are ignored, text is cut at MAX_TEXT."""
    values = {}
    for name in TEXT_FIELDS:
        value = form.get(name, "")
        values[name] = value[:MAX_TEXT] if isinstance(value, str) else ""
    # Passed on as given (the roster names a language the campaign lacks), but never more than it has.
    languages = tuple(lang[:20] for lang in form.getlist("languages") if isinstance(lang, str))[:len(campaign.languages) + 2]
    return SchoolForm(values, languages, printing=printing_choices(form))


def printing_choices(form) -> tuple[str, ...]:
    """The print files ticked on a form (unknown values ignored), in PRINT_CHOICES' order."""
    return tuple(choice for choice in PRINT_CHOICES if choice in form.getlist("printing"))


def safe_suffix(filename: str, allowed: tuple[str, ...], fallback: str) -> str:
    """The upload's suffix when it is one we know, else `fallback`; the name itself is never used as a path."""
    suffix = PurePosixPath(filename.replace("\\", "/").replace("\0", "")).suffix.lower()
    return suffix if suffix in allowed else fallback


def check_school(form: SchoolForm, folder: Path, campaign: Campaign) -> Checked:
    """Write the form as a one-row schools.csv (with the logo beside it) in `folder` and load it with the
    roster's own loader, so the form's rules and words are the roster's."""
    checked = _load(form, folder, campaign, form.values.get("name", ""))
    if not form.values.get("name", "").strip():
        # The roster stops at a row without a name; the form shows every problem at once, so the other
        # fields are checked as if the school had one.
        others = _load(form, folder, campaign, "School")
        for name, messages in others.by_field.items():
            if name != "name":
                checked.by_field.setdefault(name, []).extend(messages)
        for name, messages in others.warnings.items():
            checked.warnings.setdefault(name, []).extend(messages)
    return checked


def _load(form: SchoolForm, folder: Path, campaign: Campaign, name: str) -> Checked:
    folder.mkdir(parents=True, exist_ok=True)
    row = dict(form.values, name=name, languages=",".join(form.languages))
    if form.logo is not None:
        logo_name = "logo" + safe_suffix(form.logo_filename, LOGO_SUFFIXES, ".img")
        (folder / logo_name).write_bytes(form.logo)
        row["logo"] = logo_name
    path = folder / "schools.csv"
    columns = [column for column in FORM_FIELDS if column in row]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerow([row[column].replace("\r", " ").replace("\n", " ") for column in columns])
    checked = Checked(None, path)
    try:
        schools, warnings = roster.load_roster(path, campaign)
    except InputError as exc:
        _sort(exc.problems, checked, folder)
        return checked
    _sort(warnings, checked, folder)
    checked.by_field, checked.general = {}, []
    checked.school = schools[0] if schools else None
    if checked.school is None:
        checked.general.append("every school needs a name")
    return checked


def _sort(problems: list[Problem], checked: Checked, folder: Path) -> None:
    for problem in problems:
        column = COLUMN_RE.search(problem.where)
        name = FIELD_OF_COLUMN.get(column.group(1), column.group(1)) if column else None
        message = scrub(problem.message, folder)
        if problem.warning:
            checked.warnings.setdefault(name if name in FORM_FIELDS else "", []).append(message)
        elif name in FORM_FIELDS:
            checked.by_field.setdefault(name, []).append(message)
        else:
            checked.general.append(message)


def scrub(message: str, folder: Path) -> str:
    """A message without the server's folders in it."""
    return message.replace(str(folder.resolve()) + "/", "").replace(str(folder.resolve()), "the upload")


def problem_rows(problems: list[Problem], folder: Path) -> list[dict[str, str]]:
    """Roster problems as table rows (row, column, message), in the loader's order and words."""
    rows = []
    for problem in problems:
        match = WHERE_RE.match(problem.where or "")
        row = column = ""
        if match:
            row = match.group("row") or (f"line {match.group('line')}" if match.group("line") else "")
            column = match.group("column") or ""
        else:
            column = problem.where
        rows.append(dict(row=row, column=column, message=scrub(problem.message, folder), warning=problem.warning))
    return rows


PAPER_CHOICES = roster.PACKET_PAPERS
AUDIENCE_CHOICES = AUDIENCES + ("both",)
GRADE_CHOICES = ("",) + roster.GRADE_BANDS
POSTER_PAPER_CHOICES = ("",) + roster.POSTER_PAPERS  # "": the packet's paper decides (tabloid, or A3 with A4)
PRINT_CHOICES = ("black", "tiles", "handouts", "print_shop")  # in the order the form lists them


def print_options(schools: list[School], printing: tuple[str, ...]) -> dict:
    """The build options (BuildOptions fields) for the print files asked for: black-ink twins for the
    office printer, tabloid or A3 posters tiled on letter or A4 (the paper most of the schools with
    such posters use; none when every school's posters fit its paper), hand-out sheets two to a page,
    print-shop files."""
    options: dict = {}
    if "black" in printing:
        options["ink"] = "black"
    large = [school.paper for school in schools if poster_paper(school) in POSTER_PAPERS]
    if "tiles" in printing and large:
        options["tile"] = max(sorted(set(large)), key=large.count)
    if "handouts" in printing:
        options["handouts"] = 2
    if "print_shop" in printing:
        options["print_shop"] = True
    return options

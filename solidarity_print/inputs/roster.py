"""The roster of schools (CSV as spreadsheets really write it) to validated School records."""
from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import Problem, ProblemCollector
from ..model import AUDIENCES, Campaign, School
from ..render import fonts
from ..render.i18n import SLUG_LIMIT, language_problem, slugify
from . import copies, images, spreadsheet
from .fields import INVISIBLE_RE, SLUG_RE, FieldReader

COLUMNS = ("name", "slug", "club", "contact_name", "contact_email", "meeting", "logo", "logo_alt",
           "languages", "paper", "audience", "grade_band", "poster_paper", "link") + copies.COLUMNS
# Headers spreadsheets commonly use for our columns, as _column spells them.
SYNONYMS = {
    "email": "contact_email", "e_mail": "contact_email", "mail": "contact_email", "contact_e_mail": "contact_email",
    "advisor_email": "contact_email", "teacher_email": "contact_email", "email_address": "contact_email",
    "school": "name", "school_name": "name", "schools": "name", "school_title": "name",
    "contact": "contact_name", "teacher": "contact_name", "advisor": "contact_name", "adviser": "contact_name",
    "sponsor": "contact_name", "contact_person": "contact_name", "advisor_name": "contact_name",
    "teacher_name": "contact_name", "language": "languages", "lang": "languages", "langs": "languages",
    "room": "meeting", "meeting_room": "meeting", "meetings": "meeting", "meeting_time": "meeting",
    "logo_description": "logo_alt", "alt_text": "logo_alt", "alt": "logo_alt", "logo_alt_text": "logo_alt",
    "image": "logo", "logo_file": "logo", "club_name": "club", "gsa": "club", "gsa_name": "club",
    "paper_size": "paper", "grade": "grade_band", "grades": "grade_band", "level": "grade_band",
    "school_level": "grade_band", "guide": "audience", "guides": "audience", "folder": "slug",
    "url": "link", "website": "link", "web_address": "link", "qr_link": "link",
    "poster_size": "poster_paper",
}
PACKET_PAPERS = ("letter", "a4")
POSTER_PAPERS = ("tabloid", "letter", "a4", "a3")
GRADE_BANDS = ("middle", "high")
EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[A-Za-z]{2,}$")
MAX_ROSTER_BYTES = 20 * 1024 * 1024
# "JosÃ©" is "José" encoded as UTF-8, then read as Windows-1252 and saved as UTF-8 again.
MOJIBAKE_RE = re.compile("[\u00c2\u00c3][\u0080-\u00bf\u2018-\u201e\u2020-\u2022\u2026\u2030\u20ac\u2122\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]")


def load_roster(path: Path, campaign: Campaign) -> tuple[list[School], list[Problem]]:
    """Every school of the roster, and the warnings; raises InputError listing every problem by row and column."""
    path = path.resolve()
    problems = ProblemCollector(str(path))
    content = read_content(path, problems)
    if content is None:
        problems.raise_if_any()
    schools = list(schools_of(content, path.parent, campaign, problems))
    problems.raise_if_any()
    return schools, [p for p in problems.problems if p.warning]


def read_content(path: Path, problems: ProblemCollector) -> str | list[list[str]] | None:
    """A roster file's text (CSV), or its cells (a spreadsheet); None, with the problem recorded, if unreadable."""
    if spreadsheet.is_spreadsheet(path):
        return spreadsheet.read_records(path, problems, MAX_ROSTER_BYTES)
    return _decode(path, problems)


def schools_of(content: str | bytes | list[list[str]], folder: Path, campaign: Campaign,
               problems: ProblemCollector, checked: bool = False) -> Iterator[School]:
    """The schools of a roster's content (read_content's, or a CSV's text as UTF-8) one at a time, as
    they are read. The problems reach `problems` in the order load_roster has always listed them: the
    header's, the rows' shapes, then the schools' own (those last once every row is read). A roster
    `checked` already is read again without the checks that only find problems."""
    rows, letters = _table(content, problems) if isinstance(content, list) else _rows(content, problems)
    found = ProblemCollector(problems.file)
    yield from _schools(rows, letters, folder, campaign, found, checked)
    problems.problems += [problem for problem in found.problems if problem not in problems.problems]


def _decode(path: Path, problems: ProblemCollector) -> str | None:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Excel's Windows-1252; never a silent guess."""
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            problems.add("", f"is larger than {MAX_ROSTER_BYTES // 1024 // 1024} MB; is this really a roster?")
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.add("", f"cannot be read: {exc.strerror or exc}")
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            problems.add("", "starts like UTF-16 but is not valid UTF-16")
            return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        garbled = MOJIBAKE_RE.search(text)
        if garbled:
            line = text[:garbled.start()].count("\n") + 1
            problems.add("", f"contains {garbled.group(0)!r}, which is how accented letters look after a second, "
                             "wrong conversion; export the sheet again as \"CSV UTF-8\"", line=line)
            return None
        return text
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        line = data[:utf8_error.start].count(b"\n") + 1
        problems.add("", "is neither UTF-8 nor Windows-1252, so names cannot be read reliably: "
                         "save the file as \"CSV UTF-8\"", line=line)
        return None
    problems.add("", "was read as Windows-1252 (Excel's \"CSV\"); save as \"CSV UTF-8\" to be sure accents survive",
                 warning=True)
    return text


def _rows(text: str | bytes, problems: ProblemCollector) -> tuple[Iterator[tuple[int, dict[str, str]]], dict[str, str]]:
    """(spreadsheet row, {column: value}) for every non-empty data row of a CSV's text (or its UTF-8,
    decoded a little at a time as the rows are read), and each column's letter."""
    sample = text[:8192] if isinstance(text, str) else text[:32768].decode("utf-8", "ignore")[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # Only the delimiter is guessed: spreadsheets always quote with " and double it inside a cell,
    # and the sniffer's guesses about that can garble names.
    lines = io.StringIO(text, newline="") if isinstance(text, str) else io.TextIOWrapper(io.BytesIO(text), "utf-8", newline="")
    records = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True)
    return _table(records, problems)


def _table(records: Iterable[list[str]], problems: ProblemCollector) -> tuple[Iterator[tuple[int, dict[str, str]]], dict[str, str]]:
    """The rows of a table whose record i is spreadsheet row i + 1 (a CSV's or a sheet's), header first:
    the header is checked at once, the rows as they are read."""
    records = iter(records)
    first = next(records, None)
    if first is None:
        problems.add("", "is empty: it needs a header row with at least a 'name' column")
        return iter(()), {}
    header = [_column(h) for h in first]
    for index, column in enumerate(header):
        if column and column not in COLUMNS:
            guess = _suggest(column)
            hint = f"; did you mean {guess!r}?" if guess else f" (known: {', '.join(COLUMNS)})"
            problems.add(f"row 1, column {_letter(index)}", f"unknown column {first[index]!r} is ignored{hint}",
                         warning=True)
        if column and header.index(column) != index:
            problems.add(f"row 1, column {_letter(index)}", f"column {column!r} appears again "
                         f"(first in column {_letter(header.index(column))})")
    if "name" not in header:
        meant = [h for h, column in zip(first, header) if column and _suggest(column) == "name"]
        hint = f"; if {meant[0]!r} holds the schools' names, rename it 'name'" if meant else ""
        problems.add("row 1", f"has no 'name' column (found: {', '.join(repr(h) for h in first)}){hint}")
        return iter(()), {}
    letters = {column: _letter(header.index(column)) for column in COLUMNS if column in header}
    return _data_rows(records, header, problems), letters


def _data_rows(records: Iterator[list[str]], header: list[str], problems: ProblemCollector) -> Iterator[tuple[int, dict[str, str]]]:
    """(spreadsheet row, {column: value}) for each non-empty record after the header, as it is read."""
    found = False
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header):]):
            problems.add(f"row {number}", f"has {len(record)} cells but the header has {len(header)} "
                                          "(a stray delimiter, or a missing quote?)")
        found = True
        yield number, {column: (record[i].strip() if i < len(record) else "")
                       for i, column in enumerate(header) if column in COLUMNS}
    if not found:
        problems.add("", "has a header but no schools")


def _schools(rows, letters: dict[str, str], folder: Path, campaign: Campaign, problems: ProblemCollector,
             checked: bool = False) -> Iterator[School]:
    seen_names, seen_slugs = {}, {}
    for number, row in rows:
        def where(column: str, number: int = number) -> str:
            return f"row {number}, column {letters.get(column, '?')} ({column})"

        name = row.get("name", "")
        if not name:
            problems.add(where("name"), "is empty: every school needs a name")
            continue
        for column in () if checked else ("name", "club", "contact_name", "meeting", "logo_alt"):
            if INVISIBLE_RE.search(row.get(column, "")):
                problems.add(where(column), "contains invisible or text-direction control characters")
            missing = fonts.missing_characters(row.get(column, "")) if column != "logo_alt" else []
            if missing:
                problems.add(where(column), f"cannot be printed with the bundled fonts: {fonts.describe(missing)}")
        key = " ".join(unicodedata.normalize("NFC", name).casefold().split())
        duplicate = key in seen_names
        if duplicate:
            problems.add(where("name"), f"{name!r} is the same school as row {seen_names[key]}")
        else:
            seen_names[key] = number
        slug = row.get("slug") or slugify(name)
        if row.get("slug") and not SLUG_RE.match(row["slug"]):
            problems.add(where("slug"), f"{row['slug']!r} must be lower-case letters, digits and hyphens")
        elif len(slug) > SLUG_LIMIT:
            problems.add(where("slug"), f"is {len(slug)} characters long: at most {SLUG_LIMIT}, so that paths "
                                        "stay short enough for ZIP files on Windows")
        elif not slug:
            problems.add(where("slug"), f"cannot make a file name from {name!r}: give the school a slug")
        elif slug in seen_slugs and not duplicate:  # a duplicate school is reported once, by name
            problems.add(where("slug"), f"{slug!r} is also the output folder of row {seen_slugs[slug]}")
        seen_slugs.setdefault(slug, number)
        if checked:  # nothing to compare the next rows with: the roster is known to be free of duplicates
            seen_names.clear(), seen_slugs.clear()
        languages = _languages(row.get("languages", ""), campaign, where("languages"), problems)
        paper = _choice(row, "paper", PACKET_PAPERS, campaign.default_paper, where, problems)
        audience = _choice(row, "audience", AUDIENCES + ("both",), campaign.default_audience, where, problems)
        grade_band = _choice(row, "grade_band", GRADE_BANDS, "", where, problems)
        posters = _choice(row, "poster_paper", POSTER_PAPERS, "", where, problems)
        link = _link(row.get("link", ""), where("link"), problems)
        school_copies = _copies(row, where, problems)
        email = row.get("contact_email", "")
        if email and not EMAIL_RE.match(email):
            problems.add(where("contact_email"), f"{email!r} is not an email address")
        logo = images.check_logo(folder, row.get("logo", ""), where("logo"), problems) if row.get("logo") else None
        if row.get("logo") and not row.get("logo_alt"):
            problems.add(where("logo_alt"), "a logo needs alt text describing it for screen readers")
        yield School(row=number, name=name, slug=slug, languages=languages, paper=paper, audience=audience,
                     club=row.get("club", ""), contact_name=row.get("contact_name", ""),
                     contact_email=email, meeting=row.get("meeting", ""), logo=logo,
                     logo_alt=row.get("logo_alt", ""), grade_band=grade_band, poster_paper=posters, link=link,
                     copies=school_copies)


def _languages(value: str, campaign: Campaign, where: str, problems: ProblemCollector) -> tuple[str, ...]:
    if not value:
        return campaign.languages
    # Spelled as the campaign spells it, whatever the case: "EN" and "pt-br" are en and pt-BR.
    # A language the campaign declares but this build leaves out (--lang) is no mistake in the roster.
    declared = campaign.all_languages or campaign.languages
    spelling = {lang.casefold(): lang for lang in declared}
    written = [v.strip() for v in re.split(r"[;,/\s]+", value) if v.strip()]
    for lang in written:
        if lang.casefold() not in spelling:
            unknown = language_problem(lang)  # a code Babel does not know says so, not only "not in this campaign"
            problems.add(where, f"{unknown}; this campaign has: {', '.join(declared)}" if unknown else
                         f"{lang!r} is not a language of this campaign (it has: {', '.join(declared)})")
    return tuple(dict.fromkeys(spelling[lang.casefold()] for lang in written
                               if lang.casefold() in spelling and spelling[lang.casefold()] in campaign.languages))


def _link(value: str, where: str, problems: ProblemCollector) -> str:
    """A school's own link, checked as campaign links are (https: only); "" when there is none or it is bad."""
    if not value:
        return ""
    found = ProblemCollector(problems.file)
    link = FieldReader(found).url({"link": value}, "link", "")
    for problem in found.problems:
        problems.add(where, problem.message)
    return link or ""


def _copies(row, where, problems) -> tuple[tuple[str, int], ...]:
    """(piece, copies) for each *_copies cell the row fills in; an empty cell takes the campaign's default."""
    found = []
    for piece, column in zip(copies.PIECES, copies.COLUMNS):
        if row.get(column):
            number, wrong = copies.read_copies(row[column])
            if wrong:
                problems.add(where(column), wrong)
            else:
                found.append((piece, number))
    return tuple(found)


def _choice(row, column, choices, default, where, problems) -> str:
    value = row.get(column, "").lower()
    if value and value not in choices:
        problems.add(where(column), f"{row[column]!r} must be one of: {', '.join(choices)}")
        return default
    return value or default


def _suggest(column: str) -> str | None:
    """The known column a spreadsheet header most likely meant. Only suggested, never assumed: an
    "email" column may hold an address that was never meant to be printed on a packet's cover."""
    if column in SYNONYMS:
        return SYNONYMS[column]
    close = difflib.get_close_matches(column, COLUMNS + tuple(SYNONYMS), n=1, cutoff=0.75)
    return SYNONYMS.get(close[0], close[0]) if close else None


def _column(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _letter(index: int) -> str:
    """A spreadsheet column letter: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters

"""Property-based tests of the loaders: whatever a user hands us, load_campaign and load_roster either
return a result or raise InputError with located, non-empty problems, never any other exception.

Each example writes its file into a fresh temporary folder (tempfile, since pytest's function-scoped
tmp_path does not mix with @given). Bugs the properties found are kept at the bottom as regression
tests, each with its failing input as an explicit @example.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, assume, event, example, given, note, settings
from hypothesis import strategies as st

from solidarity_print.errors import InputError, Problem
from solidarity_print.inputs.config import load_campaign
from solidarity_print.inputs.guide import guide_folder
from solidarity_print.inputs.roster import COLUMNS, MOJIBAKE_RE, load_roster
from solidarity_print.model import Campaign, School
from solidarity_print.render.i18n import slugify
from solidarity_print.resources import DEFAULT_CAMPAIGN

CAMPAIGN = load_campaign()
DEFAULT_TOML = DEFAULT_CAMPAIGN / "campaign.toml"
DEFAULT_TEXT = DEFAULT_TOML.read_text(encoding="utf-8")
DEFAULT_LINES = DEFAULT_TEXT.splitlines(keepends=True)
VALUE_LINES = [i for i, line in enumerate(DEFAULT_LINES) if " = " in line]
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LINE_RE = re.compile(r"\bline\b", re.IGNORECASE)

SUPPRESSED = (HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture)
CHEAP = settings(max_examples=150, deadline=None, suppress_health_check=SUPPRESSED)
MEDIUM = settings(max_examples=100, deadline=None, suppress_health_check=SUPPRESSED)
REGRESSION = settings(max_examples=15, deadline=None, suppress_health_check=SUPPRESSED)


# --- helpers ---------------------------------------------------------------------------------------

@contextmanager
def written(name: str, data: bytes):
    """`data` as the file `name`, alone in a fresh temporary folder."""
    with tempfile.TemporaryDirectory(prefix="sp-prop-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


def check_problems(error: InputError, path: Path, roots: tuple[Path, ...]) -> None:
    """An InputError lists at least one error, each problem with a message and a file we know."""
    resolved = path.resolve()
    assert error.problems, "InputError without problems"
    assert any(not p.warning for p in error.problems), f"InputError with only warnings: {error.problems}"
    for problem in error.problems:
        assert isinstance(problem, Problem)
        assert isinstance(problem.message, str) and problem.message.strip(), problem
        assert isinstance(problem.where, str), problem
        assert problem.file == str(resolved) or any(Path(problem.file).is_relative_to(r) for r in roots), problem


def campaign_outcome(path: Path) -> Campaign | InputError:
    """load_campaign's result, or the InputError it raised (checked); any other exception propagates."""
    resolved = path.resolve()
    try:
        campaign = load_campaign(path)
    except InputError as error:
        check_problems(error, path, (resolved.parent, guide_folder(resolved.parent).resolve()))
        event("campaign: InputError")
        return error
    event("campaign: loaded")
    assert isinstance(campaign, Campaign)
    assert campaign.source == resolved
    return campaign


def roster_outcome(path: Path) -> tuple[list[School], list[Problem]] | InputError:
    """load_roster's result (invariants checked), or the InputError it raised (checked)."""
    try:
        schools, warnings = load_roster(path, CAMPAIGN)
    except InputError as error:
        check_problems(error, path, (path.resolve().parent,))
        event("roster: InputError")
        return error
    event("roster: loaded")
    assert isinstance(schools, list) and schools, "a roster that loads has at least one school"
    assert all(isinstance(w, Problem) and w.warning for w in warnings)
    slugs = [school.slug for school in schools]
    for school in schools:
        assert school.name and school.name.strip() == school.name, school
        assert SLUG_RE.match(school.slug), school
    assert len(set(slugs)) == len(slugs), slugs
    return schools, warnings


def toml_basic_string(text: str) -> str:
    """`text` as a TOML basic string (escapes for quotes, backslashes and control characters)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# --- strategies ------------------------------------------------------------------------------------

ANY_CHAR = st.characters(exclude_categories=("Cs",))  # everything but surrogates, controls included
TOML_CHARS = st.sampled_from(list('[]{}=".\'\n\r\t #-:,+_0123456789abcdefnrstuTZxo\\')) | ANY_CHAR

KNOWN_KEYS = sorted({"campaign", "organizer", "days", "excerpts", "defaults", "paper", "audience", "slug",
                     "start", "end", "languages", "resources_url", "name", "tagline", "about", "date",
                     "color", "text", "title", "short", "summary", "why", "actions", "source", "pages",
                     "lang", "url", "en", "es", "vi"})
PLAUSIBLE_TEXT = ["", " ", "en", "es", "vi", "xx", "student", "educator", "both", "letter", "a4", "legal",
                  "#1F6FB2", "#12345", "red", "solidarity-week-2024", "Bad Slug", "3-5", "1,4-6", "0",
                  "https://example.org", "http://example.org", "file:///etc/passwd", "2023-11-06",
                  "Solidarity Week 2022", "x" * 1000, "a\u202eb", "\u200b", "한국어", "\U0001F308"]


@st.composite
def dates_text(draw) -> str:
    """A TOML date, sometimes one that does not exist (2023-11-31, 2023-02-29, month 13, year 0)."""
    if draw(st.booleans()):
        return draw(st.dates()).isoformat()
    return f"{draw(st.integers(0, 9999)):04d}-{draw(st.integers(0, 13)):02d}-{draw(st.integers(0, 32)):02d}"


def toml_scalars() -> st.SearchStrategy[str]:
    strings = st.one_of(st.sampled_from(PLAUSIBLE_TEXT), st.text(ANY_CHAR, max_size=40))
    return st.one_of(
        st.integers(-(10 ** 30), 10 ** 30).map(str),   # huge decimal integers: see test_huge_integer_is_reported
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.booleans().map(lambda b: "true" if b else "false"),
        strings.map(toml_basic_string),
        st.text(st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="'"), max_size=20)
          .map(lambda s: f"'{s}'"),
        dates_text(),
        st.datetimes().map(lambda d: d.isoformat()),
        st.datetimes(timezones=st.just(dt.timezone.utc)).map(lambda d: d.isoformat()),
        st.times().map(lambda t: t.isoformat()),
        st.text(TOML_CHARS, min_size=1, max_size=15),  # raw junk: usually invalid TOML
    )


def toml_values() -> st.SearchStrategy[str]:
    key = st.one_of(st.sampled_from(KNOWN_KEYS), st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True))
    return st.recursive(
        toml_scalars(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
            st.dictionaries(key, inner, max_size=4).map(
                lambda table: "{" + ", ".join(f"{k} = {v}" for k, v in table.items()) + "}"),
        ),
        max_leaves=8,
    )


@st.composite
def mutated_campaigns(draw) -> tuple[str, str]:
    """(what was done, the built-in campaign text with one mutation applied)."""
    lines = list(DEFAULT_LINES)
    kind = draw(st.sampled_from(["delete", "duplicate", "replace", "insert", "truncate"]))
    if kind == "delete":
        i = draw(st.integers(0, len(lines) - 1))
        del lines[i]
        what = f"deleted line {i + 1}"
    elif kind == "duplicate":
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
        what = f"duplicated line {i + 1}"
    elif kind == "replace":
        i = draw(st.sampled_from(VALUE_LINES))
        key = lines[i].split(" = ", 1)[0]
        value = draw(toml_values())
        lines[i] = f"{key} = {value}\n"
        what = f"line {i + 1} set to {lines[i]!r}"
    elif kind == "insert":
        i = draw(st.integers(0, len(lines)))
        key = draw(st.one_of(st.sampled_from(KNOWN_KEYS), st.from_regex(r"[A-Za-z0-9_-]{1,10}", fullmatch=True),
                             # min_size=1: a top-level "" key is test_empty_top_level_key_is_located
                             st.text(ANY_CHAR, min_size=1, max_size=8).map(toml_basic_string)))
        line = f"{key} = {draw(toml_values())}\n"
        lines.insert(i, line)
        what = f"inserted {line!r} before line {i + 1}"
    else:
        cut = draw(st.integers(0, len(DEFAULT_TEXT)))
        return f"truncated at {cut}", DEFAULT_TEXT[:cut]
    return what, "".join(lines)


# --- campaign properties ---------------------------------------------------------------------------

@CHEAP
@given(data=st.one_of(
    st.binary(max_size=2000),
    st.tuples(st.integers(0, len(DEFAULT_TEXT.encode())), st.binary(min_size=1, max_size=50))
      .map(lambda cut: DEFAULT_TEXT.encode()[:cut[0]] + cut[1] + DEFAULT_TEXT.encode()[cut[0]:]),
))
@example(data=b"")
@example(data=b"\xff\xfe[campaign]\n")
@example(data=b"\x00")
@example(data=DEFAULT_TEXT.encode("utf-16"))
def test_campaign_from_any_bytes(data):
    with written("campaign.toml", data) as path:
        campaign_outcome(path)


@CHEAP
@given(text=st.one_of(st.text(ANY_CHAR, max_size=2000), st.text(TOML_CHARS, max_size=300)))
@example(text="")
@example(text="\ufeff[campaign]\n")
@example(text="[campaign]\r\nslug = 'x'\r")
@example(text="campaign = 1\ndays = []\norganizer = {}")
def test_campaign_from_any_text(text):
    with written("campaign.toml", text.encode("utf-8")) as path:
        campaign_outcome(path)


@settings(max_examples=200, deadline=None, suppress_health_check=SUPPRESSED)
@given(mutation=mutated_campaigns())
@example(mutation=("start set to an impossible date", DEFAULT_TEXT.replace("start = 2023-11-06", "start = 2023-11-31")))
@example(mutation=("end before start", DEFAULT_TEXT.replace("end = 2023-11-10", "end = 2023-11-01")))
@example(mutation=("languages a table", DEFAULT_TEXT.replace('languages = ["en", "es", "fr", "vi", "ar", "zh-Hans"]', "languages = {en = 1}")))
@example(mutation=("days a number", DEFAULT_TEXT.replace("[[days]]", "[[dayz]]")))
@example(mutation=("untouched", DEFAULT_TEXT))
def test_campaign_mutations(mutation):
    what, text = mutation
    note(what)
    with written("campaign.toml", text.encode("utf-8")) as path:
        outcome = campaign_outcome(path)
    if isinstance(outcome, InputError):
        for problem in outcome.problems:
            # tomllib says "(at end of document)" for a file cut off mid-value: that names the place too.
            assert problem.where or LINE_RE.search(problem.message) or "end of document" in problem.message, problem


# --- roster properties -----------------------------------------------------------------------------

ROSTER_HEADERS = [b"", b"name\n", b"name,slug,languages,paper,audience,grade_band\n", b"Name;Club;Meeting\r\n",
                  b"\xef\xbb\xbfname\tcontact_email\n"]


@CHEAP
@given(data=st.one_of(
    st.binary(max_size=2000),
    st.tuples(st.sampled_from(ROSTER_HEADERS), st.binary(max_size=500)).map(lambda p: p[0] + p[1]),
))
@example(data=b"")
@example(data=b"\xff\xfe")
@example(data=b"\xfe\xff\x00n")
@example(data=b"name\n\xc3\x28\n")
@example(data="name\nJos\u00c3\u00a9\n".encode("utf-8"))
@example(data=b"name\n" + b"\x00" * 10)
@example(data=b'name\n"unclosed\n')
def test_roster_from_any_bytes(data):
    with written("schools.csv", data) as path:
        roster_outcome(path)


CP1252_CHARS = [c for c in map(chr, range(0x20, 0x100)) if c.encode("cp1252", "ignore")] + ["\n", "\r", "\t",
               "\u20ac", "\u2019", "\u201c", "\u201d", "\u0152", "\u0160", "\u017d", "\u2122"]
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ACCENTED = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöøùúûüýæœßčšžłńőű"
VIETNAMESE = ("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
              "ĂÂĐÊÔƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ")
SPECIAL = list(',;"\t\n\r \'') + ["\u00a0", "\ufeff", "\u200b", "\u202e", "\x00", "\x1b"]
FRIENDLY = st.sampled_from(list(LATIN + ACCENTED + VIETNAMESE + " -'.&0123456789"))


def cells(alphabet: st.SearchStrategy[str], max_size: int = 20) -> st.SearchStrategy[str]:
    return st.text(alphabet, max_size=max_size)


@st.composite
def header_cell(draw, column: str) -> str:
    """`column` as a person might type it: any case, spaces or hyphens for underscores, padding."""
    word = column.replace("_", draw(st.sampled_from(["_", " ", "-", "  "])))
    word = "".join(c.upper() if draw(st.booleans()) else c for c in word)
    return draw(st.sampled_from(["", " ", "  "])) + word + draw(st.sampled_from(["", " ", "\u00a0"]))


def column_values(column: str, alphabet: st.SearchStrategy[str], clean: bool) -> st.SearchStrategy[str]:
    """Cells for `column`: often valid (so rosters do load), often empty, sometimes (unless `clean`) anything."""
    junk = cells(alphabet)
    valid = {
        "slug": st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True),
        "contact_email": st.sampled_from(["a@b.org", "ana.ruiz@school.k12.ca.us"]),
        "languages": st.sampled_from(["en", "es", "en;es", "es, en", "es/en"]),
        "paper": st.sampled_from(["letter", "a4", "A4", "Letter"]),
        "audience": st.sampled_from(["student", "educator", "both", "Both"]),
        "grade_band": st.sampled_from(["middle", "high", "HIGH"]),
        "logo": st.text(st.sampled_from(list(LATIN + "./\\ -_é")), max_size=30),
    }.get(column)
    invalid = {"contact_email": "x@y", "languages": "de", "paper": "legal", "audience": "parents",
               "grade_band": "elementary", "slug": "Bad Slug"}.get(column)
    if clean and column == "logo":
        return st.just("")
    if clean:
        return st.one_of(st.just(""), valid if valid is not None else cells(FRIENDLY))
    if column == "logo":
        return st.one_of(st.just(""), valid)
    if valid is None:
        return st.one_of(st.just(""), junk)
    return st.one_of(st.just(""), valid, st.just(invalid), junk)


@st.composite
def generated_rosters(draw):
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    # A clean roster has printable, mostly valid cells (so it often loads and its names get compared);
    # the others throw anything at every column.
    clean = draw(st.booleans())
    if encoding == "cp1252":
        alphabet = st.one_of(st.sampled_from(CP1252_CHARS), st.sampled_from(SPECIAL[:8]))
    else:
        alphabet = st.one_of(FRIENDLY, st.sampled_from(SPECIAL), ANY_CHAR)
    names = (st.text(FRIENDLY | st.sampled_from(list(',;"\t\n\r \'')), min_size=1, max_size=25) if clean
             else cells(alphabet, 25) | cells(FRIENDLY, 25))
    columns = draw(st.permutations(COLUMNS).flatmap(lambda cols: st.integers(1, len(cols)).map(lambda n: cols[:n])))
    if "name" not in columns and (clean or draw(st.integers(0, 9))):
        columns = ["name", *columns[1:]] if draw(st.booleans()) else [*columns, "name"]
    header = [draw(header_cell(column)) for column in columns]
    rows = draw(st.lists(
        st.tuples(*[names if column == "name" else column_values(column, alphabet, clean)
                    for column in columns]).map(list),
        min_size=1 if clean else 0, max_size=6))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)  # not encodable in cp1252: skip
    return encoding, delimiter, clean, columns, header, rows, text, data


@MEDIUM
@given(roster=generated_rosters())
@example(roster=("utf-8", ",", True, ["name"], ["name"], [["Escuela José Martí"], ["Lincoln High"]],
                 "name\r\nEscuela José Martí\r\nLincoln High\r\n", b"name\r\nEscuela Jos\xc3\xa9 Mart\xc3\xad\r\nLincoln High\r\n"))
def test_generated_rosters(roster):
    encoding, delimiter, clean, columns, header, rows, text, data = roster
    note(f"{encoding} {delimiter!r} {text!r}")
    with written("schools.csv", data) as path:
        outcome = roster_outcome(path)
    if isinstance(outcome, InputError):
        event("clean roster: " + outcome.problems[0].message[:30] if clean else "junk roster: InputError")
        return
    schools, _ = outcome
    if encoding == "cp1252":
        try:
            as_utf8 = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            # Bytes that are valid UTF-8 are read as UTF-8: the one reading a loader cannot avoid.
            assume(as_utf8 == text)
    for school in schools:
        assert school.name in text.replace('""', '"') or any(school.name in cell for row in rows for cell in row), \
            f"{school.name!r} is not in the roster as written"
    name_at = columns.index("name")
    expected = [row[name_at].strip() for row in rows if any(cell.strip() for cell in row)]
    assert [school.name for school in schools] == expected


def school_names() -> st.SearchStrategy[str]:
    word = st.text(st.sampled_from(list(LATIN + ACCENTED + VIETNAMESE)), min_size=1, max_size=10)
    return st.lists(word, min_size=1, max_size=4).map(" ".join)


def name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@MEDIUM
@given(
    # Names that look like mojibake ("Âœ", "Ã" + "”") are refused on purpose: a heuristic, not part of this property.
    names=st.lists(school_names().filter(lambda n: slugify(n) and not MOJIBAKE_RE.search(n)), min_size=1, max_size=5,
                   unique_by=(name_key, slugify)),
    nfd=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    club=st.booleans(),
)
@example(names=["Escuela José Martí", "Trường Trung học Nguyễn Du", "Lycée Français"], nfd=False,
         encoding="utf-8", delimiter=",", club=False)
def test_roster_round_trip(names, nfd, encoding, delimiter, club):
    names = [unicodedata.normalize("NFD" if nfd else "NFC", n) for n in names]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["Name", "Club"] if club else ["name"])
    writer.writerows([[n, "GSA"] if club else [n] for n in names])
    with written("schools.csv", buffer.getvalue().encode(encoding)) as path:
        schools, warnings = load_roster(path, CAMPAIGN)
    assert [s.name for s in schools] == names
    assert [s.row for s in schools] == list(range(2, len(names) + 2))
    assert [s.slug for s in schools] == [slugify(n) for n in names]
    assert warnings == []


# --- regressions: inputs the properties once found to crash or garble the loaders -------------------

def campaign_with(old: str, new: str) -> bytes:
    assert DEFAULT_TEXT.count(old) == 1, old
    return DEFAULT_TEXT.replace(old, new).encode("utf-8")


@REGRESSION
@given(depth=st.integers(600, 5000), opener=st.sampled_from(["[", "{a = "]))
@example(depth=5000, opener="[")
def test_deeply_nested_toml_is_reported(depth, opener):
    with written("campaign.toml", ("a = " + opener * depth).encode()) as path:
        campaign_outcome(path)


@REGRESSION
@given(digits=st.integers(4301, 6000), key=st.sampled_from(["color", "slug", "date"]))
@example(digits=4301, key="color")
def test_huge_integer_is_reported(digits, key):
    old = {"color": 'color = "#8B1E3F"', "slug": 'slug = "black-lgbtq"', "date": "date = 2023-11-06"}[key]
    with written("campaign.toml", campaign_with(old, key + " = " + "9" * digits)) as path:
        campaign_outcome(path)


def link_campaign(key: str, host: str) -> bytes:
    old, line = {"resources_url": ('resources_url = "https://www.glsen.org/solidarity-week"', "resources_url"),
                 "organizer_url": ('url = "https://www.glsen.org"', "url")}[key]
    return campaign_with(old, f"{line} = {toml_basic_string('https://' + host)}")


@REGRESSION
@given(host=st.text(st.sampled_from(list("ab.-:[]")), max_size=12).map(lambda h: h + "["),
       key=st.sampled_from(["resources_url", "organizer_url"]))
@example(host="[", key="resources_url")
def test_link_with_bracket_is_reported(host, key):
    with written("campaign.toml", link_campaign(key, host)) as path:
        campaign_outcome(path)


@REGRESSION
@given(host=st.tuples(st.text(st.sampled_from(list("abc.-")), max_size=6), st.sampled_from("\u2100\u2101\u2105\u2106"),
                      st.text(st.sampled_from(list("abc.-")), max_size=6)).map("".join),
       key=st.sampled_from(["resources_url", "organizer_url"]))
@example(host="a\u2105b", key="organizer_url")
def test_link_with_nfkc_separator_is_reported(host, key):
    with written("campaign.toml", link_campaign(key, host)) as path:
        campaign_outcome(path)


@REGRESSION
@given(start=st.dates(), end=st.dates())
@example(start=dt.date(9999, 12, 25), end=dt.date(9999, 12, 31))
def test_any_campaign_window_is_reported(start, end):
    text = DEFAULT_TEXT.replace("start = 2023-11-06", f"start = {start.isoformat()}")
    text = text.replace("end = 2023-11-10", f"end = {end.isoformat()}")
    with written("campaign.toml", text.encode("utf-8")) as path:
        campaign_outcome(path)


def excerpt_campaign(source: str) -> bytes:
    table = (f"\n[[excerpts]]\nsource = {toml_basic_string(source)}\npages = \"1\"\n"
             "title = \"Handout\"\naudience = \"student\"\n")
    return (DEFAULT_TEXT + table).encode("utf-8")


def logo_roster(logo: str) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([["name", "logo", "logo_alt"], ["Lincoln High", logo, "Our logo"]])
    return buffer.getvalue().encode("utf-8")


def with_nul() -> st.SearchStrategy[str]:
    part = st.text(st.sampled_from(list("abc./-_")), max_size=10)
    return st.tuples(part, part).map(lambda p: p[0] + "\x00" + p[1])


def overlong() -> st.SearchStrategy[str]:
    return st.tuples(st.text(st.sampled_from(list("abc/")), max_size=10), st.integers(256, 400),
                     st.sampled_from([".pdf", ".png", ""])).map(lambda p: p[0] + "x" * p[1] + p[2])


@REGRESSION
@given(source=with_nul())
@example(source="a\x00b.pdf")
def test_excerpt_source_with_nul_is_reported(source):
    with written("campaign.toml", excerpt_campaign(source)) as path:
        campaign_outcome(path)


@REGRESSION
@given(source=overlong())
@example(source="x" * 300 + ".pdf")
def test_overlong_excerpt_source_is_reported(source):
    with written("campaign.toml", excerpt_campaign(source)) as path:
        campaign_outcome(path)


@REGRESSION
@given(logo=with_nul())
@example(logo="a\x00b.png")
def test_logo_path_with_nul_is_reported(logo):
    with written("schools.csv", logo_roster(logo)) as path:
        roster_outcome(path)


@REGRESSION
@given(logo=overlong())
@example(logo="x" * 300 + ".png")
def test_overlong_logo_path_is_reported(logo):
    with written("schools.csv", logo_roster(logo)) as path:
        roster_outcome(path)


@REGRESSION
@given(words=st.lists(st.text(st.sampled_from(list(LATIN)), min_size=1, max_size=8), min_size=2, max_size=4),
       delimiter=st.sampled_from([",", ";", "\t"]))
@example(words=["Escuela", "Benito Juárez"], delimiter=",")
def test_quoted_school_name_survives(words, delimiter):
    name = f'{" ".join(words[:-1])} "{words[-1]}"'
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows([["club", "name"], ["GSA", name]])
    with written("schools.csv", buffer.getvalue().encode("utf-8")) as path:
        schools, _ = load_roster(path, CAMPAIGN)
    assert [s.name for s in schools] == [name]


@REGRESSION
@given(value=st.one_of(st.integers().map(str), st.sampled_from(["true", "false", "2023-11-06"]),
                      st.text(ANY_CHAR, max_size=20).map(toml_basic_string)))
@example(value="0")
def test_empty_top_level_key_is_located(value):
    with written("campaign.toml", f'"" = {value}\n{DEFAULT_TEXT}'.encode("utf-8")) as path:
        outcome = campaign_outcome(path)
    assert isinstance(outcome, InputError)
    for problem in outcome.problems:
        assert problem.where or LINE_RE.search(problem.message), problem

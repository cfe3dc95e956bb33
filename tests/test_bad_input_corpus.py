"""A corpus of hostile and broken inputs: every one is refused (or accepted) cleanly, named by file and place.

Rosters, logos, campaign files, the organizer's own PDFs and template overrides, each fed to the public
API or the CLI. A case that shows a real bug is a strict xfail whose reason names the bug.
"""
from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner, Result
from PIL import Image
from pypdf import PdfReader

from solidarity_print.cli import cli
from solidarity_print.errors import InputError, Problem
from solidarity_print.inputs.config import load_campaign
from solidarity_print.inputs.roster import COLUMNS, load_roster
from solidarity_print.resources import DEFAULT_CAMPAIGN

DEFAULT_TOML = DEFAULT_CAMPAIGN / "campaign.toml"
HEADER = ",".join(COLUMNS)


# --- helpers ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def campaign():
    """The built-in campaign (languages en, es), the campaign every roster here is checked against."""
    return load_campaign()


def row(**cells: str) -> str:
    """One CSV line in COLUMNS order, quoted as a spreadsheet would; languages defaults to en."""
    cells.setdefault("languages", "en")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([cells.get(c, "") for c in COLUMNS])
    return buffer.getvalue()


def write_roster(folder: Path, *rows: str, header: str = HEADER, encoding: str = "utf-8") -> Path:
    path = folder / "schools.csv"
    path.write_bytes(("\n".join((header, *rows)) + "\n").encode(encoding))
    return path


def roster_problems(path: Path, campaign) -> list[Problem]:
    """The problems of the InputError that loading the roster must raise."""
    with pytest.raises(InputError) as info:
        load_roster(path, campaign)
    return info.value.problems


def error_at(problems: list[Problem], where: str, path: Path) -> str:
    """The message of the single error at `where`, checked to name the input file."""
    found = [p for p in problems if p.where == where and not p.warning]
    assert len(found) == 1, f"expected one error at {where!r}, got:\n" + "\n".join(map(str, problems))
    assert found[0].file == str(path.resolve())
    return found[0].message


def run(*args) -> Result:
    """Invoke the CLI; whatever happens, no Python traceback may reach the user."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def fails(*args) -> str:
    """Invoke the CLI, require exit 1 from a handled error (not an escaped exception), return the output."""
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result.output


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    """Each test builds with its own empty cache (the CLI's default cache folder follows XDG_CACHE_HOME)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return tmp_path / "xdg-cache"


def no_pdf_written(out: Path) -> bool:
    return not out.exists() or not list(out.rglob("*.pdf"))


@contextlib.contextmanager
def deadline(seconds: int):
    """Fail (instead of hanging the suite) if the block runs longer than `seconds`."""
    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- 1. roster CSV: encodings ----------------------------------------------------------------------

def test_utf8_bom_header_is_read(tmp_path, campaign):
    path = tmp_path / "schools.csv"
    path.write_bytes((HEADER + "\n" + row(name="Oak High") + "\n").encode("utf-8-sig"))
    schools, warnings = load_roster(path, campaign)
    assert [s.name for s in schools] == ["Oak High"] and warnings == []


def test_windows_1252_with_semicolons_loads_with_a_warning(tmp_path, campaign):
    cells = ["José Martí", "jose-marti", "", "", "", "Biblioteca, jueves", "", "", "es", "a4", "both", "high"]
    # Excel writes every column of the header in every row.
    path = write_roster(tmp_path, ";".join(cells + [""] * (len(COLUMNS) - len(cells))),
                        header=HEADER.replace(",", ";"), encoding="cp1252")
    schools, [warning] = load_roster(path, campaign)
    assert schools[0].name == "José Martí" and schools[0].meeting == "Biblioteca, jueves"
    assert warning.warning and warning.file == str(path.resolve()) and "Windows-1252" in warning.message


def test_utf16_with_bom_loads(tmp_path, campaign):
    path = tmp_path / "schools.csv"
    path.write_bytes((HEADER + "\r\n" + row(name="Escuela Martí") + "\r\n").encode("utf-16"))
    schools, _ = load_roster(path, campaign)
    assert schools[0].name == "Escuela Martí"


def test_bytes_neither_utf8_nor_windows_1252_name_the_line(tmp_path, campaign):
    path = tmp_path / "schools.csv"
    path.write_bytes((HEADER + "\n" + row(name="Oak High") + "\n").encode() + b"Pine \x81\x8d High,,,,,,,,en,,,\n")
    [problem] = roster_problems(path, campaign)
    assert problem.line == 3 and "neither UTF-8 nor Windows-1252" in problem.message
    assert str(problem).startswith(f"{path.resolve()}, line 3: is neither")


def test_double_encoded_accents_are_refused_at_their_line(tmp_path, campaign):
    path = write_roster(tmp_path, row(name="Oak High"), row(name="Escuela JosÃ© MartÃ­"))
    [problem] = roster_problems(path, campaign)
    assert problem.line == 3 and "'Ã©'" in problem.message and "CSV UTF-8" in problem.message
    assert str(problem).startswith(f"{path.resolve()}, line 3: contains")


# --- 1. roster CSV: structure ----------------------------------------------------------------------

def test_row_with_more_cells_than_the_header(tmp_path, campaign):
    path = write_roster(tmp_path, row(name="Oak High"), row(name="Pine High") + ",stray")
    assert f"{len(COLUMNS) + 1} cells but the header has {len(COLUMNS)}" in error_at(roster_problems(path, campaign), "row 3", path)


def test_newline_inside_a_quoted_field_is_kept(tmp_path, campaign):
    path = write_roster(tmp_path, row(name="Oak High", meeting="Room 12,\nThursdays 3:15"))
    [school], _ = load_roster(path, campaign)
    assert school.meeting == "Room 12,\nThursdays 3:15"


@pytest.mark.parametrize("formula", ["=cmd|' /C calc'!A0", "+SUM(1)", "@x"], ids=["dde", "plus", "at"])
def test_formula_looking_cells_are_plain_text(tmp_path, campaign, formula):
    path = write_roster(tmp_path, row(name=formula, club=formula))
    [school], _ = load_roster(path, campaign)
    assert (school.name, school.club) == (formula, formula)


@pytest.mark.parametrize("char", ["\u202e", "\u200b"], ids=["RLO", "ZWSP"])
def test_invisible_or_direction_character_in_name(tmp_path, campaign, char):
    path = write_roster(tmp_path, row(name=f"Oak{char} High"))
    message = error_at(roster_problems(path, campaign), "row 2, column A (name)", path)
    assert "invisible or text-direction" in message


@pytest.mark.parametrize("first, second", [
    ("Jos\u00e9 High", "Jose\u0301 High"),
    ("Lincoln High", "  lincoln   HIGH "),
], ids=["NFC-vs-NFD", "case-and-spaces"])
def test_same_school_twice(tmp_path, campaign, first, second):
    path = write_roster(tmp_path, row(name=first), row(name=second))
    message = error_at(roster_problems(path, campaign), "row 3, column A (name)", path)
    assert "is the same school as row 2" in message


def test_two_names_with_one_slug(tmp_path, campaign):
    path = write_roster(tmp_path, row(name="Lincoln High"), row(name="Lincoln-High"))
    message = error_at(roster_problems(path, campaign), "row 3, column B (slug)", path)
    assert "'lincoln-high' is also the output folder of row 2" in message


def test_explicit_slug_that_is_not_a_slug(tmp_path, campaign):
    path = write_roster(tmp_path, row(name="Oak High", slug="Bad Slug!"))
    message = error_at(roster_problems(path, campaign), "row 2, column B (slug)", path)
    assert "'Bad Slug!'" in message


@pytest.mark.parametrize("column, letter, value", [
    ("paper", "J", "legal"), ("audience", "K", "parents"), ("grade_band", "L", "elementary"),
])
def test_unknown_choice_value(tmp_path, campaign, column, letter, value):
    path = write_roster(tmp_path, row(name="Oak High", **{column: value}))
    message = error_at(roster_problems(path, campaign), f"row 2, column {letter} ({column})", path)
    assert f"{value!r} must be one of" in message


@pytest.mark.parametrize("content, where, fragment", [
    ("", "", "is empty"),
    (HEADER + "\n", "", "has a header but no schools"),
    ("school,slug\nOak High,oak\n", "row 1", "has no 'name' column"),
    ("name,club,languages,club\nOak High,GSA,en,GSA\n", "row 1, column D", "'club' appears again (first in column B)"),
], ids=["empty-file", "header-only", "no-name-column", "duplicate-column"])
def test_broken_file_structure(tmp_path, campaign, content, where, fragment):
    path = tmp_path / "schools.csv"
    path.write_text(content, encoding="utf-8")
    assert fragment in error_at(roster_problems(path, campaign), where, path)


@pytest.mark.parametrize("name, code", [("한국 학교", "U+D55C"), ("Rainbow 🌈 High", "U+1F308")], ids=["korean", "emoji"])
def test_name_the_bundled_fonts_cannot_print(tmp_path, campaign, name, code):
    path = write_roster(tmp_path, row(name=name))
    message = error_at(roster_problems(path, campaign), "row 2, column A (name)", path)
    assert "cannot be printed with the bundled fonts" in message and code in message


def test_huge_file_is_refused_before_parsing(tmp_path, campaign):
    path = tmp_path / "schools.csv"
    with path.open("wb") as f:
        f.seek(25 * 1024 * 1024)
        f.write(b"x")
    started = time.monotonic()
    assert "larger than 20 MB" in error_at(roster_problems(path, campaign), "", path)
    assert time.monotonic() - started < 2


def test_check_lists_five_row_problems_in_one_run(tmp_path):
    path = write_roster(tmp_path,
                        row(name="Oak High", contact_email="oak-at-example"),
                        row(name="Pine High", paper="legal"),
                        row(name="Elm High", slug="Elm!"),
                        row(name="Ash\u200b High"),
                        row(name="Fir High", languages="de"))
    output = fails("check", "--roster", path)
    assert "5 problems found" in output
    for where in ("row 2, column E (contact_email)", "row 3, column J (paper)", "row 4, column B (slug)",
                  "row 5, column A (name)", "row 6, column I (languages)"):
        assert f"{path.resolve()}: {where}: " in output, output


# --- 2. logos --------------------------------------------------------------------------------------

def noise_png(path: Path, size=(400, 400)) -> Path:
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(path)
    return path


def truncated_png(folder: Path) -> str:
    data = noise_png(folder / "whole.png").read_bytes()
    (folder / "logo.png").write_bytes(data[:len(data) * 6 // 10])
    return "logo.png"


def text_as_png(folder: Path) -> str:
    (folder / "logo.png").write_text("this is not a picture\n")
    return "logo.png"


def gif(folder: Path) -> str:
    Image.new("RGB", (400, 400), "purple").save(folder / "logo.gif")
    return "logo.gif"


def svg(folder: Path) -> str:
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400">'
                                     '<image href="file:///etc/passwd"/></svg>')
    return "logo.svg"


def bomb(folder: Path) -> str:
    Image.new("1", (9000, 9000)).save(folder / "logo.png")  # small on disk, 81 million pixels
    return "logo.png"


def symlink_out(folder: Path) -> str:
    (folder / "logo.png").symlink_to("/etc/passwd")
    return "logo.png"


@pytest.mark.parametrize("make, fragment", [
    (truncated_png, "is not a readable image"),
    (text_as_png, "is not a readable image"),
    (gif, "is a GIF image; use PNG or JPEG"),
    (svg, "is an SVG drawing"),
    (bomb, "has more than 40,000,000 pixels"),
    (symlink_out, "is outside the roster's folder"),
    (lambda folder: "/etc/hostname", "is outside the roster's folder"),
    (lambda folder: "missing.png", "does not exist"),
], ids=["truncated-png", "text-renamed-png", "gif", "svg", "decompression-bomb", "symlink-to-etc-passwd",
        "absolute-path", "missing"])
def test_bad_logo(tmp_path, campaign, make, fragment):
    value = make(tmp_path)
    path = write_roster(tmp_path, row(name="Oak High", logo=value, logo_alt="Oak leaf logo"))
    message = error_at(roster_problems(path, campaign), "row 2, column G (logo)", path)
    assert repr(value) in message and fragment in message


def cmyk_jpeg(folder: Path) -> str:
    Image.new("CMYK", (400, 400), (0, 200, 0, 50)).save(folder / "logo.jpg")
    return "logo.jpg"


def gray16_png(folder: Path) -> str:
    Image.new("I;16", (400, 400), 40000).save(folder / "logo.png")
    return "logo.png"


@pytest.mark.parametrize("make", [cmyk_jpeg, gray16_png], ids=["cmyk-jpeg", "16-bit-gray-png"])
def test_unusual_but_valid_logo_loads(tmp_path, campaign, make):
    value = make(tmp_path)
    path = write_roster(tmp_path, row(name="Oak High", logo=value, logo_alt="Oak leaf logo"))
    [school], warnings = load_roster(path, campaign)
    assert school.logo == (tmp_path / value).resolve() and warnings == []


@pytest.mark.parametrize("make", [
    pytest.param(cmyk_jpeg, id="cmyk-jpeg"),
])
def test_packet_with_unusual_logo_builds(tmp_path, make):
    value = make(tmp_path)
    path = write_roster(tmp_path, row(name="Oak Leaf High", slug="oak", logo=value, logo_alt="Oak leaf logo"))
    out = tmp_path / "out"
    result = run("build", "--roster", path, "--out", out, "--school", "oak")
    assert result.exit_code == 0, result.output
    cover = " ".join(PdfReader(out / "oak" / "en" / "packet.pdf").pages[0].extract_text().split())
    assert "Oak Leaf High" in cover


def test_tiny_logo_loads_with_a_ppi_warning(tmp_path, campaign):
    noise_png(tmp_path / "logo.png", (40, 40))
    path = write_roster(tmp_path, row(name="Oak High", logo="logo.png", logo_alt="Oak leaf logo"))
    [school], [warning] = load_roster(path, campaign)
    assert school.logo is not None
    assert warning.warning and warning.where == "row 2, column G (logo)" and "ppi" in warning.message


def test_logo_without_alt_text(tmp_path, campaign):
    noise_png(tmp_path / "logo.png")
    path = write_roster(tmp_path, row(name="Oak High", logo="logo.png"))
    message = error_at(roster_problems(path, campaign), "row 2, column H (logo_alt)", path)
    assert "alt text" in message


# --- 3. campaign TOML ------------------------------------------------------------------------------

@pytest.fixture
def toml(tmp_path) -> Path:
    """A copy of the built-in campaign.toml alone in a folder."""
    path = tmp_path / "campaign.toml"
    shutil.copyfile(DEFAULT_TOML, path)
    return path


def before_days(text: str) -> str:
    return text[:text.index("[[days]]")]


def sub_once(pattern: str, new: str):
    def edit(text: str) -> str:
        result, count = re.subn(pattern, new, text, count=1, flags=re.MULTILINE)
        assert count == 1, pattern
        return result
    return edit


@pytest.mark.parametrize("edit, where, fragment", [
    pytest.param(lambda t: 'days = ["black-lgbtq"]\n' + before_days(t), "days[0]", "must be a table, not text",
                 id="day-is-a-string"),
    pytest.param(lambda t: before_days(t) + '[days]\nslug = "black-lgbtq"\n', "days", "one or more [[days]] tables",
                 id="days-is-a-table"),
    pytest.param(sub_once(r'^why = "Black LGBTQ\+ people.*\n', ""), "days[0].text.en.why", "is required",
                 id="text-missing-why"),
    pytest.param(sub_once(r'^actions = \[\n(?:  ".*",\n){3}\]', 'actions = "Build a display."'),
                 "days[0].text.en.actions", "must be a list of 3 texts, not text", id="actions-is-a-string"),
    pytest.param(sub_once(r'^languages = \["en", "es", "fr", "vi", "ar", "zh-Hans"\]', 'languages = "en"'),
                 "campaign.languages", "must be a list of language codes", id="languages-is-a-string"),
    pytest.param(sub_once(r'^languages = \["en", "es", "fr", "vi", "ar", "zh-Hans"\]', 'languages = ["en", "es", "en"]'),
                 "campaign.languages", "lists 'en' twice", id="language-twice"),
    pytest.param(sub_once(r'^color = "#8B1E3F"', "color = 0x8B1E3F"), "days[0].color", "must be text, not a number",
                 id="integer-color"),
])
def test_campaign_shape_mistake(toml, edit, where, fragment):
    toml.write_text(edit(toml.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_campaign(toml)
    assert fragment in error_at(info.value.problems, where, toml)


def make_pdf(path: Path, pages: int = 1) -> Path:
    with pikepdf.new() as pdf:
        for _ in range(pages):
            pdf.add_blank_page(page_size=(612, 792))
        pdf.save(path)
    return path


def add_excerpt(toml: Path, source: str, pages: str = "1", audience: str = "educator") -> None:
    with toml.open("a", encoding="utf-8") as f:
        f.write(f'\n[[excerpts]]\nsource = "{source}"\npages = "{pages}"\ntitle = "Handout"\naudience = "{audience}"\n')


def excerpt_error(toml: Path, where: str) -> str:
    with pytest.raises(InputError) as info:
        load_campaign(toml)
    return error_at(info.value.problems, where, toml)


def test_excerpt_for_an_unknown_audience(toml):
    make_pdf(toml.parent / "handout.pdf")
    add_excerpt(toml, "handout.pdf", audience="parents")
    assert "not 'parents'" in excerpt_error(toml, "excerpts[0].audience")


def test_campaign_file_with_a_utf8_bom_loads(toml):
    """Windows editors add a BOM; it is skipped like in rosters."""
    toml.write_bytes(b"\xef\xbb\xbf" + toml.read_bytes())
    assert len(load_campaign(toml).days) == 5


def test_directory_as_campaign_file_through_the_api(tmp_path):
    with pytest.raises(InputError) as info:
        load_campaign(tmp_path)
    [problem] = info.value.problems
    assert problem.file == str(tmp_path.resolve() / "campaign.toml") and "not found" in problem.message


def test_directory_as_campaign_file_through_the_cli(tmp_path):
    """A folder stands for the campaign.toml inside it; an empty folder has none."""
    output = fails("check", "--campaign", tmp_path)
    assert str(tmp_path) in output


@pytest.fixture
def guide_file(toml) -> Path:
    """The campaign folder gets its own copy of the built-in guide; returns one English section to break."""
    shutil.copytree(DEFAULT_CAMPAIGN / "guide", toml.parent / "guide")
    return toml.parent / "guide" / "en" / "03-organizing-the-week.md"


@pytest.mark.parametrize("edit, line, fragment", [
    (lambda t: t.split("+++\n", 2)[2], 1, "must start with front matter"),
    (lambda t: re.sub(r'^audience = ".*"', 'audience = "parents"', t, count=1, flags=re.MULTILINE), 2,
     "front matter must be only audience"),
    (lambda t: re.sub(r"^# ", "", t, count=1, flags=re.MULTILINE), 4, "must open with a '# Title' heading"),
], ids=["no-front-matter", "bad-audience", "no-title"])
def test_broken_guide_section(toml, guide_file, edit, line, fragment):
    text = guide_file.read_text(encoding="utf-8")
    assert text.splitlines()[:4][1].startswith("audience = ") and text.splitlines()[3].startswith("# ")
    guide_file.write_text(edit(text), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_campaign(toml)
    # The problem names the section's own file and line, not campaign.toml.
    [problem] = [p for p in info.value.problems if not p.warning]
    assert (problem.file, problem.line) == (str(guide_file.resolve()), line) and fragment in problem.message
    assert str(problem).startswith(f"{guide_file.resolve()}, line {line}: ")


# --- 4. the organizer's own PDFs -------------------------------------------------------------------

def raw_pdf(*objects: bytes) -> bytes:
    """A PDF file written by hand, object 1 the catalog, with a correct cross-reference table."""
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> /Contents 4 0 R >>"


@pytest.mark.parametrize("tree", [
    (b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>", PAGE),
    (b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"),
], ids=["pages-lists-itself", "two-node-cycle"])
def test_cyclic_page_tree_is_damaged_not_a_hang(toml, tree):
    (toml.parent / "loop.pdf").write_bytes(raw_pdf(CATALOG, *tree, b"<< /Length 0 >>\nstream\n\nendstream"))
    add_excerpt(toml, "loop.pdf")
    with deadline(20):
        message = excerpt_error(toml, "excerpts[0].source")
    assert "'loop.pdf' is damaged or not a PDF" in message


def lying_length_pdf(folder: Path) -> None:
    content = b"0 0 m 300 300 l S"
    (folder / "lying.pdf").write_bytes(raw_pdf(
        CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", PAGE,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content) + 40, content)))


def test_lying_stream_length_is_reported_as_damaged(toml):
    lying_length_pdf(toml.parent)
    add_excerpt(toml, "lying.pdf")
    assert "'lying.pdf' is damaged" in excerpt_error(toml, "excerpts[0].source")


def test_lying_stream_length_build_writes_nothing(toml, tmp_path):
    lying_length_pdf(toml.parent)
    add_excerpt(toml, "lying.pdf")
    out = tmp_path / "out"
    assert "damaged" in fails("build", "--campaign", toml, "--out", out, "--only", "excerpts")
    assert no_pdf_written(out)


def flate_bomb_pdf(path: Path) -> None:
    """One page whose content stream is 200 MB of zeros, about 200 KB compressed."""
    squeeze = zlib.compressobj(9)
    data = b"".join(squeeze.compress(bytes(1 << 20)) for _ in range(200)) + squeeze.flush()
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(612, 792))
        stream = pikepdf.Stream(pdf, b"")
        stream.write(data, filter=pikepdf.Name.FlateDecode)
        pdf.pages[0].obj.Contents = pdf.make_indirect(stream)
        pdf.save(path, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    assert path.stat().st_size < 1024 * 1024


def test_flate_bomb_excerpt_is_checked_quickly(toml):
    flate_bomb_pdf(toml.parent / "bomb.pdf")
    add_excerpt(toml, "bomb.pdf")
    with deadline(20):
        result = run("check", "--campaign", toml)
    assert result.exit_code in (0, 1), result.output
    assert result.exit_code == 0 or "bomb.pdf" in result.output


MEASURED_BUILD = """
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from solidarity_print.build import BuildOptions, build
from solidarity_print.errors import SolidarityError
try:
    with ThreadPoolExecutor(1) as executor:  # in this process, so that its peak memory is the build's
        build(Path(sys.argv[1]), Path(sys.argv[2]), BuildOptions(only=("excerpts",)), executor=executor)
    code = 0
except SolidarityError as exc:
    print(exc, file=sys.stderr)
    code = 1
# VmHWM is this program's own peak: ru_maxrss would also count the pytest process it was forked from
# (Linux keeps the larger maxrss across exec), which is over 200 MB late in a whole-suite run.
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print("MAXRSS_KB", peak, file=sys.stderr)
sys.exit(code)
"""


def test_flate_bomb_excerpt_builds_in_bounded_time_and_memory(toml, tmp_path):
    flate_bomb_pdf(toml.parent / "bomb.pdf")
    add_excerpt(toml, "bomb.pdf")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", MEASURED_BUILD, str(toml), str(out)],
                          capture_output=True, text=True, timeout=30)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0 or (done.returncode == 1 and no_pdf_written(out)), done.stderr
    max_rss_mb = int(re.search(r"MAXRSS_KB (\d+)", done.stderr).group(1)) // 1024
    assert max_rss_mb < 200, f"the build peaked at {max_rss_mb} MB (200 MB of zeros were inflated?)"


def active_content_pdf(path: Path, *, chained_link: bool = False) -> None:
    """One page carrying every kind of active content, plus one plain https link that must survive."""
    D, N, S = pikepdf.Dictionary, pikepdf.Name, pikepdf.String
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(612, 792))
        page = pdf.pages[0].obj
        js = lambda: pdf.make_indirect(D(S=N.JavaScript, JS=S("app.alert('pwned')")))
        attachment = pdf.make_stream(b"secret attachment", Type=N.EmbeddedFile)
        filespec = pdf.make_indirect(D(Type=N.Filespec, F=S("secret.txt"), UF=S("secret.txt"), EF=D(F=attachment)))
        pdf.Root.OpenAction = js()
        pdf.Root.Names = D(EmbeddedFiles=D(Names=pikepdf.Array([S("secret.txt"), filespec])))
        page.AA = D(O=js())
        rect = pikepdf.Array([72, 72, 144, 144])
        web = D(S=N.URI, URI=S("https://www.glsen.org/"))
        if chained_link:
            web.Next = js()
        page.Annots = pdf.make_indirect(pikepdf.Array([
            pdf.make_indirect(D(Type=N.Annot, Subtype=N.Link, Rect=rect, A=js())),
            pdf.make_indirect(D(Type=N.Annot, Subtype=N.FileAttachment, Rect=rect, FS=filespec, Contents=S("x"))),
            pdf.make_indirect(D(Type=N.Annot, Subtype=N.Link, Rect=rect, A=web)),
        ]))
        pdf.save(path)


def active_content_left(pdf: pikepdf.Pdf) -> list[str]:
    """Every trace of active content or attachments anywhere in the file."""
    found = [key for key in ("/OpenAction", "/Names", "/AA") if key in pdf.Root]
    for obj in pdf.objects:
        d = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
        if not isinstance(d, pikepdf.Dictionary):
            continue
        found += [key for key in ("/JS", "/AA", "/EmbeddedFiles", "/EF") if key in d]
        found += [str(d[key]) for key in ("/S", "/Subtype", "/Type") if key in d and
                  str(d[key]) in ("/JavaScript", "/FileAttachment", "/EmbeddedFile", "/Launch")]
    return found


def build_excerpts(toml: Path, out: Path) -> pikepdf.Pdf:
    result = run("build", "--campaign", toml, "--out", out, "--only", "excerpts")
    assert result.exit_code == 0, result.output
    return pikepdf.open(out / "excerpts" / "handout.pdf")


def test_active_content_is_stripped_from_excerpts_and_web_links_kept(toml, tmp_path):
    active_content_pdf(toml.parent / "active.pdf")
    add_excerpt(toml, "active.pdf")
    with build_excerpts(toml, tmp_path / "out") as pdf:
        assert active_content_left(pdf) == []
        links = [str(a.A.URI) for a in pdf.pages[0].obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        assert links == ["https://www.glsen.org/"]


def test_javascript_chained_after_a_web_link_is_stripped(toml, tmp_path):
    active_content_pdf(toml.parent / "active.pdf", chained_link=True)
    add_excerpt(toml, "active.pdf")
    with build_excerpts(toml, tmp_path / "out") as pdf:
        assert active_content_left(pdf) == []


def test_encrypted_excerpt_with_empty_user_password_is_refused(toml, tmp_path):
    """Its author protected it: copying pages out would drop their restrictions, so it is refused."""
    make_pdf(toml.parent / "handout-src.pdf", pages=2)
    with pikepdf.open(toml.parent / "handout-src.pdf") as pdf:
        pdf.save(toml.parent / "locked.pdf", encryption=pikepdf.Encryption(owner="owner", user=""))
    add_excerpt(toml, "locked.pdf", pages="2")
    assert "protected by its author" in excerpt_error(toml, "excerpts[0].source")


@pytest.mark.parametrize("spec", ["0", "-1", "1-", "a", "1,,2"])
def test_malformed_page_spec(toml, spec):
    make_pdf(toml.parent / "handout.pdf", pages=3)
    add_excerpt(toml, "handout.pdf", pages=spec)
    assert f"{spec!r} is not a page range" in excerpt_error(toml, "excerpts[0].pages")


# --- 5. template overrides -------------------------------------------------------------------------

def page(head: str = "", body: str = "") -> str:
    """A standalone poster template that passes the accessibility audit (lang and title)."""
    return ('<!DOCTYPE html>\n<html lang="{{ lang }}">\n<head>\n<meta charset="utf-8">\n<title>{{ doc_title }}</title>\n'
            f"{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def build_posters_with(toml: Path, tmp_path: Path, poster_html: str) -> tuple[str, Path]:
    """Build the English posters with an overridden poster.html; must fail with exit 1 and write no PDF."""
    templates = toml.parent / "overrides" / "templates"
    templates.mkdir(parents=True)
    (templates / "poster.html").write_text(poster_html, encoding="utf-8")
    out = tmp_path / "out"
    output = fails("build", "--campaign", toml, "--out", out, "--lang", "en", "--only", "posters")
    assert "poster.html" in output
    assert no_pdf_written(out)
    return output, out


def test_template_syntax_error_names_the_line(toml, tmp_path):
    html = page(body="<p>fine</p>\n<p>{% if %}</p>")
    line = html.splitlines().index("<p>{% if %}</p>") + 1
    output, _ = build_posters_with(toml, tmp_path, html)
    assert f"poster.html, line {line}: template syntax error" in output


def test_template_using_an_undefined_variable(toml, tmp_path):
    output, _ = build_posters_with(toml, tmp_path, page(body="<p>{{ no_such_value }}</p>"))
    assert "no_such_value" in output and "does not exist" in output


@pytest.mark.parametrize("payload", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "{{ self.__init__.__globals__ }}{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch MARKER') }}",
], ids=["subclasses", "cycler-globals-os", "self-globals"])
def test_sandbox_escape_is_stopped(toml, tmp_path, payload):
    marker = tmp_path / "pwned"
    output, _ = build_posters_with(toml, tmp_path, page(body=f"<p>{payload.replace('MARKER', str(marker))}</p>"))
    assert "sandbox" in output
    assert not marker.exists()


ETC_PASSWD = Path("/etc/passwd").read_bytes()


@pytest.mark.parametrize("head, body, url", [
    ("", '<img src="file:///etc/passwd" alt="x">', "file:///etc/passwd"),
    ("<style>@import url(file:///etc/passwd);</style>", "<p>x</p>", "file:///etc/passwd"),
    ('<link rel="attachment" href="file:///etc/passwd">', "<p>x</p>", "file:///etc/passwd"),
    pytest.param("", '<svg aria-label="x" width="10" height="10"><image href="file:///etc/passwd" width="10" '
                 'height="10"/></svg>', "file:///etc/passwd", id="svg-image"),
    ('<style>@font-face { font-family: "Leak"; src: url(file:///etc/passwd); } p { font-family: "Leak"; }</style>',
     "<p>x</p>", "file:///etc/passwd"),
    ('<link rel="stylesheet" href="http://127.0.0.1:9/x.css">', "<p>x</p>", "http://127.0.0.1:9/x.css"),
], ids=["img", "css-import", "link-attachment", "svg-image", "font-face", "network-stylesheet"])
def test_template_reaching_outside_is_refused(toml, tmp_path, cache, head, body, url):
    output, out = build_posters_with(toml, tmp_path, page(head, body))
    written = [f for folder in (out, cache) if folder.exists() for f in folder.rglob("*") if f.is_file()]
    assert [f for f in written if ETC_PASSWD in f.read_bytes()] == []
    assert url in output

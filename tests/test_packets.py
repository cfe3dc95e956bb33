"""Per-school packets from real rosters: exact names, contents, outline, labels, footers, tags, duplex."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import page as page_validation
import pikepdf
import pytest
from click.testing import CliRunner
from conftest import struct_pages
from PIL import Image, ImageDraw
from pypdf import PdfReader

from solidarity_print.cli import cli
from solidarity_print.resources import DEFAULT_CAMPAIGN

SMITH = "Smith & Jones <Middle> School"
MARTI = "Escuela Secundaria José Martí"
LE_LOI = "Trường Trung học Lê Lợi"
LONG = ("The Extraordinarily Long-Named Thurgood Marshall Academy for Science, Technology, Engineering, "
        "Arts and Mathematics of the Greater Riverside Unified School District")
HEADER = "Name,Slug,Club,Contact Name,Contact_Email,Meeting,Logo,Logo Alt,Languages,Paper,Audience,Grade Band"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def make_logo(path: Path) -> None:
    image = Image.new("RGB", (400, 400), "#6B2C91")
    ImageDraw.Draw(image).ellipse((60, 60, 340, 340), fill="white")
    image.save(path)


@pytest.fixture(scope="session")
def rosters(tmp_path_factory) -> Path:
    """A campaign folder with an excerpt PDF, a UTF-8-with-BOM comma roster and a Windows-1252 semicolon roster."""
    folder = tmp_path_factory.mktemp("district")
    campaign = (DEFAULT_CAMPAIGN / "campaign.toml").read_text(encoding="utf-8")
    (folder / "guides").mkdir()
    with pikepdf.new() as pdf:
        for _ in range(4):
            pdf.add_blank_page(page_size=(612, 792))
        pdf.save(folder / "guides" / "educator-guide.pdf")
    campaign += ('\n[[excerpts]]\nsource = "guides/educator-guide.pdf"\npages = "2-3"\n'
                 'title = "Responding to harassment"\naudience = "educator"\n')
    (folder / "campaign.toml").write_text(campaign, encoding="utf-8")
    make_logo(folder / "logo.png")
    rows = [HEADER,
            f'{SMITH},,Smith & Jones GSA,Pat Lee,plee@example.org,"Room 12,\nThursdays 3:15",logo.png,'
            'Purple circle logo of the Smith & Jones GSA,en,letter,student,middle',
            f"{LE_LOI},le-loi,Le Loi Pride,Minh Nguyen,minh@example.org,,,,en,letter,educator,high",
            f'"{LONG}",marshall,,,,,,,en,letter,both,high']
    (folder / "schools-bom.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8-sig"))
    semicolon = [HEADER.replace(",", ";"),
                 f"{MARTI};jose-marti;Club de Solidaridad;María López;mlopez@example.org;Biblioteca, jueves;;;es;a4;both;high"]
    (folder / "schools-excel.csv").write_bytes(("\r\n".join(semicolon) + "\r\n").encode("cp1252"))
    return folder


@pytest.fixture(scope="session")
def district(rosters) -> Path:
    """Both rosters built into one output folder."""
    out = rosters / "out"
    for roster in ("schools-bom.csv", "schools-excel.csv"):
        result = run("build", "--campaign", str(rosters / "campaign.toml"), "--roster", str(rosters / roster), "--out", str(out / roster))
        assert result.exit_code == 0, result.output
    return out


def packets(district: Path) -> list[tuple[Path, dict]]:
    found = []
    for manifest in district.glob("*/manifest.json"):
        found += [(manifest.parent / e["path"], e) for e in json.loads(manifest.read_text())["files"] if e["kind"] == "packet"]
    return sorted(found, key=lambda item: item[1]["path"])


def flat(text: str) -> str:
    return " ".join(text.split())


def test_each_school_gets_one_packet_per_language(district):
    got = {(e["school"], e["lang"]) for _, e in packets(district)}
    assert got == {("smith-jones-middle-school", "en"), ("le-loi", "en"), ("marshall", "en"), ("jose-marti", "es")}
    for path, entry in packets(district):
        assert path == district / ("schools-bom.csv" if entry["school"] != "jose-marti" else "schools-excel.csv") / entry["school"] / entry["lang"] / "packet.pdf"
        assert (path.parent / "flyers" / "black-lgbtq.pdf").is_file() and (path.parent / "posters" / "week-at-a-glance.pdf").is_file()


def test_cover_prints_the_name_exactly_as_written(district):
    names = {"smith-jones-middle-school": SMITH, "le-loi": LE_LOI, "marshall": LONG, "jose-marti": MARTI}
    for path, entry in packets(district):
        assert entry["school_name"] == names[entry["school"]]
        cover = flat(PdfReader(path).pages[0].extract_text())
        assert names[entry["school"]] in cover, cover
        assert entry["title"].endswith(f" — {names[entry['school']]}")
        with pikepdf.open(path) as pdf:
            assert str(pdf.docinfo.Title) == entry["title"]
    smith = next(p for p, e in packets(district) if e["school"] == "smith-jones-middle-school")
    assert "Room 12, Thursdays 3:15" in flat(PdfReader(smith).pages[0].extract_text())


def test_these_schools_are_all_drawn_onto_shared_renders_with_their_logo_tagged(district):
    """A line break in a cell, a Vietnamese name (drawn in Noto Sans) and a 150-character name all
    take the fast path; the logo is a Figure with its alt text."""
    assert {e["school"]: e["shared_render"] for _, e in packets(district)} == dict.fromkeys(
        ("smith-jones-middle-school", "le-loi", "marshall", "jose-marti"), True)
    smith = next(p for p, e in packets(district) if e["school"] == "smith-jones-middle-school")
    with pikepdf.open(smith) as pdf:
        figures = [e for e in struct_elements(pdf) if e.get("/S") == "/Figure" and e.get("/Pg") == pdf.pages[0].obj]
        assert [str(e.Alt) for e in figures if "/Alt" in e and "Purple circle" in str(e.Alt)] == \
            ["Purple circle logo of the Smith & Jones GSA"]
    le_loi = next(p for p, e in packets(district) if e["school"] == "le-loi")
    with pikepdf.open(le_loi) as pdf:
        overlay = pdf.pages[0].obj.Contents[-1].read_bytes()
        assert b"/H1 <</MCID" in overlay and b"/SPNB" in overlay  # the name, tagged, in Noto Sans


def struct_elements(pdf: pikepdf.Pdf) -> list:
    found, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type", pikepdf.Name.StructElem) == pikepdf.Name.StructElem \
                    and "/S" in kid:
                found.append(kid)
                stack.append(kid)
    return found


def test_manifest_pages_and_piece_ranges_match_the_file(district):
    for path, entry in packets(district):
        reader = PdfReader(path)
        assert entry["pages"] == len(reader.pages)
        pieces = entry["pieces"]
        assert [p["kind"] for p in pieces[:2]] == ["cover", "contents"]
        assert pieces[0]["first"] == 1 and pieces[-1]["last"] == entry["pages"]
        for before, after in zip(pieces, pieces[1:]):
            assert after["first"] > before["last"]
            assert after["first"] <= before["last"] + 2  # at most one blank page between pieces
        # Posters keep their own size inside the packet: A3 for the A4 school, tabloid for the others.
        poster_size = (842, 1191) if entry["paper"] == "a4" else (792, 1224)
        for piece in pieces:
            if piece["kind"] == "poster":  # tabloid, or A3 for a school on A4
                box = reader.pages[piece["first"] - 1].mediabox
                assert (round(float(box.width)), round(float(box.height))) == poster_size


def test_outline_has_one_entry_per_piece_with_its_headings_nested(district):
    for path, entry in packets(district):
        with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
            top = [(item.title, len(item.children)) for item in outline.root]
        assert [title for title, _ in top] == [p["title"] for p in entry["pieces"]]
        guide_entries = [children for (title, children), p in zip(top, entry["pieces"]) if p["kind"] == "guide"]
        assert guide_entries and all(children >= 3 for children in guide_entries)


def test_page_labels_are_roman_then_arabic(district):
    for path, entry in packets(district):
        labels = PdfReader(path).page_labels
        assert labels[:3] == ["i", "ii", "1"]
        assert labels[-1] == str(entry["pages"] - 2)


def test_contents_page_numbers_match_where_pieces_start(district):
    for path, entry in packets(district):
        lines = [flat(l) for l in PdfReader(path).pages[1].extract_text().splitlines() if flat(l)]
        listed = {}
        for line in lines:
            match = re.match(r"^(.*\S)\s+(\d+)$", line)
            if match:
                listed[match.group(1)] = int(match.group(2))
        for piece in entry["pieces"][2:]:
            assert listed.get(piece["title"]) == piece["first"] - 2, (piece, listed)


def test_letter_and_a4_pages_carry_the_school_and_page_number(district):
    for path, entry in packets(district):
        reader = PdfReader(path)
        total = entry["pages"] - 2
        for piece in entry["pieces"]:
            if piece["kind"] in ("flyer", "guide"):
                text = flat(reader.pages[piece["first"] - 1].extract_text())
                number = piece["first"] - 2
                word = "página" if entry["lang"] == "es" else "page"
                connector = "de" if entry["lang"] == "es" else "of"
                assert f"{entry['school_name']} — {word} {number} {connector} {total}" in text


def test_packets_are_tagged_pdf_ua_with_every_page_in_the_tree(district):
    for path, entry in packets(district):
        report = page_validation.validate_pdf(str(path), profile="ua1")
        assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures][:3]
        result = subprocess.run([shutil.which("qpdf") or "qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.Lang) == entry["lang"]
            reached = struct_pages(pdf)
            untagged = [n for n, p in enumerate(pdf.pages, 1) if p.obj.objgen not in reached]
            for page in pdf.pages:
                for font in page.Resources.get("/Font", {}).values():
                    for d in font.get("/DescendantFonts", [font]):
                        assert "/FontFile2" in d.FontDescriptor or "/FontFile3" in d.FontDescriptor
        assert untagged == entry["untagged_pages"]
        assert entry["tagged"] == (not untagged)


def test_user_excerpt_pages_go_to_educators_and_are_marked_untagged(district):
    by_school = {e["school"]: e for _, e in packets(district)}
    assert by_school["smith-jones-middle-school"]["untagged_pages"] == []  # a student packet
    assert by_school["jose-marti"]["untagged_pages"] == []  # a Spanish packet; the excerpt is English
    for school in ("le-loi", "marshall"):
        entry = by_school[school]
        excerpt = [p for p in entry["pieces"] if p["kind"] == "excerpt"]
        assert [(p["title"], p["last"] - p["first"] + 1) for p in excerpt] == [("Responding to harassment", 2)]
        assert entry["untagged_pages"] == [excerpt[0]["first"], excerpt[0]["last"]]


def test_audience_decides_the_guides(district):
    kinds = {e["school"]: [p["title"] for p in e["pieces"] if p["kind"] == "guide"] for _, e in packets(district)}
    assert kinds["smith-jones-middle-school"] == ["Student Guide"]
    assert kinds["le-loi"] == ["Educator Guide"]
    assert kinds["marshall"] == ["Student Guide", "Educator Guide"]
    assert kinds["jose-marti"] == ["Guía para estudiantes", "Guía para docentes"]


def test_duplex_starts_every_piece_on_a_right_hand_page_and_fit_draws_posters_on_the_paper(rosters, tmp_path):
    out = tmp_path / "duplex"
    result = run("build", "--campaign", str(rosters / "campaign.toml"), "--roster", str(rosters / "schools-bom.csv"),
                 "--school", "marshall", "--duplex", "--posters", "fit", "--out", str(out))
    assert result.exit_code == 0, result.output
    entry, = [e for e in json.loads((out / "manifest.json").read_text())["files"] if e["kind"] == "packet"]
    reader = PdfReader(out / entry["path"])
    assert all(p["first"] % 2 == 1 for p in entry["pieces"] if p["kind"] not in ("contents",))
    starts = {p["first"] for p in entry["pieces"]}
    blanks = [n for n in range(1, entry["pages"] + 1) if n not in starts
              and not any(p["first"] <= n <= p["last"] for p in entry["pieces"])]
    assert blanks, "this packet needs blank pages to start pieces on the right"
    for n in blanks:
        assert "This page intentionally left blank" in flat(reader.pages[n - 1].extract_text())
    for piece in entry["pieces"]:
        if piece["kind"] == "poster":
            box = reader.pages[piece["first"] - 1].mediabox
            assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    report = page_validation.validate_pdf(str(out / entry["path"]), profile="ua1")
    assert report.is_compliant


def test_bad_roster_lists_every_problem_by_row_and_column_and_writes_nothing(rosters, tmp_path):
    roster = tmp_path / "bad.csv"
    roster.write_text("\n".join([
        HEADER,
        ",empty-name,,,,,,,en,letter,both,high",
        "Lincoln High,,,,not-an-email,,,,en,letter,both,high",
        "lincoln  HIGH,,,,,,,,en,letter,both,high",
        "Oak Middle,,,,,,,,de,letter,both,middle",
        "Pine High,,,,,,../../../../etc/passwd,Pine logo,en,letter,both,high",
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", "--roster", str(roster), "--out", str(out))
    assert result.exit_code == 1
    expected = ["row 2, column A (name)", "row 3, column E (contact_email)", "row 4, column A (name)",
                "row 5, column I (languages)", "row 6, column G (logo)"]
    for where in expected:
        assert where in result.output, result.output
    assert "is the same school as row 3" in result.output and "outside the roster's folder" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()

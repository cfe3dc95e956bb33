"""--print-shop on real output: PDF/X-4 files with bleed, crop marks and boxes, and the job ticket."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from click.testing import CliRunner
from PIL import Image

from solidarity_print.cli import cli
from solidarity_print.errors import InputError
from solidarity_print.inputs.config import load_campaign
from solidarity_print.inputs.roster import load_roster
from solidarity_print.inputs.scaffold import new_campaign

US_BLEED, ISO_BLEED = 9.0, 3 * 72 / 25.4
DEFAULTS = "poster_copies = 3\nflyer_copies = 50\n"
ROSTER = """name,slug,club,paper,logo,logo_alt,poster_copies,flyer_copies,packet_copies
Lincoln High,lincoln,Lincoln GSA,letter,logo.png,Rainbow square,4,200,2
Escuela Martí,marti,Club de Solidaridad,a4,,,,,
=SUM(A1) Academy,sum-academy,,letter,,,0,,
"""


def campaign_with_defaults(folder: Path, defaults: str = DEFAULTS) -> Path:
    """The built-in campaign as an editable folder, its [defaults] giving copies."""
    new_campaign(folder)
    toml = folder / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("[defaults]", "[defaults]\n" + defaults, 1), encoding="utf-8")
    return toml


def square_logo(path: Path, pixels: int) -> None:
    Image.new("RGB", (pixels, pixels), (120, 40, 160)).save(path)


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A three-school roster built in English with --print-shop: (out folder, CLI output, campaign)."""
    folder = tmp_path_factory.mktemp("shop")
    toml = campaign_with_defaults(folder / "campaign")
    square_logo(folder / "logo.png", 300)  # 200 ppi at the cover's 1.5 in: a warning, not an error
    (folder / "schools.csv").write_text(ROSTER, encoding="utf-8")
    out = folder / "out"
    result = CliRunner().invoke(cli, ["build", "--campaign", str(toml), "--roster", str(folder / "schools.csv"),
                                      "--lang", "en", "--print-shop", "--out", str(out), "--no-cache"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.output, load_campaign(toml)


def manifest_of(out: Path) -> list[dict]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]


def shop_entries(out: Path) -> list[dict]:
    return [entry for entry in manifest_of(out) if entry["kind"] == "print-shop"]


def box(page, name: str) -> tuple[float, ...]:
    return tuple(float(v) for v in page.obj[name])


def test_every_poster_flyer_and_packet_has_a_print_shop_file(shop):
    out, _, _ = shop
    screen = {e["path"]: e for e in manifest_of(out) if e["kind"] in ("poster", "flyer", "packet")}
    shops = shop_entries(out)
    assert sorted(e["screen_file"] for e in shops) == sorted(screen)
    for entry in shops:
        source = screen[entry["screen_file"]]
        assert entry["purpose"] == "print" and source["purpose"] == "screen"
        assert entry["path"] == f"{source['school']}/print/shop/{source['path'].split('/', 1)[1]}"
        assert entry["pages"] == source["pages"] and entry["piece"] == source["kind"]
        assert (out / entry["path"]).is_file()


def test_trim_box_is_the_page_and_bleed_box_is_larger_by_the_bleed(shop):
    out, _, _ = shop
    for entry in shop_entries(out):
        with pikepdf.open(out / entry["screen_file"]) as screen, pikepdf.open(out / entry["path"]) as printed:
            assert len(printed.pages) == len(screen.pages)
            for original, page in zip(screen.pages, printed.pages):
                x0, y0, x1, y1 = box(original, "/MediaBox")
                media, bleed_box, trim = box(page, "/MediaBox"), box(page, "/BleedBox"), box(page, "/TrimBox")
                assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx((x1 - x0, y1 - y0), abs=0.002)
                bleed = ISO_BLEED if entry["school"] == "marti" else US_BLEED
                assert bleed_box == pytest.approx((trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed),
                                                  abs=0.002)
                assert media[0] < bleed_box[0] and media[1] < bleed_box[1]
                assert media[2] > bleed_box[2] and media[3] > bleed_box[3]
        assert entry["bleed"] == pytest.approx(ISO_BLEED if entry["school"] == "marti" else US_BLEED, abs=0.001)


def test_a_tabloid_poster_is_trimmed_to_tabloid_with_an_eighth_inch_bleed(shop):
    out, _, _ = shop
    with pikepdf.open(out / "lincoln/print/shop/en/posters/black-lgbtq.pdf") as pdf:
        trim, bleed = box(pdf.pages[0], "/TrimBox"), box(pdf.pages[0], "/BleedBox")
    assert (trim[2] - trim[0], trim[3] - trim[1]) == (792, 1224)
    assert (bleed[2] - bleed[0], bleed[3] - bleed[1]) == (810, 1242)


def test_print_shop_files_identify_as_pdf_x4_with_an_output_intent(shop):
    out, _, campaign = shop
    for entry in shop_entries(out)[::5]:
        with pikepdf.open(out / entry["path"]) as pdf:
            meta = pdf.open_metadata()
            assert meta["{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"] == "PDF/X-4"
            assert meta["pdf:Trapped"] == "False"
            assert meta["xmp:CreateDate"].startswith(campaign.start.isoformat())
            assert str(pdf.docinfo.Trapped) == "/False"
            assert str(pdf.docinfo.CreationDate).startswith(f"D:{campaign.start:%Y%m%d}")
            assert pdf.pdf_version == "1.6" and meta["dc:title"] == str(pdf.docinfo.Title) == entry["title"]
            if entry["school"] == "lincoln":
                assert meta["dc:creator"] == [str(pdf.docinfo.Author)] == ["Lincoln GSA, Lincoln High"]
            [intent] = list(pdf.Root.OutputIntents)
            assert intent.S == "/GTS_PDFX" and intent.Type == "/OutputIntent"
            profile = intent.DestOutputProfile.read_bytes()
            assert profile[36:40] == b"acsp" and profile[16:20] == b"RGB " and int(intent.DestOutputProfile.N) == 3
            assert all("/TrimBox" in page.obj and "/BleedBox" in page.obj for page in pdf.pages)
            assert "/Annots" not in pdf.pages[0].obj  # PDF/X keeps annotations off the printed area


def fonts_of(resources, seen=None) -> list:
    """Every font dictionary these resources use, inside forms too."""
    seen = set() if seen is None else seen
    found = list(resources.get("/Font", {}).values())
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            found += fonts_of(xobject.get("/Resources", {}), seen)
    return found


def test_every_font_is_embedded(shop):
    out, _, _ = shop
    for path in ("lincoln/print/shop/en/packet.pdf", "marti/print/shop/en/posters/week-at-a-glance.pdf"):
        with pikepdf.open(out / path) as pdf:
            fonts = [font for page in pdf.pages for font in fonts_of(page.obj.Resources)]
            assert fonts
            for font in fonts:
                described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = described.FontDescriptor
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font.get("/BaseFont")


def render(path: Path, page: int = 0, scale: float = 1.0):
    """A page as RGB pixels at `scale` pixels per point, with the sheet's MediaBox in points."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        image = document[page].render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    return image


def test_the_colour_band_reaches_the_bleed_edge(shop):
    out, _, campaign = shop
    day = campaign.day("black-lgbtq")
    with pikepdf.open(out / "lincoln/print/shop/en/posters/black-lgbtq.pdf") as pdf:
        media, bleed = box(pdf.pages[0], "/MediaBox"), box(pdf.pages[0], "/BleedBox")
    image = render(out / "lincoln/print/shop/en/posters/black-lgbtq.pdf", scale=1)
    height = media[3] - media[1]
    accent = tuple(int(day.color[i:i + 2], 16) for i in (1, 3, 5))
    # One point inside the bleed's outer edge: top left corner, top edge, left edge of the band.
    for x, y_from_bottom in ((bleed[0] + 1, bleed[3] - 1), ((bleed[0] + bleed[2]) / 2, bleed[3] - 1),
                             (bleed[0] + 1, bleed[3] - 60)):
        pixel = image.getpixel((int(x), int(height - y_from_bottom)))
        assert all(abs(a - b) <= 3 for a, b in zip(pixel, accent)), (x, y_from_bottom, pixel, accent)
    # Beyond the bleed, the slug is paper.
    assert image.getpixel((int(bleed[0] - 6), int(height - bleed[3] + 60))) == (255, 255, 255)


def dark(pixel) -> bool:
    return sum(pixel) < 600


def test_crop_marks_are_in_the_slug_on_the_trim_lines_and_never_in_the_bleed(shop):
    out, _, _ = shop
    path = out / "lincoln/print/shop/en/packet.pdf"
    with pikepdf.open(path) as pdf:
        last = len(pdf.pages) - 1  # a guide page: white to its edges, so anything in the bleed would be a mark
        media, bleed, trim = (box(pdf.pages[last], name) for name in ("/MediaBox", "/BleedBox", "/TrimBox"))
    scale = 2
    image = render(path, last, scale)
    height = media[3]

    width_px, height_px = image.size
    marks, stray = set(), []
    pixels = image.load()
    for column in range(width_px):
        for row in range(height_px):
            if not dark(pixels[column, row]):
                continue
            x, y = column / scale, height - row / scale
            # (half a point of give at the bleed edge, where a mark's first pixel is antialiased)
            inside_bleed = bleed[0] + 0.5 <= x <= bleed[2] - 0.5 and bleed[1] + 0.5 <= y <= bleed[3] - 0.5
            if inside_bleed:
                if not (trim[0] <= x <= trim[2] and trim[1] <= y <= trim[3]):
                    stray.append((x, y))  # a mark (or anything) in the bleed of a white page
                continue
            on_line = min(abs(x - trim[0]), abs(x - trim[2])) < 1.5 or min(abs(y - trim[1]), abs(y - trim[3])) < 1.5
            if not on_line:
                stray.append((x, y))
            marks.add(("left" if x < trim[0] + 1 else "right" if x > trim[2] - 1 else "mid",
                       "low" if y < trim[1] + 1 else "high" if y > trim[3] - 1 else "mid"))
    assert not stray[:5]
    assert {("left", "low"), ("left", "high"), ("right", "low"), ("right", "high")} <= marks


def ticket(out: Path) -> tuple[list[dict], dict]:
    text = (out / "print/job-ticket.csv").read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text))), json.loads((out / "print/job-ticket.json").read_text("utf-8"))


def test_the_job_ticket_lists_every_schools_pieces_with_manifest_pages_and_copies(shop):
    out, _, _ = shop
    rows, data = ticket(out)
    shops = {e["path"]: e for e in shop_entries(out)}
    assert sorted(row["file"] for row in rows) == sorted(shops)
    assert len(data["rows"]) == len(rows) and data["totals"]["files"] == len(rows)
    for row, same in zip(rows, data["rows"]):
        entry = shops[row["file"]]
        assert int(row["pages"]) == entry["pages"] == same["pages"]
        assert row["piece"] == entry["piece"] and row["file"] == same["file"]
    copies = {(row["school"], row["piece"]): int(row["copies"]) for row in rows}
    # Lincoln's own numbers; Martí's empty cells take [defaults] (no packet default: one);
    # the academy's 0 posters is kept as 0.
    assert copies[("lincoln", "poster")] == 4 and copies[("lincoln", "flyer")] == 200 and copies[("lincoln", "packet")] == 2
    assert copies[("marti", "poster")] == 3 and copies[("marti", "flyer")] == 50 and copies[("marti", "packet")] == 1
    assert copies[("sum-academy", "poster")] == 0 and copies[("sum-academy", "flyer")] == 50
    assert {row["school"] for row in rows} == {"lincoln", "marti", "sum-academy"}
    assert {(row["school"], row["piece"]) for row in rows} == {(s, p) for s in ("lincoln", "marti", "sum-academy")
                                                               for p in ("poster", "flyer", "packet")}


def test_the_ticket_says_paper_trim_and_finishing_without_opening_a_pdf(shop):
    out, _, _ = shop
    rows, _ = ticket(out)
    by_file = {row["file"]: row for row in rows}
    poster = by_file["marti/print/shop/en/posters/black-lgbtq.pdf"]
    assert (poster["paper"], poster["trim"], poster["finishing"]) == ("a3", "A3 297 × 420 mm", "trim")
    assert float(poster["bleed_pt"]) == pytest.approx(ISO_BLEED, abs=0.001)
    packet = by_file["lincoln/print/shop/en/packet.pdf"]
    assert packet["trim"] == "letter 8.5 × 11 in" and packet["duplex"] == "no"
    # The packet keeps its six tabloid posters at their size: they fold to letter before stapling.
    assert packet["finishing"] == "trim; fold 6 tabloid pages to letter; staple top left"
    assert int(packet["sheets"]) == int(packet["pages"]) * 2


def test_a_school_name_that_looks_like_a_formula_stays_text_in_the_csv(shop):
    out, _, _ = shop
    raw = (out / "print/job-ticket.csv").read_bytes().decode("utf-8-sig")
    rows, data = ticket(out)
    assert "'=SUM(A1) Academy" in raw and ",=SUM(A1)" not in raw
    assert {row["school_name"] for row in data["rows"]} >= {"=SUM(A1) Academy"}  # JSON keeps the name as it is


def test_a_logo_below_300_ppi_at_print_size_is_a_warning_with_its_roster_row(shop):
    _, output, _ = shop
    assert "row 2, column logo" in output and "300×300 pixels printed 1.5×1.5 in (200 ppi)" in output
    assert "warning:" in output


def test_bad_copies_are_reported_by_row_and_column_all_at_once(tmp_path):
    campaign = load_campaign(None)
    path = tmp_path / "schools.csv"
    path.write_text("name,poster_copies,flyer_copies,packet_copies\nA School,4,200,2\n"
                    "B School,two,1.5,100001\nC School,-3,,\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_roster(path, campaign)
    found = {(p.where, p.message) for p in error.value.problems if not p.warning}
    assert found == {
        ("row 3, column B (poster_copies)", "'two' is not a whole number of copies"),
        ("row 3, column C (flyer_copies)", "'1.5' is not a whole number of copies"),
        ("row 3, column D (packet_copies)", "100,001 copies is more than 100,000: is that a typo?"),
        ("row 4, column B (poster_copies)", "'-3' is not a whole number of copies"),
    }


def test_copies_from_the_roster_and_the_defaults_are_read(tmp_path):
    toml = campaign_with_defaults(tmp_path / "campaign", "packet_copies = 7\n")
    campaign = load_campaign(toml)
    assert dict(campaign.default_copies) == {"packet": 7}
    path = tmp_path / "schools.csv"
    path.write_text('name,poster_copies,flyer_copies\nA School,"1,200",12.0\nB School,,\n', encoding="utf-8")
    schools, _ = load_roster(path, campaign)
    assert [dict(s.copies) for s in schools] == [{"poster": 1200, "flyer": 12}, {}]


def test_bad_default_copies_name_the_key(tmp_path):
    toml = campaign_with_defaults(tmp_path / "campaign", "poster_copies = 2.5\nflyer_copies = 200000\n")
    with pytest.raises(InputError) as error:
        load_campaign(toml)
    found = {(p.where, p.message) for p in error.value.problems if not p.warning}
    assert {("defaults.poster_copies", "must be a whole number of copies, not float"),
            ("defaults.flyer_copies", "200,000 copies is more than 100,000: is that a typo?")} <= found


def test_a_logo_far_below_print_resolution_stops_the_build_and_writes_nothing(tmp_path):
    square_logo(tmp_path / "logo.png", 90)  # 60 ppi at 1.5 in
    (tmp_path / "schools.csv").write_text("name,slug,logo,logo_alt\nPine High,pine,logo.png,Pine tree\n", "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", "--roster", str(tmp_path / "schools.csv"), "--lang", "en",
                                      "--only", "packets", "--print-shop", "--out", str(out), "--no-cache"])
    assert result.exit_code == 1, result.output
    assert "schools.csv: row 2, column logo: 'logo.png' is an image of 90×90 pixels printed 1.5×1.5 in (60 ppi)" \
        in result.output
    assert "at least 150 ppi" in result.output
    assert not out.exists()


def test_print_shop_without_posters_flyers_or_packets_is_a_usage_mistake(tmp_path):
    result = CliRunner().invoke(cli, ["build", "--only", "guides", "--print-shop", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "--print-shop: makes print-shop files of posters, flyers and packets: --only guides has none" in result.output
    assert not (tmp_path / "o").exists()


def test_without_a_roster_the_campaign_files_get_print_files_and_a_ticket_with_one_copy_each(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", "--only", "posters", "--lang", "en", "--paper", "a4",
                                      "--print-shop", "--out", str(out), "--no-cache"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows, data = ticket(out)
    assert sorted(row["file"] for row in rows) == sorted(f"print/shop/{p.relative_to(out).as_posix()}"
                                                         for p in (out / "en/posters").glob("*.pdf"))
    assert len(rows) == 6 and {(row["school"], row["copies"], row["paper"]) for row in rows} == {("", "1", "a4")}
    with pikepdf.open(out / rows[0]["file"]) as pdf:
        trim, bleed = box(pdf.pages[0], "/TrimBox"), box(pdf.pages[0], "/BleedBox")
    assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx((595.28, 841.89), abs=0.01)
    assert trim[0] - bleed[0] == pytest.approx(ISO_BLEED, abs=0.002)

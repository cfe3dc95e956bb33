"""--ink black: black-and-white twins of posters and flyers, tagged, readable in grey, without solid fills."""
from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from click.testing import CliRunner
from conftest import struct_pages
from PIL import ImageFilter

from solidarity_print.build import BuildOptions, build
from solidarity_print.cli import cli
from solidarity_print.errors import OptionError
from solidarity_print.inputs.config import load_campaign

DAYS = [day.slug for day in load_campaign(None).days]
SOLID_LIMIT = 0.15  # the limit: no solid fill covering more than 15% of a page


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def black(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """English posters and flyers with their black twins."""
    out = tmp_path_factory.mktemp("ink") / "dist"
    result = run("build", "--lang", "en", "--only", "posters,flyers", "--ink", "black", "--out", out, "--no-cache")
    assert result.exit_code == 0, result.output
    files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    return out, {entry["path"]: entry for entry in files}


def black_paths() -> list[str]:
    return ([f"print/en/posters/{day}-black.pdf" for day in ["week-at-a-glance", *DAYS]]
            + [f"print/en/flyers/{day}-black.pdf" for day in DAYS])


def test_every_poster_and_flyer_has_a_black_twin_under_print(black):
    out, entries = black
    colour = [path for path, entry in entries.items() if entry["purpose"] == "screen"]
    assert len(colour) == 11 and all(entries[path]["kind"] in ("poster", "flyer") for path in colour)
    assert sorted(path for path in entries if path.startswith("print/")) == sorted(black_paths())
    for path in black_paths():
        entry = entries[path]
        assert (entry["purpose"], entry["ink"], entry["tagged"]) == ("print", "black", True)
        with pikepdf.open(out / path) as pdf:
            assert len(pdf.pages) == 1 and str(pdf.Root.Lang) == "en"
            assert pdf.Root.MarkInfo.Marked
            assert {page.objgen for page in pdf.pages} <= struct_pages(pdf)
        colour_twin = path.replace("print/", "").replace("-black.pdf", ".pdf")
        assert entry["paper"] == entries[colour_twin]["paper"]


def test_black_twin_reads_the_same_as_the_colour_file(black):
    out, _ = black
    for path in black_paths():
        colour = _text(out / path.replace("print/", "").replace("-black.pdf", ".pdf"))
        assert sorted(_text(out / path).split()) == sorted(colour.split())  # the same words; the order of the step numbers may differ


def _text(path: Path) -> str:
    pdf = pypdfium2.PdfDocument(path)
    try:
        # pdfium marks a hyphen that ends a line as U+FFFE; the two files may break a line differently.
        return pdf[0].get_textpage().get_text_range().replace("\ufffe", "-")
    finally:
        pdf.close()


def _luminance(grey: int) -> float:
    channel = grey / 255
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def grey_contrasts(path: Path, dpi: int = 150) -> list[tuple[float, str]]:
    """Each visible character's contrast in the greyscale render: its box's commonest grey (the
    background) against the grey furthest from it (the letter), as a WCAG ratio."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        page = pdf[0]
        scale = dpi / 72
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
        height = page.get_height()
        text = page.get_textpage()
        found = []
        for index in range(text.count_chars()):
            char = text.get_text_range(index, 1)
            if not char.strip():
                continue
            left, bottom, right, top = text.get_charbox(index)
            box = (int(left * scale) - 1, int((height - top) * scale) - 1, int(right * scale) + 2, int((height - bottom) * scale) + 2)
            histogram = image.crop(box).histogram()
            background = max(range(256), key=histogram.__getitem__)
            letter = max((value for value in range(256) if histogram[value]), key=lambda value: abs(value - background))
            lighter, darker = sorted((_luminance(background), _luminance(letter)), reverse=True)
            found.append(((lighter + 0.05) / (darker + 0.05), char))
        return found
    finally:
        pdf.close()


def test_every_letter_of_the_black_files_reaches_4_5_to_1_in_grey(black):
    out, _ = black
    for path in black_paths():
        contrasts = grey_contrasts(out / path)
        assert len(contrasts) > 100, path
        worst = min(contrasts)
        assert worst[0] >= 4.5, f"{path}: {worst[1]!r} at {worst[0]:.2f}:1"


def solid_share(path: Path, dpi: int = 36, thickness_in: float = 0.5) -> float:
    """The share of the page covered by solid fills: inked areas at least `thickness_in` thick in
    every direction (a morphological opening of the inked pixels; strokes, type and patterns vanish)."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        image = pdf[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    inked = image.point(lambda grey: 255 if grey < 160 else 0)
    size = int(thickness_in * dpi) | 1
    opened = inked.filter(ImageFilter.MinFilter(size)).filter(ImageFilter.MaxFilter(size))
    return opened.histogram()[255] / (image.width * image.height)


def test_no_solid_fill_covers_more_than_15_percent_of_a_black_page(black):
    out, _ = black
    for path in black_paths():
        share = solid_share(out / path)
        assert share <= SOLID_LIMIT, f"{path}: {share:.0%} of the page is solid fill"
    # The measure sees the colour files' bands (the reason for the black files).
    assert solid_share(out / f"en/posters/{DAYS[0]}.pdf") > SOLID_LIMIT


def test_each_focus_day_keeps_a_pattern_of_its_own(black):
    """The days' headers differ from one another in grey: a pattern per day instead of a colour."""
    out, _ = black
    bands = []
    for day in DAYS:
        pdf = pypdfium2.PdfDocument(out / f"print/en/flyers/{day}-black.pdf")
        image = pdf[0].render(scale=1, grayscale=True).to_pil().convert("L")
        pdf.close()
        # A strip of the header's right end, beside the texts: only the pattern is there.
        strip = image.crop((image.width - 60, 10, image.width - 10, 60))
        bands.append(strip.tobytes())
        assert 0.05 < sum(strip.histogram()[:128]) / (50 * 50) < 0.6, day
    assert len(set(bands)) == len(DAYS)


@pytest.mark.parametrize("args, message", [
    (("--ink", "black", "--only", "guides"), "--ink: black only changes posters, flyers"),
    (("--ink", "grey"), "'grey' is not one of 'color', 'black'"),
])
def test_ink_without_posters_or_flyers_is_a_usage_mistake(tmp_path, args, message):
    result = run("build", *args, "--out", tmp_path / "out", "--no-cache")
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "out").exists()


def test_library_refuses_an_unknown_ink(tmp_path):
    with pytest.raises(OptionError, match="--ink"):
        build(None, tmp_path / "out", BuildOptions(ink="sepia"))
    assert not (tmp_path / "out").exists()


def _page_solid_shares(path: Path) -> list[float]:
    """solid_share of every page, through one-page copies."""
    shares = []
    with pikepdf.open(path) as pdf:
        for index in range(len(pdf.pages)):
            with pikepdf.new() as single:
                single.pages.append(pdf.pages[index])
                copy = path.with_name(f"{path.stem}-page.pdf")
                single.save(copy)
            shares.append(solid_share(copy))
    return shares


def _black_roster_build(tmp_path: Path, only: str) -> Path:
    """A one-school roster (Riverside Academy, its club Riverside Pride Club) built with --ink black."""
    roster = tmp_path / "schools.csv"
    roster.write_text("name,slug,club,languages,paper\nRiverside Academy,riverside,Riverside Pride Club,en,letter\n",
                      encoding="utf-8")
    out = tmp_path / "dist"
    result = run("build", "--roster", roster, "--only", only, "--ink", "black", "--out", out, "--no-cache")
    assert result.exit_code == 0, result.output
    return out


def test_a_roster_gets_black_flyers_and_packets_with_the_school_on_them(tmp_path):
    out = _black_roster_build(tmp_path, "flyers,packets")
    entries = {e["path"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}
    flyer = f"riverside/print/en/flyers/{DAYS[0]}-black.pdf"
    assert entries[flyer]["purpose"] == "print" and "Riverside Pride Club" in _text(out / flyer)
    packet, colour = entries["riverside/print/en/packet-black.pdf"], entries["riverside/en/packet.pdf"]
    assert (packet["purpose"], packet["ink"], packet["pages"]) == ("print", "black", colour["pages"])
    with pikepdf.open(out / packet["path"]) as pdf:
        assert {page.objgen for page in pdf.pages} <= struct_pages(pdf)
    black_shares = _page_solid_shares(out / packet["path"])
    assert max(black_shares) <= SOLID_LIMIT, black_shares
    assert max(_page_solid_shares(out / colour["path"])) > SOLID_LIMIT


def _most_saturated(pdf_path: Path, page: int = 0) -> int:
    """The largest max(R,G,B) - min(R,G,B) of any pixel of a page rendered at 72 dpi: 0 for pure grey."""
    image = pypdfium2.PdfDocument(pdf_path)[page].render(scale=1).to_pil().convert("RGB")
    data = image.tobytes()
    return max(max(data[i:i + 3]) - min(data[i:i + 3]) for i in range(0, len(data), 3))


def test_a_black_packet_cover_has_no_colour_the_club_line_included(tmp_path):
    # The club line is drawn per school onto the shared cover, and was drawn in a fixed maroon
    # whatever the ink (and whatever the campaign's colours).
    out = _black_roster_build(tmp_path, "packets")
    assert "Riverside Pride Club" in _text(out / "riverside/print/en/packet-black.pdf")
    assert _most_saturated(out / "riverside/print/en/packet-black.pdf") <= 8
    assert _most_saturated(out / "riverside/en/packet.pdf") > 60  # the colour cover keeps its colours

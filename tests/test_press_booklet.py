"""--booklet: guides, excerpts and packets' guides imposed two pages a side, to print double-sided and fold."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from press_pdf import read_in_order, render

from solidarity_print.cli import cli
from solidarity_print.inputs.scaffold import new_campaign
from solidarity_print.press.booklet import booklet_order, impose_booklet
from solidarity_print.press.sheets import PRINTABLE_MARGIN


def folded_reading(sides: list[tuple]) -> list:
    """The pages of a stack of printed sheets, folded in the middle and read front to back: each
    sheet's front right and back left on the way in, then back right and front left on the way out."""
    sheets = [(sides[i], sides[i + 1]) for i in range(0, len(sides), 2)]
    first = [page for front, back in sheets for page in (front[1], back[0])]
    second = [page for front, back in reversed(sheets) for page in (back[1], front[0])]
    return first + second


@given(st.integers(min_value=2, max_value=120))
def test_a_booklet_of_n_pages_has_ceil_n_over_4_sheets_and_folded_reads_in_order(n):
    sides = booklet_order(n)
    assert len(sides) == 2 * math.ceil(n / 4)
    padded = 4 * math.ceil(n / 4)
    assert folded_reading(sides) == list(range(n)) + [None] * (padded - n)


def halves(path: Path) -> list[tuple[str, str]]:
    """The text of the left and right half of every side of a booklet."""
    document = pypdfium2.PdfDocument(path)
    result = []
    for page in document:
        width, height = page.get_size()
        text = page.get_textpage()
        result.append((text.get_text_bounded(0, 0, width / 2, height), text.get_text_bounded(width / 2, 0, width, height)))
    document.close()
    return result


def page_number(text: str) -> int | None:
    """The guide's own footer number ('Page 3 of 5') on a half, or None for a blank half."""
    found = re.search(r"(?:Page|Página) (\d+) (?:of|de) \d+", text)
    return int(found.group(1)) if found else None


def test_the_student_guide_becomes_a_folding_booklet_of_landscape_letter_sheets(default_build, tmp_path):
    source = default_build / "en" / "guides" / "student-guide.pdf"
    with pikepdf.open(source) as pdf:
        pages = len(pdf.pages)
    assert pages % 4, "the padding is only tested with a guide whose pages are not a multiple of four"
    data, sides = impose_booklet(source.read_bytes(), "letter")
    path = tmp_path / "booklet.pdf"
    path.write_bytes(data)
    assert sides == 2 * math.ceil(pages / 4)
    with pikepdf.open(path) as pdf:
        assert [tuple(float(v) for v in page.mediabox) for page in pdf.pages] == [(0, 0, 792, 612)] * sides
    numbers = [tuple(page_number(half) for half in side) for side in halves(path)]
    expected = [tuple(None if page is None else page + 1 for page in side) for side in booklet_order(pages)]
    assert numbers == expected
    assert folded_reading(numbers) == list(range(1, pages + 1)) + [None] * (len(numbers) * 2 - pages)
    for index, side in enumerate(numbers):
        sheet = render(path, index, 1).convert("L")
        width, height = sheet.size
        margin = round(PRINTABLE_MARGIN)
        for band in ((0, 0, width, margin), (0, height - margin, width, height), (0, 0, margin, height),
                     (width - margin, 0, width, height)):
            assert sheet.crop(band).getextrema() == (255, 255)
        for half, number in enumerate(side):  # a padding page is blank paper
            if number is None:
                assert sheet.crop((half * width // 2, 0, (half + 1) * width // 2, height)).getextrema() == (255, 255)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def excerpt_pdf(path: Path, pages: int) -> None:
    """A PDF whose every page says 'Handout page N' (Helvetica, as a user's own file might)."""
    with pikepdf.new() as pdf:
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        for number in range(1, pages + 1):
            pdf.add_blank_page(page_size=(612, 792))
            page = pdf.pages[-1]
            page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
            page.obj.Contents = pdf.make_stream(f"BT /F1 24 Tf 100 400 Td (Handout page {number}) Tj ET".encode())
        pdf.save(path)


def test_an_excerpt_booklet_is_written_beside_the_excerpt_and_a_one_page_excerpt_is_refused(tmp_path):
    campaign = new_campaign(tmp_path / "c")[0]
    excerpt_pdf(campaign.parent / "handout.pdf", 6)
    with campaign.open("a", encoding="utf-8") as toml:
        toml.write('\n[[excerpts]]\nsource = "handout.pdf"\npages = "1-6"\ntitle = "Our handout"\n'
                   'audience = "both"\nlang = "en"\n')
    out = tmp_path / "out"
    result = run("build", "--campaign", campaign, "--only", "excerpts", "--booklet", "--out", out, "--no-cache")
    assert result.exit_code == 0, result.output
    files = {entry["path"]: entry for entry in json.loads((out / "manifest.json").read_text())["files"]}
    entry = files["print/excerpts/our-handout-booklet.pdf"]
    assert (entry["kind"], entry["purpose"], entry["paper"], entry["pages"], entry["sheets"], entry["tagged"]) == \
        ("booklet", "print", "letter", 4, 2, False)
    assert files["excerpts/our-handout.pdf"]["purpose"] == "screen"
    texts = [tuple(re.findall(r"Handout page (\d)", half) for half in side) for side in halves(out / entry["path"])]
    assert texts == [([], ["1"]), (["2"], []), (["6"], ["3"]), (["4"], ["5"])]

    with campaign.open("a", encoding="utf-8") as toml:
        toml.write('\n[[excerpts]]\nsource = "handout.pdf"\npages = "2"\ntitle = "One page"\n'
                   'audience = "both"\nlang = "en"\n')
    fresh = tmp_path / "fresh"
    result = run("build", "--campaign", campaign, "--only", "excerpts", "--booklet", "--out", fresh, "--no-cache")
    assert result.exit_code == 2, result.output
    assert "--booklet: excerpts/one-page.pdf (page 2 of handout.pdf) has one page" in " ".join(result.output.split())
    assert not fresh.exists()


@pytest.mark.parametrize("args", [["--only", "posters"], ["--only", "flyers", "--lang", "en"]])
def test_booklet_with_nothing_to_fold_is_a_usage_mistake(tmp_path, args):
    out = tmp_path / "out"
    result = run("build", "--out", out, "--no-cache", "--booklet", *args)
    assert result.exit_code == 2 and "--booklet: this build makes no guide, excerpt or packet" in result.output
    assert not out.exists()


def test_a_school_gets_its_packet_guides_as_booklets_and_its_posters_tiled(tmp_path):
    campaign = new_campaign(tmp_path / "c")[0]
    roster = tmp_path / "schools.csv"
    roster.write_text("name,slug,languages,paper,audience\nRiverside High,riverside,en,a4,both\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", "--campaign", campaign, "--roster", roster, "--only", "posters,packets", "--out", out,
                 "--no-cache", "--booklet", "--tile", "a4")
    assert result.exit_code == 0, result.output
    files = {entry["path"]: entry for entry in json.loads((out / "manifest.json").read_text())["files"]}
    packet = files["riverside/en/packet.pdf"]
    guides = [piece for piece in packet["pieces"] if piece["kind"] == "guide"]
    assert len(guides) == 2
    for audience, piece in zip(("student", "educator"), guides):
        entry = files[f"riverside/print/en/{audience}-guide-booklet.pdf"]
        pages = piece["last"] - piece["first"] + 1
        assert entry["paper"] == "a4" and entry["pages"] == 2 * math.ceil(pages / 4) and entry["school"] == "riverside"
        with pikepdf.open(out / entry["path"]) as pdf:
            assert [round(float(v), 2) for v in pdf.pages[0].mediabox] == [0, 0, 841.89, 595.28]
        # the packet's running footer numbers its pages: the booklet's halves carry the guide's pages in booklet order
        numbers = [tuple(_packet_page(half) for half in side) for side in halves(out / entry["path"])]
        expected = [tuple(None if page is None else piece["first"] - 2 + page for page in side)
                    for side in booklet_order(pages)]
        assert numbers == expected
    tiled = [path for path, entry in files.items() if entry["kind"] == "tiled-poster"]
    assert len(tiled) == 6 and all(path.startswith("riverside/print/en/posters/") for path in tiled)
    assert all(files[path]["paper"] == "a4" and files[path]["pages"] == 4 for path in tiled)  # A3 posters of an A4 school
    for path in tiled:  # the school's name, drawn onto a shared render, is read once with the rest
        source = out / files[path]["source"]
        assert read_in_order(out / path) == read_in_order(source)
        assert any("Riverside High" in text for text in read_in_order(source))


def _packet_page(text: str) -> int | None:
    found = re.search(r"page (\d+) of \d+", text)
    return int(found.group(1)) if found else None

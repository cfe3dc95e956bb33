"""--handouts 2|4: each day's hand-out, tagged, and imposed 2 or 4 to a letter/A4 sheet with cut marks."""
from __future__ import annotations

import ctypes
import json
import re
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
import zxingcpp
from click.testing import CliRunner
from conftest import struct_pages

from solidarity_print.build import BuildOptions, build
from solidarity_print.cli import cli
from solidarity_print.errors import OptionError
from solidarity_print.inputs.config import load_campaign

CAMPAIGN = load_campaign(None)
DAYS = [day.slug for day in CAMPAIGN.days]
LINK = CAMPAIGN.resources_url
EDGE = 18.0  # 0.25 in: what an office printer cannot reach
# (count, sheet): the piece's name and size, the sheet's size, the cuts (x, y) in points
LAYOUTS = {
    (2, "letter"): ("half-letter", (396, 612), (792, 612), ([396], [])),
    (4, "a4"): ("a6", (297.64, 419.53), (595.28, 841.89), ([297.64], [420.95])),
}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _build(folder: Path, *args: str) -> tuple[Path, dict[str, dict]]:
    out = folder / "dist"
    result = run("build", "--only", "flyers", *args, "--out", out, "--no-cache")
    assert result.exit_code == 0, result.output
    files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    return out, {entry["path"]: entry for entry in files}


@pytest.fixture(scope="module")
def halves(tmp_path_factory):
    """English half-letter hand-outs, two to a letter sheet."""
    return _build(tmp_path_factory.mktemp("halves"), "--lang", "en", "--handouts", "2")


@pytest.fixture(scope="module")
def cards(tmp_path_factory):
    """Spanish A6 cards, four to an A4 sheet (A3 posters mean A4 hand-outs)."""
    return _build(tmp_path_factory.mktemp("cards"), "--lang", "es", "--paper", "a3", "--handouts", "4")


def _layout(request, name):
    build_ = request.getfixturevalue(name)
    count, sheet = (2, "letter") if name == "halves" else (4, "a4")
    lang = "en" if name == "halves" else "es"
    return build_, count, sheet, lang, LAYOUTS[count, sheet]


@pytest.fixture(params=["halves", "cards"])
def handouts(request):
    return _layout(request, request.param)


def test_each_day_has_its_handout_and_its_sheet(handouts):
    (out, entries), count, sheet, lang, (piece, piece_size, sheet_size, _) = handouts
    for day in DAYS:
        single = entries[f"print/{lang}/handouts/{day}-{piece}.pdf"]
        imposed = entries[f"print/{lang}/handouts/{day}-{count}up-{sheet}.pdf"]
        assert (single["kind"], single["purpose"], single["paper"], single["tagged"]) == ("handout", "print", piece, True)
        assert (imposed["kind"], imposed["purpose"], imposed["paper"], imposed["up"]) == ("handout", "print", sheet, count)
        assert imposed["tagged"] is False and imposed["pages"] == single["pages"] == 1
        with pikepdf.open(out / single["path"]) as pdf:
            assert [round(float(v), 2) for v in pdf.pages[0].mediabox] == [0, 0, *piece_size]
        with pikepdf.open(out / imposed["path"]) as pdf:
            assert len(pdf.pages) == 1
            assert [round(float(v), 2) for v in pdf.pages[0].mediabox] == [0, 0, *sheet_size]


def test_the_sheet_carries_the_handout_count_times(handouts):
    (out, _), count, sheet, lang, (piece, *_) = handouts
    for day in DAYS:
        single = _chars(out / f"print/{lang}/handouts/{day}-{piece}.pdf")
        text = _chars(out / f"print/{lang}/handouts/{day}-{count}up-{sheet}.pdf")
        title = CAMPAIGN.days[DAYS.index(day)].text[lang].title.split()[-1]
        assert text.count(title) == count * single.count(title) > 0
        assert len("".join(text.split())) == count * len("".join(single.split()))


def _chars(path: Path) -> str:
    pdf = pypdfium2.PdfDocument(path)
    try:
        return pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()


def test_the_handout_is_tagged_and_the_sheet_says_it_is_not(handouts):
    (out, _), count, sheet, lang, (piece, *_) = handouts
    for day in DAYS:
        with pikepdf.open(out / f"print/{lang}/handouts/{day}-{piece}.pdf") as pdf:
            assert pdf.Root.MarkInfo.Marked and str(pdf.Root.Lang) == lang
            assert {page.objgen for page in pdf.pages} <= struct_pages(pdf)
        with pikepdf.open(out / f"print/{lang}/handouts/{day}-{count}up-{sheet}.pdf") as pdf:
            assert "/StructTreeRoot" not in pdf.Root and str(pdf.Root.Lang) == lang


def test_no_text_smaller_than_9_pt(handouts):
    (out, _), count, sheet, lang, (piece, *_) = handouts
    for day in DAYS:
        for name in (f"{day}-{piece}.pdf", f"{day}-{count}up-{sheet}.pdf"):
            sizes = font_sizes(out / f"print/{lang}/handouts/{name}")
            assert len(sizes) > 100 and min(sizes) >= 9.0, (name, min(sizes))


def font_sizes(path: Path) -> list[float]:
    """The size of every visible character, in points as printed: the font size its text object sets
    (WeasyPrint's are CSS pixels) times the scale of the character's whole transformation."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        text = pdf[0].get_textpage()
        sizes = []
        for index in range(text.count_chars()):
            if not text.get_text_range(index, 1).strip():
                continue
            matrix = pypdfium2.raw.FS_MATRIX()
            assert pypdfium2.raw.FPDFText_GetMatrix(text.raw, index, ctypes.byref(matrix))
            scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
            sizes.append(round(pypdfium2.raw.FPDFText_GetFontSize(text.raw, index) * scale, 2))
        return sizes
    finally:
        pdf.close()


def test_cut_marks_on_the_cuts_and_nothing_within_a_quarter_inch_of_the_edge(handouts):
    (out, entries), count, sheet, lang, (_, _, (width, height), (cuts_x, cuts_y)) = handouts
    dpi = 144
    for day in DAYS:
        path = f"print/{lang}/handouts/{day}-{count}up-{sheet}.pdf"
        assert entries[path]["cuts"] == {"x": pytest.approx(cuts_x, abs=0.02), "y": pytest.approx(cuts_y, abs=0.02)}
        image = _render(out / path, dpi)
        scale = dpi / 72
        margin = int(EDGE * scale) - 1
        for box in ((0, 0, image.width, margin), (0, image.height - margin, image.width, image.height),
                    (0, 0, margin, image.height), (image.width - margin, 0, image.width, image.height)):
            assert image.crop(box).getextrema()[0] > 245, f"{path}: ink in the outer 0.25 in at {box}"
        # A mark starts just inside the printable area at both ends of every cut, on the cut itself.
        for x in cuts_x:
            for top in (EDGE, height - EDGE - 12):
                box = (x - 1, top, x + 1, top + 12)
                assert _darkest(image, [round(v * scale) for v in box]) < 140, (path, x, top)
        for y in cuts_y:
            for left in (EDGE, width - EDGE - 12):
                box = (left, height - y - 1, left + 12, height - y + 1)
                assert _darkest(image, [round(v * scale) for v in box]) < 140, (path, y, left)


def _render(path: Path, dpi: int):
    pdf = pypdfium2.PdfDocument(path)
    try:
        return pdf[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()


def _darkest(image, box) -> int:
    return image.crop(box).getextrema()[0]


def test_every_qr_code_on_the_sheet_decodes_at_150_dpi(handouts):
    (out, _), count, sheet, lang, _ = handouts
    for day in DAYS:
        image = _render(out / f"print/{lang}/handouts/{day}-{count}up-{sheet}.pdf", 150)
        codes = [code.text for code in zxingcpp.read_barcodes(image)]
        assert codes == [LINK] * count, day


def test_the_card_has_the_day_its_date_its_actions_and_nothing_more(cards):
    out, _ = cards
    for day in CAMPAIGN.days:
        words = " ".join(_chars(out / f"print/es/handouts/{day.slug}-a6.pdf").replace("\ufffe", "").split())
        text = day.text["es"]
        assert " ".join(text.title.split()) in words and "2023" in words
        for action in text.actions:
            assert " ".join(action.split()) in words
        assert " ".join(text.why.split()[:6]) not in words  # designed for its size, not a shrunken flyer


def test_a_roster_shares_one_set_of_handouts_per_language_paper_and_link(tmp_path):
    roster = tmp_path / "schools.csv"
    roster.write_text("name,slug,languages,paper,link\nLincoln High,lincoln,en,letter,https://lincoln.example.org/gsa\n"
                      "Riverside,riverside,en,letter,\nHillcrest,hillcrest,en,letter,\n", encoding="utf-8")
    out, entries = _build(tmp_path, "--roster", roster, "--handouts", "4")
    handouts = sorted(path for path, entry in entries.items() if entry["kind"] == "handout")
    assert handouts == sorted([f"print/en/handouts/{day}-{name}.pdf" for day in DAYS for name in ("quarter-letter", "4up-letter")]
                              + [f"lincoln/print/en/handouts/{day}-{name}.pdf" for day in DAYS
                                 for name in ("quarter-letter", "4up-letter")])
    image = _render(out / f"lincoln/print/en/handouts/{DAYS[0]}-4up-letter.pdf", 150)
    assert [code.text for code in zxingcpp.read_barcodes(image)] == ["https://lincoln.example.org/gsa"] * 4
    assert not re.search("Riverside|Hillcrest", _chars(out / f"print/en/handouts/{DAYS[0]}-quarter-letter.pdf"))


@pytest.mark.parametrize("args, message", [
    (("--handouts", "3"), "'3' is not one of '2', '4'"),
    (("--handouts", "2", "--only", "posters"), "--handouts: hand-outs are made from the flyers"),
])
def test_bad_handouts_are_usage_mistakes(tmp_path, args, message):
    result = CliRunner().invoke(cli, ["build", *args, "--out", str(tmp_path / "out"), "--no-cache"])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "out").exists()


def test_library_refuses_a_count_it_cannot_lay_out(tmp_path):
    with pytest.raises(OptionError, match="--handouts"):
        build(None, tmp_path / "out", BuildOptions(handouts=3))

"""--tile: posters split over letter/A4 sheets that reassemble into the poster, keep its tags and print on office printers."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import page as page_validation
import pikepdf
import pytest
from click.testing import CliRunner
from PIL import ImageChops
from press_pdf import artifact_and_tagged_text_objects, mcid_texts, read_in_order, render, structure_reading

from solidarity_print.cli import cli
from solidarity_print.inputs.config import load_campaign
from solidarity_print.press.sheets import PRINTABLE_MARGIN
from solidarity_print.press.tiling import choose_grid, tile_poster

OVERLAP = 36.0


@pytest.fixture(scope="module")
def tiled(default_build, tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Every poster of the default build tiled on letter: {'en/black-lgbtq': (poster, tiled)}."""
    campaign = load_campaign(None)
    folder = tmp_path_factory.mktemp("tiled")
    result = {}
    for poster in sorted(default_build.glob("*/posters/*.pdf")):
        lang = poster.parent.parent.name
        data, pages = tile_poster(poster.read_bytes(), "letter", OVERLAP, campaign.strings[lang])
        assert pages == 4
        target = folder / f"{lang}-{poster.name}"
        target.write_bytes(data)
        result[f"{lang}/{poster.stem}"] = (poster, target)
    return result


def test_a_tabloid_poster_tiles_onto_four_portrait_letter_sheets(tiled):
    grid = choose_grid(792, 1224, "letter", OVERLAP)
    assert (grid.columns, grid.rows, grid.landscape) == (2, 2, False)
    for _, path in tiled.values():
        with pikepdf.open(path) as pdf:
            assert [tuple(float(v) for v in page.mediabox) for page in pdf.pages] == [(0, 0, 612, 792)] * 4


def test_an_a3_poster_tiles_onto_four_a4_sheets_and_a_wide_one_turns_the_sheets():
    a3 = choose_grid(841.89, 1190.55, "a4", OVERLAP)
    assert (a3.columns, a3.rows, a3.landscape) == (2, 2, False)
    wide = choose_grid(1224, 792, "letter", OVERLAP)  # a tabloid poster on its side: 2 × 2 landscape letter
    assert (wide.columns, wide.rows, wide.landscape) == (2, 2, True)


def test_the_tiles_put_together_show_every_point_of_the_poster(tiled):
    grid = choose_grid(792, 1224, "letter", OVERLAP)
    x_at, y_at = grid.origin()
    for poster, path in (tiled["en/black-lgbtq"], tiled["es/week-at-a-glance"]):
        whole = render(poster, 0, 1)
        assembled = whole.copy()
        assembled.paste((255, 0, 255), (0, 0, *whole.size))  # anything no tile covers stays magenta
        for index in range(4):
            row, column = divmod(index, 2)
            sheet = render(path, index, 1)
            x0, y0 = grid.window(column, row, 1224)
            # sheet pixels of the tile (y down in images), and where they go on the poster
            left, top = round(x_at), round(792 - y_at - grid.height)
            piece = sheet.crop((left, top, left + round(grid.width), top + round(grid.height)))
            assembled.paste(piece, (round(x0), round(1224 - y0 - grid.height)))
        difference = ImageChops.difference(whole, assembled).convert("L")
        histogram = difference.histogram()
        far_off = sum(histogram[64:]) / (whole.size[0] * whole.size[1])
        assert far_off < 0.003, f"{path.name}: {far_off:.2%} of the poster differs once reassembled"


def test_nothing_is_printed_in_the_outer_quarter_inch_and_every_tile_has_its_marks(tiled):
    margin = round(PRINTABLE_MARGIN)
    grid = choose_grid(792, 1224, "letter", OVERLAP)
    x_at, y_at = grid.origin()
    for _, path in tiled.values():
        for index in range(4):
            sheet = render(path, index, 1).convert("L")
            width, height = sheet.size
            for band in ((0, 0, width, margin), (0, height - margin, width, height), (0, 0, margin, height),
                         (width - margin, 0, width, height)):
                assert sheet.crop(band).getextrema() == (255, 255), f"{path.name} sheet {index + 1}: ink in {band}"
            # the cut marks at the tile's top-left corner, between the tile and the printable edge
            top = round(792 - y_at - grid.height)
            corner = sheet.crop((round(x_at) - 12, top - 1, round(x_at) - 3, top + 1))
            assert corner.getextrema()[0] < 160, f"{path.name} sheet {index + 1}: no cut mark"


def test_the_structure_tree_reads_each_poster_text_once_in_order(tiled):
    for name, (poster, path) in tiled.items():
        original = read_in_order(poster)
        assert read_in_order(path) == original and len(original) > 10, name
        references = structure_reading(path)
        assert len(set(references)) == len(references)
        # every text is tagged on one sheet or is an artifact on the others: no untagged text
        tagged = artifact_and_tagged_text_objects(path)
        assert all(loose == 0 and artifacts > 0 for _, artifacts, loose in tagged), (name, tagged)
        assert sum(count for count, _, _ in tagged) == artifact_and_tagged_text_objects(poster)[0][0]


def test_the_tiled_file_keeps_language_title_parent_tree_and_links_and_passes_ua1(tiled):
    for name, (poster, path) in tiled.items():
        report = page_validation.validate_pdf(str(path), profile="ua1")
        assert report.is_compliant, (name, [str(f) for f in report.failures][:5])
        if shutil.which("qpdf"):
            assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
        with pikepdf.open(poster) as source, pikepdf.open(path) as pdf:
            assert pdf.Root.Lang == source.Root.Lang and pdf.Root.MarkInfo.Marked
            assert str(pdf.docinfo.Title) == str(source.docinfo.Title)
            assert pdf.Root.ViewerPreferences.DisplayDocTitle
            nums = pdf.Root.StructTreeRoot.ParentTree.Nums
            parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
            texts = mcid_texts(path)
            links = 0
            for number, page in enumerate(pdf.pages):
                assert page.obj.Tabs == pikepdf.Name.S
                mcids = {mcid for sheet, mcid in structure_reading(path) if sheet == number}
                assert len(parents[int(page.obj.StructParents)]) == len(mcids) == max(mcids, default=-1) + 1
                assert set(texts[number]) <= mcids
                for annotation in page.obj.get("/Annots", []):
                    links += 1
                    assert parents[int(annotation.StructParent)].S == pikepdf.Name.Link
            # a link the overlap cuts through is kept on each sheet that shows it
            assert links >= len(source.pages[0].obj.get("/Annots", []))
            with pdf.open_outline() as outline:  # bookmarks open on a sheet of this file
                sheets = {page.obj.objgen for page in pdf.pages}
                assert outline.root and all(item.destination[0].objgen in sheets for item in outline.root)


def test_each_sheet_carries_its_label_and_its_share_of_the_text(tiled):
    import pypdfium2
    labels = {"en/black-lgbtq": ["A1 · 2 × 2 · lay this sheet down first", "B1 · 2 × 2 · glue onto A1",
                                 "A2 · 2 × 2 · glue onto A1", "B2 · 2 × 2 · glue onto A2 and B1"],
              "es/black-lgbtq": ["A1 · 2 × 2 · colocar esta hoja primero", "B1 · 2 × 2 · pegar sobre A1",
                                 "A2 · 2 × 2 · pegar sobre A1", "B2 · 2 × 2 · pegar sobre A2 y B1"],
              # Atkinson lacks Vietnamese letters: the label is set in Noto Sans, never dropped.
              "vi/black-lgbtq": ["A1 · 2 × 2 · đặt tờ này xuống trước", "B1 · 2 × 2 · dán lên A1"]}
    for name, expected in labels.items():
        _, path = tiled[name]
        document = pypdfium2.PdfDocument(path)
        texts = [page.get_textpage().get_text_range() for page in document]
        document.close()
        for text, label in zip(texts, expected):
            assert label in text
        tagged = [" ".join(page.values()) for page in mcid_texts(path)]
        assert any(name in tagged[0].upper() for name in ("SOLIDARITY WEEK 2023", "SEMANA DE LA SOLIDARIDAD",
                                                          "TUẦN LỄ ĐOÀN KẾT"))
        assert "glsen.org/solidarity-week" in tagged[2] + tagged[3]


def test_labels_in_a_script_drawn_unshaped_would_be_wrong_so_arabic_sheets_are_labelled_in_english(default_build):
    import pypdfium2
    words = dict(load_campaign(None).strings["en"], tile_label="{tile} · {columns} × {rows} · تُلصق فوق {under}",
                 tile_label_first="{tile} · {columns} × {rows} · ضع هذه الورقة أولًا", tile_and="و")
    data, pages = tile_poster((default_build / "en/posters/black-lgbtq.pdf").read_bytes(), "letter", OVERLAP, words)
    document = pypdfium2.PdfDocument(data)
    texts = [page.get_textpage().get_text_range() for page in document]
    assert pages == 4 and "A1 · 2 × 2 · lay this sheet down first" in texts[0] and "glue onto A1" in texts[1]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_build_writes_tiled_a3_posters_on_a4_under_print(tmp_path):
    out = tmp_path / "out"
    result = run("build", "--out", out, "--no-cache", "--only", "posters", "--lang", "es", "--paper", "a3",
                 "--tile", "a4", "--overlap", "0.4")
    assert result.exit_code == 0, result.output
    files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    tiles = [entry for entry in files if entry["kind"] == "tiled-poster"]
    posters = [entry for entry in files if entry["kind"] == "poster"]
    assert len(tiles) == len(posters) == 6
    assert all(entry["purpose"] == "screen" for entry in posters)
    for entry in tiles:
        assert entry["purpose"] == "print" and entry["paper"] == "a4" and entry["pages"] == 4 and entry["tagged"]
        assert entry["path"] == "print/" + entry["source"].removesuffix(".pdf") + "-tiled.pdf"
        assert entry["overlap"] == pytest.approx(0.4 * 72)
        with pikepdf.open(out / entry["path"]) as pdf:
            assert [round(float(v), 2) for v in pdf.pages[0].mediabox] == [0, 0, 595.28, 841.89]
            assert len(pdf.pages) == 4
        assert read_in_order(out / entry["path"]) == read_in_order(out / entry["source"])


@pytest.mark.parametrize("args, message", [
    (["--overlap", "0.5"], "--overlap: does nothing without --tile"),
    (["--tile", "letter", "--overlap", "-0.1"], "--overlap: -0.1 in: give 0 to 3.81 in"),
    (["--tile", "letter", "--overlap", "4"], "--overlap: 4 in: give 0 to 3.81 in"),
    (["--tile", "tabloid"], "'tabloid' is not one of 'letter', 'a4'"),
    (["--tile", "letter", "--paper", "letter"], "--tile: this build makes no tabloid or A3 poster"),
    (["--tile", "a4", "--only", "flyers"], "--tile: this build makes no tabloid or A3 poster"),
])
def test_tiling_options_that_cannot_work_are_usage_mistakes_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "out"
    result = run("build", "--out", out, "--no-cache", *args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert not out.exists()

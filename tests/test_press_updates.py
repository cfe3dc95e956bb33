"""A school's print-shop files and tiled posters are its own files plus one update (the work shared per
shared render), and print, read and validate exactly as the same files made whole from scratch."""
from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
from pathlib import Path

import page as page_validation
import pikepdf
import pypdfium2
import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops
from press_pdf import artifact_and_tagged_text_objects, mcid_texts, read_in_order, structure_reading

from solidarity_print.cli import cli
from solidarity_print.inputs.config import load_campaign
from solidarity_print.pipeline.output import sha256
from solidarity_print.press import print_shop_update as shop_update
from solidarity_print.press import tiling_update
from solidarity_print.press.print_shop import print_shop_pdf
from solidarity_print.press.tiling import tile_poster

OVERLAP = 36.0  # --overlap's default, in points
ROSTER = """name,slug,club,paper,languages,logo,logo_alt
Lincoln High,lincoln,Lincoln GSA,letter,en,logo.png,Rainbow square
Escuela Martí,marti,Club de Solidaridad,a4,"en,ar",,
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list[dict]]:
    """Two schools (one with a logo, one on A4 also in Arabic) built with --print-shop --tile letter."""
    folder = tmp_path_factory.mktemp("updates")
    Image.new("RGB", (300, 300), (120, 40, 160)).save(folder / "logo.png")
    (folder / "schools.csv").write_text(ROSTER, encoding="utf-8")
    out = folder / "out"
    result = CliRunner().invoke(cli, ["build", "--roster", str(folder / "schools.csv"), "--only", "posters,flyers,packets",
                                      "--print-shop", "--tile", "letter", "--out", str(out), "--no-cache"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]


def renders_equal(one: bytes, other: bytes) -> bool:
    """True if both files have the same pages and every page renders to the same pixels at 30 dpi."""
    first, second = pypdfium2.PdfDocument(one), pypdfium2.PdfDocument(other)
    try:
        if len(first) != len(second):
            return False
        return all(not ImageChops.difference(first[i].render(scale=30 / 72).to_pil().convert("RGB"),
                                             second[i].render(scale=30 / 72).to_pil().convert("RGB")).getbbox()
                   for i in range(len(first)))
    finally:
        first.close()
        second.close()


def test_a_schools_print_shop_file_is_its_file_plus_an_update_and_prints_as_the_whole_file(built):
    out, entries = built
    shop = [e for e in entries if e["kind"] == "print-shop"]
    assert {e["piece"] for e in shop} == {"poster", "flyer", "packet"} and {e["school"] for e in shop} == {"lincoln", "marti"}
    for entry in shop:
        screen, made = (out / entry["screen_file"]).read_bytes(), (out / entry["path"]).read_bytes()
        # the school's file, unchanged but for the header's version, then the print-shop update
        assert made.startswith(b"%PDF-1.6") and made[8:len(screen)] == screen[8:], entry["path"]
        whole = print_shop_pdf(screen, title=entry["title"], lang=entry["lang"], created=dt.date(2023, 11, 6)).data
        assert renders_equal(made, whole), entry["path"]
        with pikepdf.open(out / entry["path"]) as pdf, pikepdf.open(io.BytesIO(whole)) as ref:
            assert pdf.pdf_version == "1.6" and "/StructTreeRoot" not in pdf.Root
            assert sorted(pdf.Root.keys()) == sorted(ref.Root.keys())
            assert pdf.Root.OutputIntents[0].S == "/GTS_PDFX" and pdf.docinfo.GTS_PDFXVersion == "PDF/X-4"
            assert {k: str(v) for k, v in pdf.docinfo.items()} == {k: str(v) for k, v in ref.docinfo.items()}
            assert pdf.Root.Metadata.read_bytes() == ref.Root.Metadata.read_bytes()
            for page, ref_page in zip(pdf.pages, ref.pages):
                for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
                    assert [float(v) for v in page.obj[box]] == [float(v) for v in ref_page.obj[box]]
                assert "/Annots" not in page.obj and "/StructParents" not in page.obj
        assert subprocess.run(["qpdf", "--check", str(out / entry["path"])], capture_output=True).returncode == 0


def test_a_schools_tiled_poster_is_its_poster_plus_an_update_and_reads_as_the_whole_file(built, tmp_path):
    out, entries = built
    tiled = [e for e in entries if e["kind"] == "tiled-poster"]
    assert {e["lang"] for e in tiled} == {"en", "ar"} and {e["school"] for e in tiled} == {"lincoln", "marti"}
    words = load_campaign().strings
    for entry in tiled:
        path = out / entry["path"]
        poster, made = (out / entry["source"]).read_bytes(), path.read_bytes()
        assert made.startswith(poster), entry["path"]
        whole_path = tmp_path / "whole.pdf"
        whole, pages = tile_poster(poster, "letter", OVERLAP, words[entry["lang"]])
        whole_path.write_bytes(whole)
        assert pages == entry["pages"] == 4
        assert renders_equal(made, whole), entry["path"]
        assert mcid_texts(path) == mcid_texts(whole_path), entry["path"]
        assert structure_reading(path) == structure_reading(whole_path), entry["path"]
        assert artifact_and_tagged_text_objects(path) == artifact_and_tagged_text_objects(whole_path), entry["path"]
        assert page_validation.validate_pdf(str(path), profile="ua1").is_compliant, entry["path"]
        assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


def test_the_club_line_on_a_schools_tiles_is_read_once(built):
    out, entries = built
    path = out / next(e["path"] for e in entries if e["kind"] == "tiled-poster" and e["school"] == "lincoln")
    reading = " ".join(read_in_order(path))
    assert reading.count("Lincoln GSA") == 1, reading
    # and it is drawn where the overlap repeats it, as an artifact
    drawn = sum(1 for page in mcid_texts(path) for text in page.values() if "Lincoln GSA" in text)
    assert drawn == 1


def test_plans_made_again_in_a_fresh_worker_give_the_same_bytes(built):
    out, entries = built
    poster = next(e for e in entries if e["kind"] == "tiled-poster" and e["school"] == "marti" and e["lang"] == "ar")
    shop = next(e for e in entries if e["kind"] == "print-shop" and e["piece"] == "packet" and e["school"] == "lincoln")
    words = load_campaign().strings["ar"]
    screen = (out / shop["screen_file"]).read_bytes()
    tiling_update._plans.clear()
    shop_update._plans.clear()
    made = shop_update.print_shop_update(screen, title=shop["title"], lang="en", created=dt.date(2023, 11, 6),
                                         source_hash=sha256(screen))
    assert made is not None and made.data.join(screen) == (out / shop["path"]).read_bytes()
    source = (out / poster["source"]).read_bytes()
    tiles = tiling_update.tile_update(source, "letter", OVERLAP, words)
    assert tiles is not None and tiles[0].join(source) == (out / poster["path"]).read_bytes()


def test_a_file_not_drawn_on_a_shared_render_is_made_whole(default_build):
    poster = (default_build / "en" / "posters" / "black-lgbtq.pdf").read_bytes()
    assert tiling_update.tile_update(poster, "letter", OVERLAP, load_campaign().strings["en"]) is None
    assert shop_update.print_shop_update(poster, title="x", lang="en", created=dt.date(2023, 11, 6),
                                         source_hash=sha256(poster)) is None


"""No text printed on top of other text: every file of the default build, and packets of every variant."""
from __future__ import annotations

from pathlib import Path

import pytest
import weasyprint
from text_overlap import overlapping_text

from solidarity_print.build import BuildOptions, build
from solidarity_print.pdf.packet import PacketOptions
from solidarity_print.resources import ASSETS, DEFAULT_CAMPAIGN

ROSTER = """name,slug,club,contact_name,contact_email,meeting,languages,paper,audience
Lincoln High School,lincoln-high,Lincoln GSA,Alex Rivera,arivera@example.org,Room 204 on Tuesdays,en;es,letter,both
Escuela Secundaria José Martí,jose-marti,Club de Solidaridad,María López,mlopez@example.org,Biblioteca,es,a4,student
Lê Lợi High School,le-loi,Le Loi Pride,Minh Nguyen,minh@example.org,,en,a4,educator
"""


def _pdf(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sample.pdf"
    # A bundled font, so the result does not depend on which fonts the machine has installed.
    font = (ASSETS / "fonts" / "AtkinsonHyperlegibleNext-Regular.ttf").as_uri()
    style = f"<style>@font-face {{ font-family: Bundled; src: url({font}) }}</style>"
    weasyprint.HTML(string=f"<html>{style}<body style='font: 24pt Bundled'>{body}</body></html>").write_pdf(path)
    return path


def test_the_check_finds_two_texts_printed_in_one_place(tmp_path):
    footer = "position: absolute; bottom: 1in; left: 1in"
    path = _pdf(tmp_path, f"<p style='{footer}'>Solidarity Week 2023 · Page 12 of 5</p>"
                          f"<p style='{footer}'>Lincoln High School — page 13 of 28</p>")
    assert overlapping_text(path), "two footers in one place went unnoticed"


def test_the_check_leaves_kerned_letters_and_close_lines_alone(tmp_path):
    path = _pdf(tmp_path, "<h1 style='font-size: 60pt; line-height: 1'>Intersex Youth Focus Day AVATAR Ty Wo</h1>"
                          "<p style='line-height: 1.1'>Every line of a paragraph sits just below the one before it, "
                          "with descenders like g, j, p, q and y over the capitals of the next line: Þ Å É Ĵ.</p>")
    assert overlapping_text(path) == []


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> list[Path]:
    """Packets (and the schools' posters and flyers) of letter and A4 schools, each audience, English and
    Spanish, single- and double-sided, posters at their own size and fitted, shared renders and whole."""
    folder = tmp_path_factory.mktemp("overlap")
    (folder / "schools.csv").write_text(ROSTER, encoding="utf-8")
    campaign, roster = DEFAULT_CAMPAIGN / "campaign.toml", folder / "schools.csv"
    outs = []
    for name, options in (("shared", PacketOptions()), ("duplex-fit", PacketOptions(duplex=True, posters="fit")),
                          ("whole", PacketOptions(fast=False))):
        only = ("posters", "flyers", "packets") if name == "shared" else ("packets",)
        build(campaign, folder / name, BuildOptions(roster=roster, only=only, packets=options))
        outs.append(folder / name)
    return outs


def test_no_file_of_the_default_build_prints_text_over_text(default_build):
    files = sorted(default_build.rglob("*.pdf"))
    assert len(files) > 20
    assert any(f.relative_to(default_build).parts[0] == "ar" for f in files)
    found = {str(f.relative_to(default_build)): overlaps[:3] for f in files if (overlaps := overlapping_text(f))}
    assert found == {}


def test_no_packet_of_any_variant_prints_text_over_text(variants):
    files = [f for out in variants for f in sorted(out.rglob("*.pdf"))]
    assert sum(f.name == "packet.pdf" for f in files) == 3 * 4
    found = {str(f): overlaps[:3] for f in files if (overlaps := overlapping_text(f))}
    assert found == {}

"""Packets per language, poster paper and link: excerpts by language, poster sizes, duplex parity, a school's own link."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
import zxingcpp
from click.testing import CliRunner
from pypdf import PdfReader

from solidarity_print.cli import cli
from solidarity_print.errors import InputError
from solidarity_print.inputs.config import load_campaign
from solidarity_print.inputs.roster import load_roster
from solidarity_print.model import School
from solidarity_print.pdf.packet_template import document_variant, packet_variant
from solidarity_print.pipeline.plan import PAPERS, plan_campaign
from solidarity_print.resources import DEFAULT_CAMPAIGN

LINK = "https://lincoln.example.org/gsa"
CAMPAIGN_LINK = "https://www.glsen.org/solidarity-week"
ROSTER = f"""name,slug,club,languages,paper,audience,poster_paper,link
Lincoln High School,lincoln-high,Lincoln GSA,en;es,letter,both,,{LINK}
Escuela Secundaria José Martí,jose-marti,Club de Solidaridad,es,a4,student,,
Riverside Academy,riverside,,en,letter,student,LETTER,
"""
EXCERPTS = [("en-educator.pdf", "1-3", "Responding to harassment", "educator", "en"),
            ("es-both.pdf", "1-2", "Cómo responder al acoso", "both", "es"),
            ("es-both.pdf", "3", "Recursos en español", "student", "es")]
SIZES = {name: (round(p.width), round(p.height)) for name, p in PAPERS.items()}


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Path:
    """The built-in campaign with an English educator excerpt and two Spanish ones (one for both audiences)."""
    folder = tmp_path_factory.mktemp("variants")
    text = (DEFAULT_CAMPAIGN / "campaign.toml").read_text(encoding="utf-8")
    for name, pages in (("en-educator.pdf", 3), ("es-both.pdf", 3)):
        with pikepdf.new() as pdf:
            for _ in range(pages):
                pdf.add_blank_page(page_size=(612, 792))
            pdf.save(folder / name)
    for source, pages, title, audience, lang in EXCERPTS:
        text += (f'\n[[excerpts]]\nsource = "{source}"\npages = "{pages}"\ntitle = "{title}"\n'
                 f'audience = "{audience}"\nlang = "{lang}"\n')
    (folder / "campaign.toml").write_text(text, encoding="utf-8")
    (folder / "schools.csv").write_text(ROSTER, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def duplex(campaign) -> tuple[Path, list[dict]]:
    """Every school's posters, flyers and double-sided packets."""
    out = campaign / "duplex"
    result = run("build", "--campaign", campaign, "--roster", campaign / "schools.csv", "--duplex",
                 "--only", "posters,flyers,packets", "--out", out, "--no-cache")
    assert result.exit_code == 0, result.output
    return out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]


def packet(build: tuple[Path, list[dict]], school: str, lang: str) -> tuple[Path, dict]:
    out, files = build
    entry, = [e for e in files if e["kind"] == "packet" and e["school"] == school and e["lang"] == lang]
    return out / entry["path"], entry


def excerpts_of(entry: dict) -> list[str]:
    return [p["title"] for p in entry["pieces"] if p["kind"] == "excerpt"]


def test_each_packet_gets_the_excerpts_of_its_language_and_audience(duplex):
    assert excerpts_of(packet(duplex, "lincoln-high", "en")[1]) == ["Responding to harassment"]
    assert excerpts_of(packet(duplex, "lincoln-high", "es")[1]) == ["Cómo responder al acoso", "Recursos en español"]
    assert excerpts_of(packet(duplex, "jose-marti", "es")[1]) == ["Cómo responder al acoso", "Recursos en español"]
    assert excerpts_of(packet(duplex, "riverside", "en")[1]) == []  # a student packet; the English one is for educators


def test_only_excerpts_in_spanish_writes_only_the_spanish_ones(campaign, tmp_path):
    result = run("build", "--campaign", campaign, "--only", "excerpts", "--lang", "es", "--out", tmp_path, "--no-cache")
    assert result.exit_code == 0, result.output
    files = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert sorted((e["title"], e["lang"]) for e in files) == [("Cómo responder al acoso", "es"), ("Recursos en español", "es")]
    assert sorted(p.name for p in (tmp_path / "excerpts").iterdir()) == ["como-responder-al-acoso.pdf", "recursos-en-espanol.pdf"]


def test_an_excerpt_in_a_language_the_campaign_does_not_have_is_a_problem(campaign, tmp_path):
    text = (campaign / "campaign.toml").read_text(encoding="utf-8").replace('lang = "es"', 'lang = "de"', 1)
    (tmp_path / "campaign.toml").write_text(text, encoding="utf-8")
    for name in ("en-educator.pdf", "es-both.pdf"):
        (tmp_path / name).write_bytes((campaign / name).read_bytes())
    with pytest.raises(InputError) as caught:
        load_campaign(tmp_path / "campaign.toml")
    problem, = [p for p in caught.value.problems if not p.warning]
    assert problem.where == "excerpts[1].lang"
    assert "'de'" in problem.message and "en, es, fr, vi" in problem.message


def test_duplex_starts_the_contents_and_every_piece_on_a_right_hand_page(duplex):
    for school, lang in (("lincoln-high", "en"), ("lincoln-high", "es"), ("jose-marti", "es"), ("riverside", "en")):
        path, entry = packet(duplex, school, lang)
        reader = PdfReader(path)
        assert len(reader.pages) == entry["pages"]
        assert [p["kind"] for p in entry["pieces"][:2]] == ["cover", "contents"]
        assert all(p["first"] % 2 == 1 for p in entry["pieces"]), entry["pieces"]
        # The PDF agrees: bookmarks lead to odd physical pages where the manifest says pieces start.
        marks = [(item.title, reader.get_destination_page_number(item) + 1) for item in reader.outline
                 if not isinstance(item, list)]
        assert marks == [(p["title"], p["first"]) for p in entry["pieces"]]
        labels = reader.page_labels
        assert labels[:5] == ["i", "ii", "iii", "iv", "1"]
        blank = "Esta página se dejó en blanco intencionalmente" if lang == "es" else "This page intentionally left blank"
        assert all(blank in reader.pages[n - 1].extract_text() for n in (2, 4))
        # The contents list each piece at its label; the footers print the same numbers.
        contents = reader.pages[2].extract_text()
        body = entry["pages"] - 4
        for piece in entry["pieces"][2:]:
            assert re.search(re.escape(piece["title"]) + r"\s+" + labels[piece["first"] - 1] + r"\b", " ".join(contents.split()))
        for piece in entry["pieces"]:
            if piece["kind"] == "guide":
                word, connector = ("página", "de") if lang == "es" else ("page", "of")
                footer = f"{word} {labels[piece['first'] - 1]} {connector} {body}"
                assert footer in " ".join(reader.pages[piece["first"] - 1].extract_text().split())
        excerpt_pages = [n for p in entry["pieces"] if p["kind"] == "excerpt" for n in range(p["first"], p["last"] + 1)]
        assert entry["untagged_pages"] == excerpt_pages
        for n in excerpt_pages:  # the user's pages are blank here: nothing rendered landed on them
            assert reader.pages[n - 1].extract_text().strip() == ""


def page_size(path: Path, page: int = 0) -> tuple[int, int]:
    box = PdfReader(path).pages[page].mediabox
    return round(float(box.width)), round(float(box.height))


def test_poster_paper_follows_the_school_in_its_files_and_its_packet(duplex):
    out, files = duplex
    wanted = {"lincoln-high": "tabloid", "jose-marti": "a3", "riverside": "letter"}
    for entry in files:
        if entry["kind"] == "poster":
            assert entry["paper"] == wanted[entry["school"]]
            assert page_size(out / entry["path"]) == SIZES[wanted[entry["school"]]]
        if entry["kind"] == "packet":
            for piece in entry["pieces"]:
                if piece["kind"] == "poster":
                    assert page_size(out / entry["path"], piece["first"] - 1) == SIZES[wanted[entry["school"]]]


def test_paper_given_on_the_command_line_wins_inside_packets_too(campaign, tmp_path):
    result = run("build", "--campaign", campaign, "--roster", campaign / "schools.csv", "--paper", "a4",
                 "--school", "riverside", "--only", "posters,packets", "--out", tmp_path, "--no-cache")
    assert result.exit_code == 0, result.output
    files = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["files"]
    posters = [e for e in files if e["kind"] == "poster"]
    assert posters and all(page_size(tmp_path / e["path"]) == SIZES["a4"] for e in posters)
    entry, = [e for e in files if e["kind"] == "packet"]
    starts = [p["first"] for p in entry["pieces"] if p["kind"] == "poster"]
    assert len(starts) == 6
    assert all(page_size(tmp_path / entry["path"], n - 1) == SIZES["a4"] for n in starts)


def test_a_bad_poster_paper_or_link_is_reported_by_row_and_column(campaign, tmp_path):
    roster = tmp_path / "schools.csv"
    roster.write_text("name,poster_paper,link\nA School,poster,https://a.example.org\n"
                      "B School,A3,http://b.example.org\nC School,,file:///etc/passwd\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_roster(roster, load_campaign(campaign / "campaign.toml"))
    where = {p.where: p.message for p in caught.value.problems if not p.warning}
    assert set(where) == {"row 2, column B (poster_paper)", "row 3, column C (link)", "row 4, column C (link)"}
    assert "tabloid, letter, a4, a3" in where["row 2, column B (poster_paper)"]
    assert "https:" in where["row 3, column C (link)"]


def test_variants_tell_apart_poster_papers_and_links():
    a = School(row=2, name="A", slug="a", languages=("en",), paper="letter")
    assert packet_variant(a, "en") != packet_variant(School(**{**vars(a), "poster_paper": "letter"}), "en")
    assert packet_variant(a, "en") != packet_variant(School(**{**vars(a), "link": LINK}), "en")
    assert packet_variant(a, "en") == packet_variant(School(**{**vars(a), "name": "B", "slug": "b"}), "en")
    assert packet_variant(School(**{**vars(a), "paper": "a4"}), "en") != packet_variant(a, "en")
    campaign = load_campaign()
    jobs = [plan_campaign(campaign, languages=("en",), only=("flyers",), school=s)[0]
            for s in (a, School(**{**vars(a), "link": LINK}))]
    assert document_variant(jobs[0]) != document_variant(jobs[1])


def qr_codes(path: Path, page: int = 0) -> list[str]:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return [code.text for code in zxingcpp.read_barcodes(pdf[page].render(scale=3).to_pil())]
    finally:
        pdf.close()


def test_a_school_link_is_its_qr_code_and_printed_address_and_nobody_elses(duplex):
    out, files = duplex
    for entry in files:
        if entry["kind"] not in ("poster", "flyer"):
            continue
        link = LINK if entry["school"] == "lincoln-high" else CAMPAIGN_LINK
        assert qr_codes(out / entry["path"]) == [link], entry["path"]
        text = " ".join(PdfReader(out / entry["path"]).pages[0].extract_text().split())
        assert link.removeprefix("https://") in text
        assert (CAMPAIGN_LINK if link == LINK else LINK).removeprefix("https://") not in text
    for entry in (e for e in files if e["kind"] == "packet"):
        link = LINK if entry["school"] == "lincoln-high" else CAMPAIGN_LINK
        for piece in entry["pieces"]:
            if piece["kind"] in ("poster", "flyer"):
                assert qr_codes(out / entry["path"], piece["first"] - 1) == [link], (entry["path"], piece)


def test_contents_entries_link_to_their_pieces_as_tagged_described_links(duplex):
    import page as page_validation
    for school, lang in (("lincoln-high", "es"), ("riverside", "en")):
        path, entry = packet(duplex, school, lang)
        with pikepdf.open(path) as pdf:
            number = {page.objgen: n for n, page in enumerate(pdf.pages, 1)}
            links = [a for a in pdf.pages[2].obj.get("/Annots", []) if a.Subtype == "/Link"]
            targets = {}
            for annot in links:
                assert "/StructParent" in annot
                targets.setdefault(str(annot.Contents), set()).add(number[annot.Dest[0].objgen])
            # Each Link structure element holds its annotation (an OBJR), as PDF/UA asks.
            parents = pdf.Root.StructTreeRoot.ParentTree.Nums
            by_key = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}
            assert all(by_key[int(a.StructParent)].S == "/Link" for a in links)
        word = "página" if lang == "es" else "page"
        labels = PdfReader(path).page_labels
        assert targets == {f"{p['title']}, {word} {labels[p['first'] - 1]}": {p["first"]} for p in entry["pieces"][2:]}
        report = page_validation.validate_pdf(str(path), profile="ua1")
        assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures][:3]

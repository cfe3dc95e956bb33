"""Who the PDFs name as their author: a school's files its club and school, other files the
campaign's `author`, and nobody when the campaign names none (never GLSEN by default)."""
from __future__ import annotations

import pikepdf
import pytest

from solidarity_print.build import BuildOptions, build
from solidarity_print.errors import InputError
from solidarity_print.inputs.config import load_campaign
from solidarity_print.resources import DEFAULT_CAMPAIGN

ROSTER = ('name,club,languages\n'
          'Lincoln High School,Lincoln GSA,en\n'
          '"Escuela Martí & Sons (Norte)",,en\n')
DC = "{http://purl.org/dc/elements/1.1/}"


def authors(path) -> tuple[str | None, list[str]]:
    """/Info /Author and the XMP's dc:creator entries of a PDF."""
    with pikepdf.open(path) as pdf:
        info = pdf.docinfo.get("/Author")
        with pdf.open_metadata() as meta:
            creators = list(meta.get("dc:creator") or [])
        return (str(info) if info is not None else None), creators


@pytest.fixture(scope="module")
def school_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("authors")
    (folder / "schools.csv").write_text(ROSTER, encoding="utf-8")
    return build(None, folder / "out", BuildOptions(languages=("en",), only=("flyers", "packets"),
                                                    roster=folder / "schools.csv", workers=2))


def test_a_schools_packet_and_flyer_name_its_club_and_school(school_build):
    by_school = {}
    for entry in school_build.entries:
        by_school.setdefault(entry.school, []).append(entry)
    expected = {"lincoln-high-school": "Lincoln GSA, Lincoln High School"}
    expected.update({slug: "Escuela Martí & Sons (Norte)" for slug in by_school if slug != "lincoln-high-school"})
    assert len(by_school) == 2
    for slug, items in by_school.items():
        packet = next(e for e in items if e.kind == "packet")
        flyer = next(e for e in items if e.kind == "flyer")
        # Both took the fast path: a shared render plus this school's incremental update.
        assert packet.extra["shared_render"]
        assert (school_build.out / flyer.path).read_bytes().count(b"%%EOF") >= 2
        for entry in (packet, flyer):
            info, creators = authors(school_build.out / entry.path)
            assert info == expected[slug], entry.path
            assert creators == [expected[slug]], entry.path
        with pikepdf.open(school_build.out / flyer.path) as pdf:  # the title is still the flyer's own
            assert "SOLIDARITY-PRINT" not in str(pdf.docinfo.Title)
            assert "SOLIDARITY-PRINT" not in pdf.Root.Metadata.read_bytes().decode()


def test_campaign_posters_carry_the_campaigns_author_or_none(tmp_path):
    toml = (DEFAULT_CAMPAIGN / "campaign.toml").read_text(encoding="utf-8")
    assert 'author = "' in toml
    with_author = build(None, tmp_path / "with", BuildOptions(languages=("en",), only=("posters",)))
    poster = next(e for e in with_author.entries if e.kind == "poster")
    assert authors(with_author.out / poster.path) == ("Solidarity Week student organizers",
                                                     ["Solidarity Week student organizers"])
    folder = tmp_path / "campaign"
    folder.mkdir()
    (folder / "campaign.toml").write_text("\n".join(line for line in toml.splitlines() if not line.startswith("author =")),
                                          encoding="utf-8")
    without = build(folder / "campaign.toml", tmp_path / "without", BuildOptions(languages=("en",), only=("posters",)))
    for entry in without.entries:
        info, creators = authors(without.out / entry.path)
        assert info is None and creators == [], entry.path


def test_an_author_longer_than_80_characters_is_refused(tmp_path):
    toml = (DEFAULT_CAMPAIGN / "campaign.toml").read_text(encoding="utf-8")
    (tmp_path / "campaign.toml").write_text(toml.replace('author = "Solidarity Week student organizers"',
                                                         'author = "' + "x" * 81 + '"'), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_campaign(tmp_path / "campaign.toml")
    assert "campaign.author: is 81 characters long; at most 80" in str(caught.value)

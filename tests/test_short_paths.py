"""Generated slugs stay at most 60 characters, so paths fit ZIP tools on Windows; longer explicit slugs are problems."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from solidarity_print.errors import InputError
from solidarity_print.inputs.config import load_campaign
from solidarity_print.inputs.roster import load_roster
from solidarity_print.render.i18n import slugify
from solidarity_print.resources import DEFAULT_CAMPAIGN

# Names as long as those a district's roster held (slugs of 96 and 215 characters).
LONG = "The Thurgood Marshall Academy for Learning and Social Change Early College High School in Harlem"
LONGER = ("Escuela Secundaria Bilingüe Internacional de Ciencias, Tecnología, Ingeniería, Artes y Matemáticas "
          "José Martí y Frida Kahlo para Estudiantes Recién Llegados del Distrito Escolar Unificado de Los Ángeles Campus Oriental")


def test_long_names_give_short_stable_slugs_cut_at_a_word():
    assert len(slugify(LONG, limit=10_000)) == 96 and len(slugify(LONGER, limit=10_000)) == 215
    for name in (LONG, LONGER):
        slug = slugify(name)
        assert len(slug) <= 60 and slug == slugify(name)
        head, digest = slug.rsplit("-", 1)
        assert re.fullmatch(r"[0-9a-f]{6}", digest)
        full = slugify(name, limit=10_000)
        assert full.startswith(head + "-")  # a whole word ends where it was cut
    assert slugify(LONG + " North") != slugify(LONG + " South")
    assert slugify("Escuela José Martí") == "escuela-jose-marti"  # short slugs are untouched
    assert len(slugify("x" * 215)) == 60  # one endless word is cut where it must be


def roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schools.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_roster_slugs_of_long_names_are_short(tmp_path):
    campaign = load_campaign()
    schools, _ = load_roster(roster(tmp_path, f'name\n"{LONG}"\n"{LONGER}"\n'), campaign)
    assert [len(s.slug) <= 60 for s in schools] == [True, True]
    assert schools[0].slug.startswith("the-thurgood-marshall-academy-for-learning")


def test_an_explicit_slug_over_60_characters_is_a_problem(tmp_path):
    slug = "-".join(["lincoln"] * 9)  # 71 characters
    with pytest.raises(InputError) as caught:
        load_roster(roster(tmp_path, f"name,slug\nLincoln High,{slug}\n"), load_campaign())
    assert any(p.where == "row 2, column B (slug)" and "71 characters" in p.message for p in caught.value.problems)


def test_excerpt_titles_give_short_file_names(tmp_path):
    import pikepdf
    folder = tmp_path / "campaign"
    folder.mkdir()
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(612, 792))
        pdf.save(folder / "guide.pdf")
    title = "Responding to harassment in hallways, classrooms, locker rooms, buses and online spaces"
    text = (DEFAULT_CAMPAIGN / "campaign.toml").read_text(encoding="utf-8")
    (folder / "campaign.toml").write_text(text + f'\n[[excerpts]]\nsource = "guide.pdf"\npages = "1"\n'
                                          f'title = "{title}"\naudience = "educator"\n', encoding="utf-8")
    excerpt, = load_campaign(folder / "campaign.toml").excerpts
    assert len(title) > 80 and len(excerpt.slug) <= 60 and excerpt.slug.startswith("responding-to-harassment")

"""Roster headers that nearly name a column are pointed at it, and never silently read as it."""
from __future__ import annotations

import pytest

from solidarity_print.errors import InputError
from solidarity_print.inputs.config import load_campaign
from solidarity_print.inputs.roster import load_roster


@pytest.fixture(scope="module")
def campaign():
    return load_campaign()


def roster(tmp_path, header: str, values: str):
    path = tmp_path / "schools.csv"
    path.write_text(f"{header}\n{values}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("header, meant", [
    ("email", "contact_email"), ("E-mail", "contact_email"), ("Teacher", "contact_name"),
    ("Advisor", "contact_name"), ("Language", "languages"), ("lang", "languages"), ("Room", "meeting"),
    ("Logo description", "logo_alt"), ("Alt text", "logo_alt"), ("contact_emial", "contact_email"),
    ("languag", "languages"), ("Paper size", "paper"),
])
def test_near_miss_header_is_suggested_and_not_used(tmp_path, campaign, header, meant):
    path = roster(tmp_path, f"name,{header}", "Lincoln High,x")
    [school], warnings = load_roster(path, campaign)
    [warning] = warnings
    assert warning.where == "row 1, column B"
    assert f"unknown column {header!r} is ignored; did you mean {meant!r}?" == warning.message
    # never read as the column it resembles
    assert school.contact_email == "" and school.contact_name == "" and school.meeting == ""
    assert school.languages == campaign.languages and school.logo_alt == ""


def test_header_like_nothing_lists_the_known_columns(tmp_path, campaign):
    path = roster(tmp_path, "name,favourite colour", "Lincoln High,blue")
    _, [warning] = load_roster(path, campaign)
    assert "did you mean" not in warning.message and "(known: name, slug, club" in warning.message


def test_school_column_instead_of_name(tmp_path, campaign):
    path = roster(tmp_path, "School Name,club", "Lincoln High,GSA")
    with pytest.raises(InputError) as info:
        load_roster(path, campaign)
    [error] = [p for p in info.value.problems if not p.warning]
    assert error.where == "row 1" and "if 'School Name' holds the schools' names, rename it 'name'" in error.message
    [warning] = [p for p in info.value.problems if p.warning]
    assert "did you mean 'name'?" in warning.message

"""Counts printed on the materials come from the campaign: a four-day week says four, in every language."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import pdf_text

from solidarity_print.cli import cli
from solidarity_print.render.i18n import counted


@pytest.fixture(scope="module")
def four_day_build(tmp_path_factory):
    """`solidarity-print new`, its last [[days]] table deleted and `end` moved a day earlier, built."""
    folder = tmp_path_factory.mktemp("four") / "campaign"
    assert CliRunner().invoke(cli, ["new", str(folder)]).exit_code == 0
    toml = folder / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    text = text[:text.rindex("[[days]]")].replace("end = 2023-11-10", "end = 2023-11-09")
    toml.write_text(text, encoding="utf-8")
    out = folder.parent / "out"
    result = CliRunner().invoke(cli, ["build", "--campaign", str(toml), "--out", str(out), "--only", "posters,flyers",
                                      "--no-cache"])
    assert result.exit_code == 0, result.output
    return out


def words(path) -> str:
    return " ".join(pdf_text(path).split()).lower()


@pytest.mark.parametrize("lang, heading", [("en", "four days, four focuses"), ("es", "cuatro días, cuatro enfoques")])
def test_week_poster_counts_the_campaigns_days(four_day_build, lang, heading):
    text = words(four_day_build / lang / "posters/week-at-a-glance.pdf")
    assert heading in text
    assert "five" not in text and "cinco" not in text


@pytest.mark.parametrize("lang, heading", [("en", "three ways to show solidarity"), ("es", "tres maneras de mostrar solidaridad")])
def test_ways_heading_counts_the_days_actions(four_day_build, lang, heading):
    assert heading in words(four_day_build / lang / "posters/black-lgbtq.pdf")
    assert heading + (" today" if lang == "en" else " hoy") in words(four_day_build / lang / "flyers/black-lgbtq.pdf")


def test_counted_phrases_pick_the_plural_form_and_number_word():
    week = {"one": "One day, one focus", "other": "{Words} days, {words} focuses"}
    assert counted(week, 1, "en", "one, two, three") == "One day, one focus"
    assert counted(week, 3, "en", "one, two, three") == "Three days, three focuses"
    assert counted(week, 12, "en", "one, two, three") == "12 days, 12 focuses"
    assert counted("{count} ways", 2, "es") == "2 ways"


def test_a_plural_table_without_other_is_a_problem(tmp_path):
    folder = tmp_path / "c"
    assert CliRunner().invoke(cli, ["new", str(folder)]).exit_code == 0
    strings = folder / "overrides/templates/strings"
    strings.mkdir(parents=True)
    (strings / "es.toml").write_text('week_heading = { one = "Un día" }\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--campaign", str(folder / "campaign.toml")])
    assert result.exit_code == 1
    assert re.search(r"es\.toml: week_heading.*plural forms", result.output)

"""What a new user hits first: messages that count honestly, limits that agree, codes in any case."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from pending_languages import without_pending

from solidarity_print.cli import cli
from solidarity_print.errors import InputError
from solidarity_print.inputs.config import load_campaign
from solidarity_print.inputs.roster import load_roster
from solidarity_print.resources import DEFAULT_CAMPAIGN

SCAFFOLD = DEFAULT_CAMPAIGN / "campaign.toml"
README = DEFAULT_CAMPAIGN.parent.parent / "README.md"


@pytest.fixture(scope="module")
def campaign():
    return load_campaign()


def check(*args):
    return CliRunner().invoke(cli, ["check", *map(str, args)])


# --- counting -------------------------------------------------------------------------------------

def test_errors_and_warnings_are_counted_apart_and_warnings_come_last(tmp_path):
    roster = tmp_path / "schools.csv"
    roster.write_text("school,club\nLincoln High,GSA\n", encoding="utf-8")
    result = check("--roster", roster)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    header = next(line for line in lines if line.startswith("error:"))
    assert header == "error: 1 problem found (and 1 warning):"
    listed = lines[lines.index(header) + 1:]
    assert len(listed) == 2
    assert "has no 'name' column" in listed[0] and "warning:" not in listed[0]
    assert "warning: unknown column 'school'" in listed[1]


def test_errors_alone_keep_the_short_header(tmp_path):
    roster = tmp_path / "schools.csv"
    roster.write_text("name,paper\nLincoln High,legal\nWest High,tabloid\n", encoding="utf-8")
    result = check("--roster", roster)
    assert result.exit_code == 1 and "error: 2 problems found:\n" in result.output


# --- languages in the roster --------------------------------------------------------------------

@pytest.mark.parametrize("written", ["EN;ES", "En, es", "es;EN;en"])
def test_roster_language_codes_ignore_case(tmp_path, campaign, written):
    roster = tmp_path / "schools.csv"
    roster.write_text(f"name,languages\nLincoln High,\"{written}\"\n", encoding="utf-8")
    [school], warnings = load_roster(roster, campaign)
    expected = tuple(dict.fromkeys(code.strip().lower() for code in re.split("[;,]", written)))
    assert school.languages == expected and not warnings


def test_unknown_language_still_refused_whatever_its_case(tmp_path, campaign):
    roster = tmp_path / "schools.csv"
    roster.write_text("name,languages\nLincoln High,EN;DE\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_roster(roster, campaign)
    [problem] = info.value.problems
    assert "'DE' is not a language of this campaign" in problem.message


# --- limits the scaffold and README state are the limits enforced ------------------------------

def stated_limit(text: str, table: str) -> int:
    line = next(line for line in text.splitlines() if line.startswith(f"[campaign.{table}]"))
    return int(re.search(r"(\d+) characters", line).group(1))


@pytest.mark.parametrize("table", ["tagline", "about"])
@pytest.mark.parametrize("source", [SCAFFOLD, README], ids=["scaffold", "readme"])
def test_stated_length_limit_is_the_enforced_one(tmp_path, table, source):
    limit = stated_limit(source.read_text(encoding="utf-8"), table)
    path = tmp_path / "campaign.toml"
    original = SCAFFOLD.read_text(encoding="utf-8")
    english = re.search(rf"\[campaign\.{table}\][^\n]*\nen = (\"[^\"]*\")", original).group(1)
    path.write_text(original.replace(english, '"' + "a" * limit + '"'), encoding="utf-8")
    assert len(load_campaign(path).__getattribute__(table)["en"]) == limit
    path.write_text(original.replace(english, '"' + "a" * (limit + 1) + '"'), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_campaign(path)
    problems = without_pending(info.value.problems)
    assert [p.where for p in problems] == [f"campaign.{table}.en"]
    assert f"at most {limit} fit" in problems[0].message

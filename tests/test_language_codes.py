"""Language codes Babel does not know, or knows only in part, are named with their file and key or row."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from solidarity_print.cli import cli
from solidarity_print.resources import DEFAULT_CAMPAIGN


@pytest.fixture
def campaign(tmp_path) -> Path:
    path = tmp_path / "campaign.toml"
    shutil.copyfile(DEFAULT_CAMPAIGN / "campaign.toml", path)
    return path


@pytest.mark.parametrize("code, says", [
    ("en-notreal", "'en-notreal' is only partly a language code Babel knows: it reads it as 'en'"),
    ("xx", "'xx' is not a language code Babel knows"),
])
def test_campaign_languages_with_a_code_babel_does_not_know(campaign, code, says):
    text = campaign.read_text(encoding="utf-8")
    campaign.write_text(re.sub(r'^languages = \[(.*)\]', lambda m: f'languages = [{m.group(1)}, "{code}"]', text, count=1, flags=re.M), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--campaign", str(campaign)])
    assert result.exit_code == 1, result.output
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("languages ="))
    assert f"{campaign}, line {line}: campaign.languages: {says}" in result.output


def test_roster_language_column_with_a_code_babel_does_not_know(tmp_path):
    roster = tmp_path / "schools.csv"
    roster.write_text("name,languages\nOak High,en\nElm High,en-notreal\nAsh High,xx\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--roster", str(roster)])
    assert result.exit_code == 1, result.output
    assert "row 3, column B (languages): 'en-notreal' is only partly a language code Babel knows" in result.output
    assert "row 4, column B (languages): 'xx' is not a language code Babel knows" in result.output


def test_known_codes_stay_known():
    from solidarity_print.render.i18n import is_known_language
    assert all(map(is_known_language, ["en", "es", "fr", "vi", "ar", "zh-Hans", "pt-BR", "EN", "ht"]))
    assert not any(map(is_known_language, ["en-notreal", "xx", "en-Latn", "", "zh-Hans-XX"]))

"""Ship English while Spanish is unfinished: only the wanted languages must be complete."""
from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner
from pending_languages import without_pending
from pypdf import PdfReader

from solidarity_print.cli import cli
from solidarity_print.errors import InputError, OptionError
from solidarity_print.inputs.config import load_campaign
from solidarity_print.inputs.roster import load_roster
from solidarity_print.resources import DEFAULT_CAMPAIGN


@pytest.fixture
def campaign(tmp_path):
    path = tmp_path / "campaign.toml"
    shutil.copyfile(DEFAULT_CAMPAIGN / "campaign.toml", path)
    return path


def drop_spanish_day_text(path, index: int) -> None:
    """Delete the [days.text.es] table of the index-th day (Spanish not written yet), up to the next table."""
    text = path.read_text(encoding="utf-8")
    tables = [m.start() for m in re.finditer(r"^\[days\.text\.es\]$", text, re.M)]
    start = tables[index]
    end = text.find("\n[", start)
    path.write_text(text[:start] + (text[end:] if end != -1 else ""), encoding="utf-8")


def test_unfinished_spanish_is_a_warning_when_only_english_is_wanted(campaign):
    drop_spanish_day_text(campaign, 2)
    with pytest.raises(InputError) as info:
        load_campaign(campaign)
    assert [p.where for p in info.value.problems if not p.warning] == ["days[2].text.es"]
    english = load_campaign(campaign, languages=("en",))
    assert english.languages == ("en",) and english.all_languages == ("en", "es", "fr", "vi", "ar", "zh-Hans")
    assert all(set(day.text) == {"en"} for day in english.days) and set(english.strings) == {"en"}
    assert {s.lang for s in english.guide} == {"en"} and set(english.name) == {"en"}
    [warning] = without_pending(english.warnings)
    assert warning.warning and warning.where == "days[2].text.es" and warning.message == "is required"


def test_missing_guide_and_theme_words_of_an_unwanted_language_are_warnings(campaign):
    text = campaign.read_text(encoding="utf-8").replace('languages = ["en", "es", "fr", "vi", "ar", "zh-Hans"]', 'languages = ["en", "es", "fr", "vi", "ar", "zh-Hans", "de"]')
    campaign.write_text(text, encoding="utf-8")
    with pytest.raises(InputError):
        load_campaign(campaign)
    english = load_campaign(campaign, languages=("EN",))  # any case, as on the command line
    assert english.languages == ("en",)
    messages = [str(w) for w in without_pending(english.warnings)]
    assert all(w.warning for w in english.warnings)
    assert any("'de' has no theme translation" in m for m in messages)
    assert any("no guide sections for declared language 'de'" in m for m in messages)
    assert sum("days[" in m and ".text.de" in m for m in messages) == 5
    assert not any("text.es" in m or "'es'" in m for m in messages)


def test_a_language_asked_for_that_the_campaign_lacks_is_a_usage_mistake(campaign):
    with pytest.raises(OptionError) as info:
        load_campaign(campaign, languages=("en", "de"))
    [problem] = info.value.problems
    assert info.value.option == "--lang" and problem.message.startswith("de is not a language of this campaign")
    assert "(it has: en, es, fr, vi, ar, zh-Hans)" in problem.message


def test_texts_of_a_removed_language_are_one_warning(campaign):
    text = campaign.read_text(encoding="utf-8").replace('languages = ["en", "es", "fr", "vi", "ar", "zh-Hans"]', 'languages = ["en", "fr", "vi", "ar", "zh-Hans"]')
    campaign.write_text(text, encoding="utf-8")
    loaded = load_campaign(campaign)
    assert loaded.languages == ("en", "fr", "vi", "ar", "zh-Hans")
    [warning] = without_pending(loaded.warnings)
    assert warning.warning and warning.where == "campaign.languages"
    assert "texts in 'es' are ignored because 'es' is not in campaign.languages" in warning.message
    for key in ("campaign.name.es", "campaign.tagline.es", "campaign.about.es", "days[0].text.es", "days[4].text.es"):
        assert key in warning.message


def test_roster_may_name_a_language_this_build_leaves_out(tmp_path, campaign):
    roster = tmp_path / "schools.csv"
    roster.write_text("name,languages\nLincoln High,en;es\nEscuela Martí,es\n", encoding="utf-8")
    [lincoln, marti], warnings = load_roster(roster, load_campaign(campaign, languages=("en",)))
    assert lincoln.languages == ("en",) and marti.languages == () and not warnings


def test_check_and_build_english_only(tmp_path, campaign):
    drop_spanish_day_text(campaign, 0)
    runner = CliRunner()
    assert runner.invoke(cli, ["check", "--campaign", str(campaign)]).exit_code == 1
    checked = runner.invoke(cli, ["check", "--campaign", str(campaign), "--lang", "en"])
    assert checked.exit_code == 0, checked.output
    assert "days[0] (black-lgbtq).text.es: warning: is required" in checked.output and "languages: en)" in checked.output
    out = tmp_path / "out"
    built = runner.invoke(cli, ["build", "--campaign", str(campaign), "--lang", "en", "--only", "posters",
                                "--out", str(out), "--no-cache", "--workers", "1"])
    assert built.exit_code == 0, built.output
    posters = sorted(p.name for p in (out / "en" / "posters").glob("*.pdf"))
    assert len(posters) == 6 and not (out / "es").exists()
    assert "Black LGBTQ+" in PdfReader(out / "en" / "posters" / "black-lgbtq.pdf").pages[0].extract_text()

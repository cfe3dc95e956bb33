"""A focus day's colour must be readable as the background of white text and as text on white."""
from __future__ import annotations

import colorsys
import re
import shutil

import pytest
from click.testing import CliRunner

from solidarity_print.cli import cli
from solidarity_print.errors import InputError
from solidarity_print.inputs.config import load_campaign
from solidarity_print.render.contrast import WHITE, darker_passing, ratio, relative_luminance
from solidarity_print.resources import DEFAULT_CAMPAIGN


@pytest.fixture
def campaign(tmp_path):
    path = tmp_path / "campaign.toml"
    shutil.copyfile(DEFAULT_CAMPAIGN / "campaign.toml", path)
    return path


def with_color(path, color):
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('color = "#A84E0A"', f'color = "{color}"'), encoding="utf-8")


@pytest.mark.parametrize("first, second, expected", [
    ("#FFFFFF", "#000000", 21.0),   # the extremes of the scale
    ("#777777", "#FFFFFF", 4.48),   # the classic grey that just misses AA
    ("#767676", "#FFFFFF", 4.54),   # and the one that just makes it
    ("#FFD700", "#FFFFFF", 1.40),
])
def test_ratio_matches_wcag_reference_values(first, second, expected):
    assert ratio(first, second) == pytest.approx(expected, abs=0.01)
    assert relative_luminance("#000000") == 0 and relative_luminance("#FFFFFF") == pytest.approx(1)


def test_built_in_colours_pass():
    campaign = load_campaign()
    assert all(ratio(day.color, WHITE) >= 4.5 for day in campaign.days)


def test_yellow_is_refused_with_ratio_and_a_darker_suggestion(campaign):
    with_color(campaign, "#FFD700")
    with pytest.raises(InputError) as info:
        load_campaign(campaign)
    [problem] = [p for p in info.value.problems if p.where == "days[3].color"]
    assert not problem.warning
    assert "1.4:1" in problem.message and "4.5:1" in problem.message
    suggestion = re.search(r"darker (#[0-9A-F]{6})", problem.message).group(1)
    assert ratio(suggestion, WHITE) >= 4.5
    # the same hue, and darkened only just enough: a step lighter fails again
    hue = colorsys.rgb_to_hls(*(int(suggestion[i:i + 2], 16) / 255 for i in (1, 3, 5)))[0]
    assert hue == pytest.approx(colorsys.rgb_to_hls(1.0, 215 / 255, 0.0)[0], abs=0.01)
    assert ratio(suggestion, WHITE) < 4.7
    # and the suggestion, written into the file, is accepted
    with_color_text = campaign.read_text(encoding="utf-8").replace("#FFD700", suggestion)
    campaign.write_text(with_color_text, encoding="utf-8")
    assert load_campaign(campaign).day("native-indigenous").color == suggestion


@pytest.mark.parametrize("color", ["#FF0000", "#777777", "#00FF00", "#1F6FB2"])
def test_suggestion_passes_for_any_colour(color):
    fixed = darker_passing(color)
    assert ratio(fixed, WHITE) >= 4.5 and relative_luminance(fixed) <= relative_luminance(color)


def test_check_command_fails_on_low_contrast(campaign):
    with_color(campaign, "#FFD700")
    result = CliRunner().invoke(cli, ["check", "--campaign", str(campaign)])
    assert result.exit_code == 1
    assert "days[3]" in result.output and "1.4:1" in result.output

"""Design hooks a volunteer can find: named blocks, overrides/assets/css/extra.css, and `solidarity-print theme`."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import pdf_text

from solidarity_print.cli import cli
from solidarity_print.inputs.config import load_campaign
from solidarity_print.pipeline.plan import plan_campaign
from solidarity_print.render.theme import Theme
from solidarity_print.resources import TEMPLATES


def run(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def campaign(tmp_path):
    folder = tmp_path / "campaign"
    assert run("new", str(folder)).exit_code == 0
    return folder


def build(campaign, out, only):
    result = run("build", "--campaign", str(campaign / "campaign.toml"), "--out", str(out), "--lang", "en",
                 "--only", only, "--no-cache")
    assert result.exit_code == 0, result.output
    return out / "en"


def test_extra_css_is_loaded_last_by_every_template(campaign, tmp_path):
    css = campaign / "overrides/assets/css"
    css.mkdir(parents=True, exist_ok=True)
    (css / "extra.css").write_text(".poster .kicker, .flyer .kicker, .guide-head .kicker, .week .days-heading "
                                   "{ text-transform: none; }\n", encoding="utf-8")
    out = build(campaign, tmp_path / "out", "posters,flyers,guide")
    for name, words in (("posters/black-lgbtq.pdf", "Solidarity Week 2023"), ("flyers/black-lgbtq.pdf", "Solidarity Week 2023"),
                        ("guides/student-guide.pdf", "Solidarity Week 2023"), ("posters/week-at-a-glance.pdf", "Five days, five focuses")):
        text = " ".join(pdf_text(out / name).split()).replace("SOLIDARIT Y", "SOLIDARITY")
        assert words in text and words.upper() not in text, name


def test_without_extra_css_the_builtin_styles_apply(campaign, tmp_path):
    text = pdf_text(build(campaign, tmp_path / "out", "flyers") / "flyers/black-lgbtq.pdf")
    assert "SOLIDARITY WEEK 2023" in text.replace("SOLIDARIT Y", "SOLIDARITY")


def test_one_block_of_the_flyer_is_replaced_and_the_rest_kept(campaign, tmp_path):
    (campaign / "overrides/templates/flyer.html").write_text(
        '{% extends "!default/flyer.html" %}{% block why %}<h2>Our club meets Tuesdays</h2>{% endblock %}', encoding="utf-8")
    text = " ".join(pdf_text(build(campaign, tmp_path / "out", "flyers") / "flyers/black-lgbtq.pdf").split())
    assert "Our club meets Tuesdays" in text and "Why it matters" not in text
    assert "Celebrate Black LGBTQ+ students" in text and "Build a library display" in text


def theme_section(output: str, name: str) -> dict[str, str]:
    block = output.split(f"\n{name}", 1)[1].split("\n\n", 1)[0]
    return dict(re.findall(r"^  ([a-z ]+): (.*)$", block, re.M))


@pytest.mark.parametrize("name", ["poster.html", "flyer.html", "week.html"])
def test_theme_lists_every_block_and_each_one_can_be_overridden(name, tmp_path):
    result = run("theme")
    assert result.exit_code == 0, result.output
    listed = theme_section(result.output, name)["blocks"].split(", ")
    assert listed == list(dict.fromkeys(re.findall(r"{% block (\w+)", (TEMPLATES / name).read_text(encoding="utf-8"))))
    assert {"summary", "qr_footer", "date", "headline"} <= set(listed) or name == "week.html"
    campaign = load_campaign(None)
    job = next(j for j in plan_campaign(campaign, languages=("en",)) if j.template == name)
    overrides = tmp_path / "overrides/templates"
    overrides.mkdir(parents=True, exist_ok=True)
    for block in listed:
        if block in ("stylesheets", "body_class", "page_rules"):
            continue  # inside <head> or an attribute: not visible text
        (overrides / name).write_text(f'{{% extends "!default/{name}" %}}{{% block {block} %}}MARKER-{block}{{% endblock %}}',
                                      encoding="utf-8")
        html = Theme(tmp_path).render(name, dict(job.context, fit=1.0))
        assert f"MARKER-{block}" in html, block


def test_theme_lists_variables_the_build_provides_and_the_string_keys():
    output = run("theme").output
    poster = theme_section(output, "poster.html")
    used, provided = set(poster["variables"].split(", ")), set(poster["context from the build"].split(", "))
    assert {"day", "text", "headline_size", "t"} <= used <= provided | {"extra_css"}
    assert "counted" in poster["functions and filters"]
    assert "  week_heading = '{Words} days, {words} focuses'" in output
    assert "  organized_with = 'Organized with {organizer}'" in output


def test_the_scaffolds_overrides_readme_names_the_real_blocks():
    from solidarity_print.inputs.scaffold import OVERRIDES_README
    output = run("theme").output
    documented = re.findall(r"templates/(\w+\.html) +blocks (.*)", OVERRIDES_README)
    assert len(documented) == 3
    for name, blocks in documented:
        real = [b for b in theme_section(output, name)["blocks"].split(", ") if b not in ("stylesheets", "body_class", "body")]
        assert blocks.split(", ") == real, name

"""Template overrides: `check` compiles them and finds dead blocks and strings; builds name file and line."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from pending_languages import without_pending_lines

from solidarity_print.cli import cli
from solidarity_print.resources import DEFAULT_CAMPAIGN, TEMPLATES


@pytest.fixture
def folder(tmp_path):
    campaign = tmp_path / "campaign"
    (campaign / "overrides" / "templates" / "strings").mkdir(parents=True)
    shutil.copyfile(DEFAULT_CAMPAIGN / "campaign.toml", campaign / "campaign.toml")
    return campaign


def override(folder, name: str, text: str):
    path = folder / "overrides" / "templates" / name
    path.write_text(text, encoding="utf-8")
    return path.resolve()


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


POSTER = (TEMPLATES / "poster.html").read_text(encoding="utf-8")


def test_check_reports_a_syntax_error_with_file_and_line(folder):
    path = override(folder, "flyer.html", '{% extends "!default/flyer.html" %}\n\n{% block body %}{% if %}{% endblock %}\n')
    result = run("check", "--campaign", folder)
    assert result.exit_code == 1
    assert f"{path}, line 3: template syntax error: " in result.output


def test_check_reports_a_template_that_extends_nothing_real(folder):
    path = override(folder, "poster.html", '{% extends "!default/postr.html" %}\n')
    result = run("check", "--campaign", folder)
    assert result.exit_code == 1 and f"{path}, line 1: uses '!default/postr.html', which is no template" in result.output


def test_misspelled_block_is_a_warning_with_a_suggestion(folder):
    path = override(folder, "poster.html", '{% extends "!default/poster.html" %}\n'
                                           '{% block headlin %}Hi{% endblock %}\n'
                                           '{% block body_class %}poster{% block mine %}{% endblock %}{% endblock %}\n')
    result = run("check", "--campaign", folder)
    assert result.exit_code == 0, result.output
    warnings = [line for line in without_pending_lines(result.output).splitlines() if "warning:" in line]
    assert warnings == [f"  {path}, line 2: warning: {{% block headlin %}} is not a block of '!default/poster.html', "
                        "so it is never printed (did you mean 'headline'?)"]
    assert "1 override templates" in result.output


def test_blocks_of_the_whole_extends_chain_count(folder):
    # `stylesheets` is a block of base.html, which poster.html extends
    override(folder, "poster.html", '{% extends "!default/poster.html" %}\n{% block stylesheets %}{% endblock %}\n')
    result = run("check", "--campaign", folder)
    assert result.exit_code == 0 and "warning" not in without_pending_lines(result.output)


def test_misnamed_override_file_is_a_warning(folder):
    path = override(folder, "postr.html", POSTER)
    result = run("check", "--campaign", folder)
    assert result.exit_code == 0
    assert f"{path}: warning: replaces no template of the theme" in result.output
    assert "did you mean 'poster.html'?" in result.output


def test_unknown_strings_key_is_a_warning_at_its_line(folder):
    path = override(folder, "strings/es.toml", 'focus_day = "Día de enfoque"\n\nfocus_dya = "Día"\n')
    result = run("check", "--campaign", folder)
    assert result.exit_code == 0, result.output
    assert f"{path}, line 3: focus_dya: warning: unknown key, never printed (did you mean 'focus_day'?)" in result.output
    assert "focus_day:" not in result.output.replace("focus_dya", "")


@pytest.mark.parametrize("expression, message", [
    ("text.shortt", "text has no field 'shortt' (it has: title, short, summary, why, actions)"),
    ("no_such_value", "no_such_value does not exist (this template is given: "),
    ("t.focus_dya", "t has no key 'focus_dya' (did you mean 'focus_day'?)"),
])
def test_build_names_override_file_line_and_field_in_plain_words(folder, tmp_path, expression, message):
    text = POSTER.replace("{{ text.short }}", "{{ " + expression + " }}")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if expression in l)
    path = override(folder, "poster.html", text)
    out = tmp_path / "out"
    result = run("build", "--campaign", folder, "--lang", "en", "--only", "posters", "--out", out,
                 "--no-cache", "--workers", "1")
    assert result.exit_code == 1
    assert f"error: {path}, line {line}: {message}" in result.output
    assert "solidarity_print" not in result.output and " object" not in result.output
    assert not out.exists()

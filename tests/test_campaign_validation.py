"""The campaign-file validator: every mistake is reported by key path, all at once, in the user's words."""
from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from pending_languages import without_pending

from solidarity_print.errors import InputError, Problem
from solidarity_print.inputs.config import load_campaign
from solidarity_print.resources import DEFAULT_CAMPAIGN

DEFAULT_TOML = DEFAULT_CAMPAIGN / "campaign.toml"


# --- helpers ---------------------------------------------------------------------------------------

@pytest.fixture
def campaign(tmp_path) -> Path:
    """A copy of the built-in campaign.toml alone in a folder (so the built-in guide is used)."""
    path = tmp_path / "campaign.toml"
    shutil.copyfile(DEFAULT_TOML, path)
    return path


def edit(path: Path, *edits: tuple[str, str]) -> None:
    """Apply text replacements in order; each `old` must occur exactly once, so no edit silently misses."""
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, f"edit target occurs {text.count(old)} times: {old!r}"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def problems_after(path: Path, *edits: tuple[str, str]) -> list[Problem]:
    """Edit the campaign file, load it, and return the problems of the InputError it must raise
    (less the warning that pending languages' texts are ignored)."""
    edit(path, *edits)
    with pytest.raises(InputError) as info:
        load_campaign(path)
    return without_pending(info.value.problems)


def error_at(problems: list[Problem], where: str, path: Path) -> Problem:
    """The single error reported at `where`, checked to name the campaign file."""
    found = [p for p in problems if p.where == where]
    assert len(found) == 1, f"expected one problem at {where!r}, got:\n" + "\n".join(map(str, problems))
    problem = found[0]
    assert problem.file == str(path.resolve())
    assert not problem.warning
    return problem


def add_excerpt(path: Path, source: str, pages: str) -> None:
    """Append one [[excerpts]] table to the campaign file."""
    with path.open("a", encoding="utf-8") as f:
        f.write(f'\n[[excerpts]]\nsource = "{source}"\npages = "{pages}"\n'
                f'title = "Club handout"\naudience = "student"\n')


def make_pdf(path: Path, pages: int = 2, **save_options) -> Path:
    """A real PDF of `pages` blank letter pages."""
    with pikepdf.new() as pdf:
        for _ in range(pages):
            pdf.add_blank_page(page_size=(612, 792))
        pdf.save(path, **save_options)
    return path


# --- the built-in campaign ------------------------------------------------------------------------

def test_builtin_campaign_loads_cleanly():
    campaign = load_campaign(DEFAULT_TOML)
    assert len(campaign.days) == 5
    assert campaign.languages == ("en", "es", "fr", "vi", "ar", "zh-Hans")
    assert campaign.warnings == ()


def test_unedited_copy_loads(campaign):
    assert load_campaign(campaign).source == campaign.resolve()


# --- dates ----------------------------------------------------------------------------------------

def test_day_in_wrong_year_names_the_date_its_weekday_and_the_window(campaign):
    problems = problems_after(campaign, ("date = 2023-11-10", "date = 2022-11-10"))
    message = error_at(problems, "days[4].date", campaign).message
    assert "2022-11-10" in message
    assert "Thursday, November 10, 2022" in message
    assert "2023-11-06" in message and "2023-11-10" in message
    assert len(problems) == 1


def test_two_days_on_one_date(campaign):
    problems = problems_after(campaign, ("date = 2023-11-07", "date = 2023-11-06"))
    message = error_at(problems, "days[1].date", campaign).message
    assert "2023-11-06" in message and "days[0]" in message


@pytest.mark.parametrize("value", ["0", "[[]]", '["en", ["x"]]', "[{ a = 1 }]"])
def test_languages_that_are_not_codes_are_a_problem_not_a_crash(campaign, value):
    # Found by test_properties: a list or table among the codes crashed the translating check (TypeError).
    problems = problems_after(campaign, ('languages = ["en", "es", "fr", "vi", "ar", "zh-Hans"]', f"languages = {value}"))
    errors = [p for p in problems if not p.warning]
    message = error_at(errors, "campaign.languages", campaign).message
    assert "must be a list of language codes" in message


def test_start_after_end(campaign):
    problems = problems_after(campaign, ("start = 2023-11-06", "start = 2023-11-10"),
                              ("end = 2023-11-10", "end = 2023-11-06"))
    message = error_at(problems, "campaign.end", campaign).message
    assert "2023-11-06" in message and "campaign.start (2023-11-10)" in message


def test_quoted_date_hints_to_write_it_unquoted(campaign):
    problems = problems_after(campaign, ("start = 2023-11-06", 'start = "2023-11-06"'))
    message = error_at(problems, "campaign.start", campaign).message
    assert "must be a date" in message and "unquoted" in message


def test_weekend_day_inside_the_window_is_only_a_warning(campaign):
    edit(campaign, ("end = 2023-11-10", "end = 2023-11-12"), ("date = 2023-11-10", "date = 2023-11-11"))
    loaded = load_campaign(campaign)
    [warning] = without_pending(loaded.warnings)
    assert warning.warning
    assert warning.where == "days[4].date"
    assert warning.file == str(campaign.resolve())
    assert "2023-11-11" in warning.message and "Saturday" in warning.message
    line = campaign.read_text(encoding="utf-8").splitlines().index("date = 2023-11-11") + 1
    assert str(warning) == f"{campaign.resolve()}, line {line}: days[4] (immigrant-youth).date: warning: {warning.message}"


# --- slugs, unknown keys, colours -----------------------------------------------------------------

def test_duplicate_day_slug(campaign):
    problems = problems_after(campaign, ('slug = "disability-justice"', 'slug = "black-lgbtq"'))
    message = error_at(problems, "days[1].slug", campaign).message
    assert "'black-lgbtq'" in message and "already used by days[0]" in message


@pytest.mark.parametrize("old, new, where", [
    ("[campaign]\n", 'theme = "dark"\n[campaign]\n', "theme"),
    ('slug = "solidarity-week-2023"', 'slug = "solidarity-week-2023"\nyear = 2023', "campaign.year"),
    ('color = "#6B2C91"', 'color = "#6B2C91"\ncolour = "#6B2C91"', "days[2].colour"),
    ('title = "Día de enfoque: justicia para personas LGBTQ+ con discapacidad"',
     'title = "Día de enfoque: justicia para personas LGBTQ+ con discapacidad"\nsubtitle = "x"',
     "days[1].text.es.subtitle"),
], ids=["top-level", "campaign", "day", "day-text"])
def test_unknown_key_is_reported_with_its_path(campaign, old, new, where):
    problems = problems_after(campaign, (old, new))
    assert "unknown key" in error_at(problems, where, campaign).message
    assert len(problems) == 1


def test_unknown_day_key_lists_the_expected_keys(campaign):
    problems = problems_after(campaign, ('color = "#6B2C91"', 'color = "#6B2C91"\ncolour = "#6B2C91"'))
    assert "color, date, slug, text" in error_at(problems, "days[2].colour", campaign).message


@pytest.mark.parametrize("color", ["red", "#12345"])
def test_bad_colour(campaign, color):
    problems = problems_after(campaign, ('color = "#8B1E3F"', f'color = "{color}"'))
    message = error_at(problems, "days[0].color", campaign).message
    assert "must be a colour like #" in message and repr(color) in message


# --- languages ------------------------------------------------------------------------------------

def test_declared_language_without_text_is_reported_everywhere(campaign):
    problems = problems_after(campaign, ('languages = ["en", "es", "fr", "vi", "ar", "zh-Hans"]', 'languages = ["en", "es", "fr", "vi", "ar", "zh-Hans", "de"]'))
    for i in range(5):
        assert error_at(problems, f"days[{i}].text.de", campaign).message == "is required"
    assert error_at(problems, "campaign.name.de", campaign).message == "is required"
    theme = error_at(problems, "campaign.languages", campaign).message
    assert "'de' has no theme translation" in theme
    guide = [p for p in problems if "no guide sections" in p.message]
    assert len(guide) == 1 and "'de'" in guide[0].message
    # The problem names the guide's own folder, not campaign.toml.
    assert guide[0].file.rstrip("/").endswith("guide/de") and guide[0].where == ""


def test_language_code_that_is_not_a_language(campaign):
    problems = problems_after(campaign, ('languages = ["en", "es", "fr", "vi", "ar", "zh-Hans"]', 'languages = ["en", "es", "fr", "vi", "ar", "zh-Hans", "xx-notreal"]'))
    message = error_at(problems, "campaign.languages", campaign).message
    assert "'xx-notreal' is not a language code" in message
    assert len(problems) == 1


# --- texts and links ------------------------------------------------------------------------------

def test_only_two_actions(campaign):
    problems = problems_after(
        campaign, ('  "Ask your GSA and Black student union to co-host a lunchtime conversation.",\n', ""))
    message = error_at(problems, "days[0].text.en.actions", campaign).message
    assert "exactly 3 entries, not 2" in message


@pytest.mark.parametrize("url", ["http://www.glsen.org/solidarity-week", "javascript:alert(1)"])
def test_resources_url_must_be_https(campaign, url):
    problems = problems_after(campaign, ('"https://www.glsen.org/solidarity-week"', f'"{url}"'))
    message = error_at(problems, "campaign.resources_url", campaign).message
    assert "https:" in message and repr(url) in message


def test_campaign_name_with_the_wrong_year(campaign):
    problems = problems_after(campaign, ('en = "Solidarity Week 2023"', 'en = "Solidarity Week 2022"'))
    message = error_at(problems, "campaign.name.en", campaign).message
    assert "2022" in message and "2023" in message


@pytest.mark.parametrize("char", [
    "\u200b",  # zero-width space
    "\u202e",  # right-to-left override
    "\u2067",  # right-to-left isolate
    "\ufeff",  # zero-width no-break space
    "\u061c",  # Arabic letter mark
], ids=["ZWSP", "RLO", "RLI", "BOM", "ALM"])
def test_invisible_or_direction_character_in_title(campaign, char):
    problems = problems_after(campaign, ('title = "Black LGBTQ+ Focus Day"', f'title = "Black LGBTQ+{char} Focus Day"'))
    assert "invisible or text-direction" in error_at(problems, "days[0].text.en.title", campaign).message


# --- the file itself ------------------------------------------------------------------------------

def test_yaml_style_value_is_a_toml_syntax_error_naming_the_line(campaign):
    problems = problems_after(campaign, ("start = 2023-11-06", "start = NO"))
    [problem] = problems
    assert problem.file == str(campaign.resolve())
    assert problem.where == ""
    assert "not valid TOML" in problem.message and "line 4" in problem.message


def test_non_utf8_file(campaign):
    # Windows-1252 has no Arabic or Vietnamese letters: they become "?", the accents of é stay non-UTF-8 bytes.
    campaign.write_bytes(DEFAULT_TOML.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    with pytest.raises(InputError) as info:
        load_campaign(campaign)
    [problem] = info.value.problems
    assert problem.file == str(campaign.resolve())
    assert "UTF-8" in problem.message


def test_missing_file(tmp_path):
    path = tmp_path / "no-such-campaign.toml"
    with pytest.raises(InputError) as info:
        load_campaign(path)
    [problem] = info.value.problems
    assert problem.file == str(path.resolve())
    assert "not found" in problem.message
    assert str(problem) == f"{path.resolve()}: file not found"


def test_all_problems_are_reported_at_once(campaign):
    problems = problems_after(
        campaign,
        ('color = "#8B1E3F"', 'color = "red"'),
        ('slug = "disability-justice"', 'slug = "black-lgbtq"'),
        ("start = 2023-11-06", 'start = "2023-11-06"'),
        ('"https://www.glsen.org/solidarity-week"', '"http://www.glsen.org/solidarity-week"'),
    )
    assert len(problems) >= 4
    for where in ("days[0].color", "days[1].slug", "campaign.start", "campaign.resources_url"):
        error_at(problems, where, campaign)


# --- excerpts -------------------------------------------------------------------------------------

def test_valid_excerpt_loads_with_its_pages(campaign):
    make_pdf(campaign.parent / "handout.pdf", pages=3)
    add_excerpt(campaign, "handout.pdf", "1,3")
    [excerpt] = load_campaign(campaign).excerpts
    assert excerpt.pages == (1, 3)
    assert excerpt.source == (campaign.parent / "handout.pdf").resolve()
    assert (excerpt.title, excerpt.audience, excerpt.lang) == ("Club handout", "student", "en")


def test_excerpt_pages_outside_the_file(campaign):
    make_pdf(campaign.parent / "handout.pdf", pages=2)
    add_excerpt(campaign, "handout.pdf", "3-5")
    problems = problems_after(campaign)
    message = error_at(problems, "excerpts[0].pages", campaign).message
    assert "page 3" in message and "2 pages" in message


def test_excerpt_malformed_page_range(campaign):
    make_pdf(campaign.parent / "handout.pdf", pages=6)
    add_excerpt(campaign, "handout.pdf", "5-3")
    problems = problems_after(campaign)
    assert "'5-3' is not a page range" in error_at(problems, "excerpts[0].pages", campaign).message


def test_excerpt_source_that_does_not_exist(campaign):
    add_excerpt(campaign, "missing.pdf", "1")
    problems = problems_after(campaign)
    assert "'missing.pdf' does not exist" in error_at(problems, "excerpts[0].source", campaign).message


def test_excerpt_source_outside_the_campaign_folder(campaign):
    (campaign.parent / "inner").mkdir()
    campaign = campaign.rename(campaign.parent / "inner" / "campaign.toml")
    make_pdf(campaign.parent.parent / "x.pdf")  # exists, so only the location is wrong
    add_excerpt(campaign, "../x.pdf", "1")
    problems = problems_after(campaign)
    assert "outside the campaign folder" in error_at(problems, "excerpts[0].source", campaign).message


def test_encrypted_excerpt(campaign):
    make_pdf(campaign.parent / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="u"))
    add_excerpt(campaign, "locked.pdf", "1")
    problems = problems_after(campaign)
    assert "is encrypted" in error_at(problems, "excerpts[0].source", campaign).message


def test_truncated_excerpt(campaign):
    whole = make_pdf(campaign.parent / "whole.pdf")
    (campaign.parent / "broken.pdf").write_bytes(whole.read_bytes()[:200])
    add_excerpt(campaign, "broken.pdf", "1")
    problems = problems_after(campaign)
    assert "'broken.pdf' is damaged or not a PDF" in error_at(problems, "excerpts[0].source", campaign).message

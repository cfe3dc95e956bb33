"""The built-in campaign in every language: the keys, placeholders, plural forms and guide sections of English."""
from __future__ import annotations

import json
import re
import shutil
import string
import tomllib
import unicodedata
from pathlib import Path

import pytest
from babel import Locale

from solidarity_print.errors import InputError
from solidarity_print.inputs.config import load_campaign
from solidarity_print.render.i18n import counted
from solidarity_print.resources import DEFAULT_CAMPAIGN, TEMPLATES

LANGUAGES = ["es", "ar", "fr", "vi", "zh-Hans"]
WRITTEN_BY_US = ["ar", "fr", "vi", "zh-Hans"]  # machine-assisted, waiting for a native speaker's review
STRINGS = TEMPLATES / "strings"
GUIDE = DEFAULT_CAMPAIGN / "guide"
TRANSLATIONS_DOC = Path(__file__).resolve().parents[1] / "docs" / "translations.md"
NO_FONT_YET = "cannot be printed with the bundled fonts"


def strings(lang: str) -> dict:
    return tomllib.loads((STRINGS / f"{lang}.toml").read_text(encoding="utf-8"))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


ENGLISH = strings("en")
COUNTED = [key for key, value in ENGLISH.items() if isinstance(value, dict)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_theme_words_have_every_english_key_and_no_other(lang):
    assert set(strings(lang)) == set(ENGLISH)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept_exactly(lang):
    for key, value in strings(lang).items():
        if key in COUNTED:
            assert all(fields(phrase) <= {"count", "words", "Words"} for phrase in value.values()), key
        else:
            assert isinstance(value, str) and fields(value) == fields(ENGLISH[key]), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_counted_phrases_use_the_languages_plural_categories_and_read_for_every_count(lang):
    words = strings(lang)
    categories = Locale.parse(lang.replace("-", "_")).plural_form.tags | {"other"}
    number_words = [w.strip() for w in words["number_words"].split(",")]
    assert len(number_words) == 14 and all(number_words), "number_words: 14 words separated by Latin commas"
    for key in COUNTED:
        assert "other" in words[key] and set(words[key]) <= categories, (key, sorted(words[key]))
        for count in range(0, 120):
            phrase = counted(words[key], count, lang, words["number_words"])
            assert phrase and "{" not in phrase and "}" not in phrase, (key, count)


@pytest.mark.parametrize("lang, key, count, phrase", [
    ("ar", "week_heading", 5, "خمسة أيام، خمسة محاور"),
    ("ar", "week_heading", 2, "يومان، محوران"),
    ("ar", "week_heading", 1, "يوم واحد، محور واحد"),
    ("ar", "week_heading", 11, "أحد عشر يومًا، أحد عشر محورًا"),
    ("ar", "ways_heading", 3, "ثلاثة سبل لإظهار التضامن"),
    ("fr", "week_heading", 5, "Cinq jours, cinq thèmes"),
    ("fr", "week_heading", 1, "Un jour, un thème"),
    ("fr", "ways_today_heading", 3, "Trois façons d’être solidaire aujourd’hui"),
    ("vi", "week_heading", 5, "Năm ngày, năm chủ đề"),
    ("vi", "ways_heading", 1, "Một cách thể hiện tình đoàn kết"),
    ("zh-Hans", "week_heading", 5, "五天，五个主题"),
    ("zh-Hans", "week_heading", 2, "两天，两个主题"),
    ("zh-Hans", "ways_today_heading", 3, "今天表达团结的三种方式"),
])
def test_counted_headings_read_as_the_language_counts(lang, key, count, phrase):
    words = strings(lang)
    assert counted(words[key], count, lang, words["number_words"]) == phrase


def test_arabic_gives_all_six_plural_forms():
    for key in COUNTED:
        assert set(strings("ar")[key]) == {"zero", "one", "two", "few", "many", "other"}, key


def test_every_written_language_loads_with_nothing_missing_but_fonts(tmp_path):
    """Switched on in a copy of the campaign, every language is complete (texts, lengths, theme words,
    guide sections): the only problems left are characters no bundled font draws yet."""
    folder = tmp_path / "campaign"
    shutil.copytree(DEFAULT_CAMPAIGN, folder)
    toml = folder / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    every = "languages = " + json.dumps(["en", *LANGUAGES])
    toml.write_text(re.sub(r"^languages = .*$", every, text, count=1, flags=re.M), encoding="utf-8")
    try:
        campaign = load_campaign(toml)
    except InputError as error:
        problems = [p for p in error.problems if not p.warning]
        assert problems and all(NO_FONT_YET in p.message for p in problems), "\n".join(map(str, problems))
        assert {p.where.split(".text.")[-1].split(".")[0] for p in problems if ".text." in p.where} <= {"ar", "zh-Hans"}
    else:
        assert set(campaign.languages) == {"en", *LANGUAGES} and not campaign.warnings


def guide_structure(path: Path) -> tuple:
    """The front matter's audience and the counts of sub-headings, list items and bold lead-ins."""
    text = path.read_text(encoding="utf-8")
    audience = re.search(r'^audience = "(\w+)"$', text, re.M).group(1)
    return (audience, *(len(re.findall(pattern, text, re.M)) for pattern in (r"^## ", r"^- ", r"^\*\*")))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_guide_sections_match_english_in_audience_and_shape(lang):
    english = sorted((GUIDE / "en").glob("*.md"))
    assert sorted(p.name for p in (GUIDE / lang).glob("*.md")) == [p.name for p in english]
    for section in english:
        assert guide_structure(GUIDE / lang / section.name) == guide_structure(section), section.name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_texts_are_nfc(lang):
    for path in [STRINGS / f"{lang}.toml", *(GUIDE / lang).glob("*.md")]:
        assert unicodedata.is_normalized("NFC", path.read_text(encoding="utf-8")), path.name
    campaign = tomllib.loads((DEFAULT_CAMPAIGN / "campaign.toml").read_text(encoding="utf-8"))
    for day in campaign["days"]:
        assert all(unicodedata.is_normalized("NFC", str(value)) for value in day["text"][lang].values())


@pytest.mark.parametrize("lang", WRITTEN_BY_US)
def test_files_say_who_wrote_them_and_the_doc_says_what_to_review(lang):
    for path in [STRINGS / f"{lang}.toml", *sorted((GUIDE / lang).glob("*.md"))]:
        head = path.read_text(encoding="utf-8").splitlines()[:4]
        assert any(line.startswith("# Written by the solidarity-print team") for line in head), path
    assert re.search(rf"^## .* \(`{re.escape(lang)}`\)$", TRANSLATIONS_DOC.read_text(encoding="utf-8"), re.M)

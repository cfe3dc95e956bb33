"""translate LANG DIR, then check: what is missing, extra, untranslated or has other placeholders, by file and line."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from solidarity_print.cli import cli
from solidarity_print.inputs.config import load_campaign


def fill(text: str) -> str:
    """Every empty text under a '# en:' comment given a stand-in translation that keeps its placeholders."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        source = re.match(r"\s*# en: (.*)", lines[i - 1]) if i else None
        if not source:
            continue
        english = source.group(1).replace('"', "'")
        if re.match(r'\s*"",$', line):
            lines[i] = line.replace('""', f'"ht {english}"')
        elif re.match(r'^[\w.-]+ = ""$', line):
            lines[i] = line.replace('""', f'"ht {english}"')
        elif line.endswith('{ other = "" }'):
            other = english.split("other: ")[-1]
            lines[i] = line.replace('""', f'"ht {other}"')
    return "\n".join(lines)


def line_of(path: Path, text: str) -> int:
    """The last line holding `text` (a translation comes after its source)."""
    return [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line][-1]


@pytest.fixture
def half_done(tmp_path) -> Path:
    """A campaign translated into Haitian Creole, all but a few deliberate gaps and mistakes."""
    folder = tmp_path / "campaign"
    runner = CliRunner()
    assert runner.invoke(cli, ["new", str(folder)]).exit_code == 0
    result = runner.invoke(cli, ["translate", "ht", str(folder)])
    assert result.exit_code == 0, result.output
    toml = folder / "campaign.toml"
    strings = folder / "overrides/templates/strings/ht.toml"
    for path in (toml, strings):
        path.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
    for section in (folder / "guide/ht").glob("*.md"):
        lines = section.read_text(encoding="utf-8").splitlines()
        close = lines.index("+++", 1)
        section.write_text("\n".join(lines[:close + 1] + [l + " (ht)" if l.strip() else l for l in lines[close + 1:]]) + "\n",
                           encoding="utf-8")
    assert tomllib.loads(toml.read_text(encoding="utf-8"))["campaign"]["translating"] == {"ht": "en"}
    return folder


def test_translate_writes_each_text_beside_its_source(tmp_path):
    folder = tmp_path / "campaign"
    CliRunner().invoke(cli, ["new", str(folder)])
    result = CliRunner().invoke(cli, ["translate", "ht", str(folder)])
    assert result.exit_code == 0, result.output
    text = (folder / "campaign.toml").read_text(encoding="utf-8")
    assert 'languages = ["en", "es", "fr", "vi", "ar", "zh-Hans", "ht"]' in text
    assert '# en: Immigrant Youth\nshort = ""' in text
    assert '# en: Solidarity Week 2023\nht = ""' in text
    words = (folder / "overrides/templates/strings/ht.toml").read_text(encoding="utf-8")
    assert '# en: QR code linking to {url}\nqr_alt = ""' in words
    assert (folder / "guide/ht/01-what-is-solidarity.md").read_text() == (folder / "guide/en/01-what-is-solidarity.md").read_text()
    # Meanwhile the other languages build: the unfinished one is left out with a warning.
    campaign = load_campaign(folder)
    assert campaign.languages == ("en", "es", "fr", "vi", "ar", "zh-Hans")
    assert any("'ht' is still being translated, so this build leaves it out" in str(w) for w in campaign.warnings)


def test_check_lists_exactly_what_is_left(half_done):
    toml, strings = half_done / "campaign.toml", half_done / "overrides/templates/strings/ht.toml"
    guide = half_done / "guide"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('summary = "ht Stand with disabled', 'summary = "" # was: Stand with disabled', 1)
    text = text.replace('title = "ht Intersex Youth Focus Day"', 'title = "Intersex Youth Focus Day"')
    text = text.replace('short = "ht Native & Indigenous"', 'short = "ht Nаtive"')  # a Cyrillic а
    toml.write_text(text, encoding="utf-8")
    words = strings.read_text(encoding="utf-8").replace('qr_alt = "ht QR code linking to {url}"', 'qr_alt = "Kòd QR pou {link}"')
    strings.write_text(words + 'scan_labl = "Eskane"\n', encoding="utf-8")
    (guide / "ht/05-classroom-ideas.md").unlink()
    (guide / "ht/08-notes.md").write_text("+++\naudience = \"both\"\n+++\n# Nòt\n", encoding="utf-8")
    section = guide / "ht/02-from-ally-week-to-solidarity-week.md"
    section.write_text("\n".join(section.read_text(encoding="utf-8").splitlines()[3:]) + "\n", encoding="utf-8")
    third = guide / "ht/03-organizing-the-week.md"
    lines = third.read_text(encoding="utf-8").splitlines()
    reverted = next(i for i, l in enumerate(lines) if l.endswith(" (ht)") and i > 6)
    lines[reverted] = lines[reverted][:-len(" (ht)")]
    third.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = CliRunner().invoke(cli, ["check", "--campaign", str(half_done), "--lang", "ht"])
    assert result.exit_code == 1
    listed = [line.strip() for line in result.output.splitlines() if line.startswith("  ")]
    summary, title = line_of(toml, 'summary = "" # was'), line_of(toml, 'title = "Intersex Youth Focus Day"')
    assert listed == [
        f"{toml}, line {summary}: days[1].text.ht.summary: missing: not translated yet "
        "(en: 'Stand with disabled LGBTQ+ people and build a sch…')",
        f"{toml}, line {title}: days[2].text.ht.title: untranslated: "
        "the same as the en text",
        f"{toml}, line {line_of(toml, 'ht Nаtive')}: days[3].text.ht.short: mixed scripts by mistake: 'Nаtive' mixes "
        "Cyrillic and Latin letters",
        f"{strings}, line {line_of(strings, 'Kòd QR')}: qr_alt: placeholders differ: the en text has {{url}}, this has "
        "{link} (keep each {name} exactly as it is)",
        f"{strings}, line {line_of(strings, 'scan_labl')}: scan_labl: extra: the theme has no word 'scan_labl', so it is "
        "never printed",
        f"{guide / 'ht/05-classroom-ideas.md'}: missing: translate {guide / 'en/05-classroom-ideas.md'}",
        f"{guide / 'ht/08-notes.md'}: extra: en has no section 08-notes.md",
        f"{section}, line 1: must start with front matter between +++ lines, as 02-from-ally-week-to-solidarity-week.md "
        "in en does",
        f"{third}, line {reverted + 1}: untranslated: line {reverted + 1} is the same as in {guide / 'en/03-organizing-the-week.md'}",
    ]
    assert result.output.startswith("ht: 9 things left to translate:")


def test_a_finished_translation_builds_with_the_others(half_done):
    result = CliRunner().invoke(cli, ["check", "--campaign", str(half_done), "--lang", "ht"])
    assert result.exit_code == 0, result.output
    campaign = load_campaign(half_done)
    assert campaign.languages == ("en", "es", "fr", "vi", "ar", "zh-Hans", "ht")
    assert campaign.days[0].text["ht"].title == "ht Black LGBTQ+ Focus Day"


@pytest.mark.parametrize("code", ["en-notreal", "xx"])
def test_translate_refuses_a_code_babel_does_not_know(tmp_path, code):
    folder = tmp_path / "campaign"
    CliRunner().invoke(cli, ["new", str(folder)])
    before = (folder / "campaign.toml").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", code, str(folder)])
    assert result.exit_code == 2
    assert f"LANG: '{code}' is" in result.output and "language code Babel knows" in result.output
    assert (folder / "campaign.toml").read_text(encoding="utf-8") == before


def spanish_words(tmp_path: Path, text: str) -> tuple[Path, Path]:
    """A new campaign (`solidarity-print new`) whose Spanish theme words file holds `text`: the folder and the file."""
    folder = tmp_path / "campaign"
    CliRunner().invoke(cli, ["new", str(folder)])
    words = folder / "overrides/templates/strings/es.toml"
    words.parent.mkdir(parents=True, exist_ok=True)
    words.write_text(text, encoding="utf-8")
    return folder, words


def test_theme_words_with_broken_placeholders_are_listed_with_their_lines(tmp_path):
    folder, words = spanish_words(tmp_path, '# Our Spanish words\nqr_alt = "Código QR hacia {link}"\n'
                                            'scan_label = "Escanea"\nfooter = "{school} — página {page"\n')
    result = CliRunner().invoke(cli, ["check", "--campaign", str(folder)])
    assert result.exit_code == 1
    assert (f"{words}, line 2: qr_alt: has placeholders {{link}} where the English has {{url}} (keep each {{name}} "
            "exactly as it is)") in result.output
    assert (f"{words}, line 4: footer: has placeholders {{, {{school}} where the English has {{pages}}, {{page}}, "
            "{school} (keep each {name} exactly as it is)") in result.output
    assert "scan_label" not in result.output


def test_a_counted_phrase_may_write_the_count_any_of_the_three_ways_but_nothing_else(tmp_path):
    folder, words = spanish_words(tmp_path, 'week_heading = { one = "Un día", other = "{count} días, {words} enfoques" }\n'
                                            'ways_heading = { other = "{Words} maneras en {school}" }\n')
    result = CliRunner().invoke(cli, ["check", "--campaign", str(folder)])
    assert f"{words}, line 2: ways_heading: uses {{school}}, which the English does not have" in result.output
    assert "week_heading" not in result.output

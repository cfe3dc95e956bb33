"""What a translation in progress still needs, by file and line: missing, extra, untranslated
(identical to its source), placeholders that differ, and words mixing scripts by mistake."""
from __future__ import annotations

import re
import tomllib
import unicodedata
from pathlib import Path

from ..errors import Problem
from ..render import i18n
from ..resources import TEMPLATES
from . import guide, toml_lines

WORD_RE = re.compile(r"\w+")
LOOK_ALIKE = {"LATIN", "CYRILLIC", "GREEK"}  # scripts whose letters look the same: mixed in one word by mistake
PER_LANGUAGE = ("name", "tagline", "about")


def translating(data: dict) -> dict[str, str]:
    """The campaign's languages being translated, each with the language it is translated from."""
    table = data.get("campaign", {}).get("translating", {}) if isinstance(data.get("campaign"), dict) else {}
    return {k: v for k, v in table.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(table, dict) else {}


def pending(campaign_file: Path | None, languages: tuple[str, ...] | None = None) -> dict[str, list[Problem]]:
    """What is left to do in each language the campaign in `campaign_file` (a file or its folder;
    None: the built-in campaign, which translates nothing) is translating, among `languages` if given."""
    if campaign_file is None:
        return {}
    path = campaign_file / "campaign.toml" if campaign_file.is_dir() else campaign_file
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}  # the campaign's own loader reports what is wrong with the file
    wanted = {lang.casefold() for lang in languages} if languages else None
    return {lang: check_translation(path.parent, lang, source) for lang, source in translating(data).items()
            if wanted is None or lang.casefold() in wanted}


def check_translation(folder: Path, lang: str, source: str) -> list[Problem]:
    """Every problem of `lang`'s translation from `source` in the campaign folder, all at once."""
    path = folder / "campaign.toml"
    text = path.read_text(encoding="utf-8-sig")
    data = tomllib.loads(text)
    lines = toml_lines.key_lines(text)
    problems: list[Problem] = []

    def compare(where: str, original: object, translated: object) -> None:
        _compare(problems, str(path), lines, where, original, translated, source)

    head = data.get("campaign", {})
    for key in PER_LANGUAGE:
        if isinstance(head.get(key), dict) and source in head[key]:
            compare(f"campaign.{key}.{lang}", head[key][source], head[key].get(lang))
    for number, day in enumerate(data.get("days", [])):
        texts = day.get("text", {}) if isinstance(day, dict) else {}
        if source in texts:
            original, translated = texts[source], texts.get(lang)
            if not isinstance(translated, dict):
                compare(f"days[{number}].text.{lang}", original, translated)
                continue
            for key in original:
                compare(f"days[{number}].text.{lang}.{key}", original[key], translated.get(key))
            for key in sorted(set(translated) - set(original)):
                _add(problems, str(path), lines, f"days[{number}].text.{lang}.{key}", f"extra: {source} has no {key}")
    problems += _strings(folder, lang, source)
    problems += _guide(folder, lang, source)
    return problems


def _compare(problems, file, lines, where, original, translated, source) -> None:
    if translated is None:
        _add(problems, file, lines, where, f"missing: translate the {source} text")
    elif isinstance(original, list):
        if not isinstance(translated, list):
            _add(problems, file, lines, where, f"must be a list like the {source} one")
            return
        for index, item in enumerate(original):
            _compare(problems, file, lines, f"{where}[{index}]", item, translated[index] if index < len(translated) else None, source)
        if len(translated) > len(original):
            _add(problems, file, lines, where, f"extra: {len(translated) - len(original)} more items than in {source}")
    elif not isinstance(translated, str) or not translated.strip():
        _add(problems, file, lines, where, f"missing: not translated yet ({source}: {_short(original)!r})")
    else:
        for message in _text_problems(str(original), translated, source):
            _add(problems, file, lines, where, message)


def _text_problems(original: str, translated: str, source: str) -> list[str]:
    found = []
    if translated.strip() == original.strip() and any(ch.isalpha() for ch in original):
        found.append(f"untranslated: the same as the {source} text")
    want, have = i18n.placeholders(original), i18n.placeholders(translated)
    if want != have:
        found.append(f"placeholders differ: the {source} text has {', '.join(want) or 'none'}, this has "
                     f"{', '.join(have) or 'none'} (keep each {{name}} exactly as it is)")
    found += [f"mixed scripts by mistake: {word!r} mixes {' and '.join(scripts)} letters" for word, scripts in _mixed(translated)]
    return found


def _mixed(text: str) -> list[tuple[str, list[str]]]:
    """Words whose letters come from two look-alike scripts, like a Cyrillic 'а' typed in a Latin word
    (Chinese written next to a Latin acronym, "GSA社团", is no mistake)."""
    found = []
    for word in WORD_RE.findall(text):
        scripts = sorted({unicodedata.name(ch, "UNKNOWN").split()[0] for ch in word if ch.isalpha()} & LOOK_ALIKE)
        if len(scripts) > 1:
            found.append((word, [s.title() for s in scripts]))
    return found


def _add(problems, file, lines, where, message) -> None:
    problems.append(Problem(file, where, message, line=toml_lines.line_of(lines, where)))


def _strings(folder: Path, lang: str, source: str) -> list[Problem]:
    """The theme's words in overrides/templates/strings/LANG.toml against the source's (none when the
    built-in theme already speaks `lang`)."""
    target = folder / "overrides" / "templates" / i18n.STRINGS_DIR / f"{lang}.toml"
    if (TEMPLATES / i18n.STRINGS_DIR / f"{lang}.toml").is_file() and not target.is_file():
        return []
    original: dict = {}
    for base in (TEMPLATES, folder / "overrides" / "templates"):
        file = base / i18n.STRINGS_DIR / f"{source}.toml"
        if file.is_file():
            original.update(tomllib.loads(file.read_text(encoding="utf-8")))
    if not target.is_file():
        return [Problem(str(target), "", f"missing: the theme's words in {lang} (run `solidarity-print translate {lang}` "
                                         "again, or copy the file of another language)")]
    text = target.read_text(encoding="utf-8")
    try:
        translated = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [Problem(str(target), "", f"is not valid TOML: {exc}")]
    lines = toml_lines.key_lines(text)
    problems: list[Problem] = []
    for key, value in original.items():
        if key.startswith("web_") and key not in translated:
            continue  # the web page's words fall back to the source language
        wanted = value.get("other", "") if isinstance(value, dict) else value
        got = translated.get(key)
        if isinstance(got, dict):
            for form, form_text in got.items():
                _compare(problems, str(target), lines, f"{key}.{form}", wanted, form_text, source)
        else:
            _compare(problems, str(target), lines, key, wanted, got, source)
    for key in sorted(set(translated) - set(original)):
        _add(problems, str(target), lines, key, f"extra: the theme has no word {key!r}, so it is never printed")
    return problems


def _guide(folder: Path, lang: str, source: str) -> list[Problem]:
    """Guide sections: the same files as the source's, each with front matter, no line left as it was."""
    root = guide.guide_folder(folder)
    originals = {p.name: p for p in sorted((root / source).glob("*.md"))}
    translated = {p.name: p for p in sorted((root / lang).glob("*.md"))}
    problems = [Problem(str(root / lang / name), "", f"missing: translate {root / source / name}")
                for name in sorted(originals.keys() - translated.keys())]
    problems += [Problem(str(translated[name]), "", f"extra: {source} has no section {name}")
                 for name in sorted(translated.keys() - originals.keys())]
    for name in sorted(originals.keys() & translated.keys()):
        problems += _section(translated[name], originals[name], source)
    return problems


def _section(path: Path, original: Path, source: str) -> list[Problem]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != guide.FENCE or guide.FENCE not in (l.strip() for l in lines[1:]):
        return [Problem(str(path), "", f"must start with front matter between {guide.FENCE} lines, as "
                                       f"{original.name} in {source} does", line=1)]
    before = {line.strip() for line in original.read_text(encoding="utf-8").splitlines()}
    close = 1 + [l.strip() for l in lines[1:]].index(guide.FENCE)
    problems, run = [], []
    for number, line in enumerate(lines[close + 1:], close + 2):
        words = line.strip()
        same = words in before and any(ch.isalpha() for ch in words)
        if same:
            run.append(number)
        if run and ((words and not same) or number == len(lines)):  # blank lines neither start nor end a run
            span = f"lines {run[0]}–{run[-1]} are" if len(run) > 1 else f"line {run[0]} is"
            problems.append(Problem(str(path), "", f"untranslated: {span} the same as in {original}", line=run[0]))
            run = []
        for word, scripts in _mixed(words):
            problems.append(Problem(str(path), "", f"mixed scripts by mistake: {word!r} mixes {' and '.join(scripts)} "
                                                   "letters", line=number))
    return problems


def _short(text: object, limit: int = 50) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"

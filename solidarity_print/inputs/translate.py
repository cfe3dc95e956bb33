"""`solidarity-print translate LANG DIR`: add a language to a campaign folder, every text to translate
written where the loader reads it, with the source text beside it."""
from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

from babel import Locale

from ..errors import InputError, OptionError, OutputError, Problem
from ..render import i18n
from ..resources import DEFAULT_CAMPAIGN, TEMPLATES

PER_LANGUAGE = ("name", "tagline", "about")  # [campaign.X] tables with one text per language
DAY_KEYS = ("title", "short", "summary", "why")
HEADER_RE = re.compile(r"^\s*\[")


def translate(folder: Path, lang: str, source: str = "en") -> list[Path]:
    """Add `lang` to the campaign in `folder`, translated from `source`, and return the files written.

    campaign.toml gets `lang` in `languages`, `translating = { lang = "source" }` (so the campaign's other
    languages still build while it is incomplete) and an empty text beside every `source` text with
    the source in a comment above it; the theme's words go to overrides/templates/strings/LANG.toml
    (unless the built-in theme speaks `lang`); the guide sections are copied to guide/LANG/ to be
    translated line by line in place."""
    path = folder / "campaign.toml"
    problem = i18n.language_problem(lang)
    if problem:
        raise OptionError("LANG", problem)
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise InputError([Problem(str(path), "", "not found: translate adds a language to a campaign folder "
                                                 "(make one with `solidarity-print new DIR`)")]) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError([Problem(str(path), "", f"cannot be read: {exc}")]) from None
    declared = data.get("campaign", {}).get("languages", [])
    if lang.casefold() in (d.casefold() for d in declared):
        raise OptionError("LANG", f"{lang!r} is already a language of {path} (check it with "
                                  f"`solidarity-print check --campaign {folder} --lang {lang}`)")
    if source not in declared:
        raise OptionError("--from", f"{source!r} is not a language of {path} (it has: {', '.join(declared)})")
    text = _with_language(text, lang, source, path)
    text = _with_campaign_texts(text, data, lang, source)
    text = _with_day_texts(text, data, lang, source)
    written = [path]
    try:
        path.write_text(text, encoding="utf-8")
        strings = _write_strings(folder, lang, source)
        written += [strings] if strings else []
        written += _copy_guide(folder, lang, source)
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc.strerror or exc}") from None
    return written


def _with_language(text: str, lang: str, source: str, path: Path) -> str:
    """`languages = [...]` with `lang` added, and `translating` naming where it comes from."""
    pattern = re.compile(r"^(languages\s*=\s*\[)(.*?)(\].*)$", re.M)
    match = pattern.search(text)
    if match is None:
        raise InputError([Problem(str(path), "campaign.languages", "must be written on one line, like languages = "
                                                                    "[\"en\"], for translate to add to it")])
    line = f'{match.group(1)}{match.group(2).rstrip()}, "{lang}"{match.group(3)}'
    marker = (f'\n# {lang} is being translated from {source}: until `solidarity-print check` finds nothing left to do, '
              f'builds leave it out.\ntranslating = {{ {json.dumps(lang)} = {json.dumps(source)} }}')
    existing = re.search(r"^translating\s*=\s*\{(.*)\}\s*$", text, re.M)
    if existing:
        entries = existing.group(1).strip()
        text = text.replace(existing.group(0), f'translating = {{ {entries + ", " if entries else ""}{json.dumps(lang)} = {json.dumps(source)} }}')
        marker = ""
    return text[:match.start()] + line + marker + text[match.end():]


def _with_campaign_texts(text: str, data: dict, lang: str, source: str) -> str:
    lines = text.split("\n")
    for key in PER_LANGUAGE:
        table = data.get("campaign", {}).get(key)
        if not isinstance(table, dict) or source not in table:
            continue
        start = next(i for i, l in enumerate(lines) if re.match(rf"^\s*\[campaign\.{key}\]", l))
        end = _table_end(lines, start)
        lines[end:end] = [f"# {source}: {_comment(table[source])}", f'{_key(lang)} = ""']
    return "\n".join(lines)


def _with_day_texts(text: str, data: dict, lang: str, source: str) -> str:
    """A [days.text.LANG] table after each day's texts, every value empty under its source."""
    lines = text.split("\n")
    day_starts = [i for i, l in enumerate(lines) if re.match(r"^\s*\[\[days\]\]", l)]
    for number in reversed(range(len(day_starts))):  # from the end, so earlier line numbers hold
        texts = data.get("days", [])[number].get("text", {}) if number < len(data.get("days", [])) else {}
        if source not in texts:
            continue
        end = _day_end(lines, day_starts[number])
        block = ["", f"[days.text.{_key(lang)}]  # from [days.text.{source}] above: write each text under its {source} comment"]
        for key in DAY_KEYS:
            if key in texts[source]:
                block += [f"# {source}: {_comment(texts[source][key])}", f'{key} = ""']
        if "actions" in texts[source]:
            block.append("actions = [")
            for action in texts[source]["actions"]:
                block += [f"  # {source}: {_comment(action)}", '  "",']
            block.append("]")
        lines[end:end] = block
    return "\n".join(lines)


def _table_end(lines: list[str], start: int) -> int:
    """The line after the last key of the table whose header is at `start` (before blank lines)."""
    end = start + 1
    while end < len(lines) and not HEADER_RE.match(lines[end]):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _day_end(lines: list[str], start: int) -> int:
    """The line after the last line of the [[days]] entry at `start` (its own subtables included)."""
    end = start + 1
    while end < len(lines) and not re.match(r"^\s*\[\[|^\s*\[(?!days\.)", lines[end]):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _write_strings(folder: Path, lang: str, source: str) -> Path | None:
    """overrides/templates/strings/LANG.toml with every theme word empty under its source, in the
    plural forms `lang` uses; None when the built-in theme already speaks `lang`."""
    if (TEMPLATES / i18n.STRINGS_DIR / f"{lang}.toml").is_file():
        return None
    words: dict = {}
    for base in (TEMPLATES, folder / "overrides" / "templates"):
        file = base / i18n.STRINGS_DIR / f"{source}.toml"
        if file.is_file():
            words.update(tomllib.loads(file.read_text(encoding="utf-8")))
    forms = sorted(Locale.parse(lang.replace("-", "_")).plural_form.tags | {"other"},
                   key=("zero", "one", "two", "few", "many", "other").index)
    lines = [f"# The theme's words in {lang}, from {source}: write each under its {source} comment. Keep every",
             "# {placeholder} as it is (translate the words around it). Words starting web_ are the web page's:",
             f"# commented out they stay in {source}. `solidarity-print check` lists what is left to do.", ""]
    for key, value in words.items():
        if isinstance(value, dict):
            lines.append(f"# {source}: " + "; ".join(f"{form}: {_comment(text)}" for form, text in value.items()))
            lines.append(f"{key} = {{ " + ", ".join(f'{form} = ""' for form in forms) + " }")
        elif key.startswith("web_"):  # optional: an empty word would print empty, so these start commented out
            lines += [f"# {source}: {_comment(value)}", f'# {key} = ""']
        else:
            lines += [f"# {source}: {_comment(value)}", f'{key} = ""']
    target = folder / "overrides" / "templates" / i18n.STRINGS_DIR / f"{lang}.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _copy_guide(folder: Path, lang: str, source: str) -> list[Path]:
    """guide/LANG/ as a copy of guide/SOURCE/, to translate in place (the built-in guide is copied
    into the campaign first, when the campaign has none of its own)."""
    own = folder / "guide"
    if not own.is_dir():
        shutil.copytree(DEFAULT_CAMPAIGN / "guide", own)
    target = own / lang
    target.mkdir(exist_ok=True)
    written = []
    for section in sorted((own / source).glob("*.md")):
        copy = target / section.name
        if not copy.exists():
            shutil.copyfile(section, copy)
            written.append(copy)
    return written


def _comment(value: object) -> str:
    return " ".join(str(value).split())


def _key(lang: str) -> str:
    return lang if re.fullmatch(r"[A-Za-z0-9_-]+", lang) else json.dumps(lang)



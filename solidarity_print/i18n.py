"""Per-language words of the theme, and dates written the way each locale writes them (Babel)."""
from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_skeleton

from .errors import ProblemCollector
from .resources import TEMPLATES

STRINGS_DIR = "strings"


@lru_cache(maxsize=None)
def is_known_language(code: str) -> bool:
    """True for a language code Babel has locale data for (en, es, vi, pt-BR …)."""
    try:
        Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def long_date(date: dt.date, lang: str) -> str:
    """'Monday, November 6, 2023' / 'lunes, 6 de noviembre de 2023'."""
    return format_date(date, "full", locale=_locale(lang))


def weekday(date: dt.date, lang: str) -> str:
    """The weekday name as a label standing alone: 'Monday', 'Lunes' (a label starts with a capital
    even where the language writes weekdays in lower case mid-sentence)."""
    name = format_date(date, "cccc", locale=_locale(lang))
    return name[:1].upper() + name[1:]


def month_day(date: dt.date, lang: str) -> str:
    """'November 6' / '6 de noviembre'."""
    return format_skeleton("MMMMd", date, locale=_locale(lang))


def date_range(start: dt.date, end: dt.date, lang: str) -> str:
    """'November 6 – 10, 2023' / '6–10 de noviembre de 2023'.

    CLDR has no long-month interval for many locales (English among them) and Babel then falls back
    to abbreviated months; as CLDR's own algorithm says, the month field is widened instead."""
    locale = Locale.parse(_locale(lang))
    if "yMMMMd" in locale.interval_formats or start == end:
        return format_interval(start, end, "yMMMMd", locale=locale)
    differs = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    first, second = (re.sub(r"(?<!M)MMM(?!M)", "MMMM", part) for part in locale.interval_formats["yMMMd"][differs])
    return format_date(start, first, locale=locale) + format_date(end, second, locale=locale)


def slugify(text: str) -> str:
    """An ASCII file-name slug: 'Escuela José Martí' -> 'escuela-jose-marti'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def load_strings(languages: tuple[str, ...], campaign_folder: Path, problems: ProblemCollector) -> dict[str, dict[str, str]]:
    """The theme's words for each language: built-in strings/<lang>.toml, overridden per key by the
    campaign's overrides/templates/strings/<lang>.toml. A declared language with no strings is a problem."""
    base = _read_strings(TEMPLATES / STRINGS_DIR / "en.toml", problems)
    result = {}
    for lang in languages:
        found = {}
        for folder in (TEMPLATES, campaign_folder / "overrides" / "templates"):
            path = folder / STRINGS_DIR / f"{lang}.toml"
            if path.is_file():
                found.update(_read_strings(path, problems))
        if not found:
            problems.add("campaign.languages", f"{lang!r} has no theme translation "
                         f"(add overrides/templates/{STRINGS_DIR}/{lang}.toml to the campaign folder)")
            continue
        # The web page's words (web_*) fall back to English: a campaign's own language need not translate them.
        missing = sorted(key for key in base.keys() - found.keys() if not key.startswith("web_"))
        if missing:
            problems.add("campaign.languages", f"the {lang!r} theme translation lacks: {', '.join(missing)}")
        result[lang] = found
    return result


def _read_strings(path: Path, problems: ProblemCollector) -> dict[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        problems.add(str(path), f"cannot be read: {exc}")
        return {}
    bad = [k for k, v in data.items() if not isinstance(v, str)]
    for key in bad:
        problems.add(f"{path}: {key}", "must be text")
    return {k: v for k, v in data.items() if isinstance(v, str)}


def _locale(lang: str) -> str:
    return lang.replace("-", "_")

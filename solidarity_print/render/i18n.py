"""Per-language words of the theme, and dates written the way each locale writes them (Babel)."""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import tomllib
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_skeleton, match_skeleton

from ..errors import Problem, ProblemCollector
from ..inputs import toml_lines
from ..resources import TEMPLATES

STRINGS_DIR = "strings"
# CLDR plural categories: the forms a counted phrase may give (English uses one and other).
PLURAL_CATEGORIES = {"zero", "one", "two", "few", "many", "other"}


@lru_cache(maxsize=None)
def is_known_language(code: str) -> bool:
    """True for a language code Babel has locale data for (en, es, vi, pt-BR …), every part of it."""
    return language_problem(code) is None


@lru_cache(maxsize=None)
def language_problem(code: object) -> str | None:
    """Why `code` is not a language code Babel knows in full, or None if it is.

    Babel parses 'en-notreal' as plain 'en', silently dropping what it does not know: a code that
    does not come back whole would print one language while the file and the user name another."""
    if not isinstance(code, str) or not code.strip():
        return f"{code!r} is not a language code (use one like en, es, pt-BR, zh-Hans)"
    written = code.strip().replace("-", "_")
    try:
        locale = Locale.parse(written)
    except (UnknownLocaleError, ValueError, TypeError):
        return f"{code!r} is not a language code Babel knows (use one like en, es, pt-BR, zh-Hans)"
    if str(locale).casefold() != written.casefold():
        kept = str(locale).replace("_", "-")
        return (f"{code!r} is only partly a language code Babel knows: it reads it as {kept!r} and ignores the rest "
                f"(write {kept!r}, or a code like pt-BR, zh-Hans)")
    return None


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


def weekday_date(date: dt.date, lang: str) -> str:
    """Weekday and date as the locale joins them, as a label: 'Monday, November 6' / 'Lunes, 6 de
    noviembre' / 'الاثنين، 6 نوفمبر' / '11月6日星期一'.

    Babel picks the locale's nearest pattern for the skeleton MMMMEEEEd (MMMMEd: abbreviated weekday)
    and, unlike CLDR's algorithm, does not widen its fields to the requested width: widened here."""
    locale = Locale.parse(_locale(lang))
    pattern = str(locale.datetime_skeletons[match_skeleton("MMMMEEEEd", locale.datetime_skeletons)])
    # Quoted literals ('de') stay as they are; only the weekday field outside quotes is widened.
    parts = re.split(r"('(?:[^']|'')*')", pattern)
    pattern = "".join(part if part.startswith("'") else re.sub(r"(?<!E)E{1,3}(?!E)", "EEEE", part) for part in parts)
    text = format_date(date, pattern, locale=locale)
    return text[:1].upper() + text[1:]


def date_range(start: dt.date, end: dt.date, lang: str) -> str:
    """'November 6 – 10, 2023' / '6–10 de noviembre de 2023'.

    CLDR has no long-month interval for many locales (English among them) and Babel then falls back
    to abbreviated months; as CLDR's own algorithm says, the month field is widened instead."""
    locale = Locale.parse(_locale(lang))
    if "yMMMMd" in locale.interval_formats or start == end:
        return format_interval(start, end, "yMMMMd", locale=locale)
    differs = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    first, second = locale.interval_formats["yMMMd"][differs]
    # Widened only where the locale's own long date spells the month out: Chinese writes "11月" in
    # both, and its wide month ("十一月") would not be how it writes a date.
    if "MMMM" in str(locale.datetime_skeletons.get("yMMMMd", "MMMM")):
        first, second = (re.sub(r"(?<!M)MMM(?!M)", "MMMM", part) for part in (first, second))
    return format_date(start, first, locale=locale) + format_date(end, second, locale=locale)


SLUG_LIMIT = 60  # characters: paths stay well inside what ZIP tools on Windows unpack


CJK_IDEOGRAPH = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def slugify(text: str, limit: int = SLUG_LIMIT) -> str:
    """An ASCII file-name slug: 'Escuela José Martí' -> 'escuela-jose-marti', 'Nguyễn Đình Chiểu' ->
    'nguyen-dinh-chieu', 'مدرسة النور' -> 'mdrsh-lnwr', '北京路中学' -> 'bei-jing-lu-zhong-xue'.

    Letters are transliterated (AnyAscii), so a school named in any script gets a folder without a
    slug column; each Chinese character is a syllable of its own. A slug longer than `limit` is cut at
    a word boundary and ends in six characters of a hash of the whole slug ('...-a1b2c3'): short,
    stable, and still different for names that share their start."""
    ascii_text = "".join(f" {anyascii(char)} " if CJK_IDEOGRAPH.match(char) else anyascii(char) for char in text)
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) <= limit:
        return slug
    digest = hashlib.sha256(slug.encode()).hexdigest()[:6]
    room = limit - len(digest) - 1
    head = slug[:room]
    if slug[room] != "-" and "-" in head[limit // 3:]:  # cut at a word boundary not too near the start
        head = head[:head.rindex("-")]
    return f"{head.rstrip('-')}-{digest}"


def load_strings(languages: tuple[str, ...], campaign_folder: Path, problems: ProblemCollector) -> dict[str, dict]:
    """The theme's words for each language: built-in strings/<lang>.toml, overridden per key by the
    campaign's overrides/templates/strings/<lang>.toml. A declared language with no strings is a problem."""
    base = _read_strings(TEMPLATES / STRINGS_DIR / "en.toml", problems)
    result = {}
    for lang in languages:
        found = {}
        for folder in (TEMPLATES, campaign_folder / "overrides" / "templates"):
            path = folder / STRINGS_DIR / f"{lang}.toml"
            if path.is_file():
                words = _read_strings(path, problems)
                if folder != TEMPLATES:
                    _unknown_keys(path, words.keys() - base.keys(), base, problems)
                if lang != "en":
                    _broken_placeholders(path, words, base, problems)
                found.update(words)
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


def _unknown_keys(path: Path, unknown: set[str], base: dict[str, str], problems: ProblemCollector) -> None:
    """A misspelled key in a campaign's strings file would be silently unused: warn at its line."""
    if not unknown:
        return
    try:
        lines = toml_lines.key_lines(path.read_text(encoding="utf-8"))
    except (IndexError, AttributeError, ValueError):
        lines = {}
    for key in sorted(unknown):
        guess = difflib.get_close_matches(key, sorted(base), n=1)
        hint = f"did you mean {guess[0]!r}?" if guess else f"the theme's words are: {', '.join(sorted(base))}"
        problem = Problem(str(path), key, f"unknown key, never printed ({hint})", warning=True, line=lines.get((key,)))
        if problem not in problems.problems:
            problems.problems.append(problem)


COUNT_PLACEHOLDERS = {"{count}", "{words}", "{Words}"}
PLACEHOLDER_RE = re.compile(r"\{[^{}]*\}|[{}]")


def placeholders(text: str) -> list[str]:
    """The {placeholders} of a theme word, sorted, with any lone brace that would break formatting."""
    return sorted(PLACEHOLDER_RE.findall(text.replace("{{", "").replace("}}", "")))


def _broken_placeholders(path: Path, words: dict, base: dict, problems: ProblemCollector) -> None:
    """A translated word must keep the English word's {placeholders}: a misspelled one stops the
    render, a missing one drops the school's name or the page number. Each form of a counted phrase
    may use any of the English forms' placeholders, and any of the three ways of writing the count."""
    try:
        lines = toml_lines.key_lines(path.read_text(encoding="utf-8"))
    except (OSError, IndexError, AttributeError, ValueError):
        lines = {}
    for key in sorted(words.keys() & base.keys()):
        english, translated = base[key], words[key]
        if isinstance(english, dict) or isinstance(translated, dict):
            allowed = set().union(*(placeholders(v) for v in (english.values() if isinstance(english, dict) else [english])))
            if isinstance(english, dict):  # counted() fills all three, so '{count} jours' is as right as '{Words} jours'
                allowed |= COUNT_PLACEHOLDERS
            forms = translated if isinstance(translated, dict) else {"": translated}
            bad = sorted({p for form in forms.values() for p in placeholders(form)} - allowed)
            wrong = f"uses {', '.join(bad)}, which the English does not have" if bad else ""
        else:
            wanted, got = placeholders(english), placeholders(translated)
            wrong = "" if wanted == got else (f"has placeholders {', '.join(got) or 'none'} where the English has "
                                              f"{', '.join(wanted) or 'none'}")
        if wrong:
            problem = Problem(str(path), key, f"{wrong} (keep each {{name}} exactly as it is)", line=lines.get((key,)))
            if problem not in problems.problems:
                problems.problems.append(problem)


def counted(forms: str | dict[str, str], count: int, lang: str, number_words: str = "") -> str:
    """A phrase about `count` things in `lang`: 'Four days, four focuses' / 'Cuatro días, cuatro enfoques'.

    `forms` maps CLDR plural categories (one, few, other …) to a phrase, or is one phrase for every
    count; in it {count} is the digits, {words} the number in words and {Words} the same with a
    capital. `number_words` lists the words for one, two, three … separated by commas; past its
    end the digits are used."""
    if isinstance(forms, str):
        forms = {"other": forms}
    phrase = forms.get(Locale.parse(_locale(lang)).plural_form(count), forms["other"])
    words = [w.strip() for w in number_words.split(",") if w.strip()]
    word = words[count - 1] if 0 < count <= len(words) else str(count)
    return phrase.format(count=count, words=word, Words=word[:1].upper() + word[1:])


def _read_strings(path: Path, problems: ProblemCollector) -> dict[str, str | dict[str, str]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        problems.add(str(path), f"cannot be read: {exc}")
        return {}
    good = {}
    for key, value in data.items():
        if isinstance(value, str):
            good[key] = value
        elif (isinstance(value, dict) and "other" in value and value.keys() <= PLURAL_CATEGORIES
              and all(isinstance(v, str) for v in value.values())):
            good[key] = value
        else:
            problems.add(f"{path}: {key}", "must be text, or a table of plural forms with at least `other` "
                                           f"(keys among {', '.join(sorted(PLURAL_CATEGORIES))})")
    return good


@lru_cache(maxsize=None)
def text_direction(lang: str) -> str:
    """'rtl' for a language written right to left (Arabic, Hebrew, Persian, Urdu …), else 'ltr' (CLDR)."""
    try:
        return "rtl" if Locale.parse(_locale(lang)).character_order == "right-to-left" else "ltr"
    except (UnknownLocaleError, ValueError, TypeError):
        return "ltr"


def _locale(lang: str) -> str:
    return lang.replace("-", "_")

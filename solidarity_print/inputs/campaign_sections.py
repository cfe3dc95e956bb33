"""The campaign file's [[days]] and [[excerpts]] tables to FocusDay and Excerpt, every problem by key path."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from ..errors import ProblemCollector
from ..model import AUDIENCES, DayText, Excerpt, FocusDay
from ..render import contrast, i18n
from . import user_pdf
from .fields import FieldReader

DAY_KEYS = {"slug", "date", "color", "text"}
TEXT_KEYS = {"title", "short", "summary", "why", "actions"}
EXCERPT_KEYS = {"source", "pages", "title", "audience", "lang"}
EXCERPT_AUDIENCES = AUDIENCES + ("both",)


def read_days(value: object, read: FieldReader, languages: tuple[str, ...], start: dt.date | None, end: dt.date | None) -> tuple[FocusDay, ...]:
    """The [[days]] tables: each focus day with its texts in every language, checked for clashes,
    dates outside the campaign window and colours too light for white text."""
    if not isinstance(value, list) or not value:
        read.problems.add("days", "must be one or more [[days]] tables")
        return ()
    days, seen_slugs, seen_dates = [], {}, {}
    for i, raw in enumerate(value):
        path = f"days[{i}]"
        table = read.table(raw, path, allowed=DAY_KEYS, required=DAY_KEYS)
        slug, date, color = read.slug(table, "slug", path), read.date(table, "date", path), read.color(table, "color", path)
        if color:
            _check_contrast(read.problems, f"{path}.color", color)
        if slug in seen_slugs:
            read.problems.add(f"{path}.slug", f"{slug!r} is already used by {seen_slugs[slug]}")
        if date in seen_dates:
            read.problems.add(f"{path}.date", f"{date} is already the date of {seen_dates[date]}; one focus day per date")
        if slug:
            seen_slugs.setdefault(slug, path)
        if date:
            seen_dates.setdefault(date, path)
            _check_in_window(read.problems, f"{path}.date", date, start, end)
        texts = read.table(table.get("text", {}), f"{path}.text", allowed=set(languages), required=set(languages))
        text = {lang: _day_text(read, texts[lang], f"{path}.text.{lang}") for lang in languages if lang in texts}
        if slug and date and color and all(text.values()) and len(text) == len(languages):
            days.append(FocusDay(slug=slug, date=date, color=color, text=text))
    return tuple(sorted(days, key=lambda d: d.date))


def _check_contrast(problems: ProblemCollector, where: str, color: str) -> None:
    """A day's colour carries white text and is printed as text on white: both need WCAG AA contrast."""
    measured = contrast.ratio(color, contrast.WHITE)
    if measured < contrast.NEEDED:
        fix = contrast.darker_passing(color)
        problems.add(where, f"{color} has a contrast of only {math.floor(measured * 10) / 10:g}:1 with white; the "
                            f"white text printed on it and the headings printed in it need {contrast.NEEDED:g}:1 "
                            f"(WCAG AA). A darker {fix} of the same hue has "
                            f"{math.floor(contrast.ratio(fix, contrast.WHITE) * 10) / 10:g}:1")


def _check_in_window(problems: ProblemCollector, where: str, date: dt.date, start: dt.date | None, end: dt.date | None) -> None:
    """A focus day outside the window is the classic misprint ("November 10, 2022"): make it loud."""
    if start is None or end is None:
        return
    if not start <= date <= end:
        problems.add(where, f"{date} ({i18n.long_date(date, 'en')}) is outside the campaign window "
                            f"{start} to {end} ({i18n.long_date(start, 'en')} to {i18n.long_date(end, 'en')})")
    elif date.weekday() >= 5:
        problems.add(where, f"{date} is a {date:%A}, when most schools are closed", warning=True)


def _day_text(read: FieldReader, raw: object, path: str) -> DayText | None:
    table = read.table(raw, path, allowed=TEXT_KEYS, required=TEXT_KEYS)
    fields = dict(title=read.text(table, "title", path, max_len=90), short=read.text(table, "short", path, max_len=28),
                  summary=read.text(table, "summary", path, max_len=160), why=read.text(table, "why", path, max_len=900),
                  actions=read.text_list(table, "actions", path, length=3, max_len=140))
    return DayText(**fields) if all(fields.values()) else None


def read_excerpts(value: object, read: FieldReader, folder: Path, languages: tuple[str, ...]) -> tuple[Excerpt, ...]:
    """The [[excerpts]] tables: pages of the organizer's own PDFs that packets carry."""
    if not isinstance(value, list):
        read.problems.add("excerpts", "must be [[excerpts]] tables")
        return ()
    found, slugs = [], set()
    for i, raw in enumerate(value):
        path = f"excerpts[{i}]"
        table = read.table(raw, path, allowed=EXCERPT_KEYS, required={"source", "pages", "title", "audience"})
        title, audience = read.text(table, "title", path, max_len=90), read.text(table, "audience", path)
        if audience and audience not in EXCERPT_AUDIENCES:
            read.problems.add(f"{path}.audience", f"must be one of {', '.join(EXCERPT_AUDIENCES)}, not {audience!r}")
        lang = read.text(table, "lang", path) if "lang" in table else (languages[0] if languages else None)
        if lang and not i18n.is_known_language(lang):
            read.problems.add(f"{path}.lang", i18n.language_problem(lang))
        elif lang and languages and lang not in languages:
            read.problems.add(f"{path}.lang", f"{lang!r} is not a language of this campaign "
                                              f"(campaign.languages: {', '.join(languages)})")
        source = read.text(table, "source", path)
        pages_spec = read.text(table, "pages", path)
        pages = user_pdf.check_excerpt(folder, source, pages_spec, read.problems, path) if source and pages_spec else None
        slug = i18n.slugify(title or "")
        if slug in slugs:
            read.problems.add(f"{path}.title", f"{title!r} gives the same file name as an earlier excerpt")
        slugs.add(slug)
        if title and audience in EXCERPT_AUDIENCES and pages and lang in languages:
            found.append(Excerpt(source=(folder / source).resolve(), pages=pages, title=title,
                                 audience=audience, lang=lang, slug=slug))
    return tuple(found)


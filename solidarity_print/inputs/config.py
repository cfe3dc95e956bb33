"""Campaign file (TOML) to a validated Campaign, with every problem reported at once by key path."""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import replace
from pathlib import Path

from ..errors import InputError, OptionError, Problem, ProblemCollector
from ..model import AUDIENCES, Campaign
from ..render import i18n
from ..resources import DEFAULT_CAMPAIGN
from . import copies, guide, toml_lines, translation_check
from .campaign_sections import read_days, read_excerpts
from .fields import FieldReader

TOP_KEYS = {"campaign", "organizer", "days", "excerpts", "defaults"}
DEFAULT_KEYS = {"paper", "audience", *copies.COLUMNS}
CAMPAIGN_KEYS = {"slug", "start", "end", "languages", "resources_url", "name", "tagline", "about", "author", "translating"}
YEAR_RE = re.compile(r"\b(19|20)\d\d\b")
LONGEST_WEEK = dt.timedelta(days=13)


def load_campaign(path: Path | None = None, languages: tuple[str, ...] | None = None) -> Campaign:
    """Read and validate a campaign file (the built-in campaign when `path` is None).

    `languages` (default: every language the campaign declares) are the ones to print: only their
    texts must be complete, the Campaign carries only them, and the others' gaps are warnings."""
    path = (path or DEFAULT_CAMPAIGN / "campaign.toml").resolve()
    if path.is_dir():
        path = path / "campaign.toml"  # a campaign folder, as `solidarity-print new` makes them
    problems = ProblemCollector(str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise InputError([Problem(str(path), "", "file not found")]) from None
    except (UnicodeDecodeError, OSError) as exc:
        raise InputError([Problem(str(path), "", f"cannot be read as UTF-8 text: {exc}")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(str(path), "", f"is not valid TOML: {exc}")]) from None
    except RecursionError:
        raise InputError([Problem(str(path), "", "is not valid TOML: values are nested too deeply")]) from None
    except ValueError as exc:  # e.g. an integer longer than Python will convert
        raise InputError([Problem(str(path), "", f"is not valid TOML: {exc}")]) from None
    data = _without_undeclared_texts(data, problems)
    campaign = _build(data, path, problems, languages)
    unfinished = problems.errors and not languages
    if unfinished:
        campaign, problems = _without_unfinished(data, path, problems, campaign)
    if campaign is not None and set(campaign.languages) != set(campaign.all_languages) and not unfinished:
        _others_as_warnings(data, path, problems)
    problems.problems = _located(problems.problems, problems.file, text, data)
    problems.raise_if_any()
    return replace(campaign, warnings=tuple(problems.problems))


def _without_unfinished(data: dict, path: Path, problems: ProblemCollector, campaign: Campaign | None):
    """The campaign without its languages still being translated (campaign.translating, written by
    `solidarity-print translate`), when they are what stops it: the other languages build meanwhile
    and each unfinished language is a warning. Otherwise the campaign and problems as they were."""
    declared = data["campaign"].get("languages", []) if isinstance(data.get("campaign"), dict) else []
    # Only the codes that are strings: anything else is reported by _languages, not a crash here.
    declared = [lang for lang in declared if isinstance(lang, str)] if isinstance(declared, list) else []
    pending = translation_check.translating(data).keys() & set(declared)
    finished = tuple(lang for lang in declared if lang not in pending)
    if not pending or not finished:
        return campaign, problems
    retry = ProblemCollector(problems.file)
    retry.problems = [p for p in problems.problems if p.warning]
    unfinished = _build(data, path, retry, finished)
    if retry.errors:
        return campaign, problems
    for lang in sorted(pending):
        retry.add("campaign.translating", f"{lang!r} is still being translated, so this build leaves it out "
                                          f"(`solidarity-print check --lang {lang}` lists what is left)", warning=True)
    return unfinished, retry


def _located(problems: list[Problem], file: str, text: str, data: dict) -> list[Problem]:
    """Each problem at a key of campaign.toml with its line, and a day's or excerpt's index with its
    slug or title ("days[4] (immigrant-youth).date"): counted from 0, an index alone misleads."""
    try:
        lines = toml_lines.key_lines(text)
    except (IndexError, AttributeError, ValueError):  # the scanner is no parser: no line beats a wrong one
        lines = {}
    located = []
    for problem in problems:
        if problem.file != file or problem.line is not None:  # another file's, already placed
            located.append(problem)
            continue
        label = re.sub(r"^(days|excerpts)\[(\d+)\]", lambda m: _labelled(data, m.group(1), int(m.group(2))), problem.where)
        located.append(replace(problem, line=toml_lines.line_of(lines, problem.where),
                               label=label if label != problem.where else ""))
    return located


def _labelled(data: dict, array: str, index: int) -> str:
    tables = data.get(array)
    table = tables[index] if isinstance(tables, list) and index < len(tables) else None
    name = table.get("slug" if array == "days" else "title") if isinstance(table, dict) else None
    return f"{array}[{index}] ({name})" if isinstance(name, str) and name.strip() else f"{array}[{index}]"


def _others_as_warnings(data: dict, path: Path, problems: ProblemCollector) -> None:
    """Validate the campaign for every declared language: what that adds is about the languages not
    wanted now, and is reported as warnings (English can ship while Spanish is unfinished)."""
    every = ProblemCollector(problems.file)
    _build(data, path, every, None)
    known = {(p.file, p.where, p.message) for p in problems.problems}
    for problem in every.problems:
        if (problem.file, problem.where, problem.message) not in known:
            warning = replace(problem, warning=True)  # keeps its file, line and label
            if warning not in problems.problems:
                problems.problems.append(warning)


def _without_undeclared_texts(data: dict, problems: ProblemCollector) -> dict:
    """The data without texts in languages `campaign.languages` does not list (left behind when a
    language is dropped): one warning per language naming what is ignored, not an error per key."""
    declared = data["campaign"].get("languages") if isinstance(data.get("campaign"), dict) else None
    if not isinstance(declared, list):
        return data
    data, ignored = _drop_texts(data, lambda key: key not in declared and i18n.is_known_language(key))
    for lang, keys in ignored.items():
        problems.add("campaign.languages", f"texts in {lang!r} are ignored because {lang!r} is not in campaign.languages: "
                                           f"{', '.join(keys)}", warning=True)
    return data


def _drop_texts(data: dict, drop) -> tuple[dict, dict[str, list[str]]]:
    """A copy of the data without the per-language texts whose language `drop` accepts, and the key
    paths dropped, by language. The parsed data itself is left alone."""
    dropped: dict[str, list[str]] = {}

    def strip(table: object, path: str) -> object:
        if not isinstance(table, dict):
            return table
        for key in table:
            if isinstance(key, str) and drop(key):
                dropped.setdefault(key, []).append(f"{path}.{key}")
        return {k: v for k, v in table.items() if not (isinstance(k, str) and drop(k))}

    data = dict(data)
    if isinstance(data.get("campaign"), dict):
        data["campaign"] = {k: strip(v, f"campaign.{k}") if k in ("name", "tagline", "about") else v
                            for k, v in data["campaign"].items()}
    if isinstance(data.get("days"), list):
        data["days"] = [dict(day, text=strip(day["text"], f"days[{i}].text")) if isinstance(day, dict) and "text" in day
                        else day for i, day in enumerate(data["days"])]
    return data, dropped


def _build(data: dict, path: Path, problems: ProblemCollector, wanted: tuple[str, ...] | None) -> Campaign | None:
    read = FieldReader(problems)
    read.table(data, "", allowed=TOP_KEYS, required={"campaign", "organizer", "days"})
    head = read.table(data.get("campaign", {}), "campaign", allowed=CAMPAIGN_KEYS,
                      required={"slug", "start", "end", "languages", "resources_url", "name"})
    declared = _languages(head.get("languages"), problems)
    _translating(head.get("translating"), declared, problems)
    languages = _wanted(declared, wanted, problems)
    data, _ = _drop_texts(data, lambda key: key in set(declared) - set(languages))
    head = data["campaign"] if isinstance(data.get("campaign"), dict) else {}
    slug = read.slug(head, "slug", "campaign")
    start, end = read.date(head, "start", "campaign"), read.date(head, "end", "campaign")
    if start and end and not (dt.timedelta(0) <= end - start <= LONGEST_WEEK):
        problems.add("campaign.end", f"{end} must fall on or after campaign.start ({start}) and within two weeks of it")
        start = end = None
    name = read.per_language(head, "name", "campaign", languages, max_len=60)
    for lang, text in name.items():
        years = {int(m.group(0)) for m in YEAR_RE.finditer(text)}
        if start and end and years - {start.year, end.year}:
            problems.add(f"campaign.name.{lang}", f"{text!r} names a year other than the campaign's ({start.year})")
    tagline = read.per_language(head, "tagline", "campaign", languages, max_len=60) if "tagline" in head else {}
    about = read.per_language(head, "about", "campaign", languages, max_len=300) if "about" in head else {}
    resources_url = read.url(head, "resources_url", "campaign")
    author = read.text(head, "author", "campaign", max_len=80, required=False) or ""
    org = read.table(data.get("organizer", {}), "organizer", allowed={"name", "url"}, required={"name"})
    org_name = read.text(org, "name", "organizer", max_len=80)
    org_url = read.url(org, "url", "organizer") if "url" in org else ""
    days = read_days(data.get("days", []), read, languages, start, end)
    sections = guide.load_sections(path.parent, languages, problems)
    # Checked against every declared language; kept only for the languages this build makes.
    excerpts = tuple(e for e in read_excerpts(data.get("excerpts", []), read, path.parent, declared) if e.lang in languages)
    strings = i18n.load_strings(languages, path.parent, problems)
    defaults = read.table(data.get("defaults", {}), "defaults", allowed=DEFAULT_KEYS)
    paper = _one_of(read, defaults, "paper", ("letter", "a4"), "letter")
    audience = _one_of(read, defaults, "audience", AUDIENCES + ("both",), "both")
    default_copies = _default_copies(defaults, problems)
    if problems.errors:
        return None
    return Campaign(slug=slug, start=start, end=end, languages=languages, name=name, tagline=tagline,
                    about=about, resources_url=resources_url, organizer_name=org_name,
                    organizer_url=org_url, days=days, folder=path.parent, source=path,
                    guide=sections, excerpts=excerpts, strings=strings, default_paper=paper,
                    default_audience=audience, warnings=tuple(problems.problems), author=author,
                    all_languages=declared, default_copies=default_copies)


def _translating(value: object, declared: tuple[str, ...], problems: ProblemCollector) -> None:
    """campaign.translating: { LANG = "SOURCE" }, both languages of the campaign."""
    if value is None:
        return
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        problems.add("campaign.translating", f'must be a table like {{ fr = "en" }}: each language being translated '
                                             f"and the language it is translated from, not {value!r}")
        return
    for lang, source in value.items():
        for code in (lang, source):
            if code not in declared:
                problems.add(f"campaign.translating.{lang}", f"{code!r} is not in campaign.languages "
                                                             f"({', '.join(declared)})")


def _wanted(declared: tuple[str, ...], wanted: tuple[str, ...] | None, problems: ProblemCollector) -> tuple[str, ...]:
    """The wanted languages in the campaign's spelling ("EN" is en); all declared when none are named.
    Asking for a language the campaign lacks is a usage mistake (OptionError), not a campaign problem."""
    if not wanted:
        return declared
    spelling = {lang.casefold(): lang for lang in declared}
    unknown = [lang for lang in wanted if lang.casefold() not in spelling]
    if unknown and declared:
        raise OptionError("--lang", f"{', '.join(unknown)} is not a language of this campaign "
                                    f"(it has: {', '.join(declared)})")
    return tuple(dict.fromkeys(spelling[lang.casefold()] for lang in wanted if lang.casefold() in spelling))


def _default_copies(defaults: dict, problems: ProblemCollector) -> tuple[tuple[str, int], ...]:
    """(piece, copies) for each [defaults] poster_copies, flyer_copies, packet_copies given."""
    found = []
    for piece, key in zip(copies.PIECES, copies.COLUMNS):
        if key in defaults:
            number, wrong = copies.read_copies(defaults[key])
            if wrong:
                problems.add(f"defaults.{key}", wrong)
            else:
                found.append((piece, number))
    return tuple(found)


def _one_of(read: FieldReader, table: dict, key: str, choices: tuple[str, ...], default: str) -> str:
    value = read.text(table, key, "defaults", required=False)
    if value is not None and value not in choices:
        read.problems.add(f"defaults.{key}", f"must be one of {', '.join(choices)}, not {value!r}")
    return value if value in choices else default


def _languages(value: object, problems: ProblemCollector) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.add("campaign.languages", f"must be a list of language codes like [\"en\", \"es\"], not {value!r}")
        return ()
    for lang in sorted({v for v in value if value.count(v) > 1}):
        problems.add("campaign.languages", f"lists {lang!r} twice")
    known = [v for v in dict.fromkeys(value) if i18n.is_known_language(v)]
    for lang in value:
        if lang not in known:
            problems.add("campaign.languages", i18n.language_problem(lang))
    return tuple(known)

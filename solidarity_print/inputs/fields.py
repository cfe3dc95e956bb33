"""Typed reads from parsed TOML tables that record a problem, with its key path, instead of raising."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from ..errors import ProblemCollector
from ..render import fonts

COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Characters that reorder or hide text: never acceptable in printed names and titles.
INVISIBLE_RE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

MISSING = object()


class FieldReader:
    """Reads values out of nested tables, recording every problem at its dotted key path."""

    def __init__(self, problems: ProblemCollector):
        self.problems = problems

    def table(self, value: Any, path: str, *, allowed: set[str], required: set[str] = frozenset()) -> dict:
        """A table with only `allowed` keys and every `required` key; {} when it is not a table."""
        if not isinstance(value, dict):
            self.problems.add(path, f"must be a table, not {_kind(value)}")
            return {}
        for key in value.keys() - allowed:
            self.problems.add(_join(path, key), f"unknown key (expected one of: {', '.join(sorted(allowed))})")
        for key in sorted(required - value.keys()):
            self.problems.add(_join(path, key), "is required")
        return value

    def text(self, table: dict, key: str, path: str, *, max_len: int | None = None, required: bool = True) -> str | None:
        """A non-empty single string without invisible control characters."""
        value = table.get(key, MISSING)
        where = _join(path, key)
        if value is MISSING:
            if required:
                self.problems.add(where, "is required")
            return None
        if not isinstance(value, str):
            self.problems.add(where, f"must be text, not {_kind(value)}")
            return None
        if not value.strip():
            self.problems.add(where, "must not be empty")
            return None
        if INVISIBLE_RE.search(value):
            self.problems.add(where, "contains invisible or text-direction control characters")
            return None
        missing = fonts.missing_characters(value)
        if missing:
            self.problems.add(where, f"cannot be printed with the bundled fonts: {fonts.describe(missing)}")
            return None
        if max_len is not None and len(value) > max_len:
            self.problems.add(where, f"is {len(value)} characters long; at most {max_len} fit the design")
        return value

    def date(self, table: dict, key: str, path: str) -> dt.date | None:
        """A TOML date (2023-11-06, unquoted): never a string a human typed a weekday into."""
        value = table.get(key, MISSING)
        where = _join(path, key)
        if value is MISSING:
            self.problems.add(where, "is required")
        elif isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            hint = " (write it unquoted, like 2023-11-06)" if isinstance(value, str) else ""
            self.problems.add(where, f"must be a date like 2023-11-06, not {_kind(value)} {value!r}{hint}")
        else:
            return value
        return None

    def color(self, table: dict, key: str, path: str) -> str | None:
        """A colour written #RRGGBB, upper-cased."""
        value = self.text(table, key, path)
        if value is None:
            return None
        if not COLOR_RE.match(value):
            self.problems.add(_join(path, key), f"must be a colour like #1F6FB2, not {value!r}")
            return None
        return value.upper()

    def slug(self, table: dict, key: str, path: str) -> str | None:
        """A lower-case-with-hyphens name used in file names."""
        value = self.text(table, key, path)
        if value is not None and not SLUG_RE.match(value):
            self.problems.add(_join(path, key), f"must be lower-case letters, digits and hyphens, not {value!r}")
            return None
        return value

    def url(self, table: dict, key: str, path: str, *, schemes: tuple[str, ...] = ("https",)) -> str | None:
        """A link with one of `schemes` (https by default): nothing that could reach a local file."""
        value = self.text(table, key, path)
        if value is None:
            return None
        try:
            parts = urlsplit(value)
        except ValueError:  # "https://[" and hosts that normalise to "/" or "?"
            self.problems.add(_join(path, key), f"is not a valid link: {value!r}")
            return None
        if parts.scheme not in schemes or (parts.scheme == "https" and not parts.netloc) or any(c.isspace() for c in value):
            self.problems.add(_join(path, key), f"must be a {' or '.join(s + ':' for s in schemes)} link, not {value!r}")
            return None
        return value

    def text_list(self, table: dict, key: str, path: str, *, length: int, max_len: int) -> tuple[str, ...] | None:
        """A list of exactly `length` non-empty strings."""
        value = table.get(key, MISSING)
        where = _join(path, key)
        if value is MISSING:
            self.problems.add(where, "is required")
            return None
        if not isinstance(value, list):
            self.problems.add(where, f"must be a list of {length} texts, not {_kind(value)}")
            return None
        if len(value) != length:
            self.problems.add(where, f"must have exactly {length} entries, not {len(value)}")
        items = [self.text(dict(enumerate(value)), i, where, max_len=max_len) for i in range(len(value))]
        return tuple(items) if all(items) and len(items) == length else None

    def per_language(self, table: dict, key: str, path: str, languages: tuple[str, ...], *, max_len: int) -> dict[str, str]:
        """A table with one text per declared language, e.g. [campaign.name] en = "…"."""
        where = _join(path, key)
        value = table.get(key, MISSING)
        if value is MISSING:
            self.problems.add(where, "is required")
            return {}
        sub = self.table(value, where, allowed=set(languages), required=set(languages))
        found = {lang: self.text(sub, lang, where, max_len=max_len) for lang in languages if lang in sub}
        return {lang: text for lang, text in found.items() if text is not None}


def _join(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key == "":
        key = '""'  # an empty TOML key, still visible in the message
    return f"{path}.{key}" if path else str(key)


def _kind(value: Any) -> str:
    names = {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list",
             dict: "a table", dt.date: "a date", dt.datetime: "a date-time", dt.time: "a time"}
    return names.get(type(value), type(value).__name__)

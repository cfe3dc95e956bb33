"""The campaign as plain data: what every other stage talks about (no I/O, no third-party imports)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

AUDIENCES = ("student", "educator")
PAPERS = ("tabloid", "letter", "a4", "a3")


@dataclass(frozen=True)
class DayText:
    """One focus day's words in one language."""

    title: str
    short: str
    summary: str
    why: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class FocusDay:
    """One day of the week with its own theme and colour; human dates are derived, never stored."""

    slug: str
    date: dt.date
    color: str
    text: dict[str, DayText]


@dataclass(frozen=True)
class GuideSection:
    """One Markdown section of the guide in one language, for students, educators or both."""

    slug: str
    lang: str
    audience: str  # "student" | "educator" | "both"
    title: str
    markdown: str
    source: str

    def is_for(self, audience: str) -> bool:
        """True if this section belongs in the guide for `audience`."""
        return self.audience in (audience, "both")


@dataclass(frozen=True)
class Excerpt:
    """Pages the organizer wants from one of their own PDFs."""

    source: Path
    pages: tuple[int, ...]  # 1-based page numbers, in order
    title: str
    audience: str  # "student" | "educator" | "both"
    lang: str
    slug: str

    def is_for(self, audience: str) -> bool:
        """True if this excerpt belongs in packets for `audience`."""
        return self.audience in (audience, "both")


@dataclass(frozen=True)
class School:
    """One row of the roster: a school and what its packet needs. Names are kept exactly as written."""

    row: int  # the spreadsheet row (header = row 1)
    name: str
    slug: str
    languages: tuple[str, ...]
    paper: str = "letter"
    audience: str = "both"  # "student" | "educator" | "both"
    club: str = ""
    contact_name: str = ""
    contact_email: str = ""
    meeting: str = ""
    logo: Path | None = None
    logo_alt: str = ""
    grade_band: str = ""
    poster_paper: str = ""  # the roster's choice; "" means the default for the school's paper (plan.poster_paper)
    link: str = ""  # the school's own https: link for QR codes and printed addresses; "" means the campaign's
    copies: tuple[tuple[str, int], ...] = ()  # (piece, copies) from the roster's *_copies columns, e.g. ("poster", 4)

    def audiences(self) -> tuple[str, ...]:
        """The guide audiences this school's packet carries."""
        return AUDIENCES if self.audience == "both" else (self.audience,)

    @property
    def author(self) -> str:
        """Who a school's files name as their author: its club and the school, or the school alone."""
        name, club = " ".join(self.name.split()), " ".join(self.club.split())  # a line break in a cell is a space
        return f"{club}, {name}" if club else name


@dataclass(frozen=True)
class Campaign:
    """A whole campaign: its window, languages, words, focus days, guide and excerpts."""

    slug: str
    start: dt.date
    end: dt.date
    languages: tuple[str, ...]
    name: dict[str, str]
    tagline: dict[str, str]
    about: dict[str, str]
    resources_url: str
    organizer_name: str
    organizer_url: str
    days: tuple[FocusDay, ...]
    folder: Path
    source: Path
    guide: tuple[GuideSection, ...] = ()
    excerpts: tuple[Excerpt, ...] = ()
    strings: dict[str, dict[str, str]] = field(default_factory=dict)
    default_paper: str = "letter"  # for a school whose roster row names no paper
    default_audience: str = "both"
    warnings: tuple = ()  # Problems that do not stop the build, shown to the user
    author: str = ""  # who the campaign's own files name as author; "" names nobody
    all_languages: tuple[str, ...] = ()  # every language campaign.toml declares; `languages` are those built
    default_copies: tuple[tuple[str, int], ...] = ()  # (piece, copies) from [defaults] poster_copies etc.

    def day(self, slug: str) -> FocusDay:
        """The focus day with this slug."""
        return next(d for d in self.days if d.slug == slug)

    def guide_for(self, audience: str, lang: str) -> list[GuideSection]:
        """The guide sections for one audience in one language, in file order."""
        return [s for s in self.guide if s.lang == lang and s.is_for(audience)]

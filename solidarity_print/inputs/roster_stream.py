"""A roster read school by school: checked whole once, then read again from its text on every pass."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import OptionError, ProblemCollector
from ..model import Campaign, School
from .roster import read_content, schools_of


class Roster:
    """The schools of a roster file that a build prints, as an iterable that reads them again from the
    file's text (or a spreadsheet's cells) on each pass: a build of 10,000 schools holds the text and one
    school at a time, never 10,000 School records.

    Made only from a roster without errors: the constructor reads every row and raises InputError
    listing every problem, as load_roster does, before anything is planned or rendered."""

    def __init__(self, path: Path, campaign: Campaign, slugs: tuple[str, ...] = (),
                 visit: Callable[[School], None] | None = None):
        """The schools of `path`; with `slugs`, only those (OptionError names the slugs no row has).
        `visit` is shown each of them as they are checked (what a build needs of all, in the same pass)."""
        path = path.resolve()
        problems = ProblemCollector(str(path))
        content = read_content(path, problems)
        if content is None:
            problems.raise_if_any()
        # A CSV's text is kept as UTF-8 (half a str that holds one letter beyond Latin-1) and decoded a
        # little at a time on each pass (a str's lines, or io.StringIO's four bytes a letter, would not be).
        self._content = content.encode("utf-8") if isinstance(content, str) else content
        del content
        self._folder, self._campaign, self._slugs = path.parent, campaign, frozenset(slugs)
        self._count, found = 0, set()
        for school in schools_of(self._content, self._folder, campaign, problems):
            if self._wanted(school):
                self._count += 1
                if self._slugs:  # only the schools asked for: no set of every slug
                    found.add(school.slug)
                if visit:
                    visit(school)
        problems.raise_if_any()
        self.warnings = [problem for problem in problems.problems if problem.warning]
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            known = sorted(school.slug for school in self._read())
            raise OptionError("--school", f"no school with slug {', '.join(unknown)} in the roster "
                                          f"(slugs: {', '.join(known)})")

    def __iter__(self) -> Iterator[School]:
        """The schools the build prints, in the roster's order, read again from the roster's text."""
        return (school for school in self._read() if self._wanted(school))

    def __len__(self) -> int:
        return self._count

    def _read(self) -> Iterator[School]:
        # Every problem was reported by the constructor; reading again finds the same ones.
        return schools_of(self._content, self._folder, self._campaign, ProblemCollector(""), checked=True)

    def _wanted(self, school: School) -> bool:
        return not self._slugs or school.slug in self._slugs

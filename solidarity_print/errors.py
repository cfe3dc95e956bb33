"""The exception tree: every error the library raises on purpose, each naming where it came from."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: the file, where in it (key path, row/column or line), and what."""

    file: str
    where: str
    message: str
    warning: bool = False
    line: int | None = None  # the line in `file`, where known for certain
    label: str = ""  # `where` as a person reads it, e.g. "days[4] (immigrant-youth).date"

    def __str__(self) -> str:
        file = f"{self.file}, line {self.line}" if self.line else self.file
        where = self.label or self.where
        place = f"{file}: {where}" if where else file
        prefix = "warning: " if self.warning else ""
        return f"{place}: {prefix}{self.message}"


class SolidarityError(Exception):
    """Base of every error solidarity-print raises on purpose; the CLI turns these into exit code 1."""


class InputError(SolidarityError):
    """One or more problems in the user's input, all reported together."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OptionError(InputError):
    """A build option that names nothing in the inputs or does nothing (an unknown language or
    school, packet options without a roster): a usage mistake, which the CLI reports with exit code 2."""

    def __init__(self, option: str, message: str):
        self.option = option
        super().__init__([Problem(option, "", message)])


class RenderError(SolidarityError):
    """A document could not be rendered: names the template and, where known, the URL or message."""

    def __init__(self, template: str, message: str, url: str | None = None):
        self.template = template
        self.url = url
        self.detail = message
        where = f" ({url})" if url else ""
        super().__init__(f"{template}: {message}{where}")


class OutputError(SolidarityError):
    """The output folder cannot take the build (unwritable, or two outputs claim one path)."""


class ProblemCollector:
    """Collects problems for one input file so that all of them are reported at once."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, where: str, message: str, *, warning: bool = False, line: int | None = None,
            file: str | None = None) -> None:
        """Record a problem at `where` (a key path or row/column) and/or `line`, in this collector's file
        or in `file` (a file the input names, like a guide section); the same problem twice is kept once."""
        problem = Problem(file or self.file, where, message, warning, line)
        if problem not in self.problems:
            self.problems.append(problem)

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the build (warnings excluded)."""
        return [p for p in self.problems if not p.warning]

    def raise_if_any(self) -> None:
        """Raise InputError listing every problem if any of them is an error."""
        if self.errors:
            raise InputError(self.problems)

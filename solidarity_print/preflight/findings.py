"""What preflight found: one finding per file, page and thing to change, as text lines and as JSON."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Finding:
    """One thing to change in one file: which check saw it, on which page (1-based; None for the whole
    file), what it is and what to do about it. Errors make `preflight` exit 1; warnings are listed."""

    file: str
    page: int | None
    check: str
    message: str
    fix: str
    warning: bool = False

    def __str__(self) -> str:
        # The form every other problem takes (errors.Problem): "FILE: WHERE: [warning: ]MESSAGE".
        where = f"page {self.page}" if self.page else "whole file"
        prefix = "warning: " if self.warning else ""
        return f"{self.file}: {where}: {prefix}{self.check}: {self.message}; {self.fix}"

    def as_json(self) -> dict:
        """The finding as a JSON object, with `severity` instead of the `warning` flag."""
        data = asdict(self)
        data["severity"] = "warning" if data.pop("warning") else "error"
        return data


@dataclass
class Report:
    """Every finding of a preflight run, with how many files and pages it looked at and how long it took."""

    folder: str
    files: int = 0
    pages: int = 0
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """The findings that fail preflight."""
        return [f for f in self.findings if not f.warning]

    @property
    def warnings(self) -> list[Finding]:
        """The findings listed without failing preflight."""
        return [f for f in self.findings if f.warning]

    def summary(self) -> str:
        """'Preflight of dist: 26 files, 49 pages in 2.1 s: 0 errors, 1 warning.'"""
        errors, warnings = len(self.errors), len(self.warnings)
        return (f"Preflight of {self.folder}: {self.files} file{'s' if self.files != 1 else ''}, {self.pages} "
                f"page{'s' if self.pages != 1 else ''} in {self.seconds:.1f} s: {errors} error{'s' if errors != 1 else ''}, "
                f"{warnings} warning{'s' if warnings != 1 else ''}")

    def as_json(self) -> dict:
        """The report as one JSON object, for the web page and for CI."""
        return {"folder": self.folder, "files": self.files, "pages": self.pages, "seconds": round(self.seconds, 3),
                "errors": len(self.errors), "warnings": len(self.warnings),
                "findings": [f.as_json() for f in self.findings]}

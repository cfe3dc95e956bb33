"""--ink black: a black-and-white twin of every poster and flyer job, for office printers."""
from __future__ import annotations

from dataclasses import replace

from ..model import Campaign
from ..pipeline.plan import Job

INKS = ("color", "black")
PRINT_FOLDER = "print"


def print_path(path: str, school_slug: str | None, suffix: str = "") -> str:
    """Where the print file made from the file at `path` goes: the same place under the (school's)
    print/ folder, with `suffix` before .pdf ('en/posters/x.pdf' -> 'print/en/posters/x-black.pdf')."""
    folder = f"{school_slug}/" if school_slug else ""
    rest = path[len(folder):]
    stem = rest[:-len(".pdf")] if rest.endswith(".pdf") else rest
    return f"{folder}{PRINT_FOLDER}/{stem}{suffix}.pdf"


def pattern_of(campaign: Campaign, day_slug: str | None) -> int:
    """The day's pattern in assets/css/ink-black.css (1-7, by its place in the week; 0 for the week poster)."""
    slugs = [day.slug for day in campaign.days]
    return slugs.index(day_slug) % 7 + 1 if day_slug in slugs else 0


def black_context(campaign: Campaign, day_slug: str | None) -> dict:
    """What a template needs to print in black ink: the ink stylesheet and the day's pattern."""
    return dict(ink="black", pattern=pattern_of(campaign, day_slug), purpose="print")


def black_jobs(campaign: Campaign, jobs: list[Job]) -> list[Job]:
    """The black-ink twin of each poster and flyer job: same template and text, the ink stylesheet
    added (so it stays tagged PDF/UA like the colour file), written under print/ as NAME-black.pdf."""
    twins = []
    for job in jobs:
        if job.kind not in ("poster", "flyer") or job.context.get("handout"):  # hand-outs come in each ink already
            continue
        school = job.context.get("school")
        twins.append(replace(job, path=print_path(job.path, school.slug if school else None, "-black"),
                             context=dict(job.context, **black_context(campaign, job.focus_day))))
    return twins

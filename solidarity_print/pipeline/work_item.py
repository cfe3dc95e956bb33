"""A work item: one file a build makes, and its job planned again in the worker that renders it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import School
from .plan import Job, plan_campaign, poster_paper

if TYPE_CHECKING:  # the workers pass their setup in: a real import would be circular
    from .workers import WorkerSetup


@dataclass(frozen=True, slots=True)
class Work:
    """One unit of rendering: a document, or a school's packet or own poster or flyer in one language.

    A school's items carry no Job: a build holds tens of thousands of them, and a Job's context holds
    the campaign, so the worker plans the job again from the school (job_of)."""

    path: str
    job: Job | None = None
    school: School | None = None
    lang: str = ""
    kind: str = ""  # without a job: "packet", "poster" or "flyer" of the school
    ink: str = "color"  # a packet's ink: "black" for its office-printer twin

    @property
    def for_school(self) -> School | None:
        """The school the file is made for (a packet's, or a personalised document's), or None."""
        return self.school or (self.job.context.get("school") if self.job else None)

    @property
    def for_paper(self) -> bool:
        """True for a file that is itself made for paper (a black twin, a hand-out): print-shop
        files, tiles and booklets are made of the screen files only."""
        return self.ink != "color" or bool(self.job and (self.job.context.get("ink") or self.job.context.get("handout")))


def job_of(setup: WorkerSetup, item: Work) -> Job | None:
    """The Job of a document item (None for a packet), planned again for a school's poster or flyer."""
    if item.job is not None or item.kind == "packet":
        return item.job
    key = (setup.key, item.school, item.lang, item.kind)
    if key not in _planned:
        if len(_planned) >= 64:  # a worker sees a school's items close together: a few schools suffice
            _planned.clear()
        school = item.school
        _planned[key] = {job.path: job for job in plan_campaign(
            setup.campaign, languages=(item.lang,), only=(item.kind + "s",), paper=poster_paper(school),
            handout=school.paper, school=school)}
    return _planned[key][item.path]


_planned: dict[tuple, dict[str, Job]] = {}

"""The pipeline, top to bottom: load, plan, render, write. Nothing is written unless everything rendered."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import user_pdf
from .accessibility import check_html
from .config import load_campaign
from .errors import InputError, Problem, RenderError
from .model import Campaign
from .output import ManifestEntry, check_unique_paths, safe_join, sha256, write_atomic, write_manifest
from .plan import KINDS, PAPERS, Job, plan_campaign
from .render import Renderer
from .theme import Theme

SINGLE_PAGE = ("poster", "flyer")
# Copyfitting: a one-page design whose text runs long is set a little smaller, step by step, before
# the build gives up. Headers and footers keep their size; only the body text shrinks.
FIT_STEPS = (1.0, 0.94, 0.88, 0.82)

Progress = Callable[[Iterable[Job]], Iterable[Job]]


@dataclass
class BuildResult:
    """What a build wrote: the manifest entries and where the manifest is."""

    out: Path
    entries: list[ManifestEntry]
    manifest: Path


@dataclass(frozen=True)
class BuildOptions:
    """The choices a user makes on the command line."""

    languages: tuple[str, ...] | None = None
    only: tuple[str, ...] = KINDS
    paper: str = "tabloid"


def build(campaign_file: Path | None = None, out: Path = Path("dist"), options: BuildOptions = BuildOptions(),
          progress: Progress | None = None) -> BuildResult:
    """Build the campaign (the built-in one when `campaign_file` is None) into `out`."""
    campaign = load_campaign(campaign_file)
    languages = _languages(campaign, options.languages)
    jobs = plan_campaign(campaign, languages=languages, only=options.only, paper=options.paper)
    check_unique_paths([job.path for job in jobs])
    for job in jobs:
        safe_join(out, job.path)
    maker = DocumentMaker(campaign)
    rendered = [(job, maker.make(job)) for job in (progress(jobs) if progress else jobs)]
    entries = []
    for job, (data, pages) in rendered:
        write_atomic(safe_join(out, job.path), data)
        entries.append(ManifestEntry(path=job.path, kind=job.kind, lang=job.lang, focus_day=job.focus_day,
                                     school=None, paper=job.paper.name, pages=pages, sha256=sha256(data),
                                     title=job.title, tagged=job.kind != "excerpt"))
    return BuildResult(out, entries, write_manifest(out, entries))


class DocumentMaker:
    """Turns jobs into PDF bytes for one campaign (one theme, one renderer, reused across jobs)."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self.theme = Theme(campaign.folder)
        self.renderer = Renderer(campaign.folder)

    def make(self, job: Job) -> tuple[bytes, int]:
        """The PDF bytes and page count of one job."""
        if job.kind == "excerpt":
            excerpt = self.campaign.excerpts[job.excerpt_index]
            return user_pdf.extract(excerpt, job.title), len(excerpt.pages)
        for fit in FIT_STEPS if job.kind in SINGLE_PAGE else (1.0,):
            html = self.theme.render(job.template, dict(job.context, fit=fit))
            check_html(html, job.template)
            result = self.renderer.render(html, template=job.template, created=self.campaign.start)
            if job.kind not in SINGLE_PAGE or (result.pages == 1 and not result.collides):
                return result.data, result.pages
        raise RenderError(job.template, f"{job.path} does not fit on one page even with its text set "
                                        f"{round((1 - FIT_STEPS[-1]) * 100)}% smaller; shorten its text in the campaign file")


def _languages(campaign: Campaign, wanted: tuple[str, ...] | None) -> tuple[str, ...]:
    if not wanted:
        return campaign.languages
    unknown = [lang for lang in wanted if lang not in campaign.languages]
    if unknown:
        raise InputError([Problem("--lang", "", f"{', '.join(unknown)} is not a language of this campaign "
                                              f"(it has: {', '.join(campaign.languages)})")])
    return tuple(wanted)


__all__ = ["BuildOptions", "BuildResult", "DocumentMaker", "PAPERS", "build"]

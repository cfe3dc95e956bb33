"""One document from one job: template to HTML to laid-out pages, copyfitting one-page designs."""
from __future__ import annotations

from pathlib import Path

from . import user_pdf
from .accessibility import check_html
from .errors import RenderError
from .model import Campaign
from .plan import Job
from .render import LaidOut, Renderer
from .theme import Theme

SINGLE_PAGE = ("poster", "flyer")
# Copyfitting: a one-page design whose text runs long is set a little smaller, step by step, before
# the build gives up. Headers and footers keep their size; only the body text shrinks.
FIT_STEPS = (1.0, 0.94, 0.88, 0.82)


class DocumentMaker:
    """Turns jobs into PDF bytes for one campaign (one theme, one renderer, reused across jobs)."""

    def __init__(self, campaign: Campaign, extra_folders: tuple[Path, ...] = ()):
        self.campaign = campaign
        self.theme = Theme(campaign.folder)
        self.renderer = Renderer(campaign.folder, extra_folders)

    def make(self, job: Job) -> tuple[bytes, int]:
        """The PDF bytes and page count of one job."""
        if job.kind == "excerpt":
            excerpt = self.campaign.excerpts[job.excerpt_index]
            return user_pdf.extract(excerpt, job.title), len(excerpt.pages)
        laid_out = self.layout(job)
        return self.renderer.write([laid_out], created=self.campaign.start), laid_out.pages

    def layout(self, job: Job, **extra) -> LaidOut:
        """Lay one job out, copyfitting one-page designs; `extra` adds to its template context."""
        for fit in FIT_STEPS if job.kind in SINGLE_PAGE else (1.0,):
            html = self.theme.render(job.template, dict(job.context, fit=fit, **extra))
            check_html(html, job.template)
            laid_out = self.renderer.layout(html, template=job.template)
            if job.kind not in SINGLE_PAGE or (laid_out.pages == 1 and not laid_out.collides):
                return laid_out
        raise RenderError(job.template, f"{job.path} does not fit on one page even with its text set "
                                        f"{round((1 - FIT_STEPS[-1]) * 100)}% smaller; shorten its text in the campaign file")

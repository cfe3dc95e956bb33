"""One document from one job: template to HTML to laid-out pages, copyfitting one-page designs."""
from __future__ import annotations

from pathlib import Path

from ..errors import RenderError
from ..inputs import user_pdf
from ..model import Campaign
from ..pipeline.plan import Job
from .accessibility import check_html
from .render import LaidOut, Renderer
from .theme import Theme

SINGLE_PAGE = ("poster", "flyer")
# Copyfitting: a one-page design whose text runs long is set a little smaller, step by step, before
# the build gives up. Headers and footers keep their size; only the body text shrinks.
FIT_STEPS = (1.0, 0.94, 0.88, 0.82)
# Posters whose text leaves the page's lower part empty get it set larger instead, up to this much.
# A grown text keeps a 5% breathing space above the footer.
GROWS, MAX_GROWTH, BREATHING = ("poster",), 1.6, 1.05


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
            laid_out = self._lay(job, fit, extra)
            if job.kind not in SINGLE_PAGE or _fits(laid_out):
                return self._grow(job, laid_out, extra) if fit == 1.0 and job.kind in GROWS else laid_out
        raise RenderError(job.template, f"{job.path} does not fit on one page even with its text set "
                                        f"{round((1 - FIT_STEPS[-1]) * 100)}% smaller; shorten its text in the campaign file")

    def _lay(self, job: Job, fit: float, extra: dict) -> LaidOut:
        html = self.theme.render(job.template, dict(job.context, fit=fit, **extra))
        check_html(html, job.template)
        return self.renderer.layout(html, template=job.template)

    def _grow(self, job: Job, laid_out: LaidOut, extra: dict) -> LaidOut:
        """The largest fit, in at most three more layouts, that still keeps the text off the footer.

        Wrapped text grows with about the square of its size (larger lines, and more of them), so the
        next try scales by the square root of the room left; a try that does not fit halves the step."""
        fit, best = 1.0, laid_out
        step = (laid_out.room / BREATHING) ** 0.5
        for _ in range(3):
            target = round(min(MAX_GROWTH, fit * step), 3)
            if target < fit * 1.02:
                break
            bigger = self._lay(job, target, extra)
            if _fits(bigger) and bigger.room >= BREATHING:
                fit, best = target, bigger
                step = (bigger.room / BREATHING) ** 0.5
            else:
                step = (target / fit) ** 0.5
        return best


def _fits(laid_out: LaidOut) -> bool:
    return laid_out.pages == 1 and not laid_out.collides

"""A build's print-shop files: where they go, the image check and the job ticket (the files are made in press/jobs.py)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import InputError, Problem
from ..model import Campaign, School
from ..pipeline.output import ManifestEntry
from ..pipeline.plan import PAPERS
from . import job_ticket, resolution

if TYPE_CHECKING:
    from .jobs import PressFile

PIECES = ("poster", "flyer", "packet")  # the manifest kinds that get a print-shop file
KIND = "print-shop"


def print_shop_path(path: str, school: str | None) -> str:
    """Where the print-shop file of the file at `path` goes: OUT/print/shop/… or OUT/<school>/print/shop/…"""
    if school:
        return f"{school}/print/shop/{path.split('/', 1)[1]}"
    return f"print/shop/{path}"


TICKET_PATHS = [f"{job_ticket.TICKET}.csv", f"{job_ticket.TICKET}.json"]  # the job ticket, written with --print-shop


def paper_name(width: float, height: float) -> str:
    """The name of the paper a page is trimmed to, either way round, or "custom"."""
    size = sorted((width, height))
    for name, paper in PAPERS.items():
        if abs(size[0] - paper.width) < 1 and abs(size[1] - paper.height) < 1:
            return name
    return "custom"


class PrintShop:
    """Checks the images of each print-shop file the build hands over and collects the job ticket's rows."""

    def __init__(self, campaign: Campaign, *, duplex: bool, roster: str | None = None):
        self.campaign = campaign
        self.duplex = duplex
        self.roster = roster
        self.rows = job_ticket.Ticket()
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, made: PressFile, screen: ManifestEntry, school: School | None) -> None:
        """Take the print-shop file `made` of the screen file `screen` (other print files are let be)."""
        if made.entry.kind != KIND:
            return
        self._check_images(screen, made.soft_images, school)
        self.rows.add(job_ticket.ticket_row(made.entry, screen, self.campaign, school, duplex=self.duplex,
                                               page_papers=list(made.page_papers)))

    def ticket(self) -> dict[str, Iterator[bytes]]:
        """The job ticket files, a piece at a time; raises InputError naming every image below print
        resolution first."""
        if self.errors:
            raise InputError(self.errors + self.warnings)
        return self.rows.files(self.campaign.name[self.campaign.languages[0]])

    def _check_images(self, entry: ManifestEntry, images, school: School | None) -> None:
        """An image below 150 ppi at its printed size is an error, below 300 a warning; a school's
        logo is reported at its roster row, other images at the file and page."""
        for image in images:
            low = image.ppi < resolution.LEAST_PPI
            wanted = resolution.LEAST_PPI if low else resolution.SHARP_PPI
            needs = f"a print shop needs at least {wanted} ppi{'' if low else ' for sharp print'}; use a larger image"
            if school is not None and school.logo is not None and self.roster:
                problem = Problem(self.roster, f"row {school.row}, column logo",
                                  f"{school.logo.name!r} is {image.describe()}: {needs}", warning=not low)
            else:
                problem = Problem(entry.path, f"page {image.page}", f"{image.describe()}: {needs}", warning=not low)
            target = self.errors if low else self.warnings
            if problem not in target:
                target.append(problem)

"""A build's print-shop files: where they go, their manifest entries, the image check and the job ticket."""
from __future__ import annotations

from ..errors import InputError, Problem
from ..model import Campaign, School
from ..pipeline.output import ManifestEntry, sha256
from ..pipeline.plan import PAPERS
from . import job_ticket, resolution
from .print_shop import print_shop_pdf

PIECES = ("poster", "flyer", "packet")  # the manifest kinds that get a print-shop file
KIND = "print-shop"


def print_shop_path(path: str, school: str | None) -> str:
    """Where the print-shop file of the file at `path` goes: OUT/print/shop/… or OUT/<school>/print/shop/…"""
    if school:
        return f"{school}/print/shop/{path.split('/', 1)[1]}"
    return f"print/shop/{path}"


def planned_paths(planned: list[tuple[str, str, str | None]]) -> list[str]:
    """The print-shop files and the job ticket a build of these (path, kind, school) files will write."""
    files = [print_shop_path(path, school) for path, kind, school in planned if kind in PIECES]
    return files + [f"{job_ticket.TICKET}.csv", f"{job_ticket.TICKET}.json"]


def paper_name(width: float, height: float) -> str:
    """The name of the paper a page is trimmed to, either way round, or "custom"."""
    size = sorted((width, height))
    for name, paper in PAPERS.items():
        if abs(size[0] - paper.width) < 1 and abs(size[1] - paper.height) < 1:
            return name
    return "custom"


class PrintShop:
    """Makes the print-shop file of each finished poster, flyer and packet as the build hands them
    over, checks their images, and collects the job ticket's rows."""

    def __init__(self, campaign: Campaign, *, duplex: bool, roster: str | None = None):
        self.campaign = campaign
        self.duplex = duplex
        self.roster = roster
        self.rows: list[job_ticket.TicketRow] = []
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, entry: ManifestEntry, data: bytes, school: School | None) -> tuple[str, bytes, ManifestEntry] | None:
        """The print-shop file of the screen file `entry` (bytes `data`), or None for other kinds."""
        if entry.kind not in PIECES or entry.purpose != "screen":  # not of office-printer twins (--ink black)
            return None
        self._check_images(entry, data, school)
        made = print_shop_pdf(data, title=entry.title, lang=entry.lang, created=self.campaign.start)
        path = print_shop_path(entry.path, entry.school)
        shop_entry = ManifestEntry(path=path, kind=KIND, lang=entry.lang, focus_day=entry.focus_day,
                                   school=entry.school, paper=entry.paper, pages=made.pages,
                                   sha256=sha256(made.data), title=entry.title, tagged=False,
                                   extra=dict(piece=entry.kind, screen_file=entry.path),
                                   purpose="print", trim=list(made.trim), bleed=made.bleed)
        self.rows.append(job_ticket.ticket_row(shop_entry, entry, self.campaign, school, duplex=self.duplex,
                                               page_papers=[paper_name(*size) for size in made.page_trims]))
        return path, made.data, shop_entry

    def ticket(self) -> dict[str, bytes]:
        """The job ticket files; raises InputError naming every image below print resolution first."""
        if self.errors:
            raise InputError(self.errors + self.warnings)
        return job_ticket.ticket_files(self.rows, self.campaign.name[self.campaign.languages[0]])

    def _check_images(self, entry: ManifestEntry, data: bytes, school: School | None) -> None:
        """An image below 150 ppi at its printed size is an error, below 300 a warning; a school's
        logo is reported at its roster row, other images at the file and page."""
        for image in resolution.placed_images(data):
            if image.ppi >= resolution.SHARP_PPI:
                continue
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

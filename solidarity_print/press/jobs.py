"""Which print files a build makes from its accessible files (--tile, --booklet), and making them.

They are made in the build's own process from each finished file's bytes, as it arrives (from a
worker or the cache), so they never render anything again."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import OptionError
from ..model import Campaign
from ..pipeline.output import ManifestEntry, sha256
from ..pipeline.workers import Work
from .booklet import impose_booklet
from .tiling import POSTER_PAPERS, check_tiling, tile_poster

POINTS_PER_INCH = 72
DEFAULT_OVERLAP = 0.5  # inches


@dataclass(frozen=True)
class PressJob:
    """One print file: its path, what it is, and the finished file (a Work's path) it is made from."""

    path: str
    kind: str  # "tiled-poster" | "booklet"
    source: str
    paper: str  # the sheets it is printed on
    piece: int | None = None  # for a packet's booklet: which of the packet's guides (0, 1)
    overlap: float = 0.0  # for a tiled poster, in points


def check_press(campaign: Campaign, work: list[Work], tile: str | None, overlap: float | None, booklet: bool) -> None:
    """Raise OptionError for print options that cannot work or would make nothing in this build."""
    if overlap is not None and tile is None:
        raise OptionError("--overlap", "does nothing without --tile")
    if tile is not None:
        check_tiling(tile, (DEFAULT_OVERLAP if overlap is None else overlap) * POINTS_PER_INCH)
        if not any(_is_tiled(item) for item in work):
            raise OptionError("--tile", "this build makes no tabloid or A3 poster to tile (add posters to --only, "
                                        "or leave --paper at tabloid or a3)")
    if booklet:
        if not any(_booklet_source(item) for item in work):
            raise OptionError("--booklet", "this build makes no guide, excerpt or packet to fold into a booklet")
        for item in work:
            if item.job is not None and item.job.kind == "excerpt":
                excerpt = campaign.excerpts[item.job.excerpt_index]
                if len(excerpt.pages) < 2:
                    raise OptionError("--booklet", f"{item.path} (page {excerpt.pages[0]} of {excerpt.source.name}) "
                                                   "has one page: a booklet needs two or more")


def plan_press(work: list[Work], tile: str | None, overlap: float | None, booklet: bool) -> dict[str, list[PressJob]]:
    """The print files to make (--tile on `tile` paper, `overlap` inches; --booklet), by the path of
    the file each is made from."""
    jobs: dict[str, list[PressJob]] = {}
    points = (DEFAULT_OVERLAP if overlap is None else overlap) * POINTS_PER_INCH
    for item in work:
        if item.for_paper:
            continue  # already a print file (--ink black, --handouts)
        if tile and _is_tiled(item):
            jobs.setdefault(item.path, []).append(PressJob(_print_path(item, "-tiled.pdf"), "tiled-poster", item.path,
                                                           tile, overlap=points))
        source = _booklet_source(item)
        if booklet and source == "packet":
            for piece, audience in enumerate(item.school.audiences()):
                path = f"{item.school.slug}/print/{item.lang}/{audience}-guide-booklet.pdf"
                jobs.setdefault(item.path, []).append(PressJob(path, "booklet", item.path, item.school.paper, piece))
        elif booklet and source:
            jobs.setdefault(item.path, []).append(PressJob(_print_path(item, "-booklet.pdf"),
                                                           "booklet", item.path, item.job.paper.name))
    return jobs


def make_press(job: PressJob, data: bytes, entry: ManifestEntry, campaign: Campaign) -> tuple[bytes, ManifestEntry]:
    """The print file `job` made from its source file's bytes and manifest entry."""
    extra, title = dict(source=job.source), entry.title
    if job.kind == "tiled-poster":
        made, pages = tile_poster(data, job.paper, job.overlap, campaign.strings[entry.lang])
        extra.update(overlap=round(job.overlap, 3))
    else:
        chosen = None
        if job.piece is not None:  # a packet's guide: its pages, as the packet's pieces list them
            piece = [piece for piece in entry.extra["pieces"] if piece["kind"] == "guide"][job.piece]
            chosen = range(piece["first"] - 1, piece["last"])
            title = f"{piece['title']} — {entry.title}"
        made, pages = impose_booklet(data, job.paper, chosen, job.source)
        extra.update(sheets=pages // 2)
    return made, ManifestEntry(path=job.path, kind=job.kind, lang=entry.lang, focus_day=entry.focus_day,
                               school=entry.school, paper=job.paper, pages=pages, sha256=sha256(made), title=title,
                               tagged=job.kind == "tiled-poster", purpose="print", extra=extra)


def _is_tiled(item: Work) -> bool:
    # A school's poster item carries no Job (pipeline/workers.py): its kind and paper are the item's.
    if item.job is None:
        return item.kind == "poster" and item.school.poster_paper in POSTER_PAPERS
    return item.job.kind == "poster" and item.job.paper.name in POSTER_PAPERS


def _booklet_source(item: Work) -> str | None:
    """'packet' for a packet (its guides become booklets), 'document' for a guide or excerpt, else None."""
    if item.job is None:
        return "packet" if item.kind == "packet" else None
    return "document" if item.job.kind in ("guide", "excerpt") else None


def _print_path(item: Work, suffix: str) -> str:
    """Where the print file of `item` goes: under print/, in the school's folder for a school's file
    (en/posters/x.pdf -> print/en/posters/x-tiled.pdf, school/en/... -> school/print/en/...)."""
    stem = item.path.removesuffix(".pdf") + suffix
    school = item.for_school
    if school is not None:
        return f"{school.slug}/print/{stem.removeprefix(school.slug + '/')}"
    return f"print/{stem}"

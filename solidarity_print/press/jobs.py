"""The print files a build derives from its finished files (--tile, --booklet, --print-shop), and making them.

Each is made in the worker that made its source, right after it, from the bytes it has in hand (or
the source's cached bytes), and cached beside the source under the source's key and the jobs: they
never render anything again, and the build's own process only writes them."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import OptionError
from ..model import Campaign
from ..pdf.pdf_update import Extension
from ..pipeline.output import ManifestEntry, sha256
from .booklet import impose_booklet
from .handouts import handout_sheet
from .ink import print_path
from .print_shop import print_shop_pdf
from .print_shop_update import print_shop_update
from .print_shop_files import KIND as SHOP, PIECES as SHOP_PIECES, paper_name, print_shop_path
from .resolution import SHARP_PPI, PlacedImage
from .tiling import POSTER_PAPERS, check_tiling, tile_poster
from .tiling_update import tile_update

if TYPE_CHECKING:  # for type hints only
    from ..pipeline.work_item import Work

POINTS_PER_INCH = 72
DEFAULT_OVERLAP = 0.5  # inches


@dataclass(frozen=True)
class PressOptions:
    """Which print files to derive: tiles on `tile` paper overlapping by `overlap` points, booklets, print-shop files."""

    tile: str | None = None
    overlap: float = 0.0
    booklet: bool = False
    print_shop: bool = False


def press_options(tile: str | None, overlap: float | None, booklet: bool, print_shop: bool) -> PressOptions:
    """The options as the user gives them (`overlap` in inches, None for the default)."""
    return PressOptions(tile, _overlap_points(overlap), booklet, print_shop)


def _overlap_points(overlap: float | None) -> float:
    """--overlap in points (given in inches; None for the default)."""
    return (DEFAULT_OVERLAP if overlap is None else overlap) * POINTS_PER_INCH


@dataclass(frozen=True)
class PressJob:
    """One print file: its path, what it is, and the finished file (a Work's path) it is made from."""

    path: str
    kind: str  # "tiled-poster" | "booklet" | "print-shop" | "handout" (a sheet of hand-outs)
    source: str
    paper: str  # the sheets it is printed on
    piece: int | None = None  # for a packet's booklet: which of the packet's guides (0, 1); hand-outs on a sheet
    overlap: float = 0.0  # for a tiled poster, in points


@dataclass(frozen=True)
class PressFile:
    """A print file made: where it goes, its bytes and manifest entry; for a print-shop file also the
    paper each page is trimmed to and the images below SHARP_PPI (for the job ticket and the image check).

    A file made as an update of its source holds an Extension of the source's bytes, not a copy of
    them: a school's 18 print files would otherwise carry its files' bytes again through the pipe
    from the worker and into the cache, more bytes than the print files' own."""

    path: str
    data: bytes | Extension
    entry: ManifestEntry
    page_papers: tuple[str, ...] = ()
    soft_images: tuple[PlacedImage, ...] = ()

    def parts(self, source: bytes) -> tuple[bytes | memoryview, ...]:
        """The file's bytes in pieces (for writelines), given its source file's bytes."""
        return self.data.parts(source) if isinstance(self.data, Extension) else (self.data,)


def check_press(campaign: Campaign, work: list[Work], tile: str | None, overlap: float | None, booklet: bool) -> None:
    """Raise OptionError for print options that cannot work or would make nothing in this build."""
    if overlap is not None and tile is None:
        raise OptionError("--overlap", "does nothing without --tile")
    if tile is not None:
        check_tiling(tile, _overlap_points(overlap))
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


def press_jobs(item: Work, options: PressOptions) -> list[PressJob]:
    """The print files made from the finished file of `item`: a hand-out's sheet, or tiles, booklets and
    a print-shop file (none from a black-ink twin)."""
    context = item.job.context if item.job else {}
    if context.get("handout"):
        return [PressJob(context["sheet_path"], "handout", item.path, context["sheet"], int(context["handout"]))]
    if item.for_paper:
        return []
    jobs = []
    if options.tile and _is_tiled(item):
        jobs.append(PressJob(_print_path(item, "-tiled"), "tiled-poster", item.path, options.tile,
                             overlap=options.overlap))
    source = _booklet_source(item) if options.booklet else None
    if source == "packet":
        for piece, audience in enumerate(item.school.audiences()):
            path = f"{item.school.slug}/print/{item.lang}/{audience}-guide-booklet.pdf"
            jobs.append(PressJob(path, "booklet", item.path, item.school.paper, piece))
    elif source:
        jobs.append(PressJob(_print_path(item, "-booklet"), "booklet", item.path, item.job.paper.name))
    if options.print_shop and (item.job.kind if item.job else item.kind) in SHOP_PIECES:
        school = item.for_school
        jobs.append(PressJob(print_shop_path(item.path, school.slug if school else None), SHOP, item.path, ""))
    return jobs


def make_press_files(jobs: list[PressJob], data: bytes, entry: ManifestEntry, campaign: Campaign) -> tuple[PressFile, ...]:
    """The print files `jobs` made from their source file's bytes and manifest entry."""
    made = []
    for job in jobs:
        if job.kind == SHOP:
            made.append(_print_shop_file(job, data, entry, campaign))
        elif job.kind == "handout":
            made.append(PressFile(job.path, *handout_sheet(data, entry, job.path, job.piece, job.paper)))
        else:
            made.append(_tiles_or_booklet(job, data, entry, campaign))
    return tuple(made)


def press_key(source_key: str, jobs: list[PressJob]) -> str:
    """The cache key of a file cached under `source_key` together with its print files `jobs`."""
    return hashlib.sha256(f"{source_key}|press|{jobs!r}".encode()).hexdigest()


def press_record(data: bytes, entry: ManifestEntry, files: tuple[PressFile, ...]) -> tuple[dict, list[bytes]]:
    """A file and its print files as one cache record: their details, and their bytes one after
    another (a print file made as an update of the file: only its head and update). One record, not
    one for the file and one for its print files: a build writes tens of thousands of records, and
    each costs a file created on disk, which is what a print build pays most for."""
    details, pieces = [], [data]
    for made in files:
        extension = made.data if isinstance(made.data, Extension) else None
        pieces += [extension.head, extension.tail] if extension else [made.data]
        details.append(dict(entry=vars(made.entry), page_papers=made.page_papers,
                            soft_images=[[i.page, *i.pixels, *i.inches] for i in made.soft_images],
                            **(dict(head=len(extension.head), size=len(extension.tail)) if extension
                               else dict(size=len(made.data)))))
    return dict(source=dict(entry=vars(entry), size=len(data)), files=details), pieces


def press_files_of(record: tuple[dict, bytes]) -> tuple[bytes, ManifestEntry, tuple[PressFile, ...]] | None:
    """The file, its entry and its print files from a cache record (press_record), or None if it is not one."""
    details, data = record
    files = []
    try:
        source = ManifestEntry(**details["source"]["entry"])
        at = details["source"]["size"]
        for item in details["files"]:
            entry = ManifestEntry(**item["entry"])
            images = tuple(PlacedImage(page, (width, height), (across, up))
                           for page, width, height, across, up in item["soft_images"])
            head = item.get("head")
            if head is None:
                made: bytes | Extension = data[at:at + item["size"]]
            else:
                made = Extension(data[at:at + head], data[at + head:at + head + item["size"]])
                at += head
            files.append(PressFile(entry.path, made, entry, tuple(item["page_papers"]), images))
            at += item["size"]
    except (KeyError, TypeError, ValueError):
        return None
    return (data[:details["source"]["size"]], source, tuple(files)) if at == len(data) else None


def _tiles_or_booklet(job: PressJob, data: bytes, entry: ManifestEntry, campaign: Campaign) -> PressFile:
    """The tiled poster or booklet `job` made from its source file's bytes and manifest entry."""
    extra, title = dict(source=job.source), entry.title
    if job.kind == "tiled-poster":
        words = campaign.strings[entry.lang]
        # A school's poster is a shared render plus its update: its tiles too, the tiling done once per shared render.
        made, pages = (tile_update(data, job.paper, job.overlap, words)
                       or tile_poster(data, job.paper, job.overlap, words))  # an Extension of data, or bytes
        extra.update(overlap=round(job.overlap, 3))
    else:
        chosen = None
        if job.piece is not None:  # a packet's guide: its pages, as the packet's pieces list them
            piece = [piece for piece in entry.extra["pieces"] if piece["kind"] == "guide"][job.piece]
            chosen = range(piece["first"] - 1, piece["last"])
            title = f"{piece['title']} — {entry.title}"
        made, pages = impose_booklet(data, job.paper, chosen, job.source)
        extra.update(sheets=pages // 2)
    return PressFile(job.path, made, ManifestEntry(
        path=job.path, kind=job.kind, lang=entry.lang, focus_day=entry.focus_day, school=entry.school, paper=job.paper,
        pages=pages, sha256=_digest(made, data), title=title, tagged=job.kind == "tiled-poster", purpose="print",
        extra=extra))


def _print_shop_file(job: PressJob, data: bytes, entry: ManifestEntry, campaign: Campaign) -> PressFile:
    """The print-shop file of the screen file `entry` (bytes `data`), with what the job ticket and the image check need."""
    # A school's file is a shared render plus its update: its print-shop file too, the edit made once per shared render.
    made = (print_shop_update(data, title=entry.title, lang=entry.lang, created=campaign.start, source_hash=entry.sha256)
            or print_shop_pdf(data, title=entry.title, lang=entry.lang, created=campaign.start))
    shop_entry = ManifestEntry(path=job.path, kind=SHOP, lang=entry.lang, focus_day=entry.focus_day,
                               school=entry.school, paper=entry.paper, pages=made.pages,
                               sha256=_digest(made.data, data), title=entry.title, tagged=False,
                               extra=dict(piece=entry.kind, screen_file=entry.path),
                               purpose="print", trim=list(made.trim), bleed=made.bleed)
    return PressFile(job.path, made.data, shop_entry, tuple(paper_name(*size) for size in made.page_trims),
                     tuple(image for image in made.images if image.ppi < SHARP_PPI))


def _digest(made: bytes | Extension, source: bytes) -> str:
    """The SHA-256 of a print file (`made`, or an Extension of `source`), without joining its pieces."""
    if not isinstance(made, Extension):
        return sha256(made)
    digest = hashlib.sha256()
    for part in made.parts(source):
        digest.update(part)
    return digest.hexdigest()


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
    school = item.for_school
    return print_path(item.path, school.slug if school else None, suffix)

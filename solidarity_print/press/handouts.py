"""--handouts 2|4: each focus day's hand-out (a half-letter/A5 flyer or a quarter-letter/A6 card),
as a tagged one-page PDF and as a sheet of two or four to print and cut."""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Campaign, School
from ..pipeline.output import ManifestEntry, sha256
from ..pipeline.plan import Job, Paper
from ..render.documents import DocumentMaker
from .ink import black_context, print_path
from .nup import Sheet, impose

COUNTS = (2, 4)
# The white frame every hand-out keeps inside its own edges: the 0.25 in an office printer cannot
# reach at the sheet's edge, and the same on the cut side, so a cut piece looks even all round.
FRAME = 18.0


@dataclass(frozen=True)
class Layout:
    """One hand-out size on one sheet: the piece, the sheet, and how the pieces sit on it."""

    piece: Paper
    sheet: Sheet
    template: str


LAYOUTS = {
    (2, "letter"): Layout(Paper("half-letter", 396, 612, "5.5in 8.5in"), Sheet("letter", 792, 612, 2, 1), "flyer.html"),
    (2, "a4"): Layout(Paper("a5", 419.53, 595.28, "148mm 210mm"), Sheet("a4", 841.89, 595.28, 2, 1), "flyer.html"),
    (4, "letter"): Layout(Paper("quarter-letter", 306, 396, "4.25in 5.5in"), Sheet("letter", 612, 792, 2, 2),
                          "handout-card.html"),
    (4, "a4"): Layout(Paper("a6", 297.64, 419.53, "105mm 148mm"), Sheet("a4", 595.28, 841.89, 2, 2), "handout-card.html"),
}


def handout_jobs(campaign: Campaign, lang: str, count: int, sheet_paper: str, *, school: School | None = None,
                 ink: str = "color") -> list[Job]:
    """For each focus day in `lang`: the tagged hand-out, on letter or A4 (its sheet of `count` is made
    from its bytes: handout_sheet).

    Hand-outs carry no school's name, only the link of their QR code: a build with a roster makes
    them once per language, paper and link (`school` is given only for a school with its own link)."""
    layout = LAYOUTS[count, sheet_paper]
    t = campaign.strings[lang]
    name = campaign.name[lang]
    suffix = "-black" if ink == "black" else ""
    jobs = []
    for day in campaign.days:
        text = day.text[lang]
        own = f"{school.slug}/" if school else ""
        single = print_path(f"{own}{lang}/handouts/{day.slug}-{layout.piece.name}.pdf", school.slug if school else None, suffix)
        sheet = print_path(f"{own}{lang}/handouts/{day.slug}-{count}up-{sheet_paper}.pdf", school.slug if school else None,
                           suffix)
        context = dict(campaign=campaign, lang=lang, t=t, created=f"{campaign.start.isoformat()}T00:00:00Z",
                       school=school, packet=None, overlay=False, day=day, text=text, accent=day.color,
                       paper=layout.piece, unit=round((layout.piece.width - 2 * FRAME) / 100, 4),
                       handout=str(count), purpose="print", doc_title=f"{text.title} — {t['flyer_title']} — {name}",
                       sheet=sheet_paper, sheet_path=sheet)
        if ink == "black":
            context.update(black_context(campaign, day.slug))
        jobs.append(Job("flyer", single, lang, context["doc_title"], layout.piece, layout.template, day.slug, context))
    return jobs


def make_handout(job: Job, maker: DocumentMaker) -> tuple[bytes, ManifestEntry]:
    """The hand-out of `job` (tagged) and its entry."""
    data, pages = maker.make(job)
    school = job.context.get("school")
    return data, ManifestEntry(path=job.path, kind="handout", lang=job.lang, focus_day=job.focus_day,
                               school=school.slug if school else None, paper=job.paper.name, pages=1,
                               sha256=sha256(data), title=job.title, tagged=True, purpose="print",
                               extra=dict(piece=job.paper.name, ink=job.context.get("ink", "color")))


def handout_sheet(data: bytes, entry: ManifestEntry, path: str, count: int, sheet_paper: str) -> tuple[bytes, ManifestEntry]:
    """The hand-out `data` (its entry `entry`) imposed `count` times on a `sheet_paper` sheet at `path`,
    for the printer (untagged), and the sheet's entry."""
    layout = LAYOUTS[count, sheet_paper]
    sheet = impose(data, layout.sheet, title=entry.title, lang=entry.lang)
    extra = dict(entry.extra, up=layout.sheet.count, cuts=layout.sheet.cuts((layout.piece.width, layout.piece.height)))
    return sheet, ManifestEntry(path=path, kind="handout", lang=entry.lang, focus_day=entry.focus_day,
                                school=entry.school, paper=sheet_paper, pages=1, sha256=sha256(sheet), title=entry.title,
                                tagged=False, purpose="print", extra=extra)


__all__ = ["COUNTS", "LAYOUTS", "handout_jobs", "handout_sheet", "make_handout"]

"""A build's work list: each file it makes as a work item, planned per school from shared shapes."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..model import Campaign, School
from ..pdf.packet import document_variant, packet_variant
from ..press.handouts import handout_jobs
from ..press.ink import black_jobs
from .plan import handout_paper, plan_campaign, poster_paper
from .workers import Work

if TYPE_CHECKING:
    from ..build import BuildOptions


def plan_work(campaign: Campaign, schools: list[School], languages: tuple[str, ...], options: BuildOptions) -> list[Work]:
    """Every file a build makes, as work items: the campaign's materials, or with `schools` each
    school's posters, flyers and packets (and the print variants the options ask for), with one item
    of each shared render first."""
    if not schools:
        jobs = plan_campaign(campaign, languages=languages, only=options.only, paper=options.paper or "tabloid")
        if options.handouts:
            sheet = handout_paper(options.paper or "tabloid").name
            jobs += [job for lang in languages for ink in _inks(options)
                     for job in handout_jobs(campaign, lang, options.handouts, sheet, ink=ink)]
        return [Work(job.path, job) for job in jobs + (black_jobs(campaign, jobs) if options.ink == "black" else [])]
    work, handouts = [], {}
    only = tuple(kind for kind in ("posters", "flyers") if kind in options.only)
    # A school's files sit at the same paths under its own folder as those of any school printed in
    # the same language on the same papers: planned once per such shape, not once per school.
    shapes: dict[tuple, list[tuple[str, str]]] = {}
    for school in schools:
        school = replace(school, poster_paper=poster_paper(school, options.paper))
        for lang in (lang for lang in school.languages if lang in languages):
            shape = (lang, school.poster_paper, school.paper)
            if shape not in shapes:
                shapes[shape] = [(job.path.removeprefix(f"{school.slug}/"), job.kind) for job in plan_campaign(
                    campaign, languages=(lang,), only=only, paper=school.poster_paper, handout=school.paper, school=school)]
            work += [Work(f"{school.slug}/{path}", school=school, lang=lang, kind=kind) for path, kind in shapes[shape]]
            if options.ink == "black":  # opt-in twins carry their Job (the plain items are planned again in the worker)
                jobs = plan_campaign(campaign, languages=(lang,), only=only, paper=school.poster_paper,
                                     handout=school.paper, school=school)
                work += [Work(job.path, job) for job in black_jobs(campaign, jobs)]
            if "packets" in options.only:
                work.append(Work(f"{school.slug}/{lang}/packet.pdf", school=school, lang=lang, kind="packet"))
                if options.ink == "black":
                    work.append(Work(f"{school.slug}/print/{lang}/packet-black.pdf", school=school, lang=lang,
                                     kind="packet", ink="black"))
            if options.handouts:
                # Hand-outs carry no school's name, only their QR code's link: one set per language,
                # paper and link for the whole roster, in the school's folder only for its own link.
                own = school if school.link and school.link != campaign.resources_url else None
                handouts.setdefault((lang, school.paper, own.slug if own else ""), own)
    for (lang, paper, _), own in handouts.items():
        work += [Work(job.path, job) for ink in _inks(options)
                 for job in handout_jobs(campaign, lang, options.handouts, paper, school=own, ink=ink)]
    return _variants_first(work)


def _inks(options: BuildOptions) -> tuple[str, ...]:
    """The inks print files are made in: color, and black with --ink black."""
    return ("color", "black") if options.ink == "black" else ("color",)


def _variants_first(work: list[Work]) -> list[Work]:
    """The work with one item of each shared render's variant at the front: the first workers each
    make a different shared render instead of all waiting for the same one."""
    first: dict[tuple, Work] = {}
    for item in work:
        if item.school is not None:
            first.setdefault(shared_render_of(item), item)
        elif item.job is not None and item.job.context.get("school") is not None:
            first.setdefault(document_variant(item.job), item)
    leaders = set(map(id, first.values()))
    return [*first.values(), *(item for item in work if id(item) not in leaders)]


def shared_render_of(item: Work) -> tuple:
    """The shared render a school's item is drawn onto (document_variant tells apart design,
    language, paper and link; a file's path under the school's folder names its design and language)."""
    if item.kind == "packet":
        return packet_variant(item.school, item.lang, item.ink)
    paper = item.school.poster_paper if item.kind == "poster" else item.school.paper
    return (item.path.removeprefix(f"{item.school.slug}/"), paper, item.school.link)

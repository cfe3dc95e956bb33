"""A build's work list: each file it makes as a work item, planned per school from shared shapes."""
from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from ..model import Campaign, School
from ..pdf.packet_template import document_variant, packet_variant
from ..press.handouts import handout_jobs
from ..press.ink import black_jobs
from .plan import handout_paper, plan_campaign, poster_paper
from .work_item import Work

if TYPE_CHECKING:
    from ..build import BuildOptions


def plan_work(campaign: Campaign, schools: Collection[School], languages: tuple[str, ...], options: BuildOptions) -> Plan:
    """Every file a build makes, as work items: the campaign's materials, or with `schools` (read
    again on every pass, e.g. a roster_stream.Roster) each school's posters, flyers and packets (and the
    print variants the options ask for), with one item of each shared render first."""
    if not schools:
        jobs = plan_campaign(campaign, languages=languages, only=options.only, paper=options.paper or "tabloid")
        if options.handouts:
            sheet = handout_paper(options.paper or "tabloid").name
            jobs += [job for lang in languages for ink in _inks(options)
                     for job in handout_jobs(campaign, lang, options.handouts, sheet, ink=ink)]
        return Plan(campaign, (), languages, options,
                    fixed=[Work(job.path, job) for job in jobs + (black_jobs(campaign, jobs) if options.ink == "black" else [])])
    return Plan(campaign, schools, languages, options)


class Plan:
    """A build's work items. A roster build's are planned again, school after school, on every pass
    over them (a school's take microseconds), so that memory holds one school's items, not every file's.

    Iterating gives one item of each shared render first (the first workers each make a different
    one instead of all waiting for the same), then the rest in the roster's order; `in_plan_order`
    gives every item with each school's files together."""

    def __init__(self, campaign: Campaign, schools: Collection[School], languages: tuple[str, ...],
                 options: BuildOptions, fixed: list[Work] | None = None):
        """A plan of `schools`, or of the `fixed` items of a build without a roster. Planning every item
        once here counts them and finds the first item of each shared render."""
        self._campaign, self._schools, self._languages, self._options = campaign, schools, languages, options
        self._fixed = fixed
        self._shapes: dict[tuple, list[tuple[str, str]]] = {}
        first: dict[tuple, Work] = {}
        renders, count, self.schools, last = set(), 0, 0, None
        for item in self.in_plan_order() if fixed is None else ():
            count += 1
            if item.school is not None:
                first.setdefault(shared_render_of(item), item)
                renders.add(shared_render_of(item))
                self.schools += item.school.row != last  # a school's items come together
                last = item.school.row
            elif item.job is not None and item.job.context.get("school") is not None:
                first.setdefault(document_variant(item.job), item)
        self.leaders = list(first.values())
        self._leader_paths = frozenset(item.path for item in self.leaders)
        self._count = count if fixed is None else len(fixed)
        self.shared = len(renders)  # shared renders a school's posters, flyers and packets are drawn onto

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Work]:
        if self._fixed is not None:
            yield from self._fixed
            return
        yield from self.leaders
        yield from (item for item in self.in_plan_order() if item.path not in self._leader_paths)

    def in_plan_order(self) -> Iterator[Work]:
        """Every item, each school's together (its hand-outs with their own link too), then the hand-outs
        schools share."""
        if self._fixed is not None:
            yield from self._fixed
            return
        handouts: dict[tuple[str, str], None] = {}
        for school in self._schools:
            yield from self._items_of(school, handouts)
        for lang, paper in handouts:
            yield from self._handouts(lang, paper, None)

    def files_of(self, school: School) -> int:
        """How many of the build's items are `school`'s own posters, flyers and packets (Work.school)."""
        return sum(item.school is not None for item in self._items_of(school, {}))

    def _items_of(self, school: School, handouts: dict[tuple[str, str], None]) -> Iterator[Work]:
        """`school`'s items; the hand-outs it shares with other schools are noted in `handouts` instead."""
        campaign, options = self._campaign, self._options
        only = tuple(kind for kind in ("posters", "flyers") if kind in options.only)
        school = replace(school, poster_paper=poster_paper(school, options.paper))
        for lang in (lang for lang in school.languages if lang in self._languages):
            # A school's files sit at the same paths under its own folder as those of any school printed in
            # the same language on the same papers: planned once per such shape, not once per school.
            shape = (lang, school.poster_paper, school.paper)
            if shape not in self._shapes:
                self._shapes[shape] = [(job.path.removeprefix(f"{school.slug}/"), job.kind) for job in plan_campaign(
                    campaign, languages=(lang,), only=only, paper=school.poster_paper, handout=school.paper, school=school)]
            yield from (Work(f"{school.slug}/{path}", school=school, lang=lang, kind=kind)
                        for path, kind in self._shapes[shape])
            if options.ink == "black":  # opt-in twins carry their Job (the plain items are planned again in the worker)
                jobs = plan_campaign(campaign, languages=(lang,), only=only, paper=school.poster_paper,
                                     handout=school.paper, school=school)
                yield from (Work(job.path, job) for job in black_jobs(campaign, jobs))
            if "packets" in options.only:
                yield Work(f"{school.slug}/{lang}/packet.pdf", school=school, lang=lang, kind="packet")
                if options.ink == "black":
                    yield Work(f"{school.slug}/print/{lang}/packet-black.pdf", school=school, lang=lang,
                               kind="packet", ink="black")
            if options.handouts:
                # Hand-outs carry no school's name, only their QR code's link: one set per language and
                # paper for the whole roster, in the school's folder only for its own link.
                if school.link and school.link != campaign.resources_url:
                    yield from self._handouts(lang, school.paper, school)
                else:
                    handouts.setdefault((lang, school.paper))

    def _handouts(self, lang: str, paper: str, own: School | None) -> Iterator[Work]:
        return (Work(job.path, job) for ink in _inks(self._options)
                for job in handout_jobs(self._campaign, lang, self._options.handouts, paper, school=own, ink=ink))


def _inks(options: BuildOptions) -> tuple[str, ...]:
    """The inks print files are made in: color, and black with --ink black."""
    return ("color", "black") if options.ink == "black" else ("color",)


def shared_render_of(item: Work) -> tuple:
    """The shared render a school's item is drawn onto (document_variant tells apart design,
    language, paper and link; a file's path under the school's folder names its design and language)."""
    if item.kind == "packet":
        return packet_variant(item.school, item.lang, item.ink)
    paper = item.school.poster_paper if item.kind == "poster" else item.school.paper
    return (item.path.removeprefix(f"{item.school.slug}/"), paper, item.school.link)

"""The pipeline, top to bottom: load, plan, render, write. Nothing is written unless everything rendered."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .config import load_campaign
from .documents import DocumentMaker
from .errors import InputError, Problem
from .model import Campaign, School
from .roster import load_roster
from .output import ManifestEntry, check_unique_paths, safe_join, sha256, write_atomic, write_manifest
from .plan import KINDS, PAPERS, Job, plan_campaign
from .packet import PacketMaker, PacketOptions


Progress = Callable[[Iterable[Job]], Iterable[Job]]


@dataclass
class BuildResult:
    """What a build wrote: the manifest entries, where the manifest is, and warnings for the user."""

    out: Path
    entries: list[ManifestEntry]
    manifest: Path
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class BuildOptions:
    """The choices a user makes on the command line."""

    languages: tuple[str, ...] | None = None
    only: tuple[str, ...] = KINDS
    paper: str = "tabloid"
    roster: Path | None = None
    schools: tuple[str, ...] = ()  # slugs; empty means every school of the roster
    packets: PacketOptions = PacketOptions()


@dataclass(frozen=True)
class Work:
    """One unit of rendering: a document, or a school's packet in one language."""

    path: str
    job: Job | None = None
    school: School | None = None
    lang: str = ""


def build(campaign_file: Path | None = None, out: Path = Path("dist"), options: BuildOptions = BuildOptions(),
          progress: Progress | None = None) -> BuildResult:
    """Build the campaign (the built-in one when `campaign_file` is None) into `out`: its materials,
    or with a roster each school's personalised posters and flyers and its packets."""
    campaign = load_campaign(campaign_file)
    languages = _languages(campaign, options.languages)
    warnings = list(campaign.warnings)
    schools: list[School] = []
    if options.roster:
        schools, roster_warnings = load_roster(options.roster, campaign)
        schools = _selected(schools, options.schools)
        warnings += roster_warnings
    work = _plan(campaign, schools, languages, options)
    check_unique_paths([w.path for w in work])
    for item in work:
        safe_join(out, item.path)
    maker = DocumentMaker(campaign, (options.roster.resolve().parent,) if options.roster else ())
    packets = PacketMaker(maker, options.packets)
    rendered = [(item, _render(item, maker, packets)) for item in (progress(work) if progress else work)]
    entries = []
    for item, (data, entry) in rendered:
        write_atomic(safe_join(out, item.path), data)
        entries.append(entry)
    return BuildResult(out, entries, write_manifest(out, entries), warnings)


def _plan(campaign: Campaign, schools: list[School], languages: tuple[str, ...], options: BuildOptions) -> list[Work]:
    if not schools:
        return [Work(job.path, job) for job in plan_campaign(campaign, languages=languages, only=options.only,
                                                             paper=options.paper)]
    work = []
    for school in schools:
        for lang in (lang for lang in school.languages if lang in languages):
            only = tuple(kind for kind in ("posters", "flyers") if kind in options.only)
            work += [Work(job.path, job) for job in plan_campaign(campaign, languages=(lang,), only=only,
                                                                  paper=options.paper, handout=school.paper, school=school)]
            work.append(Work(f"{school.slug}/{lang}/packet.pdf", school=school, lang=lang))
    return work


def _render(item: Work, maker: DocumentMaker, packets: PacketMaker) -> tuple[bytes, ManifestEntry]:
    if item.job is None:
        packet = packets.make(item.school, item.lang)
        return packet.data, ManifestEntry(
            path=item.path, kind="packet", lang=item.lang, focus_day=None, school=item.school.slug,
            paper=item.school.paper, pages=packet.pages, sha256=sha256(packet.data), title=packet.title,
            tagged=not packet.untagged_pages,
            extra=dict(school_name=item.school.name, pieces=[vars(p) for p in packet.pieces],
                       untagged_pages=packet.untagged_pages))
    job = item.job
    data, pages = maker.make(job)
    school = job.context.get("school")
    return data, ManifestEntry(path=job.path, kind=job.kind, lang=job.lang, focus_day=job.focus_day,
                               school=school.slug if school else None, paper=job.paper.name, pages=pages,
                               sha256=sha256(data), title=job.title, tagged=job.kind != "excerpt")


def _selected(schools: list[School], slugs: tuple[str, ...]) -> list[School]:
    if not slugs:
        return schools
    known = {school.slug for school in schools}
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        raise InputError([Problem("--school", "", f"no school with slug {', '.join(unknown)} in the roster "
                                                  f"(slugs: {', '.join(sorted(known))})")])
    return [school for school in schools if school.slug in slugs]


def _languages(campaign: Campaign, wanted: tuple[str, ...] | None) -> tuple[str, ...]:
    if not wanted:
        return campaign.languages
    unknown = [lang for lang in wanted if lang not in campaign.languages]
    if unknown:
        raise InputError([Problem("--lang", "", f"{', '.join(unknown)} is not a language of this campaign "
                                              f"(it has: {', '.join(campaign.languages)})")])
    return tuple(wanted)


__all__ = ["BuildOptions", "BuildResult", "DocumentMaker", "PAPERS", "build"]

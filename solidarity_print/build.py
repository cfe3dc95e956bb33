"""The pipeline, top to bottom: load, plan, render, write. Nothing is written unless everything rendered."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import OptionError, Problem, RenderError
from .inputs.config import load_campaign
from .inputs.roster_stream import Roster
from .model import Campaign, School
from .pdf.packet import PacketOptions
from .pipeline.cache import inputs_fingerprint
from .pipeline.cache_cap import cap_from_environment, parse_size, trim
from .pipeline.output import EntryLog, ManifestEntry, Staging, write_manifest
from .pipeline.path_check import checked
from .pipeline.plan import KINDS, PAPERS, canonical_kinds
from .pipeline.pool import run_all
from .pipeline.progress import Tally, Tracked
from .pipeline.stale import Scope, owned, previous_entries, remove_stale, sort_out
from .pipeline.work_item import Work
from .pipeline.work_list import Plan, plan_work
from .pipeline.workers import Limits, Outcome, WorkerSetup
from .press.handouts import COUNTS
from .press.ink import INKS
from .press.jobs import PressOptions, check_press, press_jobs, press_options
from .press.print_shop_files import TICKET_PATHS, PrintShop
from .render import fonts

# Wraps the stream of finished items (and is told how many there will be), e.g. to draw a progress bar;
# the stream's `tally` (progress.Tally) says in words where the build stands.
Progress = Callable[[Iterable[tuple[Work, Outcome]], int], Iterable[tuple[Work, Outcome]]]


@dataclass
class BuildResult:
    """What a build wrote: the manifest entries, where the manifest is, and warnings for the user."""

    out: Path
    entries: Sequence[ManifestEntry]  # an EntryLog: read back from disk, one entry at a time
    manifest: Path
    warnings: list[Problem] = field(default_factory=list)
    cached: int = 0  # files that came from the cache instead of being rendered
    seconds: float = 0.0
    campaign: Campaign | None = None  # the campaign that was built
    removed: int = 0  # stale files of earlier builds removed (see stale.py)
    kept: int = 0  # files of earlier builds outside this build's filters, still listed in the manifest


@dataclass(frozen=True)
class BuildOptions:
    """The choices a user makes on the command line."""

    languages: tuple[str, ...] | None = None
    only: tuple[str, ...] = KINDS
    paper: str | None = None  # posters; None: tabloid, or per school (plan.poster_paper)
    roster: Path | None = None
    schools: tuple[str, ...] = ()  # slugs; empty means every school of the roster
    packets: PacketOptions = PacketOptions()
    workers: int | None = None  # processes; None means one per core
    limits: Limits = Limits()
    cache: Path | None = None  # content-addressed cache folder; None renders everything afresh
    cache_cap: str | int | None = None  # bytes or '2GB'; None: $SOLIDARITY_PRINT_CACHE_CAP, else 2 GB
    print_shop: bool = False  # also a PDF/X-4 file with bleed and crop marks per poster, flyer, packet; a job ticket
    tile: str | None = None  # also tile tabloid and A3 posters on this paper (letter, a4)
    overlap: float | None = None  # of the tiles, in inches; None: 0.5
    booklet: bool = False  # also impose guides, excerpts and packets' guides as booklets
    ink: str = "color"  # "black": also a black-and-white twin of each poster and flyer, under print/ (press/ink.py)
    handouts: int | None = None  # 2 or 4: each day's hand-out and a sheet of 2 or 4 of it, under print/ (press/handouts.py)


def build(campaign_file: Path | Campaign | None = None, out: Path = Path("dist"), options: BuildOptions = BuildOptions(),
          progress: Progress | None = None, executor: Executor | None = None) -> BuildResult:
    """Build the campaign (the built-in one when `campaign_file` is None; a Campaign already loaded,
    e.g. by a server that builds it again and again, is used as it is) into `out`: its materials,
    or with a roster each school's personalised posters and flyers and its packets.

    Items render on `executor` (any concurrent.futures.Executor, e.g. a Dask client's) or on a pool of
    `options.workers` processes. Files appear at their final paths only once every item succeeded;
    then the files the previous manifest listed within this build's scope that it no longer makes are
    removed, and the manifest lists this build's files and the other builds' files still there."""
    options = replace(options, only=canonical_kinds(options.only))
    _check_options(options)
    if isinstance(campaign_file, Campaign):
        campaign = campaign_file
    else:
        campaign = load_campaign(campaign_file, options.languages)
    languages = _languages(campaign, options.languages)
    warnings = list(campaign.warnings)
    # A roster is read again on each pass over the plan: the build holds one school at a time.
    schools: Roster | list[School] = []
    characters = _Characters()
    if options.roster:
        schools = Roster(options.roster, campaign, options.schools, visit=characters.add)
        warnings += schools.warnings
    work = plan_work(campaign, schools, languages, options)
    if not work:
        raise _nothing_to_build(campaign, options, languages)
    check_press(campaign, work, options.tile, options.overlap, options.booklet)
    press = press_options(options.tile, options.overlap, options.booklet, options.print_shop)
    previous, problems = previous_entries(out)
    paths = checked(out, lambda: _paths(work, press, options.print_shop))  # each path checked as it passes
    stale, kept = sort_out(out, previous, paths, _scope(options, languages))
    # The roster's characters decide the overlay font's subset; they stay out of the cache key, so
    # that changing one school does not invalidate every other school's packet.
    main, fallback = _overlay_characters(campaign, characters)
    packets = replace(options.packets, overlay_chars=main, overlay_fallback_chars=fallback)
    setup = WorkerSetup(campaign=campaign, extra_folders=(options.roster.resolve().parent,) if options.roster else (),
                        packets=packets, limits=options.limits, key=inputs_fingerprint(campaign, _output_options(options)),
                        isolate=executor is None, cache=options.cache, press=press)
    cap = parse_size(options.cache_cap) if options.cache_cap is not None else cap_from_environment()
    if options.cache:  # room for this build, sparing what other builds are using right now
        trim(options.cache, cap, used_since=time.time())
    warnings += problems
    entries, cached, started, notices = EntryLog(), 0, time.monotonic(), {}
    shop = PrintShop(campaign, duplex=options.packets.duplex, roster=str(options.roster.resolve()) if options.roster
                     else None) if options.print_shop else None
    with Staging(out) as staging:
        finished = Tracked(run_all(setup, work, workers=options.workers, executor=executor), Tally(work, work.shared))
        for item, outcome in (progress(finished, len(work)) if progress else finished):
            if outcome.error:
                template, message, url = outcome.error
                raise RenderError(template, message, url)
            staging.add(item.path, outcome.data)
            entries.append(item.path, owned(outcome.entry, bool(options.roster)))
            for made in outcome.derived:  # print files the worker made from the finished file's bytes
                staging.add(made.path, made.parts(outcome.data))
                entries.append(made.path, owned(made.entry, bool(options.roster)))
                if shop:
                    shop.add(made, outcome.entry, item.for_school)
            cached += outcome.cached * (1 + len(outcome.derived))
            notices.update(dict.fromkeys(outcome.notices))
        for path, data in (shop.ticket().items() if shop else ()):
            staging.add(path, data)
        staging.commit()
        removed, problems = remove_stale(out, stale)
    if options.cache:  # this build is done with its records: the least recently used go, whoever used them
        trim(options.cache, cap)
    warnings += problems + (shop.warnings if shop else [])
    warnings += [Problem("WeasyPrint", "", notice, warning=True) for notice in notices]
    return BuildResult(out, entries, write_manifest(out, entries, kept), warnings, cached, time.monotonic() - started,
                       campaign, removed, len(kept))


def _check_options(options: BuildOptions) -> None:
    """Options that would change nothing are mistakes: say so instead of silently ignoring them."""
    unknown = [kind for kind in options.only if kind not in KINDS]
    if unknown or not options.only:
        raise OptionError("--only", f"{', '.join(unknown) or 'nothing'}: choose from {', '.join(KINDS)}")
    _check_print_options(options)
    filtered = set(options.only) != set(KINDS)
    if options.print_shop and not {"posters", "flyers", "packets"} & set(options.only):
        raise OptionError("--print-shop", f"makes print-shop files of posters, flyers and packets: --only "
                                          f"{','.join(options.only)} has none of them")
    # (option, the words of its value): what only a packet uses
    packet_options = [given for given, used in ((("--duplex", ""), options.packets.duplex),
                                                 (("--posters", "fit "), options.packets.posters != "own")) if used]
    if not options.roster:
        if options.schools:
            raise OptionError("--school", "needs --roster: it picks schools of the roster")
        useless = packet_options + ([("--only", "packets ")] if filtered and "packets" in options.only else [])
        if useless:
            option, value = useless[0]
            raise OptionError(option, f"{value}needs --roster: only a roster build makes packets")
        return
    ignored = [kind for kind in options.only if kind not in ("posters", "flyers", "packets")] if filtered else []
    if ignored:
        raise OptionError("--only", f"{', '.join(ignored)} writes nothing with --roster: a school's guides and "
                                    "excerpts are printed inside its packet (--only packets)")
    if packet_options and "packets" not in options.only:
        option, value = packet_options[0]
        raise OptionError(option, f"{value}only changes packets: add packets to --only")


def _check_print_options(options: BuildOptions) -> None:
    """--ink and --handouts: a value they know, and the posters or flyers they are made from."""
    if options.ink not in INKS:
        raise OptionError("--ink", f"{options.ink}: choose from {', '.join(INKS)}")
    if options.handouts is not None and options.handouts not in COUNTS:
        raise OptionError("--handouts", f"{options.handouts}: choose 2 (half-letter or A5) or 4 (quarter-letter or A6 cards)")
    if options.ink == "black" and not {"posters", "flyers", "packets" if options.roster else ""} & set(options.only):
        raise OptionError("--ink", "black only changes posters, flyers and (with --roster) packets: add one of them to --only")
    if options.handouts and "flyers" not in options.only:
        raise OptionError("--handouts", "hand-outs are made from the flyers: add flyers to --only")


def _nothing_to_build(campaign: Campaign, options: BuildOptions, languages: tuple[str, ...]) -> OptionError:
    """The error for options that select no file at all."""
    if options.roster:
        return OptionError("--lang", f"no school selected is printed in {', '.join(languages)} "
                                     "(the roster's languages column says which languages each school gets)")
    return OptionError("--only", f"{', '.join(options.only)} selects no file: the campaign has no [[excerpts]] "
                                 f"in {', '.join(languages)}")


def _scope(options: BuildOptions, languages: tuple[str, ...]) -> Scope:
    """The files this build answers for: all of its kind of build, or only those its filters select
    (`languages` in the campaign's spelling: `--lang EN` answers for the files of `en`)."""
    return Scope(roster=options.roster is not None,
                 schools=frozenset(options.schools) if options.schools else None,
                 languages=frozenset(languages) if options.languages else None,
                 kinds=None if set(options.only) == set(KINDS) else frozenset(options.only))


def _paths(work: Plan, press: PressOptions, print_shop: bool) -> Iterator[tuple[str, str | None]]:
    """(path, school slug or None) of every file the build writes, each school's together."""
    for item in work.in_plan_order():
        school = item.for_school.slug if item.for_school else None
        yield item.path, school
        for job in press_jobs(item, press):
            yield job.path, school
    for path in TICKET_PATHS if print_shop else ():
        yield path, None


class _Characters:
    """The characters of the schools' texts drawn onto shared renders, gathered school by school (sets,
    not the texts): all of them, and those of texts in other scripts (Noto Sans, Arabic, Chinese) or mixed."""

    def __init__(self):
        self.every: set[str] = set()
        self.other: set[str] = set()

    def add(self, s: School) -> None:
        """Gather the characters of school `s`."""
        text = s.name + s.club + s.contact_name + s.contact_email + s.meeting
        self.every.update(text)
        if fonts.font_class(text) != "":
            self.other.update(text)


def _overlay_characters(campaign: Campaign, schools: _Characters | Iterable[School]) -> tuple[str, str]:
    """Every character drawn onto shared renders for these schools (or their characters, gathered),
    in a stable order; and those of the schools with a text the theme's font cannot draw (drawn in
    Noto Sans), or ''."""
    if not isinstance(schools, _Characters):
        gathered = _Characters()
        for school in schools:
            gathered.add(school)
        schools = gathered
    labels = [campaign.strings[lang][key] for lang in campaign.strings for key in ("footer", "contact", "meeting")]
    labels.append("0123456789 ·—")
    main = fonts.characters_of(labels + ["".join(schools.every)])
    if any(fonts.font_class(label) != "" for label in labels):  # a school's Latin name amid Arabic words
        return main, main
    return main, fonts.characters_of(labels + ["".join(schools.other)]) if schools.other else ""


def _output_options(options: BuildOptions) -> tuple:
    """The options that change what is written (not how: workers, limits, cache, which schools)."""
    # Not languages or only: they choose which files are made, not what is in them, so a web preview
    # (one language, packets only) and the whole kit share their shared renders and finished files.
    return (options.paper, options.packets)


def _languages(campaign: Campaign, wanted: tuple[str, ...] | None) -> tuple[str, ...]:
    """The languages to build, in the campaign's spelling (load_campaign has already kept only the
    wanted ones; a Campaign passed in has them all)."""
    if not wanted:
        return campaign.languages
    spelling = {lang.casefold(): lang for lang in campaign.languages}
    unknown = [lang for lang in wanted if lang.casefold() not in spelling]
    if unknown:
        raise OptionError("--lang", f"{', '.join(unknown)} is not a language of this campaign "
                                    f"(it has: {', '.join(campaign.languages)})")
    return tuple(dict.fromkeys(spelling[lang.casefold()] for lang in wanted))


__all__ = ["BuildOptions", "BuildResult", "PAPERS", "build"]

"""Rendering in worker processes: in parallel, each with a memory cap and a time limit per item."""
from __future__ import annotations

import os
import resource
import signal
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import RenderError, SolidarityError
from ..model import Campaign
from ..pdf.packet import PacketMaker, PacketOptions
from ..pdf.plan_store import keep_plans_in
from ..press.handouts import make_handout
from ..press.jobs import PressFile, PressOptions, make_press_files, press_jobs, press_key, press_record
from ..render import render
from ..render.documents import DocumentMaker
from ..render.fonts import characters_of
from . import lifeline
from .cache import Cache, item_key
from .output import ManifestEntry, sha256
from .plan import Job
from .scratch import use_scratch
from .work_item import Work, job_of


@dataclass(frozen=True)
class Limits:
    """What one item may take: beyond these it is stopped and reported, never left to hang a build."""

    memory_mb: int = 3072
    seconds: int = 180


@dataclass(frozen=True)
class WorkerSetup:
    """Everything a worker needs besides the item; small and picklable, so any Executor can ship it."""

    campaign: Campaign
    extra_folders: tuple[Path, ...]
    packets: PacketOptions
    limits: Limits
    key: str  # fingerprint of the inputs: a long-lived worker reuses its renderer only for the same build inputs
    isolate: bool = True  # cap this process's memory (only in processes the build owns)
    cache: Path | None = None  # folder of the content-addressed cache, None for no cache
    keep: bool = True  # keep finished files in the cache (a web preview's are thrown away at once)
    press: PressOptions = PressOptions()  # the print files made from each finished file (press/jobs.py)


@dataclass(frozen=True)
class Outcome:
    """An item's result, or the error to report (exceptions are flattened so any executor can carry them)."""

    data: bytes | None
    entry: ManifestEntry | None
    error: tuple[str, str, str | None] | None = None  # template, message, url
    cached: bool = False  # the file, and its print files, came from the cache
    derived: tuple[PressFile, ...] = ()  # print files made from it (press/jobs.py)
    notices: tuple[str, ...] = ()  # what the render had to tell the user once per build (render.notices)


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` inside WeasyPrint swallows it."""


_makers: dict[int, tuple[DocumentMaker, PacketMaker]] = {}
_limited = False


def render_work(setup: WorkerSetup, item: Work) -> Outcome:
    """Render one item inside a worker, within the setup's limits, and keep it in the cache. One
    renderer lives per process."""
    cache = Cache(setup.cache) if setup.cache else None
    if setup.isolate:
        _apply_memory_limit(setup.limits)
    if setup.key not in _makers:
        _makers.clear()
        maker = DocumentMaker(setup.campaign, setup.extra_folders)
        _makers[setup.key] = (maker, PacketMaker(maker, setup.packets, cache, setup.key))
    elif not _covers(_makers[setup.key][1].options, setup.packets):
        # A long-lived pool (the web server's) sees a new roster each build: its overlay fonts are
        # subset again with every character seen so far and the common Latin ones, so the pool soon
        # stops subsetting (a build's own pool never comes here).
        maker, known = _makers[setup.key][0], _makers[setup.key][1].options
        merged = replace(setup.packets,
                         overlay_chars=characters_of([known.overlay_chars, setup.packets.overlay_chars, COMMON_LATIN]),
                         overlay_fallback_chars=characters_of([known.overlay_fallback_chars,
                                                               setup.packets.overlay_fallback_chars]))
        _makers[setup.key] = (maker, PacketMaker(maker, merged, cache, setup.key))
    maker, packets = _makers[setup.key]
    keep_plans_in(cache, setup.key)  # one worker makes each print file plan, the others read it
    # The alarm needs the main thread; executors that run tasks on threads rely on their own limits.
    global _deadline_passed_at
    _deadline_passed_at = None
    timed = setup.isolate and threading.current_thread() is threading.main_thread()
    too_slow = (_template(item, setup), f"{item.path} took longer than {setup.limits.seconds} s to render", None)
    render.notices.clear()
    previous = signal.getsignal(signal.SIGALRM)
    # The alarm may fire anywhere until it is disarmed, in an except clause or in the cleanup too: the
    # outer `except` turns every such interruption into the item's time-out.
    try:
        try:
            if timed:
                signal.signal(signal.SIGALRM, _alarm)
                # After the deadline the alarm repeats: WeasyPrint catches BaseException in places (SVG
                # drawing), so one interruption may be swallowed; the next lands elsewhere.
                signal.setitimer(signal.ITIMER_REAL, setup.limits.seconds, 0.25)
            outcome = _timed_render(setup, item, maker, packets, cache, too_slow)
        finally:
            if timed:
                _disarm(previous)
    except _OutOfTime:
        outcome = Outcome(None, None, too_slow)
    if _deadline_passed_at is not None:  # the alarm fired, even if the render or the cleanup swallowed it
        outcome = Outcome(None, None, too_slow)
    return replace(outcome, notices=tuple(sorted(render.notices))) if render.notices else outcome


def _timed_render(setup: WorkerSetup, item: Work, maker: DocumentMaker, packets: PacketMaker, cache: Cache | None,
                  too_slow: tuple) -> Outcome:
    started = time.monotonic()
    try:
        jobs, key = press_jobs(item, setup.press), _key(setup, item) if cache else ""
        # Sent here with its print files missing from the cache: the file itself may be there.
        hit = cache.get(key) if cache and jobs else None
        data, entry = hit or _render(job_of(setup, item), item, maker, packets)
        derived = make_press_files(jobs, data, entry, setup.campaign)
        if time.monotonic() - started > setup.limits.seconds:
            return Outcome(None, None, too_slow)  # an interruption was swallowed on the way
        if cache and setup.keep:
            if jobs:  # the file and its print files in one record (a normal build's record, if any, stays)
                cache.put_record(press_key(key, jobs), *press_record(data, entry, derived))
            elif not hit:
                cache.put(key, data, entry)
        return Outcome(data, entry, derived=derived)
    except _OutOfTime:
        return Outcome(None, None, too_slow)
    except MemoryError:
        return Outcome(None, None, (_template(item, setup), f"{item.path} needed more than {setup.limits.memory_mb} MB to render", None))
    except RenderError as exc:
        if time.monotonic() - started > setup.limits.seconds:
            return Outcome(None, None, too_slow)
        return Outcome(None, None, (exc.template, exc.detail, exc.url))
    except SolidarityError as exc:
        return Outcome(None, None, (_template(item, setup), str(exc), None))


def _disarm(previous) -> None:
    """Stop the alarm and put back the `previous` handler. An alarm that fires meanwhile (the render
    ended just at the deadline) raises here once more: start again, the interruption is already counted."""
    while True:
        try:
            signal.signal(signal.SIGALRM, _ignore_late_alarm)
            signal.setitimer(signal.ITIMER_REAL, 0)
            break
        except _OutOfTime:
            continue
    signal.signal(signal.SIGALRM, previous)


def _ignore_late_alarm(signum, frame) -> None:
    """An alarm already on its way when the timer stopped: its time-out is counted in _deadline_passed_at."""


COMMON_LATIN = "".join(map(chr, range(0x20, 0x7F))) + "".join(map(chr, range(0xC0, 0x100))) + "¡¿ªº«»·‘’“”–—…"


def _covers(have: PacketOptions, want: PacketOptions) -> bool:
    """True if fonts subset for `have` draw every character `want` needs (asked for every item, with
    the same two options all through a build: the answer is remembered)."""
    if _covered[0] is have and _covered[1] is want:
        return _covered[2]
    answer = (set(want.overlay_chars) <= set(have.overlay_chars)
              and set(want.overlay_fallback_chars) <= set(have.overlay_fallback_chars))
    _covered[:] = [have, want, answer]
    return answer


_covered: list = [None, None, False]  # the last (have, want, answer) of _covers


_setup: WorkerSetup | None = None


def _install(setup: WorkerSetup, build_end, scratch: str | None = None) -> None:
    """Pool initializer: the setup (with the whole campaign) crosses to each worker once, not per item;
    the worker exits as soon as the build (holding the other end of `build_end`) is gone; its
    temporary files go to `scratch` (use_scratch)."""
    global _setup
    _setup = setup
    use_scratch(scratch)
    lifeline.hold(build_end)


def start_render_process(limits: Limits, scratch: str) -> None:
    """Initializer of a long-lived pool's render process (the web server's): its memory cap, and its
    temporary files in `scratch`."""
    _apply_memory_limit(limits)
    use_scratch(scratch)


def _render_batch(items: tuple[Work, ...]) -> list[Outcome]:
    """Pool task: several items rendered one after the other, each within its own limits."""
    return [render_work(_setup, item) for item in items]


def _key(setup: WorkerSetup, item: Work) -> str:
    return item_key(setup.key, item.path, item.for_school)


def _render(job: Job | None, item: Work, maker: DocumentMaker, packets: PacketMaker) -> tuple[bytes, ManifestEntry]:
    if job is None:
        packet = _in_ink(packets, item.ink).make(item.school, item.lang)
        return packet.data, ManifestEntry(
            path=item.path, kind="packet", lang=item.lang, focus_day=None, school=item.school.slug,
            paper=item.school.paper, pages=packet.pages, sha256=sha256(packet.data), title=packet.title,
            tagged=not packet.untagged_pages, purpose="print" if item.ink == "black" else "screen",
            extra=dict(school_name=item.school.name, pieces=[vars(p) for p in packet.pieces],
                       untagged_pages=packet.untagged_pages, shared_render=packet.personalised,
                       **({"ink": item.ink} if item.ink == "black" else {})))
    if job.context.get("handout"):
        return make_handout(job, packets.maker)
    data, pages = packets.make_document(job)
    school = job.context.get("school")
    return data, ManifestEntry(path=job.path, kind=job.kind, lang=job.lang, focus_day=job.focus_day,
                               school=school.slug if school else None, paper=job.paper.name, pages=pages,
                               sha256=sha256(data), title=job.title, tagged=job.kind != "excerpt",
                               purpose=job.context.get("purpose", "screen"),
                               extra=dict(ink=job.context["ink"]) if job.context.get("ink") else {})


_black_packets: list[tuple[PacketMaker, PacketMaker]] = []  # (the colour maker, its black twin)


def _in_ink(packets: PacketMaker, ink: str) -> PacketMaker:
    """`packets`, or for black ink its twin: same renderer, its own shared renders (one twin per process,
    made again when the build's PacketMaker changes)."""
    if ink != "black":
        return packets
    if not _black_packets or _black_packets[0][0] is not packets:
        _black_packets[:] = [(packets, PacketMaker(packets.maker, replace(packets.options, ink="black"), packets.cache,
                                                   packets.fingerprint))]
    return _black_packets[0][1]


def _apply_memory_limit(limits: Limits) -> None:
    global _limited
    if not _limited:
        cap = limits.memory_mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
        _limited = True


_deadline_passed_at: float | None = None
GRACE_SECONDS = 2.0


def _alarm(signum, frame):
    """First at the deadline: interrupt. If WeasyPrint keeps swallowing the interruptions, end the
    worker process itself; only processes the build owns are timed this way."""
    global _deadline_passed_at
    now = time.monotonic()
    if _deadline_passed_at is None:
        _deadline_passed_at = now
    elif now - _deadline_passed_at > GRACE_SECONDS:
        os._exit(75)
    raise _OutOfTime()


def _template(item: Work, setup: WorkerSetup) -> str:
    job = job_of(setup, item)
    return job.template if job and job.template else "packet"

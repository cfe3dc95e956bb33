"""Feeding items to workers: cache hits first, then a bounded window in flight, each result let go once handed on."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

from ..errors import RenderError
from ..press.jobs import press_files_of, press_jobs, press_key
from . import lifeline
from .cache import Cache
from .scratch import scratch_folder
from .work_item import Work
from .workers import Outcome, WorkerSetup, _install, _key, _render_batch, _template, render_work

PER_PROCESS = 4  # tasks in flight per local process: enough to keep it busy, few enough to keep memory flat
# Items per task of a local pool: a personalised file takes about a millisecond, as much as sending a
# task and its result between processes costs, so a task carries several once items come back that
# quickly (a small build still spreads). Shared renders, first in a build, go one to a task, so that
# every process makes its share of them.
BATCH = 8
QUICK = 0.05  # seconds per item, from sending a task to its result, below which tasks carry BATCH items
ON_EXECUTOR = 64  # items in flight on an executor of unknown size (a Dask cluster)


def run_all(setup: WorkerSetup, items: Collection[Work], *, workers: int | None = None,
            executor: Executor | None = None, in_flight: int | None = None) -> Iterator[tuple[Work, Outcome]]:
    """Yield (item, outcome) for every item: first those the cache has (read here, without starting a
    worker), then the others as they finish on `executor` or on a new pool of `workers` processes.

    At most `in_flight` items are submitted and not yet handed on at any time, and a finished item's
    bytes are released as soon as the caller has taken them: memory does not grow with the items.
    `items` (a list, or a work_list.Plan that plans them again) is gone through twice with a cache:
    what is remembered in between is one byte per item, not the items."""
    if not setup.cache:
        if len(items):
            yield from _run_missing(setup, items, len(items), workers, executor, in_flight)
        return
    cache = Cache(setup.cache)
    missing = bytearray(len(items))
    for index, item in enumerate(items):
        hit = _from_cache(setup, cache, item)
        if hit:
            yield item, hit
        else:
            missing[index] = 1
    if count := missing.count(1):
        yield from _run_missing(setup, (item for index, item in enumerate(items) if missing[index]), count, workers,
                                executor, in_flight)


def _from_cache(setup: WorkerSetup, cache: Cache, item: Work) -> Outcome | None:
    """The item's file and its print files from the cache (one record holds both), or None unless all are there."""
    key = _key(setup, item)
    if jobs := press_jobs(item, setup.press):
        record = cache.get_record(press_key(key, jobs))
        found = press_files_of(record) if record else None
        if found is None:
            return None
        data, entry, derived = found
        if [made.path for made in derived] != [job.path for job in jobs]:
            return None
        return Outcome(data, entry, cached=True, derived=derived)
    hit = cache.get(key)
    return Outcome(hit[0], hit[1], cached=True) if hit else None


def _run_missing(setup: WorkerSetup, items: Iterable[Work], count: int, workers: int | None, executor: Executor | None,
                 in_flight: int | None) -> Iterator[tuple[Work, Outcome]]:
    """The `count` `items` rendered on `executor` or a pool of our own, each pair yielded once it is done."""
    own = executor is None
    processes = max(1, min(workers or os.cpu_count() or 1, count or 1))
    if own:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["solidarity_print.pipeline.forkserver_setup"])
        line = lifeline.Lifeline()
        scratch = scratch_folder()  # the workers' temporary files, removed with the pool
        executor = ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_install,
                                       initargs=(setup, line.end, scratch))
    window = in_flight or (PER_PROCESS * processes if own else ON_EXECUTOR)
    most = max(1, min(BATCH, count // (2 * window))) if own and not in_flight else 1
    batch = 1
    queue = iter(items)
    running: dict[Future, tuple[tuple[Work, ...], float]] = {}  # the task's items, when it was sent

    def top_up() -> None:
        while len(running) < window:
            chunk = tuple(islice(queue, batch))
            if not chunk:
                return
            future = executor.submit(_render_batch, chunk) if own else executor.submit(render_work, setup, chunk[0])
            running[future] = chunk, time.monotonic()

    failed = True
    try:
        top_up()
        # A hang inside C code never returns to Python for the alarm: if nothing at all finishes for
        # well past the limit, the build stops its workers.
        patience = setup.limits.seconds * (most + 1) + 30
        while running:
            done, _ = wait(running, timeout=patience, return_when=FIRST_COMPLETED)
            if not done:
                stuck = running[next(iter(running))][0][0]
                if own:
                    _kill_workers(executor)
                raise RenderError(_template(stuck, setup), f"no result for {patience} s while making {stuck.path}; "
                                                           "the build was stopped")
            for future in sorted(done, key=lambda f: running[f][0][0].path):
                chunk, sent = running.pop(future)
                item = chunk[0]
                batch = most if (time.monotonic() - sent) / len(chunk) < QUICK else 1
                try:
                    outcomes = future.result() if own else [future.result()]
                except BrokenProcessPool:
                    raise RenderError(_template(item, setup), f"the renderer was stopped while making {item.path}: "
                                                              f"it took longer than {setup.limits.seconds} s, needed "
                                                              f"more than {setup.limits.memory_mb} MB, or crashed") from None
                except Exception as exc:  # noqa: BLE001 - an executor's own failure (a cluster lost its workers)
                    if own:
                        raise
                    raise RenderError(_template(item, setup), f"the cluster could not make {item.path}: "
                                                              f"{type(exc).__name__}: {exc}") from None
                yield from zip(chunk, outcomes)
            del done, future, outcomes  # the window's futures hold the only other references to the bytes
            top_up()
        failed = False
    finally:
        if own:
            if failed:  # the build is over: do not wait for items still rendering
                _kill_workers(executor)
            executor.shutdown(wait=True, cancel_futures=True)
            line.close()
            shutil.rmtree(scratch, ignore_errors=True)


def _kill_workers(executor: ProcessPoolExecutor) -> None:
    for process in list(getattr(executor, "_processes", {}).values()):
        process.kill()

"""Cluster benchmark: files per second of one build on the local pool, then on `dask scheduler` with 1 and 2 `dask worker`s.

    python bench/cluster.py [--schools 1000] [--only flyers,packets] [--workers 2] [--limit 600]

Each run builds the same generated roster (bench/district.py's) into a fresh output and cache
folder under one temporary folder: first on the build's own pool of --workers processes, then
through a scheduler and 1, then 2 worker processes started as separate commands on 127.0.0.1
(tests/dask_cluster.py, as the cluster test starts them; one thread each, like a pool process). It
reports wall time, files per second, and CPU seconds of every process involved (build, pool or
scheduler and workers). A run that passes --limit seconds is stopped and reported as such; the
cluster's processes and the temporary folder are removed whatever happens.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]

from dask_cluster import Cluster  # noqa: E402
from district import TreeMeter, make_roster  # noqa: E402

from solidarity_print.build import BuildOptions, build  # noqa: E402
from solidarity_print.pipeline.cluster import dask_executor  # noqa: E402


class TooSlow(Exception):
    """A run passed its time limit."""


def limited(seconds: float):
    """A build progress hook that stops the build once it has run `seconds`."""
    deadline = time.monotonic() + seconds

    def watch(finished, total):
        for pair in finished:
            if time.monotonic() > deadline:
                raise TooSlow(f"stopped after {seconds:.0f} s")
            yield pair
    return watch


def run(label: str, folder: Path, roster: Path, only: tuple[str, ...], workers: int, limit: float,
        address: str | None = None) -> str:
    """One build, timed; its line of the report."""
    name = label.replace(" ", "-")
    options = BuildOptions(roster=roster, only=only, workers=workers, cache=folder / f"cache-{name}")
    try:
        with TreeMeter() as cpu:
            started = time.perf_counter()
            if address:
                with dask_executor(address) as executor:
                    result = build(None, folder / f"out-{name}", options, progress=limited(limit), executor=executor)
            else:
                result = build(None, folder / f"out-{name}", options, progress=limited(limit))
            wall = time.perf_counter() - started
    except TooSlow as exc:
        return f"{label:<28} {exc}"
    files = len(result.entries)
    return f"{label:<28} {wall:6.1f} s wall, {files / wall:6.0f} files/s, {cpu.seconds:6.1f} s CPU ({files} files)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--only", default="flyers,packets", help="kinds to build (default: about a minute idle)")
    parser.add_argument("--workers", type=int, default=2, help="processes of the local pool")
    parser.add_argument("--limit", type=float, default=600, help="seconds after which a run is stopped")
    args = parser.parse_args()
    only = tuple(args.only.split(","))
    print(f"load average at start        {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as tmp:
        folder = Path(tmp)
        roster = make_roster(folder, args.schools)
        print(f"{args.schools} schools, {args.only}", flush=True)
        print(run(f"local pool of {args.workers}", folder, roster, only, args.workers, args.limit), flush=True)
        for count in (1, 2):
            cluster = Cluster(count, folder)
            try:
                print(run(f"dask, {count} worker{'s' if count > 1 else ''}", folder, roster, only, args.workers,
                          args.limit, cluster.address), flush=True)
            finally:
                cluster.close()
    print(f"load average at end          {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

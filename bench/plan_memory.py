"""What the build process itself holds per school: tracemalloc of a whole build whose renderer is a stub.

    python bench/plan_memory.py --schools 1000 [--top 15]

Every school gets its six posters, five flyers and packet, planned, checked, staged and listed in the
manifest as in a real build, but each file's bytes come from a stub in a thread (no WeasyPrint, no
worker process), so what is measured is the build process's own bookkeeping: the traced peak, what is
still held when the files are committed, and the largest owners of that (by the line that allocated it).
Run it at 1000 and 5000 schools: whatever grows between the two grows with the roster.
"""
from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from district import KIT, make_roster  # noqa: E402

from solidarity_print.build import BuildOptions, build  # noqa: E402
from solidarity_print.pipeline import output, pool  # noqa: E402
from solidarity_print.pipeline.output import ManifestEntry, sha256  # noqa: E402
from solidarity_print.pipeline.workers import Outcome  # noqa: E402


def stub(setup, item) -> Outcome:
    """A few bytes and a manifest entry for the item, at once."""
    data = b"%PDF-1.7 stub " + item.path.encode()
    school = item.for_school
    return Outcome(data, ManifestEntry(path=item.path, kind=item.kind or item.job.kind, lang=item.lang, focus_day=None,
                                       school=school.slug if school else None, paper="letter", pages=1,
                                       sha256=sha256(data), title=item.path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--top", type=int, default=15, help="owners to list")
    args = parser.parse_args()
    pool.render_work = stub
    at_commit = {}
    commit = output.Staging.commit

    def measured_commit(staging) -> None:
        gc.collect()
        at_commit["snapshot"] = tracemalloc.take_snapshot()
        commit(staging)

    output.Staging.commit = measured_commit
    with tempfile.TemporaryDirectory(prefix="plan-memory-") as tmp:
        roster = make_roster(Path(tmp), args.schools)
        tracemalloc.start(8)
        start = tracemalloc.take_snapshot()
        with ThreadPoolExecutor(1) as executor:
            result = build(None, Path(tmp) / "out", BuildOptions(roster=roster, only=KIT), executor=executor)
        _, peak = tracemalloc.get_traced_memory()
        stats = at_commit["snapshot"].compare_to(start, "traceback")
        print(f"schools {args.schools}, files {len(result.entries)}: traced peak {peak / 2**20:.1f} MB, "
              f"held at commit {sum(s.size_diff for s in stats) / 2**20:.1f} MB")
        for stat in stats[:args.top]:
            ours = [frame for frame in stat.traceback if "solidarity_print" in frame.filename] or list(stat.traceback)
            where = ours[-1]
            print(f"{stat.size_diff / 1024:8.0f} KiB {stat.count_diff:7d} blocks  "
                  f"{where.filename.split('solidarity_print/')[-1]}:{where.lineno}")


if __name__ == "__main__":
    main()

"""One school's print files as a worker makes them: CPU time per school and per kind, and a profile.

    python bench/press_files.py [--profile]

Builds one school of a generated roster (posters, flyers, packet), then makes its 12 print-shop files
and 6 tiled posters from the built files again and again in this process, as press/jobs.py does in a
worker right after each source file. Prints the CPU time (time.process_time, which a busy shared
machine does not inflate as it does wall time) per school over five runs, the mean per file of each
kind, and with --profile the 25 functions that take most time.
"""
from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from district import make_roster  # noqa: E402

from solidarity_print.build import BuildOptions, build  # noqa: E402
from solidarity_print.inputs.config import load_campaign  # noqa: E402
from solidarity_print.press.ink import print_path  # noqa: E402
from solidarity_print.press.jobs import PressJob, make_press_files  # noqa: E402
from solidarity_print.press.print_shop_files import print_shop_path  # noqa: E402

SCHOOL = "school-2"
OVERLAP = 36.0  # --overlap's default, in points


def school_files(folder: Path) -> list[tuple[list[PressJob], bytes, object]]:
    """The school's screen files (bytes, manifest entry) with the print jobs --print-shop --tile letter gives them."""
    roster = make_roster(folder, 3)
    out = folder / "out"
    result = build(None, out, BuildOptions(roster=roster, only=("posters", "flyers", "packets"), cache=None,
                                           workers=1, schools=(SCHOOL,)))
    work = []
    for entry in result.entries:
        if entry.school != SCHOOL or entry.purpose != "screen":
            continue
        jobs = [PressJob(print_shop_path(entry.path, entry.school), "print-shop", entry.path, "")]
        if entry.kind == "poster" and entry.paper == "tabloid":
            jobs.append(PressJob(print_path(entry.path, entry.school, "-tiled"), "tiled-poster", entry.path, "letter",
                                 overlap=OVERLAP))
        work.append((jobs, (out / entry.path).read_bytes(), entry))
    return work


def main() -> None:
    """Time and (with --profile) profile making one school's print files."""
    work = school_files(Path(tempfile.mkdtemp(prefix="press-bench-")))
    campaign = load_campaign()

    def run() -> None:
        for jobs, data, entry in work:
            make_press_files(jobs, data, entry, campaign)

    run()  # warm-up: what a worker makes once per variant
    runs = []
    for _ in range(5):
        started = time.process_time()
        run()
        runs.append(time.process_time() - started)
    print(f"{len(work)} screen files, {sum(len(jobs) for jobs, _, _ in work)} print files")
    print("CPU per school (ms):", " ".join(f"{run * 1000:.1f}" for run in sorted(runs)))
    kinds: dict[tuple[str, str], list[float]] = {}
    for jobs, data, entry in work:
        for job in jobs:
            started = time.process_time()
            for _ in range(5):
                make_press_files([job], data, entry, campaign)
            kinds.setdefault((entry.kind, job.kind), []).append((time.process_time() - started) / 5 * 1000)
    for (kind, made), times in kinds.items():
        print(f"{made} of a {kind}: {len(times)} files, {sum(times) / len(times):.2f} ms CPU each")
    if "--profile" in sys.argv:
        profile = cProfile.Profile()
        profile.runcall(run)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()

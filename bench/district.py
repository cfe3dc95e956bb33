"""District-scale benchmark: generate a realistic roster, build every school's packet, report the costs.

    python bench/district.py --schools 100 [--workers 1]
    python bench/district.py --every-kind --schools 1000 [--workers 2]
    python bench/district.py --every-kind --print --schools 100 [--workers 2] [--repeat 3]

With --every-kind each school gets its six posters, five flyers and packet, and the report is the
whole build, marginal cost per school and per file (wall and CPU time of the build's process tree),
peak RSS of the build process and of its largest worker, output bytes and the cache's size.
With --print the same roster is built again with --print-shop --tile letter --handouts 2 (PRINT), and
the report adds what those print files cost per school on top of the normal build, as a percentage
(wall and CPU of the process tree), how much of the extra CPU is the build process's (which writes
every file) and the workers' (which make them), and the peak memory of both builds; with --repeat
N, N pairs of builds and the median of their extra CPU (on a shared machine one pair swings by ten
points or more).

Prints the marginal cost per school (the whole build minus a build of one school per variant —
language, paper, audiences — per extra school: what each further school costs once the renders every
school of a variant shares exist),
the from-scratch cost of one school's packet measured in the same run, their ratio, peak RSS of the
build and its workers, bytes per packet, and a warm rebuild's time and cache hit rate.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from solidarity_print.build import BuildOptions, build
from solidarity_print.inputs.config import load_campaign
from solidarity_print.inputs.roster import load_roster
from solidarity_print.pdf.packet import PacketMaker
from solidarity_print.render.documents import DocumentMaker

PLACES = ["Lincoln", "Washington", "Riverside", "Oak Grove", "Cedar Falls", "Maple Valley", "Lakeview", "Hillcrest",
          "San José", "Peña Blanca", "Bellevue", "Fairview", "Greenwood", "Highland", "Springfield", "Westbrook",
          "Nuestra Señora", "Cañon City", "Brookside", "Eastlake", "Lê Lợi", "Nguyễn Trãi"]
KINDS = ["High School", "Middle School", "Academy", "Secondary School", "Escuela Secundaria", "Junior High"]
CLUBS = ["GSA", "Pride Club", "Rainbow Alliance", "Gender & Sexuality Alliance", "Club de Solidaridad"]


def make_roster(folder: Path, count: int, seed: int = 2023) -> Path:
    """A roster of `count` schools: mostly ordinary names, some long ones, accents, Vietnamese names
    (drawn in Noto Sans), a few on A4."""
    rng = random.Random(seed)
    lines = ["name,slug,club,contact_name,contact_email,meeting,languages,paper,audience,grade_band"]
    for n in range(count):
        name = f"{rng.choice(PLACES)} {rng.choice(KINDS)} {n + 1}"
        if rng.random() < 0.05:
            name = f"The {rng.choice(PLACES)} Academy for Science, Technology, Engineering, Arts and Mathematics {n + 1}"
        paper = "a4" if rng.random() < 0.1 else "letter"
        lines.append(f'"{name}",school-{n + 1},{rng.choice(CLUBS)},Advisor {n + 1},advisor{n + 1}@example.org,'
                     f'"Room {rng.randint(100, 400)}, Tuesdays",en,{paper},both,{rng.choice(["middle", "high"])}')
    path = folder / "schools.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def one_per_variant(roster: Path) -> tuple[str, ...]:
    """Slugs of the first school of each variant (language, paper, audiences) in the roster."""
    first: dict[tuple, str] = {}
    for school in load_roster(roster, load_campaign())[0]:
        for lang in school.languages:
            first.setdefault((lang, school.paper, school.audiences()), school.slug)
    return tuple(dict.fromkeys(first.values()))


def timed_build(roster: Path, out: Path, cache: Path | None, workers: int, schools: tuple[str, ...] = (),
                only: tuple[str, ...] = ("packets",), progress=None, printed: dict | None = None):
    options = BuildOptions(roster=roster, only=only, cache=cache, workers=workers, schools=schools, **(printed or {}))
    started = time.perf_counter()
    result = build(None, out, options, progress=progress)
    return time.perf_counter() - started, result


class TreeMeter:
    """CPU seconds (user + sys) and peak RSS of this process and every process below it, sampled
    twice a second (psutil): the build's workers are grandchildren that RUSAGE_CHILDREN never sees.
    A process counts its own time and that of the children it has reaped: a worker that exits is
    reaped by the forkserver, whose count then holds all of the worker's time, so none is lost
    between two samples (the worker's own entry is dropped then). The peaks are the kernel's own
    high-water marks (VmHWM; this process's is reset on entry), so a spike between two samples is
    not missed; plain RSS samples where /proc has no VmHWM."""

    def __init__(self):
        import psutil
        self.psutil, self.me = psutil, psutil.Process()
        self.cpu: dict[tuple, float] = {}  # (pid, start time) -> CPU seconds
        self.own = 0.0  # this process's own CPU seconds (the build's main loop: it writes every file)
        self.peak_main = self.peak_worker = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        alive = {}
        for process in [self.me, *self.me.children(recursive=True)]:
            try:
                times, rss = process.cpu_times(), process.memory_info().rss
                key = (process.pid, process.create_time())
            except self.psutil.Error:
                continue
            alive[key] = times.user + times.system + times.children_user + times.children_system
            rss = max(rss, _high_water(process.pid))
            if process.pid == self.me.pid:
                self.own = times.user + times.system
                self.peak_main = max(self.peak_main, rss)
            else:
                self.peak_worker = max(self.peak_worker, rss)
        self.cpu = alive

    def _run(self) -> None:
        while not self.stop.wait(0.5):
            self._sample()

    def __enter__(self) -> "TreeMeter":
        try:  # "5" resets the peak RSS (VmHWM) to the current RSS: this meter's peak, not the process's
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            pass
        self._sample()
        self.before, self.own_before = sum(self.cpu.values()), self.own
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        time.sleep(0.5)  # the build's workers have exited: time for the forkserver to reap them
        self._sample()
        self.seconds = sum(self.cpu.values()) - self.before
        self.build_process = self.own - self.own_before  # the rest is the workers' (and the forkserver's)


def _high_water(pid: int) -> int:
    """The peak RSS of process `pid` in bytes as the kernel counts it (VmHWM), or 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def printed_progress(finished, total):
    """Progress on stderr every ten seconds (the build's own words): a 60,000-file build should not look hung."""
    from solidarity_print.pipeline.progress import ProgressLine
    with ProgressLine(finished.tally, sys.stderr, every=10):
        yield from finished


def folder_bytes(folder: Path) -> int:
    return sum(entry.stat().st_size for entry in folder.rglob("*") if entry.is_file())


def every_kind(args, folder: Path, roster: Path) -> None:
    """The whole kit of every school: marginal cost per school and per file, memory, bytes."""
    leaders = one_per_variant(roster)
    print(f"load average at start        {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    timed_build(roster, folder / "warm-up", folder / "cache-warm-up", args.workers, leaders, KIT)
    with TreeMeter() as one_cpu:
        one, first = timed_build(roster, folder / "one", folder / "cache-one", args.workers, leaders, KIT)
    with TreeMeter() as whole_cpu:
        whole, result = timed_build(roster, folder / "all", folder / "cache", args.workers, (), KIT, printed_progress)
    files, few = len(result.entries), len(first.entries)
    schools = args.schools - len(leaders)
    kinds = {}
    for entry in result.entries:
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    print(f"schools                      {args.schools} ({', '.join(f'{n} {k}s' for k, n in sorted(kinds.items()))})")
    print(f"workers                      {args.workers}")
    print(f"whole build                  {whole:.1f} s wall, {whole_cpu.seconds:.1f} s CPU ({files} files)")
    print(f"marginal per school          {(whole - one) / schools * 1000:.1f} ms wall, "
          f"{(whole_cpu.seconds - one_cpu.seconds) / schools * 1000:.1f} ms CPU")
    print(f"marginal per file            {(whole - one) / (files - few) * 1000:.2f} ms wall, "
          f"{(whole_cpu.seconds - one_cpu.seconds) / (files - few) * 1000:.2f} ms CPU")
    print(f"peak RSS                     build process {whole_cpu.peak_main / 2**20:.0f} MB, "
          f"largest worker {whole_cpu.peak_worker / 2**20:.0f} MB")
    print(f"output                       {folder_bytes(folder / 'all') / 1e6:.0f} MB")
    print(f"cache                        {folder_bytes(folder / 'cache') / 1e6:.0f} MB")
    print(f"variants (shared renders)    {len(leaders)}; their build {one:.1f} s wall, {one_cpu.seconds:.1f} s CPU")
    if args.print:
        print_files(args, folder, roster, whole, whole_cpu, len(leaders))
    print(f"load average at end          {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


KIT = ("posters", "flyers", "packets")
PRINT = dict(print_shop=True, tile="letter", handouts=2)  # --print-shop --tile letter --handouts 2


def print_files(args, folder: Path, roster: Path, whole: float, whole_cpu: TreeMeter, leaders: int) -> None:
    """The same roster built again from an empty cache with PRINT: the extra cost per school, in
    percent of the normal build (whose `whole` seconds and meter are given), and peak memory of both."""
    with TreeMeter() as printed_cpu:
        printed, result = timed_build(roster, folder / "print", folder / "cache-print", args.workers, (), KIT,
                                      printed_progress, PRINT)
    kinds = {}
    for entry in result.entries:
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    extra_wall, extra_cpu = printed - whole, printed_cpu.seconds - whole_cpu.seconds
    print(f"with --print-shop --tile letter --handouts 2 ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})")
    print(f"  whole build                {printed:.1f} s wall, {printed_cpu.seconds:.1f} s CPU ({len(result.entries)} files)")
    print(f"  extra per school           {extra_wall / args.schools * 1000:.1f} ms wall ({100 * extra_wall / whole:+.0f}%), "
          f"{extra_cpu / args.schools * 1000:.1f} ms CPU ({100 * extra_cpu / whole_cpu.seconds:+.0f}%)")
    print(f"  extra CPU, where           build process {printed_cpu.build_process - whole_cpu.build_process:+.1f} s "
          f"(writes every file), workers {extra_cpu - printed_cpu.build_process + whole_cpu.build_process:+.1f} s")
    print(f"  peak RSS                   build process {printed_cpu.peak_main / 2**20:.0f} MB "
          f"(normal {whole_cpu.peak_main / 2**20:.0f} MB), largest worker {printed_cpu.peak_worker / 2**20:.0f} MB "
          f"(normal {whole_cpu.peak_worker / 2**20:.0f} MB)")
    extras = [extra_cpu / whole_cpu.seconds]
    for run in range(2, args.repeat + 1):  # a busy machine's CPU times swing: pairs of builds, and their median
        pair = []
        for name, printed_with in (("normal", None), ("print", PRINT)):
            with TreeMeter() as meter:
                timed_build(roster, folder / f"{name}-{run}", folder / f"cache-{name}-{run}", args.workers, (), KIT,
                            None, printed_with)
            pair.append(meter.seconds)
        extras.append(pair[1] / pair[0] - 1)
        print(f"  pair {run}                     normal {pair[0]:.1f} s CPU, with PRINT {pair[1]:.1f} s CPU "
              f"({100 * extras[-1]:+.0f}%, {(pair[1] - pair[0]) / args.schools * 1000:.1f} ms per school)", flush=True)
    if len(extras) > 1:
        print(f"  extra CPU, median of {len(extras)}   {100 * statistics.median(extras):+.0f}% "
              f"({', '.join(f'{100 * e:+.0f}%' for e in extras)})")


def from_scratch_packet(roster: Path) -> tuple[float, int]:
    """Seconds and bytes of one school's packet with every page rendered by WeasyPrint, in this
    process after a warm-up (fonts loaded, page counts known): the cost without sharing."""
    campaign = load_campaign()
    school = load_roster(roster, campaign)[0][0]
    packets = PacketMaker(DocumentMaker(campaign, (roster.parent,)))
    packets._render(school, "en")  # warm-up
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        packet = packets._render(school, "en")
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), len(packet.data)


def validate(out: Path, packets: list, count: int) -> str:
    """PDF/UA-1 (page-validation) and `qpdf --check` on `count` packets picked at random."""
    import page as page_validation

    sample = random.Random(7).sample(packets, min(count, len(packets)))
    failed = []
    for entry in sample:
        path = out / entry.path
        ua = page_validation.validate_pdf(str(path), profile="ua1").is_compliant
        qpdf = subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
        if not (ua and qpdf):
            failed.append(entry.path)
    return f"{len(sample) - len(failed)} of {len(sample)} sampled packets pass UA-1 and qpdf --check" + (
        f"; failed: {', '.join(failed)}" if failed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--check", type=int, default=10, help="packets to validate (PDF/UA-1, qpdf --check), at random")
    parser.add_argument("--every-kind", action="store_true", help="each school's posters, flyers and packet")
    parser.add_argument("--print", action="store_true", help="with --every-kind: also with --print-shop --tile "
                                                             "letter --handouts 2, and the extra cost per school")
    parser.add_argument("--repeat", type=int, default=1, help="with --print: this many pairs of builds (normal, "
                                                                  "PRINT), each from an empty cache, and the median extra CPU")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="district-") as tmp:
        folder = Path(tmp)
        roster = make_roster(folder, args.schools)
        if args.print and not args.every_kind:
            parser.error("--print needs --every-kind")
        if args.every_kind:
            every_kind(args, folder, roster)
            return
        scratch, scratch_bytes = from_scratch_packet(roster)
        leaders = one_per_variant(roster)
        # Untimed: starts the worker server and loads what every later build finds loaded.
        timed_build(roster, folder / "warm-up", folder / "cache-warm-up", args.workers, leaders)
        one, _ = timed_build(roster, folder / "one", folder / "cache-one", args.workers, leaders)
        whole, result = timed_build(roster, folder / "all", folder / "cache", args.workers)
        warm, again = timed_build(roster, folder / "again", folder / "cache", args.workers)
        text = roster.read_text(encoding="utf-8")
        roster.write_text(text.replace("Advisor 2,", "Advisor Two,", 1), encoding="utf-8")
        edited, after_edit = timed_build(roster, folder / "edited", folder / "cache", args.workers)
        packets = [e for e in result.entries if e.kind == "packet"]
        size = statistics.mean((folder / "all" / e.path).stat().st_size for e in packets)
        marginal = (whole - one) / max(1, args.schools - len(leaders))
        rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        print(f"schools                      {args.schools}")
        print(f"workers                      {args.workers}")
        print(f"whole build                  {whole:.1f} s ({len(packets)} packets, {sum(e.pages for e in packets)} pages)")
        print(f"marginal per school          {marginal * 1000:.0f} ms")
        print(f"from-scratch packet          {scratch * 1000:.0f} ms")
        print(f"ratio (scratch / marginal)   {scratch / marginal:.1f}x")
        print(f"peak RSS                     {rss / 1024:.0f} MB")
        print(f"bytes per packet             {size / 1024:.0f} KiB (from scratch: {scratch_bytes / 1024:.0f} KiB,"
              f" {size / scratch_bytes:.2f}x)")
        print(f"warm rebuild                 {warm:.1f} s ({100 * warm / whole:.0f}% of the build), cache hits "
              f"{again.cached}/{len(again.entries)} ({100 * again.cached / len(again.entries):.0f}%)")
        print(f"one school edited            {edited:.1f} s, cache hits {after_edit.cached}/{len(after_edit.entries)}")
        print(f"variants (shared renders)    {len(leaders)}; their build {one:.1f} s")
        whole_renders = [e for e in packets if not e.extra.get("shared_render")]
        print(f"rendered whole               {len(whole_renders)} of {len(packets)} packets"
              + "".join(f"\n  {e.extra['school_name']}" for e in whole_renders[:5]))
        print(f"validated                    {validate(folder / 'all', packets, args.check)}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""The plan is streamed: a build holds a bounded number of work items and schools, whatever the roster's size."""
from __future__ import annotations

import gc
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from solidarity_print.build import BuildOptions, build
from solidarity_print.inputs.config import load_campaign
from solidarity_print.inputs.roster import load_roster
from solidarity_print.model import School
from solidarity_print.pipeline import pool
from solidarity_print.pipeline.output import ManifestEntry, sha256
from solidarity_print.pipeline.work_item import Work
from solidarity_print.pipeline.workers import Outcome

KIT = ("posters", "flyers", "packets")  # twelve files a school


class Census:
    """A stand-in renderer (a few bytes per file) that counts, every SAMPLE items it is given, the
    Work items and School records alive anywhere in the process, and keeps the largest counts."""

    SAMPLE = 40

    def __init__(self):
        self.calls = 0
        self.work = self.schools = 0
        self.lock = threading.Lock()

    def __call__(self, setup, item) -> Outcome:
        with self.lock:
            self.calls += 1
            if self.calls % self.SAMPLE == 1:
                objects = gc.get_objects()
                self.work = max(self.work, sum(type(o) is Work for o in objects))
                self.schools = max(self.schools, sum(type(o) is School for o in objects))
                del objects
        data = b"%PDF-1.7 stub " + item.path.encode()
        school = item.for_school
        return Outcome(data, ManifestEntry(path=item.path, kind=item.kind or item.job.kind, lang=item.lang,
                                           focus_day=None, school=school.slug if school else None, paper="letter",
                                           pages=1, sha256=sha256(data), title=item.path))


def census_of_build(tmp_path: Path, monkeypatch, schools: int) -> tuple[Census, object]:
    roster = tmp_path / f"schools-{schools}.csv"
    roster.write_text("name,slug,languages,paper\n" + "".join(
        f"School {n},school-{n},en,{'a4' if n % 7 == 0 else 'letter'}\n" for n in range(schools)), encoding="utf-8")
    census = Census()
    monkeypatch.setattr(pool, "render_work", census)
    gc.collect()
    with ThreadPoolExecutor(max_workers=2) as executor:
        result = build(None, tmp_path / f"out-{schools}", BuildOptions(roster=roster, only=KIT), executor=executor)
    return census, result


def test_work_items_and_schools_alive_do_not_grow_with_the_roster(tmp_path, monkeypatch):
    small, small_result = census_of_build(tmp_path, monkeypatch, 50)  # 600 files
    large, large_result = census_of_build(tmp_path, monkeypatch, 200)  # 2,400 files
    assert len(small_result.entries) == 600 and len(large_result.entries) == 2400
    # The window in flight (64 items on an executor) and one item of each shared render, not the plan.
    assert small.work < 150, f"{small.work} work items alive at once for a build of 600 files"
    assert large.work <= small.work + 10, f"4x the schools held {large.work} work items at once, against {small.work}"
    assert small.schools < 40, f"{small.schools} School records alive at once for a roster of 50"
    assert large.schools <= small.schools + 5, f"4x the schools held {large.schools} School records, against {small.schools}"


def test_a_streamed_build_writes_every_school_s_files_and_lists_them_in_path_order(tmp_path, monkeypatch):
    _, result = census_of_build(tmp_path, monkeypatch, 30)
    out = tmp_path / "out-30"
    listed = [entry["path"] for entry in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]]
    assert listed == sorted(listed) and len(listed) == 360 == len(set(listed))
    assert {path.split("/")[0] for path in listed} == {f"school-{n}" for n in range(30)}
    for path in listed[::37]:
        assert (out / path).read_bytes() == b"%PDF-1.7 stub " + path.encode()
    assert not list(out.glob(".staging-*"))


def test_a_roster_read_again_school_by_school_gives_the_schools_load_roster_gives(tmp_path):
    from solidarity_print.inputs.roster_stream import Roster  # the streamed reader (not on main)
    roster = tmp_path / "schools.csv"
    text = ('name;slug;club;meeting;languages;paper\r\n'
            '"Lê Lợi High School";le-loi;GSA;"Room 12;\r\nTuesdays";en;letter\r\n'
            '"Escuela ""Peña Blanca""";;Club de Solidaridad;Lunes;es;a4\r\n'
            '\r\n'
            'Cañon City Academy;canon;;"Room 3";en, es;letter\r\n')
    roster.write_bytes(("\ufeff" + text).encode("utf-8"))
    campaign = load_campaign()
    schools, _ = load_roster(roster, campaign)
    assert len(schools) == 3 and schools[0].meeting == "Room 12;\r\nTuesdays"
    streamed = Roster(roster, campaign)
    assert len(streamed) == 3 and list(streamed) == schools and list(streamed) == schools
    assert [school.slug for school in Roster(roster, campaign, ("canon",))] == ["canon"]


def trim_peak(folder: Path, records: int) -> tuple[int, object]:
    """Traced peak of trimming a cache of `records` 1 KB records used 100 a second to half its size."""
    import os
    import tracemalloc

    from solidarity_print.pipeline.cache_cap import info, trim
    start = 1_700_000_000
    for n in range(records):
        shelf = folder / f"{n % 16:02x}"
        shelf.mkdir(parents=True, exist_ok=True)
        path = shelf / f"{n:064x}.pdf"
        path.write_bytes(bytes(1000))
        os.utime(path, (start + n / 100, start + n / 100))
    tracemalloc.start()
    left = trim(folder, records * 1000 // 2)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert left == info(folder) and left.entries == records // 2
    oldest = min(path.name for path in folder.glob("*/*.pdf"))
    assert oldest == f"{records // 2:064x}.pdf", "the least recently used went first"
    return peak, left


def test_trimming_the_cache_does_not_hold_every_record(tmp_path):
    small, _ = trim_peak(tmp_path / "small", 500)
    large, _ = trim_peak(tmp_path / "large", 2000)
    assert large < small * 1.5, f"trimming 4x the records took {large} bytes at the peak, against {small}"


def stale_check_peak(out: Path, entries: int) -> tuple[int, int]:
    """Traced peak of reading a manifest of `entries` files and sorting them out against a build that
    writes every other one again (the rest are stale); and how many are stale."""
    import tracemalloc

    from solidarity_print.pipeline.output import write_manifest
    from solidarity_print.pipeline.stale import Scope, previous_entries, sort_out
    out.mkdir()
    write_manifest(out, [ManifestEntry(path=f"school-{n}/en/flyers/{n}.pdf", kind="flyer", lang="en", focus_day=None,
                                       school=f"school-{n}", paper="letter", pages=1, sha256="0" * 64, title=f"Flyer {n}")
                         for n in range(entries)])
    written = (f"school-{n}/en/flyers/{n}.pdf" for n in range(0, entries, 2))
    tracemalloc.start()
    previous, problems = previous_entries(out)
    stale, kept = sort_out(out, previous, written, Scope(roster=True))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not problems and not list(kept)
    assert sorted(entry.path for entry in stale) == sorted(f"school-{n}/en/flyers/{n}.pdf" for n in range(1, entries, 2))
    return peak, len(stale)


def test_the_stale_file_check_holds_neither_the_previous_manifest_nor_the_paths_written(tmp_path, monkeypatch):
    from solidarity_print.pipeline import output
    monkeypatch.setattr(output, "RUN", 256, raising=False)  # lines sorted in memory at once, where there is such a bound
    small, small_stale = stale_check_peak(tmp_path / "small", 1000)
    large, large_stale = stale_check_peak(tmp_path / "large", 4000)
    assert (small_stale, large_stale) == (500, 2000)
    assert large < small * 2, f"4x the entries took {large} bytes at the peak, against {small}"

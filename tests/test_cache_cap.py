"""The cache's size cap: least recently used records go, the cap holds across builds, eviction never breaks a build."""
from __future__ import annotations

import threading

from click.testing import CliRunner
from pypdf import PdfReader

from solidarity_print.build import BuildOptions, build
from solidarity_print.cli import cli
from solidarity_print.pipeline.cache_cap import info, parse_size, trim

ROSTER = "name,slug,club,languages,audience\n" + "".join(
    f"School {n},school-{n},GSA {n},en,student\n" for n in range(1, 7))


def roster_file(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def test_the_cap_holds_across_builds_and_the_latest_builds_files_stay(tmp_path):
    roster, cache = roster_file(tmp_path), tmp_path / "cache"
    uncapped = build(None, tmp_path / "all", BuildOptions(roster=roster, only=("flyers",), cache=tmp_path / "big",
                                                          cache_cap="1GB", workers=1))
    whole = info(tmp_path / "big")
    assert whole.entries > len(uncapped.entries) == 30  # every flyer and the shared renders
    cap = whole.size // 2
    for schools in (("school-1", "school-2", "school-3"), ("school-4", "school-5", "school-6"), ("school-1",)):
        build(None, tmp_path / "out", BuildOptions(roster=roster, only=("flyers",), schools=schools, cache=cache,
                                                   cache_cap=cap, workers=1))
        assert 0 < info(cache).size <= cap
    again = build(None, tmp_path / "again", BuildOptions(roster=roster, only=("flyers",), schools=("school-1",),
                                                         cache=cache, cache_cap=cap, workers=1))
    assert again.cached == 5, "the files the last build used were the last to go"


def test_trim_removes_the_least_recently_used_and_spares_what_a_running_build_used(tmp_path):
    import os
    cache = tmp_path / "cache"
    for n, key in enumerate(["aa01", "bb02", "cc03", "dd04"]):
        record = cache / key[:2] / key
        record.parent.mkdir(parents=True)
        record.write_bytes(bytes(1000))
        os.utime(record, (1_000_000 + n * 1000, 1_000_000 + n * 1000))
    left = trim(cache, 2500)
    assert left.entries == 2 and sorted(p.name for p in cache.rglob("*") if p.is_file()) == ["cc03", "dd04"]
    assert trim(cache, 0, used_since=1_002_000 + 30).entries == 2, "used since the build started (give or take a clock margin): spared"


def test_eviction_while_a_build_runs_never_breaks_it(tmp_path):
    roster, cache = roster_file(tmp_path), tmp_path / "cache"
    options = BuildOptions(roster=roster, only=("flyers", "packets"), cache=cache, workers=2)
    build(None, tmp_path / "first", options)
    stop = threading.Event()

    def evict_everything():
        while not stop.is_set():
            trim(cache, 0)  # another build on the same cache, with a tiny cap

    evictor = threading.Thread(target=evict_everything)
    evictor.start()
    try:
        result = build(None, tmp_path / "second", options)
    finally:
        stop.set()
        evictor.join()
    assert len(result.entries) == 6 * 6
    for entry in result.entries:
        reader = PdfReader(tmp_path / "second" / entry.path)
        assert len(reader.pages) == entry.pages
        assert entry.extra.get("school_name", "School") in " ".join(reader.pages[0].extract_text().split())


def test_cache_info_and_clear_report_the_folder_its_size_and_entries(tmp_path):
    roster, cache = roster_file(tmp_path), tmp_path / "cache"
    build(None, tmp_path / "out", BuildOptions(roster=roster, only=("flyers",), schools=("school-1",), cache=cache,
                                               workers=1))
    found = info(cache)
    runner = CliRunner()
    shown = runner.invoke(cli, ["cache", "info", "--cache", str(cache)])
    assert shown.exit_code == 0
    assert f"{cache}: {found.size / 1e6:.1f} MB in {found.entries} files (cap 2000 MB)" in shown.output
    cleared = runner.invoke(cli, ["cache", "clear", "--cache", str(cache)])
    assert cleared.exit_code == 0 and f"removed {found.entries} files" in cleared.output
    assert info(cache).entries == 0


def test_a_cap_that_is_not_a_size_is_a_usage_mistake(tmp_path):
    assert parse_size("2GB") == 2 * 10**9 and parse_size("1.5 GiB") == 3 * 2**29
    result = CliRunner().invoke(cli, ["build", "--out", str(tmp_path / "out"), "--cache-cap", "lots"])
    assert result.exit_code == 2 and "'lots' is not a size" in result.output

"""Print files made beside their source in the workers are cached with it: a rebuild reads them all back."""
from __future__ import annotations

from solidarity_print.build import BuildOptions, build

PRINT = dict(tile="letter", print_shop=True)


def files_of(result) -> dict[str, bytes]:
    return {entry.path: (result.out / entry.path).read_bytes() for entry in result.entries}


def test_a_rebuild_takes_the_print_files_from_the_cache_with_the_same_bytes(tmp_path):
    roster = tmp_path / "schools.csv"
    roster.write_text("name,slug,languages,paper\nLincoln High,lincoln,en,letter\n", encoding="utf-8")
    cache = tmp_path / "cache"
    options = BuildOptions(roster=roster, only=("posters",), cache=cache, workers=1)
    plain = build(None, tmp_path / "plain", options)
    # The posters are in the cache already: their tiles and print-shop files are made from the cached bytes.
    first = build(None, tmp_path / "first", BuildOptions(**{**vars(options), **PRINT}))
    again = build(None, tmp_path / "again", BuildOptions(**{**vars(options), **PRINT}))
    kinds = sorted(entry.kind for entry in again.entries)
    assert kinds == ["poster"] * 6 + ["print-shop"] * 6 + ["tiled-poster"] * 6
    assert again.cached == len(again.entries) == 18
    assert files_of(again) == files_of(first)
    assert {path: data for path, data in files_of(first).items() if "/print/" not in path} == files_of(plain)


def file_records(cache) -> list:
    """The cache's records of files (not the print file plans kept once per shared render, pdf/plan_store.py)."""
    return [path for path in cache.rglob("*") if path.is_file() and path.suffix != ".lock"
            and b'"plan"' not in path.read_bytes()[:64]]


def records(cache) -> int:
    return len(file_records(cache))


def test_a_file_and_its_print_files_are_one_cache_record(tmp_path):
    # Each record is a file created on disk, the largest cost of a district's print build: print
    # files ride in their source's record, so a print build creates no more records than a plain one.
    roster = tmp_path / "schools.csv"
    roster.write_text("name,slug,languages,paper\nLincoln High,lincoln,en,letter\nOak Middle,oak,en,letter\n",
                      encoding="utf-8")
    options = BuildOptions(roster=roster, only=("posters", "flyers"), workers=1)
    plain = build(None, tmp_path / "plain", BuildOptions(**{**vars(options), "cache": tmp_path / "plain-cache"}))
    printed = build(None, tmp_path / "print", BuildOptions(**{**vars(options), **PRINT, "cache": tmp_path / "print-cache"}))
    assert len(printed.entries) == len(plain.entries) * 2 + 12  # a print-shop file each, and 12 posters tiled
    assert records(tmp_path / "print-cache") == records(tmp_path / "plain-cache")


def folder_bytes(folder) -> int:
    return sum(path.stat().st_size for path in file_records(folder))


def test_a_print_file_made_as_an_update_adds_only_its_update_to_the_cache(tmp_path):
    # A school's print-shop file and tiles are its poster plus an update: its cache record holds the
    # poster's bytes once, not once per print file (bytes written, sent and hashed cost the most).
    roster = tmp_path / "schools.csv"
    roster.write_text("name,slug,languages,paper\nLincoln High,lincoln,en,letter\nOak Middle,oak,en,letter\n",
                      encoding="utf-8")
    options = BuildOptions(roster=roster, only=("posters",), workers=1)
    plain = build(None, tmp_path / "plain", BuildOptions(**{**vars(options), "cache": tmp_path / "plain-cache"}))
    printed = build(None, tmp_path / "print", BuildOptions(**{**vars(options), **PRINT, "cache": tmp_path / "print-cache"}))
    sources = {entry.path: entry for entry in plain.entries}
    updates = 0
    for entry in printed.entries:
        if entry.purpose == "print":
            source = sources[entry.extra.get("screen_file") or entry.extra["source"]]
            made = (printed.out / entry.path).read_bytes()
            assert made[8:].startswith((plain.out / source.path).read_bytes()[8:])  # the poster, then an update
            updates += len(made) - (plain.out / source.path).stat().st_size
    assert updates > 0
    # each record: the poster, its print files' updates, and a line of details (a few kilobytes)
    added = folder_bytes(tmp_path / "print-cache") - folder_bytes(tmp_path / "plain-cache")
    assert updates < added < updates + 4096 * len(plain.entries), (added, updates)

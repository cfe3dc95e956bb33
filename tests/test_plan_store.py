"""Print file plans kept in the cache: made by one worker, read back by the others as the same plan."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from solidarity_print.build import BuildOptions, build
from solidarity_print.inputs.config import load_campaign
from solidarity_print.pdf.plan_store import keep_plans_in, stored_plan
from solidarity_print.pdf.update_plan import base_length, read_tail
from solidarity_print.pipeline.cache import Cache
from solidarity_print.press import print_shop_update as shop_update
from solidarity_print.press import tiling_update

PRINT = dict(tile="letter", print_shop=True)
ROSTER = "name,slug,languages,paper\nLincoln High,lincoln,en,letter\n"


@pytest.fixture(scope="module")
def poster(tmp_path_factory) -> bytes:
    """A school's poster: its variant's shared render plus the school's update."""
    folder = tmp_path_factory.mktemp("plans")
    (folder / "schools.csv").write_text(ROSTER, encoding="utf-8")
    result = build(None, folder / "out", BuildOptions(roster=folder / "schools.csv", only=("posters",), workers=1))
    entry = next(e for e in result.entries if e.kind == "poster" and e.paper == "tabloid")
    return (result.out / entry.path).read_bytes()


def shared_render(data: bytes) -> bytes:
    return data[:base_length(data, read_tail(data))]


@pytest.mark.parametrize("name", ["print-shop", "tiles"])
def test_a_plan_read_back_from_the_cache_is_the_plan_made(tmp_path, poster, name):
    base = shared_render(poster)
    words = load_campaign().strings["en"]
    plan_of, kinds = ((shop_update._plan, shop_update.PLAN_KINDS) if name == "print-shop" else
                      (lambda b: tiling_update._plan(b, "letter", 36.0, words), tiling_update.PLAN_KINDS))
    made = []

    def make(b: bytes):
        made.append(b)
        return plan_of(b)

    keep_plans_in(Cache(tmp_path / "cache"), "fingerprint")
    try:
        first = stored_plan(name, ("key",), base, make, kinds)
        again = stored_plan(name, ("key",), base, make, kinds)
        assert made == [base] and first is not None
        assert again == first and again is not first and again.revision.base == base
        # the stored record holds the shared render's bytes no second time
        records = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and p.suffix != ".lock"]
        assert len(records) == 1 and base not in records[0].read_bytes()
        # a record it cannot read (another version's, or damaged) is made again, not trusted
        header, data = records[0].read_bytes().split(b"\n", 1)
        details = json.loads(header)
        details["plan"]["c"] = "Unknown"
        records[0].write_bytes(json.dumps(details).encode() + b"\n" + data)
        assert stored_plan(name, ("key",), base, make, kinds) == first and len(made) == 2
    finally:
        keep_plans_in(None, "")


def test_without_a_cache_every_plan_is_made_here(poster):
    made = []
    keep_plans_in(None, "")
    stored_plan("print-shop", ("key",), shared_render(poster), lambda b: made.append(b), shop_update.PLAN_KINDS)
    stored_plan("print-shop", ("key",), shared_render(poster), lambda b: made.append(b), shop_update.PLAN_KINDS)
    assert len(made) == 2


def stored_plans(cache: Path) -> dict[str, int]:
    """The plan records in `cache`: name -> inode (a record written again is a new file)."""
    return {p.name: p.stat().st_ino for p in cache.rglob("*") if p.is_file() and b'"plan"' in p.read_bytes()[:64]}


def files_of(result) -> dict[str, bytes]:
    return {entry.path: (result.out / entry.path).read_bytes() for entry in result.entries}


def test_print_files_made_from_stored_plans_are_the_same_bytes(tmp_path: Path):
    # A second roster on the same cache renders its schools anew and reads every plan the first one
    # stored (the school moved folder: its texts, and so the shared renders' fonts, are the same).
    roster = tmp_path / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    options = BuildOptions(roster=roster, only=("posters", "flyers"), workers=2, cache=tmp_path / "cache", **PRINT)
    build(None, tmp_path / "first", options)
    plans = stored_plans(tmp_path / "cache")
    assert len(plans) == 6 + 5 + 6  # a print-shop plan per poster and flyer, a tile plan per poster
    roster.write_text(ROSTER.replace(",lincoln,", ",lincoln-high,"), encoding="utf-8")
    again = build(None, tmp_path / "again", options)
    whole = build(None, tmp_path / "whole", BuildOptions(**{**vars(options), "cache": None}))
    assert again.cached == 0 and files_of(again) == files_of(whole)
    assert stored_plans(tmp_path / "cache") == plans  # each read, none written again (a write is a new file)

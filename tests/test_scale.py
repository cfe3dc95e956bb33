"""District-scale machinery: the cache makes rebuilds incremental, and a Dask cluster builds the same bytes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from solidarity_print.build import BuildOptions, build

ROSTER = "name,slug,club,languages,audience\n" + "".join(
    f"School {n},school-{n},GSA {n},en,student\n" for n in range(1, 4))


def shas(out: Path) -> dict[str, str]:
    return {e["path"]: e["sha256"] for e in json.loads((out / "manifest.json").read_text())["files"]}


@pytest.fixture
def roster(tmp_path) -> Path:
    path = tmp_path / "schools.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def test_rebuild_reuses_everything_and_a_changed_school_renders_only_its_own_files(roster, tmp_path):
    cache = tmp_path / "cache"
    options = BuildOptions(roster=roster, cache=cache, only=("flyers", "packets"), workers=2)
    first = build(None, tmp_path / "a", options)
    assert first.cached == 0 and len(first.entries) == 3 * 6
    again = build(None, tmp_path / "b", options)
    assert again.cached == len(again.entries)
    assert shas(tmp_path / "a") == shas(tmp_path / "b")
    roster.write_text(ROSTER.replace("GSA 2", "Rainbow Club"), encoding="utf-8")
    changed = build(None, tmp_path / "c", options)
    assert changed.cached == len(changed.entries) - 6
    differing = {p for p, sha in shas(tmp_path / "c").items() if shas(tmp_path / "a")[p] != sha}
    assert differing and all(p.startswith("school-2/") for p in differing)


def test_dask_local_cluster_builds_the_same_bytes_as_local_processes(roster, tmp_path):
    distributed = pytest.importorskip("distributed")
    options = BuildOptions(roster=roster, schools=("school-1",), only=("flyers", "packets"))
    build(None, tmp_path / "local", options)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        build(None, tmp_path / "dask", options, executor=client.get_executor(pure=False))
    assert shas(tmp_path / "dask") == shas(tmp_path / "local")
    assert len(shas(tmp_path / "local")) == 6

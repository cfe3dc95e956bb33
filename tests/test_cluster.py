"""A real cluster: `dask scheduler` and two `dask worker` processes build 1,000 schools' packets with
the bytes of a local build, and a worker killed mid-build leaves no half-written file."""
from __future__ import annotations

import faulthandler
import json
import os
import signal
from pathlib import Path

import pytest

from solidarity_print.build import BuildOptions, build
from solidarity_print.errors import RenderError
from solidarity_print.pipeline.cluster import dask_executor
from solidarity_print.pipeline.output import sha256

pytest.importorskip("distributed")
from dask_cluster import Cluster  # noqa: E402  (tests/ is on the path, as for web_server)

SCHOOLS = 1000
SAMPLE = tuple(f"school-{n}" for n in range(1, SCHOOLS + 1, 97))  # the local build's schools (see below)
# Every wait below has its own time-out; this is the last resort, so that CI never hangs on a cluster.
MODULE_SECONDS = 1800


@pytest.fixture(scope="module", autouse=True)
def never_hangs():
    faulthandler.dump_traceback_later(MODULE_SECONDS, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def manifest(out: Path) -> dict[str, str]:
    return {e["path"]: e["sha256"] for e in json.loads((out / "manifest.json").read_text())["files"]}


@pytest.fixture(scope="module")
def roster(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("roster") / "schools.csv"
    path.write_text("name,slug,club,languages,audience\n" + "".join(
        f"School {n},school-{n},GSA {n},en,{('student', 'educator', 'both')[n % 3]}\n" for n in range(1, SCHOOLS + 1)),
        encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    started = Cluster(2, tmp_path_factory.mktemp("dask-logs"))
    yield started
    started.close()


def half_written(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.endswith(".part") or p.name.startswith(".staging-")]


def test_two_worker_processes_build_a_thousand_schools_with_the_bytes_of_a_local_build(roster, cluster, tmp_path):
    options = BuildOptions(roster=roster, only=("packets",))  # one file per school: the cheapest kind per school
    # The local build makes every 97th school only: their names use the characters of all the others
    # ("School", "GSA", digits), so the overlay fonts are subset alike and the bytes must be the same.
    build(None, tmp_path / "local", BuildOptions(roster=roster, only=("packets",), schools=SAMPLE))
    with dask_executor(cluster.address) as executor:
        result = build(None, tmp_path / "cluster", options, executor=executor)
    assert len(result.entries) == SCHOOLS
    local, remote = manifest(tmp_path / "local"), manifest(tmp_path / "cluster")
    assert len(local) == len(SAMPLE) and len(remote) == SCHOOLS
    assert {path: remote[path] for path in local} == local
    for path in local:
        assert (tmp_path / "cluster" / path).read_bytes() == (tmp_path / "local" / path).read_bytes()
    for path in list(remote)[::50]:
        assert sha256((tmp_path / "cluster" / path).read_bytes()) == remote[path]


def test_a_worker_killed_mid_build_leaves_no_half_written_file(roster, cluster, tmp_path):
    out = tmp_path / "out"
    options = BuildOptions(roster=roster, only=("packets",), schools=tuple(f"school-{n}" for n in range(1, 301)))

    def kill_after_fifty(finished, total):
        for count, done in enumerate(finished, 1):
            if count == 50:
                os.kill(cluster.workers[0].pid, signal.SIGKILL)
            yield done

    try:
        with dask_executor(cluster.address) as executor:
            result = build(None, out, options, progress=kill_after_fifty, executor=executor)
    except RenderError as exc:  # failing is allowed, if it says why and writes nothing
        assert "cluster" in str(exc)
        assert not out.exists() or not any(out.rglob("*.pdf"))
    else:
        assert len(result.entries) == 300
        for path, sha in manifest(out).items():
            assert sha256((out / path).read_bytes()) == sha
    assert cluster.workers[0].wait(timeout=30) == -signal.SIGKILL
    if out.exists():
        assert half_written(out) == []

"""Render processes leave no temporary files behind: WeasyPrint's copy of the fonts goes with the pool."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from solidarity_print.build import BuildOptions, build
from solidarity_print.pipeline.scratch import scratch_folder
from solidarity_print.web.builder import _end, _process_pool


def finished_pid() -> int:
    """The id of a process that has run and ended (and been reaped)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def leftovers() -> set[Path]:
    """Temporary folders a render process might leave: WeasyPrint's (fonts, 10 MB each) and ours."""
    temp = Path(tempfile.gettempdir())
    return set(temp.glob("weasyprint-*")) | set(temp.glob("solidarity-print-render-*"))


def test_a_build_leaves_no_temporary_fonts_behind(tmp_path):
    # A worker ends with os._exit: WeasyPrint, which removes its fonts' folder when its font
    # configuration is collected, never got to, and each worker of each build left 10 MB in /tmp.
    roster = tmp_path / "schools.csv"
    roster.write_text("name,slug,languages\nLincoln High,lincoln,en\nOak Middle,oak,en\n", encoding="utf-8")
    before = leftovers()
    result = build(None, tmp_path / "out", BuildOptions(roster=roster, only=("posters", "packets"), workers=2, cache=None))
    assert len(result.entries) == 14
    assert leftovers() - before == set()


def test_the_web_servers_pool_removes_its_processes_temporary_files():
    pool = _process_pool(1)
    made = Path(pool.submit(tempfile.mkdtemp, prefix="weasyprint-").result())
    assert made.is_dir() and made.parent == Path(pool.scratch)  # in the pool's own folder
    _end(pool)
    assert not made.exists() and not Path(pool.scratch).exists()


def test_the_folder_of_a_build_killed_outright_goes_at_the_next_build(tmp_path):
    # A build killed with SIGKILL cannot remove its workers' folder: the next pool removes the folders
    # of owners no longer running, and leaves those of running ones alone.
    gone = Path(tempfile.gettempdir()) / f"solidarity-print-render-{finished_pid()}-stale"
    (gone / "weasyprint-fonts").mkdir(parents=True)
    running = Path(tempfile.mkdtemp(prefix=f"solidarity-print-render-{os.getpid()}-"))
    try:
        folder = scratch_folder()
        assert not gone.exists() and running.is_dir() and Path(folder).is_dir()
        shutil.rmtree(folder)
    finally:
        shutil.rmtree(gone, ignore_errors=True)
        shutil.rmtree(running, ignore_errors=True)

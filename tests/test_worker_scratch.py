"""Render processes leave no temporary files behind: WeasyPrint's copy of the fonts goes with the pool."""
from __future__ import annotations

import tempfile
from pathlib import Path

from solidarity_print.build import BuildOptions, build
from solidarity_print.web.builder import _end, _process_pool


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

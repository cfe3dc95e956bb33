"""Preflight's cost per page: CPU and wall time of each file's checks, in one process.

    python bench/preflight.py [DIR]      # a build folder (default: the built-in campaign, built afresh)

Prints the pages, the CPU time per page (time.process_time, which a busy shared machine does not
inflate as it does wall time) and the wall time per page, for each of three runs.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from solidarity_print.build import BuildOptions, build
from solidarity_print.preflight.run import check_file


def main() -> None:
    """Build if no folder is given, then time the checks of every file of its manifest, three times."""
    if len(sys.argv) > 1:
        folder = Path(sys.argv[1])
    else:
        folder = Path(tempfile.mkdtemp(prefix="preflight-bench-")) / "dist"
        build(None, folder, BuildOptions())
    entries = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    for run in range(1, 4):
        cpu, wall = time.process_time(), time.perf_counter()
        pages = findings = 0
        for entry in entries:
            count, found = check_file(folder, entry)
            pages, findings = pages + count, findings + len(found)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"run {run}: {len(entries)} files, {pages} pages, {findings} findings: "
              f"{cpu * 1000 / pages:.0f} ms CPU per page, {wall * 1000 / pages:.0f} ms wall per page")


if __name__ == "__main__":
    main()

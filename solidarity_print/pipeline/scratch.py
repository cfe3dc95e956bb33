"""Temporary folders of render processes, removed with their pool: WeasyPrint's copies of the fonts included."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

SCRATCH = "solidarity-print-render-"  # then the owner's process id


def scratch_folder() -> str:
    """A new folder for the temporary files of a pool's render processes: whoever starts the pool
    removes it once the pool is gone (use_scratch). Those of owners no longer running (a build
    killed outright) are removed first."""
    for stale in Path(tempfile.gettempdir()).glob(SCRATCH + "*"):
        owner = stale.name[len(SCRATCH):].partition("-")[0]
        if owner.isdigit() and not _running(int(owner)):
            shutil.rmtree(stale, ignore_errors=True)
    return tempfile.mkdtemp(prefix=f"{SCRATCH}{os.getpid()}-")


def _running(pid: int) -> bool:
    """True if process `pid` exists (or may: one of another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def use_scratch(folder: str | None) -> None:
    """In a render process: temporary files in `folder` (None: the system's). WeasyPrint copies a
    document's fonts into a temporary folder (10 MB with ours) and removes it only when its font
    configuration is collected; a worker process ends with os._exit, which collects nothing, so
    without this every worker of every build left its copy behind."""
    if folder is not None:
        tempfile.tempdir = folder

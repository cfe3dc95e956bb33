"""Every limit of the web application in one place, so a server (or a test) can change them."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True)
class WebSettings:
    """Limits and places of one web server; the defaults are those the README lists."""

    logo_bytes: int = 5 * MB
    roster_bytes: int = 2 * MB
    logo_zip_bytes: int = 50 * MB
    schools_per_job: int = 2000
    jobs_at_once: int = 1
    jobs_waiting: int = 20  # beyond this many queued jobs the server says it is busy
    job_seconds: int = 3600
    live_tokens: int = 500  # kits and jobs alive at once; beyond, new ones are refused (503) until some expire
    data_bytes: int = 4096 * MB  # everything under the work folder (uploads, kits, jobs, cache); beyond, refused
    token_seconds: int = 3600  # uploads, kits and jobs are deleted this long after they were made
    work_folder: Path | None = None  # None: a new temporary folder, removed at shutdown
    workers: int | None = None  # render processes; None means one per core
    zip_entries: int = 5000  # a logo ZIP with more entries is refused before anything is unpacked
    zip_unpacked_bytes: int = 500 * MB
    form_overhead: int = 256 * 1024  # the text fields and multipart framing around the files
    sweep_seconds: float = 60.0
    preview_bytes: int = 16 * MB  # preview images kept in memory (about 12 KB each), least recently used dropped
    warm_up: bool = True  # at start, build one made-up school's kit so the first visitor's preview is quick

    def body_limit(self, path: str) -> int | None:
        """The most bytes a POST to `path` may carry, or None when the path takes no body."""
        if path in ("/school", "/school/preview"):
            return self.logo_bytes + self.form_overhead
        if path == "/roster":
            return self.roster_bytes + self.logo_zip_bytes + self.form_overhead
        return self.form_overhead

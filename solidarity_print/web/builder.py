"""Builds for the web: previews and school kits on one warm pool of render workers, district jobs on their own."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..build import BuildOptions, build
from ..errors import SolidarityError
from ..model import Campaign
from ..pipeline import workers
from ..pipeline.output import MANIFEST
from .jobs import Entry
from .preview import PreviewImage, pages_to_preview, rasterise
from .settings import WebSettings


class JobTooLong(SolidarityError):
    """A district job ran past its time."""


class Builder:
    """Runs the library's build() for the web. Single schools go to a pool of processes kept warm for the
    server's life (each keeps its renderer and fonts), and all builds share one cache, so the first
    preview pays for the shared renders and later ones only draw a school onto them."""

    def __init__(self, campaign: Campaign, settings: WebSettings, cache: Path):
        self.campaign = campaign  # loaded once: validating campaign.toml again cost 64 ms of every preview
        self.settings = settings
        self.cache = cache
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is not None and getattr(self._pool, "_broken", False):
                self._pool.shutdown(wait=False, cancel_futures=True)  # a worker crashed: start afresh
                self._pool = None
            if self._pool is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["solidarity_print.pipeline.workers"])
                # Workers cap their own memory as a build's own pool does (the time limit needs a
                # process per build, so district jobs get one of those instead).
                self._pool = ProcessPoolExecutor(max_workers=self.settings.workers or os.cpu_count() or 1,
                                                 mp_context=context, initializer=workers._apply_memory_limit,
                                                 initargs=(workers.Limits(),))
            return self._pool

    def preview(self, entry: Entry, roster_file: Path, lang: str) -> list[PreviewImage]:
        """The packet in one language, and PNGs of its cover, a poster and a flyer."""
        options = BuildOptions(roster=roster_file, languages=(lang,), only=("packets",), cache=self.cache)
        images = self._build_and_rasterise(entry, options, lang)
        # Only the pictures are kept: a preview is made on every pause in typing.
        shutil.rmtree(entry.out, ignore_errors=True)
        shutil.rmtree(roster_file.parent, ignore_errors=True)
        entry.files = []
        return images

    def kit(self, entry: Entry, roster_file: Path, lang: str) -> list[PreviewImage]:
        """The school's whole kit (packet, posters, flyers per language, manifest) and its preview."""
        options = BuildOptions(roster=roster_file, cache=self.cache)
        return self._build_and_rasterise(entry, options, lang)

    def _build_and_rasterise(self, entry: Entry, options: BuildOptions, lang: str) -> list[PreviewImage]:
        result = self._run(options, entry.out, executor=self._executor())
        entry.files = sorted(e.path for e in result.entries) + [MANIFEST]
        packet = next((e for e in result.entries if e.kind == "packet" and e.lang == lang), None)
        packet = packet or next(e for e in result.entries if e.kind == "packet")
        images = rasterise(entry.out / packet.path, pages_to_preview(packet.as_json()), entry.folder / "preview")
        # What was typed is in the PDFs only; the logo stays (for the kit's lifetime) so that the
        # form, sent again with a fix, keeps it: browsers never re-send a file field.
        options.roster.unlink(missing_ok=True)
        return images

    def district(self, entry: Entry, roster_file: Path) -> None:
        """Every school of the roster into the job's folder, reporting progress on `entry`; stopped when
        the job passes its time."""
        deadline = time.monotonic() + self.settings.job_seconds

        def progress(finished, total):
            entry.files_total = total
            for done in finished:
                if time.monotonic() > deadline:
                    raise JobTooLong(f"the build took longer than {self.settings.job_seconds} s and was stopped")
                entry.files_done += 1
                yield done

        options = BuildOptions(roster=roster_file, cache=self.cache, workers=self.settings.workers)
        result = self._run(options, entry.out, progress=progress)
        entry.files = sorted(e.path for e in result.entries) + [MANIFEST]

    def _run(self, options: BuildOptions, out: Path, **kwargs):
        return build(self.campaign, out, options, **kwargs)

    def warm_up(self, folder: Path) -> None:
        """Build a made-up school's packet in every language into `folder`, so the shared renders are in the
        cache and the workers have their renderers before the first visitor comes."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "schools.csv").write_text("name,club\nWarm Up School,GSA\n", encoding="utf-8")
        try:
            self._run(BuildOptions(roster=folder / "schools.csv", only=("packets",), cache=self.cache), folder / "out",
                      executor=self._executor())
        except Exception:  # noqa: BLE001 - a broken build shows itself to the first visitor; a shutdown ends this
            pass

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                for process in list(getattr(self._pool, "_processes", {}).values()):
                    process.kill()
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

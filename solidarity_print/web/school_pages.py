"""/school: the form, its validation as a one-row roster, the live preview, and the kit's downloads."""
from __future__ import annotations

import asyncio
import shutil
import tempfile
from functools import partial
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..errors import SolidarityError
from . import forms
from .limits import BodyTooLarge
from .preview import MEDIA_TYPE
from .words import words
from .zips import stream_folder

FORM_LIMITS = dict(max_files=2, max_fields=60, max_part_size=64 * 1024)


MEDIA_TYPES = {".json": "application/json", ".csv": "text/csv; charset=utf-8"}  # the rest are PDFs


def routes(web) -> list[Route]:
    """The school flow's routes, bound to `web` (the app's shared state)."""
    return [
        Route("/school", partial(form_page, web), methods=["GET"]),
        Route("/school", partial(submit, web), methods=["POST"]),
        Route("/school/preview", partial(preview, web), methods=["POST"]),
        Route("/school/preview/{key}.jpg", partial(preview_image, web)),
        Route("/school/kit/{token}/download", partial(download, web)),
        Route("/school/kit/{token}/file/{path:path}", partial(single_file, web)),
    ]


async def form_page(web, request: Request) -> Response:
    return _render(web, request, forms.SchoolForm({name: "" for name in forms.TEXT_FIELDS}))


def _render(web, request, form, checked=None, status=200, images=(), entry=None, upload=None, logo_name=""):
    lang = web.lang(request)
    t = words(web.campaign, lang)
    errors = checked.by_field if checked and not checked.ok else {}
    general = checked.general if checked and not checked.ok else []
    return web.page(request, "school.html", status=status, form=form, errors=errors, general=general,
                    warnings=checked.warnings if checked else {}, fields=forms.FORM_FIELDS,
                    images=[_image(image, t, form.values.get("name", "")) for image in images],
                    entry=entry, upload=upload, logo_name=logo_name,
                    papers=forms.PAPER_CHOICES, audiences=forms.AUDIENCE_CHOICES, grades=forms.GRADE_CHOICES,
                    poster_papers=forms.POSTER_PAPER_CHOICES,
                    default_paper=web.campaign.default_paper, default_audience=web.campaign.default_audience)


def _image(image, t, school: str) -> dict:
    return dict(url=f"/school/preview/{image.key}.jpg", name=image.name, caption=t[f"preview_{image.name}"],
                alt=t[f"alt_{image.name}"].format(school=school, title=image.title))


async def _read(web, request: Request):
    """The form as a SchoolForm, with the logo (a new one, or the one kept from the last try)."""
    form = await request.form(**FORM_LIMITS)
    try:
        school = forms.school_form(form, web.campaign)
        logo = form.get("logo")
        if hasattr(logo, "read") and (logo.filename or logo.size):
            if logo.size is not None and logo.size > web.settings.logo_bytes:
                raise BodyTooLarge(web.settings.logo_bytes, "logo")
            school.logo = await logo.read(web.settings.logo_bytes + 1)
            if len(school.logo) > web.settings.logo_bytes:
                raise BodyTooLarge(web.settings.logo_bytes, "logo")
            school.logo_filename = logo.filename or ""
        else:
            kept = web.tokens.get(str(form.get("upload", "")), "kit")
            previous = next(kept.folder.glob("input/logo.*"), None) if kept else None
            if previous is not None:
                school.logo, school.logo_filename = previous.read_bytes(), previous.name
        return school
    finally:
        await form.close()


async def _check(web, request: Request, folder: Path):
    school = await _read(web, request)
    checked = await asyncio.to_thread(forms.check_school, school, folder, web.campaign)
    return school, checked


def _language(web, request, school) -> str:
    lang = web.lang(request)
    return lang if lang in school.languages else school.languages[0]


async def submit(web, request: Request) -> Response:
    entry = web.tokens.new("kit")
    form, checked = await _check(web, request, entry.folder / "input")
    if not checked.ok:
        if not form.logo:  # nothing to keep for the next try
            web.tokens.drop(entry)
        return _render(web, request, form, checked, status=422, upload=entry.token if form.logo else None,
                       logo_name=form.logo_filename if form.logo else "")
    try:
        images = await asyncio.to_thread(web.builder.kit, entry, checked.roster_file,
                                         _language(web, request, checked.school),
                                         forms.print_options([checked.school], form.printing))
    except SolidarityError as exc:
        status, message, headers = web.failure(request, exc, entry.folder)
        web.tokens.drop(entry)
        return web.error(request, status, message, headers=headers)
    return _render(web, request, form, checked, images=images, entry=entry, upload=entry.token if form.logo else None,
                   logo_name=form.logo_filename if form.logo else "")


async def preview(web, request: Request) -> Response:
    """For the page's script: {"ok": true, "images": [{url, alt, name}]} or {"ok": false, "problems": [...]}.
    A preview keeps nothing on disk: the form's one-row roster (and logo) live only while it is drawn."""
    (web.work / "forms").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=web.work / "forms"))
    try:
        form, checked = await _check(web, request, folder)
        if not checked.ok:
            problems = [dict(field=name, id=f"field-{name}", message=message)
                        for name, messages in checked.by_field.items() for message in messages]
            problems += [dict(field="", id="", message=message) for message in checked.general]
            return JSONResponse({"ok": False, "problems": problems}, status_code=422)
        try:
            images = await _unless_gone(request, web.builder.preview(checked.school, _language(web, request, checked.school), folder))
            if images is None:  # typed again (the page aborted it) or closed: nobody to answer
                web.builder.previews_skipped += 1
                return Response(status_code=204)
        except SolidarityError as exc:
            status, message, headers = web.failure(request, exc, folder)
            return JSONResponse({"ok": False, "problems": [dict(field="", id="", message=message)]},
                                status_code=status, headers=headers)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    t = words(web.campaign, web.lang(request))
    return JSONResponse({"ok": True, "images": [_image(image, t, form.values["name"]) for image in images]})


async def _unless_gone(request: Request, drawing):
    """The result of `drawing`, or None when the client goes first (the page aborts a preview the
    organizer typed past): the drawing is cancelled, which takes it out of the workers' queue if no
    worker has started it, so the workers spend their time on the previews somebody still waits for."""
    task = asyncio.ensure_future(drawing)
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait((task, gone), return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
    if task.done():
        return task.result()
    task.cancel()
    return None


async def _disconnected(request: Request) -> None:
    """Returns when the client has gone (the body is read by now: the next message is the disconnect)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _kit(web, request: Request, built: bool = True):
    entry = web.tokens.get(request.path_params["token"], "kit")
    if entry is None or (built and not entry.files):
        raise HTTPException(404)
    return entry


async def preview_image(web, request: Request) -> Response:
    found = web.builder.images.get(request.path_params["key"])
    if not found or not found[1]:
        raise HTTPException(404)
    return Response(found[1], media_type=MEDIA_TYPE, headers={"cache-control": "private, max-age=3600"})


async def download(web, request: Request) -> Response:
    entry = _kit(web, request)
    slug = entry.files[0].split("/", 1)[0] if "/" in entry.files[0] else "kit"
    return StreamingResponse(stream_folder(entry.out, entry.files), media_type="application/zip",
                             headers={"content-disposition": f'attachment; filename="{slug}-kit.zip"'})


async def single_file(web, request: Request) -> Response:
    entry = _kit(web, request)
    path = request.path_params["path"]
    if path not in entry.files:  # only what the build wrote, by its exact manifest path
        raise HTTPException(404)
    file = entry.out / path
    return FileResponse(file, filename=Path(path).name,
                        media_type=MEDIA_TYPES.get(Path(path).suffix, "application/pdf"))

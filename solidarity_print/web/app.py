"""The Starlette application: pages, static files, limits, security headers, and the token sweeper."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import threading
from functools import partial
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import InputError, OutputError, SolidarityError
from ..inputs.config import load_campaign
from ..inputs.roster import COLUMNS
from ..model import Campaign
from ..render import i18n
from ..resources import ASSETS
from . import forms, roster_pages, school_pages
from .builder import Builder
from .forms import scrub
from .jobs import Full, Queue, Tokens
from .limits import BodyLimit, BodyTooLarge
from .security import SecurityHeaders
from .settings import MB, WebSettings
from .words import page_language, words

HERE = Path(__file__).resolve().parent
log = logging.getLogger("solidarity_print.web")


class Web:
    """What every page needs: the campaign, the settings, the templates, the token folders and builders."""

    def __init__(self, campaign: Campaign, settings: WebSettings, work: Path):
        self.campaign = campaign
        self.settings = settings
        self.work = work
        self.tokens = Tokens(work / "tokens", settings.token_seconds, settings.live_tokens, work, settings.data_bytes)
        self.queue = Queue(settings.jobs_at_once, settings.jobs_waiting)
        self.builder = Builder(campaign, settings, work / "cache")
        self.templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                                     trim_blocks=True, lstrip_blocks=True)
        self.templates.globals["print_choices"] = forms.PRINT_CHOICES  # the school form's and the roster's

    def lang(self, request: Request) -> str:
        return page_language(self.campaign, request.query_params.get("lang"))

    def page(self, request: Request, template: str, status: int = 200, headers: dict | None = None, **context) -> HTMLResponse:
        """A whole page in the request's language."""
        lang = self.lang(request)
        html = self.templates.get_template(template).render(
            t=words(self.campaign, lang), lang=lang, direction=i18n.text_direction(lang), campaign=self.campaign,
            name=self.campaign.name[lang],
            languages=[(code, _language_name(code)) for code in self.campaign.languages],
            columns=COLUMNS, path=request.url.path, minutes=self.settings.token_seconds // 60, settings=self.settings, MB=MB, **context)
        return HTMLResponse(html, status_code=status, headers=headers)

    def error(self, request: Request, status: int, message: str, headers: dict | None = None) -> HTMLResponse:
        return self.page(request, "error.html", status=status, message=message, headers=headers)

    def failure(self, request: Request, exc: SolidarityError, folder: Path) -> tuple[int, str, dict]:
        """(status, message, headers) for a build that failed: the input's problems (422), a server that
        cannot store the files (503, try later), or a document that could not be rendered (500); never
        a path of the server's."""
        t = words(self.campaign, self.lang(request))
        if isinstance(exc, InputError):
            return 422, t["build_input"] + " " + "; ".join(scrub(p.message, folder) for p in exc.problems), {}
        if isinstance(exc, OutputError):
            log.error("a build could not write its files: %s", type(exc).__name__)
            return 503, t["build_output"], {"retry-after": "300"}
        return 500, t["build_failed"] + " " + scrub(str(exc), folder), {}


def _language_name(code: str) -> str:
    """'English', 'Español': each language named in itself, as a language switch should."""
    from babel import Locale
    name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_")) or code
    return name[:1].upper() + name[1:]


def create_app(campaign_file: Path | None = None, settings: WebSettings = WebSettings()) -> Starlette:
    """The web application for one campaign (the built-in one when `campaign_file` is None)."""
    campaign = load_campaign(campaign_file)
    own_work = settings.work_folder is None
    work = Path(tempfile.mkdtemp(prefix="solidarity-print-web-")) if own_work else settings.work_folder
    work.mkdir(parents=True, exist_ok=True)
    web = Web(campaign, settings, work)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        sweeper = asyncio.create_task(_sweep(web))
        if settings.warm_up:
            # In a thread of its own: the server answers at once while the workers warm up.
            threading.Thread(target=web.builder.warm_up, args=(work / "warm-up",), daemon=True).start()
        try:
            yield
        finally:
            sweeper.cancel()
            web.queue.close()
            web.builder.close()
            web.tokens.close()
            if own_work:
                shutil.rmtree(work, ignore_errors=True)

    def refuse(scope, limit):
        request = Request(scope)
        if limit is None:
            return web.error(request, 400, words(campaign, web.lang(request))["bad_form"])
        return _too_large(web, request, limit)

    async def too_large(request: Request, exc: BodyTooLarge):
        return _too_large(web, request, exc.limit, exc.what)

    async def http_error(request: Request, exc: HTTPException):
        t = words(campaign, web.lang(request))
        message = {404: t["not_found"].format(minutes=settings.token_seconds // 60),
                   400: t["bad_form"]}.get(exc.status_code, exc.detail)
        return web.error(request, exc.status_code, message, headers=exc.headers)

    async def full(request: Request, exc: Full):
        log.warning("refused a new kit or job: no room (%s)", exc.reason)
        return web.error(request, 503, words(campaign, web.lang(request))["full"], headers={"retry-after": "300"})

    async def server_error(request: Request, exc: Exception):
        log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return web.error(request, 500, words(campaign, web.lang(request))["server_error"])

    routes = [
        Route("/", partial(home, web)),
        Route("/healthz", partial(healthz, web)),
        Route("/campaign.css", partial(campaign_css, web)),
        *school_pages.routes(web),
        *roster_pages.routes(web),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        Mount("/fonts", StaticFiles(directory=ASSETS / "fonts"), name="fonts"),
    ]
    return Starlette(routes=routes, lifespan=lifespan,
                     middleware=[Middleware(SecurityHeaders), Middleware(BodyLimit, limit_for=settings.body_limit, refuse=refuse)],
                     exception_handlers={BodyTooLarge: too_large, Full: full, HTTPException: http_error,
                                         500: server_error})


def _too_large(web: Web, request: Request, limit: int, what: str = "upload") -> HTMLResponse:
    t = words(web.campaign, web.lang(request))
    message = t["too_large"].format(what=t.get(f"what_{what}", what), mb=f"{limit / MB:.1f}".rstrip("0").rstrip("."))
    # The body was not read: the connection cannot carry another request.
    return web.error(request, 413, message, headers={"connection": "close"})


async def _sweep(web: Web) -> None:
    while True:
        await asyncio.sleep(web.settings.sweep_seconds)
        removed = await asyncio.to_thread(web.tokens.sweep)
        if removed:
            log.info("deleted %d expired upload folder(s)", removed)


async def home(web: Web, request: Request) -> Response:
    lang = web.lang(request)
    campaign = web.campaign
    days = [dict(slug=day.slug, title=day.text[lang].title, summary=day.text[lang].summary,
                 date=i18n.weekday_date(day.date, lang)) for day in campaign.days]
    return web.page(request, "home.html", days=days, dates=i18n.date_range(campaign.start, campaign.end, lang),
                    tagline=campaign.tagline.get(lang, ""), about=campaign.about.get(lang, ""))


async def healthz(web: Web, request: Request) -> Response:
    """Alive (200) from the start; "warming" until the warm-up has the shared renders and workers ready,
    then "ok" with how long the warm-up took, so a supervisor or a benchmark can wait for it."""
    if web.settings.warm_up and web.builder.warm_up_seconds is None:
        return JSONResponse({"status": "warming", "campaign": web.campaign.slug})
    warmed, builder = web.builder.warm_up_seconds, web.builder
    return JSONResponse({"status": "ok", "campaign": web.campaign.slug,
                         "previews": {"drawn": builder.previews_drawn, "skipped": builder.previews_skipped},
                         **({"warm_up_seconds": round(warmed, 1)} if warmed is not None else {})})


async def campaign_css(web: Web, request: Request) -> Response:
    """The focus days' colours as CSS classes (the CSP allows no inline style)."""
    rules = [f".day-{day.slug} {{ --day: {day.color}; }}" for day in web.campaign.days]
    return Response("\n".join(rules) + "\n", media_type="text/css", headers={"cache-control": "max-age=300"})

"""The web application: one FastAPI app holding the patient's screening, the kiosk, the
practitioner's desk and the HTTP API, over one records store.

The routes live in their own modules (``patient``, ``desk``, ``api``); this one builds the app
and gives them what they share: the settings, the store, the questionnaire, page rendering,
sessions bound to a cookie, and forms checked for their CSRF token.

Sessions: a patient's session is bound to one screening, a staff member's to a name; each has
its own cookie (HttpOnly, SameSite=Strict, Secure under TLS) holding a random token of which the
database keeps only a digest. Every form carries the session's CSRF token (or, before there is a
session, a token of its own in a cookie), and a post from another origin is refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from .._messages import problem
from ..errors import Problem, StorageError
from .forms import Form, FormRefused, parse_form
from .security import BodyLimit, SecurityHeaders
from .settings import Settings
from .store import Session, Store

if TYPE_CHECKING:
    from ..questionnaire import Questionnaire

__all__ = [
    "PATIENT_COOKIE",
    "STAFF_COOKIE",
    "Web",
    "WebProblem",
    "create_app",
    "web",
]

PATIENT_COOKIE = "suitability_patient"
STAFF_COOKIE = "suitability_staff"
FORM_COOKIE = "suitability_form"
HERE = Path(__file__).parent
log = logging.getLogger("suitability.web")


class WebProblem(Exception):
    """A request that cannot be served as asked: an HTTP status and what is wrong, as a page
    for a browser and as a JSON problem for the API."""

    def __init__(self, status: int, title: str, problems: list[Problem] | None = None) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.problems = problems or []


@dataclass
class Web:
    """What every route shares (``request.app.state.web``)."""

    settings: Settings
    store: Store
    questionnaire: Questionnaire
    kiosk: bool
    tls: bool
    templates: Environment

    # ------------------------------------------------------------------ pages

    def page(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status: int = 200,
        session: Session | None = None,
    ) -> HTMLResponse:
        """Renders ``template``; every page gets the settings, the questionnaire, the kiosk flag
        and a CSRF token for its forms (the session's, or a cookie's before there is one)."""
        token = session.csrf if session is not None else None
        new_form_cookie = None
        if token is None:
            token = request.cookies.get(FORM_COOKIE)
            if not token or len(token) != 43:
                token = new_form_cookie = secrets.token_urlsafe(32)
        html = self.templates.get_template(template).render(
            request=request,
            settings=self.settings,
            questionnaire=self.questionnaire,
            kiosk=self.kiosk,
            csrf=token,
            version=__version__,
            **(context or {}),
        )
        response = HTMLResponse(html, status_code=status)
        if new_form_cookie is not None:
            self.set_cookie(response, FORM_COOKIE, new_form_cookie)
        return response

    # ------------------------------------------------------------------ cookies and sessions

    def set_cookie(
        self, response: Response, name: str, value: str, *, max_age: int | None = None
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            secure=self.tls,
            httponly=True,
            samesite="strict",
        )

    def clear_cookie(self, response: Response, name: str) -> None:
        response.delete_cookie(name, path="/", secure=self.tls, httponly=True, samesite="strict")

    def patient(self, request: Request) -> tuple[str, Session] | None:
        """The patient session of this browser, if any (ended after the kiosk's idle time)."""
        token = request.cookies.get(PATIENT_COOKIE)
        if not token:
            return None
        idle = dt.timedelta(seconds=self.settings.idle_timeout_seconds) if self.kiosk else None
        found = self.store.session(token, idle=idle)
        if found is None or found.kind != "patient" or found.screening_id is None:
            return None
        return token, found

    def staff(self, request: Request) -> tuple[str, Session] | None:
        """The staff session of this browser, if any (ended after the staff idle time)."""
        token = request.cookies.get(STAFF_COOKIE)
        if not token:
            return None
        idle = dt.timedelta(minutes=self.settings.staff_idle_minutes)
        found = self.store.session(token, idle=idle)
        if found is None or found.kind != "staff" or found.staff is None:
            return None
        return token, found

    # ------------------------------------------------------------------ forms

    async def form(
        self,
        request: Request,
        session: Session | None,
        *,
        repeatable: Collection[str] = (),
        allowed: Collection[str] | None = None,
    ) -> Form:
        """The posted form, read strictly, after its origin and CSRF token are checked.

        ``allowed`` names the page's own fields (``csrf`` is always allowed)."""
        self.same_origin(request)
        body = await request.body()
        try:
            form = parse_form(
                body,
                request.headers.get("content-type"),
                repeatable=repeatable,
                allowed=None if allowed is None else {*allowed, "csrf"},
            )
        except FormRefused as refused:
            raise WebProblem(
                refused.status, "This form could not be read", refused.problems
            ) from None
        expected = session.csrf if session is not None else request.cookies.get(FORM_COOKIE)
        given = form.get("csrf")
        if not expected or not given or not secrets.compare_digest(expected, given):
            raise WebProblem(403, "This page has expired", [problem("csrf_missing", "csrf")])
        return form

    def same_origin(self, request: Request) -> None:
        """Refuses a post whose Origin (or, failing that, Sec-Fetch-Site) says it came from
        another site: a second line of defence behind the CSRF token."""
        origin = request.headers.get("origin")
        if origin is not None and origin != "null":
            expected = f"{request.url.scheme}://{request.headers.get('host', '')}"
            if origin != expected:
                raise WebProblem(403, "This page has expired", [problem("csrf_missing", "origin")])
        elif request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
            raise WebProblem(403, "This page has expired", [problem("csrf_missing", "origin")])


def web(request: Request) -> Web:
    """The shared state of the app serving ``request``."""
    found: Web = request.app.state.web
    return found


def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def create_app(
    settings: Settings | None = None,
    store: Store | None = None,
    questionnaire: Questionnaire | None = None,
    *,
    kiosk: bool = False,
    tls: bool = False,
) -> Any:
    """The ASGI application (FastAPI, wrapped in the security middleware)."""
    from ..questionnaire import default_questionnaire

    shared = Web(
        settings=settings or Settings(),
        store=store or Store.in_memory(),
        questionnaire=questionnaire or default_questionnaire(),
        kiosk=kiosk,
        tls=tls,
        templates=_templates(),
    )
    app = FastAPI(
        title="suitability",
        version=__version__,
        description="Pre-consultation screening aid (not medical advice): an HTTP API for "
        "booking systems and clinic software.",
        docs_url=None,  # the interactive docs load scripts from elsewhere: not served
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.web = shared
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(WebProblem)
    async def _problem(request: Request, exc: WebProblem) -> Response:
        return problem_response(request, exc)

    @app.exception_handler(StorageError)
    async def _storage(request: Request, exc: StorageError) -> Response:
        # The database underneath failed (full disk, locked, damaged): said plainly, never a
        # traceback. The log gets the store's own words, which name no answer by design.
        log.error("records database: %s (%s %s)", exc, request.method, request.url.path)
        return problem_response(
            request,
            WebProblem(503, "The records could not be used", [problem("records_unavailable")]),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "This page does not exist", 405: "This page cannot be used that way"}
        title = titles.get(exc.status_code, "This request could not be served")
        return problem_response(request, WebProblem(exc.status_code, title))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # FastAPI's own message quotes the input: only the location is kept.
        found = [
            problem("invalid_request", ".".join(str(p) for p in e.get("loc", ())))
            for e in exc.errors()
        ]
        return problem_response(request, WebProblem(422, "This request is not valid", found))

    from . import routes

    routes.install(app)
    return SecurityHeaders(BodyLimit(app), tls=tls)


def problem_response(request: Request, exc: WebProblem) -> Response:
    """The problem as JSON for the API (private wording: never a value given), as a page in
    plain words for a person."""
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {
                "title": exc.title,
                "status": exc.status,
                "problems": [
                    {"location": p.location, "message": p.text(values=False)} for p in exc.problems
                ],
            },
            status_code=exc.status,
            media_type="application/problem+json",
        )
    shared = web(request)
    return shared.page(
        request,
        "problem.html",
        {"title": exc.title, "messages": [p.text(plain=True) for p in exc.problems]},
        status=exc.status,
    )

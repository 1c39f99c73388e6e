"""Puts every part of the web app on the application: each part is a module with a ``router``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from . import api, desk, kiosk, returning
from .app import web

__all__ = ["install"]

home = APIRouter(include_in_schema=False)


@home.get("/", response_class=HTMLResponse)
async def welcome(request: Request) -> Response:
    shared = web(request)
    if shared.kiosk:
        return kiosk.welcome(request, shared)
    return shared.page(request, "home.html")


def install(app: Any) -> None:
    from . import patient

    app.include_router(home)
    app.include_router(desk.router)
    app.include_router(patient.router)
    kiosk.install(app)
    app.include_router(returning.router)
    api.install(app)

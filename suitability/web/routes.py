"""Puts every part of the web app on the application: each part is a module with a ``router``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from . import api
from .app import web

__all__ = ["install"]

home = APIRouter(include_in_schema=False)


@home.get("/", response_class=HTMLResponse)
async def welcome(request: Request) -> HTMLResponse:
    shared = web(request)
    return shared.page(request, "home.html")


def install(app: Any) -> None:
    from . import patient

    app.include_router(home)
    app.include_router(patient.router)
    api.install(app)

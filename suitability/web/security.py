"""What every response of the web app carries, and what every request must respect, as plain
ASGI middleware (it runs before any route, and costs microseconds).

- Security headers: a Content-Security-Policy with no inline script or style and no source but
  this server, no framing, no referrer, no caching of pages (a shared tablet's back button and
  history must not bring back the previous patient), HSTS under TLS.
- A body limit: a request whose declared length is over the limit is refused with 413 before
  any of its body is read; one that streams past it is cut off with 413 as soon as it does.
- An access log of method, path, status and time: never a query string, a form or a body, so
  no answer ever reaches a log.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["CSP", "BodyLimit", "SecurityHeaders", "body_limit_for"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]
_NO_STORE = [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]
# The stylesheet and script hold nothing of anyone's: the browser may keep them for an hour.
_STATIC_CACHE = [(b"cache-control", b"public, max-age=3600")]

#: Form posts: a page of answers, free text included, fits well within this.
FORM_LIMIT = 256 * 1024


def body_limit_for(path: str) -> int:
    """The most a request to ``path`` may send: an answers document for the API, a page of
    answers for a form."""
    if path.startswith("/api/"):
        from .._reader import MAX_ANSWERS_BYTES

        return MAX_ANSWERS_BYTES
    return FORM_LIMIT


log = logging.getLogger("suitability.web")


class SecurityHeaders:
    """Adds the security headers to every response, and logs it without its query or body."""

    def __init__(self, app: ASGIApp, *, tls: bool = False) -> None:
        self.app = app
        self.tls = tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        static = path.startswith("/static/")
        started = time.perf_counter()
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"cache-control", b"server")
                ]
                headers += _HEADERS + (_STATIC_CACHE if static else _NO_STORE)
                if self.tls:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            log.info(
                "%s %s %s %.0fms",
                scope.get("method", "-"),
                path,
                status or "-",
                (time.perf_counter() - started) * 1000,
            )


class BodyLimit:
    """Refuses a request body over its limit with 413, before reading it where the length is
    declared, and as soon as it passes the limit where it is streamed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit_for(str(scope.get("path", "")))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, send, limit)
            return
        seen = 0
        started = False
        refused = False

        async def counted_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit and not started:
                    # Answered here and now; the app is told the client has gone, and what
                    # it still sends is dropped: the 413 is the response.
                    refused = True
                    await _refuse(scope, send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except Exception:
            if not refused:
                raise


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    from .._messages import problem

    found = problem("body_too_large", limit=limit)
    if str(scope.get("path", "")).startswith("/api/"):
        body = json.dumps(
            {
                "title": "Request body too large",
                "status": 413,
                "problems": [{"location": "", "message": found.text(values=False)}],
            }
        ).encode()
        kind = b"application/problem+json"
    else:
        body = (
            "<!doctype html><html lang=en><head><meta charset=utf-8>"
            "<title>Too much was sent</title></head><body><main><h1>Too much was sent</h1>"
            f"<p>{found.text(plain=True)}</p></main></body></html>"
        ).encode()
        kind = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

"""Save and return: a screening interrupted in the browser gets a return code that continues it
on the same server within the clinic's ``return_code_hours``, as REDCap's "save and return
later" does.

A code is read aloud across a desk or over the phone and typed on a tablet, so it is short,
grouped in threes, and drawn from an alphabet without the characters people confuse (none of
0/O/Q, 1/I/L, 2/Z or 5/S; one of each of 6/G, 8/B and U/V): nine characters from 23 give 40.7
bits of randomness. Typed
in any case, with or without spaces and dashes. It works once; the database keeps only its
digest; and entering codes is throttled per client address, so guessing one is hopeless.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..errors import StorageError
from .app import PATIENT_COOKIE, Web, web
from .store import now

__all__ = [
    "ALPHABET",
    "CODE_BITS",
    "CODE_LENGTH",
    "RETURN_COOKIE",
    "leave",
    "new_code",
    "normalise",
    "router",
    "shown",
    "throttle_key",
    "throttle_key_for",
]

ALPHABET = "346789ACDEFHJKMNPRTUWXY"
GROUP = 3
CODE_LENGTH = 9
CODE_BITS = CODE_LENGTH * math.log2(len(ALPHABET))
#: Holds the code just given, so that the page showing it survives a reload (the code is
#: never in a URL, which the access log and the history would keep).
RETURN_COOKIE = "suitability_return"
#: How long the page showing a code can be reloaded outside kiosk mode.
SHOWN_SECONDS = 15 * 60
#: Why a record set aside this way is partial (the desk shows it).
LEFT = "saved to continue later"

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]+")

router = APIRouter(include_in_schema=False)


def new_code() -> str:
    """A fresh code, without its separators (the form that is stored and compared)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """The code as it is shown and read aloud: ``K7P-MX4-R3T``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise(typed: str) -> str | None:
    """The code someone typed, in the stored form, or None if it cannot be one (a code is
    never looked up unless it could be one)."""
    code = _SEPARATORS.sub("", typed).upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def throttle_key_for(address: str) -> str:
    """Codes are throttled per client address: one tablet, or one home, at a time."""
    return f"return-code:{address}"


def throttle_key(request: Request) -> str:
    return throttle_key_for(request.client.host if request.client else "unknown")


def leave(request: Request, shared: Web, token: str, record_id: str) -> Response:
    """Sets the screening of this session aside with a new return code, ends the session and
    sends the browser to the page showing the code. The patient flow may call this after
    saving the answers of the page it was on."""
    expires = now() + dt.timedelta(hours=shared.settings.return_code_hours)
    for _attempt in range(3):
        code = new_code()
        try:
            shared.store.set_return_code(record_id, code, expires)
            break
        except StorageError:
            # The same digest as a live code (about one chance in 10^12): draw again.
            continue
    else:  # pragma: no cover - three collisions in a row do not happen
        raise StorageError("could not make a return code")
    shared.store.mark_partial(record_id, LEFT)
    shared.store.audit("patient", "saved to continue later", record_id)
    shared.store.end_session(token)
    response = RedirectResponse("/screening/left", status_code=303)
    shared.clear_cookie(response, PATIENT_COOKIE)
    max_age = shared.settings.result_clear_seconds if shared.kiosk else SHOWN_SECONDS
    shared.set_cookie(response, RETURN_COOKIE, code, max_age=max_age)
    return response


def _to_start(shared: Web) -> RedirectResponse:
    response = RedirectResponse("/", status_code=303)
    shared.clear_cookie(response, PATIENT_COOKIE)
    return response


@router.post("/screening/leave")
async def leave_screening(request: Request) -> Response:
    """ "Save and return later": the answers given so far are kept, with a return code."""
    shared = web(request)
    found = shared.patient(request)
    if found is None:
        return _to_start(shared)
    token, session = found
    await shared.form(request, session, allowed=())
    record = shared.store.get(session.screening_id or "")
    if record is None or record.status == "complete":
        shared.store.end_session(token)
        return _to_start(shared)
    return leave(request, shared, token, record.id)


@router.get("/screening/left", response_class=HTMLResponse)
async def left(request: Request) -> Response:
    shared = web(request)
    code = normalise(request.cookies.get(RETURN_COOKIE) or "")
    if code is None:
        return RedirectResponse("/", status_code=303)
    return shared.page(
        request,
        "kiosk/left.html",
        {"code": shown(code), "spoken": " ".join(code), "hours": shared.settings.return_code_hours},
    )


@router.post("/screening/left")
async def left_done(request: Request) -> Response:
    """ "I have noted it": the code leaves this browser."""
    shared = web(request)
    await shared.form(request, None, allowed=())
    response = RedirectResponse("/", status_code=303)
    shared.clear_cookie(response, RETURN_COOKIE)
    return response


def _entry(
    request: Request, shared: Web, *, error: str | None = None, status: int = 200
) -> HTMLResponse:
    return shared.page(
        request,
        "kiosk/return.html",
        {"error": error, "hours": shared.settings.return_code_hours, "example": "K7P-MX4-R3T"},
        status=status,
    )


def _wait(seconds: float) -> str:
    if seconds <= 90:
        return f"{max(1, math.ceil(seconds))} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


@router.get("/screening/return", response_class=HTMLResponse)
async def return_entry(request: Request) -> HTMLResponse:
    return _entry(request, web(request))


@router.post("/screening/return")
async def return_continue(request: Request) -> Response:
    shared = web(request)
    form = await shared.form(request, None, allowed={"code"})
    key = throttle_key(request)
    blocked = shared.store.blocked_for(key)
    if blocked > 0:
        return _entry(
            request,
            shared,
            error=f"Too many codes were tried from here. Please wait {_wait(blocked)} and "
            "try again, or ask the clinic's staff.",
            status=429,
        )
    code = normalise(form.get("code") or "")
    if code is None:
        return _entry(
            request,
            shared,
            error=f"A return code has {CODE_LENGTH} letters and digits, in groups of three, "
            "like K7P-MX4-R3T. Please check it and type it again.",
            status=400,
        )
    record_id = shared.store.take_return_code(code)
    if record_id is None:
        shared.store.failed(key)
        return _entry(
            request,
            shared,
            error="That code does not continue a screening. It may be mistyped, already "
            f"used (each code works once), or older than {shared.settings.return_code_hours} "
            "hours. Please check it and try again, or start a new screening.",
            status=400,
        )
    shared.store.succeeded(key)
    from .patient import continue_screening

    # Any screening this browser was in is left as it is (its session ends): the code's
    # screening takes over.
    response = continue_screening(request, shared, record_id, source="return code")
    shared.clear_cookie(response, RETURN_COOKIE)
    return response

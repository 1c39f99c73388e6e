"""Kiosk mode (``suitability serve --kiosk``): a clinic's tablet handed across the desk, one
patient after another.

- A welcome page, asking for a name or booking reference at the start as the clinic configures.
- After Finish the next person starts clean: the session ends on the server, the cookies go
  (and the browser is asked to clear what it keeps of the site), and the pages of an ended
  session only ever lead back to the welcome page, so the back button shows nothing of anyone.
- Idle: the pages warn "Are you still there?" before the idle timeout (kiosk.js); at the
  timeout the tablet goes to ``/kiosk/timeout``, which saves the answers as a partial record for
  the staff and ends the session. Without JavaScript a meta refresh goes there instead. The
  server enforces the timeout too: a session idle longer is refused, and ``sweep`` marks its
  screening timed out.
- Staff can reopen a timed-out screening on the tablet for its patient, once they have checked
  the name or reference given at the start.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .app import PATIENT_COOKIE, STAFF_COOKIE, Web, WebProblem, web
from .returning import RETURN_COOKIE
from .settings import Settings, reference_problem
from .store import Record, Session, Store, now

__all__ = [
    "SOURCE",
    "TIMED_OUT",
    "SessionEnded",
    "install",
    "reopen_url",
    "router",
    "same_reference",
    "sweep",
    "timed_out",
    "welcome",
]

SOURCE = "kiosk"
TIMED_OUT = "timed out"
#: What a kiosk screening that was ended before its result is marked.
ENDED = "ended at the kiosk"
#: What the browser is asked to forget when a patient's turn ends (a secure context only:
#: 127.0.0.1 or TLS, which is how a kiosk is served).
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'

router = APIRouter(include_in_schema=False)


# ---------------------------------------------------------------------- store-side queries


def _stamp(moment: dt.datetime) -> str:
    # The store's own format (UTC, seconds), so that its text columns compare as times.
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def sweep(store: Store, settings: Settings) -> int:
    """Marks timed out (partial, for the staff) every kiosk screening still in progress whose
    sessions have all been idle longer than the idle timeout, and ends those sessions; returns
    how many. This is the server's side of the timeout: it holds when the tablet was switched
    off or its page never got to send the browser to the timeout."""
    cutoff = _stamp(now() - dt.timedelta(seconds=settings.idle_timeout_seconds))
    # One transaction, so that a session used in between cannot see its screening closed.
    with store._transaction() as db:
        ids = [
            row[0]
            for row in db.execute(
                "SELECT id FROM screenings s WHERE s.status = 'in_progress' AND s.source = ? "
                "AND s.updated < ? AND NOT EXISTS (SELECT 1 FROM sessions x "
                "WHERE x.screening_id = s.id AND x.last_seen >= ?)",
                (SOURCE, cutoff, cutoff),
            ).fetchall()
        ]
        for record_id in ids:
            db.execute(
                "UPDATE screenings SET status = 'partial', reason = ?, needs_staff = 1, "
                "updated = ?, assessment = NULL WHERE id = ? AND status = 'in_progress'",
                (TIMED_OUT, _stamp(now()), record_id),
            )
            db.execute("DELETE FROM sessions WHERE screening_id = ?", (record_id,))
    return len(ids)


def timed_out(
    store: Store,
    settings: Settings | None = None,
    *,
    within: dt.timedelta = dt.timedelta(days=1),
) -> list[Record]:
    """Kiosk screenings that timed out while nobody was there, newest first, set aside within
    ``within``: the staff can reopen each for its patient (``reopen_url``). With ``settings``,
    sessions idle past the timeout are swept first."""
    if settings is not None:
        sweep(store, settings)
    rows = store._query(
        "SELECT id FROM screenings WHERE status = 'partial' AND needs_staff = 1 AND reason = ? "
        "AND source = ? AND updated >= ? ORDER BY updated DESC, id",
        (TIMED_OUT, SOURCE, _stamp(now() - within)),
    )
    found = (store.get(row[0]) for row in rows)
    return [record for record in found if record is not None]


def reopen_url(record_id: str) -> str:
    """Where the desk sends staff to reopen a timed-out screening on this browser (the tablet)."""
    return f"/kiosk/reopen/{record_id}"


def _clean(text: str) -> str:
    return " ".join(text.split())


def same_reference(typed: str, given: str | None) -> bool:
    """Whether staff typed the name or reference given at the start: case, accents' forms and
    spacing aside. An empty entry matches a screening started without one."""

    def key(text: str) -> str:
        return unicodedata.normalize("NFKC", _clean(text)).casefold()

    return key(typed) == key(given or "")


# ---------------------------------------------------------------------- helpers


def _kiosk_only(shared: Web) -> None:
    if not shared.kiosk:
        raise WebProblem(404, "This page does not exist")


def _clean_start(shared: Web) -> RedirectResponse:
    """Back to the welcome page with nothing of the last patient kept by this browser."""
    response = RedirectResponse("/", status_code=303)
    shared.clear_cookie(response, PATIENT_COOKIE)
    shared.clear_cookie(response, RETURN_COOKIE)
    response.headers["clear-site-data"] = CLEAR_SITE_DATA
    return response


def _live_page(shared: Web, finished: bool) -> RedirectResponse:
    # The screening this browser is in (the back button from its first page comes here):
    # its result once finished, else its first page, whose Continue leads on to where the
    # patient was.
    target = "/screening/result" if finished else "/screening/section/1"
    return RedirectResponse(target, status_code=303)


class SessionEnded(WebProblem):
    """A screening page asked for in kiosk mode without a live session (it ended: Finish, the
    idle timeout, or another patient's turn). Raised by the screening pages; answered by
    sending the tablet to the welcome page, so that the back button after Finish finds
    nothing of the last patient."""

    def __init__(self) -> None:
        super().__init__(403, "No screening is open in this browser")


async def _session_ended(request: Request, exc: Exception) -> Response:
    shared = web(request)
    response = RedirectResponse("/", status_code=303)
    shared.clear_cookie(response, PATIENT_COOKIE)
    return response


def install(app: Any) -> None:
    """Puts the kiosk's routes on the app, and its answer to the pages of an ended session."""
    app.include_router(router)
    app.add_exception_handler(SessionEnded, _session_ended)


def _welcome_page(
    request: Request, shared: Web, *, error: str | None = None, status: int = 200
) -> Response:
    response = shared.page(request, "kiosk/welcome.html", {"error": error}, status=status)
    if request.cookies.get(PATIENT_COOKIE):
        shared.clear_cookie(response, PATIENT_COOKIE)
    return response


# ---------------------------------------------------------------------- routes


def welcome(request: Request, shared: Web) -> Response:
    """GET / in kiosk mode: the welcome page, or the screening this browser is in."""
    sweep(shared.store, shared.settings)
    found = shared.patient(request)
    if found is not None:
        return _live_page(shared, bool(found[1].data.get("finished")))
    return _welcome_page(request, shared)


@router.post("/kiosk/start")
async def start(request: Request) -> Response:
    shared = web(request)
    _kiosk_only(shared)
    asked = shared.settings.ask_reference != "no"
    form = await shared.form(request, None, allowed={"reference"} if asked else ())
    found = shared.patient(request)
    if found is not None:  # a second press of Start: the screening already begun goes on
        return _live_page(shared, bool(found[1].data.get("finished")))
    reference = _clean(form.get("reference") or "") if asked else ""
    required = shared.settings.ask_reference == "required"
    label = shared.settings.reference_label
    error = reference_problem(reference, required=required, label=label) if asked else None
    if error is not None:
        return _welcome_page(request, shared, error=error, status=400)
    sweep(shared.store, shared.settings)
    from .patient import start_screening

    return start_screening(request, shared, reference=reference or None, source=SOURCE)


@router.post("/kiosk/finish")
async def finish(request: Request) -> Response:
    """Finish: this patient's turn ends and the tablet is ready for the next one."""
    shared = web(request)
    _kiosk_only(shared)
    found = shared.patient(request)
    if found is not None:
        token, session = found
        await shared.form(request, session, allowed=())
        record = shared.store.get(session.screening_id or "")
        if record is not None and record.status == "in_progress":
            shared.store.mark_partial(record.id, ENDED)
        shared.store.end_session(token)
    # Without a session there is nothing to end, and clearing this browser's own cookies is
    # harmless whoever asks: no CSRF check is needed for that.
    return _clean_start(shared)


@router.get("/kiosk/timeout")
async def timeout(request: Request) -> Response:
    """Where an idle page sends the tablet (kiosk.js, or a meta refresh with JavaScript off).

    A GET, so it is kept safe: it only ends the session of the browser sending it (its cookie
    is SameSite=Strict, so another site cannot make the browser send it here), saving that
    screening as timed out, and changes nothing else."""
    shared = web(request)
    _kiosk_only(shared)
    token = request.cookies.get(PATIENT_COOKIE)
    if token and request.headers.get("sec-fetch-site") not in ("cross-site", "same-site"):
        # Not Web.patient: a session past its idle time is what this is for, not a refusal.
        session = shared.store.session(token)
        if session is not None and session.kind == "patient" and session.screening_id:
            record = shared.store.get(session.screening_id)
            if record is not None and record.status == "in_progress":
                shared.store.mark_partial(record.id, TIMED_OUT, needs_staff=True)
            shared.store.end_session(token)
    return _clean_start(shared)


@router.post("/kiosk/alive")
async def alive(request: Request) -> Response:
    """kiosk.js says the patient is still there (they touched or typed): the session's idle
    time starts again. 410 once the session is gone, so the page leaves too."""
    shared = web(request)
    _kiosk_only(shared)
    found = shared.patient(request)
    if found is None:
        return Response(status_code=410)
    await shared.form(request, found[1], allowed=())
    return Response(status_code=204)


def _staff(request: Request, shared: Web) -> tuple[str, Session]:
    # Not kiosk-only: a server restarted without --kiosk still lets staff reopen what the
    # desk lists.
    found = shared.staff(request)
    if found is None or found[1].staff is None:
        raise WebProblem(403, "Staff only: please log in at the desk first")
    return found


def _reopenable(shared: Web, record_id: str) -> Record:
    for record in timed_out(shared.store, shared.settings):
        if record.id == record_id:
            return record
    raise WebProblem(404, "This screening cannot be reopened here")


def _reopen_page(
    request: Request,
    shared: Web,
    session: Session,
    record: Record,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return shared.page(
        request,
        "kiosk/reopen.html",
        {"record": record, "error": error, "action": reopen_url(record.id)},
        status=status,
        session=session,
    )


@router.get("/kiosk/reopen/{record_id}", response_class=HTMLResponse)
async def reopen_form(request: Request, record_id: str) -> HTMLResponse:
    shared = web(request)
    _token, session = _staff(request, shared)
    return _reopen_page(request, shared, session, _reopenable(shared, record_id))


@router.post("/kiosk/reopen/{record_id}")
async def reopen(request: Request, record_id: str) -> Response:
    """Staff reopen a timed-out screening on this tablet for its patient, after checking the
    name or reference given at the start; their own session ends here, so that the patient
    handed the tablet cannot reach the desk."""
    shared = web(request)
    token, session = _staff(request, shared)
    staff = session.staff or ""
    form = await shared.form(request, session, allowed={"reference"})
    record = _reopenable(shared, record_id)
    if not same_reference(form.get("reference") or "", record.reference):
        shared.store.audit(staff, "kiosk reopen refused: reference did not match", record.id)
        return _reopen_page(
            request,
            shared,
            session,
            record,
            error="This does not match the name or reference given at the start. Please "
            "check it with the patient.",
            status=400,
        )
    shared.store.audit(staff, "kiosk screening reopened for the patient", record.id)
    shared.store.end_session(token)
    from .patient import continue_screening

    response = continue_screening(request, shared, record.id, source=staff)
    shared.clear_cookie(response, STAFF_COOKIE)
    return response

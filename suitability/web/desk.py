"""The practitioner's desk: staff log in, see today's and recent intakes at a glance, read a
record, mark it reviewed, export it (JSON or CSV), delete it, and read the audit log.

Every desk page needs a staff session (``STAFF_COOKIE``); a patient's session never opens one.
A page asked for without one sends the browser to the login page; a form posted without one is
refused (403). Every action on a record is written to the audit log (who, what, which record,
when), never what the record holds.

Login: a name and a password checked with argon2 (``passwords.verify``). A wrong name
and a wrong password give the same message and cost the same work (an unknown name is checked
against a decoy hash), and attempts are throttled per name and per address.

Retention: when the clinic sets ``retention_days``, records older than that are deleted when
the server starts and then once a day while it runs (the router's lifespan), and again from a
desk list view if a day has passed since (the server may run without its lifespan, as in tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import io
import logging
import re
import threading
import weakref
from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from .._json import dumps
from ..answers import display_value
from ..assessment import Assessment, TreatmentVerdict, UsedAnswer
from ..errors import StorageError
from ..questionnaire import Questionnaire
from ..rules.catalogue import TREATMENTS
from ..treatments import SHORT_NAMES, TREATMENT_INFO
from .app import STAFF_COOKIE, Web, WebProblem, web
from .kiosk import reopen_url, timed_out
from .passwords import MAX_PASSWORD, verify
from .store import Record, Session, Store, now, record_json

__all__ = [
    "FIT_WORDS",
    "SHORT",
    "VERDICT_WORDS",
    "csv_cell",
    "purge_if_due",
    "record_csv",
    "record_json",
    "router",
]

#: The list's short label of each treatment (explained by the legend under it).
SHORT = SHORT_NAMES
#: Staff's words for a verdict: (the list's short word, the record page's words).
VERDICT_WORDS = {
    "worth_discussing": ("worth discussing", "Worth discussing"),
    "discuss_with_caution": ("caution", "Discuss with caution"),
    "avoid_until_reviewed": ("REVIEW FIRST", "Not advisable until a practitioner reviews it"),
    "not_relevant": ("not relevant", "Not relevant: serves none of the goals given"),
}
FIT_WORDS = {
    "fits": "Fits their plans",
    "ask_the_practitioner": "Ask about their plans",
    "does_not_fit": "Does not fit their plans",
}
EFFECT_WORDS = {"relevant": "serves a goal", "caution": "caution", "avoid": "review first"}
STATUS_WORDS = {"complete": "Complete", "partial": "Partial", "in_progress": "In progress"}

PAGE_SIZE = 50
#: A login attempt for one name pauses after a few failures; one address gets more room, as
#: several staff may share it.
NAME_FREE_TRIES = 3
ADDRESS_FREE_TRIES = 10
#: How often the retention task wakes to see whether a day has passed since the last purge.
RETENTION_WAKE_SECONDS = 3600.0
RETENTION_EVERY = dt.timedelta(days=1)

View = Literal["today", "week", "all"]
VIEWS: dict[str, str] = {"today": "Today", "week": "Last 7 days", "all": "All"}


# --------------------------------------------------------------------------- retention


_last_purge: weakref.WeakKeyDictionary[Store, dt.datetime] = weakref.WeakKeyDictionary()
_purge_lock = threading.Lock()


def purge_if_due(shared: Web, *, at: dt.datetime | None = None) -> int | None:
    """Deletes the records older than the retention setting if a day has passed since the
    last purge of this store (or none was made yet); returns how many, or None if not due."""
    days = shared.settings.retention_days
    if days is None:
        return None
    moment = at or now()
    with _purge_lock:
        last = _last_purge.get(shared.store)
        if last is not None and moment - last < RETENTION_EVERY:
            return None
        deleted = shared.store.purge_older_than(days, actor="retention")
        # Only a purge that was made counts: one the database refused is tried again.
        _last_purge[shared.store] = moment
    return deleted


async def _retention_loop(shared: Web) -> None:
    while True:
        await asyncio.sleep(RETENTION_WAKE_SECONDS)
        try:
            await run_in_threadpool(purge_if_due, shared)
        except StorageError as exc:  # tried again at the next wake; the message holds no answer
            log.warning("retention: %s", exc)


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Purges before the server takes its first request, then daily while it runs."""
    shared: Web = app.state.web
    await run_in_threadpool(purge_if_due, shared)
    task = asyncio.create_task(_retention_loop(shared))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


log = logging.getLogger("suitability.web")
router = APIRouter(include_in_schema=False, lifespan=_lifespan)


# --------------------------------------------------------------------------- sessions


def _staff(request: Request) -> tuple[Web, str, Session] | None:
    shared = web(request)
    found = shared.staff(request)
    if found is None:
        return None
    return shared, found[0], found[1]


def _to_login() -> RedirectResponse:
    return RedirectResponse("/desk/login", status_code=303)


def _staff_for_post(request: Request) -> tuple[Web, str, Session]:
    found = _staff(request)
    if found is None:
        raise WebProblem(403, "Staff only: please log in at the desk first")
    return found


def _page(
    shared: Web,
    request: Request,
    session: Session | None,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HTMLResponse:
    context = {"staff": session.staff if session else None, **context}
    return shared.page(request, template, context, status=status, session=session)


# --------------------------------------------------------------------------- login


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/desk/login", response_class=HTMLResponse)
async def login_page(request: Request) -> Response:
    if _staff(request) is not None:
        return RedirectResponse("/desk", status_code=303)
    return _login_page(web(request), request, None, "")


def _login_page(
    shared: Web, request: Request, message: str | None, name: str, *, status: int = 200
) -> HTMLResponse:
    context = {"message": message, "name": name}
    return _page(shared, request, None, "desk/login.html", context, status=status)


@router.post("/desk/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    shared = web(request)
    form = await shared.form(request, None, allowed=("name", "password"))
    name = (form.get("name") or "").strip()
    password = form.get("password") or ""
    store = shared.store
    keys = (f"desk-login-name:{name.casefold()}", f"desk-login-address:{_address(request)}")
    known = store.staff_hash(name) if name else None
    # A name typed wrong may be a password typed in the wrong box: only staff names are logged.
    actor = name if known is not None else "(not a staff name)"
    wait = max(store.blocked_for(key) for key in keys)
    if wait > 0:
        store.audit(actor, "login refused: too many attempts")
        seconds = int(wait) + 1
        message = (
            f"Too many attempts. Please wait {seconds} second{'s' if seconds != 1 else ''} "
            "and try again."
        )
        return _login_page(shared, request, message, name, status=429)
    # An unknown name is checked against a decoy hash: the same work, the same answer.
    ok = len(password) <= MAX_PASSWORD and await run_in_threadpool(verify, known, password)
    if not ok:
        store.failed(keys[0], free=NAME_FREE_TRIES)
        store.failed(keys[1], free=ADDRESS_FREE_TRIES)
        store.audit(actor, "login failed")
        message = "That name and password do not match. Please try again."
        return _login_page(shared, request, message, name, status=401)
    for key in keys:
        store.succeeded(key)
    old = request.cookies.get(STAFF_COOKIE)
    if old:
        store.end_session(old)  # a new token at each login: a planted cookie opens nothing
    token, _ = store.new_session("staff", staff=name)
    store.audit(name, "logged in")
    response = RedirectResponse("/desk", status_code=303)
    shared.set_cookie(response, STAFF_COOKIE, token)
    return response


@router.post("/desk/logout")
async def logout(request: Request) -> Response:
    shared, token, session = _staff_for_post(request)
    await shared.form(request, session, allowed=())
    shared.store.end_session(token)
    shared.store.audit(session.staff or "", "logged out")
    response = RedirectResponse("/desk/login", status_code=303)
    shared.clear_cookie(response, STAFF_COOKIE)
    return response


# --------------------------------------------------------------------------- the list


@dataclass
class Row:
    """One record as the list shows it."""

    id: str
    who: str
    time: str
    status: str
    verdicts: list[tuple[str, str, str, str]]  # (short, name, short word, verdict)
    headline: str
    flags: list[str]
    reviewed: str | None
    reopenable: bool
    reopen_url: str = ""


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _status(record: Record, reopenable: bool) -> str:
    if reopenable:
        return "Timed out, can be reopened"
    words = STATUS_WORDS.get(record.status, record.status)
    if record.status == "partial" and record.reason:
        return f"{words} ({record.reason})"
    return words


def _assessment(record: Record) -> Assessment | None:
    if record.assessment is None:
        return None
    try:
        return Assessment.model_validate(record.assessment)
    except ValidationError:
        return None


@dataclass(frozen=True)
class Headline:
    """What the list and the CSV need of an assessment: each treatment's verdict and fit, and
    the flags' titles. Read from the record's stored headline (see ``store.headline_of``): the
    list reads no assessment at all."""

    verdicts: dict[str, tuple[str, str]]  # treatment -> (verdict, fit)
    names: dict[str, str]
    flags: list[str]


def _headline(record: Record) -> Headline | None:
    """None when the record has no assessment, or one that cannot be read as one."""
    data = record.headline
    if record.status != "complete" or data is None:
        return None
    try:
        verdicts = {str(t): (str(v[0]), str(v[1])) for t, v in data["verdicts"].items()}
        names = {str(t): str(v[2]) for t, v in data["verdicts"].items()}
        flags = [str(f) for f in data["flags"]]
    except (KeyError, TypeError, AttributeError, IndexError):
        return None
    if any(v not in VERDICT_WORDS for v, _ in verdicts.values()):
        return None
    return Headline(verdicts, names, flags)


def _row(record: Record, reopenable: Collection[str] = ()) -> Row:
    headline = _headline(record)
    verdicts: list[tuple[str, str, str, str]] = []
    flags: list[str] = []
    line = ""
    if record.status != "complete":
        # Verdicts from an unfinished screening would read unanswered questions as findings.
        line = f"not assessed: {_count(len(record.answers), 'answer')} so far"
    elif headline is None:
        line = "the assessment could not be read"
    else:
        for treatment in TREATMENTS:
            verdict, _fit = headline.verdicts.get(treatment, ("not_relevant", ""))
            if verdict == "not_relevant":
                continue
            verdicts.append(
                (
                    SHORT.get(treatment, treatment),
                    headline.names.get(treatment, treatment),
                    VERDICT_WORDS[verdict][0],
                    verdict,
                )
            )
        if not verdicts:
            line = "no treatment serves the goals given"
        flags = headline.flags
    reviewed = None
    if record.reviewed_by:
        reviewed = f"{record.reviewed_by}, {_local(record.reviewed_at)}"
    return Row(
        id=record.id,
        who=record.reference or f"no name given ({record.id[:6]})",
        time=_local(record.started),
        status=_status(record, record.id in reopenable),
        verdicts=verdicts,
        headline=line,
        flags=flags,
        reviewed=reviewed,
        reopenable=record.id in reopenable,
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()).astimezone()


@router.get("/desk", response_class=HTMLResponse)
async def desk_list(
    request: Request,
    view: View = "today",
    page: int = Query(default=1, ge=1, le=2000),
) -> Response:
    found = _staff(request)
    if found is None:
        return _to_login()
    shared, _, session = found
    await run_in_threadpool(purge_if_due, shared)
    today = dt.datetime.now().astimezone().date()
    since = None
    if view == "today":
        since = _local_midnight(today)
    elif view == "week":
        since = _local_midnight(today - dt.timedelta(days=6))
    skip = (page - 1) * PAGE_SIZE
    records = shared.store.records(since=since, limit=PAGE_SIZE + 1, offset=skip, assessments=False)
    more = len(records) > PAGE_SIZE
    # Kiosk screenings that timed out while nobody was there (h-kiosk's rule: within a day);
    # staff reopen them on the tablet itself, which then carries on for the patient.
    waiting = [_row(r, (r.id,)) for r in timed_out(shared.store, shared.settings)]
    for row in waiting:
        row.reopen_url = reopen_url(row.id)
    rows = [_row(r, {w.id for w in waiting}) for r in records[:PAGE_SIZE]]
    return _page(
        shared,
        request,
        session,
        "desk/list.html",
        {
            "rows": rows,
            "waiting": waiting,
            "view": view,
            "views": VIEWS,
            "page_number": page,
            "more": more,
            "today": today.isoformat(),
            "legend": [(SHORT[t], TREATMENT_INFO[t].name) for t in TREATMENTS],
            "verdict_legend": [VERDICT_WORDS[v] for v in VERDICT_WORDS if v != "not_relevant"],
        },
    )


# --------------------------------------------------------------------------- a record


@dataclass
class Shown:
    """A question and its answer, in the words the person saw."""

    label: str
    value: str


@dataclass
class ReasonRow:
    """One rule that fired, once, with every treatment it applies to and how: the same rule
    fired for several questions (an unanswered safety question, say) is one row."""

    rule: str
    title: str
    text: str
    source: str
    count: int = 0
    answers: list[Shown] = field(default_factory=list)
    applies: dict[str, list[str]] = field(default_factory=dict)  # effect words -> short labels
    _texts: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)

    def add(self, treatment: str, effect: str, text: str, answers: list[Shown]) -> None:
        short = SHORT.get(treatment, treatment)
        group = self.applies.setdefault(effect, [])
        if short not in group:
            group.append(short)
        if text not in self._texts:
            self._texts.append(text)
            self.text = _common_text(self._texts)
            self.count = len(self._texts)
        for shown in answers:
            if shown.label not in self._seen:
                self._seen.add(shown.label)
                self.answers.append(shown)

    @property
    def where(self) -> str:
        return "; ".join(f"{effect}: {', '.join(s)}" for effect, s in self.applies.items())


@dataclass
class TreatmentView:
    name: str
    verdict: str
    verdict_words: str
    summary: str
    why: str
    fit: str | None
    fit_words: str
    fit_summary: str
    decisive: list[str] = field(default_factory=list)
    worsen: list[str] = field(default_factory=list)


def _common_text(texts: list[str]) -> str:
    """What the texts of one rule fired for several questions say alike: the sentences they
    share at the end (each begins by naming its own question)."""
    if len(set(texts)) == 1:
        return texts[0]
    length = 0
    shortest = min(len(t) for t in texts)
    while length < shortest and len({t[len(t) - length - 1] for t in texts}) == 1:
        length += 1
    shared = texts[0][len(texts[0]) - length :]
    cut = shared.find(". ")
    return shared[cut + 2 :] if cut >= 0 else ""


def _shown(questionnaire: Questionnaire, question_id: str, value: Any) -> Shown:
    q = questionnaire.by_id.get(question_id)
    if q is None:
        return Shown(question_id, _plain(value))
    try:
        return Shown(q.label, display_value(q, value))
    except (TypeError, ValueError, KeyError):  # an answer of another questionnaire version
        return Shown(q.label, _plain(value))


def _plain(value: Any) -> str:
    if value is None:
        return "(no answer)"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _used(questionnaire: Questionnaire, answers: Iterable[UsedAnswer]) -> list[Shown]:
    return [_shown(questionnaire, a.question, a.answer) for a in answers]


def _choice(questionnaire: Questionnaire, question_id: str, answer: str) -> str:
    q = questionnaire.by_id.get(question_id)
    if q is not None and (q.choices or q.type == "yes_no"):
        with contextlib.suppress(KeyError, ValueError):
            return q.choice_label(answer)
    return answer


def _label(questionnaire: Questionnaire, question_id: str) -> str:
    q = questionnaire.by_id.get(question_id)
    return q.label if q is not None else question_id


def _short(verdict: str) -> str:
    return VERDICT_WORDS[verdict][0].lower()


def _decisive(questionnaire: Questionnaire, v: TreatmentVerdict) -> tuple[list[str], list[str]]:
    """What would change this verdict, in staff's words (computed from the rules): the
    unknown answers that decide it and the answers that would improve it; apart, the single
    answers that would make it worse."""
    lines: list[str] = []
    for d in v.decisive:
        by_verdict: dict[str, list[str]] = {}
        for o in d.options:
            by_verdict.setdefault(o.verdict, []).append(
                f"'{_choice(questionnaire, d.question, o.answer)}'"
            )
        options = "; ".join(
            f"{_short(verdict)} if {' or '.join(answers)}"
            for verdict, answers in by_verdict.items()
        )
        status = d.status.replace("_", " ")
        lines.append(f'Decided by "{_label(questionnaire, d.question)}" ({status}): {options}.')
    for change in v.would_improve:
        answers = "; ".join(
            f'"{_label(questionnaire, a.question)}" = '
            f"'{_choice(questionnaire, a.question, a.answer)}'"
            for a in change.answers
        )
        lines.append(f"A different or clarified answer ({answers}) gives {_short(change.verdict)}.")
    worse = [
        f"{', '.join(repr(_choice(questionnaire, w.question, a)) for a in w.answers)} to "
        f'"{_label(questionnaire, w.question)}" would give {_short(w.verdict)}.'
        for w in v.would_worsen
    ]
    return lines, worse


def _ordered(assessment: Assessment) -> list[TreatmentVerdict]:
    """Most conservative first, as a practitioner reads: review first, caution, worth
    discussing, then those that serve no goal."""
    rank = {"avoid_until_reviewed": 0, "discuss_with_caution": 1, "worth_discussing": 2}
    return sorted(
        assessment.verdicts.values(),
        key=lambda v: (rank.get(v.verdict, 3), _index(v.treatment)),
    )


def _reason_rows(
    questionnaire: Questionnaire, assessment: Assessment
) -> tuple[list[ReasonRow], list[ReasonRow]]:
    """Each rule that fired once (health and goals; then plans), in catalogue order."""
    health: dict[tuple[str, str], ReasonRow] = {}
    plans: dict[tuple[str, str], ReasonRow] = {}
    for treatment in TREATMENTS:
        v = assessment.verdicts.get(treatment)
        if v is None:
            continue
        for r in v.reasons:
            row = health.setdefault((r.rule, r.title), ReasonRow(r.rule, r.title, r.text, r.source))
            row.add(
                treatment,
                EFFECT_WORDS.get(r.effect, r.effect),
                r.text,
                _used(questionnaire, r.answers),
            )
        for f in v.fit_reasons:
            row = plans.setdefault((f.rule, f.title), ReasonRow(f.rule, f.title, f.text, f.source))
            row.add(treatment, FIT_WORDS.get(f.fit, f.fit), f.text, _used(questionnaire, f.answers))
    return list(health.values()), list(plans.values())


def _why(v: TreatmentVerdict) -> str:
    """The titles of what holds a treatment back, each once (counted when one rule fired for
    several questions)."""
    counts: dict[str, int] = {}
    for r in v.reasons:
        if r.effect != "relevant":
            counts[r.title] = counts.get(r.title, 0) + 1
    return "; ".join(title if n == 1 else f"{title} ({n} questions)" for title, n in counts.items())


def _treatments(questionnaire: Questionnaire, assessment: Assessment) -> list[TreatmentView]:
    views: list[TreatmentView] = []
    for v in _ordered(assessment):
        decisive, worsen = _decisive(questionnaire, v)
        views.append(
            TreatmentView(
                name=v.name,
                verdict=v.verdict,
                verdict_words=VERDICT_WORDS[v.verdict][1],
                summary=v.summary,
                why=_why(v) if v.verdict != "not_relevant" else "",
                fit=None if v.verdict == "not_relevant" else v.fit,
                fit_words=FIT_WORDS.get(v.fit, v.fit),
                fit_summary=v.fit_summary,
                decisive=decisive,
                worsen=worsen,
            )
        )
    return views


def _index(treatment: str) -> int:
    return TREATMENTS.index(treatment) if treatment in TREATMENTS else len(TREATMENTS)


def _sections(
    questionnaire: Questionnaire, answers: dict[str, Any]
) -> list[tuple[str, list[Shown]]]:
    """The answers grouped by section in the questionnaire's order; answers to questions this
    questionnaire does not have (another version's) last, under their ids."""
    groups: list[tuple[str, list[Shown]]] = []
    for section in questionnaire.sections:
        shown = [
            _shown(questionnaire, q.id, answers[q.id])
            for q in section.questions
            if q.id in answers and not q.kind.free_text
        ]
        if shown:
            groups.append((section.title, shown))
    other = [Shown(k, _plain(v)) for k, v in answers.items() if k not in questionnaire.by_id]
    if other:
        groups.append(("Answers to questions of another questionnaire version", other))
    return groups


def _notes(questionnaire: Questionnaire, answers: dict[str, Any]) -> list[Shown]:
    """The person's own words: every free-text answer given."""
    return [
        Shown(q.label, str(answers[q.id]))
        for q in questionnaire.questions
        if q.kind.free_text and isinstance(answers.get(q.id), str) and answers[q.id].strip()
    ]


def _record_or_404(shared: Web, record_id: str) -> Record:
    record = shared.store.get(record_id)
    if record is None:
        raise WebProblem(404, "There is no such record (it may have been deleted)")
    return record


@router.get("/desk/record/{record_id}", response_class=HTMLResponse)
async def record_page(request: Request, record_id: str) -> Response:
    found = _staff(request)
    if found is None:
        return _to_login()
    shared, _, session = found
    record = _record_or_404(shared, record_id)
    shared.store.audit(session.staff or "", "viewed", record.id)
    questionnaire = shared.questionnaire
    assessment = _assessment(record)
    return _page(
        shared,
        request,
        session,
        "desk/record.html",
        {
            "record": record,
            "row": _row(record),
            "started": _local(record.started),
            "finished": _local(record.finished),
            "sections": _sections(questionnaire, record.answers),
            "notes": _notes(questionnaire, record.answers),
            "assessment": assessment,
            "treatments": _treatments(questionnaire, assessment) if assessment else [],
            "reasons": _reason_rows(questionnaire, assessment) if assessment else ([], []),
            "flags": [
                (flag.title, flag.mention, _used(questionnaire, flag.answers))
                for flag in (assessment.flags if assessment else [])
            ],
            "other_version": record.questionnaire_version != questionnaire.version,
        },
    )


@router.post("/desk/record/{record_id}/reviewed")
async def mark_reviewed(request: Request, record_id: str) -> Response:
    shared, _, session = _staff_for_post(request)
    await shared.form(request, session, allowed=())
    record = _record_or_404(shared, record_id)
    shared.store.mark_reviewed(record.id, session.staff or "")
    shared.store.audit(session.staff or "", "marked reviewed", record.id)
    return RedirectResponse(f"/desk/record/{quote(record.id, safe='')}", status_code=303)


@router.get("/desk/record/{record_id}/delete", response_class=HTMLResponse)
async def delete_page(request: Request, record_id: str) -> Response:
    found = _staff(request)
    if found is None:
        return _to_login()
    shared, _, session = found
    record = _record_or_404(shared, record_id)
    return _page(
        shared,
        request,
        session,
        "desk/delete.html",
        {"row": _row(record), "record": record},
    )


@router.post("/desk/record/{record_id}/delete")
async def delete(request: Request, record_id: str) -> Response:
    shared, _, session = _staff_for_post(request)
    form = await shared.form(request, session, allowed=("confirm",))
    if form.get("confirm") != "delete":
        # Only the confirmation page's button deletes: anything else shows that page.
        return RedirectResponse(f"/desk/record/{quote(record_id, safe='')}/delete", status_code=303)
    record = _record_or_404(shared, record_id)
    shared.store.delete(record.id)
    shared.store.audit(session.staff or "", "deleted", record.id)
    return _page(shared, request, session, "desk/deleted.html", {"who": _row(record).who})


# --------------------------------------------------------------------------- export


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: one that begins like a formula gets a leading
    quote, so that a typed ``=HYPERLINK(...)`` is never run (OWASP's CSV injection advice)."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, list):
        text = ";".join(_plain(v) for v in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


_META = (
    "id",
    "reference",
    "status",
    "reason",
    "source",
    "started",
    "finished",
    "questionnaire_version",
    "answered_on",
    "reviewed_by",
    "reviewed_at",
)


def record_csv(records: Sequence[Record], questionnaire: Questionnaire) -> str:
    """Records as CSV: one row each, with its verdicts, fits and flags, then one column per
    question (multiple answers joined by ';', as ``batch`` reads them). Every cell neutralised."""
    question_ids = [q.id for q in questionnaire.questions]
    extra = sorted({k for r in records for k in r.answers} - set(question_ids))
    header = [
        *_META,
        *(f"verdict_{t}" for t in TREATMENTS),
        *(f"fit_{t}" for t in TREATMENTS),
        "flags",
        *question_ids,
        *extra,
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for record in records:
        exported = record_json(record)
        meta = [
            exported["id"],
            exported["reference"],
            exported["status"],
            exported["reason"],
            exported["source"],
            exported["started"],
            exported["finished"],
            record.questionnaire_version,
            exported["answered_on"],
            exported["reviewed_by"],
            exported["reviewed_at"],
        ]
        headline = _headline(record)
        verdicts = [
            headline.verdicts.get(t, (None, None))[0] if headline else None for t in TREATMENTS
        ]
        fits = [headline.verdicts.get(t, (None, None))[1] if headline else None for t in TREATMENTS]
        flags = "; ".join(headline.flags) if headline else None
        answers = [record.answers.get(q) for q in [*question_ids, *extra]]
        writer.writerow([csv_cell(c) for c in [*meta, *verdicts, *fits, flags, *answers]])
    return out.getvalue()


def _download(content: str, filename: str, media_type: str) -> Response:
    # Ids are the store's or an intake's (letters, digits, '-' and '_'); anything else in a
    # name is replaced, so that the header can never be broken open.
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return Response(
        content.encode("utf-8"),
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def _export(
    records: Sequence[Record], questionnaire: Questionnaire, fmt: str, name: str, day: str | None
) -> Response:
    if fmt == "csv":
        # A byte-order mark, so that a spreadsheet reads the file as UTF-8.
        return _download(
            "\ufeff" + record_csv(records, questionnaire), f"{name}.csv", "text/csv; charset=utf-8"
        )
    if day is None:
        payload: Any = record_json(records[0])
    else:
        payload = {"day": day, "records": [record_json(r) for r in records]}
    text = dumps(payload) + "\n"
    return _download(text, f"{name}.json", "application/json")


def _format(value: str | None) -> str:
    if value not in ("json", "csv"):
        raise WebProblem(400, "Choose JSON or CSV for the export")
    return value


@router.post("/desk/record/{record_id}/export")
async def export_record(request: Request, record_id: str) -> Response:
    shared, _, session = _staff_for_post(request)
    form = await shared.form(request, session, allowed=("format",))
    fmt = _format(form.get("format"))
    record = _record_or_404(shared, record_id)
    shared.store.audit(session.staff or "", f"exported ({fmt})", record.id)
    return _export([record], shared.questionnaire, fmt, f"record-{record.id}", None)


@router.post("/desk/export")
async def export_day(request: Request) -> Response:
    shared, _, session = _staff_for_post(request)
    form = await shared.form(request, session, allowed=("day", "format"))
    fmt = _format(form.get("format"))
    try:
        day = dt.date.fromisoformat(form.get("day") or "")
    except ValueError:
        raise WebProblem(400, "The day to export is not a date (YYYY-MM-DD)") from None
    records = shared.store.records(
        since=_local_midnight(day), until=_local_midnight(day + dt.timedelta(days=1)), limit=100_000
    )
    records.reverse()  # the day in the order it happened
    for record in records:
        shared.store.audit(session.staff or "", f"exported with the day {day} ({fmt})", record.id)
    if not records:
        shared.store.audit(session.staff or "", f"exported the day {day}, empty ({fmt})")
    return _export(records, shared.questionnaire, fmt, f"records-{day}", day.isoformat())


# --------------------------------------------------------------------------- audit


@router.get("/desk/audit", response_class=HTMLResponse)
async def audit_page(request: Request) -> Response:
    found = _staff(request)
    if found is None:
        return _to_login()
    shared, _, session = found
    entries = [
        (e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.record_id)
        for e in shared.store.audit_entries(500)
    ]
    return _page(shared, request, session, "desk/audit.html", {"entries": entries})

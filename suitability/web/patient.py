"""The screening in the browser: one section per page, a review, the result and a handout.

It follows the terminal screening (:mod:`suitability.screen`) step for step, on the same core:
questions in the questionnaire's order and wording, typed text read by
:func:`~suitability.answers.parse_text_answer`, show-if decided by
:meth:`~suitability.questionnaire.Questionnaire.visible`, answers that no longer apply dropped
by :func:`~suitability.answers.visible_answers`, and the result from
:func:`~suitability.assessment.assess` worded by :mod:`suitability.render`.

Every answer lives in the record (``store.save_answers`` after each page posted), never in the
session nor in a URL: a patient's session is bound to one screening and only says whether it is
finished and how far the person has gone. Pages are addressed by section number alone, so one
person's pages can never name another's screening.

Form fields: each question's answer under its id (a multiple choice repeats it, once per box
ticked); a question typed as text that offers "not sure" or "prefer not to say" has boxes for
them under ``<id>.special``; ``_action`` is ``next`` or ``back``; ``csrf`` the session's token.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from .._messages import CATALOGUE, problem, render
from .._values import SPECIAL_LABELS, parse_date
from ..answers import (
    Answers,
    date_bound_problem,
    display_value,
    parse_text_answer,
    validate_answers,
    visible_answers,
)
from ..errors import AnswersError, Problem, RulesError, StorageError
from ..kinds import answer_problem
from ..kinds.date import MONTH_FIRST
from ..questionnaire import Question, Questionnaire, Section
from .app import PATIENT_COOKIE, Web, WebProblem, web
from .forms import Form
from .store import Record, Session

__all__ = ["continue_screening", "router", "start_screening"]

router = APIRouter(include_in_schema=False)

ACTION = "_action"  # a question id starts with a letter, so this never names one
SPECIAL = ".special"  # likewise: a question id holds no dot


# --------------------------------------------------------------------------- starting


def start_screening(
    request: Request, shared: Web, *, reference: str | None, source: str
) -> Response:
    """Creates a record and a patient session bound to it, sets the patient cookie and sends
    the browser to the first section (303)."""
    q = shared.questionnaire
    record_id = shared.store.new_screening(
        source=source,
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        questionnaire_hash=q.content_hash,
        answered_on=dt.date.today(),
        reference=reference,
    )
    return _open_session(request, shared, record_id, {}, "/screening/section/1")


def continue_screening(request: Request, shared: Web, record_id: str, *, source: str) -> Response:
    """Takes up an unfinished record (by return code, or reopened by staff): any other session
    on it ends, a new one is bound to it, and the browser goes to the first section with a
    question still to answer (or the review when there is none)."""
    record = shared.store.get(record_id)
    if record is None or record.status == "complete":
        raise WebProblem(404, "This screening cannot be continued", [problem("screening_gone")])
    if record.status == "partial":
        shared.store.reopen(record_id)
    # One browser at a time: a tab left open elsewhere cannot go on writing to this record.
    shared.store.end_sessions_of(screening_id=record_id)
    shared.store.audit(source, "continued", record_id)
    q = shared.questionnaire
    values = visible_answers(q, record.answers)
    first = _first_to_answer(q, values)
    target = "/screening/review" if first is None else f"/screening/section/{first}"
    furthest = len(q.sections) if first is None else first - 1
    return _open_session(request, shared, record_id, {"furthest": furthest}, target)


def _open_session(
    request: Request, shared: Web, record_id: str, data: dict[str, Any], target: str
) -> Response:
    old = request.cookies.get(PATIENT_COOKIE)
    if old:
        shared.store.end_session(old)  # a browser holds one screening at a time
    token, _session = shared.store.new_session(
        "patient", screening_id=record_id, data={"finished": False, "furthest": 0, **data}
    )
    response = RedirectResponse(target, status_code=303)
    shared.set_cookie(response, PATIENT_COOKIE, token)
    return response


@router.post("/screening/start")
async def start(request: Request) -> Response:
    shared = web(request)
    await shared.form(request, None, allowed=())
    if shared.kiosk and shared.settings.ask_reference == "required":
        # The clinic wants a name or reference on every kiosk record: only the welcome
        # page's own start (/kiosk/start) asks for it.
        return RedirectResponse("/", status_code=303)
    return start_screening(
        request, shared, reference=None, source="kiosk" if shared.kiosk else "web"
    )


# --------------------------------------------------------------------------- the person's screening


@dataclass
class Current:
    token: str
    session: Session
    record: Record

    @property
    def finished(self) -> bool:
        return bool(self.session.data.get("finished")) or self.record.status == "complete"

    @property
    def furthest(self) -> int:
        found = self.session.data.get("furthest", 0)
        return found if isinstance(found, int) else 0


def _current(request: Request, shared: Web) -> Current:
    found = shared.patient(request)
    if found is not None:
        token, session = found
        assert session.screening_id is not None  # Web.patient only returns bound sessions
        record = shared.store.get(session.screening_id)
        if record is not None:
            return Current(token, session, record)
    if shared.kiosk:  # hook for kiosk.py: an ended session's pages lead back to the welcome page
        from .kiosk import SessionEnded

        raise SessionEnded
    raise WebProblem(403, "No screening is open in this browser", [problem("screening_no_session")])


def _set_data(shared: Web, current: Current, **changes: Any) -> None:
    shared.store.update_session(current.token, {**current.session.data, **changes})


def _shown_sections(q: Questionnaire, values: Mapping[str, Any]) -> list[int]:
    """The 1-based numbers of the sections with a question shown, given ``values``."""
    return [
        n
        for n, section in enumerate(q.sections, 1)
        if any(q.visible(question, values) for question in section.questions)
    ]


def _first_to_answer(q: Questionnaire, values: Mapping[str, Any]) -> int | None:
    """The first section with a shown required question unanswered."""
    for n, section in enumerate(q.sections, 1):
        for question in section.questions:
            if question.required and question.id not in values and q.visible(question, values):
                return n
    return None


def _section(q: Questionnaire, n: int) -> Section:
    if not 1 <= n <= len(q.sections):
        raise WebProblem(404, "This page does not exist")
    return q.sections[n - 1]


# --------------------------------------------------------------------------- one question on a page


@dataclass
class Field:
    """What a question's controls show: the stored answer, or what the person just sent."""

    chosen: str | None = None  # a single choice (or a non-answer)
    ticked: set[str] = field(default_factory=set)  # multiple choice boxes
    text: str = ""  # a typed answer, exactly as typed when it is sent back
    special: set[str] = field(default_factory=set)  # not sure / prefer not to say beside text
    error: str | None = None


def _date_form(q: Question) -> tuple[str, str]:
    """How a date is typed in the questionnaire's locale, and an example."""
    if q.locale in MONTH_FIRST:
        return "month/day/year", "03/14/2027"
    return "day/month/year", "14/03/2027"


def _typed_form(q: Question, value: Any) -> str:
    """A stored answer as the person would type it."""
    if q.type == "date" and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            if q.locale in MONTH_FIRST:
                return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"
            return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    if isinstance(value, float):
        return format(value, "g")
    return str(value)


def _stored_field(q: Question, value: Any) -> Field:
    if value is None:
        return Field()
    prompt = q.kind.prompt
    if prompt == "select":
        return Field(chosen=str(value))
    if prompt == "checkbox":
        return Field(ticked=set(value) if isinstance(value, list) else {str(value)})
    if not q.kind.free_text and value in q.special_values:
        return Field(special={str(value)})
    return Field(text=_typed_form(q, value))


def _sent_field(q: Question, form: Form) -> Field:
    prompt = q.kind.prompt
    if prompt == "select":
        return Field(chosen=form.get(q.id))
    if prompt == "checkbox":
        return Field(ticked=set(form.getlist(q.id)))
    return Field(text=form.get(q.id) or "", special=set(form.getlist(q.id + SPECIAL)))


def _read(q: Question, form: Form, answered_on: dt.date) -> tuple[Any, Problem | None]:
    """The answer sent for ``q`` (None: no answer), or what is wrong with it."""
    prompt = q.kind.prompt
    if prompt == "select":
        chosen = form.get(q.id)
        return (None, None) if not chosen else q.read(chosen)
    if prompt == "checkbox":
        ticked = form.getlist(q.id)
        if not ticked:
            return None, None
        if len(ticked) == 1 and ticked[0] in q.special_values:
            return ticked[0], None
        return q.read(ticked)
    text = form.get(q.id) or ""
    specials = form.getlist(q.id + SPECIAL)
    if specials:
        if text.strip() or len(specials) > 1:
            return None, answer_problem(q, "answer_or_special", options=_special_words(q))
        return q.read(specials[0])
    if not text.strip():
        return None, None
    value, error = parse_text_answer(q, text)
    if error is None and value is not None:
        error = date_bound_problem(q, value, answered_on)
    return value, error


def _special_words(q: Question) -> str:
    return " or ".join(f"'{SPECIAL_LABELS[s]}'" for s in q.special_values)


def _plain(error: Problem, q: Question) -> str:
    """The patient's wording, with dates written as the person types them (in the
    questionnaire's locale) rather than as the answers file stores them."""
    code = error.code
    params = dict(error.params)
    if q.type == "date":
        for name in ("earliest", "latest"):
            if isinstance(params.get(name), str):
                params[name] = _typed_form(q, params[name])
        if code == "expected_date":
            code = "expected_date_typed"
            params["date_form"], params["example"] = _date_form(q)
    if code not in CATALOGUE:
        return error.text(plain=True)
    return render(code, params, plain=True)


@dataclass
class PageResult:
    values: dict[str, Any]
    fields: dict[str, Field]
    errors: list[tuple[str, str]]  # (question id, message), in page order


def _read_page(
    q: Questionnaire,
    section: Section,
    stored: Mapping[str, Any],
    form: Form,
    answered_on: dt.date,
    *,
    require: bool,
) -> PageResult:
    """Reads a posted section page, question by question in order, as the terminal asks them:
    a question is read only when it is shown given the answers before it (those on this page
    included), and a question that is not shown loses its answer. An answer that cannot be
    read leaves the stored one as it was; the text sent is shown back with the message."""
    values = dict(stored)
    fields: dict[str, Field] = {}
    errors: list[tuple[str, str]] = []
    for question in section.questions:
        if not q.visible(question, values):
            values.pop(question.id, None)
            continue
        sent = _sent_field(question, form)
        value, error = _read(question, form, answered_on)
        if error is None and value is None and require and question.required:
            error = answer_problem(question, "missing_answer")
        if error is not None:
            sent.error = _plain(error, question)
            errors.append((question.id, sent.error))
        elif value is None:
            values.pop(question.id, None)
        else:
            values[question.id] = value
        fields[question.id] = sent
    return PageResult(visible_answers(q, values), fields, errors)


def _page_fields(section: Section) -> set[str]:
    names = {ACTION}
    for question in section.questions:
        names.add(question.id)
        names.add(question.id + SPECIAL)
    return names


def _repeatable(section: Section) -> set[str]:
    names = set()
    for question in section.questions:
        if question.kind.multiple:
            names.add(question.id)
        names.add(question.id + SPECIAL)
    return names


# --------------------------------------------------------------------------- rendering a section


def _condition_json(question: Question) -> str | None:
    if question.show_if is None:
        return None
    return json.dumps(
        question.show_if.model_dump(mode="json", by_alias=True, exclude_none=True),
        separators=(",", ":"),
    )


def _section_context(
    shared: Web,
    n: int,
    values: Mapping[str, Any],
    fields: Mapping[str, Field] | None = None,
    errors: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """What a section page shows. A question whose show-if reads only earlier pages is on the
    page only when it holds; one whose show-if reads this page is always on it (with
    JavaScript off, the person answers it or not; the server drops the answer if it does not
    apply), and the page's script shows and hides it as the answers change."""
    q = shared.questionnaire
    section = _section(q, n)
    here = {question.id for question in section.questions}
    earlier = {k: v for k, v in values.items() if k not in here}
    items = []
    known: dict[str, Any] = {}
    for question in section.questions:
        depends_here = question.show_if is not None and not here.isdisjoint(
            question.show_if.questions()
        )
        if not depends_here and not q.visible(question, earlier):
            continue
        if question.show_if is not None:
            for other in question.show_if.questions():
                if other not in here and other in values:
                    known[other] = values[other]
        shown = (fields or {}).get(question.id) or _stored_field(question, values.get(question.id))
        items.append(
            {
                "q": question,
                "field": shown,
                "show_if": _condition_json(question),
                "depends_here": depends_here,
                "only_if": _only_if(q, question) if depends_here else None,
                "date_form": _date_form(question) if question.type == "date" else None,
                "special_labels": [(s, SPECIAL_LABELS[s]) for s in question.special_values],
                "choices": [(c, question.choice_label(c)) for c in question.choice_ids],
                "choice_help": {c.id: c.help for c in question.choices or () if c.help},
            }
        )
    shown_sections = _shown_sections(q, values)
    previous = [m for m in shown_sections if m < n]
    return {
        "n": n,
        "section": section,
        "count": len(q.sections),
        "position": shown_sections.index(n) + 1 if n in shown_sections else n,
        "shown_count": len(shown_sections),
        "items": items,
        "errors": errors or [],
        "known": json.dumps(known, separators=(",", ":")),
        "month_first": any(question.locale in MONTH_FIRST for question in section.questions),
        "has_previous": bool(previous),
    }


def _only_if(q: Questionnaire, question: Question) -> str:
    """When a question on the same page applies, in the person's words (for pages read
    without JavaScript, where every such question is on the page)."""
    cond = question.show_if
    if cond is not None and cond.question is not None and cond.question in q.by_id:
        target = q.by_id[cond.question]
        wanted = [cond.equals] if cond.equals is not None else cond.one_of or cond.any_of
        if wanted and target.kind.prompt != "text":
            said = " or ".join(f"\u201c{target.choice_label(str(w))}\u201d" for w in wanted)
            return f"Answer this only if you answered {said} to \u201c{target.label}\u201d."
    return "Answer this only if it applies, given your answers above."


@router.get("/screening/section/{n}", response_class=HTMLResponse)
async def section_page(request: Request, n: int) -> Response:
    shared = web(request)
    current = _current(request, shared)
    if current.finished:
        return RedirectResponse("/screening/result", status_code=303)
    q = shared.questionnaire
    _section(q, n)
    values = visible_answers(q, current.record.answers)
    shown = _shown_sections(q, values)
    if n not in shown:
        # Every question of this page is hidden by earlier answers: on to the next one shown.
        later = [m for m in shown if m > n]
        target = f"/screening/section/{later[0]}" if later else "/screening/review"
        return RedirectResponse(target, status_code=303)
    return shared.page(
        request,
        "screening/section.html",
        _section_context(shared, n, values),
        session=current.session,
    )


@router.post("/screening/section/{n}", response_class=HTMLResponse)
async def section_post(request: Request, n: int) -> Response:
    shared = web(request)
    current = _current(request, shared)
    q = shared.questionnaire
    section = _section(q, n)
    form = await shared.form(
        request, current.session, repeatable=_repeatable(section), allowed=_page_fields(section)
    )
    if current.finished:
        return RedirectResponse("/screening/result", status_code=303)
    back = form.get(ACTION) == "back"
    # Hook for returning.py: "Save and return later" keeps what this page holds, then leaves.
    leaving = form.get(ACTION) == "leave"
    stored = visible_answers(q, current.record.answers)
    # Going back needs no answer to be complete, but an answer that cannot be read is shown
    # with its message rather than lost.
    result = _read_page(
        q, section, stored, form, current.record.answered_on, require=not (back or leaving)
    )
    if result.values != current.record.answers:
        try:
            shared.store.save_answers(current.record.id, result.values)
        except StorageError:
            return RedirectResponse("/screening/result", status_code=303)
    if leaving:
        from .returning import leave

        return leave(request, shared, current.token, current.record.id)
    if result.errors:
        context = _section_context(shared, n, result.values, result.fields, result.errors)
        return shared.page(
            request, "screening/section.html", context, status=422, session=current.session
        )
    shown = _shown_sections(q, result.values)
    if back:
        earlier = [m for m in shown if m < n]
        target = f"/screening/section/{earlier[-1]}" if earlier else f"/screening/section/{n}"
        return RedirectResponse(target, status_code=303)
    furthest = max(current.furthest, n)
    if furthest != current.furthest:
        _set_data(shared, current, furthest=furthest)
    # As the terminal does after an answer: on to the first question still to answer, which
    # after a change may be one it revealed, else the first page not yet reached, else review.
    todo = _first_to_answer(q, result.values)
    ahead = [m for m in shown if m > furthest]
    candidates = [m for m in (todo, ahead[0] if ahead else None) if m is not None]
    target = f"/screening/section/{min(candidates)}" if candidates else "/screening/review"
    return RedirectResponse(target, status_code=303)


# --------------------------------------------------------------------------- review and finish


def _review_context(
    shared: Web, values: Mapping[str, Any], problems: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    q = shared.questionnaire
    missing = dict(problems or [])
    sections = []
    for n, section in enumerate(q.sections, 1):
        rows = []
        for question in section.questions:
            # Skipped optional questions are listed too, so they can still be answered.
            if q.visible(question, values):
                value = values.get(question.id)
                rows.append(
                    {
                        "q": question,
                        "shown": display_value(question, value)
                        if question.type != "date" or value in SPECIAL_LABELS
                        else _typed_form(question, value),
                        "answered": value is not None,
                        "error": missing.get(question.id),
                    }
                )
        if rows:
            sections.append({"n": n, "section": section, "rows": rows})
    shown = _shown_sections(q, values)
    return {
        "sections": sections,
        "errors": problems or [],
        "last_section": shown[-1] if shown else 1,
    }


@router.get("/screening/review", response_class=HTMLResponse)
async def review_page(request: Request) -> Response:
    shared = web(request)
    current = _current(request, shared)
    if current.finished:
        return RedirectResponse("/screening/result", status_code=303)
    values = visible_answers(shared.questionnaire, current.record.answers)
    return shared.page(
        request,
        "screening/review.html",
        _review_context(shared, values),
        session=current.session,
    )


@router.post("/screening/finish")
async def finish(request: Request) -> Response:
    from ..assessment import assess

    shared = web(request)
    current = _current(request, shared)
    await shared.form(request, current.session, allowed=())
    if current.finished:
        return RedirectResponse("/screening/result", status_code=303)
    q = shared.questionnaire
    values = visible_answers(q, current.record.answers)
    data = {"answered_on": current.record.answered_on.isoformat(), "answers": values}
    try:
        answers = validate_answers(data, q, complete=True)
    except AnswersError as exc:
        found = []
        for p in exc.problems:
            qid = p.location.removeprefix("answers.")
            if qid in q.by_id:
                found.append((qid, _plain(p, q.by_id[qid])))
        return shared.page(
            request,
            "screening/review.html",
            _review_context(shared, values, found),
            status=422,
            session=current.session,
        )
    try:
        assessment = assess(answers, q)
        shared.store.finish(current.record.id, dict(answers.values), assessment.to_json())
    except RulesError as exc:
        # Never a partial result: the answers stay saved, and the person is told plainly.
        raise WebProblem(500, "The result could not be worked out", list(exc.problems)) from None
    except StorageError:
        raise WebProblem(
            503, "The result could not be saved", [problem("screening_not_saved")]
        ) from None
    _set_data(shared, current, finished=True)
    return RedirectResponse("/screening/result", status_code=303)


# --------------------------------------------------------------------------- the result


def _finished(request: Request, shared: Web) -> tuple[Current, Any, Answers] | Response:
    from ..assessment import Assessment

    current = _current(request, shared)
    record = current.record
    if record.status != "complete" or record.assessment is None:
        return RedirectResponse("/screening/review", status_code=303)
    assessment = Assessment.model_validate(record.assessment)
    answers = validate_answers(
        {"answered_on": record.answered_on.isoformat(), "answers": record.answers},
        shared.questionnaire,
    )
    return current, assessment, answers


@router.get("/screening/result", response_class=HTMLResponse)
async def result_page(request: Request) -> Response:
    return _finished_page(request, "screening/result.html", _result_context)


@router.get("/screening/handout", response_class=HTMLResponse)
async def handout_page(request: Request) -> Response:
    return _finished_page(request, "screening/handout.html", _handout_context)


def _finished_page(
    request: Request,
    template: str,
    context_of: Callable[[Any, Questionnaire, Answers], dict[str, Any]],
) -> Response:
    """A page of a finished screening (its result, its handout), or where to go instead."""
    shared = web(request)
    found = _finished(request, shared)
    if isinstance(found, Response):
        return found
    current, assessment, answers = found
    context = context_of(assessment, shared.questionnaire, answers)
    return shared.page(request, template, context, session=current.session)


def _markdown_parts(text: str) -> dict[str, Markup]:
    """The handout's Markdown (from :func:`suitability.render.to_markdown`) cut at its level-2
    headings and turned into HTML: ``""`` holds what comes before the first (its title and the
    disclaimer), each heading's text keys its part. HTML in the text (a person's own notes
    included) is shown as text, never run, as in :func:`suitability.render.to_html`."""
    from markdown_it import MarkdownIt

    parts: dict[str, list[str]] = {"": []}
    key = ""
    for line in text.splitlines():
        if line.startswith("## "):
            key = line[3:].strip()
            parts[key] = []
        parts[key].append(line)
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return {k: Markup(md.render("\n".join(lines) + "\n")) for k, lines in parts.items()}


def _summary_items(assessment: Any, questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """Each treatment's verdict, its fit with the person's plans and what the practitioner will
    ask about, in :mod:`suitability.render`'s words and order."""
    from ..render import FIT_WORDS, VERDICT_WORDS, _headline_order, _to_clarify

    items = []
    for v in _headline_order(assessment):
        relevant = v.verdict != "not_relevant"
        items.append(
            {
                "name": v.name,
                "verdict": v.verdict,
                "verdict_words": VERDICT_WORDS[v.verdict],
                "summary": v.summary,
                "fit_words": FIT_WORDS[v.fit] if relevant else None,
                "fit_summary": v.fit_summary if relevant else None,
                "clarify": [q.label for q in _to_clarify(v, questionnaire)],
            }
        )
    return items


def _flag_items(assessment: Any, questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """What to mention to the practitioner, as the handout lists it."""
    items = []
    for flag in assessment.flags:
        unknown = []
        if flag.kind == "unknown_answers":
            for used in flag.answers:
                q = questionnaire.by_id[used.question]
                unknown.append((q.label, display_value(q, used.answer)))
        items.append({"title": flag.title, "mention": flag.mention, "unknown": unknown})
    return items


def _result_context(
    assessment: Any, questionnaire: Questionnaire, answers: Answers
) -> dict[str, Any]:
    from ..render import to_markdown

    parts = _markdown_parts(to_markdown(assessment, questionnaire, answers))
    # The summary and what to mention are shown first, in full; the rest is the detail.
    details = [
        html
        for key, html in parts.items()
        if key not in ("", "Summary", "To mention to the practitioner")
    ]
    return {
        "disclaimer": assessment.disclaimer,
        "summary": _summary_items(assessment, questionnaire),
        "flags": _flag_items(assessment, questionnaire),
        "details": details,
    }


def _handout_context(
    assessment: Any, questionnaire: Questionnaire, answers: Answers
) -> dict[str, Any]:
    from ..render import handout_parts, to_markdown

    # The parts and the stylesheet the saved HTML handout has too: both print alike.
    front, middle, practitioner = handout_parts(
        to_markdown(assessment, questionnaire, answers, handout=True)
    )
    return {
        "front": [Markup(part) for part in front],
        "middle": [Markup(part) for part in middle],
        "practitioner": Markup(practitioner) if practitioner is not None else None,
    }

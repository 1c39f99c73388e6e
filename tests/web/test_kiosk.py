"""Kiosk mode in-process: the welcome page and its reference, Finish leaving nothing of one
patient for the next, the idle timeout (the page's, and the server's own), and staff reopening
a timed-out screening on the tablet."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from suitability.web import kiosk
from suitability.web.app import PATIENT_COOKIE, STAFF_COOKIE, create_app
from suitability.web.settings import Settings
from suitability.web.store import Store, now
from tests.helpers import BASELINE

SOME_ANSWERS = {"age": 41, "goals": ["fine_lines"]}


def _client(store: Store, *, kiosk_mode: bool = True, **settings: Any) -> TestClient:
    app = create_app(Settings(**settings), store, kiosk=kiosk_mode)
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _start(client: TestClient, reference: str = "Ada Lovelace") -> str:
    """Starts a kiosk screening from the welcome page; returns the record id."""
    before = {r.id for r in _store(client).records()}
    welcome = client.get("/")
    assert welcome.status_code == 200
    started = client.post(
        "/kiosk/start", data={"csrf": _csrf(welcome.text), "reference": reference}
    )
    assert started.status_code == 303, started.text
    assert started.headers["location"] == "/screening/section/1"
    (record_id,) = {r.id for r in _store(client).records()} - before
    return record_id


def _store(client: TestClient) -> Store:
    found: Store = client.app.app.app.state.web.store  # type: ignore[attr-defined]
    return found


def _to_result(client: TestClient, record_id: str) -> str:
    _store(client).save_answers(record_id, dict(BASELINE))
    review = client.get("/screening/review")
    assert review.status_code == 200
    done = client.post("/screening/finish", data={"csrf": _csrf(review.text)})
    assert done.headers["location"] == "/screening/result"
    result = client.get("/screening/result")
    assert result.status_code == 200
    return result.text


def _age(store: Store, seconds: int) -> None:
    """Every session and record, last used ``seconds`` ago (the clock is not touched)."""
    then = (now() - dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")
    store._write("UPDATE sessions SET last_seen = ?", (then,))
    store._write("UPDATE screenings SET updated = ?", (then,))


def _forms_and_inputs_without_autocomplete_off(html: str) -> list[str]:
    tags = re.findall(r"<(?:form|input|textarea|select)\b[^>]*>", html)
    found = []
    for tag in tags:
        if 'type="hidden"' in tag:
            continue
        if tag.startswith("<form") and 'autocomplete="off"' not in tag:
            found.append(tag)
    # Inputs take their form's autocomplete; every input here is inside a form.
    for form in re.findall(r"<form\b.*?</form>", html, flags=re.S):
        if 'autocomplete="off"' not in form.split(">", 1)[0]:
            found.extend(re.findall(r"<input\b[^>]*>", form))
    return found


# ---------------------------------------------------------------------- welcome and start


def test_the_kiosk_welcome_asks_the_clinics_reference_question() -> None:
    client = _client(Store.in_memory(), reference_label="Your booking reference")
    page = client.get("/")
    assert page.status_code == 200
    assert "<h1>Welcome</h1>" in page.text
    assert 'Your booking reference <span class="optional">(optional)</span>' in page.text
    assert 'action="/kiosk/start"' in page.text
    assert _forms_and_inputs_without_autocomplete_off(page.text) == []
    # Outside kiosk mode the home page stays as it was, and the kiosk's routes do not exist.
    home = _client(Store.in_memory(), kiosk_mode=False)
    assert "<h1>Welcome</h1>" not in home.get("/").text
    assert home.get("/kiosk/timeout").status_code == 404


def test_a_reference_typed_at_the_start_is_kept_on_the_record() -> None:
    client = _client(Store.in_memory())
    record_id = _start(client, "  Ada   Lovelace ")
    record = _store(client).get(record_id)
    assert record is not None
    assert (record.reference, record.source, record.status) == (
        "Ada Lovelace",
        "kiosk",
        "in_progress",
    )


def test_an_optional_reference_may_be_left_empty() -> None:
    client = _client(Store.in_memory())
    record = _store(client).get(_start(client, ""))
    assert record is not None and record.reference is None


def test_a_required_reference_must_be_given() -> None:
    client = _client(Store.in_memory(), ask_reference="required")
    welcome = client.get("/")
    assert " required" in welcome.text and "(optional)" not in welcome.text
    refused = client.post("/kiosk/start", data={"csrf": _csrf(welcome.text), "reference": " "})
    assert refused.status_code == 400
    assert "Please type your name or booking reference to start." in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert _store(client).records() == []


def test_no_reference_question_when_the_clinic_asks_none() -> None:
    client = _client(Store.in_memory(), ask_reference="no")
    welcome = client.get("/")
    assert 'name="reference"' not in welcome.text
    # A reference sent anyway is a field the page does not have: refused, not stored.
    refused = client.post("/kiosk/start", data={"csrf": _csrf(welcome.text), "reference": "x"})
    assert refused.status_code == 400
    started = client.post("/kiosk/start", data={"csrf": _csrf(welcome.text)})
    assert started.status_code == 303
    assert _store(client).records()[0].reference is None


def test_a_reference_with_control_characters_is_refused() -> None:
    client = _client(Store.in_memory())
    welcome = client.get("/")
    refused = client.post(
        "/kiosk/start", data={"csrf": _csrf(welcome.text), "reference": "Ada\x07"}
    )
    assert refused.status_code == 400
    assert "Please use letters, digits, spaces and punctuation only." in refused.text


def test_the_welcome_page_of_a_live_screening_leads_back_into_it() -> None:
    client = _client(Store.in_memory())
    _start(client)
    again = client.get("/")
    assert again.status_code == 303 and again.headers["location"] == "/screening/section/1"


# ---------------------------------------------------------------------- finish


def test_finish_leaves_nothing_of_the_patient_for_the_next() -> None:
    client = _client(Store.in_memory(), result_clear_seconds=90)
    record_id = _start(client, "Ada Lovelace")
    result = _to_result(client, record_id)
    assert (
        '<noscript><meta http-equiv="refresh" content="90;url=/kiosk/timeout"></noscript>' in result
    )
    assert result.count('action="/kiosk/finish"') == 2  # at the top and after the details
    assert _forms_and_inputs_without_autocomplete_off(result) == []

    finished = client.post("/kiosk/finish", data={"csrf": _csrf(result)})
    assert finished.status_code == 303 and finished.headers["location"] == "/"
    assert finished.headers["clear-site-data"] == '"cache", "cookies", "storage"'
    assert f'{PATIENT_COOKIE}=""' in finished.headers["set-cookie"]
    assert PATIENT_COOKIE not in client.cookies
    # The back button: every page of the ended session leads to the welcome page.
    for path in (
        "/screening/result",
        "/screening/handout",
        "/screening/review",
        "/screening/section/1",
    ):
        back = client.get(path)
        assert back.status_code == 303 and back.headers["location"] == "/", path
    welcome = client.get("/")
    assert "Ada" not in welcome.text and "Welcome" in welcome.text
    record = _store(client).get(record_id)
    assert record is not None and record.status == "complete"


def test_the_pages_of_an_ended_session_lead_to_welcome_even_with_the_old_cookie() -> None:
    client = _client(Store.in_memory())
    _start(client)
    stolen = client.cookies[PATIENT_COOKIE]
    page = client.get("/screening/section/1")
    client.post("/kiosk/finish", data={"csrf": _csrf(page.text)})
    client.cookies.set(PATIENT_COOKIE, stolen, domain="127.0.0.1")
    back = client.get("/screening/section/1")
    assert back.status_code == 303 and back.headers["location"] == "/"


def test_finish_before_the_result_sets_the_answers_aside() -> None:
    client = _client(Store.in_memory())
    record_id = _start(client)
    _store(client).save_answers(record_id, SOME_ANSWERS)
    page = client.get("/screening/section/1")
    client.post("/kiosk/finish", data={"csrf": _csrf(page.text)})
    record = _store(client).get(record_id)
    assert record is not None
    assert (record.status, record.reason, record.needs_staff) == ("partial", kiosk.ENDED, False)
    assert record.answers == SOME_ANSWERS


def test_finish_needs_the_sessions_token() -> None:
    client = _client(Store.in_memory())
    record_id = _start(client)
    refused = client.post("/kiosk/finish", data={"csrf": "forged"})
    assert refused.status_code == 403
    assert client.get("/screening/section/1").status_code == 200
    assert _store(client).get(record_id).status == "in_progress"  # type: ignore[union-attr]


# ---------------------------------------------------------------------- idle timeout


def test_the_pages_carry_the_idle_warning_and_the_no_script_timeout() -> None:
    client = _client(Store.in_memory(), idle_timeout_seconds=120, idle_warning_seconds=30)
    _start(client)
    page = client.get("/screening/section/1").text
    assert (
        '<noscript><meta http-equiv="refresh" content="120;url=/kiosk/timeout"></noscript>' in page
    )
    assert 'data-timeout="120" data-warning="30" data-url="/kiosk/timeout"' in page
    assert 'role="alertdialog"' in page and "Are you still there?" in page
    assert '<script src="/static/kiosk.js" defer></script>' in page
    assert _forms_and_inputs_without_autocomplete_off(page) == []
    # No inline script, so the Content-Security-Policy holds.
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert client.get("/static/kiosk.js").status_code == 200


def test_the_timeout_saves_the_answers_for_staff_and_ends_the_session() -> None:
    client = _client(Store.in_memory())
    record_id = _start(client, "Ada Lovelace")
    store = _store(client)
    store.save_answers(record_id, SOME_ANSWERS)
    left = client.get("/kiosk/timeout")
    assert left.status_code == 303 and left.headers["location"] == "/"
    assert PATIENT_COOKIE not in client.cookies
    record = store.get(record_id)
    assert record is not None
    assert (record.status, record.reason, record.needs_staff) == ("partial", "timed out", True)
    assert record.answers == SOME_ANSWERS
    assert [r.id for r in kiosk.timed_out(store)] == [record_id]
    back = client.get("/screening/review")
    assert back.status_code == 303 and back.headers["location"] == "/"


def test_the_timeout_url_changes_nothing_but_its_own_browsers_session() -> None:
    store = Store.in_memory()
    first = _client(store)
    record_id = _start(first)
    # Another browser, or a link from another site: no session of theirs to end.
    assert _client(store).get("/kiosk/timeout").status_code == 303
    cross = first.get("/kiosk/timeout", headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 303
    record = store.get(record_id)
    assert record is not None and record.status == "in_progress"
    # The cookie was cleared in the cross-site answer, so this browser's session is not
    # reachable any more; nothing was marked.
    assert kiosk.timed_out(store) == []


def test_the_result_page_is_cleared_by_the_timeout_without_touching_the_record() -> None:
    client = _client(Store.in_memory())
    record_id = _start(client)
    _to_result(client, record_id)
    assert client.get("/kiosk/timeout").headers["location"] == "/"
    record = _store(client).get(record_id)
    assert record is not None and record.status == "complete" and not record.needs_staff
    assert client.get("/screening/result").headers["location"] == "/"


def test_the_server_refuses_an_idle_session_and_marks_its_screening_timed_out() -> None:
    client = _client(Store.in_memory(), idle_timeout_seconds=60)
    record_id = _start(client)
    store = _store(client)
    store.save_answers(record_id, SOME_ANSWERS)
    _age(store, 61)
    page = client.get("/screening/section/1")
    assert page.status_code == 303 and page.headers["location"] == "/"
    assert "Welcome" in client.get("/").text
    record = store.get(record_id)
    assert record is not None
    assert (record.status, record.reason, record.needs_staff) == ("partial", "timed out", True)
    assert record.answers == SOME_ANSWERS


def test_the_sweep_leaves_live_and_finished_screenings_alone() -> None:
    store = Store.in_memory()
    client = _client(store, idle_timeout_seconds=60)
    done = _start(client)
    _to_result(client, done)
    other = _client(store, idle_timeout_seconds=60)
    live = _start(other)
    web_record = store.new_screening(
        source="web",
        questionnaire_id="q",
        questionnaire_version="1",
        questionnaire_hash="h",
        answered_on=dt.date.today(),
    )
    _age(store, 30)
    assert kiosk.sweep(store, Settings(idle_timeout_seconds=60)) == 0
    _age(store, 61)
    assert kiosk.sweep(store, Settings(idle_timeout_seconds=60)) == 1
    statuses = {rid: store.get(rid).status for rid in (done, live, web_record)}  # type: ignore[union-attr]
    assert statuses == {done: "complete", live: "partial", web_record: "in_progress"}


def test_activity_on_the_page_keeps_the_session_alive() -> None:
    client = _client(Store.in_memory(), idle_timeout_seconds=60)
    record_id = _start(client)
    page = client.get("/screening/section/1")
    _age(_store(client), 50)
    assert client.post("/kiosk/alive", data={"csrf": _csrf(page.text)}).status_code == 204
    _age_records_only = (now() - dt.timedelta(seconds=61)).isoformat(timespec="seconds")
    _store(client)._write("UPDATE screenings SET updated = ?", (_age_records_only,))
    assert client.get("/screening/section/1").status_code == 200
    assert _store(client).get(record_id).status == "in_progress"  # type: ignore[union-attr]
    assert client.post("/kiosk/alive", data={"csrf": "forged"}).status_code == 403
    client.get("/kiosk/timeout")
    assert client.post("/kiosk/alive", data={"csrf": _csrf(page.text)}).status_code == 410


# ---------------------------------------------------------------------- staff reopen


def _staff_login(client: TestClient, name: str = "nurse") -> str:
    token, _session = _store(client).new_session("staff", staff=name)
    client.cookies.set(STAFF_COOKIE, token, domain="127.0.0.1")
    return token


def _timed_out_record(client: TestClient, reference: str = "Ada Lovelace") -> str:
    record_id = _start(client, reference)
    _store(client).save_answers(record_id, SOME_ANSWERS)
    client.get("/kiosk/timeout")
    return record_id


def test_staff_reopen_a_timed_out_screening_after_checking_the_reference() -> None:
    client = _client(Store.in_memory())
    store = _store(client)
    record_id = _timed_out_record(client, "Ada Lovelace")
    assert kiosk.reopen_url(record_id) == f"/kiosk/reopen/{record_id}"
    staff_token = _staff_login(client)
    form = client.get(kiosk.reopen_url(record_id))
    assert form.status_code == 200 and "Reopen on this tablet" in form.text
    assert "Ada" not in form.text  # the staff ask the patient; the page does not tell
    assert _forms_and_inputs_without_autocomplete_off(form.text) == []

    wrong = client.post(
        kiosk.reopen_url(record_id), data={"csrf": _csrf(form.text), "reference": "Bea"}
    )
    assert wrong.status_code == 400
    assert "This does not match the name or reference given at the start." in wrong.text
    assert store.get(record_id).status == "partial"  # type: ignore[union-attr]

    right = client.post(
        kiosk.reopen_url(record_id), data={"csrf": _csrf(form.text), "reference": " ada  LOVELACE"}
    )
    assert right.status_code == 303 and right.headers["location"].startswith("/screening/section/")
    # The staff member is logged out on the tablet; the patient carries on.
    assert STAFF_COOKIE not in client.cookies
    assert store.session(staff_token) is None
    record = store.get(record_id)
    assert record is not None and record.status == "in_progress" and not record.needs_staff
    assert record.answers == SOME_ANSWERS
    assert client.get(right.headers["location"]).status_code == 200
    actions = [(e.actor, e.action, e.record_id) for e in store.audit_entries()]
    assert ("nurse", "kiosk screening reopened for the patient", record_id) in actions
    assert ("nurse", "kiosk reopen refused: reference did not match", record_id) in actions
    assert kiosk.timed_out(store) == []


def test_reopening_needs_a_staff_session_and_a_timed_out_screening() -> None:
    client = _client(Store.in_memory())
    record_id = _timed_out_record(client)
    assert client.get(kiosk.reopen_url(record_id)).status_code == 403
    assert (
        client.post(kiosk.reopen_url(record_id), data={"reference": "Ada Lovelace"}).status_code
        == 403
    )
    # A patient session is not a staff session.
    other = _start(client)
    assert client.get(kiosk.reopen_url(record_id)).status_code == 403
    _staff_login(client)
    assert client.get(kiosk.reopen_url(other)).status_code == 404  # in progress
    assert client.get(kiosk.reopen_url("no-such-record")).status_code == 404


def test_a_screening_started_without_a_reference_is_reopened_with_none() -> None:
    client = _client(Store.in_memory())
    record_id = _timed_out_record(client, "")
    _staff_login(client)
    form = client.get(kiosk.reopen_url(record_id))
    assert (
        client.post(
            kiosk.reopen_url(record_id), data={"csrf": _csrf(form.text), "reference": "x"}
        ).status_code
        == 400
    )
    right = client.post(
        kiosk.reopen_url(record_id), data={"csrf": _csrf(form.text), "reference": ""}
    )
    assert right.status_code == 303


@pytest.mark.parametrize(
    ("typed", "given", "same"),
    [
        ("ada lovelace", "Ada Lovelace", True),
        ("  ADA\tLOVELACE ", "Ada Lovelace", True),
        ("Straße", "STRASSE", True),
        ("Ada", "Ada Lovelace", False),
        ("", None, True),
        ("x", None, False),
    ],
)
def test_same_reference(typed: str, given: str | None, same: bool) -> None:
    assert kiosk.same_reference(typed, given) is same


def test_timed_out_lists_only_recent_kiosk_timeouts() -> None:
    store = Store.in_memory()
    client = _client(store)
    recent = _timed_out_record(client)
    old = _timed_out_record(client)
    then = (now() - dt.timedelta(days=2)).isoformat(timespec="seconds")
    store._write("UPDATE screenings SET updated = ? WHERE id = ?", (then, old))
    assert [r.id for r in kiosk.timed_out(store)] == [recent]
    assert {r.id for r in kiosk.timed_out(store, within=dt.timedelta(days=3))} == {recent, old}


def test_staff_can_reopen_after_a_restart_without_kiosk_mode() -> None:
    store = Store.in_memory()
    record_id = _timed_out_record(_client(store), "Ada Lovelace")
    desk = _client(store, kiosk_mode=False)
    _staff_login(desk)
    form = desk.get(kiosk.reopen_url(record_id))
    reopened = desk.post(
        kiosk.reopen_url(record_id), data={"csrf": _csrf(form.text), "reference": "ada lovelace"}
    )
    assert reopened.status_code == 303
    assert store.get(record_id).status == "in_progress"  # type: ignore[union-attr]


def test_a_reference_over_the_limit_is_refused() -> None:
    client = _client(Store.in_memory())
    welcome = client.get("/")
    refused = client.post(
        "/kiosk/start", data={"csrf": _csrf(welcome.text), "reference": "A" * 201}
    )
    assert refused.status_code == 400
    assert "Please keep this under 200 characters." in refused.text
    assert "A" * 201 not in refused.text  # what was typed is not shown back


def test_a_second_press_of_start_goes_on_with_the_same_screening() -> None:
    client = _client(Store.in_memory())
    welcome = client.get("/")
    record_id = _start(client)
    again = client.post("/kiosk/start", data={"csrf": _csrf(welcome.text), "reference": "Bea"})
    assert again.status_code == 303 and again.headers["location"] == "/screening/section/1"
    assert [r.id for r in _store(client).records()] == [record_id]


def test_the_welcome_page_forgets_a_stale_patient_cookie() -> None:
    client = _client(Store.in_memory())
    client.cookies.set(PATIENT_COOKIE, "ended-long-ago", domain="127.0.0.1")
    welcome = client.get("/")
    assert welcome.status_code == 200 and "Welcome" in welcome.text
    assert PATIENT_COOKIE not in client.cookies


def test_a_required_reference_cannot_be_skipped_through_the_plain_start() -> None:
    store = Store.in_memory()
    client = _client(store, ask_reference="required")
    welcome = client.get("/")
    skipped = client.post("/screening/start", data={"csrf": _csrf(welcome.text)})
    assert skipped.status_code == 303
    assert skipped.headers["location"] == "/"
    assert store.records() == []
    optional = _client(Store.in_memory(), ask_reference="optional")
    page = optional.get("/")
    started = optional.post("/screening/start", data={"csrf": _csrf(page.text)})
    assert started.headers["location"] == "/screening/section/1"

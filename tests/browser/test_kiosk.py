"""Kiosk mode in a real Chromium: two patients in a row with nothing of the first left for the
second (page, back button, inputs), the idle warning and timeout (with JavaScript, and with it
off), staff reopening a timed-out screening on the tablet, and axe on every kiosk page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from suitability.web.store import Record, Store
from tests.helpers import BASELINE

from .conftest import NewPage, Server, StartServer, assert_accessible

WAIT = 60_000  # ms: generous, the machine is shared; nothing here asserts a duration


def _settings(tmp_path: Path, **values: Any) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text("".join(f"{key}: {value}\n" for key, value in values.items()))
    return path


@contextmanager
def _records(server: Server) -> Iterator[Store]:
    """The running server's database, opened beside it (WAL lets both use it)."""
    store = Store.open(server.db_path)
    try:
        yield store
    finally:
        store.close()


def _record(server: Server, reference: str | None) -> Record:
    with _records(server) as store:
        found = [r for r in store.records() if r.reference == reference]
    assert len(found) == 1, found
    return found[0]


def _start(page: Page, server: Server, reference: str) -> None:
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    field = page.get_by_label("Your name or booking reference")
    assert field.input_value() == ""
    assert field.get_attribute("autocomplete") == "off"
    field.fill(reference)
    page.get_by_role("button", name="Start the screening").click()
    expect(page).to_have_url(re.compile(r"/screening/section/1$"))


def _answer_age(page: Page, age: str) -> None:
    field = page.locator("#f-age")
    assert field.input_value() == ""
    field.fill(age)
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page).to_have_url(re.compile(r"/screening/section/[2-9]$"))


def _no_trace(page: Page, *traces: str) -> None:
    text = page.locator("body").inner_text()
    for trace in traces:
        assert trace not in text, (trace, page.url)
    for field in page.locator("input:not([type=hidden]), textarea").all():
        value = field.input_value()
        assert all(trace not in value for trace in traces), (value, page.url)


def test_two_patients_in_a_row_see_nothing_of_each_other(
    server: StartServer, new_page: NewPage
) -> None:
    running = server(kiosk=True)
    # No route interception, so that the browser's own cache and history are what is tested.
    page = new_page(javascript=True, intercept=False)
    _start(page, running, "Ada Lovelace")
    assert_accessible(page)
    _answer_age(page, "47")
    ada = _record(running, "Ada Lovelace")
    with _records(running) as store:
        store.save_answers(ada.id, {**BASELINE, "age": 47, "notes": "Ada's private note"})
    page.goto(running.url + "/screening/review")
    assert_accessible(page)
    page.get_by_role("button", name="Finish and see the result").click()
    expect(page.get_by_role("heading", name="Your screening result")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Finish", exact=True).first.click()
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    assert page.url == running.url + "/"
    _no_trace(page, "Ada", "47", "Your screening result")
    assert "suitability_patient" not in {c["name"] for c in page.context.cookies()}

    # The back button, all the way: every page of Ada's leads to the welcome page.
    for _ in range(8):
        if page.go_back() is None:
            break
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
        _no_trace(page, "Ada", "47", "Your screening result", "private note")

    # The next patient starts clean: empty fields, nothing offered, nothing shown.
    page.goto(running.url + "/")
    _start(page, running, "Bea")
    _no_trace(page, "Ada", "47")
    _answer_age(page, "52")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/screening/section/1$"))
    assert page.locator("#f-age").input_value() == "52"
    bea = _record(running, "Bea")
    assert bea.id != ada.id and bea.answers == {"age": 52}


def test_the_idle_warning_then_the_timeout_then_staff_reopen(
    server: StartServer, page: Page, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, idle_timeout_seconds=10, idle_warning_seconds=5)
    running = server(kiosk=True, settings=settings)
    _start(page, running, "Cy Young")
    _answer_age(page, "38")
    warning = page.get_by_role("alertdialog", name="Are you still there?")
    expect(warning).to_be_visible(timeout=WAIT)
    assert_accessible(page)
    page.get_by_role("button", name="Yes, I am still here").click()
    expect(warning).to_be_hidden()
    here = page.url
    assert "/screening/section/" in here

    # Nobody answers the next warning: the tablet returns to the welcome page.
    expect(warning).to_be_visible(timeout=WAIT)
    page.wait_for_url(running.url + "/", timeout=WAIT)
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    _no_trace(page, "Cy Young", "38")
    cy = _record(running, "Cy Young")
    assert (cy.status, cy.reason, cy.needs_staff) == ("partial", "timed out", True)
    assert cy.answers == {"age": 38}

    # Cy comes back to the desk: staff check the name and reopen it on the tablet.
    with _records(running) as store:
        token, _session = store.new_session("staff", staff="nurse")
    page.context.add_cookies([{"name": "suitability_staff", "value": token, "url": running.url}])
    page.goto(f"{running.url}/kiosk/reopen/{cy.id}")
    expect(page.get_by_role("heading", name="Reopen a screening for its patient")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("The name or booking reference they give you now").fill("Cy Yung")
    page.get_by_role("button", name="Reopen on this tablet").click()
    expect(page.get_by_role("alert")).to_contain_text("This does not match")
    assert_accessible(page)
    page.get_by_label("The name or booking reference they give you now").fill("cy young")
    page.get_by_role("button", name="Reopen on this tablet").click()
    expect(page).to_have_url(re.compile(r"/screening/section/[2-9]$"))
    assert "suitability_staff" not in {c["name"] for c in page.context.cookies()}
    page.goto(running.url + "/screening/section/1")
    assert page.locator("#f-age").input_value() == "38"


def test_the_timeout_without_javascript(
    server: StartServer, page_nojs: Page, tmp_path: Path
) -> None:
    # Long enough for axe to read the page before the refresh.
    settings = _settings(tmp_path, idle_timeout_seconds=20, idle_warning_seconds=5)
    running = server(kiosk=True, settings=settings)
    page = page_nojs
    page.goto(running.url + "/")
    assert_accessible(page)
    _start(page, running, "Dee")
    _answer_age(page, "29")
    assert_accessible(page)
    # The meta refresh, with no warning (that needs the script), takes the tablet back.
    page.wait_for_url(running.url + "/", timeout=WAIT)
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    _no_trace(page, "Dee", "29")
    dee = _record(running, "Dee")
    assert (dee.status, dee.reason, dee.needs_staff) == ("partial", "timed out", True)
    assert dee.answers == {"age": 29}
    page.go_back()
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    _no_trace(page, "Dee", "29")


def test_the_welcome_pages_refusal_and_the_result_clearing(
    server: StartServer, page: Page, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, ask_reference="required", result_clear_seconds=10)
    running = server(kiosk=True, settings=settings)
    page.goto(running.url + "/")
    field = page.get_by_label("Your name or booking reference")
    field.fill("   ")
    page.get_by_role("button", name="Start the screening").click()
    expect(page.get_by_text("Please type your name or booking reference to start.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your name or booking reference").fill("Eve")
    page.get_by_role("button", name="Start the screening").click()
    expect(page.locator("#f-age")).to_be_visible()  # the record exists once its page is shown
    eve = _record(running, "Eve")
    with _records(running) as store:
        store.save_answers(eve.id, dict(BASELINE))
    page.goto(running.url + "/screening/review")
    page.get_by_role("button", name="Finish and see the result").click()
    expect(page.get_by_role("heading", name="Your screening result")).to_be_visible()
    # Left on the result, the tablet clears it for the next person.
    page.wait_for_url(running.url + "/", timeout=WAIT)
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    assert _record(running, "Eve").status == "complete"

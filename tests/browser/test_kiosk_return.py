"""Save and return in a real Chromium: a return code continues the screening once, typed as
a person would, and wrong codes are throttled; axe on its pages, in both modes."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from suitability.web.returning import throttle_key_for
from suitability.web.store import Store

from .conftest import NewPage, Server, StartServer, assert_accessible


def _enter(page: Page, server: Server, code: str) -> None:
    page.goto(server.url + "/screening/return")
    expect(page.get_by_role("heading", name="Continue a screening")).to_be_visible()
    page.get_by_label("Your return code").fill(code)
    page.get_by_role("button", name="Continue", exact=True).click()


def _save_and_leave(page: Page) -> str:
    page.get_by_role("button", name="Save and return later").click()
    expect(page.get_by_role("heading", name="Your answers are saved")).to_be_visible()
    assert_accessible(page)
    code = page.locator("#return-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}", code), code
    return code


def test_a_return_code_continues_the_screening_once(server: StartServer, new_page: NewPage) -> None:
    running = server()
    page = new_page()
    page.goto(running.url + "/")
    page.get_by_role("button", name="Start the screening").click()
    page.locator("#f-age").fill("63")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page).to_have_url(re.compile(r"/screening/section/[2-9]$"))
    code = _save_and_leave(page)
    page.reload()  # the code survives a reload of its page
    assert page.locator("#return-code").inner_text().strip() == code
    page.get_by_role("button", name="I have noted it").click()
    # Let that navigation finish first: going back while it is under way races it in Chromium.
    expect(page).to_have_url(running.url + "/")
    expect(page.get_by_role("button", name="Start the screening")).to_be_visible()
    page.go_back()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Your answers are saved")).to_have_count(0)
    assert code not in page.locator("body").inner_text()

    # Later, in another browser: typed in small letters, with spaces for the dashes.
    later = new_page()
    later.goto(running.url + "/")
    later.get_by_role("link", name="Continue a screening with a return code").click()
    expect(later.get_by_label("Your return code")).to_be_visible()
    assert_accessible(later)
    later.get_by_label("Your return code").fill(code.lower().replace("-", " "))
    later.get_by_role("button", name="Continue", exact=True).click()
    expect(later).to_have_url(re.compile(r"/screening/section/[2-9]$"))
    later.goto(running.url + "/screening/section/1")
    assert later.locator("#f-age").input_value() == "63"

    # Used once: a third browser cannot use it again.
    third = new_page()
    _enter(third, running, code)
    expect(third.get_by_role("alert")).to_contain_text("That code does not continue a screening.")
    assert_accessible(third)
    # The code never reached a URL, so the access log never saw it.
    # (The log is read from a pipe as it comes: wait for the entry line before looking.)
    deadline = time.monotonic() + 30
    while "POST /screening/return" not in running.logs() and time.monotonic() < deadline:
        time.sleep(0.1)
    logs = running.logs()
    assert "/screening/return" in logs
    assert code not in logs and code.replace("-", "") not in logs


def test_wrong_codes_are_throttled(server: StartServer, new_page: NewPage) -> None:
    running = server(kiosk=True)
    patient = new_page()
    patient.goto(running.url + "/")
    patient.get_by_role("button", name="Start the screening").click()
    patient.locator("#f-age").fill("55")
    patient.get_by_role("button", name="Continue", exact=True).click()
    expect(patient).to_have_url(re.compile(r"/screening/section/[2-9]$"))
    code = _save_and_leave(patient)  # the kiosk's code page
    patient.get_by_role("button", name="Done – clear the screen").click()
    expect(patient.get_by_role("heading", name="Welcome")).to_be_visible()
    assert code not in patient.locator("body").inner_text()

    guesser = new_page()
    messages = []
    for _ in range(12):
        _enter(guesser, running, "AAA-AAA-AAA")
        message = guesser.get_by_role("alert").inner_text()
        messages.append(message)
        if message.startswith("Too many codes"):
            break
    assert messages[0].startswith("That code does not continue a screening."), messages
    assert messages[-1].startswith("Too many codes were tried from here. Please wait"), messages
    assert_accessible(guesser)
    # While blocked, even the right code is refused, and not used up by it.
    store = Store.open(running.db_path)
    try:
        for _ in range(5):
            store.failed(throttle_key_for("127.0.0.1"))  # a pause far longer than this test
        _enter(guesser, running, code)
        expect(guesser.get_by_role("alert")).to_contain_text("Too many codes")
        store.succeeded(throttle_key_for("127.0.0.1"))  # the pause is over
    finally:
        store.close()
    _enter(guesser, running, code)
    expect(guesser).to_have_url(re.compile(r"/screening/section/[2-9]$"))

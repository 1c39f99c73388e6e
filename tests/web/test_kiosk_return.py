"""Save and return: the return code's alphabet and randomness, and in-process, a code that
continues the screening once, within its hours, with entry throttled per address."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from suitability.web import returning
from suitability.web.app import PATIENT_COOKIE, create_app
from suitability.web.settings import Settings
from suitability.web.store import Store, now

SOME_ANSWERS = {"age": 41, "goals": ["fine_lines"]}


def _client(store: Store, *, kiosk_mode: bool = False, **settings: Any) -> TestClient:
    app = create_app(Settings(**settings), store, kiosk=kiosk_mode)
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _start(client: TestClient, store: Store) -> str:
    before = {r.id for r in store.records()}
    home = client.get("/")
    started = client.post("/screening/start", data={"csrf": _csrf(home.text)})
    assert started.status_code == 303
    (record_id,) = {r.id for r in store.records()} - before
    store.save_answers(record_id, SOME_ANSWERS)
    return record_id


def _leave(client: TestClient, age: str = "44") -> str:
    """Types an age on the first page and presses "Save and return later" (which sends the
    page's own form); returns the code shown."""
    page = client.get("/screening/section/1")
    assert '<button type="submit" form="answers" name="_action" value="leave">' in page.text
    assert 'id="answers"' in page.text
    left = client.post(
        "/screening/section/1", data={"csrf": _csrf(page.text), "age": age, "_action": "leave"}
    )
    assert left.status_code == 303 and left.headers["location"] == "/screening/left"
    return _shown_code(client)


def _shown_code(client: TestClient) -> str:
    shown = client.get("/screening/left")
    assert shown.status_code == 200
    match = re.search(r'<p class="return-code" id="return-code">([^<]+)</p>', shown.text)
    assert match, shown.text
    return match.group(1)


def _enter(client: TestClient, code: str) -> Any:
    page = client.get("/screening/return")
    assert page.status_code == 200
    return client.post("/screening/return", data={"csrf": _csrf(page.text), "code": code})


# ---------------------------------------------------------------------- the code itself


def test_the_alphabet_has_no_characters_people_confuse() -> None:
    assert len(set(returning.ALPHABET)) == len(returning.ALPHABET)
    assert set(returning.ALPHABET) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    for never in "0OQ1IL2Z5S":
        assert never not in returning.ALPHABET
    for pair in ("6G", "8B", "UV"):
        assert sum(c in returning.ALPHABET for c in pair) == 1, pair


def test_a_code_holds_at_least_40_bits_of_randomness() -> None:
    bits = math.log2(len(returning.ALPHABET) ** returning.CODE_LENGTH)
    assert bits >= 40
    assert pytest.approx(bits) == returning.CODE_BITS
    codes = {returning.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == returning.CODE_LENGTH and set(c) <= set(returning.ALPHABET) for c in codes)
    # Every character of the alphabet is drawn, in every position.
    for position in range(returning.CODE_LENGTH):
        assert {c[position] for c in codes} == set(returning.ALPHABET)


def test_a_code_is_shown_in_groups_and_read_back_in_any_case_and_spacing() -> None:
    assert returning.shown("K7PMX4R3T") == "K7P-MX4-R3T"
    for typed in ("K7P-MX4-R3T", "k7p mx4 r3t", " k7pmx4r3t ", "K7P–MX4–R3T", "k7p\tmx4-r3t"):
        assert returning.normalise(typed) == "K7PMX4R3T", typed
    for typed in ("K7P-MX4-R3", "K7P-MX4-R3TT", "K0P-MX4-R3T", "", "K7P/MX4/R3T"):
        assert returning.normalise(typed) is None, typed


# ---------------------------------------------------------------------- the flow


def test_save_and_continue_later_gives_a_code_that_continues_once() -> None:
    store = Store.in_memory()
    client = _client(store, return_code_hours=24)
    record_id = _start(client, store)
    code = _leave(client)
    assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}", code)
    assert PATIENT_COOKIE not in client.cookies
    record = store.get(record_id)
    assert record is not None
    assert (record.status, record.reason, record.needs_staff) == ("partial", returning.LEFT, False)
    # Only the digest is kept.
    rows = store._query(
        "SELECT return_hash, return_expires FROM screenings WHERE id = ?", (record_id,)
    )
    plain = code.replace("-", "")
    assert rows[0]["return_hash"] == hashlib.sha256(plain.encode()).hexdigest()
    expires = dt.datetime.fromisoformat(rows[0]["return_expires"])
    assert dt.timedelta(hours=23, minutes=59) < expires - now() <= dt.timedelta(hours=24)
    dump = "\n".join(store._db.iterdump())
    assert plain not in dump and code not in dump
    # A reload of the page shows the code again; "I have noted it" takes it off this browser.
    again = client.get("/screening/left")
    assert code in again.text
    noted = client.post("/screening/left", data={"csrf": _csrf(again.text)})
    assert noted.status_code == 303
    assert client.get("/screening/left").headers["location"] == "/"

    # Later, on another browser, typed in small letters with spaces.
    later = _client(store)
    entered = _enter(later, code.lower().replace("-", " "))
    assert entered.status_code == 303, entered.text
    assert entered.headers["location"].startswith("/screening/section/")
    page = later.get(entered.headers["location"])
    assert page.status_code == 200
    record = store.get(record_id)
    assert record is not None and record.status == "in_progress"
    # What was typed on the page left is kept with the rest.
    assert record.answers == {**SOME_ANSWERS, "age": 44}

    # Single use.
    third = _client(store)
    refused = _enter(third, code)
    assert refused.status_code == 400
    assert "That code does not continue a screening." in refused.text
    assert "already used (each code works once)" in refused.text


def test_an_expired_code_does_not_continue() -> None:
    store = Store.in_memory()
    client = _client(store)
    record_id = _start(client, store)
    store.set_return_code(record_id, "K7PMX4R3T", now() - dt.timedelta(seconds=1))
    refused = _enter(_client(store), "K7P-MX4-R3T")
    assert refused.status_code == 400 and "older than 24 hours" in refused.text


def test_a_code_that_cannot_be_one_is_explained_and_not_counted() -> None:
    store = Store.in_memory()
    client = _client(store)
    for _ in range(6):
        refused = _enter(client, "K0P-MX4")
        assert refused.status_code == 400
        assert (
            "A return code has 9 letters and digits, in groups of three, like K7P-MX4-R3T."
            in refused.text
        )
    assert store.blocked_for(returning.throttle_key_for("testclient")) == 0


def test_wrong_codes_are_throttled_per_address() -> None:
    store = Store.in_memory()
    client = _client(store)
    record_id = _start(client, store)
    code = _leave(client)
    guesser = _client(store)
    for _ in range(4):
        wrong = _enter(guesser, "AAA-AAA-AAA")
        assert wrong.status_code == 400
    blocked = _enter(guesser, code)
    assert blocked.status_code == 429
    assert "Too many codes were tried from here. Please wait" in blocked.text
    # The right code tried while blocked is not used up: once the pause is over, it works.
    store.succeeded(returning.throttle_key_for("testclient"))
    assert _enter(guesser, code).status_code == 303
    assert store.get(record_id).status == "in_progress"  # type: ignore[union-attr]


def test_leaving_from_the_review_page() -> None:
    store = Store.in_memory()
    client = _client(store)
    record_id = _start(client, store)
    review = client.get("/screening/review")
    assert 'action="/screening/leave"' in review.text
    left = client.post("/screening/leave", data={"csrf": _csrf(review.text)})
    assert left.status_code == 303 and left.headers["location"] == "/screening/left"
    code = _shown_code(client)
    record = store.get(record_id)
    assert record is not None and record.status == "partial" and record.answers == SOME_ANSWERS
    assert _enter(_client(store), code).headers["location"].startswith("/screening/section/")


def test_leaving_needs_a_session_and_its_token() -> None:
    store = Store.in_memory()
    client = _client(store)
    home = client.get("/")
    nobody = client.post("/screening/leave", data={"csrf": _csrf(home.text)})
    assert nobody.status_code == 303 and nobody.headers["location"] == "/"
    record_id = _start(client, store)
    forged = client.post("/screening/leave", data={"csrf": "forged"})
    assert forged.status_code == 403
    assert store.get(record_id).status == "in_progress"  # type: ignore[union-attr]


def test_the_code_page_in_kiosk_mode_is_cleared_for_the_next_person() -> None:
    store = Store.in_memory()
    client = _client(store, kiosk_mode=True, result_clear_seconds=45)
    welcome = client.get("/")
    client.post("/kiosk/start", data={"csrf": _csrf(welcome.text), "reference": ""})
    code = _leave(client)
    page = client.get("/screening/left")
    assert (
        '<noscript><meta http-equiv="refresh" content="45;url=/kiosk/timeout"></noscript>'
        in page.text
    )
    assert 'action="/kiosk/finish"' in page.text
    done = client.post("/kiosk/finish", data={"csrf": _csrf(page.text)})
    assert done.headers["location"] == "/"
    assert returning.RETURN_COOKIE not in client.cookies
    assert code not in client.get("/").text
    assert client.get("/screening/left").headers["location"] == "/"
    # On the tablet, the code continues the screening too.
    assert _enter(client, code).status_code == 303


def test_a_code_already_live_elsewhere_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.in_memory()
    client = _client(store)
    first = _start(client, store)
    store.set_return_code(first, "K7PMX4R3T", now() + dt.timedelta(hours=1))
    other = _client(store)
    _start(other, store)
    drawn = iter(["K7PMX4R3T", "W4C-9HJ-EXA".replace("-", "")])
    monkeypatch.setattr(returning, "new_code", lambda: next(drawn))
    assert _leave(other) == "W4C-9HJ-EXA"


def test_leaving_a_finished_screening_only_ends_the_session() -> None:
    store = Store.in_memory()
    client = _client(store)
    record_id = _start(client, store)
    page = client.get("/screening/review")
    store.finish(record_id, SOME_ANSWERS, "{}")
    left = client.post("/screening/leave", data={"csrf": _csrf(page.text)})
    assert left.status_code == 303 and left.headers["location"] == "/"
    assert returning.RETURN_COOKIE not in client.cookies
    assert store.get(record_id).status == "complete"  # type: ignore[union-attr]


def test_a_long_pause_is_told_in_minutes() -> None:
    store = Store.in_memory()
    client = _client(store)
    for _ in range(12):
        store.failed(returning.throttle_key_for("testclient"))
    blocked = _enter(client, "K7P-MX4-R3T")
    assert blocked.status_code == 429
    assert re.search(r"Please wait \d+ minutes and try again", blocked.text)

"""The desk's login: argon2-checked, one message and the same work for a wrong name or a wrong
password, throttled per name and per address, a staff session that ends after the idle time,
and logout."""

from __future__ import annotations

import datetime as dt

import pytest

from suitability.web import desk as desk_module
from suitability.web import passwords
from suitability.web import store as store_module
from suitability.web.app import FORM_COOKIE, STAFF_COOKIE
from suitability.web.passwords import MAX_PASSWORD

from . import desk_helpers
from .desk_helpers import NAME, PASSWORD, Desk

# The shared fixtures, by name (pytest finds them as this module's attributes).
cheap_hashes, desk, staff = desk_helpers.cheap_hashes, desk_helpers.desk, desk_helpers.staff

WRONG = "That name and password do not match. Please try again."


def _later(monkeypatch: pytest.MonkeyPatch, **delta: float) -> None:
    """Moves the store's clock on (sessions and throttling read it)."""
    moment = store_module.now() + dt.timedelta(**delta)
    monkeypatch.setattr(store_module, "now", lambda: moment)


def test_login_opens_the_desk_with_a_strict_httponly_cookie(desk: Desk) -> None:
    assert desk.client.get("/desk", follow_redirects=False).headers["location"] == "/desk/login"
    response = desk.login()
    assert response.status_code == 303
    assert response.headers["location"] == "/desk"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{STAFF_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = desk.client.get("/desk")
    assert page.status_code == 200
    assert "Signed in as alice" in page.text
    assert [(e.actor, e.action) for e in desk.store.audit_entries()] == [(NAME, "logged in")]
    # Logged in already: the login page sends straight on to the desk.
    again = desk.client.get("/desk/login", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/desk"


def test_a_wrong_name_and_a_wrong_password_read_and_cost_the_same(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str | None] = []
    real = passwords.verify

    def counting(stored: str | None, password: str) -> bool:
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(desk_module, "verify", counting)
    wrong_password = desk.login(password="not the password")
    wrong_name = desk.login(name="mallory")
    for response in (wrong_password, wrong_name):
        assert response.status_code == 401
        assert WRONG in response.text
        assert STAFF_COOKIE not in response.headers.get("set-cookie", "")
    # The pages are the same but for the name typed back into its field.
    assert wrong_password.text.replace('value="alice"', 'value=""') == wrong_name.text.replace(
        'value="mallory"', 'value=""'
    )
    # Both were checked by argon2: the unknown name against the decoy hash.
    assert len(checked) == 2 and checked[0] is not None and checked[1] is None
    entries = [(e.actor, e.action) for e in desk.store.audit_entries()]
    # A name that is no account may be a password typed in the wrong box: never logged.
    assert entries == [("(not a staff name)", "login failed"), (NAME, "login failed")]
    assert desk.client.get("/desk", follow_redirects=False).status_code == 303


def test_an_overlong_password_is_refused_with_the_same_message(desk: Desk) -> None:
    response = desk.login(password="x" * (MAX_PASSWORD + 1))
    assert response.status_code == 401 and WRONG in response.text


def test_login_without_its_csrf_token_is_refused(desk: Desk) -> None:
    desk.client.get("/desk/login")
    response = desk.client.post(
        "/desk/login", data={"name": NAME, "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403
    assert STAFF_COOKIE not in response.headers.get("set-cookie", "")
    assert desk.store.audit_entries() == []


def test_login_is_throttled_per_name(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(desk_module.NAME_FREE_TRIES + 1):
        assert desk.login(password="guess").status_code == 401
    # Blocked now, even with the right password: the pause is said, nothing else.
    blocked = desk.login()
    assert blocked.status_code == 429
    assert "Too many attempts. Please wait" in blocked.text
    assert STAFF_COOKIE not in blocked.headers.get("set-cookie", "")
    assert desk.store.audit_entries()[0].action == "login refused: too many attempts"
    # Another name from the same address is not held back by alice's pause...
    assert desk.login(name="bob", password="guess").status_code == 401
    # ...and once the pause is over the right password opens the desk, and the count restarts.
    _later(monkeypatch, minutes=20)
    assert desk.login().status_code == 303
    assert desk.store.blocked_for(f"desk-login-name:{NAME}") == 0


def test_login_is_throttled_per_address(desk: Desk) -> None:
    for n in range(desk_module.ADDRESS_FREE_TRIES + 1):
        assert desk.login(name=f"someone{n}", password="guess").status_code == 401
    blocked = desk.login()
    assert blocked.status_code == 429


def test_the_staff_session_ends_after_the_idle_time(
    staff: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    _later(monkeypatch, minutes=14)
    assert staff.client.get("/desk").status_code == 200  # in use: the idle time starts again
    _later(monkeypatch, minutes=15, seconds=30)
    response = staff.client.get("/desk", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/desk/login"


def test_logout_ends_the_session(staff: Desk) -> None:
    token = staff.client.cookies[STAFF_COOKIE]
    response = staff.client.post(
        "/desk/logout", data={"csrf": staff.csrf()}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/desk/login"
    assert STAFF_COOKIE not in staff.client.cookies
    # The old token opens nothing, even sent again.
    staff.client.cookies.set(STAFF_COOKIE, token)
    assert staff.client.get("/desk", follow_redirects=False).status_code == 303
    assert staff.store.audit_entries()[0].action == "logged out"


def test_a_new_login_replaces_an_earlier_session(staff: Desk) -> None:
    first = staff.client.cookies[STAFF_COOKIE]
    # A second login in the same browser (a login page left open in another tab): the old
    # token is ended rather than left valid beside the new one.
    response = staff.client.post(
        "/desk/login",
        data={"csrf": staff.client.cookies[FORM_COOKIE], "name": NAME, "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert staff.store.session(first) is None

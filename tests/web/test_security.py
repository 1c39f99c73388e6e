"""Attacks on the web app's promises, across every route it has (section 5 of issue 11):
CSRF on every form post, cookies, security headers everywhere, a CSP with nothing inline (and
no template that would need it), script injection through free text, and one patient's
session never reaching another's answers or a staff page.

The routes are enumerated from the app itself, so a route added later is attacked too."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi import Request
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from suitability.assessment import assess
from suitability.questionnaire import Questionnaire, default_questionnaire
from suitability.web.app import FORM_COOKIE, PATIENT_COOKIE, STAFF_COOKIE, create_app
from suitability.web.security import CSP
from suitability.web.settings import Settings
from suitability.web.store import Store

from ..helpers import BASELINE
from .serving import httpx

WEB = Path(__file__).resolve().parents[2] / "suitability" / "web"
FORM = "application/x-www-form-urlencoded"
EVIL = "http://evil.example"
SCRIPT = "<script>alert('x1')</script>"
BREAKOUT = '"><img src=x onerror=alert(2)>'
Q = default_questionnaire()


# --------------------------------------------------------------------------- the app's routes


def fastapi_of(app: Any) -> Any:
    """The FastAPI object inside create_app's middleware."""
    while not hasattr(app, "router"):
        app = app.app
    return app


def app_routes(app: Any) -> list[tuple[str, frozenset[str]]]:
    """Every (path, methods) the app serves, its included routers' routes included (FastAPI
    includes routers lazily from 0.16x on; before, they are flattened into app.routes)."""
    found = []
    for route in fastapi_of(app).routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            for context in contexts():
                methods = getattr(context.original_route, "methods", None) or ()
                found.append((str(context.path), frozenset(methods)))
        elif hasattr(route, "methods"):
            found.append((str(route.path), frozenset(route.methods or ())))
    return sorted(set(found))


def fill(path: str, record_id: str) -> str:
    """A path with its parameters filled: a number for a page, else the record's id."""
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: "1" if m.group(1) == "n" else record_id, path)


# --------------------------------------------------------------------------- a person on the app


@dataclass
class Browser:
    """A test client with a patient session (and a staff session) of its own."""

    client: TestClient
    store: Store
    record_id: str
    patient_token: str
    staff_token: str

    def csrf_candidates(self) -> list[str]:
        """Every CSRF token this browser holds: the patient's, the staff's, the form cookie's."""
        found = []
        for token in (self.patient_token, self.staff_token):
            session = self.store.session(token)
            assert session is not None
            found.append(session.csrf)
        form = self.client.cookies.get(FORM_COOKIE)
        if form:
            found.append(form)
        return found


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def section_form(q: Questionnaire, n: int, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """The fields a person fills on section ``n`` to give ``answers`` (as they would type them)."""
    fields: list[tuple[str, str]] = [("_action", "next")]
    for question in q.sections[n - 1].questions:
        if question.id not in answers or answers[question.id] is None:
            continue
        value = answers[question.id]
        if isinstance(value, list):
            fields += [(question.id, str(v)) for v in value]
        elif question.type == "date" and re.fullmatch(r"\d{4}-\d\d-\d\d", str(value)):
            day = dt.date.fromisoformat(str(value))
            fields.append((question.id, f"{day.day:02d}/{day.month:02d}/{day.year}"))
        else:
            fields.append((question.id, str(value)))
    return fields


def screen(client: httpx.Client, answers: dict[str, Any], *, finish: bool = True) -> list[str]:
    """Goes through a whole screening in ``client`` as a person would; returns the pages seen."""
    home = client.get("/")
    started = client.post(
        "/screening/start", data={"csrf": csrf_of(home.text)}, follow_redirects=False
    )
    assert started.status_code == 303, started.text
    pages = []
    where = started.headers["location"]
    while where.startswith("/screening/section/"):
        page = client.get(where)
        assert page.status_code == 200, page.text
        pages.append(page.text)
        n = int(where.rsplit("/", 1)[1])
        fields = [("csrf", csrf_of(page.text)), *section_form(Q, n, answers)]
        sent = client.post(
            where,
            content=urlencode(fields),
            headers={"content-type": FORM},
            follow_redirects=False,
        )
        assert sent.status_code == 303, sent.text
        where = sent.headers["location"]
    assert where == "/screening/review", where
    review = client.get(where)
    pages.append(review.text)
    if finish:
        done = client.post(
            "/screening/finish", data={"csrf": csrf_of(review.text)}, follow_redirects=False
        )
        assert done.status_code == 303, done.text
        result = client.get(done.headers["location"])
        assert result.status_code == 200
        pages.append(result.text)
        pages.append(client.get("/screening/handout").text)
    return pages


def finished_record(store: Store, answers: dict[str, Any], reference: str | None = None) -> str:
    """A complete record as a screening leaves it, made through the store."""
    record_id = store.new_screening(
        source="kiosk",
        questionnaire_id=Q.id,
        questionnaire_version=Q.version,
        questionnaire_hash=Q.content_hash,
        answered_on=dt.date.today(),
        reference=reference,
    )
    store.finish(record_id, answers, assess(answers, Q).to_json())
    return record_id


@pytest.fixture
def store() -> Iterator[Store]:
    found = Store.in_memory()
    yield found
    found.close()


def new_browser(store: Store, app: Any, answers: dict[str, Any] | None = None) -> Browser:
    client = TestClient(app, base_url="http://127.0.0.1")
    screen(client, answers or BASELINE, finish=False)
    patient_token = client.cookies[PATIENT_COOKIE]
    session = store.session(patient_token)
    assert session is not None and session.screening_id is not None
    staff_token, _ = store.new_session("staff", staff="alice")
    client.cookies.set(STAFF_COOKIE, staff_token, domain="127.0.0.1")
    return Browser(client, store, session.screening_id, patient_token, staff_token)


def state(store: Store) -> Any:
    """What a refused post must leave as it was: every record, and the audit log."""
    records = [
        (r.id, r.status, r.answers, r.reviewed_by, r.needs_staff, r.updated)
        for r in store.records(limit=1000)
    ]
    return records, [(e.actor, e.action, e.record_id) for e in store.audit_entries()]


# --------------------------------------------------------------------------- CSRF


def forged_posts(app: Any, browser: Browser) -> tuple[list[str], dict[str, set[int]]]:
    """Every form post of the app, forged three ways: without a token, with a wrong one, and
    from another origin (or site) with each token the browser holds. Returns the forgeries
    NOT refused (refused: 403, or 404 where the route is not served in this mode, and nothing
    changed), and the statuses each route gave."""
    accepted = []
    statuses: dict[str, set[int]] = {}
    posts = [
        path
        for path, methods in app_routes(app)
        if "POST" in methods and not path.startswith("/api/")
    ]
    assert "/screening/start" in posts and "/screening/section/{n}" in posts
    client = browser.client
    for path in posts:
        url = fill(path, browser.record_id)
        attacks: list[tuple[str, dict[str, str], str]] = [
            ("no token", {}, ""),
            ("wrong token", {}, "csrf=" + "A" * 43),
        ]
        attacks += [
            ("another origin", {"origin": EVIL}, f"csrf={token}")
            for token in browser.csrf_candidates()
        ]
        attacks += [
            ("another site", {"sec-fetch-site": "cross-site"}, f"csrf={token}")
            for token in browser.csrf_candidates()
        ]
        for what, headers, body in attacks:
            before = state(browser.store)
            response = client.post(
                url,
                content=body,
                headers={"content-type": FORM, **headers},
                follow_redirects=False,
            )
            statuses.setdefault(path, set()).add(response.status_code)
            if response.status_code not in (403, 404) or state(browser.store) != before:
                accepted.append(f"POST {path} ({what}): {response.status_code}")
    return accepted, statuses


def test_every_form_post_refuses_a_forgery() -> None:
    statuses: dict[str, set[int]] = {}
    for kiosk in (False, True):
        store = Store.in_memory()
        app = create_app(Settings(), store, kiosk=kiosk)
        accepted, seen = forged_posts(app, new_browser(store, app))
        assert accepted == [], f"kiosk={kiosk}"
        for path, found in seen.items():
            statuses.setdefault(path, set()).update(found)
        store.close()
    # Each route is served in one mode at least, and there its CSRF check refused.
    assert [path for path, found in statuses.items() if 403 not in found] == []


def test_the_forgery_check_finds_a_post_without_csrf(store: Store) -> None:
    # A planted fault: a route that changes a record without reading its form through
    # shared.form is reported by the same check.
    app = create_app(Settings(), store)

    async def careless(request: Request) -> PlainTextResponse:
        shared = request.app.state.web
        for record in shared.store.records():
            shared.store.mark_reviewed(record.id, "mallory")
        return PlainTextResponse("done")

    fastapi_of(app).add_api_route("/planted/{record_id}", careless, methods=["POST"])
    found, _statuses = forged_posts(app, new_browser(store, app))
    assert found and all(line.startswith("POST /planted/{record_id}") for line in found)


def test_the_api_cannot_be_forged_from_a_browser(store: Store) -> None:
    # The API authenticates by a header that another site's page cannot send: a cookie, a
    # CSRF token or a same-origin header does not stand in for it.
    app = create_app(Settings(), store)
    browser = new_browser(store, app)
    for token in browser.csrf_candidates():
        response = browser.client.post(
            "/api/v1/assess",
            content=f'{{"answers": {{}}, "csrf": "{token}"}}',
            headers={"content-type": "application/json", "origin": "http://127.0.0.1"},
        )
        assert response.status_code == 401
    assert store.audit_entries() == [] or all(
        e.action != "api assess" for e in store.audit_entries()
    )


# --------------------------------------------------------------------------- cookies


def test_every_cookie_set_is_httponly_and_strict(store: Store) -> None:
    app = create_app(Settings(), store)
    client = TestClient(app, base_url="http://127.0.0.1")
    seen: list[str] = []
    client.event_hooks["response"] = [
        lambda response: seen.extend(response.headers.get_list("set-cookie"))
    ]
    screen(client, BASELINE)
    names = {cookie.split("=", 1)[0] for cookie in seen}
    assert {FORM_COOKIE, PATIENT_COOKIE} <= names
    for cookie in seen:
        attributes = {a.strip().split("=")[0].lower(): a for a in cookie.split(";")[1:]}
        assert "httponly" in attributes, cookie
        assert attributes.get("samesite", "").lower().endswith("strict"), cookie
        assert attributes.get("path", "").strip().lower() == "path=/", cookie


# --------------------------------------------------------------------------- headers


def check_headers(response: Any) -> list[str]:
    """What is missing from a response's security headers."""
    headers = response.headers
    wrong = []
    expected = {
        "content-security-policy": CSP,
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
    }
    for name, value in expected.items():
        if headers.get(name) != value:
            wrong.append(f"{name}: {headers.get(name)!r}")
    if "server" in headers:
        wrong.append("server header")
    if response.request.url.path.startswith("/static/"):
        return wrong
    if headers.get("cache-control") != "no-store":
        wrong.append(f"cache-control: {headers.get('cache-control')!r}")
    return wrong


def test_security_headers_on_every_route_static_file_and_error(store: Store) -> None:
    app = create_app(Settings(), store)
    browser = new_browser(store, app)
    client = browser.client
    responses = []
    for path, methods in app_routes(app):
        url = fill(path, browser.record_id)
        for method in sorted(methods & {"GET", "POST"}):
            responses.append(client.request(method, url, follow_redirects=False))
    for name in sorted(p.name for p in (WEB / "static").iterdir()):
        responses.append(client.get(f"/static/{name}"))
    responses += [
        client.get("/no-such-page"),
        client.get("/static/no-such-file.css"),
        client.delete("/"),
        client.post("/screening/start", content=b"x" * 300_000, headers={"content-type": FORM}),
        client.post("/api/v1/assess", content=b"{}", headers={"content-length": str(2_000_000)}),
    ]
    statuses = {r.status_code for r in responses}
    assert {200, 303, 404, 405, 413} <= statuses, statuses
    problems = [
        f"{r.request.method} {r.request.url.path} {r.status_code}: {', '.join(found)}"
        for r in responses
        if (found := check_headers(r))
    ]
    assert problems == []


def test_the_csp_allows_nothing_inline_nor_from_elsewhere() -> None:
    directives = {part.split()[0]: part.split()[1:] for part in CSP.split(";") if part.strip()}
    assert directives["default-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    for name, sources in directives.items():
        for source in sources:
            assert source in ("'self'", "'none'"), f"{name} {source}"
    for forbidden in ("unsafe-inline", "unsafe-eval", "unsafe-hashes", "data:", "*"):
        assert forbidden not in CSP


_URL_ATTRIBUTES = ("src", "href", "action", "formaction", "srcset", "poster", "data")
_ELSEWHERE = re.compile(r"\s*(javascript:|[a-z][a-z0-9+.-]*://|//)", re.I)


class _Inline(HTMLParser):
    """Finds what a strict CSP would block: inline scripts and styles, handler attributes,
    javascript: URLs, and anything loaded from another host."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script_has_src = True
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value or "" for name, value in attrs}
        for name, value in names.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "style":
                self.found.append(f"<{tag} style=...>")
            if name in _URL_ATTRIBUTES and _ELSEWHERE.match(value):
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            self._in_script = True
            self._script_has_src = "src" in names

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and not self._script_has_src and data.strip():
            self.found.append("inline <script>")


def inline_parts(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    parser.close()
    return parser.found


def test_no_template_holds_inline_script_style_or_handlers() -> None:
    templates = sorted((WEB / "templates").rglob("*.html"))
    assert len(templates) >= 3
    found = []
    for template in templates:
        text = template.read_text(encoding="utf-8")
        # Attributes written by template logic are still attributes: remove the Jinja tags
        # so that `{% if x %} onclick=...{% endif %}` is seen as written.
        plain = re.sub(r"\{%.*?%\}|\{#.*?#\}", " ", text, flags=re.S)
        plain = re.sub(r"\{\{.*?\}\}", "x", plain, flags=re.S)
        found += [f"{template.relative_to(WEB)}: {part}" for part in inline_parts(plain)]
        found += [
            f"{template.relative_to(WEB)}: {m.group(0)}"
            for m in re.finditer(r"\son[a-z]+\s*=|\sstyle\s*=|<style\b", plain, re.I)
        ]
    assert found == []


def test_inline_checks_catch_what_they_look_for() -> None:
    assert inline_parts("<script>alert(1)</script>") == ["inline <script>"]
    assert inline_parts('<p style="color:red" onclick="x()">') == ["<p style=...>", "<p onclick=...>"]  # fmt: skip
    assert inline_parts('<a href="javascript:x()">') and inline_parts('<img src="//cdn.example/a.png">')  # fmt: skip
    assert inline_parts('<script src="/static/app.js"></script><a href="/x">') == []


def test_no_stylesheet_or_script_loads_from_elsewhere() -> None:
    for asset in sorted((WEB / "static").iterdir()):
        text = asset.read_text(encoding="utf-8")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), asset.name
        assert "@import" not in text, asset.name
        assert not re.search(r"https?://(?!127\.0\.0\.1)", text), asset.name


# --------------------------------------------------------------------------- script injection


def _escaped(html: str, payload: str) -> bool:
    return payload not in html and inline_parts(html) == [] and "onerror" not in _attrs(html)


def _attrs(html: str) -> set[str]:
    names: set[str] = set()

    class Names(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            names.update(name for name, _ in attrs)

    Names().feed(html)
    return names


@pytest.mark.parametrize("payload", [SCRIPT, BREAKOUT])
def test_free_text_is_shown_escaped_on_every_page(store: Store, payload: str) -> None:
    app = create_app(Settings(), store)
    client = TestClient(app, base_url="http://127.0.0.1")
    pages = screen(client, {**BASELINE, "notes": payload})
    assert len(pages) >= 4
    # The notes appear (escaped) on the review, result and handout pages.
    shown = [page for page in pages if "alert(" in page]
    assert len(shown) >= 2
    for page in pages:
        assert _escaped(page, payload), page


def test_free_text_and_reference_are_escaped_on_every_page_staff_see(store: Store) -> None:
    # Staff pages show what patients typed: the notes and the name or reference given at the
    # start. Every page of the app, for a staff session, with the record's id where a path
    # takes one.
    for kiosk in (False, True):
        app = create_app(Settings(ask_reference="optional"), store, kiosk=kiosk)
        browser = new_browser(store, app)
        record_id = finished_record(store, {**BASELINE, "notes": SCRIPT}, reference=BREAKOUT)
        partial = store.new_screening(
            source="kiosk",
            questionnaire_id=Q.id,
            questionnaire_version=Q.version,
            questionnaire_hash=Q.content_hash,
            answered_on=dt.date.today(),
            reference=SCRIPT,
        )
        store.save_answers(partial, {"age": 40, "notes": BREAKOUT})
        store.mark_partial(partial, "timeout", needs_staff=True)
        shown = 0
        for path, methods in app_routes(app):
            if "GET" not in methods or path.startswith(("/static", "/api/")):
                continue
            for target in {record_id, partial}:
                response = browser.client.get(fill(path, target), follow_redirects=True)
                assert _escaped(response.text, SCRIPT), path
                assert _escaped(response.text, BREAKOUT), path
                shown += "alert(" in response.text
        if any(path.startswith("/desk") for path, _methods in app_routes(app)):
            assert shown >= 2  # the desk's list and record pages showed them, escaped


# --------------------------------------------------------------------------- one person's pages


def test_a_patient_session_never_shows_another_patients_answers(store: Store) -> None:
    app = create_app(Settings(), store)
    theirs = f"THEIRS-{uuid.uuid4().hex}"
    mine = f"MINE-{uuid.uuid4().hex}"
    other = new_browser(store, app, {**BASELINE, "notes": theirs})
    done = finished_record(store, {**BASELINE, "notes": theirs}, reference=theirs)
    me = new_browser(store, app, {**BASELINE, "notes": mine})
    assert other.record_id != me.record_id
    # My browser holds a patient session only; the same token is tried as a staff cookie too
    # (a session of one kind never opens pages of the other).
    me.client.cookies.delete(STAFF_COOKIE)
    me.client.cookies.set(STAFF_COOKIE, me.patient_token, domain="127.0.0.1")
    seen_mine = False
    for path, methods in app_routes(app):
        if "GET" not in methods or path.startswith("/static"):
            continue
        for target in (other.record_id, done):
            response = me.client.get(fill(path, target), follow_redirects=True)
            assert theirs not in response.text, path
            seen_mine = seen_mine or mine in response.text
            if path.startswith("/desk") and path != "/desk/login":
                assert response.url.path == "/desk/login", path
    assert seen_mine  # my review page shows my notes, so the check above can see a leak
    # Nor can my patient session post to a staff page.
    csrf = store.session(me.patient_token)
    assert csrf is not None
    for path, methods in app_routes(app):
        if "POST" in methods and path.startswith("/desk/") and path != "/desk/login":
            before = state(store)
            response = me.client.post(
                fill(path, done),
                content=f"csrf={csrf.csrf}",
                headers={"content-type": FORM},
                follow_redirects=False,
            )
            assert response.status_code in (303, 403), path
            assert theirs not in response.text
            assert state(store) == before, path


def test_record_ids_are_random_and_long(store: Store) -> None:
    ids = [
        store.new_screening(
            source="web",
            questionnaire_id=Q.id,
            questionnaire_version=Q.version,
            questionnaire_hash=Q.content_hash,
            answered_on=dt.date.today(),
        )
        for _ in range(50)
    ]
    assert len(set(ids)) == 50
    for record_id in ids:
        # 128 bits: 22 characters of URL-safe base64 (or 32 hex digits).
        assert len(record_id) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", record_id)
    assert len({record_id[:4] for record_id in ids}) > 40  # not a counter


def test_a_planted_session_cookie_is_not_adopted(store: Store) -> None:
    # Session fixation: a cookie value chosen by someone else is never the session a
    # screening is bound to.
    app = create_app(Settings(), store)
    client = TestClient(app, base_url="http://127.0.0.1")
    planted = "P" * 43
    client.cookies.set(PATIENT_COOKIE, planted, domain="127.0.0.1")
    assert client.get("/screening/review").status_code == 403
    screen(client, BASELINE, finish=False)
    assert client.cookies[PATIENT_COOKIE] != planted
    assert store.session(planted) is None

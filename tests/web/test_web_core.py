"""The web app's core: security headers, the body limit, strict forms and CSRF, the settings
file, and ``suitability serve``'s refusal to send answers across a network in clear text."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi import Request
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from suitability.web.app import FORM_COOKIE, create_app, web
from suitability.web.forms import FormRefused, parse_form
from suitability.web.security import CSP, FORM_LIMIT
from suitability.web.settings import Settings, SettingsError, load_settings
from suitability.web.store import Store

FORM = "application/x-www-form-urlencoded"


def _app(**kwargs: Any) -> Any:
    app = create_app(Settings(), Store.in_memory(), **kwargs)
    inner = app.app.app  # SecurityHeaders(BodyLimit(FastAPI))

    async def echo(request: Request) -> PlainTextResponse:
        form = await web(request).form(
            request, None, repeatable={"goals"}, allowed={"name", "goals"}
        )
        return PlainTextResponse(f"{form.get('name')}|{','.join(form.getlist('goals'))}")

    inner.add_api_route("/test/echo", echo, methods=["POST"])
    return app


@pytest.fixture
def client() -> TestClient:
    return TestClient(_app(), base_url="http://127.0.0.1")


def _token(client: TestClient) -> str:
    page = client.get("/")
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/static/app.css", "/no-such-page"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CSP
        assert "unsafe-inline" not in CSP and "frame-ancestors 'none'" in CSP
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "server" not in response.headers
    assert client.get("/").headers["cache-control"] == "no-store"
    assert client.get("/static/app.css").headers["cache-control"].startswith("public")
    assert client.get("/no-such-page").status_code == 404


def test_hsts_only_under_tls() -> None:
    plain = TestClient(_app(), base_url="http://127.0.0.1")
    assert "strict-transport-security" not in plain.get("/").headers
    secure = TestClient(_app(tls=True), base_url="https://127.0.0.1")
    response = secure.get("/")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert "secure" in response.headers["set-cookie"].lower()


def test_the_form_cookie_is_httponly_and_strict(client: TestClient) -> None:
    cookie = client.get("/").headers["set-cookie"]
    assert cookie.startswith(f"{FORM_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "secure" not in cookie.lower()  # plain HTTP on loopback: a Secure cookie would be lost


def test_a_form_with_its_token_is_read(client: TestClient) -> None:
    token = _token(client)
    body = f"csrf={token}&name=Ann&goals=lines&goals=volume"
    response = client.post("/test/echo", content=body, headers={"content-type": FORM})
    assert response.status_code == 200
    assert response.text == "Ann|lines,volume"


@pytest.mark.parametrize(
    ("body", "status", "where"),
    [
        ("name=Ann", 403, "csrf"),
        ("csrf=wrong&name=Ann", 403, "csrf"),
        ("csrf={t}&name=Ann&name=Bob", 400, "name"),
        ("csrf={t}&name=Ann&admin=1", 400, "admin"),
        ("csrf={t}&name=%ED%A0%80", 400, ""),
        ("csrf={t}&name=%FF", 400, ""),
    ],
)
def test_bad_forms_are_refused_with_where(
    client: TestClient, body: str, status: int, where: str
) -> None:
    token = _token(client)
    response = client.post(
        "/test/echo", content=body.format(t=token), headers={"content-type": FORM}
    )
    assert response.status_code == status
    assert "Traceback" not in response.text
    assert "Bob" not in response.text


def test_a_post_from_another_origin_is_refused(client: TestClient) -> None:
    token = _token(client)
    response = client.post(
        "/test/echo",
        content=f"csrf={token}&name=Ann",
        headers={"content-type": FORM, "origin": "http://evil.example"},
    )
    assert response.status_code == 403
    same = client.post(
        "/test/echo",
        content=f"csrf={token}&name=Ann",
        headers={"content-type": FORM, "origin": "http://127.0.0.1"},
    )
    assert same.status_code == 200


def test_a_form_of_another_kind_is_refused(client: TestClient) -> None:
    token = _token(client)
    response = client.post(
        "/test/echo", content=f'{{"csrf": "{token}"}}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 415


def test_a_body_over_the_limit_is_refused_before_it_is_read(client: TestClient) -> None:
    declared = client.post(
        "/test/echo",
        content=b"x" * 10,
        headers={"content-type": FORM, "content-length": str(FORM_LIMIT + 1)},
    )
    assert declared.status_code == 413

    def chunks() -> Any:
        for _ in range(FORM_LIMIT // 4096 + 2):
            yield b"a" * 4096

    streamed = client.post("/test/echo", content=chunks(), headers={"content-type": FORM})
    assert streamed.status_code == 413
    assert streamed.headers["x-frame-options"] == "DENY"


def test_the_api_problem_is_json_and_private() -> None:
    client = TestClient(_app(), base_url="http://127.0.0.1")
    response = client.post(
        "/api/v1/nothing-here",
        content=b"{}",
        headers={"content-type": "application/json", "content-length": str(10**9)},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 413


def test_parse_form_limits() -> None:
    with pytest.raises(FormRefused) as caught:
        parse_form(("a=" + "x" * 10_001).encode(), FORM)
    assert caught.value.problems[0].location == "a"
    with pytest.raises(FormRefused):
        parse_form("&".join(f"f{i}=1" for i in range(1001)).encode(), FORM)


def test_settings_file_problems_are_located(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("clinic_name: Rose Clinic\nidle_timeout_seconds: 5\nunknown: 1\n")
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    shown = [p.located(values=False) for p in caught.value.problems]
    assert any("idle_timeout_seconds" in s and "[line 2]" in s for s in shown)
    assert any(s.startswith(f"{path}: unknown:") and "[line 3]" in s for s in shown)
    path.write_text("clinic_name: Rose Clinic\nretention_days: 30\n")
    assert load_settings(path).retention_days == 30


@pytest.mark.parametrize("base", ["clinic example", "/fhir", "clinic.example/fhir", ""])
def test_settings_refuse_a_canonical_base_that_is_not_an_absolute_uri(
    tmp_path: Path, base: str
) -> None:
    # It starts the canonical URL of every FHIR resource written: a relative one would make
    # the questionnaire's URL mean something else on every system that reads it.
    path = tmp_path / "settings.yaml"
    path.write_text(f'clinic_name: Rose Clinic\ncanonical_base: "{base}"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    [shown] = [p.located(values=False) for p in caught.value.problems]
    assert shown.startswith(f"{path}: canonical_base: ")
    assert "[line 2]" in shown
    path.write_text("canonical_base: https://clinic.example/fhir\n")
    assert load_settings(path).canonical_base == "https://clinic.example/fhir"


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "suitability", "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_serve_refuses_the_network_in_clear_text(tmp_path: Path) -> None:
    done = _serve("--host", "0.0.0.0", "--db", str(tmp_path / "r.db"))
    assert done.returncode == 2
    assert "--tls-cert" in done.stderr and "--insecure-http" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "r.db").exists()


def test_serve_wants_both_halves_of_tls(tmp_path: Path) -> None:
    done = _serve("--tls-cert", str(tmp_path / "c.pem"), "--db", str(tmp_path / "r.db"))
    assert done.returncode == 2
    assert "go together" in done.stderr


def test_serve_reports_a_bad_settings_file(tmp_path: Path) -> None:
    settings = tmp_path / "s.yaml"
    settings.write_text("ask_reference: sometimes\n")
    done = _serve("--settings", str(settings), "--db", str(tmp_path / "r.db"), "--port", "0")
    assert done.returncode == 1
    assert "ask_reference" in done.stderr and "[line 1]" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_closes_the_database_cleanly_on_sigterm(tmp_path: Path) -> None:
    import signal

    db = tmp_path / "records.db"
    server = subprocess.Popen(
        [sys.executable, "-m", "suitability", "serve", "--db", str(db), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("Serving the screening at http://127.0.0.1:")
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=60)
    finally:
        server.kill()
    assert server.returncode == 143
    assert "Traceback" not in err
    # A cleanly closed WAL database leaves no -wal or -shm file behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.db"]


def test_serve_handles_sigterm_before_it_prints_its_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever reads the address line may stop the server at once: by then a SIGTERM must
    already close the database cleanly (exit 143), not kill the process where it stands."""
    import io
    import signal

    from suitability import _cli_web
    from suitability.cli import main

    seen: list[object] = []

    class Out(io.StringIO):
        def write(self, text: str) -> int:
            if text.startswith("Serving the screening at "):
                seen.append(signal.getsignal(signal.SIGTERM))
            return super().write(text)

    monkeypatch.setattr(sys, "stdout", Out())
    monkeypatch.setattr(_cli_web, "_run", lambda _app, sock, _args: sock.close())
    before = signal.getsignal(signal.SIGTERM)
    assert main(["serve", "--db", str(tmp_path / "r.db"), "--port", "0"]) == 0
    assert seen == [_cli_web._stopped]
    assert signal.getsignal(signal.SIGTERM) == before  # and put back afterwards

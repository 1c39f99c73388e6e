"""Attacks that need the real ``suitability serve``: cookies over real TLS (Secure, with HSTS),
and the network address served in clear text only with a warning."""

from __future__ import annotations

import re
import shutil
import ssl
import subprocess
import uuid
from pathlib import Path

import pytest

from suitability.web.app import FORM_COOKIE, PATIENT_COOKIE

from ..helpers import BASELINE
from .serving import httpx, serve
from .test_security import screen


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1, made here with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("these tests make a TLS certificate with the openssl command: install openssl")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def test_under_tls_every_cookie_is_secure_httponly_and_strict(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    args = ("--db", str(tmp_path / "r.db"), "--tls-cert", str(cert), "--tls-key", str(key))
    with serve(tmp_path, *args) as served:
        assert served.url.startswith("https://127.0.0.1:")
        trust = ssl.create_default_context(cafile=str(cert))
        with httpx.Client(base_url=served.url, verify=trust) as client:
            home = client.get("/")
            token = re.search(r'name="csrf" value="([^"]+)"', home.text)
            assert token is not None
            started = client.post(
                "/screening/start",
                content=f"csrf={token.group(1)}",
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            assert started.status_code == 303, started.text
        # Plain HTTP on the TLS port gets no answer at all, let alone a cookie.
        plain = served.url.replace("https://", "http://")
        with pytest.raises(httpx.HTTPError):
            httpx.get(plain + "/", timeout=10)
    cookies = home.headers.get_list("set-cookie") + started.headers.get_list("set-cookie")
    assert {c.split("=", 1)[0] for c in cookies} == {FORM_COOKIE, PATIENT_COOKIE}
    for cookie in cookies:
        attributes = [a.strip().lower() for a in cookie.split(";")[1:]]
        assert "secure" in attributes, cookie
        assert "httponly" in attributes, cookie
        assert "samesite=strict" in attributes, cookie
    assert home.headers["strict-transport-security"].startswith("max-age=")
    assert "Traceback" not in served.output()


def test_clear_text_on_the_network_is_served_only_with_a_warning(tmp_path: Path) -> None:
    args = ("--db", str(tmp_path / "r.db"), "--host", "0.0.0.0", "--insecure-http")
    with serve(tmp_path, *args) as served:
        port = served.url.rsplit(":", 1)[1]
        # Reached over loopback only: nothing in this test leaves the machine.
        response = httpx.get(f"http://127.0.0.1:{port}/", timeout=30)
        assert response.status_code == 200
        assert "secure" not in response.headers["set-cookie"].lower()
        assert "strict-transport-security" not in response.headers
    err = served.err.read_text()
    assert "warning" in err.lower() and "WITHOUT encryption" in err
    assert "Traceback" not in err


def test_a_whole_screening_leaves_no_answer_in_any_log_line(tmp_path: Path) -> None:
    marker = f"MARKER-{uuid.uuid4().hex}"
    with (
        serve(tmp_path, "--db", str(tmp_path / "r.db")) as served,
        httpx.Client(base_url=served.url, timeout=60) as client,
    ):
        pages = screen(client, {**BASELINE, "notes": marker})
        assert any(marker in page for page in pages)  # shown to the person, on their pages
        # Answers sent where they do not belong (a query string, a bad form) are not
        # logged either.
        client.get(f"/screening/review?notes={marker}")
        client.post(
            "/screening/start",
            content=f"notes={marker}&notes={marker}",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    printed = served.output()
    assert "POST /screening/finish 303" in printed  # the access log is there
    assert marker not in printed

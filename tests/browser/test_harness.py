"""The harness itself: the real server starts and serves an accessible home page, the guard
catches a page reaching outside 127.0.0.1, and the server's logs keep no query string or form
value."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .conftest import (
    GuardedPages,
    Server,
    StartServer,
    assert_accessible,
    describe_violations,
    is_local,
)

MARKER = "zq7marker"


def test_home_page_loads_and_passes_axe(server: StartServer, page: Page) -> None:
    running = server()
    assert running.url.startswith("http://127.0.0.1:")
    response = page.goto(running.url + "/")
    assert response is not None and response.status == 200
    assert page.title()
    assert_accessible(page)


def test_home_page_without_javascript_passes_axe(server: StartServer, page_nojs: Page) -> None:
    running = server()
    response = page_nojs.goto(running.url + "/")
    assert response is not None and response.status == 200
    assert_accessible(page_nojs)


def test_without_javascript_the_document_is_checked_as_that_browser_shows_it(
    page_nojs: Page,
) -> None:
    # Shown without JavaScript: the <noscript> image. Not shown: what the script would add.
    page_nojs.set_content(
        '<!doctype html><html lang="en"><title>t</title><main><h1>Hello</h1>'
        '<noscript><img src="data:,shown"></noscript>'
        "<script>document.querySelector('main').append(Object.assign("
        "document.createElement('input'), {type: 'text'}))</script></main></html>"
    )
    with pytest.raises(pytest.fail.Exception) as failed:
        assert_accessible(page_nojs)
    text = str(failed.value)
    assert "- image-alt (critical)" in text
    assert "\n- label " not in text
    assert page_nojs.locator("input").count() == 0


def test_accessibility_failures_are_listed_readably(page: Page) -> None:
    page.set_content(
        '<!doctype html><html lang="en"><title>t</title><main><img src="data:,x"></main></html>'
    )
    with pytest.raises(pytest.fail.Exception) as failed:
        assert_accessible(page)
    text = str(failed.value)
    assert "1 serious or critical accessibility violation(s):" in text
    assert "- image-alt (critical): Images must have alternative text" in text
    assert '    at img: <img src="data:,x">' in text


def test_describe_violations_shortens_long_snippets() -> None:
    violation = {
        "id": "label",
        "impact": "critical",
        "help": "Form elements must have labels",
        "nodes": [{"target": ["#age"], "html": "<input " + "x" * 300 + ">"}],
    }
    line = describe_violations([violation]).splitlines()[1]
    assert line.startswith("    at #age: <input xxx")
    assert line.endswith("...") and len(line) == len("    at #age: ") + 160


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8123/start", True),
        ("ws://127.0.0.1:8123/live", True),
        ("data:image/png;base64,AAAA", True),
        ("about:blank", True),
        ("http://192.0.2.1/x.png", False),
        ("https://localhost:8123/", False),
        ("http://127.0.0.1.example.org/", False),
        ("file:///etc/passwd", False),
    ],
)
def test_only_loopback_counts_as_local(url: str, local: bool) -> None:
    assert is_local(url) is local


def test_guard_aborts_and_fails_a_request_outside_loopback(browser: Browser) -> None:
    pages = GuardedPages(browser)
    page = pages.open()
    failures: list[str] = []
    page.on("requestfailed", lambda request: failures.append(str(request.failure)))
    page.set_content('<img alt="" src="http://192.0.2.1/x.png">')
    assert len(failures) == 1 and failures[0].startswith("net::ERR_BLOCKED_BY_CLIENT")
    with pytest.raises(pytest.fail.Exception) as failed:
        pages.close()
    assert str(failed.value) == (
        "the page asked for addresses outside 127.0.0.1:\nGET http://192.0.2.1/x.png"
    )


def test_guard_without_interception_still_records_and_never_reaches_out(
    browser: Browser,
) -> None:
    pages = GuardedPages(browser)
    page = pages.open(intercept=False)
    failures: list[str] = []
    page.on("requestfailed", lambda request: failures.append(str(request.failure)))
    page.set_content('<img alt="" src="http://192.0.2.1/y.png">')
    # The dead proxy stops it at this machine.
    assert failures == ["net::ERR_PROXY_CONNECTION_FAILED"]
    with pytest.raises(pytest.fail.Exception, match=r"GET http://192\.0\.2\.1/y\.png"):
        pages.close()


def test_guard_closes_a_websocket_outside_loopback(browser: Browser) -> None:
    pages = GuardedPages(browser)
    page = pages.open()
    page.set_content("<title>ws</title>")
    closed = page.evaluate(
        """() => new Promise(done => {
            const socket = new WebSocket("ws://192.0.2.1/live");
            socket.onclose = event => done(event.code);
        })"""
    )
    assert closed == 1008
    with pytest.raises(pytest.fail.Exception, match=r"websocket ws://192\.0\.2\.1/live"):
        pages.close()


def test_logs_hold_no_query_string_or_form_value(server: StartServer, page: Page) -> None:
    running = server()
    page.goto(f"{running.url}/?ref={MARKER}q")
    # The home page's form, carrying a value of its own and a query string, as a patient's
    # answers or a tampered form would.
    page.evaluate(
        """marker => {
            const form = document.querySelector("form");
            form.action = form.action + "?note=" + marker + "a";
            const field = document.createElement("input");
            field.type = "hidden";
            field.name = "reference";
            field.value = marker + "f";
            form.append(field);
        }""",
        MARKER,
    )
    with page.expect_navigation():
        page.click("button[type=submit]")
    code = running.stop()
    logs = running.logs()
    assert running.url in logs
    assert "GET / 200" in logs
    assert "POST /screening/start " in logs
    assert MARKER not in logs, logs
    # SIGTERM: uvicorn finishes its requests, the database is closed, and the exit is 143.
    assert code == 143, logs


def stand_in_server(tmp_path: Path, code: str) -> Server:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return Server([sys.executable, "-c", code], tmp_path / "records.db", tmp_path, env)


def test_a_server_that_ends_before_its_address_fails_with_its_output(tmp_path: Path) -> None:
    code = "import sys; print('starting'); sys.stderr.write('error: no port\\n'); sys.exit(2)"
    with pytest.raises(pytest.fail.Exception) as failed:
        stand_in_server(tmp_path, code)
    assert str(failed.value) == (
        f"`-c {code}` exited with code 2 before printing its address:\nstarting\nerror: no port\n"
    )


def test_a_server_stopped_by_sigterm_leaves_no_problem(tmp_path: Path) -> None:
    running = stand_in_server(
        tmp_path, "import time; print('at http://127.0.0.1:9/ now'); time.sleep(120)"
    )
    assert running.url == "http://127.0.0.1:9"
    assert running.stop() == -signal.SIGTERM
    assert running.problems() == []


def test_a_server_that_ends_by_itself_or_writes_a_traceback_is_a_problem(tmp_path: Path) -> None:
    running = stand_in_server(
        tmp_path,
        "import sys; print('at http://127.0.0.1:9/')\n"
        "sys.stderr.write('Traceback (most recent call last):\\n  boom\\n'); sys.exit(1)",
    )
    running.process.wait()
    running.stop()
    assert running.problems() == [
        "the server exited by itself with code 1",
        "the server wrote a traceback",
    ]


def test_the_server_reads_no_settings_of_the_developers_own(
    server: StartServer, page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "mine"
    (mine / "suitability").mkdir(parents=True)
    (mine / "suitability" / "settings.yaml").write_text(
        "clinic_name: Elsewhere Clinic\n", encoding="utf-8"
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(mine))
    running = server()
    page.goto(running.url + "/")
    assert page.locator(".brand").inner_text() == "Pre-consultation screening"
    own = tmp_path / "own.yaml"
    own.write_text("clinic_name: Test Clinic\n", encoding="utf-8")
    page.goto(server(settings=own, db=tmp_path / "other.db").url + "/")
    assert page.locator(".brand").inner_text() == "Test Clinic"

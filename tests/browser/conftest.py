"""The browser-test harness: a real Chromium (the system's, never Playwright's download) driven by
Playwright, the web app started as `python -m suitability serve` in a subprocess, a guard that
fails any test whose page asks for anything outside 127.0.0.1, and an axe-core accessibility
check.

Fixtures:
- `browser`: one headless Chromium for the tests of this folder, with a fresh temporary profile.
- `server(kiosk=False, settings=None, db=None, args=())`: starts the app on a free port of
  127.0.0.1 and returns a `Server` (`.url`, `.db_path`, `.logs()`, `.stop()`); every server is
  stopped (SIGTERM, then kill) when the test ends, and the test fails if one exited by itself
  or wrote a traceback. Pass the same `db` to start it again on the same records.
- `page` / `page_nojs`: a page in a new browser context (JavaScript on / off).
- `new_page(javascript=True, intercept=True)`: more pages, each in its own context (two
  patients, or a patient and staff, side by side).

Every context is guarded: a request (or websocket) to a host other than 127.0.0.1 is recorded
and the test fails at teardown, naming it. With `intercept=True` (the default) such a request
is aborted by route interception before it leaves; routing disables Chromium's HTTP cache, so a
test about what the cache keeps (Cache-Control: no-store, the back button) asks for
`intercept=False`: requests are then only recorded, and the browser's dead proxy (see
CHROMIUM_ARGS) still stops them at this machine.

`assert_accessible(page)` runs axe-core (shipped inside axe-playwright-python, so it works
offline) on the page as it is and fails on any serious or critical violation, listing each.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Request,
    Route,
    WebSocketRoute,
    sync_playwright,
)
from playwright.sync_api import (
    Error as PlaywrightError,
)

HERE = Path(__file__).resolve().parent

# The flags keep Chromium from calling home (updates, sync, field trials, QUIC probes). The proxy
# is a port where nothing listens: Chromium never sends 127.0.0.1 through a proxy, so anything
# that slipped past the guard would fail at this machine instead of reaching the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--proxy-server=http://127.0.0.1:9",
]

# Generous: up to six test runs share two cores, and the server imports the whole product.
SERVER_START_TIMEOUT = 90.0
SERVER_STOP_TIMEOUT = 20.0
ADDRESS = re.compile(r"\bhttps?://127\.0\.0\.1:[0-9]{1,5}\b")
LOCAL_SCHEMES = {"http", "https", "ws", "wss"}
# Not network at all: inline documents and the browser's own blank page.
NO_NETWORK_SCHEMES = {"data", "blob", "about"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


def chromium_executable() -> str:
    """The Chromium the tests drive: SUITABILITY_CHROMIUM (set by scripts/check), else the
    system's."""
    named = os.environ.get("SUITABILITY_CHROMIUM")
    if named:
        if not os.access(named, os.X_OK):
            pytest.fail(
                f"SUITABILITY_CHROMIUM names {named}, which is not an executable", pytrace=False
            )
        return named
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(
        "the browser tests need Chromium: run ./scripts/check (it sets Chromium up) or set "
        "SUITABILITY_CHROMIUM to a Chromium executable",
        pytrace=False,
    )


# Package scope, not session: while Playwright's sync API runs, the main thread has an asyncio
# loop marked as running, and the terminal tests after this folder call asyncio.run().
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    executable = chromium_executable()
    with sync_playwright() as playwright:
        # A plain launch gets a new, empty temporary profile that Playwright removes on close.
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


# --- the server ---------------------------------------------------------------------------


class _Pump:
    """Reads one of the server's streams as it comes, so a chatty server never blocks on a
    full pipe, and lets the harness wait for a line."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lines: list[str] = []
        self._changed = threading.Condition()
        self._ended = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for line in self._stream:
            with self._changed:
                self._lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    @property
    def ended(self) -> bool:
        with self._changed:
            return self._ended

    def text(self) -> str:
        with self._changed:
            return "".join(self._lines)

    def wait_for(self, pattern: re.Pattern[str], deadline: float) -> str | None:
        """The first match in the stream, waiting until `deadline` or the stream's end."""
        with self._changed:
            while True:
                found = pattern.search("".join(self._lines))
                if found:
                    return found.group(0)
                left = deadline - time.monotonic()
                if self._ended or left <= 0:
                    return None
                self._changed.wait(min(left, 0.5))

    def join(self) -> None:
        self._thread.join(timeout=SERVER_STOP_TIMEOUT)
        self._stream.close()


class Server:
    """A running `suitability serve`; `url` has no trailing slash."""

    def __init__(self, argv: list[str], db_path: Path, cwd: Path, env: dict[str, str]) -> None:
        self.db_path = db_path
        self.argv = argv
        self.process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        assert self.process.stdout is not None and self.process.stderr is not None
        self._stdout = _Pump(self.process.stdout)
        self._stderr = _Pump(self.process.stderr)
        address = self._stdout.wait_for(ADDRESS, time.monotonic() + SERVER_START_TIMEOUT)
        if address is None:
            if self._stdout.ended:
                # Its output closes a moment before it can be reaped: wait for its exit code.
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=SERVER_STOP_TIMEOUT)
            running = self.process.poll() is None
            self.stop()
            what = (
                f"printed no 127.0.0.1 address within {SERVER_START_TIMEOUT:.0f} s"
                if running
                else f"exited with code {self.process.returncode} before printing its address"
            )
            pytest.fail(f"`{' '.join(argv[1:])}` {what}:\n{self.logs()}", pytrace=False)
        self.url = address

    exited_by_itself: bool | None = None

    def problems(self) -> list[str]:
        """What no test may leave behind: a server that ended without being asked, or wrote a
        traceback (every error must be a clear message, never a traceback)."""
        found = []
        if self.exited_by_itself:
            found.append(f"the server exited by itself with code {self.process.returncode}")
        if "Traceback (most recent call last)" in self.logs():
            found.append("the server wrote a traceback")
        return found

    def logs(self) -> str:
        """Everything the server wrote so far: standard output, then standard error."""
        return self._stdout.text() + self._stderr.text()

    def stop(self) -> int:
        """Stops the server as a service manager would (SIGTERM, the kill after a grace
        period) and returns its exit code."""
        if self.exited_by_itself is None:
            self.exited_by_itself = self.process.poll() is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=SERVER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stdout.join()
        self._stderr.join()
        return self.process.returncode


StartServer = Callable[..., Server]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[StartServer]:
    started: list[Server] = []

    def start(
        *,
        kiosk: bool = False,
        settings: Path | None = None,
        db: Path | None = None,
        args: Sequence[str] = (),
    ) -> Server:
        db_path = db if db is not None else tmp_path / "records.db"
        argv = [sys.executable, "-m", "suitability", "serve", "--db", str(db_path), "--port", "0"]
        if kiosk:
            argv.append("--kiosk")
        if settings is not None:
            argv += ["--settings", str(settings)]
        argv += list(args)
        env = dict(os.environ)
        # The address is read from a pipe: unbuffered, it arrives as soon as it is printed.
        env["PYTHONUNBUFFERED"] = "1"
        # Whatever the server keeps besides the database stays in this test's folder, and a
        # settings file of the developer's own is never read.
        env["XDG_STATE_HOME"] = str(tmp_path / "state")
        env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
        running = Server(argv, db_path, tmp_path, env)
        started.append(running)
        return running

    yield start
    problems = []
    for running in started:
        running.stop()
        if running.problems():
            problems.append("; ".join(running.problems()) + ":\n" + running.logs())
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


# --- pages, and the guard that keeps them on this machine ------------------------------------


def is_local(url: str) -> bool:
    """True when fetching `url` stays on 127.0.0.1 (or needs no network at all)."""
    parts = urlsplit(url)
    if parts.scheme in NO_NETWORK_SCHEMES:
        return True
    return parts.scheme in LOCAL_SCHEMES and parts.hostname == "127.0.0.1"


class OffHostGuard:
    """Records every request from a context that would leave 127.0.0.1."""

    def __init__(self) -> None:
        self.requests: list[str] = []

    def install(self, context: BrowserContext, *, intercept: bool) -> None:
        context.on("request", self._seen)
        context.route_web_socket(lambda url: not is_local(url), self._close_web_socket)
        if intercept:
            context.route(lambda url: not is_local(url), self._abort)

    def _record(self, what: str) -> None:
        if what not in self.requests:
            self.requests.append(what)

    def _seen(self, request: Request) -> None:
        if not is_local(request.url):
            self._record(f"{request.method} {request.url}")

    def _abort(self, route: Route) -> None:
        self._record(f"{route.request.method} {route.request.url}")
        route.abort("blockedbyclient")

    def _close_web_socket(self, socket: WebSocketRoute) -> None:
        self._record(f"websocket {socket.url}")
        socket.close(code=1008, reason="outside 127.0.0.1")


# Pages with JavaScript off, which axe-core cannot check as they are (see
# _violations_without_script).
_NO_SCRIPT_PAGES: weakref.WeakSet[Page] = weakref.WeakSet()


class GuardedPages:
    """Opens pages, each in a new guarded context, and at `close()` fails naming every
    request any of them made outside 127.0.0.1."""

    def __init__(self, browser: Browser) -> None:
        self._browser = browser
        self._opened: list[tuple[BrowserContext, OffHostGuard]] = []

    def open(self, *, javascript: bool = True, intercept: bool = True, **options: Any) -> Page:
        context = self._browser.new_context(java_script_enabled=javascript, **options)
        guard = OffHostGuard()
        guard.install(context, intercept=intercept)
        self._opened.append((context, guard))
        opened = context.new_page()
        if not javascript:
            _NO_SCRIPT_PAGES.add(opened)
        return opened

    def close(self) -> None:
        left: list[str] = []
        for context, guard in self._opened:
            for open_tab in context.pages:
                # A round trip delivers every event the browser sent before it, so a request
                # made just before the test ended is still recorded.
                with contextlib.suppress(PlaywrightError):
                    open_tab.title()
            context.close()
            left += guard.requests
        self._opened.clear()
        if left:
            pytest.fail(
                "the page asked for addresses outside 127.0.0.1:\n" + "\n".join(left),
                pytrace=False,
            )


NewPage = Callable[..., Page]


@pytest.fixture
def new_page(browser: Browser) -> Iterator[NewPage]:
    pages = GuardedPages(browser)
    yield pages.open
    pages.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    return new_page(javascript=True)


@pytest.fixture
def page_nojs(new_page: NewPage) -> Page:
    return new_page(javascript=False)


# --- accessibility -----------------------------------------------------------------------

_AXE = Axe()
FAILING_IMPACTS = ("serious", "critical")


def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    if page in _NO_SCRIPT_PAGES:
        return _violations_without_script(page)
    return _axe_violations(page)


def _axe_violations(page: Page) -> list[dict[str, Any]]:
    results = _AXE.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]


# The document of a JavaScript-off page as that browser shows it: <noscript> content in the body
# is shown (as if the element were not there), and no script may run.
_DOCUMENT_WITHOUT_SCRIPT = """() => {
    const root = document.documentElement.cloneNode(true);
    for (const shown of root.querySelectorAll("body noscript")) {
        const wrapper = document.createElement("span");
        wrapper.style.display = "contents";
        wrapper.append(...shown.childNodes);
        shown.replaceWith(wrapper);
    }
    const policy = document.createElement("meta");
    policy.httpEquiv = "Content-Security-Policy";
    policy.content = "script-src 'none'";
    let head = root.querySelector("head");
    if (!head) {
        head = document.createElement("head");
        root.prepend(head);
    }
    head.prepend(policy);
    return "<!doctype html>" + root.outerHTML;
}"""


def _violations_without_script(page: Page) -> list[dict[str, Any]]:
    """axe-core needs timers, which never fire in a JavaScript-off page: its document, as that
    browser shows it, is checked in a stand-in page at the same address (so the stylesheets
    load and colours are judged), where no script of the page's runs."""
    browser = page.context.browser
    assert browser is not None
    document = page.evaluate(_DOCUMENT_WITHOUT_SCRIPT)
    address = page.url
    guard = OffHostGuard()
    context = browser.new_context(java_script_enabled=True)
    guard.install(context, intercept=True)

    def from_memory(route: Route) -> None:
        if route.request.resource_type == "document" and route.request.url == address:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=document)
        else:
            route.fallback()

    try:
        stand_in = context.new_page()
        if urlsplit(address).scheme in ("http", "https"):
            context.route(is_local, from_memory)
            stand_in.goto(address)
        else:
            stand_in.set_content(document)
        return _axe_violations(stand_in)
    finally:
        context.close()
        if guard.requests:
            pytest.fail(
                "the page asked for addresses outside 127.0.0.1:\n" + "\n".join(guard.requests),
                pytrace=False,
            )


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            where = " ".join(str(t) for t in node["target"])
            html = " ".join(node.get("html", "").split())
            if len(html) > 160:
                html = html[:157] + "..."
            lines.append(f"    at {where}: {html}")
            summary = node.get("failureSummary")
            if summary:
                lines += [f"      {line.strip()}" for line in summary.splitlines() if line.strip()]
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fails, listing each, when axe-core finds a serious or critical violation on the page."""
    violations = accessibility_violations(page)
    if violations:
        pytest.fail(
            f"{page.url}: {len(violations)} serious or critical accessibility violation(s):\n"
            + describe_violations(violations),
            pytrace=False,
        )

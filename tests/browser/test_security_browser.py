"""Attacks that only a real browser can judge: the app framed by a page of another origin, and
an inline script on the app's page, both refused by Chromium because of the app's headers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from playwright.sync_api import Frame, Page

from .conftest import StartServer, assert_accessible

APP_TEXT = "Pre-consultation screening"


@contextmanager
def other_origin(pages: dict[str, str]) -> Iterator[str]:
    """A tiny second web server on 127.0.0.1 (another port: another origin) serving ``pages``,
    with no security header of its own."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            if body is None:
                self.send_error(404)
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def framing_page(src: str) -> str:
    return (
        '<!doctype html><html lang="en"><title>Elsewhere</title><body>'
        f'<p>Another site</p><iframe id="victim" title="framed" src="{src}"></iframe>'
        "</body></html>"
    )


def framed_text(page: Page) -> str:
    """The text the framed document shows ('' when the browser refused to render it)."""
    page.wait_for_load_state("load")
    child: Frame | None = next((f for f in page.frames if f.parent_frame is not None), None)
    assert child is not None, "the page has no frame"
    child.wait_for_load_state("load")
    try:
        text = child.evaluate("document.body ? document.body.innerText : ''")
    except Exception:  # a frame blocked by the browser may refuse scripts altogether
        return ""
    return str(text)


def test_the_app_refuses_to_be_framed_by_another_origin(server: StartServer, page: Page) -> None:
    app = server()
    # The same check sees a framed page of another origin that allows framing, so it would
    # see the app if the browser rendered it.
    with other_origin({"/plain": "<!doctype html><title>t</title><p>Framed fine</p>"}) as site:
        with other_origin({"/": framing_page(f"{site}/plain")}) as attacker:
            page.goto(attacker + "/")
            assert "Framed fine" in framed_text(page)
        with other_origin({"/": framing_page(f"{app.url}/")}) as attacker:
            response = page.goto(attacker + "/")
            assert response is not None and response.status == 200
            shown = framed_text(page)
            assert APP_TEXT not in shown
            assert "Another site" in page.inner_text("body")
    # The app itself was asked, and answered, with its refusal to be framed.
    assert "GET / 200" in app.logs()


def test_an_inline_script_does_not_run_on_the_apps_pages(server: StartServer, page: Page) -> None:
    app = server()
    page.goto(app.url + "/")
    assert APP_TEXT in page.inner_text("body")
    # The browser reports each refusal to the page: counted here.
    page.evaluate(
        "() => { window.refused = [];"
        " document.addEventListener('securitypolicyviolation',"
        " (e) => window.refused.push(e.violatedDirective)); }"
    )
    # What injected markup would be: a script element with inline code, and an element with
    # an inline handler. (The test's own evaluate() is the browser's tooling, outside the CSP.)
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = 1'; document.head.appendChild(s);"
        " const d = document.createElement('div');"
        ' d.innerHTML = \'<img src="/static/app.css" onload="window.injected2 = 1"\''
        " + ' onerror=\"window.injected2 = 1\">';"
        " document.body.appendChild(d); }"
    )
    page.wait_for_function("window.refused.length >= 2")
    assert page.evaluate("typeof window.injected") == "undefined"
    assert page.evaluate("typeof window.injected2") == "undefined"
    assert set(page.evaluate("window.refused")) <= {
        "script-src-elem",
        "script-src-attr",
        "script-src",
    }


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(
    server: StartServer, page: Page
) -> None:
    running = server()
    page.goto(running.url + "/")
    page.get_by_role("button", name="Start the screening").click()
    page.wait_for_url("**/screening/section/1")
    # The first section asks for the age: typed, then the form's token taken out, as a page
    # of another site forging this post would lack it.
    page.locator("#f-age").fill("52")
    removed = page.evaluate(
        "() => { const t = document.querySelectorAll('input[name=csrf]');"
        " t.forEach(e => e.remove()); return t.length; }"
    )
    assert removed >= 1
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Continue").click()
    assert posted.value.status == 403
    assert "This page has expired" in page.content()
    assert_accessible(page)  # the problem page, like every page
    from suitability.web.store import Store

    store = Store.open(running.db_path)
    try:
        (record,) = store.records()
        assert record.answers == {}
    finally:
        store.close()


def test_the_page_for_an_address_that_does_not_exist_is_accessible(
    server: StartServer, page: Page
) -> None:
    running = server()
    response = page.goto(running.url + "/no-such-page")
    assert response is not None and response.status == 404
    assert "This page does not exist" in page.content()
    assert_accessible(page)

"""scripts/serve, the README's first command: it sets up .venv and starts the web app on
127.0.0.1, printing the address to open, with `suitability serve`'s options passed through."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

from tests.browser.conftest import Server
from tests.conftest import ROOT


def test_serve_prints_a_loopback_address_that_serves_the_screening(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1", XDG_STATE_HOME=str(tmp_path / "state"))
    db = tmp_path / "records.db"
    running = Server(
        [str(ROOT / "scripts" / "serve"), "--kiosk", "--port", "0", "--db", str(db)],
        db,
        tmp_path,
        env,
    )
    try:
        assert f"Serving the kiosk intake at {running.url}/" in running.logs()
        # Straight to the server, whatever proxy the environment names.
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with direct.open(running.url + "/", timeout=60) as response:
            assert response.status == 200
            assert "<h1>" in response.read().decode("utf-8")
    finally:
        running.stop()
    assert db.is_file()

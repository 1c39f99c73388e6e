"""The API under the real ``suitability serve``: answers sent never reach a line it prints (its
access log included), nor its database."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from suitability.web.passwords import hash_password
from suitability.web.store import Store

from ..helpers import BASELINE
from .serving import httpx, serve


def test_answers_sent_to_the_api_reach_no_log_line_and_no_record(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    store = Store.open(db)
    store.add_staff("alice", hash_password("correct horse battery staple"))
    _, secret = store.add_token("alice", "booking system")
    store.close()
    marker = f"MARKER-{uuid.uuid4().hex}"
    auth = {"authorization": f"Bearer {secret}"}

    with serve(tmp_path, "--db", str(db)) as served, httpx.Client(base_url=served.url) as client:
        good = client.post("/api/v1/assess", json={"answers": {**BASELINE, "notes": marker}}, headers=auth)  # fmt: skip
        assert good.status_code == 200, good.text
        invalid = client.post("/api/v1/assess", json={"answers": {**BASELINE, "age": marker}}, headers=auth)  # fmt: skip
        assert invalid.status_code == 422
        assert marker not in invalid.text
        unauthorised = client.post("/api/v1/assess", json={"answers": {"notes": marker}})
        assert unauthorised.status_code == 401
        malformed = client.post(
            "/api/v1/assess",
            content=f'{{"answers": {{"notes": "{marker}"'.encode(),
            headers={**auth, "content-type": "application/json"},
        )
        assert malformed.status_code == 400
        assert marker not in malformed.text
        # A client that puts answers in a URL anyway: refused, and the URL's query not logged.
        in_url = client.post(f"/api/v1/assess?notes={marker}", json={"answers": BASELINE}, headers=auth)  # fmt: skip
        assert in_url.status_code == 400
        assert client.get(f"/api/v1/schema?notes={marker}").status_code == 200

    printed = served.output()
    # The access log is there (so the check below is not vacuous), and holds no answer.
    assert "POST /api/v1/assess 200" in printed
    assert "POST /api/v1/assess 422" in printed
    assert "GET /api/v1/schema 200" in printed
    assert marker not in printed
    for part in tmp_path.glob("records.db*"):
        assert marker.encode() not in part.read_bytes(), part.name
    audit = Store.open(db)
    try:
        entries = [(e.actor, e.action) for e in audit.audit_entries()]
    finally:
        audit.close()
    assert entries.count(("alice", "api assess")) == 1
    assert entries.count(("alice", "api assess refused")) == 3
    assert json.dumps(entries).find(marker) == -1

"""The HTTP API for booking systems: assess through the same strict reader as an answers file,
the same JSON bytes as ``suitability assess --format json``, bearer tokens, located private
problems, the body limit, and an OpenAPI description of the API alone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from suitability.answers import answers_schema, read_answers_file
from suitability.cli import main
from suitability.questionnaire import default_questionnaire
from suitability.web.app import create_app
from suitability.web.passwords import hash_password
from suitability.web.settings import Settings
from suitability.web.store import Store

from ..conftest import EXAMPLES
from ..helpers import BASELINE

JSON = "application/json"
FHIR = "application/fhir+json"
CANARY = "CANARY-7f3a"


@pytest.fixture(scope="module")
def staff_hash() -> str:
    return hash_password("correct horse battery staple")


@pytest.fixture
def store(staff_hash: str) -> Store:
    found = Store.in_memory()
    found.add_staff("alice", staff_hash)
    return found


@pytest.fixture
def secret(store: Store) -> str:
    return store.add_token("alice", "booking system")[1]


@pytest.fixture
def client(store: Store) -> TestClient:
    return TestClient(create_app(Settings(), store), base_url="http://127.0.0.1")


def _post(client: TestClient, secret: str | None, body: bytes | str, **headers: str) -> Any:
    sent = {"content-type": JSON, **headers}
    if secret is not None:
        sent["authorization"] = f"Bearer {secret}"
    return client.post("/api/v1/assess", content=body, headers=sent)


def _problems(response: Any) -> list[dict[str, str]]:
    assert response.headers["content-type"] == "application/problem+json"
    data = response.json()
    assert data["status"] == response.status_code
    assert data["title"]
    found: list[dict[str, str]] = data["problems"]
    assert found
    return found


# --------------------------------------------------------------------------- assess


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_assess__gives_the_bytes_of_assess_format_json(
    example: Path,
    tmp_path: Path,
    client: TestClient,
    secret: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    answers = read_answers_file(example, default_questionnaire())
    document = tmp_path / "answers.json"
    document.write_text(json.dumps(answers.to_file_data(), indent=2), encoding="utf-8")
    assert main(["assess", str(document), "--format", "json"]) == 0
    expected = capsys.readouterr().out.encode("utf-8")

    response = _post(client, secret, document.read_bytes())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON
    assert response.content == expected


def test_assess__is_audited_under_the_tokens_staff_and_not_stored(
    client: TestClient, secret: str, store: Store
) -> None:
    answers = {**BASELINE, "notes": CANARY}
    response = _post(client, secret, json.dumps({"answers": answers}))
    assert response.status_code == 200, response.text
    assert CANARY not in response.text  # the notes are the person's, not the assessment's
    entries = store.audit_entries()
    assert [(e.actor, e.action, e.record_id) for e in entries] == [("alice", "api assess", None)]
    assert store.records() == []


def test_assess__needs_a_token(client: TestClient, secret: str, store: Store) -> None:
    missing = _post(client, None, json.dumps({"answers": BASELINE}))
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == 'Bearer realm="suitability"'
    assert _problems(missing)[0]["location"] == "Authorization"
    assert "suitability staff token" in _problems(missing)[0]["message"]

    for header in (f"Bearer {secret}x", "Bearer ", f"Basic {secret}", secret):
        wrong = client.post(
            "/api/v1/assess",
            content=json.dumps({"answers": BASELINE}),
            headers={"content-type": JSON, "authorization": header},
        )
        assert wrong.status_code == 401, header
        assert 'error="invalid_token"' in wrong.headers["www-authenticate"]
        assert secret not in wrong.text
    assert store.audit_entries() == []


def test_assess__refuses_a_revoked_token_and_one_of_removed_staff(
    client: TestClient, store: Store, staff_hash: str
) -> None:
    token_id, revoked = store.add_token("alice")
    store.revoke_token(token_id)
    assert _post(client, revoked, json.dumps({"answers": BASELINE})).status_code == 401
    store.add_staff("bob", staff_hash)
    _, bobs = store.add_token("bob")
    assert _post(client, bobs, json.dumps({"answers": BASELINE})).status_code == 200
    store.remove_staff("bob")
    assert _post(client, bobs, json.dumps({"answers": BASELINE})).status_code == 401


def test_assess__every_problem_located_without_the_values_sent(
    client: TestClient, secret: str, store: Store
) -> None:
    answers = {**BASELINE, "age": CANARY, "goals": [CANARY], "pregnant": CANARY, "KEY-9": 1}
    response = _post(client, secret, json.dumps({"answers": answers}))
    assert response.status_code == 422
    found = _problems(response)
    locations = {p["location"] for p in found}
    assert {"answers.age", "answers.goals", "answers.pregnant"} <= locations
    assert "answers.KEY-9" in locations  # a key is a location, named; a value never is
    for item in found:
        assert CANARY not in item["message"], item
    entries = store.audit_entries()
    assert [(e.actor, e.action) for e in entries] == [("alice", "api assess refused")]


@pytest.mark.parametrize(
    ("body", "status", "location"),
    [
        # The reader's promises, as for an answers file.
        (b'{"answers": {"age": 30, "age": 31}}', 422, "answers.age"),
        (b'{"answers": {"notes": "\\ud800"}}', 422, "answers.notes"),
        (b'{"answers": {"notes": "' + b"x" * 10_001 + b'"}}', 422, "answers.notes"),
        (b'{"answers": {"goals": [' + b'"a",' * 1_000 + b'"a"]}}', 422, ""),
        (b'{"answers": {"age": NaN}}', 400, ""),
        (b'{"answers": {"age": 30}} trailing', 400, "line 1, column 26"),
        (b'{"answers": ', 400, "line 1, column 13"),
        (b"answers:\n  age: 30\n", 400, ""),  # YAML is an answers file's, not the API's
        (b'{"age": 30}', 422, ""),
        (b"[]", 422, ""),
        (b'{"answers": {}, "extra": 1}', 422, "extra"),
        (b'\xff{"answers": {}}', 422, ""),
    ],
)
def test_assess__reads_as_strictly_as_an_answers_file(
    client: TestClient, secret: str, body: bytes, status: int, location: str
) -> None:
    response = _post(client, secret, body)
    assert response.status_code == status, response.text
    found = _problems(response)
    if location:
        assert location in [p["location"] for p in found]
    assert "Traceback" not in response.text
    assert "x" * 100 not in response.text


def test_assess__refuses_a_body_that_is_not_json(client: TestClient, secret: str) -> None:
    body = json.dumps({"answers": BASELINE})
    for kind in ("application/x-www-form-urlencoded", "text/plain", "application/json; charset=latin-1"):  # fmt: skip
        response = _post(client, secret, body, **{"content-type": kind})
        assert response.status_code == 415, kind
        assert _problems(response)[0]["location"] == "Content-Type"
    untyped = client.post(
        "/api/v1/assess", content=body, headers={"authorization": f"Bearer {secret}"}
    )
    assert untyped.status_code == 415
    charset = _post(client, secret, body, **{"content-type": "application/json; charset=UTF-8"})
    assert charset.status_code == 200


def test_assess__never_takes_answers_in_the_url(client: TestClient, secret: str) -> None:
    query = _post(client, secret, json.dumps({"answers": BASELINE}))
    assert query.status_code == 200
    in_url = client.post(
        f"/api/v1/assess?age=30&notes={CANARY}",
        content=json.dumps({"answers": BASELINE}),
        headers={"content-type": JSON, "authorization": f"Bearer {secret}"},
    )
    assert in_url.status_code == 400
    assert _problems(in_url)[0]["location"] == "query"
    assert CANARY not in in_url.text
    assert client.get("/api/v1/assess", params={"age": 30}).status_code == 405


def test_assess__a_body_over_the_limit_is_refused_before_it_is_read(
    client: TestClient, secret: str, store: Store
) -> None:
    # Declared: the ASGI app is called with a receive() that must never be awaited.
    app = create_app(Settings(), store)
    sent: list[dict[str, Any]] = []
    read: list[str] = []

    async def receive() -> dict[str, Any]:
        read.append("body")
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/assess",
        "raw_path": b"/api/v1/assess",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", b"1000001"),
            (b"authorization", f"Bearer {secret}".encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    import asyncio

    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413 and read == []
    assert (b"content-type", b"application/problem+json") in sent[0]["headers"]

    # Streamed (chunked, no length declared): refused as soon as it passes the limit.
    def chunks() -> Iterator[bytes]:
        yield b'{"answers": {"notes": "'
        for _ in range(300):
            yield b"x" * 4096

    streamed = _post(client, secret, chunks())  # type: ignore[arg-type]
    assert streamed.status_code == 413
    assert "1000000 bytes" in _problems(streamed)[0]["message"]
    assert store.audit_entries() == []


# --------------------------------------------------------------------------- public documents


def test_questionnaire_and_schema_are_public(client: TestClient) -> None:
    questionnaire = client.get("/api/v1/questionnaire")
    assert questionnaire.status_code == 200
    data = questionnaire.json()
    assert data == default_questionnaire().model_dump(mode="json", by_alias=True)
    assert [s["id"] for s in data["sections"]][:2] == ["about_you", "goals"]
    schema = client.get("/api/v1/schema")
    assert schema.status_code == 200
    assert schema.json() == answers_schema(default_questionnaire())
    assert schema.headers["x-frame-options"] == "DENY"


def test_the_schema_matches_what_assess_accepts(client: TestClient, secret: str) -> None:
    import jsonschema

    schema = client.get("/api/v1/schema").json()
    good = {"answers": BASELINE}
    jsonschema.validate(good, schema)
    assert _post(client, secret, json.dumps(good)).status_code == 200
    bad = {"answers": {**BASELINE, "age": "thirty"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    assert _post(client, secret, json.dumps(bad)).status_code == 422


# --------------------------------------------------------------------------- OpenAPI


def test_openapi_describes_the_api_and_nothing_else(client: TestClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    described = response.json()
    fhir_questionnaire = "/api/v1/fhir/{fhir_version}/Questionnaire"
    assert set(described["paths"]) == {
        "/api/v1/assess",
        "/api/v1/questionnaire",
        "/api/v1/schema",
        fhir_questionnaire,
    }
    assess = described["paths"]["/api/v1/assess"]["post"]
    assert list(assess["requestBody"]["content"]) == [JSON, FHIR]
    body = assess["requestBody"]["content"][JSON]["schema"]
    assert body["required"] == ["answers"] and body["additionalProperties"] is False
    ok = assess["responses"]["200"]["content"][JSON]["schema"]
    assert ok == {"$ref": "#/components/schemas/Assessment"}
    assert FHIR in assess["responses"]["200"]["content"]
    as_fhir = described["paths"][fhir_questionnaire]["get"]
    assert list(as_fhir["responses"]["200"]["content"]) == [FHIR]
    assert "security" not in as_fhir
    for status in ("400", "401", "406", "413", "415", "422"):
        problem = assess["responses"][status]["content"]["application/problem+json"]["schema"]
        assert problem == {"$ref": "#/components/schemas/ProblemDocument"}, status
    assert assess["security"] == [{"HTTPBearer": []}]
    for public in ("/api/v1/questionnaire", "/api/v1/schema"):
        assert "security" not in described["paths"][public]["get"]
    questionnaire = described["paths"]["/api/v1/questionnaire"]["get"]["responses"]["200"]
    assert questionnaire["content"][JSON]["schema"]["$ref"].endswith("/Questionnaire")
    assert described["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    text = described["info"]["description"]
    assert "suitability staff token" in text and "public" in text and "not stored" in text
    # The interactive documentation pages would load scripts from elsewhere: not served.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404

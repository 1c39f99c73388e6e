"""FHIR through the HTTP API: the questionnaire as a FHIR Questionnaire under the clinic's
canonical base, a QuestionnaireResponse in and a Bundle out (R5, or R4 by media type),
problems located by FHIR path without the values sent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.bundle import Bundle
from fhir.resources.questionnaire import Questionnaire as QuestionnaireR5
from fhir.resources.R4B.bundle import Bundle as BundleR4B
from fhir.resources.R4B.questionnaire import Questionnaire as QuestionnaireR4B

from suitability.answers import read_answers_file
from suitability.assessment import assess
from suitability.fhir import response_from_answers
from suitability.questionnaire import default_questionnaire
from suitability.web.app import create_app
from suitability.web.settings import Settings
from suitability.web.store import Store

from ..conftest import ROOT
from .test_api import _problems

FHIR = "application/fhir+json"
BASE = "https://clinic.example/fhir"
CANARY = "CANARY-7f3a"
TREATMENT_EXTENSION = "urn:suitability:fhir:StructureDefinition:treatment"


def _eve() -> Any:
    return read_answers_file(ROOT / "examples" / "eve-unsure.yaml", default_questionnaire())


def _post(client: TestClient, secret: str, body: Any, content_type: str, **headers: str) -> Any:
    sent = {"content-type": content_type, "authorization": f"Bearer {secret}", **headers}
    return client.post("/api/v1/assess", content=json.dumps(body), headers=sent)


def _entries(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}


def _verdicts(bundle: dict[str, Any]) -> dict[str, str]:
    risk = _entries(bundle)["RiskAssessment"]
    found = {}
    for prediction in risk["prediction"]:
        [treatment] = [
            e["valueCodeableConcept"]["coding"][0]["code"]
            for e in prediction["extension"]
            if e["url"] == TREATMENT_EXTENSION
        ]
        found[treatment] = prediction["outcome"]["coding"][0]["code"]
    return found


@pytest.fixture
def store() -> Store:
    # API tokens need a staff member; their password is never used here.
    found = Store.in_memory()
    found.add_staff("alice", "not a password hash: never checked in these tests")
    return found


@pytest.fixture
def secret(store: Store) -> str:
    return store.add_token("alice", "records system")[1]


@pytest.fixture
def clinic(store: Store) -> TestClient:
    settings = Settings(canonical_base=BASE)
    return TestClient(create_app(settings, store), base_url="http://127.0.0.1")


def test_the_questionnaire_as_fhir_is_public_and_uses_the_clinics_base(clinic: TestClient) -> None:
    questionnaire = default_questionnaire()
    r5 = clinic.get("/api/v1/fhir/R5/Questionnaire")
    assert r5.status_code == 200, r5.text
    assert r5.headers["content-type"] == f"{FHIR}; fhirVersion=5.0"
    QuestionnaireR5.model_validate(r5.json())
    assert r5.json()["url"] == f"{BASE}/Questionnaire/{questionnaire.id}"
    assert r5.json()["version"] == questionnaire.version

    r4 = clinic.get("/api/v1/fhir/R4/Questionnaire")
    assert r4.status_code == 200, r4.text
    assert r4.headers["content-type"] == f"{FHIR}; fhirVersion=4.0"
    QuestionnaireR4B.model_validate(r4.json())

    other = clinic.get("/api/v1/fhir/R3/Questionnaire")
    assert other.status_code == 404
    assert [p["location"] for p in _problems(other)] == ["path"]


def test_a_response_assesses_as_its_answers_and_comes_back_as_a_bundle(
    clinic: TestClient,
    secret: str,
) -> None:
    questionnaire = default_questionnaire()
    answers = _eve()
    response = response_from_answers(answers, questionnaire, base=BASE)
    found = _post(clinic, secret, response, FHIR)
    assert found.status_code == 200, found.text
    assert found.headers["content-type"] == f"{FHIR}; fhirVersion=5.0"
    bundle = found.json()
    Bundle.model_validate(bundle)
    entries = _entries(bundle)
    assert entries["QuestionnaireResponse"]["item"] == response["item"]
    expected = assess(answers, questionnaire)
    assert _verdicts(bundle) == {k: v.verdict for k, v in expected.verdicts.items()}


def test_an_r4_response_gets_an_r4_bundle_and_an_answers_document_one_on_request(
    clinic: TestClient,
    secret: str,
) -> None:
    questionnaire = default_questionnaire()
    answers = _eve()
    r4 = response_from_answers(answers, questionnaire, fhir_version="R4", base=BASE)
    found = _post(clinic, secret, r4, f"{FHIR}; fhirVersion=4.0")
    assert found.status_code == 200, found.text
    assert found.headers["content-type"] == f"{FHIR}; fhirVersion=4.0"
    BundleR4B.model_validate(found.json())

    document = answers.to_file_data()
    asked = _post(clinic, secret, document, "application/json", accept=f"{FHIR}; fhirVersion=4.0")
    assert asked.status_code == 200, asked.text
    BundleR4B.model_validate(asked.json())
    assert _verdicts(asked.json()) == _verdicts(found.json())

    plain = _post(clinic, secret, document, "application/json", accept="application/json")
    assert plain.headers["content-type"] == "application/json"
    assert set(plain.json()["verdicts"]) == set(_verdicts(asked.json()))


@pytest.mark.parametrize(("header", "status"), [("content-type", 415), ("accept", 406)])
def test_a_fhir_version_this_server_does_not_speak_is_refused(
    clinic: TestClient,
    secret: str,
    header: str,
    status: int,
) -> None:
    response = response_from_answers(_eve(), default_questionnaire(), base=BASE)
    headers = {"content-type": FHIR, header: f"{FHIR}; fhirVersion=3.0"}
    found = clinic.post(
        "/api/v1/assess",
        content=json.dumps(response),
        headers={**headers, "authorization": f"Bearer {secret}"},
    )
    assert found.status_code == status
    where = "Content-Type" if header == "content-type" else "Accept"
    assert [p["location"] for p in _problems(found)] == [where]


def test_a_bad_response_is_located_by_fhir_path_without_the_value_sent(
    clinic: TestClient,
    secret: str,
    store: Store,
) -> None:
    questionnaire = default_questionnaire()
    response = response_from_answers(_eve(), questionnaire, base=BASE)
    # The first answer of the first question: a code no option has.
    first = response["item"][0]["item"][0]
    first["answer"] = [{"valueInteger": 10**6}]  # age, far over its bounds
    response["item"][1]["item"][0]["answer"][0]["valueCoding"]["code"] = CANARY
    found = _post(clinic, secret, response, FHIR)
    assert found.status_code == 422, found.text
    problems = _problems(found)
    locations = [p["location"] for p in problems]
    assert "item[0].item[0].answer[0].valueInteger" in locations
    assert any(loc.startswith("item[1].item[0].answer[0].valueCoding") for loc in locations)
    assert CANARY not in found.text
    assert "1000000" not in found.text
    assert [e.action for e in store.audit_entries()] == ["api assess refused"]

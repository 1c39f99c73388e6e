"""A FHIR QuestionnaireResponse written from answers (valid R5 and R4 by the fhir.resources
models), and read back: as answers files are, assessed byte for byte as the same answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.questionnaireresponse import QuestionnaireResponse as R5
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as R4B
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suitability import Questionnaire, assess, default_questionnaire
from suitability.answers import Answers, read_answers_file, validate_answers
from suitability.cli import main
from suitability.fhir import Subject, answers_from_response, response_from_answers
from suitability.fhir._codes import DAR_EXTENSION, DAR_SYSTEM

from .conftest import EXAMPLES, ROOT
from .strategies import answers_for

Q = default_questionnaire()
EVE = ROOT / "examples" / "eve-unsure.yaml"
SYSTEM = "urn:suitability:CodeSystem:facial_mesotherapy"
CANONICAL = "urn:suitability:Questionnaire:facial_mesotherapy|1.2.0"
MODELS = {"R5": R5, "R4": R4B}


def eve() -> Answers:
    return read_answers_file(EVE, Q)


def items(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every question item of a response, by linkId."""
    return {i["linkId"]: i for group in resource["item"] for i in group["item"]}


# --------------------------------------------------------------------------- answers out


@pytest.mark.parametrize("version", ["R5", "R4"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_response__of_every_example_validates_with_the_fhir_models(
    example: Path, version: str
) -> None:
    resource = response_from_answers(read_answers_file(example, Q), Q, fhir_version=version)
    MODELS[version].model_validate(resource)
    assert resource["questionnaire"] == CANONICAL


def test_response__groups_questions_by_section_in_questionnaire_order_with_their_labels() -> None:
    resource = response_from_answers(eve(), Q)
    assert resource["resourceType"] == "QuestionnaireResponse"
    assert resource["status"] == "completed"
    assert resource["authored"] == "2026-11-20"
    assert "subject" not in resource and "id" not in resource
    groups = [g["linkId"] for g in resource["item"]]
    assert groups == [f"section.{s.id}" for s in Q.sections]  # Eve answers in every one
    assert resource["item"][0]["text"] == "About you"
    age = resource["item"][0]["item"][0]
    assert age == {"linkId": "age", "text": "How old are you?", "answer": [{"valueInteger": 45}]}
    found = items(resource)
    assert [a["valueCoding"]["code"] for a in found["goals"]["answer"]] == [
        "hydration_radiance",
        "fine_lines",
        "local_fat",
    ]
    assert found["breastfeeding"]["answer"] == [
        {"valueCoding": {"system": SYSTEM, "code": "no", "display": "No"}}
    ]
    assert found["pregnant"]["answer"] == [
        {
            "valueCoding": {
                "system": DAR_SYSTEM,
                "code": "asked-declined",
                "display": "Asked But Declined",
            }
        }
    ]
    assert found["recent_tan"]["answer"][0]["valueCoding"]["code"] == "asked-unknown"
    assert found["event_date"]["answer"] == [{"valueDate": "2026-11-30"}]


def test_response__not_sure_on_a_date_is_a_coding_in_r5_and_the_extension_in_r4() -> None:
    values = {**eve().values, "event_date": "not_sure"}
    answers = validate_answers({"answered_on": "2026-11-20", "answers": values}, Q)
    r5 = items(response_from_answers(answers, Q))["event_date"]["answer"]
    assert r5 == [
        {
            "valueCoding": {
                "system": DAR_SYSTEM,
                "code": "asked-unknown",
                "display": "Asked But Unknown",
            }
        }
    ]
    r4 = items(response_from_answers(answers, Q, fhir_version="R4"))["event_date"]["answer"]
    assert r4 == [
        {"_valueDate": {"extension": [{"url": DAR_EXTENSION, "valueCode": "asked-unknown"}]}}
    ]
    R4B.model_validate(response_from_answers(answers, Q, fhir_version="R4"))


def test_response__partial_answers_are_in_progress_with_only_the_answered_questions() -> None:
    partial = read_answers_file(ROOT / "examples" / "farid-partial.yaml", Q)
    resource = response_from_answers(partial, Q)
    R5.model_validate(resource)
    assert resource["status"] == "in-progress"
    assert set(items(resource)) == set(partial.values)


def test_response__subject_holds_only_what_was_given_and_the_id_when_asked() -> None:
    resource = response_from_answers(
        eve(), Q, subject=Subject(name="Eve", reference="B-1042"), response_id="qr-1"
    )
    R5.model_validate(resource)
    assert resource["id"] == "qr-1"
    assert resource["subject"] == {"identifier": {"value": "B-1042"}, "display": "Eve"}
    named = response_from_answers(eve(), Q, subject=Subject(name="Eve"))
    assert named["subject"] == {"display": "Eve"}
    assert "subject" not in response_from_answers(eve(), Q, subject=Subject())


def test_response__canonical_follows_the_clinic_base_and_reads_back() -> None:
    base = "https://clinic.example/fhir"
    resource = response_from_answers(eve(), Q, base=base)
    assert resource["questionnaire"] == f"{base}/Questionnaire/facial_mesotherapy|1.2.0"
    code = items(resource)["breastfeeding"]["answer"][0]["valueCoding"]["system"]
    assert code == f"{base}/CodeSystem/facial_mesotherapy"
    assert answers_from_response(resource, Q).values == eve().values


def test_response__blank_free_text_has_no_fhir_form_and_is_left_out() -> None:
    values = {**eve().values, "notes": ""}
    answers = validate_answers({"answered_on": "2026-11-20", "answers": values}, Q)
    resource = response_from_answers(answers, Q)
    R5.model_validate(resource)
    assert "notes" not in items(resource)
    back = answers_from_response(resource, Q)
    assert assess(back, Q).to_json() == assess(answers, Q).to_json()
    worded = {**values, "notes": "not_sure"}  # in free text, the words written
    answers = validate_answers({"answered_on": "2026-11-20", "answers": worded}, Q)
    resource = response_from_answers(answers, Q)
    assert items(resource)["notes"]["answer"] == [{"valueString": "not_sure"}]
    assert answers_from_response(resource, Q).values["notes"] == "not_sure"


def test_response__of_answers_that_do_not_fit_is_refused() -> None:
    from suitability import AnswersError

    with pytest.raises(AnswersError):
        response_from_answers(Answers(questionnaire=Q.id, values={"age": 5}), Q)


# --------------------------------------------------------------------------- Eve, both ways


@pytest.mark.parametrize("version", ["R5", "R4"])
def test_eve_as_a_response__assesses_exactly_as_eve(
    version: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "eve-response.json"
    resource = response_from_answers(eve(), Q, fhir_version=version)
    path.write_text(json.dumps(resource, indent=2), encoding="utf-8")
    assert main(["assess", str(EVE), "--format", "json"]) == 0
    direct = capsys.readouterr().out
    assert main(["assess", str(path), "--format", "json"]) == 0
    assert capsys.readouterr().out == direct
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: ok - 37 answers to 'facial_mesotherapy'\n"
    assert main(["assess", str(path), "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("# Pre-consultation screening")


def test_eve_as_a_response__on_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    assert main(["assess", str(EVE), "--format", "json"]) == 0
    direct = capsys.readouterr().out
    text = json.dumps(response_from_answers(eve(), Q))
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert main(["assess", "-", "--format", "json"]) == 0
    assert capsys.readouterr().out == direct


# --------------------------------------------------------------------------- the round trip

ROUND_TRIP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _without_blank_text(values: dict[str, Any], questionnaire: Questionnaire) -> dict[str, Any]:
    import re

    return {
        k: v
        for k, v in values.items()
        if not (questionnaire.by_id[k].kind.free_text and not re.search(r"[ \r\n\t\S]", v))
    }


@pytest.mark.parametrize("version", ["R5", "R4"])
@ROUND_TRIP
@given(data=st.data())
def test_round_trip__answers_to_response_and_back_assess_byte_identically(
    version: str, data: st.DataObject
) -> None:
    answers = validate_answers(data.draw(answers_for(Q)), Q)
    resource = response_from_answers(answers, Q, fhir_version=version)
    MODELS[version].model_validate(resource)
    back = answers_from_response(json.loads(json.dumps(resource)), Q, source="qr.json")
    assert back.values == _without_blank_text(answers.values, Q)
    assert back.answered_on == answers.answered_on
    assert back.notes == []
    assert assess(back, Q).to_json() == assess(answers, Q).to_json()


def test_response_in_yaml__unquoted_dates_are_read_as_written(tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    path = tmp_path / "eve-response.yaml"
    with path.open("w", encoding="utf-8") as handle:
        YAML().dump(response_from_answers(eve(), Q), handle)
    written = path.read_text(encoding="utf-8").replace("'", "")
    assert "authored: 2026-11-20\n" in written and "valueDate: 2026-11-30\n" in written
    path.write_text(written, encoding="utf-8")
    back = read_answers_file(path, Q)
    assert back.values == eve().values and back.answered_on == eve().answered_on

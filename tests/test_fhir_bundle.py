"""The assessment as a FHIR Bundle: validated by fhir.resources (R5, and R4B for R4), one
prediction per treatment with the assessment's verdicts, references between the entries, a
Patient with only what was given, and nothing that reads as a diagnosis."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from suitability import assess, default_questionnaire
from suitability.answers import Answers, read_answers_file, validate_answers
from suitability.assessment import Assessment
from suitability.fhir import Subject, assessment_bundle, response_from_answers
from suitability.fhir._codes import (
    FIT_SYSTEM,
    RULESET_SYSTEM,
    TREATMENT_SYSTEM,
    VERDICT_SYSTEM,
    FhirVersion,
)
from suitability.fhir.bundle import (
    EXT_DECISIVE,
    EXT_PLAN_FIT,
    EXT_TREATMENT,
    EXT_VERSIONS,
)
from suitability.rules.catalogue import TREATMENTS

from .conftest import ROOT
from .fhir_bundle_helpers import entry, extension, part, patient_of, response_of, risk_of, validate
from .strategies import answers_for

Q = default_questionnaire()
EVE = ROOT / "examples" / "eve-unsure.yaml"
STAMP = "2026-11-30T09:00:00Z"


def ids() -> Iterator[str]:
    return (f"00000000-0000-4000-8000-{n:012d}" for n in itertools.count(1))


def eve() -> tuple[Answers, Assessment]:
    answers = read_answers_file(EVE, Q)
    return answers, assess(answers, Q)


def bundle_for(answers: Answers, assessment: Assessment, **options: Any) -> dict[str, Any]:
    counter = ids()
    options.setdefault("timestamp", STAMP)
    return assessment_bundle(assessment, answers, Q, new_id=lambda: next(counter), **options)


def strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


@pytest.mark.parametrize("version", ["R5", "R4"])
def test_eve__bundle_and_every_entry_validate(version: FhirVersion) -> None:
    answers, assessment = eve()
    bundle = bundle_for(answers, assessment, fhir_version=version)
    validate(bundle, version)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["RiskAssessment", "QuestionnaireResponse", "Patient"]
    assert bundle["timestamp"] == STAMP


def test_one_prediction_per_treatment__verdict_codes_equal_the_assessment() -> None:
    answers, assessment = eve()
    predictions = risk_of(bundle_for(answers, assessment))["prediction"]
    assert len(predictions) == len(TREATMENTS)
    for prediction, (treatment, verdict) in zip(
        predictions, assessment.verdicts.items(), strict=True
    ):
        (about,) = extension(prediction, EXT_TREATMENT)
        (coding,) = about["valueCodeableConcept"]["coding"]
        assert coding == {"system": TREATMENT_SYSTEM, "code": treatment, "display": verdict.name}
        (outcome,) = prediction["outcome"]["coding"]
        assert (outcome["system"], outcome["code"]) == (VERDICT_SYSTEM, verdict.verdict)
        assert prediction["outcome"]["text"].startswith(f"{verdict.name}: ")
        # A verdict is neither a likelihood nor a level of risk.
        assert "probabilityDecimal" not in prediction and "qualitativeRisk" not in prediction


def test_reasons__in_the_rationale_with_rule_ids_and_sources() -> None:
    answers, assessment = eve()
    predictions = risk_of(bundle_for(answers, assessment))["prediction"]
    meso = assessment.verdicts["mesotherapy"]
    rationale = predictions[0]["rationale"]
    assert rationale.startswith(meso.summary)
    for reason in meso.reasons:
        assert f"[{reason.rule}] {reason.title}" in rationale
        assert f"Source: {reason.source}." in rationale


def test_plan_fit__an_extension_apart_from_the_verdict() -> None:
    answers, assessment = eve()
    predictions = risk_of(bundle_for(answers, assessment))["prediction"]
    for prediction, verdict in zip(predictions, assessment.verdicts.values(), strict=True):
        (fit,) = extension(prediction, EXT_PLAN_FIT)
        (code,) = part(fit, "fit")
        assert code["valueCoding"]["system"] == FIT_SYSTEM
        assert code["valueCoding"]["code"] == verdict.fit
        assert part(fit, "summary")[0]["valueString"] == verdict.fit_summary
        reasons = [r["valueString"] for r in part(fit, "reason")]
        assert [r.split("]")[0][1:] for r in reasons] == [r.rule for r in verdict.fit_reasons]
        # Plans never read as a medical caution: none of their rules is in the verdict's words.
        for reason in verdict.fit_reasons:
            assert reason.rule not in prediction["rationale"]
            assert reason.rule not in prediction["outcome"]["text"]
    assert assessment.verdicts["mesotherapy"].fit == "ask_the_practitioner"


def test_decisive_answers__one_extension_per_question_with_each_answer_and_its_verdict() -> None:
    answers, assessment = eve()
    prediction = risk_of(bundle_for(answers, assessment))["prediction"][0]
    decisive = extension(prediction, EXT_DECISIVE)
    expected = assessment.verdicts["mesotherapy"].decisive
    assert [part(d, "question")[0]["valueString"] for d in decisive] == [
        d.question for d in expected
    ]
    pregnant = decisive[0]
    assert part(pregnant, "status")[0]["valueCode"] == "prefer_not_to_say"
    options = {
        part(o, "answer")[0]["valueCoding"]["code"]: part(o, "verdict")[0]["valueCoding"]["code"]
        for o in part(pregnant, "option")
    }
    assert options == {"yes": "avoid_until_reviewed", "no": "discuss_with_caution"}


def test_references__basis_is_the_response_and_subject_the_patient() -> None:
    answers, assessment = eve()
    bundle = bundle_for(answers, assessment, subject=Subject(name="Eve"))
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert all(u.startswith("urn:uuid:") for u in urls) and len(set(urls)) == 3
    for e in bundle["entry"]:
        assert e["fullUrl"] == f"urn:uuid:{e['resource']['id']}"
    risk = risk_of(bundle)
    assert risk["basis"] == [{"reference": entry(bundle, "QuestionnaireResponse")["fullUrl"]}]
    assert risk["subject"] == {"reference": entry(bundle, "Patient")["fullUrl"]}
    assert response_of(bundle)["subject"]["reference"] == entry(bundle, "Patient")["fullUrl"]


def test_versions__the_rule_set_as_method_and_the_questionnaire_in_the_response() -> None:
    answers, assessment = eve()
    bundle = bundle_for(answers, assessment)
    risk = risk_of(bundle)
    (method,) = risk["method"]["coding"]
    assert (method["system"], method["code"], method["version"]) == (
        RULESET_SYSTEM,
        assessment.rules.id,
        assessment.rules.version,
    )
    assert response_of(bundle)["questionnaire"].endswith(
        f"Questionnaire:facial_mesotherapy|{assessment.questionnaire.version}"
    )
    (versions,) = extension(risk, EXT_VERSIONS)
    assert part(versions, "questionnaire-hash")[0]["valueString"] == (
        assessment.questionnaire.content_hash
    )
    assert part(versions, "rule-set-hash")[0]["valueString"] == assessment.rules.content_hash
    assert risk["occurrenceDateTime"] == "2026-11-20"


def test_note__a_screening_aid_not_medical_advice_and_the_flags_to_mention() -> None:
    answers, assessment = eve()
    notes = [n["text"] for n in risk_of(bundle_for(answers, assessment))["note"]]
    assert "not medical advice" in notes[0] and "qualified practitioner" in notes[0]
    assert len(notes) == 1 + len(assessment.flags)
    for note, flag in zip(notes[1:], assessment.flags, strict=True):
        assert flag.title in note and flag.mention in note


def test_nothing_reads_as_a_diagnosis() -> None:
    answers, assessment = eve()
    bundle = bundle_for(answers, assessment)
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds.isdisjoint({"Condition", "Observation", "DiagnosticReport", "ClinicalImpression"})
    assert "condition" not in risk_of(bundle)
    mentions = [s for s in strings(bundle) if "diagnos" in s.lower()]
    assert mentions  # it says so, in the negative
    for text in mentions:
        assert "not a diagnosis" in text.lower() or "does not diagnose" in text.lower(), text


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        (None, {}),
        (Subject(name="Eve Adams"), {"name": [{"text": "Eve Adams"}]}),
        (
            Subject(reference="BK-1042"),
            {"identifier": [{"type": {"text": "Booking reference"}, "value": "BK-1042"}]},
        ),
    ],
)
def test_patient__holds_only_what_was_given(
    subject: Subject | None, expected: dict[str, Any]
) -> None:
    answers, assessment = eve()  # her answers hold an age: it never reaches the Patient
    bundle = bundle_for(answers, assessment, subject=subject)
    validate(bundle)
    patient = patient_of(bundle)
    assert {k: v for k, v in patient.items() if k not in ("resourceType", "id")} == expected


def test_response_read__carried_as_read_and_its_subject_is_the_patient() -> None:
    answers, assessment = eve()
    read = response_from_answers(answers, Q, subject=Subject(name="Eve"), response_id="eve-1")
    kept = copy.deepcopy(read)
    bundle = bundle_for(answers, assessment, response=read)
    validate(bundle)
    assert response_of(bundle) == kept and read == kept  # neither changed nor shared
    assert response_of(bundle) is not read
    assert patient_of(bundle)["name"] == [{"text": "Eve"}]


def test_injected_ids_and_timestamp__the_same_bundle_every_time() -> None:
    answers, assessment = eve()
    first = json.dumps(bundle_for(answers, assessment))
    assert first == json.dumps(bundle_for(answers, assessment))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=answers_for(Q))
def test_generated_answers__bundle_validates_and_mirrors_the_assessment(
    data: dict[str, Any],
) -> None:
    answers = validate_answers(data, Q)
    assessment = assess(answers, Q)
    for version in ("R5", "R4"):
        bundle = bundle_for(answers, assessment, fhir_version=version)
        validate(bundle, version)  # type: ignore[arg-type]
    outcomes = [p["outcome"]["coding"][0]["code"] for p in risk_of(bundle)["prediction"]]
    assert outcomes == [v.verdict for v in assessment.verdicts.values()]

"""`suitability assess FILE --format fhir`: the Bundle of an answers file or of a
QuestionnaireResponse (the response itself carried in it), R5 or R4, with the clinic's
canonical base; usage and input problems are told, never a traceback."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from suitability import default_questionnaire
from suitability.answers import read_answers_file
from suitability.cli import main
from suitability.fhir import Subject, response_from_answers
from suitability.fhir._codes import FhirVersion

from .conftest import ROOT
from .fhir_bundle_helpers import patient_of, response_of, risk_of, validate

Q = default_questionnaire()
EVE = ROOT / "examples" / "eve-unsure.yaml"


@pytest.fixture(autouse=True)
def no_user_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The canonical base comes from the user's settings file when there is one: none here.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def assess_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["assess", str(path), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def outcomes(bundle: dict[str, Any]) -> list[str]:
    return [p["outcome"]["coding"][0]["code"] for p in risk_of(bundle)["prediction"]]


def verdicts(assessment: dict[str, Any]) -> list[str]:
    return [v["verdict"] for v in assessment["verdicts"].values()]


@pytest.mark.parametrize("version", ["R5", "R4"])
def test_assess_fhir__eve_answers_give_a_valid_bundle_with_her_verdicts(
    version: FhirVersion, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = assess_json(EVE, capsys)
    assert main(["assess", str(EVE), "--format", "fhir", "--fhir-version", version]) == 0
    out = capsys.readouterr().out
    assert out.endswith("}\n")
    bundle = json.loads(out)
    validate(bundle, version)
    assert outcomes(bundle) == verdicts(expected)
    # An answers file names nobody: the Patient holds only its id.
    assert set(patient_of(bundle)) == {"resourceType", "id"}
    assert (
        response_of(bundle)["questionnaire"]
        == "urn:suitability:Questionnaire:facial_mesotherapy|1.2.0"
    )


def write_response(tmp_path: Path, version: FhirVersion = "R5") -> tuple[Path, dict[str, Any]]:
    answers = read_answers_file(EVE, Q)
    response = response_from_answers(
        answers, Q, fhir_version=version, subject=Subject(name="Eve"), response_id="eve-1"
    )
    path = tmp_path / "eve-response.json"
    path.write_text(json.dumps(response, indent=2), encoding="utf-8")
    return path, response


@pytest.mark.parametrize("version", ["R5", "R4"])
def test_assess_fhir__a_response_read_is_the_one_in_the_bundle_with_its_subject(
    version: FhirVersion, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, response = write_response(tmp_path, version)
    expected = assess_json(EVE, capsys)
    argv = ["assess", str(path), "--format", "fhir", "--fhir-version", version]
    assert main(argv) == 0
    bundle = json.loads(capsys.readouterr().out)
    validate(bundle, version)
    assert response_of(bundle) == response
    assert patient_of(bundle)["name"] == [{"text": "Eve"}]
    assert outcomes(bundle) == verdicts(expected)


def test_assess_fhir__a_response_on_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, response = write_response(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(path.read_text(encoding="utf-8")))
    assert main(["assess", "-", "--format", "fhir"]) == 0
    bundle = json.loads(capsys.readouterr().out)
    validate(bundle)
    assert response_of(bundle) == response


def test_assess_fhir__answers_on_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(EVE.read_text(encoding="utf-8")))
    assert main(["assess", "-", "--format", "fhir"]) == 0
    bundle = json.loads(capsys.readouterr().out)
    validate(bundle)
    assert response_of(bundle)["authored"].startswith("2026-11-20")


def test_assess_fhir__the_canonical_base_from_the_clinics_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text("canonical_base: https://clinic.example/fhir\n", encoding="utf-8")
    assert main(["assess", str(EVE), "--format", "fhir", "--settings", str(settings)]) == 0
    bundle = json.loads(capsys.readouterr().out)
    validate(bundle)
    assert response_of(bundle)["questionnaire"] == (
        "https://clinic.example/fhir/Questionnaire/facial_mesotherapy|1.2.0"
    )


def test_assess_fhir__a_bad_settings_file_is_located_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text("canonical_bass: https://clinic.example/fhir\n", encoding="utf-8")
    assert main(["assess", str(EVE), "--format", "fhir", "--settings", str(settings)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "settings.yaml" in captured.err and "canonical_bass" in captured.err
    assert "Traceback" not in captured.err


@pytest.mark.parametrize("option", [["--fhir-version", "R4"], ["--settings", "s.yaml"]])
def test_fhir_options_without_format_fhir__usage_error_exit_2(
    option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(EVE), "--format", "json", *option]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"error: {option[0]} goes with --format fhir\n"


def test_assess_fhir__invalid_answers_exit_1_and_no_bundle(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = ROOT / "tests" / "data" / "one-wrong-value.yaml"
    assert main(["assess", str(bad), "--format", "fhir"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "answers.pregnant: expected 'yes' or 'no'" in captured.err

"""`suitability batch` and FHIR: NDJSON of Bundles out (one line per record, in input order, with
one or several workers), NDJSON of QuestionnaireResponses in, bad records in the errors file
located and without the values given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from suitability import assess, default_questionnaire
from suitability.answers import validate_answers
from suitability.cli import main
from suitability.fhir import Subject, response_from_answers
from suitability.fhir._codes import FhirVersion
from suitability.fhir.bundle import RECORD_SYSTEM

from .fhir_bundle_helpers import patient_of, response_of, risk_of, validate
from .helpers import person

Q = default_questionnaire()


@pytest.fixture(autouse=True)
def no_user_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def record(**changes: Any) -> dict[str, Any]:
    data = person(**changes)
    del data["questionnaire"]
    return data


GOOD = [
    {"id": "p1", **record(goals=["volume"])},
    {"id": 7, **record(pregnant="yes")},
    record(age=44, goals=["laxity"]),  # no id: its line number stands for one
]


def run_batch(
    tmp_path: Path, lines: list[Any], *options: str, workers: int = 1
) -> tuple[int, list[str], list[str]]:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines),
        encoding="utf-8",
    )
    out, errors = tmp_path / "out.ndjson", tmp_path / "errors.jsonl"
    argv = ["batch", str(source), "--out", str(out), "--errors", str(errors)]
    code = main([*argv, "--workers", str(workers), *options])
    read = lambda p: p.read_text(encoding="utf-8").splitlines() if p.exists() else []  # noqa: E731
    return code, read(out), read(errors)


def outcomes(bundle: dict[str, Any]) -> list[str]:
    return [p["outcome"]["coding"][0]["code"] for p in risk_of(bundle)["prediction"]]


def without_id(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "id"}


def verdicts_of(data: dict[str, Any]) -> list[str]:
    return [v.verdict for v in assess(without_id(data), Q).verdicts.values()]


def response(data: dict[str, Any], response_id: str, **options: Any) -> dict[str, Any]:
    answers = validate_answers(without_id(data), Q)
    return response_from_answers(answers, Q, response_id=response_id, **options)


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_fhir__a_bundle_line_per_record_in_order_and_bad_records_set_aside(
    tmp_path: Path, workers: int
) -> None:
    lines = [GOOD[0], '{"id": "broken", "answers": {"age": 300}}', GOOD[1], "not json", GOOD[2]]
    code, out, errors = run_batch(tmp_path, lines, "--format", "fhir", workers=workers)
    assert code == 1  # a complete run with bad records
    assert len(out) == 3 and all("\n" not in line for line in out)
    bundles = [json.loads(line) for line in out]
    for bundle, data, expected_id in zip(bundles, GOOD, ["p1", "7", "5"], strict=True):
        validate(bundle)
        assert bundle["identifier"] == {"system": RECORD_SYSTEM, "value": expected_id}
        assert outcomes(bundle) == verdicts_of(data)
    assert len({b["id"] for b in bundles}) == 3
    shown = [json.loads(line) for line in errors]
    assert [(e["line"], e["id"]) for e in shown] == [(2, "broken"), (4, None)]
    assert shown[0]["problems"][0].startswith("answers.age: ")
    assert "300" not in errors[0]  # the errors file never holds a value given


def test_batch_fhir_r4__bundles_validate_with_the_r4b_models(tmp_path: Path) -> None:
    code, out, _ = run_batch(tmp_path, GOOD, "--format", "fhir", "--fhir-version", "R4")
    assert code == 0
    for line in out:
        validate(json.loads(line), "R4")


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("version", ["R5", "R4"])
def test_batch_fhir__questionnaire_responses_in_each_carried_in_its_bundle(
    tmp_path: Path, workers: int, version: FhirVersion
) -> None:
    responses = [
        response(GOOD[0], "qr-1", fhir_version=version, subject=Subject(name="Ann")),
        response(GOOD[1], "qr-2", fhir_version=version),
    ]
    argv = ("--format", "fhir", "--fhir-version", version)
    code, out, errors = run_batch(tmp_path, responses, *argv, workers=workers)
    assert (code, errors) == (0, [])
    bundles = [json.loads(line) for line in out]
    for bundle, given, data in zip(bundles, responses, GOOD[:2], strict=True):
        validate(bundle, version)
        assert response_of(bundle) == given
        assert bundle["identifier"]["value"] == given["id"]
        assert outcomes(bundle) == verdicts_of(data)
    assert patient_of(bundles[0])["name"] == [{"text": "Ann"}]


def test_batch_json__a_response_record_is_assessed_as_its_answers(tmp_path: Path) -> None:
    code, out, errors = run_batch(tmp_path, [response(GOOD[0], "qr-1"), GOOD[1]])
    assert (code, errors) == (0, [])
    first, second = (json.loads(line) for line in out)
    assert first["id"] == "qr-1"
    assert first["assessment"] == json.loads(assess(without_id(GOOD[0]), Q).to_json())
    assert second["id"] == 7


@pytest.mark.parametrize("workers", [1, 2])
def test_batch__a_bad_response_record_is_located_in_the_errors_file_without_its_value(
    tmp_path: Path, workers: int
) -> None:
    bad = response(GOOD[0], "qr-bad")
    for section in bad["item"]:
        for item in section["item"]:
            if item["linkId"] == "pregnant":
                item["answer"][0]["valueCoding"]["code"] = "secretly-maybe"
    wrong_kind = {"resourceType": "Patient", "id": "p-9"}
    lines = [bad, response(GOOD[1], "qr-ok"), wrong_kind]
    code, out, errors = run_batch(tmp_path, lines, "--format", "fhir", workers=workers)
    assert code == 1
    assert [json.loads(line)["identifier"]["value"] for line in out] == ["qr-ok"]
    shown = [json.loads(line) for line in errors]
    assert [(e["line"], e["id"]) for e in shown] == [(1, "qr-bad"), (3, "p-9")]
    assert any(".answer[0].valueCoding" in p for p in shown[0]["problems"])
    assert "secretly-maybe" not in errors[0]
    assert "Traceback" not in "".join(errors)


def test_batch_fhir__a_blank_id_cannot_identify_a_bundle(tmp_path: Path) -> None:
    code, out, errors = run_batch(tmp_path, [{"id": " ", **record()}], "--format", "fhir")
    assert (code, out) == (1, [])
    (shown,) = [json.loads(line) for line in errors]
    assert shown["problems"] == [
        "id: a blank id cannot identify a FHIR Bundle; give the record an id, or none "
        "(its line number is then used)"
    ]


@pytest.mark.parametrize("option", [["--fhir-version", "R4"], ["--settings", "s.yaml"]])
def test_batch__fhir_options_without_format_fhir__usage_error_exit_2(
    tmp_path: Path, option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_batch(tmp_path, GOOD, *option)
    assert (code, out) == (2, [])
    assert capsys.readouterr().err == f"error: {option[0]} goes with --format fhir\n"
    assert not (tmp_path / "out.ndjson").exists()


def test_batch_fhir__the_canonical_base_from_the_clinics_settings(tmp_path: Path) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text("canonical_base: https://clinic.example/fhir\n", encoding="utf-8")
    code, out, _ = run_batch(tmp_path, GOOD[:1], "--format", "fhir", "--settings", str(settings))
    assert code == 0
    assert response_of(json.loads(out[0]))["questionnaire"].startswith(
        "https://clinic.example/fhir/Questionnaire/facial_mesotherapy|"
    )


def test_batch_fhir__csv_records_too(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "id,answered_on,age,goals,pregnant\nc1,2026-11-20,34,fine_lines;volume,no\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.ndjson"
    assert main(["batch", str(source), "--out", str(out), "--format", "fhir"]) == 0
    (bundle,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    validate(bundle)
    assert bundle["identifier"]["value"] == "c1"
    data = {
        "answered_on": "2026-11-20",
        "answers": {"age": 34, "goals": ["fine_lines", "volume"], "pregnant": "no"},
    }
    assert outcomes(bundle) == verdicts_of(data)

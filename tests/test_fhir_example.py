"""The shipped FHIR example: Eve's answers as a QuestionnaireResponse, current with the
questionnaire, assessed exactly as Eve's answers file is."""

from __future__ import annotations

import pytest

from suitability import default_questionnaire
from suitability.answers import read_answers_file
from suitability.cli import main
from suitability.fhir import Subject, dumps, response_from_answers

from .conftest import ROOT

EVE = ROOT / "examples" / "eve-unsure.yaml"
EVE_FHIR = ROOT / "examples" / "fhir" / "eve-unsure.json"


def test_the_fhir_example_is_eves_answers_as_the_product_writes_them() -> None:
    # When the questionnaire changes, write it anew with response_from_answers(eve,
    # questionnaire, subject=Subject(name="Eve"), response_id="eve-unsure").
    questionnaire = default_questionnaire()
    eve = read_answers_file(EVE, questionnaire)
    expected = response_from_answers(
        eve, questionnaire, subject=Subject(name="Eve"), response_id="eve-unsure"
    )
    assert EVE_FHIR.read_text(encoding="utf-8") == dumps(expected)


def test_the_fhir_example_assesses_exactly_as_eve_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["assess", str(EVE), "--format", "json"]) == 0
    direct = capsys.readouterr().out
    assert main(["assess", str(EVE_FHIR), "--format", "json"]) == 0
    through_fhir = capsys.readouterr()
    assert through_fhir.out == direct
    assert through_fhir.err == ""

"""No diagnosis, no "safe" or "effective" claims, no advice to change a medicine; every verdict
that is not `not_relevant` points to a qualified practitioner."""

from __future__ import annotations

import re
from dataclasses import astuple
from typing import Any

import pytest

from suitability import assess, default_questionnaire, read_answers_file
from suitability.render import rules_catalogue, to_markdown
from suitability.rules.catalogue import DERIVATIONS, RULES
from suitability.treatments import MESOTHERAPY, TREATMENT_INFO

from .conftest import EXAMPLES

FORBIDDEN = [
    re.compile(r"\b(safe|safely|effective|effectively|guaranteed)\b", re.IGNORECASE),
    re.compile(r"\byou (suffer from|are diagnosed|have been diagnosed)\b", re.IGNORECASE),
    re.compile(
        r"\b(stop|start|pause|change|increase|reduce|skip)\s+(taking|your (medicine|medication|dose|tablets))",
        re.IGNORECASE,
    ),
    re.compile(r"\bdiagnos(is|e) (of|that)\b", re.IGNORECASE),
]


def check(text: str) -> None:
    for pattern in FORBIDDEN:
        match = pattern.search(text)
        assert match is None, f"forbidden wording {match.group(0)!r} in: {text[:200]}"


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def test_catalogue_and_treatment_texts__avoid_forbidden_claims() -> None:
    for rule in RULES:
        check(rule.rationale)
        check(rule.mention)
    for derivation in DERIVATIONS:
        check(derivation.note)
    for info in TREATMENT_INFO.values():
        for text in _strings(list(astuple(info))):
            check(text)
    for text in _strings(list(astuple(MESOTHERAPY))):
        check(text)


def test_the_test_catches_a_forbidden_phrase() -> None:
    with pytest.raises(AssertionError):
        check("This treatment is safe for you.")
    with pytest.raises(AssertionError):
        check("Stop taking your medicine two days before.")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_assessment_texts__avoid_forbidden_claims_and_point_to_a_practitioner(path: Any) -> None:
    q = default_questionnaire()
    answers = read_answers_file(path, q)
    result = assess(answers)
    for text in _strings(result.model_dump(mode="json")):
        check(text)
    for verdict in result.verdicts.values():
        if verdict.verdict != "not_relevant":
            assert "qualified practitioner" in verdict.summary
    check(to_markdown(result, q, answers, handout=True))


def test_rules_catalogue__prints_in_every_format() -> None:
    assert "c_pregnant" in rules_catalogue("text")
    assert "| `c_pregnant` |" in rules_catalogue("markdown")
    assert '"id": "c_pregnant"' in rules_catalogue("json")

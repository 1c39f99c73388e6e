"""Issue 12, section 4: for every show-if, the exported ``enableWhen`` (judged by the FHIR
specification's rules, written out below without the product's code) or the SDC FHIRPath
expression (evaluated by fhirpathpy, a FHIRPath engine the project did not write) agrees with
the product's own ``Condition.holds`` on generated answers, "not sure", "prefer not to say"
and unanswered questions among them, in R5 and in R4."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fhirpathpy import evaluate
from fhirpathpy.models import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suitability import Questionnaire, default_questionnaire
from suitability.fhir._codes import EXT_ENABLE_WHEN_EXPRESSION, FhirVersion
from suitability.fhir.questionnaire import questionnaire_resource
from suitability.fhir.response import response_from_answers

from .fhir_forms import made_up
from .strategies import ANSWERED_ON, answers_for

MADE_UP = made_up()
SHIPPED = default_questionnaire()
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ FHIR's enableWhen rules
def _answers(response: dict[str, Any], link_id: str) -> list[dict[str, Any]]:
    def walk(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for item in items:
            if item["linkId"] == link_id:
                yield from item.get("answer", [])
            yield from walk(item.get("item", []))

    return list(walk(response.get("item", [])))


def _typed(element: dict[str, Any], prefix: str) -> tuple[str, Any] | None:
    """(type, value) of an element's ``valueX``/``answerX``; None when it holds no value (an
    R4 answer carrying only the data-absent-reason extension)."""
    for key, value in element.items():
        if key.startswith(prefix) and not key.startswith("_"):
            return key[len(prefix) :], value
    return None


def _compare(answer: tuple[str, Any] | None, operator: str, expected: tuple[str, Any]) -> bool:
    # An answer of another type than the enableWhen's answer[x] never matches it (a "not sure"
    # coding is no integer); codings are equal when their system and code are.
    if answer is None:
        return False
    kind, value = answer
    want_kind, want = expected
    numbers = {"Integer", "Decimal"}
    if kind != want_kind and not {kind, want_kind} <= numbers:
        return False
    if kind == "Coding":
        same = (value.get("system"), value["code"]) == (want.get("system"), want["code"])
        return same if operator == "=" else not same if operator == "!=" else False
    if kind in numbers:
        value, want = Decimal(str(value)), Decimal(str(want))
    return {
        "=": value == want,
        "!=": value != want,
        "<": value < want,
        "<=": value <= want,
        ">": value > want,
        ">=": value >= want,
    }[operator]


def enable_when_holds(item: dict[str, Any], response: dict[str, Any]) -> bool:
    """An item's enableWhen as the FHIR specification states it: ``exists`` compares whether
    the question has an answer with answerBoolean; any other operator is true when some
    answer compares true (and false when there is none); several conditions combine by
    enableBehavior (``all`` / ``any``)."""
    results = []
    for when in item["enableWhen"]:
        answers = _answers(response, when["question"])
        if when["operator"] == "exists":
            results.append(bool(answers) == when["answerBoolean"])
            continue
        expected = _typed(when, "answer")
        assert expected is not None
        results.append(
            any(_compare(_typed(a, "value"), when["operator"], expected) for a in answers)
        )
    behavior = item.get("enableBehavior")
    if len(results) > 1:
        assert behavior in ("all", "any"), "enableBehavior is required with several conditions"
    return all(results) if behavior == "all" else any(results)


def expression_holds(expression: str, response: dict[str, Any], version: FhirVersion) -> bool:
    result = evaluate(response, expression, {"resource": response}, models[version.lower()])
    assert result in ([True], [False]), f"{expression!r} gave {result!r}, not one boolean"
    return bool(result[0])


def conditional_items(
    questionnaire: Questionnaire, version: FhirVersion
) -> list[tuple[str, dict[str, Any]]]:
    resource = questionnaire_resource(questionnaire, fhir_version=version)
    out = []
    for section in resource["item"]:
        for item in section["item"]:
            q = questionnaire.by_id.get(item["linkId"])
            if q is not None and q.show_if is not None:
                out.append((q.id, item))
    return out


def exported_holds(item: dict[str, Any], response: dict[str, Any], version: FhirVersion) -> bool:
    expressions = [
        e["valueExpression"]["expression"]
        for e in item.get("extension", [])
        if e["url"] == EXT_ENABLE_WHEN_EXPRESSION
    ]
    if expressions:
        assert "enableWhen" not in item, "SDC: enableWhen and its expression never together"
        return expression_holds(expressions[0], response, version)
    return enable_when_holds(item, response)


def check_agreement(questionnaire: Questionnaire, values: dict[str, Any]) -> None:
    data = {
        "questionnaire": questionnaire.id,
        "answered_on": ANSWERED_ON.isoformat(),
        "answers": values,
    }
    for version in ("R5", "R4"):
        # The response as the product writes it: the one a records system would hold.
        response = response_from_answers(data, questionnaire, fhir_version=version)
        for qid, item in ITEMS[(questionnaire.id, version)]:
            condition = questionnaire.by_id[qid].show_if
            assert condition is not None
            expected = condition.holds(values)
            assert exported_holds(item, response, version) == expected, (version, qid, values)


ITEMS = {
    (q.id, version): conditional_items(q, version)
    for q in (MADE_UP, SHIPPED)
    for version in ("R5", "R4")
}


def _has_fhir_form(value: Any) -> bool:
    # A free-text answer with nothing a FHIR string can hold (empty, only blanks) is left out
    # of a response: FHIR sees it unanswered. The module's docstring lists it among what FHIR
    # cannot carry, and test_blank_text_is_what_fhir_cannot_carry pins it down.
    return not isinstance(value, str) or value.strip() != ""


def _free_answers(questionnaire: Questionnaire) -> st.SearchStrategy[dict[str, Any]]:
    # Only answers no show-if hangs on are dropped (free text; the made-up questionnaire's
    # second section, whose questions only have show-ifs), so the rest stay valid.
    read = {qid for q in questionnaire.questions if q.show_if for qid in q.show_if.questions()}
    return answers_for(questionnaire).map(
        lambda data: {
            k: v
            for k, v in data["answers"].items()
            if _has_fhir_form(v) and (questionnaire is SHIPPED or k in read)
        }
    )


@SETTINGS
@given(values=_free_answers(MADE_UP))
def test_made_up__every_show_if_shape_agrees(values: dict[str, Any]) -> None:
    check_agreement(MADE_UP, values)


@SETTINGS
@given(values=_free_answers(SHIPPED))
def test_shipped__every_show_if_agrees(values: dict[str, Any]) -> None:
    check_agreement(SHIPPED, values)


#: Answers at the edges: each made-up show-if is true for some and false for others.
EDGES: list[dict[str, Any]] = [
    {},  # nothing answered: only `answered: false` and `not` hold
    {"yn": "not_sure", "num": "not_sure", "dec": "not_sure", "when": "not_sure"},
    {"yn": "prefer_not_to_say", "num": "prefer_not_to_say", "multi": "prefer_not_to_say"},
    {"num": 17, "days": 30, "dec": 2.5, "when": "2027-01-01", "single": "c"},
    {"num": 18, "days": 31, "dec": 0.30000000000000004, "when": "2027-02-01"},
    {"num": 61, "dec": 0.1, "multi": ["none"], "note": "-", "yn": "yes"},
    {"num": 60, "multi": ["x", "y"], "single": "a", "yn": "no", "days": 11},
    {"num": 40, "dec": 0.3, "days": 10, "single": "b", "yn": "yes"},
]


@pytest.mark.parametrize("values", EDGES)
def test_made_up__edge_answers_agree(values: dict[str, Any]) -> None:
    check_agreement(MADE_UP, values)


def test_edges_make_every_made_up_show_if_true_and_false() -> None:
    # A show-if that no answers make true (or false) would agree vacuously.
    for q in MADE_UP.questions:
        if q.show_if is not None:
            outcomes = {q.show_if.holds(values) for values in EDGES}
            assert outcomes == {True, False}, q.id


def test_blank_text_is_what_fhir_cannot_carry() -> None:
    """An answer of blanks to a free-text question is an answer to the product and none in a
    response (a FHIR string needs a character that is not a blank): ``answered`` on such a
    question is the one show-if the export cannot keep. The shipped questionnaire has none."""
    values = {"note": "\u00a0"}
    data = {"questionnaire": "made_up", "answers": values}
    response = response_from_answers(data, MADE_UP, fhir_version="R5")
    item = dict(ITEMS[("made_up", "R5")])["c_answered"]
    assert MADE_UP.question("c_answered").show_if.holds(values) is True  # type: ignore[union-attr]
    assert exported_holds(item, response, "R5") is False
    read = [qid for q in SHIPPED.questions if q.show_if for qid in q.show_if.questions()]
    assert read
    assert all(SHIPPED.question(qid).type != "text" for qid in read)

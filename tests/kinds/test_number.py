"""Number questions: whole numbers, decimals and days, within the question's bounds."""

from __future__ import annotations

from typing import Any

import pytest

from suitability.kinds import KINDS
from suitability.kinds.number import Days, Decimal, Integer

from .conftest import definition_problems, question


def read(qid: str, value: Any) -> tuple[Any, str | None]:
    q = question(qid)
    got, problem = q.kind.normalise(q, value)
    return got, None if problem is None else problem.code


def test_registry__names_the_three_number_kinds() -> None:
    assert isinstance(KINDS["integer"], Integer)
    assert isinstance(KINDS["decimal"], Decimal)
    assert isinstance(KINDS["days"], Days)
    assert all(KINDS[name].numeric for name in ("integer", "decimal", "days"))


@pytest.mark.parametrize(
    ("qid", "value", "expected"),
    [
        ("age", 42, (42, None)),
        ("age", 42.0, (42, None)),
        ("age", 42.5, (None, "expected_number")),
        ("age", "42", (None, "expected_number")),
        ("age", True, (None, "expected_number")),
        ("age", 111, (None, "expected_number")),
        ("age", float("nan"), (None, "expected_number")),
        ("weight", 62, (62.0, None)),
        ("weight", 62.5, (62.5, None)),
        ("days", -1, (None, "expected_number")),
    ],
)
def test_data__is_a_number_within_bounds(qid: str, value: Any, expected: Any) -> None:
    got = read(qid, value)
    assert got == expected
    assert type(got[0]) is type(expected[0])


def test_wrong_number__says_what_was_expected() -> None:
    weight = question("weight")
    _value, problem = weight.kind.normalise(weight, "heavy")
    assert problem is not None
    assert problem.text() == "expected a number from 30 to 200 (kg), got 'heavy'"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (" 42 ", 42),
        ("4.2e1", "4.2e1"),
        ("+42", "+42"),
        ("42.0", "42.0"),
        ("4_2", "4_2"),
        ("٤٢", "٤٢"),
    ],
)
def test_typed_text__only_plain_ascii_numbers(text: str, value: Any) -> None:
    age = question("age")
    assert age.kind.typed(age, text) == value


def test_schema__integer_or_number_with_bounds() -> None:
    age, weight = question("age"), question("weight")
    assert age.kind.json_schema(age) == {
        "anyOf": [{"type": "integer", "minimum": 10, "maximum": 110}, {"enum": [None]}]
    }
    assert weight.kind.json_schema(weight)["anyOf"][0] == {
        "type": "number",
        "minimum": 30.0,
        "maximum": 200.0,
    }


def test_display_and_prompt__carry_the_unit() -> None:
    weight = question("weight")
    assert weight.kind.display(weight, 62.5) == "62.5 kg"
    assert weight.kind.prompt == "text"
    assert weight.kind.hint(weight) == "kg"
    assert question("days").kind.hint(question("days")) is None


@pytest.mark.parametrize(
    ("qid", "operand", "code"),
    [
        ("age", 42, None),
        ("age", 4.5, "never_equals_fraction"),
        ("weight", 62.5, None),
        ("age", 200, "never_in_range"),
        ("age", "42", "never_equals_quoted"),
        ("age", "old", "never_equals"),
    ],
)
def test_condition_operands__must_be_numbers_it_can_hold(
    qid: str, operand: Any, code: str | None
) -> None:
    q = question(qid)
    found = q.kind.operand_problem("equals", operand, q)
    assert (found and found[0]) == code


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        ({"type": "integer"}, ["missing_bounds"]),
        ({"type": "integer", "min": 5, "max": 1}, ["min_over_max"]),
        ({"type": "integer", "min": 0.5, "max": 3}, ["whole_bound"]),
        ({"type": "decimal", "min": 0.5, "max": 3}, []),
        ({"type": "days", "min": -1, "max": 3}, ["negative_days"]),
        ({"type": "days", "min": 0, "max": 3, "max_length": 2}, ["max_length_not_text"]),
    ],
)
def test_definition__bounds(fields: dict[str, Any], codes: list[str]) -> None:
    assert definition_problems(**fields) == codes

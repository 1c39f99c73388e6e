"""Date questions: YYYY-MM-DD in data, bounds in days from the day of answering."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from suitability.kinds import KINDS
from suitability.kinds.date import Date

from .conftest import definition_problems, question

WHEN = question("when")


def test_registry__names_the_date_kind() -> None:
    assert isinstance(KINDS["date"], Date)
    assert WHEN.kind is KINDS["date"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-03-14", ("2027-03-14", None)),
        (dt.date(2027, 3, 14), ("2027-03-14", None)),
        (dt.datetime(2027, 3, 14, 9), (None, "expected_date")),
        ("2027-02-30", (None, "no_such_date")),
        ("20270314", (None, "expected_date")),
        ("14/03/2027", (None, "expected_date")),
        ("not_sure", ("not_sure", None)),
        ("prefer_not_to_say", (None, "not_offered")),
    ],
)
def test_data__is_an_iso_date(value: Any, expected: tuple[Any, Any]) -> None:
    got, problem = WHEN.kind.normalise(WHEN, value)
    assert (got, None if problem is None else problem.code) == expected


def test_bounds__count_days_from_the_day_of_answering() -> None:
    day = dt.date(2027, 3, 1)
    assert WHEN.kind.bound_problem(WHEN, "2027-03-31", day) is None
    early = WHEN.kind.bound_problem(WHEN, "2027-02-28", day)
    late = WHEN.kind.bound_problem(WHEN, "2027-04-01", day)
    assert early is not None and early.text() == (
        "expected a date on or after 2027-03-01, got '2027-02-28'"
    )
    assert late is not None and late.code == "date_too_late"
    assert WHEN.kind.bound_problem(WHEN, "not_sure", day) is None
    age = question("age")
    assert age.kind.bound_problem(age, 5, day) is None


def test_typed_text__is_read_like_data_after_trimming() -> None:
    assert WHEN.kind.typed(WHEN, " 2027-03-14 ") == "2027-03-14"
    assert WHEN.kind.typed(WHEN, "Not sure") == "not_sure"


def test_schema_display_and_prompt() -> None:
    assert WHEN.kind.json_schema(WHEN) == {
        "anyOf": [
            {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
            {"enum": ["not_sure", None]},
        ]
    }
    assert WHEN.kind.display(WHEN, "2027-03-14") == "2027-03-14"
    assert WHEN.kind.display(WHEN, "not_sure") == "Not sure"
    assert WHEN.kind.prompt == "text"
    assert WHEN.kind.hint(WHEN) == "YYYY-MM-DD"


def test_condition_operands__must_be_dates() -> None:
    assert WHEN.kind.operand_problem("equals", "2027-03-14", WHEN) is None
    found = WHEN.kind.operand_problem("equals", "soon", WHEN)
    assert found == ("never_equals_date", {"question": "when", "given": "soon", "kind": "date"})


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        ({"min": 0.5}, ["date_bound_days"]),
        ({"min": 3, "max": 1}, ["min_over_max"]),
        ({"unit": "days"}, ["unexpected_key"]),
    ],
)
def test_definition__bounds_are_whole_days(fields: dict[str, Any], codes: list[str]) -> None:
    assert definition_problems(type="date", **fields) == codes

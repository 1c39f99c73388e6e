"""yes/no and single-choice questions: one module reads, describes, shows and asks them."""

from __future__ import annotations

from typing import Any

import pytest

from suitability.kinds import KINDS
from suitability.kinds.choice import SingleChoice, YesNo

from .conftest import definition_problems, question


def read(qid: str, value: Any) -> tuple[Any, str | None]:
    q = question(qid)
    got, problem = q.kind.normalise(q, value)
    return got, None if problem is None else problem.code


def test_registry__names_both_choice_kinds() -> None:
    assert isinstance(KINDS["yes_no"], YesNo)
    assert isinstance(KINDS["single_choice"], SingleChoice)
    assert question("smoker").kind is KINDS["yes_no"]


@pytest.mark.parametrize(
    ("qid", "value", "expected"),
    [
        ("smoker", "yes", ("yes", None)),
        ("smoker", True, ("yes", None)),
        ("smoker", False, ("no", None)),
        ("smoker", "not_sure", ("not_sure", None)),
        ("smoker", "maybe", (None, "expected_yes_no")),
        ("smoker", 1, (None, "expected_yes_no")),
        ("colour", "red", ("red", None)),
        ("colour", True, (None, "expected_choice")),
        ("colour", "not_sure", (None, "not_offered")),
    ],
)
def test_data__is_read_strictly(qid: str, value: Any, expected: tuple[Any, str | None]) -> None:
    assert read(qid, value) == expected


def test_a_near_miss__is_suggested() -> None:
    q = question("colour")
    _value, problem = q.kind.normalise(q, "rde")
    assert problem is not None
    assert problem.text() == "expected one of 'red', 'blue', got 'rde' (did you mean 'red'?)"


@pytest.mark.parametrize(
    ("qid", "text", "value"),
    [("smoker", " YES ", "yes"), ("smoker", "Not Sure", "not_sure"), ("colour", "Blue", "blue")],
)
def test_typed_text__is_read_in_any_case(qid: str, text: str, value: str) -> None:
    q = question(qid)
    assert q.kind.normalise(q, q.kind.typed(q, text)) == (value, None)


def test_schema__lists_the_choices_and_for_yes_no_json_booleans() -> None:
    smoker, colour = question("smoker"), question("colour")
    assert smoker.kind.json_schema(smoker) == {
        "enum": ["yes", "no", True, False, "not_sure", "prefer_not_to_say", None]
    }
    assert colour.kind.json_schema(colour) == {"enum": ["red", "blue", None]}
    assert smoker.kind.schema_operands(["yes"]) == ["yes", True]
    assert colour.kind.schema_operands(["red"]) == ["red"]


def test_display__uses_the_words_on_screen() -> None:
    smoker, colour = question("smoker"), question("colour")
    assert smoker.kind.display(smoker, "yes") == "Yes"
    assert smoker.kind.display(smoker, "not_sure") == "Not sure"
    assert colour.kind.display(colour, "blue") == "Blue"
    assert smoker.choice_ids == ("yes", "no")


def test_prompt__is_a_list_to_pick_from() -> None:
    assert question("smoker").kind.prompt == question("colour").kind.prompt == "select"


def test_condition_operands__must_be_choices() -> None:
    colour = question("colour")
    assert colour.kind.operand_problem("equals", "red", colour) is None
    assert colour.kind.operand_problem("equals", "rde", colour) == (
        "unknown_choice",
        {"question": "colour", "given": "rde", "suggestion": "red"},
    )


def test_definition__choices_belong_to_single_choice_only() -> None:
    assert definition_problems(type="yes_no", choices=[{"id": "a", "label": "A"}]) == [
        "unexpected_choices"
    ]
    assert definition_problems(type="single_choice") == ["empty_choices"]
    exclusive = [{"id": "a", "label": "A", "exclusive": True}, {"id": "b", "label": "B"}]
    assert definition_problems(type="single_choice", choices=exclusive) == ["exclusive_single"]

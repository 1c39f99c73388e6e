"""Multiple-choice questions: a list of choices, one of which may exclude the rest."""

from __future__ import annotations

from typing import Any

import pytest

from suitability.kinds import KINDS
from suitability.kinds.multiple import MultipleChoice

from .conftest import definition_problems, question

AREAS = question("areas")


def test_registry__names_the_multiple_choice_kind() -> None:
    assert isinstance(KINDS["multiple_choice"], MultipleChoice)
    assert AREAS.kind.multiple


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["neck", "face"], (["face", "neck"], None)),
        (["none"], (["none"], None)),
        ("face", (None, "not_a_list")),
        ([], (None, "expected_choices")),
        (["face", "face"], (None, "chosen_twice")),
        (["face", "none"], (None, "exclusive_combined")),
        (["face", "nose"], (None, "not_a_choice")),
    ],
)
def test_data__is_a_list_in_questionnaire_order(value: Any, expected: tuple[Any, Any]) -> None:
    got, problem = AREAS.kind.normalise(AREAS, value)
    assert (got, None if problem is None else problem.code) == expected


def test_typed_text__is_split_on_semicolons() -> None:
    assert AREAS.kind.typed(AREAS, " Neck; face ;") == ["neck", "face"]
    assert AREAS.kind.as_written("Neck; nose") == ["Neck", "nose"]
    assert AREAS.kind.as_written("not_sure") == "not_sure"


def test_schema__is_an_array_of_unique_choices_with_the_exclusive_one_alone() -> None:
    assert AREAS.kind.json_schema(AREAS) == {
        "anyOf": [
            {
                "type": "array",
                "items": {"enum": ["face", "neck", "none"]},
                "minItems": 1,
                "uniqueItems": True,
                "not": {"contains": {"const": "none"}, "minItems": 2},
            },
            {"enum": [None]},
        ]
    }


def test_display_and_prompt() -> None:
    assert AREAS.kind.display(AREAS, ["face", "neck"]) == "Face; Neck"
    assert AREAS.kind.prompt == "checkbox"


def test_condition_operands__a_choice_needs_any_of() -> None:
    assert AREAS.kind.operand_problem("equals", "face", AREAS) == (
        "multiple_needs_any_of",
        {"question": "areas", "given": "face", "op": "equals"},
    )
    found = AREAS.kind.operand_problem("one_of", "nose", AREAS)
    assert found is not None and found[0] == "unknown_choice"


def test_definition__at_most_one_exclusive_choice() -> None:
    choices = [
        {"id": "a", "label": "A", "exclusive": True},
        {"id": "b", "label": "B", "exclusive": True},
    ]
    assert definition_problems(type="multiple_choice", choices=choices) == ["exclusive_twice"]

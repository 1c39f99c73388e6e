"""Validation remembers how each question's common answers read: what it returns must not
depend on what was read before (lists are each caller's own, floats keep their sign, a wrong
answer is reported every time)."""

from __future__ import annotations

import pytest

from suitability import AnswersError, Questionnaire
from suitability.answers import validate_answers
from suitability.questionnaire import questionnaire_from_data

FORM = questionnaire_from_data(
    {
        "id": "form",
        "title": "Form",
        "version": "1",
        "language": "en",
        "sections": [
            {
                "id": "s",
                "title": "S",
                "questions": [
                    {"id": "level", "type": "decimal", "label": "Level", "min": -5, "max": 5},
                    {"id": "count", "type": "integer", "label": "Count", "min": 0, "max": 9},
                ],
            }
        ],
    }
)


def test_list_answers__each_result_has_its_own_list(questionnaire: Questionnaire) -> None:
    first = validate_answers({"goals": ["volume", "fine_lines"]}, questionnaire)
    second = validate_answers({"goals": ["volume", "fine_lines"]}, questionnaire)
    assert first.values["goals"] == second.values["goals"] == ["fine_lines", "volume"]
    assert first.values["goals"] is not second.values["goals"]


def test_decimal_answers__negative_zero_kept_after_zero() -> None:
    assert str(validate_answers({"level": 0.0}, FORM).values["level"]) == "0.0"
    assert str(validate_answers({"level": -0.0}, FORM).values["level"]) == "-0.0"


def test_wrong_answer__reported_each_time_after_a_right_one() -> None:
    assert validate_answers({"count": 3}, FORM).values == {"count": 3}
    for _ in range(2):
        with pytest.raises(AnswersError, match=r"answers\.count"):
            validate_answers({"count": 30}, FORM)

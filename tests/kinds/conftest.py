"""A small questionnaire with one question of each kind, and a way to check question
definitions, for the tests of each kind's module."""

from __future__ import annotations

from typing import Any

from suitability import Questionnaire
from suitability.questionnaire import Question, questionnaire_from_data

FORM: Questionnaire = questionnaire_from_data(
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
                    {"id": "smoker", "type": "yes_no", "label": "Smoker", "safety": True},
                    {
                        "id": "colour",
                        "type": "single_choice",
                        "label": "Colour",
                        "choices": [{"id": "red", "label": "Red"}, {"id": "blue", "label": "Blue"}],
                    },
                    {
                        "id": "areas",
                        "type": "multiple_choice",
                        "label": "Areas",
                        "choices": [
                            {"id": "face", "label": "Face"},
                            {"id": "neck", "label": "Neck"},
                            {"id": "none", "label": "None of these", "exclusive": True},
                        ],
                    },
                    {
                        "id": "age",
                        "type": "integer",
                        "label": "Age",
                        "min": 10,
                        "max": 110,
                        "unit": "years",
                    },
                    {
                        "id": "weight",
                        "type": "decimal",
                        "label": "Weight",
                        "min": 30,
                        "max": 200,
                        "unit": "kg",
                    },
                    {"id": "days", "type": "days", "label": "Days", "min": 0, "max": 365},
                    {
                        "id": "when",
                        "type": "date",
                        "label": "When",
                        "min": 0,
                        "max": 30,
                        "not_sure": True,
                    },
                    {
                        "id": "notes",
                        "type": "text",
                        "label": "Notes",
                        "max_length": 5,
                        "not_sure": True,
                    },
                ],
            }
        ],
    }
)


def question(qid: str) -> Question:
    return FORM.by_id[qid]


def definition_problems(**fields: Any) -> list[str]:
    """What the questionnaire check says about one question written with ``fields``."""
    from suitability.errors import QuestionnaireError

    data = {
        "id": "f",
        "title": "F",
        "version": "1",
        "language": "en",
        "sections": [{"id": "s", "title": "S", "questions": [{"id": "x", "label": "X", **fields}]}],
    }
    try:
        questionnaire_from_data(data)
    except QuestionnaireError as exc:
        return [p.code for p in exc.problems]
    return []

"""A made-up questionnaire for the FHIR tests: every question type, and every shape of show-if
(each comparison, all/any of comparisons, and nested all/any/not)."""

from __future__ import annotations

from typing import Any

from suitability import Questionnaire
from suitability.questionnaire import questionnaire_from_data


def _q(qid: str, show_if: dict[str, Any]) -> dict[str, Any]:
    return {"id": qid, "type": "yes_no", "label": f"Shown when {qid}?", "show_if": show_if}


#: Question id -> show-if, for the second section (all yes/no questions).
CONDITIONS: dict[str, dict[str, Any]] = {
    "c_equals": {"question": "yn", "equals": "yes"},
    "c_equals_special": {"question": "yn", "equals": "not_sure"},
    "c_one_of": {"question": "single", "one_of": ["a", "b"]},
    "c_one_of_one": {"question": "single", "one_of": ["c"]},
    "c_any_of": {"question": "multi", "any_of": ["x", "y"]},
    "c_multi_special": {"question": "multi", "equals": "prefer_not_to_say"},
    "c_lt": {"question": "num", "lt": 17.5},
    "c_lte": {"question": "days", "lte": 30},
    "c_gt": {"question": "num", "gt": 60.5},
    "c_gte": {"question": "dec", "gte": 2.5},
    "c_dec_lt": {"question": "dec", "lt": 0.3},
    "c_num_equals": {"question": "num", "equals": 40},
    "c_num_special": {"question": "num", "equals": "not_sure"},
    "c_dec_equals": {"question": "dec", "equals": 2.5},
    "c_date_equals": {"question": "when", "equals": "2027-01-01"},
    "c_date_one_of": {"question": "when", "one_of": ["not_sure", "2027-02-01"]},
    "c_answered": {"question": "note", "answered": True},
    "c_unanswered": {"question": "num", "answered": False},
    "c_all": {"all": [{"question": "yn", "equals": "yes"}, {"question": "num", "gte": 18}]},
    "c_any": {
        "any": [
            {"question": "single", "one_of": ["a", "b"]},
            {"question": "multi", "any_of": ["x"]},
        ]
    },
    "c_all_one_of": {
        "all": [{"question": "single", "one_of": ["a", "b"]}, {"question": "yn", "equals": "yes"}]
    },
    "c_not": {"not": {"question": "yn", "equals": "no"}},
    "c_nested": {
        "any": [
            {"all": [{"question": "num", "lt": 30}, {"question": "yn", "equals": "yes"}]},
            {"not": {"question": "multi", "any_of": ["x"]}},
        ]
    },
    "c_not_answered": {"not": {"question": "dec", "answered": True}},
    "c_not_not": {"not": {"not": {"question": "days", "gt": 10}}},
    "c_not_num": {"not": {"question": "num", "one_of": [40, "not_sure"]}},
    "c_not_dec": {"not": {"question": "dec", "equals": 2.5}},
    "c_not_date": {"not": {"question": "when", "equals": "2027-01-01"}},
}

FORM: dict[str, Any] = {
    "id": "made_up",
    "title": "Every type and every condition",
    "version": "2.1",
    "language": "en",
    "intro": "For the FHIR tests.",
    "sections": [
        {
            "id": "first",
            "title": "First",
            "intro": "Answers the others depend on.",
            "questions": [
                {"id": "yn", "type": "yes_no", "label": "Yes or no?", "safety": True},
                {
                    "id": "single",
                    "type": "single_choice",
                    "label": "One of these?",
                    "help": "Pick one.",
                    "choices": [
                        {"id": "a", "label": "A", "help": "The first."},
                        {"id": "b", "label": "B"},
                        {"id": "c", "label": "C"},
                    ],
                },
                {
                    "id": "multi",
                    "type": "multiple_choice",
                    "label": "Any of these?",
                    "safety": True,
                    "required": True,
                    "choices": [
                        {"id": "x", "label": "X"},
                        {"id": "y", "label": "Y"},
                        {"id": "none", "label": "None", "exclusive": True},
                    ],
                },
                {
                    "id": "num",
                    "type": "integer",
                    "label": "How many?",
                    "min": 0,
                    "max": 100,
                    "unit": "years",
                    "safety": True,
                },
                {
                    "id": "dec",
                    "type": "decimal",
                    "label": "How much?",
                    "min": 0,
                    "max": 10,
                    "unit": "mg/dL",
                    "not_sure": True,
                },
                {
                    "id": "when",
                    "type": "date",
                    "label": "When?",
                    "min": 0,
                    "max": 730,
                    "not_sure": True,
                },
                {"id": "days", "type": "days", "label": "Days?", "min": 0, "max": 92},
                {"id": "note", "type": "text", "label": "Anything else?", "max_length": 200},
            ],
        },
        {
            "id": "second",
            "title": "Second",
            "questions": [_q(qid, cond) for qid, cond in CONDITIONS.items()],
        },
    ],
}


def made_up() -> Questionnaire:
    return questionnaire_from_data(FORM)

"""Answers: validated against the questionnaire with every problem reported together; special
answers stay distinct from "no"; files round-trip; the JSON Schema matches the validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from suitability import Answers, AnswersError, Questionnaire, answers_schema, read_answers_file
from suitability import validate_answers as validate
from suitability.answers import (
    answer_status,
    dump_answers,
    parse_answers_text,
    visible_answers,
)

from .conftest import EXAMPLES


def problems_of(data: dict[str, Any], q: Questionnaire, **kw: Any) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        validate(data, q, **kw)
    return [str(p) for p in caught.value.problems]


BAD_VALUES = [
    (
        "unknown question",
        {"pregant": "yes"},
        "answers.pregant: unknown question 'pregant' (did you mean 'pregnant'?)",
    ),
    (
        "yes_no wrong",
        {"pregnant": "maybe"},
        "answers.pregnant: expected 'yes' or 'no' (or 'not_sure' or 'prefer_not_to_say'), got 'maybe'",
    ),
    (
        "choice outside",
        {"skin_type": "type_7"},
        "answers.skin_type: expected one of 'type_1', 'type_2', 'type_3', 'type_4', 'type_5', 'type_6' (or 'not_sure' or 'prefer_not_to_say'), got 'type_7' (did you mean 'type_6'?)",
    ),
    (
        "number out of bounds",
        {"age": 130},
        "answers.age: expected a whole number from 10 to 110 (years) (or 'not_sure' or 'prefer_not_to_say'), got 130",
    ),
    (
        "number wrong type",
        {"age": "thirty"},
        "answers.age: expected a whole number from 10 to 110 (years) (or 'not_sure' or 'prefer_not_to_say'), got 'thirty'",
    ),
    (
        "fractional whole number",
        {"age": 30.5},
        "answers.age: expected a whole number from 10 to 110 (years) (or 'not_sure' or 'prefer_not_to_say'), got 30.5",
    ),
    (
        "multi not a list",
        {"goals": "fine_lines"},
        "answers.goals: expected a list of 'hydration_radiance', 'fine_lines', 'expression_lines', 'volume', 'laxity', 'local_fat', 'cellulite', 'hair_thinning', 'active_acne', 'acne_scars', 'pigmentation_tone', 'pores_texture', 'none', got 'fine_lines' (a list, even for one choice)",
    ),
    (
        "multi unknown item",
        {"goals": ["fine_line"]},
        "answers.goals: 'fine_line' is not a choice here (did you mean 'fine_lines'?); expected a list of 'hydration_radiance', 'fine_lines', 'expression_lines', 'volume', 'laxity', 'local_fat', 'cellulite', 'hair_thinning', 'active_acne', 'acne_scars', 'pigmentation_tone', 'pores_texture', 'none'",
    ),
    (
        "exclusive combined",
        {"allergies": ["none", "other_severe"]},
        "answers.allergies: 'none' (None of these) cannot be combined with other choices",
    ),
    (
        "special not offered",
        {"goals": "not_sure"},
        "answers.goals: 'not_sure' is not offered here; expected a list of 'hydration_radiance', 'fine_lines', 'expression_lines', 'volume', 'laxity', 'local_fat', 'cellulite', 'hair_thinning', 'active_acne', 'acne_scars', 'pigmentation_tone', 'pores_texture', 'none'",
    ),
    (
        "bad date",
        {"has_event": "yes", "event_date": "next friday"},
        "answers.event_date: expected a date as YYYY-MM-DD, got 'next friday'",
    ),
    (
        "hidden question answered",
        {"isotretinoin": "never", "isotretinoin_months": 3},
        "answers.isotretinoin_months: answered, but this question is not asked given the earlier answers (it is shown only when 'isotretinoin' meets its show-if condition)",
    ),
    (
        "text too long",
        {"notes": "x" * 1001},
        "answers.notes: expected at most 1000 characters, got 1001",
    ),
]


@pytest.mark.parametrize(("case", "values", "expected"), BAD_VALUES, ids=[c[0] for c in BAD_VALUES])
def test_bad_answer__names_the_question_and_what_was_expected(
    questionnaire: Questionnaire, case: str, values: dict[str, Any], expected: str
) -> None:
    assert problems_of(values, questionnaire) == [expected]


def test_several_problems__are_reported_together(questionnaire: Questionnaire) -> None:
    found = problems_of({"age": 5, "pregnant": "maybe", "colour": "red"}, questionnaire)
    assert [f.split(":")[0] for f in found] == ["answers.colour", "answers.age", "answers.pregnant"]


def test_missing_required__reported_only_when_complete_is_asked(
    questionnaire: Questionnaire,
) -> None:
    partial = {"age": 40, "goals": ["fine_lines"]}
    assert validate(partial, questionnaire).values == partial
    found = problems_of(partial, questionnaire, complete=True)
    assert (
        "answers.pregnant: missing required answer; expected 'yes' or 'no' (or 'not_sure' or 'prefer_not_to_say')"
        in found
    )
    assert not any("isotretinoin_months" in f for f in found)  # hidden: not required
    assert not any("answers.notes" in f for f in found)  # optional


def test_wrong_questionnaire_and_unknown_header_key(questionnaire: Questionnaire) -> None:
    found = problems_of({"questionnaire": "other", "when": "x", "answers": {}}, questionnaire)
    assert found == [
        "when: unknown key 'when'",
        "questionnaire: these answers are for 'other', not 'facial_mesotherapy'",
    ]


def test_special_answers__stay_distinct_from_no(questionnaire: Questionnaire) -> None:
    answers = validate(
        {"pregnant": "not_sure", "breastfeeding": "prefer_not_to_say", "trying_to_conceive": "no"},
        questionnaire,
    )
    assert answer_status(questionnaire, answers, "pregnant") == "not_sure"
    assert answer_status(questionnaire, answers, "breastfeeding") == "prefer_not_to_say"
    assert answer_status(questionnaire, answers, "trying_to_conceive") == "answered"
    assert answer_status(questionnaire, answers, "age") == "unanswered"
    assert answer_status(questionnaire, answers, "isotretinoin_months") == "not_asked"


def test_values__are_normalised(questionnaire: Questionnaire) -> None:
    answers = validate(
        {
            "pregnant": True,
            "age": "42",
            "recent_procedure": "surgery",
            "recent_procedure_days": 30.0,
        },
        questionnaire,
    )
    assert answers.values == {
        "pregnant": "yes",
        "age": 42,
        "recent_procedure": "surgery",
        "recent_procedure_days": 30,
    }


def test_visible_answers__drops_answers_whose_question_became_hidden(
    questionnaire: Questionnaire,
) -> None:
    values = {"isotretinoin": "never", "isotretinoin_months": 3, "age": 30}
    assert visible_answers(questionnaire, values) == {"age": 30, "isotretinoin": "never"}


def test_wrong_value_example_file__names_the_question(questionnaire: Questionnaire) -> None:
    path = Path(__file__).parent / "data" / "one-wrong-value.yaml"
    with pytest.raises(AnswersError) as caught:
        read_answers_file(path, questionnaire)
    assert [p.location for p in caught.value.problems] == ["answers.pregnant"]
    assert str(caught.value.problems[0]).startswith("one-wrong-value.yaml: answers.pregnant:")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example__is_valid_and_round_trips_through_yaml_and_json(
    questionnaire: Questionnaire, path: Path
) -> None:
    answers = read_answers_file(path, questionnaire)
    for fmt in ("json", "yaml"):
        text = dump_answers(answers, fmt)  # type: ignore[arg-type]
        again = validate(parse_answers_text(text, f"copy.{fmt}"), questionnaire)
        assert again == answers
        assert dump_answers(again, fmt) == text  # type: ignore[arg-type]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_schema__accepts_every_example(questionnaire: Questionnaire, path: Path) -> None:
    data = parse_answers_text(path.read_text(encoding="utf-8"), path.name)
    jsonschema.validate(json.loads(json.dumps(data)), answers_schema(questionnaire))


def test_schema__rejects_what_validation_rejects(questionnaire: Questionnaire) -> None:
    schema = answers_schema(questionnaire)
    jsonschema.Draft202012Validator.check_schema(schema)
    for bad in ({"pregnant": "maybe"}, {"age": 130}, {"goals": ["nope"]}, {"colour": "red"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"answers": bad}, schema)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"answers": {',
            "<in>: line 1, column 14: malformed JSON: Expecting property name enclosed in double quotes",
        ),
        (
            "answers: [\n",
            "<in>: line 2, column 1: malformed YAML: expected the node content, but found '<stream end>'",
        ),
    ],
)
def test_malformed_answers_text__gives_line_and_column(text: str, expected: str) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers_text(text, "<in>")
    assert [str(p) for p in caught.value.problems] == [expected]


def test_answers_model__is_the_library_input_too(questionnaire: Questionnaire) -> None:
    answers = Answers(questionnaire="facial_mesotherapy", answers={"age": 30})
    assert validate(answers, questionnaire).values == {"age": 30}

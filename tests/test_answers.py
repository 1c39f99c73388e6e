"""Answers: validated against the questionnaire with every problem reported together; special
answers stay distinct from "no"; files round-trip; the JSON Schema matches the validation."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from suitability import (
    Answers,
    AnswersError,
    Questionnaire,
    answers_schema,
    assess,
    read_answers_file,
)
from suitability import validate_answers as validate
from suitability.answers import (
    answer_status,
    display_value,
    dump_answers,
    parse_answers_text,
    visible_answers,
)
from suitability.questionnaire import questionnaire_from_data

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
        "answers.event_date: expected a date as YYYY-MM-DD (or 'not_sure'), got 'next friday'",
    ),
    (
        "hidden question answered",
        {"isotretinoin": "never", "isotretinoin_months": 3},
        "answers.isotretinoin_months: answered, but this question is not asked given the earlier answers (it is asked only when its show-if condition on 'isotretinoin' holds)",
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


@pytest.mark.parametrize(
    ("date", "problem"),
    [
        (
            "2026-11-19",
            "answers.event_date: expected a date on or after 2026-11-20, got '2026-11-19'",
        ),
        ("2026-11-20", None),
        ("2028-11-19", None),
        (
            "2028-11-20",
            "answers.event_date: expected a date on or before 2028-11-19, got '2028-11-20'",
        ),
    ],
)
def test_upcoming_event_date__is_checked_against_the_day_of_answering(
    questionnaire: Questionnaire, date: str, problem: str | None
) -> None:
    data = {"answered_on": "2026-11-20", "answers": {"has_event": "yes", "event_date": date}}
    if problem is None:
        assert validate(data, questionnaire).values["event_date"] == date
    else:
        with pytest.raises(AnswersError) as caught:
            validate(data, questionnaire)
        assert [str(p) for p in caught.value.problems] == [problem]


def test_multiple_choices__are_kept_in_questionnaire_order(questionnaire: Questionnaire) -> None:
    one = validate({"goals": ["volume", "fine_lines"]}, questionnaire)
    other = validate({"goals": ["fine_lines", "volume"]}, questionnaire)
    assert one.values["goals"] == other.values["goals"] == ["fine_lines", "volume"]
    assert one == other


@pytest.mark.parametrize("words", ["not_sure", "prefer_not_to_say"])
def test_free_text__that_reads_like_a_special_answer__is_kept_as_written(
    questionnaire: Questionnaire, words: str
) -> None:
    answers = validate({"notes": words}, questionnaire)
    assert answers.values["notes"] == words
    assert answer_status(questionnaire, answers, "notes") == "answered"
    assert display_value(questionnaire.by_id["notes"], words) == words
    jsonschema.validate({"answers": {"notes": words}}, answers_schema(questionnaire))


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
            "age": 42,
            "recent_facial_surgery": "yes",
            "recent_facial_surgery_days": 30.0,
        },
        questionnaire,
    )
    assert answers.values == {
        "pregnant": "yes",
        "age": 42,
        "recent_facial_surgery": "yes",
        "recent_facial_surgery_days": 30,
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


# --------------------------------------------------------------------------- strict data

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
                    {"id": "weight", "type": "decimal", "label": "Weight", "min": 30, "max": 200},
                    {
                        "id": "age",
                        "type": "integer",
                        "label": "Age",
                        "min": 10,
                        "max": 110,
                        "safety": True,
                    },
                    {"id": "days", "type": "days", "label": "Days", "min": 0, "max": 365},
                    {"id": "when", "type": "date", "label": "When"},
                    {"id": "notes", "type": "text", "label": "Notes", "max_length": 5},
                    {
                        "id": "goals",
                        "type": "multiple_choice",
                        "label": "Goals",
                        "safety": True,
                        "choices": [
                            {"id": "a", "label": "A"},
                            {"id": "b", "label": "B"},
                            {"id": "none", "label": "None of these", "exclusive": True},
                        ],
                    },
                    {"id": "smoker", "type": "yes_no", "label": "Smoker"},
                    {
                        "id": "skin",
                        "type": "single_choice",
                        "label": "Skin",
                        "choices": [{"id": "dry", "label": "Dry"}, {"id": "oily", "label": "Oily"}],
                    },
                    {
                        "id": "about_a",
                        "type": "yes_no",
                        "label": "About A",
                        "show_if": {"question": "goals", "any_of": ["a"]},
                    },
                    {
                        "id": "packs",
                        "type": "integer",
                        "label": "Packs",
                        "min": 0,
                        "max": 5,
                        "show_if": {"question": "smoker", "equals": "yes"},
                    },
                    {
                        "id": "minor",
                        "type": "yes_no",
                        "label": "Minor",
                        "show_if": {"question": "age", "lt": 18},
                    },
                    {
                        "id": "undated",
                        "type": "yes_no",
                        "label": "Undated",
                        "show_if": {"not": {"question": "when", "answered": True}},
                    },
                    {
                        "id": "oily_or_heavy_senior",
                        "type": "yes_no",
                        "label": "X",
                        "show_if": {
                            "any": [
                                {"question": "skin", "one_of": ["oily"]},
                                {
                                    "all": [
                                        {"question": "age", "gte": 60},
                                        {"question": "weight", "gt": 100},
                                    ]
                                },
                            ]
                        },
                    },
                ],
            }
        ],
    }
)


def answers_file(answers: dict[str, Any], **header: Any) -> dict[str, Any]:
    return {"questionnaire": "form", **header, "answers": answers}


# (answers file, whether it is valid): the JSON Schema and validation must both say so.
TRICKY = [
    (answers_file({"weight": 70.5}), True),
    (answers_file({"weight": 70}), True),
    (answers_file({"weight": "70"}), False),
    (answers_file({"weight": True}), False),
    (answers_file({"weight": 10**40}), False),
    (answers_file({"age": 58}), True),
    (answers_file({"age": 58.0}), True),
    (answers_file({"age": 58.5}), False),
    (answers_file({"age": "58"}), False),
    (answers_file({"age": "5_8"}), False),
    (answers_file({"age": "٥٨"}), False),
    (answers_file({"age": " 58"}), False),
    (answers_file({"age": True}), False),
    (answers_file({"age": None}), True),
    (answers_file({"age": "not_sure"}), True),
    (answers_file({"age": "Not sure"}), False),
    (answers_file({"days": 0}), True),
    (answers_file({"days": "not_sure"}), False),
    (answers_file({"when": "2026-11-20"}), True),
    (answers_file({"when": "20261120"}), False),
    (answers_file({"when": "2026-W47-5"}), False),
    (answers_file({"when": "2026-02-30"}), False),
    (answers_file({"when": " 2026-11-20"}), False),
    (answers_file({"when": "2026-11-20\n"}), False),
    (answers_file({"when": "２０２６-11-20"}), False),
    (answers_file({"when": 20261120}), False),
    (answers_file({"notes": "hello"}), True),
    (answers_file({"notes": ""}), True),
    (answers_file({"notes": "hello!"}), False),
    (answers_file({"notes": "not_sure"}), False),
    (answers_file({"notes": 5}), False),
    (answers_file({"goals": ["a", "b"]}), True),
    (answers_file({"goals": ["none"]}), True),
    (answers_file({"goals": ["none", "a"]}), False),
    (answers_file({"goals": []}), False),
    (answers_file({"goals": ["a", "a"]}), False),
    (answers_file({"goals": "a"}), False),
    (answers_file({"goals": ["not_sure"]}), False),
    (answers_file({"goals": "not_sure"}), True),
    (answers_file({"smoker": "yes"}), True),
    (answers_file({"smoker": True}), True),
    (answers_file({"smoker": False}), True),
    (answers_file({"smoker": "YES"}), False),
    (answers_file({"smoker": 1}), False),
    (answers_file({"smoker": "not_sure"}), False),
    (answers_file({"skin": "dry"}), True),
    (answers_file({"skin": "Dry"}), False),
    (answers_file({"colour": "red"}), False),
    (answers_file({"goals": ["a"], "about_a": "yes"}), True),
    (answers_file({"goals": ["b"], "about_a": "no"}), False),
    (answers_file({"goals": "not_sure", "about_a": "no"}), False),
    (answers_file({"goals": ["b"], "about_a": None}), True),
    (answers_file({"smoker": True, "packs": 2}), True),
    (answers_file({"smoker": False, "packs": 2}), False),
    (answers_file({"packs": 2}), False),
    (answers_file({"age": 15, "minor": "yes"}), True),
    (answers_file({"age": 20, "minor": "yes"}), False),
    (answers_file({"age": "not_sure", "minor": "yes"}), False),
    (answers_file({"undated": "yes"}), True),
    (answers_file({"when": None, "undated": "yes"}), True),
    (answers_file({"when": "2026-01-01", "undated": "yes"}), False),
    (answers_file({"skin": "oily", "oily_or_heavy_senior": "no"}), True),
    (answers_file({"age": 65, "weight": 120, "oily_or_heavy_senior": "no"}), True),
    (answers_file({"age": 65, "weight": 90, "oily_or_heavy_senior": "no"}), False),
    (answers_file({}, questionnaire_version="1", answered_on="2026-11-20"), True),
    (answers_file({}, questionnaire=None, questionnaire_version=None, answered_on=None), True),
    (answers_file({}, questionnaire="other"), False),
    (answers_file({}, questionnaire_version=1), False),
    (answers_file({}, answered_on="20261120"), False),
    (answers_file({}, answered_on="2026-11-31"), False),
    (answers_file({}, comment="x"), False),
    ({"questionnaire": "form", "answers": [1]}, False),
]


@pytest.mark.parametrize(("data", "valid"), TRICKY, ids=[json.dumps(c[0]) for c in TRICKY])
def test_json_schema_and_validation__agree_on_what_is_valid(
    data: dict[str, Any], valid: bool
) -> None:
    schema = answers_schema(FORM)
    jsonschema.Draft202012Validator.check_schema(schema)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    by_schema = jsonschema.Draft202012Validator(schema, format_checker=checker).is_valid(data)
    try:
        validate(data, FORM)
        by_validation = True
    except AnswersError:
        by_validation = False
    assert (by_schema, by_validation) == (valid, valid)


def test_schema__is_plain_json(questionnaire: Questionnaire) -> None:
    text = json.dumps(answers_schema(questionnaire), allow_nan=False)
    assert json.loads(text) == answers_schema(questionnaire)


STRICT_MESSAGES = [
    (
        {"age": "58"},
        "answers.age: expected a whole number from 10 to 110 (or 'not_sure' or 'prefer_not_to_say'), got '58'",
    ),
    (
        {"weight": 10**400},
        "answers.weight: expected a number from 30 to 200, got a number with more than 300 digits",
    ),
    (
        {"age": 10**5000},
        "answers.age: expected a whole number from 10 to 110 (or 'not_sure' or 'prefer_not_to_say'), got a number with more than 300 digits",
    ),
    ({"when": "2020-W01-1"}, "answers.when: expected a date as YYYY-MM-DD, got '2020-W01-1'"),
    (
        {"when": dt.datetime(2026, 1, 1, 10, 0)},
        "answers.when: expected a date as YYYY-MM-DD, got 2026-01-01 10:00:00",
    ),
    ({"smoker": "YES"}, "answers.smoker: expected 'yes' or 'no', got 'YES'"),
    (
        {"goals": ["not_sure"]},
        "answers.goals: 'not_sure' is an answer on its own: give it alone, not in a list",
    ),
]


@pytest.mark.parametrize(
    ("values", "expected"),
    STRICT_MESSAGES,
    ids=[m[1].split(":")[0] + str(i) for i, m in enumerate(STRICT_MESSAGES)],
)
def test_data_of_the_wrong_type__is_named_not_coerced(
    values: dict[str, Any], expected: str
) -> None:
    assert problems_of(values, FORM) == [expected]


def test_date_objects__are_taken_from_python_callers() -> None:
    answers = validate(
        {"answered_on": dt.date(2026, 11, 20), "answers": {"when": dt.date(2026, 1, 2)}}, FORM
    )
    assert answers.answered_on == dt.date(2026, 11, 20)
    assert answers.values == {"when": "2026-01-02"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (None, "expected a mapping of question id to answer, got None"),
        ([1], "expected a mapping of question id to answer, got [1]"),
        ("x", "expected a mapping of question id to answer, got 'x'"),
        (5, "expected a mapping of question id to answer, got 5"),
        ({"answers": [1, 2]}, "answers: expected a mapping of question id to answer, got [1, 2]"),
        (
            {"answered_on": dt.datetime(2020, 1, 1, 10, 0), "answers": {}},
            "answered_on: expected a date as YYYY-MM-DD, got 2020-01-01 10:00:00",
        ),
        (
            {"questionnaire_version": 1, "answers": {}},
            "questionnaire_version: expected text, got 1",
        ),
        ({"questionnaire": ["form"], "answers": {}}, "questionnaire: expected text, got ['form']"),
    ],
)
def test_input_of_the_wrong_shape__is_an_answers_error_naming_it(data: Any, expected: str) -> None:
    with pytest.raises(AnswersError) as caught:
        validate(data, FORM)
    assert [str(p) for p in caught.value.problems] == [expected]


def test_answers_model_with_a_wrong_value__is_an_answers_error() -> None:
    with pytest.raises(AnswersError) as caught:
        Answers(questionnaire="form", answered_on=dt.datetime(2020, 1, 1, 10, 0))
    assert [p.location for p in caught.value.problems] == ["answered_on"]


def test_answers_changed_after_validation__are_validated_again(
    questionnaire: Questionnaire,
) -> None:
    answers = validate({"age": 40, "goals": ["volume"]}, questionnaire)
    assert validate(answers, questionnaire) is answers  # unchanged: no second validation
    answers.values["age"] = True
    with pytest.raises(AnswersError) as caught:
        assess(answers, questionnaire)
    assert [p.location for p in caught.value.problems] == ["answers.age"]
    answers.values["age"] = 40
    answers.values["goals"].append("nonsense")  # type: ignore[union-attr]
    with pytest.raises(AnswersError):
        assess(answers, questionnaire)


def test_wrong_answer__is_reported_once_not_again_for_the_questions_it_shows_or_hides() -> None:
    assert problems_of({"smoker": "maybe", "packs": 2}, FORM) == [
        "answers.smoker: expected 'yes' or 'no', got 'maybe'"
    ]
    assert problems_of({"smoker": "maybe", "packs": 9}, FORM) == [
        "answers.smoker: expected 'yes' or 'no', got 'maybe'",
        "answers.packs: expected a whole number from 0 to 5, got 9",
    ]


def test_hidden_answer__names_the_questions_its_show_if_reads() -> None:
    assert problems_of({"skin": "dry", "oily_or_heavy_senior": "no"}, FORM) == [
        "answers.oily_or_heavy_senior: answered, but this question is not asked given the earlier "
        "answers (it is asked only when its show-if condition on 'skin', 'age', 'weight' holds)"
    ]


# --------------------------------------------------------------------------- file text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "answers:\n  when: 2027-02-30\n",
            ["<in>: answers.when: expected a date as YYYY-MM-DD, got '2027-02-30'"],
        ),
        (
            "answered_on: 2026-13-01\nanswers: {}\n",
            ["<in>: answered_on: expected a date as YYYY-MM-DD, got '2026-13-01'"],
        ),
        (
            '{"answers": {"weight": 1e400}}',
            ["<in>: answers.weight: expected a number from 30 to 200, got inf"],
        ),
    ],
)
def test_impossible_values_in_a_file__are_answer_problems(text: str, expected: list[str]) -> None:
    data = parse_answers_text(text, "<in>")
    with pytest.raises(AnswersError) as caught:
        validate(data, FORM, source="<in>")
    assert [str(p) for p in caught.value.problems] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"answers": {"age": NaN}}', "<in>: malformed JSON: NaN is not a number in JSON"),
        (
            '{"answers": {"age": ' + "1" * 5000 + "}}",
            "<in>: malformed JSON: a number with too many digits to read",
        ),
        (
            "answers:\n  age: " + "1" * 5000 + "\n",
            "<in>: line 2, column 8: malformed YAML: a number with too many digits to read",
        ),
        (
            # Deeper than any Python's JSON parser goes (3.13's goes further than 3.11's).
            '{"answers": {"age": ' + "[" * 100_000,
            "<in>: malformed JSON: nested too deeply (more than 100 levels)",
        ),
        (
            '{"answers": ' + "[" * 200 + "]" * 200 + "}",
            "<in>: malformed JSON: nested too deeply (more than 100 levels)",
        ),
        (
            "answers:\n  age: " + "[" * 5000 + "\n",
            "<in>: line 2, column 106: malformed YAML: nested too deeply (more than 100 levels)",
        ),
        (
            "answers:\n  notes: a\0b\n",
            "<in>: line 2, column 11: malformed YAML: the character #x0000 is not allowed",
        ),
        (
            "base: &b {age: 30}\nanswers: *b\n",
            "<in>: line 1, column 7: malformed YAML: anchors and aliases (&name, *name) are not allowed here",
        ),
    ],
    ids=[
        "nan",
        "long json int",
        "long yaml int",
        "deep json",
        "deep json 200",
        "deep yaml",
        "nul",
        "alias",
    ],
)
def test_hostile_answers_text__is_one_located_problem(text: str, expected: str) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers_text(text, "<in>")
    assert [str(p) for p in caught.value.problems] == [expected]


def test_deep_json_cut_short__is_too_deep_or_cut_short_as_the_parser_finds_it_first() -> None:
    # 5,000 levels: Python 3.11's parser stops on the depth, 3.13's reaches the end of the text
    # first. Either way it is one located problem in our words, never a traceback.
    text = '{"answers": {"age": ' + "[" * 5000
    try:
        json.loads(text)
    except RecursionError:
        expected = "<in>: malformed JSON: nested too deeply (more than 100 levels)"
    except json.JSONDecodeError as exc:
        assert (exc.msg, exc.pos) == ("Expecting value", len(text))
        expected = f"<in>: line 1, column {len(text) + 1}: malformed JSON: Expecting value"
    with pytest.raises(AnswersError) as caught:
        parse_answers_text(text, "<in>")
    assert [str(p) for p in caught.value.problems] == [expected]


@pytest.mark.parametrize("notes", ["a\x85b", "a\u2028b\u2029", "\x85", "no", "2026-01-01", " x "])
def test_dumped_yaml__reads_back_equal_whatever_the_text(notes: str) -> None:
    form = questionnaire_from_data(
        {
            "id": "f",
            "title": "F",
            "version": "1",
            "language": "en",
            "sections": [
                {
                    "id": "s",
                    "title": "S",
                    "questions": [{"id": "notes", "type": "text", "label": "N"}],
                }
            ],
        }
    )
    answers = validate({"notes": notes}, form)
    again = validate(parse_answers_text(dump_answers(answers, "yaml"), "copy.yaml"), form)
    assert again.values == {"notes": notes}

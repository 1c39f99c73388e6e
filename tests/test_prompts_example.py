"""A question's optional `example` (issue 13): checked to be an answer the question accepts,
shown in the answers schema, and used in the plain message beside a refused typed answer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from suitability import default_questionnaire
from suitability.answers import answers_schema, parse_text_answer
from suitability.questionnaire import check_questionnaire

HEAD = """
id: demo
title: Demo
version: "1.0"
language: en-GB
sections:
  - id: s1
    title: One
    questions:
"""


def problems(write_yaml: Callable[[str], Path], question: str) -> list[str]:
    path = write_yaml(HEAD + question)
    _model, errors, _warnings = check_questionnaire(path, reads=())
    return [str(e) for e in errors]


@pytest.mark.parametrize(
    "question",
    [
        "      - {id: age, type: integer, label: Age, min: 10, max: 110, example: 52}\n",
        "      - {id: kg, type: decimal, label: Weight, min: 30, max: 200, example: 70.5}\n",
        "      - {id: gap, type: days, label: Days, min: 0, max: 60, example: 7}\n",
        "      - {id: day, type: date, label: When, example: '2027-03-14'}\n",
        "      - {id: note, type: text, label: Notes, max_length: 20, example: a short note}\n",
    ],
)
def test_example_that_is_an_answer__loads(write_yaml: Callable[[str], Path], question: str) -> None:
    assert problems(write_yaml, question) == []


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "      - {id: age, type: integer, label: Age, min: 10, max: 110, example: 200}\n",
            "form.yaml: sections[0].questions[0].example: the example is not an answer this "
            "question accepts: expected a whole number from 10 to 110, got 200 [line 9]",
        ),
        (
            "      - {id: age, type: integer, label: Age, min: 10, max: 110, example: 52.5}\n",
            "form.yaml: sections[0].questions[0].example: the example is not an answer this "
            "question accepts: expected a whole number from 10 to 110, got 52.5 [line 9]",
        ),
        (
            "      - {id: age, type: integer, label: Age, min: 10, max: 110, example: fifty}\n",
            "form.yaml: sections[0].questions[0].example: the example is not an answer this "
            "question accepts: expected a whole number from 10 to 110, got 'fifty' [line 9]",
        ),
        (
            "      - {id: day, type: date, label: When, example: '2027-02-30'}\n",
            "form.yaml: sections[0].questions[0].example: the example is not an answer this "
            "question accepts: expected a date as YYYY-MM-DD, got '2027-02-30' [line 9]",
        ),
        (
            "      - {id: note, type: text, label: Notes, max_length: 5, example: far too long}\n",
            "form.yaml: sections[0].questions[0].example: the example is not an answer this "
            "question accepts: expected at most 5 characters, got 12 [line 9]",
        ),
        (
            "      - {id: age, type: integer, label: Age, min: 10, max: 110, safety: true,"
            " example: not_sure}\n",
            "form.yaml: sections[0].questions[0].example: an example must be an answer: "
            "'not_sure' and 'prefer_not_to_say' are not [line 9]",
        ),
        (
            "      - {id: q, type: yes_no, label: Q, example: 'yes'}\n",
            "form.yaml: sections[0].questions[0].example: 'yes_no' questions are answered from "
            "a list, so they take no 'example' [line 9]",
        ),
    ],
)
def test_example_that_is_no_answer__is_a_located_problem(
    write_yaml: Callable[[str], Path], question: str, expected: str
) -> None:
    assert problems(write_yaml, question) == [expected]


def test_example_of_a_question_with_bad_bounds__adds_no_second_problem(
    write_yaml: Callable[[str], Path],
) -> None:
    found = problems(
        write_yaml, "      - {id: age, type: integer, label: Age, min: 10, example: 52}\n"
    )
    assert found == [
        "form.yaml: sections[0].questions[0]: 'integer' questions need both 'min' and 'max' "
        "[line 9]"
    ]


def test_shipped_questionnaire__gives_every_number_question_an_example() -> None:
    q = default_questionnaire()
    numbers = [x for x in q.questions if x.kind.numeric]
    assert numbers and all(x.example is not None for x in numbers)
    assert q.by_id["age"].example == 52


def test_example__is_in_the_answers_schema() -> None:
    schema = answers_schema(default_questionnaire())
    age = schema["properties"]["answers"]["properties"]["age"]
    assert age["examples"] == [52]


@pytest.mark.parametrize(
    ("qid", "typed", "plain"),
    [
        (
            "age",
            "abc",
            "Please type a whole number from 10 to 110 years, for example 52, "
            "or 'not sure' or 'prefer not to say'.",
        ),
        ("downtime_days", "a week", "Please type a whole number from 0 to 60 days, for example 7."),
    ],
)
def test_refused_typed_number__reads_plainly_with_the_example(
    qid: str, typed: str, plain: str
) -> None:
    _value, found = parse_text_answer(default_questionnaire().by_id[qid], typed)
    assert found is not None and found.text(plain=True) == plain


@pytest.mark.parametrize("typed", ["1e2", "1_000", "+5", " 1.0", "0x10", "5.", "٥٢"])
def test_whole_number_in_any_form_but_digits__is_refused(typed: str) -> None:
    months = default_questionnaire().by_id["isotretinoin_months"]
    value, found = parse_text_answer(months, typed)
    assert value is None and found is not None and found.code == "expected_number"


def test_decimal_typed__still_reads_a_decimal_point() -> None:
    from suitability.questionnaire import questionnaire_from_data

    q = questionnaire_from_data(
        {
            "id": "d",
            "title": "D",
            "version": "1",
            "language": "en-GB",
            "sections": [
                {
                    "id": "s",
                    "title": "S",
                    "questions": [
                        {"id": "kg", "type": "decimal", "label": "Kg", "min": 0, "max": 9}
                    ],
                }
            ],
        }
    )
    assert parse_text_answer(q.by_id["kg"], "1.5") == (1.5, None)

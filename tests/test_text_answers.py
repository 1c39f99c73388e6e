"""Typed text (at the prompt, or in a CSV cell) is read leniently into a typed answer, then
checked like any other: data stays strict, a person's typing does not have to be."""

from __future__ import annotations

import io
from typing import Any

import pytest

from suitability import Questionnaire
from suitability.answers import parse_text_answer
from suitability.batch import read_records

AGE = "expected a whole number from 10 to 110 (years) (or 'not_sure' or 'prefer_not_to_say')"


@pytest.mark.parametrize(
    ("question", "text", "value"),
    [
        ("age", "42", 42),
        ("age", " 42 ", 42),
        ("age", "not sure", "not_sure"),
        ("age", "Prefer not to say", "prefer_not_to_say"),
        ("pregnant", "YES", "yes"),
        ("pregnant", " no ", "no"),
        ("skin_type", "Type_2", "type_2"),
        ("goals", "fine_lines; Volume", ["fine_lines", "volume"]),
        ("goals", "none", ["none"]),
        ("notes", "  a note  ", "a note"),
    ],
)
def test_typed_text__becomes_the_answer_it_stands_for(
    questionnaire: Questionnaire, question: str, text: str, value: Any
) -> None:
    assert parse_text_answer(questionnaire.by_id[question], text) == (value, None)


@pytest.mark.parametrize(
    ("question", "text", "error"),
    [
        ("age", "abc", f"{AGE}, got 'abc'"),
        ("age", "٤٢", f"{AGE}, got '٤٢'"),
        ("age", "4_2", f"{AGE}, got '4_2'"),
        ("age", "nan", f"{AGE}, got 'nan'"),
        ("age", "1e400", f"{AGE}, got '1e400'"),
        ("age", "1e2", f"{AGE}, got '1e2'"),
        ("age", "+42", f"{AGE}, got '+42'"),
        ("age", "42.0", f"{AGE}, got '42.0'"),
        ("age", "9" * 5000, f"{AGE}, got '{'9' * 56}..."),
        ("age", "42.5", f"{AGE}, got '42.5'"),
        ("age", "130", f"{AGE}, got 130"),
        (
            "goals",
            "fine_lines; nope",
            "'nope' is not a choice here (did you mean 'none'?); expected a list of 'hydration_radiance', 'fine_lines', 'expression_lines', 'volume', 'laxity', 'local_fat', 'cellulite', 'hair_thinning', 'active_acne', 'acne_scars', 'pigmentation_tone', 'pores_texture', 'none'",
        ),
        ("event_date", "20270101", "expected a date as YYYY-MM-DD (or 'not_sure'), got '20270101'"),
    ],
)
def test_typed_text_that_is_no_answer__says_what_was_expected(
    questionnaire: Questionnaire, question: str, text: str, error: str
) -> None:
    value, problem = parse_text_answer(questionnaire.by_id[question], text)
    assert value is None and problem is not None
    assert problem.text() == error


def test_csv_cells__are_read_as_typed_text_and_unreadable_ones_passed_on_as_written(
    questionnaire: Questionnaire,
) -> None:
    text = (
        "id,answered_on,age,pregnant,goals,colour\n"
        "c1,2026-11-20, 42 ,YES,fine_lines;volume,red\n"
        "c2,,abc,maybe,volume;nope,\n"
    )
    records = [record for _line, record in read_records(io.StringIO(text), "csv", questionnaire)]
    assert records == [
        {
            "id": "c1",
            "answered_on": "2026-11-20",
            "answers": {
                "age": 42,
                "pregnant": "yes",
                "goals": ["fine_lines", "volume"],
                "colour": "red",
            },
        },
        {"id": "c2", "answers": {"age": "abc", "pregnant": "maybe", "goals": ["volume", "nope"]}},
    ]

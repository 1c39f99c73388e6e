"""Questionnaire loading: the shipped file is clean, and every class of mistake is reported with
its file, location and a clear message, all together."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from suitability import QuestionnaireError, load_questionnaire
from suitability.questionnaire import check_questionnaire

from .conftest import QUESTIONNAIRES

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


def messages(path: Path) -> list[str]:
    _model, errors, _warnings = check_questionnaire(path, reads=())
    return [str(e) for e in errors]


@pytest.mark.parametrize("path", QUESTIONNAIRES, ids=lambda p: p.name)
def test_shipped_questionnaire__loads_with_no_errors_and_no_warnings(path: Path) -> None:
    model, errors, warnings = check_questionnaire(path)
    assert errors == []
    assert warnings == []
    assert model is not None and len(model.questions) >= 30


def test_shipped_questionnaire__every_safety_question_offers_not_sure_and_decline(
    questionnaire,  # type: ignore[no-untyped-def]
) -> None:
    safety = [q for q in questionnaire.questions if q.safety]
    assert len(safety) >= 20
    for q in safety:
        assert q.special_values == ("not_sure", "prefer_not_to_say"), q.id


def test_shipped_questionnaire__asks_pregnancy_of_everyone(questionnaire) -> None:  # type: ignore[no-untyped-def]
    for qid in ("pregnant", "breastfeeding", "trying_to_conceive"):
        assert questionnaire.by_id[qid].show_if is None


def test_content_hash__ignores_comments_and_layout(tmp_path: Path) -> None:
    original = QUESTIONNAIRES[0].read_text(encoding="utf-8")
    copy = tmp_path / "copy.yaml"
    copy.write_text("# a clinician's comment\n" + original, encoding="utf-8")
    assert (
        load_questionnaire(copy).content_hash == load_questionnaire(QUESTIONNAIRES[0]).content_hash
    )


CASES = [
    (
        "unknown key, with suggestion",
        """
      - id: q1
        type: yes_no
        label: Q1
        hlep: typo
""",
        "form.yaml: sections[0].questions[0]: unknown key 'hlep' (did you mean 'help'?) [line 12]",
    ),
    (
        "missing key",
        """
      - id: q1
        type: yes_no
""",
        "form.yaml: sections[0].questions[0]: missing required key 'label' [line 9]",
    ),
    (
        "wrong type",
        """
      - id: q1
        type: yes_no
        label: Q1
        required: often
""",
        "form.yaml: sections[0].questions[0].required: expected true or false, got 'often' [line 12]",
    ),
    (
        "unknown question type",
        """
      - id: q1
        type: slider
        label: Q1
""",
        "form.yaml: sections[0].questions[0].type: input should be 'single_choice', 'multiple_choice', "
        "'yes_no', 'integer', 'decimal', 'date', 'days' or 'text', got 'slider' [line 10]",
    ),
    (
        "duplicate id",
        """
      - id: q1
        type: yes_no
        label: Q1
      - id: q1
        type: yes_no
        label: Again
""",
        "form.yaml: sections[0].questions[1].id: duplicate question id 'q1' "
        "(first used at sections[0].questions[0]) [line 12]",
    ),
    (
        "unknown question in show_if, with suggestion",
        """
      - id: pregnant
        type: yes_no
        label: Pregnant?
      - id: q2
        type: yes_no
        label: Q2
        show_if: {question: pregant, equals: "yes"}
""",
        "form.yaml: sections[0].questions[1].show_if: unknown question 'pregant' "
        "(did you mean 'pregnant'?) [line 15]",
    ),
    (
        "reference to a later question",
        """
      - id: q1
        type: yes_no
        label: Q1
        show_if: {question: q2, equals: "yes"}
      - id: q2
        type: yes_no
        label: Q2
""",
        "form.yaml: sections[0].questions[0].show_if: question 'q2' comes later; "
        "a show-if can only read earlier questions [line 12]",
    ),
    (
        "unknown choice in show_if",
        """
      - id: colour
        type: single_choice
        label: Colour
        choices: [{id: red, label: Red}, {id: blue, label: Blue}]
      - id: q2
        type: yes_no
        label: Q2
        show_if: {question: colour, equals: bleu}
""",
        "form.yaml: sections[0].questions[1].show_if: 'colour' has no choice 'bleu' "
        "(did you mean 'blue'?) [line 16]",
    ),
    (
        "empty choices",
        """
      - id: q1
        type: single_choice
        label: Q1
        choices: []
""",
        "form.yaml: sections[0].questions[0].choices: 'single_choice' questions need at least one choice [line 12]",
    ),
    (
        "duplicate choice",
        """
      - id: q1
        type: multiple_choice
        label: Q1
        choices: [{id: a, label: A}, {id: a, label: B}]
""",
        "form.yaml: sections[0].questions[0].choices[1].id: duplicate choice 'a' (also choices[0]) "
        "[line 12]",
    ),
    (
        "bad bounds",
        """
      - id: age
        type: integer
        label: Age
        min: 90
        max: 10
""",
        "form.yaml: sections[0].questions[0].min: min (90) is greater than max (10) [line 12]",
    ),
    (
        "number without bounds",
        """
      - id: age
        type: integer
        label: Age
""",
        "form.yaml: sections[0].questions[0]: 'integer' questions need both 'min' and 'max' [line 9]",
    ),
    (
        "safety question without not sure",
        """
      - id: q1
        type: yes_no
        label: Q1
        safety: true
        not_sure: false
""",
        "form.yaml: sections[0].questions[0].not_sure: a safety question must offer 'not sure' "
        "[line 13]",
    ),
    (
        "two exclusive choices",
        """
      - id: q1
        type: multiple_choice
        label: Q1
        choices:
          - {id: a, label: A, exclusive: true}
          - {id: b, label: B, exclusive: true}
""",
        "form.yaml: sections[0].questions[0].choices[1].exclusive: a question has at most one "
        "exclusive ('none of these') choice [line 14]",
    ),
    (
        "condition with two operators",
        """
      - id: age
        type: integer
        label: Age
        min: 0
        max: 100
      - id: q2
        type: yes_no
        label: Q2
        show_if: {question: age, lt: 18, gt: 10}
""",
        "form.yaml: sections[0].questions[1].show_if: a condition on a question needs exactly one "
        "of equals, one_of, any_of, lt, lte, gt, gte, answered (found lt, gt) [line 17]",
    ),
    (
        "comparison on a choice question",
        """
      - id: q1
        type: yes_no
        label: Q1
      - id: q2
        type: yes_no
        label: Q2
        show_if: {not: {question: q1, gte: 3}}
""",
        "form.yaml: sections[0].questions[1].show_if.not: a comparison needs a number question; "
        "'q1' is yes_no [line 15]",
    ),
]


@pytest.mark.parametrize(("case", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_questionnaire_mistake__is_reported_with_file_location_and_message(
    write_yaml: Callable[[str], Path], case: str, body: str, expected: str
) -> None:
    path = write_yaml(HEAD + body.strip("\n") + "\n")
    assert messages(path) == [expected]


def test_malformed_yaml__reports_line_and_column(write_yaml: Callable[[str], Path]) -> None:
    path = write_yaml("id: x\n  bad: [\n")
    assert messages(path) == [
        "form.yaml: line 2, column 6: malformed YAML: mapping values are not allowed here"
    ]


def test_duplicate_yaml_key__is_a_syntax_problem(write_yaml: Callable[[str], Path]) -> None:
    path = write_yaml("id: x\nid: y\n")
    assert messages(path) == [
        'form.yaml: line 2, column 1: malformed YAML: found duplicate key "id"'
    ]


def test_three_mistakes__are_all_reported_together(write_yaml: Callable[[str], Path]) -> None:
    path = write_yaml(
        HEAD
        + """
      - id: pregnant
        type: yes_no
        label: Pregnant?
        colour: red
      - id: age
        type: integer
        label: Age
        min: 90
        max: 10
      - id: q3
        type: yes_no
        label: Q3
        show_if: {question: pregant, equals: "yes"}
""".strip("\n")
        + "\n"
    )
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    found = [str(p) for p in caught.value.problems]
    assert len(found) == 3
    assert "sections[0].questions[0]: unknown key 'colour'" in found[0]
    assert "sections[0].questions[1].min: min (90) is greater than max (10)" in found[1]
    assert "show_if: unknown question 'pregant' (did you mean 'pregnant'?)" in found[2]


def test_unread_question__is_a_warning_not_an_error(write_yaml: Callable[[str], Path]) -> None:
    path = write_yaml(HEAD + "      - {id: q1, type: yes_no, label: Q1}\n")
    model, errors, warnings = check_questionnaire(path, reads=())
    assert model is not None and errors == []
    assert [str(w) for w in warnings] == [
        "form.yaml: sections[0].questions[0]: question 'q1' is read by no rule and no show-if"
    ]


def test_missing_file__is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    _model, errors, _ = check_questionnaire(tmp_path / "absent.yaml")
    assert len(errors) == 1 and "cannot read the file" in str(errors[0])


def test_show_if__evaluates_all_any_not_and_comparisons(write_yaml: Callable[[str], Path]) -> None:
    path = write_yaml(
        HEAD
        + """
      - {id: age, type: integer, label: Age, min: 0, max: 120}
      - id: goals
        type: multiple_choice
        label: Goals
        choices: [{id: a, label: A}, {id: b, label: B}]
      - id: q3
        type: yes_no
        label: Q3
        show_if:
          all:
            - {question: age, gte: 18}
            - any: [{question: goals, any_of: [b]}, {not: {question: age, answered: true}}]
"""
    )
    model, errors, _ = check_questionnaire(path, reads=())
    assert errors == [] and model is not None
    q3 = model.by_id["q3"]
    assert model.visible(q3, {"age": 30, "goals": ["a", "b"]})
    assert not model.visible(q3, {"age": 30, "goals": ["a"]})
    assert not model.visible(q3, {"age": 12, "goals": ["b"]})
    assert not model.visible(q3, {"goals": ["b"]})

"""Questionnaire loading: the shipped file is clean, and every class of mistake is reported with
its file, location and a clear message, all together."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from suitability import QuestionnaireError, load_questionnaire
from suitability.questionnaire import check_questionnaire, questionnaire_from_data

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


_MULTI = """
      - id: goals
        type: multiple_choice
        label: Goals
        safety: true
        choices: [{id: a, label: A}, {id: b, label: B}]
"""
_AGE = """
      - {id: age, type: integer, label: Age, min: 10, max: 110}
"""

CASES += [
    (
        "bound that is not a number",
        _AGE.replace("min: 10", "min: .nan"),
        "form.yaml: sections[0].questions[0].min: expected a finite number, got nan [line 9]",
    ),
    (
        "infinite bound",
        _AGE.replace("max: 110", "max: .inf"),
        "form.yaml: sections[0].questions[0].max: expected a finite number, got inf [line 9]",
    ),
    (
        "bound too large for a number",
        "      - {id: w, type: decimal, label: W, min: 0, max: 1e400}\n",
        "form.yaml: sections[0].questions[0].max: expected a finite number, got inf [line 9]",
    ),
    (
        "bound written as text",
        _AGE.replace("min: 10", 'min: "10"'),
        "form.yaml: sections[0].questions[0].min: expected a number, got '10' [line 9]",
    ),
    (
        "flag written as text",
        "      - {id: q1, type: yes_no, label: Q1, required: 'yes'}\n",
        "form.yaml: sections[0].questions[0].required: expected true or false, got 'yes' [line 9]",
    ),
    (
        "exclusive written as a number",
        _MULTI.replace("{id: b, label: B}", "{id: b, label: B, exclusive: 1}"),
        "form.yaml: sections[0].questions[0].choices[1].exclusive: expected true or false, got 1 "
        "[line 13]",
    ),
    (
        "comparison with text",
        _AGE + "      - {id: q2, type: yes_no, label: Q2, show_if: {question: age, lt: '18'}}\n",
        "form.yaml: sections[0].questions[1].show_if.lt: expected a number, got '18' [line 10]",
    ),
    (
        "equals true on a yes/no question",
        "      - {id: q1, type: yes_no, label: Q1}\n"
        "      - {id: q2, type: yes_no, label: Q2, show_if: {question: q1, equals: true}}\n",
        "form.yaml: sections[0].questions[1].show_if.equals: expected text or a number, got true "
        '(for a yes/no answer, write "yes" in quotes) [line 10]',
    ),
    (
        "equals a list",
        "      - {id: q1, type: yes_no, label: Q1}\n"
        "      - {id: q2, type: yes_no, label: Q2, show_if: {question: q1, equals: [1, 2]}}\n",
        "form.yaml: sections[0].questions[1].show_if.equals: expected text or a number, got [1, 2] "
        "[line 10]",
    ),
    (
        "equals on a multiple choice question",
        _MULTI
        + "      - {id: q2, type: yes_no, label: Q2, show_if: {question: goals, equals: a}}\n",
        "form.yaml: sections[0].questions[1].show_if: 'goals' is multiple choice, so its answer is "
        "a list: test whether 'a' is ticked with `any_of`, not `equals` [line 14]",
    ),
    (
        "one_of on a multiple choice question",
        _MULTI
        + "      - {id: q2, type: yes_no, label: Q2, show_if: {question: goals, one_of: [a, b]}}\n",
        "form.yaml: sections[0].questions[1].show_if: 'goals' is multiple choice, so its answer is "
        "a list: test whether 'a' is ticked with `any_of`, not `one_of` [line 14]",
    ),
    (
        "any_of not a list",
        _MULTI
        + "      - {id: q2, type: yes_no, label: Q2, show_if: {question: goals, any_of: a}}\n",
        "form.yaml: sections[0].questions[1].show_if.any_of: expected a list, got 'a' [line 14]",
    ),
    (
        "any_of with a special answer",
        _MULTI
        + "      - {id: q2, type: yes_no, label: Q2, show_if: {question: goals, any_of: [not_sure]}}\n",
        "form.yaml: sections[0].questions[1].show_if: 'not_sure' is never one of the choices "
        "ticked: test it with `equals: not_sure` [line 14]",
    ),
    (
        "number question compared with text",
        _AGE
        + "      - {id: q2, type: yes_no, label: Q2, show_if: {question: age, equals: '50'}}\n",
        "form.yaml: sections[0].questions[1].show_if: 'age' is integer, so its answer never equals "
        "'50' (write the number without quotes) [line 10]",
    ),
    (
        "whole number question compared with a fraction",
        _AGE
        + "      - {id: q2, type: yes_no, label: Q2, show_if: {question: age, one_of: [50.5]}}\n",
        "form.yaml: sections[0].questions[1].show_if: 'age' is integer, so its answer never equals "
        "50.5 (it is a whole number) [line 10]",
    ),
    (
        "number outside the bounds",
        _AGE + "      - {id: q2, type: yes_no, label: Q2, show_if: {question: age, equals: 200}}\n",
        "form.yaml: sections[0].questions[1].show_if: 'age' is from 10 to 110, so its answer never "
        "equals 200 [line 10]",
    ),
    (
        "impossible date",
        "      - {id: d, type: date, label: D}\n"
        "      - {id: q2, type: yes_no, label: Q2, show_if: {question: d, equals: 2026-02-30}}\n",
        "form.yaml: sections[0].questions[1].show_if: 'd' is date, so its answer never equals "
        "'2026-02-30' (a date is written YYYY-MM-DD) [line 10]",
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


def test_every_problem__is_reported_even_in_a_question_with_a_structural_one(
    write_yaml: Callable[[str], Path],
) -> None:
    path = write_yaml(
        HEAD
        + """
      - id: a
        type: single_choice
        label: A
        help: 5
        choices:
          - {id: x, label: X}
          - {id: x, label: X}
      - id: a
        type: yes_no
        label: dup
        show_if: {question: nope, equals: "yes"}
        choices: [{id: q, label: Q, colour: red}]
      - id: c
        type: yes_nope
        label: C
        show_if: {all: [{question: a, equals: "yes"}, {question: zz, answered: true}]}
""".lstrip("\n")
    )
    assert messages(path) == [
        "form.yaml: sections[0].questions[0].help: expected text, got 5 [line 12]",
        "form.yaml: sections[0].questions[0].choices[1].id: duplicate choice 'x' (also choices[0]) [line 15]",
        "form.yaml: sections[0].questions[0].choices[1].label: duplicate choice label 'X' (also choices[0]) [line 15]",
        "form.yaml: sections[0].questions[1].id: duplicate question id 'a' (first used at sections[0].questions[0]) [line 16]",
        "form.yaml: sections[0].questions[1].show_if: unknown question 'nope' [line 19]",
        "form.yaml: sections[0].questions[1].choices[0]: unknown key 'colour' [line 20]",
        "form.yaml: sections[0].questions[1].choices: 'yes_no' questions take no choices [line 20]",
        "form.yaml: sections[0].questions[2].type: input should be 'single_choice', "
        "'multiple_choice', 'yes_no', 'integer', 'decimal', 'date', 'days' or 'text', got 'yes_nope' [line 22]",
        "form.yaml: sections[0].questions[2].show_if.all[0]: 'a' has no choice 'yes' [line 24]",
        "form.yaml: sections[0].questions[2].show_if.all[1]: unknown question 'zz' [line 24]",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "id: demo\nversion: 2026-02-30\n",
            "form.yaml: version: string should match pattern '^\\d+(\\.\\d+){0,2}$', "
            "got '2026-02-30' [line 2]",
        ),
        (
            "a: &a [x, x]\nb: [*a, *a]\n",
            "form.yaml: line 1, column 4: malformed YAML: anchors and aliases (&name, *name) are "
            "not allowed here",
        ),
        (
            "sections: " + "[" * 5000 + "\n",
            "form.yaml: line 1, column 110: malformed YAML: nested too deeply (more than 100 levels)",
        ),
        (
            "id: " + "9" * 5000 + "\n",
            "form.yaml: line 1, column 5: malformed YAML: a number with too many digits to read",
        ),
        (
            "id: x\0\n",
            "form.yaml: line 1, column 6: malformed YAML: the character #x0000 is not allowed",
        ),
    ],
    ids=["impossible date", "alias", "deep", "long number", "nul"],
)
def test_hostile_questionnaire_text__is_a_located_problem(
    write_yaml: Callable[[str], Path], text: str, expected: str
) -> None:
    path = write_yaml(text)
    assert expected in messages(path)


@pytest.mark.parametrize("data", [[1, 2], None, "x"])
def test_questionnaire_from_data__refuses_what_is_not_a_mapping(data: Any) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire_from_data(data)
    assert [str(p) for p in caught.value.problems] == [
        "<data>: a questionnaire must be a mapping of keys to values"
    ]


def test_questionnaire_from_data__refuses_nesting_too_deep_to_check() -> None:
    condition: dict[str, Any] = {"question": "a", "answered": True}
    for _ in range(5000):
        condition = {"not": condition}
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire_from_data({"id": "x", "sections": [{"questions": [{"show_if": condition}]}]})
    assert [str(p) for p in caught.value.problems] == [
        "<data>: nested too deeply (more than 100 levels)"
    ]

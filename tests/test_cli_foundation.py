"""The command line's validate and schema commands: exit codes and messages, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from suitability.cli import main

from .conftest import EXAMPLES, QUESTIONNAIRES, ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "suitability", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_validate__shipped_questionnaires_exit_0() -> None:
    result = run("validate", *map(str, QUESTIONNAIRES))
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


def test_validate__three_mistakes_exit_1_with_every_location(
    write_yaml: Callable[[str], Path],
) -> None:
    path = write_yaml(
        """
        id: demo
        title: Demo
        version: "1.0"
        language: en-GB
        sections:
          - id: s1
            title: One
            questions:
              - {id: pregnant, type: yes_no, label: P, colour: red}
              - {id: age, type: integer, label: Age, min: 90, max: 10}
              - {id: q3, type: yes_no, label: Q3, show_if: {question: pregant, equals: "yes"}}
        """
    )
    result = run("validate", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 3
    assert "form.yaml: sections[0].questions[0]: unknown key 'colour'" in lines[0]
    assert "form.yaml: sections[0].questions[1].min: min (90) is greater than max (10)" in lines[1]
    assert "form.yaml: sections[0].questions[2].show_if: unknown question 'pregant'" in lines[2]


def test_validate__answers_file_with_a_wrong_value_names_the_question(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["validate", str(ROOT / "tests" / "data" / "one-wrong-value.yaml")])
    err = capsys.readouterr().err
    assert code == 1
    assert "answers.pregnant: expected 'yes' or 'no'" in err


def test_validate__examples_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *map(str, EXAMPLES)]) == 0
    assert capsys.readouterr().out.count(": ok") == len(EXAMPLES)


def test_schema__prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["questionnaire"] == {"enum": ["facial_mesotherapy", None]}
    assert "pregnant" in schema["properties"]["answers"]["properties"]


def test_schema__of_a_broken_questionnaire_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [\n", encoding="utf-8")
    assert main(["schema", str(bad)]) == 1
    assert "malformed YAML" in capsys.readouterr().err


def test_no_command__prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: suitability" in capsys.readouterr().out


@pytest.mark.parametrize("indent", [None, 4], ids=["minified", "four spaces"])
def test_validate__json_answers_in_any_layout_are_read_as_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], indent: int | None
) -> None:
    path = tmp_path / "answers.json"
    data = {"questionnaire": "facial_mesotherapy", "answers": {"age": 40, "pregnant": "maybe"}}
    path.write_text(json.dumps(data, indent=indent), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: answers.json: answers.pregnant: expected 'yes' or 'no' "
        "(or 'not_sure' or 'prefer_not_to_say'), got 'maybe'",
        f"{path}: 1 problem",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "questionnaire: facial_mesotherapy\nanswers:\n  has_event: 'yes'\n"
            "  event_date: 2027-02-30\n",
            "error: in.yaml: answers.event_date: expected a date as YYYY-MM-DD (or 'not_sure'), got '2027-02-30'",
        ),
        (
            "answers: {age: " + "9" * 5000 + "}\n",
            "error: in.yaml: line 1, column 16: malformed YAML: a number with too many digits to read",
        ),
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "answers: {}\n",
            "error: in.yaml: line 1, column 4: malformed YAML: anchors and aliases (&name, *name) "
            "are not allowed here",
        ),
    ],
    ids=["impossible date", "long number", "aliases"],
)
def test_validate__hostile_answers_file_exits_1_with_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    path = tmp_path / "in.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert expected in err.splitlines()
    assert "internal error" not in err


def test_validate__impossible_date_in_a_questionnaire_exits_1(
    write_yaml: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_yaml("id: demo\nversion: 2026-02-30\n")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "form.yaml: version: string should match pattern" in err
    assert "internal error" not in err


def test_schema__of_a_questionnaire_with_an_infinite_bound_exits_1(
    write_yaml: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_yaml(
        """
        id: demo
        title: Demo
        version: "1.0"
        language: en-GB
        sections:
          - id: s1
            title: One
            questions:
              - {id: w, type: decimal, label: W, min: 0, max: .inf}
        """
    )
    assert main(["schema", str(path)]) == 1
    captured = capsys.readouterr()
    assert "Infinity" not in captured.out
    assert (
        "form.yaml: sections[0].questions[0].max: expected a finite number, got inf" in captured.err
    )

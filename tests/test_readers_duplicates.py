"""A key or column given twice is refused by every reader, never resolved by keeping the last
one (which turned a pregnancy "yes" into "no" without a word)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from suitability import AnswersError, default_questionnaire, read_answers_file
from suitability.batch import read_records, run_batch
from suitability.cli import main

from .helpers import BASELINE

Q = default_questionnaire()


def run(text: str, fmt: str) -> tuple[list[str], list[dict[str, object]]]:
    ok: list[str] = []
    bad: list[str] = []
    run_batch(read_records(io.StringIO(text), fmt, Q), ok.append, bad.append, workers=1)
    return (
        [line for block in ok for line in block.splitlines()],
        [json.loads(line) for block in bad for line in block.splitlines()],
    )


def test_json_answers_file__a_repeated_answer_is_refused_at_its_location(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    body = json.dumps({**BASELINE, "pregnant": "yes"})[:-1] + ', "pregnant": "no"}'
    path.write_text(f'{{"answered_on": "2026-11-20", "answers": {body}}}', encoding="utf-8")
    with pytest.raises(AnswersError) as caught:
        read_answers_file(path, Q)
    assert [str(p) for p in caught.value.problems] == ["a.json: answers.pregnant: given twice"]


def test_json_answers_file__a_repeated_answers_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    first = json.dumps({**BASELINE, "pregnant": "yes"})
    second = json.dumps({**BASELINE, "pregnant": "no"})
    path.write_text(f'{{"answers": {first}, "answers": {second}}}', encoding="utf-8")
    with pytest.raises(AnswersError) as caught:
        read_answers_file(path, Q)
    assert [str(p) for p in caught.value.problems] == ["a.json: answers: given twice"]


def test_validate_command__reports_a_repeated_key_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"answers": {"age": 30, "age": 31}}', encoding="utf-8")
    yaml_path = tmp_path / "b.yaml"  # YAML refused a repeated key already: it still does
    yaml_path.write_text("answers:\n  age: 30\n  age: 31\n", encoding="utf-8")
    assert main(["validate", str(path), str(yaml_path)]) == 1
    err = capsys.readouterr().err
    assert "error: a.json: answers.age: given twice" in err
    assert 'b.yaml: line 3, column 3: malformed YAML: found duplicate key "age"' in err


def test_json_lines__a_record_with_a_repeated_key_is_a_bad_record_and_the_run_goes_on() -> None:
    good = {"id": "g", "answers": {**BASELINE}}
    repeated = json.dumps({"id": "r", "answers": {**BASELINE, "pregnant": "yes"}})
    repeated = repeated[:-2] + ', "pregnant": "no"}}'
    twice_id = '{"id": "a", "id": "b", "answers": {}}'
    text = "\n".join([json.dumps(good), repeated, twice_id, json.dumps(good)]) + "\n"
    ok, bad = run(text, "jsonl")
    assert [json.loads(line)["id"] for line in ok] == ["g", "g"]
    assert bad == [
        {"line": 2, "id": None, "problems": ["answers.pregnant: given twice"]},
        {"line": 3, "id": None, "problems": ["id: given twice"]},
    ]


def test_csv__a_repeated_column_refuses_the_header_and_reads_no_row() -> None:
    text = "id,age,pregnant,goals,pregnant\nc1,30,yes,volume,no\n"
    ok, bad = run(text, "csv")
    assert ok == []
    assert bad == [
        {
            "line": 1,
            "id": None,
            "problems": [
                "answers.pregnant: given twice (columns 3 and 5); every column must have its "
                "own name",
                "header: no row was read: the header must be fixed first",
            ],
        }
    ]
    # Spreadsheets add unnamed empty columns at the end: they name nothing, so nothing is
    # ambiguous and they are not refused.
    ok, bad = run("id,age,goals,,\nc1,30,volume,,\n", "csv")
    assert (bad, [json.loads(line)["id"] for line in ok]) == ([], ["c1"])

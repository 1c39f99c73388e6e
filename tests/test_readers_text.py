"""Text that is not text (a lone surrogate, or bytes that are not UTF-8) is refused at the
reader, in every string, at its location; in a batch it makes one bad record, not a stopped run."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from suitability import AnswersError, default_questionnaire, read_answers_file
from suitability.batch import read_records, run_batch
from suitability.cli import main
from suitability.questionnaire import check_questionnaire

from .helpers import BASELINE

Q = default_questionnaire()
NOT_TEXT = (
    "not valid text: it holds a lone surrogate (an escaped \\ud800 to \\udfff) or bytes that "
    "are not UTF-8"
)


def run(text: str, fmt: str) -> tuple[list[str], list[dict[str, object]]]:
    ok: list[str] = []
    bad: list[str] = []
    run_batch(read_records(io.StringIO(text), fmt, Q), ok.append, bad.append, workers=1)
    return (
        [line for block in ok for line in block.splitlines()],
        [json.loads(line) for block in bad for line in block.splitlines()],
    )


def test_json_answers_file__a_lone_surrogate_is_refused_wherever_it_is(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    # As written in the file: the escapes, not the characters.
    path.write_text(
        '{"answers": {"notes": "call me \\ud800", "\\udfff": "no", "goals": ["\\ud83d"]}}',
        encoding="utf-8",
    )
    with pytest.raises(AnswersError) as caught:
        read_answers_file(path, Q)
    assert [str(p) for p in caught.value.problems] == [
        f"a.json: answers.notes: {NOT_TEXT}",
        f"a.json: answers.\\udfff: {NOT_TEXT}",
        f"a.json: answers.goals[0]: {NOT_TEXT}",
    ]


def test_yaml_answers_file__a_lone_surrogate_is_refused_and_a_pair_is_one_character(
    tmp_path: Path,
) -> None:
    lone = tmp_path / "lone.yaml"
    lone.write_text('answers:\n  age: 30\n  notes: "x \\ud800"\n', encoding="utf-8")
    with pytest.raises(AnswersError) as caught:
        read_answers_file(lone, Q)
    assert [str(p) for p in caught.value.problems] == [
        f"lone.yaml: answers.notes: {NOT_TEXT} [line 3]"
    ]
    # YAML escapes one character as two halves: written as a pair, they are that character.
    pair = tmp_path / "pair.yaml"
    pair.write_text(
        'answers:\n  age: 30\n  goals: [volume]\n  notes: "smile \\ud83d\\ude00"\n',
        encoding="utf-8",
    )
    assert read_answers_file(pair, Q).values["notes"] == "smile \U0001f600"


def test_batch__a_lone_surrogate_in_an_id_or_answer_is_a_bad_record_and_the_run_goes_on() -> None:
    good = json.dumps({"id": "g", "answers": BASELINE})
    text = "\n".join(
        [
            good,
            '{"id": "\\ud800", "answers": {}}',
            '{"id": "n", "answers": {"notes": "a\\udc00b"}}',
            good,
        ]
    )
    ok, bad = run(text + "\n", "jsonl")
    assert [json.loads(line)["id"] for line in ok] == ["g", "g"]
    assert bad == [
        {"line": 2, "id": None, "problems": [f"id: {NOT_TEXT}"]},
        {"line": 3, "id": None, "problems": [f"answers.notes: {NOT_TEXT}"]},
    ]


def test_batch_command__bytes_that_are_not_utf8_refuse_their_record_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    # A cell saved in Latin-1 among UTF-8 rows: replacing it would change the answer.
    source.write_bytes(
        b"id,age,goals,notes\nc1,30,volume,caf\xc3\xa9\nc2,31,volume,caf\xe9\nc3,32,volume,ok\n"
    )
    out = tmp_path / "out.jsonl"
    errors = tmp_path / "errors.jsonl"
    code = main(
        ["batch", str(source), "--out", str(out), "--errors", str(errors), "--workers", "1"]
    )
    assert code == 1
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == [
        "c1",
        "c3",
    ]
    assert [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()] == [
        {"line": 3, "id": None, "problems": [f"answers.notes: {NOT_TEXT}"]}
    ]
    assert "3 records: 2 assessed, 1 failed" in capsys.readouterr().err


def test_questionnaire__a_lone_surrogate_in_its_text_is_reported(
    write_yaml: Callable[[str], Path],
) -> None:
    path = write_yaml(
        """
        id: q
        title: "Form \\ud800"
        version: "1"
        sections:
          - id: s
            title: S
            questions:
              - id: age
                type: integer
                label: Age?
                min: 1
                max: 99
        """
    )
    model, errors, _warnings = check_questionnaire(path)
    assert model is None
    assert [str(p) for p in errors] == [f"form.yaml: title: {NOT_TEXT} [line 2]"]

"""Documented limits per answers document and per batch record (never on a batch input as a
whole), refused with a clear message; and at most 20 problems reported per document or record."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from suitability import AnswersError, default_questionnaire, read_answers_file, validate_answers
from suitability._reader import MAX_ANSWERS_BYTES, MAX_ENTRIES, MAX_PROBLEMS, MAX_RECORD_CHARS
from suitability.batch import read_records, run_batch
from suitability.cli import main
from suitability.questionnaire import check_questionnaire

from .helpers import BASELINE

Q = default_questionnaire()
TOO_LARGE = "larger than 1,000,000 bytes, the limit for an answers document; nothing was read"


def run(text: str, fmt: str) -> tuple[list[str], list[dict[str, object]]]:
    ok: list[str] = []
    bad: list[str] = []
    run_batch(read_records(io.StringIO(text), fmt, Q), ok.append, bad.append, workers=1)
    return (
        [line for block in ok for line in block.splitlines()],
        [json.loads(line) for block in bad for line in block.splitlines()],
    )


def test_the_limits__are_the_documented_ones() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert (MAX_ANSWERS_BYTES, MAX_RECORD_CHARS, MAX_ENTRIES, MAX_PROBLEMS) == (
        1_000_000,
        262_144,
        1_000,
        20,
    )
    for figure in (
        "1 MB",
        "256 KiB",
        "10,000 characters",
        "1,000 keys and list items",
        "20 problems",
    ):
        assert figure in readme


@pytest.mark.parametrize("kind", ["json", "yaml"])
def test_an_answers_file_over_1_mb__is_refused_by_its_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    path = tmp_path / f"big.{kind}"
    note = "x" * (MAX_ANSWERS_BYTES + 10)
    if kind == "json":
        path.write_text(json.dumps({"answers": {"age": 30, "notes": note}}), encoding="utf-8")
    else:
        path.write_text(f"answers:\n  age: 30\n  notes: {note}\n", encoding="utf-8")
    for command in ("validate", "assess"):
        assert main([command, str(path)]) == 1
        assert capsys.readouterr().err.startswith(f"error: big.{kind}: {TOO_LARGE}\n")


def test_answers_on_standard_input_over_1_mb__are_refused_by_their_size(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = json.dumps({"answers": {"age": 30, "notes": "x" * MAX_ANSWERS_BYTES}})
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["assess", "-"]) == 1
    assert capsys.readouterr().err == f"error: <stdin>: {TOO_LARGE}\n"


def test_answers_on_standard_input_that_are_not_utf8__are_refused_in_a_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = b'{"answers": {"age": 30, "notes": "caf\xe9"}}'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    assert main(["assess", "-"]) == 1
    assert capsys.readouterr().err == (
        "error: <stdin>: not UTF-8 text; save it as UTF-8 and try again\n"
    )


def test_an_answers_file__a_string_over_10000_characters_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"answers": {"age": 30, "x" * 10_001: "no"}}), encoding="utf-8")
    with pytest.raises(AnswersError) as caught:
        read_answers_file(path, Q)
    [only] = caught.value.problems
    assert only.location.startswith("answers.xxxx")
    assert only.message == "text longer than 10,000 characters, the limit for one text"


@pytest.mark.parametrize("kind", ["json", "yaml"])
def test_an_answers_file__more_than_1000_keys_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    keys = {f"k{i}": i for i in range(1_200)}
    path = tmp_path / f"a.{kind}"
    if kind == "json":
        path.write_text(json.dumps({"answers": keys}), encoding="utf-8")
    else:
        path.write_text("answers:\n" + "".join(f"  {k}: {v}\n" for k, v in keys.items()))
    with pytest.raises(AnswersError) as caught:
        read_answers_file(path, Q)
    message = (
        "more than 1,000 keys and list items, the limit for an answers document; nothing was read"
    )
    assert [p.message for p in caught.value.problems] == [message]
    assert main(["validate", str(path)]) == 1  # told as an answers file, not a questionnaire
    assert capsys.readouterr().err.startswith(f"error: a.{kind}: {message}")


def test_batch__a_line_over_256_kib_is_one_bad_record_and_the_run_goes_on() -> None:
    good = json.dumps({"id": "g", "answers": BASELINE})
    huge = json.dumps({"id": "h", "answers": {"notes": "x" * MAX_RECORD_CHARS}})
    ok, bad = run("\n".join([good, huge, good]) + "\n", "jsonl")
    assert [json.loads(line)["id"] for line in ok] == ["g", "g"]
    assert bad == [
        {
            "line": 2,
            "id": None,
            "problems": [
                "larger than 262,144 characters, the limit for a batch record; nothing was read"
            ],
        }
    ]


def test_batch__a_csv_row_over_256_kib_is_one_bad_record_and_the_run_goes_on() -> None:
    rows = ["id,age,goals,notes", "c1,30,volume,fine", f"c2,30,volume,{'x' * MAX_RECORD_CHARS}"]
    rows += ["c3,30,volume,fine"]
    ok, bad = run("\n".join(rows) + "\n", "csv")
    assert [json.loads(line)["id"] for line in ok] == ["c1", "c3"]
    assert [(b["line"], b["problems"]) for b in bad] == [
        (3, ["larger than 262,144 characters, the limit for a batch record; nothing was read"])
    ]


def test_batch__a_record_with_200000_unknown_keys_gives_one_short_line() -> None:
    lines = [
        json.dumps({"id": "k", "answers": {f"k{i}": 1 for i in range(count)}})
        for count in (200_000, 20_000)
    ]
    lines.append(json.dumps({"id": "m", "answers": {f"unknown_{i}": 1 for i in range(30)}}))
    _ok, bad = run("\n".join(lines) + "\n", "jsonl")
    assert [b["problems"] for b in bad[:2]] == [
        ["larger than 262,144 characters, the limit for a batch record; nothing was read"],
        ["more than 1,000 keys and list items, the limit for a batch record; nothing was read"],
    ]
    problems = bad[2]["problems"]
    assert isinstance(problems, list) and len(problems) == 21
    assert problems[0] == "answers.unknown_0: unknown question 'unknown_0'"
    assert problems[-1] == "... and 10 more problems"


def test_answers__problems_are_capped_at_20_then_a_count() -> None:
    with pytest.raises(AnswersError) as caught:
        validate_answers({f"unknown_{i}": 1 for i in range(45)}, Q)
    problems = caught.value.problems
    assert len(problems) == 21
    assert problems[-1].message == "... and 25 more problems"
    assert str(caught.value).splitlines()[0] == "45 problems in the answers"


def test_questionnaire__unknown_references_are_capped_at_20_then_a_count(
    write_yaml: Callable[[str], Path],
) -> None:
    questions = "".join(
        f"""
      - id: q{i}
        type: yes_no
        label: Question {i}?
        show_if: {{question: missing_{i}, equals: "yes"}}"""
        for i in range(25)
    )
    path = write_yaml(
        'id: q\ntitle: Q\nversion: "1"\nlanguage: en\nsections:\n  - id: s\n    title: S\n'
        + "    questions:"
        + questions
        + "\n"
    )
    _model, errors, _warnings = check_questionnaire(path, reads=())
    assert len(errors) == 21
    assert str(errors[0]) == "form.yaml: sections[0].questions[0].show_if: unknown question " + (
        "'missing_0' [line 12]"
    )
    assert str(errors[-1]) == "form.yaml: ... and 5 more problems"


def test_a_questionnaire_over_4_mb__is_refused_by_its_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "form.yaml"
    path.write_text("# a comment line\n" * 250_000, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().err.startswith(
        "error: form.yaml: larger than 4,000,000 bytes, the limit for a questionnaire; "
        "nothing was read\n"
    )

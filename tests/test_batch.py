"""Batch screening: good and bad records mixed, CSV equal to JSON Lines, input order kept with
several workers, and an interrupted run leaving a valid output file."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from suitability import assess, default_questionnaire
from suitability.batch import read_records, run_batch
from suitability.cli import main

from .conftest import ROOT
from .helpers import person

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate, write_csv

Q = default_questionnaire()
GOOD = [
    {"id": "p1", **person(goals=["volume"])},
    {"id": "p2", **person(pregnant="yes")},
    {"answers": {"age": 44, "goals": ["laxity"]}, "answered_on": "2026-11-20"},
]
GOOD = [{k: v for k, v in r.items() if k != "questionnaire"} for r in GOOD]


def jsonl(records: list[Any]) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def run(
    text: str, fmt: str = "jsonl", workers: int = 1, chunk_size: int = 250
) -> tuple[list[str], list[str], Any]:
    ok: list[str] = []
    bad: list[str] = []
    summary = run_batch(
        read_records(io.StringIO(text), fmt, Q),
        ok.append,
        bad.append,
        workers=workers,
        chunk_size=chunk_size,
    )
    split = lambda blocks: [line for block in blocks for line in block.splitlines()]  # noqa: E731
    return split(ok), split(bad), summary


def expected_line(record: dict[str, Any], line: int) -> dict[str, Any]:
    answers = {k: v for k, v in record.items() if k in ("answers", "answered_on")}
    return {
        "id": record.get("id", line),
        "assessment": json.loads(assess(answers).model_dump_json()),
    }


def test_mixed_good_and_bad__exactly_the_good_assessed_and_the_bad_set_aside() -> None:
    lines = [
        GOOD[0],
        '{"id": "broken", "answers": {"age": 300}}',
        "this is not json",
        GOOD[1],
        '{"id": "x", "answers": {"pregant": "no"}}',
        '["a list"]',
        GOOD[2],
        '{"id": "y", "answers": {}, "extra": 1}',
    ]
    ok, bad, summary = run(jsonl(lines))
    assert [json.loads(x) for x in ok] == [
        expected_line(GOOD[0], 1),
        expected_line(GOOD[1], 4),
        expected_line(GOOD[2], 7),
    ]
    assert [json.loads(x) for x in bad] == [
        {
            "line": 2,
            "id": "broken",
            "problems": [
                # the value itself stays out of the errors file (it is at that line of the input)
                "answers.age: expected a whole number from 10 to 110 (years) (or 'not_sure' or 'prefer_not_to_say')"
            ],
        },
        {"line": 3, "id": None, "problems": ["malformed JSON at column 1: Expecting value"]},
        {
            "line": 5,
            "id": "x",
            "problems": ["answers.pregant: unknown question 'pregant' (did you mean 'pregnant'?)"],
        },
        {
            "line": 6,
            "id": None,
            "problems": ['expected an object such as {"id": "...", "answers": {...}}'],
        },
        {
            "line": 8,
            "id": "y",
            "problems": ["unknown key 'extra'; expected id, answers, answered_on"],
        },
    ]
    assert (summary.done, summary.failed, summary.interrupted) == (3, 5, False)


def test_errors_file__names_question_and_expectation_but_never_the_answer_given() -> None:
    lines = [
        '{"id": "a", "answers": {"skin_type": "type_7", "goals": ["volumee"], "age": 300}}',
        '{"id": "b", "answers": {"notes": "' + "secret " * 200 + '"}}',
        '{"id": "c", "answers": {"has_event": "yes", "event_date": "2026-11-19"}, "answered_on": "2026-11-20"}',
        "[" * 100_000,
    ]
    _ok, bad, summary = run(jsonl(lines))
    problems = [json.loads(x)["problems"] for x in bad]
    assert problems == [
        [
            "answers.age: expected a whole number from 10 to 110 (years) (or 'not_sure' or 'prefer_not_to_say')",
            "answers.goals: a value is not a choice here; expected a list of 'hydration_radiance', 'fine_lines', 'expression_lines', 'volume', 'laxity', 'local_fat', 'cellulite', 'hair_thinning', 'active_acne', 'acne_scars', 'pigmentation_tone', 'pores_texture', 'none'",
            "answers.skin_type: expected one of 'type_1', 'type_2', 'type_3', 'type_4', 'type_5', 'type_6' (or 'not_sure' or 'prefer_not_to_say')",
        ],
        ["answers.notes: expected at most 1000 characters"],
        ["answers.event_date: expected a date on or after 2026-11-20"],
        ["malformed JSON: nested too deeply"],
    ]
    assert summary.failed == 4
    assert not any(
        secret in "".join(bad) for secret in ("type_7", "volumee", "300", "secret", "11-19")
    )


def test_csv_and_json_lines__give_the_same_results() -> None:
    records = list(generate(Q, 60, seed=5))
    buffer = io.StringIO()
    write_csv(iter(records), Q, buffer)
    from_csv, bad_csv, _ = run(buffer.getvalue(), "csv")
    from_jsonl, bad_jsonl, _ = run(jsonl(records), "jsonl")
    assert bad_csv == bad_jsonl == []
    assert from_csv == from_jsonl
    assert len(from_csv) == 60


def test_bad_csv_rows__are_reported_with_their_line() -> None:
    text = "id,age,goals,pregnant\nc1,30,volume;laxity,no\nc2,abc,volume,no\nc3,40\nc4,50,fine_lines,not_sure\n"
    ok, bad, _ = run(text, "csv")
    assert [json.loads(x)["id"] for x in ok] == ["c1", "c4"]
    assert [(json.loads(x)["line"], json.loads(x)["id"]) for x in bad] == [(3, "c2"), (4, None)]
    assert json.loads(bad[1])["problems"] == ["expected 4 columns as in the header, found 2"]


def test_several_workers__keep_input_order_and_equal_one_worker() -> None:
    records = list(generate(Q, 120, seed=9))
    records[17] = "not json"  # type: ignore[call-overload]
    text = jsonl(records)
    one, one_bad, _ = run(text, workers=1)
    many, many_bad, summary = run(text, workers=3, chunk_size=4)
    assert many == one and many_bad == one_bad
    assert [json.loads(x)["id"] for x in many] == [
        r["id"] for i, r in enumerate(records) if i != 17
    ]
    assert (summary.done, summary.failed) == (119, 1)


def test_cli_batch__files_exit_codes_and_summary(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(jsonl([GOOD[0], "oops"]), encoding="utf-8")
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "suitability", "batch", str(source), "--out", str(out), "--errors", str(errors), "--workers", "2"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 1  # a record failed
    assert result.stderr.startswith(
        "2 records: 1 assessed, 1 failed (see "
    )  # no progress bar when piped
    assert len(result.stderr.strip().splitlines()) == 1
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == ["p1"]
    assert json.loads(errors.read_text(encoding="utf-8"))["line"] == 2
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_cli_batch__never_overwrites_and_checks_arguments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(jsonl([GOOD[0]]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("keep me", encoding="utf-8")
    assert main(["batch", str(source), "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me"
    assert main(["batch", str(source), "--out", "-", "--workers", "0"]) == 2
    weird = tmp_path / "in.data"
    weird.write_text("", encoding="utf-8")
    assert main(["batch", str(weird), "--out", "-"]) == 1
    assert "use --input-format jsonl or csv" in capsys.readouterr().err


def test_cli_batch__stdin_to_stdout(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "suitability", "batch", "-", "--input-format", "csv", "--out", "-", "--workers", "1"],
        input="id,age,goals\ns1,33,volume\n", capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 0
    assert json.loads(result.stdout)["id"] == "s1"


def test_interrupted_run__leaves_a_valid_output_file(tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for record in generate(Q, 20000, seed=11):
            handle.write(json.dumps(record) + "\n")
    out = tmp_path / "out.jsonl"
    spool = tmp_path / "tmp"  # its own TMPDIR: other runs on the machine spool in /tmp
    spool.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "suitability", "batch", str(source), "--out", str(out), "--workers", "2"],
        stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "TMPDIR": str(spool)},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size < 200_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert 0 < len(lines) < 20000
    ids = [json.loads(line)["id"] for line in lines]  # every line is complete JSON
    assert ids == [f"r{i:07d}" for i in range(len(ids))]  # a prefix, in order
    assert f"Interrupted: {len(lines)} records assessed and written to {out}" in stderr
    assert "Traceback" not in stderr
    assert list(spool.iterdir()) == []


def test_generator__is_seeded_and_respects_the_questionnaire() -> None:
    first = list(generate(Q, 200, seed=3))
    assert first == list(generate(Q, 200, seed=3))
    from suitability import validate_answers

    specials = 0
    for record in first:
        answers = validate_answers(
            {k: v for k, v in record.items() if k != "id"}, Q
        )  # valid: show-if, choices and bounds respected
        specials += sum(
            1 for v in answers.values.values() if v in ("not_sure", "prefer_not_to_say")
        )
    assert specials > 0
    buffer = io.StringIO()
    write_csv(iter(first[:3]), Q, buffer)
    assert next(csv.reader(io.StringIO(buffer.getvalue())))[:3] == ["id", "answered_on", "age"]


@pytest.mark.pty
def test_progress_bar__on_a_terminal_shows_rate_and_time_left(tmp_path: Path) -> None:
    import pexpect

    source = tmp_path / "in.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for record in generate(Q, 3000, seed=2):
            handle.write(json.dumps(record) + "\n")
    child = pexpect.spawn(
        sys.executable, ["-m", "suitability", "batch", str(source), "--out", str(tmp_path / "out.jsonl")],
        cwd=str(ROOT), encoding="utf-8", timeout=60, dimensions=(24, 160),
    )  # fmt: skip
    child.expect(r"records/s")
    child.expect(r"3000 records: 3000 assessed, 0 failed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

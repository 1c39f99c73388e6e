"""Inputs as clinics have them: a CSV saved by Excel as "CSV UTF-8" (with a byte-order mark), and
batch input from a named pipe."""

from __future__ import annotations

import io
import json
import os
import threading
from pathlib import Path

import pytest

from suitability import default_questionnaire
from suitability.batch import read_records, run_batch
from suitability.cli import main

Q = default_questionnaire()
CSV = "id,age,goals,pregnant\nc1,30,volume,no\nc2,41,laxity,yes\n"


def test_csv_with_a_byte_order_mark__keeps_every_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "excel.csv"
    source.write_text(CSV, encoding="utf-8-sig")  # what Excel's "CSV UTF-8" writes
    plain = tmp_path / "plain.csv"
    plain.write_text(CSV, encoding="utf-8")
    outputs = []
    for name, path in (("excel", source), ("plain", plain)):
        out = tmp_path / f"{name}.jsonl"
        assert main(["batch", str(path), "--out", str(out), "--workers", "1"]) == 0
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    assert [json.loads(line)["id"] for line in outputs[0].splitlines()] == ["c1", "c2"]
    # Also when the text was decoded by someone else, the mark still in it.
    ok: list[str] = []
    run_batch(read_records(io.StringIO("\ufeff" + CSV), "csv", Q), ok.append, ok.append, workers=1)
    assert [json.loads(line)["id"] for line in "".join(ok).splitlines()] == ["c1", "c2"]


def test_batch_from_a_named_pipe__is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipe = tmp_path / "records.jsonl"
    os.mkfifo(pipe)
    lines = "".join(
        json.dumps({"id": f"r{i}", "answers": {"age": 30 + i, "goals": ["volume"]}}) + "\n"
        for i in range(3)
    )

    def feed() -> None:
        with pipe.open("w", encoding="utf-8") as handle:  # blocks until the batch opens it
            handle.write(lines)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = tmp_path / "out.jsonl"
    code = main(["batch", str(pipe), "--out", str(out), "--workers", "1"])
    writer.join(timeout=30)
    assert code == 0, capsys.readouterr().err
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == ["r0", "r1", "r2"]
    assert "3 records: 3 assessed, 0 failed" in capsys.readouterr().err


def test_batch_from_a_folder_or_nothing__says_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(tmp_path), "--out", str(out), "--input-format", "csv"]) == 1
    assert f"error: cannot read {tmp_path}: it is a folder" in capsys.readouterr().err
    missing = tmp_path / "missing.csv"
    assert main(["batch", str(missing), "--out", str(out)]) == 1
    assert f"error: cannot read {missing}: no such file" in capsys.readouterr().err
    assert not out.exists()

"""Batch when a worker process is killed from outside (the kernel's out-of-memory killer, or
``kill -9``): the run stops instead of waiting for ever, says which worker died of which signal
and where the input stopped being assessed, exits 74 like any run cut short, and keeps every
record before the lost chunk, in order, as whole lines, with nothing after the gap. No worker
and no spooled assessment is left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

import suitability.batch
from suitability import default_questionnaire
from suitability.batch import WorkerLost, read_records, run_batch
from suitability.cli import main

from .conftest import ROOT
from .test_batch_faults import alive, children, generated_jsonl, read_lines, run_env, wait_for

Q = default_questionnaire()
COUNT = 6000
SUITABILITY = [sys.executable, "-m", "suitability", "batch"]
OOM = "was killed by signal 9 (SIGKILL); the machine may have run out of memory"


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_jsonl(tmp_path_factory.mktemp("killed") / "big.jsonl", COUNT, seed=15)


@pytest.fixture
def own_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A TMPDIR for the run alone (this process's and any it starts), so whatever the run
    leaves there is seen."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def ids(lines: list[Any]) -> list[str]:
    return [line["id"] for line in lines]


# --------------------------------------------------------------------------- from outside


@pytest.mark.parametrize("killed", ["one worker", "both workers"])
def test_a_worker_killed_with_sigkill__stops_the_run_with_74_and_where_it_stopped(
    tmp_path: Path, big_input: Path, own_tmp: Path, killed: str
) -> None:
    # Before, the run waited for ever on the dead worker's chunk: the timeout below fails it.
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    process = subprocess.Popen(
        [*SUITABILITY, str(big_input), "--out", str(out), "--errors", str(errors),
         "--workers", "2"],
        stderr=subprocess.PIPE, text=True, cwd=ROOT, env=run_env(own_tmp),
    )  # fmt: skip
    kids: list[int] = []
    try:
        wait_for(lambda: out.exists() and out.stat().st_size > 0, "the first lines")
        kids = children(process.pid)
        assert len(kids) == 2
        victims = kids[:1] if killed == "one worker" else kids
        for victim in victims:
            os.kill(victim, signal.SIGKILL)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
        for kid in kids:  # only if they outlived the run, which is a failure too
            if alive(kid):
                os.kill(kid, signal.SIGKILL)
    assert process.returncode == 74, stderr
    written = read_lines(out)  # whole lines only, each strict JSON
    assert 0 < len(written) < COUNT
    assert ids(written) == [f"r{i:07d}" for i in range(len(written))]  # in order, no gap
    assert errors.read_bytes() == b""
    # Which worker is named, when both died, is the one whose chunk came first.
    named = stderr.split()[3] if stderr.startswith("error: worker process ") else "0"
    worker = int(named)
    assert worker in victims
    assert stderr == (
        f"error: worker process {worker} {OOM}. The run stopped there: {len(written)} records "
        f"assessed and written to {out} (0 set aside as errors); every line written is "
        f"complete. The records from line {len(written) + 1} of {big_input} on were not "
        "assessed.\n"
    )  # nothing else: no traceback from the parent nor from a worker
    assert not [k for k in kids if alive(k)]
    assert list(own_tmp.iterdir()) == []


# --------------------------------------------------------------------------- a chunk lost


def die_on_chunk_2(index: int, chunk: list[Any]) -> tuple[str, int, int, int, int]:
    """A worker's spooling that is killed as it starts on the third chunk, as the out-of-memory
    killer would kill it; the other worker goes on with the chunks after it meanwhile."""
    if index == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return REAL_SPOOL_CHUNK(index, chunk)


def exit_on_chunk_1(index: int, chunk: list[Any]) -> tuple[str, int, int, int, int]:
    if index == 1:
        os._exit(3)
    return REAL_SPOOL_CHUNK(index, chunk)


REAL_SPOOL_CHUNK = suitability.batch.spool_chunk


def test_the_chunks_before_the_lost_one__are_written_and_none_after_it(
    big_input: Path, own_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers are forked from this process, so they run the changed spooling.
    monkeypatch.setattr(suitability.batch, "spool_chunk", die_on_chunk_2)
    ok: list[str] = []
    bad: list[str] = []
    with big_input.open(encoding="utf-8") as handle:
        summary = run_batch(
            read_records(handle, "jsonl", Q), ok.append, bad.append, workers=2, chunk_size=100
        )
    monkeypatch.undo()
    assert isinstance(summary.fault, WorkerLost)
    assert (summary.fault.exitcode, summary.fault.line) == (-signal.SIGKILL, 201)
    assert str(summary.fault) == f"worker process {summary.fault.pid} {OOM}"
    assert (summary.done, summary.failed) == (200, 0)
    lines = "".join(ok).splitlines()
    assert ids([json.loads(line) for line in lines]) == [f"r{i:07d}" for i in range(200)]
    assert bad == []
    assert list(own_tmp.iterdir()) == []


def test_a_worker_that_exits_by_itself__is_named_with_its_exit_code(
    tmp_path: Path,
    big_input: Path,
    own_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(suitability.batch, "spool_chunk", exit_on_chunk_1)
    out = tmp_path / "out.jsonl"
    code = main(["batch", str(big_input), "--out", str(out), "--workers", "2"])
    monkeypatch.undo()
    assert code == 74
    assert ids(read_lines(out)) == [f"r{i:07d}" for i in range(250)]
    err = capsys.readouterr().err
    assert err.startswith("error: worker process "), err
    assert err.split(" ", 4)[4] == (
        f"stopped with exit code 3. The run stopped there: 250 records assessed and written to "
        f"{out} (0 set aside as errors); every line written is complete. The records from line "
        f"251 of {big_input} on were not assessed.\n"
    )
    assert list(own_tmp.iterdir()) == []

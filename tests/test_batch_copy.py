"""Batch with workers: the parent copies each worker's spooled lines as bytes (sendfile where
the system has it, blocks read and written where it has not or refuses), and the output is
byte for byte the one a single process writes. A refused copy is cut back to whole lines with
the located message; a spool cut short stops the run instead of copying part of a line."""

from __future__ import annotations

import errno
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

import suitability.batch
from suitability import default_questionnaire
from suitability.cli import main

from .conftest import ROOT
from .test_batch_faults import read_lines

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate

Q = default_questionnaire()
BAD = ['{"id": "bad", "answers": {"age": 300}}', "not json", '{"id": "\u00e9", "answers": []}']


@pytest.fixture(scope="module")
def mixed_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """700 records, a few bad ones among them, and non-ASCII text in ids and messages."""
    source = tmp_path_factory.mktemp("copy") / "in.jsonl"
    lines = [json.dumps(record, ensure_ascii=False) for record in generate(Q, 700, seed=14)]
    for place, bad in zip((3, 260, 599), BAD, strict=True):
        lines[place] = bad
    lines[10] = lines[10].replace('"r0000010"', '"r\u00e9\u00e8-10"')
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return source


def run_cli(source: Path, folder: Path, workers: int) -> tuple[int, bytes, bytes]:
    out, errors = folder / f"out-{workers}.jsonl", folder / f"errors-{workers}.jsonl"
    code = main(
        [
            "batch",
            str(source),
            "--out",
            str(out),
            "--errors",
            str(errors),
            "--workers",
            str(workers),
        ]
    )
    return code, out.read_bytes(), errors.read_bytes()


@pytest.mark.parametrize("sendfile", ["used", "refused", "missing"])
def test_spooled_lines__are_copied_as_bytes_identical_to_one_process(
    tmp_path: Path, mixed_input: Path, monkeypatch: pytest.MonkeyPatch, sendfile: str
) -> None:
    one = run_cli(mixed_input, tmp_path, 1)
    real_sendfile, calls = os.sendfile, []

    def spy(out_fd: int, in_fd: int, offset: int | None, count: int) -> int:
        calls.append(count)
        if sendfile == "refused":  # as for a pair of files the kernel cannot send between
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        return real_sendfile(out_fd, in_fd, offset, count)

    if sendfile == "missing":  # a system without it: the blocks are read and written
        monkeypatch.delattr(os, "sendfile")
        monkeypatch.setattr(os, "pread", _counted(os.pread, calls))
    else:
        monkeypatch.setattr(os, "sendfile", spy)
    two = run_cli(mixed_input, tmp_path, 2)
    monkeypatch.undo()
    assert one[0] == 1
    assert two == one
    assert calls  # the copy path, not text, carried the lines
    assert one[1].count(b"\n") == 697 and one[2].count(b"\n") == 3
    assert (tmp_path / "out-2.jsonl").stat().st_mode & 0o777 == 0o600


def _counted(function: Any, calls: list[int]) -> Any:
    def counted(*args: Any) -> Any:
        calls.append(1)
        return function(*args)

    return counted


def test_a_disk_full_during_the_copy__keeps_whole_lines_and_the_located_message(
    tmp_path: Path,
    mixed_input: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out.jsonl"
    real_sendfile, sent = os.sendfile, [0]

    def sendfile(out_fd: int, in_fd: int, offset: int | None, count: int) -> int:
        # The disk fills 100,000 bytes into the output, which falls inside a line.
        if Path(f"/proc/self/fd/{out_fd}").readlink() != out:
            return real_sendfile(out_fd, in_fd, offset, count)
        room = 100_000 - sent[0]
        if room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        done = real_sendfile(out_fd, in_fd, offset, min(count, room))
        sent[0] += done
        return done

    monkeypatch.setattr(os, "sendfile", sendfile)
    code = main(["batch", str(mixed_input), "--out", str(out), "--errors", str(tmp_path / "e")])
    monkeypatch.undo()
    assert code == 74
    assert sent[0] == 100_000  # the copy, not a write of text, met the full disk
    written = read_lines(out)
    assert 0 < len(written) < 697
    assert out.stat().st_size < 100_000
    ids = [f"r{i:07d}" for i in range(700) if i not in (3, 260, 599)]
    ids[10 - 1] = "r\u00e9\u00e8-10"
    assert [r["id"] for r in written] == ids[: len(written)]
    assert capsys.readouterr().err == (
        f"error: cannot write {out}: No space left on device. The run stopped there: "
        f"{len(written)} records assessed and written to {out} (0 set aside as errors); every "
        "line written is complete.\n"
    )


def spool_then_cut(index: int, chunk: list[Any]) -> tuple[str, int, int, int, int]:
    """A worker's spooling whose first file loses its second half afterwards, as a file does
    when whatever writes it is stopped part way."""
    result = REAL_SPOOL_CHUNK(index, chunk)
    if index == 0:
        os.truncate(result[0] + ".ok", result[2] // 2)
    return result


REAL_SPOOL_CHUNK = suitability.batch.spool_chunk


def test_a_spool_file_cut_short__is_never_copied_and_says_which(
    tmp_path: Path,
    mixed_input: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))
    # The workers are forked from this process, so they run the changed spooling.
    monkeypatch.setattr(suitability.batch, "spool_chunk", spool_then_cut)
    code = main(["batch", str(mixed_input), "--out", str(out), "--errors", str(tmp_path / "e")])
    monkeypatch.undo()
    assert code == 74
    assert out.read_bytes() == b""  # not half a line of it
    err = capsys.readouterr().err
    spool = f"{own_tmp}/suitability-batch-"
    assert err.startswith(f"error: cannot write {spool}"), err
    name, _, rest = err.partition(": it holds ")
    assert name.endswith("/000000000.ok")
    assert rest.endswith(
        f" its worker wrote. The run stopped there: 0 records assessed and written to {out} (0 "
        "set aside as errors); every line written is complete.\n"
    )
    assert list(own_tmp.iterdir()) == []

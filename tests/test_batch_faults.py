"""Batch under faults: ids that strict JSON cannot hold, a full disk, a file-size limit, a
read-only output, SIGTERM, SIGKILL of the parent, and outputs refused before any is created.

Whatever happens, every line written is strict JSON and complete, the exit code says how the
run ended (1 bad records, 74 an output refused a write, 128 + N a signal), and nothing of the
run (spooled assessments, worker processes) is left behind."""

from __future__ import annotations

import errno
import io
import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from suitability import default_questionnaire
from suitability.cli import main

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate

Q = default_questionnaire()
COUNT = 6000
SUITABILITY = [sys.executable, "-m", "suitability", "batch"]


def strict_json(line: str) -> Any:
    """``line`` read as RFC 8259 JSON: no NaN or Infinity, no lone surrogate in any string."""

    def refuse(name: str) -> Any:
        raise AssertionError(f"not strict JSON: {name} in {line[:80]!r}")

    value = json.loads(line, parse_constant=refuse)

    def walk(node: Any) -> None:
        if isinstance(node, str):
            node.encode("utf-8")  # raises on a lone surrogate, even one written as \ud800
        elif isinstance(node, dict):
            for key, item in node.items():
                walk(key)
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(value)
    return value


def read_lines(path: Path) -> list[Any]:
    """Every line of ``path``, each complete and strict JSON; the file ends with a newline."""
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), "the last line was cut"
    return [strict_json(line) for line in data.decode("utf-8").splitlines()]


def generated_jsonl(source: Path, count: int, seed: int) -> Path:
    """``count`` generated answer sets (benchmarks/generate.py) as a JSON Lines batch input."""
    with source.open("w", encoding="utf-8") as handle:
        for record in generate(Q, count, seed=seed):
            handle.write(json.dumps(record) + "\n")
    return source


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_jsonl(tmp_path_factory.mktemp("batch") / "big.jsonl", COUNT, seed=5)


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper that may never come counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def own_tmp(tmp_path: Path) -> Iterator[Path]:
    """A TMPDIR for the run alone, so whatever it leaves there is seen."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    yield folder


def run_env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "TMPDIR": str(tmp)}


# --------------------------------------------------------------------------- strict JSON

GOOD = json.dumps({"id": "good", "answers": {"age": 40, "goals": ["volume"]}})
UNWRITABLE_IDS = ["NaN", "Infinity", "-Infinity", "1e400", '"\\ud800"', '{"nested": NaN}']


@pytest.mark.parametrize("workers", [1, 2])
def test_ids_strict_json_cannot_hold__are_bad_records_and_the_run_goes_on(
    tmp_path: Path, workers: int
) -> None:
    lines = [GOOD]
    for raw in UNWRITABLE_IDS:
        lines += [f'{{"id": {raw}, "answers": {{"age": 40, "goals": ["volume"]}}}}', GOOD]
    # A key the record gives, quoted in a message: a lone surrogate there must not break the
    # errors file either.
    lines.append('{"id": "k", "answers": {"\\udc80x": "no"}}')
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    result = subprocess.run(
        [*SUITABILITY, str(source), "--out", str(out), "--errors", str(errors), "--workers", str(workers)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert [r["id"] for r in read_lines(out)] == ["good"] * (len(UNWRITABLE_IDS) + 1)
    bad = read_lines(errors)
    assert [b["line"] for b in bad] == [*range(2, len(lines) - 1, 2), len(lines)]
    # NaN, Infinity and lone surrogates are refused where the record is read; a number JSON
    # reads but cannot write back (1e400) is caught where the id is written.
    not_json = "malformed JSON: NaN and Infinity are not numbers in JSON"
    expected = {
        "1e400": "id: cannot be written as strict JSON: it is not a finite number; use text or a finite number",
        '"\\ud800"': "id: not valid text: it holds a lone surrogate (an escaped \\ud800 to \\udfff) or bytes that are not UTF-8",
    }
    for entry, raw in zip(bad, UNWRITABLE_IDS, strict=False):
        assert entry["id"] is None
        assert entry["problems"] == [expected.get(raw, not_json)]
    assert result.stderr.startswith(f"{len(lines)} records: 7 assessed, 7 failed")


def test_error_lines__are_strict_json_whatever_the_record_held() -> None:
    from suitability._messages import problem
    from suitability.batch import _error_line

    unknown = problem("unknown_question", "answers.\ud800", key="\ud800")
    line = _error_line(3, float("nan"), [unknown])
    assert strict_json(line) == {
        "line": 3,
        "id": None,
        "problems": ["answers.\ufffd: unknown question '\ufffd'"],
    }
    other = problem("record_answers_not_object")
    assert strict_json(_error_line(4, "\udc80", [other]))["id"] is None
    assert strict_json(_error_line(5, {"a": [1, "b"]}, [other]))["id"] == {"a": [1, "b"]}


# --------------------------------------------------------------------------- full disk


@pytest.mark.parametrize("workers", [1, 2])
def test_a_256_kb_filesystem__stops_with_74_whole_lines_and_the_count(
    tmp_path: Path, big_input: Path, own_tmp: Path, workers: int
) -> None:
    # A real 256 KB file system, mounted in a private mount namespace: it disappears with the
    # command, so the output is copied out before it does.
    small, kept = tmp_path / "small", tmp_path / "kept.jsonl"
    small.mkdir()
    out = small / "out.jsonl"
    script = (
        'mount -t tmpfs -o size=256k tmpfs "$1" || exit 99; shift; '
        '"$@"; code=$?; cat "$OUT" > "$KEPT"; stat -c %a "$OUT" >> "$KEPT.mode"; exit $code'
    )
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", str(small),
         *SUITABILITY, str(big_input), "--out", str(out), "--workers", str(workers)],
        capture_output=True, text=True, cwd=ROOT, check=False,
        env={**run_env(own_tmp), "OUT": str(out), "KEPT": str(kept)},
    )  # fmt: skip
    assert result.returncode == 74, result.stderr
    written = read_lines(kept)
    assert 0 < len(written) < COUNT
    assert [r["id"] for r in written] == [f"r{i:07d}" for i in range(len(written))]
    assert result.stderr == (
        f"error: cannot write {out}: No space left on device. The run stopped there: "
        f"{len(written)} records assessed and written to {out} (0 set aside as errors); "
        "every line written is complete.\n"
    )
    assert Path(f"{kept}.mode").read_text().strip() == "600"
    assert list(own_tmp.iterdir()) == []


def _limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_size_limit__stops_with_74_whole_lines_and_the_count(
    tmp_path: Path, big_input: Path, own_tmp: Path, workers: int
) -> None:
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [*SUITABILITY, str(big_input), "--out", str(out), "--workers", str(workers)],
        capture_output=True, text=True, cwd=ROOT, check=False, env=run_env(own_tmp),
        preexec_fn=_limit_file_size(1 << 20),
    )  # fmt: skip
    assert result.returncode == 74, result.stderr
    assert "Traceback" not in result.stderr
    written = read_lines(out)
    assert [r["id"] for r in written] == [f"r{i:07d}" for i in range(len(written))]
    assert f": File too large. The run stopped there: {len(written)} records assessed" in (
        result.stderr
    )
    if workers == 1:  # the output itself reached the limit, part way through a chunk
        assert result.stderr.startswith(f"error: cannot write {out}: File too large.")
        assert len(written) > 0
    else:  # a worker's spooled chunk reached it first; the spool is gone all the same
        assert result.stderr.startswith(f"error: cannot write {own_tmp}/suitability-batch-")
    assert list(own_tmp.iterdir()) == []


def test_a_read_only_output__stops_with_74_whole_lines_and_the_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for record in generate(Q, 600, seed=8):
            handle.write(json.dumps(record) + "\n")
    out = tmp_path / "out.jsonl"
    real_write, sizes = os.write, []

    def write(fd: int, data: Any) -> int:
        # The file system turns read-only once about 300 KB reached the output.
        if Path(f"/proc/self/fd/{fd}").readlink() == out:
            if sum(sizes) > 300_000:
                raise OSError(errno.EROFS, os.strerror(errno.EROFS))
            sizes.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    code = main(["batch", str(source), "--out", str(out), "--workers", "1"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == 74
    written = read_lines(out)
    assert 0 < len(written) < 600
    assert [r["id"] for r in written] == [f"r{i:07d}" for i in range(len(written))]
    assert err == (
        f"error: cannot write {out}: Read-only file system. The run stopped there: "
        f"{len(written)} records assessed and written to {out} (0 set aside as errors); every "
        "line written is complete.\n"
    )


def test_a_refused_write_part_way__is_cut_back_to_its_last_whole_line(tmp_path: Path) -> None:
    from suitability._cli_batch import _LineFile
    from suitability.batch import OutputFault

    path = tmp_path / "out.jsonl"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    output = _LineFile(fd, str(path))
    output.write("one\ntwo\n")
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16, limit[1]))
    try:
        with pytest.raises(OutputFault) as caught:
            output.write("three\nfour\nfive\n")  # the limit falls inside "four"
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        output.close()
    assert (caught.value.name, caught.value.reason, caught.value.lines) == (
        str(path),
        "File too large",
        1,
    )
    assert path.read_text(encoding="utf-8") == "one\ntwo\nthree\n"


def test_a_closed_standard_output__stops_with_74(tmp_path: Path, big_input: Path) -> None:
    with subprocess.Popen(
        [*SUITABILITY, str(big_input), "--out", "-", "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    ) as process:  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        strict_json(process.stdout.readline().decode("utf-8"))
        process.stdout.close()  # the reader went away, as `| head -1` does
        stderr = process.stderr.read().decode("utf-8")
        assert process.wait(timeout=120) == 74
    assert stderr.startswith("error: cannot write standard output: Broken pipe. The run stopped")
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


def test_run_batch__a_refused_errors_write_stops_the_run_with_the_counts_written() -> None:
    from suitability.batch import read_records, run_batch

    text = "\n".join([GOOD, "not json", GOOD, GOOD]) + "\n"
    written: list[str] = []

    def refuse(_text: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "errors.jsonl")

    summary = run_batch(
        read_records(io.StringIO(text), "jsonl", Q), written.append, refuse, workers=1, chunk_size=2
    )
    assert summary.fault is not None
    assert (summary.fault.name, summary.fault.reason) == ("errors.jsonl", "No space left on device")
    assert (summary.done, summary.failed) == (1, 0)  # the first chunk's good line, then stop
    assert written == [written[0]] and written[0].count("\n") == 1


# --------------------------------------------------------------------------- signals


@pytest.mark.parametrize(("workers", "to"), [(1, "parent"), (2, "parent"), (2, "group")])
def test_sigterm__stops_between_chunks_with_the_count_and_leaves_nothing(
    tmp_path: Path, big_input: Path, own_tmp: Path, workers: int, to: str
) -> None:
    # "group": as `timeout` or a service manager sends it, to the workers too.
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [*SUITABILITY, str(big_input), "--out", str(out), "--workers", str(workers)],
        stderr=subprocess.PIPE, text=True, cwd=ROOT, env=run_env(own_tmp),
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(lambda: out.exists() and out.stat().st_size > 0, "the first lines")
        kids = children(process.pid)
        if to == "group":
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 143, stderr
    written = read_lines(out)
    assert 0 < len(written) < COUNT
    assert [r["id"] for r in written] == [f"r{i:07d}" for i in range(len(written))]
    assert stderr == (
        f"Stopped by SIGTERM: {len(written)} records assessed and written to {out} (0 set aside as "
        "errors); every line written is complete.\n"
    )  # nothing else: no worker's traceback
    assert not [k for k in kids if alive(k)]
    assert list(own_tmp.iterdir()) == []


def test_sigkill_of_the_parent__leaves_no_spool_and_no_worker(
    tmp_path: Path, big_input: Path, own_tmp: Path
) -> None:
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [*SUITABILITY, str(big_input), "--out", str(out), "--workers", "2"],
        stderr=subprocess.DEVNULL, cwd=ROOT, env=run_env(own_tmp),
    )  # fmt: skip
    kids: list[int] = []
    try:
        wait_for(lambda: out.exists() and out.stat().st_size > 0, "the first lines")
        spooled = list(own_tmp.iterdir())
        assert [p.name[:17] for p in spooled] == ["suitability-batch"]  # the spool is there
        kids = children(process.pid)
        assert len(kids) == 2
        process.kill()
        process.wait(timeout=60)
        wait_for(lambda: not [k for k in kids if alive(k)], "the workers to notice")
        wait_for(lambda: not list(own_tmp.iterdir()), "the spool to go")
    finally:
        for kid in kids:  # only if they outlived their parent, which is the failure
            if alive(kid):
                os.kill(kid, signal.SIGKILL)
    assert list(own_tmp.iterdir()) == []


# --------------------------------------------------------------------------- outputs first


@pytest.mark.parametrize("case", ["exists", "no folder", "same file", "input a folder"])
def test_a_refused_output_or_input__creates_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(GOOD + "\n", encoding="utf-8")
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    expected = {
        "exists": f"error: {errors} already exists; choose another name (it was left unchanged)",
        "no folder": f"error: cannot create {tmp_path}/none/e.jsonl: the folder "
        f"{tmp_path}/none does not exist",
        "same file": f"error: --out and --errors name the same file, {out}",
        "input a folder": f"error: cannot read {tmp_path}/in.jsonl: it is a folder",
    }[case]
    if case == "exists":
        errors.write_text("kept", encoding="utf-8")
    elif case == "no folder":
        errors = tmp_path / "none" / "e.jsonl"
    elif case == "same file":
        errors = out
    else:
        source.unlink()
        source.mkdir()
    code = main(["batch", str(source), "--out", str(out), "--errors", str(errors)])
    assert code == 1
    assert capsys.readouterr().err.strip() == expected
    assert not out.exists()  # so the rerun, with the cause fixed, is not refused in turn
    if case == "exists":
        assert errors.read_text(encoding="utf-8") == "kept"


def test_an_errors_file_the_system_refuses__removes_the_output_just_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # /proc passes every check made beforehand (it exists, and root may write there) but
    # refuses to create a file: the output created a moment before is removed again.
    source = tmp_path / "in.jsonl"
    source.write_text(GOOD + "\n", encoding="utf-8")
    out, errors = tmp_path / "out.jsonl", "/proc/suitability-errors.jsonl"
    assert main(["batch", str(source), "--out", str(out), "--errors", errors]) == 1
    assert capsys.readouterr().err.startswith(f"error: cannot create {errors}: ")
    assert not out.exists()

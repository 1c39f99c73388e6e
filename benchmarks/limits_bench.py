"""What it costs to refuse input that is too large, and how questionnaire validation grows.

1. A 50 MB answers file, in JSON and in YAML, given to ``suitability validate`` and to
   ``suitability assess``: the wall time and the peak memory (ru_maxrss of the child process).
   Targets: under 2 s and under 200 MB each. Also a batch input holding one 50 MB line: that
   record is refused by its size and the others assessed, under the same targets.
2. A questionnaire of N questions, each with a ``show_if`` on an unknown question, checked
   in-process after parsing (``questionnaire._check``) for N = 1,000 and 5,000: the CPU times
   (best of 7, interleaved) and their ratio. Target: at most 6x (linear growth would be 5x;
   quadratic, 25x).

Run: .venv/bin/python benchmarks/limits_bench.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZE = 50 * 1024 * 1024


def big_answers(folder: Path) -> dict[str, Path]:
    """A 50 MB answers file in JSON (one long note) and in YAML (many unknown keys)."""
    json_path = folder / "big.json"
    note = "x" * SIZE
    json_path.write_text(json.dumps({"answers": {"age": 30, "notes": note}}), encoding="utf-8")
    yaml_path = folder / "big.yaml"
    with yaml_path.open("w", encoding="utf-8") as handle:
        handle.write("answers:\n")
        line = 0
        written = 0
        while written < SIZE:
            text = f"  unknown_key_{line}: some value {line}\n"
            handle.write(text)
            written += len(text)
            line += 1
    return {"JSON": json_path, "YAML": yaml_path}


def _measured(command: list[str]) -> tuple[float, int, int, str]:
    """(seconds, peak KB, exit code, first line of stderr) of ``command``, run by a fresh Python
    so that RUSAGE_CHILDREN is that one child's peak alone."""
    probe = (
        "import resource, subprocess, sys; "
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
        "stderr=subprocess.PIPE, text=True); "
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
        "(r.stderr.strip().splitlines() or [''])[0])"
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True
    )
    elapsed = time.perf_counter() - started
    code, peak_kb, first = result.stdout.split(" ", 2)
    return elapsed, int(peak_kb), int(code), first.strip()


def questionnaire_with_unknown_refs(count: int) -> dict[str, Any]:
    questions = [
        {
            "id": f"q{index:05d}",
            "type": "yes_no",
            "label": f"Question {index:05d}?",
            "show_if": {"question": f"missing_{index:05d}", "equals": "yes"},
        }
        for index in range(count)
    ]
    return {
        "id": "big",
        "title": "Big",
        "version": "1",
        "sections": [{"id": "s", "title": "S", "questions": questions}],
    }


def validation_time(count: int) -> tuple[float, int]:
    from suitability._yaml import Positions
    from suitability.questionnaire import _check

    data = questionnaire_with_unknown_refs(count)
    # CPU time of this process: other work on a shared machine does not count against it.
    started = time.process_time()
    _model, errors, _warnings = _check(data, "big.yaml", Positions(), reads=())
    return time.process_time() - started, len(errors)


def main() -> int:
    exe = [sys.executable, "-m", "suitability"]
    print("Refusing a 50 MB answers file (targets: under 2 s, under 200 MB)")
    with tempfile.TemporaryDirectory() as tmp:
        files = big_answers(Path(tmp))
        for kind, path in files.items():
            for command in ("validate", "assess"):
                elapsed, peak_kb, code, first = _measured([*exe, command, str(path)])
                print(
                    f"  {kind:4} {command:8} {elapsed:5.2f} s  {peak_kb / 1024:6.1f} MB  "
                    f"exit {code}  {first[:90]}"
                )

        # One 50 MB line among ordinary records: a bad record, read no further than its limit.
        line_path = Path(tmp) / "big-line.jsonl"
        good = json.dumps({"id": "g", "answers": {"age": 30, "goals": ["volume"]}})
        huge = json.dumps({"id": "h", "answers": {"notes": "x" * SIZE}})
        line_path.write_text(f"{good}\n{huge}\n{good}\n", encoding="utf-8")
        out = Path(tmp) / "out.jsonl"
        errors = Path(tmp) / "errors.jsonl"
        batch = [str(line_path), "--out", str(out), "--errors", str(errors), "--workers", "1"]
        elapsed, peak_kb, code, first = _measured([*exe, "batch", *batch])
        print(
            f"  batch, one 50 MB line {elapsed:5.2f} s  {peak_kb / 1024:6.1f} MB  exit {code}  "
            f"{errors.read_text(encoding='utf-8').strip()[:90]}"
        )

    print("Questionnaire validation after parsing, N unknown show_if references (target <= 6x)")
    # Interleaved and the best of 7: on a shared machine, both sizes then see the same load.
    runs: dict[int, list[float]] = {1_000: [], 5_000: []}
    for _ in range(7):
        for count, seconds in runs.items():
            seconds.append(validation_time(count)[0])
    times = {count: min(seconds) for count, seconds in runs.items()}
    for count, best in times.items():
        print(f"  {count:5,} unknown references: {best:6.3f} s of CPU")
    print(f"  ratio 5,000 / 1,000: {times[5_000] / times[1_000]:.2f}x (linear: 5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Batch throughput and memory, and the cold start of `suitability assess`.

For 10,000 and 100,000 generated records (seeded) it runs `suitability batch` with one worker and
with every core, and prints records per second, their ratio, and the peak memory of the whole
run (the parent and its workers together, sampled from /proc). It then times
`suitability assess` on one example next to `python -c pass`, in the same run.

Targets (issue 6, on the 2-core machine): all cores at least 1.6x one worker; peak memory under
200 MB and the same for 10,000 and 100,000 records; cold start of `suitability assess` under
300 ms. Run: .venv/bin/python benchmarks/batch_bench.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import cold_start  # noqa: E402
from generate import generate  # noqa: E402

from suitability import default_questionnaire  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in bytes."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            proc = Path(f"/proc/{current}")
            total += int((proc / "statm").read_text().split()[1]) * PAGE
            for task in (proc / "task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def run_batch(path: Path, workers: int | None, out_dir: Path) -> tuple[float, float, int]:
    """(seconds, peak MB of the process tree, records) for one batch run."""
    out = out_dir / f"out-{path.stem}-{workers}.jsonl"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "suitability", "batch", str(path), "--out", str(out)]
    if workers:
        command += ["--workers", str(workers)]
    peak = [0]
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=ROOT)

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"batch failed: {stderr}")
    with out.open("rb") as handle:
        records = sum(1 for _ in handle)
    out.unlink()
    return elapsed, peak[0] / 2**20, records


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--repeat", type=int, default=15, help="cold-start runs of each command")
    args = parser.parse_args()
    questionnaire = default_questionnaire()
    cores = os.cpu_count() or 1
    print(f"machine: {cores} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            data = folder / f"records-{size}.jsonl"
            with data.open("w", encoding="utf-8") as handle:
                for record in generate(questionnaire, size, args.seed):
                    handle.write(json.dumps(record) + "\n")
            one_s, one_mb, one_n = run_batch(data, 1, folder)
            all_s, all_mb, all_n = run_batch(data, None, folder)
            print(f"\n{size:,} records")
            runs = (("1 worker", one_n, one_s, one_mb), (f"{cores} workers", all_n, all_s, all_mb))
            for label, n, seconds, mb in runs:
                rate = n / seconds
                print(f"  {label:<11} {rate:8,.0f} records/s  {seconds:6.1f} s  peak {mb:6.1f} MB")
            ratio = (all_n / all_s) / (one_n / one_s)
            print(f"  all cores / one worker: {ratio:.2f}x   (target >= 1.6x; memory < 200 MB)")
            data.unlink()
    cold_start.report(args.repeat)  # issue 14's cold-start targets, as CPU time


if __name__ == "__main__":
    main()

"""Runs many assessments in one process and prints time and peak memory as it goes.

Shows that assessments leave no engine state behind (durable-rules allows 1024 live sessions).
Run: .venv/bin/python benchmarks/soak.py --count 1000000
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from suitability import assess, default_questionnaire, read_answers_file

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    q = default_questionnaire()
    people = [read_answers_file(p, q) for p in sorted((ROOT / "examples").glob("*.*"))]
    expected = [assess(p, q).to_json() for p in people]
    start = time.perf_counter()
    step = max(1, args.count // 10)
    for i in range(args.count):
        assess(people[i % len(people)], q)
        if (i + 1) % step == 0:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            elapsed = time.perf_counter() - start
            print(f"{i + 1:>9} assessments  {elapsed:7.1f} s  peak RSS {peak:6.1f} MB")
    assert [assess(p, q).to_json() for p in people] == expected
    print("results unchanged after the run")


if __name__ == "__main__":
    main()

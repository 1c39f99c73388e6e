"""Times `assess()` on the shipped examples with and without the decisive answers (what other
answers would do to each verdict), and the difference per example.

Target (issue 10): the decisive answers add at most 2 ms at p50 on top of assess().
Run: .venv/bin/python benchmarks/decisive_bench.py
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from suitability import assess, default_questionnaire, read_answers_file

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 2.0


def p50(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    q = default_questionnaire()
    paths = sorted((ROOT / "examples").glob("*.*"))
    people = [read_answers_file(p, q) for p in paths]
    for a in people:  # warm both paths: caches and compiled conditions
        assess(a, q)
        assess(a, q, decisive=False)
    worst = 0.0
    print(f"{'example':28} {'without ms':>10} {'with ms':>9} {'added ms':>9}")
    for path, a in zip(paths, people, strict=True):
        plain: list[float] = []
        full: list[float] = []
        for _ in range(args.rounds):  # interleaved, so that load on the machine hits both
            t0 = time.perf_counter()
            assess(a, q, decisive=False)
            t1 = time.perf_counter()
            assess(a, q)
            t2 = time.perf_counter()
            plain.append(t1 - t0)
            full.append(t2 - t1)
        added = p50(full) - p50(plain)
        worst = max(worst, added)
        print(f"{path.name:28} {p50(plain):10.3f} {p50(full):9.3f} {added:9.3f}")
    verdict = "within" if worst <= TARGET_MS else "OVER"
    print(
        f"largest p50 added by decisive answers: {worst:.3f} ms "
        f"(target <= {TARGET_MS} ms: {verdict})"
    )


if __name__ == "__main__":
    main()

"""Times `assess()` on the shipped examples against the bare durable-rules calls it makes.

Prints the median and p99 of each and their ratio. Targets (issue 4): p50 of assess() under
1 ms, and at most 2x the bare engine time. Run: .venv/bin/python benchmarks/assess_bench.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

from durable.engine import MessageNotHandledException

from suitability import assess, default_questionnaire, read_answers_file
from suitability.assessment import build_fact
from suitability.rules.engine import get_engine

ROOT = Path(__file__).resolve().parent.parent


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3000)
    args = parser.parse_args()

    q = default_questionnaire()
    people = [read_answers_file(p, q) for p in sorted((ROOT / "examples").glob("*.*"))]
    facts = [build_fact(q, a, a.answered_on or dt.date.today()) for a in people]
    engine = get_engine()
    ruleset = engine._ruleset  # the bare durable-rules ruleset, with the same actions

    def bare(index: int, sid: str) -> None:
        fact, _unknown = facts[index]
        try:
            handle = ruleset.assert_fact({**fact, "t": "answers", "sid": sid})
            ruleset.do_actions(handle, lambda _e, _s: None)
        except MessageNotHandledException:
            pass
        ruleset.delete_state(sid)

    for i in range(200):  # warm up both paths
        assess(people[i % len(people)], q)
        bare(i % len(people), f"warm{i}")

    wrapped: list[float] = []
    raw: list[float] = []
    for i in range(args.rounds):
        k = i % len(people)
        t0 = time.perf_counter()
        assess(people[k], q)
        t1 = time.perf_counter()
        bare(k, f"bench{i}")
        t2 = time.perf_counter()
        wrapped.append(t1 - t0)
        raw.append(t2 - t1)

    def show(name: str, samples: list[float]) -> None:
        print(
            f"{name:<28} p50 {statistics.median(samples) * 1e6:8.0f} us"
            f"   p99 {percentile(samples, 0.99) * 1e6:8.0f} us"
        )

    print(f"{len(people)} examples, {args.rounds} rounds, interleaved")
    show("assess()", wrapped)
    show("bare durable-rules calls", raw)
    ratio = statistics.median(wrapped) / statistics.median(raw)
    print(f"{'ratio (p50)':<28} {ratio:8.2f}x   (target: p50 < 1000 us, ratio <= 2x)")


if __name__ == "__main__":
    main()

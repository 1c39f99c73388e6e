"""Times `assess()` against the bare durable-rules calls it makes, side by side in one run.

On generated answer sets (benchmarks/generate.py, seeded) given as plain mappings, as a caller
gives them, each round times, interleaved so that load on the machine hits every path alike:

- ``assess(mapping, decisive=False)``: validation, facts, the engine, the result;
- ``assess(answers, decisive=False)`` on the same answers already validated;
- the bare durable-rules calls ``assess`` makes for them: ``assert_fact`` of the same fact in the
  same ruleset (same actions, the fact written as the engine writes it: ``assert_answers``),
  ``do_actions``, ``delete_state``.

Then, on the shipped examples, what the decisive answers add at p50 (``assess`` with them minus
without). Each figure is printed next to its target (issue 14, section 2): ``assess`` on
mappings at most 1.3x the bare calls (p50), the decisive answers at most 2 ms on top (p50).

Run: .venv/bin/python benchmarks/assess_bench.py [--count 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from durable.engine import MessageNotHandledException

from suitability import assess, default_questionnaire, read_answers_file
from suitability.answers import validate_answers
from suitability.rules.engine import assert_answers, get_engine
from suitability.rules.facts import fact_from_values, rule_values

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

RATIO_TARGET = 1.3
DECISIVE_TARGET_MS = 2.0


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def us(samples: list[float]) -> str:
    p50, p99 = statistics.median(samples) * 1e6, percentile(samples, 0.99) * 1e6
    return f"p50 {p50:7.0f} us   p99 {p99:7.0f} us"


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER"


def time_once(call: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def both_times(call: Callable[[], Any]) -> tuple[float, float]:
    """(wall-clock, this thread's CPU time) of one call: on a shared machine the process is
    often descheduled mid-call, which the CPU time leaves out."""
    c0, t0 = time.thread_time(), time.perf_counter()
    call()
    return time.perf_counter() - t0, time.thread_time() - c0


def decisive_added(rounds: int) -> tuple[float, str]:
    """The largest p50 the decisive answers add to assess() over the shipped examples (ms)."""
    q = default_questionnaire()
    paths = sorted((ROOT / "examples").glob("*.*"))
    worst, worst_name = 0.0, ""
    for path in paths:
        a = read_answers_file(path, q)
        assess(a, q)
        assess(a, q, decisive=False)
        plain: list[float] = []
        full: list[float] = []
        for _ in range(rounds):
            plain.append(time_once(lambda a=a: assess(a, q, decisive=False)))  # type: ignore[misc]
            full.append(time_once(lambda a=a: assess(a, q)))  # type: ignore[misc]
        added = (statistics.median(full) - statistics.median(plain)) * 1000
        if added >= worst:
            worst, worst_name = added, path.name
    return worst, worst_name


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000, help="generated answer sets")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--decisive-rounds", type=int, default=100)
    args = parser.parse_args()

    load_before = os.getloadavg()
    q = default_questionnaire()
    mappings = [
        {"answered_on": r["answered_on"], "answers": r["answers"]}
        for r in generate(q, args.count, args.seed)
    ]
    validated = [validate_answers(m, q) for m in mappings]
    facts = []
    for a in validated:
        facts.append(fact_from_values(rule_values(q, a, a.answered_on or dt.date.today())))
    ruleset = get_engine()._ruleset  # the bare durable-rules ruleset, with the same actions

    def bare(index: int, sid: str) -> None:
        try:
            handle = assert_answers(ruleset, {**facts[index], "t": "answers", "sid": sid})
            ruleset.do_actions(handle, lambda _e, _s: None)
        except MessageNotHandledException:
            pass  # never here: every answers fact has a catch-all rule
        ruleset.delete_state(sid)

    n = len(mappings)
    for i in range(args.warmup):  # caches, compiled conditions, the engine's first session
        assess(mappings[i % n], q, decisive=False)
        assess(validated[i % n], q, decisive=False)
        bare(i % n, f"warm{i}")

    wrapped: list[float] = []
    prevalidated: list[float] = []
    raw: list[float] = []
    cpu: dict[int, list[float]] = {id(wrapped): [], id(prevalidated): [], id(raw): []}
    for i in range(n):
        # The order rotates, so that no path always runs right after another.
        runs = [
            (wrapped, lambda i=i: assess(mappings[i], q, decisive=False)),
            (prevalidated, lambda i=i: assess(validated[i], q, decisive=False)),
            (raw, lambda i=i: bare(i, f"bench{i}")),
        ]
        for k in range(3):
            samples, call = runs[(i + k) % 3]
            wall, used = both_times(call)  # type: ignore[arg-type]
            samples.append(wall)
            cpu[id(samples)].append(used)

    worst_ms, worst_name = decisive_added(args.decisive_rounds)
    load_after = os.getloadavg()

    print(f"{n} generated answer sets (seed {args.seed}), each path once per set, interleaved")
    print(f"{'assess(mapping)':<30} {us(wrapped)}")
    print(f"{'assess(validated Answers)':<30} {us(prevalidated)}")
    print(f"{'bare durable-rules calls':<30} {us(raw)}")
    ratio = statistics.median(wrapped) / statistics.median(raw)
    ratio_valid = statistics.median(prevalidated) / statistics.median(raw)
    print(
        f"{'ratio assess(mapping) / bare':<30} {ratio:5.2f}x   target <= {RATIO_TARGET}x: "
        f"{verdict(ratio <= RATIO_TARGET)}"
    )
    print(f"{'ratio assess(Answers) / bare':<30} {ratio_valid:5.2f}x   (for comparison)")
    cpu_ratio = statistics.median(cpu[id(wrapped)]) / statistics.median(cpu[id(raw)])
    print(
        f"{'CPU time p50':<30} assess(mapping) {statistics.median(cpu[id(wrapped)]) * 1e6:.0f} us,"
        f" assess(Answers) {statistics.median(cpu[id(prevalidated)]) * 1e6:.0f} us,"
        f" bare {statistics.median(cpu[id(raw)]) * 1e6:.0f} us"
    )
    print(
        f"{'CPU ratio assess(mapping)/bare':<30} {cpu_ratio:5.2f}x   target <= {RATIO_TARGET}x: "
        f"{verdict(cpu_ratio <= RATIO_TARGET)}"
    )
    print(
        f"{'decisive answers added (p50)':<30} {worst_ms:5.2f} ms  target <= "
        f"{DECISIVE_TARGET_MS} ms: {verdict(worst_ms <= DECISIVE_TARGET_MS)}"
        f"   (largest over the examples: {worst_name})"
    )
    print(
        "load average (1, 5, 15 min): "
        f"before {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after {', '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()

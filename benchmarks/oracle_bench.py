"""The differential check of the rule set's two evaluations on many answer sets: durable-rules
(the engine behind every assessment) and the plain-Python evaluation compiled from the same data
(:meth:`suitability.rules.model.RuleSet.evaluate`). Prints agreement (target: every answer set),
mismatches (target: 0), the time per evaluation of each, and how often each rule and derivation
fired: the answer sets are weighted so that each fires at least 100 times in 100,000 (flagged
below that), since agreement where a rule never fires proves nothing about it.

Run: .venv/bin/python benchmarks/oracle_bench.py --count 100000 --seed 1
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from weighted import weighted_records

from suitability import default_questionnaire, validate_answers
from suitability.rules.engine import get_engine
from suitability.rules.facts import fact_from_values, rule_values
from suitability.rules.model import default_rules

MIN_FIRES = 100  # per 100,000 answer sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    q = default_questionnaire()
    rules = default_rules()
    engine = get_engine()
    fired: Counter[str] = Counter()
    mismatches = 0
    t_engine = t_oracle = 0.0
    for record in weighted_records(q, args.count, args.seed):
        answers = validate_answers(record, q)
        assert answers.answered_on is not None
        found = rule_values(q, answers, answers.answered_on)
        fact = fact_from_values(found)
        start = time.perf_counter()
        by_engine = frozenset(h.rule for h in engine.run(fact))
        middle = time.perf_counter()
        by_oracle = rules.evaluate(found.values, safety_unknown=found.safety_unknown)
        t_oracle += time.perf_counter() - middle
        t_engine += middle - start
        fired.update(by_oracle)
        if by_engine != by_oracle:
            mismatches += 1
            if mismatches <= 5:
                print(f"mismatch: engine only {sorted(by_engine - by_oracle)}, "
                      f"oracle only {sorted(by_oracle - by_engine)}")  # fmt: skip
    n = args.count
    floor = MIN_FIRES * n / 100_000
    print(f"answer sets: {n:,} (weighted, seed {args.seed}); rule set {rules.id} {rules.version}")
    print(f"agreement: {n - mismatches:,}/{n:,}; mismatches: {mismatches} (target 0)")
    print(f"durable-rules: {t_engine / n * 1e6:.1f} us per evaluation")
    print(f"plain Python:  {t_oracle / n * 1e6:.1f} us per evaluation (target ~10 us)")
    ids = [d.id for d in rules.derivations] + [r.id for r in rules.rules]
    low = [i for i in ids if fired[i] < floor]
    print(f"fired per id (minimum {min(fired[i] for i in ids):,}; target >= {floor:g} each):")
    for i in ids:
        flag = "  <-- below target" if fired[i] < floor else ""
        print(f"  {i:<34} {fired[i]:>7,}{flag}")
    if mismatches or low:
        sys.exit(1)


if __name__ == "__main__":
    main()

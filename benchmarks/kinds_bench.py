"""Times validate_answers on the shipped examples, read as data, and one answer's reading
through its question's kind.

Target (issue 10): the question kinds' registry costs nothing on assess()'s hot path: validating
a typical record stays under 115 us (measured before the kinds moved: 44-56 us per record and
415-830 ns per answer on a loaded 2-core machine).
Run: .venv/bin/python benchmarks/kinds_bench.py
"""

from __future__ import annotations

import argparse
import timeit
from pathlib import Path

from suitability import default_questionnaire
from suitability.answers import normalise_value, parse_answers_text, validate_answers

ROOT = Path(__file__).resolve().parent.parent
TARGET_US = 115.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--number", type=int, default=1000)
    args = parser.parse_args()

    q = default_questionnaire()
    paths = sorted((ROOT / "examples").glob("*.*"))
    records = [parse_answers_text(p.read_text(encoding="utf-8"), p.name) for p in paths]
    pairs = [(q.by_id[k], v) for r in records for k, v in r["answers"].items()]

    def validate_all() -> None:
        for record in records:
            validate_answers(record, q)

    def read_all() -> None:
        for question, value in pairs:
            normalise_value(question, value)

    validate_all()
    n = args.number
    per_record = min(timeit.repeat(validate_all, number=n, repeat=9)) / n / len(records) * 1e6
    per_answer = min(timeit.repeat(read_all, number=n, repeat=9)) / n / len(pairs) * 1e9
    print(f"validate_answers: {per_record:.1f} us per record ({len(records)} examples)")
    print(f"  target: under {TARGET_US:.0f} us per record")
    print(f"normalise_value: {per_answer:.0f} ns per answer ({len(pairs)} answers)")


if __name__ == "__main__":
    main()

"""The FHIR round trip on generated answer sets: answers -> QuestionnaireResponse (R5 and R4)
-> JSON text -> answers_from_response -> assessment, compared byte for byte with assessing the
answers directly.

Prints the count, the mismatches (target: 0) and the time per record of each step. Issue 12
asks for at least 10,000 answer sets (the default).
Run: .venv/bin/python benchmarks/fhir_roundtrip.py [--count 10000] [--seed 12]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from suitability import assess, default_questionnaire, validate_answers  # noqa: E402
from suitability.errors import AnswersError  # noqa: E402
from suitability.fhir import (  # noqa: E402
    FHIR_VERSIONS,
    answers_from_response,
    dumps,
    response_from_answers,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    questionnaire = default_questionnaire()
    records = list(generate(questionnaire, args.count, args.seed))
    answer_sets = [
        validate_answers({k: v for k, v in r.items() if k != "id"}, questionnaire) for r in records
    ]
    direct = [assess(a, questionnaire).to_json() for a in answer_sets]
    print(f"answer sets: {len(answer_sets):,} (seed {args.seed})")

    failed = False
    for version in FHIR_VERSIONS:
        mismatches = 0
        refused = 0
        out_time = in_time = 0.0
        for answers, expected in zip(answer_sets, direct, strict=True):
            t0 = time.perf_counter()
            text = dumps(response_from_answers(answers, questionnaire, fhir_version=version))
            t1 = time.perf_counter()
            out_time += t1 - t0
            try:
                back = answers_from_response(json.loads(text), questionnaire)
            except AnswersError:
                refused += 1
                continue
            finally:
                in_time += time.perf_counter() - t1
            if assess(back, questionnaire).to_json() != expected:
                mismatches += 1
        count = len(answer_sets)
        print(
            f"{version}: {count:,} round trips, mismatches {mismatches} (target 0), "
            f"refused {refused} (target 0); per record: answers -> response "
            f"{out_time / count * 1000:.3f} ms, response -> answers "
            f"{in_time / count * 1000:.3f} ms"
        )
        failed = failed or bool(mismatches or refused)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

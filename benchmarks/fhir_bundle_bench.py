"""Builds the FHIR Bundle of many generated assessments and validates every one with the FHIR
model library (fhir.resources: R5, and R4B for R4), to show that what `assess --format fhir` and
`batch --format fhir` write is valid well beyond the test suite's samples.

Prints, per FHIR version, the count, the bundles the library refused (target 0), those whose
predictions differ from the assessment's verdicts (target 0) and the time to build and to
validate one. Run: .venv/bin/python benchmarks/fhir_bundle_bench.py --count 2000
"""

from __future__ import annotations

import argparse
import time

import fhir.resources as r5
import fhir.resources.R4B as r4b
from generate import generate
from pydantic import ValidationError

from suitability import assess, default_questionnaire
from suitability.answers import validate_answers
from suitability.fhir import assessment_bundle, dumps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    q = default_questionnaire()
    people = []
    for record in generate(q, args.count, args.seed):
        answers = validate_answers({k: v for k, v in record.items() if k != "id"}, q)
        people.append((answers, assess(answers, q)))

    for version, models in (("R5", r5), ("R4", r4b)):
        bundle_model = models.get_fhir_model_class("Bundle")
        refused = differ = 0
        build = check = 0.0
        for answers, assessment in people:
            t0 = time.perf_counter()
            text = dumps(
                assessment_bundle(assessment, answers, q, fhir_version=version), compact=True
            )
            t1 = time.perf_counter()
            try:
                bundle = bundle_model.model_validate_json(text)
            except ValidationError:
                refused += 1
                continue
            finally:
                check += time.perf_counter() - t1
            build += t1 - t0
            risk = bundle.entry[0].resource
            codes = [p.outcome.coding[0].code for p in risk.prediction]
            differ += codes != [v.verdict for v in assessment.verdicts.values()]
        n = len(people)
        print(
            f"{version}: {n} bundles, {refused} refused by fhir.resources (target 0), "
            f"{differ} with other verdicts (target 0); "
            f"build {build / n * 1000:.2f} ms, validate {check / n * 1000:.2f} ms per bundle"
        )


if __name__ == "__main__":
    main()

"""A seeded generator of realistic random answer sets for a questionnaire.

It respects show-if conditions, choices and bounds; conditions are given at plausible rates;
"not sure", "prefer not to say" and unanswered safety questions are mixed in (about 3 %, 1.5 %
and 1 % of safety answers). The same seed always gives the same records.

Run: .venv/bin/python benchmarks/generate.py --count 1000 --seed 7 --format jsonl --out data.jsonl
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from suitability import Question, Questionnaire, default_questionnaire

ANSWERED_ON = dt.date(2026, 11, 20)

# How often a yes/no condition is "yes" (the rest: "no"); the default is 4 %.
YES_RATE = {
    "pregnant": 0.03,
    "breastfeeding": 0.04,
    "trying_to_conceive": 0.05,
    "recent_tan": 0.15,
    "pigmentation_history": 0.15,
    "cold_sores": 0.20,
    "keloids": 0.03,
    "otc_thinners": 0.15,
    "photosensitising": 0.10,
    "recent_facial_treatment": 0.12,
    "recent_facial_surgery": 0.03,
    "has_event": 0.25,
    "non_surgical": 0.85,
}
CHOICE_WEIGHTS: dict[str, dict[str, float]] = {
    "skin_type": {"type_1": 8, "type_2": 25, "type_3": 30, "type_4": 20, "type_5": 10, "type_6": 7},
    "autoimmune": {"no": 93, "stable": 5, "active": 2},
    "diabetes": {"no": 92, "controlled": 6, "uncontrolled": 2},
    "isotretinoin": {"never": 88, "past": 10, "current": 2},
    "needle_discomfort": {"none": 50, "mild": 30, "moderate": 14, "severe": 6},
    "sessions": {"one_visit": 30, "course_ok": 70},
}
GOAL_WEIGHTS = {
    "hydration_radiance": 20, "fine_lines": 25, "expression_lines": 15, "volume": 10,
    "laxity": 10, "local_fat": 8, "cellulite": 4, "hair_thinning": 5, "active_acne": 6,
    "acne_scars": 8, "pigmentation_tone": 10, "pores_texture": 10, "none": 2,
}  # fmt: skip
NOTES = ["", "", "", "First consultation.", "I bruise easily.", "Please call me after 5pm."]


def _value(q: Question, rng: random.Random) -> Any:
    if q.id == "age":
        return int(min(max(rng.gauss(40, 13), q.min or 10), q.max or 110))
    if q.id == "goals":
        goals = rng.choices(
            list(GOAL_WEIGHTS), weights=list(GOAL_WEIGHTS.values()), k=rng.randint(1, 3)
        )
        picked = list(dict.fromkeys(goals))
        return ["none"] if "none" in picked else [g for g in q.choice_ids if g in picked]
    if q.type == "yes_no":
        return "yes" if rng.random() < YES_RATE.get(q.id, 0.04) else "no"
    if q.type == "single_choice":
        weights = CHOICE_WEIGHTS.get(q.id) or dict.fromkeys(q.choice_ids, 1.0)
        return rng.choices(list(weights), weights=list(weights.values()))[0]
    if q.type == "multiple_choice":
        exclusive = q.exclusive_choice
        others = [c for c in q.choice_ids if c != exclusive]
        if exclusive and rng.random() < 0.85:
            return [exclusive]
        picked = set(rng.sample(others, k=rng.randint(1, min(2, len(others)))))
        return [c for c in others if c in picked]
    if q.type in ("integer", "days"):
        if q.id == "downtime_days":  # most people pick a round figure
            return rng.choice([0, 1, 2, 3, 5, 7, 10, 14, 14, 21, 30])
        high = int(q.max or 0) if q.id != "isotretinoin_months" else 60
        return rng.randint(int(q.min or 0), high)
    if q.type == "decimal":
        return round(rng.uniform(q.min or 0, q.max or 0), 1)
    if q.type == "date":
        # Days from the day of answering, within the question's bounds; mostly the next months.
        low, high = (
            int(q.min if q.min is not None else -30),
            int(q.max if q.max is not None else 365),
        )
        return (ANSWERED_ON + dt.timedelta(days=rng.randint(low, min(high, low + 200)))).isoformat()
    return rng.choice(NOTES)


def generate(questionnaire: Questionnaire, count: int, seed: int) -> Iterator[dict[str, Any]]:
    """``count`` records ``{"id", "answered_on", "answers"}``, the same for the same seed."""
    rng = random.Random(seed)
    for index in range(count):
        values: dict[str, Any] = {}
        for q in questionnaire.questions:
            if not questionnaire.visible(q, values):
                continue
            roll = rng.random()
            if (q.safety and q.id != "age") or (q.id == "age" and roll < 0.01):
                if roll < 0.03 and "not_sure" in q.special_values:
                    values[q.id] = "not_sure"
                    continue
                if roll < 0.045 and "prefer_not_to_say" in q.special_values:
                    values[q.id] = "prefer_not_to_say"
                    continue
                if roll < 0.055:
                    continue  # left unanswered
            value = _value(q, rng)
            if value != "":
                values[q.id] = value
        yield {"id": f"r{index:07d}", "answered_on": ANSWERED_ON.isoformat(), "answers": values}


def write_csv(records: Iterator[dict[str, Any]], questionnaire: Questionnaire, out: Any) -> None:
    writer = csv.writer(out)
    ids = [q.id for q in questionnaire.questions]
    writer.writerow(["id", "answered_on", *ids])
    for record in records:
        answers = record["answers"]
        cells = [
            ";".join(v) if isinstance(v, list) else str(v)
            for v in (answers.get(i, "") for i in ids)
        ]
        writer.writerow([record["id"], record["answered_on"], *cells])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--out", default="-")
    args = parser.parse_args()
    questionnaire = default_questionnaire()
    out = sys.stdout if args.out == "-" else Path(args.out).open("w", encoding="utf-8", newline="")  # noqa: SIM115
    with out:
        records = generate(questionnaire, args.count, args.seed)
        if args.format == "csv":
            write_csv(records, questionnaire, out)
        else:
            for record in records:
                out.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()

"""Answer sets weighted so that every rule of the rule set fires often: the differential check
of the two rule evaluations proves nothing about a rule that no answer set reaches.

Unlike ``generate.py`` (realistic rates), every yes/no is "yes" a quarter of the time, every
choice is equally likely, numbers and dates favour the rules' bands, and safety questions are
not sure, declined or left unanswered about 4 % of the time each (dates are left unanswered
10 % of the time). Seeded: the same seed gives
the same answer sets.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from suitability import Question, Questionnaire

ANSWERED_ON = dt.date(2026, 11, 20)

#: Ranges that cover every band a rule reads, and some answers beyond them.
NUMBER_RANGES = {
    "age": (12, 80),
    "isotretinoin_months": (0, 24),
    "recent_facial_treatment_days": (0, 92),
    "recent_facial_surgery_days": (0, 92),
    "downtime_days": (0, 20),
}
DATE_DAYS = (-3, 60)  # event dates: days from the day of answering


def _value(q: Question, rng: random.Random) -> Any:
    if q.type == "yes_no":
        return "yes" if rng.random() < 0.25 else "no"
    if q.type == "single_choice":
        return rng.choice(q.choice_ids)
    if q.type == "multiple_choice":
        exclusive = q.exclusive_choice
        others = [c for c in q.choice_ids if c != exclusive]
        if exclusive and rng.random() < 0.4:
            return [exclusive]
        picked = set(rng.sample(others, k=rng.randint(1, min(3, len(others)))))
        return [c for c in others if c in picked]
    if q.type in ("integer", "days", "decimal"):
        low, high = NUMBER_RANGES.get(q.id, (int(q.min or 0), int(q.max or 0)))
        low, high = max(low, int(q.min or 0)), min(high, int(q.max if q.max is not None else high))
        return rng.randint(low, high)
    if q.type == "date":
        low = max(DATE_DAYS[0], int(q.min)) if q.min is not None else DATE_DAYS[0]
        high = min(DATE_DAYS[1], int(q.max)) if q.max is not None else DATE_DAYS[1]
        return (ANSWERED_ON + dt.timedelta(days=rng.randint(low, high))).isoformat()
    return ""  # free text: never read by rules


def weighted_records(
    questionnaire: Questionnaire, count: int, seed: int
) -> Iterator[dict[str, Any]]:
    """``count`` answers-file mappings ``{"answered_on", "answers"}``."""
    rng = random.Random(seed)
    for _ in range(count):
        values: dict[str, Any] = {}
        for q in questionnaire.questions:
            if not questionnaire.visible(q, values):
                continue
            if q.safety:
                roll = rng.random()
                if roll < 0.04 and "not_sure" in q.special_values:
                    values[q.id] = "not_sure"
                    continue
                if roll < 0.08 and "prefer_not_to_say" in q.special_values:
                    values[q.id] = "prefer_not_to_say"
                    continue
                if roll < 0.12 and not q.required:
                    continue  # left unanswered
            elif q.type == "date" and rng.random() < 0.1:
                continue  # a date not given (an event's, say) is a case rules read too
            value = _value(q, rng)
            if value != "":
                values[q.id] = value
        yield {"answered_on": ANSWERED_ON.isoformat(), "answers": values}

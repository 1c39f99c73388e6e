"""Hypothesis strategies: valid answers to a questionnaire, respecting show-if, choices and
bounds, with "not sure", "prefer not to say" and unanswered questions mixed in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from suitability import Question, Questionnaire

ANSWERED_ON = dt.date(2026, 11, 20)


def value_for(q: Question) -> st.SearchStrategy[Any]:
    if q.type in ("yes_no", "single_choice"):
        return st.sampled_from(q.choice_ids)
    if q.type == "multiple_choice":
        exclusive = q.exclusive_choice
        others = [c for c in q.choice_ids if c != exclusive]
        subsets = st.lists(st.sampled_from(others), min_size=1, unique=True)
        return subsets | st.just([exclusive]) if exclusive else subsets
    if q.type in ("integer", "days"):
        assert q.min is not None and q.max is not None
        return st.integers(int(q.min), int(q.max))
    if q.type == "decimal":
        assert q.min is not None and q.max is not None
        return st.floats(q.min, q.max, allow_nan=False)
    if q.type == "date":  # bounds are days from the day of answering
        low = ANSWERED_ON + dt.timedelta(days=int(q.min if q.min is not None else -60))
        high = ANSWERED_ON + dt.timedelta(days=int(q.max if q.max is not None else 200))
        return st.dates(low, high).map(dt.date.isoformat)
    return st.text(max_size=40)


@st.composite
def answers_for(draw: st.DrawFn, questionnaire: Questionnaire) -> dict[str, Any]:
    """A valid answers-file mapping; questions are visited in order so show-if always holds."""
    values: dict[str, Any] = {}
    for q in questionnaire.questions:
        if not questionnaire.visible(q, values):
            continue
        options = [value_for(q)] * 6
        options += [st.just(s) for s in q.special_values]
        options.append(st.none())  # left unanswered
        value = draw(st.one_of(options))
        if value is not None:
            values[q.id] = value
    return {
        "questionnaire": questionnaire.id,
        "answered_on": ANSWERED_ON.isoformat(),
        "answers": values,
    }

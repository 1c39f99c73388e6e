"""Properties over generated valid answers: complete results, no false reassurance, adding a
condition never helps, and isolation between assessments."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suitability import Questionnaire, assess, default_questionnaire

from .helpers import TREATMENTS, verdicts
from .strategies import answers_for

Q = default_questionnaire()
RANK = {"worth_discussing": 0, "discuss_with_caution": 1, "avoid_until_reviewed": 2}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UNKNOWN = ("not_sure", "prefer_not_to_say")


def unknown_safety(q: Questionnaire, values: dict[str, Any]) -> list[str]:
    return [
        s.id
        for s in q.questions
        if s.safety and q.visible(s, values) and values.get(s.id) in (*UNKNOWN, None)
    ]


@SETTINGS
@given(answers_for(Q))
def test_every_assessment__has_all_seven_verdicts_and_never_raises(data: dict[str, Any]) -> None:
    result = assess(data)
    assert tuple(result.verdicts) == TREATMENTS
    for treatment, verdict in result.verdicts.items():
        assert verdict.treatment == treatment
        if verdict.verdict != "not_relevant":
            assert "qualified practitioner" in verdict.summary


@SETTINGS
@given(answers_for(Q))
def test_unknown_or_declined_safety_answer__never_gives_worth_discussing(
    data: dict[str, Any],
) -> None:
    result = assess(data)
    if unknown_safety(Q, data["answers"]):
        assert "worth_discussing" not in set(verdicts(result).values())
        assert result.flags[0].id in ("no_goals", "c_unanswered_safety")


def _worsen(
    q: Questionnaire, values: dict[str, Any], question_id: str, choice: str
) -> dict[str, Any] | None:
    """``values`` with one more condition: a safety "no" made "yes", or a choice added to a
    multiple choice answer of "none"; None when that question cannot be worsened."""
    question = q.by_id[question_id]
    current = values.get(question_id)
    if question.type == "yes_no" and current == "no":
        return {**values, question_id: "yes"}
    if question.type == "multiple_choice" and current == [question.exclusive_choice]:
        return {**values, question_id: [choice]}
    return None


WORSENABLE = [
    (q.id, c)
    for q in Q.questions
    if q.safety and q.type in ("yes_no", "multiple_choice")
    for c in (q.choice_ids if q.type == "multiple_choice" else ("yes",))
    if c != q.exclusive_choice
]


@SETTINGS
@given(answers_for(Q), st.sampled_from(WORSENABLE))
def test_adding_a_condition__never_makes_a_verdict_more_favourable(
    data: dict[str, Any], target: tuple[str, str]
) -> None:
    worse = _worsen(Q, data["answers"], *target)
    if worse is None:
        return
    before = verdicts(assess(data))
    after = verdicts(assess({**data, "answers": worse}))
    for t in TREATMENTS:
        if before[t] == "not_relevant":
            assert after[t] == "not_relevant"
        else:
            assert RANK[after[t]] >= RANK[before[t]], (t, target)


@settings(max_examples=40, deadline=None)
@given(st.lists(answers_for(Q), min_size=2, max_size=5))
def test_interleaved_assessments__equal_isolated_ones(people: list[dict[str, Any]]) -> None:
    isolated = [assess(p).to_json() for p in people]
    interleaved = [assess(p).to_json() for p in reversed(people)][::-1]
    assert interleaved == isolated

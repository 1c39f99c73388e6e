"""Derived facts: the boundaries of age, isotretinoin, procedure, event and skin-type bands,
and the fail-closed handling of unknown answers."""

from __future__ import annotations

from typing import Any

import pytest

from suitability import assess

from .helpers import person


def fired(**changes: Any) -> set[str]:
    result = assess(person(**changes))
    return {r.rule for v in result.verdicts.values() for r in [*v.reasons, *v.fit_reasons]}


@pytest.mark.parametrize(
    ("age", "rows"),
    [
        (10, {"c_age_under_18"}),
        (17, {"c_age_under_18"}),
        (18, {"c_age_18_21"}),
        (21, {"c_age_18_21"}),
        (22, set()),
    ],
)
def test_age_bands(age: int, rows: set[str]) -> None:
    assert fired(age=age) & {"c_age_under_18", "c_age_18_21"} == rows


def test_age_unanswered__counts_as_an_unknown_safety_answer() -> None:
    assert "c_unanswered_safety" in fired(age=None)


@pytest.mark.parametrize(
    ("months", "rows"),
    [
        (0, {"c_isotretinoin_lt6m"}),
        (5, {"c_isotretinoin_lt6m"}),
        (6, {"c_isotretinoin_6_12m"}),
        (11, {"c_isotretinoin_6_12m"}),
        (12, {"c_isotretinoin_6_12m"}),
        (13, set()),
        ("not_sure", {"c_unanswered_safety"}),
    ],
)
def test_isotretinoin_windows(months: Any, rows: set[str]) -> None:
    got = fired(isotretinoin="past", isotretinoin_months=months)
    assert got & {"c_isotretinoin_lt6m", "c_isotretinoin_6_12m", "c_unanswered_safety"} == rows


@pytest.mark.parametrize("value", ["not_sure", "prefer_not_to_say", None])
def test_isotretinoin_use_unknown__is_caution_never_read_as_use(value: str | None) -> None:
    # Reference 2.1.4: an unknown answer gives caution and names the question; it is not
    # taken to mean the person takes it now.
    result = assess(person(isotretinoin=value))
    assert {f.id for f in result.flags} == {"c_unanswered_safety"}
    assert {v.verdict for v in result.verdicts.values()} == {"discuss_with_caution"}


@pytest.mark.parametrize(
    ("kind", "days", "recent"),
    [
        ("treatment", 28, True),
        ("treatment", 29, False),
        ("surgery", 90, True),
        ("surgery", 91, False),
        ("surgery", "prefer_not_to_say", True),
        ("treatment", "not_sure", True),
    ],
)
def test_recent_procedure_windows(kind: str, days: Any, recent: bool) -> None:
    answers = {f"recent_facial_{kind}": "yes", f"recent_facial_{kind}_days": days}
    assert ("c_recent_facial_procedure" in fired(**answers)) is recent


@pytest.mark.parametrize(
    ("date", "rows"),
    [
        ("2026-11-20", {"p_event_le14d"}),
        ("2026-12-04", {"p_event_le14d"}),
        ("2026-12-05", {"p_event_15_42d"}),
        ("2027-01-01", {"p_event_15_42d"}),
        ("2027-01-02", set()),
    ],
)
def test_event_bands_are_read_relative_to_the_answer_date(date: str, rows: set[str]) -> None:
    assert fired(has_event="yes", event_date=date) & {"p_event_le14d", "p_event_15_42d"} == rows


def test_event_date_not_given__asks_the_practitioner_about_every_treatment() -> None:
    # A plan, not a health answer: the verdicts stay as they were, and an unknown date never
    # reads as "does not fit" (it might be months away).
    result = assess(person(has_event="yes"))
    assert "p_event_date_unknown" in {f.id for f in result.flags}
    assert {v.verdict for v in result.verdicts.values()} == {"worth_discussing"}
    assert {v.fit for v in result.verdicts.values()} == {"ask_the_practitioner"}


@pytest.mark.parametrize("value", ["type_4", "type_6", "not_sure", "prefer_not_to_say", None])
def test_unknown_or_darker_skin_type__is_treated_conservatively(value: str | None) -> None:
    assert "c_fitzpatrick_iv_vi" in fired(skin_type=value)


@pytest.mark.parametrize("value", ["not_sure", "prefer_not_to_say", None])
def test_undeclared_pregnancy__adds_possible_pregnancy_and_unknown_safety(
    value: str | None,
) -> None:
    result = assess(person(pregnant=value))
    ids = {f.id for f in result.flags}
    assert {"c_possible_pregnancy", "c_unanswered_safety"} <= ids
    assert "worth_discussing" not in {v.verdict for v in result.verdicts.values()}


def test_unknown_safety_reason__names_the_question_and_how_it_was_answered() -> None:
    result = assess(person(epilepsy="prefer_not_to_say", keloids=None))
    reasons = [r for r in result.verdicts["ultherapy"].reasons if r.rule == "c_unanswered_safety"]
    assert [r.answers[0].question for r in reasons] == ["keloids", "epilepsy"]
    assert "was left unanswered" in reasons[0].text
    assert "Do you have epilepsy?' was answered 'prefer not to say'" in reasons[1].text
    flag = next(f for f in result.flags if f.id == "c_unanswered_safety")
    assert flag.title == "2 safety questions not answered"
    assert [(a.question, a.status) for a in flag.answers] == [
        ("keloids", "unanswered"),
        ("epilepsy", "prefer_not_to_say"),
    ]


def test_a_hidden_safety_question__is_not_counted_as_unanswered() -> None:
    result = assess(person(isotretinoin="never"))
    assert result.flags == []


def test_no_goal_chosen__every_treatment_not_relevant_and_says_so() -> None:
    result = assess(person(goals=["none"]))
    assert {v.verdict for v in result.verdicts.values()} == {"not_relevant"}
    assert result.verdicts["mesotherapy"].summary == (
        "No goal was chosen, so Mesotherapy was not matched to one."
    )
    assert result.flags[0].id == "no_goals"

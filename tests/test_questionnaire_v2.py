"""Questionnaire 1.2.0: questions that let people say what they need to say (issue 10, section 4).

Aminoglycosides asked by medicine, recent treatments and surgery asked apart with their own
times, recovery time as a number of days, needle discomfort from none to severe."""

from __future__ import annotations

from typing import Any

import pytest

from suitability import assess, default_questionnaire

from .helpers import person


def fired(**changes: Any) -> set[str]:
    result = assess(person(**changes))
    return {r.rule for v in result.verdicts.values() for r in [*v.reasons, *v.fit_reasons]}


def test_versions__questionnaire_and_rule_set_are_bumped() -> None:
    assert default_questionnaire().version == "1.2.0"


# -------------------------------------------------------------------- aminoglycosides
def test_aminoglycoside_question__asks_by_medicine_with_examples_not_by_route() -> None:
    q = default_questionnaire().by_id["aminoglycoside_or_relaxant"]
    text = f"{q.label} {q.help}".lower()
    for name in ("gentamicin", "tobramycin", "amikacin", "neomycin", "streptomycin"):
        assert name in text
    assert "inhaler" in text and "any form" in text
    assert q.safety and q.type == "yes_no"
    assert "btx_interacting_meds" not in default_questionnaire().by_id


@pytest.mark.parametrize(("answer", "caution"), [("yes", True), ("no", False)])
def test_aminoglycoside_yes__keeps_its_rule_effect_on_botulinum_toxin(
    answer: str, caution: bool
) -> None:
    result = assess(person(aminoglycoside_or_relaxant=answer))
    toxin = result.verdicts["botulinum_toxin"]
    assert (toxin.verdict == "discuss_with_caution") is caution
    assert ("c_btx_interacting_meds" in {r.rule for r in toxin.reasons}) is caution


@pytest.mark.parametrize("unknown", ["not_sure", "prefer_not_to_say"])
def test_aminoglycoside_unknown__is_an_unknown_safety_answer(unknown: str) -> None:
    result = assess(person(aminoglycoside_or_relaxant=unknown))
    assert {f.id for f in result.flags} == {"c_unanswered_safety"}


# -------------------------------------------------------------- recent procedures
def test_facelift_75_days_ago__is_not_lost_when_a_peel_35_days_ago_is_also_given() -> None:
    both = fired(
        recent_facial_treatment="yes",
        recent_facial_treatment_days=35,
        recent_facial_surgery="yes",
        recent_facial_surgery_days=75,
    )
    assert "c_recent_facial_procedure" in both
    # The peel alone is past its 28-day window.
    assert "c_recent_facial_procedure" not in fired(
        recent_facial_treatment="yes", recent_facial_treatment_days=35
    )


@pytest.mark.parametrize(
    ("changes", "recent"),
    [
        ({"recent_facial_treatment": "yes", "recent_facial_treatment_days": 28}, True),
        ({"recent_facial_treatment": "yes", "recent_facial_treatment_days": 29}, False),
        ({"recent_facial_surgery": "yes", "recent_facial_surgery_days": 90}, True),
        ({"recent_facial_surgery": "yes", "recent_facial_surgery_days": 91}, False),
        ({"recent_facial_surgery": "yes", "recent_facial_surgery_days": "not_sure"}, True),
        ({"recent_facial_treatment": "yes", "recent_facial_treatment_days": None}, True),
        ({"recent_facial_treatment": "no", "recent_facial_surgery": "no"}, False),
    ],
)
def test_recent_procedure__each_kind_has_its_own_window(
    changes: dict[str, Any], recent: bool
) -> None:
    assert ("c_recent_facial_procedure" in fired(**changes)) is recent


# ------------------------------------------------------------------ recovery days
@pytest.mark.parametrize(
    ("days", "rule"),
    [
        (0, "p_downtime_lt2d"),
        (1, "p_downtime_lt2d"),
        (2, "p_downtime_2_13d"),
        (3, "p_downtime_2_13d"),  # formerly read as "up to 2 weeks" only through a band
        (13, "p_downtime_2_13d"),
        (14, None),
        (60, None),
    ],
)
def test_recovery_days__fall_in_the_reference_bands(days: int, rule: str | None) -> None:
    got = fired(downtime_days=days) & {"p_downtime_lt2d", "p_downtime_2_13d"}
    assert got == ({rule} if rule else set())


def test_recovery_days__is_a_number_of_days_up_to_60() -> None:
    q = default_questionnaire().by_id["downtime_days"]
    assert (q.type, q.min, q.max, q.safety) == ("days", 0, 60, False)


# ------------------------------------------------------------------ needles
@pytest.mark.parametrize(
    ("level", "fires"), [("none", False), ("mild", False), ("moderate", True), ("severe", True)]
)
def test_needle_discomfort__moderate_or_severe_is_a_plans_mismatch(level: str, fires: bool) -> None:
    result = assess(person(needle_discomfort=level))
    meso = result.verdicts["mesotherapy"]
    assert meso.verdict == "worth_discussing"  # plans never raise a verdict
    assert ("p_needle_fear" in {r.rule for r in meso.fit_reasons}) is fires

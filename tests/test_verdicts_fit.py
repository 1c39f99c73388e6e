"""Verdicts keep safety and plans apart: the verdict comes from goals and health and safety
answers only (:func:`combine`); plans (recovery time, needles, one visit, an event) give a
separate fit (:func:`plan_fit`); an unknown safety answer gives caution, never reassurance and
never "avoid" on its own; the renderer shows what the assessment says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from suitability import assess, default_questionnaire
from suitability.assessment import Flag, combine, plan_fit
from suitability.render import to_html, to_markdown
from suitability.rules.catalogue import RULES

from .helpers import TREATMENTS, person, verdicts

CAUTION_WORDING = "with caution: some of your answers need a closer look"


@pytest.mark.parametrize(
    ("relevant", "cells", "verdict"),
    [
        (False, [], "not_relevant"),
        (False, ["A", "C"], "not_relevant"),  # relevance first: flags still say the rest
        (True, [], "worth_discussing"),
        (True, ["N", "N"], "worth_discussing"),
        (True, ["I", "N"], "worth_discussing"),
        (True, ["C"], "discuss_with_caution"),
        (True, ["N", "C", "C"], "discuss_with_caution"),
        (True, ["A"], "avoid_until_reviewed"),
        (True, ["C", "A", "N"], "avoid_until_reviewed"),
        (True, ["A", "C"], "avoid_until_reviewed"),
    ],
)
def test_combine__relevance_from_goals_then_most_conservative_safety_cell(
    relevant: bool, cells: list[Any], verdict: str
) -> None:
    assert combine(relevant, cells) == verdict
    assert combine(relevant, iter(cells)) == verdict  # any iterable, read once


@pytest.mark.parametrize(
    ("cells", "fit"),
    [
        ([], "fits"),
        (["N"], "fits"),
        (["C"], "ask_the_practitioner"),
        (["C", "N", "C"], "ask_the_practitioner"),
        (["A"], "does_not_fit"),
        (["C", "A"], "does_not_fit"),
    ],
)
def test_plan_fit__c_asks_the_practitioner_a_does_not_fit(cells: list[Any], fit: str) -> None:
    assert plan_fit(cells) == fit


def test_clean_person_wanting_under_2_days_recovery__worth_discussing_with_a_fit_note() -> None:
    result = assess(person(downtime_days=1))
    meso = result.verdicts["mesotherapy"]
    assert meso.verdict == "worth_discussing"
    assert meso.fit == "ask_the_practitioner"
    assert [(r.rule, r.fit) for r in meso.fit_reasons] == [
        ("p_downtime_lt2d", "ask_the_practitioner")
    ]
    assert [a.question for a in meso.fit_reasons[0].answers] == ["downtime_days"]
    assert meso.fit_reasons[0].text and meso.fit_reasons[0].source
    assert meso.summary.startswith(
        "Mesotherapy may be worth discussing with a qualified practitioner. Nothing in your "
        "health answers calls for extra caution"
    )
    assert meso.fit_summary == (
        "Ask the practitioner how it would fit your plans. You said: accepts less than 2 days "
        "of recovery."
    )
    assert set(verdicts(result).values()) == {"worth_discussing"}
    # Botulinum toxin and Ultherapy have an N cell: nothing about the plans stands in the way.
    assert result.verdicts["botulinum_toxin"].fit == "fits"
    assert result.verdicts["botulinum_toxin"].fit_reasons == []
    # Still among the things to mention to the practitioner.
    assert [(f.id, f.kind) for f in result.flags] == [("p_downtime_lt2d", "plans")]


@pytest.mark.parametrize(
    "changes",
    [
        {"needle_discomfort": "moderate"},
        {"downtime_days": 1},
        {"downtime_days": 7},
        {"has_event": "yes", "event_date": "2026-11-25"},
        {"has_event": "yes", "event_date": "2026-12-20"},
        {"has_event": "yes"},
        {"sessions": "one_visit"},
        {
            "needle_discomfort": "severe",
            "downtime_days": 0,
            "has_event": "yes",
            "event_date": "2026-11-21",
            "sessions": "one_visit",
        },
    ],
)
def test_plans_answers__never_change_a_verdict(changes: dict[str, Any]) -> None:
    result = assess(person(**changes))
    assert set(verdicts(result).values()) == {"worth_discussing"}
    for verdict in result.verdicts.values():
        assert not any(r.rule.startswith("p_") for r in verdict.reasons)
        assert CAUTION_WORDING not in verdict.summary


def test_event_in_10_days__laser_does_not_fit_but_stays_worth_discussing() -> None:
    result = assess(person(has_event="yes", event_date="2026-11-30"))
    laser = result.verdicts["laser_resurfacing"]
    assert (laser.verdict, laser.fit) == ("worth_discussing", "does_not_fit")
    assert laser.fit_summary == (
        "It may not fit what you said about your plans: event within 14 days."
    )
    assert result.verdicts["mesotherapy"].fit == "ask_the_practitioner"


def test_plans_keep_their_place_beside_a_health_verdict() -> None:
    result = assess(person(pregnant="yes", needle_discomfort="moderate"))
    meso = result.verdicts["mesotherapy"]
    assert (meso.verdict, meso.fit) == ("avoid_until_reviewed", "ask_the_practitioner")
    assert [f.kind for f in result.flags] == ["health", "plans"]


# ----------------------------------------------------------------- unknown safety answers


def _unknown_cases() -> list[tuple[str, str | None, dict[str, Any]]]:
    """Every safety question, alone unknown in each way it can be, on a clean person (with what
    makes a follow-up question shown)."""
    q = default_questionnaire()
    shown_by = {"isotretinoin_months": {"isotretinoin": "past"}}
    shown_by["recent_facial_treatment_days"] = {"recent_facial_treatment": "yes"}
    shown_by["recent_facial_surgery_days"] = {"recent_facial_surgery": "yes"}
    cases = []
    for question in q.questions:
        if not question.safety:
            continue
        for value in (*question.special_values, None):
            cases.append(
                (question.id, value, {**shown_by.get(question.id, {}), question.id: value})
            )
    return cases


UNKNOWN_CASES = _unknown_cases()
# Every way of not knowing is among them (each safety question is, by construction).
assert {value for _, value, _ in UNKNOWN_CASES} == {"not_sure", "prefer_not_to_say", None}


@pytest.mark.parametrize(
    ("question", "value", "changes"), UNKNOWN_CASES, ids=[f"{c[0]}={c[1]}" for c in UNKNOWN_CASES]
)
def test_an_unknown_safety_answer_alone__gives_caution_and_names_the_question(
    question: str, value: str | None, changes: dict[str, Any]
) -> None:
    result = assess(person(**changes))
    # Never reassurance, and never "avoid" merely because the answer is not known.
    assert set(verdicts(result).values()) == {"discuss_with_caution"}
    for treatment in TREATMENTS:
        named = {a.question for r in result.verdicts[treatment].reasons for a in r.answers}
        assert question in named
    unknown = [f for f in result.flags if f.kind == "unknown_answers"]
    assert [a.question for f in unknown for a in f.answers] == [question]


@pytest.mark.parametrize("value", ["not_sure", "prefer_not_to_say", None])
def test_unknown_isotretinoin_answer__caution_and_a_neutral_flag(value: str | None) -> None:
    result = assess(person(isotretinoin=value))
    assert set(verdicts(result).values()) == {"discuss_with_caution"}
    # No flag that assumes the person took it: only the one naming the unanswered question.
    assert [(f.kind, f.title) for f in result.flags] == [
        ("unknown_answers", "1 safety question not answered")
    ]
    rules = {r.rule for v in result.verdicts.values() for r in v.reasons}
    assert not any("isotretinoin" in rule for rule in rules)


@pytest.mark.parametrize(
    "changes",
    [
        {"isotretinoin": "past", "isotretinoin_months": "not_sure"},
        {"isotretinoin": "past", "isotretinoin_months": "prefer_not_to_say"},
        {"isotretinoin": "past", "isotretinoin_months": None},
    ],
)
def test_unknown_time_since_isotretinoin__caution_where_a_known_recent_time_gives_avoid(
    changes: dict[str, Any],
) -> None:
    assert set(verdicts(assess(person(**changes))).values()) == {"discuss_with_caution"}
    known = verdicts(assess(person(**{**changes, "isotretinoin_months": 3})))
    assert [t for t, v in known.items() if v == "avoid_until_reviewed"] == [
        "chemical_peel",
        "laser_resurfacing",
        "microneedling",
    ]


@pytest.mark.parametrize("value", ["not_sure", "prefer_not_to_say", None])
def test_declined_pregnancy__still_gives_possible_pregnancy_caution(value: str | None) -> None:
    result = assess(person(pregnant=value))
    assert set(verdicts(result).values()) == {"discuss_with_caution"}
    assert [(f.id, f.kind) for f in result.flags] == [
        ("c_unanswered_safety", "unknown_answers"),
        ("c_possible_pregnancy", "health"),
    ]
    assert "c_possible_pregnancy" in {r.rule for r in result.verdicts["botulinum_toxin"].reasons}


# ----------------------------------------------------------------- what the reader sees


def test_markdown__shows_verdict_and_fit_apart_without_a_medical_caution() -> None:
    q = default_questionnaire()
    text = to_markdown(assess(person(downtime_days=1)), q)
    assert "| Mesotherapy | Worth discussing | Ask the practitioner |" in text
    assert "| Botulinum toxin (for example Botox) | Worth discussing | Fits your plans |" in text
    assert (
        "- Fit with your plans: ask the practitioner (accepts less than 2 days of recovery)."
        in (text)
    )
    assert CAUTION_WORDING not in text
    assert "Discuss with caution" not in text
    assert "**Accepts less than 2 days of recovery** (your plans, ask the practitioner:" in text
    assert "`p_downtime_lt2d`" in text  # named for the practitioner


def test_markdown_and_html__say_when_a_plan_does_not_fit() -> None:
    q = default_questionnaire()
    text = to_markdown(assess(person(has_event="yes", event_date="2026-11-30")), q)
    assert "| Laser resurfacing | Worth discussing | Does not fit what you said |" in text
    assert "- Fit with your plans: does not fit what you said (event within 14 days)." in text
    page = to_html(text)
    assert "<td>Does not fit what you said</td>" in page
    assert "Fit with your plans: does not fit what you said (event within 14 days)." in page


def test_renderer__lists_unknown_answers_by_the_flag_kind_not_the_rule_id() -> None:
    q = default_questionnaire()
    result = assess(person(epilepsy="not_sure"))
    [flag] = result.flags
    renamed = Flag.model_validate({**flag.model_dump(), "id": "x_renamed"})
    text = to_markdown(result.model_copy(update={"flags": [renamed]}), q)
    assert "  - Do you have epilepsy? (Not sure)" in text


def test_renderer__names_no_rule_id_in_its_code() -> None:
    source = (Path(__file__).parents[1] / "suitability" / "render.py").read_text(encoding="utf-8")
    assert [r.id for r in RULES if r.id in source] == []


def test_json__carries_the_fit_and_is_byte_identical_each_time() -> None:
    answers = person(downtime_days=1, sessions="one_visit")
    first, second = assess(answers).to_json(), assess(answers).to_json()
    assert first == second
    meso = json.loads(first)["verdicts"]["mesotherapy"]
    assert (meso["verdict"], meso["fit"]) == ("worth_discussing", "ask_the_practitioner")
    assert [r["rule"] for r in meso["fit_reasons"]] == ["p_downtime_lt2d", "p_single_session"]
    assert set(meso["fit_reasons"][0]) == {"rule", "title", "fit", "text", "answers", "source"}


def test_rule_catalogue__describes_plans_rows_by_their_fit_not_as_a_verdict() -> None:
    from suitability.render import rules_catalogue

    effects = {r["id"]: r["effect"] for r in json.loads(rules_catalogue("json"))["rules"]}
    assert effects["p_event_le14d"] == "does not fit (plans)"
    assert effects["p_downtime_lt2d"] == "ask the practitioner (plans)"
    assert effects["c_pregnant"] == "avoid until reviewed"
    assert "Plans rows (p_) never change a verdict" in rules_catalogue("markdown")

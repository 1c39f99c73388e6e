"""Decisive answers: what other answers would do to each verdict, checked against assess() itself
rather than against hand-written expectations."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suitability import Questionnaire, assess, validate_answers
from suitability.answers import read_answers_file
from suitability.render import to_markdown
from suitability.rules.decisive import candidates, number_bands
from suitability.rules.model import RuleCondition, default_rules

from .conftest import EXAMPLES as EXAMPLE_FILES
from .conftest import ROOT
from .helpers import person
from .strategies import answers_for

FORBIDDEN = ("if you stop", "if you were not", "stop taking", "start taking", "if you were")


def _plans_only(q: Questionnaire) -> set[str]:
    rs = default_rules()
    health = {x for r in rs.rules if r.kind != "preference" for x in r.reads}
    plans = {x for r in rs.rules if r.kind == "preference" for x in r.reads}
    return {x for x in plans - health if x in q.by_id}


def _with(q: Questionnaire, data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``data`` with answers replaced, and the answers to questions that become hidden dropped
    (newly shown ones stay unanswered, as the decisive answers assume)."""
    answers = {**data["answers"], **changes}
    for question in q.questions:
        if question.id in answers and not q.visible(question, answers):
            del answers[question.id]
    return {**data, "answers": answers}


def _check_against_assess(q: Questionnaire, data: dict[str, Any]) -> int:
    """Every decisive option and improving set on a choice question gives, through assess(),
    the verdict it names; returns how many were checked."""
    result = assess(data, q)
    checked = 0
    for t, v in result.verdicts.items():
        for d in v.decisive:
            question = q.by_id[d.question]
            assert data["answers"].get(d.question) in (None, *question.special_values)
            for option in d.options:
                if question.type not in ("yes_no", "single_choice"):
                    continue
                redone = assess(_with(q, data, {d.question: option.answer}), q)
                assert redone.verdicts[t].verdict == option.verdict, (t, d.question, option)
                checked += 1
        for change in v.would_improve:
            if all(q.by_id[a.question].type in ("yes_no", "single_choice") for a in change.answers):
                changes = {a.question: a.answer for a in change.answers}
                redone = assess(_with(q, data, changes), q)
                assert redone.verdicts[t].verdict == change.verdict, (t, changes)
                checked += 1
    return checked


def test_eve__names_the_pregnancy_answer_as_decisive_for_mesotherapy(
    questionnaire: Questionnaire,
) -> None:
    answers = read_answers_file(ROOT / "examples" / "eve-unsure.yaml", questionnaire)
    meso = assess(answers, questionnaire).verdicts["mesotherapy"]
    assert meso.verdict == "discuss_with_caution"
    pregnancy = next(d for d in meso.decisive if d.question == "pregnant")
    assert pregnancy.status == "prefer_not_to_say"
    assert {o.answer: o.verdict for o in pregnancy.options}["yes"] == "avoid_until_reviewed"


def test_pregnant_person__would_improve_with_the_pregnancy_answer_alone(
    questionnaire: Questionnaire,
) -> None:
    meso = assess(person(pregnant="yes"), questionnaire).verdicts["mesotherapy"]
    assert meso.verdict == "avoid_until_reviewed"
    assert [[(a.question, a.answer) for a in c.answers] for c in meso.would_improve] == [
        [("pregnant", "no")]
    ]
    assert meso.decisive == []


def test_examples__every_decisive_answer_gives_what_it_says(questionnaire: Questionnaire) -> None:
    checked = 0
    for path in EXAMPLE_FILES:
        answers = read_answers_file(path, questionnaire)
        data = {
            "questionnaire": questionnaire.id,
            "answered_on": answers.answered_on.isoformat() if answers.answered_on else None,
            "answers": dict(answers.values),
        }
        checked += _check_against_assess(questionnaire, data)
    assert checked > 20


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_answers__decisive_answers_agree_with_assess(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    _check_against_assess(questionnaire, data.draw(answers_for(questionnaire)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_answers__plans_never_change_a_verdict_and_wording_is_never_advice(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    raw = data.draw(answers_for(questionnaire))
    result = assess(raw, questionnaire)
    plans = _plans_only(questionnaire)
    for v in result.verdicts.values():
        named = {d.question for d in v.decisive} | {w.question for w in v.would_worsen}
        named |= {a.question for c in v.would_improve for a in c.answers}
        assert not named & plans
        assert v.verdict != "worth_discussing" or not v.would_improve
        if v.verdict == "not_relevant":
            assert not (v.decisive or v.would_improve or v.would_worsen)
    answers = validate_answers(raw, questionnaire)
    text = to_markdown(result, questionnaire, answers, handout=True).lower()
    for phrase in FORBIDDEN:
        assert phrase not in text
    patient = text.split("## for the practitioner")[0]
    asked = [line for line in patient.splitlines() if "the practitioner will ask." in line]
    medicines = [s for s in questionnaire.sections if "medic" in s.title.lower()]
    for section in medicines:
        for question in section.questions:
            assert not [line for line in asked if f'"{question.label.lower()}"' in line]


def test_handout__patient_is_told_what_the_practitioner_will_ask_and_practitioner_the_rest(
    questionnaire: Questionnaire,
) -> None:
    answers = read_answers_file(ROOT / "examples" / "eve-unsure.yaml", questionnaire)
    text = to_markdown(assess(answers, questionnaire), questionnaire, answers, handout=True)
    patient, practitioner = text.split("## For the practitioner")
    label = questionnaire.by_id["pregnant"].label
    assert f'Your answer to "{label}" decides this: the practitioner will ask.' in patient
    assert "gives not advisable" not in patient
    assert f'decided by "{label}" (prefer not to say)' in practitioner


def test_decisive__left_out_on_request(questionnaire: Questionnaire) -> None:
    result = assess(person(pregnant="not_sure"), questionnaire, decisive=False)
    assert all(not v.decisive and not v.would_worsen for v in result.verdicts.values())
    assert any(v.decisive for v in assess(person(pregnant="not_sure")).verdicts.values())


def test_number_bands__one_value_per_band_the_comparisons_tell_apart() -> None:
    leaves = [
        RuleCondition.model_validate({"question": "n", "lt": 6}),
        RuleCondition.model_validate({"question": "n", "gte": 6}),
        RuleCondition.model_validate({"question": "n", "lte": 12}),
        RuleCondition.model_validate({"question": "n", "gt": 20}),
    ]
    assert number_bands(leaves, 0, 100) == [
        (0, "below 6"),
        (6, "6 to 12"),
        (13, "13 to 20"),
        (21, "21 or more"),
    ]
    assert number_bands(leaves, None, None)[0] == (5, "below 6")
    assert number_bands([], 0, 10) == []


def test_candidates__every_band_of_every_number_the_rules_read(
    questionnaire: Questionnaire,
) -> None:
    rs = default_rules()
    for question in questionnaire.questions:
        found = candidates(rs, question)
        if question.type in ("yes_no", "single_choice"):
            assert [c.value for c in found] == list(question.choice_ids)
        if question.kind.numeric or question.type == "date":
            # Each representative falls in a different class of the rules' comparisons.
            leaves = [
                leaf
                for cond in [r.when for r in rs.rules] + [d.when for d in rs.derivations]
                for leaf in cond.leaves()
                if leaf.question == question.id
            ]
            signatures = {
                tuple(leaf.holds({question.id: c.value}) for leaf in leaves) for c in found
            }
            assert len(signatures) == len(found)

"""The engine wrapper hides durable-rules' traps: sessions never leak, action exceptions reach
the caller, threads get the same results as sequential calls, output is byte-identical."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from suitability import RulesError, assess, default_questionnaire, read_answers_file
from suitability.assessment import build_fact
from suitability.questionnaire import questionnaire_from_data
from suitability.rules.engine import Engine, get_engine

from .conftest import EXAMPLES, ROOT
from .helpers import person


@pytest.fixture(scope="module")
def people() -> list[Any]:
    q = default_questionnaire()
    return [read_answers_file(p, q) for p in EXAMPLES]


def test_5000_assessments_in_a_row__work_and_leave_no_state(people: list[Any]) -> None:
    # Well past durable-rules' 1024 live-session limit: every session must be deleted.
    first = [assess(p).to_json() for p in people]
    for i in range(5000):
        assess(people[i % len(people)])
    assert [assess(p).to_json() for p in people] == first


def test_concurrent_threads__give_the_same_results_as_sequential(people: list[Any]) -> None:
    work = people * 40
    sequential = [assess(p).to_json() for p in work]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda p: assess(p).to_json(), work))
    assert threaded == sequential


def test_exception_inside_a_rule_action__reaches_the_caller_as_rules_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = Engine()
    q = default_questionnaire()
    fact, _unknown = build_fact(q, _validated(person(pregnant="yes")), _date())
    assert any(h.rule == "c_pregnant" for h in engine.run(fact))

    original = engine._record

    def broken(rule_id: str) -> None:
        if rule_id == "c_pregnant":
            raise ZeroDivisionError("boom")
        original(rule_id)

    monkeypatch.setattr(engine, "_record", broken)
    with pytest.raises(RulesError, match="rule c_pregnant: ZeroDivisionError: boom"):
        engine.run(fact)
    monkeypatch.setattr(engine, "_record", original)
    # The failed session was cleaned up: the engine carries on normally.
    assert any(h.rule == "c_pregnant" for h in engine.run(fact))


def test_exception_inside_a_derivation__reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine()
    q = default_questionnaire()
    fact, _unknown = build_fact(q, _validated(person(age=16)), _date())

    def broken(rule_id: str) -> None:
        raise RuntimeError(f"failed in {rule_id}")

    monkeypatch.setattr(engine, "_record", broken)
    with pytest.raises(RulesError, match="derivation d_age_under_18"):
        engine.run(fact)


def test_ctrl_c_inside_a_rule_action__stays_an_interrupt(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine()
    fact, _unknown = build_fact(default_questionnaire(), _validated(person()), _date())

    def interrupted(rule_id: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "_record", interrupted)
    with pytest.raises(KeyboardInterrupt):
        engine.run(fact)
    monkeypatch.undo()
    assert engine.run(fact)  # the session was cleaned up


def test_a_fact_no_rule_matches__is_a_legitimate_empty_result() -> None:
    assert Engine().run({"nothing": "here"}) == []


def test_sessions_whose_facts_match_nothing__are_deleted_without_crashing_the_process() -> None:
    # durable-rules aborts the process when deleting such a session; run it in a child process
    # so that a regression fails this test instead of killing the test run.
    code = (
        "from suitability.rules.engine import Engine\n"
        "for _ in range(1500):\n"
        "    engine = Engine()\n"
        "    for _ in range(3):\n"
        "        assert engine.run({'nothing': 'here'}) == []\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout) == (0, "ok\n"), result.stderr[-500:]


def test_engine__has_its_own_ruleset_name_each_time() -> None:
    assert Engine().name != Engine().name != get_engine().name


def test_same_answers__give_byte_identical_json_across_processes() -> None:
    example = str(next(p for p in EXAMPLES if p.name.startswith("dana")))
    outputs = {
        subprocess.run(
            [sys.executable, "-m", "suitability", "assess", example, "--format", "json"],
            capture_output=True, text=True, cwd=ROOT, check=True,
        ).stdout
        for _ in range(2)
    }  # fmt: skip
    assert len(outputs) == 1
    assert assess(read_answers_file(example, default_questionnaire())).to_json() in outputs


def test_rule_reading_an_unknown_question__is_an_error_with_suggestion() -> None:
    data = default_questionnaire().model_dump(mode="json", by_alias=True, exclude_none=True)
    for section in data["sections"]:
        for question in section["questions"]:
            if question["id"] == "epilepsy":
                question["id"] = "epilepsi"
            if question["id"] == "skin_type":
                question["choices"][4]["id"] = "type5"
    broken = questionnaire_from_data(data, "clinic.yaml")
    with pytest.raises(RulesError) as caught:
        assess({}, broken)
    assert [str(p) for p in caught.value.problems] == [
        "rule 'c_epilepsy' reads question 'epilepsy', which is missing (did you mean 'epilepsi'?)",
        "sections[3].questions[2].choices: rule 'd_fitzpatrick_iv_vi' reads choice 'type_5' of 'skin_type', which is missing (did you mean 'type5'?)",
    ]


def _edited(change: Any) -> Any:
    """The shipped questionnaire with ``change(question)`` applied to every question."""
    data = default_questionnaire().model_dump(mode="json", by_alias=True, exclude_none=True)
    for section in data["sections"]:
        for question in section["questions"]:
            change(question)
    return questionnaire_from_data(data, "clinic.yaml")


def test_rule_whose_test_cannot_match_the_question_type__is_an_error() -> None:
    def change(question: dict[str, Any]) -> None:
        if question["id"] == "cancer_treatment":
            question.update(
                type="multiple_choice",
                choices=[
                    {"id": "yes", "label": "Yes"},
                    {"id": "none", "label": "No", "exclusive": True},
                ],
            )
        if question["id"] == "implants":
            question["type"] = "single_choice"
            for choice in question["choices"]:
                choice.pop("exclusive", None)

    with pytest.raises(RulesError) as caught:
        assess({}, _edited(change))
    message = str(caught.value)
    assert (
        ".type: rule 'c_active_cancer_treatment' tests 'cancer_treatment' for a yes/no or single choice answer, "
        "but it is a multiple_choice question, so the rule could never apply" in message
    )
    assert (
        ".type: rule 'c_metal_implant_area' tests 'implants' for a ticked choice of a multiple choice question, "
        "but it is a single_choice question, so the rule could never apply" in message
    )


def test_condition_resting_on_a_question_not_marked_safety__is_an_error() -> None:
    def change(question: dict[str, Any]) -> None:
        if question["id"] in ("isotretinoin", "bleeding_disorder"):
            question.pop("safety", None)

    with pytest.raises(RulesError) as caught:
        assess({}, _edited(change))
    found = [p.text() for p in caught.value.problems]
    assert found == [
        "rule 'd_bleeding_disorder' rests on 'bleeding_disorder', which is not marked safety: an unknown answer to it would go unnoticed (add `safety: true`)",
        "rule 'd_isotretinoin_lt6m' rests on 'isotretinoin', which is not marked safety: an unknown answer to it would go unnoticed (add `safety: true`)",
    ]
    assert all(p.code == "rules_not_safety" for p in caught.value.problems)


def test_rule_fit_problems__are_each_listed_once() -> None:
    def change(question: dict[str, Any]) -> None:
        if question["id"] == "keloids":
            question["id"] = "keloid"

    with pytest.raises(RulesError) as caught:
        assess({}, _edited(change))
    assert [str(p) for p in caught.value.problems] == [
        "rule 'c_keloid_tendency' reads question 'keloids', which is missing (did you mean 'keloid'?)"
    ]


def _validated(data: dict[str, Any]) -> Any:
    from suitability import validate_answers

    return validate_answers(data, default_questionnaire())


def _date() -> Any:
    import datetime as dt

    return dt.date(2026, 11, 20)


def test_shipped_examples__all_assess(people: list[Any]) -> None:
    for answers in people:
        assert len(assess(answers).verdicts) == 7


def test_examples_folder__exists_with_several_people() -> None:
    assert len(EXAMPLES) >= 5
    assert all(Path(p).stat().st_size > 0 for p in EXAMPLES)

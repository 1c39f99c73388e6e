"""assess() builds its result from shared, once-validated parts: the result must be exactly what
validating the whole result afresh gave (the reference below builds it that way, as assess() did
before), byte for byte in JSON, on the examples, on generated answers, again on a second call
(from the shared parts), and with decisive answers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suitability import Questionnaire, assess, read_answers_file
from suitability.answers import Answers, validate_answers
from suitability.assessment import (
    _UNKNOWN_HOW,
    DISCLAIMER,
    Assessment,
    Flag,
    UsedAnswer,
    _expectations,
    _fit_summary,
    _summary,
    combine,
    plan_fit,
    rules_provenance,
)
from suitability.questionnaire import SPECIAL_VALUES, questionnaire_from_data
from suitability.rules.catalogue import RULES, RULES_BY_ID, RULESET, TREATMENTS
from suitability.rules.decisive import find_decisive
from suitability.rules.engine import get_engine
from suitability.rules.facts import ANY_NUMBER, fact_from_values, fact_properties, rule_values
from suitability.rules.model import SAFETY_UNKNOWN
from suitability.treatments import TREATMENT_INFO

from .conftest import EXAMPLES
from .strategies import answers_for

ORDER = {r.id: i for i, r in enumerate(RULES)}
EFFECT = {"I": "relevant", "C": "caution", "A": "avoid"}
FIT = {"C": "ask_the_practitioner", "A": "does_not_fit"}


def _used(q: Questionnaire, answers: Answers, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    out = []
    for qid in ids:
        question = q.by_id.get(qid)
        if question is None:
            continue
        value = answers.values.get(qid)
        if value is None:
            status = "unanswered" if q.visible(question, answers.values) else "not_asked"
        elif value in SPECIAL_VALUES:
            status = str(value)
        else:
            status = "answered"
        out.append({"question": qid, "answer": value, "status": status})
    return out


def reference(q: Questionnaire, data: Any, decisive: bool) -> Assessment:
    """The assessment as plain data, validated in one piece, nothing shared."""
    answers = validate_answers(data, q)
    as_of = answers.answered_on or dt.date.today()
    found = rule_values(q, answers, as_of)
    hits = get_engine().run(fact_from_values(found))
    extra = find_decisive(RULESET, q, answers.values, found) if decisive else None
    fired: list[tuple[Any, str | None]] = []
    for h in hits:
        rule = RULES_BY_ID.get(h.rule)
        if rule is not None:
            if rule.when.safety_unknown:
                fired.extend((rule, question) for question in found.unknown)
            else:
                fired.append((rule, None))
    position = {qid: i for i, qid in enumerate(q.by_id)}
    fired.sort(key=lambda item: (ORDER[item[0].id], position.get(item[1] or "", -1)))
    reasons: dict[str, list[dict[str, Any]]] = {t: [] for t in TREATMENTS}
    fits: dict[str, list[dict[str, Any]]] = {t: [] for t in TREATMENTS}
    safety: dict[str, list[str]] = {t: [] for t in TREATMENTS}
    plans: dict[str, list[str]] = {t: [] for t in TREATMENTS}
    relevant: set[str] = set()
    flags: list[dict[str, Any]] = []
    unknown: list[str] = []
    unknown_rule = None
    for rule, question in fired:
        used = _used(q, answers, (question,) if question else rule.reads)
        text = rule.rationale
        if question:
            text = f"'{q.by_id[question].label}' {_UNKNOWN_HOW[used[0]['status']]}. {text}"
        for t in rule.treatments:
            cell = rule.cells[t]
            common = {"rule": rule.id, "title": rule.title, "text": text, "answers": used,
                      "source": rule.source}  # fmt: skip
            if rule.kind == "preference":
                plans[t].append(cell)
                fits[t].append({**common, "fit": FIT[cell]})
                continue
            if rule.kind == "goal":
                relevant.add(t)
            else:
                safety[t].append(cell)
            reasons[t].append({**common, "effect": EFFECT[cell]})
        if rule.kind == "goal" or not rule.treatments:
            continue
        if question is not None:
            unknown.append(question)
            unknown_rule = rule
            continue
        kind = "plans" if rule.kind == "preference" else "health"
        flags.append(_flag(rule, kind, rule.title, _used(q, answers, rule.reads)))
    if unknown_rule is not None:
        title = f"{len(unknown)} safety question{'s' if len(unknown) != 1 else ''} not answered"
        used = _used(q, answers, tuple(unknown))
        flags.insert(0, _flag(unknown_rule, "unknown_answers", title, used))
    any_goal = any(rule.kind == "goal" for rule, _ in fired)
    if not any_goal:
        flags.insert(0, {"id": "no_goals", "kind": "no_goals", "title": "No goal chosen",
                         "mention": "Choose at least one goal to see which treatments may be "
                         "worth discussing, or ask the practitioner what could help.",
                         "treatments": [], "answers": _used(q, answers, ("goals",)),
                         "source": "design"})  # fmt: skip
    verdicts: dict[str, dict[str, Any]] = {}
    for t in TREATMENTS:
        verdict = combine(t in relevant, safety[t])  # type: ignore[arg-type]
        fit = plan_fit(plans[t])  # type: ignore[arg-type]
        avoid = list(dict.fromkeys(r["title"] for r in reasons[t] if r["effect"] == "avoid"))
        info = TREATMENT_INFO[t]
        verdicts[t] = {
            "treatment": t, "name": info.name, "verdict": verdict,
            "summary": _summary(verdict, info.name, avoid, any_goal), "reasons": reasons[t],
            "fit": fit, "fit_reasons": fits[t],
            "fit_summary": _fit_summary(fit, list(dict.fromkeys(r["title"] for r in fits[t]))),
            "downtime": info.downtime, "results": info.results, "event_gap": info.event_gap,
        }  # fmt: skip
        if extra is not None:
            verdicts[t]["decisive"] = extra.decisive[t]
            verdicts[t]["would_improve"] = extra.would_improve[t]
            verdicts[t]["would_worsen"] = extra.would_worsen[t]
    uses_dates = any(q.by_id[k].type == "date" for k in answers.values)
    return Assessment.model_validate(
        {
            "questionnaire": {"id": q.id, "version": q.version, "content_hash": q.content_hash},
            "rules": rules_provenance().model_dump(),
            "as_of": as_of if uses_dates else answers.answered_on,
            "verdicts": verdicts,
            "flags": flags,
            "mesotherapy_expectations": _expectations().model_dump(),
            "disclaimer": DISCLAIMER,
        }
    )


def _flag(rule: Any, kind: str, title: str, used: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": rule.id, "kind": kind, "title": title, "mention": rule.mention,
            "treatments": list(rule.treatments), "answers": used, "source": rule.source}  # fmt: skip


def old_json(a: Assessment) -> str:
    return json.dumps(a.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def _same(q: Questionnaire, data: Any, decisive: bool) -> None:
    expected = reference(q, data, decisive)
    for _ in range(2):  # the second time from the shared parts
        got = assess(data, q, decisive=decisive)
        assert got == expected
        assert got.to_json() == old_json(expected)


@pytest.mark.parametrize("path", [p for p in EXAMPLES if p.is_file()], ids=lambda p: p.name)
@pytest.mark.parametrize("decisive", [False, True])
def test_examples__result_as_validated_afresh(
    questionnaire: Questionnaire, path: Any, decisive: bool
) -> None:
    _same(questionnaire, read_answers_file(path, questionnaire), decisive)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_answers__result_as_validated_afresh(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    answers = data.draw(answers_for(questionnaire))
    _same(questionnaire, answers, decisive=data.draw(st.booleans()))


def test_sparse_answers__unknown_and_no_goal_flags_as_validated_afresh(
    questionnaire: Questionnaire,
) -> None:
    _same(questionnaire, {"age": 34}, decisive=False)
    _same(questionnaire, {"age": 34, "pregnant": "not_sure"}, decisive=True)


def _decimal_age(questionnaire: Questionnaire) -> Questionnaire:
    data = questionnaire.model_dump(mode="json", by_alias=True, exclude_none=True)
    for section in data["sections"]:
        for question in section["questions"]:
            if question["id"] == "age":
                question.update(type="decimal", min=0)
    return questionnaire_from_data(data)


def test_decimal_answers__written_as_before(questionnaire: Questionnaire) -> None:
    # A whole decimal answer a rule read was written as a whole number (pydantic's reading of
    # the answer), and still is.
    q = _decimal_age(questionnaire)
    for age in (2.0, 17.5, 16.0):
        _same(q, {"age": age, "goals": ["fine_lines"]}, decisive=False)
    result = assess({"age": 2.0, "goals": ["fine_lines"]}, q, decisive=False)
    assert '"answer": 2,' in result.to_json()


def _with_answer(result: Assessment, answer: Any) -> Assessment:
    odd = UsedAnswer(question="age", answer=answer, status="answered")
    flag = Flag(id="x", kind="health", title="T", mention="M", treatments=[], answers=[odd],
                source="s")  # fmt: skip
    return result.model_copy(update={"flags": [flag]})


@pytest.mark.parametrize("answer", [1e-5, -9.5e-5, "a\ud800b", 2.5, "é"])
def test_to_json__odd_answers_written_as_json_dumps_wrote_them(
    questionnaire: Questionnaire, answer: Any
) -> None:
    result = _with_answer(assess({"age": 34}, questionnaire, decisive=False), answer)
    assert result.to_json() == old_json(result)


def reference_fact(found: Any) -> dict[str, Any]:
    """The engine's fact as it was built: every property a rule tests, with a value tested."""
    tested = fact_properties()
    fact: dict[str, Any] = {}

    def put(prop: str, value: Any) -> None:
        wanted = tested.get(prop)
        if wanted is not None and (value in wanted or ANY_NUMBER in wanted):
            fact[prop] = value

    for qid, value in found.values.items():
        if isinstance(value, list):
            for choice in value:
                put(f"{qid}__{choice}", 1)
        elif isinstance(value, str):
            put(qid, value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            put(f"{qid}__n", value)
    if found.unknown:
        fact[SAFETY_UNKNOWN] = 1
    return fact


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_generated_answers__engine_fact_as_built_before(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    answers = validate_answers(data.draw(answers_for(questionnaire)), questionnaire)
    found = rule_values(questionnaire, answers, dt.date(2026, 11, 20))
    fact = fact_from_values(found)
    assert list(fact.items()) == list(reference_fact(found).items())

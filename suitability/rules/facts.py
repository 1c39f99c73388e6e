"""The answers as the rules see them: rule values for the plain-Python evaluation, and the lean
answers fact for durable-rules, both from one pass over the questionnaire.

Rule values map a question id to its answer, with a date as days from ``as_of`` and
``"unanswered"`` for a shown question left blank; a hidden question has no entry. The engine's
fact flattens them: a ticked choice becomes ``q__choice: 1``, a number or date ``q__n`` (so a
comparison never meets a string), a string stays ``q``; and it keeps only what some rule tests,
because each fired action makes durable-rules re-encode the matched fact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from ..answers import Answers
from ..questionnaire import SPECIAL_VALUES, Questionnaire
from .model import SAFETY_UNKNOWN, UNANSWERED, Derivation, Rule, RuleCondition, default_rules

__all__ = ["ANY_NUMBER", "RuleValues", "build_fact", "fact_from_values", "fact_properties",
           "rule_values"]  # fmt: skip

#: In :func:`fact_properties`: the property is a number, and every value is read.
ANY_NUMBER = "any number"


class RuleValues(NamedTuple):
    """What the rules read of one person's answers."""

    values: dict[str, Any]
    #: Safety questions answered not sure, declined or left unanswered, in questionnaire order.
    unknown: list[str]

    @property
    def safety_unknown(self) -> bool:
        return bool(self.unknown)

    def replaced(self, questionnaire: Questionnaire, question_id: str, value: Any) -> RuleValues:
        """These values with one answer replaced (a rule value: days for a date, ``None`` to
        remove it), its unknown-safety state recomputed; for asking what another answer would
        do. Questions shown or hidden by the new answer are not revisited."""
        values = dict(self.values)
        if value is None:
            values.pop(question_id, None)
        else:
            values[question_id] = value
        question = questionnaire.by_id[question_id]
        unknown = [q for q in self.unknown if q != question_id]
        if question.safety and isinstance(value, str) and value in (UNANSWERED, *SPECIAL_VALUES):
            position = {q.id: i for i, q in enumerate(questionnaire.questions)}
            unknown = sorted([*unknown, question_id], key=position.__getitem__)
        return RuleValues(values, unknown)


def rule_values(questionnaire: Questionnaire, answers: Answers, as_of: dt.date) -> RuleValues:
    """The answers as rule conditions read them (see the module's docstring)."""
    values: dict[str, Any] = {}
    unknown: list[str] = []
    given = answers.values
    for qid, show_if, is_date, is_text, safety in _plan(questionnaire):
        value = given.get(qid)
        if value is None:
            if show_if is not None and not show_if.holds(given):
                continue
            value = UNANSWERED
        elif is_date and isinstance(value, str) and value not in SPECIAL_VALUES:
            value = (dt.date.fromisoformat(value) - as_of).days
        elif is_text:
            if safety and value in SPECIAL_VALUES:
                unknown.append(qid)
            continue  # free text is never read by rules
        values[qid] = value
        if safety and isinstance(value, str) and value in _UNKNOWN:
            unknown.append(qid)
    return RuleValues(values, unknown)


_UNKNOWN = frozenset((UNANSWERED, *SPECIAL_VALUES))
_PLANS: dict[int, tuple[Questionnaire, list[tuple[str, Any, bool, bool, bool]]]] = {}


def _plan(questionnaire: Questionnaire) -> list[tuple[str, Any, bool, bool, bool]]:
    """Per question, in order: id, show-if, is a date, is free text, is a safety question;
    made once per questionnaire (kept alive here, so its id is not reused)."""
    found = _PLANS.get(id(questionnaire))
    if found is None or found[0] is not questionnaire:
        if len(_PLANS) >= 64:
            _PLANS.clear()
        plan = [
            (q.id, q.show_if, q.type == "date", q.type == "text", q.safety)
            for q in questionnaire.questions
        ]
        found = _PLANS[id(questionnaire)] = (questionnaire, plan)
    return found[1]


def fact_from_values(found: RuleValues) -> dict[str, Any]:
    """The lean answers fact durable-rules is given (without its ``t`` and ``sid``)."""
    tested = _tested()
    fact: dict[str, Any] = {}
    for qid, value in found.values.items():
        if isinstance(value, list):
            for choice in value:
                tick = _tick(qid, choice)
                if tick is not None:
                    fact[tick] = 1
            continue
        if isinstance(value, str):
            prop = qid
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            prop = _NUMBER.get(qid) or _NUMBER.setdefault(qid, f"{qid}__n")
        else:
            continue
        wanted = tested.get(prop)
        if wanted is not None and (value in wanted or ANY_NUMBER in wanted):
            fact[prop] = value
    if found.unknown:
        fact[SAFETY_UNKNOWN] = 1
    return fact


# Property names, made once: each answer would otherwise format its own. Bounded by the
# questions and choices of the questionnaires in use; cleared if that ever grows large.
_NUMBER: dict[str, str] = {}
_TICKS: dict[tuple[str, str], str | None] = {}
_UNSEEN = object()


def _tick(qid: str, choice: str) -> str | None:
    """The property a ticked choice gives (``q__choice``), or None when no rule tests it."""
    key = (qid, choice)
    known = _TICKS.get(key, _UNSEEN)
    if known is not _UNSEEN:
        return known  # type: ignore[return-value]
    prop = f"{qid}__{choice}"
    wanted = _tested().get(prop)
    found = prop if wanted is not None and (1 in wanted or ANY_NUMBER in wanted) else None
    if len(_TICKS) >= 4_096:
        _TICKS.clear()
    _TICKS[key] = found
    return found


def build_fact(
    questionnaire: Questionnaire, answers: Answers, as_of: dt.date
) -> tuple[dict[str, Any], list[str]]:
    """The answers as one flat fact for the engine, and the unknown safety questions."""
    found = rule_values(questionnaire, answers, as_of)
    return fact_from_values(found), found.unknown


def leaf_properties(leaf: RuleCondition) -> Iterable[tuple[str, Any]]:
    """The fact properties one test reads, with the values it tests for."""
    if leaf.safety_unknown is not None:
        yield SAFETY_UNKNOWN, 1
        return
    q = leaf.question
    if q is None:
        return  # a derived fact: asserted by a derivation, not read from the answers
    if leaf.any_of is not None:
        for choice in leaf.any_of:
            yield f"{q}__{choice}", 1
    elif leaf.equals is not None or leaf.one_of is not None:
        for value in [leaf.equals] if leaf.equals is not None else leaf.one_of or []:
            if isinstance(value, str):
                yield q, value
            else:
                yield f"{q}__n", value
    else:
        yield f"{q}__n", ANY_NUMBER


def fact_properties(
    rules: Iterable[Rule] | None = None, derivations: Iterable[Derivation] | None = None
) -> dict[str, frozenset[Any]]:
    """Every property of the answers fact that some rule or derivation tests, with the values
    it tests for (``ANY_NUMBER`` for comparisons)."""
    shipped = default_rules()
    conditions = [r.when for r in (shipped.rules if rules is None else rules)]
    conditions += [d.when for d in (shipped.derivations if derivations is None else derivations)]
    tested: dict[str, set[Any]] = {}
    for cond in conditions:
        for leaf in cond.leaves():
            for prop, value in leaf_properties(leaf):
                tested.setdefault(prop, set()).add(value)
    return {prop: frozenset(values) for prop, values in tested.items()}


@lru_cache(maxsize=1)
def _tested() -> Mapping[str, frozenset[Any]]:
    return fact_properties()

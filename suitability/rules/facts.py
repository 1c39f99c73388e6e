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
from functools import lru_cache, partial
from typing import Any, NamedTuple

from .._values import parse_date
from ..answers import HEADER_KEYS, Answers, AnswerValue, _plain_value
from ..questionnaire import SPECIAL_VALUES, Questionnaire
from .model import SAFETY_UNKNOWN, UNANSWERED, Derivation, Rule, RuleCondition, default_rules

__all__ = ["ANY_NUMBER", "PlainRead", "RuleValues", "build_fact", "fact_from_values",
           "fact_properties", "read_plain", "rule_values"]  # fmt: skip

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
    for qid, show_if, _, _, step in _reading(questionnaire)[0]:
        value = given.get(qid)
        if value is None:
            if show_if is not None and not show_if.holds(given):
                continue
            value = UNANSWERED
        elif step.is_date and isinstance(value, str) and value not in SPECIAL_VALUES:
            value = (dt.date.fromisoformat(value) - as_of).days
        elif step.is_text:
            if step.safety and value in SPECIAL_VALUES:
                unknown.append(qid)
            continue  # free text is never read by rules
        values[qid] = value
        if step.safety and isinstance(value, str) and value in _UNKNOWN:
            unknown.append(qid)
    return RuleValues(values, unknown)


_UNKNOWN = frozenset((UNANSWERED, *SPECIAL_VALUES))


def fact_from_values(found: RuleValues) -> dict[str, Any]:
    """The lean answers fact durable-rules is given (without its ``t`` and ``sid``)."""
    fact: dict[str, Any] = {}
    for qid, value in found.values.items():
        _keep(fact, qid, value)
    if found.unknown:
        fact[SAFETY_UNKNOWN] = 1
    return fact


def _keep(fact: dict[str, Any], qid: str, value: Any) -> None:
    """Puts in ``fact`` what it keeps of one rule value: a ticked choice (``q__choice: 1``),
    a number (``q__n``) or a word (``q``), each only if some rule tests for it."""
    if isinstance(value, list):
        for choice in value:
            tick = _tick(qid, choice)
            if tick is not None:
                fact[tick] = 1
        return
    if isinstance(value, str):
        prop = qid
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        prop = _NUMBER.get(qid) or _NUMBER.setdefault(qid, f"{qid}__n")
    else:
        return
    wanted = _tested().get(prop)
    if wanted is not None and (value in wanted or ANY_NUMBER in wanted):
        fact[prop] = value


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


# --------------------------------------------------------------------------- one pass


class PlainRead(NamedTuple):
    """A caller's answers read in one pass: the values as :func:`validate_answers` keeps them,
    the day they were given, the day dates were counted from (that day, else today), what the
    rules read of them, and the engine's fact."""

    values: dict[str, AnswerValue]
    answered_on: dt.date | None
    as_of: dt.date
    found: RuleValues
    fact: dict[str, Any]


def read_plain(data: Any, questionnaire: Questionnaire) -> PlainRead | None:
    """Validation, rule values and the fact in one pass, for the usual case: a plain dict of
    answers (or an answers-file dict) of this questionnaire's version, every value valid and
    most of them seen before. Anything else, an invalid answer included, gives None: the full
    readers then say what is wrong, where (they are the reference this pass is tested
    against). Dates are counted from the day the answers were given, else today."""
    if data.__class__ is not dict:
        return None
    plan, by_id = _reading(questionnaire)
    answered_on: Any = None
    raw = data
    if "answers" in data and "answers" not in by_id:
        raw = data["answers"]
        if raw.__class__ is not dict:
            return None
        for key in data:
            if key != "answers" and key not in HEADER_KEYS:
                return None
        qid = data.get("questionnaire")
        version = data.get("questionnaire_version")
        if (qid is not None and qid != questionnaire.id) or (
            version is not None and version != questionnaire.version
        ):
            return None
        answered_on = data.get("answered_on")
        if answered_on is not None:
            if answered_on.__class__ is str:
                answered_on = parse_date(answered_on)
                if answered_on is None:
                    return None
            elif answered_on.__class__ is not dt.date:
                return None
    if not raw.keys() <= by_id:  # an unknown question (or a key that is not one)
        return None
    day = answered_on or dt.date.today()
    values: dict[str, AnswerValue] = {}
    rule: dict[str, Any] = {}
    unknown: list[str] = []
    fact: dict[str, Any] = {}
    for qid, show_if, known, unanswered, step in plan:
        given = raw.get(qid)
        if show_if is not None and not show_if.holds(values):
            if given is not None:
                return None  # an answer to a question that was not asked
            continue
        if given is None:
            gives, is_unknown = unanswered
            rule[qid] = UNANSWERED
            if gives:
                fact.update(gives)
            if is_unknown:
                unknown.append(qid)
            continue
        kind = given.__class__
        if kind is str or kind is int:
            memo: Any = given
        elif kind is list:
            memo = tuple(given)
            for item in memo:
                if item.__class__ is not str:
                    memo = None
                    break
        else:
            memo = None
        # What this answer reads as, and gives the rules, when it was met before.
        seen = known.get(memo) if memo is not None else None
        if seen is None:
            seen = _read_one(step, given, day)
            if seen is None:
                return None
            if memo is not None and step.memo:
                if len(known) >= 512:
                    known.clear()
                known[memo] = seen
        value, ruled, gives, is_unknown = seen
        if value.__class__ is list:
            value = value.copy()  # each caller keeps its own
            ruled = value
        values[qid] = value
        if ruled is not _SKIP:
            rule[qid] = ruled
        if gives:
            fact.update(gives)
        if is_unknown:
            unknown.append(qid)
    if unknown:
        fact[SAFETY_UNKNOWN] = 1
    return PlainRead(values, answered_on, day, RuleValues(rule, unknown), fact)


class _Step(NamedTuple):
    """How one question's answers are read: its id, reader, check against the day (dated
    questions), whether it is a date, free text or a safety question, and whether what an
    answer gives can be kept for the next person (not when it depends on the day)."""

    qid: str
    read: Any
    bound: Any
    is_date: bool
    is_text: bool
    safety: bool
    memo: bool


#: A rule value that is not there: free text is never read by rules.
_SKIP = object()


def _read_one(
    step: _Step, given: Any, day: dt.date
) -> tuple[Any, Any, dict[str, Any], bool] | None:
    """One answer: (the value as validated, what the rules read, what it gives the engine's
    fact, whether it is an unknown safety answer), or None when it is wrong, or of a type
    validating Answers would change."""
    value, error = step.read(given)
    if error is not None or value is None or not _plain_value(value):
        return None
    if step.bound is not None and step.bound(value, day) is not None:
        return None
    if step.is_text:
        return value, _SKIP, {}, step.safety and value in SPECIAL_VALUES
    ruled = value
    if step.is_date and value not in SPECIAL_VALUES:
        ruled = (dt.date.fromisoformat(value) - day).days
    return ruled_parts(step, value, ruled)


def ruled_parts(step: _Step, value: Any, ruled: Any) -> tuple[Any, Any, dict[str, Any], bool]:
    """A valid answer's parts: the value, its rule value, what the fact keeps of it, whether
    it is an unknown safety answer."""
    gives: dict[str, Any] = {}
    _keep(gives, step.qid, ruled)
    is_unknown = step.safety and ruled.__class__ is str and ruled in _UNKNOWN
    return value, ruled, gives, is_unknown


_Plan = list[tuple[str, Any, dict[Any, Any], tuple[dict[str, Any], bool], _Step]]
_READINGS: dict[int, tuple[Questionnaire, _Plan, Any]] = {}


def _reading(questionnaire: Questionnaire) -> tuple[_Plan, Any]:
    """Per question, in order, what :func:`read_plain` and :func:`rule_values` need: its id,
    show-if, what its common answers give (filled as they are met), what no answer gives, and
    how its answers are read; with the questionnaire's ids. Made once per questionnaire (kept
    alive here, so its id is not reused)."""
    found = _READINGS.get(id(questionnaire))
    if found is None or found[0] is not questionnaire:
        if len(_READINGS) >= 64:
            _READINGS.clear()
        plan: _Plan = []
        for q in questionnaire.questions:
            step = _Step(
                q.id,
                q.read,
                partial(q.kind.bound_problem, q) if q.kind.dated else None,
                q.type == "date",
                q.type == "text",
                q.safety,
                not q.kind.dated,
            )
            _, _, gives, is_unknown = ruled_parts(step, None, UNANSWERED)
            plan.append((q.id, q.show_if, {}, (gives, is_unknown), step))
        found = _READINGS[id(questionnaire)] = (questionnaire, plan, questionnaire.by_id.keys())
    return found[1], found[2]

"""The assessment contract: :func:`assess` turns answers into a verdict per treatment, each with
its reasons and, apart from it, how the treatment fits the person's plans, plus person-level
flags and the versions of everything used.

Safety and plans are kept apart: :func:`combine` makes the verdict from goals and health and
safety rows only; :func:`plan_fit` says how the treatment fits what the person said about
recovery time, needles, visits and an upcoming event, and never changes the verdict.

``assess`` is pure: it never prompts, prints or touches files, and the same answers always give
the same (byte-identical) JSON.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any, Literal, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic_core import PydanticSerializationError

from ._json import plain_json
from .answers import Answers, AnswerStatus, AnswerValue, validate_answers
from .questionnaire import SPECIAL_VALUES, Questionnaire, default_questionnaire
from .rules.catalogue import (
    DERIVATIONS,
    RULES,
    RULESET,
    RULESET_ID,
    RULESET_VERSION,
    TREATMENTS,
    Cell,
    Rule,
)
from .rules.decisive import Decisive, find_decisive
from .rules.facts import (  # noqa: F401 (build_fact: kept importable here)
    PlainRead,
    RuleValues,
    build_fact,
    fact_from_values,
    read_plain,
    rule_values,
)
from .treatments import MESOTHERAPY, TREATMENT_INFO

__all__ = [
    "DISCLAIMER",
    "Assessment",
    "ChangedAnswer",
    "DecisiveAnswer",
    "DecisiveOption",
    "Expectations",
    "Fit",
    "FitReason",
    "Flag",
    "Provenance",
    "Reason",
    "TreatmentVerdict",
    "UsedAnswer",
    "Verdict",
    "VerdictChange",
    "Worsening",
    "assess",
    "combine",
    "plan_fit",
]

Verdict = Literal[
    "worth_discussing", "discuss_with_caution", "avoid_until_reviewed", "not_relevant"
]
Effect = Literal["relevant", "caution", "avoid"]
_EFFECT: dict[str, Effect] = {"I": "relevant", "C": "caution", "A": "avoid"}
#: How a treatment fits the person's plans: ``fits`` (no plans row applies),
#: ``ask_the_practitioner`` (a plans row with a C cell applies) or ``does_not_fit`` (a plans row
#: with an A cell applies).
Fit = Literal["fits", "ask_the_practitioner", "does_not_fit"]
_FIT: dict[str, Fit] = {"C": "ask_the_practitioner", "A": "does_not_fit"}
FlagKind = Literal["no_goals", "health", "unknown_answers", "plans"]


def combine(relevant: bool, safety_cells: Iterable[Cell]) -> Verdict:
    """The reference's combination rule (2.1), over goals and health and safety rows only.

    ``relevant``: some chosen goal has an ``I`` cell for the treatment; if none does, the verdict
    is ``not_relevant`` whatever else applies (flags still say it). ``safety_cells``: the
    treatment's cells in every health or safety row that fired; the most conservative wins:
    any ``A`` gives ``avoid_until_reviewed``, else any ``C`` gives ``discuss_with_caution``, else
    (only ``N``, or nothing) ``worth_discussing``. Plans rows are never passed here (see
    :func:`plan_fit`).
    """
    if not relevant:
        return "not_relevant"
    cells = set(safety_cells)
    if "A" in cells:
        return "avoid_until_reviewed"
    if "C" in cells:
        return "discuss_with_caution"
    return "worth_discussing"


def plan_fit(plan_cells: Iterable[Cell]) -> Fit:
    """How a treatment fits the person's plans, from its cells in every plans row that fired
    (recovery time, needles, one visit only, an upcoming event): any ``A`` gives
    ``does_not_fit``, else any ``C`` gives ``ask_the_practitioner``, else ``fits``. It never
    changes the verdict."""
    cells = set(plan_cells)
    if "A" in cells:
        return "does_not_fit"
    if "C" in cells:
        return "ask_the_practitioner"
    return "fits"


DISCLAIMER = (
    "This is a screening aid to prepare for a consultation, not medical advice. It does not "
    "diagnose anything, and it cannot say whether a treatment is right for you: only a "
    "qualified practitioner can, after a consultation. It never suggests starting, stopping or "
    "changing a medicine."
)

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_UNKNOWN_HOW = {
    "not_sure": "was answered 'not sure'",
    "prefer_not_to_say": "was answered 'prefer not to say'",
    "unanswered": "was left unanswered",
    "not_asked": "was not asked",
    "answered": "was answered",
}


class UsedAnswer(BaseModel):
    """An answer a rule read: the question id, the value (None when not answered), its status."""

    model_config = _FROZEN

    question: str
    answer: AnswerValue | None = Field(union_mode="left_to_right")
    status: AnswerStatus


class Reason(BaseModel):
    """Why a verdict is what it is: one rule, in plain words, with the answers and the source."""

    model_config = _FROZEN

    rule: str
    title: str
    effect: Effect
    text: str
    answers: list[UsedAnswer]
    source: str


class FitReason(BaseModel):
    """Why a treatment may not fit the person's plans: one plans row, in plain words, with the
    answers and the source. ``fit`` is what this row alone gives (a C cell: ask the
    practitioner; an A cell: does not fit)."""

    model_config = _FROZEN

    rule: str
    title: str
    fit: Fit
    text: str
    answers: list[UsedAnswer]
    source: str


class DecisiveOption(BaseModel):
    """One possible answer to an unknown question and the verdict it would give."""

    model_config = _FROZEN

    answer: str
    verdict: Verdict


class DecisiveAnswer(BaseModel):
    """An unknown safety answer that decides the verdict: the question, how it was answered
    (not sure, prefer not to say, unanswered) and what each possible answer would give."""

    model_config = _FROZEN

    question: str
    status: AnswerStatus
    options: list[DecisiveOption]


class ChangedAnswer(BaseModel):
    model_config = _FROZEN

    question: str
    answer: str


class VerdictChange(BaseModel):
    """A set of answers whose clarification or difference would give ``verdict``."""

    model_config = _FROZEN

    answers: list[ChangedAnswer]
    verdict: Verdict


class Worsening(BaseModel):
    """Answers to one question, each of which alone would give the worse ``verdict``."""

    model_config = _FROZEN

    question: str
    answers: list[str]
    verdict: Verdict


class TreatmentVerdict(BaseModel):
    """One treatment: the verdict (from goals and health and safety answers only, see
    :func:`combine`) with its reasons, and apart from it ``fit``, how it fits the person's plans
    (see :func:`plan_fit`), with ``fit_summary`` and ``fit_reasons``."""

    model_config = _FROZEN

    treatment: str
    name: str
    verdict: Verdict
    summary: str
    reasons: list[Reason]
    fit: Fit
    fit_summary: str
    fit_reasons: list[FitReason]
    downtime: str
    results: str
    event_gap: str
    #: Computed from the rule data (see :mod:`suitability.rules.decisive`), for the practitioner.
    # Factories, not `= []`: pydantic deep-copies a mutable default for every instance.
    decisive: list[DecisiveAnswer] = Field(default_factory=list)
    would_improve: list[VerdictChange] = Field(default_factory=list)
    would_worsen: list[Worsening] = Field(default_factory=list)


class Flag(BaseModel):
    """Something to mention to the practitioner, whatever the verdicts. ``kind`` says what it is
    about: ``health`` (a health or safety answer), ``plans`` (recovery time, needles, visits,
    an event), ``unknown_answers`` (safety questions answered not sure, declined or left
    unanswered: ``answers`` lists them) or ``no_goals``."""

    model_config = _FROZEN

    id: str
    kind: FlagKind
    title: str
    mention: str
    treatments: list[str]
    answers: list[UsedAnswer]
    source: str


class Provenance(BaseModel):
    model_config = _FROZEN

    id: str
    version: str
    content_hash: str


class SideEffect(BaseModel):
    model_config = _FROZEN

    name: str
    how_long: str
    note: str


class Expectations(BaseModel):
    """What the mesotherapy article says to expect."""

    model_config = _FROZEN

    side_effects: list[SideEffect]
    aftercare: list[str]
    results_timeline: list[str]
    choosing_a_provider: list[str]
    evidence_note: str
    source: str


class Assessment(BaseModel):
    """A verdict for each of the seven treatments, with reasons, flags and versions."""

    model_config = _FROZEN

    questionnaire: Provenance
    rules: Provenance
    as_of: dt.date | None
    verdicts: dict[str, TreatmentVerdict]
    flags: list[Flag]
    mesotherapy_expectations: Expectations
    disclaimer: str

    def to_json(self) -> str:
        """The stable JSON form (the same answers always give the same bytes)."""
        # pydantic's serialiser writes what model_dump + json.dumps wrote, several times faster,
        # except a float below 1e-4 (only an answer can be one) or a lone surrogate in text.
        if all(plain_json(u.answer) for u in self._used_answers()):
            try:
                return self.model_dump_json(indent=2) + "\n"
            except PydanticSerializationError:
                pass
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"

    def _used_answers(self) -> Iterator[UsedAnswer]:
        for verdict in self.verdicts.values():
            for reason in verdict.reasons:
                yield from reason.answers
            for fit_reason in verdict.fit_reasons:
                yield from fit_reason.answers
        for flag in self.flags:
            yield from flag.answers


# --------------------------------------------------------------------------- fixed parts


@lru_cache(maxsize=1)
def rules_provenance() -> Provenance:
    """The rule set's id, version and a hash of its whole content (cells, triggers, wording)."""
    payload = json.dumps(
        {
            "rules": [r.model_dump(mode="json", by_alias=True) for r in RULES],
            "derivations": [d.model_dump(mode="json", by_alias=True) for d in DERIVATIONS],
        },
        sort_keys=True,
    )
    digest = "sha256:" + hashlib.sha256(payload.encode()).hexdigest()[:16]
    return Provenance(id=RULESET_ID, version=RULESET_VERSION, content_hash=digest)


@lru_cache(maxsize=1)
def _expectations() -> Expectations:
    data = asdict(MESOTHERAPY)
    return Expectations.model_validate(data)


def _summary(verdict: Verdict, name: str, avoid_titles: list[str], any_goal: bool) -> str:
    if verdict == "not_relevant":
        if not any_goal:
            return f"No goal was chosen, so {name} was not matched to one."
        return f"{name} is not usually offered for the goals you chose."
    if verdict == "worth_discussing":
        return (
            f"{name} may be worth discussing with a qualified practitioner. Nothing in your "
            "health answers calls for extra caution; only the practitioner can decide whether it "
            "suits you."
        )
    if verdict == "discuss_with_caution":
        return (
            f"{name} may be worth discussing with a qualified practitioner, with caution: some of "
            "your answers need a closer look first."
        )
    reviewed = "; ".join(t.lower() for t in avoid_titles)
    return f"{name} is not advisable until a qualified practitioner has reviewed: {reviewed}."


def _fit_summary(fit: Fit, titles: list[str]) -> str:
    # Plain words about plans, never a medical caution.
    said = "; ".join(t[0].lower() + t[1:] for t in titles)
    if fit == "fits":
        return "Nothing you said about your plans stands in the way."
    if fit == "ask_the_practitioner":
        return f"Ask the practitioner how it would fit your plans. You said: {said}."
    return f"It may not fit what you said about your plans: {said}."


# --------------------------------------------------------------------------- assess


class _Shape(NamedTuple):
    """What assessing reads of a questionnaire on every call, computed once per questionnaire."""

    questionnaire: Questionnaire
    position: dict[str, int]
    dates: frozenset[str]


# Keyed by identity (a questionnaire holds lists, so it cannot be hashed); each entry keeps its
# questionnaire alive, so an id is never reused while it is here. Bounded: cleared when full.
_SHAPES: dict[int, _Shape] = {}


def _shape(q: Questionnaire) -> _Shape:
    found = _SHAPES.get(id(q))
    if found is None or found.questionnaire is not q:
        if len(_SHAPES) >= 64:
            _SHAPES.clear()
        found = _SHAPES[id(q)] = _Shape(
            q,
            {qid: i for i, qid in enumerate(q.by_id)},
            frozenset(x.id for x in q.questions if x.type == "date"),
        )
    return found


def _used(
    questionnaire: Questionnaire,
    values: Mapping[str, Any],
    shown: Mapping[str, Any],
    ids: tuple[str, ...],
) -> list[tuple[str, Any, str]]:
    """The answers a rule read: (question id, value or None, status). ``shown`` is what the
    rules read (see :func:`rule_values`): a question with no answer is there only when it was
    shown, so it tells an unanswered question from one that was not asked."""
    out = []
    by_id = questionnaire.by_id
    for qid in ids:
        if qid not in by_id:
            continue
        value = values.get(qid)
        if value is None:
            status = "unanswered" if qid in shown else "not_asked"
        elif value in SPECIAL_VALUES:
            status = str(value)
        else:
            status = "answered"
        out.append((qid, value, status))
    return out


def assess(
    answers: Answers | Mapping[str, Any],
    questionnaire: Questionnaire | None = None,
    *,
    decisive: bool = True,
) -> Assessment:
    """Assesses ``answers`` (an :class:`Answers` or a mapping of question id to value, validated
    first) against ``questionnaire`` (default: the shipped one).

    Raises AnswersError for invalid answers and RulesError if the rule set does not fit the
    questionnaire or a rule fails: never a silently incomplete assessment.
    """
    from .rules.check import ensure_rules_fit
    from .rules.engine import get_engine

    q = questionnaire or default_questionnaire()
    ensure_rules_fit(q)
    # A caller's plain mapping is read in one pass when it is valid; otherwise (and for an
    # Answers, already validated) the full readers, which say what is wrong and where.
    read = read_plain(answers, q)
    if read is None:
        valid = validate_answers(answers, q)
        as_of = valid.answered_on or dt.date.today()
        found = rule_values(q, valid, as_of)
        read = PlainRead(valid.values, valid.answered_on, as_of, found, fact_from_values(found))
    values, answered_on, as_of, found, fact = read
    hits = get_engine().run(fact)
    extra = find_decisive(RULESET, q, values, found) if decisive else None
    if not _shape(q).dates.isdisjoint(values):
        answered_on = as_of  # dates were counted from this day: say which
    return _compose(q, values, found, hits, answered_on, extra)


class _Firing(NamedTuple):
    """What one rule firing on given answers contributes, as validated parts: its verdict
    reasons (goal and health and safety rows) and fit reasons (plans rows), each with the
    treatment's index in ``TREATMENTS``; per treatment, in that order, the caution (1) or avoid
    (2) it adds to the verdict (health and safety rows) or to the fit (plans rows), 0 where
    none; the treatments it makes relevant (goal rows); its flag (health and plans rows); the
    answers it read. Cautions and avoids are bit masks: bit i for the treatment at index i."""

    reasons: tuple[tuple[int, Reason], ...]
    fit_reasons: tuple[tuple[int, FitReason], ...]
    cautions: int
    avoids: int
    plan_cautions: int
    plan_avoids: int
    relevant: tuple[str, ...]
    flag: Flag | None
    used: tuple[UsedAnswer, ...]


# The parts of a result recur from one person to the next (the same rule on the same answers,
# a flag): each is validated once and shared, within an assessment and across assessments, so
# that an assessment validates only what is new in it. Bounded: cleared when full. Concurrent
# use at worst builds a duplicate. Shared parts are frozen models.
_FIRINGS: dict[tuple[Any, ...], _Firing] = {}
_FLAGS: dict[tuple[Any, ...], Flag] = {}
_CACHE_MAX = 4_096  # a few MB at most each; real workloads need about 2,000


def _bounded(cache: dict[Any, Any]) -> dict[Any, Any]:
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    return cache


def _used_key(
    values: Mapping[str, Any], shown: Mapping[str, Any], ids: tuple[str, ...]
) -> tuple[Any, ...]:
    """What :func:`_used` would give, as a key, without building it: the type is part of it (1
    and 1.0 must not share a reason); a given answer's status follows from its value, a
    missing one's from whether it was shown. (Each part is a bool, or a type then a value.)"""
    if len(ids) == 1:  # the unanswered-safety rule, once per question
        value = values.get(ids[0])
        if value is None:
            return (ids[0] in shown,)
        if value.__class__ is list:
            return (list, tuple(value))
        return (value.__class__, value)
    out: list[Any] = []
    for qid in ids:
        value = values.get(qid)
        if value is None:
            out.append(qid in shown)
        elif value.__class__ is list:
            out += (list, tuple(value))
        else:
            out += (value.__class__, value)
    return tuple(out)


def _firing(
    q: Questionnaire,
    values: Mapping[str, Any],
    shown: Mapping[str, Any],
    rule: Rule,
    question: str | None,
) -> _Firing:
    """What ``rule`` contributes (for the unanswered-safety rule, about ``question``)."""
    ids = (question,) if question else rule.reads
    key = (q.content_hash, rule.id, question, _used_key(values, shown, ids))
    found = _FIRINGS.get(key)
    if found is not None:
        return found
    used = _used(q, values, shown, ids)
    answers_used = tuple(
        UsedAnswer.model_validate({"question": qid, "answer": value, "status": status})
        for qid, value, status in used
    )
    text = rule.rationale
    if question:
        how = _UNKNOWN_HOW[used[0][2]] if used else "was left unanswered"
        text = f"'{q.by_id[question].label}' {how}. {text}"
    shared: dict[Cell, Any] = {}  # one reason per cell, shared by its treatments
    shared_for = frozenset(rule.treatments)
    for t in rule.treatments:
        cell = rule.cells[t]
        if cell not in shared:
            shared[cell] = _reason(rule, cell, text, answers_used)
    given = tuple((i, shared[rule.cells[t]]) for i, t in enumerate(TREATMENTS) if t in shared_for)
    cautions = sum(1 << i for i, t in enumerate(TREATMENTS) if rule.cells[t] == "C")
    avoids = sum(1 << i for i, t in enumerate(TREATMENTS) if rule.cells[t] == "A")
    flag = None
    if rule.kind != "goal" and rule.treatments and question is None:
        kind: FlagKind = "plans" if rule.kind == "preference" else "health"
        flag = _built(Flag, _flag(rule, kind, rule.title, list(answers_used)), _FLAG_GIVEN)
    plans = rule.kind == "preference"
    found = _bounded(_FIRINGS)[key] = _Firing(
        reasons=() if plans else given,
        fit_reasons=given if plans else (),
        cautions=0 if rule.kind in ("goal", "preference") else cautions,
        avoids=0 if rule.kind in ("goal", "preference") else avoids,
        plan_cautions=cautions if plans else 0,
        plan_avoids=avoids if plans else 0,
        relevant=rule.treatments if rule.kind == "goal" else (),
        flag=flag,
        used=answers_used,
    )
    return found


def _reason(rule: Rule, cell: Cell, text: str, used: tuple[UsedAnswer, ...]) -> Reason | FitReason:
    """A verdict reason (goal and health rows) or, for a plans row, a fit reason: texts of the
    validated rule set, and answers already validated, put together (see `_built`)."""
    if rule.kind == "preference":
        return _built(
            FitReason,
            {
                "rule": rule.id,
                "title": rule.title,
                "fit": _FIT[cell],
                "text": text,
                "answers": list(used),
                "source": rule.source,
            },
            _FIT_REASON_GIVEN,
        )
    return _built(
        Reason,
        {
            "rule": rule.id,
            "title": rule.title,
            "effect": _EFFECT[cell],
            "text": text,
            "answers": list(used),
            "source": rule.source,
        },
        _REASON_GIVEN,
    )


def _compose(
    q: Questionnaire,
    values: Mapping[str, Any],
    found: RuleValues,
    hits: list[Any],
    as_of: dt.date | None,
    extra: Decisive | None = None,
) -> Assessment:
    """Builds the assessment from validated parts, most of them shared with earlier
    assessments (see ``_FIRINGS``). The unanswered-safety rule fires once; it gives one reason
    per unknown safety question, naming it. Goal rows decide relevance, health and safety
    rows the verdict (:func:`combine`), plans rows the fit (:func:`plan_fit`)."""
    shown = found.values
    # Firing order between rules is not guaranteed by the engine: catalogue order, then (for
    # the unanswered-safety rule) questionnaire order.
    position = _shape(q).position
    order: list[tuple[int, int, Rule, str | None]] = []
    for h in hits:
        found_rule = _CATALOGUE_AT.get(h.rule)
        if found_rule is None:
            continue  # a derivation: its effect is in the rules it fed
        at, rule = found_rule
        if rule.when.safety_unknown:
            order.extend(
                (at, position.get(question, -1), rule, question) for question in found.unknown
            )
        else:
            order.append((at, -1, rule, None))
    order.sort(key=_FIRST_TWO)
    fired = [(rule, question) for _, _, rule, question in order]
    firings = [_firing(q, values, shown, rule, question) for rule, question in fired]
    # Per treatment, in TREATMENTS order: its reasons in firing order, and the most
    # conservative cell, as :func:`combine` and :func:`plan_fit` rank them.
    reasons: list[list[Reason]] = [[] for _ in TREATMENTS]
    fit_reasons: list[list[FitReason]] = [[] for _ in TREATMENTS]
    cautions = avoids = plan_cautions = plan_avoids = 0
    for firing in firings:
        for i, reason in firing.reasons:
            reasons[i].append(reason)
        for i, fit_reason in firing.fit_reasons:
            fit_reasons[i].append(fit_reason)
        cautions |= firing.cautions
        avoids |= firing.avoids
        plan_cautions |= firing.plan_cautions
        plan_avoids |= firing.plan_avoids
    relevant: set[str] = set()
    flags: list[Flag] = []
    unknown_used: list[UsedAnswer] = []
    unknown_rule: Rule | None = None
    any_goal = False
    for (rule, question), firing in zip(fired, firings, strict=True):
        if rule.kind == "goal":
            any_goal = True
            relevant.update(firing.relevant)
        elif question is not None:
            if rule.treatments:
                unknown_used.extend(firing.used)
                unknown_rule = rule
        elif firing.flag is not None:
            flags.append(firing.flag)
    if unknown_rule is not None:
        flags.insert(0, _unknown_flag(q, unknown_rule, unknown_used))
    if not any_goal:
        flags.insert(0, _no_goals_flag(q, values, shown))

    # Every part is a validated model, or one of the literals and texts made here: the result
    # is put together as validating it would (see `_built`); validating it again would cost
    # more than all the rest of this function.
    verdicts: dict[str, TreatmentVerdict] = {}
    for i, t in enumerate(TREATMENTS):
        # What combine() and plan_fit() give, read off the masks: the most conservative wins.
        bit = 1 << i
        verdict: Verdict = (
            "not_relevant"
            if t not in relevant
            else "avoid_until_reviewed"
            if avoids & bit
            else "discuss_with_caution"
            if cautions & bit
            else "worth_discussing"
        )
        fit: Fit = (
            "does_not_fit"
            if plan_avoids & bit
            else "ask_the_practitioner"
            if plan_cautions & bit
            else "fits"
        )
        words = _verdict_words(t, verdict, fit, any_goal, reasons[i], fit_reasons[i])
        if extra is None:
            decisive, improve, worsen, given = [], [], [], _VERDICT_GIVEN
        else:
            decisive = _DECISIVE.validate_python(extra.decisive[t])
            improve = _IMPROVE.validate_python(extra.would_improve[t])
            worsen = _WORSEN.validate_python(extra.would_worsen[t])
            given = _VERDICT_ALL
        verdicts[t] = _built(
            TreatmentVerdict,
            {
                "treatment": t,
                "name": words.name,
                "verdict": verdict,
                "summary": words.summary,
                "reasons": reasons[i],
                "fit": fit,
                "fit_summary": words.fit_summary,
                "fit_reasons": fit_reasons[i],
                "downtime": words.downtime,
                "results": words.results,
                "event_gap": words.event_gap,
                "decisive": decisive,
                "would_improve": improve,
                "would_worsen": worsen,
            },
            given,
        )
    return _built(
        Assessment,
        {
            "questionnaire": _provenance(q),
            "rules": rules_provenance(),
            "as_of": as_of,
            "verdicts": verdicts,
            "flags": flags,
            "mesotherapy_expectations": _expectations(),
            "disclaimer": DISCLAIMER,
        },
        _ASSESSMENT_GIVEN,
    )


_M = TypeVar("_M", bound=BaseModel)


def _built(cls: type[_M], fields: dict[str, Any], given: frozenset[str]) -> _M:
    """A model of already-valid parts, as pydantic's ``model_construct`` makes one (the same
    four attributes) without its per-field work: ``fields`` holds every field, in order, and
    ``given`` the fields validation would record as set. tests/test_speed_assessment.py holds
    every result equal to one validated afresh, field sets included."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", set(given))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


_DECISIVE = TypeAdapter(list[DecisiveAnswer])
_IMPROVE = TypeAdapter(list[VerdictChange])
_WORSEN = TypeAdapter(list[Worsening])
_VERDICT_ALL = frozenset(TreatmentVerdict.model_fields)
_VERDICT_GIVEN = _VERDICT_ALL - {"decisive", "would_improve", "would_worsen"}
_ASSESSMENT_GIVEN = frozenset(Assessment.model_fields)
_REASON_GIVEN = frozenset(Reason.model_fields)
_FIT_REASON_GIVEN = frozenset(FitReason.model_fields)
_FLAG_GIVEN = frozenset(Flag.model_fields)


_CATALOGUE_AT = {r.id: (i, r) for i, r in enumerate(RULES)}
_FIRST_TWO = itemgetter(0, 1)
_TITLE = attrgetter("title")
_PROVENANCES: dict[tuple[str, str, str], Provenance] = {}


def _provenance(q: Questionnaire) -> Provenance:
    key = (q.id, q.version, q.content_hash)
    found = _PROVENANCES.get(key)
    if found is None:
        found = _bounded(_PROVENANCES)[key] = Provenance(
            id=q.id, version=q.version, content_hash=q.content_hash
        )
    return found


class _Words(NamedTuple):
    """A verdict's words: the treatment's name and the texts that do not list its reasons."""

    name: str
    summary: str
    fit_summary: str
    downtime: str
    results: str
    event_gap: str


_WORDS: dict[tuple[str, str, str, bool, tuple[str, ...], tuple[str, ...]], _Words] = {}


def _verdict_words(
    t: str,
    verdict: Verdict,
    fit: Fit,
    any_goal: bool,
    reasons: list[Reason],
    fit_reasons: list[FitReason],
) -> _Words:
    """A verdict's texts, kept once for each set of titles they name (an avoid verdict names
    its avoid reasons, a plan that may not fit its plans rows)."""
    avoid = (
        tuple(r.title for r in reasons if r.effect == "avoid")
        if verdict == "avoid_until_reviewed"
        else ()
    )
    plans = tuple(map(_TITLE, fit_reasons)) if fit != "fits" else ()
    key = (t, verdict, fit, any_goal, avoid, plans)
    found = _WORDS.get(key)
    if found is None:
        info = TREATMENT_INFO[t]
        found = _Words(
            info.name,
            _summary(verdict, info.name, list(dict.fromkeys(avoid)), any_goal),
            _fit_summary(fit, list(dict.fromkeys(plans))),
            info.downtime,
            info.results,
            info.event_gap,
        )
        _bounded(_WORDS)[key] = found
    return found


def _unknown_flag(q: Questionnaire, rule: Rule, used: list[UsedAnswer]) -> Flag:
    key = (q.content_hash, rule.id, tuple(map(id, used)))
    found = _FLAGS.get(key)
    # The key holds ids: the answers must be the very ones (an id may be reused once a shared
    # answer is gone).
    if found is None or any(a is not b for a, b in zip(found.answers, used, strict=True)):
        count = len(used)
        title = f"{count} safety question{'s' if count != 1 else ''} not answered"
        found = _built(Flag, _flag(rule, "unknown_answers", title, list(used)), _FLAG_GIVEN)
        _bounded(_FLAGS)[key] = found
    return found


def _no_goals_flag(q: Questionnaire, values: Mapping[str, Any], shown: Mapping[str, Any]) -> Flag:
    used = _used(q, values, shown, ("goals",))
    key = (q.content_hash, "no_goals", _used_key(values, shown, ("goals",)))
    found = _FLAGS.get(key)
    if found is None:
        found = Flag.model_validate(
            {
                "id": "no_goals",
                "kind": "no_goals",
                "title": "No goal chosen",
                "mention": (
                    "Choose at least one goal to see which treatments may be worth discussing, or "
                    "ask the practitioner what could help."
                ),
                "treatments": [],
                "answers": [
                    {"question": qid, "answer": value, "status": status}
                    for qid, value, status in used
                ],
                "source": "design",
            }
        )
        _bounded(_FLAGS)[key] = found
    return found


def _flag(rule: Rule, kind: FlagKind, title: str, used: list[Any]) -> dict[str, Any]:
    return {
        "id": rule.id,
        "kind": kind,
        "title": title,
        "mention": rule.mention,
        "treatments": list(rule.treatments),
        "answers": used,
        "source": rule.source,
    }

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
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticSerializationError

from ._json import plain_json
from .answers import Answers, AnswerStatus, AnswerValue, validate_answers
from .questionnaire import SPECIAL_VALUES, Questionnaire, default_questionnaire
from .rules.catalogue import (
    DERIVATIONS,
    RULES,
    RULES_BY_ID,
    RULESET,
    RULESET_ID,
    RULESET_VERSION,
    TREATMENTS,
    Cell,
    Rule,
)
from .rules.decisive import Decisive, find_decisive
from .rules.facts import build_fact, fact_from_values, rule_values  # noqa: F401 (build_fact: kept importable here)
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
#: Most to least favourable; ``not_relevant`` stands apart (the treatment serves no goal).
VERDICT_SCALE: tuple[Verdict, ...] = (
    "worth_discussing",
    "discuss_with_caution",
    "avoid_until_reviewed",
)
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
    decisive: list[DecisiveAnswer] = []
    would_improve: list[VerdictChange] = []
    would_worsen: list[Worsening] = []


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


def _used(
    questionnaire: Questionnaire, answers: Answers, ids: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The answers a rule read, as plain data for :class:`UsedAnswer`."""
    out = []
    for qid in ids:
        q = questionnaire.by_id.get(qid)
        if q is None:
            continue
        value = answers.values.get(qid)
        if value is None:
            status = "unanswered" if questionnaire.visible(q, answers.values) else "not_asked"
        elif value in SPECIAL_VALUES:
            status = str(value)
        else:
            status = "answered"
        out.append({"question": qid, "answer": value, "status": status})
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
    valid = validate_answers(answers, q)
    uses_dates = any(q.by_id[k].type == "date" for k in valid.values)
    as_of = valid.answered_on or dt.date.today()
    found = rule_values(q, valid, as_of)
    hits = get_engine().run(fact_from_values(found))
    extra = find_decisive(RULESET, q, valid.values, found) if decisive else None
    return _compose(
        q, valid, hits, found.unknown, as_of if uses_dates else valid.answered_on, extra
    )


def _compose(
    q: Questionnaire,
    answers: Answers,
    hits: list[Any],
    unknown: list[str],
    as_of: dt.date | None,
    extra: Decisive | None = None,
) -> Assessment:
    """Builds the assessment as plain data, validated once at the end (one pass in pydantic's
    core is much cheaper than a model per reason). The unanswered-safety rule fires once; it
    gives one reason per unknown safety question, naming it. Goal rows decide relevance, health
    and safety rows the verdict (:func:`combine`), plans rows the fit (:func:`plan_fit`)."""
    fired: list[tuple[Rule, str | None]] = []
    for h in hits:
        rule = RULES_BY_ID.get(h.rule)
        if rule is None:
            continue  # a derivation: its effect is in the rules it fed
        if rule.when.safety_unknown:
            fired.extend((rule, question) for question in unknown)
        else:
            fired.append((rule, None))
    # Firing order between rules is not guaranteed by the engine: sort by catalogue order.
    position = {qid: i for i, qid in enumerate(q.by_id)}
    fired.sort(key=lambda item: (_ORDER[item[0].id], position.get(item[1] or "", -1)))

    reasons: dict[str, list[Reason]] = {t: [] for t in TREATMENTS}
    fit_reasons: dict[str, list[FitReason]] = {t: [] for t in TREATMENTS}
    safety_cells: dict[str, list[Cell]] = {t: [] for t in TREATMENTS}
    plan_cells: dict[str, list[Cell]] = {t: [] for t in TREATMENTS}
    relevant: set[str] = set()
    for rule, question in fired:
        used = _used(q, answers, (question,) if question else rule.reads)
        text = rule.rationale
        if question:
            how = _UNKNOWN_HOW[used[0]["status"]] if used else "was left unanswered"
            text = f"'{q.by_id[question].label}' {how}. {text}"
        shared: dict[str, Any] = {}  # one reason per cell, shared by its treatments
        for t in rule.treatments:
            cell = rule.cells[t]
            if cell not in shared:
                shared[cell] = _reason(q, rule, cell, text, used)
            if rule.kind == "preference":
                plan_cells[t].append(cell)
                fit_reasons[t].append(shared[cell])
                continue
            if rule.kind == "goal":
                relevant.add(t)
            else:
                safety_cells[t].append(cell)
            reasons[t].append(shared[cell])

    any_goal = any(rule.kind == "goal" for rule, _ in fired)
    verdicts: dict[str, dict[str, Any]] = {}
    for t in TREATMENTS:
        verdict = combine(t in relevant, safety_cells[t])
        fit = plan_fit(plan_cells[t])
        avoid = list(dict.fromkeys(r.title for r in reasons[t] if r.effect == "avoid"))
        info = TREATMENT_INFO[t]
        verdicts[t] = {
            "treatment": t,
            "name": info.name,
            "verdict": verdict,
            "summary": _summary(verdict, info.name, avoid, any_goal),
            "reasons": reasons[t],
            "fit": fit,
            "fit_summary": _fit_summary(fit, list(dict.fromkeys(r.title for r in fit_reasons[t]))),
            "fit_reasons": fit_reasons[t],
            "downtime": info.downtime,
            "results": info.results,
            "event_gap": info.event_gap,
        }
        if extra is not None:
            verdicts[t]["decisive"] = extra.decisive[t]
            verdicts[t]["would_improve"] = extra.would_improve[t]
            verdicts[t]["would_worsen"] = extra.would_worsen[t]

    return Assessment.model_validate(
        {
            "questionnaire": {"id": q.id, "version": q.version, "content_hash": q.content_hash},
            "rules": rules_provenance(),
            "as_of": as_of,
            "verdicts": verdicts,
            "flags": _flags(q, answers, fired),
            "mesotherapy_expectations": _expectations(),
            "disclaimer": DISCLAIMER,
        }
    )


_ORDER = {r.id: i for i, r in enumerate(RULES)}

# Reasons are immutable and, for categorical answers, recur from one person to the next: each
# is validated once and shared, within an assessment (by every treatment it applies to) and
# across assessments. Bounded: cleared when full. Concurrent use at worst builds a duplicate.
_REASONS: dict[tuple[Any, ...], Reason | FitReason] = {}
_REASONS_MAX = 4_096  # a few MB at most; real workloads need about 2,000


def _reason(
    q: Questionnaire, rule: Rule, cell: Cell, text: str, used: list[dict[str, Any]]
) -> Reason | FitReason:
    """A verdict reason (goal and health rows) or, for a plans row, a fit reason."""
    key = (
        q.content_hash,
        rule.id,
        cell,
        text,
        tuple((u["question"], _hashable(u["answer"]), u["status"]) for u in used),
    )
    reason = _REASONS.get(key)
    if reason is None:
        if len(_REASONS) >= _REASONS_MAX:
            _REASONS.clear()
        data: dict[str, Any] = {
            "rule": rule.id,
            "title": rule.title,
            "text": text,
            "answers": used,
            "source": rule.source,
        }
        if rule.kind == "preference":
            reason = FitReason.model_validate({**data, "fit": _FIT[cell]})
        else:
            reason = Reason.model_validate({**data, "effect": _EFFECT[cell]})
        _REASONS[key] = reason
    return reason


def _hashable(value: Any) -> Any:
    # The type is part of the key: 1 and 1.0 (and True) must not share a reason.
    return (type(value).__name__, tuple(value) if isinstance(value, list) else value)


def _flags(
    q: Questionnaire, answers: Answers, fired: list[tuple[Rule, str | None]]
) -> list[dict[str, Any]]:
    flags: list[dict[str, Any]] = []
    unknown: list[str] = []
    unknown_rule: Rule | None = None
    for rule, question in fired:
        if rule.kind == "goal" or not rule.treatments:
            continue
        if question is not None:
            unknown.append(question)
            unknown_rule = rule
            continue
        kind: FlagKind = "plans" if rule.kind == "preference" else "health"
        flags.append(_flag(rule, kind, rule.title, _used(q, answers, rule.reads)))
    if unknown_rule is not None:
        title = f"{len(unknown)} safety question{'s' if len(unknown) != 1 else ''} not answered"
        used = _used(q, answers, tuple(unknown))
        flags.insert(0, _flag(unknown_rule, "unknown_answers", title, used))
    if not any(rule.kind == "goal" for rule, _ in fired):
        flags.insert(
            0,
            {
                "id": "no_goals",
                "kind": "no_goals",
                "title": "No goal chosen",
                "mention": (
                    "Choose at least one goal to see which treatments may be worth discussing, or "
                    "ask the practitioner what could help."
                ),
                "treatments": [],
                "answers": _used(q, answers, ("goals",)),
                "source": "design",
            },
        )
    return flags


def _flag(rule: Rule, kind: FlagKind, title: str, used: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": rule.id,
        "kind": kind,
        "title": title,
        "mention": rule.mention,
        "treatments": list(rule.treatments),
        "answers": used,
        "source": rule.source,
    }

"""The assessment contract: :func:`assess` turns answers into a verdict per treatment, each with
its reasons, plus person-level flags and the versions of everything used.

``assess`` is pure: it never prompts, prints or touches files, and the same answers always give
the same (byte-identical) JSON.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .answers import Answers, AnswerStatus, AnswerValue, validate_answers
from .questionnaire import SPECIAL_VALUES, Questionnaire, default_questionnaire
from .rules.catalogue import (
    DERIVATIONS,
    RULES,
    RULES_BY_ID,
    RULESET_ID,
    RULESET_VERSION,
    TREATMENTS,
    Rule,
)
from .rules.facts import build_fact
from .treatments import MESOTHERAPY, TREATMENT_INFO

__all__ = [
    "DISCLAIMER",
    "Assessment",
    "Expectations",
    "Flag",
    "Provenance",
    "Reason",
    "TreatmentVerdict",
    "UsedAnswer",
    "Verdict",
    "assess",
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


class TreatmentVerdict(BaseModel):
    model_config = _FROZEN

    treatment: str
    name: str
    verdict: Verdict
    summary: str
    reasons: list[Reason]
    downtime: str
    results: str
    event_gap: str


class Flag(BaseModel):
    """Something to mention to the practitioner, whatever the verdicts."""

    model_config = _FROZEN

    id: str
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
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


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
            "answers calls for extra caution; only the practitioner can decide whether it "
            "suits you."
        )
    if verdict == "discuss_with_caution":
        return (
            f"{name} may be worth discussing with a qualified practitioner, with caution: some of "
            "your answers need a closer look first."
        )
    reviewed = "; ".join(t.lower() for t in avoid_titles)
    return f"{name} is not advisable until a qualified practitioner has reviewed: {reviewed}."


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
    fact, unknown = build_fact(q, valid, as_of)
    hits = get_engine().run(fact)
    return _compose(q, valid, hits, unknown, as_of if uses_dates else valid.answered_on)


def _compose(
    q: Questionnaire,
    answers: Answers,
    hits: list[Any],
    unknown: list[str],
    as_of: dt.date | None,
) -> Assessment:
    """Builds the assessment as plain data, validated once at the end (one pass in pydantic's
    core is much cheaper than a model per reason). The unanswered-safety rule fires once; it
    gives one reason per unknown safety question, naming it."""
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
    for rule, question in fired:
        used = _used(q, answers, (question,) if question else rule.reads)
        text = rule.rationale
        if question:
            how = _UNKNOWN_HOW[used[0]["status"]] if used else "was left unanswered"
            text = f"'{q.by_id[question].label}' {how}. {text}"
        by_effect: dict[str, Reason] = {}  # one Reason per effect, shared by its treatments
        for t in rule.treatments:
            effect = _EFFECT[rule.cells[t]]
            if effect not in by_effect:
                by_effect[effect] = _reason(q, rule, effect, text, used)
            reasons[t].append(by_effect[effect])

    any_goal = any(rule.kind == "goal" for rule, _ in fired)
    verdicts: dict[str, dict[str, Any]] = {}
    for t in TREATMENTS:
        effects = {r.effect for r in reasons[t]}
        avoid = list(dict.fromkeys(r.title for r in reasons[t] if r.effect == "avoid"))
        verdict: Verdict
        if "relevant" not in effects:
            verdict = "not_relevant"
        elif avoid:
            verdict = "avoid_until_reviewed"
        elif "caution" in effects:
            verdict = "discuss_with_caution"
        else:
            verdict = "worth_discussing"
        info = TREATMENT_INFO[t]
        verdicts[t] = {
            "treatment": t,
            "name": info.name,
            "verdict": verdict,
            "summary": _summary(verdict, info.name, avoid, any_goal),
            "reasons": reasons[t],
            "downtime": info.downtime,
            "results": info.results,
            "event_gap": info.event_gap,
        }

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
_REASONS: dict[tuple[Any, ...], Reason] = {}
_REASONS_MAX = 4_096  # a few MB at most; real workloads need about 2,000


def _reason(
    q: Questionnaire, rule: Rule, effect: Effect, text: str, used: list[dict[str, Any]]
) -> Reason:
    key = (
        q.content_hash,
        rule.id,
        effect,
        text,
        tuple((u["question"], _hashable(u["answer"]), u["status"]) for u in used),
    )
    reason = _REASONS.get(key)
    if reason is None:
        if len(_REASONS) >= _REASONS_MAX:
            _REASONS.clear()
        reason = _REASONS[key] = Reason.model_validate(
            {
                "rule": rule.id,
                "title": rule.title,
                "effect": effect,
                "text": text,
                "answers": used,
                "source": rule.source,
            }
        )
    return reason


def _hashable(value: Any) -> Any:
    # The type is part of the key: 1 and 1.0 (and True) must not share a reason.
    return (type(value).__name__, tuple(value) if isinstance(value, list) else value)


def _flags(
    q: Questionnaire, answers: Answers, fired: list[tuple[Rule, str | None]]
) -> list[dict[str, Any]]:
    flags: list[dict[str, Any]] = []
    unknown: list[str] = []
    for rule, question in fired:
        if rule.kind == "goal" or not rule.treatments:
            continue
        if question is not None:
            unknown.append(question)
            continue
        flags.append(_flag(rule, rule.title, _used(q, answers, rule.reads)))
    if unknown:
        rule = RULES_BY_ID["c_unanswered_safety"]
        title = f"{len(unknown)} safety question{'s' if len(unknown) != 1 else ''} not answered"
        flags.insert(0, _flag(rule, title, _used(q, answers, tuple(unknown))))
    if not any(rule.kind == "goal" for rule, _ in fired):
        flags.insert(
            0,
            {
                "id": "no_goals",
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


def _flag(rule: Rule, title: str, used: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title": title,
        "mention": rule.mention,
        "treatments": list(rule.treatments),
        "answers": used,
        "source": rule.source,
    }

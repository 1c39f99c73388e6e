"""Checks the rule set against a questionnaire: every question and choice a rule reads exists,
has the type the rule's test needs, and (when a condition rests on it) is a safety question.

A rule whose test cannot match its question's type would never fire, and a condition read
from a question without the ``safety`` mark would lose the fail-closed handling of unknown
answers: either would silently turn a caution into ``worth_discussing``.
"""

from __future__ import annotations

from .._problems import did_you_mean
from ..errors import RulesError
from ..questionnaire import NUMBER_TYPES, Question, Questionnaire
from .catalogue import DERIVATIONS, RULES, Answer, Between, Derived, Selected, Trigger

_checked: set[str] = set()

# The question types each kind of test can match.
_FITS: dict[type, tuple[str, ...]] = {
    Answer: ("yes_no", "single_choice", *NUMBER_TYPES, "date", "multiple_choice"),
    Selected: ("multiple_choice",),
    Between: (*NUMBER_TYPES, "date"),
}


def _trigger_problems(owner: str, trigger: Trigger, questionnaire: Questionnaire) -> list[str]:
    """Problems of one test: an unknown question or choice, or a type it cannot match."""
    problems: list[str] = []
    for question_id, choice in trigger.refs():
        question = questionnaire.by_id.get(question_id)
        if question is None:
            problems.append(
                f"{owner} reads unknown question '{question_id}'"
                f"{did_you_mean(question_id, questionnaire.by_id)}"
            )
            continue
        if question.type == "text":
            problems.append(f"{owner} reads '{question_id}', free text that rules never read")
            continue
        kind = type(trigger)
        if isinstance(trigger, Between) and question_id != trigger.question:
            kind = Answer  # the `also` part of a comparison is an answer test
        if question.type not in _FITS.get(kind, (question.type,)):
            problems.append(_type_problem(owner, trigger, question))
        elif choice is not None:
            # A plain answer test can only match a yes/no or single choice answer; numbers,
            # dates and multiple choice are tested this way for "not sure" and the like only.
            if kind is Answer and question.type not in ("yes_no", "single_choice"):
                problems.append(_type_problem(owner, trigger, question))
            elif choice not in question.choice_ids:
                problems.append(
                    f"{owner} reads '{question_id}' = '{choice}', which is not one of its "
                    f"choices{did_you_mean(choice, question.choice_ids)}"
                )
    return problems


def _type_problem(owner: str, trigger: Trigger, question: Question) -> str:
    wants = {
        Answer: "a yes/no or single choice answer",
        Selected: "a ticked choice of a multiple choice question",
        Between: "a number or a date",
    }[type(trigger)]
    return (
        f"{owner} tests '{question.id}' for {wants}, but it is a {question.type} question, "
        "so the rule could never apply"
    )


def rule_problems(questionnaire: Questionnaire) -> list[str]:
    """Every reference from a rule to a question or choice that the questionnaire lacks or
    cannot answer in the way the rule tests, and every condition resting on a question that
    is not marked ``safety``; each message once."""
    problems: list[str] = []
    condition_questions: dict[str, str] = {}
    feeds_condition = {
        (r.when.name, r.when.detail)
        for r in RULES
        if r.kind == "condition" and isinstance(r.when, Derived)
    }
    for rule in RULES:
        problems += _trigger_problems(rule.id, rule.when, questionnaire)
        for question_id in rule.reads:
            if question_id not in questionnaire.by_id:
                problems.append(
                    f"{rule.id} reads unknown question '{question_id}'"
                    f"{did_you_mean(question_id, questionnaire.by_id)}"
                )
        if rule.kind == "condition" and not isinstance(rule.when, Derived):
            for question_id, _ in rule.when.refs():
                condition_questions.setdefault(question_id, rule.id)
    for d in DERIVATIONS:
        for trigger in d.when:
            problems += _trigger_problems(d.id, trigger, questionnaire)
            if (d.name, d.detail) in feeds_condition:
                for question_id, _ in trigger.refs():
                    condition_questions.setdefault(question_id, d.id)
    # Goals decide relevance; that a goal implies a condition only ever adds caution.
    goal_questions = {q for r in RULES if r.kind == "goal" for q, _ in r.when.refs()}
    for question_id, owner in condition_questions.items():
        question = questionnaire.by_id.get(question_id)
        if question is not None and not question.safety and question_id not in goal_questions:
            problems.append(
                f"{owner} rests on '{question_id}', which is not marked safety: an unknown "
                "answer to it would go unnoticed (add `safety: true`)"
            )
    return list(dict.fromkeys(problems))


def ensure_rules_fit(questionnaire: Questionnaire) -> None:
    """Raises RulesError when the rule set reads questions or choices the questionnaire lacks.

    Checked once per questionnaire content.
    """
    if questionnaire.content_hash in _checked:
        return
    problems = rule_problems(questionnaire)
    if problems:
        raise RulesError(
            f"the rule set does not fit questionnaire '{questionnaire.id}':\n  "
            + "\n  ".join(problems)
        )
    _checked.add(questionnaire.content_hash)

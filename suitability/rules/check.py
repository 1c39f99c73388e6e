"""Checks the rule set against a questionnaire: every question and choice a rule reads exists."""

from __future__ import annotations

from .._problems import did_you_mean
from ..errors import RulesError
from ..questionnaire import NUMBER_TYPES, Questionnaire
from .catalogue import DERIVATIONS, RULES, Between

_checked: set[str] = set()


def rule_problems(questionnaire: Questionnaire) -> list[str]:
    """Every reference from a rule to a question or choice that the questionnaire lacks."""
    problems: list[str] = []
    seen: set[tuple[str, str, str | None]] = set()

    def refs() -> list[tuple[str, str, str | None]]:
        out: list[tuple[str, str, str | None]] = []
        for rule in RULES:
            out += [(rule.id, q, c) for q, c in rule.when.refs()]
            out += [(rule.id, q, None) for q in rule.reads]
        for d in DERIVATIONS:
            for trigger in d.when:
                out += [(d.id, q, c) for q, c in trigger.refs()]
                if isinstance(trigger, Between):
                    target = questionnaire.by_id.get(trigger.question)
                    if target is not None and target.type not in (*NUMBER_TYPES, "date"):
                        problems.append(
                            f"{d.id} compares '{trigger.question}' as a number, "
                            f"but it is a {target.type} question"
                        )
        return out

    for rule_id, question_id, choice in refs():
        if (rule_id, question_id, choice) in seen:
            continue
        seen.add((rule_id, question_id, choice))
        question = questionnaire.by_id.get(question_id)
        if question is None:
            problems.append(
                f"{rule_id} reads unknown question '{question_id}'"
                f"{did_you_mean(question_id, questionnaire.by_id)}"
            )
        elif question.type == "text":
            problems.append(f"{rule_id} reads '{question_id}', free text that rules never read")
        elif choice is not None and choice not in question.choice_ids:
            problems.append(
                f"{rule_id} reads '{question_id}' = '{choice}', which is not one of its choices"
                f"{did_you_mean(choice, question.choice_ids)}"
            )
    return problems


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

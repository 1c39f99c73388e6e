"""Checks the rule set against a questionnaire: every question and choice a rule reads exists,
has the type the rule's test needs, and (when a condition rests on it) is a safety question.

A rule whose test cannot match its question's type would never fire, and a condition read
from a question without the ``safety`` mark would lose the fail-closed handling of unknown
answers: either would silently turn a caution into ``worth_discussing``.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._messages import problem
from .._problems import did_you_mean, format_loc
from .._yaml import Positions
from ..errors import Problem, RulesError
from ..questionnaire import NUMBER_TYPES, Question, Questionnaire
from .model import RuleCondition, RuleSet, default_rules, leaf_refs

_checked: set[str] = set()

# The question types each kind of test can match: a plain answer test reads a yes/no or single
# choice answer (numbers, dates and multiple choice only for "not sure" and the like).
_FITS: dict[str, tuple[str, ...]] = {
    "answer": ("yes_no", "single_choice", *NUMBER_TYPES, "date", "multiple_choice"),
    "ticked": ("multiple_choice",),
    "compare": (*NUMBER_TYPES, "date"),
}

_WANTS = {
    "answer": "a yes/no or single choice answer",
    "ticked": "a ticked choice of a multiple choice question",
    "compare": "a number or a date",
}


def _kind(leaf: RuleCondition) -> str:
    if leaf.any_of is not None:
        return "ticked"
    if leaf.equals is not None or leaf.one_of is not None:
        return "answer"
    return "compare"


class _Locator:
    """Makes each misfit a problem at its place in the questionnaire file: the question (or its
    choices, or its type) a rule reads, or the top level for a question that is missing."""

    def __init__(self, questionnaire: Questionnaire, source: str, positions: Positions | None):
        self.questionnaire = questionnaire
        self.source = source
        self.positions = positions
        self.paths: dict[str, tuple[str | int, ...]] = {}
        self.hints: dict[str, str] = {}
        for s_index, section in enumerate(questionnaire.sections):
            for q_index, question in enumerate(section.questions):
                self.paths.setdefault(question.id, ("sections", s_index, "questions", q_index))

    def __call__(self, code: str, where: str | None, /, *tail: str, **params: object) -> Problem:
        path: Sequence[str | int] = ()
        if where is not None and where in self.paths:
            path = (*self.paths[where], *tail)
        line = self.positions.line(path) if self.positions is not None and path else None
        return problem(code, format_loc(path), source=self.source, line=line, **params)


def _owner(rule_id: str) -> str:
    return f"rule '{rule_id}'"


def _unknown_question(at: _Locator, rule_id: str, question_id: str) -> Problem:
    hint = at.hints.get(question_id)
    if hint is None:  # several rules read most questions: one search over the ids for each
        hint = at.hints[question_id] = did_you_mean(question_id, at.questionnaire.by_id)
    return at(
        "rules_unknown_question", None, owner=_owner(rule_id), question=question_id, hint=hint
    )


def _leaf_problems(at: _Locator, owner_id: str, leaf: RuleCondition) -> list[Problem]:
    """Problems of one test: an unknown question or choice, or a type it cannot match."""
    problems: list[Problem] = []
    owner = _owner(owner_id)
    kind = _kind(leaf)
    for question_id, choice in leaf_refs(leaf):
        question = at.questionnaire.by_id.get(question_id)
        if question is None:
            problems.append(_unknown_question(at, owner_id, question_id))
            continue
        if question.type == "text":
            problems.append(
                at("rules_reads_text", question_id, "type", owner=owner, question=question_id)
            )
            continue
        if question.type not in _FITS[kind]:
            problems.append(_type_problem(at, owner, kind, question))
        elif choice is not None:
            if kind == "answer" and question.type not in ("yes_no", "single_choice"):
                problems.append(_type_problem(at, owner, kind, question))
            elif choice not in question.choice_ids:
                problems.append(
                    at(
                        "rules_unknown_choice",
                        question_id,
                        "choices",
                        owner=owner,
                        question=question_id,
                        choice=choice,
                        hint=did_you_mean(choice, question.choice_ids),
                    )
                )
    return problems


def _type_problem(at: _Locator, owner: str, kind: str, question: Question) -> Problem:
    return at(
        "rules_wrong_type",
        question.id,
        "type",
        owner=owner,
        question=question.id,
        wants=_WANTS[kind],
        type=question.type,
    )


def rule_problems(
    questionnaire: Questionnaire,
    *,
    source: str = "",
    positions: Positions | None = None,
    ruleset: RuleSet | None = None,
) -> list[Problem]:
    """Every reference from a rule to a question or choice that the questionnaire lacks or
    cannot answer in the way the rule tests, and every condition resting on a question that
    is not marked ``safety``; each once, located in the questionnaire (with its line when the
    file's ``positions`` are given), naming the rule or derivation."""
    rules = ruleset or default_rules()
    at = _Locator(questionnaire, source, positions)
    problems: list[Problem] = []
    condition_questions: dict[str, str] = {}
    feeds_condition = {
        r.when.derived for r in rules.rules if r.kind == "condition" and r.when.derived
    }
    for rule in rules.rules:
        for leaf in rule.when.leaves():
            problems += _leaf_problems(at, rule.id, leaf)
        for question_id in rule.reads:
            if question_id not in questionnaire.by_id:
                problems.append(_unknown_question(at, rule.id, question_id))
        if rule.kind == "condition" and rule.when.derived is None:
            for question_id in rule.reads:
                condition_questions.setdefault(question_id, rule.id)
    for d in rules.derivations:
        for leaf in d.when.leaves():
            problems += _leaf_problems(at, d.id, leaf)
        if d.fact in feeds_condition:
            for question_id in d.reads:
                condition_questions.setdefault(question_id, d.id)
    # Goals decide relevance; that a goal implies a condition only ever adds caution.
    goal_questions = {q for r in rules.rules if r.kind == "goal" for q in r.reads}
    for question_id, owner in condition_questions.items():
        question = questionnaire.by_id.get(question_id)
        if question is not None and not question.safety and question_id not in goal_questions:
            problems.append(
                at("rules_not_safety", question_id, owner=_owner(owner), question=question_id)
            )
    return list(dict.fromkeys(problems))


def rule_file_problems(questionnaire: Questionnaire, ruleset: RuleSet) -> list[Problem]:
    """The same misfits seen from the rule file: each at the test that reads a question or
    choice the questionnaire lacks, or a question of a type the test cannot match (with its
    line when the rule set was loaded from a file)."""
    problems: list[Problem] = []
    by_id = questionnaire.by_id
    owners = [("derivations", i, d.when) for i, d in enumerate(ruleset.derivations)]
    owners += [("rules", i, r.when) for i, r in enumerate(ruleset.rules)]
    for key, index, when in owners:
        for steps, leaf in when.located_leaves():
            path: list[str | int] = [key, index, "when", *steps]
            kind = _kind(leaf)
            op = next(o for o in ("equals", "one_of", "any_of", "lt", "lte", "gt", "gte")
                      if getattr(leaf, o) is not None) if leaf.question else ""  # fmt: skip

            def at(code: str, tail: str, path: list[str | int] = path, **params: object) -> Problem:
                where = [*path, tail]
                positions = ruleset.positions
                line = positions.line(where) if positions is not None else None
                return problem(code, format_loc(where), source=ruleset.source, line=line, **params)

            for question_id, choice in leaf_refs(leaf):
                question = by_id.get(question_id)
                if question is None:
                    problems.append(
                        at("rules_file_unknown_question", "question", question=question_id,
                           questionnaire=questionnaire.id,
                           hint=did_you_mean(question_id, by_id))
                    )  # fmt: skip
                elif question.type == "text" or question.type not in _FITS[kind]:
                    problems.append(
                        at("rules_file_wrong_type", op, question=question_id,
                           wants=_WANTS[kind], type=question.type)
                    )  # fmt: skip
                elif choice is not None and choice not in question.choice_ids:
                    problems.append(
                        at("rules_file_unknown_choice", op, choice=choice, question=question_id,
                           hint=did_you_mean(choice, question.choice_ids))
                    )  # fmt: skip
    return list(dict.fromkeys(problems))


def ensure_rules_fit(questionnaire: Questionnaire) -> None:
    """Raises RulesError, listing every misfit, when the rule set reads questions or choices the
    questionnaire lacks or cannot answer as the rule tests. Checked once per questionnaire
    content."""
    if questionnaire.content_hash in _checked:
        return
    problems = rule_problems(questionnaire)
    if problems:
        raise RulesError(
            problems,
            summary=f"the rule set does not fit questionnaire '{questionnaire.id}'",
        )
    _checked.add(questionnaire.content_hash)

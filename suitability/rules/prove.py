"""``suitability rules --check``: properties of a rule set proved over the questionnaire's whole
answer space by reasoning over the conditions, not by sampling.

Each question's answers are split into classes the rules cannot tell apart (each choice, each
tick, each number band between the conditions' edges, each unknown value, and "not shown").
A condition is then read in three-valued logic over *sets* of classes: true when it holds for
every class left open, false when for none, undecided otherwise. A property is proved when the
logic decides it for every case; when it does not, a concrete answer set is searched for and
checked with the plain-Python evaluator, and given as the counterexample.

P1 an unknown answer to a safety question never gives ``worth_discussing`` to a treatment that
   a rule on that question affects; P2 unknown answers alone never give ``avoid_until_reviewed``;
P3 no plans answer changes any verdict; P4 every rule can fire (with show_if respected).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from ..questionnaire import Question, Questionnaire
from .decisive import candidates, verdicts_of
from .model import UNANSWERED, RuleCondition, RuleSet

__all__ = ["Finding", "Proof", "prove"]

#: A question not shown (its show_if does not hold): no rule value at all.
HIDDEN: Any = None
_AS_OF = dt.date(2026, 1, 1)  # dates in a counterexample are days from this day
_MAX_SEARCH = 4_096


@dataclass
class Finding:
    """One property's outcome: cases covered, and the counterexample when it failed."""

    name: str
    text: str
    cases: int = 0
    failure: str | None = None
    counterexample: dict[str, Any] | None = None


@dataclass
class Proof:
    findings: list[Finding]
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.failure is None for f in self.findings)


class _Space:
    def __init__(self, rs: RuleSet, q: Questionnaire) -> None:
        self.rs, self.q = rs, q
        self.read = {x for r in rs.rules for x in r.reads} | {
            x for d in rs.derivations for x in d.reads
        }
        self.derivation_of = {d.fact: d for d in rs.derivations}
        self.known: dict[str, list[Any]] = {}
        self.unknown: dict[str, list[Any]] = {}
        for question in q.questions:
            if question.type == "text":
                continue
            known = [c.value for c in candidates(rs, question)]
            if not known:  # a number no rule compares: any one value stands for all
                known = [int(question.min) if question.min is not None else 0]
            self.known[question.id] = known
            self.unknown[question.id] = [*question.special_values, UNANSWERED]
        self.clean = self._clean()

    def classes(self, qid: str) -> list[Any]:
        hidden = [HIDDEN] if self.q.by_id[qid].show_if is not None else []
        return [*self.known[qid], *self.unknown[qid], *hidden]

    # ------------------------------------------------------------------ evaluation

    def values(self, answers: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
        """Rule values of an assignment (question id to class), with show_if applied: a hidden
        question has no value, a shown one without a class is unanswered."""
        given = {k: v for k, v in answers.items() if v is not HIDDEN and v != UNANSWERED}
        values: dict[str, Any] = {}
        unknown = False
        for question in self.q.questions:
            if question.type == "text" or not self.q.visible(question, given):
                given.pop(question.id, None)
                continue
            value = answers.get(question.id, UNANSWERED)
            if value is HIDDEN:
                value = UNANSWERED
            values[question.id] = value
            if question.safety and value in self.unknown[question.id]:
                unknown = True
        return values, unknown

    def verdicts(self, answers: Mapping[str, Any], rs: RuleSet | None = None) -> dict[str, str]:
        values, unknown = self.values(answers)
        rs = rs or self.rs
        return verdicts_of(rs, rs.evaluate(values, safety_unknown=unknown))

    def fired(self, answers: Mapping[str, Any]) -> frozenset[str]:
        values, unknown = self.values(answers)
        return self.rs.evaluate(values, safety_unknown=unknown)

    def harm(self, answers: Mapping[str, Any]) -> int:
        fired = self.fired(answers)
        return sum(
            1 if c == "C" else 3
            for r in self.rs.rules
            if r.id in fired and r.kind == "condition"
            for c in r.cells.values()
            if c in "CA"
        )

    def _clean(self) -> dict[str, Any]:
        """A person whose answers fire as few health rows as each question allows (goals
        included), chosen question by question: the default the properties start from."""
        answers: dict[str, Any] = {}
        for question in self.q.questions:
            if question.id not in self.known:
                continue
            best = min(
                self.known[question.id], key=lambda v: self.harm({**answers, question.id: v})
            )
            answers[question.id] = best
        return answers

    def with_goal_for(self, answers: dict[str, Any], t: str) -> dict[str, Any] | None:
        """``answers`` with a goal that makes ``t`` relevant, doing the least harm."""
        goal_questions = {x for r in self.rs.rules if r.kind == "goal" for x in r.reads}
        options = [
            {**answers, qid: v}
            for qid in sorted(goal_questions & set(self.known))
            for v in self.known[qid]
        ]
        relevant = [a for a in options if self.verdicts(a)[t] != "not_relevant"]
        return min(relevant, key=self.harm) if relevant else None

    # ------------------------------------------------------------------ three-valued logic

    def tv(
        self, cond: RuleCondition, open_: Mapping[str, list[Any]], su: bool | None
    ) -> bool | None:
        """Whether ``cond`` holds for every (True), no (False) or some (None) choice of classes
        in ``open_`` (question id to the classes still possible; a question not listed may be
        anything); ``su``: whether some safety answer is unknown, or None when either."""
        if cond.derived is not None:
            return self.tv(self.derivation_of[cond.derived].when, open_, su)
        if cond.safety_unknown is not None:
            return None if su is None else su == cond.safety_unknown
        if cond.all_ is not None or cond.any_ is not None:
            parts = [self.tv(c, open_, su) for c in (cond.all_ or cond.any_ or [])]
            if cond.all_ is not None:
                return False if False in parts else (True if all(parts) else None)
            return True if True in parts else (False if all(p is False for p in parts) else None)
        if cond.not_ is not None:
            inner = self.tv(cond.not_, open_, su)
            return None if inner is None else not inner
        assert cond.question is not None
        possible = open_.get(cond.question)
        if possible is None:
            possible = self.classes(cond.question) if cond.question in self.known else [HIDDEN]
        results = {
            cond.holds({} if v is HIDDEN else {cond.question: v}) for v in possible
        }  # fmt: skip
        return results.pop() if len(results) == 1 else None

    def conjuncts(self, cond: RuleCondition) -> Iterator[list[RuleCondition]]:
        """The condition as alternatives of tests that must all hold (derived facts opened)."""
        if cond.derived is not None:
            yield from self.conjuncts(self.derivation_of[cond.derived].when)
        elif cond.all_ is not None:
            for parts in product(*(list(self.conjuncts(c)) for c in cond.all_)):
                yield [leaf for part in parts for leaf in part]
        elif cond.any_ is not None:
            for c in cond.any_:
                yield from self.conjuncts(c)
        else:
            yield [cond]

    def witness(self, cond: RuleCondition, check: RuleSet | None = None) -> dict[str, Any] | None:
        """Answers (from the clean person) under which ``cond`` holds, show_if respected."""
        for conjunct in self.conjuncts(cond):
            answers = self._satisfy(conjunct, dict(self.clean), depth=0)
            if answers is not None and cond.holds(*self._facts(answers)):
                return answers
        return None

    def _facts(self, answers: Mapping[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
        values, unknown = self.values(answers)
        fired = self.rs.evaluate(values, safety_unknown=unknown)
        facts = {d.fact for d in self.rs.derivations if d.id in fired}
        return values, frozenset(facts | ({"safety_unknown"} if unknown else set()))

    def _satisfy(
        self, conjunct: list[RuleCondition], answers: dict[str, Any], depth: int
    ) -> dict[str, Any] | None:
        if depth > 4:
            return None
        by_question: dict[str, list[RuleCondition]] = {}
        wants_unknown: bool | None = None
        for leaf in conjunct:
            if leaf.safety_unknown is not None:
                wants_unknown = leaf.safety_unknown
            elif leaf.question is not None:
                by_question.setdefault(leaf.question, []).append(leaf)
        fixed: dict[str, Any] = {}
        for qid, leaves in by_question.items():
            if qid not in self.known:
                return None
            fits = [
                v
                for v in self.classes(qid)
                if all(leaf.holds({} if v is HIDDEN else {qid: v}) for leaf in leaves)
            ]
            if not fits:
                return None
            fixed[qid] = fits[0]
        answers.update(fixed)
        for qid, value in fixed.items():  # what shows the question must hold too
            show_if = self.q.by_id[qid].show_if
            if show_if is None or value is HIDDEN:
                continue
            cond = RuleCondition.model_validate(
                show_if.model_dump(by_alias=True, exclude_none=True)
            )
            for alternative in self.conjuncts(cond):
                done = self._satisfy(alternative, dict(answers), depth + 1)
                if done is not None and all(done.get(k) == v for k, v in fixed.items()):
                    answers = done
                    break
            else:
                return None
        if wants_unknown:
            safety = [x.id for x in self.q.questions if x.safety and x.show_if is None]
            safety = [x for x in safety if x in self.known and x not in fixed]
            if not safety:
                return None
            answers[safety[0]] = "unanswered"
        return answers

    def answers_file(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """An assignment as an answers mapping (dates as ISO days from a fixed day)."""
        out: dict[str, Any] = {}
        values, _ = self.values(answers)
        for qid, value in values.items():
            if value == UNANSWERED:
                continue
            question: Question = self.q.by_id[qid]
            if question.type == "date" and isinstance(value, int):
                value = (_AS_OF + dt.timedelta(days=value)).isoformat()
            out[qid] = value
        return out


def prove(rs: RuleSet, q: Questionnaire) -> Proof:
    """Proves P1 to P4 of ``rs`` over ``q``'s answer space; see the module's docstring."""
    space = _Space(rs, q)
    findings = [_p1(space), _p2(space), _p3(space), _p4(space)]
    return Proof(findings, _warnings(space))


def _affected(space: _Space, qid: str) -> list[str]:
    ts: list[str] = []
    for r in space.rs.rules:
        if r.kind == "condition" and qid in r.reads:
            ts += [t for t, c in r.cells.items() if c in "CA" and t not in ts]
    return ts


def _p1(space: _Space) -> Finding:
    f = Finding("P1", "an unknown safety answer never gives worth_discussing to a treatment "
                "a rule on that question affects")  # fmt: skip
    rules = [r for r in space.rs.rules if r.kind == "condition"]
    for question in space.q.questions:
        if not question.safety or question.id not in space.read or question.id not in space.known:
            continue
        for u in space.unknown[question.id]:
            for t in _affected(space, question.id):
                f.cases += 1
                held = [
                    r for r in rules if r.cells[t] in "CA"
                    and space.tv(r.when, {question.id: [u]}, True) is True
                ]  # fmt: skip
                if held:
                    continue
                answers = space.with_goal_for({**space.clean, question.id: u}, t)
                if answers is not None and space.verdicts(answers)[t] == "worth_discussing":
                    f.failure = f"{t} is worth_discussing with '{question.id}' = {u}"
                    f.counterexample = space.answers_file(answers)
                    return f
                if answers is not None:
                    continue  # this person is held back by another answer: not proved
                f.failure = f"no rule holds {t} back when '{question.id}' is {u}"
                return f
    return f


def _p2(space: _Space) -> Finding:
    f = Finding("P2", "unknown answers alone never give avoid_until_reviewed")
    unknowable = [
        x.id for x in space.q.questions if x.safety and x.id in space.known
    ]  # fmt: skip
    open_ = {qid: [space.clean[qid]] for qid in space.known}
    for qid in unknowable:
        open_[qid] = [space.clean[qid], *space.unknown[qid]]
    f.cases = sum(len(space.unknown[qid]) for qid in unknowable)
    for r in space.rs.rules:
        if r.kind != "condition" or "A" not in r.cells.values():
            continue
        if space.tv(r.when, open_, None) is False:
            continue
        # Undecided: search the unknowns of the questions this rule reads.
        reads = [x for x in r.reads if x in unknowable]
        options = [open_[x] for x in reads]
        for n, combo in enumerate(product(*options)):
            if n > _MAX_SEARCH:
                break
            answers = {**space.clean, **dict(zip(reads, combo, strict=True))}
            if r.id not in space.fired(answers):
                continue
            t = next(t for t, c in r.cells.items() if c == "A")
            with_goal = space.with_goal_for(answers, t) or answers
            f.failure = f"rule {r.id} gives avoid_until_reviewed ({t}) from unknown answers"
            f.counterexample = space.answers_file(with_goal)
            return f
        # No combination fires it: with every other answer at its default it cannot.
    return f


def _p3(space: _Space) -> Finding:
    f = Finding("P3", "no plans answer changes any verdict")
    goal_read = {x for r in space.rs.rules if r.kind == "goal" for x in r.reads}
    plans = [
        x.id for x in space.q.questions
        if not x.safety and x.id not in goal_read and x.id in space.known
    ]  # fmt: skip
    verdict_rules = [r for r in space.rs.rules if r.kind != "preference"]
    for qid in plans:
        f.cases += len(space.classes(qid))
        readers = [r for r in verdict_rules if qid in r.reads]
        shown = [
            x.id for x in space.q.questions
            if x.show_if is not None and qid in x.show_if.questions()
            and any(x.id in r.reads for r in verdict_rules)
        ]  # fmt: skip
        if not readers and not shown:
            continue
        start = (space.witness(readers[0].when) if readers else None) or dict(space.clean)
        for t in (t for r in readers for t, c in r.cells.items() if c != "N"):
            start = space.with_goal_for(start, t) or start
            break
        seen: dict[str, tuple[Any, dict[str, str]]] = {}
        for value in space.classes(qid):
            answers = {**start, qid: value}
            verdicts = space.verdicts(answers)
            for prior, (other, before) in seen.items():
                if before != verdicts:
                    f.failure = (
                        f"the plans answer '{qid}' changes a verdict: {prior} gives "
                        f"{_diff(before, verdicts)}"
                    )
                    f.counterexample = space.answers_file({**start, qid: other})
                    return f
            seen[str(value)] = (value, verdicts)
        who = readers[0].id if readers else shown[0]
        f.failure = f"the plans answer '{qid}' is read by {who}, which can decide a verdict"
        f.counterexample = space.answers_file(start)
        return f
    return f


def _diff(a: Mapping[str, str], b: Mapping[str, str]) -> str:
    return ", ".join(f"{t}: {a[t]} (other answers: {b[t]})" for t in a if a[t] != b[t])


def _p4(space: _Space) -> Finding:
    f = Finding("P4", "every rule can fire (show_if respected)")
    for r in space.rs.rules:
        f.cases += 1
        answers = space.witness(r.when)
        if answers is None or r.id not in space.fired(answers):
            f.failure = f"rule {r.id} can never fire: no answers satisfy its condition"
            f.counterexample = {"rule": r.id}
            return f
    return f


def _warnings(space: _Space) -> list[str]:
    """Health rows whose every cell is matched, whenever they fire, by another row that fires
    too: removing one changes no verdict on any answer set, only the reasons."""
    out: list[str] = []
    rules = [r for r in space.rs.rules if r.kind == "condition"]
    for r in rules:
        cells = {t: c for t, c in r.cells.items() if c in "CA"}
        if not cells:
            continue
        covered = True
        for conjunct in space.conjuncts(r.when):
            open_: dict[str, list[Any]] = {}
            su: bool | None = None
            for leaf in conjunct:
                if leaf.safety_unknown is not None:
                    su = leaf.safety_unknown
                elif leaf.question is not None and leaf.question in space.known:
                    fits = [
                        v for v in open_.get(leaf.question, space.classes(leaf.question))
                        if leaf.holds({} if v is HIDDEN else {leaf.question: v})
                    ]  # fmt: skip
                    open_[leaf.question] = fits
                    q = space.q.by_id[leaf.question]
                    if q.safety and fits and all(v in space.unknown[q.id] for v in fits):
                        su = True
            for t, c in cells.items():
                others = [
                    o for o in rules
                    if o.id != r.id and (o.cells[t] == c or o.cells[t] == "A")
                    and space.tv(o.when, open_, su) is True
                ]  # fmt: skip
                if not others:
                    covered = False
                    break
            if not covered:
                break
        if covered:
            out.append(f"{r.id}: never decides a verdict on its own (other rows always match it)")
    return out

"""Decisive answers: what other answers would do to each verdict, computed from the rule data
with the plain-Python evaluator (never written by hand).

For one person's rule values this finds (a) for each unknown safety answer, the verdict each
treatment would get under each possible answer; (b) for each treatment not ``worth_discussing``,
the smallest sets of answers whose clarification or difference would improve it, and to what;
(c) the single answers that would make it worse. Only questions that goal-free health and safety
rows read are varied: plans answers cannot change a verdict, and goals decide relevance, which
is the person's choice rather than a finding. A changed answer re-derives which questions are
shown; a question it newly shows counts as unanswered (the conservative reading).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise, product
from typing import Any

from ..questionnaire import SPECIAL_VALUES, Question, Questionnaire
from .facts import RuleValues
from .model import SAFETY_UNKNOWN, TREATMENTS, UNANSWERED, RuleCondition, RuleSet, compile_condition

__all__ = ["Candidate", "Decisive", "candidates", "find_decisive", "verdicts_of"]

_SCALE = ("worth_discussing", "discuss_with_caution", "avoid_until_reviewed")
#: Bounds on the search for the smallest improving set: sizes tried and evaluations spent.
MAX_SET = 3
MAX_EVALUATIONS = 24  # per assessment, over every treatment's search
MAX_COMBINATIONS = 3
MAX_SETS = 2


@dataclass(frozen=True)
class Candidate:
    """One possible answer to a question, as a rule value, with its words."""

    value: Any
    answer: str  # a choice id, "yes"/"no", or a number band such as "6 to 12"


def verdicts_of(rs: RuleSet, fired: frozenset[str]) -> dict[str, str]:
    """Each treatment's verdict from the rules that fired, as :func:`combine` makes it: goal rows
    give relevance, health and safety rows the most conservative cell; plans rows are ignored."""
    relevant: set[str] = set()
    worst = dict.fromkeys(TREATMENTS, 0)
    for rule in rs.rules:
        if rule.id not in fired or rule.kind == "preference":
            continue
        for t, cell in rule.cells.items():
            if cell == "I":
                relevant.add(t)
            elif cell == "C":
                worst[t] = max(worst[t], 1)
            elif cell == "A":
                worst[t] = 2
    return {t: _SCALE[worst[t]] if t in relevant else "not_relevant" for t in TREATMENTS}


def _leaves_on(rs: RuleSet) -> dict[str, list[RuleCondition]]:
    out: dict[str, list[RuleCondition]] = {}
    conditions = [r.when for r in rs.rules] + [d.when for d in rs.derivations]
    for cond in conditions:
        for leaf in cond.leaves():
            if leaf.question is not None:
                out.setdefault(leaf.question, []).append(leaf)
    return out


def number_bands(
    leaves: list[RuleCondition], low: float | None, high: float | None
) -> list[tuple[int, str]]:
    """(representative, words) per band of whole numbers the comparisons cannot tell apart."""
    cuts: set[int] = set()
    for leaf in leaves:
        if leaf.lt is not None:
            cuts.add(int(leaf.lt))
        elif leaf.lte is not None:
            cuts.add(int(leaf.lte) + 1)
        elif leaf.gt is not None:
            cuts.add(int(leaf.gt) + 1)
        elif leaf.gte is not None:
            cuts.add(int(leaf.gte))
        elif isinstance(leaf.equals, (int, float)) and not isinstance(leaf.equals, bool):
            cuts.update((int(leaf.equals), int(leaf.equals) + 1))
    points = sorted(c for c in cuts if (low is None or c > low) and (high is None or c <= high))
    if not points:
        return []
    bands: list[tuple[int, str]] = []
    first = points[0] - 1 if low is None else int(low)
    bands.append((first, f"below {points[0]}"))
    for a, b in pairwise(points):
        bands.append((a, f"{a}" if b == a + 1 else f"{a} to {b - 1}"))
    bands.append((points[-1], f"{points[-1]} or more"))
    return bands


def candidates(rs: RuleSet, question: Question) -> tuple[Candidate, ...]:
    """The known answers worth trying for ``question``: each choice, yes and no, or one number
    per band the rules distinguish (from their lt/lte/gt/gte operands)."""
    key = (id(rs), id(question))
    found = _CANDIDATES.get(key)
    if found is None or found[0] is not rs or found[1] is not question:
        if len(_CANDIDATES) > 4_096:
            _CANDIDATES.clear()
        found = _CANDIDATES[key] = (rs, question, _candidates(rs, question))
    return found[2]


# Keyed by identity: a question is a frozen model holding lists, so it cannot be hashed, and a
# rule set or questionnaire lives for the whole process once loaded.
_CANDIDATES: dict[tuple[int, int], tuple[RuleSet, Question, tuple[Candidate, ...]]] = {}


def _candidates(rs: RuleSet, question: Question) -> tuple[Candidate, ...]:
    if question.type == "yes_no":
        return (Candidate("yes", "yes"), Candidate("no", "no"))
    if question.type == "single_choice":
        return tuple(Candidate(c, c) for c in question.choice_ids)
    if question.type == "multiple_choice":
        # One tick at a time (and nothing, or the exclusive choice): a rule reads ticks singly.
        out = [Candidate([c], c) for c in question.choice_ids]
        if question.exclusive_choice is None:
            out.insert(0, Candidate([], "none of these"))
        return tuple(out)
    if question.kind.numeric or question.type == "date":
        leaves = _leaves_on(rs).get(question.id, [])
        low = question.min if question.type != "date" else None
        high = question.max if question.type != "date" else None
        unit = " days from the assessment" if question.type == "date" else ""
        return tuple(Candidate(v, w + unit) for v, w in number_bands(leaves, low, high))
    return ()


@dataclass
class Decisive:
    """What :func:`find_decisive` found, per treatment, as plain data."""

    decisive: dict[str, list[dict[str, Any]]]
    would_improve: dict[str, list[dict[str, Any]]]
    would_worsen: dict[str, list[dict[str, Any]]]


class _Compiled:
    """The rule set indexed for changing a few answers at a time: which derivations and rules
    read each question, each condition compiled once, and each rule's bearing on a verdict."""

    def __init__(self, rs: RuleSet) -> None:
        self.rs = rs
        self.fact_of = {d.id: d.fact for d in rs.derivations}
        self.derivation_tests = {d.id: compile_condition(d.when) for d in rs.derivations}
        self.rule_tests = {r.id: compile_condition(r.when) for r in rs.rules}
        self.by_question: dict[str, list[str]] = {}
        for d in rs.derivations:
            for qid in d.reads:
                self.by_question.setdefault(qid, []).append(d.id)
        self.by_fact: dict[str, list[str]] = {}
        self.unknown_rules: list[str] = []
        for r in rs.rules:
            if r.when.derived is not None:
                self.by_fact.setdefault(r.when.derived, []).append(r.id)
            else:
                for qid in r.when.questions():
                    self.by_question.setdefault(qid, []).append(r.id)
            if any(leaf.safety_unknown is not None for leaf in r.when.leaves()):
                self.unknown_rules.append(r.id)
        #: Per rule: the treatments it makes relevant, and its (treatment, rank) cautions.
        self.bearing: dict[str, tuple[tuple[str, ...], tuple[tuple[str, int], ...]]] = {}
        for r in rs.rules:
            if r.kind == "preference":
                continue
            relevant = tuple(t for t, c in r.cells.items() if c == "I")
            ranks = tuple((t, 1 if c == "C" else 2) for t, c in r.cells.items() if c in "CA")
            self.bearing[r.id] = (relevant, ranks)
        #: Per treatment: the health rows that hold it back (a C or A cell).
        self.against: dict[str, frozenset[str]] = {
            t: frozenset(r.id for r in rs.rules if r.kind != "preference" and r.cells[t] in "CA")
            for t in TREATMENTS
        }
        self.known: dict[frozenset[str], dict[str, str]] = {}

    def verdicts(self, fired: Iterable[str]) -> dict[str, str]:
        """Each treatment's verdict from the rules that fired; remembered per set of fired
        rules, which recurs often: most answers tried change no rule, or the same few."""
        key = frozenset(fired)
        found = self.known.get(key)
        if found is None:
            found = self._verdicts(key)
            if len(self.known) >= 4_096:
                self.known.clear()
            self.known[key] = found
        return found

    def _verdicts(self, fired: Iterable[str]) -> dict[str, str]:
        relevant: set[str] = set()
        worst = dict.fromkeys(TREATMENTS, 0)
        for rid in fired:
            bearing = self.bearing.get(rid)
            if bearing is None:
                continue
            relevant.update(bearing[0])
            for t, rank in bearing[1]:
                if rank > worst[t]:
                    worst[t] = rank
        return {t: _SCALE[worst[t]] if t in relevant else "not_relevant" for t in TREATMENTS}


_COMPILED: dict[int, _Compiled] = {}


def _compiled(rs: RuleSet) -> _Compiled:
    found = _COMPILED.get(id(rs))
    if found is None or found.rs is not rs:
        found = _COMPILED[id(rs)] = _Compiled(rs)
    return found


class _Context:
    def __init__(
        self, rs: RuleSet, q: Questionnaire, given: Mapping[str, Any], base: RuleValues
    ) -> None:
        self.rs, self.q, self.given, self.base = rs, q, given, base
        self.c = _compiled(rs)
        self.shows: dict[str, list[Question]] = {}
        for x in q.questions:
            for qid in x.show_if.questions() if x.show_if is not None else ():
                self.shows.setdefault(qid, []).append(x)
        self.fired = rs.evaluate(base.values, safety_unknown=base.safety_unknown)
        self.facts = {self.c.fact_of[i] for i in self.fired if i in self.c.fact_of}
        self.cache: dict[tuple[tuple[str, Any], ...], tuple[dict[str, str], set[str]]] = {}
        self.evaluations = 0
        self.singles = 0

    def verdicts(self, changes: tuple[tuple[str, Any], ...]) -> dict[str, str]:
        """The verdicts with ``changes`` (question id, rule value) made; only the derivations
        and rules that read a changed answer are evaluated again."""
        return self._evaluated(_key(changes), changes)[0]

    def _evaluated(
        self, key: tuple[tuple[str, Any], ...], changes: tuple[tuple[str, Any], ...]
    ) -> tuple[dict[str, str], set[str]]:
        """(verdicts, rules and derivations fired) with ``changes`` made, ``key`` their key."""
        found = self.cache.get(key)
        if found is not None:
            return found
        self.evaluations += 1
        values = dict(self.base.values)
        unknown = set(self.base.unknown)
        touched = {qid for qid, _ in changes}
        for qid, value in changes:
            values[qid] = value
            unknown.discard(qid)
            if self.q.by_id[qid].safety and isinstance(value, str) and value in _UNKNOWN:
                unknown.add(qid)
        shown = {x.id: x for qid in touched for x in self.shows.get(qid, ())}
        given = {**self.given, **dict(changes)} if shown else self.given
        for x in shown.values():
            if x.id in touched:
                continue  # the changed answers may show or hide others
            if not self.q.visible(x, given):
                if x.id in values:
                    values.pop(x.id)
                    unknown.discard(x.id)
                    touched.add(x.id)
            elif x.id not in values and x.type != "text":
                values[x.id] = UNANSWERED  # newly shown: unanswered, the cautious reading
                touched.add(x.id)
                if x.safety:
                    unknown.add(x.id)
        c = self.c
        fired = set(self.fired)
        facts = set(self.facts)
        owners = {o for qid in touched for o in c.by_question.get(qid, ())}
        # Most changes touch no derivation: the file-order pass over them is skipped then.
        for did, test in c.derivation_tests.items() if not owners.isdisjoint(c.fact_of) else ():
            if did in owners:  # few: derivations are read in the file's order
                fired.discard(did)
                facts.discard(c.fact_of[did])
                if test(values, facts):
                    fired.add(did)
                    facts.add(c.fact_of[did])
                owners.update(c.by_fact.get(c.fact_of[did], ()))
        if bool(unknown) != self.base.safety_unknown:
            owners.update(c.unknown_rules)
        if unknown:
            facts.add(SAFETY_UNKNOWN)
        for rid in owners:
            rule_test = c.rule_tests.get(rid)
            if rule_test is not None:
                fired.discard(rid)
                if rule_test(values, facts):
                    fired.add(rid)
        found = self.cache[key] = (c.verdicts(fired), fired)
        return found

    def burden(self, changes: tuple[tuple[str, Any], ...], t: str) -> tuple[int, int]:
        """How hard ``changes`` weigh on ``t``: its verdict's rank, then how many rows hold it
        back (to try the most favourable answer first)."""
        verdicts, fired = self._evaluated(_key(changes), changes)
        v = verdicts[t]
        held = len(fired & self.c.against[t])
        return (_SCALE.index(v) if v in _SCALE else len(_SCALE), held)


_UNKNOWN = (UNANSWERED, *SPECIAL_VALUES)


def _key(changes: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, Any], ...]:
    """``changes`` as a cache key (a list answer as a tuple)."""
    if len(changes) == 1:  # most changes are single: no generator for them
        qid, value = changes[0]
        return ((qid, tuple(value) if value.__class__ is list else value),)
    return tuple((qid, tuple(v) if isinstance(v, list) else v) for qid, v in changes)


def _plan(rs: RuleSet) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    found = _PLANS.get(id(rs))
    if found is None or found[0] is not rs:
        found = _PLANS[id(rs)] = (rs, _make_plan(rs))
    return found[1]


_PLANS: dict[int, tuple[RuleSet, tuple[frozenset[str], dict[str, frozenset[str]]]]] = {}


def _make_plan(rs: RuleSet) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """(questions goal rows read, and per treatment the questions its health rows read)."""
    goal_read = {qid for r in rs.rules if r.kind == "goal" for qid in r.reads}
    per: dict[str, set[str]] = {t: set() for t in TREATMENTS}
    for r in rs.rules:
        if r.kind != "condition":
            continue
        for t in r.treatments:
            per[t].update(x for x in r.reads if x not in goal_read)
    return frozenset(goal_read), {t: frozenset(v) for t, v in per.items()}


def _status(base: RuleValues, given: Mapping[str, Any], qid: str) -> str:
    value = given.get(qid)
    if value is None:
        return UNANSWERED
    return str(value) if isinstance(value, str) and value in SPECIAL_VALUES else "answered"


def find_decisive(
    rs: RuleSet, q: Questionnaire, given: Mapping[str, Any], base: RuleValues
) -> Decisive:
    """Decisive answers for one person: ``given`` are the validated answers (question id to
    value), ``base`` their rule values (see :func:`~suitability.rules.facts.rule_values`)."""
    ctx = _Context(rs, q, given, base)
    now = ctx.c.verdicts(ctx.fired)
    _, read_by = _plan(rs)
    order = {x.id: i for i, x in enumerate(q.questions)}
    asked = sorted(
        {qid for qs in read_by.values() for qid in qs if qid in q.by_id and qid in base.values},
        key=order.__getitem__,
    )
    # Every single change, once: shared by (a), (b) and (c).
    single: dict[str, list[tuple[Candidate, dict[str, str]]]] = {}
    for qid in asked:
        current = base.values.get(qid)
        single[qid] = [
            (c, ctx.verdicts(((qid, c.value),)))
            for c in candidates(rs, q.by_id[qid])
            if c.value != current
        ]
    ctx.singles = ctx.evaluations
    out = Decisive({}, {}, {})
    for t in TREATMENTS:
        verdict = now[t]
        out.decisive[t], out.would_improve[t], out.would_worsen[t] = [], [], []
        if verdict == "not_relevant":
            continue
        mine = [qid for qid in asked if qid in read_by[t]]
        for qid in mine:
            if qid not in base.unknown:
                continue
            options = [{"answer": c.answer, "verdict": v[t]} for c, v in single[qid]]
            if any(o["verdict"] != verdict for o in options):
                out.decisive[t].append(
                    {"question": qid, "status": _status(base, given, qid), "options": options}
                )
        rank = _SCALE.index(verdict)
        for qid in mine:
            worse: dict[str, list[str]] = {}
            for c, v in single[qid]:
                if v[t] in _SCALE and _SCALE.index(v[t]) > rank:
                    worse.setdefault(v[t], []).append(c.answer)
            for v_t, answers in worse.items():
                out.would_worsen[t].append({"question": qid, "answers": answers, "verdict": v_t})
        if rank > 0:
            out.would_improve[t] = _improve(ctx, t, rank, mine)
    return out


def _blocking_sets(ctx: _Context, t: str, rank: int, mine: list[str]) -> list[tuple[str, ...]]:
    """The smallest sets of questions that meet every health row holding ``t`` at its verdict or
    worse (a hitting set: one question each row reads; every unknown one for the unknown-answer
    row, which holds while any is unknown), smallest first, in questionnaire order."""
    c = ctx.c
    order = {qid: i for i, qid in enumerate(mine)}
    choices: list[list[tuple[str, ...]]] = []
    # In the file's order, not the fired set's: the kept sets must not depend on string hashing.
    for rid in (r.id for r in ctx.rs.rules if r.id in ctx.fired):
        bearing = c.bearing.get(rid)
        if bearing is None or not any(tt == t and r >= rank for tt, r in bearing[1]):
            continue
        rule = ctx.rs.rules_by_id[rid]
        if rid in c.unknown_rules:
            choices.append([tuple(x for x in ctx.base.unknown if x in order)])
        else:
            choices.append([(x,) for x in rule.reads if x in order])
    # Grown one row at a time, keeping only the smallest few: a row already met adds nothing.
    sets: list[frozenset[str]] = [frozenset()]
    for row in sorted(choices, key=len):
        grown = {x if any(set(part) <= x for part in row) else x | set(part)
                 for x in sets for part in row}  # fmt: skip
        ranked = sorted(grown, key=lambda x: (len(x), sorted(order[q] for q in x)))
        sets = [x for x in ranked if not any(y < x for y in ranked)][: 4 * MAX_SETS]
    return [tuple(sorted(x, key=order.__getitem__)) for x in sets if x]


def _improve(ctx: _Context, t: str, rank: int, mine: list[str]) -> list[dict[str, Any]]:
    """The smallest sets of answers whose clarification or difference would improve ``t``'s
    verdict, with the best verdict each reaches; bounded in evaluations."""
    found: list[dict[str, Any]] = []
    size = None
    for subset in _blocking_sets(ctx, t, rank, mine):
        if size is not None and len(subset) > size:
            break
        best = _best(ctx, ctx.rs, ctx.base, t, rank, subset)
        if best is not None:
            found.append(best)
            size = len(subset)
            if len(found) >= MAX_SETS:
                break
        if ctx.evaluations - ctx.singles > MAX_EVALUATIONS:
            break
    return found


def _best(
    ctx: _Context, rs: RuleSet, base: RuleValues, t: str, rank: int, subset: tuple[str, ...]
) -> dict[str, Any] | None:
    """The best verdict for ``t`` some answers to ``subset`` reach, and those answers: first
    each question's most favourable answer on its own, then other combinations, bounded."""
    options = [
        sorted(
            (c for c in candidates(rs, ctx.q.by_id[qid]) if c.value != base.values.get(qid)),
            key=lambda c, qid=qid: ctx.burden(((qid, c.value),), t),  # type: ignore[misc]
        )
        for qid in subset
    ]
    best: tuple[int, tuple[Candidate, ...]] | None = None
    for n, combo in enumerate(product(*options)):
        if n >= MAX_COMBINATIONS:
            break
        changes = tuple(sorted(((qid, c.value) for qid, c in zip(subset, combo, strict=True)),
                               key=lambda x: x[0]))  # fmt: skip
        v = ctx.verdicts(changes)[t]
        if v in _SCALE and _SCALE.index(v) < rank and (best is None or _SCALE.index(v) < best[0]):
            best = (_SCALE.index(v), combo)
            if best[0] == 0:
                break
    if best is None:
        return None
    answers = [
        {"question": qid, "answer": c.answer} for qid, c in zip(subset, best[1], strict=True)
    ]
    return {"answers": answers, "verdict": _SCALE[best[0]]}

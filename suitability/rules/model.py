"""The rule set as data: pydantic models for ``facial.yaml``, its loader, and the plain-Python
evaluation of its conditions.

A rule's condition is a questionnaire :class:`~suitability.questionnaire.Condition` (the same
model and meaning as ``show_if``) extended with what only rules need: ``derived`` (a fact a
derivation asserted) and ``safety_unknown`` (some safety question is not sure, declined or
unanswered). Conditions are read over *rule values*: question id to answer, a date as days from
the day of the assessment, and ``"unanswered"`` for a shown question left blank (see
:func:`suitability.rules.facts.rule_values`).

:meth:`RuleSet.evaluate` compiles every condition once into closures, so that it can be called
thousands of times per assessment; durable-rules runs the same data (see
:mod:`suitability.rules.engine`), and the two are checked against each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StrictBool, ValidationError

from .._messages import problem
from .._problems import count, did_you_mean, format_loc, pydantic_problems
from .._yaml import Positions, parse_yaml
from ..errors import Problem, RulesError
from ..questionnaire import Condition, Id, Text

__all__ = [
    "SAFETY_UNKNOWN",
    "TREATMENTS",
    "UNANSWERED",
    "UNKNOWN_VALUES",
    "Cell",
    "Derivation",
    "Effects",
    "Kind",
    "Rule",
    "RuleCondition",
    "RuleSet",
    "check_rules_data",
    "default_rules",
    "load_rules",
]

TREATMENTS: tuple[str, ...] = (
    "mesotherapy",
    "botulinum_toxin",
    "dermal_fillers",
    "chemical_peel",
    "laser_resurfacing",
    "microneedling",
    "ultherapy",
)

UNANSWERED = "unanswered"  # a shown question left without any answer
UNKNOWN_VALUES = ("not_sure", "prefer_not_to_say", UNANSWERED)
#: The name under which "some safety question is unknown" is a fact, for the engine and here.
SAFETY_UNKNOWN = "safety_unknown"

Cell = Literal["I", "N", "C", "A"]
Kind = Literal["goal", "condition", "preference"]

_STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class RuleCondition(Condition):
    """A questionnaire condition, plus ``derived`` and ``safety_unknown`` (each on its own)."""

    derived: Id | None = Field(default=None, description="A fact a derivation asserted.")
    safety_unknown: StrictBool | None = Field(
        default=None, description="true: some safety question is not sure, declined or blank."
    )
    all_: list[RuleCondition] | None = Field(default=None, alias="all")  # type: ignore[assignment]
    any_: list[RuleCondition] | None = Field(default=None, alias="any")  # type: ignore[assignment]
    not_: RuleCondition | None = Field(default=None, alias="not")

    def leaves(self) -> Iterator[RuleCondition]:
        """Every comparison, ``derived`` and ``safety_unknown`` test, in the file's order."""
        for _, leaf in self.located_leaves():
            yield leaf

    def located_leaves(
        self, path: tuple[str | int, ...] = ()
    ) -> Iterator[tuple[tuple[str | int, ...], RuleCondition]]:
        """Each test with its path below this condition (``("any[1]", "all[0]")``)."""
        if self.all_ is None and self.any_ is None and self.not_ is None:
            yield path, self
        for step, child in self.children():
            assert isinstance(child, RuleCondition)
            yield from child.located_leaves((*path, step))

    def holds(
        self,
        values: Mapping[str, Any],
        facts: AbstractSet[str] = frozenset(),
    ) -> bool:
        """Whether the condition holds for rule ``values``, given the derived ``facts`` (which
        hold :data:`SAFETY_UNKNOWN` when some safety question is unknown). The tree is walked at
        each call: :meth:`RuleSet.evaluate` is the fast form of the same meaning."""
        if self.derived is not None:
            return self.derived in facts
        if self.safety_unknown is not None:
            return (SAFETY_UNKNOWN in facts) == self.safety_unknown
        if self.all_ is not None:
            return all(c.holds(values, facts) for c in self.all_)
        if self.any_ is not None:
            return any(c.holds(values, facts) for c in self.any_)
        if self.not_ is not None:
            return not self.not_.holds(values, facts)
        return super().holds(values)


class Effects(BaseModel):
    """A rule's effect on each treatment: I goal served, N none, C caution, A avoid."""

    model_config = _STRICT

    mesotherapy: Cell
    botulinum_toxin: Cell
    dermal_fillers: Cell
    chemical_peel: Cell
    laser_resurfacing: Cell
    microneedling: Cell
    ultherapy: Cell


class Derivation(BaseModel):
    """Forward chaining: when ``when`` holds, the fact ``fact`` holds for the rules that read it."""

    model_config = _STRICT

    id: Id
    fact: Id
    when: RuleCondition
    note: Text

    @cached_property
    def reads(self) -> tuple[str, ...]:
        """The questions the condition reads, in its order, each once."""
        return tuple(dict.fromkeys(self.when.questions()))


class Rule(BaseModel):
    """One row of the screening matrix."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: Id
    kind: Kind
    title: Text
    when: RuleCondition
    effects: Effects
    why: Text
    mention: str = ""
    source_tags: list[Text] = Field(alias="source", min_length=1)
    #: Questions read through a derived fact: set by the loader from the derivation.
    _via: tuple[str, ...] = PrivateAttr(default=())

    @cached_property
    def cells(self) -> dict[str, Cell]:
        return {t: getattr(self.effects, t) for t in TREATMENTS}

    @cached_property
    def treatments(self) -> tuple[str, ...]:
        """The treatments this rule has a bearing on."""
        return tuple(t for t in TREATMENTS if self.cells[t] != "N")

    @cached_property
    def reads(self) -> tuple[str, ...]:
        """The questions the rule reads, from its condition (through a derivation's, for a
        derived fact), in order, each once."""
        return tuple(dict.fromkeys((*self.when.questions(), *self._via)))

    @property
    def rationale(self) -> str:
        return self.why

    @property
    def source(self) -> str:
        return "; ".join(self.source_tags)

    @property
    def effect(self) -> str:
        """The strongest effect of the row, in words."""
        cells = set(self.cells.values())
        if "I" in cells:
            return "makes relevant"
        if "A" in cells:
            return "avoid until reviewed"
        if "C" in cells:
            return "discuss with caution"
        return "no effect on verdicts (recorded only)"


class _RuleSetData(BaseModel):
    model_config = _STRICT

    id: Id
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    derivations: list[Derivation]
    rules: list[Rule] = Field(min_length=1)


# --------------------------------------------------------------------------- compiled conditions

#: A compiled condition: rule values and the facts that hold -> whether it holds.
Test = Callable[[Mapping[str, Any], AbstractSet[str]], bool]


def compile_condition(cond: RuleCondition) -> Test:
    """The condition as closures, with exactly the meaning of :meth:`RuleCondition.holds`."""
    if cond.derived is not None:
        fact = cond.derived
        return lambda v, d: fact in d
    if cond.safety_unknown is not None:
        wanted = cond.safety_unknown
        return lambda v, d: (SAFETY_UNKNOWN in d) == wanted
    if cond.all_ is not None or cond.any_ is not None:
        parts = tuple(compile_condition(c) for c in (cond.all_ or cond.any_ or ()))
        if cond.all_ is not None:
            if len(parts) == 2:
                a, b = parts
                return lambda v, d: a(v, d) and b(v, d)
            return lambda v, d: all(p(v, d) for p in parts)
        if len(parts) == 2:
            a, b = parts
            return lambda v, d: a(v, d) or b(v, d)
        return lambda v, d: any(p(v, d) for p in parts)
    if cond.not_ is not None:
        inner = compile_condition(cond.not_)
        return lambda v, d: not inner(v, d)
    return _compile_leaf(cond)


def _compile_leaf(cond: RuleCondition) -> Test:
    q = cond.question
    assert q is not None  # the loader's structural check
    if cond.answered is not None:
        answered = cond.answered
        return lambda v, d: (v.get(q) is not None) == answered
    if cond.equals is not None:
        x = cond.equals
        return lambda v, d: bool(v.get(q) == x)
    if cond.one_of is not None:
        xs = tuple(cond.one_of)  # a tuple: an answer may be a list, which a set cannot hold
        return lambda v, d: v.get(q) in xs
    if cond.any_of is not None:
        ticked = tuple(cond.any_of)

        def any_of(v: Mapping[str, Any], d: AbstractSet[str]) -> bool:
            value = v.get(q)
            return type(value) is list and any(c in value for c in ticked)

        return any_of
    # One closure per operator: no second call inside the test.
    if cond.lt is not None:
        lt = cond.lt
        return lambda v, d: type(x := v.get(q, _ABSENT)) in _NUMBERS and x < lt
    if cond.lte is not None:
        lte = cond.lte
        return lambda v, d: type(x := v.get(q, _ABSENT)) in _NUMBERS and x <= lte
    if cond.gt is not None:
        gt = cond.gt
        return lambda v, d: type(x := v.get(q, _ABSENT)) in _NUMBERS and x > gt
    if cond.gte is not None:
        gte = cond.gte
        return lambda v, d: type(x := v.get(q, _ABSENT)) in _NUMBERS and x >= gte
    return lambda v, d: False


#: Typed ``Any`` so that a comparison's closure reads as plain Python without casts.
_ABSENT: Any = None
#: The types a comparison reads (never bool, which Python counts as a number).
_NUMBERS = (int, float)


class _Matcher:
    """Which of a list of conditions hold, as fast as plain Python allows: a condition that is a
    single equality (``equals``/``one_of``) or ticked-choice (``any_of``) test, a derived fact
    or ``safety_unknown`` is found by one dictionary look-up per question, every other one by
    its compiled closure. The meaning is exactly :meth:`RuleCondition.holds`'s."""

    def __init__(self, items: Sequence[tuple[str, RuleCondition]]) -> None:
        equal: dict[str, dict[Any, list[str]]] = {}
        ticked: dict[str, dict[str, list[str]]] = {}
        facts: dict[str, list[str]] = {}
        tests: list[tuple[str, Test]] = []
        flat: list[tuple[str, RuleCondition]] = []
        for owner, cond in items:
            # "any" at the top holds when one branch does: each branch is matched on its own.
            flat += [(owner, c) for c in cond.any_] if cond.any_ is not None else [(owner, cond)]
        for owner, cond in flat:
            if cond.derived is not None:
                facts.setdefault(cond.derived, []).append(owner)
            elif cond.safety_unknown:
                facts.setdefault(SAFETY_UNKNOWN, []).append(owner)
            elif cond.question is not None and (cond.equals is not None or cond.one_of):
                table = equal.setdefault(cond.question, {})
                for value in [cond.equals] if cond.equals is not None else cond.one_of or []:
                    table.setdefault(value, []).append(owner)
            elif cond.question is not None and cond.any_of:
                choices = ticked.setdefault(cond.question, {})
                for choice in cond.any_of:
                    choices.setdefault(choice, []).append(owner)
            else:
                tests.append((owner, compile_condition(cond)))
        self.equal = tuple((q, {k: tuple(v) for k, v in t.items()}) for q, t in equal.items())
        self.ticked = tuple((q, {k: tuple(v) for k, v in t.items()}) for q, t in ticked.items())
        self.facts = tuple((f, tuple(ids)) for f, ids in facts.items())
        self.tests = tuple(tests)

    def match(self, v: Mapping[str, Any], d: AbstractSet[str]) -> list[str]:
        """The owners whose condition holds (an owner may be listed more than once)."""
        out: list[str] = []
        for q, table in self.equal:
            value = v.get(q)
            if value is not None and type(value) is not list:  # a list is never equal
                found = table.get(value)
                if found:
                    out += found
        for q, choices in self.ticked:
            value = v.get(q)
            if type(value) is list:
                for choice in value:
                    found = choices.get(choice)
                    if found:
                        out += found
        for fact, owners in self.facts:
            if fact in d:
                out += owners
        for owner, test in self.tests:
            if test(v, d):
                out.append(owner)
        return out


# --------------------------------------------------------------------------- the rule set


@dataclass(frozen=True)
class RuleSet:
    """A loaded, checked rule set: its rules and derivations in the file's order."""

    id: str
    version: str
    rules: tuple[Rule, ...]
    derivations: tuple[Derivation, ...]
    #: The file it was loaded from, and where each of its keys starts, to locate misfits.
    source: str = field(default="", compare=False)
    positions: Positions | None = field(default=None, compare=False, repr=False)

    @cached_property
    def rules_by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    @cached_property
    def _compiled(self) -> tuple[_Matcher, dict[str, str], _Matcher]:
        derivations = _Matcher([(d.id, d.when) for d in self.derivations])
        facts = {d.id: d.fact for d in self.derivations}
        return derivations, facts, _Matcher([(r.id, r.when) for r in self.rules])

    def evaluate(
        self, values: Mapping[str, Any], *, safety_unknown: bool = False
    ) -> frozenset[str]:
        """The ids of every derivation and rule that fire for rule ``values`` (see
        :func:`suitability.rules.facts.rule_values`), derived facts chained into the rules
        that read them. Compiled once per rule set; about ten microseconds a call."""
        derivations, fact_of, rules = self._compiled
        facts: set[str] = {SAFETY_UNKNOWN} if safety_unknown else set()
        derived = derivations.match(values, facts)  # derivations read answers only
        facts.update(fact_of[d] for d in derived)
        return frozenset(derived + rules.match(values, facts))

    def cells(self, rule_id: str) -> dict[str, Cell]:
        """A rule's effect per treatment (``I``, ``N``, ``C`` or ``A``)."""
        return self.rules_by_id[rule_id].cells

    def questions_read(self) -> set[str]:
        """Every question id the rule set reads."""
        out: set[str] = set()
        for r in self.rules:
            out.update(r.reads)
        for d in self.derivations:
            out.update(d.reads)
        return out

    def references(self) -> Iterator[tuple[str, str, str | None]]:
        """(rule or derivation id, question id, choice id or None) for every reference made:
        a choice for each ticked or equal choice a condition tests, None for the question."""
        for owner, cond, reads in (
            *((r.id, r.when, r.reads) for r in self.rules),
            *((d.id, d.when, d.reads) for d in self.derivations),
        ):
            for leaf in cond.leaves():
                for question, choice in leaf_refs(leaf):
                    yield owner, question, choice
            for question in reads:
                yield owner, question, None


def leaf_refs(leaf: RuleCondition) -> Iterator[tuple[str, str | None]]:
    """(question, choice or None) for each value a comparison tests; an unknown answer such as
    ``not_sure`` is no choice of the question, so it refers to the question only."""
    if leaf.question is None:
        return
    listed = [leaf.equals] if leaf.equals is not None else (leaf.one_of or leaf.any_of or [])
    if not listed:
        yield leaf.question, None
    for value in listed:
        if isinstance(value, str) and value not in UNKNOWN_VALUES:
            yield leaf.question, value
        else:
            yield leaf.question, None


# --------------------------------------------------------------------------- loading


def _known_keys() -> set[str]:
    keys: set[str] = set()
    for model in (_RuleSetData, Rule, Derivation, RuleCondition, Effects):
        for name, info in model.model_fields.items():
            keys.add(info.alias or name)
    return keys


def _structure(
    cond: Any, loc: list[str | int], *, in_derivation: bool, top: bool, err: _Err
) -> None:
    """What the models cannot say: a test's shape, and where ``derived`` may stand."""
    if not isinstance(cond, dict):
        return
    ops = [o for o in ("equals", "one_of", "any_of", "lt", "lte", "gt", "gte", "answered")
           if cond.get(o) is not None]  # fmt: skip
    combos = [c for c in ("all", "any", "not") if cond.get(c) is not None]
    specials = [s for s in ("derived", "safety_unknown") if cond.get(s) is not None]
    if specials:
        if ops or combos or cond.get("question") is not None or len(specials) > 1:
            err(loc, "rules_condition_alone", test=specials[0])
        elif specials == ["derived"] and (in_derivation or not top):
            err(loc, "rules_derived_place")
    elif cond.get("question") is not None:
        if combos:
            err(loc, "condition_both", combinator=combos[0])
        if len(ops) != 1:
            err(loc, "condition_operators", found=", ".join(ops) or "none")
    else:
        if ops:
            err(loc, "condition_needs_question", op=ops[0])
        if len(combos) != 1:
            err(loc, "condition_shape")
    if "not" in combos:
        err(loc, "rules_condition_unsupported", test="not")
    if "answered" in ops:
        err(loc, "rules_condition_unsupported", test="answered")
    for name in ("all", "any"):
        children = cond.get(name)
        if isinstance(children, list):
            for index, child in enumerate(children):
                _structure(
                    child, [*loc, f"{name}[{index}]"], in_derivation=in_derivation, top=False,
                    err=err,
                )  # fmt: skip


_Err = Callable[..., None]


def check_rules_data(
    data: Any, source: str, positions: Positions | None = None
) -> tuple[RuleSet | None, list[Problem]]:
    """Checks parsed rule-set data; returns (rule set or None, every problem, located)."""
    problems: list[Problem] = []

    def err(loc: Sequence[str | int], code: str, **params: Any) -> None:
        line = positions.line(loc) if positions is not None else None
        problems.append(problem(code, format_loc(loc), source=source, line=line, **params))

    if not isinstance(data, dict):
        return None, [problem("rules_not_mapping", source=source)]
    model: _RuleSetData | None = None
    try:
        model = _RuleSetData.model_validate(data)
    except ValidationError as exc:
        problems += pydantic_problems(
            exc, source=source, positions=positions, known_keys=_known_keys()
        )
    for key in ("derivations", "rules"):
        items = data.get(key)
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, dict):
                _structure(
                    item.get("when"), [key, index, "when"], in_derivation=key == "derivations",
                    top=True, err=err,
                )  # fmt: skip
    _semantics(data, err)
    if model is None or problems:
        return None, _sorted(problems)
    return _ruleset(model, source, positions), []


def _ruleset(model: _RuleSetData, source: str, positions: Positions | None) -> RuleSet:
    facts = {d.fact: d for d in model.derivations}
    for r in model.rules:
        if r.when.derived is not None:
            r._via = facts[r.when.derived].reads
    return RuleSet(
        model.id, model.version, tuple(model.rules), tuple(model.derivations), source, positions
    )


def ruleset_data(ruleset: RuleSet) -> dict[str, Any]:
    """The rule set as JSON data that :func:`ruleset_from_data` reads back equal (for the cache
    of the shipped rule set: only fields the file gave, as it gave them)."""
    data = _RuleSetData(
        id=ruleset.id,
        version=ruleset.version,
        derivations=list(ruleset.derivations),
        rules=list(ruleset.rules),
    )
    return data.model_dump(mode="json", by_alias=True, exclude_unset=True)


def ruleset_from_data(data: Any, source: str, positions: Positions | None) -> RuleSet:
    """A rule set from :func:`ruleset_data`'s output, already checked when it was written;
    raises ValidationError (a ValueError) when the data does not have its shape."""
    return _ruleset(_RuleSetData.model_validate(data), source, positions)


def _parsed(items: Any, model: type[Derivation] | type[Rule]) -> list[tuple[int, Any]]:
    """The items that are valid on their own, with their indices: the checks across items
    still run when another item is broken, so that every problem is reported at once."""
    out: list[tuple[int, Any]] = []
    for index, item in enumerate(items if isinstance(items, list) else ()):
        try:
            out.append((index, model.model_validate(item)))
        except ValidationError:
            continue
    return out


def _semantics(data: dict[str, Any], err: _Err) -> None:
    raw_derivations = data.get("derivations")
    raw_rules = data.get("rules")
    derivations: list[tuple[int, Derivation]] = _parsed(raw_derivations, Derivation)
    rules: list[tuple[int, Rule]] = _parsed(raw_rules, Rule)
    seen: set[str] = set()
    ids = [("derivations", i, d.id) for i, d in derivations]
    ids += [("rules", i, r.id) for i, r in rules]
    for key, index, item_id in ids:
        if item_id in seen:
            err([key, index, "id"], "rules_duplicate_id", id=item_id)
        seen.add(item_id)
    facts: dict[str, int] = {}
    for index, d in derivations:
        if d.fact in facts:
            err(["derivations", index, "fact"], "rules_duplicate_fact", fact=d.fact)
        facts.setdefault(d.fact, index)
    # A fact named by a derivation that is broken elsewhere is still known by its name.
    named = {
        item["fact"]
        for item in (raw_derivations if isinstance(raw_derivations, list) else ())
        if isinstance(item, dict) and isinstance(item.get("fact"), str)
    }
    read: set[str] = set()
    for index, r in rules:
        if r.when.derived is not None:
            read.add(r.when.derived)
            if r.when.derived not in named:
                err(
                    ["rules", index, "when", "derived"],
                    "rules_unknown_fact",
                    fact=r.when.derived,
                    hint=did_you_mean(r.when.derived, named),
                )
        cells = set(r.cells.values())
        if r.kind == "goal" and (cells - {"I", "N"} or "I" not in cells):
            err(["rules", index, "effects"], "rules_goal_cells", id=r.id)
        if r.kind != "goal" and "I" in cells:
            err(["rules", index, "effects"], "rules_cell_not_goal", id=r.id)
    if isinstance(raw_rules, list) and len(rules) == len(raw_rules):  # every reader is known
        for fact, index in facts.items():
            if fact not in read:
                derivation = derivations[[i for i, _ in derivations].index(index)][1].id
                err(["derivations", index, "fact"], "rules_unread_derivation",
                    derivation=derivation, fact=fact)  # fmt: skip


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0))


def load_rules(path: str | Path) -> RuleSet:
    """Loads and checks a rule-set file; raises RulesError listing every problem, located."""
    path = Path(path)
    source = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RulesError(
            [problem("unreadable", source=str(path), reason=reason)],
            summary=f"{source}: the rule set cannot be read",
        ) from None
    data, positions, syntax = parse_yaml(text, source)
    if syntax is not None:
        raise RulesError([syntax], summary=f"{source}: 1 problem in the rule set")
    ruleset, problems = check_rules_data(data, source, positions)
    if ruleset is None:
        raise RulesError(problems, summary=f"{source}: {count(problems)} in the rule set")
    return ruleset


def default_rules_path() -> Path:
    return Path(__file__).resolve().parent / "facial.yaml"


_DEFAULT: dict[str, RuleSet] = {}


def default_rules() -> RuleSet:
    """The shipped rule set, loaded once per process (from the cache of the checked shipped
    files when it is there: see :mod:`suitability._shipped`)."""
    if "r" not in _DEFAULT:
        from .. import _shipped

        hit = _shipped.cached()
        _DEFAULT["r"] = hit[1] if hit is not None else load_rules(default_rules_path())
    return _DEFAULT["r"]

"""The durable-rules engine behind :func:`suitability.assess`, with its traps made invisible.

durable-rules 2.0.28 keeps at most 1024 live sessions per ruleset (then corrupts itself), stores
exceptions raised inside actions in the session state instead of raising them, raises
``MessageNotHandledException`` for a fact no rule matches (and, for a batch, drops the actions of
the facts that did match), keeps a process-global registry of ruleset names, and has no locks.
So this wrapper:

- generates its JSON ruleset from the rule-set data file (each condition compiled to durable's
  ``$and``/``$or``/``$lt``... over one lean answers fact; a derived fact is a fact of its own),
  once per process, under a unique name, without a
  ``Host`` (whose timer threads call into the unlocked C engine);
- serialises every call with one lock; batch work uses processes, each with its own engine;
- gives every assessment a fresh session id and always deletes its state in ``finally``;
- asserts one answers fact per assessment (holding only what rules test: each fired action
  makes durable-rules re-encode the matched fact) and gives it a catch-all rule: measured here,
  deleting a session whose fact matched no rule aborts the whole process (intermittently),
  while never deleting it runs into the 1024-session limit;
- records which rules fired with the project's own stable ids, and turns any exception inside
  an action (caught by us, or found in the session state) into :class:`RulesError`;
- replaces durable-rules' clock helper, which calls ``datetime.utcfromtimestamp`` (deprecated
  since Python 3.12) on every fired action: under warnings-as-errors every assessment failed.
  Its callers only subtract one reading from another (an action's 10-second time-out), so the
  replacement is ``time.monotonic``: no deprecated call, unmoved by a change of the wall
  clock, and about twenty times cheaper (it was 5% of an assessment). Filtering the warning
  instead would change process-wide state, which is not thread-safe;
- gives the library's logger a null handler: it logs every exception met in its own code (a
  Ctrl-C included) with a traceback, which Python would otherwise print on standard error.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import math
import threading
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from .._messages import problem
from ..errors import Problem, RulesError
from ._durable import not_built_for_this_python
from .model import SAFETY_UNKNOWN, Derivation, RuleCondition, RuleSet, default_rules

__all__ = ["Engine", "Hit", "assert_answers", "durable_condition", "get_engine"]

_names = itertools.count()
_SEEN = "_seen"


def _durable_engine() -> Any:
    """durable-rules' engine module, with its clock replaced (its functions look the helper up
    in the module at each call, so replacing the module's attribute is enough)."""
    import logging

    try:
        import durable.engine
    except ImportError as exc:
        unbuilt = not_built_for_this_python(exc)
        if unbuilt is None:
            raise
        # The linker's own words (a path, a symbol) say nothing a person can act on.
        raise unbuilt from None

    durable.engine._unix_now = time.monotonic
    # Every failure reaches the caller as a RulesError; without a handler of its own, the
    # library's log would print its tracebacks (a Ctrl-C's included) on standard error.
    logging.getLogger("durable").addHandler(logging.NullHandler())
    return durable.engine


_FAILED = "the assessment could not be completed"


def _failure(owner: str, exc: Exception) -> Problem:
    return problem(
        "rules_action_failed", owner=owner, error_type=type(exc).__name__, error=str(exc)
    )


def _noop(c: Any) -> None:
    """The catch-all rule's action: nothing to record."""


class Hit(NamedTuple):
    """A rule or derivation that fired, by its stable id (a tuple: cheap to make in actions)."""

    rule: str


_COMPARE = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}


def _test(cond: RuleCondition) -> dict[str, Any]:
    """One condition over the answers fact, in durable-rules' expression language."""
    if cond.all_ is not None:
        return {"$and": [_test(c) for c in cond.all_]}
    if cond.any_ is not None:
        return {"$or": [_test(c) for c in cond.any_]}
    if cond.safety_unknown is not None:
        # Only `true` is tested: the property is absent, never 0, when nothing is unknown.
        return {SAFETY_UNKNOWN: 1}
    q = cond.question
    assert q is not None and cond.not_ is None and cond.answered is None  # the loader's check
    if cond.any_of is not None:
        ticked = [{f"{q}__{c}": 1} for c in cond.any_of]
        return ticked[0] if len(ticked) == 1 else {"$or": ticked}
    if cond.equals is not None or cond.one_of is not None:
        values = [cond.equals] if cond.equals is not None else list(cond.one_of or [])
        equal = [{q if isinstance(v, str) else f"{q}__n": v} for v in values]
        return equal[0] if len(equal) == 1 else {"$or": equal}
    for name, op in _COMPARE.items():
        bound = getattr(cond, name)
        if bound is not None:
            return {op: {f"{q}__n": bound}}
    raise AssertionError("a comparison without an operator")  # pragma: no cover


def durable_condition(cond: RuleCondition) -> dict[str, Any]:
    """A rule's or derivation's condition as one durable-rules pattern: a derived fact is
    matched as a fact of its own; anything else as a test of the one answers fact."""
    if cond.derived is not None:
        return {"m": {"$and": [{"t": "derived"}, {"name": cond.derived}]}}
    return {"m": {"$and": [{"t": "answers"}, _test(cond)]}}


class Engine:
    """One durable-rules ruleset built from a rule catalogue; thread-safe, leaves no state."""

    def __init__(self, ruleset: RuleSet | None = None) -> None:
        durable = _durable_engine()
        self._not_handled: type[Exception] = durable.MessageNotHandledException
        self._observed: type[Exception] = durable.MessageObservedException
        self.ruleset = ruleset or default_rules()
        self.rules = self.ruleset.rules
        self.derivations = self.ruleset.derivations
        self._lock = threading.Lock()
        self._sessions = itertools.count(1)
        self._hits: list[Hit] = []
        self._failures: list[Problem] = []
        self._interrupted = False
        self.definition = self._definition()
        self.name = f"suitability_{next(_names)}"
        # Registration mutates the dicts it is given: pass a copy, keep ours for `bare` runs.
        self._ruleset = durable.Ruleset(
            self.name, None, self._with_actions(copy.deepcopy(self.definition))
        )

    # ------------------------------------------------------------------ building

    def _definition(self) -> dict[str, Any]:
        """The ruleset in durable-rules' JSON format; `run` is filled in by `_with_actions`."""
        # Every input fact is handled by at least this rule, so its session can be deleted.
        out: dict[str, Any] = {_SEEN: {"all": [{"m": {"t": "answers"}}]}}
        for d in self.derivations:
            out[d.id] = {"all": [durable_condition(d.when)]}
        for r in self.rules:
            out[r.id] = {"all": [durable_condition(r.when)]}
        return out

    def _with_actions(self, definition: dict[str, Any]) -> dict[str, Any]:
        definition[_SEEN]["run"] = _noop
        for d in self.derivations:
            definition[d.id]["run"] = self._derive_action(d)
        for r in self.rules:
            definition[r.id]["run"] = self._record_action(r.id)
        return definition

    def _derive_action(self, d: Derivation) -> Callable[[Any], None]:
        fact: dict[str, Any] = {"t": "derived", "name": d.fact, "via": d.id}

        def action(c: Any) -> None:
            try:
                self._record(d.id)
                c.assert_fact(dict(fact))
            except self._not_handled:
                pass  # the loader checks that a rule reads every derived fact
            except self._observed:
                pass  # derived already: two branches of an "any" matched the same answers
            except Exception as exc:
                self._failures.append(_failure(f"derivation {d.id}", exc))
                raise
            except KeyboardInterrupt:
                self._interrupted = True
                raise

        return action

    def _record_action(self, rule_id: str) -> Callable[[Any], None]:
        def action(c: Any) -> None:
            try:
                self._record(rule_id)
            except Exception as exc:
                self._failures.append(_failure(f"rule {rule_id}", exc))
                raise
            except KeyboardInterrupt:
                self._interrupted = True  # durable-rules swallows it: raised again after clean-up
                raise

        return action

    def _record(self, rule_id: str) -> None:
        self._hits.append(Hit(rule_id))

    # ------------------------------------------------------------------ running

    def run(self, answers_fact: Mapping[str, Any]) -> list[Hit]:
        """Asserts the answers fact in a fresh session; returns every rule and derivation that
        fired (its own derived facts included), in firing order."""
        with self._lock:
            sid = str(next(self._sessions))
            self._hits = []
            self._failures = []
            self._interrupted = False
            try:
                self._assert({**answers_fact, "t": "answers", "sid": sid})
            except BaseException:
                # Whether the session exists depends on how far the engine got (a fact it
                # refused makes none): clean up if it does, and report the first failure.
                with contextlib.suppress(Exception):
                    self._ruleset.delete_state(sid)
                raise
            try:
                self._ruleset.delete_state(sid)
            except Exception as exc:  # pragma: no cover - the C engine refused to clean up
                raise RulesError(
                    [problem("rules_engine_cleanup", session=sid, error=str(exc))],
                    summary=_FAILED,
                ) from exc
            if self._failures:
                raise RulesError(self._failures, summary=_FAILED)
            return list(self._hits)

    def _assert(self, fact: dict[str, Any]) -> None:
        outcome: dict[str, Any] = {}

        def complete(error: Any, state: Any) -> None:
            outcome["error"] = error
            outcome["state"] = state

        try:
            handle = assert_answers(self._ruleset, fact)
        except self._not_handled:
            return  # no rule reads this fact: a legitimate outcome
        except Exception as exc:
            raise RulesError(
                [problem("rules_engine_rejected", error=str(exc))], summary=_FAILED
            ) from exc
        self._ruleset.do_actions(handle, complete)
        error = outcome.get("error")
        if self._interrupted or isinstance(error, KeyboardInterrupt):
            # The person pressed Ctrl-C (in an action, or in durable-rules' own code, which
            # hands it over as an error): not a rule failure.
            raise KeyboardInterrupt
        state = outcome.get("state") or {}
        if error:
            raise RulesError([problem("rules_engine_failed", error=str(error))], summary=_FAILED)
        if isinstance(state, dict) and state.get("exception"):
            failures = self._failures or [
                problem(
                    "rules_engine_failed", error=str(state["exception"]).split(", traceback")[0]
                )
            ]
            self._failures = []
            raise RulesError(failures, summary=_FAILED)


def assert_answers(ruleset: Any, fact: dict[str, Any]) -> Any:
    """``ruleset.assert_fact(fact)``, with the fact written so that durable-rules' parser reads
    every number: it refuses an exponent, which Python's JSON writes for a float below 1e-4
    or from 1e16 on (a decimal answer of 0.00005 made the whole assessment fail)."""
    import durable_rules_engine

    text = json.dumps(fact, ensure_ascii=False)
    # Ids never hold "-" or "+": only a float written with an exponent does.
    if "e-" in text or "e+" in text:
        text = _positional(fact)
    return ruleset._handle_result(durable_rules_engine.assert_fact(ruleset._handle, text), fact)


def _positional(fact: dict[str, Any]) -> str:
    """The flat answers fact as JSON, its finite floats written in full (``0.00005``), with a
    decimal point, so that the engine reads them as the same floats."""
    parts = []
    for key, value in fact.items():
        if value.__class__ is float and math.isfinite(value):
            number = format(Decimal(repr(value)), "f")
            written = number if "." in number else number + ".0"
        else:
            written = json.dumps(value, ensure_ascii=False)
        parts.append(f"{json.dumps(key, ensure_ascii=False)}: {written}")
    return "{" + ", ".join(parts) + "}"


_ENGINE: dict[str, Engine] = {}
_ENGINE_LOCK = threading.Lock()


def get_engine() -> Engine:
    """The process's engine for the shipped rule set, created on first use."""
    engine = _ENGINE.get("default")
    if engine is None:
        with _ENGINE_LOCK:
            engine = _ENGINE.get("default")
            if engine is None:
                engine = _ENGINE["default"] = Engine()
    return engine

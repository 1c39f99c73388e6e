"""The durable-rules engine behind :func:`suitability.assess`, with its traps made invisible.

durable-rules 2.0.28 keeps at most 1024 live sessions per ruleset (then corrupts itself), stores
exceptions raised inside actions in the session state instead of raising them, raises
``MessageNotHandledException`` for a fact no rule matches (and, for a batch, drops the actions of
the facts that did match), keeps a process-global registry of ruleset names, and has no locks.
So this wrapper:

- builds the ruleset once per process from the catalogue, under a unique name, without a
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
  The replacement gives the same value without the deprecated call; filtering the warning
  instead would change process-wide state, which is not thread-safe;
- gives the library's logger a null handler: it logs every exception met in its own code (a
  Ctrl-C included) with a traceback, which Python would otherwise print on standard error.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from .._messages import problem
from ..errors import Problem, RulesError
from .catalogue import DERIVATIONS, RULES, Derivation, Derived, Rule

__all__ = ["Engine", "Hit", "get_engine"]

_names = itertools.count()
_SEEN = "_seen"


#: What durable-rules' helper subtracts: the naive Unix epoch, as ``utcfromtimestamp(0)`` gives.
_EPOCH = dt.datetime(1970, 1, 1)


def _unix_now() -> float:
    """durable-rules' clock, without its deprecated call: the local wall-clock time in seconds
    since the naive epoch, exactly as before (its callers only compare it with itself)."""
    return (dt.datetime.now() - _EPOCH).total_seconds()


def _durable_engine() -> Any:
    """durable-rules' engine module, with its clock replaced (its functions look the helper up
    in the module at each call, so replacing the module's attribute is enough)."""
    import logging

    import durable.engine

    durable.engine._unix_now = _unix_now
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


def _condition(triggers: Iterable[Any]) -> dict[str, Any]:
    tests = [t.durable() for t in triggers]
    return {"m": tests[0] if len(tests) == 1 else {"$or": tests}}


class Engine:
    """One durable-rules ruleset built from a rule catalogue; thread-safe, leaves no state."""

    def __init__(
        self,
        rules: Iterable[Rule] = RULES,
        derivations: Iterable[Derivation] = DERIVATIONS,
    ) -> None:
        durable = _durable_engine()
        self._not_handled: type[Exception] = durable.MessageNotHandledException
        self._observed: type[Exception] = durable.MessageObservedException
        self.rules = tuple(rules)
        self.derivations = tuple(derivations)
        self._check_chaining()
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

    def _check_chaining(self) -> None:
        consumed = {(r.when.name, r.when.detail) for r in self.rules if isinstance(r.when, Derived)}
        for d in self.derivations:
            if (d.name, d.detail) not in consumed:
                raise RulesError(
                    [problem("rules_unread_derivation", derivation=d.id, fact=d.name)],
                    summary="the rule set is inconsistent",
                )

    def _definition(self) -> dict[str, Any]:
        """The ruleset in durable-rules' JSON format; `run` is filled in by `_with_actions`."""
        # Every input fact is handled by at least this rule, so its session can be deleted.
        out: dict[str, Any] = {_SEEN: {"all": [{"m": {"t": "answers"}}]}}
        for d in self.derivations:
            out[d.id] = {"all": [_condition(d.when)]}
        for r in self.rules:
            out[r.id] = {"all": [_condition([r.when])]}
        return out

    def _with_actions(self, definition: dict[str, Any]) -> dict[str, Any]:
        definition[_SEEN]["run"] = _noop
        for d in self.derivations:
            definition[d.id]["run"] = self._derive_action(d)
        for r in self.rules:
            definition[r.id]["run"] = self._record_action(r.id)
        return definition

    def _derive_action(self, d: Derivation) -> Callable[[Any], None]:
        fact: dict[str, Any] = {"t": "derived", "name": d.name, "via": d.id}
        if d.detail is not None:
            fact["detail"] = d.detail

        def action(c: Any) -> None:
            try:
                self._record(d.id)
                c.assert_fact(dict(fact))
            except self._not_handled:
                pass  # checked at build time that a rule reads every derived fact
            except self._observed:
                pass  # derived already: two branches of an "any of" matched the same answers
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
            finally:
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
            handle = self._ruleset.assert_fact(fact)
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

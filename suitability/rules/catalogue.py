"""The shipped rule set, loaded from ``facial.yaml`` (no rule row lives in Python), under the
names the rest of the package reads: the rules and derivations in the file's order, its id and
version, and the treatments a rule's effects name.

Cells per treatment: ``I`` indicated (goal rows only decide relevance), ``N`` no bearing,
``C`` discuss with caution, ``A`` avoid until a practitioner reviews it.
"""

from __future__ import annotations

from collections.abc import Iterator

from .model import (
    SAFETY_UNKNOWN,
    TREATMENTS,
    UNANSWERED,
    UNKNOWN_VALUES,
    Cell,
    Derivation,
    Kind,
    Rule,
    RuleSet,
    default_rules,
)

__all__ = [
    "DERIVATIONS",
    "RULES",
    "RULESET",
    "RULESET_ID",
    "RULESET_VERSION",
    "RULES_BY_ID",
    "SAFETY_UNKNOWN",
    "TREATMENTS",
    "UNANSWERED",
    "UNKNOWN_VALUES",
    "Cell",
    "Derivation",
    "Kind",
    "Rule",
    "questions_read",
    "references",
]

RULESET: RuleSet = default_rules()
RULESET_ID = RULESET.id
RULESET_VERSION = RULESET.version
RULES: tuple[Rule, ...] = RULESET.rules
DERIVATIONS: tuple[Derivation, ...] = RULESET.derivations
RULES_BY_ID: dict[str, Rule] = RULESET.rules_by_id


def questions_read() -> set[str]:
    """Every question id the rule set reads (for the questionnaire's unread-question warning)."""
    return RULESET.questions_read()


def references() -> Iterator[tuple[str, str, str | None]]:
    """(rule or derivation id, question id, choice id or None) for every reference made."""
    return RULESET.references()

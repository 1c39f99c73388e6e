"""The differential oracle: the plain-Python evaluation of the rule set fires exactly the rules
and derivations durable-rules fires, on weighted answer sets that reach every rule and on
hypothesis' own; and its compiled form means what the condition tree (``holds``) means."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from suitability import default_questionnaire, validate_answers
from suitability.rules.engine import get_engine
from suitability.rules.facts import RuleValues, fact_from_values, rule_values
from suitability.rules.model import SAFETY_UNKNOWN, RuleSet, default_rules

from .conftest import ROOT
from .strategies import answers_for

sys.path.insert(0, str(ROOT / "benchmarks"))
from weighted import weighted_records

QUESTIONNAIRE = default_questionnaire()
RULES = default_rules()


def _values(record: dict[str, Any]) -> RuleValues:
    answers = validate_answers(record, QUESTIONNAIRE)
    assert answers.answered_on is not None
    return rule_values(QUESTIONNAIRE, answers, answers.answered_on)


def _by_engine(found: RuleValues) -> frozenset[str]:
    return frozenset(hit.rule for hit in get_engine().run(fact_from_values(found)))


def _by_tree(rules: RuleSet, found: RuleValues) -> frozenset[str]:
    """The condition trees walked one by one: the meaning the compiled form must keep."""
    facts = {SAFETY_UNKNOWN} if found.safety_unknown else set()
    fired = [d for d in rules.derivations if d.when.holds(found.values, facts)]
    facts |= {d.fact for d in fired}
    rules_fired = [r.id for r in rules.rules if r.when.holds(found.values, facts)]
    return frozenset([d.id for d in fired] + rules_fired)


def test_oracle__agrees_with_durable_rules_on_2000_weighted_answer_sets() -> None:
    fired: Counter[str] = Counter()
    for record in weighted_records(QUESTIONNAIRE, 2000, seed=5):
        found = _values(record)
        oracle = RULES.evaluate(found.values, safety_unknown=found.safety_unknown)
        assert oracle == _by_engine(found), record
        assert oracle == _by_tree(RULES, found), record
        fired.update(oracle)
    # Agreement proves something only about rules the sample reaches: every one of them.
    every = [d.id for d in RULES.derivations] + [r.id for r in RULES.rules]
    assert [i for i in every if fired[i] < 5] == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers_for(QUESTIONNAIRE))
def test_oracle__agrees_with_durable_rules_on_any_valid_answers(record: dict[str, Any]) -> None:
    found = _values(record)
    oracle = RULES.evaluate(found.values, safety_unknown=found.safety_unknown)
    assert oracle == _by_engine(found)
    assert oracle == _by_tree(RULES, found)


def test_oracle__chains_derived_facts_into_the_rules_that_read_them() -> None:
    fired = RULES.evaluate({"pregnant": "not_sure"}, safety_unknown=True)
    assert {"d_possible_pregnancy", "c_possible_pregnancy", "c_unanswered_safety"} <= fired
    assert RULES.evaluate({"pregnant": "no", "age": 30}) == frozenset()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"age": 17}, {"d_age_under_18", "c_age_under_18"}),
        ({"age": 18}, {"d_age_18_21", "c_age_18_21"}),
        ({"age": 22}, set()),
        ({"age": "not_sure"}, set()),  # a comparison never meets a string
        ({"skin_now": ["severe_acne", "infection_or_wound"]},
         {"c_severe_cystic_acne", "c_active_infection_site"}),
        ({"skin_now": "not_sure"}, set()),  # not a list: no choice is ticked
        ({"isotretinoin": "past", "isotretinoin_months": 5},
         {"d_isotretinoin_lt6m", "c_isotretinoin_lt6m"}),
        ({"isotretinoin": "past", "isotretinoin_months": 12},
         {"d_isotretinoin_6_12m", "c_isotretinoin_6_12m"}),
    ],
)  # fmt: skip
def test_oracle__reads_bands_choices_and_unknowns_as_show_if_does(
    values: dict[str, Any], expected: set[str]
) -> None:
    assert RULES.evaluate(values) == expected
    assert RULES.cells("c_age_18_21")["dermal_fillers"] == "C"


def test_rule_values__replaced_recomputes_the_unknown_safety_state() -> None:
    found = _values({"answered_on": "2026-11-20", "answers": {"age": 30, "pregnant": "not_sure"}})
    assert "pregnant" in found.unknown
    settled = found.replaced(QUESTIONNAIRE, "pregnant", "no")
    assert "pregnant" not in settled.unknown and settled.values["pregnant"] == "no"
    assert found.values["pregnant"] == "not_sure"  # the original is left as it was
    again = settled.replaced(QUESTIONNAIRE, "pregnant", "prefer_not_to_say")
    assert again.unknown == found.unknown
    fired = RULES.evaluate(again.values, safety_unknown=again.safety_unknown)
    assert {"c_possible_pregnancy", "c_unanswered_safety"} <= fired

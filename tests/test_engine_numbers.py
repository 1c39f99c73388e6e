"""durable-rules' parser refuses a number written with an exponent, which Python's JSON writes
for a float below 1e-4 or from 1e16 on. A clinic's questionnaire may ask a decimal a rule reads
(here: age as a decimal): every such answer must reach the engine as the same number, fire what
the plain-Python evaluation fires, and leave no session behind."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suitability import Questionnaire, assess
from suitability.questionnaire import questionnaire_from_data
from suitability.rules.engine import _positional, get_engine
from suitability.rules.facts import fact_from_values, read_plain
from suitability.rules.model import default_rules


@pytest.fixture(scope="module")
def decimal_age() -> Questionnaire:
    from suitability import default_questionnaire

    data = default_questionnaire().model_dump(mode="json", by_alias=True, exclude_none=True)
    for section in data["sections"]:
        for question in section["questions"]:
            if question["id"] == "age":
                question.update(type="decimal", min=0, max=1e300)
    return questionnaire_from_data(data)


def fired(q: Questionnaire, age: float) -> tuple[frozenset[str], frozenset[str]]:
    """(what durable-rules fired, what the plain-Python evaluation fires) for one answer."""
    read = read_plain({"age": age, "goals": ["fine_lines"]}, q)
    assert read is not None
    assert fact_from_values(read.found) == read.fact
    engine = frozenset(hit.rule for hit in get_engine().run(read.fact))
    found = read.found
    plain = default_rules().evaluate(found.values, safety_unknown=found.safety_unknown)
    return engine, plain


@pytest.mark.parametrize("age", [5e-05, 1e-05, 9.999e-05, 1e-300, 5e-324, 0.0, 17.5, 1e16, 1e300])
def test_a_number_python_writes_with_an_exponent__read_by_the_engine_as_itself(
    decimal_age: Questionnaire, age: float
) -> None:
    engine, plain = fired(decimal_age, age)
    assert engine == plain
    assert ("c_age_under_18" in engine) == (age < 18)


def test_a_tiny_age__assessed_with_its_reasons(decimal_age: Questionnaire) -> None:
    result = assess({"age": 5e-05, "goals": ["fine_lines"]}, decimal_age, decisive=False)
    reasons = result.verdicts["botulinum_toxin"].reasons
    assert "c_age_under_18" in [r.rule for r in reasons]
    assert '"answer": 5e-05,' in result.to_json()


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, max_value=1e300, allow_nan=False, allow_infinity=False))
def test_any_decimal_age__the_engine_fires_what_the_plain_evaluation_fires(
    decimal_age: Questionnaire, age: float
) -> None:
    engine, plain = fired(decimal_age, age)
    assert engine == plain


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=False),
            st.integers(-(10**20), 10**20),
            st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
        ),
        max_size=6,
    )
)
def test_positional_json__the_same_data_without_an_exponent(fact: dict[str, object]) -> None:
    text = _positional(fact)
    assert json.loads(text) == fact
    assert "e-" not in text and "e+" not in text


def test_a_refused_fact__reported_without_masking_and_no_session_left() -> None:
    from suitability.errors import RulesError

    engine = get_engine()
    with pytest.raises(RulesError) as caught:
        engine.run({"age__n": float("inf")})  # JSON's Infinity: durable-rules refuses it
    assert [p.code for p in caught.value.problems] == ["rules_engine_rejected"]
    # The engine still works, with a fresh session.
    assert "c_age_under_18" in [hit.rule for hit in engine.run({"age__n": 15})]

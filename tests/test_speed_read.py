"""assess() reads a caller's plain mapping in one pass (`read_plain`): validation, the rule
values and the engine's fact together. The full readers are the reference: on valid answers the
pass must give exactly what they give (values, types, order), and on anything they refuse, or
read in a way the pass does not (an earlier version's file, an unusual type), it must step aside
(None) so that they say what is wrong, where."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suitability import Questionnaire, assess
from suitability.answers import validate_answers
from suitability.errors import AnswersError
from suitability.rules.facts import fact_from_values, read_plain, rule_values

from .strategies import ANSWERED_ON, answers_for


def typed(data: Any) -> Any:
    """Data with every value's type made visible (1, 1.0 and True compare equal)."""
    if isinstance(data, dict):
        return [(k, typed(v)) for k, v in data.items()]
    if isinstance(data, list):
        return [typed(v) for v in data]
    return (type(data).__name__, data)


def full_read(data: Any, q: Questionnaire) -> tuple[Any, ...] | None:
    """What the full readers give: None where they refuse the data."""
    try:
        answers = validate_answers(data, q)
    except AnswersError:
        return None
    as_of = answers.answered_on or dt.date.today()
    found = rule_values(q, answers, as_of)
    return (
        typed(answers.values),
        answers.answered_on,
        as_of,
        typed(found.values),
        found.unknown,
        typed(fact_from_values(found)),
    )


def one_pass(data: Any, q: Questionnaire) -> tuple[Any, ...] | None:
    read = read_plain(data, q)
    if read is None:
        return None
    return (
        typed(read.values),
        read.answered_on,
        read.as_of,
        typed(read.found.values),
        read.found.unknown,
        typed(read.fact),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_valid_answers__read_in_one_pass_as_the_full_readers_read_them(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    answers = data.draw(answers_for(questionnaire))
    if data.draw(st.booleans()) and "event_date" not in answers["answers"]:
        # A plain mapping of question id to answer (with no day given, a date would be read
        # against today, not the day the strategy drew it for).
        answers = answers["answers"]
    expected = full_read(answers, questionnaire)
    assert expected is not None
    for _ in range(2):  # the second time from what the first one kept
        assert one_pass(answers, questionnaire) == expected


# Anything a caller might put in place of an answer, or of a header field.
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 400),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["yes", "no", "not_sure", "prefer_not_to_say", "none", "fine_lines", "x"]),
    st.lists(st.sampled_from(["none", "fine_lines", "laxity", "jawline", 3, None]), max_size=3),
    st.dates().map(dt.date.isoformat),
    st.dates(),
    st.datetimes(),
    st.tuples(st.just("yes")),
    st.dictionaries(st.just("a"), st.integers(), max_size=1),
)


@st.composite
def spoiled(draw: st.DrawFn, q: Questionnaire) -> Any:
    """Valid answers with a few things changed: values, keys, header fields."""
    data = draw(answers_for(q))
    answers = data["answers"]
    for _ in range(draw(st.integers(1, 3))):
        what = draw(st.sampled_from(["value", "key", "header", "drop_header"]))
        if what == "value":
            answers[draw(st.sampled_from([x.id for x in q.questions]))] = draw(ODD)
        elif what == "key":
            answers[draw(st.sampled_from(["agee", "downtime", "answers", 3, ""]))] = draw(ODD)
        elif what == "header":
            key = draw(st.sampled_from(["questionnaire", "questionnaire_version",
                                        "answered_on", "extra"]))  # fmt: skip
            data[key] = draw(ODD | st.sampled_from([q.id, q.version, "1.1.0", "2026-02-30"]))
        else:
            return answers
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_changed_answers__one_pass_agrees_or_steps_aside(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    answers = data.draw(spoiled(questionnaire))
    got = one_pass(answers, questionnaire)
    if got is not None:
        assert got == full_read(answers, questionnaire)


@pytest.mark.parametrize(
    "data",
    [
        {"answers": {"age": 34}, "questionnaire_version": "1.1.0"},  # an earlier version
        {"answers": {"age": 34}, "questionnaire": "other"},
        {"answers": {"age": 34}, "answered_on": "2026-02-30"},
        {"answers": {"age": 34}, "answered_on": dt.datetime(2026, 11, 20, 9, 0)},
        {"answers": {"age": 34}, "note": "unknown header"},
        {"answers": [("age", 34)]},
        {"age": "34"},
        {"age": True},
        {"goals": ("fine_lines",)},
        {"downtime": "none"},  # a question set aside in an earlier version
        {"age": 34, "pregnant": "yes", "breastfeeding": "no", "agee": 1},
    ],
)
def test_unusual_input__left_to_the_full_readers(
    questionnaire: Questionnaire, data: dict[str, Any]
) -> None:
    assert read_plain(data, questionnaire) is None


def test_a_mapping_that_is_not_a_dict__left_to_the_full_readers(
    questionnaire: Questionnaire,
) -> None:
    from types import MappingProxyType

    data = MappingProxyType({"age": 34})
    assert read_plain(data, questionnaire) is None
    assert assess(data, questionnaire, decisive=False) == assess({"age": 34}, questionnaire)


def test_a_list_answer__each_result_has_its_own_list(questionnaire: Questionnaire) -> None:
    data = {"goals": ["fine_lines", "laxity"]}
    first = read_plain({"answers": data, "answered_on": ANSWERED_ON}, questionnaire)
    second = read_plain({"answers": data, "answered_on": ANSWERED_ON}, questionnaire)
    assert first is not None and second is not None
    assert first.values["goals"] == second.values["goals"] == ["fine_lines", "laxity"]
    assert first.values["goals"] is not second.values["goals"]
    assert first.values["goals"] is not data["goals"]
    assert first.found.values["goals"] is first.values["goals"]

"""Rule conditions in plain words, for a clinician reviewing the rule set: "pregnant is 'yes'",
"skin_now includes 'infection_or_wound'", "age is under 18"."""

from __future__ import annotations

from typing import Any

from .model import UNANSWERED, RuleCondition

_SPECIAL_WORDS = {
    "not_sure": "not sure",
    "prefer_not_to_say": "declined (prefer not to say)",
    UNANSWERED: "unanswered",
}


def _value(value: Any) -> str:
    if isinstance(value, str):
        return _SPECIAL_WORDS.get(value, f"'{value}'")
    return f"{value:g}" if isinstance(value, float) else str(value)


def _either(values: list[Any]) -> str:
    words = [_value(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _bounds(cond: RuleCondition) -> tuple[str, float | None, float | None] | None:
    """(question, low, high) when ``cond`` is a band ``gte low`` and ``lt high`` on one question."""
    parts = cond.all_ or []
    if len(parts) != 2 or any(p.question != parts[0].question for p in parts):
        return None
    low = next((p.gte for p in parts if p.gte is not None), None)
    high = next((p.lt for p in parts if p.lt is not None), None)
    if low is None or high is None or parts[0].question is None:
        return None
    return parts[0].question, low, high


def describe(cond: RuleCondition) -> str:
    """The condition in plain words (dates are days from the day of the assessment)."""
    if cond.derived is not None:
        return f"the derived fact '{cond.derived}' holds"
    if cond.safety_unknown is not None:
        said = "some" if cond.safety_unknown else "no"
        return f"{said} safety question is not sure, declined or unanswered"
    band = _bounds(cond)
    if band is not None:
        question, low, high = band
        return f"{question} is from {_value(low)} to under {_value(high)}"
    if cond.all_ is not None:
        return " and ".join(_nested(c) for c in cond.all_)
    if cond.any_ is not None:
        return "either " + "; or ".join(_nested(c) for c in cond.any_)
    if cond.not_ is not None:
        return f"not ({describe(cond.not_)})"
    q = cond.question
    if cond.equals is not None:
        return f"{q} is {_value(cond.equals)}"
    if cond.one_of is not None:
        return f"{q} is {_either(list(cond.one_of))}"
    if cond.any_of is not None:
        return f"{q} includes {_either(list(cond.any_of))}"
    if cond.answered is not None:
        return f"{q} is {'answered' if cond.answered else 'not answered'}"
    for name, words in (("lt", "under"), ("lte", "at most"), ("gt", "over"), ("gte", "at least")):
        bound = getattr(cond, name)
        if bound is not None:
            return f"{q} is {words} {_value(bound)}"
    return "never"  # pragma: no cover - the loader refuses a comparison without an operator


def _nested(cond: RuleCondition) -> str:
    text = describe(cond)
    return f"({text})" if cond.any_ is not None or (cond.all_ and not _bounds(cond)) else text

"""Questions answered with a number within bounds: whole numbers, decimals, and days."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, ClassVar

from ._base import Add, Kind, Read, one_of, specials_schema

if TYPE_CHECKING:
    from ..questionnaire import Question

# Plain ASCII numbers: int() and float() would also take "5_8", "٥", " 5 " or "nan".
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
# A whole number is typed as its digits: "1e2" read as 100 months, or "1.0" as 1, would change
# what the person meant without telling them; they are asked again instead.
_WHOLE = re.compile(r"-?[0-9]+")


class Integer(Kind):
    name: ClassVar[str] = "integer"
    wrong_code: ClassVar[str] = "expected_number"
    numeric: ClassVar[bool] = True
    #: Answers are whole numbers (and so are the bounds).
    whole: ClassVar[bool] = True

    def normalise(self, q: Question, value: Any) -> Read:
        if type(value) is int and self.whole:
            assert q.min is not None and q.max is not None
            if q.min <= value <= q.max:
                return value, None
        return super().normalise(q, value)

    def read_other(self, q: Question, value: Any) -> Read:
        number = self.number(q, value)
        if number is not None:
            return number, None
        return None, self.wrong(q, value)

    def number(self, q: Question, value: Any) -> int | float | None:
        """The number ``value`` stands for within the question's bounds, or None."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        assert q.min is not None and q.max is not None  # the loader requires finite bounds
        # Bounds first: they are finite, so a number that passes fits in a float (10**400
        # does not).
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if not q.min <= value <= q.max:
            return None
        if not self.whole:
            return float(value)
        if isinstance(value, float):
            if not value.is_integer():
                return None
            return int(value)
        return value

    def typed_answer(self, q: Question, stripped: str) -> Any:
        if self.whole:
            if not _WHOLE.fullmatch(stripped):
                return stripped
            try:
                return int(stripped)
            except ValueError:  # more digits than Python converts
                return stripped
        if _NUMBER.fullmatch(stripped):
            try:
                return float(stripped) if any(c in stripped for c in ".eE") else int(stripped)
            except ValueError:  # more digits than Python converts
                return stripped
        return stripped

    def expected(self, q: Question) -> str:
        unit = f" ({q.unit})" if q.unit else ""
        return f"{self.number_word} from {q.min:g} to {q.max:g}{unit}{self.or_specials(q)}"

    def json_schema(self, q: Question) -> dict[str, Any]:
        assert q.min is not None and q.max is not None
        whole = self.whole
        number = {
            "type": "integer" if whole else "number",
            "minimum": int(q.min) if whole else q.min,
            "maximum": int(q.max) if whole else q.max,
        }
        return one_of(number, specials_schema(q))

    def bounds_problems(self, q: Question, raw: dict[str, Any], add: Add) -> None:
        if raw.get("min") is None or raw.get("max") is None:
            add([], "missing_bounds", kind=q.type)
        elif q.min is not None and q.max is not None and q.min > q.max:
            add(["min"], "min_over_max", min=q.min, max=q.max)
        for name in ("min", "max"):
            bound = getattr(q, name)
            if self.whole and bound is not None and bound != int(bound):
                add([name], "whole_bound", kind=q.type, name=name)

    def operand_problem(
        self, op: str, value: str | float, target: Question
    ) -> tuple[str, dict[str, Any]] | None:
        about: dict[str, Any] = {"question": target.id, "given": value, "kind": target.type}
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                return "never_equals", about
            return "never_equals_quoted", about
        if self.whole and value != int(value):
            return "never_equals_fraction", about
        if (
            target.min is not None
            and target.max is not None
            and not (target.min <= value <= target.max)
        ):
            return "never_in_range", {**about, "min": target.min, "max": target.max}
        return None


class Days(Integer):
    """A number of days: whole, and never negative."""

    name: ClassVar[str] = "days"

    def bounds_problems(self, q: Question, raw: dict[str, Any], add: Add) -> None:
        super().bounds_problems(q, raw, add)
        if q.min is not None and q.min < 0:
            add(["min"], "negative_days")


class Decimal(Integer):
    name: ClassVar[str] = "decimal"
    number_word: ClassVar[str] = "a number"
    whole: ClassVar[bool] = False

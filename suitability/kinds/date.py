"""Questions answered with a date, written YYYY-MM-DD, whose bounds count days from the day
of answering."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, ClassVar

from .._values import DATE_PATTERN, SPECIAL_VALUES, parse_date
from ..errors import Problem
from ._base import Add, Kind, Read, Value, answer_problem, one_of, specials_schema

if TYPE_CHECKING:
    from ..questionnaire import Question

#: Locales that write a date month first (03/14/2027).
MONTH_FIRST = frozenset({"en-US", "en-PH"})
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")

#: A date as the answers file and its schema write it.
DATE_SCHEMA = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


class Date(Kind):
    name: ClassVar[str] = "date"
    wrong_code: ClassVar[str] = "expected_date"
    dated: ClassVar[bool] = True

    def read_other(self, q: Question, value: Any) -> Read:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat(), None
        if isinstance(value, str) and parse_date(value) is not None:
            return value, None
        if isinstance(value, str) and DATE_PATTERN.fullmatch(value):
            return None, answer_problem(q, "no_such_date", given=value)
        return None, self.wrong(q, value)

    def typed_answer(self, q: Question, stripped: str) -> Any:
        # ISO as written; otherwise day/month/year, or month/day/year in the locales that
        # write the month first. What is stored is always ISO.
        match = _NUMERIC_DATE.fullmatch(stripped)
        if match is None:
            return stripped
        first, second, year = (int(part) for part in match.groups())
        month, day = (first, second) if q.locale in MONTH_FIRST else (second, first)
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return stripped

    def bound_problem(self, q: Question, value: Value, as_of: dt.date) -> Problem | None:
        # min and max count days from the day of answering (min: 0 = not in the past).
        if not isinstance(value, str) or value in SPECIAL_VALUES:
            return None
        day = parse_date(value)
        if day is None:
            return None
        days = (day - as_of).days
        if q.min is not None and days < q.min:
            earliest = as_of + dt.timedelta(days=int(q.min))
            return answer_problem(q, "date_too_early", earliest=earliest.isoformat(), given=value)
        if q.max is not None and days > q.max:
            latest = as_of + dt.timedelta(days=int(q.max))
            return answer_problem(q, "date_too_late", latest=latest.isoformat(), given=value)
        return None

    def expected(self, q: Question) -> str:
        return f"a date as YYYY-MM-DD{self.or_specials(q)}"

    def json_schema(self, q: Question) -> dict[str, Any]:
        return one_of(dict(DATE_SCHEMA), specials_schema(q))

    def hint(self, q: Question) -> str | None:
        return "YYYY-MM-DD"

    def bounds_problems(self, q: Question, raw: dict[str, Any], add: Add) -> None:
        for name in ("min", "max"):
            bound = getattr(q, name)
            if bound is not None and bound != int(bound):
                add([name], "date_bound_days", name=name)
        if q.min is not None and q.max is not None and q.min > q.max:
            add(["min"], "min_over_max", min=q.min, max=q.max)
        if raw.get("unit") is not None:
            add(["unit"], "unexpected_key", kind="date", name="unit")

    def operand_problem(
        self, op: str, value: str | float, target: Question
    ) -> tuple[str, dict[str, Any]] | None:
        if isinstance(value, str) and parse_date(value) is not None:
            return None
        return "never_equals_date", {"question": target.id, "given": value, "kind": target.type}

"""Questions answered in the person's own words: kept as written, never read by rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ._base import Add, Kind, Read, Value, answer_problem, one_of, specials_schema

if TYPE_CHECKING:
    from ..questionnaire import Question

DEFAULT_TEXT_LENGTH = 500


class Text(Kind):
    name: ClassVar[str] = "text"
    wrong_code: ClassVar[str] = "expected_text"
    free_text: ClassVar[bool] = True

    def normalise(self, q: Question, value: Any) -> Read:
        # "not_sure" written here is just the words written.
        if isinstance(value, str):
            limit = q.max_length or DEFAULT_TEXT_LENGTH
            if len(value) > limit:
                return None, answer_problem(q, "too_long", limit=limit, given_length=len(value))
            return value, None
        return None, self.wrong(q, value)

    def typed(self, q: Question, text: str) -> Any:
        return text.strip()  # kept as typed, "not sure" included

    def expected(self, q: Question) -> str:
        return f"text of at most {q.max_length or DEFAULT_TEXT_LENGTH} characters"

    def json_schema(self, q: Question) -> dict[str, Any]:
        text = {"type": "string", "maxLength": q.max_length or DEFAULT_TEXT_LENGTH}
        return one_of(text, specials_schema(q))

    def display(self, q: Question, value: Value) -> str:
        if isinstance(value, list):
            return super().display(q, value)
        if isinstance(value, (int, float)) and q.unit:
            return f"{value:g} {q.unit}"
        return str(value)

    def definition_problems(self, q: Question, raw: dict[str, Any], add: Add) -> None:
        self.choices_problems(q, raw, add)
        self.bounds_problems(q, raw, add)
        if q.safety:
            add(["safety"], "text_safety")

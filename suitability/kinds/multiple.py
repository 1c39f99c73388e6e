"""Questions answered with a list of choices (one of which may exclude the rest)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from .._problems import nearest
from .._values import SPECIAL_VALUES
from ._base import Add, Kind, Prompt, Read, answer_problem, one_of, specials_schema
from .choice import check_choices, unknown_choice

if TYPE_CHECKING:
    from ..questionnaire import Question


class MultipleChoice(Kind):
    name: ClassVar[str] = "multiple_choice"
    prompt: ClassVar[Prompt] = "checkbox"
    wrong_code: ClassVar[str] = "expected_choices"
    multiple: ClassVar[bool] = True

    def normalise(self, q: Question, value: Any) -> Read:
        if (
            isinstance(value, list)
            and value
            and all(isinstance(v, str) and v in q.choice_ids for v in value)
            and len(set(value)) == len(value)
            and (len(value) == 1 or q.exclusive_choice not in value)
        ):
            # Questionnaire order: the same choices always give the same answers and JSON.
            return sorted(value, key=q.choice_ids.index), None
        return super().normalise(q, value)

    def read_other(self, q: Question, value: Any) -> Read:
        if isinstance(value, str):
            return None, answer_problem(q, "not_a_list", given=value)
        if not isinstance(value, list) or not value:
            return None, self.wrong(q, value)
        out: list[str] = []
        for item in value:
            if isinstance(item, str) and item in q.special_values:
                return None, answer_problem(q, "alone_in_list", given=item)
            if not isinstance(item, str) or item not in q.choice_ids:
                hint = nearest(item, q.choice_ids) if isinstance(item, str) else None
                return None, answer_problem(q, "not_a_choice", given=item, suggestion=hint)
            if item in out:
                return None, answer_problem(q, "chosen_twice", given=item)
            out.append(item)
        exclusive = q.exclusive_choice
        if exclusive in out and len(out) > 1:
            label = q.choice_label(exclusive)
            return None, answer_problem(q, "exclusive_combined", exclusive=exclusive, label=label)
        return sorted(out, key=q.choice_ids.index), None

    def typed_answer(self, q: Question, stripped: str) -> Any:
        return [item.strip().lower() for item in stripped.split(";") if item.strip()]

    def as_written(self, text: str) -> Any:
        if text in SPECIAL_VALUES:
            return text
        return [v.strip() for v in text.split(";") if v.strip()]

    def expected(self, q: Question) -> str:
        return "a list of " + ", ".join(f"'{c}'" for c in q.choice_ids) + self.or_specials(q)

    def json_schema(self, q: Question) -> dict[str, Any]:
        items: dict[str, Any] = {
            "type": "array",
            "items": {"enum": list(q.choice_ids)},
            "minItems": 1,
            "uniqueItems": True,
        }
        if q.exclusive_choice is not None:
            items["not"] = {"contains": {"const": q.exclusive_choice}, "minItems": 2}
        return one_of(items, specials_schema(q))

    def choices_problems(self, q: Question, raw: dict[str, Any], add: Add) -> None:
        check_choices(q, raw, add)

    def operand_problem(
        self, op: str, value: str | float, target: Question
    ) -> tuple[str, dict[str, Any]] | None:
        if value in target.choice_ids:
            return "multiple_needs_any_of", {"question": target.id, "given": value, "op": op}
        return unknown_choice(value, target)

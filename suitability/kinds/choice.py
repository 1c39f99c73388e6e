"""Questions answered with one choice: yes/no, and one of a list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from .._problems import nearest
from .._values import SPECIAL_VALUES
from ._base import Add, Kind, Prompt, Read

if TYPE_CHECKING:
    from ..questionnaire import Question

YES_NO_CHOICES = ("yes", "no")


class SingleChoice(Kind):
    name: ClassVar[str] = "single_choice"
    prompt: ClassVar[Prompt] = "select"
    wrong_code: ClassVar[str] = "expected_choice"

    def normalise(self, q: Question, value: Any) -> Read:
        if isinstance(value, str) and value in q.choice_ids:
            return value, None
        return super().normalise(q, value)

    def read_other(self, q: Question, value: Any) -> Read:
        suggestion = None
        if isinstance(value, str):
            suggestion = nearest(value, (*q.choice_ids, *q.special_values))
        return None, self.wrong(q, value, suggestion)

    def typed_answer(self, q: Question, stripped: str) -> Any:
        word = stripped.lower()
        return word if word in q.choice_ids else stripped

    def expected(self, q: Question) -> str:
        return "one of " + ", ".join(f"'{c}'" for c in q.choice_ids) + self.or_specials(q)

    def json_schema(self, q: Question) -> dict[str, Any]:
        return {"enum": [*q.choice_ids, *q.special_values, None]}

    def display(self, q: Question, value: Any) -> str:
        return q.choice_label(value) if isinstance(value, str) else super().display(q, value)

    def choices_problems(self, q: Question, raw: dict[str, Any], add: Add) -> None:
        check_choices(q, raw, add)

    def operand_problem(
        self, op: str, value: str | float, target: Question
    ) -> tuple[str, dict[str, Any]] | None:
        if value in target.choice_ids:
            return None
        return unknown_choice(value, target)


class YesNo(SingleChoice):
    name: ClassVar[str] = "yes_no"
    wrong_code: ClassVar[str] = "expected_yes_no"

    def read_other(self, q: Question, value: Any) -> Read:
        if isinstance(value, bool):  # JSON's true and false
            return ("yes" if value else "no"), None
        return super().read_other(q, value)

    def expected(self, q: Question) -> str:
        return f"'yes' or 'no'{self.or_specials(q)}"

    def json_schema(self, q: Question) -> dict[str, Any]:
        return {"enum": ["yes", "no", True, False, *q.special_values, None]}

    def schema_operands(self, wanted: list[Any]) -> list[Any]:
        # true and false are read as "yes" and "no"
        return wanted + [w == "yes" for w in wanted if w in YES_NO_CHOICES]

    def choice_ids(self, q: Question) -> tuple[str, ...]:
        return YES_NO_CHOICES

    def choice_label(self, q: Question, value: str) -> str:
        return value.capitalize()

    def choices_problems(self, q: Question, raw: dict[str, Any], add: Add) -> None:
        Kind.choices_problems(self, q, raw, add)


def unknown_choice(value: str | float, target: Question) -> tuple[str, dict[str, Any]]:
    hint = (
        nearest(value, (*target.choice_ids, *target.special_values))
        if isinstance(value, str)
        else None
    )
    return "unknown_choice", {"question": target.id, "given": value, "suggestion": hint}


def check_choices(q: Question, raw: dict[str, Any], add: Add) -> None:
    """The choices of a choice question: present, ids and labels unique, none reserved, at
    most one exclusive (and none on a single choice, where every choice excludes the rest)."""
    if raw.get("choices") is None or raw.get("choices") == []:
        add(["choices"], "empty_choices", kind=q.type)
        return
    ids: dict[str, int] = {}
    labels: dict[str, int] = {}
    for index, choice in enumerate(q.choices or ()):
        if choice.id in ids:
            add(["choices", index, "id"], "duplicate_choice", given=choice.id, other=ids[choice.id])
        if choice.id:
            ids.setdefault(choice.id, index)
        folded = choice.label.casefold()
        if folded in labels:
            add(
                ["choices", index, "label"],
                "duplicate_choice_label",
                given=choice.label,
                other=labels[folded],
            )
        if folded:
            labels.setdefault(folded, index)
        if choice.id in SPECIAL_VALUES:
            add(["choices", index, "id"], "reserved_choice", given=choice.id)
    exclusive = [i for i, c in enumerate(q.choices or ()) if c.exclusive]
    if exclusive and not q.kind.multiple:
        add(["choices", exclusive[0], "exclusive"], "exclusive_single")
    if len(exclusive) > 1:
        add(["choices", exclusive[1], "exclusive"], "exclusive_twice")


__all__ = ["YES_NO_CHOICES", "SingleChoice", "YesNo", "check_choices", "unknown_choice"]

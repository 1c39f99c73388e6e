"""Questionnaires as data: the pydantic models of ``questionnaires/*.yaml`` and their loader.

The loader collects every problem in a file (YAML syntax, wrong types, unknown keys, duplicate
ids, show-if references to unknown or later questions, bad bounds, ...) and raises them together,
each starting with the file and the location inside it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, cast

from pydantic import (
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from ._problems import count, did_you_mean, format_loc, pydantic_problems, show_value
from ._yaml import TOO_DEEP, Positions, parse_yaml, too_deep
from .errors import Problem, QuestionnaireError

__all__ = [
    "NOT_SURE",
    "PREFER_NOT_TO_SAY",
    "SPECIAL_VALUES",
    "Choice",
    "Condition",
    "Question",
    "QuestionType",
    "Questionnaire",
    "Section",
    "check_questionnaire",
    "default_questionnaire",
    "default_questionnaire_path",
    "load_questionnaire",
    "questionnaire_from_data",
]

NOT_SURE = "not_sure"
PREFER_NOT_TO_SAY = "prefer_not_to_say"
#: Answers that are not an answer: they stay distinct from "no" all the way to the rules.
SPECIAL_VALUES = (NOT_SURE, PREFER_NOT_TO_SAY)
SPECIAL_LABELS = {NOT_SURE: "Not sure", PREFER_NOT_TO_SAY: "Prefer not to say"}

#: Exactly YYYY-MM-DD in ASCII digits (``date.fromisoformat`` alone also takes "20200101").
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> dt.date | None:
    """The date written as exactly YYYY-MM-DD, or None."""
    if DATE_PATTERN.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        word = "yes" if value else "no"
        raise ValueError(
            f"expected text or a number, got {str(value).lower()} (for a yes/no answer, "
            f'write "{word}" in quotes)'
        )
    return value


def _not_huge(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**300:
        raise ValueError(f"expected a finite number, got {show_value(value)}")
    return value


# Strict: "10" is not a number, "yes" is not true, and a bound or operand that is not a finite
# number (.nan, .inf, 1e400) could never compare as intended.
Number = Annotated[float, BeforeValidator(_not_huge), Strict(), AllowInfNan(False)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Scalar = Annotated[StrictStr | StrictInt | Number, BeforeValidator(_no_bool)]

QuestionType = Literal[
    "single_choice", "multiple_choice", "yes_no", "integer", "decimal", "date", "days", "text"
]
CHOICE_TYPES = ("single_choice", "multiple_choice")
NUMBER_TYPES = ("integer", "decimal", "days")
YES_NO_CHOICES = ("yes", "no")

_STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Choice(BaseModel):
    """One option of a choice question."""

    model_config = _STRICT

    id: Id
    label: Text
    help: str | None = None
    exclusive: StrictBool = Field(
        default=False, description="For multiple choice: 'none of these', chosen alone."
    )


class Condition(BaseModel):
    """A show-if condition over earlier answers: data, never evaluated code.

    Either a comparison on one question (``question`` and exactly one of ``equals``, ``one_of``,
    ``any_of``, ``lt``, ``lte``, ``gt``, ``gte``, ``answered``) or a combination (exactly one of
    ``all``, ``any``, ``not``).
    """

    model_config = _STRICT

    question: str | None = None
    equals: Scalar | None = None
    one_of: list[Scalar] | None = None
    any_of: list[StrictStr] | None = Field(
        default=None, description="Multiple choice: any selected."
    )
    lt: Number | None = None
    lte: Number | None = None
    gt: Number | None = None
    gte: Number | None = None
    answered: StrictBool | None = None
    all_: list[Condition] | None = Field(default=None, alias="all")
    any_: list[Condition] | None = Field(default=None, alias="any")
    not_: Condition | None = Field(default=None, alias="not")

    def operators(self) -> list[str]:
        return [
            name
            for name in ("equals", "one_of", "any_of", "lt", "lte", "gt", "gte", "answered")
            if getattr(self, name) is not None
        ]

    def combinators(self) -> list[str]:
        return [
            alias
            for alias, name in (("all", "all_"), ("any", "any_"), ("not", "not_"))
            if getattr(self, name) is not None
        ]

    def children(self) -> Iterator[tuple[str | int, Condition]]:
        """(location step, child) pairs, for walking nested conditions."""
        for alias, name in (("all", "all_"), ("any", "any_")):
            items = getattr(self, name)
            if items:
                for index, child in enumerate(items):
                    yield f"{alias}[{index}]", child
        if self.not_ is not None:
            yield "not", self.not_

    def questions(self) -> Iterator[str]:
        """Every question id this condition reads."""
        if self.question is not None:
            yield self.question
        for _, child in self.children():
            yield from child.questions()

    def holds(self, values: Mapping[str, Any]) -> bool:
        """Whether the condition holds for ``values`` (question id -> answer, absent = no answer).

        A comparison on a question with no answer does not hold; ``not`` then turns it around.
        """
        if self.all_ is not None:
            return all(c.holds(values) for c in self.all_)
        if self.any_ is not None:
            return any(c.holds(values) for c in self.any_)
        if self.not_ is not None:
            return not self.not_.holds(values)
        assert self.question is not None  # guaranteed by the loader's structural check
        value = values.get(self.question)
        if self.answered is not None:
            return (value is not None) == self.answered
        if value is None:
            return False
        if self.equals is not None:
            return bool(value == self.equals)
        if self.one_of is not None:
            return value in self.one_of
        if self.any_of is not None:
            return isinstance(value, list) and any(v in value for v in self.any_of)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.lt is not None:
            return value < self.lt
        if self.lte is not None:
            return value <= self.lte
        if self.gt is not None:
            return value > self.gt
        if self.gte is not None:
            return value >= self.gte
        return False


class Question(BaseModel):
    """One question: its type, wording, constraints and when it is shown."""

    model_config = _STRICT

    id: Id
    type: QuestionType
    label: Text
    help: str | None = None
    required: StrictBool = False
    safety: StrictBool = Field(
        default=False, description="An answer here can rule a treatment out."
    )
    choices: list[Choice] | None = None
    min: Number | None = None
    max: Number | None = None
    unit: str | None = None
    max_length: StrictInt | None = Field(default=None, ge=1, le=2000)
    show_if: Condition | None = None
    not_sure: StrictBool | None = Field(
        default=None, description="Offer 'not sure' (default: safety)."
    )
    prefer_not_to_say: StrictBool | None = Field(
        default=None, description="Offer 'prefer not to say' (default: safety)."
    )

    @cached_property
    def offers_not_sure(self) -> bool:
        return self.safety if self.not_sure is None else self.not_sure

    @cached_property
    def offers_prefer_not_to_say(self) -> bool:
        return self.safety if self.prefer_not_to_say is None else self.prefer_not_to_say

    @cached_property
    def special_values(self) -> tuple[str, ...]:
        """The non-answers this question accepts, in display order."""
        out = []
        if self.offers_not_sure:
            out.append(NOT_SURE)
        if self.offers_prefer_not_to_say:
            out.append(PREFER_NOT_TO_SAY)
        return tuple(out)

    @cached_property
    def choice_ids(self) -> tuple[str, ...]:
        if self.type == "yes_no":
            return YES_NO_CHOICES
        return tuple(c.id for c in self.choices or ())

    @cached_property
    def exclusive_choice(self) -> str | None:
        for choice in self.choices or ():
            if choice.exclusive:
                return choice.id
        return None

    def choice_label(self, value: str) -> str:
        if value in SPECIAL_LABELS:
            return SPECIAL_LABELS[value]
        if self.type == "yes_no":
            return value.capitalize()
        for choice in self.choices or ():
            if choice.id == value:
                return choice.label
        return value


class Section(BaseModel):
    model_config = _STRICT

    id: Id
    title: Text
    intro: str | None = None
    questions: list[Question] = Field(min_length=1)


class Questionnaire(BaseModel):
    """A whole questionnaire: identity, version and its sections of questions."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: Id
    title: Text
    version: Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){0,2}$")]
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
    intro: str | None = None
    sections: list[Section] = Field(min_length=1)

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """Every question, in the order they are asked."""
        return tuple(q for s in self.sections for q in s.questions)

    @cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def section_of(self) -> dict[str, Section]:
        return {q.id: s for s in self.sections for q in s.questions}

    @cached_property
    def content_hash(self) -> str:
        """A hash of the questionnaire's content (not its file layout or comments)."""
        canonical = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def question(self, question_id: str) -> Question:
        return self.by_id[question_id]

    def visible(self, question: Question, values: Mapping[str, Any]) -> bool:
        """Whether ``question`` is shown, given the answers so far."""
        return question.show_if is None or question.show_if.holds(values)


# --------------------------------------------------------------------------- loading


def _known_keys() -> set[str]:
    keys: set[str] = set()
    for model in (Questionnaire, Section, Question, Choice, Condition):
        for name, info in model.model_fields.items():
            keys.add(info.alias or name)
    return keys


def _semantic_problems(data: Any, source: str, positions: Positions) -> list[Problem]:
    """Cross-reference checks that pydantic cannot make. They read the raw data, so a question
    with a wrong key or value elsewhere is still checked: every problem is reported at once."""
    errors: list[Problem] = []

    def err(loc: list[str | int], message: str, code: str) -> None:
        errors.append(Problem(format_loc(loc), message, code, source, positions.line(loc)))

    sections = data.get("sections") if isinstance(data, dict) else None
    if not isinstance(sections, list):
        return errors

    seen_sections: dict[str, str] = {}
    # id -> (location, question as far as it could be read; None when its type is unknown)
    seen: dict[str, tuple[str, Question | None]] = {}
    # Every id in the file, so a reference can be told apart as "later" or "unknown".
    order: list[str] = [
        q["id"]
        for s in sections
        if isinstance(s, dict) and isinstance(s.get("questions"), list)
        for q in s["questions"]
        if isinstance(q, dict) and isinstance(q.get("id"), str)
    ]
    position = -1  # index into `order` of the question being checked
    for s_index, section in enumerate(sections):
        if not isinstance(section, dict):
            continue
        sid = section.get("id")
        if isinstance(sid, str):
            where = format_loc(["sections", s_index, "id"])
            if sid in seen_sections:
                err(
                    ["sections", s_index, "id"],
                    f"duplicate section id '{sid}' (first used at {seen_sections[sid]})",
                    "duplicate_id",
                )
            else:
                seen_sections[sid] = where
        questions = section.get("questions")
        if not isinstance(questions, list):
            continue
        for q_index, raw in enumerate(questions):
            loc: list[str | int] = ["sections", s_index, "questions", q_index]
            if not isinstance(raw, dict):
                continue
            qid = raw.get("id") if isinstance(raw.get("id"), str) else None
            if qid is not None:
                position += 1
            question = _salvage_question(raw)
            if question is not None:
                errors.extend(_question_problems(question, raw, loc, source, positions))
            if qid is not None and qid in seen:
                err(
                    [*loc, "id"],
                    f"duplicate question id '{qid}' (first used at {seen[qid][0]})",
                    "duplicate_id",
                )
            if raw.get("show_if") is not None:
                _check_condition(
                    raw["show_if"], [*loc, "show_if"], qid, seen, order[position:], order, err
                )
            if qid is not None and qid not in seen:
                seen[qid] = (format_loc(loc), question)
    return errors


@cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    if not info.metadata:
        return TypeAdapter(cast(Any, info.annotation))
    params = (info.annotation, *info.metadata)
    return TypeAdapter(cast(Any, Annotated)[params])


def _valid_fields(model: type[BaseModel], raw: dict[str, Any], skip: tuple[str, ...] = ()) -> Any:
    """The fields of ``raw`` that are valid on their own, validated; the others are left out
    (the whole-file validation reports them)."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in raw and key not in skip:
            with contextlib.suppress(ValidationError):
                out[name] = _field_adapter(model, name).validate_python(raw[key])
    return out


def _salvage_question(raw: dict[str, Any]) -> Question | None:
    """The question as far as it can be read, for the cross-reference checks; None when even
    its type is unknown. Its show-if is left out: conditions are checked on the raw data."""
    fields = _valid_fields(Question, raw, skip=("choices", "show_if"))
    if "type" not in fields:
        return None
    choices = raw.get("choices")
    if isinstance(choices, list):
        # Choice by choice, so that one bad choice keeps its index and hides no other.
        fields["choices"] = [
            Choice.model_construct(
                **{
                    "id": "",
                    "label": "",
                    **(_valid_fields(Choice, c) if isinstance(c, dict) else {}),
                }
            )
            for c in choices
        ]
    return Question.model_construct(**{"id": "", "label": "", **fields})


def _question_problems(
    q: Question, raw: dict[str, Any], loc: list[str | int], source: str, positions: Positions
) -> list[Problem]:
    # Presence is judged on the raw data: a key with a bad value is there (and reported by the
    # whole-file validation), not missing.
    out: list[Problem] = []

    def add(sub: list[str | int], message: str, code: str) -> None:
        full = [*loc, *sub]
        out.append(Problem(format_loc(full), message, code, source, positions.line(full)))

    if q.type in CHOICE_TYPES:
        if raw.get("choices") is None or raw.get("choices") == []:
            add(["choices"], f"'{q.type}' questions need at least one choice", "empty_choices")
        else:
            ids: dict[str, int] = {}
            labels: dict[str, int] = {}
            for index, choice in enumerate(q.choices or ()):
                if choice.id in ids:
                    add(
                        ["choices", index, "id"],
                        f"duplicate choice '{choice.id}' (also choices[{ids[choice.id]}])",
                        "duplicate_choice",
                    )
                if choice.id:
                    ids.setdefault(choice.id, index)
                folded = choice.label.casefold()
                if folded in labels:
                    add(
                        ["choices", index, "label"],
                        f"duplicate choice label {show_value(choice.label)} "
                        f"(also choices[{labels[folded]}])",
                        "duplicate_choice",
                    )
                if folded:
                    labels.setdefault(folded, index)
                if choice.id in SPECIAL_VALUES:
                    add(
                        ["choices", index, "id"],
                        f"'{choice.id}' is reserved: set `{choice.id}: true` on the "
                        "question instead",
                        "reserved_choice",
                    )
            exclusive = [i for i, c in enumerate(q.choices or ()) if c.exclusive]
            if exclusive and q.type == "single_choice":
                add(
                    ["choices", exclusive[0], "exclusive"],
                    "only multiple choice questions have an exclusive choice",
                    "bad_exclusive",
                )
            if len(exclusive) > 1:
                add(
                    ["choices", exclusive[1], "exclusive"],
                    "a question has at most one exclusive ('none of these') choice",
                    "bad_exclusive",
                )
    elif raw.get("choices") is not None:
        add(["choices"], f"'{q.type}' questions take no choices", "unexpected_key")

    if q.type in NUMBER_TYPES:
        if raw.get("min") is None or raw.get("max") is None:
            add([], f"'{q.type}' questions need both 'min' and 'max'", "bad_bounds")
        elif q.min is not None and q.max is not None and q.min > q.max:
            add(["min"], f"min ({q.min:g}) is greater than max ({q.max:g})", "bad_bounds")
        for name in ("min", "max"):
            bound = getattr(q, name)
            if q.type in ("integer", "days") and bound is not None and bound != int(bound):
                add([name], f"'{q.type}' questions need a whole-number {name}", "bad_bounds")
        if q.type == "days" and q.min is not None and q.min < 0:
            add(["min"], "a number of days cannot be negative", "bad_bounds")
    elif q.type == "date":
        # On a date, min and max are days from the day of answering (min: 0 = not in the past).
        for name in ("min", "max"):
            bound = getattr(q, name)
            if bound is not None and bound != int(bound):
                add([name], f"a date's {name} is a whole number of days", "bad_bounds")
        if q.min is not None and q.max is not None and q.min > q.max:
            add(["min"], f"min ({q.min:g}) is greater than max ({q.max:g})", "bad_bounds")
        if raw.get("unit") is not None:
            add(["unit"], "'date' questions take no 'unit'", "unexpected_key")
    else:
        for name in ("min", "max", "unit"):
            if raw.get(name) is not None:
                add([name], f"'{q.type}' questions take no '{name}'", "unexpected_key")
    if raw.get("max_length") is not None and q.type != "text":
        add(["max_length"], "only text questions take 'max_length'", "unexpected_key")

    if q.safety:
        if q.type == "text":
            add(
                ["safety"],
                "free text is never read by rules, so it cannot be a safety question",
                "bad_safety",
            )
        for name, label in (("not_sure", "not sure"), ("prefer_not_to_say", "prefer not to say")):
            if getattr(q, name) is False:
                add([name], f"a safety question must offer '{label}'", "bad_safety")
    return out


_OPERATORS = ("equals", "one_of", "any_of", "lt", "lte", "gt", "gte", "answered")
_COMPARISONS = ("lt", "lte", "gt", "gte")
_COMBINATORS = ("all", "any", "not")
Err = Callable[[list[str | int], str, str], None]


def _check_condition(
    cond: Any,
    loc: list[str | int],
    owner: str | None,
    seen: dict[str, tuple[str, Question | None]],
    later: list[str],
    order: list[str],
    err: Err,
) -> None:
    if not isinstance(cond, dict):
        return  # the whole-file validation says what it should be
    ops = [name for name in _OPERATORS if cond.get(name) is not None]
    combos = [name for name in _COMBINATORS if cond.get(name) is not None]
    ref = cond.get("question")
    if ref is not None:
        if combos:
            err(loc, f"use either 'question' or '{combos[0]}', not both", "bad_condition")
        if len(ops) != 1:
            err(
                loc,
                "a condition on a question needs exactly one of equals, one_of, any_of, lt, lte, "
                f"gt, gte, answered (found {', '.join(ops) or 'none'})",
                "bad_condition",
            )
        if not isinstance(ref, str):
            pass
        elif ref == owner:
            err(loc, f"question '{ref}' cannot depend on itself", "bad_reference")
        elif ref not in seen:
            if ref in later:
                err(
                    loc,
                    f"question '{ref}' comes later; a show-if can only read earlier questions",
                    "later_question",
                )
            elif ref not in order:
                err(loc, f"unknown question '{ref}'{did_you_mean(ref, order)}", "unknown_question")
        else:
            target = seen[ref][1]
            if target is not None and len(ops) == 1:
                _check_operands(ops[0], cond[ops[0]], loc, target, err)
    else:
        if ops:
            err(loc, f"'{ops[0]}' needs a 'question' to compare", "bad_condition")
        if len(combos) != 1:
            err(
                loc,
                "a condition needs a 'question', or exactly one of all, any, not",
                "bad_condition",
            )
    for name in ("all", "any"):
        children = cond.get(name)
        if isinstance(children, list):
            for index, child in enumerate(children):
                _check_condition(child, [*loc, f"{name}[{index}]"], owner, seen, later, order, err)
    if cond.get("not") is not None:
        _check_condition(cond["not"], [*loc, "not"], owner, seen, later, order, err)


def _check_operands(
    op: str, operand: Any, loc: list[str | int], target: Question, err: Err
) -> None:
    """Operands that can never match the target's answers make a condition that is never true
    (or, under ``not``, always true): each is reported."""
    if op in _COMPARISONS:
        if target.type not in NUMBER_TYPES:
            err(
                loc,
                f"a comparison needs a number question; '{target.id}' is {target.type}",
                "bad_condition",
            )
        return
    if op == "answered":
        return
    if target.type == "text":
        err(loc, f"'{target.id}' is free text, which conditions never read", "bad_condition")
        return
    if op == "any_of":
        if target.type != "multiple_choice":
            err(
                loc,
                f"'any_of' reads a multiple choice question; '{target.id}' is {target.type}",
                "bad_condition",
            )
            return
        for value in operand if isinstance(operand, list) else ():
            if value in SPECIAL_VALUES:
                err(
                    loc,
                    f"'{value}' is never one of the choices ticked: test it with `equals: {value}`",
                    "bad_condition",
                )
            elif isinstance(value, str) and value not in target.choice_ids:
                err(
                    loc,
                    f"'{target.id}' has no choice {show_value(value)}"
                    f"{did_you_mean(value, target.choice_ids)}",
                    "unknown_choice",
                )
        return
    values = [operand] if op == "equals" else operand if isinstance(operand, list) else []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            continue  # the whole-file validation reports it
        problem = _operand_problem(op, value, target)
        if problem is not None:
            err(loc, *problem)
            if target.type == "multiple_choice" and value in target.choice_ids:
                break  # one wrong operator, however many choices it lists


def _operand_problem(op: str, value: str | float, target: Question) -> tuple[str, str] | None:
    """What is wrong with comparing ``target``'s answer to ``value``, and its code."""
    if isinstance(value, str) and value in target.special_values:
        return None
    kind = target.type
    if kind in (*CHOICE_TYPES, "yes_no"):
        if kind == "multiple_choice" and value in target.choice_ids:
            return (
                f"'{target.id}' is multiple choice, so its answer is a list: "
                f"test whether '{value}' is ticked with `any_of`, not `{op}`",
                "bad_condition",
            )
        if value in target.choice_ids:
            return None
        hint = (
            did_you_mean(value, (*target.choice_ids, *target.special_values))
            if isinstance(value, str)
            else ""
        )
        return f"'{target.id}' has no choice {show_value(value)}{hint}", "unknown_choice"
    never = f"'{target.id}' is {kind}, so its answer never equals {show_value(value)}"
    if kind in NUMBER_TYPES:
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                return never, "bad_condition"
            return never + " (write the number without quotes)", "bad_condition"
        if kind != "decimal" and value != int(value):
            return never + " (it is a whole number)", "bad_condition"
        if (
            target.min is not None
            and target.max is not None
            and not (target.min <= value <= target.max)
        ):
            return (
                f"'{target.id}' is from {target.min:g} to {target.max:g}, so its answer never "
                f"equals {show_value(value)}",
                "bad_condition",
            )
        return None
    if kind == "date" and not (isinstance(value, str) and parse_date(value) is not None):
        return never + " (a date is written YYYY-MM-DD)", "bad_condition"
    return None


def _unread_warnings(q: Questionnaire, reads: Iterable[str], source: str) -> list[Problem]:
    read = set(reads)
    for question in q.questions:
        if question.show_if is not None:
            read.update(question.show_if.questions())
    out = []
    for s_index, section in enumerate(q.sections):
        for q_index, question in enumerate(section.questions):
            if question.type != "text" and question.id not in read:
                loc = format_loc(["sections", s_index, "questions", q_index])
                out.append(
                    Problem(
                        loc,
                        f"question '{question.id}' is read by no rule and no show-if",
                        "unread_question",
                        source,
                    )
                )
    return out


def _check(
    data: Any, source: str, positions: Positions, reads: Iterable[str] | None
) -> tuple[Questionnaire | None, list[Problem], list[Problem]]:
    errors: list[Problem] = []
    model: Questionnaire | None = None
    if not isinstance(data, dict):
        return (
            None,
            [
                Problem(
                    "", "a questionnaire must be a mapping of keys to values", "not_mapping", source
                )
            ],
            [],
        )
    try:
        model = Questionnaire.model_validate(data)
    except ValidationError as exc:
        errors.extend(
            pydantic_problems(exc, source=source, positions=positions, known_keys=_known_keys())
        )
    warnings: list[Problem] = []
    errors.extend(_semantic_problems(data, source, positions))
    if model is not None and reads is None:
        # A file is checked against the shipped rule set, so that `validate` and every command
        # refuse a questionnaire the rules cannot use before anyone answers a question.
        from .rules.check import rule_problems

        errors.extend(rule_problems(model, source=source, positions=positions))
    if model is not None and not errors:
        if reads is None:
            from .rules.catalogue import questions_read

            reads = questions_read()
        warnings.extend(_unread_warnings(model, reads, source))
    errors.sort(key=lambda p: p.line or 0)
    return (model if not errors else None), errors, warnings


def check_questionnaire(
    path: str | Path, *, reads: Iterable[str] | None = None
) -> tuple[Questionnaire | None, list[Problem], list[Problem]]:
    """Checks a questionnaire file; returns (model or None, errors, warnings). Never raises.

    Unless ``reads`` is given, the file is also checked against the shipped rule set: a question
    or choice a rule reads must exist, fit the rule's test, and be marked safety when a
    condition rests on it."""
    path = Path(path)
    source = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return None, [Problem("", f"cannot read the file: {reason}", "unreadable", str(path))], []
    data, positions, syntax = parse_yaml(text, source)
    if syntax is not None:
        return None, [syntax], []
    return _check(data, source, positions, reads)


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Loads and checks a questionnaire file; raises QuestionnaireError listing every problem."""
    model, errors, warnings = check_questionnaire(path)
    if model is None:
        raise QuestionnaireError(
            errors,
            warnings,
            summary=f"{Path(path).name}: {count(errors)} in the questionnaire",
        )
    return model


def questionnaire_from_data(data: Mapping[str, Any], source: str = "<data>") -> Questionnaire:
    """Builds a questionnaire from already-parsed data (for embedding apps and tests)."""
    if not isinstance(data, Mapping):
        raise QuestionnaireError(
            [
                Problem(
                    "", "a questionnaire must be a mapping of keys to values", "not_mapping", source
                )
            ]
        )
    if too_deep(data):
        raise QuestionnaireError([Problem("", TOO_DEEP, "too_deep", source)])
    model, errors, warnings = _check(dict(data), source, Positions(), reads=())
    if model is None:
        raise QuestionnaireError(errors, warnings)
    return model


def default_questionnaire_path() -> Path:
    """The shipped questionnaire: inside the wheel, or at the repository root when developing."""
    here = Path(__file__).resolve().parent
    for folder in (here / "_questionnaires", here.parent / "questionnaires"):
        candidate = folder / "facial.yaml"
        if candidate.is_file():
            return candidate
    raise QuestionnaireError(
        [
            Problem(
                "",
                "the shipped questionnaire (facial.yaml) is missing from the installation",
                "missing",
            )
        ]
    )


_DEFAULT: dict[str, Questionnaire] = {}


def default_questionnaire() -> Questionnaire:
    """The shipped questionnaire, loaded once per process."""
    if "q" not in _DEFAULT:
        _DEFAULT["q"] = load_questionnaire(default_questionnaire_path())
    return _DEFAULT["q"]

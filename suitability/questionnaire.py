"""Questionnaires as data: the pydantic models of ``questionnaires/*.yaml`` and their loader.

The loader collects every problem in a file (YAML syntax, wrong types, unknown keys, duplicate
ids, show-if references to unknown or later questions, bad bounds, ...) and raises them together,
each starting with the file and the location inside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache, cached_property, partial
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol, cast

from pydantic import (
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from ._messages import problem
from ._problems import ValueProblem, count, format_loc, nearest, pydantic_problems
from ._reader import (
    MAX_PROBLEMS,
    QUESTIONNAIRE_LIMITS,
    Refused,
    cap_problems,
    check_data,
    read_document,
)
from ._values import (
    NOT_SURE,
    PREFER_NOT_TO_SAY,
    SPECIAL_LABELS,
    SPECIAL_VALUES,
)
from ._yaml import MAX_DEPTH, Positions, parse_yaml, too_deep
from .errors import Problem, QuestionnaireError
from .kinds import KINDS, Kind

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


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueProblem(
            "yes_no_as_bool", given=str(value).lower(), word="yes" if value else "no"
        )
    return value


def _not_huge(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**300:
        raise ValueProblem("wrong_type", expected="a finite number", given=value)
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
NUMBER_TYPES = tuple(name for name, kind in KINDS.items() if kind.numeric)

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
    example: Scalar | None = Field(
        default=None,
        description="A typical answer, shown when a typed answer is refused (for example 52).",
    )
    max_length: StrictInt | None = Field(default=None, ge=1, le=2000)
    show_if: Condition | None = None
    not_sure: StrictBool | None = Field(
        default=None, description="Offer 'not sure' (default: safety)."
    )
    prefer_not_to_say: StrictBool | None = Field(
        default=None, description="Offer 'prefer not to say' (default: safety)."
    )
    # How typed text is read (day or month first in a date): the questionnaire's locale, set
    # when the questionnaire is built, so a kind's reader needs nothing beyond its question.
    _locale: str = PrivateAttr(default="en-GB")

    @property
    def locale(self) -> str:
        return self._locale

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
    def kind(self) -> Kind:
        """How answers to this question are read, checked, shown and asked."""
        return KINDS[self.type]

    @cached_property
    def read(self) -> Callable[[Any], tuple[Any, Problem | None]]:
        """Reads one answer to this question given as data: :meth:`Kind.normalise`, bound."""
        return partial(self.kind.normalise, self)

    @cached_property
    def choice_ids(self) -> tuple[str, ...]:
        return self.kind.choice_ids(self)

    @cached_property
    def exclusive_choice(self) -> str | None:
        for choice in self.choices or ():
            if choice.exclusive:
                return choice.id
        return None

    def choice_label(self, value: str) -> str:
        if value in SPECIAL_LABELS:
            return SPECIAL_LABELS[value]
        return self.kind.choice_label(self, value)


class Section(BaseModel):
    model_config = _STRICT

    id: Id
    title: Text
    intro: str | None = None
    questions: list[Question] = Field(min_length=1)


class EarlierVersion(BaseModel):
    """What changed since an earlier version, so that its answers files are read without
    reinterpreting an answer: ``set_aside`` were removed or changed meaning (their answers are
    dropped, never converted), ``new`` are asked only from this version on."""

    model_config = _STRICT

    version: Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){0,2}$")]
    set_aside: list[Id] = Field(default_factory=list)
    new: list[Id] = Field(default_factory=list)


class Questionnaire(BaseModel):
    """A whole questionnaire: identity, version and its sections of questions."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: Id
    title: Text
    version: Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){0,2}$")]
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
    intro: str | None = None
    sections: list[Section] = Field(min_length=1)
    earlier_versions: list[EarlierVersion] = Field(default_factory=list)
    locale: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")] | None = Field(
        default=None, description="How typed dates are read (default: language)."
    )

    def model_post_init(self, context: Any, /) -> None:
        locale = self.locale or self.language
        for section in self.sections:
            for question in section.questions:
                question._locale = locale

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

    def earlier_version(self, version: object, keys: Iterable[object]) -> EarlierVersion | None:
        """The earlier version an answers file was written for: the one its header names, else
        the newest whose set-aside questions it answers (files and autosaves may have no
        header); None for an answers file of this version."""
        if version == self.version:
            return None
        for earlier in self.earlier_versions:
            if earlier.version == version:
                return earlier
        given = set(keys)
        for earlier in reversed(self.earlier_versions):
            if not given.isdisjoint(earlier.set_aside):
                return earlier
        return None

    def visible(self, question: Question, values: Mapping[str, Any]) -> bool:
        """Whether ``question`` is shown, given the answers so far."""
        return question.show_if is None or question.show_if.holds(values)


# --------------------------------------------------------------------------- loading


def _known_keys() -> set[str]:
    keys: set[str] = set()
    for model in (Questionnaire, Section, Question, Choice, Condition, EarlierVersion):
        for name, info in model.model_fields.items():
            keys.add(info.alias or name)
    return keys


def _semantic_problems(data: Any, source: str, positions: Positions) -> list[Problem]:
    """Cross-reference checks that pydantic cannot make. They read the raw data, so a question
    with a wrong key or value elsewhere is still checked: every problem is reported at once."""
    errors: list[Problem] = []

    def err(loc: list[str | int], code: str, **params: Any) -> None:
        errors.append(
            problem(code, format_loc(loc), source=source, line=positions.line(loc), **params)
        )

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
    refs = _Refs(order)
    for s_index, section in enumerate(sections):
        if not isinstance(section, dict):
            continue
        sid = section.get("id")
        if isinstance(sid, str):
            where = format_loc(["sections", s_index, "id"])
            if sid in seen_sections:
                err(
                    ["sections", s_index, "id"],
                    "duplicate_section_id",
                    given=sid,
                    first=seen_sections[sid],
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
                refs.position += 1
            question = _salvage_question(raw)
            if question is not None:
                errors.extend(_question_problems(question, raw, loc, source, positions))
            if qid is not None and qid in seen:
                err([*loc, "id"], "duplicate_question_id", given=qid, first=seen[qid][0])
            if raw.get("show_if") is not None:
                _check_condition(raw["show_if"], [*loc, "show_if"], qid, seen, refs, err)
            if qid is not None and qid not in seen:
                seen[qid] = (format_loc(loc), question)
    earlier = data.get("earlier_versions")
    for e_index, entry in enumerate(earlier if isinstance(earlier, list) else ()):
        if not isinstance(entry, dict):
            continue
        for key, must_exist in (("new", True), ("set_aside", False)):
            ids = entry.get(key)
            for i, qid in enumerate(ids if isinstance(ids, list) else ()):
                if isinstance(qid, str) and (qid in seen) is not must_exist:
                    code = "earlier_new_unknown" if must_exist else "earlier_set_aside_current"
                    hint = nearest(qid, seen) if must_exist else None
                    err(["earlier_versions", e_index, key, i], code, key=qid, nearest=hint)
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

    def add(sub: list[str | int], code: str, **params: Any) -> None:
        full = [*loc, *sub]
        out.append(
            problem(code, format_loc(full), source=source, line=positions.line(full), **params)
        )

    q.kind.definition_problems(q, raw, add)
    if raw.get("example") is not None and not out:
        _example_problems(q, add)
    if q.safety:
        for name, label in (("not_sure", "not sure"), ("prefer_not_to_say", "prefer not to say")):
            if getattr(q, name) is False:
                add([name], "safety_needs_special", label=label)
    return out


def _example_problems(q: Question, add: Callable[..., None]) -> None:
    """An example shown to a person must be an answer they could give: one the question
    accepts as typed, not a non-answer such as 'not sure'."""
    if q.kind.prompt != "text":
        add(["example"], "example_not_typed", kind=q.type)
        return
    example = q.example
    if isinstance(example, str) and example in SPECIAL_VALUES:
        add(["example"], "example_special")
        return
    _value, wrong = q.read(example)
    if wrong is not None:
        add(["example"], "example_invalid", detail=wrong.text())


_OPERATORS = ("equals", "one_of", "any_of", "lt", "lte", "gt", "gte", "answered")
_COMPARISONS = ("lt", "lte", "gt", "gte")
_COMBINATORS = ("all", "any", "not")


class Err(Protocol):
    def __call__(self, loc: list[str | int], code: str, **params: Any) -> None: ...


class _Refs:
    """The question ids of a file, looked up in constant time: checking N references must take
    time in proportion to N (a list scan, or a suggestion over every id, per reference made a
    file with 5,000 unknown references take minutes)."""

    def __init__(self, order: list[str]) -> None:
        self.order = order
        self.last = {qid: index for index, qid in enumerate(order)}
        self.position = -1  # index into `order` of the question being checked
        self.suggestions = _SUGGESTIONS

    def is_later(self, ref: str) -> bool:
        return self.last.get(ref, -1) >= self.position

    def suggest(self, ref: str) -> str | None:
        # Only as many as are reported: the rest are counted, not shown.
        if self.suggestions <= 0:
            return None
        self.suggestions -= 1
        return nearest(ref, self.order)


_SUGGESTIONS = MAX_PROBLEMS


def _check_condition(
    cond: Any,
    loc: list[str | int],
    owner: str | None,
    seen: dict[str, tuple[str, Question | None]],
    refs: _Refs,
    err: Err,
) -> None:
    if not isinstance(cond, dict):
        return  # the whole-file validation says what it should be
    ops = [name for name in _OPERATORS if cond.get(name) is not None]
    combos = [name for name in _COMBINATORS if cond.get(name) is not None]
    ref = cond.get("question")
    if ref is not None:
        if combos:
            err(loc, "condition_both", combinator=combos[0])
        if len(ops) != 1:
            err(loc, "condition_operators", found=", ".join(ops) or "none")
        if not isinstance(ref, str):
            pass
        elif ref == owner:
            err(loc, "self_reference", given=ref)
        elif ref not in seen:
            if refs.is_later(ref):
                err(loc, "later_question", given=ref)
            elif ref not in refs.last:
                err(loc, "unknown_reference", given=ref, suggestion=refs.suggest(ref))
        else:
            target = seen[ref][1]
            if target is not None and len(ops) == 1:
                _check_operands(ops[0], cond[ops[0]], loc, target, err)
    else:
        if ops:
            err(loc, "condition_needs_question", op=ops[0])
        if len(combos) != 1:
            err(loc, "condition_shape")
    for name in ("all", "any"):
        children = cond.get(name)
        if isinstance(children, list):
            for index, child in enumerate(children):
                _check_condition(child, [*loc, f"{name}[{index}]"], owner, seen, refs, err)
    if cond.get("not") is not None:
        _check_condition(cond["not"], [*loc, "not"], owner, seen, refs, err)


def _check_operands(
    op: str, operand: Any, loc: list[str | int], target: Question, err: Err
) -> None:
    """Operands that can never match the target's answers make a condition that is never true
    (or, under ``not``, always true): each is reported."""
    if op in _COMPARISONS:
        if not target.kind.numeric:
            err(loc, "comparison_not_number", question=target.id, kind=target.type)
        return
    if op == "answered":
        return
    if target.kind.free_text:
        err(loc, "condition_on_text", question=target.id)
        return
    if op == "any_of":
        if not target.kind.multiple:
            err(loc, "any_of_not_multiple", question=target.id, kind=target.type)
            return
        for value in operand if isinstance(operand, list) else ():
            if value in SPECIAL_VALUES:
                err(loc, "special_in_any_of", given=value)
            elif isinstance(value, str) and value not in target.choice_ids:
                err(
                    loc,
                    "unknown_choice",
                    question=target.id,
                    given=value,
                    suggestion=nearest(value, target.choice_ids),
                )
        return
    values = [operand] if op == "equals" else operand if isinstance(operand, list) else []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            continue  # the whole-file validation reports it
        found = _operand_problem(op, value, target)
        if found is not None:
            err(loc, found[0], **found[1])
            if found[0] == "multiple_needs_any_of":
                break  # one wrong operator, however many choices it lists


def _operand_problem(
    op: str, value: str | float, target: Question
) -> tuple[str, dict[str, Any]] | None:
    """What is wrong with comparing ``target``'s answer to ``value``: its code and parameters."""
    if isinstance(value, str) and value in target.special_values:
        return None
    return target.kind.operand_problem(op, value, target)


def _unread_warnings(q: Questionnaire, reads: Iterable[str], source: str) -> list[Problem]:
    read = set(reads)
    for question in q.questions:
        if question.show_if is not None:
            read.update(question.show_if.questions())
    out = []
    for s_index, section in enumerate(q.sections):
        for q_index, question in enumerate(section.questions):
            if not question.kind.free_text and question.id not in read:
                loc = format_loc(["sections", s_index, "questions", q_index])
                out.append(problem("unread_question", loc, source=source, id=question.id))
    return out


def _check(
    data: Any, source: str, positions: Positions, reads: Iterable[str] | None
) -> tuple[Questionnaire | None, list[Problem], list[Problem]]:
    errors: list[Problem] = []
    model: Questionnaire | None = None
    if not isinstance(data, dict):
        return None, [problem("questionnaire_not_mapping", source=source)], []
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
    # In the file's order; problems with no line (the file as a whole) come last.
    errors.sort(key=lambda p: (p.line is None, p.line or 0))
    return (model if not errors else None), cap_problems(errors), warnings


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
        text = read_document(path, QUESTIONNAIRE_LIMITS, source)
    except Refused as exc:
        return None, exc.problems, []
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return None, [problem("unreadable", source=str(path), reason=reason)], []
    data, positions, syntax = parse_yaml(text, source)
    if syntax is not None:
        return None, [syntax], []
    refused = check_data(data, QUESTIONNAIRE_LIMITS, source=source, positions=positions)
    if refused:
        return None, refused, []
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
        raise QuestionnaireError([problem("questionnaire_not_mapping", source=source)])
    if too_deep(data):
        raise QuestionnaireError([problem("too_deep", source=source, limit=MAX_DEPTH)])
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
    raise QuestionnaireError([problem("missing_questionnaire")])


_DEFAULT: dict[str, Questionnaire] = {}


def default_questionnaire() -> Questionnaire:
    """The shipped questionnaire, loaded once per process (from the cache of the checked
    shipped files when it is there: see :mod:`suitability._shipped`)."""
    if "q" not in _DEFAULT:
        from . import _shipped

        hit = _shipped.cached()
        if hit is not None:
            _DEFAULT["q"] = hit[0]
        else:
            loaded = load_questionnaire(default_questionnaire_path())
            from .rules.model import default_rules

            _shipped.remember(loaded, default_rules())
            _DEFAULT["q"] = loaded
    return _DEFAULT["q"]

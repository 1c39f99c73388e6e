"""A person's answers, validated against a questionnaire, and their file formats.

Every problem (unknown question, wrong type, value outside the choices or bounds, an answer to a
question that is not shown, a missing required answer) is reported together, each naming the
question and what was expected. "Not sure" and "prefer not to say" stay distinct from "no",
and a question that was not asked simply has no answer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from ._json import dumps
from ._messages import problem, show_value
from ._problems import count, nearest, pydantic_problems
from ._reader import (
    ANSWERS_LIMITS,
    Refused,
    cap_problems,
    check_data,
    loads_json,
    read_document,
    too_large,
)
from ._values import parse_date
from ._yaml import TOO_DEEP, dump_yaml, parse_yaml, too_deep
from .errors import AnswersError, Problem
from .fhir._codes import is_fhir_resource
from .kinds import answer_problem
from .kinds.date import DATE_SCHEMA
from .questionnaire import (
    Condition,
    Question,
    Questionnaire,
)

__all__ = [
    "AnswerStatus",
    "AnswerValue",
    "Answers",
    "answer_status",
    "answers_schema",
    "dump_answers",
    "parse_text_answer",
    "read_answers_file",
    "validate_answers",
    "visible_answers",
]

AnswerValue = str | int | float | list[str]
AnswerStatus = Literal["answered", "not_sure", "prefer_not_to_say", "unanswered", "not_asked"]

HEADER_KEYS = ("questionnaire", "questionnaire_version", "answered_on")
NOT_A_MAPPING = "a mapping of question id to answer"


class Answers(BaseModel):
    """A complete or partial set of answers to one questionnaire.

    ``values`` maps question ids to answers: a choice id, a list of choice ids, a number, an ISO
    date, text, or one of ``not_sure`` / ``prefer_not_to_say``. A question with no entry was not
    answered (or not asked: see :func:`answer_status`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    questionnaire: str
    questionnaire_version: str | None = None
    answered_on: dt.date | None = Field(
        default=None, description="The day the answers were given; dates are read relative to it."
    )
    values: dict[str, AnswerValue] = Field(default_factory=dict, alias="answers")
    # What these answers were validated against: the questionnaire's content hash and a snapshot
    # of the answers, so that assessing validated answers does not validate them again, while
    # answers changed since (``values`` is a plain dict) are.
    _validated_for: tuple[str, tuple[Any, ...]] | None = PrivateAttr(default=None)
    # Warnings from reading answers of an earlier questionnaire version (never values).
    _notes: list[Problem] = PrivateAttr(default_factory=list)

    @property
    def notes(self) -> list[Problem]:
        """Warnings from reading these answers: an earlier version's file, what was set aside."""
        return list(self._notes)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            problems = pydantic_problems(exc, source="")
            raise AnswersError(problems, summary=f"{count(problems)} in the answers") from None

    def get(self, question_id: str) -> AnswerValue | None:
        return self.values.get(question_id)

    def to_file_data(self) -> dict[str, Any]:
        """The answers-file form: ``{"questionnaire": ..., "answers": {...}}``."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def _snapshot(self) -> tuple[Any, ...]:
        # Copies, so that changing a list in place shows; the types too, since True == 1 and
        # 1 == 1.0 but they are not the same answer. Built and compared at C speed: assessing
        # validated answers must stay cheap.
        values = self.values
        return (
            self.questionnaire,
            self.questionnaire_version,
            self.answered_on,
            {k: v.copy() if v.__class__ is list else v for k, v in values.items()},
            tuple(map(type, values.values())),
        )

    def _mark_validated(self, questionnaire: Questionnaire) -> None:
        self._validated_for = (questionnaire.content_hash, self._snapshot())

    def _is_validated_for(self, questionnaire: Questionnaire) -> bool:
        # Straight from pydantic's store: the attribute goes through a __getattr__ that costs
        # more than the whole comparison.
        done = (self.__pydantic_private__ or {}).get("_validated_for")
        if done is None or done[0] != questionnaire.content_hash:
            return False
        questionnaire_id, version, answered_on, values, types = done[1]
        return bool(
            questionnaire_id == self.questionnaire
            and version == self.questionnaire_version
            and answered_on == self.answered_on
            and values == self.values
            and types == tuple(map(type, self.values.values()))
        )


# --------------------------------------------------------------------------- one value


def _answer_problem(q: Question, code: str, **params: Any) -> Problem:
    """A problem with an answer to ``q``, located at it."""
    return answer_problem(q, code, **params)


def date_bound_problem(q: Question, value: AnswerValue, as_of: dt.date) -> Problem | None:
    """What is wrong with a date answer outside the question's ``min``/``max``, which count days
    from ``as_of`` (the day of answering); None when it fits or is not a date."""
    return q.kind.bound_problem(q, value, as_of)


def normalise_value(q: Question, value: Any) -> tuple[AnswerValue | None, Problem | None]:
    """Checks one answer given as data (JSON, YAML, a Python value) and returns (normalised
    value, None) or (None, what is wrong, located at ``answers.<question id>``).

    Data is read strictly, exactly as :func:`answers_schema` says: a number is a number, not the
    text "58"; yes/no is "yes" or "no" (or a JSON true/false); a date is text as YYYY-MM-DD.
    Text a person typed goes through :func:`parse_text_answer` instead. In a free-text answer,
    "not_sure" is just the words written.
    """
    return q.kind.normalise(q, value)


# --------------------------------------------------------------------------- typed text


def parse_text_answer(q: Question, text: str) -> tuple[AnswerValue | None, Problem | None]:
    """Reads an answer that a person typed as text (at the prompt, or in a CSV cell) and checks
    it; returns (normalised value, None) or (None, what is wrong).

    Unlike data, typed text is read leniently: spaces around it are ignored, yes/no and choice
    ids in any case, "not sure" / "prefer not to say" with spaces, numbers written in ASCII
    digits, several choices separated by ``;``.
    """
    kind = q.kind
    return kind.normalise(q, kind.typed(q, text))


# --------------------------------------------------------------------------- a whole set


def _key_text(key: Any) -> str:
    return key if isinstance(key, str) else show_value(key)


def _values_in(
    data: Any, questionnaire: Questionnaire
) -> tuple[dict[str, Any], dict[Any, Any], Problem | None]:
    """Splits input into (header fields, answer values, or what is wrong with its shape)."""
    if isinstance(data, Answers):
        header = {
            "questionnaire": data.questionnaire,
            "questionnaire_version": data.questionnaire_version,
            "answered_on": data.answered_on,
        }
        return header, dict(data.values), None
    if not isinstance(data, Mapping):
        return {}, {}, problem("wrong_type", expected=NOT_A_MAPPING, given=data)
    if "answers" in data and "answers" not in questionnaire.by_id:
        header = {k: v for k, v in data.items() if k != "answers"}
        inner = data["answers"]
        if not isinstance(inner, Mapping):
            return header, {}, problem("wrong_type", "answers", expected=NOT_A_MAPPING, given=inner)
        return header, dict(inner), None
    return {}, dict(data), None


def validate_answers(
    data: Mapping[str, Any] | Answers,
    questionnaire: Questionnaire,
    *,
    complete: bool = False,
    source: str = "",
) -> Answers:
    """Checks answers against ``questionnaire`` and returns them normalised.

    ``data`` is an :class:`Answers`, an answers-file mapping (``{"answers": {...}, ...}``) or a
    plain mapping of question id to value, read as data (see :func:`normalise_value`); ``None``
    is no answer. With ``complete=True`` every shown required question must be answered (not
    sure / prefer not to say count as answers). Raises AnswersError with every problem.
    """
    if isinstance(data, Answers) and not complete and data._is_validated_for(questionnaire):
        return data
    problems: list[Problem] = []

    def bad(location: str, code: str, **params: Any) -> None:
        problems.append(problem(code, location, source=source, **params))

    header, raw, shape = _values_in(data, questionnaire)
    if shape is not None:
        problems.append(replace(shape, source=source))
    for key in header:
        if key not in HEADER_KEYS:
            name = _key_text(key)
            hint = nearest(name, (*HEADER_KEYS, "answers")) if isinstance(key, str) else None
            bad(name, "unknown_key", key=name, nearest=hint)
    qid = header.get("questionnaire")
    version = header.get("questionnaire_version")
    for name, given in (("questionnaire", qid), ("questionnaire_version", version)):
        if given is not None and not isinstance(given, str):
            bad(name, "wrong_type", expected="text", given=given)
    if isinstance(qid, str) and qid != questionnaire.id:
        bad("questionnaire", "wrong_questionnaire", given=qid, questionnaire=questionnaire.id)
    answered_on = header.get("answered_on")
    if isinstance(answered_on, str):
        answered_on = parse_date(answered_on) or answered_on
    if answered_on is not None and (
        not isinstance(answered_on, dt.date) or isinstance(answered_on, dt.datetime)
    ):
        bad("answered_on", "wrong_type", expected="a date as YYYY-MM-DD", given=answered_on)
        answered_on = None

    earlier = questionnaire.earlier_version(version, raw)
    set_aside: list[str] = []
    if earlier is not None:
        # Answers to removed or changed questions are dropped, never read as a new question's.
        set_aside = [k for k in earlier.set_aside if k in raw]
        raw = {k: v for k, v in raw.items() if k not in earlier.set_aside}
    for key in raw:
        if key not in questionnaire.by_id:
            name = _key_text(key)
            hint = nearest(key, questionnaire.by_id) if isinstance(key, str) else None
            bad(f"answers.{name}", "unknown_question", key=name, nearest=hint)

    values: dict[str, AnswerValue] = {}
    # Questions whose answer was wrong, or whether they are asked is unknown because of one:
    # a question shown or hidden by them is not reported too, only the root.
    unsure: set[str] = set()
    plain = True  # every value of a type validating Answers keeps exactly as it is
    for qid, q, show_if, shows_on, known, dated in _reading_plan(questionnaire):
        given = raw.get(qid)
        undecided = bool(unsure) and shows_on is not None and not unsure.isdisjoint(shows_on)
        if undecided:
            unsure.add(qid)
        if given is None:
            if complete and q.required and not undecided and questionnaire.visible(q, values):
                problems.append(replace(_answer_problem(q, "missing_answer"), source=source))
            continue
        if not undecided and show_if is not None and not show_if.holds(values):
            condition = _describe_condition(q, questionnaire)
            problems.append(
                replace(_answer_problem(q, "not_asked", condition=condition), source=source)
            )
            unsure.add(qid)
            continue
        # How the same text, whole number or list of texts read before (reading is a pure
        # function of the question and the value); anything else is read each time.
        kind = given.__class__
        memo = (
            given
            if kind is str or kind is int
            else tuple(given)
            if kind is list and all(v.__class__ is str for v in given)
            else None
        )
        value = known.get(memo) if memo is not None else None
        error = None
        if value is None:
            value, error = q.read(given)
            if error is None and value is not None:
                if memo is not None and _plain_value(value):
                    if len(known) >= 512:
                        known.clear()
                    known[memo] = value
                else:
                    plain = plain and _plain_value(value)
        if isinstance(value, list):
            value = value.copy()  # each caller keeps its own
        if error is None and value is not None and dated:
            day = answered_on if isinstance(answered_on, dt.date) else dt.date.today()
            error = q.kind.bound_problem(q, value, day)
        if error is not None:
            problems.append(replace(error, source=source))
            unsure.add(qid)
        elif value is not None and not undecided:
            values[qid] = value

    if problems:
        head = f"{source}: " if source else ""
        raise AnswersError(
            cap_problems(problems),
            summary=f"{head}{count(problems)} in the answers",
        )
    if earlier is not None:
        version = questionnaire.version  # what is kept is valid for this version
    kept_version = version if isinstance(version, str) else questionnaire.version
    if plain and type(answered_on) in (dt.date, type(None)):
        # Every part was checked above, by this module (the questionnaire's id and version, the
        # day, each value as its kind reads it): validating it all again would change nothing.
        result = Answers.model_construct(
            questionnaire=questionnaire.id,
            questionnaire_version=kept_version,
            answered_on=answered_on,
            values=values,
        )
    else:
        result = Answers(
            questionnaire=questionnaire.id,
            questionnaire_version=kept_version,
            answered_on=answered_on,
            values=values,
        )
    if earlier is not None:
        unanswered = [
            qid
            for qid in earlier.new
            if qid not in values and questionnaire.visible(questionnaire.by_id[qid], values)
        ]
        result._notes = [
            problem(
                "earlier_version",
                "questionnaire_version",
                source=source,
                version=earlier.version,
                current=questionnaire.version,
                new_count=len(unanswered),
                new=", ".join(unanswered) or "none",
                set_aside=", ".join(set_aside) or "none",
            )
        ]
    result._mark_validated(questionnaire)
    return result


def _plain_value(value: Any) -> bool:
    """Whether an answer is of a type validating :class:`Answers` keeps exactly as it is."""
    kind = type(value)
    if kind is list:
        return all(type(v) is str for v in value)
    return kind is str or kind is int or kind is float


_Plan = list[tuple[str, Question, Any, "frozenset[str] | None", dict[Any, Any], bool]]
_PLANS: dict[int, tuple[Questionnaire, _Plan]] = {}


def _reading_plan(questionnaire: Questionnaire) -> _Plan:
    """Per question, in order: its id, the question, its show-if and the questions that
    condition reads, what its common answers read as (filled as they are met), and whether its
    answers depend on the day; made once per questionnaire (kept alive here, so its id is not
    reused)."""
    found = _PLANS.get(id(questionnaire))
    if found is None or found[0] is not questionnaire:
        if len(_PLANS) >= 64:
            _PLANS.clear()
        plan: _Plan = [
            (
                q.id,
                q,
                q.show_if,
                frozenset(q.show_if.questions()) if q.show_if is not None else None,
                {},
                q.kind.dated,
            )
            for q in questionnaire.questions
        ]
        found = _PLANS[id(questionnaire)] = (questionnaire, plan)
    return found[1]


def _describe_condition(q: Question, questionnaire: Questionnaire) -> str:
    names = list(dict.fromkeys(q.show_if.questions())) if q.show_if is not None else []
    if not names:
        return "its show-if condition is not met"
    listed = ", ".join(f"'{n}'" for n in names)
    return f"it is asked only when its show-if condition on {listed} holds"


def visible_answers(questionnaire: Questionnaire, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without answers to questions that are hidden, in questionnaire order.

    Used when an earlier answer changes: answers that would no longer be asked are dropped.
    """
    kept: dict[str, Any] = {}
    for q in questionnaire.questions:
        if q.id in values and values[q.id] is not None and questionnaire.visible(q, kept):
            kept[q.id] = values[q.id]
    return kept


def answer_status(questionnaire: Questionnaire, answers: Answers, question_id: str) -> AnswerStatus:
    """Whether a question was answered, answered 'not sure' / 'prefer not to say', left
    unanswered, or not asked (hidden by its show-if)."""
    q = questionnaire.by_id[question_id]
    value = answers.values.get(question_id)
    if value is None:
        return "unanswered" if questionnaire.visible(q, answers.values) else "not_asked"
    if q.kind.free_text:
        return "answered"
    if value == "not_sure":
        return "not_sure"
    if value == "prefer_not_to_say":
        return "prefer_not_to_say"
    return "answered"


def display_value(q: Question, value: AnswerValue | None) -> str:
    """An answer in the words the person saw."""
    if value is None:
        return "(no answer)"
    return q.kind.display(q, value)


# --------------------------------------------------------------------------- files


class _NotJson(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a number in JSON")


def parse_answers_text(text: str, source: str, *, records: bool = False) -> Any:
    """Parses an answers file's text (JSON or YAML); raises AnswersError on malformed input.
    With ``records``, an intake record (JSON) is read within a record's limits."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):

        def malformed(reason: str, location: str = "") -> AnswersError:
            return AnswersError([problem("json_syntax", location, source=source, reason=reason)])

        try:
            data = loads_json(text, ANSWERS_LIMITS, source=source, parse_constant=_no_constant)
        except Refused as exc:
            data = _intake_record(text, exc) if records else None
            if data is None:
                raise AnswersError(exc.problems) from None
        except json.JSONDecodeError as exc:
            raise malformed(exc.msg, f"line {exc.lineno}, column {exc.colno}") from None
        except _NotJson as exc:
            raise malformed(str(exc)) from None
        except ValueError:  # Python converts at most 4300 digits to an int
            raise malformed("a number with too many digits to read") from None
        except RecursionError:
            raise malformed(TOO_DEEP) from None
        if too_deep(data):
            raise malformed(TOO_DEEP)
        return data
    if len(text) > ANSWERS_LIMITS.max_size:
        raise AnswersError([too_large(ANSWERS_LIMITS, source)])
    data, positions, syntax = parse_yaml(
        text, source, max_entries=ANSWERS_LIMITS.max_entries, kind=ANSWERS_LIMITS.kind
    )
    if syntax is not None:
        raise AnswersError([syntax])
    refused = check_data(data, ANSWERS_LIMITS, source=source, positions=positions)
    if refused:
        raise AnswersError(refused)
    return data


def _intake_record(text: str, refused: Refused) -> Any:
    """An intake record refused only for its size in keys (its assessment holds thousands):
    read again within a record's limits, its answers still within an answers file's. None when
    it is not such a record."""
    from .intake_records import INTAKE_RECORD_LIMITS, is_day_export, is_record, record_answers_data

    if any(p.code != "too_many_entries" for p in refused.problems):
        return None
    try:
        data = loads_json(text, INTAKE_RECORD_LIMITS, parse_constant=_no_constant)
    except (Refused, ValueError, RecursionError):
        return None
    if is_day_export(data):
        return data  # refused by the caller with its own message
    if not is_record(data) or check_data(record_answers_data(data)[0], ANSWERS_LIMITS):
        return None
    return data


def read_answers_file(
    path: str | Path, questionnaire: Questionnaire, *, text: str | None = None
) -> Answers:
    """Reads an answers file (YAML or JSON) and validates it; ``-`` with ``text`` for stdin.

    A FHIR resource (JSON naming a ``resourceType``) is read as a ``QuestionnaireResponse``
    (see :func:`suitability.fhir.answers_from_response`); any other resource is refused."""
    return read_answers_document(path, questionnaire, text=text)[0]


def read_answers_document(
    path: str | Path, questionnaire: Questionnaire, *, text: str | None = None
) -> tuple[Answers, Any]:
    """:func:`read_answers_file`, with the parsed document the answers came from (a
    QuestionnaireResponse read is then carried on as it was, without parsing it again)."""
    source = Path(path).name if str(path) != "-" else "<stdin>"
    if text is None:
        try:
            text = read_document(path, ANSWERS_LIMITS, source)
        except Refused as exc:
            raise AnswersError(exc.problems) from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise AnswersError([problem("unreadable", source=str(path), reason=reason)]) from None
    data = parse_answers_text(text, source, records=True)
    if is_fhir_resource(data):
        from .fhir.response import answers_from_response

        return answers_from_response(data, questionnaire, source=source), data
    from .intake_records import is_day_export, is_record

    if is_record(data):
        return _record_answers(data, questionnaire, source), data
    if is_day_export(data):
        raise AnswersError(
            [problem("record_day_export", source=source, count=len(data["records"]))]
        )
    if not isinstance(data, Mapping) or not isinstance(data.get("answers"), Mapping):
        raise AnswersError([problem("not_answers_file", source=source)])
    return validate_answers(data, questionnaire, source=source), data


def _record_answers(data: Mapping[str, Any], questionnaire: Questionnaire, source: str) -> Answers:
    """The answers an intake record holds (an ``intake --out`` file, the desk's export), read as
    strictly as an answers file; each problem is located where it sits in the record."""
    from .intake_records import STATUSES, record_answers_data, record_location

    status = data.get("status")
    if status not in STATUSES:
        raise AnswersError(
            [problem("record_status", "status", source=source, statuses=", ".join(STATUSES))]
        )
    inner, nested = record_answers_data(data)
    try:
        answers = validate_answers(inner, questionnaire, source=source)
    except AnswersError as exc:
        problems = [
            replace(p, location=record_location(p.location, nested=nested)) for p in exc.problems
        ]
        raise AnswersError(problems, summary=str(exc).split("\n", 1)[0]) from None
    if status != "complete":
        # Assessed as it stands: what was never asked reads as not answered.
        answers._notes.append(
            problem("record_partial", "status", source=source, answered=len(answers.values))
        )
    return answers


def dump_answers(answers: Answers, fmt: Literal["json", "yaml"] = "json") -> str:
    """The answers-file text in JSON or YAML; reading it back gives equal answers."""
    data = answers.to_file_data()
    if fmt == "json":
        return dumps(data) + "\n"
    return dump_yaml(data)


# --------------------------------------------------------------------------- JSON Schema


def _value_schema(q: Question) -> dict[str, Any]:
    """What :func:`normalise_value` accepts for ``q``, as JSON Schema; ``null`` is no answer."""
    schema = q.kind.json_schema(q)
    schema["title"] = q.label
    if q.help:
        schema["description"] = q.help
    if q.example is not None:
        schema["examples"] = [q.example]
    return schema


_BOUNDS = {"lt": "exclusiveMaximum", "lte": "maximum", "gt": "exclusiveMinimum", "gte": "minimum"}


def _condition_schema(cond: Condition, questionnaire: Questionnaire) -> dict[str, Any]:
    """A schema that holds exactly when ``cond`` holds for the answers object."""
    if cond.all_ is not None:
        return {"allOf": [_condition_schema(c, questionnaire) for c in cond.all_]}
    if cond.any_ is not None:
        return {"anyOf": [_condition_schema(c, questionnaire) for c in cond.any_]}
    if cond.not_ is not None:
        return {"not": _condition_schema(cond.not_, questionnaire)}
    assert cond.question is not None  # guaranteed by the loader
    target = questionnaire.by_id[cond.question]
    test: dict[str, Any]
    if cond.answered is not None:
        test = {"not": {"type": "null"}}
        if not cond.answered:
            return {"not": {"required": [cond.question], "properties": {cond.question: test}}}
    elif cond.any_of is not None:
        test = {"type": "array", "contains": {"enum": list(cond.any_of)}}
    elif cond.equals is not None or cond.one_of is not None:
        wanted = [cond.equals] if cond.equals is not None else list(cond.one_of or ())
        test = {"enum": target.kind.schema_operands(wanted)}
    else:
        test = {"type": "number"}
        for name, keyword in _BOUNDS.items():
            if getattr(cond, name) is not None:
                test[keyword] = getattr(cond, name)
    return {"required": [cond.question], "properties": {cond.question: test}}


def answers_schema(questionnaire: Questionnaire) -> dict[str, Any]:
    """The JSON Schema (2020-12) of an answers file for ``questionnaire``.

    It accepts exactly what :func:`read_answers_file` accepts, show-if conditions included
    (with the ``date`` format checked, as validators do when asked to).
    """
    hidden = [
        {
            "anyOf": [
                _condition_schema(q.show_if, questionnaire),
                {"properties": {q.id: {"type": "null"}}},
            ]
        }
        for q in questionnaire.questions
        if q.show_if is not None
    ]
    answers: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {q.id: _value_schema(q) for q in questionnaire.questions},
    }
    if hidden:
        answers["allOf"] = hidden
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Answers to {questionnaire.title}",
        "description": (
            f"Answers file for questionnaire '{questionnaire.id}' version {questionnaire.version}. "
            "Questions hidden by their show-if must be left out (or null)."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["answers"],
        "properties": {
            "questionnaire": {"enum": [questionnaire.id, None]},
            "questionnaire_version": {"type": ["string", "null"]},
            "answered_on": {**DATE_SCHEMA, "type": ["string", "null"]},
            "answers": answers,
        },
    }

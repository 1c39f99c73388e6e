"""A person's answers, validated against a questionnaire, and their file formats.

Every problem (unknown question, wrong type, value outside the choices or bounds, an answer to a
question that is not shown, a missing required answer) is reported together, each naming the
question and what was expected. "Not sure" and "prefer not to say" stay distinct from "no",
and a question that was not asked simply has no answer.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ._problems import count, did_you_mean, show_value
from ._yaml import parse_yaml
from .errors import AnswersError, Problem
from .questionnaire import SPECIAL_LABELS, SPECIAL_VALUES, Question, Questionnaire

__all__ = [
    "AnswerStatus",
    "AnswerValue",
    "Answers",
    "answer_status",
    "answers_schema",
    "dump_answers",
    "read_answers_file",
    "validate_answers",
    "visible_answers",
]

AnswerValue = str | int | float | list[str]
AnswerStatus = Literal["answered", "not_sure", "prefer_not_to_say", "unanswered", "not_asked"]

DEFAULT_TEXT_LENGTH = 500


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
    # The content hash of the questionnaire these answers were validated against, so that
    # assessing validated answers does not validate them again.
    _validated_for: str | None = PrivateAttr(default=None)

    def get(self, question_id: str) -> AnswerValue | None:
        return self.values.get(question_id)

    def to_file_data(self) -> dict[str, Any]:
        """The answers-file form: ``{"questionnaire": ..., "answers": {...}}``."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


# --------------------------------------------------------------------------- one value


def _expected(q: Question) -> str:
    specials = [f"'{v}'" for v in q.special_values]
    extra = f" (or {' or '.join(specials)})" if specials else ""
    if q.type == "yes_no":
        return f"'yes' or 'no'{extra}"
    if q.type == "single_choice":
        return "one of " + ", ".join(f"'{c}'" for c in q.choice_ids) + extra
    if q.type == "multiple_choice":
        return "a list of " + ", ".join(f"'{c}'" for c in q.choice_ids) + extra
    if q.type in ("integer", "days", "decimal"):
        kind = "a number" if q.type == "decimal" else "a whole number"
        unit = f" ({q.unit})" if q.unit else ""
        return f"{kind} from {q.min:g} to {q.max:g}{unit}{extra}"
    if q.type == "date":
        return f"a date as YYYY-MM-DD{extra}"
    return f"text of at most {q.max_length or DEFAULT_TEXT_LENGTH} characters"


def normalise_value(q: Question, value: Any) -> tuple[AnswerValue | None, str | None]:
    """Returns (normalised value, None) or (None, what is wrong) for one answer."""
    if isinstance(value, str) and value in SPECIAL_VALUES:
        if value in q.special_values:
            return value, None
        return None, f"'{value}' is not offered here; expected {_expected(q)}"
    result = _normalise_known(q, value)
    if result is not _INVALID:
        return result, None  # type: ignore[return-value]
    # Only now build the message: the happy path never pays for it.
    wrong = f"expected {_expected(q)}, got {show_value(value)}"
    if q.type == "yes_no":
        if isinstance(value, bool):
            return ("yes" if value else "no"), None
        if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
            return value.strip().lower(), None
        return None, wrong + did_you_mean(str(value), ("yes", "no", *q.special_values))
    if q.type == "single_choice":
        if isinstance(value, str) and value in q.choice_ids:
            return value, None
        return None, wrong + did_you_mean(str(value), (*q.choice_ids, *q.special_values))
    if q.type == "multiple_choice":
        return _normalise_multi(q, value, wrong)
    if q.type in ("integer", "days", "decimal"):
        return _normalise_number(q, value, wrong)
    if q.type == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat(), None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()).isoformat(), None
            except ValueError:
                pass
        return None, wrong
    # text
    if not isinstance(value, str):
        return None, wrong
    limit = q.max_length or DEFAULT_TEXT_LENGTH
    if len(value) > limit:
        return None, f"expected at most {limit} characters, got {len(value)}"
    return value, None


_INVALID = object()


def _normalise_known(q: Question, value: Any) -> object:
    """The fast path: a value already in normal form, or ``_INVALID`` to take the slow path."""
    kind = q.type
    if kind in ("yes_no", "single_choice"):
        return value if isinstance(value, str) and value in q.choice_ids else _INVALID
    if kind == "multiple_choice":
        if (
            isinstance(value, list)
            and value
            and all(isinstance(v, str) and v in q.choice_ids for v in value)
            and len(set(value)) == len(value)
            and (len(value) == 1 or q.exclusive_choice not in value)
        ):
            return list(value)
        return _INVALID
    if kind in ("integer", "days") and type(value) is int:
        assert q.min is not None and q.max is not None
        return value if q.min <= value <= q.max else _INVALID
    return _INVALID


def _normalise_multi(q: Question, value: Any, wrong: str) -> tuple[list[str] | None, str | None]:
    if isinstance(value, str):
        return None, wrong + " (a list, even for one choice)"
    if not isinstance(value, list) or not value:
        return None, wrong
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or item not in q.choice_ids:
            hint = did_you_mean(str(item), q.choice_ids) if isinstance(item, str) else ""
            return None, f"{show_value(item)} is not a choice here{hint}; expected {_expected(q)}"
        if item in out:
            return None, f"'{item}' is chosen twice"
        out.append(item)
    exclusive = q.exclusive_choice
    if exclusive in out and len(out) > 1:
        label = q.choice_label(exclusive)
        return None, f"'{exclusive}' ({label}) cannot be combined with other choices"
    return out, None


def _normalise_number(q: Question, value: Any, wrong: str) -> tuple[int | float | None, str | None]:
    number: int | float
    if isinstance(value, bool):
        return None, wrong
    if isinstance(value, (int, float)):
        number = value
    elif isinstance(value, str):
        try:
            number = float(value.strip()) if q.type == "decimal" else int(value.strip())
        except ValueError:
            return None, wrong
    else:
        return None, wrong
    if isinstance(number, float) and not math.isfinite(number):
        return None, wrong
    if q.type != "decimal":
        if isinstance(number, float):
            if not number.is_integer():
                return None, wrong
            number = int(number)
    elif isinstance(number, int):
        number = float(number)
    assert q.min is not None and q.max is not None  # the loader requires bounds
    if not q.min <= number <= q.max:
        return None, wrong
    return number, None


# --------------------------------------------------------------------------- a whole set


def _values_in(data: Mapping[str, Any] | Answers) -> tuple[dict[str, Any], dict[str, Any]]:
    """Splits input into (header fields, answer values), accepting several shapes."""
    if isinstance(data, Answers):
        header = {
            "questionnaire": data.questionnaire,
            "questionnaire_version": data.questionnaire_version,
            "answered_on": data.answered_on,
        }
        return header, dict(data.values)
    if "answers" in data and isinstance(data.get("answers"), Mapping):
        header = {k: v for k, v in data.items() if k != "answers"}
        return header, dict(data["answers"])
    return {}, dict(data)


def validate_answers(
    data: Mapping[str, Any] | Answers,
    questionnaire: Questionnaire,
    *,
    complete: bool = False,
    source: str = "",
) -> Answers:
    """Checks answers against ``questionnaire`` and returns them normalised.

    ``data`` is an :class:`Answers`, an answers-file mapping (``{"answers": {...}, ...}``) or a
    plain mapping of question id to value. With ``complete=True`` every shown required question
    must be answered (not sure / prefer not to say count as answers). Raises AnswersError with
    every problem.
    """
    if (
        isinstance(data, Answers)
        and not complete
        and data._validated_for == questionnaire.content_hash
    ):
        return data
    problems: list[Problem] = []

    def bad(location: str, message: str, code: str) -> None:
        problems.append(Problem(location, message, code, source))

    header, raw = _values_in(data)
    for key in header:
        if key not in ("questionnaire", "questionnaire_version", "answered_on"):
            allowed = ("questionnaire", "questionnaire_version", "answered_on", "answers")
            bad(key, f"unknown key '{key}'{did_you_mean(key, allowed)}", "extra_forbidden")
    qid = header.get("questionnaire")
    if qid is not None and qid != questionnaire.id:
        bad(
            "questionnaire",
            f"these answers are for '{qid}', not '{questionnaire.id}'",
            "wrong_questionnaire",
        )
    answered_on = header.get("answered_on")
    if isinstance(answered_on, str):
        try:
            answered_on = dt.date.fromisoformat(answered_on)
        except ValueError:
            bad(
                "answered_on",
                f"expected a date as YYYY-MM-DD, got {show_value(answered_on)}",
                "date_parsing",
            )
            answered_on = None
    elif answered_on is not None and not isinstance(answered_on, dt.date):
        bad(
            "answered_on",
            f"expected a date as YYYY-MM-DD, got {show_value(answered_on)}",
            "date_type",
        )
        answered_on = None

    for key in raw:
        if key not in questionnaire.by_id:
            bad(
                f"answers.{key}",
                f"unknown question '{key}'{did_you_mean(key, questionnaire.by_id)}",
                "unknown_question",
            )

    values: dict[str, AnswerValue] = {}
    for q in questionnaire.questions:
        given = raw.get(q.id)
        shown = questionnaire.visible(q, values)
        if given is None:
            if complete and shown and q.required:
                bad(
                    f"answers.{q.id}",
                    f"missing required answer; expected {_expected(q)}",
                    "missing",
                )
            continue
        if not shown:
            bad(
                f"answers.{q.id}",
                "answered, but this question is not asked given the earlier answers "
                f"({_describe_condition(q, questionnaire)})",
                "not_asked",
            )
            continue
        value, error = normalise_value(q, given)
        if error is not None:
            bad(f"answers.{q.id}", error, "bad_value")
        elif value is not None:
            values[q.id] = value

    if problems:
        head = f"{source}: " if source else ""
        raise AnswersError(
            problems,
            summary=f"{head}{count(problems)} in the answers",
        )
    version = header.get("questionnaire_version")
    result = Answers(
        questionnaire=questionnaire.id,
        questionnaire_version=str(version) if version is not None else questionnaire.version,
        answered_on=answered_on,
        values=values,
    )
    result._validated_for = questionnaire.content_hash
    return result


def _describe_condition(q: Question, questionnaire: Questionnaire) -> str:
    cond = q.show_if
    if cond is not None and cond.question is not None:
        return f"it is shown only when '{cond.question}' meets its show-if condition"
    return "its show-if condition is not met"


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
    if value == "not_sure":
        return "not_sure"
    if value == "prefer_not_to_say":
        return "prefer_not_to_say"
    return "answered"


def display_value(q: Question, value: AnswerValue | None) -> str:
    """An answer in the words the person saw."""
    if value is None:
        return "(no answer)"
    if isinstance(value, list):
        return "; ".join(q.choice_label(v) for v in value)
    if isinstance(value, str) and (
        value in SPECIAL_LABELS or q.type in ("yes_no", "single_choice")
    ):
        return q.choice_label(value)
    if isinstance(value, (int, float)) and q.unit:
        return f"{value:g} {q.unit}"
    return str(value)


# --------------------------------------------------------------------------- files


def parse_answers_text(text: str, source: str) -> Any:
    """Parses an answers file's text (JSON or YAML); raises AnswersError on malformed input."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise AnswersError(
                [
                    Problem(
                        f"line {exc.lineno}, column {exc.colno}",
                        f"malformed JSON: {exc.msg}",
                        "json_syntax",
                        source,
                    )
                ]
            ) from None
    data, _positions, problem = parse_yaml(text, source)
    if problem is not None:
        raise AnswersError([problem])
    return data


def read_answers_file(
    path: str | Path, questionnaire: Questionnaire, *, text: str | None = None
) -> Answers:
    """Reads an answers file (YAML or JSON) and validates it; ``-`` with ``text`` for stdin."""
    source = Path(path).name if str(path) != "-" else "<stdin>"
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise AnswersError(
                [Problem("", f"cannot read the file: {reason}", "unreadable", str(path))]
            ) from None
    data = parse_answers_text(text, source)
    if not isinstance(data, Mapping) or not isinstance(data.get("answers"), Mapping):
        raise AnswersError(
            [
                Problem(
                    "",
                    "an answers file is a mapping with an 'answers' mapping inside",
                    "not_mapping",
                    source,
                )
            ]
        )
    return validate_answers(data, questionnaire, source=source)


def dump_answers(answers: Answers, fmt: Literal["json", "yaml"] = "json") -> str:
    """The answers-file text in JSON or YAML; reading it back gives equal answers."""
    data = answers.to_file_data()
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- JSON Schema


def _value_schema(q: Question) -> dict[str, Any]:
    specials = list(q.special_values)
    schema: dict[str, Any]
    if q.type == "yes_no":
        schema = {"enum": ["yes", "no", *specials]}
    elif q.type == "single_choice":
        schema = {"enum": [*q.choice_ids, *specials]}
    elif q.type == "multiple_choice":
        items: dict[str, Any] = {
            "type": "array",
            "items": {"enum": list(q.choice_ids)},
            "minItems": 1,
            "uniqueItems": True,
        }
        schema = {"anyOf": [items, {"enum": specials}]} if specials else items
    elif q.type in ("integer", "days", "decimal"):
        number = {
            "type": "number" if q.type == "decimal" else "integer",
            "minimum": q.min,
            "maximum": q.max,
        }
        schema = {"anyOf": [number, {"enum": specials}]} if specials else number
    elif q.type == "date":
        date = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
        schema = {"anyOf": [date, {"enum": specials}]} if specials else date
    else:
        schema = {"type": "string", "maxLength": q.max_length or DEFAULT_TEXT_LENGTH}
    schema["title"] = q.label
    if q.help:
        schema["description"] = q.help
    return schema


def answers_schema(questionnaire: Questionnaire) -> dict[str, Any]:
    """The JSON Schema (2020-12) of an answers file for ``questionnaire``.

    Show-if conditions are not expressed in the schema; the library's validation checks them.
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Answers to {questionnaire.title}",
        "description": (
            f"Answers file for questionnaire '{questionnaire.id}' version {questionnaire.version}. "
            "Questions hidden by their show-if must be left out."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["answers"],
        "properties": {
            "questionnaire": {"const": questionnaire.id},
            "questionnaire_version": {"type": "string"},
            "answered_on": {"type": "string", "format": "date"},
            "answers": {
                "type": "object",
                "additionalProperties": False,
                "properties": {q.id: _value_schema(q) for q in questionnaire.questions},
            },
        },
    }

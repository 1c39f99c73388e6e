"""Answers as a FHIR ``QuestionnaireResponse``, and a ``QuestionnaireResponse`` read back as
answers, checked as strictly as an answers file.

Out: one group item per section that holds an answer (linkId ``section.<id>``), in
questionnaire order, each holding the answered questions (linkId = question id, text = label).
Choices are ``valueCoding`` in the questionnaire's code system (a multiple choice gives one
answer per choice ticked); numbers ``valueInteger`` / ``valueDecimal``; dates ``valueDate``;
text ``valueString``. "Not sure" and "prefer not to say" are the data-absent-reason codes
``asked-unknown`` and ``asked-declined``: a ``valueCoding`` on choice items (and on number and
date items in R5, whose ``answerConstraint: optionsOrType`` allows it); in R4, on number and
date items, the data-absent-reason extension on the primitive (``_valueInteger``) with no value.
The subject, when given, is a reference holding only what the person gave: the name as its
``display`` and the booking reference as its ``identifier.value``.

A free-text answer with no character a FHIR string may hold (empty, or only blanks such as a
no-break space) has no FHIR form: it is left out. Rules never read free text, so the
assessment is the same.

In: the resource must be valid FHIR (checked with the ``fhir.resources`` models: R5 first, then
R4B standing in for R4), name this questionnaire in its ``questionnaire`` canonical (any base:
``<base>/Questionnaire/<id>`` or ``<urn>:Questionnaire:<id>``, its ``|version`` read as the
answers file's ``questionnaire_version``), and mirror the questionnaire's structure. Every
problem is located by its FHIR path (``item[3].item[0].answer[0].valueCoding.code``); the
answers found are then checked by :func:`suitability.answers.validate_answers`, exactly as an
answers file's, and its problems are located at the answer they are about.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, get_args

from pydantic import ValidationError
from pydantic_core.core_schema import ErrorType

from .._messages import problem
from .._problems import _TYPE_WORDS, count, format_loc, nearest
from .._reader import MAX_PROBLEMS, more_problems
from .._values import parse_date
from ..answers import Answers, validate_answers
from ..errors import AnswersError, Problem
from ..questionnaire import Question, Questionnaire, Section
from ._codes import (
    DAR_EXTENSION,
    DAR_SYSTEM,
    DEFAULT_BASE,
    FHIR_VERSIONS,
    SPECIAL_CODES,
    SPECIAL_OF_CODE,
    FhirVersion,
    Subject,
    choice_coding,
    help_link_id,
    intro_link_id,
    questionnaire_url,
    section_link_id,
    special_coding,
    value_key,
)

__all__ = ["answers_from_response", "response_from_answers"]

RESOURCE_TYPE = "QuestionnaireResponse"
#: The statuses a response may have and still be read (entered-in-error is refused).
READABLE_STATUSES = ("in-progress", "completed", "amended", "stopped")
ENTERED_IN_ERROR = "entered-in-error"

# What FHIR's string type allows (as fhir.resources checks it): at least one such character.
_FHIR_STRING = re.compile(r"[ \r\n\t\S]")


# --------------------------------------------------------------------------- answers out


def response_from_answers(
    answers: Answers,
    questionnaire: Questionnaire,
    *,
    fhir_version: FhirVersion = "R5",
    base: str = DEFAULT_BASE,
    subject: Subject | None = None,
    response_id: str | None = None,
) -> dict[str, Any]:
    """``answers`` as a FHIR ``QuestionnaireResponse`` (a JSON-ready dict) for
    ``questionnaire`` exported under the canonical ``base``.

    The answers are validated first (an earlier version's are read as
    :func:`~suitability.answers.validate_answers` reads them); raises AnswersError when they do
    not fit. The status is ``completed`` when every shown required question is answered (not
    sure and prefer not to say count as answers), else ``in-progress``.
    """
    if fhir_version not in FHIR_VERSIONS:
        raise ValueError(f"unknown FHIR version {fhir_version!r}; expected R4 or R5")
    valid = validate_answers(answers, questionnaire)
    values = valid.values
    resource: dict[str, Any] = {"resourceType": RESOURCE_TYPE}
    if response_id is not None:
        resource["id"] = response_id
    resource["questionnaire"] = f"{questionnaire_url(questionnaire, base)}|{questionnaire.version}"
    complete = all(
        q.id in values or not q.required or not questionnaire.visible(q, values)
        for q in questionnaire.questions
    )
    resource["status"] = "completed" if complete else "in-progress"
    reference = _subject_reference(subject)
    if reference:
        resource["subject"] = reference
    if valid.answered_on is not None:
        resource["authored"] = valid.answered_on.isoformat()
    items = []
    for section in questionnaire.sections:
        answered = [
            {"linkId": q.id, "text": q.label, "answer": answer}
            for q in section.questions
            if q.id in values
            for answer in [_answers_out(questionnaire, q, values[q.id], fhir_version, base)]
            if answer
        ]
        if answered:
            items.append(
                {"linkId": section_link_id(section), "text": section.title, "item": answered}
            )
    if items:
        resource["item"] = items
    return resource


def _subject_reference(subject: Subject | None) -> dict[str, Any]:
    if subject is None:
        return {}
    reference: dict[str, Any] = {}
    if subject.reference:
        # The clinic's own booking reference: no identifier system is known for it.
        reference["identifier"] = {"value": subject.reference}
    if subject.name:
        reference["display"] = subject.name
    return reference


def _answers_out(
    questionnaire: Questionnaire,
    q: Question,
    value: Any,
    fhir_version: FhirVersion,
    base: str,
) -> list[dict[str, Any]]:
    key = value_key(q)
    if key == "valueCoding":
        chosen = value if isinstance(value, list) else [value]
        return [{"valueCoding": choice_coding(questionnaire, q, v, base)} for v in chosen]
    if key == "valueString":
        # In free text, "not_sure" is the words written.
        return [{"valueString": value}] if _FHIR_STRING.search(value) else []
    if isinstance(value, str) and value in SPECIAL_CODES:
        if fhir_version == "R5":
            return [{"valueCoding": special_coding(value)}]
        reason = {"url": DAR_EXTENSION, "valueCode": SPECIAL_CODES[value]}
        return [{f"_{key}": {"extension": [reason]}}]
    return [{key: value}]


# --------------------------------------------------------------------------- a response in


class _Bad:
    """Stands for an answer already reported as wrong: validate_answers then treats the
    questions that depend on it as undecided, instead of reporting them too."""

    def __repr__(self) -> str:
        return "<answer already reported>"


_BAD = _Bad()
_SET_ASIDE = True  # any value: validate_answers drops answers to set-aside questions unread


@dataclass
class _Reading:
    questionnaire: Questionnaire
    source: str
    fhir_version: FhirVersion
    system: str  # the questionnaire's code system, under the response's own base
    set_aside: frozenset[str]
    problems: list[Problem] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)  # linkId -> where it was first
    raw: dict[str, Any] = field(default_factory=dict)
    # question id -> the FHIR path of each answer's value, for locating its problems
    places: dict[str, list[str]] = field(default_factory=dict)
    codes: dict[str, list[Any]] = field(default_factory=dict)

    def bad(self, location: str, code: str, **params: Any) -> None:
        if isinstance(params.get("key"), str):
            params["key"] = _one_line(params["key"])
        self.problems.append(problem(code, location, source=self.source, **params))


def answers_from_response(
    data: Mapping[str, Any], questionnaire: Questionnaire, *, source: str = ""
) -> Answers:
    """The answers a FHIR ``QuestionnaireResponse`` holds, validated against
    ``questionnaire``; ``data`` is the parsed JSON (read by the strict reader).

    Raises AnswersError with every problem, each located by its FHIR path. A response to an
    earlier version of the questionnaire is read as an answers file of that version is, with a
    note (``Answers.notes``) naming both versions.
    """
    if not isinstance(data, Mapping):
        found = problem("wrong_type", source=source, expected="a FHIR resource", given=data)
        raise _refused([found], source)
    kind = data.get("resourceType")
    if kind != RESOURCE_TYPE:
        raise _refused(
            [problem("fhir_not_response", "resourceType", source=source, given=kind)], source
        )
    fhir_version = _spec_version(data, source)
    nulls = _nulls(data, source)
    if nulls:
        raise _refused(nulls, source)
    header: list[Problem] = []

    def bad(location: str, code: str, **params: Any) -> None:
        header.append(problem(code, location, source=source, **params))

    status = data.get("status")
    if status == ENTERED_IN_ERROR:
        bad("status", "fhir_entered_in_error")
    elif status not in READABLE_STATUSES:
        bad("status", "fhir_status", given=status, expected=_listed(READABLE_STATUSES))

    expected_url = questionnaire_url(questionnaire)
    canonical = data.get("questionnaire")
    if not isinstance(canonical, str) or not canonical:
        bad("questionnaire", "fhir_no_questionnaire", expected=expected_url)
        raise _refused(header, source)
    url, _, version_text = canonical.partition("|")
    named = _split_canonical(url, "Questionnaire")
    if named is None or named[2] != questionnaire.id:
        bad(
            "questionnaire",
            "fhir_other_questionnaire",
            given=canonical,
            questionnaire=questionnaire.id,
            expected=expected_url,
        )
        raise _refused(header, source)
    head, separator, _ = named
    version = version_text or None

    answered_on: dt.date | None = None
    authored = data.get("authored")
    if type(authored) is dt.date:  # written unquoted in YAML (a time stays text there)
        answered_on = authored
    elif authored is not None:
        answered_on = parse_date(str(authored)[:10])
        if answered_on is None:
            bad("authored", "fhir_authored", given=authored)

    reading = _Reading(
        questionnaire=questionnaire,
        source=source,
        fhir_version=fhir_version,
        system=f"{head}{separator if head else ''}CodeSystem{separator}{questionnaire.id}",
        set_aside=_set_aside(questionnaire, version),
        problems=header,
    )
    _modifiers(reading, data, "")
    _read_items(reading, data.get("item") or [])

    raw = {k: v for k, v in reading.raw.items() if v is not None}
    checked: Answers | None = None
    later: list[Problem] = []
    try:
        checked = validate_answers(
            {
                "questionnaire": questionnaire.id,
                "questionnaire_version": version,
                "answered_on": answered_on,
                "answers": raw,
            },
            questionnaire,
            source=source,
        )
    except AnswersError as exc:
        later = [p for p in (_relocated(reading, p) for p in exc.problems) if p is not None]
    problems = reading.problems + later
    if problems:
        raise _refused(problems, source)
    assert checked is not None
    if checked.notes:
        checked._notes = [_earlier_note(note) for note in checked.notes]
    return checked


def _refused(problems: list[Problem], source: str) -> AnswersError:
    # validate_answers may have capped its own list: its count joins the one made here.
    found = [p for p in problems if p.code != "more_problems"]
    total = len(found) + sum(_left_out(p) for p in problems)
    kept = found[:MAX_PROBLEMS]
    if total > len(kept):
        kept.append(more_problems(total - len(kept), source))
    head = f"{source}: " if source else ""
    return AnswersError(kept, summary=f"{head}{count(kept)} in the response")


def _left_out(found: Problem) -> int:
    left = dict(found.params).get("count") if found.code == "more_problems" else 0
    return left if isinstance(left, int) else 0


def _listed(options: tuple[str, ...]) -> str:
    return ", ".join(f"'{o}'" for o in options)


def _split_canonical(url: str, resource_type: str) -> tuple[str, str, str] | None:
    """(base, separator, id) of ``<base>/<type>/<id>`` or ``<urn>:<type>:<id>`` (or a relative
    ``<type>/<id>``), or None when ``url`` names no resource of that type."""
    for separator in (":", "/"):
        head, found, tail = url.rpartition(f"{separator}{resource_type}{separator}")
        if found and head and tail and separator not in tail:
            return head, separator, tail
    if url.startswith(f"{resource_type}/") and "/" not in url[len(resource_type) + 1 :]:
        return "", "/", url[len(resource_type) + 1 :]
    return None


def _set_aside(questionnaire: Questionnaire, version: str | None) -> frozenset[str]:
    """The linkIds of questions an earlier version asked that this one dropped or changed:
    their answers are set aside (as in an answers file), not reported as unknown."""
    if version == questionnaire.version:
        return frozenset()
    for earlier in questionnaire.earlier_versions:
        if earlier.version == version:
            return frozenset(earlier.set_aside)
    # No version, or one not known: validate_answers recognises the version by these answers.
    return frozenset(k for e in questionnaire.earlier_versions for k in e.set_aside)


# --------------------------------------------------------------------------- the base spec

_STANDARD_ERRORS = frozenset(get_args(ErrorType))


def _spec_version(data: Mapping[str, Any], source: str) -> FhirVersion:
    """The FHIR version whose base specification the response fits (R5 first, then R4B for
    R4), or AnswersError with the problems of the version it comes closest to."""
    from fhir.resources.questionnaireresponse import QuestionnaireResponse as R5
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as R4B

    try:
        R5.model_validate(data)
        return "R5"
    except ValidationError as exc:
        r5 = exc
    try:
        R4B.model_validate(data)
        return "R4"
    except ValidationError as exc:
        r4 = exc
    closest = r4 if r4.error_count() < r5.error_count() else r5
    raise _refused(_spec_problems(closest, source), source)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _one_line(text: str) -> str:
    """``text`` with control characters written as escapes: a problem stays on its line even
    when a key, a linkId or the model library's words (FHIR's string pattern) hold one."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _nulls(data: Any, source: str) -> list[Problem]:
    """Where the response holds a JSON null, which FHIR's JSON never has (the model library
    reads it as an element left out, which would make an answer silently absent)."""
    found: list[Problem] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, node = stack.pop()
        children = node.items() if isinstance(node, Mapping) else enumerate(node)
        inner: list[tuple[str, Any]] = []
        for key, value in children:
            if isinstance(key, int):
                where = f"{path}[{key}]"
            else:
                where = f"{path}.{key}" if path else str(key)
            if value is None:
                found.append(problem("fhir_null", _one_line(where), source=source))
            elif isinstance(value, (Mapping, list)):
                inner.append((where, value))
        stack.extend(reversed(inner))  # in the document's order
    return found


def _fhir_name(part: str | int) -> str | int:
    """A model field's name as FHIR JSON spells it."""
    if isinstance(part, int):
        return part
    if part.endswith("__ext"):
        return "_" + part[: -len("__ext")]
    return part


def _spec_problems(exc: ValidationError, source: str) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = [_fhir_name(p) for p in err["loc"]]
        kind = err["type"]
        given = err.get("input")
        if kind in ("missing", "model_field_validation.missing"):
            key = str(err.get("ctx", {}).get("field_name") or (loc.pop() if loc else "?"))
            if loc and loc[-1] == key:
                loc.pop()
            found = problem("missing_key", key=_one_line(key), source=source)
        elif kind == "extra_forbidden":
            key = str(loc.pop()) if loc else "?"
            found = problem("unknown_key", key=_one_line(key), source=source)
        elif kind in _TYPE_WORDS:
            found = problem("wrong_type", expected=_TYPE_WORDS[kind], given=given, source=source)
        elif kind in _STANDARD_ERRORS and kind != "value_error":
            # pydantic's own words say what was expected and never quote the input.
            reason = _one_line(err["msg"][0].lower() + err["msg"][1:])
            if given is not None and not isinstance(given, (dict, list)):
                found = problem("invalid", reason=reason, given=given, source=source)
            else:
                found = problem("invalid_shape", reason=reason, source=source)
        else:
            # The model library's own check: its words may quote the value given.
            reason = _one_line(str(err.get("ctx", {}).get("error") or err["msg"]))
            found = problem("fhir_invalid", given_reason=reason, source=source)
        problems.append(replace(found, location=_one_line(format_loc(loc))))
    return problems


# --------------------------------------------------------------------------- the items


def _modifiers(reading: _Reading, element: Mapping[str, Any], path: str) -> None:
    # A modifier extension changes the meaning of what it is on: one not understood here
    # could turn a "no" into something else, so the element cannot be read.
    if element.get("modifierExtension"):
        where = f"{path}.modifierExtension" if path else "modifierExtension"
        reading.bad(where, "fhir_modifier_extension")


def _duplicate(reading: _Reading, link: str, path: str) -> bool:
    first = reading.seen.get(link)
    if first is not None:
        reading.bad(f"{path}.linkId", "fhir_duplicate_item", key=link, first=first)
        return True
    reading.seen[link] = path
    return False


def _read_items(reading: _Reading, items: list[Any]) -> None:
    questionnaire = reading.questionnaire
    sections = {section_link_id(s): s for s in questionnaire.sections}
    for index, item in enumerate(items):
        path = f"item[{index}]"
        link = item.get("linkId")
        if not isinstance(link, str) or _duplicate(reading, link, path):
            continue
        _modifiers(reading, item, path)
        section = sections.get(link)
        if section is None:
            if link in reading.set_aside:
                reading.raw[link] = _SET_ASIDE
            elif link in questionnaire.by_id:
                group = section_link_id(questionnaire.section_of[link])
                reading.bad(f"{path}.linkId", "fhir_outside_group", key=link, group=group)
                reading.raw[link] = _BAD
            else:
                hint = nearest(link, [*sections, *questionnaire.by_id])
                reading.bad(f"{path}.linkId", "fhir_unknown_item", key=link, nearest=hint)
            continue
        if item.get("answer"):
            reading.bad(f"{path}.answer", "fhir_answer_on_group", key=link)
        for inner, child in enumerate(item.get("item") or []):
            _read_question(reading, section, child, f"{path}.item[{inner}]")


def _read_question(reading: _Reading, section: Section, item: Any, path: str) -> None:
    questionnaire = reading.questionnaire
    link = item.get("linkId")
    if not isinstance(link, str) or _duplicate(reading, link, path):
        return
    _modifiers(reading, item, path)
    q = questionnaire.by_id.get(link)
    if q is None:
        if link == intro_link_id(section):
            _display(reading, item, path, link)
        elif link in reading.set_aside:
            reading.raw[link] = _SET_ASIDE
        elif link in {section_link_id(s) for s in questionnaire.sections}:
            reading.bad(f"{path}.linkId", "fhir_group_in_group", key=link)
        else:
            hint = nearest(link, questionnaire.by_id)
            reading.bad(f"{path}.linkId", "fhir_unknown_item", key=link, nearest=hint)
        return
    home = questionnaire.section_of[q.id]
    if home is not section:
        where = f"{path}.linkId"
        reading.bad(where, "fhir_wrong_group", key=link, group=section_link_id(home))
        reading.raw[q.id] = _BAD
        return
    for inner, child in enumerate(item.get("item") or []):
        child_path = f"{path}.item[{inner}]"
        if child.get("linkId") == help_link_id(q):
            if not _duplicate(reading, help_link_id(q), child_path):
                _display(reading, child, child_path, help_link_id(q))
        else:
            reading.bad(f"{child_path}", "fhir_item_in_question", key=link)
            reading.raw[q.id] = _BAD
    if reading.raw.get(q.id) is _BAD:
        return
    reading.raw[q.id] = _read_answers(reading, q, item.get("answer") or [], path)


def _display(reading: _Reading, item: Mapping[str, Any], path: str, link: str) -> None:
    """A display item (help, a section's introduction): text, never an answer."""
    if item.get("answer"):
        reading.bad(f"{path}.answer", "fhir_answer_on_display", key=link)
    if item.get("item"):
        reading.bad(f"{path}.item", "fhir_answer_on_display", key=link)


def _read_answers(reading: _Reading, q: Question, answers: list[Any], path: str) -> Any:
    """The raw answer value of ``q`` (as an answers file would give it), None when
    unanswered, or _BAD when a problem was reported."""
    if not answers:
        return None
    values: list[Any] = []
    places: list[str] = []
    wrong = False
    for index, answer in enumerate(answers):
        where = f"{path}.answer[{index}]"
        _modifiers(reading, answer, where)
        if answer.get("item"):
            reading.bad(f"{where}.item", "fhir_item_in_answer", key=q.id)
            wrong = True
        value, place = _read_answer(reading, q, answer, where)
        if value is _BAD:
            wrong = True
        values.append(value)
        places.append(place)
    reading.places[q.id] = places
    reading.codes[q.id] = values
    if len(values) > 1 and not q.kind.multiple:
        reading.bad(f"{path}.answer[1]", "fhir_several_answers", key=q.id, found=len(values))
        wrong = True
    if wrong:
        return _BAD
    if q.kind.multiple and not (len(values) == 1 and values[0] in SPECIAL_OF_CODE.values()):
        return values
    return values[0]


def _read_answer(
    reading: _Reading, q: Question, answer: Mapping[str, Any], where: str
) -> tuple[Any, str]:
    """One answer's value and the path of its value element; (_BAD, path) when reported."""
    key = value_key(q)
    if "valueCoding" in answer:
        place = f"{where}.valueCoding"
        return _read_coding(reading, q, answer["valueCoding"], place), place
    if key in answer:
        place = f"{where}.{key}"
        value = answer[key]
        if not _fits(key, value):
            expected = _VALUE_WORDS[key]
            reading.bad(place, "wrong_type", expected=expected, given=value)
            return _BAD, place
        return value, place
    primitive = f"_{key}"
    if primitive in answer and key != "valueCoding":
        # R4's way to say "not sure" on a number or a date: the extension alone, no value.
        place = f"{where}.{primitive}"
        return _read_absent_reason(reading, q, answer[primitive], place), place
    found = [name for name in answer if name.startswith(("value", "_value"))]
    if found:
        place = f"{where}.{found[0]}"
        reading.bad(place, "fhir_wrong_value", found=found[0], expected=_accepted(reading, q))
    else:
        place = where
        reading.bad(place, "fhir_no_value", expected=_accepted(reading, q))
    return _BAD, place


_VALUE_WORDS = {
    "valueInteger": "a whole number",
    "valueDecimal": "a number",
    "valueDate": "a date (YYYY-MM-DD)",
    "valueString": "text",
}


def _fits(key: str, value: Any) -> bool:
    """Whether the JSON value has the type of its element: fhir.resources also takes the text
    "5" or true as an integer."""
    if key == "valueInteger":
        return type(value) is int
    if key == "valueDecimal":
        return type(value) in (int, float)
    if key == "valueDate" and type(value) is dt.date:  # written unquoted in YAML
        return True
    return isinstance(value, str)


def _accepted(reading: _Reading, q: Question) -> str:
    """The value elements an answer to ``q`` may have, in this FHIR version."""
    key = value_key(q)
    if key == "valueCoding" or not q.special_values or q.kind.free_text:
        return key
    if reading.fhir_version == "R5":
        return f"{key} (or valueCoding for a data-absent-reason)"
    return f"{key} (or _{key} with the data-absent-reason extension)"


def _read_coding(reading: _Reading, q: Question, coding: Mapping[str, Any], place: str) -> Any:
    system = coding.get("system")
    code = coding.get("code")
    choice = value_key(q) == "valueCoding"
    # R5's answerConstraint optionsOrType lets a number or a date say why it is absent; in
    # free text, "not sure" is only ever the words written.
    if system == DAR_SYSTEM and (choice or (reading.fhir_version == "R5" and not q.kind.free_text)):
        if code is None:
            reading.bad(place, "missing_key", key="code")
            return _BAD
        return _absent_reason(reading, q, code, f"{place}.code")
    if not choice:
        reading.bad(place, "fhir_wrong_value", found="valueCoding", expected=_accepted(reading, q))
        return _BAD
    if system != reading.system:
        reading.bad(f"{place}.system", "fhir_other_system", given=system, expected=reading.system)
        return _BAD
    if code is None:
        reading.bad(place, "missing_key", key="code")
        return _BAD
    if code not in q.choice_ids:
        hint = nearest(code, q.choice_ids)
        options = _listed(q.choice_ids)
        where = f"{place}.code"
        reading.bad(
            where, "fhir_not_option", key=q.id, given=code, suggestion=hint, expected=options
        )
        return _BAD
    return code


def _absent_reason(reading: _Reading, q: Question, code: Any, where: str) -> Any:
    """The non-answer a data-absent-reason code stands for, when ``q`` offers it."""
    special = SPECIAL_OF_CODE.get(code) if isinstance(code, str) else None
    if special is None or special not in q.special_values or q.kind.free_text:
        codes = [SPECIAL_CODES[v] for v in q.special_values if not q.kind.free_text]
        offered = f"expected {' or '.join(repr(c) for c in codes)}" if codes else "it offers none"
        reading.bad(where, "fhir_absent_reason", key=q.id, given=code, offered=offered)
        return _BAD
    return special


def _read_absent_reason(
    reading: _Reading, q: Question, element: Mapping[str, Any], place: str
) -> Any:
    reasons = [
        ext.get("valueCode")
        for ext in element.get("extension") or []
        if isinstance(ext, Mapping) and ext.get("url") == DAR_EXTENSION
    ]
    if not reasons:
        reading.bad(place, "fhir_no_value", expected=_accepted(reading, q))
        return _BAD
    return _absent_reason(reading, q, reasons[0], place)


# --------------------------------------------------------------------------- located problems


def _relocated(reading: _Reading, found: Problem) -> Problem | None:
    """A problem validate_answers found, at the FHIR path of the answer it is about; None
    for one about an answer already reported."""
    # Only answers are checked there: the header it was given is the response's, read here.
    qid = found.location.removeprefix("answers.")
    if reading.raw.get(qid) is _BAD:
        return None
    places = reading.places.get(qid)
    if not places:
        return found
    index = 0
    given = dict(found.params).get("given")
    values = reading.codes.get(qid, [])
    if isinstance(given, str) and given in values:
        # The answer it names; for a choice ticked twice, its second time.
        hits = [i for i, v in enumerate(values) if v == given]
        index = hits[1] if found.code == "chosen_twice" and len(hits) > 1 else hits[0]
    q = reading.questionnaire.by_id[qid]
    if q.kind.free_text or not q.special_values:
        return replace(found, location=places[index])
    # In the response's own terms: "not sure" is the data-absent-reason code there.
    params: dict[str, Any] = dict(found.params)
    if isinstance(params.get("expected"), str):
        codes = " or ".join(f"'{SPECIAL_CODES[v]}'" for v in q.special_values)
        fhir_words = f" (or the data-absent-reason {codes})"
        params["expected"] = params["expected"].replace(q.kind.or_specials(q), fhir_words)
    if params.get("given") in SPECIAL_CODES:
        params["given"] = SPECIAL_CODES[params["given"]]
    return problem(found.code, places[index], source=found.source, line=found.line, **params)


def _earlier_note(note: Problem) -> Problem:
    params: dict[str, Any] = dict(note.params)
    return problem("fhir_earlier_version", "questionnaire", source=note.source, **params)

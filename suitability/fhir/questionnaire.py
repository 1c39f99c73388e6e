"""The questionnaire as a FHIR ``Questionnaire`` (R5 by default, R4 on request), with the
Structured Data Capture (SDC) rules for when an item shows.

Every mapping decision, in one place (the closing note of issue 12 quotes this list):

Resource
  - ``url``: the canonical URL under the clinic's ``canonical_base`` (``questionnaire_url``);
    ``version``: the questionnaire's own; ``identifier``: its content hash
    (``CONTENT_HASH_SYSTEM``), so two files with the same version but other content differ.
  - ``id``: the questionnaire id with ``_`` written ``-`` (a FHIR id allows no ``_``; question
    and choice ids never hold ``-``, so nothing collides).
  - ``name``: the id in CamelCase (FHIR's computable-name convention); ``title``, ``language``;
    ``description``: the intro; ``status``: ``active``.
Items
  - A section is a ``group`` item, linkId ``section.<id>``, its title as text; its intro is the
    group's first child, a ``display`` item (linkId ``section.<id>.intro``).
  - A question is an item whose linkId is the question id and text its label; ``required`` as
    in the questionnaire (FHIR, like the product, asks it only while the item is enabled).
  - Types: single choice, yes/no and multiple choice -> ``coding`` (R5) / ``choice`` (R4) with
    one ``answerOption`` coding per choice in the questionnaire's one code system
    (``choices_system``; yes/no are the codes ``yes`` and ``no``); multiple choice also
    ``repeats: true``. integer and days -> ``integer``; decimal -> ``decimal``; date -> ``date``;
    text -> ``text`` with ``maxLength``.
  - An exclusive choice ("none of these") carries the standard ``optionExclusive`` extension; so
    do "not sure" and "prefer not to say" on a multiple-choice item (each is chosen alone).
  - Help text is a child ``display`` item (linkId ``<id>.help``) with itemControl ``help``.
  - Number bounds: the standard ``minValue``/``maxValue`` extensions (valueInteger for integer
    and days, valueDecimal for decimal). The unit: ``questionnaire-unit``, a UCUM coding for
    years, months, weeks and days, a display-only coding for any other unit.
  - A question's ``example`` (the typical answer shown when a typed one is refused): the
    standard ``entryFormat`` extension, as "for example 52".
  - Date bounds count days from the day of answering, so they are no fixed date: not carried
    (see below).
  - The ``safety`` mark: the project's own extension ``EXT_SAFETY`` (valueBoolean true) on the
    item; absent on other items.
Not sure / prefer not to say (the standard data-absent-reason codes ``asked-unknown`` and
``asked-declined``, never codes of our own)
  - On a choice item: extra ``answerOption`` codings in the data-absent-reason code system.
  - On an integer, decimal or date item, R5: ``answerConstraint: optionsOrType`` with those two
    codings as ``answerOption``; the answer is then either a value of the item's type or one of
    the codings (``valueCoding``).
  - The same in R4, which has no ``answerConstraint``: the item carries nothing; the response
    gives an answer with no value and the ``data-absent-reason`` extension on it
    (``"_valueInteger": {"extension": [{"url": DAR_EXTENSION, "valueCode": "asked-unknown"}]}``,
    ``_valueDecimal``, ``_valueDate`` alike).
Show-if
  - As ``enableWhen`` where it fits: a comparison on one question (``equals`` -> ``=``;
    ``one_of`` and ``any_of`` -> one ``=`` per value with ``enableBehavior: any``; ``lt``,
    ``lte``, ``gt``, ``gte`` -> ``<``, ``<=``, ``>``, ``>=``; ``answered`` -> ``exists``), or
    ``all`` of such comparisons that are one ``enableWhen`` each (``enableBehavior: all``), or
    ``any`` of such comparisons (``enableBehavior: any``). FHIR's rules then give exactly the
    product's answer: an unanswered question makes every comparison but ``exists`` false, and
    a "not sure" coding is no number, so ``lt`` on it is false. A bound that is not a whole
    number is rounded for an integer question the way that keeps the comparison's meaning
    (``lt 17.5`` -> ``< 18``).
  - Otherwise (``not``, nested ``all``/``any``, ``one_of`` inside ``all``, and in R4 a
    comparison with "not sure" on a number or date, which has no coding to compare) as the SDC
    ``enableWhenExpression``: a FHIRPath expression over ``%resource`` (the response) whose
    every comparison is ``exists()``/``empty()`` of the matching answers, so it is true or false,
    never empty, and ``not()`` turns it around as the product's ``not`` does.
What FHIR does not carry
  - ``earlier_versions`` (which questions an older version's answers set aside or lack): a
    response names the version it answers (``questionnaire`` is a versioned canonical), and the
    product reads older versions itself.
  - The ``locale`` that reads dates typed day or month first: FHIR dates are always ISO.
  - A choice's own help text (no standard place on an answerOption).
  - A free-text answer of blanks only: an answer to the product, none to FHIR (a FHIR string
    needs a character that is not a blank), so a show-if ``answered`` on a free-text question
    reads such an answer as missing. The shipped questionnaire has no show-if on free text.
  - The questionnaire's wording of a comparison with a number that has no whole-number form
    on an integer item is rounded (see Show-if): the meaning is kept, not the figure.
  - Date bounds (``min: 0``, ``max: 730`` days from the day of answering). SDC's way is a
    ``minValue``/``maxValue`` whose ``valueDate`` holds no date, only a ``cqf-calculatedValue``
    expression (``today() + 730 days``); the FHIR model library the tests validate with cannot
    hold an extension on an extension's value, so what is written could not be checked; the
    product checks these bounds itself when a response is read.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ._codes import (
    CONTENT_HASH_SYSTEM,
    DAR_EXTENSION,
    DEFAULT_BASE,
    EXT_ENABLE_WHEN_EXPRESSION,
    EXT_ENTRY_FORMAT,
    EXT_ITEM_CONTROL,
    EXT_MAX_VALUE,
    EXT_MIN_VALUE,
    EXT_OPTION_EXCLUSIVE,
    EXT_SAFETY,
    EXT_UNIT,
    FHIR_VERSIONS,
    FHIRPATH,
    ITEM_CONTROL_SYSTEM,
    SPECIAL_CODES,
    UCUM,
    UCUM_UNITS,
    FhirVersion,
    choice_coding,
    help_link_id,
    intro_link_id,
    item_type,
    questionnaire_url,
    section_link_id,
    special_coding,
    valid_base,
)

if TYPE_CHECKING:
    from ..questionnaire import Condition, Question, Questionnaire, Section

__all__ = ["enable_when", "questionnaire_resource"]

_CHOICE_TYPES = frozenset({"single_choice", "yes_no", "multiple_choice"})
#: Python's comparison operators as FHIR's enableWhen and FHIRPath write them.
_OPERATORS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
#: FHIRPath's name of each answer type, for ``ofType``.
_FHIRPATH_TYPES = {
    "integer": "integer",
    "days": "integer",
    "decimal": "decimal",
    "date": "date",
}
#: An absolute URI with no white space: what a canonical URL's base must be.


def questionnaire_resource(
    questionnaire: Questionnaire,
    *,
    fhir_version: FhirVersion = "R5",
    base: str = DEFAULT_BASE,
) -> dict[str, Any]:
    """The questionnaire as a FHIR ``Questionnaire``: a plain JSON-ready dict whose keys come
    in the same order every time (FHIR's element order), so the same questionnaire always
    prints the same text."""
    if fhir_version not in FHIR_VERSIONS:
        raise ValueError(f"FHIR version {fhir_version!r}: expected one of {FHIR_VERSIONS}")
    if not valid_base(base):
        raise ValueError(f"canonical base {base!r}: expected an absolute URI")
    mapper = _Mapper(questionnaire, fhir_version, base)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": questionnaire.id.replace("_", "-"),
        "language": questionnaire.language,
        "url": questionnaire_url(questionnaire, base),
        "identifier": [{"system": CONTENT_HASH_SYSTEM, "value": questionnaire.content_hash}],
        "version": questionnaire.version,
        "name": "".join(part.capitalize() for part in questionnaire.id.split("_")),
        "title": questionnaire.title,
        "status": "active",
    }
    if questionnaire.intro:
        resource["description"] = questionnaire.intro
    resource["item"] = [mapper.section(section) for section in questionnaire.sections]
    return resource


def enable_when(
    questionnaire: Questionnaire,
    condition: Condition,
    *,
    fhir_version: FhirVersion = "R5",
    base: str = DEFAULT_BASE,
) -> dict[str, Any]:
    """How ``condition`` is written on an item: ``{"enableWhen": [...]}`` with
    ``enableBehavior`` when there are several, or ``{"expression": "..."}`` (FHIRPath) when
    enableWhen cannot say it."""
    return _Mapper(questionnaire, fhir_version, base).condition(condition)


class _Mapper:
    def __init__(self, questionnaire: Questionnaire, version: FhirVersion, base: str) -> None:
        self.questionnaire = questionnaire
        self.version = version
        self.base = base

    # ---------------------------------------------------------------- items
    def section(self, section: Section) -> dict[str, Any]:
        children: list[dict[str, Any]] = []
        if section.intro:
            children.append(
                {"linkId": intro_link_id(section), "text": section.intro, "type": "display"}
            )
        children.extend(self.question(q) for q in section.questions)
        return {
            "linkId": section_link_id(section),
            "text": section.title,
            "type": "group",
            "item": children,
        }

    def question(self, q: Question) -> dict[str, Any]:
        extensions: list[dict[str, Any]] = []
        if q.safety:
            extensions.append({"url": EXT_SAFETY, "valueBoolean": True})
        if q.unit:
            extensions.append({"url": EXT_UNIT, "valueCoding": _unit(q.unit)})
        if q.example is not None:
            extensions.append({"url": EXT_ENTRY_FORMAT, "valueString": f"for example {q.example}"})
        extensions.extend(self.bounds(q))
        shown: dict[str, Any] = {}
        if q.show_if is not None:
            shown = self.condition(q.show_if)
            if "expression" in shown:
                extensions.append(
                    {
                        "url": EXT_ENABLE_WHEN_EXPRESSION,
                        "valueExpression": {
                            "language": FHIRPATH,
                            "expression": shown.pop("expression"),
                        },
                    }
                )
        item: dict[str, Any] = {}
        if extensions:
            item["extension"] = extensions
        item["linkId"] = q.id
        item["text"] = q.label
        item["type"] = item_type(q, self.version)
        item.update(shown)
        item["required"] = q.required
        if q.type == "multiple_choice":
            item["repeats"] = True
        if q.max_length is not None:
            item["maxLength"] = q.max_length
        options = self.options(q)
        if options:
            if q.type not in _CHOICE_TYPES:
                # R5 only (R4 gives no options here): a value of the item's type, or one of
                # the data-absent-reason codings.
                item["answerConstraint"] = "optionsOrType"
            item["answerOption"] = options
        if q.help:
            item["item"] = [_help_item(q)]
        return item

    def options(self, q: Question) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if q.type in _CHOICE_TYPES:
            for choice_id in q.choice_ids:
                option: dict[str, Any] = {}
                if choice_id == q.exclusive_choice:
                    option["extension"] = [_EXCLUSIVE]
                option["valueCoding"] = choice_coding(self.questionnaire, q, choice_id, self.base)
                out.append(option)
        elif self.version == "R4":
            return out
        for value in q.special_values:
            option = {}
            if q.type == "multiple_choice":
                option["extension"] = [_EXCLUSIVE]
            option["valueCoding"] = special_coding(value)
            out.append(option)
        return out

    def bounds(self, q: Question) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for url, bound in ((EXT_MIN_VALUE, q.min), (EXT_MAX_VALUE, q.max)):
            if bound is None:
                continue
            if q.type == "decimal":
                out.append({"url": url, "valueDecimal": bound})
            elif q.kind.numeric:
                out.append({"url": url, "valueInteger": int(bound)})
        return out

    # ---------------------------------------------------------------- show-if
    def condition(self, condition: Condition) -> dict[str, Any]:
        found = self.when(condition)
        if found is None:
            return {"expression": self.expression(condition)}
        entries, behavior = found
        out: dict[str, Any] = {"enableWhen": entries}
        if len(entries) > 1:
            out["enableBehavior"] = behavior
        return out

    def when(self, condition: Condition) -> tuple[list[dict[str, Any]], str] | None:
        """enableWhen entries and their behaviour, or None when enableWhen cannot say it."""
        if condition.question is not None:
            entries = self.comparison(condition)
            return None if entries is None else (entries, "any")
        if condition.all_:
            found = [self.comparison(c) for c in condition.all_]
            if all(e is not None and len(e) == 1 for e in found):
                return [e[0] for e in found if e is not None], "all"
        elif condition.any_:
            found = [self.comparison(c) for c in condition.any_]
            if all(e is not None for e in found):
                return [entry for e in found if e is not None for entry in e], "any"
        return None

    def comparison(self, c: Condition) -> list[dict[str, Any]] | None:
        """The enableWhen entries of one comparison (several for one_of and any_of, any of
        them enough), or None when it is not a comparison enableWhen can make."""
        if c.question is None:
            return None
        target = self.questionnaire.by_id[c.question]
        if c.answered is not None:
            return [{"question": target.id, "operator": "exists", "answerBoolean": c.answered}]
        if c.equals is not None:
            values: list[Any] = [c.equals]
        elif c.one_of is not None:
            values = list(c.one_of)
        elif c.any_of is not None:
            values = list(c.any_of)
        else:
            return self.ordered(c, target)
        entries = []
        for value in values:
            answer = self.answer_value(target, value)
            if answer is None:
                return None
            entries.append({"question": target.id, "operator": "=", **answer})
        return entries or None

    def answer_value(self, target: Question, value: Any) -> dict[str, Any] | None:
        """``{"answerX": ...}`` for an enableWhen comparing ``target``'s answer to ``value``."""
        if isinstance(value, str) and value in SPECIAL_CODES:
            if target.type in _CHOICE_TYPES or self.version == "R5":
                return {"answerCoding": special_coding(value)}
            return None  # R4: the answer holds no coding, only an extension
        if target.type in _CHOICE_TYPES:
            # FHIR compares codings by system and code; the display is for a human reader.
            return {
                "answerCoding": choice_coding(self.questionnaire, target, str(value), self.base)
            }
        if target.type in ("integer", "days"):
            return {"answerInteger": int(value)}
        if target.type == "decimal":
            return {"answerDecimal": value}
        if target.type == "date":
            return {"answerDate": value}
        return None

    def ordered(self, c: Condition, target: Question) -> list[dict[str, Any]] | None:
        for name, operator in _OPERATORS.items():
            bound = getattr(c, name)
            if bound is None:
                continue
            if target.type == "decimal":
                return [{"question": target.id, "operator": operator, "answerDecimal": bound}]
            if target.type in ("integer", "days"):
                whole = _whole_bound(name, bound, target)
                return [{"question": target.id, "operator": operator, "answerInteger": whole}]
        return None

    def expression(self, c: Condition) -> str:
        """``c`` as FHIRPath over ``%resource`` (the response): true or false, never empty."""
        if c.all_ is not None:
            return (
                "(" + " and ".join(self.expression(x) for x in c.all_) + ")" if c.all_ else "true"
            )
        if c.any_ is not None:
            return (
                "(" + " or ".join(self.expression(x) for x in c.any_) + ")" if c.any_ else "false"
            )
        if c.not_ is not None:
            return f"{self.expression(c.not_)}.not()"
        assert c.question is not None
        target = self.questionnaire.by_id[c.question]
        answers = f"%resource.repeat(item).where(linkId = {_string(target.id)}).answer"
        if c.answered is not None:
            return answers + (".exists()" if c.answered else ".empty()")
        if c.equals is not None:
            tests = [self.matches(target, c.equals)]
        elif c.one_of is not None:
            tests = [self.matches(target, v) for v in c.one_of]
        elif c.any_of is not None:
            tests = [self.matches(target, v) for v in c.any_of]
        else:
            tests = []
            for name, operator in _OPERATORS.items():
                bound = getattr(c, name)
                if bound is not None:
                    kind = _FHIRPATH_TYPES[target.type]
                    test = f"value.ofType({kind}).where($this {operator} {_number(bound)}).exists()"
                    tests.append((test, True))
        plain = [test for test, typed in tests if not typed]
        typed = [test for test, typed in tests if typed]
        parts = []
        if plain:
            parts.append(f"{answers}.where({' or '.join(plain)}).exists()")
        if typed:
            if self.version == "R4" and target.special_values:
                # An R4 answer that is "not sure" has no value, only the data-absent-reason
                # extension: it is left out before values are compared (some engines fail on
                # comparing a value that is not there, rather than finding it empty).
                answers += f".where(value.extension({_string(DAR_EXTENSION)}).empty())"
            parts.append(f"{answers}.where({' or '.join(typed)}).exists()")
        if not parts:
            return "false"
        return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"

    def matches(self, target: Question, value: Any) -> tuple[str, bool]:
        """A FHIRPath test on one answer (does it stand for ``value``?), and whether it
        compares the answer's value of the item's own type (not a coding nor its absence)."""
        if isinstance(value, str) and value in SPECIAL_CODES:
            code = _string(SPECIAL_CODES[value])
            if target.type in _CHOICE_TYPES or self.version == "R5":
                return _coding_test(special_coding(value)), False
            dar = _string(DAR_EXTENSION)
            return f"value.extension({dar}).where(value = {code}).exists()", False
        if target.type in _CHOICE_TYPES:
            coding = choice_coding(self.questionnaire, target, str(value), self.base)
            return _coding_test(coding), False
        kind = _FHIRPATH_TYPES[target.type]
        # The loader refuses comparing free text to a value: a date or a number is left.
        literal = f"@{value}" if target.type == "date" else _number(value)
        return f"value.ofType({kind}).where($this = {literal}).exists()", True


_EXCLUSIVE = {"url": EXT_OPTION_EXCLUSIVE, "valueBoolean": True}


def _help_item(q: Question) -> dict[str, Any]:
    control = {"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}
    return {
        "extension": [
            {
                "url": EXT_ITEM_CONTROL,
                "valueCodeableConcept": {"coding": [control], "text": "Help-Button"},
            }
        ],
        "linkId": help_link_id(q),
        "text": q.help,
        "type": "display",
    }


def _unit(unit: str) -> dict[str, Any]:
    known = UCUM_UNITS.get(unit)
    if known is None:
        return {"display": unit}
    return {"system": UCUM, "code": known[0], "display": known[1]}


def _coding_test(coding: dict[str, Any]) -> str:
    system, code = _string(coding["system"]), _string(coding["code"])
    return f"value.ofType(Coding).where(system = {system} and code = {code}).exists()"


def _whole_bound(name: str, bound: float, target: Question) -> int:
    """The whole number that makes ``answer <op> it`` mean ``answer <op> bound`` for whole
    answers, kept within one step of the question's range (FHIR integers are 32-bit)."""
    whole = math.ceil(bound) if name in ("lt", "gte") else math.floor(bound)
    assert target.min is not None and target.max is not None  # the loader requires them
    return max(int(target.min) - 1, min(int(target.max) + 1, whole))


def _number(value: float) -> str:
    """A FHIRPath number literal: plain digits (FHIRPath has no exponent), as Python prints the
    value (``0.1``, not the binary expansion)."""
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text[:-2] if text.endswith(".0") else text


def _string(text: str) -> str:
    """A FHIRPath string literal."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace("'", "\\'")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f"'{escaped}'"

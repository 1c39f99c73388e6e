"""The fixed points of the FHIR mapping, shared by every FHIR module: URLs of the standard
extensions and code systems used, the project's own ones, canonical URLs, linkIds, item types
and how one answer value becomes a FHIR coding.

Kept free of heavy imports (no FHIR model library): the command line and the answers reader
import it to tell a FHIR resource from an answers file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .._json import dumps as dumps_json
from .._json import dumps_compact
from .._values import NOT_SURE, PREFER_NOT_TO_SAY

if TYPE_CHECKING:
    from ..questionnaire import Question, Questionnaire, Section

FhirVersion = Literal["R4", "R5"]
FHIR_VERSIONS: tuple[FhirVersion, ...] = ("R4", "R5")
#: The FHIR release each version name stands for, as a CapabilityStatement would say it.
FHIR_RELEASE: dict[FhirVersion, str] = {"R4": "4.0.1", "R5": "5.0.0"}

#: The base of canonical URLs when the clinic's settings name none (the settings' default).
DEFAULT_BASE = "urn:suitability"

# ------------------------------------------------------------------ standard (HL7, SDC)
DAR_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
DAR_EXTENSION = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
#: "Not sure" and "prefer not to say" as the standard data-absent-reason codes.
SPECIAL_CODES = {NOT_SURE: "asked-unknown", PREFER_NOT_TO_SAY: "asked-declined"}
SPECIAL_DISPLAYS = {"asked-unknown": "Asked But Unknown", "asked-declined": "Asked But Declined"}
SPECIAL_OF_CODE = {code: value for value, code in SPECIAL_CODES.items()}

EXT_MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
EXT_MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
EXT_UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
EXT_ENTRY_FORMAT = "http://hl7.org/fhir/StructureDefinition/entryFormat"
EXT_ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
EXT_OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
EXT_CALCULATED_VALUE = "http://hl7.org/fhir/StructureDefinition/cqf-calculatedValue"
EXT_ENABLE_WHEN_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)
FHIRPATH = "text/fhirpath"
UCUM = "http://unitsofmeasure.org"
#: Units a questionnaire names, as UCUM codes; any other unit travels as display text only.
UCUM_UNITS = {
    "years": ("a", "years"),
    "months": ("mo", "months"),
    "weeks": ("wk", "weeks"),
    "days": ("d", "days"),
}

# ------------------------------------------------------------------ the project's own
#: The namespace of this project's own extensions and code systems. They describe the
#: product, not a clinic, so they do not move with the clinic's canonical base.
PROJECT = "urn:suitability:fhir"
#: On a Questionnaire item: an answer here can rule a treatment out (valueBoolean true).
EXT_SAFETY = f"{PROJECT}:StructureDefinition:safety-question"
#: The treatments a prediction is about (codes: the treatment ids).
TREATMENT_SYSTEM = f"{PROJECT}:CodeSystem:treatment"
#: The screening verdicts (codes: worth_discussing, ...), never a diagnosis.
VERDICT_SYSTEM = f"{PROJECT}:CodeSystem:verdict"
#: How well a treatment fits the person's plans (codes: fits, ...): apart from the verdict.
FIT_SYSTEM = f"{PROJECT}:CodeSystem:plan-fit"
#: The rule set that made an assessment (code: its id; Coding.version: its version).
RULESET_SYSTEM = f"{PROJECT}:CodeSystem:rule-set"
#: On a Questionnaire: its content hash (Identifier.system).
CONTENT_HASH_SYSTEM = f"{PROJECT}:NamingSystem:content-hash"


_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def valid_base(base: str) -> bool:
    """Whether ``base`` can start a canonical URL: an absolute URI with no white space."""
    return _ABSOLUTE_URI.fullmatch(base) is not None


def canonical(base: str, resource_type: str, resource_id: str) -> str:
    """A canonical URL under ``base``: ``https://clinic.example/fhir/Questionnaire/x``, or with
    colons under a URN base (``urn:suitability:Questionnaire:x``)."""
    if base.startswith("urn:"):
        return f"{base.rstrip(':')}:{resource_type}:{resource_id}"
    return f"{base.rstrip('/')}/{resource_type}/{resource_id}"


def questionnaire_url(questionnaire: Questionnaire, base: str = DEFAULT_BASE) -> str:
    return canonical(base, "Questionnaire", questionnaire.id)


def choices_system(questionnaire: Questionnaire, base: str = DEFAULT_BASE) -> str:
    """The questionnaire's code system: its codes are the choice ids (yes/no included)."""
    return canonical(base, "CodeSystem", questionnaire.id)


def section_link_id(section: Section) -> str:
    # Not the bare section id: a section and its question may share an id ("goals").
    return f"section.{section.id}"


def intro_link_id(section: Section) -> str:
    return f"section.{section.id}.intro"


def help_link_id(question: Question) -> str:
    return f"{question.id}.help"


#: The FHIR item type of each question type, by FHIR version.
_ITEM_TYPES: dict[str, tuple[str, str]] = {  # type -> (R4, R5)
    "single_choice": ("choice", "coding"),
    "yes_no": ("choice", "coding"),
    "multiple_choice": ("choice", "coding"),
    "integer": ("integer", "integer"),
    "days": ("integer", "integer"),
    "decimal": ("decimal", "decimal"),
    "date": ("date", "date"),
    "text": ("text", "text"),
}
#: The answer's value[x] element of each question type.
_VALUE_KEYS = {
    "single_choice": "valueCoding",
    "yes_no": "valueCoding",
    "multiple_choice": "valueCoding",
    "integer": "valueInteger",
    "days": "valueInteger",
    "decimal": "valueDecimal",
    "date": "valueDate",
    "text": "valueString",
}


def item_type(question: Question, fhir_version: FhirVersion) -> str:
    r4, r5 = _ITEM_TYPES[question.type]
    return r5 if fhir_version == "R5" else r4


def value_key(question: Question) -> str:
    """``valueCoding``, ``valueInteger``, ``valueDecimal``, ``valueDate`` or ``valueString``."""
    return _VALUE_KEYS[question.type]


def special_coding(value: str) -> dict[str, Any]:
    """The data-absent-reason coding of ``not_sure`` or ``prefer_not_to_say``."""
    code = SPECIAL_CODES[value]
    return {"system": DAR_SYSTEM, "code": code, "display": SPECIAL_DISPLAYS[code]}


def choice_coding(
    questionnaire: Questionnaire, question: Question, value: str, base: str = DEFAULT_BASE
) -> dict[str, Any]:
    """The coding of one choice of ``question`` (or of a non-answer), with its label."""
    if value in SPECIAL_CODES:
        return special_coding(value)
    return {
        "system": choices_system(questionnaire, base),
        "code": value,
        "display": question.choice_label(value),
    }


@dataclass(frozen=True)
class Subject:
    """Who a screening is about, as little as the person gave: a name, a booking reference, or
    neither (the Patient then holds only an id)."""

    name: str | None = None
    reference: str | None = None


def is_fhir_resource(data: Any) -> bool:
    """Whether parsed JSON is meant as a FHIR resource (it names a ``resourceType``)."""
    return isinstance(data, Mapping) and "resourceType" in data


def dumps(resource: Mapping[str, Any], *, compact: bool = False) -> str:
    """A resource as the product writes it: indented JSON and a newline, or one line (NDJSON)
    without the newline; UTF-8 text as is."""
    if compact:
        return dumps_compact(resource)
    return dumps_json(resource) + "\n"

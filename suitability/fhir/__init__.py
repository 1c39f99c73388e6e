"""FHIR in and out: the questionnaire as a FHIR ``Questionnaire`` (with SDC's rules for when
an item shows), a ``QuestionnaireResponse`` read as answers and written from them, and the
assessment as a ``Bundle`` holding a ``RiskAssessment``. R5 by default, R4 on request.

Names load lazily, so that importing this package costs nothing until one is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._codes import (
        DEFAULT_BASE,
        FHIR_VERSIONS,
        FhirVersion,
        Subject,
        dumps,
        is_fhir_resource,
    )
    from .bundle import assessment_bundle
    from .questionnaire import questionnaire_resource
    from .response import answers_from_response, response_from_answers

__all__ = [
    "DEFAULT_BASE",
    "FHIR_VERSIONS",
    "FhirVersion",
    "Subject",
    "answers_from_response",
    "assessment_bundle",
    "dumps",
    "is_fhir_resource",
    "questionnaire_resource",
    "response_from_answers",
]

_WHERE = {
    "DEFAULT_BASE": "_codes",
    "FHIR_VERSIONS": "_codes",
    "FhirVersion": "_codes",
    "Subject": "_codes",
    "dumps": "_codes",
    "is_fhir_resource": "_codes",
    "questionnaire_resource": "questionnaire",
    "answers_from_response": "response",
    "response_from_answers": "response",
    "assessment_bundle": "bundle",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value

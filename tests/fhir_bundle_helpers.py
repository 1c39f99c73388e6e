"""Helpers for the FHIR Bundle tests: validation by fhir.resources and finding entries."""

from __future__ import annotations

from typing import Any

import fhir.resources as r5
import fhir.resources.R4B as r4b

from suitability.fhir._codes import FhirVersion


def validate(bundle: dict[str, Any], version: FhirVersion = "R5") -> None:
    """Validates the Bundle, and each entry's resource with its own model, with fhir.resources
    (R4B standing in for R4); our own checks cover the code values it does not check."""
    models = r5 if version == "R5" else r4b
    models.get_fhir_model_class("Bundle").model_validate(bundle)
    for item in bundle["entry"]:
        resource = item["resource"]
        models.get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert bundle["type"] == "collection"
    assert risk_of(bundle)["status"] == "final"
    assert response_of(bundle)["status"] in ("completed", "in-progress")


def entry(bundle: dict[str, Any], resource_type: str) -> dict[str, Any]:
    (found,) = [e for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type]
    return found


def risk_of(bundle: dict[str, Any]) -> dict[str, Any]:
    return entry(bundle, "RiskAssessment")["resource"]


def response_of(bundle: dict[str, Any]) -> dict[str, Any]:
    return entry(bundle, "QuestionnaireResponse")["resource"]


def patient_of(bundle: dict[str, Any]) -> dict[str, Any]:
    return entry(bundle, "Patient")["resource"]


def extension(element: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [e for e in element.get("extension", []) if e["url"] == url]


def part(ext: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [e for e in ext["extension"] if e["url"] == url]

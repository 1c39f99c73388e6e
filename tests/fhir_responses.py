"""A QuestionnaireResponse built from answers, for the agreement tests: written here from the
mapping's stated rules (not by the product's reader or writer), so that what the show-ifs are
checked against does not lean on the code under test."""

from __future__ import annotations

from typing import Any

from suitability import Question, Questionnaire
from suitability.fhir._codes import (
    DAR_EXTENSION,
    SPECIAL_CODES,
    FhirVersion,
    choice_coding,
    questionnaire_url,
    section_link_id,
    special_coding,
    value_key,
)


def _answer(q: Question, questionnaire: Questionnaire, value: Any, version: FhirVersion) -> Any:
    choice = q.type in ("yes_no", "single_choice", "multiple_choice")
    if isinstance(value, str) and value in SPECIAL_CODES:
        if choice or version == "R5":
            return {"valueCoding": special_coding(value)}
        # R4: no value, only the reason it is absent, on the value's primitive element.
        reason = {"url": DAR_EXTENSION, "valueCode": SPECIAL_CODES[value]}
        return {f"_{value_key(q)}": {"extension": [reason]}}
    if choice:
        return {"valueCoding": choice_coding(questionnaire, q, value)}
    return {value_key(q): value}


def response_for(
    questionnaire: Questionnaire, values: dict[str, Any], version: FhirVersion
) -> dict[str, Any]:
    groups = []
    for section in questionnaire.sections:
        items = []
        for q in section.questions:
            if q.id not in values:
                continue
            given = values[q.id]
            many = given if isinstance(given, list) else [given]
            items.append(
                {
                    "linkId": q.id,
                    "answer": [_answer(q, questionnaire, v, version) for v in many],
                }
            )
        if items:
            groups.append({"linkId": section_link_id(section), "item": items})
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire_url(questionnaire)}|{questionnaire.version}",
        "status": "completed",
        "item": groups,
    }

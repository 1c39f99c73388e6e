"""The FHIR modules' problem messages, by code: (technical, private[, plain]) wordings, with
the same rules as :mod:`suitability._messages` (which adds them to its catalogue): only
``technical`` may quote a value given (``{given:show}``), ``private`` never does.

Each FHIR module keeps its own table below, so that they grow apart.
"""

from __future__ import annotations

Words = tuple[str, str] | tuple[str, str, str]

# ------------------------------------------------------------------ the questionnaire out
QUESTIONNAIRE: dict[str, Words] = {}


# ------------------------------------------------------------------ a response in
RESPONSE: dict[str, Words] = {
    "fhir_not_response": (
        "expected a QuestionnaireResponse, got resourceType {given:show}",
        "expected resourceType 'QuestionnaireResponse'",
    ),
    "fhir_invalid": ("{given_reason}", "not valid FHIR here"),
    "fhir_null": (
        "null is not a value in FHIR JSON: leave the element out",
        "null is not a value in FHIR JSON: leave the element out",
    ),
    "fhir_entered_in_error": (
        "this response is marked entered-in-error (recorded by mistake): it is not read",
        "this response is marked entered-in-error (recorded by mistake): it is not read",
    ),
    "fhir_status": ("expected one of {expected}, got {given:show}", "expected one of {expected}"),
    "fhir_no_questionnaire": (
        "the response must name its questionnaire, such as '{expected}|<version>'",
        "the response must name its questionnaire, such as '{expected}|<version>'",
    ),
    "fhir_other_questionnaire": (
        "this response is for {given:show}, not questionnaire '{questionnaire}' ({expected})",
        "this response is for another questionnaire, not '{questionnaire}' ({expected})",
    ),
    "fhir_authored": (
        "expected a date with its day (YYYY-MM-DD, or a dateTime starting so), got {given:show}",
        "expected a date with its day (YYYY-MM-DD, or a dateTime starting so)",
    ),
    "fhir_earlier_version": (
        "a response to version {version} of the questionnaire, this is version {current}: "
        "{new_count} new questions are unanswered ({new}); answers to removed or changed "
        "questions were set aside: {set_aside}",
        "a response to version {version} of the questionnaire, this is version {current}: "
        "{new_count} new questions are unanswered ({new}); answers to removed or changed "
        "questions were set aside: {set_aside}",
    ),
    "fhir_modifier_extension": (
        "a modifierExtension changes the meaning of what it is on, and none is understood here",
        "a modifierExtension changes the meaning of what it is on, and none is understood here",
    ),
    "fhir_duplicate_item": (
        "linkId '{key}' is given twice (first at {first})",
        "linkId '{key}' is given twice (first at {first})",
    ),
    "fhir_unknown_item": (
        "unknown linkId '{key}'{nearest:hint}",
        "unknown linkId '{key}'{nearest:hint}",
    ),
    "fhir_outside_group": (
        "'{key}' is a question: it belongs inside the group '{group}'",
        "'{key}' is a question: it belongs inside the group '{group}'",
    ),
    "fhir_wrong_group": (
        "'{key}' belongs in the group '{group}'",
        "'{key}' belongs in the group '{group}'",
    ),
    "fhir_answer_on_group": (
        "'{key}' is a group: it holds items, never an answer",
        "'{key}' is a group: it holds items, never an answer",
    ),
    "fhir_answer_on_display": (
        "'{key}' is display text: it holds no answer and no items",
        "'{key}' is display text: it holds no answer and no items",
    ),
    "fhir_item_in_question": (
        "'{key}' is a question: the only item it may hold is its help text",
        "'{key}' is a question: the only item it may hold is its help text",
    ),
    "fhir_item_in_answer": (
        "no question of '{key}' has items under its answers",
        "no question of '{key}' has items under its answers",
    ),
    "fhir_several_answers": (
        "'{key}' takes one answer, got {found}",
        "'{key}' takes one answer, got {found}",
    ),
    "fhir_wrong_value": (
        "expected {expected}, got {found}",
        "expected {expected}, got {found}",
    ),
    "fhir_no_value": ("an answer needs a value: {expected}", "an answer needs a value: {expected}"),
    "fhir_other_system": (
        "expected a coding of {expected}, got system {given:show}",
        "expected a coding of {expected}, not of another system",
    ),
    "fhir_not_option": (
        "{given:show} is not an answer option of '{key}'{suggestion:hint}; expected {expected}",
        "this code is not an answer option of '{key}'; expected {expected}",
    ),
    "fhir_absent_reason": (
        "the data-absent-reason {given:show} is not offered for '{key}'; {offered}",
        "this data-absent-reason is not offered for '{key}'; {offered}",
    ),
    "fhir_group_in_group": (
        "'{key}' is a section's group: it belongs at the top level",
        "'{key}' is a section's group: it belongs at the top level",
    ),
}


# ------------------------------------------------------------------ the assessment out
BUNDLE: dict[str, Words] = {
    # A batch record's id becomes the Bundle's identifier, which FHIR wants non-blank.
    "record_id_blank": (
        "a blank id cannot identify a FHIR Bundle; give the record an id, or none "
        "(its line number is then used)",
        "a blank id cannot identify a FHIR Bundle; give the record an id, or none "
        "(its line number is then used)",
    ),
}


MESSAGES: dict[str, Words] = {**QUESTIONNAIRE, **RESPONSE, **BUNDLE}

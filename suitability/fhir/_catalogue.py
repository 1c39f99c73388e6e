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
RESPONSE: dict[str, Words] = {}


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

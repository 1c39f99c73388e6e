"""The FHIR modules' problem messages, by code: (technical, private[, plain]) wordings, with
the same rules as :mod:`suitability._messages` (which adds them to its catalogue): only
``technical`` may quote a value given (``{given:show}``), ``private`` never does.

Each FHIR module keeps its own table below, so that they grow apart.
"""

from __future__ import annotations

Words = tuple[str, str] | tuple[str, str, str]

# ------------------------------------------------------------------ the questionnaire out
QUESTIONNAIRE: dict[str, Words] = {
    "fhir_bad_base": (
        "expected an absolute URI with no spaces, such as https://clinic.example/fhir or "
        "urn:clinic, got {given:show}",
        "expected an absolute URI with no spaces, such as https://clinic.example/fhir or "
        "urn:clinic",
    ),
}


# ------------------------------------------------------------------ a response in
RESPONSE: dict[str, Words] = {}


# ------------------------------------------------------------------ the assessment out
BUNDLE: dict[str, Words] = {}


MESSAGES: dict[str, Words] = {**QUESTIONNAIRE, **RESPONSE, **BUNDLE}

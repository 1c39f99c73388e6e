"""The one catalogue of problem messages, and the factory that makes a located problem from it.

A problem carries a code, a location and its parameters, never finished prose alone; how it is
worded is decided when it is shown. Three renderings exist for each code:

- ``technical``: for the person who gave the input and is looking at it (the terminal output of
  ``validate`` or ``assess`` on a file they named); it may quote the value given;
- ``private``: for anything the product writes (an errors file, an HTTP error body, a log); it
  never holds a value the person gave, nor a hint that would reveal one ("did you mean ...");
- ``plain``: the patient's wording beside a prompt or a form field.

Parameters whose names start with ``given`` (``given``, ``given_key``...) or equal ``suggestion``
are values the person typed; only ``technical`` and ``plain`` may use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Problem

__all__ = ["CATALOGUE", "Template", "problem", "render"]


@dataclass(frozen=True)
class Template:
    technical: str
    private: str
    plain: str = ""


CATALOGUE: dict[str, Template] = {}

# ------------------------------------------------ the rule set against a questionnaire, and the
# rules engine. Every value here comes from the questionnaire, the rule catalogue or the program,
# never from a person's answers, except the text of an engine error, which may quote the answers
# fact: it is only in ``technical``.
CATALOGUE.update(
    {
        "rules_unknown_question": Template(
            "{owner} reads question '{question}', which is missing{hint}",
            "{owner} reads question '{question}', which is missing{hint}",
        ),
        "rules_unknown_choice": Template(
            "{owner} reads choice '{choice}' of '{question}', which is missing{hint}",
            "{owner} reads choice '{choice}' of '{question}', which is missing{hint}",
        ),
        "rules_wrong_type": Template(
            "{owner} tests '{question}' for {wants}, but it is a {type} question, so the rule "
            "could never apply",
            "{owner} tests '{question}' for {wants}, but it is a {type} question, so the rule "
            "could never apply",
        ),
        "rules_reads_text": Template(
            "{owner} reads '{question}', free text that rules never read",
            "{owner} reads '{question}', free text that rules never read",
        ),
        "rules_not_safety": Template(
            "{owner} rests on '{question}', which is not marked safety: an unknown answer to it "
            "would go unnoticed (add `safety: true`)",
            "{owner} rests on '{question}', which is not marked safety: an unknown answer to it "
            "would go unnoticed (add `safety: true`)",
        ),
        "rules_unread_derivation": Template(
            "derivation '{derivation}' asserts '{fact}', which no rule reads",
            "derivation '{derivation}' asserts '{fact}', which no rule reads",
        ),
        "rules_action_failed": Template(
            "a rule failed during the assessment: {owner}: {error_type}: {error}",
            "a rule failed during the assessment: {owner}: {error_type}",
            "This screening could not be completed. Please tell the practitioner.",
        ),
        "rules_engine_failed": Template(
            "the rules engine failed: {error}",
            "the rules engine failed",
            "This screening could not be completed. Please tell the practitioner.",
        ),
        "rules_engine_rejected": Template(
            "the rules engine rejected a fact: {error}",
            "the rules engine rejected a fact",
            "This screening could not be completed. Please tell the practitioner.",
        ),
        "rules_engine_cleanup": Template(
            "the rules engine could not clear session {session}: {error}",
            "the rules engine could not clear session {session}",
            "This screening could not be completed. Please tell the practitioner.",
        ),
    }
)


def _fill(template: str, params: Mapping[str, Any]) -> str:
    return template.format_map(dict(params))


def render(
    code: str, params: Mapping[str, Any], *, values: bool = True, plain: bool = False
) -> str:
    """The message for ``code`` with ``params``: technical (with values), private, or plain."""
    entry = CATALOGUE[code]
    if plain and entry.plain:
        return _fill(entry.plain, params)
    return _fill(entry.technical if values else entry.private, params)


def problem(
    code: str,
    location: str = "",
    *,
    source: str = "",
    line: int | None = None,
    **params: Any,
) -> Problem:
    """A located problem from the catalogue entry ``code`` and its parameters."""
    return Problem(
        location,
        render(code, params),
        code,
        source,
        line,
        params=tuple(sorted(params.items())),
    )

"""The one catalogue of problem messages, and the factory that makes a located problem from it.

A problem carries a code, a location and its parameters, never finished prose alone; how it is
worded is decided when it is shown. Three renderings exist for each code:

- ``technical``: for the person who gave the input and is looking at it (the terminal output of
  ``validate`` or ``assess`` on a file they named); it may quote the value given;
- ``private``: for anything the product writes (an errors file, an HTTP error body, a log); it
  never holds a value the person gave, nor a hint that would reveal one ("did you mean ...");
- ``plain``: the patient's wording beside a prompt or a form field; empty for problems a patient
  never meets (a questionnaire's, a file's shape), which fall back to ``private``.

Parameters whose names start with ``given`` (``given``, ``given_length``...) or equal
``suggestion`` are values the person gave, or derived from one; only ``technical`` and ``plain``
may use them. A key is not such a value: it is the location, shown in every rendering, so the
nearest known key (``nearest``) may be suggested anywhere.

Two format specs beyond Python's own: ``{given:show}`` quotes a value briefly and safely, and
``{suggestion:hint}`` is `` (did you mean 'x'?)``, or nothing when there is no suggestion.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Problem

__all__ = ["CATALOGUE", "Template", "problem", "render", "show_value"]


@dataclass(frozen=True)
class Template:
    technical: str
    private: str
    plain: str = ""


def _same(text: str) -> Template:
    """A message that quotes nothing the person gave, so it reads the same everywhere."""
    return Template(text, text)


_WRONG = "expected {expected}, got {given:show}{suggestion:hint}"
_PLAIN_OR = "{plain_or}"  # ", or 'not sure' or 'prefer not to say'" where those are offered

CATALOGUE: dict[str, Template] = {
    # ------------------------------------------------------------------ one answer's value
    # Met by a patient at a prompt or in a form field: each has a plain wording.
    "expected_yes_no": Template(
        _WRONG, "expected {expected}", "Please answer yes or no" + _PLAIN_OR + "."
    ),
    "expected_choice": Template(
        _WRONG,
        "expected {expected}",
        "Please choose one of the options offered" + _PLAIN_OR + ".",
    ),
    "expected_choices": Template(
        _WRONG,
        "expected {expected}",
        "Please choose one or more of the options offered" + _PLAIN_OR + ".",
    ),
    "not_a_list": Template(
        "expected {expected}, got {given:show} (a list, even for one choice)",
        "expected {expected} (a list, even for one choice)",
        "Please choose one or more of the options offered" + _PLAIN_OR + ".",
    ),
    "expected_number": Template(
        _WRONG,
        "expected {expected}",
        "Please type {number_kind} from {min:g} to {max:g}{plain_unit}{plain_example}"
        + _PLAIN_OR
        + ".",
    ),
    "expected_date": Template(
        _WRONG,
        "expected {expected}",
        "Please type a date as YYYY-MM-DD, for example 2027-03-14" + _PLAIN_OR + ".",
    ),
    "no_such_date": Template(
        _WRONG,
        "expected {expected}",
        "{given} is not a date that exists: check the day and the month.",
    ),
    "expected_text": Template(_WRONG, "expected {expected}", "Please type your answer as text."),
    "too_long": Template(
        "expected at most {limit} characters, got {given_length}",
        "expected at most {limit} characters",
        "Please shorten your answer to at most {limit} characters.",
    ),
    "date_too_early": Template(
        "expected a date on or after {earliest}, got {given:show}",
        "expected a date on or after {earliest}",
        "Please type a date on or after {earliest}.",
    ),
    "date_too_late": Template(
        "expected a date on or before {latest}, got {given:show}",
        "expected a date on or before {latest}",
        "Please type a date on or before {latest}.",
    ),
    "not_offered": Template(
        "'{given}' is not offered here; expected {expected}",
        "this answer is not offered here; expected {expected}",
        "That answer is not offered for this question.",
    ),
    "not_a_choice": Template(
        "{given:show} is not a choice here{suggestion:hint}; expected {expected}",
        "a value is not a choice here; expected {expected}",
        "Please choose only from the options offered.",
    ),
    "alone_in_list": Template(
        "'{given}' is an answer on its own: give it alone, not in a list",
        "'not_sure' and 'prefer_not_to_say' are answers on their own: give them alone, "
        "not in a list",
        "'Not sure' and 'Prefer not to say' are answers on their own: choose them alone.",
    ),
    "chosen_twice": Template(
        "'{given}' is chosen twice",
        "a choice is chosen twice",
        "Please choose each option only once.",
    ),
    "exclusive_combined": Template(
        "'{exclusive}' ({label}) cannot be combined with other choices",
        "'{exclusive}' ({label}) cannot be combined with other choices",
        "'{label}' cannot be combined with other options.",
    ),
    "earlier_new_unknown": _same("'{key}' is not a question of this version{nearest:hint}"),
    "earlier_set_aside_current": _same(
        "'{key}' is still a question of this version: only removed or changed questions "
        "are set aside"
    ),
    "missing_answer": Template(
        "missing required answer; expected {expected}",
        "missing required answer; expected {expected}",
        "This question needs an answer.",
    ),
    "not_asked": Template(
        "answered, but this question is not asked given the earlier answers ({condition})",
        "answered, but this question is not asked given the earlier answers ({condition})",
        "This question is not asked, given your earlier answers.",
    ),
    # ------------------------------------------------------------------ an answers file or record
    "unknown_question": _same("unknown question '{key}'{nearest:hint}"),
    "earlier_version": _same(
        "answers file for questionnaire {version}, this is {current}: {new_count} new "
        "questions are unanswered ({new}); answers to removed or changed questions were set "
        "aside: {set_aside}"
    ),
    "unknown_key": _same("unknown key '{key}'{nearest:hint}"),
    "missing_key": _same("missing required key '{key}'"),
    "wrong_type": Template("expected {expected}, got {given:show}", "expected {expected}"),
    "invalid": Template("{reason}, got {given:show}", "{reason}"),
    "invalid_shape": _same("{reason}"),
    "invalid_value": Template("{given_reason}", "not a valid value here"),
    "wrong_questionnaire": Template(
        "these answers are for '{given}', not '{questionnaire}'",
        "these answers are for another questionnaire, not '{questionnaire}'",
    ),
    "not_answers_file": _same("an answers file is a mapping with an 'answers' mapping inside"),
    "json_syntax": _same("malformed JSON: {reason}"),
    "json_syntax_at": _same("malformed JSON at column {column}: {reason}"),
    "yaml_syntax": _same("malformed YAML: {reason}"),
    "yaml_character": _same("malformed YAML: the character {character} is not allowed"),
    "too_deep": _same("nested too deeply (more than {limit} levels)"),
    "unreadable": _same("cannot read the file: {reason}"),
    "csv_header": _same("unreadable CSV header: {reason}"),
    "csv_malformed": _same("malformed CSV: {reason}"),
    "csv_width": _same("expected {width} columns as in the header, found {found}"),
    "record_not_object": _same('expected an object such as {{"id": "...", "answers": {{...}}}}'),
    "record_unknown_key": _same("unknown key '{key}'; expected id, answers, answered_on"),
    "record_answers_not_object": _same("'answers' must be an object of question id to value"),
    "internal_error": Template("internal error: {kind}: {given_detail}", "internal error: {kind}"),
    "assessment_failed": Template(
        "the assessment failed: {given_detail}", "the assessment failed ({kind})"
    ),
    # ------------------------------------------------------------------ a questionnaire
    "questionnaire_not_mapping": _same("a questionnaire must be a mapping of keys to values"),
    "missing_questionnaire": _same(
        "the shipped questionnaire (facial.yaml) is missing from the installation"
    ),
    "yes_no_as_bool": Template(
        'expected text or a number, got {given} (for a yes/no answer, write "{word}" in quotes)',
        'expected text or a number (for a yes/no answer, write "yes" or "no" in quotes)',
    ),
    "duplicate_section_id": Template(
        "duplicate section id '{given}' (first used at {first})",
        "duplicate section id (first used at {first})",
    ),
    "duplicate_question_id": Template(
        "duplicate question id '{given}' (first used at {first})",
        "duplicate question id (first used at {first})",
    ),
    "duplicate_choice": Template(
        "duplicate choice '{given}' (also choices[{other}])",
        "duplicate choice (also choices[{other}])",
    ),
    "duplicate_choice_label": Template(
        "duplicate choice label {given:show} (also choices[{other}])",
        "duplicate choice label (also choices[{other}])",
    ),
    "reserved_choice": Template(
        "'{given}' is reserved: set `{given}: true` on the question instead",
        "'not_sure' and 'prefer_not_to_say' are reserved: set `not_sure: true` or "
        "`prefer_not_to_say: true` on the question instead",
    ),
    "empty_choices": _same("'{kind}' questions need at least one choice"),
    "exclusive_single": _same("only multiple choice questions have an exclusive choice"),
    "exclusive_twice": _same("a question has at most one exclusive ('none of these') choice"),
    "unexpected_choices": _same("'{kind}' questions take no choices"),
    "missing_bounds": _same("'{kind}' questions need both 'min' and 'max'"),
    "min_over_max": _same("min ({min:g}) is greater than max ({max:g})"),
    "whole_bound": _same("'{kind}' questions need a whole-number {name}"),
    "negative_days": _same("a number of days cannot be negative"),
    "date_bound_days": _same("a date's {name} is a whole number of days"),
    "unexpected_key": _same("'{kind}' questions take no '{name}'"),
    "max_length_not_text": _same("only text questions take 'max_length'"),
    "text_safety": _same("free text is never read by rules, so it cannot be a safety question"),
    "safety_needs_special": _same("a safety question must offer '{label}'"),
    "condition_both": _same("use either 'question' or '{combinator}', not both"),
    "condition_operators": _same(
        "a condition on a question needs exactly one of equals, one_of, any_of, lt, lte, "
        "gt, gte, answered (found {found})"
    ),
    "condition_needs_question": _same("'{op}' needs a 'question' to compare"),
    "condition_shape": _same("a condition needs a 'question', or exactly one of all, any, not"),
    "self_reference": Template(
        "question '{given}' cannot depend on itself", "a question cannot depend on itself"
    ),
    "later_question": Template(
        "question '{given}' comes later; a show-if can only read earlier questions",
        "the question named comes later; a show-if can only read earlier questions",
    ),
    "unknown_reference": Template(
        "unknown question '{given}'{suggestion:hint}", "unknown question"
    ),
    "comparison_not_number": _same("a comparison needs a number question; '{question}' is {kind}"),
    "condition_on_text": _same("'{question}' is free text, which conditions never read"),
    "any_of_not_multiple": _same(
        "'any_of' reads a multiple choice question; '{question}' is {kind}"
    ),
    "special_in_any_of": Template(
        "'{given}' is never one of the choices ticked: test it with `equals: {given}`",
        "'not_sure' and 'prefer_not_to_say' are never among the choices ticked: test them "
        "with `equals`",
    ),
    "unknown_choice": Template(
        "'{question}' has no choice {given:show}{suggestion:hint}",
        "'{question}' has no such choice",
    ),
    "multiple_needs_any_of": Template(
        "'{question}' is multiple choice, so its answer is a list: test whether '{given}' is "
        "ticked with `any_of`, not `{op}`",
        "'{question}' is multiple choice, so its answer is a list: test whether a choice is "
        "ticked with `any_of`, not `{op}`",
    ),
    "never_equals": Template(
        "'{question}' is {kind}, so its answer never equals {given:show}",
        "'{question}' is {kind}, so its answer never equals the value given",
    ),
    "never_equals_quoted": Template(
        "'{question}' is {kind}, so its answer never equals {given:show} "
        "(write the number without quotes)",
        "'{question}' is {kind}, so its answer never equals the value given "
        "(write the number without quotes)",
    ),
    "never_equals_fraction": Template(
        "'{question}' is {kind}, so its answer never equals {given:show} (it is a whole number)",
        "'{question}' is {kind}, so its answer never equals the value given (it is a whole number)",
    ),
    "never_equals_date": Template(
        "'{question}' is {kind}, so its answer never equals {given:show} "
        "(a date is written YYYY-MM-DD)",
        "'{question}' is {kind}, so its answer never equals the value given "
        "(a date is written YYYY-MM-DD)",
    ),
    "never_in_range": Template(
        "'{question}' is from {min:g} to {max:g}, so its answer never equals {given:show}",
        "'{question}' is from {min:g} to {max:g}, so its answer never equals the value given",
    ),
    "unread_question": _same("question '{id}' is read by no rule and no show-if"),
}


def _add_fhir_messages() -> None:
    # The FHIR messages live with the FHIR code (a plain table, no FHIR library loaded).
    from .fhir._catalogue import MESSAGES

    for code, words in MESSAGES.items():
        if code in CATALOGUE:
            raise RuntimeError(f"message code {code!r} is defined twice")
        CATALOGUE[code] = Template(*words)


_add_fhir_messages()


def show_value(value: Any) -> str:
    """A value as quoted in a message: short, and never an exception of its own."""
    if isinstance(value, int) and value.bit_length() > 1000:
        # str() of an int over 4300 digits raises; any this long is shown by its size alone.
        return "a number with more than 300 digits"
    try:
        text = repr(value) if isinstance(value, str) else str(value)
    except (ValueError, RecursionError):  # such a number, or deep nesting, inside a container
        return "a value too large to show"
    return text if len(text) <= 60 else text[:57] + "..."


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec == "show":
            return show_value(value)
        if format_spec == "hint":
            return f" (did you mean '{value}'?)" if value else ""
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def render(
    code: str, params: Mapping[str, Any], *, values: bool = True, plain: bool = False
) -> str:
    """The message for ``code`` with ``params``: technical (with values), private, or plain.

    A problem a patient never meets has no plain wording: asked for one, it is given the
    private wording, which is never wrong to show.
    """
    entry = CATALOGUE[code]
    if plain:
        template = entry.plain or entry.private
    else:
        template = entry.technical if values else entry.private
    # A hint is optional: a problem made without one simply has none.
    return _FORMATTER.vformat(template, (), {"suggestion": None, "nearest": None, **params})


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


# --------------------------------------------------------------------------- the readers
# (suitability._reader): limits and strictness shared by answers files, batch records and CSV.
# None of these quotes a value given; sizes are the limits, never the input's own.

CATALOGUE.update(
    {
        "duplicate_key": Template(
            "given twice",
            "given twice",
            "This answer was given twice; give it once.",
        ),
        "duplicate_column": Template(
            "given twice (columns {first} and {second}); every column must have its own name",
            "given twice (columns {first} and {second}); every column must have its own name",
        ),
        "csv_header_refused": Template(
            "no row was read: the header must be fixed first",
            "no row was read: the header must be fixed first",
        ),
        "not_text": Template(
            "not valid text: it holds a lone surrogate (an escaped \\ud800 to \\udfff) or "
            "bytes that are not UTF-8",
            "not valid text: it holds a lone surrogate (an escaped \\ud800 to \\udfff) or "
            "bytes that are not UTF-8",
            "This answer holds a character that cannot be read; type it again.",
        ),
        "not_utf8": Template(
            "not UTF-8 text; save it as UTF-8 and try again",
            "not UTF-8 text; save it as UTF-8 and try again",
        ),
        "too_large": Template(
            "larger than {limit:,} {unit}, the limit for {kind}; nothing was read",
            "larger than {limit:,} {unit}, the limit for {kind}; nothing was read",
            "This is too long to be read.",
        ),
        "string_too_long": Template(
            "text longer than {limit:,} characters, the limit for one text",
            "text longer than {limit:,} characters, the limit for one text",
            "This answer is too long.",
        ),
        "too_many_entries": Template(
            "more than {limit:,} keys and list items, the limit for {kind}; nothing was read",
            "more than {limit:,} keys and list items, the limit for {kind}; nothing was read",
            "Too many answers were sent.",
        ),
        "too_many_columns": Template(
            "more than {limit:,} columns, the limit for a CSV header; no row was read",
            "more than {limit:,} columns, the limit for a CSV header; no row was read",
        ),
        "json_constant": Template(
            "malformed JSON: {given} is not a number in JSON",
            "malformed JSON: NaN and Infinity are not numbers in JSON",
        ),
        "more_problems": Template(
            "... and {count:,} more problem{count_s}",
            "... and {count:,} more problem{count_s}",
            "... and {count:,} more problem{count_s}",
        ),
    }
)


# Batch output: every line written is strict JSON (RFC 8259) in UTF-8, so a record whose id, or
# any text of its result line, cannot be written that way is set aside as a bad record.
CATALOGUE.update(
    {
        "id_not_strict_json": Template(
            technical="cannot be written as strict JSON: {why}; use text or a finite number",
            private="cannot be written as strict JSON: {why}; use text or a finite number",
        ),
        "record_not_utf8": Template(
            technical="its result holds text that cannot be written as UTF-8 (a lone surrogate)",
            private="its result holds text that cannot be written as UTF-8 (a lone surrogate)",
        ),
    }
)


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
        "rules_not_mapping": _same("a rule set must be a mapping with id, version and rules"),
        "rules_condition_alone": _same(
            "'{test}' stands alone in its condition: combine it with others through all or any"
        ),
        "rules_derived_place": _same(
            "a derived fact can only be a rule's whole condition (derivations read answers only)"
        ),
        "rules_condition_unsupported": _same(
            "'{test}' is not used in rules: the engine cannot test it the same way"
        ),
        "rules_file_unknown_question": _same(
            "'{question}' is not a question of '{questionnaire}'{hint}"
        ),
        "rules_file_unknown_choice": _same("'{choice}' is not a choice of '{question}'{hint}"),
        "rules_file_wrong_type": _same(
            "tests '{question}' for {wants}, but it is a {type} question, so it could never hold"
        ),
        "rules_duplicate_id": _same("the id '{id}' is used twice"),
        "rules_duplicate_fact": _same("the fact '{fact}' is asserted by two derivations"),
        "rules_unknown_fact": _same("no derivation asserts '{fact}'{hint}"),
        "rules_goal_cells": _same(
            "goal rule '{id}' must mark at least one treatment I and the others N"
        ),
        "rules_cell_not_goal": _same("only goal rules mark a treatment I; '{id}' is not a goal"),
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

# --------------------------------------------------------------------------- settings and web
# (suitability.web): the clinic's settings file, and what browsers and API callers send.

CATALOGUE.update(
    {
        "settings_unreadable": _same("cannot read the settings file: {reason}"),
        "settings_not_text": _same("the settings file is not UTF-8 text"),
        "settings_not_mapping": _same("the settings file must be a mapping of setting: value"),
        "settings_invalid": _same("{reason}"),
        "form_not_form": Template(
            "expected a form (application/x-www-form-urlencoded)",
            "expected a form (application/x-www-form-urlencoded)",
            "This page could not be read. Please go back and try again.",
        ),
        "form_not_text": Template(
            "the form is not UTF-8 text",
            "the form is not UTF-8 text",
            "This page could not be read. Please go back and try again.",
        ),
        "form_repeated": Template(
            "given twice",
            "given twice",
            "This answer was sent twice. Please go back and try again.",
        ),
        "form_unknown_field": Template(
            "not a field of this page",
            "not a field of this page",
            "This page could not be read. Please go back and try again.",
        ),
        "csrf_missing": Template(
            "the form's security token is missing or does not match this session",
            "the form's security token is missing or does not match this session",
            "This page has expired. Please go back, reload it and try again.",
        ),
        "invalid_request": Template(
            "not valid here",
            "not valid here",
            "This page could not be read. Please go back and try again.",
        ),
        "screening_no_session": Template(
            "no screening is open in this browser",
            "no screening is open in this browser",
            "Your screening has ended, or was started in another browser. Please start again "
            "from the first page.",
        ),
        "screening_gone": Template(
            "that screening is finished or no longer exists",
            "that screening is finished or no longer exists",
            "This screening is finished or no longer exists.",
        ),
        "screening_not_saved": Template(
            "the records database refused the write",
            "the records database refused the write",
            "Your answers so far are kept, but the result could not be saved just now. "
            "Please go back and press Finish again in a moment, or tell the clinic's staff.",
        ),
        "records_unavailable": Template(
            "the records database could not be used",
            "the records database could not be used",
            "The clinic's records cannot be read or written just now. Nothing was changed. "
            "Please try again in a moment, or tell whoever looks after this computer.",
        ),
        "expected_date_typed": Template(
            "expected a date as {date_form}, got {given:show}",
            "expected a date as {date_form}",
            "Please type a date as {date_form}, for example {example}" + _PLAIN_OR + ".",
        ),
        "answer_or_special": Template(
            "both an answer and {options} were given",
            "both an answer and {options} were given",
            "Please give one answer: either type it, or tick {options}, not both.",
        ),
        "body_too_large": Template(
            "the request body is larger than {limit} bytes",
            "the request body is larger than {limit} bytes",
            "This page sent more than can be read. Please shorten your answers.",
        ),
    }
)

# --------------------------------------------------------------------------- the HTTP API
# (suitability.web.api): read by booking systems' developers, never by a patient.

CATALOGUE.update(
    {
        "api_token_missing": _same(
            "an API token is required: send 'Authorization: Bearer <token>' "
            "(tokens come from 'suitability staff token NAME')"
        ),
        "api_token_wrong": _same("this API token is not valid (unknown or removed)"),
        "api_not_json": _same("expected a JSON body (Content-Type: application/json)"),
        "api_query_refused": _same(
            "answers go in the request body, never in the URL: send no query string"
        ),
        "api_fhir_version": _same("this server speaks FHIR {releases} only"),
    }
)

# --------------------------------------------------------------------------- the practitioner's
# records at the terminal (issue 13, h-records): ``assess`` and ``validate`` on an intake record.

CATALOGUE.update(
    {
        "record_partial": _same(
            "a partial record ({answered} answers): the screening was not finished, so every "
            "question not answered is assessed as unanswered"
        ),
        "record_status": _same("an intake record's status is one of {statuses}"),
        "record_day_export": _same(
            "the desk's export of a day ({count} records): assess reads one record; export it "
            "alone from the desk, or print it with suitability intake --show ID --db PATH"
        ),
    }
)


# --------------------------------------------------------------------------- the prompts
# (issue 13, h-prompts): a questionnaire's `example`, shown beside a refused typed answer.

CATALOGUE.update(
    {
        "example_not_typed": _same(
            "'{kind}' questions are answered from a list, so they take no 'example'"
        ),
        "example_special": _same(
            "an example must be an answer: 'not_sure' and 'prefer_not_to_say' are not"
        ),
        "example_invalid": _same("the example is not an answer this question accepts: {detail}"),
    }
)


# --------------------------------------------------------------------------- every CPython from
# 3.10 (issue 14, h-py313): durable-rules built without the define Python 3.13 needs.

CATALOGUE.update(
    {
        "durable_not_built": _same(
            "durable-rules: built without the fix this Python needs (it calls {removed}, which "
            "Python 3.13 removed); rebuild it with: {command}"
        ),
    }
)


# --------------------------------------------------------------------------- batch workers
# (issue 15, h-pool): a worker process killed from outside stops the run where it got to.

CATALOGUE.update(
    {
        "batch_worker_killed": _same("worker process {pid} was killed by signal {signal} ({name})"),
        # SIGKILL is what the kernel's out-of-memory killer sends.
        "batch_worker_killed_oom": _same(
            "worker process {pid} was killed by signal {signal} ({name}); the machine may have "
            "run out of memory"
        ),
        "batch_worker_exited": _same("worker process {pid} stopped with exit code {status}"),
    }
)

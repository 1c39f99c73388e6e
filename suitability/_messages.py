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

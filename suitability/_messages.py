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

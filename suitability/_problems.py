"""Turns locations and pydantic errors into the project's one-line problem messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from ._messages import problem, render, show_value
from ._yaml import Positions
from .errors import Problem

__all__ = [
    "ValueProblem",
    "count",
    "did_you_mean",
    "format_loc",
    "nearest",
    "pydantic_problems",
    "show_value",
]


def format_loc(loc: Sequence[str | int]) -> str:
    """``('sections', 2, 'questions', 4, 'show_if')`` -> ``sections[2].questions[4].show_if``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def count(problems: Sequence[object], word: str = "problem") -> str:
    """``1 problem`` / ``3 problems``; a list capped by ``... and N more`` counts those too."""
    total = len(problems)
    last = problems[-1] if problems else None
    if isinstance(last, Problem) and last.code == "more_problems":
        total += int(dict(last.params).get("count", 0)) - 1  # type: ignore[call-overload]
    return f"{total} {word}{'s' if total != 1 else ''}"


#: Ids are at most 64 characters: a longer word is near none of them.
_SUGGEST_UP_TO = 100


def nearest(word: str, options: Iterable[str]) -> str | None:
    """The option nearest to ``word``, when one is near enough to be a likely typo."""
    if isinstance(word, str) and len(word) > _SUGGEST_UP_TO:
        # No id is this long, so nothing is near; and difflib's cost grows with the word
        # (a 50 MB string took 2 GB).
        return None
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the nearest option, or an empty string."""
    close = nearest(word, options)
    return f" (did you mean '{close}'?)" if close else ""


class ValueProblem(ValueError):
    """Raised by a field validator so that pydantic's error keeps the catalogue code and its
    parameters, not only finished prose."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(render(code, params))
        self.code = code
        self.params = params


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
}


def pydantic_problems(
    exc: ValidationError,
    *,
    source: str,
    positions: Positions | None = None,
    prefix: Sequence[str | int] = (),
    known_keys: Iterable[str] = (),
) -> list[Problem]:
    """One problem per pydantic error, located by its ``loc`` and, when known, its line."""
    keys = sorted(set(known_keys))
    problems: list[Problem] = []
    for err in _merge_union_errors(exc.errors(include_url=False)):
        loc: list[str | int] = [*prefix, *(p for p in err["loc"] if not _is_union_tag(p))]
        kind = err["type"]
        given = err.get("input")
        line = positions.line(loc) if positions else None
        where: dict[str, Any] = {"source": source, "line": line}
        if kind == "union_type":
            found = problem("wrong_type", expected=err["msg"], given=given, **where)
        elif kind == "extra_forbidden":
            key = str(loc.pop()) if loc else "?"
            found = problem("unknown_key", key=key, nearest=nearest(key, keys), **where)
        elif kind == "missing":
            key = str(loc.pop()) if loc else "?"
            found = problem("missing_key", key=key, **where)
        elif kind == "finite_number":
            found = problem("wrong_type", expected="a finite number", given=given, **where)
        elif kind in _TYPE_WORDS:
            found = problem("wrong_type", expected=_TYPE_WORDS[kind], given=given, **where)
        elif kind == "value_error":
            error = err.get("ctx", {}).get("error")
            if isinstance(error, ValueProblem):
                found = problem(error.code, **error.params, **where)
            else:  # a check of another library's: its words may quote the value
                found = problem("invalid_value", given_reason=str(error or err["msg"]), **where)
        else:
            # pydantic's own words say what was expected ("String should match pattern ...");
            # they never quote the input, which goes in a parameter of its own.
            text = err["msg"][0].lower() + err["msg"][1:]
            if given is not None and not isinstance(given, (dict, list)):
                found = problem("invalid", reason=text, given=given, **where)
            else:
                found = problem("invalid_shape", reason=text, **where)
        problems.append(replace(found, location=format_loc(loc)))
    return problems


def _is_union_tag(part: str | int) -> bool:
    # pydantic puts the union member's type name into loc, e.g. 'list[str]' or 'int':
    # it says nothing to a person editing a file.
    return isinstance(part, str) and (
        "[" in part or part in {"str", "int", "float", "bool", "function-after"}
    )


def _merge_union_errors(errors: list[Any]) -> list[Any]:
    """One error per value that fits no member of a union: pydantic gives one per member
    ("expected text", "expected a whole number", "expected a number"), which reads as three
    mistakes where there is one."""
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for err in errors:
        if any(_is_union_tag(p) for p in err["loc"]):
            key = tuple(p for p in err["loc"] if not _is_union_tag(p))
            groups.setdefault(key, []).append(err)
    out: list[Any] = []
    done: set[tuple[Any, ...]] = set()
    for err in errors:
        key = tuple(p for p in err["loc"] if not _is_union_tag(p))
        group = groups.get(key)
        if group is None or len(group) == 1:
            out.append(err)
            continue
        if key in done:
            continue
        done.add(key)
        wrong_type = [e for e in group if e["type"] in _TYPE_WORDS]
        if len(wrong_type) < len(group):
            # The value had the right type for some member: its own complaint is the one.
            out.extend(e for e in group if e["type"] not in _TYPE_WORDS)
            continue
        words = list(dict.fromkeys(_TYPE_WORDS[e["type"]] for e in wrong_type))
        if "a number" in words and "a whole number" in words:
            words.remove("a whole number")
        expected = " or ".join(words)
        out.append({**group[0], "type": "union_type", "msg": expected})
    return out

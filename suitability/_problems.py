"""Turns locations and pydantic errors into the project's one-line problem messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError

from ._yaml import Positions
from .errors import Problem


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


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the nearest option, or an empty string."""
    if isinstance(word, str) and len(word) > _SUGGEST_UP_TO:
        # No id is this long, so nothing is near; and difflib's cost grows with the word
        # (a 50 MB string took 2 GB).
        return ""
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


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
        if kind == "union_type":
            message = f"expected {err['msg']}, got {show_value(given)}"
        elif kind == "extra_forbidden":
            key = str(loc.pop()) if loc else "?"
            message = f"unknown key '{key}'{did_you_mean(key, keys)}"
        elif kind == "missing":
            key = str(loc.pop()) if loc else "?"
            message = f"missing required key '{key}'"
        elif kind == "finite_number":
            message = f"expected a finite number, got {show_value(given)}"
        elif kind in _TYPE_WORDS:
            message = f"expected {_TYPE_WORDS[kind]}, got {show_value(given)}"
        elif kind == "value_error":
            message = str(err.get("ctx", {}).get("error", err["msg"]))
        else:
            text = err["msg"]
            message = text[0].lower() + text[1:]
            if given is not None and not isinstance(given, (dict, list)):
                message += f", got {show_value(given)}"
        problems.append(Problem(format_loc(loc), message, kind, source, line))
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

"""Form posts, read as strictly as answers files: a form that is not UTF-8, holds a lone
surrogate, repeats a field that takes one value, names a field the page does not have, or
breaks the reader's limits is refused with where and what, never quietly mended."""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import parse_qsl

from .._messages import problem
from .._reader import MAX_ENTRIES, MAX_STRING_LENGTH, bad_text, cap_problems
from ..errors import Problem

__all__ = ["Form", "FormRefused", "parse_form"]


class FormRefused(Exception):
    """The form cannot be read; ``problems`` says where and what (never the value sent)."""

    def __init__(self, problems: list[Problem], status: int = 400) -> None:
        super().__init__("; ".join(p.located(values=False) for p in problems))
        self.problems = problems
        self.status = status


class Form:
    """The fields of a form: one value each, except those the page lets repeat (a question
    with several answers), which are lists in the order sent."""

    def __init__(self, single: dict[str, str], repeated: dict[str, list[str]]) -> None:
        self._single = single
        self._repeated = repeated

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._single.get(name, default)

    def getlist(self, name: str) -> list[str]:
        return list(self._repeated.get(name, []))

    def __contains__(self, name: object) -> bool:
        return name in self._single or name in self._repeated

    def names(self) -> set[str]:
        return set(self._single) | set(self._repeated)


def parse_form(
    body: bytes,
    content_type: str | None,
    *,
    repeatable: Collection[str] = (),
    allowed: Collection[str] | None = None,
) -> Form:
    """Reads an ``application/x-www-form-urlencoded`` body.

    ``repeatable`` names the fields that may be given more than once; ``allowed`` (if given)
    every field the form may hold. Raises FormRefused (400) with located problems.
    """
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise FormRefused([problem("form_not_form")], status=415)
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=False,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_ENTRIES,
        )
    except UnicodeDecodeError:
        raise FormRefused([problem("form_not_text")]) from None
    except ValueError:  # more fields than max_num_fields
        raise FormRefused([problem("too_many_entries", kind="a form", limit=MAX_ENTRIES)]) from None
    problems: list[Problem] = []
    single: dict[str, str] = {}
    repeated: dict[str, list[str]] = {}
    for name, value in pairs:
        if bad_text(name):
            problems.append(problem("not_text", "a field name"))
            continue
        if bad_text(value):
            problems.append(problem("not_text", name))
            continue
        if len(value) > MAX_STRING_LENGTH:
            problems.append(problem("string_too_long", name, limit=MAX_STRING_LENGTH))
            continue
        if allowed is not None and name not in allowed:
            problems.append(problem("form_unknown_field", name))
            continue
        if name in repeatable:
            repeated.setdefault(name, []).append(value)
        elif name in single:
            problems.append(problem("form_repeated", name))
        else:
            single[name] = value
    if problems:
        raise FormRefused(cap_problems(problems))
    return Form(single, repeated)

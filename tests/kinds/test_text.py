"""Free-text questions: the person's own words, kept as written and never read by rules."""

from __future__ import annotations

from typing import Any

import pytest

from suitability.kinds import KINDS
from suitability.kinds.text import DEFAULT_TEXT_LENGTH, Text

from .conftest import FORM, definition_problems, question

NOTES = question("notes")


def test_registry__names_the_text_kind() -> None:
    assert isinstance(KINDS["text"], Text)
    assert NOTES.kind.free_text
    assert not any(q.kind.free_text for q in FORM.questions if q.id != "notes")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("hello", ("hello", None)),
        ("not_sure", (None, "too_long")),  # the words written, not a non-answer
        ("abc", ("abc", None)),
        (5, (None, "expected_text")),
    ],
)
def test_data__is_kept_as_written(value: Any, expected: tuple[Any, Any]) -> None:
    got, problem = NOTES.kind.normalise(NOTES, value)
    assert (got, None if problem is None else problem.code) == expected


def test_too_long__names_the_limit() -> None:
    _value, problem = NOTES.kind.normalise(NOTES, "toolong")
    assert problem is not None and problem.text() == "expected at most 5 characters, got 7"


def test_typed_text__keeps_not_sure_as_words() -> None:
    assert NOTES.kind.typed(NOTES, "  not sure ") == "not sure"


def test_schema__a_string_of_limited_length() -> None:
    assert NOTES.kind.json_schema(NOTES) == {
        "anyOf": [{"type": "string", "maxLength": 5}, {"enum": ["not_sure", None]}]
    }
    assert DEFAULT_TEXT_LENGTH == 500


def test_display_and_prompt__show_the_words_themselves() -> None:
    assert NOTES.kind.display(NOTES, "not_sure") == "not_sure"
    assert NOTES.kind.prompt == "text"
    assert NOTES.kind.hint(NOTES) is None


def test_definition__text_is_never_a_safety_question() -> None:
    assert definition_problems(type="text", safety=True) == ["text_safety"]
    assert definition_problems(type="text", min=1) == ["unexpected_key"]

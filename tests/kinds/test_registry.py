"""The registry of question kinds: every type a questionnaire may name has exactly one kind,
and moving the kinds into their modules changed nothing a person or a program can see."""

from __future__ import annotations

import json
import typing
from pathlib import Path

from suitability import Questionnaire
from suitability.answers import answers_schema
from suitability.kinds import KINDS, Kind, Prompt, kind_of
from suitability.questionnaire import QuestionType

from .conftest import FORM

SNAPSHOT = Path(__file__).resolve().parent.parent / "data" / "schema-facial.json"


def test_every_question_type__has_one_kind_of_that_name() -> None:
    assert list(KINDS) == list(typing.get_args(QuestionType))
    for name, kind in KINDS.items():
        assert isinstance(kind, Kind) and kind.name == name


def test_a_question__reaches_its_kind_once() -> None:
    for q in FORM.questions:
        assert q.kind is kind_of(q) is KINDS[q.type]


def test_every_kind__has_one_of_the_screen_prompts() -> None:
    assert {kind.prompt for kind in KINDS.values()} == set(typing.get_args(Prompt))


def test_shipped_schema__is_byte_identical_to_the_snapshot(questionnaire: Questionnaire) -> None:
    # `suitability schema` prints exactly this; the snapshot was taken before the kinds moved.
    text = json.dumps(answers_schema(questionnaire), indent=2, ensure_ascii=False) + "\n"
    assert text == SNAPSHOT.read_text(encoding="utf-8")

"""Kinds of question, one module each, behind one registry.

A kind says how its answers are read from data (:meth:`Kind.normalise`) and from typed text
(:meth:`Kind.typed`), described in the answers JSON Schema (:meth:`Kind.json_schema`), shown
(:meth:`Kind.display`), checked where a questionnaire defines it or compares it in a condition
(:meth:`Kind.definition_problems`, :meth:`Kind.operand_problem`), and which prompt asks it
(:attr:`Kind.prompt`). Adding a kind is a new module and a line in :data:`KINDS`; a question
reaches its kind once, through ``Question.kind``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import Kind, Prompt, answer_problem
from .choice import SingleChoice, YesNo
from .date import Date
from .multiple import MultipleChoice
from .number import Days, Decimal, Integer
from .text import Text

if TYPE_CHECKING:
    from ..questionnaire import Question

__all__ = ["KINDS", "Kind", "Prompt", "answer_problem", "kind_of"]

#: Every kind, by the ``type`` a questionnaire names it with, in the order the questionnaire
#: format lists them.
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        SingleChoice(),
        MultipleChoice(),
        YesNo(),
        Integer(),
        Decimal(),
        Date(),
        Days(),
        Text(),
    )
}


def kind_of(question: Question) -> Kind:
    """The kind of ``question``."""
    return KINDS[question.type]

"""What every kind of question shares, and the defaults a kind keeps unless it says otherwise."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from .._messages import problem
from .._values import SPECIAL_LABELS, SPECIAL_VALUES
from ..errors import Problem

if TYPE_CHECKING:
    from ..questionnaire import Question

#: How a question is asked at the terminal: a list to pick one from, boxes to tick, or a line
#: to type; the screen driver has one prompt for each.
Prompt = Literal["select", "checkbox", "text"]
#: A normalised answer as :mod:`suitability.answers` keeps it.
Value = str | int | float | list[str]
#: The result of reading one answer: (normalised value, None) or (None, what is wrong).
Read = tuple[Value | None, Problem | None]
#: Reports a problem in a questionnaire file at a location under the question.
Add = Callable[..., None]


def one_of(*options: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema accepting any of ``options`` (the one itself when there is one)."""
    return options[0] if len(options) == 1 else {"anyOf": list(options)}


def specials_schema(q: Question) -> dict[str, Any]:
    """The JSON Schema of the non-answers ``q`` offers, and no answer."""
    return {"enum": [*q.special_values, None]}


def answer_problem(q: Question, code: str, **params: Any) -> Problem:
    """A problem with an answer to ``q``, located at it, able to say what was expected in the
    file format's words and in the words on screen."""
    kind = q.kind
    labels = [f"'{SPECIAL_LABELS[v].lower()}'" for v in q.special_values]
    about = {
        "expected": kind.expected(q),
        "plain_or": f", or {' or '.join(labels)}" if labels else "",
        "number_kind": kind.number_word,
        "min": q.min,
        "max": q.max,
        "plain_unit": f" {q.unit}" if q.unit else "",
        "plain_example": "" if q.example is None else f", for example {q.example}",
        "suggestion": None,
    }
    return problem(code, f"answers.{q.id}", **{**about, **params})


class Kind(ABC):
    """One kind of question: how its answers are read, described, shown, compared and asked.

    A kind is a stateless object; the question it is given carries the choices, bounds and
    wording. Subclasses override what differs from these defaults.
    """

    #: The ``type`` a questionnaire gives for questions of this kind.
    name: ClassVar[str]
    #: The prompt the screen driver asks it with.
    prompt: ClassVar[Prompt] = "text"
    #: The problem code for an answer of the wrong sort.
    wrong_code: ClassVar[str]
    #: How its numbers are called in messages.
    number_word: ClassVar[str] = "a whole number"
    #: A person's own words: never read by rules, 'not sure' is just words, shown as typed.
    free_text: ClassVar[bool] = False
    #: Its answers are numbers that conditions may compare (lt, gt, ...).
    numeric: ClassVar[bool] = False
    #: Its answers are checked against the day of answering (see :meth:`bound_problem`).
    dated: ClassVar[bool] = False
    #: Its answer is a list of choices (conditions use any_of).
    multiple: ClassVar[bool] = False

    # ------------------------------------------------------------------ reading data

    def normalise(self, q: Question, value: Any) -> Read:
        """Checks one answer given as data; returns (normalised value, None) or (None, what
        is wrong, located at ``answers.<question id>``)."""
        # A kind whose answers are often already in normal form overrides this with a fast
        # path for them, then calls it: the happy path never pays for building a problem.
        if isinstance(value, str) and value in SPECIAL_VALUES:
            if value in q.special_values:
                return value, None
            return None, answer_problem(q, "not_offered", given=value)
        return self.read_other(q, value)

    def read_other(self, q: Question, value: Any) -> Read:
        """A value that is not in normal form: what it stands for, or what is wrong."""
        return None, self.wrong(q, value)

    def wrong(self, q: Question, value: Any, suggestion: str | None = None) -> Problem:
        return answer_problem(q, self.wrong_code, given=value, suggestion=suggestion)

    def bound_problem(self, q: Question, value: Value, as_of: dt.date) -> Problem | None:
        """What is wrong with a valid answer given on ``as_of`` that depends on that day (only
        called when :attr:`dated`)."""
        return None

    # ------------------------------------------------------------------ typed text

    def typed(self, q: Question, text: str) -> Any:
        """The value typed ``text`` stands for, or the text itself when it stands for none (its
        check then says what was expected)."""
        stripped = text.strip()
        word = stripped.lower()
        if word.replace(" ", "_") in SPECIAL_VALUES:
            return word.replace(" ", "_")
        return self.typed_answer(q, stripped)

    def typed_answer(self, q: Question, stripped: str) -> Any:
        return stripped

    def as_written(self, text: str) -> Any:
        """Typed text that is no answer to this question, passed on so that its check says
        what the question expected and what was written."""
        return text

    # ------------------------------------------------------------------ describing

    @abstractmethod
    def expected(self, q: Question) -> str:
        """What an answer should be, in the answers file's words."""

    def or_specials(self, q: Question) -> str:
        specials = [f"'{v}'" for v in q.special_values]
        return f" (or {' or '.join(specials)})" if specials else ""

    @abstractmethod
    def json_schema(self, q: Question) -> dict[str, Any]:
        """What :meth:`normalise` accepts for ``q``, as JSON Schema; ``null`` is no answer."""

    def schema_operands(self, wanted: list[Any]) -> list[Any]:
        """The data values an ``equals``/``one_of`` condition on this kind holds for."""
        return wanted

    def display(self, q: Question, value: Value) -> str:
        """An answer in the words the person saw."""
        if isinstance(value, list):
            return "; ".join(q.choice_label(v) for v in value)
        if isinstance(value, str) and value in SPECIAL_LABELS:
            return q.choice_label(value)
        if isinstance(value, (int, float)) and q.unit:
            return f"{value:g} {q.unit}"
        return str(value)

    def hint(self, q: Question) -> str | None:
        """What the text prompt says an answer looks like."""
        return q.unit or None

    # ------------------------------------------------------------------ choices

    def choice_ids(self, q: Question) -> tuple[str, ...]:
        return tuple(c.id for c in q.choices or ())

    def choice_label(self, q: Question, value: str) -> str:
        for choice in q.choices or ():
            if choice.id == value:
                return choice.label
        return value

    # ------------------------------------------------------------------ the questionnaire

    def definition_problems(self, q: Question, raw: dict[str, Any], add: Add) -> None:
        """Reports what is wrong with how ``q`` is written (``raw`` is the file's mapping)."""
        self.choices_problems(q, raw, add)
        self.bounds_problems(q, raw, add)
        if raw.get("max_length") is not None:
            add(["max_length"], "max_length_not_text")

    def choices_problems(self, q: Question, raw: dict[str, Any], add: Add) -> None:
        if raw.get("choices") is not None:
            add(["choices"], "unexpected_choices", kind=q.type)

    def bounds_problems(self, q: Question, raw: dict[str, Any], add: Add) -> None:
        for name in ("min", "max", "unit"):
            if raw.get(name) is not None:
                add([name], "unexpected_key", kind=q.type, name=name)

    def operand_problem(
        self, op: str, value: str | float, target: Question
    ) -> tuple[str, dict[str, Any]] | None:
        """What is wrong with a condition comparing ``target``'s answer to ``value`` (not a
        non-answer the question offers): its code and parameters."""
        return None

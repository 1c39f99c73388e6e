"""The project's exceptions: one root, one subclass per stage.

    SuitabilityError
    ├── QuestionnaireError   a questionnaire file or model is malformed
    ├── AnswersError         answers do not fit their questionnaire (or the file is unreadable)
    ├── RulesError           the rule set is inconsistent, or a rule failed while assessing
    └── StorageError         a result or record could not be written safely

    EngineBuildError (an ImportError)   durable-rules was built without what this Python needs

Errors of the libraries underneath (YAML, pydantic, durable-rules, the file system) are
translated where they occur, so callers only ever catch these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "AnswersError",
    "EngineBuildError",
    "Problem",
    "QuestionnaireError",
    "RulesError",
    "StorageError",
    "SuitabilityError",
]


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is and what is wrong.

    ``source`` names the file (or input) and ``location`` the path inside it, such as
    ``sections[2].questions[4].show_if``; ``line`` is the 1-based line when known.
    """

    location: str
    # The technical wording, which may quote the value given: left out of repr() so that a
    # problem logged by accident does not carry it either.
    message: str = field(repr=False)
    code: str
    source: str = ""
    line: int | None = None
    # The catalogue parameters (see ``suitability._messages``), kept apart from the prose so a
    # message can be rendered without the value the person gave. Not hashed: a value given
    # may be a list.
    params: tuple[tuple[str, object], ...] = field(default=(), repr=False, hash=False)

    def text(self, *, values: bool = True, plain: bool = False) -> str:
        """The message alone: with the value given (``values=True``), without it, or plain."""
        from ._messages import CATALOGUE, render

        if self.code in CATALOGUE:
            return render(self.code, dict(self.params), values=values, plain=plain)
        # Not made from the catalogue, so nothing says what in it was given: shown only to
        # the person who gave it.
        return self.message if values and not plain else "this input is not valid here"

    def located(self, *, values: bool = True) -> str:
        """``source: location: message [line N]``, with or without the value given."""
        parts = [p for p in (self.source, self.location) if p]
        where = ": ".join(parts)
        message = self.text(values=values)
        text = f"{where}: {message}" if where else message
        if self.line is not None:
            text += f" [line {self.line}]"
        return text

    def __str__(self) -> str:
        return self.located()


class SuitabilityError(Exception):
    """Root of every error this library raises.

    ``problems`` lists every problem found, each with its location and code; it is empty only
    for an error that is one message alone (a file that cannot be written).
    """

    problems: Sequence[Problem] = ()


class _ProblemError(SuitabilityError):
    """An error that carries every problem found, reported together."""

    def __init__(
        self,
        problems: list[Problem],
        warnings: list[Problem] | None = None,
        summary: str | None = None,
    ) -> None:
        self.problems = list(problems)
        self.warnings = list(warnings or [])
        count = len(self.problems)
        head = summary or f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


class QuestionnaireError(_ProblemError):
    """A questionnaire is malformed: every problem is listed in ``problems``."""


class AnswersError(_ProblemError):
    """Answers do not fit their questionnaire: every problem is listed in ``problems``."""


class RulesError(_ProblemError):
    """The rule set does not fit a questionnaire, or a rule failed during an assessment: every
    problem is listed in ``problems``."""


class StorageError(SuitabilityError):
    """A file could not be written safely (it exists already, or the disk refused)."""


class EngineBuildError(ImportError):
    """durable-rules is installed but cannot be imported by this Python because it was built
    without the define this Python needs: the message is one line, with the command that
    rebuilds it. An ImportError, since that is what it is to a caller importing the engine; not a
    SuitabilityError, since no input is at fault and no other input would help."""

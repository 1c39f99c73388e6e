"""suitability: a pre-consultation screening aid for facial mesotherapy and its alternatives.

It helps a person see which treatments may be worth discussing with a qualified practitioner and
what must be reviewed first. It is not medical advice and makes no diagnosis.

The public API is what ``__all__`` names; every other module is internal.
"""

# No `from __future__ import annotations` and no plain `import sys` here: each would be one
# more public name of the package (tests/test_public_names.py pins them all).
import sys as _sys

# The range scripts/_env.sh and pyproject.toml's requires-python state (a test holds them together).
if not ((3, 10) <= _sys.version_info[:2] <= (3, 13)):  # pragma: no cover - checked at start-up
    raise SystemExit(
        "suitability is verified on Python 3.10 to 3.13 (durable-rules 2.0.28 is built for those); "
        f"this is Python {_sys.version_info.major}.{_sys.version_info.minor}."
    )

# Not `typing.TYPE_CHECKING`: importing typing alone takes longer than the rest of this file.
# (mypy reads the block: `always_true` in pyproject.toml names this flag.)
_TYPE_CHECKING = False
if _TYPE_CHECKING:
    from typing import Any

    from .answers import Answers, answers_schema, read_answers_file, validate_answers
    from .assessment import (
        Assessment,
        Fit,
        FitReason,
        Flag,
        Reason,
        TreatmentVerdict,
        Verdict,
        assess,
    )
    from .errors import (
        AnswersError,
        Problem,
        QuestionnaireError,
        RulesError,
        StorageError,
        SuitabilityError,
    )
    from .questionnaire import (
        Question,
        Questionnaire,
        default_questionnaire,
        load_questionnaire,
    )

__version__ = "0.1.0"

__all__ = [
    "Answers",
    "AnswersError",
    "Assessment",
    "Fit",
    "FitReason",
    "Flag",
    "Problem",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "Reason",
    "RulesError",
    "StorageError",
    "SuitabilityError",
    "TreatmentVerdict",
    "Verdict",
    "__version__",
    "answers_schema",
    "assess",
    "default_questionnaire",
    "load_questionnaire",
    "read_answers_file",
    "validate_answers",
]

# Each public name is imported from its module on first use (PEP 562), so importing the package
# costs nothing: the command's entry point must be able to catch Ctrl-C before pydantic and the
# rules engine load, and it can only do that once the package itself has been imported.
_HOMES = {
    **dict.fromkeys(
        ("Answers", "answers_schema", "read_answers_file", "validate_answers"), "answers"
    ),
    **dict.fromkeys(
        (
            "Assessment",
            "Fit",
            "FitReason",
            "Flag",
            "Reason",
            "TreatmentVerdict",
            "Verdict",
            "assess",
        ),
        "assessment",
    ),
    **dict.fromkeys(
        (
            "AnswersError",
            "Problem",
            "QuestionnaireError",
            "RulesError",
            "StorageError",
            "SuitabilityError",
        ),
        "errors",
    ),
    **dict.fromkeys(
        ("Question", "Questionnaire", "default_questionnaire", "load_questionnaire"),
        "questionnaire",
    ),
}


def __getattr__(name: str) -> "Any":
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'suitability' has no attribute '{name}'")
    from importlib import import_module

    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

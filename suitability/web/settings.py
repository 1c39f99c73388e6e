"""What the clinic configures, in one YAML file: the name shown, whether a name or booking
reference is asked at the start, idle times, retention and canonical URLs.

Read strictly, like every other input: an unknown key, a wrong type or an out-of-range value is
refused with its location and line, never silently replaced by a default.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import Problem, SuitabilityError
from ..fhir._codes import valid_base
from ..storage import state_dir

__all__ = ["Settings", "SettingsError", "default_db_path", "default_settings_path", "load_settings"]


class SettingsError(SuitabilityError):
    """A settings file that cannot be used; ``problems`` says where and what."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.located(values=False) for p in problems))
        self.problems = problems


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    clinic_name: str | None = Field(
        default=None, max_length=200, description="Shown at the top of every page."
    )
    ask_reference: Literal["no", "optional", "required"] = Field(
        default="optional",
        description="Whether a name or booking reference is asked at the start of a screening.",
    )
    reference_label: str = Field(
        default="Your name or booking reference", min_length=1, max_length=200
    )
    # The floors are as low as a sensible clinic would go, and let the browser tests run the
    # timeout in seconds rather than minutes.
    idle_timeout_seconds: int = Field(
        default=300,
        ge=10,
        le=24 * 3600,
        description="Kiosk: a screening left this long is saved as partial and the tablet "
        "returns to the welcome page.",
    )
    idle_warning_seconds: int = Field(
        default=60, ge=5, le=600, description="Kiosk: 'Are you still there?' this long before."
    )
    result_clear_seconds: int = Field(
        default=120, ge=10, le=3600, description="Kiosk: the result page is cleared after this."
    )
    staff_idle_minutes: int = Field(default=15, ge=1, le=120)
    return_code_hours: int = Field(default=24, ge=1, le=24 * 7)
    retention_days: int | None = Field(
        default=None, ge=1, description="Records older than this are deleted (None: kept)."
    )
    canonical_base: str = Field(
        default="urn:suitability",
        min_length=1,
        max_length=500,
        description="Base of the canonical URLs of the questionnaire and rule set (FHIR).",
    )

    @field_validator("canonical_base")
    @classmethod
    def _absolute_uri(cls, value: str) -> str:
        # It starts every canonical URL the FHIR resources carry, which must be absolute.
        if not valid_base(value):
            raise ValueError(
                "expected an absolute URI with no spaces, such as https://clinic.example/fhir "
                "or urn:clinic"
            )
        return value


def default_settings_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "suitability" / "settings.yaml"


def default_db_path() -> Path:
    """The records database when ``--db`` is not given: in the user's private state folder."""
    return state_dir() / "records.db"


def load_settings(path: str | Path | None = None) -> Settings:
    """The settings in ``path``; without one, the user's settings file if it exists, else the
    defaults. A file named explicitly must exist."""
    from .._messages import problem
    from .._reader import Limits, Refused, read_document
    from .._yaml import parse_yaml

    target = Path(path) if path is not None else default_settings_path()
    if path is None and not target.exists():
        return Settings()
    source = str(target)
    try:
        text = read_document(target, Limits("a settings file", 100_000), source)
    except Refused as exc:
        raise SettingsError(exc.problems) from None
    except UnicodeDecodeError:
        raise SettingsError([problem("settings_not_text", source=source)]) from None
    except OSError as exc:
        raise SettingsError(
            [problem("settings_unreadable", source=source, reason=exc.strerror or str(exc))]
        ) from None
    data, positions, bad = parse_yaml(text, source, max_entries=1000, kind="a settings file")
    if bad is not None:
        raise SettingsError([bad])
    if data is None:
        return Settings()
    if not isinstance(data, dict):
        raise SettingsError([problem("settings_not_mapping", source=source)])
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            problems.append(
                problem(
                    "settings_invalid",
                    ".".join(str(part) for part in loc),
                    source=source,
                    line=positions.line(loc),
                    # A validator's own words, without pydantic's "Value error, " label.
                    reason=error["msg"].removeprefix("Value error, "),
                )
            )
        raise SettingsError(problems) from None


# Longer than any booking reference or name.
REFERENCE_LIMIT = 200


def reference_problem(typed: str, *, required: bool, label: str) -> str | None:
    """What is wrong with a name or booking reference typed at the start of a screening, in
    the words shown beside it (the kiosk's page and the terminal intake alike); None if
    nothing. Spacing is not a problem: the reference is kept with its spaces collapsed."""
    text = " ".join(typed.split())
    if not text and required:
        return f"Please type {label[:1].lower()}{label[1:]} to start."
    if len(text) > REFERENCE_LIMIT:
        return f"Please keep this under {REFERENCE_LIMIT} characters."
    if any(unicodedata.category(c).startswith("C") for c in text):
        return "Please use letters, digits, spaces and punctuation only."
    return None

"""Shared fixtures: the shipped questionnaire and a helper that writes inline YAML to a file."""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from suitability import Questionnaire, default_questionnaire

# Before anything loads the shipped questionnaire: the tests never read or write the cache of
# the person running them (each test also gets a folder of its own, below).
_CACHE = tempfile.TemporaryDirectory(prefix="suitability-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE.name


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _CACHE.cleanup()  # explicitly: an implicit clean-up at exit is a ResourceWarning


ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.*"))
QUESTIONNAIRES = sorted((ROOT / "questionnaires").glob("*.yaml"))


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return default_questionnaire()


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(text: str, name: str = "form.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def _no_settings_of_yours(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clinic's settings file of whoever runs the tests (which the intake and the web app
    read by default) never changes what a test sees; a test names its own with --settings."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    # Nor does the cache of the shipped questionnaire and rules in the user's cache folder.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))

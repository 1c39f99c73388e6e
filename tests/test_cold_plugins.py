"""The `suitability` command loads no pydantic plugin: one installed in the environment would see
every answer validated, and finding plugins reads every installed package's metadata at each
start. Whoever runs the command can still ask for them (PYDANTIC_DISABLE_PLUGINS set otherwise)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT

PLUGIN = """\
import os
from pathlib import Path


class _Plugin:
    def new_schema_validator(self, *args, **kwargs):
        return None, None, None


Path(os.environ["SPY_MARKER"]).write_text("loaded")
plugin = _Plugin()
"""


@pytest.fixture
def spy_plugin(tmp_path: Path) -> dict[str, str]:
    """An environment in which a pydantic plugin is installed that marks when it is loaded."""
    site = tmp_path / "site"
    (site / "spy_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "spy_plugin-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n"
    )
    (site / "spy_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[pydantic]\nspy = spy_plugin:plugin\n"
    )
    (site / "spy_plugin.py").write_text(PLUGIN)
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env["PYTHONPATH"] = str(site)
    env["SPY_MARKER"] = str(tmp_path / "marker")
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return env


def _assess(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    example = str(next(p for p in EXAMPLES if p.name.startswith("amira")))
    return subprocess.run(
        [sys.executable, "-m", "suitability", "assess", example, "--format", "json"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False, timeout=120,
    )  # fmt: skip


def test_a_pydantic_plugin_in_the_environment__not_loaded(spy_plugin: dict[str, str]) -> None:
    done = _assess(spy_plugin)
    assert done.returncode == 0, done.stderr
    assert not Path(spy_plugin["SPY_MARKER"]).exists()


def test_plugins_asked_for__loaded(spy_plugin: dict[str, str]) -> None:
    done = _assess({**spy_plugin, "PYDANTIC_DISABLE_PLUGINS": ""})
    assert done.returncode == 0, done.stderr
    assert Path(spy_plugin["SPY_MARKER"]).read_text() == "loaded"

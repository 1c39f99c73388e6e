"""Strict warnings: durable-rules' deprecated clock call must not reach an assessment."""

from __future__ import annotations

import json
import subprocess
import sys

from suitability import assess

from .conftest import EXAMPLES, ROOT


def test_assess_command__works_with_every_warning_an_error() -> None:
    example = str(next(p for p in EXAMPLES if p.name.startswith("dana")))
    done = subprocess.run(
        [sys.executable, "-W", "error", "-m", "suitability", "assess", example, "--format", "json"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.stderr == ""
    assert done.returncode == 0
    assert len(json.loads(done.stdout)["verdicts"]) == 7


def test_assess_api__works_with_every_warning_an_error_from_the_start() -> None:
    # An embedding app whose tests turn warnings into errors before anything is imported.
    code = (
        "from suitability import assess\n"
        "result = assess({'age': 34, 'goals': ['fine_lines'], 'pregnant': 'yes'})\n"
        "print(result.verdicts['mesotherapy'].verdict)\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.stderr == ""
    assert done.stdout.strip() == "avoid_until_reviewed"


def test_durable_clock__is_replaced_by_the_monotonic_clock() -> None:
    import time

    import durable.engine

    assess({"age": 34, "goals": ["fine_lines"], "pregnant": "no"})
    # Its callers only subtract one reading from another: a monotonic clock keeps an action's
    # time-out right when the wall clock is changed.
    assert durable.engine._unix_now is time.monotonic

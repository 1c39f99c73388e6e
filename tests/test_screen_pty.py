"""End to end in a real pseudo-terminal: a whole screening with its printed result and handout,
and Ctrl-C midway followed by --resume that keeps every earlier answer."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest

from suitability import Questionnaire

from .conftest import ROOT
from .helpers import BASELINE
from .screen_harness import ENTER, answer_shown

pytestmark = pytest.mark.pty

PERSON = {
    **BASELINE,
    "goals": ["hydration_radiance", "fine_lines"],
    "cold_sores": "yes",
    "notes": "first visit",
}


def spawn(args: list[str], tmp_path: Path) -> pexpect.spawn:
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "NO_COLOR": "1",
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    return pexpect.spawn(
        sys.executable, ["-m", "suitability", *args], cwd=str(ROOT), env=env,
        dimensions=(50, 200), encoding="utf-8", timeout=15,
    )  # fmt: skip


def answer(
    child: pexpect.spawn,
    q: Questionnaire,
    values: dict[str, Any],
    *,
    upto: int | None = None,
    start: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Answers shown questions in order (at most ``upto``), waiting for each label first."""
    return answer_shown(q, values, child.expect_exact, child.send, upto=upto, start=start)


def test_whole_screening__prints_the_result_and_saves_the_handout(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    handout = tmp_path / "handout.md"
    child = spawn(["screen", "--save", str(handout)], tmp_path)
    answer(child, questionnaire, PERSON)
    child.expect_exact("Review your answers")
    child.send(ENTER)
    child.expect(pexpect.EOF)
    child.close()
    out = re.sub(r"\s+", " ", child.before or "")
    assert child.exitstatus == 0, out[-2000:]
    assert "Mesotherapy: Discuss with caution" in out
    assert "History of cold sores" in out
    assert "What to expect from mesotherapy" in out
    assert "Handout saved to" in out
    text = handout.read_text(encoding="utf-8")
    assert oct(handout.stat().st_mode & 0o777) == "0o600"
    assert text.startswith("# Pre-consultation screening: notes for my consultation")
    assert "## Questions to ask the practitioner" in text
    assert "## My answers that mattered" in text
    assert (
        "Do you get cold sores (the herpes simplex virus), even if you have none now? **Yes**"
        in text
    )
    assert "My notes for the practitioner: first visit" in text
    assert "Choosing a provider" in text


def test_ctrl_c_midway_then_resume__loses_no_answer(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    child = spawn(["screen"], tmp_path)
    earlier = answer(child, questionnaire, PERSON, upto=12)
    child.expect_exact(questionnaire.questions[12].label)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    out = child.before or ""
    assert child.exitstatus == 130
    match = re.search(r"saved in\r?\n(\S+\.partial\.json)", out)
    assert match, out
    saved = Path(match.group(1))
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
    assert json.loads(saved.read_text(encoding="utf-8"))["answers"] == earlier

    result = tmp_path / "result.json"
    child = spawn(["screen", "--resume", str(saved), "--json", str(result)], tmp_path)
    child.expect_exact(f"with {len(earlier)} answers kept")
    answer(child, questionnaire, PERSON, start=earlier)
    child.expect_exact("Review your answers")
    child.send(ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, (child.before or "")[-2000:]
    final = json.loads(result.read_text(encoding="utf-8"))["answers"]["answers"]
    assert {k: final[k] for k in earlier} == earlier
    assert final == PERSON
    assert not saved.exists()  # superseded by the saved result


def test_screen_without_a_terminal__points_to_assess_and_exits_2() -> None:
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "suitability", "screen"], stdin=subprocess.DEVNULL,
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert (
        "needs an interactive terminal" in result.stderr
        and "suitability assess FILE" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_closed_terminal__saves_the_answers_so_far(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    import signal

    child = spawn(["screen"], tmp_path)
    earlier = answer(child, questionnaire, PERSON, upto=3)
    child.expect_exact(questionnaire.questions[3].label)
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    [saved] = list((tmp_path / "state" / "suitability").glob("*.partial.json"))
    assert json.loads(saved.read_text(encoding="utf-8"))["answers"] == earlier

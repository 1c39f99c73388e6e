"""On the shared intake terminal Ctrl-D is a key, never the end of input: at every kind of
prompt, in a real pseudo-terminal, it leaves the intake running, and only staff typing CLOSE
end it (issue 9, section 5: an ended intake left a shell for the next person). A patient's
Ctrl-C there asks first, and the code then shown continues that screening."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pexpect
import pytest

from suitability import Questionnaire

from .helpers import BASELINE
from .screen_harness import DOWN, ENTER, keys_for
from .test_screen_pty import answer, spawn

pytestmark = pytest.mark.pty

CTRL_D = "\x04"
WELCOME = "start your screening"


def test_ctrl_d_at_every_intake_prompt__the_intake_keeps_running(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    out = tmp_path / "records"
    child = spawn(["intake", "--out", str(out)], tmp_path)
    child.timeout = 30
    q = questionnaire.by_id

    child.expect_exact(WELCOME)
    child.send(CTRL_D)  # the welcome (a list)
    child.send(DOWN + DOWN + ENTER)  # still there: staff choose "Close intake"
    child.expect_exact("type CLOSE")
    child.send(CTRL_D)  # the CLOSE prompt (typed text, empty)
    child.send(ENTER)  # nothing typed: back to the welcome
    child.expect_exact(WELCOME)
    child.send(ENTER)

    child.expect_exact(q["age"].label)  # a text question
    child.send(CTRL_D + "3" + CTRL_D + "5" + ENTER)  # nothing after the cursor: no effect
    child.expect_exact(q["goals"].label)  # a tick list, and two stray Ctrl-Ds
    child.send(CTRL_D + CTRL_D)
    child.send(keys_for(q["goals"], BASELINE["goals"], has_history=True))
    child.expect_exact(q["pregnant"].label)  # a list question
    child.send(CTRL_D)
    child.send(keys_for(q["pregnant"], "no", has_history=True))
    given = {"age": 35, "goals": BASELINE["goals"], "pregnant": "no"}
    answer(child, questionnaire, BASELINE, start=given)

    child.expect_exact("Review your answers")
    child.send(CTRL_D + ENTER)  # the review, then submit
    child.expect_exact("Your answers are with the clinic")  # the finish screen
    child.send(CTRL_D + ENTER)
    child.expect_exact(WELCOME)
    child.send(DOWN + DOWN + ENTER)
    child.expect_exact("type CLOSE")
    child.send("CLOSE" + ENTER)
    child.expect(pexpect.EOF)
    child.close()
    shown = re.sub(r"\s+", " ", child.before or "")
    assert child.exitstatus == 0, shown[-2000:]
    assert re.search(r"1 screening recorded in \S+, 0 partial records kept", shown)
    [record] = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")]
    assert record["status"] == "complete"
    assert record["answers"]["answers"] == BASELINE
    assert list((out / "partial").glob("*.json")) == []


def test_ctrl_c_then_the_code__the_same_person_continues_in_a_real_terminal(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    out = tmp_path / "records"
    child = spawn(["intake", "--out", str(out)], tmp_path)
    child.timeout = 30
    child.expect_exact(WELCOME)
    child.send(ENTER)
    given = answer(child, questionnaire, BASELINE, upto=2)
    child.expect_exact(questionnaire.questions[2].label)
    child.sendintr()
    child.expect_exact("Leave this screening?")
    child.send(DOWN + ENTER)
    child.expect(r"type this code:\s+([A-Z0-9]{3}-[A-Z0-9]{3})\s")
    code = child.match.group(1)
    child.expect_exact("When you have noted your code")
    child.send(ENTER)
    child.expect_exact(WELCOME)
    child.send(DOWN + ENTER)  # "Continue a screening"
    child.expect_exact("Type the code")
    child.send(code.lower().replace("-", " ") + ENTER)
    child.expect_exact("Welcome back. Your 2 answers so far are kept")
    answer(child, questionnaire, BASELINE, start=given)
    child.expect_exact("Review your answers")
    child.send(ENTER)
    child.expect_exact("Your answers are with the clinic")
    child.send(ENTER)
    child.expect_exact(WELCOME)
    child.send(DOWN + DOWN + ENTER)
    child.expect_exact("type CLOSE")
    child.send("CLOSE" + ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    [record] = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")]
    assert record["answers"]["answers"] == BASELINE
    assert list((out / "partial").glob("*.json")) == []

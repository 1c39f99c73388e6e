"""The receptionist's intake in a real 80x24 pseudo-terminal (issue 13): the name or booking
reference kept in the record and shown to the practitioner; a partial intake continued with
the code shown when the patient left, leaving no partial file behind; the previous patient's
result cleared without Finish; "Are you still there?" before the idle timeout."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest

from suitability import Questionnaire

from .conftest import ROOT
from .helpers import BASELINE
from .screen_harness import DOWN, ENTER, answer_shown, keys_for

pytestmark = pytest.mark.pty

CLEAR = "\x1b[H\x1b[2J\x1b[3J"
CODE = re.compile(r"\b([ACDEFHJKMNPRTUVWXY3479]{3}-[ACDEFHJKMNPRTUVWXY3479]{3})\b")
# Between characters of a text on screen: a line break (the 80-column wrap) or a control
# sequence of the drawing.
_DRAWN = r"(?:[\r\n]|\x1b\[[0-9;?]*[A-Za-z])*"
_SPACE = r"(?:\s|\x1b\[[0-9;?]*[A-Za-z])+"


def drawn(text: str) -> re.Pattern[str]:
    """``text`` as it appears on the terminal, wherever its lines are broken."""
    words = [_DRAWN.join(re.escape(ch) for ch in word) for word in text.split()]
    return re.compile(_SPACE.join(words))


def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "NO_COLOR": "1",
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }


def spawn(args: list[str], tmp_path: Path) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable, ["-m", "suitability", *args], cwd=str(ROOT), env=env(tmp_path),
        dimensions=(24, 80), encoding="utf-8", timeout=30,
    )  # fmt: skip


def answer(
    child: pexpect.spawn,
    q: Questionnaire,
    values: dict[str, Any],
    *,
    upto: int | None = None,
    start: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Answers the shown questions in order (at most ``upto``), waiting for each label."""
    return answer_shown(
        q, values, lambda label: child.expect(drawn(label)), child.send, upto=upto, start=start
    )


def write_settings(tmp_path: Path, text: str) -> str:
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def close(child: pexpect.spawn) -> None:
    child.expect_exact("start your screening")
    child.send(DOWN + DOWN + ENTER)
    child.expect_exact("type CLOSE")
    child.send("CLOSE" + ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, (child.before or "")[-2000:]


def test_reference_and_continuing__the_record_names_the_patient_and_no_partial_is_left(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    out = tmp_path / "records"
    settings = write_settings(tmp_path, "ask_reference: optional\n")
    person = {**BASELINE, "goals": ["fine_lines"]}
    child = spawn(["intake", "--out", str(out), "--settings", settings], tmp_path)
    child.expect_exact("start your screening")
    child.send(ENTER)
    child.expect_exact("Your name or booking reference")
    child.send("Booking 4471-B" + ENTER)
    earlier = answer(child, questionnaire, person, upto=3)
    child.expect(drawn(questionnaire.questions[3].label))
    child.sendintr()
    child.expect_exact("Leave this screening?")
    child.send(DOWN + ENTER)  # yes, leave for now
    child.expect(drawn("type this code:"))
    child.expect(CODE)
    code = child.match.group(1)
    child.expect_exact("When you have noted your code")
    [partial] = (out / "partial").glob("*.json")
    kept = json.loads(partial.read_text(encoding="utf-8"))
    assert kept["reference"] == "Booking 4471-B" and kept["answers"]["answers"] == earlier
    assert "assessment" not in kept  # answers only: no verdicts from an unfinished screening
    child.send(ENTER)

    child.expect_exact("start your screening")
    child.send(DOWN + ENTER)  # Continue a screening
    child.expect_exact("Type the code")
    child.send(code.lower().replace("-", " ") + ENTER)
    child.expect_exact("Welcome back.")
    answer(child, questionnaire, person, start=earlier)
    child.expect_exact("Review your answers")
    child.send(ENTER)
    child.expect_exact("Your answers are with the clinic")
    child.send(ENTER)  # Finish
    close(child)

    assert list((out / "partial").iterdir()) == []  # the finished screening left no partial
    state = tmp_path / "state"
    assert not state.exists() or list(state.rglob("*.partial.json")) == []
    [done] = out.glob("*.json")
    record = json.loads(done.read_text(encoding="utf-8"))
    assert (record["id"], record["status"]) == (kept["id"], "complete")
    assert record["reference"] == "Booking 4471-B" and record["assessment"]["verdicts"]
    assert oct(done.stat().st_mode & 0o777) == "0o600"

    shown = subprocess.run(
        [sys.executable, "-m", "suitability", "intake", "--show", record["id"], "--out", str(out)],
        cwd=str(ROOT), env=env(tmp_path), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert "Booking 4471-B" in shown.stdout  # the practitioner knows whose record it is


def test_result_cleared_and_idle_warning__the_next_person_finds_the_welcome(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    out = tmp_path / "records"
    args = ["intake", "--out", str(out), "--result-clear", "2"]
    child = spawn([*args, "--idle-timeout", "8", "--idle-warning", "4"], tmp_path)
    child.expect_exact("start your screening")
    child.send(ENTER)
    answer(child, questionnaire, {**BASELINE, "goals": ["fine_lines"]})
    child.expect_exact("Review your answers")
    child.send(ENTER)
    child.expect_exact("Your answers are with the clinic")  # nobody presses Finish ...
    child.expect_exact(CLEAR, timeout=30)  # ... and the result is cleared
    child.expect_exact("start your screening")
    assert "Mesotherapy" not in (child.before or "")  # the welcome alone, no result

    child.send(ENTER)  # the next patient
    first = questionnaire.questions[0]
    child.expect(drawn(first.label))
    child.send(keys_for(first, BASELINE["age"], has_history=False))
    child.expect(drawn(questionnaire.questions[1].label))
    child.expect(drawn("Are you still there?"), timeout=30)
    child.send(ENTER)  # still here: the question is asked again
    child.expect(drawn(questionnaire.questions[1].label))
    child.expect(drawn("Are you still there?"), timeout=30)
    child.expect_exact("start your screening", timeout=30)  # nobody: timed out
    [partial] = (out / "partial").glob("*.json")
    kept = json.loads(partial.read_text(encoding="utf-8"))
    assert (kept["reason"], kept["answers"]["answers"]) == ("idle", {"age": BASELINE["age"]})
    assert "assessment" not in kept
    child.send(DOWN + DOWN + ENTER)
    child.expect_exact("type CLOSE")
    child.send("CLOSE" + ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_timed_out__staff_log_in_check_the_name_and_reopen_it_for_the_patient(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    from suitability.web.store import Store

    db = tmp_path / "records.db"
    added = subprocess.run(
        [sys.executable, "-m", "suitability", "staff", "add", "nurse", "--db", str(db),
         "--password-stdin"],
        cwd=str(ROOT), env=env(tmp_path), input="a long staff password\n", capture_output=True,
        text=True, timeout=60, check=False,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    settings = write_settings(tmp_path, "ask_reference: optional\n")
    args = ["intake", "--db", str(db), "--settings", settings, "--idle-warning", "0"]
    child = spawn([*args, "--idle-timeout", "4"], tmp_path)
    child.expect_exact("start your screening")
    child.send(ENTER)
    child.expect_exact("Your name or booking reference")
    child.send("Jane Doe" + ENTER)
    first = questionnaire.questions[0]
    child.expect(drawn(first.label))
    child.send(keys_for(first, 52, has_history=False))
    child.expect(drawn(questionnaire.questions[1].label))
    child.expect_exact("start your screening", timeout=30)  # timed out: no code shown

    def staff_login(password: str) -> None:
        child.send(DOWN + DOWN + ENTER)
        child.expect_exact("REOPEN")
        child.send("REOPEN" + ENTER)
        child.expect_exact("your name, as you log in")
        child.send("nurse" + ENTER)
        child.expect_exact("your password")
        child.send(password + ENTER)

    staff_login("not the password")
    child.expect_exact("That name and password do not match.")
    child.send(ENTER)
    child.expect_exact("start your screening")
    staff_login("a long staff password")
    child.expect_exact("which screening?")
    child.send(ENTER)
    child.expect_exact("the name or booking reference the patient gives")
    child.send("  jane DOE " + ENTER)
    child.expect_exact("Welcome back.")
    child.expect(drawn(questionnaire.questions[1].label))  # where the patient stopped
    child.sendintr()
    child.expect_exact("Leave this screening?")
    child.send(DOWN + ENTER)
    child.expect_exact("When you have noted your code")
    before = child.before or ""
    child.send(ENTER)
    close(child)
    assert "a long staff password" not in before  # the password is never on the screen

    with Store.open(db, create=False) as store:
        [record] = store.records()
        actions = [e.action for e in store.audit_entries()]
    assert (record.status, record.reason, record.reference) == (
        "partial",
        "interrupted",
        "Jane Doe",
    )
    assert record.answers == {"age": 52}
    assert "intake login failed" in actions
    assert "intake screening reopened for the patient" in actions

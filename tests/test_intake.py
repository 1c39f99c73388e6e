"""Front-desk intake in a real pseudo-terminal: patients in a row, records written privately
and never mixed, the screen cleared between patients, and the practitioner's list."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pexpect
import pytest

from suitability import Questionnaire
from suitability.cli import main

from .helpers import BASELINE
from .screen_harness import DOWN, ENTER
from .test_screen_pty import answer, spawn

pytestmark = pytest.mark.pty

# Home, screen, then scrollback: a terminal that scrolls a cleared screen into its scrollback
# would keep the last person's answers there if the scrollback went first.
CLEAR = "\x1b[H\x1b[2J\x1b[3J"


def start_patient(child: pexpect.spawn) -> None:
    child.expect_exact("start your screening")
    child.send(ENTER)


def close_intake(child: pexpect.spawn) -> None:
    child.expect_exact("type CLOSE")
    child.send("CLOSE" + ENTER)


def finish_patient(child: pexpect.spawn, q: Questionnaire, values: dict[str, object]) -> None:
    answer(child, q, values)
    child.expect_exact("Review your answers")
    child.send(ENTER)
    child.expect_exact("Your answers are with the clinic")
    child.send(ENTER)


def test_two_patients_then_an_interrupted_one__list_shows_all_with_the_partial_marked(
    tmp_path: Path, questionnaire: Questionnaire, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "records"
    child = spawn(["intake", "--out", str(out)], tmp_path)
    start_patient(child)
    finish_patient(child, questionnaire, {**BASELINE, "goals": ["volume"]})
    child.expect_exact(CLEAR)  # the next person cannot scroll back to the last one's answers
    start_patient(child)
    finish_patient(child, questionnaire, {**BASELINE, "goals": ["laxity"], "pregnant": "yes"})
    start_patient(child)
    answer(child, questionnaire, BASELINE, upto=4)
    child.expect_exact(questionnaire.questions[4].label)
    child.sendintr()
    child.expect_exact("Leave this screening?")
    child.send(DOWN + ENTER)  # yes, leave for now
    child.expect_exact("When you have noted your code")
    child.send(ENTER)
    child.expect_exact("start your screening")  # back at the welcome screen
    child.send(DOWN + DOWN + ENTER)  # staff close the intake ...
    close_intake(child)  # ... and confirm it
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert re.search(
        r"2 screenings recorded in \S+, 1 partial record kept in \S+partial\.",
        re.sub(r"\s+", " ", child.before or ""),
    )

    complete = sorted(out.glob("*.json"))
    partial = sorted((out / "partial").glob("*.json"))
    assert len(complete) == 2 and len(partial) == 1
    for path in [*complete, *partial]:
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    first = json.loads(complete[0].read_text(encoding="utf-8"))
    assert first["status"] == "complete" and first["answers"]["answers"]["goals"] == ["volume"]
    assert first["assessment"]["verdicts"]["dermal_fillers"]["verdict"] == "worth_discussing"
    assert {"questionnaire", "rules", "started", "finished"} <= set(first)
    stopped = json.loads(partial[0].read_text(encoding="utf-8"))
    assert stopped["status"] == "partial" and stopped["reason"] == "interrupted"
    assert list(stopped["answers"]["answers"]) == ["age", "goals", "pregnant", "breastfeeding"]

    assert main(["intake", "--list", str(out)]) == 0
    listing = capsys.readouterr().out
    assert "3 intake(s): 2 complete, 1 partial." in listing
    assert "PARTIAL (interrupted)" in listing
    assert main(["intake", "--list", str(out), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)  # the pregnant patient's: review first
    assert any(r["verdicts"] and "avoid_until_reviewed" in r["verdicts"].values() for r in rows)


def test_idle_timeout__returns_to_welcome_and_keeps_a_partial_record(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    out = tmp_path / "records"
    child = spawn(["intake", "--out", str(out), "--idle-timeout", "1"], tmp_path)
    start_patient(child)
    answer(child, questionnaire, BASELINE, upto=2)
    child.expect_exact(questionnaire.questions[2].label)
    child.expect_exact("start your screening", timeout=10)  # timed out back to the welcome
    child.sendintr()
    close_intake(child)
    child.expect(pexpect.EOF)
    child.close()
    [record] = [json.loads(p.read_text(encoding="utf-8")) for p in (out / "partial").glob("*.json")]
    assert record["reason"] == "idle"
    assert record["answers"]["answers"] == {"age": BASELINE["age"], "goals": BASELINE["goals"]}
    assert list(out.glob("*.json")) == []


def test_list__marks_unreadable_records_without_failing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    assert main(["intake", "--list", str(tmp_path)]) == 0
    assert re.search(r"UNREADABLE", capsys.readouterr().out)


def test_list__of_a_missing_folder_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["intake", "--list", str(tmp_path / "none")]) == 1
    assert "is not a folder of intake records" in capsys.readouterr().err


def test_closed_terminal__keeps_the_partial_marked_hung_up_and_exits_quietly(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    import signal

    out = tmp_path / "records"
    child = spawn(["intake", "--out", str(out)], tmp_path)
    start_patient(child)
    answer(child, questionnaire, BASELINE, upto=2)
    child.expect_exact(questionnaire.questions[2].label)
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    child.close()
    shown = child.before or ""
    assert child.exitstatus == 130, shown[-2000:]
    assert "internal error" not in shown and "Traceback" not in shown
    [record] = [json.loads(p.read_text(encoding="utf-8")) for p in (out / "partial").glob("*.json")]
    assert record["reason"] == "hung up"
    assert record["answers"]["answers"] == {"age": BASELINE["age"], "goals": BASELINE["goals"]}

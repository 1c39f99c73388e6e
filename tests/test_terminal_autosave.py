"""When the autosave or an intake record cannot be written (a full disk, a removed or replaced
folder), the screening goes on with the answers in memory, says so once, and asks where to
save them, so that no answer is lost (issue 9, section 2)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pexpect
import pytest

from suitability import Questionnaire, StorageError, _cli_screen, read_answers_file

from .screen_harness import CTRL_C, ENTER, pick
from .terminal_steps import Runner, runner
from .test_screen_driver import PERSON, walk
from .test_screen_pty import answer, spawn

CANNOT_AUTOSAVE = "Your answers cannot be autosaved"
WHERE = "Where should they be saved?"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runner:
    return runner(tmp_path, monkeypatch)


def disk_full_under(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write under ``folder`` fails as on a full disk; others go through."""
    real = _cli_screen.write_private

    def write(path: Any, text: str, *, replace: bool = False) -> Path:
        if Path(path).resolve().is_relative_to(folder.resolve()):
            raise StorageError(f"cannot write {path}: No space left on device")
        return real(path, text, replace=replace)

    monkeypatch.setattr(_cli_screen, "write_private", write)


def words(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- screen


def test_screen__full_disk_goes_on_says_so_once_and_saves_where_asked(
    run: Runner,
    tmp_path: Path,
    questionnaire: Questionnaire,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    disk_full_under(tmp_path / "state", monkeypatch)
    mine = tmp_path / "mine.json"
    code, prompter = run(["screen"], [*walk(questionnaire, PERSON), str(mine) + ENTER])
    assert code == 0
    shown = words(capsys.readouterr().out)
    assert shown.count(CANNOT_AUTOSAVE) == 1
    assert "No space left on device" in shown
    assert WHERE in prompter.messages[-1]
    assert f"Your answers are saved in {mine} (only you can read it)." in shown
    assert oct(mine.stat().st_mode & 0o777) == "0o600"
    assert read_answers_file(mine, questionnaire).values == PERSON


def test_screen__interrupted_with_a_failing_autosave__saves_in_a_folder_given(
    run: Runner,
    tmp_path: Path,
    questionnaire: Questionnaire,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    disk_full_under(tmp_path / "state", monkeypatch)
    keep = tmp_path / "keep"
    keep.mkdir()
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    script = [
        "41" + ENTER, CTRL_C,
        ENTER, pick(0),  # Enter alone, then "No, save them"
        str(blocker / "x.json") + ENTER,  # cannot be written there: asked again
        str(keep) + ENTER,
    ]  # fmt: skip
    code, _prompter = run(["screen"], script)
    assert code == 130
    captured = capsys.readouterr()
    assert "Not saved: cannot create the folder" in words(captured.out)
    [saved] = keep.glob("*.json")
    assert f"Your 1 answer so far is saved in\n{saved}\n" in captured.err
    # Not an autosave of ours, so --continue would not find it: the command names it.
    assert f" screen --resume \\\n    {saved}\n" in captured.err
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
    assert read_answers_file(saved, questionnaire).values == {"age": 41}


def test_screen__leaving_without_saving_takes_an_explicit_choice(
    run: Runner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    disk_full_under(tmp_path / "state", monkeypatch)
    code, prompter = run(["screen"], ["41" + ENTER, CTRL_C, ENTER, pick(1)])
    assert code == 130
    assert (
        prompter.messages[-1] == "Your answers are not saved anywhere. Leave without saving them?"
    )
    assert "Your 1 answer so far was not saved." in capsys.readouterr().err


def test_screen__state_folder_replaced_by_a_file__said_before_the_first_question(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "state").write_text("", encoding="utf-8")  # where the folder would be
    mine = tmp_path / "mine.json"
    code, _prompter = run(["screen"], ["41" + ENTER, CTRL_C, str(mine) + ENTER])
    assert code == 130
    shown = words(capsys.readouterr().out)
    assert shown.count(CANNOT_AUTOSAVE) == 1
    assert shown.index(CANNOT_AUTOSAVE) < shown.index("== About you ==")
    assert json.loads(mine.read_text(encoding="utf-8"))["answers"] == {"age": 41}


# --------------------------------------------------------------------------- intake


def test_intake__records_folder_full__answers_kept_and_staff_give_another_folder(
    run: Runner,
    tmp_path: Path,
    questionnaire: Questionnaire,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, other = tmp_path / "records", tmp_path / "usb" / "records"
    disk_full_under(out, monkeypatch)
    script = [
        ENTER, *walk(questionnaire, PERSON),
        ENTER,  # staff: try the same folder again (still full)
        str(other) + ENTER,  # staff: another folder
        ENTER,  # the patient's "Finish"
        pick(2), "CLOSE" + ENTER,
    ]  # fmt: skip
    code, _prompter = run(["intake", "--out", str(out)], script)
    assert code == 0
    shown = words(capsys.readouterr().out)
    assert shown.count("Your answers cannot be saved as you go just now") == 1
    assert shown.count("The record could not be saved") == 2
    [saved] = other.glob("*.json")
    record = json.loads(saved.read_text(encoding="utf-8"))
    assert record["status"] == "complete" and record["answers"]["answers"] == PERSON
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
    for folder in (other, other.parent):
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert list(out.glob("*.json")) == []


# --------------------------------------------------------------------------- pty


@pytest.mark.pty
def test_pty__screen_with_its_state_folder_replaced_by_a_file__loses_nothing(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "suitability").write_text("", encoding="utf-8")
    mine = tmp_path / "mine.json"
    child = spawn(["screen"], tmp_path)
    child.timeout = 30
    child.logfile_read = everything = io.StringIO()
    answer(child, questionnaire, PERSON)
    child.expect_exact("Review your answers")
    child.send(ENTER)
    child.expect_exact(WHERE)
    child.send(str(mine) + ENTER)
    child.expect(pexpect.EOF)
    child.close()
    shown = re.sub(r"\s+", " ", everything.getvalue())
    assert child.exitstatus == 0, shown[-2000:]
    assert "Traceback" not in shown
    assert shown.count(CANNOT_AUTOSAVE) == 1
    assert f"Your answers are saved in {mine}" in shown
    assert read_answers_file(mine, questionnaire).values == PERSON
    assert oct(mine.stat().st_mode & 0o777) == "0o600"


def test_intake__stopped_with_the_records_folder_full__kept_elsewhere_without_a_code(
    run: Runner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, other = tmp_path / "records", tmp_path / "other"
    disk_full_under(out, monkeypatch)
    script = ["\r", "43\r", CTRL_C, pick(1), str(other) + ENTER, pick(2), "CLOSE\r"]
    code, _prompter = run(["intake", "--out", str(out)], script)
    assert code == 0
    shown = words(capsys.readouterr().out)
    [saved] = other.glob("*.json")
    record = json.loads(saved.read_text(encoding="utf-8"))
    assert record["status"] == "partial" and record["answers"]["answers"] == {"age": 43}
    assert "type this code" not in shown  # a code could not find it there

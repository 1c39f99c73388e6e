"""The screen and intake commands run in-process through real prompts fed by a pipe: resume
never touches the person's own file, outputs are checked before the first question and written
one by one, every way of stopping keeps the answers, and the intake's front-desk rules."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from suitability import Questionnaire, _cli_screen, screen
from suitability._cli_screen import CLEAR_ALL, INTAKE_PRIVACY
from suitability.cli import main

from .helpers import person
from .screen_harness import CTRL_C, ENTER, EOF, HANG_UP, HANG_UP_NOW, pick, scripted
from .test_screen_driver import PERSON, walk

Run = Callable[[list[str], list[str]], int]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    """Runs the command with every prompt fed from ``script``; fails if the script runs out."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(_cli_screen, "_needs_terminal", lambda _command: None)

    def go(args: list[str], script: list[str]) -> int:
        with scripted(script) as prompter:
            monkeypatch.setattr(screen, "Prompter", lambda **_options: prompter)
            code = main(args)
        assert prompter.script == [], "the command stopped before the script's end"
        return code

    yield go


def autosaves(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "state" / "suitability").glob("*.partial.json"))


def own_file(tmp_path: Path) -> Path:
    """A complete answers file the person wrote themself, with a comment and mode 0644."""
    data = person(notes="see you soon")
    lines = ["# my own answers, keep this comment", f"answered_on: {data['answered_on']}"]
    lines += ["answers:"] + [f"  {k}: {json.dumps(v)}" for k, v in data["answers"].items()]
    path = tmp_path / "mine.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o644)
    return path


# --------------------------------------------------------------------------- screen


def test_resume_from_the_persons_own_file__reads_it_and_leaves_it_untouched(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = own_file(tmp_path)
    before = mine.read_bytes()
    result = tmp_path / "result.json"
    assert run(["screen", "--resume", str(mine), "--json", str(result)], [ENTER]) == 0
    assert mine.read_bytes() == before and oct(mine.stat().st_mode & 0o777) == "0o644"
    assert json.loads(result.read_text(encoding="utf-8"))["answers"]["answers"]["age"] == 35
    assert autosaves(tmp_path) == []  # our own autosave, superseded by the result
    assert "That file is left as it is" in capsys.readouterr().out


def test_resume_from_the_persons_own_file__autosaves_elsewhere_when_stopped(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = own_file(tmp_path)
    before = mine.read_bytes()
    assert run(["screen", "--resume", str(mine)], [CTRL_C]) == 130
    [saved] = autosaves(tmp_path)
    assert mine.read_bytes() == before
    err = capsys.readouterr().err
    assert f"saved in\n{saved}\nTo continue later, type:\n" in err
    assert err.endswith(" screen --continue\n")  # the autosave is ours: the latest is found
    assert json.loads(saved.read_text(encoding="utf-8"))["answers"]["notes"] == "see you soon"


def test_resume_from_our_autosave__keeps_using_it(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["screen"], ["41" + ENTER, CTRL_C]) == 130
    [saved] = autosaves(tmp_path)
    capsys.readouterr()
    assert run(["screen", "--resume", str(saved)], [CTRL_C]) == 130
    assert autosaves(tmp_path) == [saved]
    assert f"saved in\n{saved}\n" in capsys.readouterr().err


def test_output_folder_missing__refused_before_the_first_question(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope"
    assert run(["screen", "--save", str(missing / "h.md")], []) == 1
    assert f"the folder {missing} does not exist" in capsys.readouterr().err
    assert not missing.exists()  # never created behind the person's back


def test_output_failing_at_the_end__the_other_is_written_and_the_answers_kept(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")  # a file where the handout's folder should be
    monkeypatch.setattr(_cli_screen, "_unwritable_outputs", lambda _args: [])
    result = tmp_path / "result.json"
    args = ["screen", "--resume", str(own_file(tmp_path)), "--save", str(blocker / "h.md")]
    assert run([*args, "--json", str(result)], [ENTER]) == 1
    err = capsys.readouterr().err
    [saved] = autosaves(tmp_path)
    assert "Handout not saved" in err
    assert f"Your answers are kept in\n{saved}\n" in err
    assert f" screen --resume \\\n    {saved}\n" in err  # the path on a line of its own
    assert result.exists()
    assert json.loads(saved.read_text(encoding="utf-8"))["answers"]["age"] == 35


def test_ctrl_c_while_the_result_is_shown__says_where_the_answers_are(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("suitability.render.print_assessment", interrupted)
    assert run(["screen", "--resume", str(own_file(tmp_path))], [ENTER]) == 130
    [saved] = autosaves(tmp_path)
    err = capsys.readouterr().err
    count = len(person()["answers"]) + 1
    assert f"Stopped. Your {count} answers so far are saved in\n{saved}\n" in err
    assert "To continue later, type:\n" in err and err.endswith(" screen --continue\n")


@pytest.mark.parametrize("how", [HANG_UP, HANG_UP_NOW])
def test_closed_terminal__saves_quietly_without_a_traceback(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    assert run(["screen"], ["42" + ENTER, how]) == 130
    [saved] = autosaves(tmp_path)
    assert json.loads(saved.read_text(encoding="utf-8"))["answers"] == {"age": 42}
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err


# --------------------------------------------------------------------------- intake


CLOSE = [pick(2), "CLOSE" + ENTER]
# Ctrl-C in a screening asks first; "Yes, leave for now", then "Done" under the code shown.
LEAVE = [CTRL_C, pick(1), ENTER]


def test_intake__closing_needs_the_typed_word_and_counts_partial_records(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new" / "records"
    script = [
        pick(2), "no" + ENTER,  # a stray "close": back to the welcome
        CTRL_C, ENTER,  # Ctrl-C asks too; Enter goes back
        ENTER, "43" + ENTER, *LEAVE,  # a patient stops after one answer: kept
        ENTER, CTRL_C, pick(1),  # one stops before any answer: nothing to keep, no code
        *CLOSE,
    ]  # fmt: skip
    assert run(["intake", "--out", str(out)], script) == 0
    shown = capsys.readouterr().out
    assert f"Intake closed: 0 screenings recorded in {out}, 1 partial record kept in " in shown
    [partial] = (out / "partial").glob("*.json")
    assert json.loads(partial.read_text(encoding="utf-8"))["reason"] == "interrupted"
    for folder in (out, out / "partial"):
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
    words = " ".join(shown.split())  # as wrapped by the terminal's width
    assert INTAKE_PRIVACY in words and "Your answers stay on this computer" not in words
    assert words.count("They take about five minutes") == 5  # once per welcome, never twice


def test_intake__ctrl_c_on_the_finish_screen_clears_it_for_the_welcome(
    run: Run, tmp_path: Path, questionnaire: Questionnaire, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "records"
    script = [ENTER, *walk(questionnaire, PERSON), CTRL_C, *CLOSE]
    assert run(["intake", "--out", str(out)], script) == 0
    shown = capsys.readouterr().out
    _welcome, result, again, _closed = shown.split(CLEAR_ALL)[1:]
    assert "Mesotherapy" in result and "Mesotherapy" not in again
    assert again.startswith(questionnaire.title)
    assert "Intake closed: 1 screening recorded" in shown
    assert len(list(out.glob("*.json"))) == 1


def test_intake__end_of_input_at_the_welcome_closes(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["intake", "--out", str(tmp_path / "r")], [EOF]) == 0
    assert "Intake closed" in capsys.readouterr().out


@pytest.mark.parametrize("how", [HANG_UP, HANG_UP_NOW])
def test_intake__closed_terminal_keeps_the_partial_as_hung_up_and_stops(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    out = tmp_path / "records"
    assert run(["intake", "--out", str(out)], [ENTER, "44" + ENTER, how]) == 130
    [partial] = (out / "partial").glob("*.json")
    record = json.loads(partial.read_text(encoding="utf-8"))
    assert record["reason"] == "hung up" and record["answers"]["answers"] == {"age": 44}
    captured = capsys.readouterr()
    assert "Intake closed" not in captured.out
    assert "Traceback" not in captured.err and "internal error" not in captured.err


def test_intake__closed_terminal_at_the_welcome_stops_quietly(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["intake", "--out", str(tmp_path / "r")], [HANG_UP]) == 130
    assert "Intake closed" not in capsys.readouterr().out


def test_intake_list__partial_records_show_progress_only_and_ids_are_never_cut(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "records"
    run(["intake", "--out", str(out)], [ENTER, "45" + ENTER, *LEAVE, *CLOSE])
    [partial] = (out / "partial").glob("*.json")
    record = json.loads(partial.read_text(encoding="utf-8"))
    capsys.readouterr()
    assert main(["intake", "--list", str(out)]) == 0
    listing = capsys.readouterr().out.splitlines()
    [row] = [line for line in listing if line.startswith(f"{record['id']} ")]
    assert row.endswith("  PARTIAL (interrupted): 1 answered")  # no verdicts, no flags

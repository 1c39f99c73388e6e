"""``screen --continue`` (issue 13): the latest unfinished screening goes on with the outputs
first asked for; the command printed to continue is the one the person can type; finished or
empty screenings are not left as unfinished ones; ``assess`` keeps the practitioner's part."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from suitability import Questionnaire, _cli_screen, assess, screen
from suitability.answers import read_answers_file
from suitability.cli import main
from suitability.render import print_assessment

from .conftest import EXAMPLES
from .screen_harness import CTRL_C, ENTER, scripted
from .test_screen_driver import PERSON, walk

Run = Callable[[list[str], list[str]], int]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv(_cli_screen.COMMAND_VARIABLE, raising=False)
    monkeypatch.setattr(_cli_screen, "_needs_terminal", lambda _command: None)

    def go(args: list[str], script: list[str]) -> int:
        with scripted(script) as prompter:
            monkeypatch.setattr(screen, "Prompter", lambda **_options: prompter)
            code = main(args)
        assert prompter.script == [], "the command stopped before the script's end"
        return code

    return go


def state(tmp_path: Path, pattern: str = "*.json") -> list[Path]:
    return sorted((tmp_path / "state" / "suitability").glob(pattern))


def rest(questionnaire: Questionnaire) -> list[str]:
    """Keys for every question after the age, then submitting."""
    return walk(questionnaire, PERSON, skip=("age",))


def test_continue__the_latest_goes_on_and_writes_the_outputs_first_asked_for(
    run: Run,
    tmp_path: Path,
    questionnaire: Questionnaire,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    assert run(["screen"], ["50" + ENTER, CTRL_C]) == 130  # an older one, without outputs
    [older] = state(tmp_path)
    os.utime(older, (1_000_000, 1_000_000))
    monkeypatch.chdir(first)
    assert run(["screen", "--save", "notes.md", "--json", "r.json"], ["35" + ENTER, CTRL_C]) == 130
    err = capsys.readouterr().err
    assert err.endswith(
        "To continue later, type:\n    " + f"{_cli_screen._screen_command()} --continue\n"
    )
    [latest] = [p for p in state(tmp_path) if p != older]
    assert json.loads(latest.read_text(encoding="utf-8"))["outputs"] == {
        "save": str(first / "notes.md"),
        "json": str(first / "r.json"),
    }

    monkeypatch.chdir(second)  # paths given first are kept as they were meant
    assert run(["screen", "--continue"], rest(questionnaire)) == 0
    out = capsys.readouterr().out
    assert "with 1 answers kept" in out
    assert f"as you first asked:\n  the handout to\n  {first / 'notes.md'}\n" in out
    assert "My notes for the practitioner: hello" in (first / "notes.md").read_text("utf-8")
    saved = json.loads((first / "r.json").read_text(encoding="utf-8"))
    assert saved["answers"]["answers"] == PERSON
    assert list(second.iterdir()) == []
    assert state(tmp_path) == [older]  # the finished one is gone; the older one is left


def test_continue__an_output_given_again_wins_and_the_other_is_kept(
    run: Run, tmp_path: Path, questionnaire: Questionnaire
) -> None:
    args = ["--save", str(tmp_path / "a.md"), "--json", str(tmp_path / "r.json")]
    assert run(["screen", *args], ["35" + ENTER, CTRL_C]) == 130
    html = tmp_path / "b.html"
    assert run(["screen", "--continue", "--save", str(html)], rest(questionnaire)) == 0
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "r.json").exists() and not (tmp_path / "a.md").exists()


def test_continue__with_nothing_unfinished_says_so_and_how_to_start(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["screen", "--continue"], []) == 1
    err = capsys.readouterr().err
    folder = tmp_path / "state" / "suitability"
    assert err == (
        f"error: screen --continue: there is no unfinished screening to continue in {folder}. "
        f"To start a new one: {_cli_screen._screen_command()}\n"
    )


def test_stopped_before_any_answer__leaves_nothing_to_continue(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["screen"], [CTRL_C]) == 130
    assert state(tmp_path) == []
    assert "Stopped. Nothing was answered, so nothing was saved." in capsys.readouterr().err


def test_finished_without_outputs__kept_as_finished_answers_not_continued(
    run: Run, tmp_path: Path, questionnaire: Questionnaire, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["screen"], walk(questionnaire, PERSON)) == 0
    [kept] = state(tmp_path)
    assert kept.name.startswith("screening-") and not kept.name.endswith(".partial.json")
    assert json.loads(kept.read_text(encoding="utf-8"))["answers"] == PERSON
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    assert f"Your answers are kept in\n{kept}\n" in capsys.readouterr().out
    assert run(["screen", "--continue"], []) == 1


def test_resume__outputs_are_taken_from_our_autosaves_only(
    run: Run, tmp_path: Path, questionnaire: Questionnaire, capsys: pytest.CaptureFixture[str]
) -> None:
    handout = tmp_path / "x.md"
    text = json.dumps({"answers": {"age": 35}, "outputs": {"save": str(handout)}})
    ours = tmp_path / "state" / "suitability" / "screening-20261130-101010.partial.json"
    ours.parent.mkdir(parents=True)
    ours.write_text(text, encoding="utf-8")
    assert run(["screen", "--resume", str(ours)], rest(questionnaire)) == 0
    assert handout.is_file() and not ours.exists()
    mine = tmp_path / "mine.json"  # a file of the person's own is read strictly, as ever
    mine.write_text(text, encoding="utf-8")
    assert run(["screen", "--resume", str(mine)], []) == 1
    assert "mine.json: outputs: " in capsys.readouterr().err


def test_screen_command__as_the_person_started_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(_cli_screen.COMMAND_VARIABLE, "./scripts/screen")
    assert _cli_screen._screen_command() == "./scripts/screen"
    monkeypatch.delenv(_cli_screen.COMMAND_VARIABLE)
    program = tmp_path / "bin" / "suitability"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(program), "screen"])
    monkeypatch.setenv("PATH", "/nowhere")
    assert _cli_screen._screen_command() == "bin/suitability screen"  # typed from here
    monkeypatch.setenv("PATH", str(program.parent))
    assert _cli_screen._screen_command() == "suitability screen"  # on the PATH
    monkeypatch.setattr(sys, "argv", ["/usr/lib/x/suitability/__main__.py"])
    assert _cli_screen._screen_command().endswith(" -m suitability screen")


def test_assess_text__keeps_the_practitioners_part_the_patient_screen_leaves_out(
    questionnaire: Questionnaire, capsys: pytest.CaptureFixture[str]
) -> None:
    [eve] = [path for path in EXAMPLES if path.name == "eve-unsure.yaml"]
    assert main(["assess", str(eve)]) == 0
    out = capsys.readouterr().out
    assert "For the practitioner" in out and "Rules behind the reasons above" in out
    assessment = assess(read_answers_file(eve, questionnaire), questionnaire)
    console = Console(width=80, color_system=None)
    with console.capture() as patient:
        print_assessment(assessment, questionnaire, console)
    with console.capture() as whole:
        print_assessment(assessment, questionnaire, console, details=True)
    assert "For the practitioner" not in patient.get() and "Your summary" in patient.get()
    assert "For the practitioner" in whole.get()  # what assess prints

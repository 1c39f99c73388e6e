"""A patient's Ctrl-C at the intake asks before leaving, and a stopped screening can be
continued only with the code shown to the person who stopped it (issue 9, section 5)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from suitability import Questionnaire, _cli_screen

from .screen_harness import CTRL_C, ENTER, keys_for, pick
from .terminal_steps import IDLE, Runner, runner

LEAVE_QUESTION = "Leave this screening? Your answers so far will be kept for you to continue."
NO_MATCH = "That code does not match a screening that can be continued."
START, CONTINUE = ENTER, pick(1)
CLOSE = [pick(2), "CLOSE" + ENTER]
LEAVE = [CTRL_C, pick(1)]  # Ctrl-C, then "Yes, leave for now"
NOTED = ENTER  # "Done" under the code


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runner:
    return runner(tmp_path, monkeypatch)


@pytest.fixture
def codes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The codes handed out, in order (known in advance so that the script can type them)."""
    planned = ["ACD-EFH", "KMN-PRT", "UVW-XY3"]
    given: list[str] = []

    def next_code() -> str:
        given.append(planned[len(given)])
        return given[-1]

    monkeypatch.setattr(_cli_screen, "new_resume_code", next_code)
    yield given


def partials(out: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in (out / "partial").glob("*.json")]


def goals_keys(q: Questionnaire, goals: list[str]) -> str:
    return keys_for(q.by_id["goals"], goals, has_history=True)


def test_ctrl_c__asks_first_and_staying_asks_the_same_question_again(
    run: Runner, tmp_path: Path, questionnaire: Questionnaire, codes: list[str]
) -> None:
    out = tmp_path / "records"
    goals = goals_keys(questionnaire, ["volume"])
    script = [
        START, "43" + ENTER,
        CTRL_C, pick(0),  # "No, go back to the question"
        goals,
        CTRL_C, CTRL_C,  # Ctrl-C twice leaves
        NOTED, *CLOSE,
    ]  # fmt: skip
    code, prompter = run(["intake", "--out", str(out)], script)
    assert code == 0
    goals_label = questionnaire.by_id["goals"].label
    pregnant_label = questionnaire.by_id["pregnant"].label
    asked = [m.split("\n")[-1] for m in prompter.messages]
    assert asked[2:7] == [goals_label, LEAVE_QUESTION, goals_label, pregnant_label, LEAVE_QUESTION]
    [record] = partials(out)
    assert record["answers"]["answers"] == {"age": 43, "goals": ["volume"]}
    assert record["reason"] == "interrupted"
    assert codes == ["ACD-EFH"]


def test_stopped_screening__continues_with_its_code_only_once(
    run: Runner,
    tmp_path: Path,
    questionnaire: Questionnaire,
    codes: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "records"
    script = [
        START, "43" + ENTER, *LEAVE, NOTED,
        CONTINUE, "KMN-PRT" + ENTER,  # not this screening's code
        "acd efh" + ENTER,  # its code, typed loosely
        goals_keys(questionnaire, ["volume"]), *LEAVE, NOTED,  # stops again: a new code
        CONTINUE, "ACD-EFH" + ENTER,  # the first code is spent
        ENTER,  # Enter alone: back to the welcome
        *CLOSE,
    ]  # fmt: skip
    code, _prompter = run(["intake", "--out", str(out)], script)
    assert code == 0
    shown = capsys.readouterr().out
    assert codes == ["ACD-EFH", "KMN-PRT"]
    assert shown.count("ACD-EFH") == 1 and shown.count("KMN-PRT") == 1  # each shown once
    assert "type this code" in shown and "shown only once" in shown
    assert shown.count(NO_MATCH) == 2
    assert "Welcome back. Your 1 answer so far is kept" in shown
    [record] = partials(out)  # one screening, one record, continued in place
    assert record["answers"]["answers"] == {"age": 43, "goals": ["volume"]}
    assert record["id"] not in shown  # nothing names a stored screening
    text = next((out / "partial").glob("*.json")).read_text(encoding="utf-8")
    assert "KMN-PRT" not in text and "KMNPRT" not in text  # kept only as a salted hash
    assert set(record["resume"]) == {"scheme", "salt", "hash"}
    assert record["resume"]["scheme"].startswith("scrypt")
    assert oct(next((out / "partial").glob("*.json")).stat().st_mode & 0o777) == "0o600"


def test_wrong_codes__pause_continuing_even_with_the_right_code(
    run: Runner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    codes: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = [1000.0]
    monkeypatch.setattr(_cli_screen, "_clock", lambda: now[0])

    def later(seconds: float, keys: str) -> Any:
        def step() -> str:
            now[0] += seconds
            return keys

        return step

    out = tmp_path / "records"
    wrong = ["AAA-AAA" + ENTER, "CCC-CCC" + ENTER, "DDD-DDD" + ENTER]
    script = [
        START, "43" + ENTER, *LEAVE, NOTED,
        CONTINUE, *wrong, ENTER,  # three wrong codes: paused ("OK" under the notice)
        CONTINUE, ENTER,  # still paused: the code is not even asked
        later(31, CONTINUE), "EEE-EEE" + ENTER, ENTER,  # after the pause, one more wrong code
        later(31, CONTINUE), ENTER,  # pauses twice as long
        later(30, CONTINUE), "ACD-EFH" + ENTER,  # now the right code works
        *LEAVE, NOTED, *CLOSE,
    ]  # fmt: skip
    code, prompter = run(["intake", "--out", str(out)], script)
    assert code == 0
    shown = capsys.readouterr().out
    # After three wrong codes, again at once, after the fourth, and 31 s into the longer pause.
    assert shown.count("Too many codes that did not match were typed") == 4
    code_prompts = [m for m in prompter.messages if m.startswith("Type the code")]
    assert len(code_prompts) == 5  # 3 wrong, 1 after the first pause, the right one
    assert "Welcome back." in shown
    assert "1 partial record kept" in shown  # one screening, stopped twice


def test_idle_stop__keeps_the_partial_without_a_code(
    run: Runner, tmp_path: Path, codes: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "records"
    # The question, then "Are you still there?" time out.
    script = [START, "43" + ENTER, IDLE, IDLE, CONTINUE, "ACD-EFH" + ENTER, ENTER, *CLOSE]
    code, _prompter = run(["intake", "--out", str(out)], script)
    assert code == 0
    shown = capsys.readouterr().out
    assert codes == []  # the next person at the terminal must not see a code
    assert "type this code" not in shown
    [record] = partials(out)
    assert record["reason"] == "idle" and "resume" not in record
    assert NO_MATCH in shown


def test_resume_codes__short_unambiguous_and_random() -> None:
    made = {_cli_screen.new_resume_code() for _ in range(300)}
    assert len(made) > 290
    for code in made:
        assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}", code), code
        assert not set(code) & set("0O1IL2Z5S8BQ6G"), code


def test_continued_screening__completes_into_one_record_with_every_answer(
    run: Runner,
    tmp_path: Path,
    questionnaire: Questionnaire,
    codes: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from .test_screen_driver import PERSON, walk

    out = tmp_path / "records"
    keys = walk(questionnaire, PERSON)
    script = [START, keys[0], *LEAVE, NOTED, CONTINUE, "ACD-EFH" + ENTER, *keys[1:], ENTER]
    code, _prompter = run(["intake", "--out", str(out)], [*script, *CLOSE])
    assert code == 0
    [complete] = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")]
    assert complete["status"] == "complete" and complete["answers"]["answers"] == PERSON
    assert partials(out) == []
    assert "1 screening recorded" in capsys.readouterr().out

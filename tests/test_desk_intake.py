"""The receptionist's intake (issue 13), with scripted keys: the name or booking reference the
clinic's settings ask for, kept in folder and database records; "Are you still there?" before
the idle timeout; the result cleared unless Finish comes first; partial records that hold
answers and never verdicts, and no empty record left behind."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from suitability import Questionnaire, _cli_screen
from suitability.cli import main
from suitability.web.settings import reference_problem
from suitability.web.store import Store

from .screen_harness import CTRL_C, ENTER, pick
from .terminal_steps import IDLE, Runner, runner
from .test_screen_driver import PERSON, walk

START, CONTINUE = ENTER, pick(1)
CLOSE = [pick(2), "CLOSE" + ENTER]
LEAVE = [CTRL_C, pick(1)]  # Ctrl-C, then "Yes, leave for now"
NOTED = ENTER  # "Done" under the code
FINISH = ENTER  # "Finish" under the result
STILL_THERE = "Are you still there?"
LABEL = "Your name or booking reference"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runner:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no settings of yours
    return runner(tmp_path, monkeypatch)


@pytest.fixture
def codes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    planned = ["ACD-EFH", "KMN-PRT"]
    given: list[str] = []

    def next_code() -> str:
        given.append(planned[len(given)])
        return given[-1]

    monkeypatch.setattr(_cli_screen, "new_resume_code", next_code)
    yield given


def settings(tmp_path: Path, text: str) -> str:
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def folder_records(out: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    def read(paths: Any) -> list[dict[str, Any]]:
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(paths)]

    return read(out.glob("*.json")), read((out / "partial").glob("*.json"))


def test_reference__asked_as_configured_and_kept_in_the_folder_record_through_a_continue(
    run: Runner, tmp_path: Path, questionnaire: Questionnaire, codes: list[str]
) -> None:
    out = tmp_path / "records"
    given = settings(tmp_path, "ask_reference: optional\n")
    rest = walk(questionnaire, PERSON, skip=("age",))
    script = [
        START, "  Booking   4471-B " + ENTER, "43" + ENTER, *LEAVE, NOTED,
        CONTINUE, "ACD-EFH" + ENTER, *rest, FINISH,
        START, ENTER, *walk(questionnaire, PERSON), FINISH,  # the next one gives none
        *CLOSE,
    ]  # fmt: skip
    code, prompter = run(["intake", "--out", str(out), "--settings", given], script)
    assert code == 0
    assert prompter.messages.count(LABEL) == 2
    complete, partial = folder_records(out)
    assert partial == []  # the continued screening finished: nothing partial is left
    assert sorted(str(r["reference"]) for r in complete) == ["Booking 4471-B", "None"]


def test_reference__required_refuses_an_empty_one_in_plain_words_and_ctrl_c_goes_back(
    run: Runner, tmp_path: Path
) -> None:
    out = tmp_path / "records"
    given = settings(tmp_path, "ask_reference: required\nreference_label: Your booking reference\n")
    # Enter alone is refused (the prompt stays), then Ctrl-C goes back to the welcome.
    script = [START, ENTER + CTRL_C, START, "B-12" + ENTER, *LEAVE, *CLOSE]
    code, prompter = run(["intake", "--out", str(out), "--settings", given], script)
    assert code == 0
    assert prompter.messages.count("Your booking reference") == 2
    assert sum(m.endswith("How old are you?") for m in prompter.messages) == 1
    assert reference_problem("", required=True, label="Your booking reference") == (
        "Please type your booking reference to start."
    )
    assert reference_problem("B-12\x07", required=False, label="x") == (
        "Please use letters, digits, spaces and punctuation only."
    )
    assert reference_problem("x" * 201, required=False, label="x") is not None
    assert folder_records(out) == ([], [])


def test_no_settings_file__no_reference_asked(run: Runner, tmp_path: Path) -> None:
    out = tmp_path / "records"
    code, prompter = run(
        ["intake", "--out", str(out)], [START, "43" + ENTER, *LEAVE, NOTED, *CLOSE]
    )
    assert code == 0 and LABEL not in prompter.messages
    _complete, [partial] = folder_records(out)
    assert partial["reference"] is None


def test_reference__kept_in_the_database_record_and_after_a_continue(
    run: Runner, tmp_path: Path, questionnaire: Questionnaire, codes: list[str]
) -> None:
    db = tmp_path / "records.db"
    given = settings(tmp_path, "ask_reference: optional\n")
    rest = walk(questionnaire, PERSON, skip=("age",))
    run(
        ["intake", "--db", str(db), "--settings", given],
        [START, "Jane Doe" + ENTER, "43" + ENTER, *LEAVE, NOTED, *CLOSE],
    )
    with Store.open(db, create=False) as store:
        [stopped] = store.records()
    assert (stopped.reference, stopped.status, stopped.assessment) == ("Jane Doe", "partial", None)
    code, _prompter = run(
        ["intake", "--db", str(db), "--settings", given],
        [CONTINUE, "ACD-EFH" + ENTER, *rest, FINISH, *CLOSE],
    )
    assert code == 0
    with Store.open(db, create=False) as store:
        [record] = store.records()
    assert (record.id, record.reference, record.status) == (stopped.id, "Jane Doe", "complete")


def test_idle__the_warning_comes_first_and_any_answer_goes_back_to_the_question(
    run: Runner, tmp_path: Path, questionnaire: Questionnaire
) -> None:
    out = tmp_path / "records"
    args = ["intake", "--out", str(out), "--idle-timeout", "60", "--idle-warning", "20"]
    script = [
        START, "43" + ENTER,
        IDLE, ENTER,  # "Are you still there?": yes
        IDLE, CTRL_C,  # Ctrl-C is a key pressed, too
        IDLE, IDLE,  # nobody: the screening stops as timed out
        *CLOSE,
    ]  # fmt: skip
    code, prompter = run(args, script)
    assert code == 0
    asked = [m.split("\n")[-1] for m in prompter.messages]
    goals = questionnaire.by_id["goals"].label
    [warning] = {m for m in asked if STILL_THERE in m}
    assert asked[2:9] == [goals, warning, goals, warning, goals, warning, asked[0]]
    _complete, [partial] = folder_records(out)
    assert (partial["reason"], partial["answers"]["answers"]) == ("idle", {"age": 43})
    assert "assessment" not in partial


def test_result__cleared_when_nobody_presses_finish(
    run: Runner, tmp_path: Path, questionnaire: Questionnaire, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "records"
    script = [START, *walk(questionnaire, PERSON), IDLE, *CLOSE]
    code, prompter = run(["intake", "--out", str(out), "--result-clear", "30"], script)
    assert code == 0
    shown = capsys.readouterr().out
    result_at = shown.index("Mesotherapy")
    assert _cli_screen.CLEAR_ALL in shown[result_at:]  # the welcome clears it for the next one
    assert prompter.messages[-3:-2] == ["Thank you. Your answers are with the clinic."]
    [record], [] = folder_records(out)
    assert record["status"] == "complete" and record["assessment"]["verdicts"]


def test_clean_up__leaving_at_once_keeps_no_record_and_partials_hold_no_verdicts(
    run: Runner, tmp_path: Path, codes: list[str]
) -> None:
    out = tmp_path / "records"
    seen: list[list[str]] = []

    def look(keys: str) -> Any:
        def step() -> str:
            seen.append(sorted(p.name for p in (out / "partial").iterdir()))
            return keys

        return step

    script = [START, look(LEAVE[0]), LEAVE[1], START, "43" + ENTER, look(LEAVE[0]), LEAVE[1]]
    code, _prompter = run(["intake", "--out", str(out)], [*script, NOTED, *CLOSE])
    assert code == 0
    assert seen[0] == []  # nothing answered: no empty record
    assert len(seen[1]) == 1 and codes == ["ACD-EFH"]  # leaving at once gives no code either
    _complete, [partial] = folder_records(out)
    assert partial["status"] == "partial" and "assessment" not in partial
    assert partial["answers"]["answers"] == {"age": 43}
    assert len((out / "partial" / seen[1][0]).read_bytes()) < 4000  # answers, not 144 KB


def test_import_intakes__brings_the_reference_into_the_database(
    run: Runner, tmp_path: Path, questionnaire: Questionnaire
) -> None:
    out, db = tmp_path / "records", tmp_path / "records.db"
    given = settings(tmp_path, "ask_reference: optional\n")
    script = [START, "Booking 4471-B" + ENTER, *walk(questionnaire, PERSON), FINISH, *CLOSE]
    run(["intake", "--out", str(out), "--settings", given], script)
    assert main(["import-intakes", str(out), "--db", str(db)]) == 0
    with Store.open(db, create=False) as store:
        [record] = store.records()
    assert (record.status, record.reference) == ("complete", "Booking 4471-B")


def test_reopen_in_a_folder_intake__says_it_needs_the_database(
    run: Runner, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _prompter = run(
        ["intake", "--out", str(tmp_path / "r")], [pick(2), "reopen" + ENTER, ENTER, *CLOSE]
    )
    assert code == 0
    assert "needs staff to log in: run the intake with --db" in " ".join(
        capsys.readouterr().out.split()
    )


def test_settings_that_cannot_be_used__refused_with_where_before_any_folder_is_made(
    run: Runner, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "records"
    given = settings(tmp_path, "ask_reference: maybe\n")
    code, _prompter = run(["intake", "--out", str(out), "--settings", given], [])
    assert code == 1 and not out.exists()
    assert f"{given}: ask_reference: Input should be 'no', 'optional' or 'required' [line 1]" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("given", ["-1", "nan", "inf", "soon", "90000"])
def test_timer_options__refuse_what_is_not_a_number_of_seconds(
    given: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["intake", "--out", "x", "--idle-warning", given])
    assert stopped.value.code == 2
    assert (
        f"argument --idle-warning: expected a number of seconds from 0 to 86400, got '{given}'"
        in capsys.readouterr().err
    )

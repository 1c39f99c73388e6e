"""``intake --db``: the front desk writing through the records store, as the web app does.
Each answer is in the database as soon as it is given; a finished screening is kept with its
assessment, a stopped one as partial (no verdicts) with its code kept only as a digest, usable
after a restart, once; when the database refuses, staff put the record in a folder that
``import-intakes`` brings in later."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from suitability import Questionnaire, _cli_screen
from suitability.cli import main
from suitability.errors import StorageError
from suitability.web.store import Store

from ..screen_harness import CTRL_C, ENTER, HANG_UP, pick
from ..terminal_steps import IDLE, Runner, runner
from ..test_screen_driver import PERSON, walk
from .records_support import MARKER, all_bytes

START, CONTINUE = ENTER, pick(1)
CLOSE = [pick(2), "CLOSE" + ENTER]
LEAVE = [CTRL_C, pick(1)]  # Ctrl-C, then "Yes, leave for now"
NOTED = ENTER  # "Done" under the code
FINISH = ENTER  # "Finish" under the result
WITH_NOTE = {**PERSON, "notes": MARKER}


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runner:
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


def records(db: Path) -> list[Any]:
    with Store.open(db, create=False) as s:
        return s.records()


def test_patients_in_a_row__complete_and_partial_records_in_the_database(
    run: Runner,
    tmp_path: Path,
    questionnaire: Questionnaire,
    codes: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "clinic" / "records.db"
    seen: list[dict[str, Any]] = []

    def look(keys: str) -> Any:
        def step() -> str:  # before the next question: the answer just given is stored
            [record] = [r for r in records(db) if r.status == "in_progress"]
            seen.append(record.answers)
            return keys

        return step

    goals = walk(questionnaire, {"goals": ["volume"]}, skip=("age",))[0]
    script = [
        START, *walk(questionnaire, WITH_NOTE), FINISH,
        START, "43" + ENTER, look(goals), look(LEAVE[0]), LEAVE[1], NOTED,
        *CLOSE,
    ]  # fmt: skip
    code, _prompter = run(["intake", "--db", str(db)], script)
    assert code == 0
    shown = capsys.readouterr().out
    assert (
        "Intake closed: 1 screening recorded and 1 partial record kept in the records "
        f"database {db}." in shown
    )
    assert seen == [{"age": 43}, {"age": 43, "goals": ["volume"]}]
    assert oct(db.stat().st_mode & 0o777) == "0o600"
    assert oct(db.parent.stat().st_mode & 0o777) == "0o700"
    complete, partial = sorted(records(db), key=lambda r: r.status)
    assert complete.status == "complete" and complete.source == "intake"
    assert complete.answers["notes"] == MARKER and complete.assessment is not None
    assert complete.assessment["verdicts"]["mesotherapy"]["verdict"] == "worth_discussing"
    assert (partial.status, partial.reason, partial.assessment) == ("partial", "interrupted", None)
    assert partial.answers == {"age": 43, "goals": ["volume"]}
    assert codes == ["ACD-EFH"]
    with Store.open(db) as s:
        [[kept]] = s._query("SELECT return_hash FROM screenings WHERE id = ?", (partial.id,))
        entries = s.audit_entries()
    assert kept == hashlib.sha256(b"ACDEFH").hexdigest()  # only the digest is kept
    saved = all_bytes(db)
    assert b"ACDEFH" not in saved and b"ACD-EFH" not in saved
    assert not any(MARKER in e.action for e in entries)

    assert main(["intake", "--list", "--db", str(db)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[-1] == "2 intake(s): 1 complete, 1 partial."
    assert any("PARTIAL (interrupted)" in line and partial.id in line for line in listing)
    assert any(line.startswith(f"{complete.id} ") and " FLAGS" not in line for line in listing)
    assert MARKER not in "\n".join(listing)


def test_code__continues_after_a_restart_once_on_the_same_record(
    run: Runner,
    tmp_path: Path,
    questionnaire: Questionnaire,
    codes: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "records.db"
    run(["intake", "--db", str(db)], [START, "43" + ENTER, *LEAVE, NOTED, *CLOSE])
    [stopped] = records(db)
    rest = walk(questionnaire, WITH_NOTE, skip=("age",))
    script = [
        CONTINUE, "KMN-PRT" + ENTER,  # not its code
        "acd efh" + ENTER, *rest, FINISH,  # its code, typed loosely, in a new run
        CONTINUE, "ACD-EFH" + ENTER, ENTER,  # spent: it matches nothing now
        *CLOSE,
    ]  # fmt: skip
    code, _prompter = run(["intake", "--db", str(db)], script)
    assert code == 0
    shown = capsys.readouterr().out
    assert "Welcome back. Your 1 answer so far is kept" in shown
    assert shown.count("That code does not match a screening that can be continued.") == 2
    [record] = records(db)
    assert record.id == stopped.id and record.status == "complete"
    assert record.answers["age"] == 43 and record.answers["notes"] == MARKER


def test_idle_timeout__partial_for_staff_without_a_code(
    run: Runner, tmp_path: Path, codes: list[str]
) -> None:
    db = tmp_path / "records.db"
    code, _prompter = run(
        ["intake", "--db", str(db), "--idle-timeout", "60"],
        [START, "43" + ENTER, IDLE, *CLOSE],
    )
    assert code == 0 and codes == []
    [record] = records(db)
    assert (record.status, record.reason, record.needs_staff) == ("partial", "idle", True)


def test_leaving_before_any_answer_keeps_nothing(run: Runner, tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    code, _prompter = run(["intake", "--db", str(db)], [START, *LEAVE, *CLOSE])
    assert code == 0 and records(db) == []


def test_closed_terminal__the_partial_is_kept_as_hung_up(run: Runner, tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    code, _prompter = run(["intake", "--db", str(db)], [START, "44" + ENTER, HANG_UP])
    assert code == 130
    [record] = records(db)
    assert (record.status, record.reason, record.answers) == ("partial", "hung up", {"age": 44})


def test_database_refusing_at_the_end__staff_name_a_folder_then_import_it(
    run: Runner,
    tmp_path: Path,
    questionnaire: Questionnaire,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, folder = tmp_path / "records.db", tmp_path / "kept"
    refusal = f"the records database {db}: the disk is full (free some space)"

    def full(*_args: Any) -> None:
        raise StorageError(refusal)

    monkeypatch.setattr(Store, "finish", full)
    script = [
        START, *walk(questionnaire, WITH_NOTE),
        ENTER,  # Enter: try the database again (still full)
        str(folder) + ENTER,  # a folder instead
        FINISH, *CLOSE,
    ]  # fmt: skip
    code, prompter = run(["intake", "--db", str(db)], script)
    assert code == 0
    shown = " ".join(capsys.readouterr().out.split())  # as wrapped at the terminal's width
    assert shown.count(f"The record could not be saved: {refusal}") == 2
    assert any(m.startswith("Staff: type a folder") for m in prompter.messages)
    [saved] = folder.glob("*.json")
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
    [in_progress] = records(db)  # every answer was saved as given; only the end was refused
    assert in_progress.status == "in_progress" and in_progress.answers["notes"] == MARKER

    monkeypatch.undo()
    assert main(["import-intakes", str(folder), "--db", str(db)]) == 0
    [record] = records(db)
    assert record.id == in_progress.id and record.status == "complete"


def test_usage__db_and_out_are_exclusive_and_list_takes_one_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["intake", "--db", str(tmp_path / "r.db"), "--out", str(tmp_path / "out")])
    assert stopped.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert main(["intake", "--list", str(tmp_path), "--db", str(tmp_path / "r.db")]) == 2
    assert main(["intake", "--list"]) == 2
    assert main(["intake"]) == 2
    err = capsys.readouterr().err
    assert "intake --list takes DIR or --db PATH, not both" in err
    assert "intake --list needs DIR or --db PATH" in err
    assert "intake needs --out DIR or --db PATH (or --list)" in err


def test_list_and_intake_of_a_database_that_cannot_be_used_exit_74(
    run: Runner, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing, foreign = tmp_path / "none.db", tmp_path / "foreign.db"
    foreign.write_bytes(b"x" * 4096)
    assert main(["intake", "--list", "--db", str(missing)]) == 74
    assert not missing.exists()
    code, _prompter = run(["intake", "--db", str(foreign)], [])
    assert code == 74
    err = capsys.readouterr().err
    assert f"error: the records database {missing}: there is no such file" in err
    assert f"error: the records database {foreign}: the file is not a records database" in err

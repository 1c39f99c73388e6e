"""``suitability backup``, ``retention`` and ``import-intakes``: a backup that is consistent
while the database is written to, never over an existing file; retention that says how many
records it deleted and audits each by id; importing intake folders once, each bad file named
with its reason and never its contents."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from suitability import Questionnaire
from suitability._cli_screen import _record, _record_text
from suitability.cli import main
from suitability.storage import write_private
from suitability.web.store import Store, now

from ..helpers import BASELINE
from .records_support import MARKER, run_limited, small_disk

Q: dict[str, Any] = {
    "questionnaire_id": "facial",
    "questionnaire_version": "1.2.0",
    "questionnaire_hash": "h",
    "answered_on": dt.date(2026, 11, 30),
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- backup


def test_backup__consistent_while_another_connection_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, dest = tmp_path / "records.db", tmp_path / "copies" / "backup.db"
    dest.parent.mkdir()
    Store.open(db).close()
    stop = threading.Event()
    written = threading.Event()

    def writer() -> None:
        # Each transaction adds two entries: a copy taken mid-transaction would hold an odd number.
        other = sqlite3.connect(db, isolation_level=None, timeout=10)
        while not stop.is_set():
            other.execute("BEGIN IMMEDIATE")
            for _ in range(2):
                other.execute(
                    "INSERT INTO audit (at, actor, action) VALUES ('2026-01-01', 'w', 'pair')"
                )
            other.execute("COMMIT")
            written.set()
        other.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert written.wait(10)
        code, out, err = run(capsys, "backup", str(dest), "--db", str(db))
    finally:
        stop.set()
        thread.join()
    assert (code, err) == (0, "")
    assert out == f"Backup of {db} written to {dest} (only you can read it).\n"
    assert oct(dest.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["backup.db"]  # no -wal, no temp
    copy = sqlite3.connect(dest)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    pairs = copy.execute("SELECT count(*) FROM audit WHERE action = 'pair'").fetchone()[0]
    copy.close()
    assert pairs > 0 and pairs % 2 == 0
    with Store.open(dest) as restored:  # a backup opens as a records database
        assert restored.audit_entries(limit=1)


def test_backup__never_over_an_existing_file_nor_of_a_missing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, dest = tmp_path / "records.db", tmp_path / "backup.db"
    Store.open(db).close()
    dest.write_text("keep me", encoding="utf-8")
    code, _out, err = run(capsys, "backup", str(dest), "--db", str(db))
    assert (code, err) == (1, f"error: {dest}: it exists already; give the name of a new file\n")
    assert dest.read_text(encoding="utf-8") == "keep me"
    missing = tmp_path / "none.db"
    code, _out, err = run(capsys, "backup", str(tmp_path / "b2.db"), "--db", str(missing))
    assert (code, err) == (74, f"error: the records database {missing}: there is no such file\n")
    assert not missing.exists() and not (tmp_path / "b2.db").exists()


# --------------------------------------------------------------------------- retention


def test_retention__deletes_old_records_says_how_many_and_audits_ids_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, settings = tmp_path / "records.db", tmp_path / "settings.yaml"
    settings.write_text("retention_days: 30\n", encoding="utf-8")
    with Store.open(db) as s:
        old = [
            s.new_screening(
                source="web", answers={"notes": MARKER}, started=now() - dt.timedelta(days=d), **Q
            )
            for d in (31, 400)
        ]
        recent = s.new_screening(source="web", answers={"notes": MARKER}, **Q)
    code, out, err = run(capsys, "retention", "--settings", str(settings), "--db", str(db))
    assert (code, err) == (0, "")
    assert out == f"Deleted 2 records started more than 30 days ago from {db}.\n"
    with Store.open(db) as s:
        assert [r.id for r in s.records()] == [recent]
        entries = s.audit_entries()
    assert {e.record_id for e in entries if e.record_id} == set(old)
    assert any(e.action == "retention run: 2 deleted (older than 30 days)" for e in entries)
    assert not any(MARKER in e.action for e in entries)


def test_retention__not_configured_deletes_nothing_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, settings = tmp_path / "records.db", tmp_path / "settings.yaml"
    settings.write_text("clinic_name: Test\n", encoding="utf-8")
    with Store.open(db) as s:
        s.new_screening(source="web", started=now() - dt.timedelta(days=900), **Q)
    code, _out, err = run(capsys, "retention", "--settings", str(settings), "--db", str(db))
    assert code == 1
    assert err == (
        f"error: {settings}: retention_days is not set, so records are kept; nothing was deleted\n"
    )
    with Store.open(db) as s:
        assert len(s.records()) == 1


# --------------------------------------------------------------------------- import-intakes


def intake_file(
    folder: Path,
    q: Questionnaire,
    record_id: str,
    values: dict[str, Any],
    *,
    partial: bool = False,
) -> dict[str, Any]:
    """A record as ``intake --out`` writes it."""
    started = dt.datetime(2026, 11, 30, 9, 15, 0)
    status, reason = ("partial", "interrupted") if partial else ("complete", None)
    record = _record(record_id, status, reason, started, q, values)
    write_private(
        (folder / "partial" if partial else folder) / f"{record_id}.json", _record_text(record)
    )
    return record


def test_import__once_with_bad_files_named_and_skipped_never_quoted(
    tmp_path: Path, questionnaire: Questionnaire, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, db = tmp_path / "intake", tmp_path / "records.db"
    first = intake_file(folder, questionnaire, "20261130-091500-aa11", {**BASELINE})
    intake_file(folder, questionnaire, "20261130-092000-bb22", {**BASELINE, "pregnant": "yes"})
    stopped = intake_file(
        folder, questionnaire, "20261130-093000-cc33", {"age": 50, "notes": MARKER}, partial=True
    )
    (folder / "broken.json").write_text('{"id": "' + MARKER, encoding="utf-8")
    renamed = dict(first, id="20261130-000000-zz99")
    (folder / "elsewhere.json").write_text(json.dumps(renamed), encoding="utf-8")
    unfit = dict(stopped, id="unfit")
    unfit["answers"] = dict(stopped["answers"], answers={"age": MARKER})
    (folder / "partial" / "unfit.json").write_text(json.dumps(unfit), encoding="utf-8")

    code, out, err = run(capsys, "import-intakes", str(folder), "--db", str(db))
    assert code == 1
    assert err.splitlines() == [
        f"error: {folder / 'broken.json'}: is not valid JSON (line 1); skipped",
        f"error: {folder / 'elsewhere.json'}: id: it is not this file's name, or not an "
        "intake record's id; skipped",
        f"error: {folder / 'partial' / 'unfit.json'}: its answers do not fit the "
        "questionnaire: answers.age: expected a whole number from 10 to 110 (years) (or "
        "'not_sure' or 'prefer_not_to_say'); skipped",
    ]
    assert MARKER not in out + err
    assert out == (
        f"Imported 3 records from {folder} into {db}; 0 were there already; 3 files skipped.\n"
    )
    with Store.open(db) as s:
        records = {r.id: r for r in s.records()}
        entries = s.audit_entries()
    assert set(records) == {"20261130-091500-aa11", "20261130-092000-bb22", "20261130-093000-cc33"}
    done = records["20261130-091500-aa11"]
    assert done.status == "complete" and done.assessment == first["assessment"]
    assert done.started == dt.datetime(2026, 11, 30, 9, 15).astimezone()
    assert done.source == "intake" and done.answers == first["answers"]["answers"]
    partial = records["20261130-093000-cc33"]
    assert (partial.status, partial.reason, partial.assessment) == ("partial", "interrupted", None)
    assert partial.answers == {"age": 50, "notes": MARKER}
    assert sorted(e.record_id or "" for e in entries) == sorted(records)
    assert not any(MARKER in e.action for e in entries)

    code, out, _err = run(capsys, "import-intakes", str(folder), "--db", str(db))
    assert code == 1
    assert out == (
        f"Imported 0 records from {folder} into {db}; 3 were there already; 3 files skipped.\n"
    )
    for bad in ("broken.json", "elsewhere.json", "partial/unfit.json"):
        (folder / bad).unlink()
    code, out, err = run(capsys, "import-intakes", str(folder), "--db", str(db))
    assert (code, err) == (0, "")
    with Store.open(db) as s:
        assert len(s.records()) == 3


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda r: [r], "is not an intake record (not a JSON object)"),
        (
            lambda r: {**r, "status": "partial"},
            "status: only complete records belong in the folder itself",
        ),
        (lambda r: {**r, "started": MARKER}, "started or finished: not a date and time"),
        (lambda r: {**r, "questionnaire": MARKER}, "questionnaire: missing, or not an object"),
        (
            lambda r: {**r, "questionnaire": {**r["questionnaire"], "version": 3}},
            "questionnaire.version: missing, or not text",
        ),
        (lambda r: {**r, "answers": [MARKER]}, "answers: missing, or not an object"),
        (lambda r: {**r, "reason": MARKER * 10}, "reason: not a short text"),
        (
            lambda r: {**r, "assessment": {**r["assessment"], "verdicts": MARKER}},
            "assessment: not an assessment this version can read",
        ),
    ],
)
def test_import__each_kind_of_bad_record_is_named_never_quoted(
    tmp_path: Path,
    questionnaire: Questionnaire,
    capsys: pytest.CaptureFixture[str],
    change: Any,
    reason: str,
) -> None:
    folder, db = tmp_path / "intake", tmp_path / "records.db"
    rid = "20261130-110000-ee55"
    record = intake_file(folder, questionnaire, rid, {**BASELINE, "notes": MARKER})
    (folder / f"{rid}.json").write_text(json.dumps(change(record)), encoding="utf-8")
    code, _out, err = run(capsys, "import-intakes", str(folder), "--db", str(db))
    assert (code, err) == (1, f"error: {folder / (rid + '.json')}: {reason}; skipped\n")
    assert records_in(db) == 0


def test_import__files_that_are_not_text_or_repeat_a_key_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, db = tmp_path / "intake", tmp_path / "records.db"
    folder.mkdir()
    (folder / "binary.json").write_bytes(b"\xff\xfe" + MARKER.encode())
    (folder / "twice.json").write_text(f'{{"id": "{MARKER}", "id": "x"}}', encoding="utf-8")
    code, out, err = run(capsys, "import-intakes", str(folder), "--db", str(db))
    assert code == 1 and MARKER not in out + err
    binary, twice = err.splitlines()
    assert binary == f"error: {folder / 'binary.json'}: is not UTF-8 text; skipped"
    assert twice == f"error: {folder / 'twice.json'}: id: given twice; skipped"


def records_in(db: Path) -> int:
    with Store.open(db) as s:
        return len(s.records())


def test_import__a_partial_imported_then_finished_is_completed(
    tmp_path: Path, questionnaire: Questionnaire, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, db = tmp_path / "intake", tmp_path / "records.db"
    rid = "20261130-100000-dd44"
    intake_file(folder, questionnaire, rid, {"age": 50}, partial=True)
    assert run(capsys, "import-intakes", str(folder), "--db", str(db))[0] == 0
    (folder / "partial" / f"{rid}.json").unlink()
    intake_file(folder, questionnaire, rid, {**BASELINE})
    code, out, _err = run(capsys, "import-intakes", str(folder), "--db", str(db))
    assert code == 0 and out.startswith(f"Imported 1 record from {folder}")
    with Store.open(db) as s:
        [record] = s.records()
    assert record.status == "complete" and record.assessment is not None


def test_import__of_a_missing_folder_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "import-intakes", str(tmp_path / "no"), "--db", str(tmp_path))
    assert (code, err) == (1, f"error: {tmp_path / 'no'}: not a folder of intake records\n")


def test_import__onto_a_full_disk_exits_74_naming_the_database(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    folder = tmp_path / "intake"
    for n in range(60):
        intake_file(folder, questionnaire, f"20261130-100000-{n:04d}", {**BASELINE, "age": 20 + n})
    with small_disk(tmp_path) as (disk, limit):
        db = disk / "records.db"
        shown = run_limited(
            f"""
            from suitability.cli import main
            print("EXIT", main(["import-intakes", {str(folder)!r}, "--db", {str(db)!r}]))
            """,
            limit,
        )
    assert "EXIT 74" in shown.splitlines(), shown
    [message] = [line for line in shown.splitlines() if line.startswith("error:")]
    assert message.startswith(f"error: the records database {db}: the disk ")
    assert "full" in message

"""The records store: private files, write-ahead logging, migrations from the first release,
a newer database refused, every failure of SQLite told as a StorageError that names the
database and the reason (and never an answer), staff and API tokens kept as hashes only."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from suitability.errors import StorageError
from suitability.web import passwords, store
from suitability.web.store import MIGRATIONS, SCHEMA_VERSION, Store

from .records_support import MARKER, all_bytes, fast_hasher, run_limited, small_disk

__all__ = ["fast_hasher"]  # a fixture, used by name

Q = {
    "questionnaire_id": "facial",
    "questionnaire_version": "1.2.0",
    "questionnaire_hash": "abc",
    "answered_on": dt.date(2026, 11, 30),
}


def new(s: Store, answers: dict[str, Any] | None = None, **extra: Any) -> str:
    return s.new_screening(source="web", answers=answers or {"notes": MARKER}, **Q, **extra)


def build_v1(path: Path) -> None:
    """A database as the first release left it: its one step applied, version 1, one record."""
    db = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("PRAGMA user_version=1")
    db.execute(
        "INSERT INTO screenings (id, started, updated, status, source, questionnaire_id, "
        "questionnaire_version, questionnaire_hash, answered_on, answers) VALUES "
        "('old', '2026-01-02T03:04:05+00:00', '2026-01-02T03:04:05+00:00', 'partial', 'intake', "
        "'facial', '1.1.0', 'h', '2026-01-02', '{\"age\": 40}')"
    )
    db.execute("INSERT INTO staff VALUES ('ann', '$argon2id$x', '2026-01-02T03:04:05+00:00')")
    db.close()


# --------------------------------------------------------------------------- files


def test_open__file_0600_new_folders_0700_and_write_ahead_logging(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "records.db"
    with Store.open(path) as s:
        new(s)
        assert s.journal_mode == "wal"
        wal = path.with_name("records.db-wal")
        assert wal.exists() and oct(wal.stat().st_mode & 0o777) == "0o600"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    for folder in (tmp_path / "a", tmp_path / "a" / "b"):
        assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_open__without_create_a_missing_file_is_named_and_not_made(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    with pytest.raises(StorageError) as caught:
        Store.open(path, create=False)
    assert str(caught.value) == f"the records database {path}: there is no such file"
    assert not path.exists()


# --------------------------------------------------------------------------- schema


def test_migration__a_version_1_database_is_brought_up_to_date_with_its_records(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v1.db"
    build_v1(path)
    with Store.open(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        old = s.get("old")
        assert old is not None and old.answers == {"age": 40} and old.status == "partial"
        assert s.staff_names() == ["ann"]
        new(s)  # and it takes new records
        assert len(s.records()) == 2


def test_migration__a_later_step_runs_on_a_version_1_database_keeping_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v1.db"
    build_v1(path)
    step = "ALTER TABLE staff ADD COLUMN note TEXT; UPDATE staff SET note = 'moved'"
    monkeypatch.setattr(store, "MIGRATIONS", (*MIGRATIONS, step))
    monkeypatch.setattr(store, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Store.open(path) as s:
        assert s.schema_version == SCHEMA_VERSION + 1
        assert s._query("SELECT name, note FROM staff")[0][:] == ("ann", "moved")
        assert s.get("old") is not None


def test_migration__a_failing_step_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v1.db"
    build_v1(path)
    step = "ALTER TABLE staff ADD COLUMN note TEXT; INSERT INTO nowhere VALUES (1)"
    monkeypatch.setattr(store, "MIGRATIONS", (*MIGRATIONS, step))
    monkeypatch.setattr(store, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StorageError) as caught:
        Store.open(path)
    assert str(caught.value).startswith(f"the records database {path}: ")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert [r[1] for r in db.execute("PRAGMA table_info(staff)")] == [
        "name",
        "password_hash",
        "created",
    ]
    db.close()


def test_newer_schema__refused_by_name_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    build_v1(path)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StorageError) as caught:
        Store.open(path)
    assert str(caught.value) == (
        f"the records database {path}: it is of schema version {SCHEMA_VERSION + 1}, newer "
        f"than this program knows ({SCHEMA_VERSION}); it was left unchanged. Use a newer "
        "version of suitability."
    )
    assert path.read_bytes() == before


# --------------------------------------------------------------------------- faults


def test_not_a_database__named_with_the_reason_never_the_contents(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text(f"my answers: {MARKER}\n" * 200, encoding="utf-8")
    with pytest.raises(StorageError) as caught:
        Store.open(path)
    assert str(caught.value) == (f"the records database {path}: the file is not a records database")


def test_damaged_file__told_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    with Store.open(path) as s:
        for _ in range(200):
            new(s, {"notes": MARKER * 20})
    size = path.stat().st_size
    with path.open("r+b") as handle:  # every page but the first (the schema) scribbled over
        handle.seek(4096)
        handle.write(b"\xff" * (size - 4096))
    with pytest.raises(StorageError) as caught, Store.open(path) as s:
        s.records()
    message = str(caught.value)
    assert message.startswith(f"the records database {path}: ")
    assert "damaged" in message and MARKER not in message


def test_damaged_row__told_as_damage_without_what_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    with Store.open(path) as s:
        rid = new(s)
        s._db.execute(
            "UPDATE screenings SET answers = ?, started = ? WHERE id = ?",
            ('{"notes": "' + MARKER, MARKER, rid),
        )
        for read in (lambda: s.get(rid), s.records):
            with pytest.raises(StorageError) as caught:
                read()
            assert str(caught.value) == (
                f"the records database {path}: a stored record is damaged (restore a backup)"
            )


def test_locked_by_another_program__a_clear_message_not_a_hang(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    s = Store.open(path, busy_timeout=0.05)
    rid = new(s)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError) as caught:
            s.save_answers(rid, {"notes": MARKER + "!"})
        with pytest.raises(StorageError) as opening:
            Store.open(path, busy_timeout=0.05)
    finally:
        other.execute("ROLLBACK")
        other.close()
    locked = (
        f"the records database {path}: it is locked by another program "
        "(try again when that program has finished)"
    )
    assert str(caught.value) == locked and str(opening.value) == locked
    record = s.get(rid)
    assert record is not None and record.answers == {"notes": MARKER}  # the last one kept
    s.close()


def test_read_only__writes_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    with Store.open(path) as s:
        rid = new(s)
        s._db.execute("PRAGMA query_only=1")  # as a read-only file or mount behaves
        with pytest.raises(StorageError) as caught:
            s.save_answers(rid, {"notes": MARKER + "!"})
        assert str(caught.value) == (
            f"the records database {path}: it is read-only here (check the permissions of "
            "the file and of its folder)"
        )
        record = s.get(rid)
        assert record is not None and record.answers == {"notes": MARKER}


def test_full_disk__a_clear_message_and_the_answers_already_saved_are_kept(
    tmp_path: Path,
) -> None:
    with small_disk(tmp_path) as (folder, limit):
        path = folder / "records.db"
        shown = run_limited(
            f"""
            from suitability.errors import StorageError
            from suitability.web.store import Store
            import datetime as dt
            s = Store.open({str(path)!r})
            kept = 0
            try:
                for n in range(10_000):
                    s.new_screening(source="web", questionnaire_id="q",
                        questionnaire_version="1", questionnaire_hash="h",
                        answered_on=dt.date(2026, 1, 1), answers={{"notes": {MARKER!r} * 50}})
                    kept += 1
            except StorageError as exc:
                print("REFUSED:", exc)
            print("KEPT:", kept, "READ BACK:", len(s.records(limit=100_000)))
            """,
            limit,
        )
    refused = next(line for line in shown.splitlines() if line.startswith("REFUSED:"))
    assert refused.startswith(f"REFUSED: the records database {path}: the disk ")
    assert "full" in refused and MARKER not in refused
    kept, read_back = (int(w) for w in shown.split("KEPT:")[1].split("READ BACK:"))
    assert kept > 0 and read_back == kept


def test_reasons_never_quote_a_value_bound_to_the_statement() -> None:
    s = Store.in_memory()
    rid = new(s)
    with pytest.raises(StorageError) as caught:  # a duplicate id: SQLite's own words, no value
        s.new_screening(source="web", record_id=rid, answers={"notes": MARKER}, **Q)
    assert MARKER not in str(caught.value) and rid not in str(caught.value)
    assert str(caught.value).startswith("the in-memory records database: ")


# --------------------------------------------------------------------------- staff and tokens


def test_staff__added_once_password_replaced_removed_with_sessions_and_tokens(
    fast_hasher: Any,
) -> None:
    s = Store.in_memory()
    assert s.add_staff("ann", passwords.hash_password("first password"))
    assert not s.add_staff("ann", "x")  # the name is taken: nothing changed
    assert s.staff_names() == ["ann"]
    assert passwords.verify(s.staff_hash("ann"), "first password")
    assert s.set_password("ann", passwords.hash_password("second password"))
    assert not s.set_password("bob", "x")
    assert passwords.verify(s.staff_hash("ann"), "second password")
    assert not passwords.verify(s.staff_hash("ann"), "first password")
    token, _session = s.new_session("staff", staff="ann")
    token_id, secret = s.add_token("ann", "booking")
    assert s.token_staff(secret) == "ann"
    assert s.remove_staff("ann") and not s.remove_staff("ann")
    assert s.session(token) is None and s.token_staff(secret) is None
    [listed] = s.tokens()
    assert listed.id == token_id and listed.revoked is not None
    assert s.staff_hash("ann") is None and s.staff_names() == []


def test_tokens__only_their_digest_is_kept_and_revoking_ends_them(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    with Store.open(path) as s:
        s.add_staff("ann", "$argon2id$stand-in")
        token_id, secret = s.add_token("ann", "booking system")
        other_id, other = s.add_token("ann")
        assert len(secret) >= 40 and token_id != other_id and secret != other
        assert s.token_staff(secret) == "ann" and s.token_staff(secret + "x") is None
        kept = s._query("SELECT token_hash FROM tokens WHERE id = ?", (token_id,))[0][0]
        assert kept == hashlib.sha256(secret.encode()).hexdigest()
        assert secret.encode() not in all_bytes(path)
        assert s.revoke_token(token_id) and not s.revoke_token(token_id)
        assert not s.revoke_token("no-such-token")
        assert s.token_staff(secret) is None and s.token_staff(other) == "ann"
        assert {(t.id, t.label, t.revoked is None) for t in s.tokens()} == {
            (token_id, "booking system", False),
            (other_id, None, True),
        }
        with pytest.raises(StorageError):
            s.add_token("nobody")


# --------------------------------------------------------------------------- retention, import


def test_purge__deletes_old_records_and_audits_each_by_id_only() -> None:
    s = Store.in_memory()
    old = new(s, started=store.now() - dt.timedelta(days=40))
    recent = new(s)
    assert s.purge_older_than(30, actor="tester") == 1
    assert s.get(old) is None and s.get(recent) is not None
    [entry] = s.audit_entries()
    assert (entry.actor, entry.record_id) == ("tester", old)
    assert MARKER not in entry.action


def test_import__keeps_ids_and_times_and_never_imports_twice() -> None:
    s = Store.in_memory()
    started = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)
    fields: dict[str, Any] = {
        "record_id": "20260304-050607-ab12",
        "reason": "interrupted",
        "source": "intake",
        "started": started,
        "finished": started + dt.timedelta(minutes=5),
        "questionnaire_id": "facial",
        "questionnaire_version": "1.2.0",
        "questionnaire_hash": "h",
        "answered_on": started.date(),
        "answers": {"age": 40},
    }
    assert s.import_screening(status="partial", assessment_json=None, **fields) == "added"
    assert s.import_screening(status="partial", assessment_json=None, **fields) == "kept"
    done = {**fields, "reason": None, "answers": {"age": 41}}
    assessment = '{"verdicts": {}}'
    assert s.import_screening(status="complete", assessment_json=assessment, **done) == "completed"
    assert s.import_screening(status="complete", assessment_json=assessment, **done) == "kept"
    assert s.import_screening(status="partial", assessment_json=None, **fields) == "kept"
    [record] = s.records()
    assert record.status == "complete" and record.answers == {"age": 41}
    assert record.started == started and record.assessment == {"verdicts": {}}


def test_a_store_nobody_closed__its_connection_is_closed_with_it() -> None:
    # Python 3.13 warns about a connection collected open; the store closes its own.
    store = Store.in_memory()
    connection = store._db
    del store
    gc.collect()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        connection.execute("SELECT 1")

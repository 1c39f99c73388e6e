"""Where the web app, the terminal intake and the practitioner's desk keep their records.

One SQLite file by default (mode 0600 in a folder of mode 0700, write-ahead logging), behind a
small class so another database could stand in later. Every answer is written as it is given;
nothing the server holds in memory would be lost by a restart.

The schema carries a version, and ``MIGRATIONS`` lists the steps from the first release on: a
database of an older version is brought up to date when it is opened, inside one transaction,
and a database newer than this program is refused rather than misread.

A finished screening's assessment is large (100-200 KB of JSON), so lists never read it: each
record also keeps its headline (every treatment's verdict, fit and name, and the titles of
the things to mention), and a record's assessment is parsed only when it is asked for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .._json import dumps_compact
from ..errors import StorageError
from ..storage import make_private_folders

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AuditEntry",
    "Record",
    "Session",
    "Store",
    "Token",
    "digest",
    "headline_of",
    "now",
    "record_json",
]


def _add_headlines(db: sqlite3.Connection) -> None:
    """1 -> 2: every record keeps its headline beside its assessment, so that lists need not
    read the assessments; the records there already get theirs, one record at a time."""
    db.execute("ALTER TABLE screenings ADD COLUMN headline TEXT")
    ids = [row[0] for row in db.execute("SELECT id FROM screenings WHERE assessment IS NOT NULL")]
    for record_id in ids:
        (text,) = db.execute(
            "SELECT assessment FROM screenings WHERE id = ?", (record_id,)
        ).fetchone()
        db.execute(
            "UPDATE screenings SET headline = ? WHERE id = ?", (headline_text(text), record_id)
        )


# Each step takes the database from version N to N + 1 (the list index is N): SQL statements,
# or a function given the connection inside the migration's transaction. Steps are never edited
# once released: a change is a new step.
MIGRATIONS: tuple[str | Callable[[sqlite3.Connection], None], ...] = (
    # 0 -> 1: the first release.
    """
    CREATE TABLE screenings (
        id TEXT PRIMARY KEY,
        started TEXT NOT NULL,
        updated TEXT NOT NULL,
        finished TEXT,
        status TEXT NOT NULL CHECK (status IN ('in_progress', 'partial', 'complete')),
        reason TEXT,
        source TEXT NOT NULL,
        reference TEXT,
        questionnaire_id TEXT NOT NULL,
        questionnaire_version TEXT NOT NULL,
        questionnaire_hash TEXT NOT NULL,
        answered_on TEXT NOT NULL,
        answers TEXT NOT NULL,
        assessment TEXT,
        reviewed_by TEXT,
        reviewed_at TEXT,
        needs_staff INTEGER NOT NULL DEFAULT 0,
        return_hash TEXT,
        return_expires TEXT
    );
    CREATE INDEX screenings_started ON screenings (started);
    CREATE UNIQUE INDEX screenings_return ON screenings (return_hash)
        WHERE return_hash IS NOT NULL;
    CREATE TABLE staff (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        staff TEXT NOT NULL,
        label TEXT,
        created TEXT NOT NULL,
        revoked TEXT
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('patient', 'staff')),
        screening_id TEXT,
        staff TEXT,
        csrf TEXT NOT NULL,
        created TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        record_id TEXT
    );
    CREATE TABLE throttle (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        blocked_until TEXT NOT NULL
    );
    """,
    # 1 -> 2
    _add_headlines,
)
SCHEMA_VERSION = len(MIGRATIONS)


def now() -> dt.datetime:
    """The current time, in UTC (records and sessions compare times across restarts)."""
    return dt.datetime.now(dt.timezone.utc)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def _from_iso(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def digest(secret: str) -> str:
    """What the database keeps of a session token, API token or return code: a copy of the
    database never holds a secret that opens anything. (High-entropy secrets only: a password
    is hashed with argon2 instead.)"""
    return hashlib.sha256(secret.encode()).hexdigest()


def headline_of(assessment: Any) -> dict[str, Any] | None:
    """What a list shows of an assessment (its JSON data): ``{"verdicts": {treatment: [verdict,
    fit, name]}, "flags": [title, ...]}``; None when it cannot be read as an assessment."""
    try:
        verdicts = {
            str(t): [str(v["verdict"]), str(v["fit"]), str(v["name"])]
            for t, v in assessment["verdicts"].items()
        }
        flags = [str(f["title"]) for f in assessment["flags"]]
    except (KeyError, TypeError, AttributeError):
        return None
    return {"verdicts": verdicts, "flags": flags}


def headline_text(assessment_json: str | None) -> str | None:
    """:func:`headline_of` an assessment's stored JSON, as JSON; None for none or an unreadable
    one (which the record's own view then says it cannot read)."""
    if assessment_json is None:
        return None
    try:
        found = headline_of(json.loads(assessment_json))
    except ValueError:
        return None
    return None if found is None else _dumps(found)


@dataclass(frozen=True)
class Record:
    """One screening, as stored: its answers (the answers file's mapping of question ids to
    values), and once it is complete its assessment and headline (see :func:`headline_of`).

    The assessment's JSON is parsed when ``assessment`` is first read. A record read for a list
    (``Store.records(..., assessments=False)``) holds no assessment: reading it is an error."""

    id: str
    started: dt.datetime
    updated: dt.datetime
    finished: dt.datetime | None
    status: str
    reason: str | None
    source: str
    reference: str | None
    questionnaire_id: str
    questionnaire_version: str
    questionnaire_hash: str
    answered_on: dt.date
    answers: dict[str, Any]
    assessment_json: str | None = field(repr=False)
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    needs_staff: bool
    headline: dict[str, Any] | None = None
    with_assessment: bool = True
    where: str = field(default="the records database", repr=False, compare=False)

    @cached_property
    def assessment(self) -> dict[str, Any] | None:
        """The assessment's JSON data (None before the record is complete)."""
        if not self.with_assessment:
            raise RuntimeError("this record was read for a list, without its assessment")
        if self.assessment_json is None:
            return None
        try:
            data: dict[str, Any] = json.loads(self.assessment_json)
        except ValueError:
            raise StorageError(
                f"{self.where}: a stored record is damaged (restore a backup)"
            ) from None
        return data


@dataclass(frozen=True)
class Session:
    """A browser's session: a patient's is bound to one screening, a staff member's to a name."""

    kind: str
    screening_id: str | None
    staff: str | None
    csrf: str
    created: dt.datetime
    last_seen: dt.datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    action: str
    record_id: str | None


@dataclass(frozen=True)
class Token:
    """An API token as listed: never its secret, which only its holder has."""

    id: str
    staff: str
    label: str | None
    created: dt.datetime
    revoked: dt.datetime | None


def _record(row: sqlite3.Row, where: str) -> Record:
    keys = row.keys()
    return Record(
        id=row["id"],
        started=_from_iso(row["started"]),
        updated=_from_iso(row["updated"]),
        finished=_from_iso(row["finished"]) if row["finished"] else None,
        status=row["status"],
        reason=row["reason"],
        source=row["source"],
        reference=row["reference"],
        questionnaire_id=row["questionnaire_id"],
        questionnaire_version=row["questionnaire_version"],
        questionnaire_hash=row["questionnaire_hash"],
        answered_on=dt.date.fromisoformat(row["answered_on"]),
        answers=json.loads(row["answers"]),
        assessment_json=(row["assessment"] or None) if "assessment" in keys else None,
        reviewed_by=row["reviewed_by"],
        reviewed_at=_from_iso(row["reviewed_at"]) if row["reviewed_at"] else None,
        needs_staff=bool(row["needs_staff"]),
        headline=json.loads(row["headline"]) if row["headline"] else None,
        with_assessment="assessment" in keys,
        where=where,
    )


def record_json(record: Record) -> dict[str, Any]:
    """A record as the desk exports it and ``intake --show`` reads it: what it holds, answers
    and assessment included."""

    def iso(moment: dt.datetime | None) -> str | None:
        return moment.isoformat() if moment is not None else None

    return {
        "id": record.id,
        "reference": record.reference,
        "status": record.status,
        "reason": record.reason,
        "source": record.source,
        "started": iso(record.started),
        "finished": iso(record.finished),
        "questionnaire": {
            "id": record.questionnaire_id,
            "version": record.questionnaire_version,
            "content_hash": record.questionnaire_hash,
        },
        "answered_on": record.answered_on.isoformat(),
        "answers": record.answers,
        "assessment": record.assessment,
        "reviewed_by": record.reviewed_by,
        "reviewed_at": iso(record.reviewed_at),
    }


# Every column but the assessment (a constant of this module: never built from input).
_LIST_COLUMNS = (
    "id, started, updated, finished, status, reason, source, reference, questionnaire_id, "
    "questionnaire_version, questionnaire_hash, answered_on, answers, reviewed_by, reviewed_at, "
    "needs_staff, headline"
)


def _dumps(value: Any) -> str:
    return dumps_compact(value)


class Store:
    """The records database. Thread-safe: one connection, used under a lock (SQLite writes one
    transaction at a time anyway, and the web server's threads each hold it briefly).

    Every failure of the database underneath (a full disk, a read-only or locked file, a
    damaged file or one that is not a database) is raised as StorageError, naming the database
    and the reason in plain words; never with anything a record holds."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self.path = path
        # The connection lives as long as this object: closed with it when nobody closed it
        # (a test's store, a caller that forgot), rather than left to Python 3.13's warning
        # about a connection collected open.
        weakref.finalize(self, _close_quietly, connection)
        self.name = f"the records database {path}" if path else "the in-memory records database"

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, busy_timeout: float = 10.0) -> Store:
        """Opens (creating if need be, unless ``create`` is false) the database at ``path``:
        the file mode 0600, a new folder 0700, write-ahead logging, and the schema brought up
        to date. ``busy_timeout`` is how long a write waits for another program's."""
        target = Path(path)
        name = f"the records database {target}"
        if not create and not target.is_file():
            raise StorageError(f"{name}: there is no such file")
        try:
            make_private_folders(target.parent)
            # Created here with 0600 before SQLite opens it, whatever the umask; SQLite's own
            # -wal and -shm files take the main file's permissions.
            fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            try:
                os.fchmod(fd, 0o600)
            finally:
                os.close(fd)
            connection = sqlite3.connect(
                target, check_same_thread=False, isolation_level=None, timeout=busy_timeout
            )
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"{name}: cannot be opened: {_reason(exc)}") from None
        store = cls(connection, target)
        try:
            store._prepare(wal=True)
        except BaseException:
            connection.close()
            raise
        return store

    @classmethod
    def in_memory(cls) -> Store:
        """A database that lives as long as the object (for tests and the benchmark)."""
        store = cls(
            sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None), None
        )
        store._prepare(wal=False)
        return store

    def _prepare(self, *, wal: bool) -> None:
        self._db.row_factory = sqlite3.Row
        try:
            # Read before anything is changed, so that a newer database is left as it is
            # (switching to write-ahead logging rewrites the file's header).
            self._refuse_newer(int(self._db.execute("PRAGMA user_version").fetchone()[0]))
            if wal:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA synchronous=FULL")  # an answer given is an answer kept
        except sqlite3.Error as exc:
            raise self._fault(exc) from None
        self.migrate()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._query("PRAGMA user_version")[0][0])

    @property
    def journal_mode(self) -> str:
        return str(self._query("PRAGMA journal_mode")[0][0])

    def migrate(self) -> None:
        """Brings the schema up to date in one transaction: a step that fails leaves the
        database as it was. A database newer than this program is refused, unchanged."""
        with self._transaction() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            self._refuse_newer(version)
            if version == SCHEMA_VERSION:
                return
            for step in MIGRATIONS[version:]:
                if callable(step):
                    step(db)
                    continue
                for statement in _statements(step):
                    db.execute(statement)
            # PRAGMA takes no parameters; the value is this module's own integer.
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION:d}")

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"{self.name}: it is of schema version {version}, newer than this program "
                f"knows ({SCHEMA_VERSION}); it was left unchanged. Use a newer version of "
                "suitability."
            )

    def close(self) -> None:
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._db.close()

    def _fault(self, exc: sqlite3.Error | OSError | ValueError) -> StorageError:
        if isinstance(exc, ValueError):  # its text may quote what was stored: never shown
            return StorageError(f"{self.name}: a stored record is damaged (restore a backup)")
        return StorageError(f"{self.name}: {_reason(exc)}")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; any database failure inside it rolls it back and is raised
        as StorageError."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._fault(exc) from None
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException as exc:
                if self._db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                if isinstance(exc, (sqlite3.Error, ValueError)):
                    raise self._fault(exc) from None
                raise

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return list(self._db.execute(sql, params).fetchall())
            except sqlite3.Error as exc:
                raise self._fault(exc) from None

    def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._transaction() as db:
            return db.execute(sql, params).rowcount

    def _records(self, rows: list[sqlite3.Row]) -> list[Record]:
        try:
            return [_record(row, self.name) for row in rows]
        except (ValueError, TypeError, KeyError):
            raise self._fault(ValueError()) from None

    # ------------------------------------------------------------------ screenings

    def new_screening(
        self,
        *,
        source: str,
        questionnaire_id: str,
        questionnaire_version: str,
        questionnaire_hash: str,
        answered_on: dt.date,
        reference: str | None = None,
        answers: dict[str, Any] | None = None,
        record_id: str | None = None,
        started: dt.datetime | None = None,
    ) -> str:
        """Starts a record (status ``in_progress``) and returns its id: 128 random bits, so
        that one person's id never leads to another's."""
        rid = record_id or secrets.token_urlsafe(16)
        at = _iso(started or now())
        self._write(
            "INSERT INTO screenings (id, started, updated, status, source, reference, "
            "questionnaire_id, questionnaire_version, questionnaire_hash, answered_on, answers) "
            "VALUES (?, ?, ?, 'in_progress', ?, ?, ?, ?, ?, ?, ?)",
            (
                rid,
                at,
                at,
                source,
                reference,
                questionnaire_id,
                questionnaire_version,
                questionnaire_hash,
                answered_on.isoformat(),
                _dumps(answers or {}),
            ),
        )
        return rid

    def save_answers(self, record_id: str, answers: dict[str, Any]) -> None:
        """Replaces the answers of an unfinished record (called as each answer is given)."""
        changed = self._write(
            "UPDATE screenings SET answers = ?, updated = ? WHERE id = ? AND status != 'complete'",
            (_dumps(answers), _iso(now()), record_id),
        )
        if changed != 1:
            raise StorageError(f"{self.name}: that screening is finished or no longer exists")

    def finish(self, record_id: str, answers: dict[str, Any], assessment_json: str) -> None:
        """Marks a record complete with its final answers and assessment (JSON text)."""
        at = _iso(now())
        headline = headline_text(assessment_json)
        changed = self._write(
            "UPDATE screenings SET answers = ?, assessment = ?, headline = ?, "
            "status = 'complete', reason = NULL, finished = ?, updated = ?, needs_staff = 0, "
            "return_hash = NULL, return_expires = NULL WHERE id = ?",
            (_dumps(answers), assessment_json, headline, at, at, record_id),
        )
        if changed != 1:
            raise StorageError(f"{self.name}: that screening no longer exists")

    def mark_partial(self, record_id: str, reason: str, *, needs_staff: bool = False) -> None:
        """Sets an unfinished record aside (left, timed out, interrupted): answers, no verdicts."""
        self._write(
            "UPDATE screenings SET status = 'partial', reason = ?, updated = ?, needs_staff = ?, "
            "assessment = NULL, headline = NULL WHERE id = ? AND status != 'complete'",
            (reason, _iso(now()), int(needs_staff), record_id),
        )

    def reopen(self, record_id: str) -> None:
        """A partial record taken up again (by return code, or by staff for the patient)."""
        self._write(
            "UPDATE screenings SET status = 'in_progress', reason = NULL, needs_staff = 0, "
            "updated = ? WHERE id = ? AND status = 'partial'",
            (_iso(now()), record_id),
        )

    def get(self, record_id: str) -> Record | None:
        rows = self._query("SELECT * FROM screenings WHERE id = ?", (record_id,))
        return self._records(rows)[0] if rows else None

    def records(
        self,
        *,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int = 500,
        offset: int = 0,
        assessments: bool = True,
    ) -> list[Record]:
        """Records started in [since, until), newest first, from the ``offset``-th on. With
        ``assessments=False`` (for a list) the assessments are not read: each record has its
        headline, and reading its ``assessment`` is an error."""
        rows = self._query(
            f"SELECT {'*' if assessments else _LIST_COLUMNS} FROM screenings "
            "WHERE started >= ? AND started < ? ORDER BY started DESC, id LIMIT ? OFFSET ?",
            (
                _iso(since) if since else "",
                _iso(until) if until else "~",
                limit,
                offset,
            ),
        )
        return self._records(rows)

    def record_ids(self) -> list[str]:
        """Every record's id, oldest first."""
        return [row[0] for row in self._query("SELECT id FROM screenings ORDER BY started, id")]

    def mark_reviewed(self, record_id: str, staff: str) -> bool:
        return (
            self._write(
                "UPDATE screenings SET reviewed_by = ?, reviewed_at = ? WHERE id = ?",
                (staff, _iso(now()), record_id),
            )
            == 1
        )

    def delete(self, record_id: str) -> bool:
        with self._transaction() as db:
            db.execute("DELETE FROM sessions WHERE screening_id = ?", (record_id,))
            return db.execute("DELETE FROM screenings WHERE id = ?", (record_id,)).rowcount == 1

    def purge_older_than(self, days: int, *, actor: str | None = None) -> int:
        """Deletes records started more than ``days`` days ago; returns how many. With an
        ``actor``, each deletion is audited in the same transaction (by id, nothing more)."""
        cutoff = _iso(now() - dt.timedelta(days=days))
        with self._transaction() as db:
            doomed = [
                str(row[0])
                for row in db.execute("SELECT id FROM screenings WHERE started < ?", (cutoff,))
            ]
            db.execute(
                "DELETE FROM sessions WHERE screening_id IN "
                "(SELECT id FROM screenings WHERE started < ?)",
                (cutoff,),
            )
            deleted = db.execute("DELETE FROM screenings WHERE started < ?", (cutoff,)).rowcount
            if actor is not None:
                at = _iso(now())
                db.executemany(
                    "INSERT INTO audit (at, actor, action, record_id) VALUES (?, ?, ?, ?)",
                    [(at, actor, f"deleted after {days} days (retention)", rid) for rid in doomed],
                )
            return int(deleted)

    # ------------------------------------------------------------------ return codes

    def set_return_code(self, record_id: str, code: str, expires: dt.datetime) -> None:
        """Keeps the digest of a return code for ``record_id`` (replacing any earlier one)."""
        self._write(
            "UPDATE screenings SET return_hash = ?, return_expires = ? WHERE id = ?",
            (digest(code), _iso(expires), record_id),
        )

    def take_return_code(self, code: str) -> str | None:
        """The id of the unfinished record ``code`` continues, used up; None if it matches
        none, has expired or was used already."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT id, return_expires FROM screenings WHERE return_hash = ? "
                "AND status != 'complete'",
                (digest(code),),
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE screenings SET return_hash = NULL, return_expires = NULL WHERE id = ?",
                (row["id"],),
            )
            if _from_iso(row["return_expires"]) <= now():
                return None
            return str(row["id"])

    # ------------------------------------------------------------------ sessions

    def new_session(
        self,
        kind: str,
        *,
        screening_id: str | None = None,
        staff: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> tuple[str, Session]:
        """A new session; returns the token for the cookie (only its digest is stored)."""
        token = secrets.token_urlsafe(32)
        at = now()
        session = Session(kind, screening_id, staff, secrets.token_urlsafe(32), at, at, data or {})
        self._write(
            "INSERT INTO sessions (token_hash, kind, screening_id, staff, csrf, created, "
            "last_seen, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                digest(token),
                kind,
                screening_id,
                staff,
                session.csrf,
                _iso(at),
                _iso(at),
                _dumps(session.data),
            ),
        )
        return token, session

    def session(self, token: str, *, idle: dt.timedelta | None = None) -> Session | None:
        """The session of ``token``, its last use now; None (and the session ended) when it
        has been idle longer than ``idle``."""
        key = digest(token)
        with self._transaction() as db:
            row = db.execute("SELECT * FROM sessions WHERE token_hash = ?", (key,)).fetchone()
            if row is None:
                return None
            at = now()
            if idle is not None and at - _from_iso(row["last_seen"]) > idle:
                db.execute("DELETE FROM sessions WHERE token_hash = ?", (key,))
                return None
            db.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (_iso(at), key))
            # Read inside the transaction: a damaged row is told as damage, like any other.
            return Session(
                row["kind"],
                row["screening_id"],
                row["staff"],
                row["csrf"],
                _from_iso(row["created"]),
                at,
                json.loads(row["data"]),
            )

    def update_session(self, token: str, data: dict[str, Any]) -> None:
        self._write(
            "UPDATE sessions SET data = ? WHERE token_hash = ?", (_dumps(data), digest(token))
        )

    def end_session(self, token: str) -> None:
        self._write("DELETE FROM sessions WHERE token_hash = ?", (digest(token),))

    def end_sessions_of(self, *, screening_id: str | None = None, staff: str | None = None) -> None:
        if screening_id is not None:
            self._write("DELETE FROM sessions WHERE screening_id = ?", (screening_id,))
        if staff is not None:
            self._write("DELETE FROM sessions WHERE staff = ?", (staff,))

    def import_screening(
        self,
        *,
        record_id: str,
        status: str,
        reason: str | None,
        source: str,
        started: dt.datetime,
        finished: dt.datetime | None,
        questionnaire_id: str,
        questionnaire_version: str,
        questionnaire_hash: str,
        answered_on: dt.date,
        answers: dict[str, Any],
        assessment_json: str | None,
        reference: str | None = None,
    ) -> str:
        """Adds a record made elsewhere (an intake folder), keeping its own id and times.
        Returns "added"; "kept" when a record of that id is here already (importing twice
        changes nothing); "completed" when the one here was partial and this one is complete."""
        values = (
            _iso(started),
            _iso(finished or started),
            _iso(finished) if finished else None,
            status,
            reason,
            source,
            questionnaire_id,
            questionnaire_version,
            questionnaire_hash,
            answered_on.isoformat(),
            _dumps(answers),
            assessment_json,
            headline_text(assessment_json),
            reference,
        )
        with self._transaction() as db:
            row = db.execute("SELECT status FROM screenings WHERE id = ?", (record_id,)).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO screenings (started, updated, finished, status, reason, source, "
                    "questionnaire_id, questionnaire_version, questionnaire_hash, answered_on, "
                    "answers, assessment, headline, reference, id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, record_id),
                )
                return "added"
            if row["status"] == "complete" or status != "complete":
                return "kept"
            db.execute(
                "UPDATE screenings SET started = ?, updated = ?, finished = ?, status = ?, "
                "reason = ?, source = ?, questionnaire_id = ?, questionnaire_version = ?, "
                "questionnaire_hash = ?, answered_on = ?, answers = ?, assessment = ?, "
                "headline = ?, reference = COALESCE(?, reference), needs_staff = 0, "
                "return_hash = NULL, return_expires = NULL WHERE id = ?",
                (*values, record_id),
            )
            return "completed"

    # ------------------------------------------------------------------ staff

    def add_staff(self, name: str, password_hash: str) -> bool:
        """Adds a staff member with an argon2 hash of their password (see ``passwords``);
        False, and nothing changed, when the name is taken."""
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM staff WHERE name = ?", (name,)).fetchone():
                return False
            db.execute(
                "INSERT INTO staff (name, password_hash, created) VALUES (?, ?, ?)",
                (name, password_hash, _iso(now())),
            )
            return True

    def set_password(self, name: str, password_hash: str) -> bool:
        """Replaces a staff member's password hash; False when there is no such member."""
        return (
            self._write("UPDATE staff SET password_hash = ? WHERE name = ?", (password_hash, name))
            == 1
        )

    def remove_staff(self, name: str) -> bool:
        """Removes a staff member, ends their sessions and revokes their API tokens, at once;
        False when there is no such member. The audit log keeps their name."""
        with self._transaction() as db:
            db.execute("DELETE FROM sessions WHERE staff = ?", (name,))
            db.execute(
                "UPDATE tokens SET revoked = ? WHERE staff = ? AND revoked IS NULL",
                (_iso(now()), name),
            )
            return db.execute("DELETE FROM staff WHERE name = ?", (name,)).rowcount == 1

    def staff_hash(self, name: str) -> str | None:
        """The password hash of ``name``, None when there is no such member."""
        rows = self._query("SELECT password_hash FROM staff WHERE name = ?", (name,))
        return str(rows[0][0]) if rows else None

    def staff_names(self) -> list[str]:
        return [str(r[0]) for r in self._query("SELECT name FROM staff ORDER BY name")]

    # ------------------------------------------------------------------ API tokens

    def add_token(self, staff: str, label: str | None = None) -> tuple[str, str]:
        """A new API token for ``staff``: returns (its id, its secret). The secret is for the
        person to copy now; only its digest is kept, so it can never be shown again."""
        token_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM staff WHERE name = ?", (staff,)).fetchone() is None:
                raise StorageError(f"{self.name}: there is no staff member named {staff!r}")
            db.execute(
                "INSERT INTO tokens (id, token_hash, staff, label, created) VALUES (?, ?, ?, ?, ?)",
                (token_id, digest(secret), staff, label, _iso(now())),
            )
        return token_id, secret

    def token_staff(self, secret: str) -> str | None:
        """The staff member an API token acts for; None when it is unknown, revoked, or its
        staff member has been removed."""
        rows = self._query(
            "SELECT t.staff FROM tokens t JOIN staff s ON s.name = t.staff "
            "WHERE t.token_hash = ? AND t.revoked IS NULL",
            (digest(secret),),
        )
        return str(rows[0][0]) if rows else None

    def revoke_token(self, token_id: str) -> bool:
        """Revokes a token; False when there is no such token or it was revoked already."""
        return (
            self._write(
                "UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL",
                (_iso(now()), token_id),
            )
            == 1
        )

    def tokens(self) -> list[Token]:
        rows = self._query("SELECT * FROM tokens ORDER BY created, id")
        return [
            Token(
                r["id"],
                r["staff"],
                r["label"],
                _from_iso(r["created"]),
                _from_iso(r["revoked"]) if r["revoked"] else None,
            )
            for r in rows
        ]

    # ------------------------------------------------------------------ audit

    def audit(self, actor: str, action: str, record_id: str | None = None) -> None:
        """Who did what to which record, and when; never what the record holds."""
        self._write(
            "INSERT INTO audit (at, actor, action, record_id) VALUES (?, ?, ?, ?)",
            (_iso(now()), actor, action, record_id),
        )

    def audit_entries(self, limit: int = 1000) -> list[AuditEntry]:
        rows = self._query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
        return [
            AuditEntry(_from_iso(r["at"]), r["actor"], r["action"], r["record_id"]) for r in rows
        ]

    # ------------------------------------------------------------------ throttling

    def blocked_for(self, key: str) -> float:
        """Seconds until ``key`` (a login name, an address entering codes) may try again."""
        rows = self._query("SELECT blocked_until FROM throttle WHERE key = ?", (key,))
        if not rows:
            return 0.0
        return max(0.0, (_from_iso(rows[0]["blocked_until"]) - now()).total_seconds())

    def failed(
        self, key: str, *, free: int = 3, pause: float = 2.0, longest: float = 900.0
    ) -> None:
        """Counts a failure for ``key``: after ``free`` failures each one doubles the pause."""
        with self._transaction() as db:
            row = db.execute("SELECT failures FROM throttle WHERE key = ?", (key,)).fetchone()
            failures = (row["failures"] if row else 0) + 1
            wait = 0.0 if failures <= free else min(longest, pause * 2 ** (failures - free - 1))
            db.execute(
                "INSERT INTO throttle (key, failures, blocked_until) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, "
                "blocked_until = excluded.blocked_until",
                (key, failures, _iso(now() + dt.timedelta(seconds=wait))),
            )

    def succeeded(self, key: str) -> None:
        self._write("DELETE FROM throttle WHERE key = ?", (key,))

    # ------------------------------------------------------------------ backup

    def backup(self, destination: str | Path) -> Path:
        """Copies the database, consistently while it is in use (SQLite's backup API: copying
        a write-ahead-logged file is not safe), to a new file of mode 0600 that is never an
        existing one. The copy stands alone: no -wal file goes with it."""
        target = Path(destination)
        where = f"cannot back up {self.name} to {target}"
        if target.exists() or target.is_symlink():
            raise StorageError(f"{target}: it exists already and was left unchanged")
        temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            make_private_folders(target.parent)
            fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            os.fchmod(fd, 0o600)
            os.close(fd)
            copy = sqlite3.connect(temp)
            try:
                with self._lock:
                    self._db.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
            with temp.open("rb") as handle:
                os.fsync(handle.fileno())
            os.link(temp, target)  # fails if the target appeared meanwhile: never replaced
        except FileExistsError:
            raise StorageError(f"{target}: it exists already and was left unchanged") from None
        except OSError as exc:
            raise StorageError(f"{where}: {_reason(exc)}") from None
        except sqlite3.Error as exc:
            raise StorageError(f"{where}: {_reason(exc)}") from None
        finally:
            for leftover in (temp, temp.with_name(temp.name + "-journal")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
        return target


def _close_quietly(connection: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        connection.close()


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


# SQLite's primary result codes (the low byte of an extended code), in plain words.
_SQLITE_REASONS = {
    5: "it is locked by another program (try again when that program has finished)",
    6: "it is locked by another program (try again when that program has finished)",
    8: "it is read-only here (check the permissions of the file and of its folder)",
    10: "the disk refused to read or write it (it may be full, removed or failing)",
    11: "the file is damaged (restore it from a backup)",
    13: "the disk is full (free some space; the answers already saved are kept)",
    14: "the file cannot be opened (check that its folder exists and can be written)",
    23: "access to it was refused",
    26: "the file is not a records database",
}
# The same by SQLite's message, for Pythons before 3.11 that do not give the code.
_SQLITE_MESSAGES = {
    "database is locked": 5,
    "database table is locked": 6,
    "attempt to write a readonly database": 8,
    "disk I/O error": 10,
    "database disk image is malformed": 11,
    "database or disk is full": 13,
    "unable to open database file": 14,
    "authorization denied": 23,
    "file is not a database": 26,
}


def _reason(exc: BaseException) -> str:
    """Why, in plain words. SQLite's messages never carry the values bound to a statement,
    so nothing a record holds can reach an error message through them."""
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is None:
            code = _SQLITE_MESSAGES.get(str(exc))
        if code is not None and code & 0xFF in _SQLITE_REASONS:
            return _SQLITE_REASONS[code & 0xFF]
        return f"the database refused the operation ({exc})"
    return str(exc)

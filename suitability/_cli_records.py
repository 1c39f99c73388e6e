"""The records database from the command line: staff accounts and API tokens of the web app,
backups, retention, and importing the folders written by ``intake --out``.

Every command takes ``--db PATH`` (default: ``records.db`` in the user's private state folder).
Exit codes as for every command, and 74 when the database cannot be read or written (a full
disk, a locked, read-only or damaged file): the message names the database and the reason.
Nothing any record holds is ever printed here, nor written to the audit log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import StorageError, SuitabilityError

if TYPE_CHECKING:
    from .questionnaire import Questionnaire
    from .web.store import Store

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_IO = 0, 1, 2, 74

# Letters, digits and . _ - @, so that a name reads the same in a log, a list and a URL.
STAFF_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
# An intake record's id, as ``intake`` and the web app make them.
RECORD_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_RECORD_BYTES = 2_000_000


class _Stop(Exception):
    """Ends a command with ``code`` after printing the message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _command(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except _Stop as stop:
            print(f"error: {stop}", file=sys.stderr)
            return stop.code
        except StorageError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_IO

    return run


def _db_path(args: argparse.Namespace) -> Path:
    if args.db:
        return Path(args.db)
    from .web.settings import default_db_path

    return default_db_path()


def _open(args: argparse.Namespace, *, create: bool = False) -> Store:
    from .web.store import Store

    return Store.open(_db_path(args), create=create)


def _actor() -> str:
    """Who ran the command, for the audit log: the account on this computer."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):
        user = f"uid {os.getuid()}"
    return f"{user} (command line)"


# --------------------------------------------------------------------------- staff


def _staff_name(name: str) -> str:
    if STAFF_NAME.fullmatch(name) is None:
        raise _Stop(
            EXIT_INVALID,
            f"staff name {name!r}: use 1 to 64 letters, digits, '.', '_', '-' or '@', "
            "starting with a letter or digit",
        )
    return name


def _read_password(args: argparse.Namespace, name: str) -> str:
    """The new password: one line of standard input with ``--password-stdin``, else typed
    twice on the terminal without being shown."""
    from .web.passwords import MAX_PASSWORD, MIN_PASSWORD

    if args.password_stdin:
        line = sys.stdin.readline(MAX_PASSWORD + 2)
        password = line.removesuffix("\n").removesuffix("\r")
        if len(password) > MAX_PASSWORD:
            raise _Stop(EXIT_INVALID, f"the password is longer than {MAX_PASSWORD} characters")
    else:
        if not sys.stdin.isatty():
            raise _Stop(
                EXIT_USAGE,
                "the password is typed on a terminal; from a script, give it on standard "
                "input with --password-stdin",
            )
        try:
            password = getpass.getpass(
                f"Password for {name} (at least {MIN_PASSWORD} characters): "
            )
            again = getpass.getpass("Type it again: ")
        except EOFError:
            raise _Stop(EXIT_INVALID, "no password was typed; nothing was changed") from None
        if password != again:
            raise _Stop(EXIT_INVALID, "the two passwords differ; nothing was changed")
        if len(password) > MAX_PASSWORD:
            raise _Stop(EXIT_INVALID, f"the password is longer than {MAX_PASSWORD} characters")
    if len(password) < MIN_PASSWORD:
        raise _Stop(
            EXIT_INVALID,
            f"the password is too short: it needs at least {MIN_PASSWORD} characters; "
            "nothing was changed",
        )
    return password


@_command
def cmd_staff_add(args: argparse.Namespace) -> int:
    from .web.passwords import hash_password

    name = _staff_name(args.name)
    with _open(args, create=True) as store:
        if store.staff_hash(name) is not None:
            raise _Stop(EXIT_INVALID, f"staff name {name!r}: there is such a member already")
        password = _read_password(args, name)
        if not store.add_staff(name, hash_password(password)):
            raise _Stop(EXIT_INVALID, f"staff name {name!r}: there is such a member already")
        store.audit(_actor(), f"staff member added: {name}")
    print(f"Staff member {name} added to {_db_path(args)}.")
    return EXIT_OK


@_command
def cmd_staff_passwd(args: argparse.Namespace) -> int:
    from .web.passwords import hash_password

    name = _staff_name(args.name)
    with _open(args) as store:
        if store.staff_hash(name) is None:
            raise _Stop(EXIT_INVALID, f"staff name {name!r}: there is no such member")
        password = _read_password(args, name)
        if not store.set_password(name, hash_password(password)):
            raise _Stop(EXIT_INVALID, f"staff name {name!r}: there is no such member")
        # Whoever knew the old password is logged out too.
        store.end_sessions_of(staff=name)
        store.audit(_actor(), f"staff password changed: {name}")
    print(f"Password of {name} changed; their sessions were ended.")
    return EXIT_OK


@_command
def cmd_staff_remove(args: argparse.Namespace) -> int:
    name = _staff_name(args.name)
    with _open(args) as store:
        if not store.remove_staff(name):
            raise _Stop(EXIT_INVALID, f"staff name {name!r}: there is no such member")
        store.audit(_actor(), f"staff member removed: {name}")
    print(f"Staff member {name} removed; their sessions were ended and their API tokens revoked.")
    return EXIT_OK


@_command
def cmd_staff_list(args: argparse.Namespace) -> int:
    with _open(args) as store:
        names = store.staff_names()
        tokens = store.tokens()
    if not names:
        print(f"No staff members in {_db_path(args)}. Add one with: suitability staff add NAME")
        return EXIT_OK
    for name in names:
        active = [t for t in tokens if t.staff == name and t.revoked is None]
        print(name)
        for token in active:
            label = f" ({token.label})" if token.label else ""
            print(f"    API token {token.id}{label}, made {token.created:%Y-%m-%d %H:%M} UTC")
    print(f"{len(names)} staff member{'' if len(names) == 1 else 's'}.")
    return EXIT_OK


@_command
def cmd_staff_token(args: argparse.Namespace) -> int:
    name = _staff_name(args.name)
    label = args.label
    if label is not None and (not label.strip() or len(label) > 100 or not label.isprintable()):
        raise _Stop(EXIT_INVALID, "--label: give 1 to 100 printable characters")
    with _open(args) as store:
        if store.staff_hash(name) is None:
            raise _Stop(EXIT_INVALID, f"staff name {name!r}: there is no such member")
        token_id, secret = store.add_token(name, label)
        store.audit(_actor(), f"API token {token_id} made for {name}")
    print(f"API token {token_id} for {name}. Its secret, shown only this once:")
    print()
    print(f"    {secret}")
    print()
    print(
        "Give it to the booking system as 'Authorization: Bearer <secret>'. To withdraw it: "
        f"suitability staff revoke {token_id}"
    )
    return EXIT_OK


@_command
def cmd_staff_revoke(args: argparse.Namespace) -> int:
    with _open(args) as store:
        if not store.revoke_token(args.token_id):
            raise _Stop(
                EXIT_INVALID,
                f"API token {args.token_id!r}: there is no such token, or it was revoked already",
            )
        store.audit(_actor(), f"API token {args.token_id} revoked")
    print(f"API token {args.token_id} revoked.")
    return EXIT_OK


# --------------------------------------------------------------------------- backup, retention


@_command
def cmd_backup(args: argparse.Namespace) -> int:
    dest = Path(args.dest)
    if dest.exists() or dest.is_symlink():
        raise _Stop(EXIT_INVALID, f"{dest}: it exists already; give the name of a new file")
    if not dest.parent.is_dir():
        raise _Stop(EXIT_INVALID, f"{dest}: the folder {dest.parent} does not exist")
    with _open(args) as store:
        store.backup(dest)
        store.audit(_actor(), "backup made")
    print(f"Backup of {_db_path(args)} written to {dest} (only you can read it).")
    return EXIT_OK


@_command
def cmd_retention(args: argparse.Namespace) -> int:
    from .web.settings import default_settings_path, load_settings

    settings = load_settings(args.settings)
    days = settings.retention_days
    if days is None:
        where = args.settings or default_settings_path()
        raise _Stop(
            EXIT_INVALID,
            f"{where}: retention_days is not set, so records are kept; nothing was deleted",
        )
    with _open(args) as store:
        deleted = store.purge_older_than(days, actor=_actor())
        store.audit(_actor(), f"retention run: {deleted} deleted (older than {days} days)")
    print(
        f"Deleted {deleted} record{'' if deleted == 1 else 's'} started more than "
        f"{days} day{'' if days == 1 else 's'} ago from {_db_path(args)}."
    )
    return EXIT_OK


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class _Imported:
    record_id: str
    status: str
    reason: str | None
    started: dt.datetime
    finished: dt.datetime | None
    questionnaire: dict[str, str]
    answered_on: dt.date
    answers: dict[str, Any]
    assessment_json: str | None
    reference: str | None = None


class _BadRecord(Exception):
    """Why a file is not an intake record; never what it holds."""


def _read_intake_record(path: Path, status: str, questionnaire: Questionnaire) -> _Imported:
    from ._reader import Limits, Refused, loads_json, read_document
    from .answers import validate_answers
    from .assessment import Assessment

    # An assessment alone holds a few thousand keys and list items.
    limits = Limits("an intake record", MAX_RECORD_BYTES, max_entries=50_000)
    try:
        text = read_document(path, limits, path.name)
        data = loads_json(text, limits, source=path.name)
    except OSError as exc:
        raise _BadRecord(f"cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise _BadRecord("is not UTF-8 text") from None
    except Refused as exc:
        raise _BadRecord(
            "; ".join(
                f"{p.location}: {p.text(values=False)}" if p.location else p.text(values=False)
                for p in exc.problems
            )
        ) from None
    except (ValueError, RecursionError) as exc:
        where = getattr(exc, "lineno", None)
        raise _BadRecord(
            "is not valid JSON" + (f" (line {where})" if where is not None else "")
        ) from None
    if not isinstance(data, dict):
        raise _BadRecord("is not an intake record (not a JSON object)")

    def text_field(key: str, holder: dict[str, Any] = data, within: str = "") -> str:
        value = holder.get(key)
        if not isinstance(value, str) or not value:
            raise _BadRecord(f"{within}{key}: missing, or not text")
        return value

    record_id = text_field("id")
    if RECORD_ID.fullmatch(record_id) is None or record_id != path.stem:
        raise _BadRecord("id: it is not this file's name, or not an intake record's id")
    if data.get("status") != status:
        where = "partial/" if status == "partial" else "the folder itself"
        raise _BadRecord(f"status: only {status} records belong in {where}")
    reason = data.get("reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > 100):
        raise _BadRecord("reason: not a short text")
    try:
        started = _moment(text_field("started"))
        finished = _moment(data["finished"]) if data.get("finished") else None
    except (ValueError, TypeError):
        raise _BadRecord("started or finished: not a date and time") from None
    header = data.get("questionnaire")
    if not isinstance(header, dict):
        raise _BadRecord("questionnaire: missing, or not an object")
    made_with = {
        key: text_field(key, header, "questionnaire.") for key in ("id", "version", "content_hash")
    }
    answers_data = data.get("answers")
    if not isinstance(answers_data, dict):
        raise _BadRecord("answers: missing, or not an object")
    try:
        answers = validate_answers(answers_data, questionnaire)
    except SuitabilityError as exc:
        problems = "; ".join(p.located(values=False) for p in exc.problems[:3])
        raise _BadRecord(f"its answers do not fit the questionnaire: {problems}") from None
    assessment_json = None
    if status == "complete":
        try:
            assessment = Assessment.model_validate(data.get("assessment"))
        except ValueError:  # pydantic's message quotes the input: never shown
            raise _BadRecord("assessment: not an assessment this version can read") from None
        assessment_json = assessment.to_json()
    return _Imported(
        record_id=record_id,
        status=status,
        reason=reason if status == "partial" else None,
        started=started,
        finished=finished,
        questionnaire=made_with,
        answered_on=answers.answered_on or started.date(),
        answers=dict(answers.to_file_data().get("answers", {})),
        assessment_json=assessment_json,
        reference=_reference(data.get("reference")),
    )


def _reference(value: Any) -> str | None:
    """The name or booking reference the desk asked for, when it is one (else left out: the
    record's answers matter more than a label that cannot be shown)."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text or len(text) > 200 or any(not ch.isprintable() for ch in text):
        return None
    return text


def _moment(text: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(str(text))
    # ``intake --out`` writes local times without an offset: they are this computer's.
    return moment if moment.tzinfo else moment.astimezone()


@_command
def cmd_import_intakes(args: argparse.Namespace) -> int:
    from .questionnaire import default_questionnaire, load_questionnaire

    folder = Path(args.dir)
    if not folder.is_dir():
        raise _Stop(EXIT_INVALID, f"{folder}: not a folder of intake records")
    questionnaire = (
        load_questionnaire(args.questionnaire) if args.questionnaire else default_questionnaire()
    )
    files = [(p, "complete") for p in sorted(folder.glob("*.json"))]
    files += [(p, "partial") for p in sorted((folder / "partial").glob("*.json"))]
    counts = {"added": 0, "kept": 0, "completed": 0}
    bad = 0
    actor = _actor()
    with _open(args, create=True) as store:
        for path, status in files:
            try:
                record = _read_intake_record(path, status, questionnaire)
            except _BadRecord as exc:
                print(f"error: {path}: {exc}; skipped", file=sys.stderr)
                bad += 1
                continue
            outcome = store.import_screening(
                record_id=record.record_id,
                status=record.status,
                reason=record.reason,
                source="intake",
                started=record.started,
                finished=record.finished,
                questionnaire_id=record.questionnaire["id"],
                questionnaire_version=record.questionnaire["version"],
                questionnaire_hash=record.questionnaire["content_hash"],
                answered_on=record.answered_on,
                answers=record.answers,
                assessment_json=record.assessment_json,
                reference=record.reference,
            )
            counts[outcome] += 1
            if outcome != "kept":
                store.audit(actor, "imported from an intake folder", record.record_id)
    added = counts["added"] + counts["completed"]
    print(
        f"Imported {added} record{'' if added == 1 else 's'} from {folder} into "
        f"{_db_path(args)}; {counts['kept']} {'was' if counts['kept'] == 1 else 'were'} "
        f"there already; {bad} file{'' if bad == 1 else 's'} skipped."
    )
    return EXIT_INVALID if bad else EXIT_OK


# --------------------------------------------------------------------------- registration


def add_commands(sub: Any) -> None:
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument(
        "--db",
        metavar="PATH",
        help="the records database (default: records.db in your private state folder)",
    )
    password = argparse.ArgumentParser(add_help=False)
    password.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from one line of standard input (for scripts)",
    )

    staff = sub.add_parser("staff", help="staff accounts and API tokens of the web app")
    actions = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    p = actions.add_parser("add", parents=[db, password], help="add a staff member")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_staff_add)
    p = actions.add_parser("passwd", parents=[db, password], help="change a password")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_staff_passwd)
    p = actions.add_parser(
        "remove", parents=[db], help="remove a staff member (ends sessions, revokes tokens)"
    )
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_staff_remove)
    p = actions.add_parser("list", parents=[db], help="list staff members and their API tokens")
    p.set_defaults(func=cmd_staff_list)
    p = actions.add_parser(
        "token", parents=[db], help="make an API token for a booking system (shown once)"
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--label", metavar="L", help="what the token is for")
    p.set_defaults(func=cmd_staff_token)
    p = actions.add_parser("revoke", parents=[db], help="revoke an API token")
    p.add_argument("token_id", metavar="TOKEN_ID")
    p.set_defaults(func=cmd_staff_revoke)

    p = sub.add_parser(
        "backup", parents=[db], help="copy the records database safely, even while it is in use"
    )
    p.add_argument("dest", metavar="DEST", help="a new file (never an existing one)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "retention", parents=[db], help="delete records older than the settings' retention_days"
    )
    p.add_argument("--settings", metavar="FILE", help="the settings file (default: yours)")
    p.set_defaults(func=cmd_retention)

    p = sub.add_parser(
        "import-intakes",
        parents=[db],
        help="import the records of an 'intake --out' folder (again: nothing twice)",
    )
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--questionnaire", metavar="FILE", help="questionnaire (default: shipped)")
    p.set_defaults(func=cmd_import_intakes)


__all__ = ["add_commands"]

"""``intake --db``: the front desk writing through the records store, as the web app does, so
that the desk, retention, the audit log and exports see every intake.

Each answer is saved as it is given; a finished screening is kept with its assessment, a
stopped one as partial (answers, no verdicts), and a code to continue it is kept only as a
digest. When the database refuses a write (a full disk, a locked file), the answers stay in
memory and staff are asked to try again or to name a folder, where the record is written as
``intake --out`` writes it, for ``suitability import-intakes`` to bring in later.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _cli_screen
from ._cli_screen import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    _hangup_stops_the_prompts,
    _Intake,
    _normal_code,
    _plural,
    _record,
    _record_text,
    read_answers_like,
)
from .errors import StorageError, SuitabilityError
from .questionnaire import Questionnaire, default_questionnaire, load_questionnaire
from .storage import write_private

if TYPE_CHECKING:
    from .web.store import Store

EXIT_IO = 74


def intake_into_store(args: argparse.Namespace) -> int:
    from .screen import HangUp
    from .web.settings import load_settings
    from .web.store import Store

    settings = load_settings(args.settings)
    questionnaire = (
        load_questionnaire(args.questionnaire) if args.questionnaire else default_questionnaire()
    )
    try:
        store = Store.open(args.db)
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_IO
    with store, _hangup_stops_the_prompts():
        intake = _StoreIntake(args, store, questionnaire, settings.return_code_hours)
        try:
            return intake.loop()
        except (HangUp, OSError):
            # The terminal is gone: every answer is in the database, nothing more can be shown.
            return EXIT_INTERRUPTED


class _StoreIntake(_Intake):
    def __init__(
        self,
        args: argparse.Namespace,
        store: Store,
        questionnaire: Questionnaire,
        code_hours: int,
    ) -> None:
        super().__init__(args, Path(args.db), questionnaire)
        self.store = store
        self.code_hours = code_hours
        self.created: set[str] = set()  # ids of this run's records that the database holds

    def closing_line(self) -> str:
        return (
            f"Intake closed: {_plural(self.done, 'screening')} recorded and "
            f"{_plural(len(self.kept), 'partial record')} kept in {self.store.name}."
        )

    def new_id(self) -> str:
        return secrets.token_urlsafe(16)  # as the web app's: one id never leads to another

    def now(self) -> dt.datetime:
        return dt.datetime.now().astimezone()

    def _answers(self, started: dt.datetime, values: dict[str, Any]) -> dict[str, Any]:
        """The answers as an answers file holds them (dates as text)."""
        data = read_answers_like(self.q, values, started.date()).to_file_data()
        return dict(data.get("answers", {}))

    def _ensure(self, record_id: str, started: dt.datetime, answers: dict[str, Any]) -> None:
        if record_id in self.created:
            self.store.save_answers(record_id, answers)
            return
        self.store.new_screening(
            source="intake",
            questionnaire_id=self.q.id,
            questionnaire_version=self.q.version,
            questionnaire_hash=self.q.content_hash,
            answered_on=started.date(),
            answers=answers,
            record_id=record_id,
            started=started,
            reference=self.reference,
        )
        self.created.add(record_id)

    def progress(self, record_id: str, started: dt.datetime, values: dict[str, Any]) -> None:
        if not values and record_id not in self.created:
            return  # nothing answered yet: no empty record
        self._ensure(record_id, started, self._answers(started, values))

    def complete(
        self, record_id: str, started: dt.datetime, values: dict[str, Any]
    ) -> dict[str, Any]:
        record = _record(
            record_id, "complete", None, started, self.q, values, reference=self.reference
        )
        answers = dict(record["answers"].get("answers", {}))
        from ._json import dumps

        assessment = dumps(record["assessment"]) + "\n"

        def write() -> None:
            self._ensure(record_id, started, answers)
            self.store.finish(record_id, answers, assessment)

        self.keep_record(write, record_id, lambda: record, partial=False)
        return record

    def stopped(
        self, record_id: str, started: dt.datetime, values: dict[str, Any], reason: str
    ) -> None:
        if not values:
            if record_id in self.created:  # nothing answered any more, nothing to keep
                with contextlib.suppress(StorageError):
                    self.store.delete(record_id)
            return
        answers = self._answers(started, values)
        # Only someone who chose to leave gets a code: after an idle timeout the person at the
        # terminal may be the next patient (staff can reopen that one from the desk).
        code = _cli_screen.new_resume_code() if reason == "interrupted" else None
        expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=self.code_hours)

        def write() -> None:
            self._ensure(record_id, started, answers)
            self.store.mark_partial(record_id, reason, needs_staff=reason == "idle")
            if code is not None:
                self.store.set_return_code(record_id, _normal_code(code), expires)

        if reason == "hung up":  # nobody is there to ask
            with contextlib.suppress(StorageError):
                write()
                self.kept.add(record_id)
            return

        def record() -> dict[str, Any]:
            return _record(
                record_id, "partial", reason, started, self.q, values, reference=self.reference
            )

        in_store = self.keep_record(write, record_id, record, partial=True)
        self.kept.add(record_id)
        # A record that staff had to put in a folder cannot be found by its code.
        if code is not None and in_store:
            self.show_code(code, len(values))

    def keep_record(
        self,
        write: Callable[[], None],
        record_id: str,
        record: Callable[[], dict[str, Any]],
        *,
        partial: bool,
    ) -> bool:
        """Writes to the database; when it refuses, the answers stay in memory and staff try
        again or name a folder for the record. True when it is in the database."""
        from .screen import IdleTimeout

        while True:
            try:
                write()
                return True
            except StorageError as exc:
                self.say(f"\nThe record could not be saved: {exc}")
            try:
                typed: str = self.patient.text(
                    "Staff: type a folder to save this record in (suitability import-intakes "
                    "brings it into the database later), or press Enter to try the database "
                    "again.",
                    "",
                    lambda _text: True,
                    "(the answers are kept until the record is saved)",
                )
            except (KeyboardInterrupt, EOFError, IdleTimeout):
                typed = ""
            if not typed.strip():
                continue
            folder = Path(typed.strip()).expanduser()
            target = (folder / "partial" if partial else folder) / f"{record_id}.json"
            try:
                write_private(target, _record_text(record()), replace=False)
            except StorageError as exc:
                self.say(f"Not saved there either: {exc}")
                continue
            self.say(f"The record is saved in {target}.")
            return False

    def staff_reopen(self) -> str:
        """As the kiosk's desk: staff log in with their desk name and password, choose a
        screening that timed out here, and type the name or reference the patient gives; it
        goes on where it stopped. Logins are throttled and audited as the desk's are."""
        from .screen import IdleTimeout
        from .web.passwords import MAX_PASSWORD, verify

        try:
            name = self.patient.text(
                "Staff: your name, as you log in at the desk.",
                "",
                lambda _text: True,
                "(Enter alone goes back)",
            ).strip()
            if not name:
                return "back"
            password = _cli_screen._hidden_text(self.welcome, "Staff: your password.")
        except (KeyboardInterrupt, EOFError, IdleTimeout):
            return "back"
        try:
            return self._reopen_for(name, password, MAX_PASSWORD, verify)
        except StorageError as exc:
            self.notice(f"Screenings cannot be reopened just now ({exc}).")
            return "back"

    def _reopen_for(
        self, name: str, password: str, longest: int, verify: Callable[[str | None, str], bool]
    ) -> str:
        from .screen import IdleTimeout
        from .web.kiosk import same_reference

        key = f"desk-login-name:{name.casefold()}"
        known = self.store.staff_hash(name)
        # A name typed wrong may be a password typed in the wrong box: only staff names are logged.
        actor = name if known is not None else "(not a staff name)"
        if self.store.blocked_for(key) > 0:
            self.store.audit(actor, "intake login refused: too many attempts")
            self.notice("Too many attempts. Please wait a minute and try again.")
            return "back"
        if len(password) > longest or not verify(known, password):
            self.store.failed(key)
            self.store.audit(actor, "intake login failed")
            self.notice("That name and password do not match.")
            return "back"
        self.store.succeeded(key)
        since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
        waiting = [
            r
            for r in self.store.records(since=since, assessments=False)
            if r.status == "partial" and r.needs_staff and r.source == "intake"
        ]
        if not waiting:
            self.notice("No screening that timed out in the last day is waiting to be reopened.")
            return "back"
        try:
            chosen = self.patient.select(
                "Staff: which screening? (when it started, and how far it got)",
                [
                    (f"{r.started.astimezone():%Y-%m-%d %H:%M}, "
                     f"{_plural(len(r.answers), 'answer')}", r.id)
                    for r in waiting
                ]
                + [("Back to the welcome screen", None)],
            )  # fmt: skip
            if chosen is None:
                return "back"
            typed = self.patient.text(
                "Staff: type the name or booking reference the patient gives you.",
                "",
                lambda _text: True,
                "(as given at the start; Enter alone if none was given)",
            )
        except (KeyboardInterrupt, EOFError, IdleTimeout):
            return "back"
        found = self.store.get(chosen)
        if found is None or found.status != "partial" or not same_reference(typed, found.reference):
            self.store.audit(name, "intake reopen refused: reference did not match", chosen)
            self.notice(
                "This does not match the name or reference given at the start. Please check "
                "it with the patient."
            )
            return "back"
        try:
            values = dict(read_answers_like(self.q, found.answers, found.answered_on).values)
        except SuitabilityError:
            self.notice("This screening was made with another questionnaire: it cannot go on here.")
            return "back"
        self.store.audit(name, "intake screening reopened for the patient", found.id)
        self.store.reopen(found.id)
        self.created.add(found.id)
        self.reference = found.reference
        _cli_screen._clear(self.console)  # nothing of the staff's screens stays for the patient
        self.say(
            f"Welcome back. Your {_plural(len(values), 'answer')} so far "
            f"{'is' if len(values) == 1 else 'are'} kept; the screening goes on from there."
        )
        return self.screening(found.id, found.started.astimezone(), values)

    def take(self, code: str) -> tuple[str, dt.datetime, dict[str, Any]] | None:
        record_id = self.store.take_return_code(_normal_code(code))
        if record_id is None:
            return None
        found = self.store.get(record_id)
        if found is None or found.status == "complete":
            return None
        try:
            values = dict(read_answers_like(self.q, found.answers, found.answered_on).values)
        except SuitabilityError:
            return None  # written for another questionnaire: it cannot go on here
        self.store.reopen(record_id)
        self.created.add(record_id)
        self.reference = found.reference
        return record_id, found.started.astimezone(), values


# --------------------------------------------------------------------------- listing


def list_store_intakes(path: Path, fmt: str = "text") -> int:
    """One line per intake, oldest first (see :mod:`suitability.intake_records`)."""
    from .intake_records import store_rows
    from .web.store import Store

    try:
        with Store.open(path, create=False) as store:
            records = store.records(limit=1_000_000, assessments=False)
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_IO
    _cli_screen._print_list(store_rows(records), f"Intakes in {path}", fmt)
    return EXIT_OK


def store_record(path: Path, wanted: str) -> dict[str, Any] | None:
    """The record whose id is ``wanted`` (or starts with it), as the desk exports it; None when
    the database cannot be read (said on stderr). Raises NotFound."""
    from .intake_records import find_store_record, store_record_data
    from .web.store import Store

    try:
        with Store.open(path, create=False) as store:
            found = find_store_record(store, wanted)
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    return store_record_data(found)

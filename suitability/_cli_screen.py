"""The interactive commands: ``screen`` (a person screening themself) and ``intake`` (a clinic's
front desk, patient after patient). Both autosave every answer and never lose one."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import secrets
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .answers import Answers, dump_answers, read_answers_file
from .errors import StorageError
from .questionnaire import Questionnaire, default_questionnaire, load_questionnaire
from .storage import state_dir, unique_path, write_private

if TYPE_CHECKING:
    from rich.console import Console

    from .assessment import Assessment

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# Home, screen, then scrollback: terminals that push a cleared screen into the scrollback
# would otherwise keep the last person's answers there.
CLEAR_ALL = "\x1b[H\x1b[2J\x1b[3J"
AUTOSAVE_PATTERN = "screening-*.partial.json"
HANDOUT_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _needs_terminal(command: str) -> int | None:
    if sys.stdin.isatty() and sys.stdout.isatty():
        return None
    print(
        f"suitability {command} needs an interactive terminal. To assess answers kept in a file, "
        "use: suitability assess FILE (or - for standard input).",
        file=sys.stderr,
    )
    return EXIT_USAGE


@contextmanager
def _hangup_stops_the_prompts() -> Iterator[None]:
    """A closed terminal (SIGHUP) ends the prompt on screen and any later one with HangUp, so
    the answers are saved and nothing more is asked. The handler only asks the prompt's event
    loop to stop: an exception raised inside the loop would print asyncio's traceback."""
    from .screen import HangUp, resume_prompts, stop_prompts

    def handler(_signum: int, _frame: Any) -> None:
        stop_prompts(HangUp)

    previous = signal.signal(signal.SIGHUP, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)
        resume_prompts()


def _answers_text(
    questionnaire: Questionnaire, values: dict[str, Any], answered_on: dt.date
) -> str:
    answers = Answers(
        questionnaire=questionnaire.id,
        questionnaire_version=questionnaire.version,
        answered_on=answered_on,
        values=values,
    )
    return dump_answers(answers, "json")


def _say(console: Console) -> Callable[[str], None]:
    def say(text: str) -> None:
        # If the terminal went away, the answers are saved regardless.
        with contextlib.suppress(OSError):
            console.print(text, markup=False, highlight=False)

    return say


# --------------------------------------------------------------------------- screen


def cmd_screen(args: argparse.Namespace) -> int:
    from .screen import HangUp, Interrupted, Prompter, Screening

    suffix = Path(args.save).suffix.lower() if args.save else ""
    if args.save and suffix not in HANDOUT_SUFFIXES:
        print(f"error: --save needs a .md or .html file name, got '{args.save}'", file=sys.stderr)
        return EXIT_USAGE
    refused = _needs_terminal("screen")
    if refused is not None:
        return refused
    # Checked before the first question: nobody should answer everything to learn at the end
    # that the handout cannot be written there.
    unwritable = _unwritable_outputs(args)
    for problem in unwritable:
        print(f"error: {problem}", file=sys.stderr)
    if unwritable:
        return EXIT_INVALID
    questionnaire = (
        load_questionnaire(args.questionnaire) if args.questionnaire else default_questionnaire()
    )

    values: dict[str, Any] = {}
    answered_on = dt.date.today()
    if args.resume:
        resumed = read_answers_file(args.resume, questionnaire)
        values = dict(resumed.values)
        answered_on = resumed.answered_on or answered_on
    # A file given to --resume is the person's own unless it is one of our autosaves: theirs is
    # only read, never rewritten nor deleted.
    own = _own_autosave(Path(args.resume)) if args.resume else None
    autosave = own or _new_autosave()

    def save(current: dict[str, Any]) -> None:
        write_private(autosave, _answers_text(questionnaire, current, answered_on), replace=True)

    console = _console()
    say = _say(console)
    if args.resume:
        say(f"Welcome back. Continuing from {args.resume} with {len(values)} answers kept.")
        if own is None:
            save(values)
            say(f"That file is left as it is; your answers are now saved in {autosave}.")
    screening = Screening(
        questionnaire, Prompter(), say, values=values, answered_on=answered_on, on_change=save
    )
    with _hangup_stops_the_prompts():
        try:
            answers = screening.run()
        except Interrupted as stopped:
            save(stopped.values)
            if stopped.reason != "hung up":  # a closed terminal shows nothing more
                _tell_stopped(len(stopped.values), autosave)
            return EXIT_INTERRUPTED
        try:
            save(dict(answers.values))
            return _finish_screening(args, questionnaire, answers, console, autosave)
        except (KeyboardInterrupt, EOFError, HangUp, OSError) as exc:
            # Stopped while the result was worked out or shown: the answers are saved already.
            if not isinstance(exc, (HangUp, OSError)):
                _tell_stopped(len(answers.values), autosave)
            return EXIT_INTERRUPTED


def _new_autosave() -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return unique_path(state_dir() / AUTOSAVE_PATTERN.replace("*", stamp))


def _own_autosave(path: Path) -> Path | None:
    """``path`` if it is one of our autosave files in the state folder, else None."""
    resolved = path.resolve()
    if resolved.parent == state_dir().resolve() and resolved.match(AUTOSAVE_PATTERN):
        return resolved
    return None


def _tell_stopped(count: int, autosave: Path) -> None:
    with contextlib.suppress(OSError):
        print(
            f"\nStopped. Your {count} answer{'' if count == 1 else 's'} so far "
            f"{'is' if count == 1 else 'are'} saved in {autosave}\n"
            f"To continue later: suitability screen --resume {autosave}",
            file=sys.stderr,
        )


def _unwritable_outputs(args: argparse.Namespace) -> list[str]:
    """Why each requested output could not be written where asked (empty when all can be)."""
    problems = []
    for option, path in (("--save", args.save), ("--json", args.json)):
        if not path:
            continue
        folder = Path(path).parent
        if not folder.is_dir():
            problems.append(
                f"{option} {path}: the folder {folder} does not exist; "
                "create it first, or choose another folder"
            )
        elif not os.access(folder, os.W_OK | os.X_OK):
            problems.append(f"{option} {path}: you cannot write in the folder {folder}")
    return problems


def _finish_screening(
    args: argparse.Namespace,
    questionnaire: Questionnaire,
    answers: Answers,
    console: Console,
    autosave: Path,
) -> int:
    from .assessment import assess
    from .render import print_assessment

    assessment = assess(answers, questionnaire)
    console.print()
    print_assessment(assessment, questionnaire, console)
    saved, failed = _save_outputs(args, questionnaire, answers, assessment)
    for line in saved:
        console.print(line, markup=False)
    if failed:
        for line in failed:
            print(f"error: {line}", file=sys.stderr)
        print(
            f"Your answers are kept in {autosave}\n"
            f"To save them again: suitability screen --resume {autosave} "
            "(with --save or --json in a folder you can write to)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if args.json or args.save:
        autosave.unlink(missing_ok=True)  # superseded by what was saved
    else:
        console.print(
            f"Your answers are kept in {autosave} (only you can read it). "
            "Delete it when you no longer need it.",
            markup=False,
        )
    return EXIT_OK


def _save_outputs(
    args: argparse.Namespace, questionnaire: Questionnaire, answers: Answers, assessment: Assessment
) -> tuple[list[str], list[str]]:
    """Writes each requested output on its own, so one that fails does not stop the other;
    returns (what was saved, what failed)."""
    from .render import to_html, to_markdown

    outputs: list[tuple[str, str, str]] = []
    if args.save:
        text = to_markdown(assessment, questionnaire, answers, handout=True)
        if HANDOUT_SUFFIXES[Path(args.save).suffix.lower()] == "html":
            text = to_html(text, "Notes for my consultation")
        outputs.append((args.save, text, "Handout"))
    if args.json:
        record = {
            "answers": answers.to_file_data(),
            "assessment": assessment.model_dump(mode="json"),
        }
        text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
        outputs.append((args.json, text, "Answers and assessment"))
    saved, failed = [], []
    for path, text, what in outputs:
        try:
            saved.append(_write_new(path, text, what))
        except StorageError as exc:
            failed.append(f"{what} not saved: {exc}")
    return saved, failed


def _write_new(path: str, text: str, what: str) -> str:
    wanted = Path(path)
    target = unique_path(wanted)
    write_private(target, text)
    note = f" ({wanted} already existed and was left unchanged)" if target != wanted else ""
    return f"{what} saved to {target}{note}."


# --------------------------------------------------------------------------- intake


def _new_id() -> str:
    return f"{dt.datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def _record(
    record_id: str,
    status: str,
    reason: str | None,
    started: dt.datetime,
    questionnaire: Questionnaire,
    values: dict[str, Any],
) -> dict[str, Any]:
    from .assessment import assess, rules_provenance

    answers = read_answers_like(questionnaire, values, started.date())
    return {
        "id": record_id,
        "status": status,
        "reason": reason,
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "questionnaire": {
            "id": questionnaire.id,
            "version": questionnaire.version,
            "content_hash": questionnaire.content_hash,
        },
        "rules": rules_provenance().model_dump(),
        "answers": answers.to_file_data(),
        "assessment": assess(answers, questionnaire).model_dump(mode="json"),
    }


def read_answers_like(
    questionnaire: Questionnaire, values: dict[str, Any], day: dt.date
) -> Answers:
    from .answers import validate_answers

    return validate_answers({"answered_on": day.isoformat(), "answers": values}, questionnaire)


INTAKE_PRIVACY = (
    "Your answers are saved on this computer for the clinic; nothing is sent over the internet."
)


def _welcome_text(questionnaire: Questionnaire) -> str:
    # The intro is written for someone screening themself; at the front desk the answers go to
    # the clinic's records, and the welcome must say so.
    intro = questionnaire.intro or ""
    if "Your answers stay on this computer." in intro:
        intro = intro.replace("Your answers stay on this computer.", INTAKE_PRIVACY)
    else:
        intro = f"{intro} {INTAKE_PRIVACY}".strip()
    return f"{questionnaire.title}\n\n{intro}\n"


def _private_folder(folder: Path) -> None:
    """Creates ``folder`` readable by this user only; one that exists keeps its permissions (a
    clinic may share its records folder on purpose)."""
    if not folder.is_dir():
        folder.mkdir(parents=True, mode=0o700)
        folder.chmod(0o700)  # whatever the umask


def _plural(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def cmd_intake(args: argparse.Namespace) -> int:
    if args.list:
        return list_intakes(Path(args.list))
    if not args.out:
        print("error: intake needs --out DIR (or --list DIR)", file=sys.stderr)
        return EXIT_USAGE
    refused = _needs_terminal("intake")
    if refused is not None:
        return refused
    from .screen import HangUp

    out = Path(args.out)
    try:
        _private_folder(out)
        _private_folder(out / "partial")
    except OSError as exc:
        print(f"error: cannot create the folder {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INVALID
    questionnaire = (
        load_questionnaire(args.questionnaire) if args.questionnaire else default_questionnaire()
    )
    with _hangup_stops_the_prompts():
        try:
            return _intake_loop(args, out, questionnaire)
        except (HangUp, OSError):
            # The terminal is gone: every answer is on disk and nothing more can be shown.
            return EXIT_INTERRUPTED


def _intake_loop(args: argparse.Namespace, out: Path, questionnaire: Questionnaire) -> int:
    from .screen import Interrupted, Prompter, Screening

    console = _console()
    say = _say(console)
    welcome = Prompter()
    patient = Prompter(idle_timeout=args.idle_timeout or None)
    done = kept = 0
    while True:
        _clear(console)
        say(_welcome_text(questionnaire))
        try:
            choice = welcome.select(
                "Welcome. When you are ready, start your screening.",
                [("Start my screening", "start"), ("Close intake (staff only)", "quit")],
            )
        except KeyboardInterrupt:
            choice = "quit"
        except EOFError:
            choice = "close"  # no more input can come
        if choice == "quit" and _staff_confirm_close(patient):
            choice = "close"
        if choice == "close":
            _clear(console)
            print(
                f"Intake closed: {_plural(done, 'screening')} recorded in {out}, "
                f"{_plural(kept, 'partial record')} kept in {out / 'partial'}."
            )
            return EXIT_OK
        if choice != "start":
            continue
        record_id, started = _new_id(), dt.datetime.now()
        partial_path = out / "partial" / f"{record_id}.json"

        def autosave(
            values: dict[str, Any],
            rid: str = record_id,
            at: dt.datetime = started,
            path: Path = partial_path,
        ) -> None:
            record = _record(rid, "partial", "in progress", at, questionnaire, values)
            write_private(
                path, json.dumps(record, indent=2, ensure_ascii=False) + "\n", replace=True
            )

        screening = Screening(
            questionnaire, patient, say, answered_on=started.date(), on_change=autosave, intro=False
        )
        try:
            answers = screening.run()
        except Interrupted as stopped:
            if stopped.values:
                record = _record(
                    record_id, "partial", stopped.reason, started, questionnaire, stopped.values
                )
                write_private(
                    partial_path,
                    json.dumps(record, indent=2, ensure_ascii=False) + "\n",
                    replace=True,
                )
                kept += 1
            else:
                partial_path.unlink(missing_ok=True)  # nothing answered, nothing to keep
            if stopped.reason == "hung up":
                return EXIT_INTERRUPTED
            continue
        record = _record(record_id, "complete", None, started, questionnaire, dict(answers.values))
        write_private(
            out / f"{record_id}.json", json.dumps(record, indent=2, ensure_ascii=False) + "\n"
        )
        partial_path.unlink(missing_ok=True)
        done += 1
        _show_patient_result(record, questionnaire, console, patient)


def _staff_confirm_close(prompter: Any) -> bool:
    """Closing takes a typed word, so a patient's stray keypress cannot shut the intake."""
    from .screen import IdleTimeout

    try:
        typed: str = prompter.text(
            "Staff only: type CLOSE and press Enter to close the intake.",
            "",
            lambda _text: True,
            "(or just press Enter to go back to the welcome screen)",
        )
    except (KeyboardInterrupt, IdleTimeout):
        return False
    except EOFError:
        return True  # no more input can come
    return typed.strip().upper() == "CLOSE"


def _show_patient_result(
    record: dict[str, Any], questionnaire: Questionnaire, console: Console, prompter: Any
) -> None:
    """A closed terminal (HangUp, OSError) propagates; anything else ending this screen goes
    back to the welcome, which clears it for the next person."""
    from .assessment import Assessment
    from .render import print_assessment
    from .screen import IdleTimeout

    _clear(console)
    print_assessment(Assessment.model_validate(record["assessment"]), questionnaire, console)
    with contextlib.suppress(KeyboardInterrupt, EOFError, IdleTimeout):
        prompter.select("Thank you. Your answers are with the clinic.", [("Finish", "done")])


def _clear(console: Console) -> None:
    try:
        console.file.write(CLEAR_ALL)
        console.file.flush()
    except OSError:
        pass


def list_intakes(folder: Path) -> int:
    from rich.table import Table

    if not folder.is_dir():
        print(f"error: {folder} is not a folder of intake records", file=sys.stderr)
        return EXIT_INVALID
    rows: list[tuple[str, str, str, str, str]] = []
    files = [(p, "complete") for p in folder.glob("*.json")]
    files += [(p, "partial") for p in (folder / "partial").glob("*.json")]
    for path, kind in files:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if kind == "partial":
                # Verdicts and flags from an unfinished screening would read unanswered
                # questions as findings: only say how far it got.
                answered = len(record["answers"]["answers"])
                headline = f"incomplete: {_plural(answered, 'question')} answered, not assessed"
                flags = "-"
                status = "PARTIAL" + (f" ({record['reason']})" if record.get("reason") else "")
            else:
                verdicts = record["assessment"]["verdicts"]
                headline = (
                    ", ".join(
                        f"{_SHORT[t]} {_WORD[v['verdict']]}"
                        for t, v in verdicts.items()
                        if v["verdict"] != "not_relevant"
                    )
                    or "no treatment relevant"
                )
                flags = "; ".join(f["title"] for f in record["assessment"]["flags"]) or "-"
                status = "complete"
            rows.append((record["id"], record.get("finished", ""), status, headline, flags))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            rows.append((path.stem, "", "UNREADABLE", f"{path.name}: {type(exc).__name__}", "-"))
    rows.sort(key=lambda r: r[0])
    table = Table(title=f"Intakes in {folder}", show_lines=True)
    # The id and time find the record: they are never cut, the other columns wrap instead.
    for at, name in enumerate(("id", "time")):
        widest = max((len(r[at]) for r in rows), default=len(name))
        table.add_column(name, no_wrap=True, min_width=max(widest, len(name)))
    for name in ("status", "verdicts", "to mention"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console = _console()
    if not console.is_terminal:
        console.width = 200  # a file or pipe: keep each record on one line where possible
    console.print(table)
    print(
        f"{len(rows)} intake(s): {sum(1 for r in rows if r[2] == 'complete')} complete, "
        f"{sum(1 for r in rows if r[2].startswith('PARTIAL'))} partial."
    )
    return EXIT_OK


_SHORT = {
    "mesotherapy": "MESO",
    "botulinum_toxin": "BTX",
    "dermal_fillers": "FILL",
    "chemical_peel": "PEEL",
    "laser_resurfacing": "LASER",
    "microneedling": "MN",
    "ultherapy": "ULT",
}
_WORD = {
    "worth_discussing": "worth discussing",
    "discuss_with_caution": "caution",
    "avoid_until_reviewed": "REVIEW FIRST",
    "not_relevant": "-",
}


def add_commands(sub: Any) -> None:
    p = sub.add_parser("screen", help="answer the screening questions in this terminal")
    p.add_argument("--questionnaire", metavar="FILE", help="questionnaire (default: shipped)")
    p.add_argument("--resume", metavar="FILE", help="continue an unfinished screening")
    p.add_argument("--save", metavar="PATH", help="write a handout (.md or .html)")
    p.add_argument("--json", metavar="PATH", help="write answers and assessment as JSON")
    p.set_defaults(func=cmd_screen)

    p = sub.add_parser("intake", help="front-desk intake: one patient after another")
    p.add_argument("--out", metavar="DIR", help="folder for intake records")
    p.add_argument("--list", metavar="DIR", help="list the intakes in DIR for the practitioner")
    p.add_argument(
        "--idle-timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="return to the welcome screen after this long without an answer (0: never)",
    )
    p.add_argument("--questionnaire", metavar="FILE", help="questionnaire (default: shipped)")
    p.set_defaults(func=cmd_intake)


__all__ = ["add_commands", "cmd_intake", "cmd_screen", "list_intakes"]

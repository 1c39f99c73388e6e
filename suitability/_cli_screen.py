"""The interactive commands: ``screen`` (a person screening themself) and ``intake`` (a clinic's
front desk, patient after patient). Both autosave every answer and never lose one."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import secrets
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .answers import Answers, dump_answers, read_answers_file
from .questionnaire import Questionnaire, default_questionnaire, load_questionnaire
from .storage import state_dir, unique_path, write_private

if TYPE_CHECKING:
    from rich.console import Console

    from .assessment import Assessment

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
CLEAR_ALL = "\x1b[3J\x1b[H\x1b[2J"  # scrollback, home, screen
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
def _hangup_is_an_interrupt() -> Iterator[None]:
    """A closed terminal (SIGHUP) stops the screening like Ctrl-C, so the answers are saved."""

    def handler(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGHUP, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)


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
    from .screen import Interrupted, Prompter, Screening

    suffix = Path(args.save).suffix.lower() if args.save else ""
    if args.save and suffix not in HANDOUT_SUFFIXES:
        print(f"error: --save needs a .md or .html file name, got '{args.save}'", file=sys.stderr)
        return EXIT_USAGE
    refused = _needs_terminal("screen")
    if refused is not None:
        return refused
    questionnaire = (
        load_questionnaire(args.questionnaire) if args.questionnaire else default_questionnaire()
    )

    values: dict[str, Any] = {}
    answered_on = dt.date.today()
    if args.resume:
        resumed = read_answers_file(args.resume, questionnaire)
        values, autosave = dict(resumed.values), Path(args.resume)
        answered_on = resumed.answered_on or answered_on
    else:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        autosave = unique_path(state_dir() / f"screening-{stamp}.partial.json")

    def save(current: dict[str, Any]) -> None:
        write_private(autosave, _answers_text(questionnaire, current, answered_on), replace=True)

    console = _console()
    say = _say(console)
    if args.resume:
        say(f"Welcome back. Continuing from {autosave} with {len(values)} answers kept.")
    screening = Screening(
        questionnaire, Prompter(), say, values=values, answered_on=answered_on, on_change=save
    )
    screening.history = [q.id for q in questionnaire.questions if q.id in screening.values]
    try:
        with _hangup_is_an_interrupt():
            answers = screening.run()
    except Interrupted as stopped:
        save(stopped.values)
        print(
            f"\nStopped. Your {len(stopped.values)} answers so far are saved in {autosave}\n"
            f"To continue later: suitability screen --resume {autosave}",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    save(dict(answers.values))

    from .assessment import assess
    from .render import print_assessment

    assessment = assess(answers, questionnaire)
    console.print()
    print_assessment(assessment, questionnaire, console)
    saved = _save_outputs(args, questionnaire, answers, assessment)
    for line in saved:
        console.print(line, markup=False)
    if args.json or args.save:
        autosave.unlink(missing_ok=True)
    else:
        console.print(
            f"Your answers are kept in {autosave} (only you can read it). "
            "Delete it when you no longer need it.",
            markup=False,
        )
    return EXIT_OK


def _save_outputs(
    args: argparse.Namespace, questionnaire: Questionnaire, answers: Answers, assessment: Assessment
) -> list[str]:
    from .render import to_html, to_markdown

    lines = []
    if args.save:
        text = to_markdown(assessment, questionnaire, answers, handout=True)
        if HANDOUT_SUFFIXES[Path(args.save).suffix.lower()] == "html":
            text = to_html(text, "Notes for my consultation")
        lines.append(_write_new(args.save, text, "Handout"))
    if args.json:
        record = {
            "answers": answers.to_file_data(),
            "assessment": assessment.model_dump(mode="json"),
        }
        lines.append(
            _write_new(
                args.json,
                json.dumps(record, indent=2, ensure_ascii=False) + "\n",
                "Answers and assessment",
            )
        )
    return lines


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


def cmd_intake(args: argparse.Namespace) -> int:
    if args.list:
        return list_intakes(Path(args.list))
    if not args.out:
        print("error: intake needs --out DIR (or --list DIR)", file=sys.stderr)
        return EXIT_USAGE
    refused = _needs_terminal("intake")
    if refused is not None:
        return refused
    from .screen import Interrupted, Prompter, Screening

    out = Path(args.out)
    (out / "partial").mkdir(parents=True, exist_ok=True, mode=0o700)
    questionnaire = (
        load_questionnaire(args.questionnaire) if args.questionnaire else default_questionnaire()
    )
    console = _console()
    say = _say(console)
    welcome = Prompter()
    patient = Prompter(idle_timeout=args.idle_timeout or None)
    done = 0
    with _hangup_is_an_interrupt():
        while True:
            _clear(console)
            say(f"{questionnaire.title}\n\n{questionnaire.intro or ''}\n")
            try:
                choice = welcome.select(
                    "Welcome. When you are ready, start your screening.",
                    [("Start my screening", "start"), ("Close intake (staff only)", "quit")],
                )
            except (KeyboardInterrupt, EOFError):
                choice = "quit"
            if choice == "quit":
                _clear(console)
                print(f"Intake closed: {done} screening(s) recorded in {out}.")
                return EXIT_OK
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
                questionnaire, patient, say, answered_on=started.date(), on_change=autosave
            )
            try:
                answers = screening.run()
            except Interrupted as stopped:
                record = _record(
                    record_id, "partial", stopped.reason, started, questionnaire, stopped.values
                )
                write_private(
                    partial_path,
                    json.dumps(record, indent=2, ensure_ascii=False) + "\n",
                    replace=True,
                )
                continue
            record = _record(
                record_id, "complete", None, started, questionnaire, dict(answers.values)
            )
            write_private(
                out / f"{record_id}.json", json.dumps(record, indent=2, ensure_ascii=False) + "\n"
            )
            partial_path.unlink(missing_ok=True)
            done += 1
            _show_patient_result(record, questionnaire, console, patient)


def _show_patient_result(
    record: dict[str, Any], questionnaire: Questionnaire, console: Console, prompter: Any
) -> None:
    from .assessment import Assessment
    from .render import print_assessment

    _clear(console)
    print_assessment(Assessment.model_validate(record["assessment"]), questionnaire, console)
    try:
        prompter.select("Thank you. Your answers are with the clinic.", [("Finish", "done")])
    except Exception:
        return


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
            status = "PARTIAL" if kind == "partial" else "complete"
            if kind == "partial" and record.get("reason"):
                status += f" ({record['reason']})"
            rows.append((record["id"], record.get("finished", ""), status, headline, flags))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            rows.append((path.stem, "", "UNREADABLE", f"{path.name}: {type(exc).__name__}", "-"))
    rows.sort(key=lambda r: r[0])
    table = Table(title=f"Intakes in {folder}", show_lines=True)
    for name in ("id", "time", "status", "verdicts", "to mention"):
        table.add_column(name)
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

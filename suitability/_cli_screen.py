"""The interactive commands: ``screen`` (a person screening themself) and ``intake`` (a clinic's
front desk, patient after patient). Both autosave every answer and never lose one."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import math
import os
import secrets
import shlex
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .answers import Answers, dump_answers, read_answers_file
from .errors import StorageError, SuitabilityError
from .questionnaire import Questionnaire, default_questionnaire, load_questionnaire
from .storage import _UnsafeFolder, make_private_folders, state_dir, unique_path, write_private

if TYPE_CHECKING:
    from rich.console import Console

    from .assessment import Assessment
    from .intake_records import ListRow

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# Home, screen, then scrollback: terminals that push a cleared screen into the scrollback
# would otherwise keep the last person's answers there.
CLEAR_ALL = "\x1b[H\x1b[2J\x1b[3J"
AUTOSAVE_PATTERN = "screening-*.partial.json"
# The key of an autosave that keeps the outputs first asked for (--save, --json), so that a
# resumed screening writes them too. Only our own autosaves carry it: it is taken out before
# the answers are read, and never written to a file the person is given.
OUTPUTS_KEY = "outputs"
# Set by scripts/screen to the command as the person typed it, for a hint that works as printed.
COMMAND_VARIABLE = "SUITABILITY_SCREEN_COMMAND"
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
    questionnaire: Questionnaire,
    values: dict[str, Any],
    answered_on: dt.date,
    outputs: dict[str, str] | None = None,
) -> str:
    answers = Answers(
        questionnaire=questionnaire.id,
        questionnaire_version=questionnaire.version,
        answered_on=answered_on,
        values=values,
    )
    if not outputs:
        return dump_answers(answers, "json")
    from ._json import dumps

    data = {**answers.to_file_data(), OUTPUTS_KEY: outputs}
    return dumps(data) + "\n"


def _say(console: Console) -> Callable[[str], None]:
    def say(text: str) -> None:
        # If the terminal went away, the answers are saved regardless.
        with contextlib.suppress(OSError):
            console.print(text, markup=False, highlight=False)

    return say


# --------------------------------------------------------------------------- screen


class _Autosave:
    """Writes every change to the autosave. When it cannot be written (a full disk, a removed
    or read-only state folder) the screening goes on with the answers in memory: that is said
    once, every later change tries again, and before the end the person is asked where to save
    them (:func:`_save_elsewhere`)."""

    def __init__(
        self,
        path: Path | None,
        text_of: Callable[[dict[str, Any]], str],
        say: Callable[[str], None],
        problem: str | None = None,
    ) -> None:
        self.path = path
        self.text_of = text_of
        self.say = say
        self.problem = problem  # why the last write failed; None once one succeeds
        self._told = False

    @property
    def failing(self) -> bool:
        return self.problem is not None

    def tell_once(self) -> None:
        if self.problem is not None and not self._told:
            self._told = True
            self.say(
                f"Your answers cannot be autosaved ({self.problem}). The screening goes on and "
                "keeps them in memory; before it ends you will be asked where to save them."
            )

    def __call__(self, values: dict[str, Any]) -> None:
        try:
            if self.path is None:
                self.path = _new_autosave()  # the state folder may be back
            write_private(self.path, self.text_of(values), replace=True)
        except StorageError as exc:  # a folder turned unsafe mid-screening too: not written
            self.problem = str(exc)
            self.tell_once()
            return
        self.problem = None


def cmd_screen(args: argparse.Namespace) -> int:
    from .screen import HangUp, Interrupted, Prompter, Screening

    resume_path = Path(args.resume) if args.resume else None
    if getattr(args, "continue_", False):
        resume_path, problem = _latest_autosave()
        if resume_path is None:
            print(f"error: screen --continue: {problem}", file=sys.stderr)
            return EXIT_INVALID
    # The outputs first asked for come back with an autosave of ours; any given now win.
    stored, answers_text = _read_own_autosave(resume_path) if resume_path else ({}, None)
    args.save = args.save or stored.get("save")
    args.json = args.json or stored.get("json")
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
    if resume_path is not None:
        resumed = read_answers_file(resume_path, questionnaire, text=answers_text)
        for note in resumed.notes:  # the person's own terminal: the file they named
            print(f"warning: {note.located(values=True)}", file=sys.stderr)
        values = dict(resumed.values)
        answered_on = resumed.answered_on or answered_on
    # A state folder that is a link or someone else's is refused (StorageError, exit 1) before
    # the first question; one that cannot be created only stops the autosave.
    autosave_problem: str | None = None
    own: Path | None = None
    autosave_path: Path | None = None
    try:
        # A file given to --resume is the person's own unless it is one of our autosaves:
        # theirs is only read, never rewritten nor deleted.
        own = _own_autosave(resume_path) if resume_path else None
        autosave_path = own or _new_autosave()
    except _UnsafeFolder:
        raise
    except StorageError as exc:
        autosave_problem = str(exc)
    # Absolute: a resumed screening may start in another folder.
    outputs = {
        key: str(Path(path).absolute())
        for key, path in (("save", args.save), ("json", args.json))
        if path
    }

    def text_of(current: dict[str, Any]) -> str:
        return _answers_text(questionnaire, current, answered_on)

    def autosave_text(current: dict[str, Any]) -> str:
        return _answers_text(questionnaire, current, answered_on, outputs)

    console = _console()
    say = _say(console)
    save = _Autosave(autosave_path, autosave_text, say, autosave_problem)
    prompter = Prompter()
    if resume_path is not None:
        # Paths on lines of their own, never wrapped by rich: whole when copied.
        with contextlib.suppress(OSError):
            console.print(
                f"Welcome back. Continuing from\n{resume_path}\n"
                f"with {len(values)} answers kept."
                + (
                    f"\nYour results will be saved as you first asked:{_outputs_said(outputs)}"
                    if stored
                    else ""
                ),
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        if own is None:
            save(values)
            if not save.failing:
                say(f"That file is left as it is; your answers are now saved in {save.path}.")
    save.tell_once()
    screening = Screening(
        questionnaire, prompter, say, values=values, answered_on=answered_on, on_change=save
    )
    with _hangup_stops_the_prompts():
        try:
            answers = screening.run()
        except Interrupted as stopped:
            if not stopped.values and own is None:
                # Nothing answered: an empty autosave would only be found by --continue.
                if save.path is not None:
                    save.path.unlink(missing_ok=True)
                if stopped.reason != "hung up":
                    _tell_stopped(0, None, "")
                return EXIT_INTERRUPTED
            save(stopped.values)
            if stopped.reason != "hung up":  # a closed terminal shows nothing more
                kept = _kept_where(save, prompter, say, text_of(stopped.values))
                _tell_stopped(len(stopped.values), kept, _how_to_continue(kept, outputs))
            return EXIT_INTERRUPTED
        try:
            save(dict(answers.values))
            return _finish_screening(args, questionnaire, answers, console, save, prompter, text_of)
        except (KeyboardInterrupt, EOFError, HangUp, OSError) as exc:
            # Stopped while the result was worked out or shown: the answers are saved already
            # (or were offered a place when the autosave failed).
            if not isinstance(exc, (HangUp, OSError)):
                text = text_of(dict(answers.values))
                kept = _kept_where(save, prompter, say, text)
                _tell_stopped(len(answers.values), kept, _how_to_continue(kept, outputs))
            return EXIT_INTERRUPTED


def _kept_where(
    save: _Autosave, prompter: Any, say: Callable[[str], None], text: str
) -> Path | None:
    """Where the answers are kept: the autosave, or when it failed, a place the person gives."""
    if not save.failing:
        return save.path
    return _save_elsewhere(prompter, say, text)


def _save_elsewhere(prompter: Any, say: Callable[[str], None], text: str) -> Path | None:
    """Asks for a file to keep the answers in until one can be written (each 0600, atomically,
    never over an existing file); None only when the person chooses to leave without."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    default_name = AUTOSAVE_PATTERN.replace("*", stamp)
    while True:
        try:
            typed: str = prompter.text(
                "Your answers could not be autosaved. Where should they be saved? "
                "Type a file or folder name.",
                "",
                lambda _text: True,
                "(a new file that only you can read; Enter alone to leave without saving)",
            )
        except (KeyboardInterrupt, EOFError):
            typed = ""
        if not typed.strip():
            try:
                leave = prompter.select(
                    "Your answers are not saved anywhere. Leave without saving them?",
                    [("No, save them", False), ("Yes, leave without saving", True)],
                )
            except (KeyboardInterrupt, EOFError):
                leave = True
            if leave:
                return None
            continue
        target = Path(typed.strip()).expanduser()
        if target.is_dir():
            target = target / default_name
        try:
            return write_private(unique_path(target), text)
        except StorageError as exc:
            say(f"Not saved: {exc}. Please choose another place.")


def _new_autosave() -> Path:
    # Numbered before ".partial.json" (not as unique_path would, after it), so that a second
    # screening started within the same second is still recognised as one of ours.
    folder = state_dir()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1, 10_000):
        path = folder / AUTOSAVE_PATTERN.replace("*", stamp if n == 1 else f"{stamp}-{n}")
        if not path.exists():
            return path
    raise StorageError(f"no free file name in {folder}")


def _own_autosave(path: Path) -> Path | None:
    """``path`` if it is one of our autosave files in the state folder, else None."""
    resolved = path.resolve()
    if resolved.parent == state_dir().resolve() and resolved.match(AUTOSAVE_PATTERN):
        return resolved
    return None


def _latest_autosave() -> tuple[Path | None, str]:
    """The unfinished screening last saved in the state folder, or None and why not."""
    try:
        folder = state_dir()
    except _UnsafeFolder:
        raise
    except StorageError as exc:
        return None, f"unfinished screenings cannot be looked for: {exc}"
    found = []
    for path in folder.glob(AUTOSAVE_PATTERN):
        with contextlib.suppress(OSError):  # gone meanwhile
            found.append((path.stat().st_mtime_ns, path.name, path))
    if not found:
        return None, (
            f"there is no unfinished screening to continue in {_shown_path(folder)}. "
            f"To start a new one: {_screen_command()}"
        )
    return max(found)[2], ""


def _read_own_autosave(path: Path) -> tuple[dict[str, str], str | None]:
    """The outputs an autosave of ours keeps, and its answers without them (None: read the
    file as it is, strictly, like any file of the person's own)."""
    try:
        if _own_autosave(path) is None or path.stat().st_size > 1_000_000:
            return {}, None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, StorageError):
        return {}, None  # reported when the answers are read
    if not isinstance(data, dict) or not isinstance(data.get(OUTPUTS_KEY), dict):
        return {}, None
    stored = data.pop(OUTPUTS_KEY)
    kept = {
        key: value
        for key, value in stored.items()
        if key in ("save", "json") and isinstance(value, str) and value
    }
    if kept.get("save") and Path(kept["save"]).suffix.lower() not in HANDOUT_SUFFIXES:
        del kept["save"]
    return kept, json.dumps(data, ensure_ascii=False)


def _outputs_said(outputs: dict[str, str]) -> str:
    said = {"save": "the handout to", "json": "answers and assessment to"}
    return "".join(f"\n  {said[key]}\n  {path}" for key, path in outputs.items())


def _screen_command() -> str:
    """The command that starts a screening, as this person can type it where they are: the
    one scripts/screen was started by, else this program's name if it is on the PATH, else
    its path."""
    typed = os.environ.get(COMMAND_VARIABLE)
    if typed:
        return shlex.quote(typed)
    program = sys.argv[0] if sys.argv and sys.argv[0] else ""
    if Path(program).name != "suitability":  # python -m suitability
        return f"{shlex.quote(sys.executable)} -m suitability screen"
    found = shutil.which("suitability")
    if found and Path(found).resolve() == Path(program).resolve():
        return "suitability screen"
    relative = os.path.relpath(program)
    shown = relative if not relative.startswith("..") else str(Path(program).absolute())
    if "/" not in shown:
        shown = f"./{shown}"
    return f"{shlex.quote(shown)} screen"


def _how_to_continue(kept: Path | None, outputs: dict[str, str]) -> str:
    """The command to continue, each path on its own line (a shell continues a line ending in
    a backslash), so that nothing is broken mid-word at 80 columns and it works as copied."""
    if kept is None:
        return ""
    with contextlib.suppress(StorageError):
        if _own_autosave(kept) is not None:
            return f"{_screen_command()} --continue"
    parts = [f"{_screen_command()} --resume", shlex.quote(str(kept))]
    parts += [f"--{key} {shlex.quote(path)}" for key, path in outputs.items()]
    return " \\\n    ".join(parts)


def _shown_path(path: Path) -> str:
    """A path to read (not to type): under the home folder, written from ``~``."""
    home = Path.home()
    try:
        return f"~/{path.relative_to(home)}"
    except ValueError:
        return str(path)


def _tell_stopped(count: int, kept: Path | None, how_to_continue: str) -> None:
    answers = f"Your {count} answer{'' if count == 1 else 's'} so far"
    with contextlib.suppress(OSError):
        if count == 0:
            print("\nStopped. Nothing was answered, so nothing was saved.", file=sys.stderr)
            return
        if kept is None:
            print(
                f"\nStopped. {answers} {'was' if count == 1 else 'were'} not saved.",
                file=sys.stderr,
            )
            return
        print(
            f"\nStopped. {answers} {'is' if count == 1 else 'are'} saved in\n"
            f"{_shown_path(kept)}\n"
            f"To continue later, type:\n    {how_to_continue}",
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
    save: _Autosave,
    prompter: Any,
    text_of: Callable[[dict[str, Any]], str],
) -> int:
    from .assessment import assess
    from .render import print_assessment

    assessment = assess(answers, questionnaire)
    console.print()
    print_assessment(assessment, questionnaire, console)
    saved, failed = _save_outputs(args, questionnaire, answers, assessment)
    for line in saved:
        console.print(line, markup=False, soft_wrap=True)
    json_saved = bool(args.json) and not any(line.startswith("Answers and") for line in failed)
    kept: Path | None = save.path
    if save.failing and not json_saved:
        kept = _save_elsewhere(prompter, _say(console), text_of(dict(answers.values)))
        if kept is None:
            console.print("Your answers were not saved.", markup=False)
            return EXIT_INVALID if failed else EXIT_OK
    if failed:
        for line in failed:
            print(f"error: {line}", file=sys.stderr)
        where = f"{_screen_command()} --resume \\\n    {shlex.quote(str(kept))}"
        print(
            f"Your answers are kept in\n{_shown_path(kept) if kept else kept}\n"
            "To save them again, with --save or --json in a folder you can write to, type:\n"
            f"    {where}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if save.failing:
        if not json_saved:
            console.print(f"Your answers are saved in {kept} (only you can read it).", markup=False)
    elif args.json or args.save:
        if save.path is not None:
            save.path.unlink(missing_ok=True)  # superseded by what was saved
    elif save.path is not None:
        kept = _finished(save.path, text_of(dict(answers.values)))
        console.print(
            f"Your answers are kept in\n{_shown_path(kept)}\n"
            "(only you can read it; delete it when you no longer need it).",
            markup=False,
            soft_wrap=True,  # a path is never broken into lines: it stays whole when copied
        )
    return EXIT_OK


def _finished(autosave: Path, text: str) -> Path:
    """The answers of a finished screening, moved out of the unfinished ones' name so that
    --continue never offers them again; where that cannot be written, the autosave stays."""
    done = autosave.with_name(autosave.name.replace(".partial.json", ".json"))
    try:
        kept = write_private(unique_path(done), text)
    except StorageError:
        return autosave
    autosave.unlink(missing_ok=True)
    return kept


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
        from ._json import dumps

        text = dumps(record) + "\n"
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
    *,
    reference: str | None = None,
) -> dict[str, Any]:
    """An intake record. Only a complete one carries the assessment: verdicts worked out from
    an unfinished screening would read its unanswered questions as findings."""
    from .assessment import assess, rules_provenance

    answers = read_answers_like(questionnaire, values, started.date())
    record: dict[str, Any] = {
        "id": record_id,
        "status": status,
        "reason": reason,
        "reference": reference,
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "questionnaire": {
            "id": questionnaire.id,
            "version": questionnaire.version,
            "content_hash": questionnaire.content_hash,
        },
        "rules": rules_provenance().model_dump(),
        "answers": answers.to_file_data(),
    }
    if status == "complete":
        record["assessment"] = assess(answers, questionnaire).model_dump(mode="json")
    return record


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
    """Creates ``folder``, and every missing folder above it, readable by this user only; one
    that exists keeps its permissions (a clinic may share its records folder on purpose)."""
    make_private_folders(folder)


def _plural(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def cmd_intake(args: argparse.Namespace) -> int:
    if args.show is not None:
        if args.list is not None or not (args.out or args.db):
            print("error: intake --show ID takes --out DIR or --db PATH", file=sys.stderr)
            return EXIT_USAGE
        return show_intake(args)
    if args.format != "text" and args.list is None:
        print("error: --format goes with intake --list", file=sys.stderr)
        return EXIT_USAGE
    if args.list is not None:
        if args.list and args.db:
            print("error: intake --list takes DIR or --db PATH, not both", file=sys.stderr)
            return EXIT_USAGE
        if args.db:
            from ._cli_intake_db import list_store_intakes

            return list_store_intakes(Path(args.db), args.format)
        if not args.list:
            print("error: intake --list needs DIR or --db PATH", file=sys.stderr)
            return EXIT_USAGE
        return list_intakes(Path(args.list), args.format)
    if not args.out and not args.db:
        print("error: intake needs --out DIR or --db PATH (or --list)", file=sys.stderr)
        return EXIT_USAGE
    refused = _needs_terminal("intake")
    if refused is not None:
        return refused
    if args.db:
        from ._cli_intake_db import intake_into_store

        return intake_into_store(args)
    from .screen import HangUp

    out = Path(args.out)
    desk = _Desk(args)  # a settings file that cannot be used is refused before any folder is made
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
            return _Intake(args, out, questionnaire, desk).loop()
        except (HangUp, OSError):
            # The terminal is gone: every answer is on disk and nothing more can be shown.
            return EXIT_INTERRUPTED


# A code to continue a stopped screening: read aloud or copied from paper, so no letters or
# digits that look or sound alike (0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B).
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
CODE_LENGTH = 6
# Wrong codes allowed in a row before "Continue a screening" pauses, and the first pause in
# seconds (doubled for every further wrong code, up to the last).
CODE_TRIES = 3
CODE_PAUSE = (30.0, 900.0)
_clock = time.monotonic


def new_resume_code() -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{code[:3]}-{code[3:]}"


def _normal_code(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def _code_hash(code: str, salt: bytes) -> str:
    # scrypt makes guessing from a copied record slow; the terminal's pause makes it slow there.
    digest = hashlib.scrypt(_normal_code(code).encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return digest.hex()


def _resume_entry(code: str) -> dict[str, str]:
    salt = secrets.token_bytes(16)
    return {"scheme": "scrypt-n14-r8-p1", "salt": salt.hex(), "hash": _code_hash(code, salt)}


def _matches(record: dict[str, Any], code: str) -> bool:
    entry = record.get("resume")
    if not isinstance(entry, dict):
        return False
    try:
        salt = bytes.fromhex(str(entry["salt"]))
        return hmac.compare_digest(_code_hash(code, salt), str(entry["hash"]))
    except (KeyError, ValueError):
        return False


class _Desk:
    """What the clinic set for its front desk: the settings file, with the command's options
    taking precedence. Without any settings file no name or reference is asked."""

    def __init__(self, args: argparse.Namespace) -> None:
        from .web.settings import default_settings_path, load_settings

        settings = load_settings(args.settings)
        configured = args.settings is not None or default_settings_path().exists()
        self.ask_reference = settings.ask_reference if configured else "no"
        self.reference_label = settings.reference_label

        def chosen(option: float | None, setting: float) -> float:
            return setting if option is None else option

        self.idle_timeout = chosen(args.idle_timeout, settings.idle_timeout_seconds)
        self.idle_warning = chosen(args.idle_warning, settings.idle_warning_seconds)
        self.result_clear = chosen(args.result_clear, settings.result_clear_seconds)


class _Watchful:
    """A patient's prompts, with "Are you still there?" shown ``warning`` seconds before the
    idle timeout: any answer to it goes back to the question (asked again as it was), and
    silence ends the screening as the timeout does. With no room for a warning (a timeout
    shorter than it), the timeout alone."""

    def __init__(self, timeout: float, warning: float) -> None:
        from .screen import Prompter

        # On a shared terminal Ctrl-D is a key: only staff typing CLOSE end the intake.
        self.warner: Any = None
        if timeout and 0 < warning < timeout:
            self.inner: Any = Prompter(idle_timeout=timeout - warning, ctrl_d_ends=False)
            self.warner = Prompter(idle_timeout=warning, ctrl_d_ends=False)
        else:
            self.inner = Prompter(idle_timeout=timeout or None, ctrl_d_ends=False)

    def _watched(self, ask: Callable[[], Any]) -> Any:
        from .screen import IdleTimeout

        while True:
            try:
                return ask()
            except IdleTimeout:
                if self.warner is None:
                    raise
            self._still_there()

    def _still_there(self) -> None:
        """Returns when someone answers; raises IdleTimeout when nobody does in time."""
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is a key pressed, too
            self.warner.select(
                # One line at 80 columns, so that it is read at a glance.
                "Are you still there? Press Enter to go on, or the screening closes soon.",
                [("Yes, I am still here", "here")],
                instruction="(press Enter)",
            )

    def select(self, *args: Any, **options: Any) -> Any:
        return self._watched(lambda: self.inner.select(*args, **options))

    def checkbox(self, *args: Any, **options: Any) -> Any:
        return self._watched(lambda: self.inner.checkbox(*args, **options))

    def text(self, *args: Any, **options: Any) -> Any:
        return self._watched(lambda: self.inner.text(*args, **options))


class _Intake:
    """The front desk: a welcome, one screening after another, each kept as a record."""

    def __init__(
        self,
        args: argparse.Namespace,
        out: Path,
        questionnaire: Questionnaire,
        desk: _Desk | None = None,
    ) -> None:
        from .screen import Prompter

        self.out = out
        self.q = questionnaire
        self.desk = desk or _Desk(args)
        self.console = _console()
        self.say = _say(self.console)
        # On a shared terminal Ctrl-D is a key: only staff typing CLOSE end the intake.
        self.welcome = Prompter(ctrl_d_ends=False)
        # Any: it stands in for a Prompter, answering the same three calls.
        self.patient: Any = _Watchful(self.desk.idle_timeout, self.desk.idle_warning)
        # The result stays on the shared screen only this long unless Finish comes first.
        self.result = Prompter(idle_timeout=self.desk.result_clear or None, ctrl_d_ends=False)
        self.reference: str | None = None  # the name or reference of the screening under way
        self.done = 0
        self.kept: set[str] = set()  # ids: a screening continued and stopped again is one
        self.wrong_codes = 0
        self.paused_until = 0.0

    def loop(self) -> int:
        while True:
            _clear(self.console)
            self.say(_welcome_text(self.q))
            try:
                choice = self.welcome.select(
                    "Welcome. When you are ready, start your screening.",
                    [
                        ("Start my screening", "start"),
                        ("Continue a screening", "continue"),
                        ("Close intake or reopen a screening (staff only)", "quit"),
                    ],
                )
            except KeyboardInterrupt:
                choice = "quit"
            except EOFError:
                choice = "close"  # the input is gone (a closed pipe): no more can come
            if choice == "quit":
                choice = _staff_word(self.patient)
            if choice == "reopen" and self.staff_reopen() == "hung up":
                return EXIT_INTERRUPTED
            if choice == "close":
                _clear(self.console)
                print(self.closing_line())
                return EXIT_OK
            if choice == "start":
                asked = self.ask_reference()
                if asked is None:
                    continue  # back to the welcome
                self.reference = asked or None
                stopped = self.screening(self.new_id(), self.now(), {})
            elif choice == "continue":
                stopped = self.continue_screening()
            else:
                continue
            if stopped == "hung up":
                return EXIT_INTERRUPTED

    def ask_reference(self) -> str | None:
        """The name or booking reference, as the clinic asks for it: "" when not asked or
        left out, None when the person went back (Ctrl-C) or left the terminal."""
        from .screen import IdleTimeout
        from .web.settings import reference_problem

        if self.desk.ask_reference == "no":
            return ""
        required = self.desk.ask_reference == "required"
        label = self.desk.reference_label

        def validate(typed: str) -> bool | str:
            return reference_problem(typed, required=required, label=label) or True

        try:
            typed: str = self.patient.text(
                label,
                "",
                validate,
                "(so that the clinic knows whose answers these are; Ctrl-C goes back)"
                if required
                else "(you may leave this empty: press Enter)",
            )
        except (KeyboardInterrupt, EOFError, IdleTimeout):
            return None
        return " ".join(typed.split())

    def staff_reopen(self) -> str:
        """Staff reopen a screening that timed out for its patient (``intake --db``, where
        staff log in); returns how it ended, as :meth:`screening` does."""
        self.notice(
            "Reopening a screening that timed out needs staff to log in: run the intake with "
            "--db (the records database that holds the staff accounts)."
        )
        return "back"

    # ------------------------------------------------------------------ where records go
    # The folder of ``intake --out``; _StoreIntake overrides these for ``--db``.

    def closing_line(self) -> str:
        return (
            f"Intake closed: {_plural(self.done, 'screening')} recorded in {self.out}, "
            f"{_plural(len(self.kept), 'partial record')} kept in {self.out / 'partial'}."
        )

    def new_id(self) -> str:
        return _new_id()

    def now(self) -> dt.datetime:
        return dt.datetime.now()

    def progress(self, record_id: str, started: dt.datetime, values: dict[str, Any]) -> None:
        """Saves the answers so far, as each is given (raises StorageError when it cannot)."""
        if not values:  # nothing answered (any more): no empty record is left behind
            self.partial_path(record_id).unlink(missing_ok=True)
            return
        # Written without a resume code: a code given earlier stops working once the
        # screening it continued has moved on.
        record = _record(
            record_id, "partial", "in progress", started, self.q, values, reference=self.reference
        )
        write_private(self.partial_path(record_id), _record_text(record), replace=True)

    def partial_path(self, record_id: str) -> Path:
        return self.out / "partial" / f"{record_id}.json"

    def complete(
        self, record_id: str, started: dt.datetime, values: dict[str, Any]
    ) -> dict[str, Any]:
        """Keeps the finished screening's record (asking staff where, if it cannot be
        written) and returns it."""
        record = _record(
            record_id, "complete", None, started, self.q, values, reference=self.reference
        )
        self.keep(self.out, f"{record_id}.json", _record_text(record), replace=False)
        self.partial_path(record_id).unlink(missing_ok=True)
        return record

    def take(self, code: str) -> tuple[str, dt.datetime, dict[str, Any]] | None:
        """The screening ``code`` continues (its id, start and answers), the code spent; None
        when it continues none."""
        found = self.find(code)
        if found is None:
            return None
        record, values = found
        started = dt.datetime.fromisoformat(str(record["started"]))
        reference = record.get("reference")
        self.reference = reference if isinstance(reference, str) and reference else None
        # The code is spent as soon as it is used, even if this run ends abruptly.
        spent = _record(
            str(record["id"]),
            "partial",
            "in progress",
            started,
            self.q,
            values,
            reference=self.reference,
        )
        with contextlib.suppress(StorageError):
            write_private(self.partial_path(str(record["id"])), _record_text(spent), replace=True)
        return str(record["id"]), started, values

    # ------------------------------------------------------------------ one screening

    def screening(self, record_id: str, started: dt.datetime, values: dict[str, Any]) -> str:
        """Runs one screening to its record; returns how it ended ("complete", or the reason
        it stopped)."""
        from .screen import Interrupted, Screening

        in_memory = {"told": False}

        def autosave(current: dict[str, Any]) -> None:
            try:
                self.progress(record_id, started, current)
            except StorageError as exc:
                if not in_memory["told"]:
                    in_memory["told"] = True
                    self.say(
                        f"(Your answers cannot be saved as you go just now: {exc}. They are "
                        "kept here, and staff will be asked where to save them at the end.)"
                    )

        screening = Screening(
            self.q,
            self.patient,
            self.say,
            values=values,
            answered_on=started.date(),
            on_change=autosave,
            intro=False,
            confirm_leave=self.patient_leaves,
        )
        try:
            answers = screening.run()
        except Interrupted as stopped:
            self.stopped(record_id, started, stopped.values, stopped.reason)
            return stopped.reason
        record = self.complete(record_id, started, dict(answers.values))
        self.kept.discard(record_id)
        self.done += 1
        _show_patient_result(record, self.q, self.console, self.result)
        return "complete"

    def patient_leaves(self) -> bool:
        """Asked on Ctrl-C, so that a stray key does not throw a patient's place away."""
        try:
            leave: bool = self.patient.select(
                "Leave this screening? Your answers so far will be kept for you to continue.",
                [("No, go back to the question", False), ("Yes, leave for now", True)],
            )
        except KeyboardInterrupt:
            return True  # Ctrl-C twice
        except EOFError:
            return True  # the input is gone
        return leave

    def stopped(
        self,
        record_id: str,
        started: dt.datetime,
        values: dict[str, Any],
        reason: str,
    ) -> None:
        partial_path = self.partial_path(record_id)
        if not values:
            partial_path.unlink(missing_ok=True)  # nothing answered, nothing to keep
            return
        record = _record(
            record_id, "partial", reason, started, self.q, values, reference=self.reference
        )
        # Only someone who chose to leave gets a code: after an idle timeout the person at the
        # terminal may be the next patient, and a closed terminal shows nothing.
        code = new_resume_code() if reason == "interrupted" else None
        if code is not None:
            record["resume"] = _resume_entry(code)
        text = _record_text(record)
        if reason == "hung up":
            with contextlib.suppress(StorageError):
                write_private(partial_path, text, replace=True)
                self.kept.add(record_id)
            return
        saved = self.keep(partial_path.parent, partial_path.name, text, replace=True)
        self.kept.add(record_id)
        # A record that staff had to put in another folder cannot be found by its code.
        if code is not None and saved == partial_path:
            self.show_code(code, len(values))

    def show_code(self, code: str, count: int) -> None:
        from .screen import IdleTimeout

        _clear(self.console)
        self.say(
            f"Your {_plural(count, 'answer')} so far {'is' if count == 1 else 'are'} kept for "
            "the clinic.\n\nTo continue later, choose 'Continue a screening' and type this "
            f"code:\n\n    {code}\n\nPlease write it down or remember it: it is shown only "
            "once, and only this code continues your screening."
        )
        with contextlib.suppress(KeyboardInterrupt, EOFError, IdleTimeout):
            self.patient.select("When you have noted your code:", [("Done", "done")])

    def keep(self, folder: Path, name: str, text: str, *, replace: bool) -> Path:
        """Writes a record; when it cannot be written, the answers stay in memory and staff
        are asked for another folder (or to try again) until it is written."""
        from .screen import IdleTimeout

        while True:
            try:
                return write_private(folder / name, text, replace=replace)
            except StorageError as exc:
                self.say(f"\nThe record could not be saved: {exc}")
            try:
                typed: str = self.patient.text(
                    "Staff: type a folder to save this record in, or press Enter to try "
                    f"{folder} again.",
                    "",
                    lambda _text: True,
                    "(the answers are kept until the record is saved)",
                )
            except (KeyboardInterrupt, EOFError, IdleTimeout):
                typed = ""
            if typed.strip():
                folder = Path(typed.strip()).expanduser()

    # ------------------------------------------------------------------ continuing

    def continue_screening(self) -> str:
        """Asks for the code given when a screening stopped; the right code continues that
        screening, anything else reveals nothing, and after a few wrong codes in a row the
        door closes for a while."""
        from .screen import IdleTimeout

        while True:
            if _clock() < self.paused_until:
                self.notice(
                    "Too many codes that did not match were typed. Please ask at the desk, "
                    "or try again in a few minutes."
                )
                return "paused"
            try:
                typed: str = self.patient.text(
                    "Type the code you were given when you stopped.",
                    "",
                    lambda _text: True,
                    "(for example ACD-EFH; Enter alone to go back)",
                )
            except (KeyboardInterrupt, EOFError, IdleTimeout):
                return "back"
            if not _normal_code(typed):
                return "back"
            try:
                found = self.take(typed)
            except StorageError as exc:
                self.notice(
                    f"Screenings cannot be continued just now ({exc}). Please ask at the desk."
                )
                return "back"
            if found is None:
                self.wrong_codes += 1
                if self.wrong_codes >= CODE_TRIES:
                    first, longest = CODE_PAUSE
                    pause = min(first * 2 ** (self.wrong_codes - CODE_TRIES), longest)
                    self.paused_until = _clock() + pause
                self.say("That code does not match a screening that can be continued.")
                continue
            self.wrong_codes = 0
            record_id, started, values = found
            self.say(
                f"Welcome back. Your {_plural(len(values), 'answer')} so far "
                f"{'is' if len(values) == 1 else 'are'} kept; the screening goes on from there."
            )
            return self.screening(record_id, started, values)

    def find(self, code: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The partial record the code continues, with its answers, or None."""
        for path in sorted((self.out / "partial").glob("*.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if not isinstance(record, dict) or not _matches(record, code):
                continue
            try:
                started = dt.datetime.fromisoformat(str(record["started"]))
                values = dict(record["answers"]["answers"])
                read_answers_like(self.q, values, started.date())
            except (KeyError, TypeError, ValueError, SuitabilityError):
                return None  # written for another questionnaire: it cannot go on here
            if path.stem != record.get("id"):
                return None
            return record, values
        return None

    def notice(self, text: str) -> None:
        from .screen import IdleTimeout

        self.say(text)
        with contextlib.suppress(KeyboardInterrupt, EOFError, IdleTimeout):
            self.patient.select("Back to the welcome screen:", [("OK", "ok")])


def _record_text(record: dict[str, Any]) -> str:
    from ._json import dumps

    return dumps(record) + "\n"


def _staff_word(prompter: Any) -> str:
    """ "close", "reopen" or "back": closing or reopening takes a typed word, so that a
    patient's stray keypress cannot shut the intake or reach the staff's screens."""
    from .screen import IdleTimeout

    try:
        typed: str = prompter.text(
            "Staff only: type CLOSE to close the intake, REOPEN for a timed-out screening.",
            "",
            lambda _text: True,
            "(or just press Enter to go back to the welcome screen)",
        )
    except (KeyboardInterrupt, IdleTimeout):
        return "back"
    except EOFError:
        return "close"  # no more input can come
    word = typed.strip().upper()
    return {"CLOSE": "close", "REOPEN": "reopen"}.get(word, "back")


def _hidden_text(prompter: Any, message: str) -> str:
    """A typed secret (a staff password), never shown on the shared screen."""
    import questionary

    def make() -> Any:
        return questionary.password(message, qmark="", **prompter._io())

    typed: str = prompter._ask(make)
    return typed


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


def list_intakes(folder: Path, fmt: str = "text") -> int:
    from .intake_records import folder_rows

    if not folder.is_dir():
        print(f"error: {folder} is not a folder of intake records", file=sys.stderr)
        return EXIT_INVALID
    _print_list(folder_rows(folder), f"Intakes in {folder}", fmt)
    return EXIT_OK


def _print_list(rows: list[ListRow], title: str, fmt: str) -> None:
    """The list as text (one line per intake, fitted to a terminal; whole values when piped),
    JSON or CSV."""
    import shutil

    from .intake_records import list_csv, list_json, list_text

    if fmt == "json":
        sys.stdout.write(list_json(rows))
    elif fmt == "csv":
        sys.stdout.write(list_csv(rows))
    else:
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        sys.stdout.write(list_text(rows, title, width))


def show_intake(args: argparse.Namespace) -> int:
    """``intake --show ID``: one record, from ``--out DIR`` or ``--db PATH``."""
    import shutil

    from .intake_records import NotFound, find_folder_record, show_text

    questionnaire = (
        load_questionnaire(args.questionnaire) if args.questionnaire else default_questionnaire()
    )
    try:
        if args.db:
            from ._cli_intake_db import EXIT_IO, store_record

            data = store_record(Path(args.db), args.show)
            if data is None:
                return EXIT_IO  # the database could not be read: already said why
        else:
            folder = Path(args.out)
            if not folder.is_dir():
                print(f"error: {folder} is not a folder of intake records", file=sys.stderr)
                return EXIT_INVALID
            data = find_folder_record(folder, args.show)
    except NotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 80
    sys.stdout.write(show_text(data, questionnaire, width))
    return EXIT_OK


def _seconds(text: str) -> float:
    """A number of seconds for the desk's timers, 0 (never) up to a day."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 24 * 3600:  # NaN fails too
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds from 0 to 86400, got '{text}'"
        )
    return value


def add_commands(sub: Any) -> None:
    p = sub.add_parser("screen", help="answer the screening questions in this terminal")
    p.add_argument("--questionnaire", metavar="FILE", help="questionnaire (default: shipped)")
    resume = p.add_mutually_exclusive_group()
    resume.add_argument("--resume", metavar="FILE", help="continue an unfinished screening")
    resume.add_argument(
        "--continue",
        dest="continue_",
        action="store_true",
        help="continue your latest unfinished screening, saving what it first asked to save",
    )
    p.add_argument("--save", metavar="PATH", help="write a handout (.md or .html)")
    p.add_argument("--json", metavar="PATH", help="write answers and assessment as JSON")
    p.set_defaults(func=cmd_screen)

    p = sub.add_parser("intake", help="front-desk intake: one patient after another")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--out", metavar="DIR", help="folder for intake records")
    where.add_argument(
        "--db", metavar="PATH", help="records database for intake records (as the web app's)"
    )
    p.add_argument(
        "--list",
        nargs="?",
        const="",
        metavar="DIR",
        help="list the intakes in DIR (or in the --db database) for the practitioner, "
        "one line each",
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="with --list: text (one line per intake, with a legend), json or csv",
    )
    p.add_argument(
        "--show",
        metavar="ID",
        help="print one record (its id, or enough of its start) from --out DIR or --db PATH",
    )
    p.add_argument(
        "--settings",
        metavar="FILE",
        help="the clinic's settings: name or reference asked, idle times (default: yours)",
    )
    p.add_argument(
        "--idle-timeout",
        type=_seconds,
        metavar="SECONDS",
        help="return to the welcome screen after this long without an answer (0: never; "
        "default: the settings' idle_timeout_seconds, 300)",
    )
    p.add_argument(
        "--idle-warning",
        type=_seconds,
        metavar="SECONDS",
        help="ask 'Are you still there?' this long before the idle timeout (0: never; "
        "default: the settings' idle_warning_seconds, 60)",
    )
    p.add_argument(
        "--result-clear",
        type=_seconds,
        metavar="SECONDS",
        help="clear a result from the screen after this long unless Finish is pressed first "
        "(0: never; default: the settings' result_clear_seconds, 120)",
    )
    p.add_argument("--questionnaire", metavar="FILE", help="questionnaire (default: shipped)")
    p.set_defaults(func=cmd_intake)


__all__ = ["add_commands", "cmd_intake", "cmd_screen", "list_intakes", "show_intake"]

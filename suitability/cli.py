"""The ``suitability`` command: loads, asks, assesses, renders and saves; never a traceback.

Exit codes: 0 success; 1 invalid input (every problem listed); 2 usage error or no terminal;
70 internal error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from ._problems import count
from .errors import EngineBuildError, Problem, SuitabilityError

if TYPE_CHECKING:
    from rich.console import Console

    from .answers import Answers
    from .questionnaire import Questionnaire

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


def _print_problems(problems: Sequence[Problem], *, label: str = "error") -> None:
    # On the terminal of the person who named the file: the value given helps them find it.
    for problem in problems:
        print(f"{label}: {problem.located(values=True)}", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    from ._entry import interrupted
    from .questionnaire import check_questionnaire, default_questionnaire_path

    files = [Path(f) for f in args.files] or [default_questionnaire_path()]
    worst = EXIT_OK
    for path in files:
        if _is_answers_file(path):
            worst = max(worst, _validate_answers_file(path, args.questionnaire))
            continue
        model, errors, warnings = check_questionnaire(path)
        if interrupted():  # a Ctrl-C inside pydantic-core can show as a failed check
            raise KeyboardInterrupt
        _print_problems(warnings, label="warning")
        if errors:
            _print_problems(errors)
            print(f"{path}: {count(errors)}", file=sys.stderr)
            worst = EXIT_INVALID
        elif model is not None:
            questions = len(model.questions)
            print(
                f"{path}: ok - '{model.title}' version {model.version}, "
                f"{len(model.sections)} sections, {questions} questions"
                + (f", {len(warnings)} warnings" if warnings else "")
            )
    return worst


def _questionnaire(path: str | None) -> Questionnaire:
    from .questionnaire import default_questionnaire, load_questionnaire

    return load_questionnaire(path) if path else default_questionnaire()


def _is_answers_file(path: Path) -> bool:
    """Answers files hold an ``answers`` mapping at the top (or are FHIR resources, read as a
    QuestionnaireResponse); questionnaires never do. Decided
    by parsing, whatever the layout; a file that does not parse is an answers file if it looks
    like JSON (so its problem reads "malformed JSON"), else a questionnaire."""
    from ._reader import MAX_ANSWERS_BYTES
    from .answers import parse_answers_text
    from .fhir._codes import is_fhir_resource

    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_ANSWERS_BYTES + 1)
        if len(raw) > MAX_ANSWERS_BYTES:
            # Too large to parse here: its start says which kind of file it was meant to be, and
            # that kind's reader refuses it by its size alone.
            head = raw[:65536].decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
            return head.startswith("{") or _ANSWERS_KEY.search(head) is not None
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        data = parse_answers_text(text, path.name)
    except SuitabilityError:
        # Refused by the answers reader (malformed, or over a limit): still an answers file
        # if it looks like one, so that its problem is told as one.
        return text.lstrip().startswith("{") or _ANSWERS_KEY.search(text) is not None
    return isinstance(data, dict) and ("answers" in data or is_fhir_resource(data))


# A top-level `answers:` key, which no questionnaire has.
_ANSWERS_KEY = re.compile(r"^answers[ \t]*:", re.M)


def _validate_answers_file(path: Path, questionnaire_path: str | None) -> int:
    from .answers import read_answers_file
    from .errors import AnswersError

    questionnaire = _questionnaire(questionnaire_path)
    try:
        answers = read_answers_file(path, questionnaire)
    except AnswersError as exc:
        _print_problems(exc.problems)
        print(f"{path}: {count(exc.problems)}", file=sys.stderr)
        return EXIT_INVALID
    _print_problems(answers.notes, label="warning")
    print(f"{path}: ok - {len(answers.values)} answers to '{questionnaire.id}'")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from .answers import answers_schema

    schema = answers_schema(_questionnaire(args.questionnaire))
    from ._json import dumps

    print(dumps(schema))
    return EXIT_OK


def _read_input(path: str, questionnaire: Questionnaire) -> tuple[Answers, Any]:
    """The answers in ``path`` (``-``: standard input), with the document they were read from:
    read and parsed once, so that a response carried in a Bundle is the very one assessed."""
    from .answers import read_answers_document

    text = None
    if path == "-":
        from ._messages import problem
        from ._reader import ANSWERS_LIMITS, Refused, read_document
        from .errors import AnswersError

        try:
            stream = getattr(sys.stdin, "buffer", sys.stdin)  # bytes when it has them
            text = read_document(stream, ANSWERS_LIMITS, "<stdin>")
        except Refused as exc:
            raise AnswersError(exc.problems) from None
        except UnicodeDecodeError:
            raise AnswersError([problem("not_utf8", source="<stdin>")]) from None
    answers, document = read_answers_document(path, questionnaire, text=text)
    _print_problems(answers.notes, label="warning")
    return answers, document


def cmd_assess(args: argparse.Namespace) -> int:
    from .assessment import assess

    if args.format != "fhir" and (args.fhir_version or args.settings):
        option = "--fhir-version" if args.fhir_version else "--settings"
        print(f"error: {option} goes with --format fhir", file=sys.stderr)
        return EXIT_USAGE
    questionnaire = _questionnaire(args.questionnaire)
    answers, document = _read_input(args.file, questionnaire)
    assessment = assess(answers, questionnaire)
    if args.format == "fhir":
        from .fhir import assessment_bundle, dumps, is_fhir_resource

        bundle = assessment_bundle(
            assessment,
            answers,
            questionnaire,
            response=dict(document) if is_fhir_resource(document) else None,
            fhir_version=args.fhir_version or "R5",
            base=_canonical_base(args.settings),
        )
        sys.stdout.write(dumps(bundle))
    elif args.format == "json":
        sys.stdout.write(assessment.to_json())
    elif args.format == "markdown":
        from .render import to_markdown

        sys.stdout.write(to_markdown(assessment, questionnaire, answers))
    else:
        from .render import print_assessment

        print_assessment(assessment, questionnaire, _console(), details=True)
    return EXIT_OK


def _canonical_base(settings_path: str | None) -> str:
    """The clinic's base of canonical URLs: from ``--settings``, else the user's settings file
    if there is one, else the default (as `suitability serve` reads them)."""
    from .web.settings import load_settings

    return load_settings(settings_path).canonical_base


def cmd_rules(args: argparse.Namespace) -> int:
    if args.check:
        return _check_rules(args)
    from .render import rules_catalogue

    sys.stdout.write(rules_catalogue(args.format))
    return EXIT_OK


def _check_rules(args: argparse.Namespace) -> int:
    """Proves the rule set's properties over the whole answer space; exit 1 with a
    counterexample when one fails."""
    import json

    from .rules.model import default_rules, load_rules
    from .rules.prove import prove

    rs = load_rules(args.rules) if args.rules else default_rules()
    questionnaire = _questionnaire(args.questionnaire)
    proof = prove(rs, questionnaire)
    for f in proof.findings:
        if f.failure is None:
            print(f"proved {f.name}: {f.text} ({f.cases} cases)")
        else:
            print(f"FAILED {f.name}: {f.text}: {f.failure}")
            if f.counterexample is not None:
                print(f"  counterexample: {json.dumps(f.counterexample, sort_keys=True)}")
    for warning in proof.warnings:
        print(f"warning: {warning}")
    return EXIT_OK if proof.ok else 1


def _console() -> Console:
    from rich.console import Console

    # rich honours NO_COLOR itself; colour only repeats what the words say.
    return Console(highlight=False)


#: The commands defined in this module: a command line naming one of them first needs none of
#: the other modules' commands (nor the imports they bring).
_OWN_COMMANDS = ("validate", "schema", "assess", "rules")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command's parser; with ``only`` (one of this module's commands), that command alone
    under the same program, which parses its arguments (and words its errors) the same way."""

    def wanted(command: str) -> bool:
        return only is None or only == command

    parser = argparse.ArgumentParser(
        prog="suitability",
        description=(
            "Pre-consultation screening for facial mesotherapy and its alternatives. "
            "A screening aid, not medical advice."
        ),
    )
    parser.add_argument("--version", action="version", version=f"suitability {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    if wanted("validate"):
        p = sub.add_parser(
            "validate", help="check questionnaire or answers files; exit 1 listing every problem"
        )
        p.add_argument(
            "files",
            nargs="*",
            metavar="FILE",
            help="questionnaire or answers files (default: shipped)",
        )
        p.add_argument("--questionnaire", metavar="FILE", help="questionnaire for answers files")
        p.set_defaults(func=cmd_validate)

    if wanted("schema"):
        p = sub.add_parser("schema", help="print the JSON Schema of an answers file")
        p.add_argument("questionnaire", nargs="?", metavar="QUESTIONNAIRE")
        p.set_defaults(func=cmd_schema)

    if wanted("assess"):
        p = sub.add_parser("assess", help="assess an answers file (YAML or JSON; - for stdin)")
        p.add_argument("file", metavar="FILE")
        p.add_argument("--format", choices=("text", "json", "markdown", "fhir"), default="text")
        p.add_argument(
            "--fhir-version",
            choices=("R4", "R5"),
            help="with --format fhir: the FHIR version of the Bundle (default: R5)",
        )
        p.add_argument(
            "--settings",
            metavar="FILE",
            help="with --format fhir: the clinic's settings, for the base of canonical URLs",
        )
        p.add_argument("--questionnaire", metavar="FILE", help="questionnaire (default: shipped)")
        p.set_defaults(func=cmd_assess)

    if only is None:
        from ._cli_batch import add_command as add_batch
        from ._cli_fhir import add_command as add_fhir
        from ._cli_records import add_commands as add_records
        from ._cli_screen import add_commands
        from ._cli_web import add_commands as add_web

        add_commands(sub)
        add_batch(sub)
        add_web(sub)
        add_records(sub)
        add_fhir(sub)

    if wanted("rules"):
        p = sub.add_parser("rules", help="print the rule catalogue for clinical review")
        p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
        p.add_argument(
            "--check",
            action="store_true",
            help="prove the rule set's properties over every answer; exit 1 with a counterexample",
        )
        p.add_argument("--rules", metavar="FILE", help="rule-set file to check (default: shipped)")
        p.add_argument("--questionnaire", metavar="FILE", help="questionnaire (default: shipped)")
        p.set_defaults(func=cmd_rules)
    return parser


#: Commands that assess after asking, reading or serving for a while: a durable-rules that cannot
#: load is said at their start, before a person answers anything or an output file is made.
_ASSESS_LATER = frozenset({"batch", "intake", "screen", "serve"})


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(words[0] if words and words[0] in _OWN_COMMANDS else None)
    args = parser.parse_args(words)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        if args.command in _ASSESS_LATER:
            from .rules._durable import check_durable

            check_durable()
        code: int = args.func(args)
        return code
    except SuitabilityError as exc:
        from ._entry import interrupted_by

        if interrupted_by(exc):  # a Ctrl-C can make a library report a false problem
            print("\nInterrupted.", file=sys.stderr)
            return EXIT_INTERRUPTED
        if exc.problems:
            _print_problems(exc.problems)
        else:
            print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except EngineBuildError as exc:  # the installation, not the input: its one line says how
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    except Exception as exc:  # the last line of defence: one clear line, never a traceback
        from ._entry import interrupted_by

        if interrupted_by(exc):  # a Ctrl-C during an import, wrapped by Python 3.10
            print("\nInterrupted.", file=sys.stderr)
            return EXIT_INTERRUPTED
        print(
            f"internal error: {type(exc).__name__}: {exc}. Please report this; "
            "no answers were sent anywhere.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL

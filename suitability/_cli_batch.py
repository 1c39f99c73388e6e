"""``suitability batch``: assess many records from JSON Lines or CSV into JSON Lines."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import StorageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _open_output(path: str) -> IO[str]:
    """A new file, mode 0600, never over an existing one; ``-`` is standard output."""
    if path == "-":
        return sys.stdout
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise StorageError(
            f"{path} already exists; choose another name (it was left unchanged)"
        ) from None
    except OSError as exc:
        raise StorageError(f"cannot create {path}: {exc.strerror}") from None
    return os.fdopen(fd, "w", encoding="utf-8", buffering=1 << 16)


def _format_of(args: argparse.Namespace) -> str:
    if args.input_format:
        return str(args.input_format)
    suffix = Path(args.input).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise StorageError(
        f"cannot tell the format of '{args.input}' from its name; use --input-format jsonl or csv"
    )


def _count_lines(path: str) -> int | None:
    if path == "-" or not Path(path).is_file():
        return None  # a pipe read twice would lose its records
    total = 0
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            total += block.count(b"\n")
    return total


@contextlib.contextmanager
def _progress(show: bool, total: int | None) -> Iterator[Callable[[int], None]]:
    if not show:
        yield lambda _n: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>7} records/s"),
        TimeRemainingColumn(),
    )
    started = time.perf_counter()
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("batch", total=total, rate="-")
        done = [0]

        def advance(n: int) -> None:
            done[0] += n
            rate = done[0] / max(time.perf_counter() - started, 1e-9)
            bar.update(task, advance=n, rate=f"{rate:,.0f}")

        yield advance


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import input_problem, open_input, read_records, run_batch
    from .questionnaire import default_questionnaire, load_questionnaire

    if args.workers is not None and args.workers < 1:
        print("error: --workers must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    workers = args.workers or os.cpu_count() or 1
    fmt = _format_of(args)
    questionnaire = (
        load_questionnaire(args.questionnaire) if args.questionnaire else default_questionnaire()
    )
    unreadable = input_problem(args.input)
    if unreadable is not None:
        print(f"error: {unreadable}", file=sys.stderr)
        return EXIT_FAILED
    output = _open_output(args.out)
    errors: IO[str] = _open_output(args.errors) if args.errors else sys.stderr
    source = open_input(args.input)
    show = sys.stderr.isatty() and (args.out != "-" or sys.stdout.isatty())
    total = None
    if show:
        lines = _count_lines(args.input)
        total = max(lines - 1, 0) if lines is not None and fmt == "csv" else lines

    def write_ok(text: str) -> None:
        output.write(text)

    def write_error(text: str) -> None:
        errors.write(text)

    started = time.perf_counter()
    try:
        with source, _progress(show, total) as advance:
            summary = run_batch(
                read_records(source, fmt, questionnaire),
                write_ok,
                write_error,
                workers=workers,
                questionnaire_path=args.questionnaire,
                progress=advance,
            )
    finally:
        for handle in (output, errors):
            with contextlib.suppress(OSError, ValueError):
                handle.flush()
                if handle not in (sys.stdout, sys.stderr):
                    handle.close()
    elapsed = time.perf_counter() - started
    where = "standard output" if args.out == "-" else args.out
    if summary.interrupted:
        print(
            f"Interrupted: {summary.done} records assessed and written to {where} "
            f"({summary.failed} set aside as errors); every line written is complete.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    rate = summary.total / elapsed if elapsed > 0 else 0.0
    errors_note = f" (see {args.errors})" if args.errors and summary.failed else ""
    print(
        f"{summary.total} records: {summary.done} assessed, {summary.failed} failed{errors_note}; "
        f"{elapsed:.1f} s, {rate:,.0f} records/s with {workers} "
        f"worker{'s' if workers != 1 else ''}.",
        file=sys.stderr,
    )
    return EXIT_FAILED if summary.failed else EXIT_OK


def add_command(sub: Any) -> None:
    p = sub.add_parser("batch", help="assess many records (JSON Lines or CSV) on every core")
    p.add_argument("input", metavar="INPUT", help="JSON Lines or CSV file, or - for standard input")
    p.add_argument("--out", required=True, metavar="OUTPUT", help="JSON Lines output, or -")
    p.add_argument("--input-format", choices=("jsonl", "csv"), help="default: from the file name")
    p.add_argument(
        "--workers", type=int, metavar="N", help="worker processes (default: every core)"
    )
    p.add_argument("--errors", metavar="PATH", help="JSON Lines of bad records (default: stderr)")
    p.add_argument("--questionnaire", metavar="FILE", help="questionnaire (default: shipped)")
    p.set_defaults(func=cmd_batch)

"""``suitability batch``: assess many records from JSON Lines or CSV into JSON Lines (or NDJSON
of FHIR Bundles)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn, TextIO

from .errors import StorageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# sysexits' EX_IOERR: an output refused a write, or a worker process was killed (by the
# out-of-memory killer...), and the run was cut short. Distinct from 1 (a
# complete run with some bad records), so a wrapper never mistakes one for the other.
EXIT_IO_ERROR = 74


def _copy_bytes(source: int, target: int, size: int) -> tuple[int, OSError | None]:
    """Copies the first ``size`` bytes of the file ``source`` to ``target`` at its position;
    returns how many went out and the error that stopped the copy, if one did. The kernel
    copies them (sendfile) where it can; elsewhere, or for an output it refuses to send to,
    blocks are read and written. The count is what cuts a refused copy back to whole lines,
    which shutil.copyfileobj cannot say."""
    copied = 0
    send = getattr(os, "sendfile", None)
    try:
        while send is not None and copied < size:
            try:
                sent = send(target, source, copied, size - copied)
            except OSError as exc:
                if copied or exc.errno not in _NO_SENDFILE:
                    raise
                send = None  # this pair of files cannot: the blocks below do it
                break
            if sent == 0:  # the source is shorter than said: nothing more to copy
                return copied, None
            copied += sent
        while copied < size:
            block = os.pread(source, min(size - copied, 1 << 16), copied)
            if not block:
                return copied, None
            view = memoryview(block)
            while view:
                written = os.write(target, view)
                copied += written
                view = view[written:]
    except OSError as exc:
        return copied, exc
    return copied, None


# What sendfile says when it cannot copy between these two kinds of file.
_NO_SENDFILE = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}


class _LineFile:
    """Appends text made of whole lines to a file this run created. A write the system refuses
    part way (disk full, file-size limit) is cut back to its last complete line, and the
    OutputFault says how many lines of it remain."""

    def __init__(self, fd: int, name: str) -> None:
        self.fd = fd
        self.name = name
        self.size = 0

    def write(self, text: str) -> None:
        data = memoryview(text.encode("utf-8"))
        written = 0
        try:
            while written < len(data):
                written += os.write(self.fd, data[written:])
        except OSError as exc:
            self._refused(bytes(data[:written]), exc)
        self.size += written

    def copy(self, source: int, size: int, lines: int) -> None:
        """Appends a spooled file's bytes (whole lines) as they are."""
        copied, error = _copy_bytes(source, self.fd, size)
        if error is not None:
            self._refused(os.pread(source, copied, 0) if copied else b"", error)
        self.size += copied

    def _refused(self, written: bytes, exc: OSError) -> NoReturn:
        """``written`` got out before the system refused the rest: it is cut back to its last
        complete line, and the fault says how many lines remain."""
        kept = written.rfind(b"\n") + 1
        if kept < len(written):
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, self.size + kept)
        self.size += kept
        from .batch import OutputFault  # not at the top: the CLI starts without batch

        lines = written[:kept].count(b"\n")
        raise OutputFault(self.name, exc.strerror or str(exc), lines) from None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


class _Stream:
    """Standard output or error: whole texts, flushed at once. How much of a refused text got
    through is unknown, so none of it is counted."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _stream(self) -> TextIO:
        # Looked up at each write: a progress bar stands in for the stream while it shows.
        return sys.stdout if self.name == "standard output" else sys.stderr

    def write(self, text: str) -> None:
        stream = self._stream()
        try:
            stream.write(text)
            stream.flush()
        except OSError as exc:
            self._refused(exc)

    def copy(self, source: int, size: int, lines: int) -> None:
        stream = self._stream()
        if stream not in (sys.__stdout__, sys.__stderr__):  # a progress bar's stand-in
            self.write(os.pread(source, size, 0).decode("utf-8"))
            return
        try:
            stream.flush()
            target = stream.fileno()
        except OSError as exc:
            self._refused(exc)
        _copied, error = _copy_bytes(source, target, size)
        if error is not None:
            self._refused(error)

    def _refused(self, exc: OSError) -> NoReturn:
        from .batch import OutputFault

        raise OutputFault(self.name, exc.strerror or str(exc)) from None

    def close(self) -> None:
        pass


def _check_output(path: str) -> None:
    """Refuses an output that could not be created, before any output is."""
    if path == "-":
        return
    target = Path(path)
    if target.exists() or target.is_symlink():
        raise StorageError(f"{path} already exists; choose another name (it was left unchanged)")
    folder = target.parent
    if not folder.is_dir():
        raise StorageError(f"cannot create {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StorageError(f"cannot create {path}: the folder {folder} is not writable")


def _open_output(path: str, name: str) -> _LineFile | _Stream:
    """A new file, mode 0600, never over an existing one; ``-`` is the standard stream."""
    if path == "-":
        return _Stream(name)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise StorageError(
            f"{path} already exists; choose another name (it was left unchanged)"
        ) from None
    except OSError as exc:
        raise StorageError(f"cannot create {path}: {exc.strerror}") from None
    return _LineFile(fd, path)


def _open_outputs(out: str, errors: str | None) -> tuple[_LineFile | _Stream, _LineFile | _Stream]:
    """Both outputs, or neither: a refused one never leaves the other behind (empty, it would
    only make the rerun refuse it in turn)."""
    if errors not in (None, "-") and out != "-" and Path(out).absolute() == Path(errors).absolute():
        raise StorageError(f"--out and --errors name the same file, {out}")
    _check_output(out)
    if errors is not None:
        _check_output(errors)
    output = _open_output(out, "standard output")
    if errors is None:
        return output, _Stream("standard error")
    try:
        return output, _open_output(errors, "standard output")
    except StorageError:
        output.close()
        if isinstance(output, _LineFile):
            with contextlib.suppress(OSError):
                Path(out).unlink()
        raise


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
    # Only a regular file can be read twice: a pipe would be emptied by counting.
    if path == "-" or not stat.S_ISREG(Path(path).stat().st_mode):
        return None
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
    from .batch import Output, WorkerLost, input_problem, open_input, read_records, run_batch
    from .questionnaire import default_questionnaire, load_questionnaire

    if args.workers is not None and args.workers < 1:
        print("error: --workers must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    if args.format != "fhir" and (args.fhir_version or args.settings):
        option = "--fhir-version" if args.fhir_version else "--settings"
        print(f"error: {option} goes with --format fhir", file=sys.stderr)
        return EXIT_USAGE
    lines_of = Output()
    if args.format == "fhir":
        from .web.settings import load_settings

        base = load_settings(args.settings).canonical_base
        lines_of = Output("fhir", args.fhir_version or "R5", base)
    workers = args.workers or os.cpu_count() or 1
    fmt = _format_of(args)
    questionnaire = (
        load_questionnaire(args.questionnaire) if args.questionnaire else default_questionnaire()
    )
    # The input is opened, and every output checked, before any output is created.
    unreadable = input_problem(args.input)
    if unreadable is not None:
        print(f"error: {unreadable}", file=sys.stderr)
        return EXIT_FAILED
    try:
        source = open_input(args.input)
    except OSError as exc:
        print(f"error: cannot read {args.input}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        output, errors = _open_outputs(args.out, args.errors)
    except StorageError:
        source.close()
        raise
    show = sys.stderr.isatty() and (args.out != "-" or sys.stdout.isatty())
    total = None
    if show:
        lines = _count_lines(args.input)
        total = max(lines - 1, 0) if lines is not None and fmt == "csv" else lines

    started = time.perf_counter()
    try:
        with source, _progress(show, total) as advance:
            summary = run_batch(
                read_records(source, fmt, questionnaire),
                output,
                errors,
                workers=workers,
                questionnaire_path=args.questionnaire,
                progress=advance,
                output=lines_of,
            )
    finally:
        output.close()
        errors.close()
    elapsed = time.perf_counter() - started
    where = "standard output" if args.out == "-" else args.out
    set_aside = f"({summary.failed} set aside as errors); every line written is complete."
    if summary.fault is not None:
        # A lost worker's line of the input is where a rerun of the rest would start.
        line = summary.fault.line if isinstance(summary.fault, WorkerLost) else None
        named = "standard input" if args.input == "-" else args.input
        rest = f" The records from line {line} of {named} on were not assessed." if line else ""
        _say(
            f"error: {summary.fault}. The run stopped there: {summary.done} records assessed and "
            f"written to {where} {set_aside}{rest}"
        )
        return EXIT_IO_ERROR
    if summary.interrupted:
        stop = "Interrupted" if summary.signal == signal.SIGINT else "Stopped by SIGTERM"
        _say(f"{stop}: {summary.done} records assessed and written to {where} {set_aside}")
        return 128 + summary.signal
    rate = summary.total / elapsed if elapsed > 0 else 0.0
    errors_note = f" (see {args.errors})" if args.errors and summary.failed else ""
    _say(
        f"{summary.total} records: {summary.done} assessed, {summary.failed} failed{errors_note}; "
        f"{elapsed:.1f} s, {rate:,.0f} records/s with {workers} "
        f"worker{'s' if workers != 1 else ''}."
    )
    return EXIT_FAILED if summary.failed else EXIT_OK


def _say(text: str) -> None:
    # Standard error may be the very output that failed: the exit code still tells.
    with contextlib.suppress(OSError):
        print(text, file=sys.stderr)


def add_command(sub: Any) -> None:
    p = sub.add_parser("batch", help="assess many records (JSON Lines or CSV) on every core")
    p.add_argument(
        "input",
        metavar="INPUT",
        help="JSON Lines (answers records or FHIR QuestionnaireResponses) or CSV file, or -",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="OUTPUT",
        help="JSON Lines output (NDJSON of FHIR Bundles with --format fhir), or -",
    )
    p.add_argument(
        "--format",
        choices=("json", "fhir"),
        default="json",
        help="each output line: the assessment (json) or a FHIR Bundle (fhir)",
    )
    p.add_argument("--fhir-version", choices=("R4", "R5"), help="with --format fhir (default: R5)")
    p.add_argument(
        "--settings",
        metavar="FILE",
        help="with --format fhir: the clinic's settings, for the base of canonical URLs",
    )
    p.add_argument("--input-format", choices=("jsonl", "csv"), help="default: from the file name")
    p.add_argument(
        "--workers", type=int, metavar="N", help="worker processes (default: every core)"
    )
    p.add_argument("--errors", metavar="PATH", help="JSON Lines of bad records (default: stderr)")
    p.add_argument("--questionnaire", metavar="FILE", help="questionnaire (default: shipped)")
    p.set_defaults(func=cmd_batch)

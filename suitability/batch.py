"""Batch screening: many records (JSON Lines or CSV) assessed on every core, in input order,
in constant memory, with bad records set aside instead of stopping the run.

A JSON Lines record is an answers record (``{"id", "answered_on", "answers"}``) or a FHIR
QuestionnaireResponse (NDJSON); each result line is ``{"id", "assessment"}``, or with the
``fhir`` output format a FHIR Bundle on one line (see :mod:`suitability.fhir.bundle`).

Records are read lazily and sent to worker processes in chunks; at most a few chunks per worker
are in flight at once, so memory does not grow with the input. Each worker process has its own
rules engine (durable-rules is not thread-safe and its registry is process-global).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, Protocol, runtime_checkable

from ._messages import problem
from ._reader import (
    MAX_ENTRIES,
    MAX_STRING_LENGTH,
    RECORD_LIMITS,
    Lines,
    Refused,
    TooLong,
    bad_text,
    cap_problems,
    loads_json,
    too_large,
)
from .errors import Problem, StorageError, SuitabilityError, _ProblemError
from .fhir._codes import DEFAULT_BASE, is_fhir_resource
from .questionnaire import Questionnaire, default_questionnaire, load_questionnaire

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from .fhir import FhirVersion

__all__ = [
    "BatchSummary",
    "Output",
    "OutputFault",
    "WorkerLost",
    "assess_chunk",
    "read_records",
    "run_batch",
]

# A record as read: (line number, raw JSON text) for JSON Lines, or (line number, parsed
# mapping) for CSV; parsing JSON happens in the workers, where it runs in parallel.
Record = tuple[int, Any]
CHUNK = 250


class OutputFault(StorageError):
    """An output refused a write (disk full, file too large, read-only...), so the run stopped.

    ``lines`` is how many whole lines of the refused text are in the output: a writer that
    cut a line in half removes that part before raising, so the output stays whole lines.
    """

    def __init__(self, name: str, reason: str, lines: int = 0) -> None:
        super().__init__(f"cannot write {name}: {reason}")
        self.name = name
        self.reason = reason
        self.lines = lines


@dataclass(frozen=True)
class Output:
    """What each result line is: ``json`` (the assessment) or ``fhir`` (a Bundle in
    ``fhir_version``, its canonical URLs under ``base``). Sent to every worker."""

    format: str = "json"
    fhir_version: FhirVersion = "R5"
    base: str = DEFAULT_BASE


@runtime_checkable
class Sink(Protocol):
    """An output that can also take a spooled file's bytes as they are: the parent then copies
    each worker's lines without decoding and encoding them again. ``copy`` appends ``size``
    bytes from the start of the open file ``source``, which holds ``lines`` whole lines, and
    raises OutputFault (saying how many whole lines went out) if the output refuses them."""

    def write(self, text: str) -> None: ...

    def copy(self, source: int, size: int, lines: int) -> None: ...


class _TextSink:
    """A plain callable taking text (a list's append, a test's recorder) as a Sink: a spooled
    file is decoded and handed over as text."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write

    def copy(self, source: int, size: int, lines: int) -> None:
        self.write(os.pread(source, size, 0).decode("utf-8"))


@dataclass
class BatchSummary:
    done: int = 0
    failed: int = 0
    interrupted: bool = False
    error_lines: list[int] = field(default_factory=list)
    # The signal that stopped the run between chunks (SIGINT or SIGTERM), 0 if none did.
    signal: int = 0
    # Set when an output refused a write, or a worker process died (WorkerLost): the run
    # stopped there, and the counts above are the records whose lines are in the outputs.
    fault: OutputFault | WorkerLost | None = None

    @property
    def total(self) -> int:
        return self.done + self.failed


# --------------------------------------------------------------------------- reading


def _csv_records(handle: IO[str], questionnaire: Questionnaire) -> Iterator[Record]:
    from .answers import parse_text_answer

    lines = Lines(handle, RECORD_LIMITS.max_size)
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        return
    except TooLong:
        yield 1, _CsvError(too_large(RECORD_LIMITS))
        return
    except csv.Error as exc:
        yield 1, _CsvError(problem("csv_header", reason=str(exc)))
        return
    refused = _header_problems(header)
    if refused:
        yield 1, _CsvError(*cap_problems(refused))
        return
    width = len(header)
    # Where each column's cells go, worked out once: the record key, and the location that a
    # problem with a cell is reported at.
    places = [
        (name, name if name in ("id", "answered_on") else f"answers.{name}") for name in header
    ]

    def typed(name: str, cell: str) -> Any:
        question = questionnaire.by_id.get(name)
        if question is None:
            return cell  # validation reports the unknown question
        value, error = parse_text_answer(question, cell)
        if error is None:
            return value
        # Not an answer to this question: it goes on as written, so that validation says what
        # the question expected and what the cell held (choice by choice for a list).
        return question.kind.as_written(cell)

    while True:
        lines.start_record()
        try:
            row = next(reader)
        except StopIteration:
            return
        except TooLong as exc:
            yield exc.number, _CsvError(too_large(RECORD_LIMITS))
            continue
        except csv.Error as exc:
            yield lines.number, _CsvError(problem("csv_malformed", reason=str(exc)))
            continue
        line = lines.number
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            yield line, _CsvError(problem("csv_width", width=width, found=len(row)))
            continue
        problems = [
            trouble
            for (_name, where), cell in zip(places, row, strict=True)
            if (trouble := _cell_problem(cell, where)) is not None
        ]
        if problems:
            yield line, _CsvError(*cap_problems(problems))
            continue
        record: dict[str, Any] = {"answers": {}}
        for (name, _where), cell in zip(places, row, strict=True):
            value = cell.strip()
            if name in ("id", "answered_on"):
                if value:
                    record[name] = value
            elif value:
                record["answers"][name] = typed(name, value)
        yield line, record


def _header_problems(header: list[str]) -> list[Problem]:
    """A header must name each column once: with a name given twice, which cell is the answer
    would be a guess (keeping the last one silently changed a health answer)."""
    if len(header) > MAX_ENTRIES:
        return [problem("too_many_columns", "header", limit=MAX_ENTRIES)]
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for column, name in enumerate(header, start=1):
        where = name if name in ("id", "answered_on") else f"answers.{name}"
        trouble = _cell_problem(name, "header")
        if trouble is not None:
            problems.append(trouble)
            continue
        # Unnamed columns (a spreadsheet's trailing commas) hold nothing that is read as an
        # answer under a name; a cell in one is reported as an unknown question.
        if name.strip() and name in first:
            problems.append(problem("duplicate_column", where, first=first[name], second=column))
        first.setdefault(name, column)
    if problems:
        problems.append(problem("csv_header_refused", "header"))
    return problems


def _cell_problem(cell: str, where: str) -> Problem | None:
    if len(cell) > MAX_STRING_LENGTH:
        return problem("string_too_long", where, limit=MAX_STRING_LENGTH)
    # Bytes that are not UTF-8 arrive as lone surrogates (the input is read with
    # surrogateescape), so that the row, not the whole run, is refused.
    if bad_text(cell):
        return problem("not_text", where)
    return None


class _CsvError:
    """A record that could not be read (a CSV row, or a line over its limit); it travels to
    the errors file like any bad record."""

    def __init__(self, first: Problem, *more: Problem) -> None:
        self.problems = [first, *more]


def _jsonl_records(handle: IO[str]) -> Iterator[Record]:
    lines = Lines(handle, RECORD_LIMITS.max_size)
    while True:
        lines.start_record()  # one line is one record
        try:
            line = next(lines)
        except StopIteration:
            return
        except TooLong as exc:
            yield exc.number, _CsvError(too_large(RECORD_LIMITS))
            continue
        if line.strip():
            yield lines.number, line


def read_records(handle: IO[str], fmt: str, questionnaire: Questionnaire) -> Iterator[Record]:
    """Records from ``handle`` (``jsonl`` or ``csv``), lazily, with their line numbers."""
    if fmt == "csv":
        return _csv_records(handle, questionnaire)
    return _jsonl_records(handle)


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --------------------------------------------------------------------------- assessing

_WORKER: dict[str, Questionnaire] = {}
_OUTPUT: dict[str, Output] = {}


def _init_worker(
    questionnaire_path: str | None, spool: str, parent: int, stopping: Any, output: Output
) -> None:
    """Runs once in each worker process: its own questionnaire and engine. Signals are left to
    the parent, which stops the workers cleanly; a worker whose parent is gone removes the spool
    folder and exits, so neither it nor the assessments spooled there outlive the run."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def on_term(_signum: int, _frame: Any) -> None:
        if os.getppid() != parent:
            _leave(spool)
        if stopping.value:
            os._exit(0)
        # Otherwise the whole process group was signalled (a terminal, `timeout`, a service
        # manager): the parent was too, and stops the workers. Dying here first would look to
        # the parent like a worker killed from outside, which stops the run with a fault.

    signal.signal(signal.SIGTERM, on_term)
    _SPOOL["dir"] = spool
    _PARENT["pid"] = parent
    _die_with_parent(parent, spool)
    _init_parent(questionnaire_path, output)


def _die_with_parent(parent: int, spool: str) -> None:
    """Makes this worker notice its parent's death, however it died (even SIGKILL): Linux
    sends SIGTERM at once; elsewhere a thread looks every half second."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            set_pdeathsig = 1  # PR_SET_PDEATHSIG in <sys/prctl.h>
            armed = libc.prctl(set_pdeathsig, int(signal.SIGTERM), 0, 0, 0) == 0
        except (AttributeError, OSError):
            armed = False
        if armed:
            if os.getppid() != parent:  # it died before the signal was armed
                _leave(spool)
            return

    def watch() -> None:
        import time

        while os.getppid() == parent:
            time.sleep(0.5)
        _leave(spool)

    threading.Thread(target=watch, name="suitability-parent-watch", daemon=True).start()


def _leave(spool: str) -> NoReturn:
    """The parent is gone: nobody will read the spool, nor remove it; this worker does both."""
    shutil.rmtree(spool, ignore_errors=True)
    os._exit(1)


def assess_chunk(chunk: list[Record]) -> list[tuple[bool, str]]:
    """Assesses a chunk of records; each becomes (ok, one JSON line of output or of error)."""
    from .assessment import assess

    questionnaire = _WORKER.get("q") or default_questionnaire()
    output = _OUTPUT.get("out") or Output()
    out: list[tuple[bool, str]] = []
    for line, raw in chunk:
        record_id: Any = None
        try:
            if isinstance(raw, _CsvError):
                raise _RecordError(raw.problems)
            data = _parse_json_record(raw) if isinstance(raw, str) else raw
            shown_id = _id_json(data.get("id"), line)
            record_id = data.get("id")
            response: dict[str, Any] | None = None
            if is_fhir_resource(data):  # meant as a QuestionnaireResponse
                from .fhir import answers_from_response

                answers: Any = answers_from_response(data, questionnaire)
                response = data
            else:
                _check_record(data)
                answers = {k: v for k, v in data.items() if k in ("answers", "answered_on")}
                answers.setdefault("answers", {})
            if output.format == "fhir":
                text = _bundle_line(answers, response, questionnaire, output, record_id, line)
            else:
                result = assess(answers, questionnaire)
                # pydantic's own serialiser is several times faster than model_dump + json.dumps.
                text = f'{{"id": {shown_id}, "assessment": {result.model_dump_json()}}}'
            _check_utf8(text)
            out.append((True, text))
        except _RecordError as exc:
            out.append((False, _error_line(line, record_id, exc.problems)))
        except _ProblemError as exc:
            out.append((False, _error_line(line, record_id, exc.problems)))
        except SuitabilityError as exc:  # its words may hold a value: only its kind is written
            failed = problem("assessment_failed", kind=type(exc).__name__, given_detail=str(exc))
            out.append((False, _error_line(line, record_id, [failed])))
        except Exception as exc:  # one broken record never stops the run
            crash = problem("internal_error", kind=type(exc).__name__, given_detail=str(exc))
            out.append((False, _error_line(line, record_id, [crash])))
    return out


def _bundle_line(
    answers: Any,
    response: dict[str, Any] | None,
    questionnaire: Questionnaire,
    output: Output,
    record_id: Any,
    line: int,
) -> str:
    """A record's assessment as a FHIR Bundle on one line, identified by the record's id (its
    line number if it has none)."""
    from .answers import validate_answers
    from .assessment import assess
    from .fhir import assessment_bundle, dumps

    valid = validate_answers(answers, questionnaire)
    if record_id is None:
        identifier = str(line)
    elif isinstance(record_id, str):
        if not record_id.strip():
            raise _RecordError([problem("record_id_blank", "id")])
        identifier = record_id
    else:  # a number (or other JSON) is kept as its JSON text
        identifier = json.dumps(record_id, ensure_ascii=False, allow_nan=False)
    bundle = assessment_bundle(
        assess(valid, questionnaire),
        valid,
        questionnaire,
        response=response,
        fhir_version=output.fhir_version,
        base=output.base,
        record_id=identifier,
    )
    return dumps(bundle, compact=True)


class _RecordError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def _parse_json_record(raw: str) -> dict[str, Any]:
    try:
        data = loads_json(raw, RECORD_LIMITS)
    except Refused as exc:
        raise _RecordError(list(exc.problems)) from None
    except json.JSONDecodeError as exc:
        raise _RecordError([problem("json_syntax_at", column=exc.colno, reason=exc.msg)]) from None
    except RecursionError:
        raise _RecordError([problem("json_syntax", reason="nested too deeply")]) from None
    except ValueError as exc:  # e.g. a number with more digits than Python will read
        raise _RecordError([problem("json_syntax", reason=str(exc))]) from None
    if not isinstance(data, dict):
        raise _RecordError([problem("record_not_object")])
    return data


def _check_record(data: dict[str, Any]) -> None:
    unknown = set(data) - {"id", "answers", "answered_on"}
    if unknown:
        raise _RecordError([problem("record_unknown_key", key=sorted(unknown)[0])])
    if not isinstance(data.get("answers", {}), dict):
        raise _RecordError([problem("record_answers_not_object")])


def _id_json(record_id: Any, line: int) -> str:
    """The record's id (its line number if it has none) as strict JSON text in UTF-8; an id
    that cannot be written so (NaN, Infinity, 1e400, a lone surrogate) makes a bad record."""
    try:
        text = json.dumps(
            record_id if record_id is not None else line, ensure_ascii=False, allow_nan=False
        )
    except ValueError:
        why = "it is not a finite number"
    else:
        if _encodes(text):
            return text
        why = "it holds a lone surrogate"
    raise _RecordError([problem("id_not_strict_json", "id", why=why)])


def _check_utf8(text: str) -> None:
    if not _encodes(text):
        raise _RecordError([problem("record_not_utf8")])


def _encodes(text: str) -> bool:
    # Lone surrogates are the only str content UTF-8 cannot hold; a plain ASCII line (most of
    # them) needs no encoding to tell.
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _error_line(line: int, record_id: Any, problems: Sequence[Problem]) -> str:
    """One strict-JSON line for the errors file, whatever the record held: an id that cannot
    be written becomes null, and a lone surrogate in a message (a key quoted from the record)
    becomes U+FFFD. The file is a record kept by whoever runs the batch, so each problem is
    rendered without the value given (which is at that line of the input)."""
    messages = [p.located(values=False) for p in problems]
    shown: Any = record_id
    try:
        if not _encodes(json.dumps(record_id, ensure_ascii=False, allow_nan=False)):
            shown = None
    except ValueError:
        shown = None
    entry = {"line": line, "id": shown, "problems": messages}
    text = json.dumps(entry, ensure_ascii=False, allow_nan=False)
    if _encodes(text):
        return text
    return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


# --------------------------------------------------------------------------- running


def run_batch(
    records: Iterable[Record],
    write_ok: Callable[[str], None] | Sink,
    write_error: Callable[[str], None] | Sink,
    *,
    workers: int,
    questionnaire_path: str | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK,
    output: Output | None = None,
) -> BatchSummary:
    """Assesses ``records`` and writes the result lines in input order: ``write_ok`` and
    ``write_error`` receive text made of whole lines, each ending in a newline (a Sink also
    receives the workers' spooled files to copy as bytes).

    With ``workers`` > 1, chunks go to a pool of worker processes with a bounded number in
    flight; with 1, everything runs in this process. Ctrl-C (SIGINT) or SIGTERM stops the run
    cleanly between chunks: everything written so far is complete lines, and the summary says
    how far it got and which signal stopped it. A write that fails with OSError (or
    OutputFault, which says how many whole lines went out) stops the run too: the summary's
    ``fault`` says which output and why, and its counts are the lines in the outputs. A
    worker process that dies (killed from outside) stops the run too, once the chunks before
    the one it took with it are written: ``fault`` is then a WorkerLost.
    ``output`` says what a result line is (default: the assessment as JSON).
    """
    output = output or Output()
    summary = BatchSummary()
    advance = progress or (lambda _n: None)
    sinks = {
        name: sink if isinstance(sink, Sink) else _TextSink(sink)
        for name, sink in (("ok", write_ok), ("error", write_error))
    }

    def deliver(sink: Sink, pieces: Iterable[tuple[str | _Spooled, int]]) -> int:
        """Writes each (text or spooled file, number of lines in it); returns how many lines
        went out."""
        written = 0
        for piece, count in pieces:
            try:
                if isinstance(piece, _Spooled):
                    sink.copy(piece.fd, piece.size, count)
                else:
                    sink.write(piece)
            except OutputFault as exc:
                summary.fault = exc
                return written + exc.lines
            except OSError as exc:
                summary.fault = OutputFault(exc.filename or "the output", exc.strerror or str(exc))
                return written
            written += count
        return written

    def emit(ok: Iterable[_Piece], error: Iterable[_Piece], total: int) -> None:
        summary.done += deliver(sinks["ok"], ok)
        if summary.fault is None:
            summary.failed += deliver(sinks["error"], error)
        advance(total)

    chunks = _chunks(records, chunk_size)
    with _stop_on_interrupt(summary):
        if workers <= 1:
            _init_parent(questionnaire_path, output)
            for chunk in chunks:
                results = assess_chunk(chunk)
                ok = _pieces(text for good, text in results if good)
                bad = _pieces(text for good, text in results if not good)
                emit(ok, bad, len(results))
                if summary.interrupted or summary.fault:
                    break
            return summary
        return _run_pool(chunks, summary, workers, questionnaire_path, output, emit)


@dataclass(frozen=True)
class _Spooled:
    """A worker's spooled file, open for reading: ``size`` bytes of whole lines."""

    fd: int
    size: int


# Text or a spooled file, with its number of lines.
_Piece = tuple["str | _Spooled", int]
# What a worker made of a chunk: spool_chunk's answer, or the exception it raised.
_Outcome = tuple[str, int, int, int, int] | BaseException


def _pieces(lines: Iterable[str], size: int = 1 << 16) -> Iterator[tuple[str, int]]:
    """Lines joined into pieces of about ``size`` characters, each with its number of lines:
    few system calls, and no buffer so large that allocating it costs more than writing it."""
    piece: list[str] = []
    length = 0
    for line in lines:
        piece.append(line)
        length += len(line)
        if length >= size:
            yield "\n".join(piece) + "\n", len(piece)
            piece, length = [], 0
    if piece:
        yield "\n".join(piece) + "\n", len(piece)


@contextlib.contextmanager
def _stop_on_interrupt(summary: BatchSummary) -> Iterator[None]:
    """Ctrl-C and SIGTERM set a flag that is checked between chunks, so a chunk's lines are
    never cut in half: everything written stays whole lines."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: Any) -> None:
        summary.interrupted = True
        summary.signal = summary.signal or signum

    previous = {number: signal.signal(number, handler) for number in _STOP_SIGNALS}
    try:
        yield
    finally:
        for number, before in previous.items():
            if before is not None:
                signal.signal(number, before)


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _run_pool(
    chunks: Iterator[list[Record]],
    summary: BatchSummary,
    workers: int,
    questionnaire_path: str | None,
    output: Output,
    emit: Callable[[Iterable[_Piece], Iterable[_Piece], int], None],
) -> BatchSummary:
    """Runs the chunks on worker processes of this run's own, each fed through a pipe of its
    own. Not multiprocessing.Pool: a worker killed from outside (the out-of-memory killer)
    leaves its chunk unfinished for ever and may leave the pool's shared queues locked. Not
    ProcessPoolExecutor either: before Python 3.14 it can neither stop its workers at once on
    Ctrl-C (a chunk takes a while) nor say how a worker died. Here no lock is shared between
    workers, each process's sentinel says when it dies and its exit code how, and stopping is
    a SIGTERM to each process this run started."""
    import multiprocessing
    import tempfile
    from multiprocessing.connection import wait

    # Workers write each chunk's lines to private files and hand back only their names, sizes
    # and line counts: the parent copies the files' bytes in order, without decoding a line.
    # The folder is private (0700) and removed on every way out, by the workers if this
    # process is killed outright.
    spool = tempfile.mkdtemp(prefix="suitability-batch-")
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    stopping = context.RawValue("b", 0)  # set before the workers are sent SIGTERM: they may go
    setup = (questionnaire_path, spool, os.getpid(), stopping, output)
    crew: list[_Worker] = []
    limit = workers * 3  # chunks in flight: enough to keep every core busy, bounded memory
    done: dict[int, _Outcome] = {}  # chunks assessed, waiting for those before them
    first_line: dict[int, int] = {}  # each chunk in flight: the input line it starts at
    sent = emitted = 0
    ahead: list[Record] | None = None  # the next chunk to send
    lost: tuple[int, WorkerLost] | None = None  # the first chunk a dead worker took with it

    def stopped() -> bool:
        return summary.interrupted or summary.fault is not None

    def open_spooled(path: str, size: int) -> _Spooled:
        # Unlinked as soon as it is open, so it cannot outlive the run even if this is killed.
        fd = os.open(path, os.O_RDONLY)
        try:
            Path(path).unlink()
            found = os.fstat(fd).st_size
        except OSError:
            os.close(fd)
            raise
        if found != size:  # never copy part of a line, nor lines nobody counted
            os.close(fd)
            raise OSError(0, f"it holds {found} bytes, not the {size} its worker wrote", path)
        return _Spooled(fd, size)

    def collect(outcome: _Outcome) -> None:
        opened: list[_Spooled] = []
        try:
            if isinstance(outcome, BaseException):
                raise outcome
            path, ok, ok_size, failed, failed_size = outcome
            if ok:
                opened.append(open_spooled(path + ".ok", ok_size))
            if failed:
                opened.append(open_spooled(path + ".err", failed_size))
        except OSError as exc:  # the spool could not be written or read (TMPDIR full...)
            for spooled in opened:
                os.close(spooled.fd)
            summary.fault = OutputFault(exc.filename or spool, exc.strerror or str(exc))
            return
        try:
            emit(
                [(opened[0], ok)] if ok else [],
                [(opened[-1], failed)] if failed else [],
                ok + failed,
            )
        finally:
            for spooled in opened:
                os.close(spooled.fd)

    def bury(worker: _Worker) -> None:
        """A worker died without being asked to: no chunk is sent any more, and the run stops
        at the first chunk not assessed (the dead worker's, or the next one to read)."""
        nonlocal lost
        worker.process.join()
        crew.remove(worker)
        index = sent if worker.job is None else worker.job
        line = first_line[index] if worker.job is not None else ahead[0][0] if ahead else None
        if lost is None or index < lost[0]:
            pid, code = worker.process.pid or 0, worker.process.exitcode or 0
            lost = (index, WorkerLost(pid, code, line))

    finished = False
    try:
        ahead = next(chunks, None)
        for number in range(1, workers + 1):
            crew.append(_Worker.start(context, number, setup))
        while not stopped():
            while ahead is not None and lost is None and sent - emitted < limit:
                idle = next((worker for worker in crew if worker.job is None), None)
                if idle is None:
                    break
                first_line[sent] = ahead[0][0]
                idle.give(sent, ahead)
                sent += 1
                ahead = next(chunks, None)
            while emitted in done and not stopped():
                collect(done.pop(emitted))
                del first_line[emitted]
                emitted += 1
            if stopped():
                break
            if lost is not None and emitted >= lost[0]:
                if lost[1].line is not None:  # records were left unassessed
                    summary.fault = lost[1]
                break
            if ahead is None and emitted == sent:
                break
            # Waits in short steps: a signal only sets a flag, which ends the wait.
            ready = set(
                wait([w.conn for w in crew] + [w.process.sentinel for w in crew], timeout=0.2)
            )
            for worker in list(crew):
                if worker.conn in ready or worker.process.sentinel in ready:
                    received = worker.receive()
                    if received is not None:
                        done[received[0]] = received[1]
                    elif not worker.process.is_alive():
                        bury(worker)
        finished = not stopped()
    finally:
        if not finished:
            stopping.value = 1
        for worker in crew:
            worker.stop(finished)
        for worker in crew:
            worker.end()
        shutil.rmtree(spool, ignore_errors=True)
    return summary


class WorkerLost(StorageError):
    """A worker process died before it was asked to (the kernel's out-of-memory killer,
    ``kill -9``), so the run stopped at the first chunk not assessed: ``line`` is the input
    line that chunk starts at. ``exitcode`` is negative for the signal that killed it."""

    def __init__(self, pid: int, exitcode: int, line: int | None) -> None:
        if exitcode < 0:
            number = -exitcode
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = "unknown"
            code = "batch_worker_killed_oom" if number == signal.SIGKILL else "batch_worker_killed"
            told = problem(code, pid=pid, signal=number, name=name)
        else:
            told = problem("batch_worker_exited", pid=pid, status=exitcode)
        super().__init__(told.text())
        self.pid = pid
        self.exitcode = exitcode
        self.line = line


class _Worker:
    """A worker process and this end of its pipe; ``job`` is the chunk it is assessing."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.job: int | None = None

    @classmethod
    def start(cls, context: Any, number: int, setup: tuple[Any, ...]) -> _Worker:
        here, there = context.Pipe()
        process = context.Process(
            target=_work,
            args=(there, *setup),
            name=f"suitability-batch-{number}",
            daemon=True,
        )
        try:
            process.start()
        except BaseException:
            here.close()
            raise
        finally:
            there.close()  # the worker's own end: only it holds one now
        return cls(process, here)

    def give(self, index: int, chunk: list[Record]) -> None:
        self.job = index
        # A worker that has just died refuses it: its sentinel says so next.
        with contextlib.suppress(OSError):
            self.conn.send((index, chunk))

    def receive(self) -> tuple[int, _Outcome] | None:
        """The chunk the worker finished and its outcome, or None if it has nothing to say
        (it died, or only its sentinel woke the wait)."""
        try:
            if not self.conn.poll():
                return None
            index, outcome = self.conn.recv()
        except (EOFError, OSError):
            return None
        self.job = None
        return int(index), outcome

    def stop(self, gently: bool) -> None:
        if gently:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        elif self.process.is_alive():
            self.process.terminate()

    def end(self) -> None:
        self.process.join(10)
        if self.process.is_alive():  # a worker that did not heed SIGTERM
            self.process.kill()
            self.process.join()
        self.conn.close()


def _work(
    conn: Connection,
    questionnaire_path: str | None,
    spool: str,
    parent: int,
    stopping: Any,
    output: Output,
) -> None:
    """A worker's life: set up once, then assess each chunk the parent sends until it sends
    None (or its end of the pipe closes)."""
    _init_worker(questionnaire_path, spool, parent, stopping, output)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the parent is gone: its death signal comes next
            return
        if job is None:
            return
        index, chunk = job
        outcome: Any
        try:
            outcome = spool_chunk(index, chunk)
        except Exception as exc:  # the parent says it (OSError) or raises it (a bug)
            outcome = exc
        try:
            conn.send((index, outcome))
        except OSError:  # the parent is gone
            return
        except Exception:  # an exception that cannot be pickled: its kind is enough
            conn.send((index, RuntimeError(type(outcome).__name__)))


def spool_chunk(index: int, chunk: list[Record]) -> tuple[str, int, int, int, int]:
    """In a worker: assesses a chunk into private files of result (``.ok``) and error
    (``.err``) lines; returns their path without the suffix, and each file's line count and
    size in bytes, so the parent copies them without reading a line."""
    if _PARENT and os.getppid() != _PARENT["pid"]:  # where no signal says so at once
        _leave(_SPOOL["dir"])
    results = assess_chunk(chunk)
    path = str(Path(_SPOOL["dir"]) / f"{index:09d}")
    counts: list[int] = []
    for suffix, wanted in ((".ok", True), (".err", False)):
        lines = [text for ok, text in results if ok is wanted]
        data = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
        counts += [len(lines), len(data)]
        if lines:
            fd = os.open(path + suffix, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
    return path, counts[0], counts[1], counts[2], counts[3]


_SPOOL: dict[str, str] = {}
_PARENT: dict[str, int] = {}


def _init_parent(questionnaire_path: str | None, output: Output) -> None:
    _WORKER["q"] = (
        load_questionnaire(questionnaire_path) if questionnaire_path else default_questionnaire()
    )
    _OUTPUT["out"] = output


def input_problem(path: str) -> str | None:
    """Why ``path`` cannot be read as batch input, or None. A named pipe or a device is read
    like a file (``<(zcat records.jsonl.gz)``, ``/dev/stdin``); only a folder or nothing is not."""
    if path == "-":
        return None
    target = Path(path)
    if not target.exists():
        return f"cannot read {path}: no such file"
    if target.is_dir():
        return f"cannot read {path}: it is a folder"
    return None


def open_input(path: str) -> IO[str]:
    """The input as text. UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8" writes
    one); bytes that are not UTF-8 become lone surrogates, which the readers refuse record by
    record, instead of being replaced (which would change an answer) or stopping the run."""
    if path == "-":
        import sys

        return io.TextIOWrapper(
            sys.stdin.buffer, encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
    return Path(path).open(encoding="utf-8-sig", errors="surrogateescape", newline="")

"""Intake records for the practitioner: recognising one (the files ``intake --out`` writes, the
desk's JSON export of one record), listing many one line each (``intake --list``), and showing
one in full (``intake --show``).

Both record shapes hold the person's answers; a folder record nests them as an answers file
(``{"answers": {"answered_on": ..., "answers": {...}}}``), the desk's export keeps them flat with
``answered_on`` and the questionnaire's id and version beside them. :func:`record_answers_data`
turns either into an answers file's mapping, which the answers reader then checks as strictly
as any answers file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._json import dumps
from ._reader import MAX_ANSWERS_BYTES, Limits
from .treatments import SHORT_NAMES, TREATMENT_INFO

if TYPE_CHECKING:
    from .questionnaire import Questionnaire
    from .web.store import Record, Store

__all__ = [
    "ListRow",
    "find_folder_record",
    "folder_rows",
    "is_day_export",
    "is_record",
    "list_csv",
    "list_json",
    "list_text",
    "record_answers_data",
    "record_location",
    "show_text",
    "store_record_data",
    "store_rows",
]

# An assessment alone holds a few thousand keys and list items.
INTAKE_RECORD_LIMITS = Limits("an intake record", MAX_ANSWERS_BYTES, max_entries=50_000)
# Keys every record has and no answers file may have: how a record is told from an answers
# file, whose reader stays strict about every other top-level key.
RECORD_KEYS = frozenset({"id", "status", "answers"})
STATUSES = ("complete", "partial", "in_progress")

#: One letter per verdict in ``intake --list``, explained by its legend.
VERDICT_CODES = {
    "worth_discussing": "W",
    "discuss_with_caution": "C",
    "avoid_until_reviewed": "R",
    "not_relevant": "-",
}
_VERDICT_LEGEND = "W worth discussing, C caution, R review first, - not relevant"


# --------------------------------------------------------------------------- recognising


def is_record(data: Any) -> bool:
    """A mapping with a record's id, status and answers (none of them an answers-file key)."""
    return (
        isinstance(data, Mapping)
        and data.keys() >= RECORD_KEYS
        and ("assessment" in data or "finished" in data or "started" in data)
    )


def is_day_export(data: Any) -> bool:
    """The desk's export of a day: ``{"day": ..., "records": [record, ...]}``."""
    return (
        isinstance(data, Mapping)
        and set(data) == {"day", "records"}
        and isinstance(data["records"], list)
    )


def record_answers_data(data: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    """The answers file inside a record, with where its answers mapping sits in the record (the
    prefix of every problem's location). What is not an answers file there is passed on as it
    is, for the answers reader to refuse with its own located message."""
    inner = data.get("answers")
    if isinstance(inner, Mapping) and isinstance(inner.get("answers"), Mapping):
        return dict(inner), "answers"  # a folder record: an answers file nested whole
    header: dict[str, Any] = {}
    made_with = data.get("questionnaire")
    if isinstance(made_with, Mapping):
        if made_with.get("id") is not None:
            header["questionnaire"] = made_with.get("id")
        if made_with.get("version") is not None:
            header["questionnaire_version"] = made_with.get("version")
    if data.get("answered_on") is not None:
        header["answered_on"] = data.get("answered_on")
    return {**header, "answers": inner}, ""


def record_location(location: str, *, nested: str) -> str:
    """Where a problem found in :func:`record_answers_data`'s answers file sits in the record."""
    if nested:
        return f"{nested}.{location}" if location else nested
    flat = {"questionnaire": "questionnaire.id", "questionnaire_version": "questionnaire.version"}
    return flat.get(location, location)


# --------------------------------------------------------------------------- one row each


@dataclass(frozen=True)
class ListRow:
    """What ``intake --list`` says of one record; never its answers."""

    id: str
    started: dt.datetime | None
    status: str  # complete, partial, in_progress or unreadable
    reason: str | None = None
    reference: str | None = None
    answered: int = 0
    verdicts: dict[str, str] | None = None
    flags: int | None = None
    problem: str | None = None  # why an unreadable file could not be read

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "started": self.started.isoformat() if self.started else None,
            "status": self.status,
            "reason": self.reason,
            "reference": self.reference,
            "answered": self.answered,
            "verdicts": self.verdicts,
            "flags": self.flags,
            "problem": self.problem,
        }


def _moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _row_of(
    data: Mapping[str, Any], status: str, headline: Mapping[str, Any] | None = None
) -> ListRow:
    """The row of a record's data; a database record gives its stored ``headline`` instead of
    its assessment."""
    answers_data, _ = record_answers_data(data)
    answers = answers_data.get("answers")
    answered = sum(1 for v in answers.values() if v is not None) if isinstance(answers, dict) else 0
    verdicts = flags = None
    if status == "complete" and headline is not None:
        verdicts = {str(t): str(v[0]) for t, v in headline["verdicts"].items()}
        flags = len(headline["flags"])
    elif status == "complete":
        assessment = data["assessment"]
        verdicts = {t: str(v["verdict"]) for t, v in assessment["verdicts"].items()}
        flags = len(assessment["flags"])
    return ListRow(
        id=str(data["id"]),
        started=_moment(data.get("started")) or _moment(data.get("finished")),
        status=status,
        # Verdicts and flags of an unfinished screening would read unanswered questions as
        # findings: a partial record says only how far it got.
        reason=_text(data.get("reason")) if status != "complete" else None,
        reference=_text(data.get("reference")),
        answered=answered,
        verdicts=verdicts,
        flags=flags,
    )


def _folder_files(folder: Path) -> list[tuple[Path, str]]:
    files = [(p, "complete") for p in folder.glob("*.json")]
    files += [(p, "partial") for p in (folder / "partial").glob("*.json")]
    return files


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def folder_rows(folder: Path) -> list[ListRow]:
    """The records of an ``intake --out`` folder, oldest first; a file that is not a readable
    record is a row saying so, never a failure of the whole list."""
    rows = []
    for path, status in _folder_files(folder):
        try:
            rows.append(_row_of(_read_json(path), status))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            rows.append(
                ListRow(
                    id=path.stem,
                    started=None,
                    status="unreadable",
                    problem=f"{path.name}: {type(exc).__name__}",
                )
            )
    return _in_order(rows)


def store_rows(records: Iterable[Record]) -> list[ListRow]:
    """The rows of database records, from their headlines: records read with
    ``assessments=False`` will do (the list reads no assessment)."""
    rows = []
    for record in records:
        data = {
            "id": record.id,
            "started": record.started.isoformat(),
            "reason": record.reason,
            "reference": record.reference,
            "answers": record.answers,
        }
        try:
            if record.status == "complete" and record.headline is None:
                raise KeyError("headline")  # its assessment could not be read when stored
            rows.append(_row_of(data, record.status, record.headline))
        except (KeyError, TypeError, AttributeError, IndexError):
            rows.append(
                ListRow(
                    id=record.id,
                    started=record.started,
                    status="unreadable",
                    problem="assessment unreadable",
                )
            )
    return _in_order(rows)


def _in_order(rows: list[ListRow]) -> list[ListRow]:
    # Oldest first, so that the newest intake is the line just above the prompt.
    def key(row: ListRow) -> tuple[str, str]:
        when = row.started
        if when is not None and when.tzinfo is not None:
            when = when.astimezone().replace(tzinfo=None)
        return (when.isoformat() if when else "", row.id)

    return sorted(rows, key=key)


def store_record_data(record: Record) -> dict[str, Any]:
    """A database record in the shape the desk exports it."""
    from .web.store import record_json

    return record_json(record)


# --------------------------------------------------------------------------- the list


def _treatments() -> list[str]:
    return list(SHORT_NAMES)


def legend_lines(width: int) -> list[str]:
    names = ", ".join(
        f"{short} {TREATMENT_INFO[t].name.split(' (', 1)[0]}" for t, short in SHORT_NAMES.items()
    )
    text = (
        f"{_VERDICT_LEGEND}. {names}. FLAGS: things to mention. PARTIAL: not finished, "
        "answers only. intake --show ID prints one record (the ID as listed)."
    )
    return _wrap(text, width)


def _wrap(text: str, width: int, indent: str = "", hanging: str | None = None) -> list[str]:
    # Lines break between words only: a word longer than the line stays whole.
    return textwrap.wrap(
        text,
        width=max(width, 20),
        initial_indent=indent,
        subsequent_indent=indent if hanging is None else hanging,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def _short_ids(ids: Sequence[str], shortest: int = 8) -> dict[str, str]:
    """The ids cut to one length, the shortest (from ``shortest`` up) at which each start is
    still unique: what ``intake --show`` needs, in a column that lines up."""
    n = shortest
    while n < max((len(i) for i in ids), default=0) and len({i[:n] for i in ids}) < len(ids):
        n += 1
    return {i: i[:n] for i in ids}


def _cut(text: str, width: int) -> str:
    """``text`` within ``width``: whole words, then an ellipsis; never part of a word."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    words = text.split(" ")
    kept = ""
    for word in words:
        candidate = f"{kept} {word}".strip()
        if len(candidate) + 1 > width:
            break
        kept = candidate
    return f"{kept}…" if kept else "…"


def _fit_title(title: str, width: int | None) -> str:
    """``Intakes in PLACE``, the place's path shortened from its start when too long: its
    last folders say which it is."""
    if width is None or len(title) <= width or " /" not in title:
        return title
    head, _, place = title.partition(" /")
    parts = place.split("/")
    while len(parts) > 1 and len(f"{head} …/{'/'.join(parts)}") > width:
        parts.pop(0)
    return f"{head} …/{'/'.join(parts)}"


def _status_text(row: ListRow) -> str:
    if row.status == "unreadable":
        return f"UNREADABLE {row.problem or ''}".strip()
    reason = f" ({row.reason})" if row.reason else ""
    word = "PARTIAL" if row.status == "partial" else "IN PROGRESS"
    return f"{word}{reason}: {row.answered} answered"


def list_text(rows: Sequence[ListRow], title: str, width: int | None) -> str:
    """One line per intake, then a legend. ``width`` None (a file or a pipe): nothing is
    shortened; otherwise every line fits ``width`` columns and no word is split."""
    shorts = [SHORT_NAMES[t] for t in _treatments()]
    verdict_head = " ".join(shorts)
    gap, sep = "  ", " "  # before the verdicts, and between the cells that lead a line
    this_year = dt.date.today().year

    def local(row: ListRow) -> dt.datetime | None:
        moment = row.started
        return moment.astimezone() if moment is not None and moment.tzinfo else moment

    days = {m.date() for m in map(local, rows) if m is not None}
    same_day = len(days) == 1 and all(r.started is not None for r in rows)
    full_time = width is None or any(d.year != this_year for d in days)

    def when(row: ListRow, form: str) -> str:
        moment = local(row)
        return format(moment, form) if moment is not None else ""

    ids = {r.id: r.id for r in rows}
    times = {r.id: when(r, "%Y-%m-%d %H:%M") for r in rows}
    with_who = any(r.reference for r in rows)
    fixed = len(verdict_head) + len(gap) + len("FLAGS")

    def used(id_width: int, time_width: int, who_width: int) -> int:
        parts = [id_width, time_width] + ([who_width] if with_who else [])
        return sum(parts) + len(sep) * (len(parts) - 1) + len(gap) + fixed

    def widest(values: Iterable[str], head: str) -> int:
        return max([len(head), *(len(v) for v in values)])

    who_width = widest((r.reference or "" for r in rows), "NAME/REF") if with_who else 0
    if width is not None:
        # Too wide: first the year goes (the whole date, into the title, when all are of one
        # day), then ids shrink to a start that is still unique, and the name takes what is
        # left (at least a word or so).
        too_wide = used(widest(ids.values(), "ID"), widest(times.values(), "STARTED"), who_width)
        if too_wide > width and same_day:
            times = {r.id: when(r, "%H:%M") for r in rows}
            title += f", {min(days):%d %b %Y}"
        elif too_wide > width and not full_time:
            times = {r.id: when(r, "%d %b %H:%M") for r in rows}
        if used(widest(ids.values(), "ID"), widest(times.values(), "STARTED"), who_width) > width:
            ids = _short_ids([r.id for r in rows])
        room = width - used(widest(ids.values(), "ID"), widest(times.values(), "STARTED"), 0)
        if with_who:
            who_width = max(min(who_width, room), len("NAME/REF"))
    id_width = widest(ids.values(), "ID")
    time_width = widest(times.values(), "STARTED")

    def line(cells: list[tuple[str, int]], tail: str) -> str:
        return (sep.join(c.ljust(w) for c, w in cells) + gap + tail).rstrip()

    def lead(row: ListRow | None) -> list[tuple[str, int]]:
        if row is None:
            cells = [("ID", id_width), ("STARTED", time_width)]
            return cells + ([("NAME/REF", who_width)] if with_who else [])
        cells = [(ids[row.id], id_width), (times[row.id], time_width)]
        who = _cut(row.reference or "", who_width) if with_who else None
        return cells + ([(who or "", who_width)] if with_who else [])

    out = [_fit_title(title, width), line(lead(None), f"{verdict_head}{gap}FLAGS")]
    for row in rows:
        if row.verdicts is not None:
            codes = " ".join(
                VERDICT_CODES.get(row.verdicts.get(t, ""), "?").ljust(len(SHORT_NAMES[t]))
                for t in _treatments()
            )
            tail = f"{codes}{gap}{row.flags if row.flags is not None else ''}"
        else:
            tail = _status_text(row)
            if width is not None:
                tail = _cut(tail, max(width - used(id_width, time_width, who_width) + fixed, 8))
        out.append(line(lead(row), tail))
    out.extend(legend_lines(width or 80))
    complete = sum(1 for r in rows if r.status == "complete")
    partial = sum(1 for r in rows if r.status == "partial")
    out.append(f"{len(rows)} intake(s): {complete} complete, {partial} partial.")
    return "\n".join(out) + "\n"


def list_json(rows: Sequence[ListRow]) -> str:
    return dumps([r.as_dict() for r in rows]) + "\n"


def list_csv(rows: Sequence[ListRow]) -> str:
    from .web.desk import csv_cell

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    head = ["id", "started", "status", "reason", "reference", "answered", "flags"]
    writer.writerow(head + _treatments())
    for row in rows:
        data = row.as_dict()
        verdicts = row.verdicts or {}
        cells = [data[k] for k in head] + [verdicts.get(t) for t in _treatments()]
        writer.writerow([csv_cell(c) for c in cells])
    return out.getvalue()


# --------------------------------------------------------------------------- one record


class NotFound(Exception):
    """No record, or more than one, answers to the id given (the message says which)."""


def _match(ids: Iterable[str], wanted: str) -> str:
    ids = list(ids)
    if wanted in ids:
        return wanted
    starting = [i for i in ids if i.startswith(wanted)] if wanted else []
    if len(starting) == 1:
        return starting[0]
    if starting:
        raise NotFound(f"{len(starting)} records have an id starting with {wanted!r}: type more")
    raise NotFound(f"no record has the id {wanted!r}")


def find_folder_record(folder: Path, wanted: str) -> dict[str, Any]:
    """The record of ``folder`` whose id (or file name) is ``wanted`` or starts with it."""
    by_id: dict[str, Path] = {}
    for path, _status in _folder_files(folder):
        by_id[path.stem] = path
    path = by_id[_match(by_id, wanted)]
    try:
        data = _read_json(path)
    except (OSError, ValueError) as exc:
        raise NotFound(f"{path} cannot be read as a record: {type(exc).__name__}") from None
    if not is_record(data):
        raise NotFound(f"{path} is not an intake record")
    return dict(data)


def find_store_record(store: Store, wanted: str) -> Record:
    """The database record whose id is ``wanted`` or starts with it."""
    found = store.get(wanted) or store.get(_match(store.record_ids(), wanted))
    if found is None:  # removed since its id was read
        raise NotFound(f"no record has the id {wanted!r}")
    return found


def show_text(data: Mapping[str, Any], questionnaire: Questionnaire, width: int) -> str:
    """One record for the practitioner: who and when, the answers in the questionnaire's
    words, the screening result, what to mention, and the practitioner's details."""
    from .answers import display_value, validate_answers
    from .assessment import Assessment
    from .errors import SuitabilityError
    from .render import FIT_WORDS, VERDICT_WORDS

    out: list[str] = []

    def para(text: str, indent: str = "") -> None:
        out.extend(_wrap(text, width, indent, indent + "  " if indent else ""))

    status = str(data.get("status", ""))
    head = f"Record {data.get('id')}: {status.replace('_', ' ')}"
    if data.get("reason"):
        head += f" ({data.get('reason')})"
    para(head)
    para(f"Name or reference: {_text(data.get('reference')) or 'not given'}")
    # The database keeps times in UTC: the practitioner reads them in this computer's time.
    started, finished = (
        m.astimezone() if m is not None and m.tzinfo else m
        for m in (_moment(data.get("started")), _moment(data.get("finished")))
    )
    when = f"Started {started:%Y-%m-%d %H:%M}" if started else "Started: not recorded"
    if finished and status == "complete":
        when += f", finished {finished:%Y-%m-%d %H:%M}"
    para(when + ".")
    out.append("")
    out.append("Answers")
    answers_data, _ = record_answers_data(data)
    values: Mapping[str, Any] = {}
    try:
        values = validate_answers(answers_data, questionnaire).values
    except SuitabilityError:
        para("These answers do not fit this questionnaire; suitability assess on the file", "  ")
        para("lists every problem.", "  ")
    for q in questionnaire.questions:
        if q.id in values:
            para(q.label, "  ")
            out.extend(_wrap(display_value(q, values[q.id]), width, "      "))
    answered, total = len(values), len(questionnaire.questions)
    para(f"({answered} of {total} questions answered.)", "  ")
    out.append("")
    raw = data.get("assessment")
    if status != "complete" or not isinstance(raw, Mapping):
        para(
            "Not assessed: the screening was not finished, and unanswered questions are not "
            "findings. It can be continued with the code the patient was given, or assessed "
            "as it stands with suitability assess on its exported file."
        )
        return "\n".join(out) + "\n"
    try:
        assessment = Assessment.model_validate(raw)
    except ValueError:  # pydantic's message quotes the input: never shown
        para("Screening result: not an assessment this version can read.")
        return "\n".join(out) + "\n"
    out.append("Screening result")
    for v in assessment.verdicts.values():
        fit = f"; {FIT_WORDS[v.fit].lower()}" if v.verdict != "not_relevant" else ""
        para(f"{v.name}: {VERDICT_WORDS[v.verdict].lower()}{fit}.", "  ")
    if assessment.flags:
        out.append("")
        out.append("To mention")
        for flag in assessment.flags:
            para(f"- {flag.title}. {flag.mention}", "  ")
    out.append("")
    out.append("For the practitioner")
    for v in assessment.verdicts.values():
        behind = "; ".join(dict.fromkeys(f"{r.rule} ({r.effect})" for r in v.reasons)) or "-"
        para(f"{SHORT_NAMES.get(v.treatment, v.treatment)}: {behind}", "  ")
    made, rules = assessment.questionnaire, assessment.rules
    para(
        f"Questionnaire {made.id} {made.version} ({made.content_hash}); rules {rules.id} "
        f"{rules.version} ({rules.content_hash}).",
        "  ",
    )
    return "\n".join(out) + "\n"

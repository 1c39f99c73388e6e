"""The practitioner's records at the terminal (issue 13): ``intake --list`` one line per intake
with a legend at 80x24 and plain text when piped (or JSON, CSV); ``intake --show ID`` from a
folder and from the database; ``assess`` on an intake's own record and on the desk's export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pexpect
import pytest

from suitability import Questionnaire, assess
from suitability._cli_screen import _record, _record_text
from suitability.intake_records import legend_lines

from .conftest import ROOT
from .helpers import BASELINE

pytestmark = pytest.mark.pty

NOW = dt.datetime.now().replace(second=0, microsecond=0)
PEOPLE: list[tuple[str | None, dict[str, Any]]] = [
    ("Jane Doe-Smith", {**BASELINE, "age": 52}),
    (None, {**BASELINE, "pregnant": "yes"}),
    ("Booking 4471-B", {**BASELINE, "goals": ["expression_lines"], "bleeding_disorder": "yes"}),
    ("María José Fernández de la Vega", {**BASELINE, "goals": ["fine_lines"]}),
]
BOX = re.compile("[\u2500-\u257f]")  # box drawing


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "NO_COLOR": "1",
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }


def on_screen(args: list[str], tmp_path: Path, **env: str) -> tuple[int, list[str]]:
    """Runs ``suitability ARGS`` in a real 80x24 pseudo-terminal; its exit code and lines."""
    child = pexpect.spawn(
        sys.executable, ["-m", "suitability", *args], cwd=str(ROOT), env={**_env(tmp_path), **env},
        dimensions=(24, 80), encoding="utf-8", timeout=30,
    )  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    text = (child.before or "").replace("\r\n", "\n")
    return int(child.exitstatus or 0), text.rstrip("\n").split("\n")


def piped(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "suitability", *args], cwd=str(ROOT), env=_env(tmp_path),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.fixture
def folder(tmp_path: Path, questionnaire: Questionnaire) -> Path:
    """An ``intake --out`` folder: four finished intakes (three with a name or reference) and
    one stopped after two answers."""
    out = tmp_path / "records"
    (out / "partial").mkdir(parents=True)
    for n, (reference, values) in enumerate(PEOPLE):
        started = NOW - dt.timedelta(minutes=50 - 10 * n)
        record_id = f"{started:%Y%m%d-%H%M%S}-a{n:03d}"
        record = _record(record_id, "complete", None, started, questionnaire, values)
        if reference:
            record["reference"] = reference
        (out / f"{record_id}.json").write_text(_record_text(record), encoding="utf-8")
    started = NOW - dt.timedelta(minutes=5)
    record_id = f"{started:%Y%m%d-%H%M%S}-b000"
    values = {"age": 41, "goals": ["volume"]}
    record = _record(record_id, "partial", "interrupted", started, questionnaire, values)
    record["reference"] = "Tom"
    (out / "partial" / f"{record_id}.json").write_text(_record_text(record), encoding="utf-8")
    return out


def ids_of(folder: Path) -> list[str]:
    return sorted(p.stem for p in [*folder.glob("*.json"), *folder.glob("partial/*.json")])


def words(lines: list[str]) -> list[str]:
    return " ".join(lines).split()


# --------------------------------------------------------------------------- intake --list


def test_list_at_80x24__one_line_per_intake_then_a_legend_no_word_split(
    folder: Path, tmp_path: Path
) -> None:
    code, lines = on_screen(["intake", "--list", str(folder)], tmp_path)
    assert code == 0
    assert all(len(line) <= 80 for line in lines), lines
    assert not any(BOX.search(line) for line in lines)
    ids = ids_of(folder)
    rows = [line for line in lines if line[:8] in {i[:8] for i in ids}]
    assert len(rows) == 5  # one each, nothing wrapped onto a second line
    for record_id, row in zip(ids, rows, strict=True):
        assert record_id.startswith(row.split()[0])
    assert "PARTIAL (interrupted): 2 answered" in rows[4]
    assert "Booking 4471-B" in rows[2]
    # A name too long for its column ends at a whole word, never inside one.
    assert re.search(r"\bMaría( José)?… ", rows[3]), rows[3]
    header = lines[1].split()
    assert header[-8:] == ["MESO", "BTX", "FILL", "PEEL", "LASER", "MN", "ULT", "FLAGS"]
    legend = lines[7:-1]
    assert words(legend) == words(legend_lines(80))
    for text in (
        "W worth discussing",
        "R review first",
        "MESO Mesotherapy",
        "BTX Botulinum toxin",
        "ULT Ultherapy",
    ):
        assert text in " ".join(legend)
    assert lines[-1] == "5 intake(s): 4 complete, 1 partial."
    assert len(lines) <= 14  # title, header, 5 rows, legend, summary: one screen


def test_list_at_80_columns__codes_stand_under_their_treatments(
    folder: Path, tmp_path: Path, questionnaire: Questionnaire
) -> None:
    _code, lines = on_screen(["intake", "--list", str(folder)], tmp_path)
    header, pregnant = lines[1], lines[3]
    expected = assess({**BASELINE, "pregnant": "yes"}, questionnaire)
    letter = {"worth_discussing": "W", "discuss_with_caution": "C", "avoid_until_reviewed": "R"}
    for short, treatment in zip(header.split()[-8:-1], expected.verdicts, strict=True):
        column = header.index(f" {short} ") + 1
        assert pregnant[column] == letter.get(expected.verdicts[treatment].verdict, "-")


def test_list_piped__plain_text_whole_ids_and_one_line_each(folder: Path, tmp_path: Path) -> None:
    done = piped(["intake", "--list", str(folder)], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert not BOX.search(done.stdout)
    for record_id in ids_of(folder):
        assert sum(line.startswith(f"{record_id} ") for line in lines) == 1
    assert any("María José Fernández de la Vega" in line for line in lines)
    assert "W worth discussing" in done.stdout


def test_list_formats__json_and_csv_for_machines(folder: Path, tmp_path: Path) -> None:
    as_json = piped(["intake", "--list", str(folder), "--format", "json"], tmp_path)
    rows = json.loads(as_json.stdout)
    assert [r["id"] for r in rows] == ids_of(folder)
    assert rows[2]["reference"] == "Booking 4471-B"
    assert rows[2]["verdicts"]["botulinum_toxin"] != "not_relevant"
    assert rows[4]["status"] == "partial" and rows[4]["verdicts"] is None
    assert rows[4]["answered"] == 2
    as_csv = piped(["intake", "--list", str(folder), "--format", "csv"], tmp_path)
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["id"] for r in table] == ids_of(folder)
    assert table[0]["reference"] == "Jane Doe-Smith" and table[0]["mesotherapy"]


def test_format_without_list__is_a_usage_error(tmp_path: Path) -> None:
    done = piped(["intake", "--out", str(tmp_path), "--format", "json"], tmp_path)
    assert done.returncode == 2 and "--format goes with intake --list" in done.stderr


# --------------------------------------------------------------------------- intake --show


def test_show_at_80x24__who_when_answers_result_and_practitioner_details(
    folder: Path, tmp_path: Path, questionnaire: Questionnaire
) -> None:
    record_id = ids_of(folder)[2]
    code, lines = on_screen(["intake", "--show", record_id[:13], "--out", str(folder)], tmp_path)
    assert code == 0
    assert all(len(line) <= 80 for line in lines), lines
    text = "\n".join(lines)
    assert lines[0] == f"Record {record_id}: complete"
    assert "Name or reference: Booking 4471-B" in text
    assert f"Started {NOW - dt.timedelta(minutes=30):%Y-%m-%d %H:%M}" in text
    bleeding = questionnaire.by_id["bleeding_disorder"].label
    assert " ".join(bleeding.split()) in " ".join(text.split())
    for heading in ("Answers", "Screening result", "To mention", "For the practitioner"):
        assert heading in lines
    assert "Botulinum toxin (for example Botox): discuss with caution" in " ".join(text.split())
    assert "c_bleeding_disorder" in text


def test_show_of_a_partial_record__answers_and_no_verdicts(folder: Path, tmp_path: Path) -> None:
    record_id = ids_of(folder)[4]
    code, lines = on_screen(["intake", "--show", record_id, "--out", str(folder)], tmp_path)
    assert code == 0
    text = " ".join(" ".join(lines).split())
    assert "partial (interrupted)" in lines[0] and "Name or reference: Tom" in text
    assert "41 years" in text and "(2 of " in text
    assert "Not assessed" in text and "Screening result" not in text


def test_show__an_unknown_or_shared_start_of_an_id_exits_1(folder: Path, tmp_path: Path) -> None:
    done = piped(["intake", "--show", "nope", "--out", str(folder)], tmp_path)
    assert done.returncode == 1 and "no record has the id 'nope'" in done.stderr
    done = piped(["intake", "--show", ids_of(folder)[0][:8], "--out", str(folder)], tmp_path)
    assert done.returncode == 1 and "5 records have an id starting with" in done.stderr
    done = piped(["intake", "--show", "x"], tmp_path)
    assert done.returncode == 2 and "takes --out DIR or --db PATH" in done.stderr
    done = piped(["intake", "--show", "x", "--db", str(tmp_path / "none.db")], tmp_path)
    assert done.returncode == 74 and "none.db" in done.stderr


def _store_with_one(path: Path, questionnaire: Questionnaire) -> str:
    from suitability.web.store import Store

    record = _record("x", "complete", None, NOW, questionnaire, PEOPLE[2][1])
    with Store.open(path) as store:
        record_id = store.new_screening(
            source="intake",
            questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version,
            questionnaire_hash=questionnaire.content_hash,
            answered_on=NOW.date(),
            reference="Booking 4471-B",
            answers=dict(record["answers"]["answers"]),
            started=NOW.astimezone(),
        )
        store.finish(
            record_id, dict(record["answers"]["answers"]), json.dumps(record["assessment"])
        )
    return record_id


def test_list_and_show_from_the_database(tmp_path: Path, questionnaire: Questionnaire) -> None:
    db = tmp_path / "records.db"
    record_id = _store_with_one(db, questionnaire)
    code, lines = on_screen(["intake", "--list", "--db", str(db)], tmp_path)
    assert code == 0 and all(len(line) <= 80 for line in lines)
    [row] = [line for line in lines if line.startswith(record_id[:8])]
    assert "Booking 4471-B" in row
    there = "Pacific/Auckland"  # the database keeps UTC: shown in the computer's own time
    code, lines = on_screen(
        ["intake", "--show", record_id[:8], "--db", str(db)], tmp_path, TZ=there
    )
    assert code == 0
    assert lines[0] == f"Record {record_id}: complete"
    assert "Name or reference: Booking 4471-B" in lines
    assert lines[2].startswith(f"Started {NOW.astimezone(ZoneInfo(there)):%Y-%m-%d %H:%M}")


# --------------------------------------------------------------------------- assess RECORD


def test_assess_an_intake_folder_record__as_its_answers_would_be(
    folder: Path, tmp_path: Path, questionnaire: Questionnaire
) -> None:
    path = next(folder.glob("*.json"))
    record = json.loads(path.read_text(encoding="utf-8"))
    done = piped(["assess", str(path), "--format", "json"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout) == record["assessment"]
    code, lines = on_screen(["assess", str(path)], tmp_path)
    assert code == 0 and any("Mesotherapy" in line for line in lines)


def test_assess_a_partial_record__assesses_its_answers_with_a_warning(
    folder: Path, tmp_path: Path
) -> None:
    path = next((folder / "partial").glob("*.json"))
    done = piped(["assess", str(path), "--format", "json"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "status: a partial record (2 answers)" in done.stderr
    assert json.loads(done.stdout)["verdicts"]["dermal_fillers"]["verdict"] != "not_relevant"


def test_assess_the_desks_export_of_one_record(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    from suitability.web.store import Store, record_json

    db = tmp_path / "records.db"
    record_id = _store_with_one(db, questionnaire)
    with Store.open(db) as store:
        found = store.get(record_id)
    assert found is not None
    exported = tmp_path / f"record-{record_id}.json"
    exported.write_text(json.dumps(record_json(found), indent=2), encoding="utf-8")
    done = piped(["assess", str(exported), "--format", "json"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdicts"] == found.assessment["verdicts"]  # type: ignore[index]
    code, lines = on_screen(["assess", str(exported)], tmp_path)
    assert code == 0 and any("Botulinum toxin" in line for line in lines)


def test_assess_a_record__its_answers_are_read_strictly_and_located_in_it(
    folder: Path, tmp_path: Path
) -> None:
    record = json.loads(next(folder.glob("*.json")).read_text(encoding="utf-8"))
    record["answers"]["answers"]["agee"] = 3
    record["answers"]["answers"]["age"] = "abc"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(record), encoding="utf-8")
    done = piped(["assess", str(bad)], tmp_path)
    assert done.returncode == 1
    assert "bad.json: answers.answers.agee: unknown question 'agee'" in done.stderr
    assert "bad.json: answers.answers.age: expected a whole number" in done.stderr
    assert "Traceback" not in done.stderr
    record["status"] = "done"
    bad.write_text(json.dumps(record), encoding="utf-8")
    done = piped(["assess", str(bad)], tmp_path)
    assert done.returncode == 1
    assert "bad.json: status: an intake record's status is one of complete, partial" in done.stderr
    # An answers file is not taken for a record for one stray key: it is still refused.
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"id": "x", "answers": {"age": 40}}), encoding="utf-8")
    done = piped(["assess", str(answers)], tmp_path)
    assert done.returncode == 1 and "unknown key 'id'" in done.stderr


def test_assess_the_desks_export_of_a_day__says_it_reads_one_record(
    folder: Path, tmp_path: Path
) -> None:
    records = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")]
    day = tmp_path / "records-day.json"
    day.write_text(json.dumps({"day": "2026-11-30", "records": records}), encoding="utf-8")
    done = piped(["assess", str(day)], tmp_path)
    assert done.returncode == 1
    assert "records-day.json: the desk's export of a day (4 records): assess reads one" in (
        " ".join(done.stderr.split())
    )

"""Times ``intake --list`` (reading the folder and laying out the lines) and ``intake --show``'s
search on an ``intake --out`` folder of many records, then ``intake --list --db`` and
``intake --show --db`` as commands on a records database of as many, with the list's peak memory.

Target (issue 13): a year of a busy clinic's intakes, 2,000 records, listed in under 2 s at an
80-column terminal; one shown in under 0.5 s. The database's list reads no assessment (each
record keeps its headline), so its memory stays that of the lines: target under 150 MB.
Run: .venv/bin/python benchmarks/records_list_bench.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from suitability import assess, default_questionnaire
from suitability._cli_screen import _record, _record_text
from suitability.intake_records import find_folder_record, folder_rows, list_text
from suitability.web.store import Store

PERSON = {"age": 52, "goals": ["fine_lines", "volume"], "pregnant": "no", "keloids": "no"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=2000)
    args = parser.parse_args()
    q = default_questionnaire()
    start = dt.datetime(2026, 1, 1, 9, 0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "partial").mkdir()
        # One record assessed, written many times under new ids and times: the list reads
        # files, so their content need not differ.
        template = _record("x", "complete", None, start, q, PERSON)
        for n in range(args.records):
            started = start + dt.timedelta(hours=4 * n)
            record_id = f"{started:%Y%m%d-%H%M%S}-{n:04x}"
            record = {**template, "id": record_id, "started": started.isoformat()}
            record["reference"] = f"Patient {n}"
            (folder / f"{record_id}.json").write_text(_record_text(record), encoding="utf-8")
        began = time.perf_counter()
        rows = folder_rows(folder)
        text = list_text(rows, f"Intakes in {folder}", 80)
        listed = time.perf_counter() - began
        began = time.perf_counter()
        find_folder_record(folder, rows[-1].id)
        shown = time.perf_counter() - began
    print(f"intake --list of {args.records} records: {listed:.2f} s (target under 2 s)")
    print(f"  {len(text.splitlines())} lines, the longest {max(map(len, text.splitlines()))}")
    print(f"intake --show's search among them: {shown:.3f} s (target under 0.5 s)")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "records.db"
        assessment = assess(PERSON, q).to_json()
        with Store.open(db) as store:
            for n in range(args.records):
                record_id = store.new_screening(
                    source="intake",
                    questionnaire_id=q.id,
                    questionnaire_version=q.version,
                    questionnaire_hash=q.content_hash,
                    answered_on=start.date(),
                    reference=f"Patient {n}",
                    answers=PERSON,
                    started=(start + dt.timedelta(hours=4 * n)).astimezone(),
                )
                store.finish(record_id, PERSON, assessment)
        listed, peak, lines = _command(["intake", "--list", "--db", str(db)])
        print(
            f"intake --list --db of {args.records} records, the whole command: {listed:.2f} s "
            f"(target under 2 s), peak memory {peak:.0f} MB (target under 150 MB), {lines} lines"
        )
        shown, _peak, lines = _command(["intake", "--show", record_id[:8], "--db", str(db)])
        print(
            f"intake --show --db, the whole command: {shown:.2f} s (target under 0.5 s, "
            "Python's start and the imports included)"
        )


def _command(words: list[str]) -> tuple[float, float, int]:
    """Wall time, peak memory (MB) and lines printed of one ``suitability`` command."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "suitability", *words],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        check=True,
    )
    took = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return took, peak, len(done.stdout.splitlines())


if __name__ == "__main__":
    main()

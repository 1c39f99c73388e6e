"""Times ``intake --list`` (reading the folder and laying out the lines) and ``intake --show``'s
search on an ``intake --out`` folder of many records.

Target (issue 13): a year of a busy clinic's intakes, 2,000 records, listed in under 2 s at an
80-column terminal; one shown in under 0.5 s. Run: .venv/bin/python benchmarks/records_list_bench.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from suitability import default_questionnaire
from suitability._cli_screen import _record, _record_text
from suitability.intake_records import find_folder_record, folder_rows, list_text

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


if __name__ == "__main__":
    main()

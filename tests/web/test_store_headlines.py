"""Lists never read assessments: each finished record keeps its headline (verdict, fit and name
per treatment; the titles of the things to mention), written with the record and added to the
records of an older database when it is opened; a record's assessment is parsed only when it
is read, and a list of records reads none."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from suitability import assess, default_questionnaire, read_answers_file
from suitability._cli_intake_db import list_store_intakes, store_record
from suitability.errors import StorageError
from suitability.web.store import SCHEMA_VERSION, Store, headline_of

from .test_store import build_v1

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
Q = {
    "questionnaire_id": "facial",
    "questionnaire_version": "1.2.0",
    "questionnaire_hash": "abc",
    "answered_on": dt.date(2026, 11, 30),
}


def _finished(s: Store, assessment_json: str, *, hour: int = 9, reference: str = "P") -> str:
    rid = s.new_screening(
        source="web",
        answers={"age": 40},
        reference=reference,
        started=dt.datetime(2026, 11, 30, hour, tzinfo=dt.timezone.utc),
        **Q,
    )
    s.finish(rid, {"age": 40}, assessment_json)
    return rid


def _expected(assessment_json: str) -> dict[str, Any]:
    data = json.loads(assessment_json)
    return {
        "verdicts": {t: [v["verdict"], v["fit"], v["name"]] for t, v in data["verdicts"].items()},
        "flags": [f["title"] for f in data["flags"]],
    }


@pytest.mark.parametrize(
    "name", ["amira-hydration.yaml", "carlos-blood-thinner.json", "eve-unsure.yaml"]
)
def test_a_finished_record_keeps_its_assessments_headline(name: str) -> None:
    text = assess(read_answers_file(EXAMPLES / name, default_questionnaire())).to_json()
    with Store.in_memory() as s:
        rid = _finished(s, text)
        record = s.get(rid)
        assert record is not None
        assert record.headline == _expected(text)
        assert record.assessment == json.loads(text)  # parsed when asked for


def test_an_unreadable_assessment_has_no_headline() -> None:
    assert headline_of({"verdicts": "not an assessment", "flags": []}) is None
    assert headline_of({"verdicts": {"mesotherapy": {"verdict": "caution"}}, "flags": []}) is None
    assert headline_of([1, 2]) is None
    with Store.in_memory() as s:
        for text in ('{"verdicts": 1}', "{not json"):
            record = s.get(_finished(s, text))
            assert record is not None and record.status == "complete" and record.headline is None


def test_a_version_1_database_gets_the_headlines_of_its_finished_records(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    build_v1(path)
    text = assess(
        read_answers_file(EXAMPLES / "carlos-blood-thinner.json", default_questionnaire())
    ).to_json()
    db = sqlite3.connect(path, isolation_level=None)
    for rid, assessment in (("done", text), ("odd", '{"verdicts": 1}'), ("broken", "{not json")):
        db.execute(
            "INSERT INTO screenings (id, started, updated, finished, status, source, "
            "questionnaire_id, questionnaire_version, questionnaire_hash, answered_on, answers, "
            "assessment) VALUES (?, '2026-01-02T03:04:05+00:00', '2026-01-02T03:04:05+00:00', "
            "'2026-01-02T03:14:05+00:00', 'complete', 'web', 'facial', '1.1.0', 'h', "
            "'2026-01-02', '{}', ?)",
            (rid, assessment),
        )
    db.close()
    with Store.open(path) as s:
        assert s.schema_version == SCHEMA_VERSION == 2
        found = {r.id: r for r in s.records(assessments=False)}
    assert found["done"].headline == _expected(text)
    assert found["odd"].headline is None and found["broken"].headline is None
    assert found["old"].headline is None and found["old"].status == "partial"


def test_records_for_a_list_hold_no_assessment_and_page_by_offset() -> None:
    text = assess({"age": 52, "goals": ["fine_lines"]}).to_json()
    with Store.in_memory() as s:
        ids = [_finished(s, text, hour=h, reference=f"P{h}") for h in range(1, 8)]
        listed = s.records(assessments=False)
        assert [r.id for r in listed] == ids[::-1]  # newest first
        for record in listed:
            assert record.assessment_json is None and record.headline == _expected(text)
            with pytest.raises(RuntimeError, match="read for a list"):
                _ = record.assessment
        page = s.records(limit=3, offset=3, assessments=False)
        assert [r.id for r in page] == ids[::-1][3:6]
        assert [r.id for r in s.records(limit=3, offset=6)] == [ids[0]]
        assert s.record_ids() == ids  # oldest first


def test_a_damaged_assessment_is_said_when_it_is_read_and_the_list_still_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "records.db"
    text = assess({"age": 52, "goals": ["fine_lines"]}).to_json()
    with Store.open(path) as s:
        good = _finished(s, text, hour=9, reference="Good")
        bad = _finished(s, text, hour=10, reference="Bad")
        s._db.execute("UPDATE screenings SET assessment = '{\"verd' WHERE id = ?", (bad,))
        record = s.get(bad)
        assert record is not None
        with pytest.raises(StorageError) as caught:
            _ = record.assessment
        assert str(caught.value) == (
            f"the records database {path}: a stored record is damaged (restore a backup)"
        )
    assert list_store_intakes(path) == 0
    listing = capsys.readouterr().out
    assert listing.splitlines()[-1] == "2 intake(s): 2 complete, 0 partial."
    assert "Good" in listing and "Bad" in listing
    shown = store_record(path, good[:10])
    assert shown is not None and shown["assessment"] == json.loads(text)

"""Export of a record or a day as JSON and CSV (formula cells neutralised, so a spreadsheet never
runs what a person typed), and retention."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from suitability import assess, default_questionnaire
from suitability.web import desk as desk_module
from suitability.web.desk import csv_cell, purge_if_due
from suitability.web.settings import Settings
from suitability.web.store import now

from . import desk_helpers
from .desk_helpers import COMPLETE, PLANTED, Desk, add_record, make_desk

cheap_hashes, desk, staff = desk_helpers.cheap_hashes, desk_helpers.desk, desk_helpers.staff


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_record_exported_as_json_holds_answers_and_assessment(staff: Desk) -> None:
    record_id = add_record(staff.store)
    response = staff.client.post(
        f"/desk/record/{record_id}/export", data={"csrf": staff.csrf(), "format": "json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert (
        response.headers["content-disposition"] == f'attachment; filename="record-{record_id}.json"'
    )
    assert response.headers["cache-control"] == "no-store"
    exported = json.loads(response.content)
    assert exported["id"] == record_id and exported["reference"] == "Jo Bloggs"
    assert exported["status"] == "complete"
    assert exported["answers"] == COMPLETE
    assert exported["assessment"] == json.loads(assess(COMPLETE).to_json())
    assert exported["questionnaire"]["version"] == "1.2.0"
    entry = staff.store.audit_entries()[0]
    assert (entry.action, entry.record_id) == ("exported (json)", record_id)


def test_a_record_exported_as_csv_neutralises_formulas(staff: Desk) -> None:
    record_id = add_record(staff.store, reference="@SUM(1+1)")
    response = staff.client.post(
        f"/desk/record/{record_id}/export", data={"csrf": staff.csrf(), "format": "csv"}
    )
    assert response.headers["content-disposition"] == (
        f'attachment; filename="record-{record_id}.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")  # read as UTF-8 by spreadsheets
    [row] = _csv(response)
    assert row["id"] == record_id and row["status"] == "complete"
    # The planted formula arrives as text: one leading quote, the rest exactly as typed.
    assert row["notes"] == "'" + PLANTED
    assert row["reference"] == "'@SUM(1+1)"
    assert row["age"] == "41" and row["goals"] == "fine_lines;expression_lines"
    assert row["bleeding_disorder"] == "not_sure" and row["breastfeeding"] == ""
    assert row["verdict_mesotherapy"] == "avoid_until_reviewed"
    assert row["fit_mesotherapy"] == "fits"
    assert "Prescribed blood thinner" in row["flags"]
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+441234", "'+441234"),
        ("-2", "'-2"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain words", "plain words"),
        ("a=b", "a=b"),
        (None, ""),
        (True, "yes"),
        (41, "41"),
        (["a", "b"], "a;b"),
        (["=x", "b"], "'=x;b"),
    ],
)
def test_csv_cells(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def test_a_day_exported_in_the_order_it_happened(staff: Desk) -> None:
    day = dt.datetime.now().astimezone().date()
    noon = dt.datetime.combine(day, dt.time(12)).astimezone()
    first = add_record(staff.store, reference="First", started=noon - dt.timedelta(hours=2))
    second = add_record(
        staff.store, reference="Second", complete=False, started=noon - dt.timedelta(hours=1)
    )
    add_record(staff.store, reference="Yesterday", started=noon - dt.timedelta(days=1))
    token = staff.csrf()
    as_csv = staff.client.post(
        "/desk/export", data={"csrf": token, "day": day.isoformat(), "format": "csv"}
    )
    assert as_csv.headers["content-disposition"] == f'attachment; filename="records-{day}.csv"'
    rows = _csv(as_csv)
    assert [r["reference"] for r in rows] == ["First", "Second"]
    assert rows[1]["status"] == "partial" and rows[1]["verdict_mesotherapy"] == ""
    assert rows[0]["notes"] == "'" + PLANTED
    as_json = staff.client.post(
        "/desk/export", data={"csrf": token, "day": day.isoformat(), "format": "json"}
    )
    exported = json.loads(as_json.content)
    assert exported["day"] == day.isoformat()
    assert [r["id"] for r in exported["records"]] == [first, second]
    assert exported["records"][1]["assessment"] is None
    exported_ids = [str(e.record_id) for e in staff.store.audit_entries() if "exported" in e.action]
    assert sorted(exported_ids) == sorted([first, second, first, second])


@pytest.mark.parametrize(
    "fields",
    [
        {"day": "30/11/2026", "format": "csv"},
        {"day": "", "format": "csv"},
        {"day": "2026-11-30", "format": "xlsx"},
    ],
)
def test_a_bad_day_or_format_is_refused(staff: Desk, fields: dict[str, str]) -> None:
    response = staff.client.post("/desk/export", data={"csrf": staff.csrf(), **fields})
    assert response.status_code == 400
    assert "content-disposition" not in response.headers


def test_retention_purges_old_records_at_start_and_daily() -> None:
    made = make_desk(Settings(retention_days=30))
    old = add_record(made.store, started=now() - dt.timedelta(days=31))
    kept = add_record(made.store, started=now() - dt.timedelta(days=29))
    with TestClient(made.app, base_url="http://127.0.0.1"):  # runs the server's start-up
        assert made.store.get(old) is None
        assert made.store.get(kept) is not None
    entry = made.store.audit_entries()[0]
    assert (entry.actor, entry.record_id) == ("retention", old)
    assert "30 days" in entry.action
    # Once a day: not again within the day, again after it.
    shared = made.app.app.app.state.web
    later = add_record(made.store, started=now() - dt.timedelta(days=40))
    assert purge_if_due(shared, at=now() + dt.timedelta(hours=23)) is None
    assert made.store.get(later) is not None
    assert purge_if_due(shared, at=now() + dt.timedelta(hours=25)) == 1
    assert made.store.get(later) is None
    made.store.close()


def test_the_desk_list_purges_when_no_purge_ran_today(monkeypatch: pytest.MonkeyPatch) -> None:
    made = make_desk(Settings(retention_days=7))
    old = add_record(made.store, started=now() - dt.timedelta(days=8))
    assert made.login().status_code == 303
    assert made.store.get(old) is not None  # no start-up here (no lifespan), no list view yet
    assert made.client.get("/desk").status_code == 200
    assert made.store.get(old) is None
    made.store.close()


def test_no_retention_setting_keeps_everything(staff: Desk) -> None:
    old = add_record(staff.store, started=now() - dt.timedelta(days=3650))
    assert purge_if_due(staff.app.app.app.state.web) is None
    staff.client.get("/desk")
    assert staff.store.get(old) is not None
    assert dt.timedelta(days=1) == desk_module.RETENTION_EVERY


def test_an_odd_record_id_breaks_no_header_and_no_link(staff: Desk) -> None:
    q = default_questionnaire()
    odd = 'a"b;c\\d'
    staff.store.new_screening(
        source="terminal",
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        questionnaire_hash=q.content_hash,
        answered_on=dt.date.today(),
        record_id=odd,
    )
    response = staff.client.post(
        "/desk/record/a%22b%3Bc%5Cd/export", data={"csrf": staff.csrf(), "format": "json"}
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="record-a_b_c_d.json"'
    assert json.loads(response.content)["id"] == odd
    page = staff.client.get("/desk/record/a%22b%3Bc%5Cd")
    assert page.status_code == 200
    assert 'href="/desk/record/a%22b%3Bc%5Cd/delete"' in page.text
    reviewed = staff.client.post(
        "/desk/record/a%22b%3Bc%5Cd/reviewed",
        data={"csrf": staff.csrf()},
        follow_redirects=False,
    )
    assert reviewed.headers["location"] == "/desk/record/a%22b%3Bc%5Cd"

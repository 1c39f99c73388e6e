"""The practitioner's desk in a real Chromium against the real server: staff login, the list,
a record, exports downloaded as files, a patient's browser refused at every staff page, and
axe-core on each desk page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, expect

from suitability import assess, default_questionnaire
from suitability.web.store import Store

from .conftest import StartServer, assert_accessible

NAME = "dr.jones"
PASSWORD = "a long staff passphrase"
PLANTED = '=HYPERLINK("http://evil.example/","x")'
ANSWERS = {
    "age": 52,
    "goals": ["fine_lines"],
    "pregnant": "no",
    "blood_thinners_rx": "yes",
    "notes": PLANTED,
}


def _database(folder: Path) -> tuple[Path, str]:
    """A records database with a staff member (made by the real command) and one record."""
    db = folder / "records.db"
    command = ["staff", "add", NAME, "--password-stdin", "--db", str(db)]
    added = subprocess.run(
        [sys.executable, "-m", "suitability", *command],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    q = default_questionnaire()
    store = Store.open(db)
    try:
        rid = store.new_screening(
            source="web",
            questionnaire_id=q.id,
            questionnaire_version=q.version,
            questionnaire_hash=q.content_hash,
            answered_on=dt.date.today(),
            reference="Pat Example",
            answers=ANSWERS,
        )
        store.finish(rid, ANSWERS, assess(ANSWERS).to_json())
    finally:
        store.close()
    return db, rid


def _login(page: Page, url: str, password: str = PASSWORD) -> None:
    page.goto(url + "/desk/login")
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_staff_log_in_read_the_list_and_a_record_and_export(
    server: StartServer, page: Page, tmp_path: Path
) -> None:
    db, rid = _database(tmp_path)
    running = server(db=db)
    page.goto(running.url + "/desk")
    assert page.url == running.url + "/desk/login"
    assert_accessible(page)
    _login(page, running.url, password="not it")
    assert page.get_by_role("alert").inner_text() == (
        "That name and password do not match. Please try again."
    )
    assert_accessible(page)

    _login(page, running.url)
    assert page.url == running.url + "/desk"
    row = page.get_by_role("row", name="Pat Example")
    assert "MESO REVIEW FIRST" in " ".join(row.inner_text().split())
    assert "Prescribed blood thinner" in row.inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Pat Example").click()
    expect(page).to_have_url(f"{running.url}/desk/record/{rid}")
    expect(page.get_by_role("heading", name="Mesotherapy: Not advisable")).to_be_visible()
    assert page.locator(".desk-note blockquote").inner_text() == PLANTED
    assert_accessible(page)

    with page.expect_download() as as_csv:
        page.get_by_role("button", name="Export as CSV").click()
    assert as_csv.value.suggested_filename == f"record-{rid}.csv"
    text = Path(as_csv.value.path()).read_text(encoding="utf-8-sig")
    [exported] = list(csv.DictReader(io.StringIO(text)))
    assert exported["notes"] == "'" + PLANTED and exported["reference"] == "Pat Example"

    with page.expect_download() as as_json:
        page.get_by_role("button", name="Export as JSON").click()
    record = json.loads(Path(as_json.value.path()).read_text(encoding="utf-8"))
    assert record["answers"] == ANSWERS
    # The exports were posts: the address bar still shows the record, and no answer is in it.
    assert page.url == f"{running.url}/desk/record/{rid}"

    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page.get_by_text(f"{NAME}, ").first).to_be_visible()

    page.get_by_role("link", name="Delete this record").click()
    expect(page.get_by_role("button", name="Delete this record")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Delete this record").click()
    expect(page.get_by_role("heading", name="Record deleted")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url("**/desk/audit")
    audit = page.locator("table").inner_text()
    for action in ("logged in", "login failed", "viewed", "exported (csv)", "deleted"):
        assert action in audit
    assert "HYPERLINK" not in page.content() and "Pat Example" not in audit
    assert_accessible(page)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(running.url + "/desk/login")
    page.goto(running.url + "/desk/audit")
    assert page.url == running.url + "/desk/login"
    # The server's log says which pages were asked for, never what was on them.
    assert "HYPERLINK" not in running.logs() and "Pat Example" not in running.logs()


def test_a_patient_browser_is_refused_at_every_staff_page(
    server: StartServer, page: Page, tmp_path: Path
) -> None:
    db, rid = _database(tmp_path)
    running = server(db=db)
    page.goto(running.url + "/")
    page.get_by_role("button", name="Start the screening").click()
    page.wait_for_url("**/screening/**")  # a patient session, bound to its own screening
    for path in ("/desk", f"/desk/record/{rid}", f"/desk/record/{rid}/delete", "/desk/audit"):
        page.goto(running.url + path)
        assert page.url == running.url + "/desk/login", path
        assert "Pat Example" not in page.content()
    # A staff form posted from the patient's page is refused, and nothing changes.
    response = page.request.post(
        f"{running.url}/desk/record/{rid}/delete", form={"confirm": "delete", "csrf": "x"}
    )
    assert response.status == 403
    store = Store.open(db)
    try:
        assert store.get(rid) is not None
    finally:
        store.close()

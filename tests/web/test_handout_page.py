"""The web app's handout page shares the saved handout's words, parts and stylesheet: one name
line, the summary first, the event's date written out, the practitioner's section last, and
the print rules (page numbers, headings kept with what follows) in /static/handout.css."""

from __future__ import annotations

import re

from suitability.render import to_html

from .test_patient import ANSWERS, IN_A_MONTH, _answer_all, _client, _csrf, _text


def test_handout_page__summary_first_event_date_in_full_and_practitioner_last() -> None:
    client = _client()
    review = _answer_all(client, ANSWERS)
    client.post("/screening/finish", data={"csrf": _csrf(review.text)})
    page = client.get("/screening/handout").text
    assert page.count('class="name-line"') == 1
    assert '<link rel="stylesheet" href="/static/handout.css">' in page
    headings = re.findall(r"<h2>(.+?)</h2>", page)
    assert headings[:2] == ["Summary", "To mention to the practitioner"]
    assert headings[-1] == "For the practitioner"
    event = f"{IN_A_MONTH.day} {IN_A_MONTH:%B %Y}"  # the questionnaire's en-GB, written out
    assert f"Your event: {event}." in _text(page)
    assert "handout-details" in page


def test_handout_stylesheet__is_served_and_is_the_one_the_saved_handout_inlines() -> None:
    client = _client()
    sheet = client.get("/static/handout.css")
    assert sheet.status_code == 200
    assert sheet.headers["content-type"].startswith("text/css")
    assert '@bottom-center { content: "Page " counter(page) " of " counter(pages)' in sheet.text
    assert sheet.text in to_html("# Notes\n")

"""The screening in the browser, in process: one section per page, show-if on the server,
plain messages beside the fields, back, review, finish, the result and the handout; sessions
bound to one screening, CSRF on every form, and no answer in any URL."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

import pytest
from fastapi import Request
from fastapi.responses import Response
from fastapi.testclient import TestClient

from suitability.questionnaire import default_questionnaire, questionnaire_from_data
from suitability.web.app import PATIENT_COOKIE, create_app, web
from suitability.web.patient import continue_screening
from suitability.web.settings import Settings
from suitability.web.store import Store

Q = default_questionnaire()
SECTION = {s.id: n for n, s in enumerate(Q.sections, 1)}
TODAY = dt.date.today()
IN_A_MONTH = TODAY + dt.timedelta(days=30)

# Every question, as a person fills the form in (typed text as typed).
ANSWERS: dict[str, Any] = {
    "age": "34",
    "goals": ["fine_lines", "hydration_radiance"],
    "pregnant": "no",
    "breastfeeding": "no",
    "trying_to_conceive": "no",
    "skin_now": ["none"],
    "recent_tan": "no",
    "skin_type": "type_2",
    "pigmentation_history": "no",
    "cold_sores": "not_sure",
    "keloids": "no",
    "bleeding_disorder": "no",
    "autoimmune": "no",
    "immunosuppressed": "no",
    "cancer_treatment": "no",
    "facial_radiotherapy": "no",
    "diabetes": "no",
    "heart_disease": "no",
    "epilepsy": "no",
    "neuromuscular": "no",
    "facial_nerve_palsy": "no",
    "blood_thinners_rx": "no",
    "otc_thinners": "yes",
    "isotretinoin": "never",
    "aminoglycoside_or_relaxant": "no",
    "photosensitising": "no",
    "allergies": ["none"],
    "areas": ["face"],
    "implants": ["none"],
    "recent_facial_treatment": "no",
    "recent_facial_surgery": "no",
    "needle_discomfort": "mild",
    "downtime_days": "3",
    "has_event": "yes",
    "event_date": IN_A_MONTH.strftime("%d/%m/%Y"),
    "sessions": "course_ok",
    "non_surgical": "yes",
    "notes": "<b>Bold?</b> & nothing else",
}


def _client(store: Store | None = None, **kwargs: Any) -> TestClient:
    app = create_app(Settings(), store or Store.in_memory(), **kwargs)
    return TestClient(app, base_url="http://127.0.0.1")


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None, page
    return found.group(1)


def _start(client: TestClient) -> Any:
    home = client.get("/")
    return client.post("/screening/start", data={"csrf": _csrf(home.text)})


def _page(client: TestClient, n: int) -> Any:
    page = client.get(f"/screening/section/{n}")
    assert page.status_code == 200, page.text
    return page


def _post(client: TestClient, n: int, fields: dict[str, Any], action: str = "next") -> Any:
    page = _page(client, n)
    data = {"csrf": _csrf(page.text), "_action": action, **fields}
    return client.post(f"/screening/section/{n}", data=data, follow_redirects=False)


def _fields_on(page: str) -> list[str]:
    names = re.findall(r'<(?:input|textarea)[^>]* name="([a-z][a-z0-9_]*)"', page)
    return list(dict.fromkeys(names))


def _answer_all(client: TestClient, answers: dict[str, Any]) -> Any:
    """Answers every section from the first, following the redirects; returns the review."""
    page = _start(client)
    while "/screening/section/" in page.url.path:
        data = {"csrf": _csrf(page.text), "_action": "next"}
        data.update({k: answers[k] for k in _fields_on(page.text) if k in answers})
        page = client.post(page.url.path, data=data)
        assert page.status_code == 200, _errors(page.text)
    assert page.url.path == "/screening/review"
    return page


def _errors(page: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", m)).removeprefix("Error: ")
        for m in re.findall(r'<p class="error-message" id="e-[a-z0-9_]+">(.*?)</p>', page)
    ]


def _record(client: TestClient) -> Any:
    shared = client.app.app.app.state.web  # type: ignore[attr-defined]
    token = client.cookies.get(PATIENT_COOKIE)
    session = shared.store.session(token)
    return shared.store.get(session.screening_id)


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


# --------------------------------------------------------------------------- the whole flow


def test_a_whole_screening__from_start_to_result_and_handout() -> None:
    client = _client()
    review = _answer_all(client, ANSWERS)
    assert "Check your answers" in review.text
    assert "34 years" in review.text
    finished = client.post("/screening/finish", data={"csrf": _csrf(review.text)})
    assert finished.url.path == "/screening/result"
    record = _record(client)
    assert record.status == "complete"
    assert record.answers["age"] == 34
    assert record.answers["event_date"] == IN_A_MONTH.isoformat()
    assert record.answers["notes"] == ANSWERS["notes"]
    assessment = record.assessment
    assert set(assessment["verdicts"]) >= {"mesotherapy", "botulinum_toxin"}

    text = _text(finished.text)
    # The summary first, then what to mention, then the details.
    summary = text.index("Summary")
    mention = text.index("To mention to the practitioner")
    details = text.index("The details")
    assert summary < mention < details
    for verdict in assessment["verdicts"].values():
        assert verdict["name"] in text
        if verdict["verdict"] != "not_relevant":
            assert "qualified practitioner" in verdict["summary"]
            assert verdict["summary"] in text
    assert "diagnos" not in text.replace("does not diagnose", "")
    # A person's own words are shown as written, never as markup.
    assert "<b>Bold?</b>" not in finished.text

    handout = client.get("/screening/handout")
    assert handout.status_code == 200
    hand = _text(handout.text)
    assert "Name:" in hand
    assert hand.index("Summary") < hand.index("To mention to the practitioner")
    assert 'class="md practitioner"' in handout.text
    assert "<b>Bold?</b>" not in handout.text
    assert "&lt;b&gt;Bold?&lt;/b&gt;" in handout.text


def test_the_result_page__names_what_the_practitioner_will_ask_about() -> None:
    client = _client()
    review = _answer_all(client, ANSWERS)
    result = client.post("/screening/finish", data={"csrf": _csrf(review.text)})
    # cold_sores was answered "not sure": it decides the peel's verdict.
    assert "The practitioner will ask about your answer to:" in result.text
    assert Q.by_id["cold_sores"].label in _text(result.text)


def test_a_finished_screening__sends_its_pages_to_the_result() -> None:
    client = _client()
    review = _answer_all(client, ANSWERS)
    client.post("/screening/finish", data={"csrf": _csrf(review.text)})
    for path in ("/screening/section/1", "/screening/review"):
        assert client.get(path, follow_redirects=False).headers["location"] == "/screening/result"


def test_the_result_and_handout__wait_for_the_finish() -> None:
    client = _client()
    _start(client)
    for path in ("/screening/result", "/screening/handout"):
        assert client.get(path, follow_redirects=False).headers["location"] == "/screening/review"


# --------------------------------------------------------------------------- show-if


def test_a_question_shown_by_an_answer_on_the_same_page__is_on_the_page_for_pages_without_js() -> (
    None
):
    client = _client()
    _start(client)
    page = _page(client, SECTION["medicines"])
    # With JavaScript off the person sees it, and is told when it applies.
    assert 'name="isotretinoin_months"' in page.text
    assert "Answer this only if you answered “Yes, in the past”" in page.text
    condition = re.search(r'id="q-isotretinoin_months"[^>]*data-show-if="([^"]+)"', page.text)
    assert condition is not None
    assert json.loads(html.unescape(condition.group(1))) == {
        "question": "isotretinoin",
        "equals": "past",
    }


def _medicines(**changes: Any) -> dict[str, Any]:
    ids = [q.id for q in Q.sections[SECTION["medicines"] - 1].questions]
    fields = {k: ANSWERS[k] for k in ids if k in ANSWERS}
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def test_show_if__keeps_the_dependent_answer_when_its_condition_holds() -> None:
    client = _client()
    _start(client)
    posted = _post(
        client, SECTION["medicines"], _medicines(isotretinoin="past", isotretinoin_months="14")
    )
    assert posted.status_code == 303
    answers = _record(client).answers
    assert answers["isotretinoin"] == "past"
    assert answers["isotretinoin_months"] == 14


def test_show_if__drops_the_dependent_answer_when_its_condition_turns_out_false() -> None:
    client = _client()
    _start(client)
    # Typed with JavaScript off, then "No, never" chosen above it: not asked, so not kept,
    # and its text is never checked (no message for a question that does not apply).
    posted = _post(
        client, SECTION["medicines"], _medicines(isotretinoin="never", isotretinoin_months="lots")
    )
    assert posted.status_code == 303
    answers = _record(client).answers
    assert answers["isotretinoin"] == "never"
    assert "isotretinoin_months" not in answers


def test_show_if__asks_for_the_dependent_answer_when_its_condition_holds_and_it_is_missing() -> (
    None
):
    client = _client()
    _start(client)
    posted = _post(client, SECTION["medicines"], _medicines(isotretinoin="past"))
    assert posted.status_code == 422
    assert _errors(posted.text) == ["This question needs an answer."]
    assert 'id="e-isotretinoin_months"' in posted.text
    # The page's other answers are kept meanwhile.
    assert _record(client).answers["isotretinoin"] == "past"


TWO_PAGES = {
    "id": "two_pages",
    "title": "Two pages",
    "version": "1.0.0",
    "language": "en-GB",
    "sections": [
        {
            "id": "first",
            "title": "First",
            "questions": [{"id": "smoker", "type": "yes_no", "label": "Do you smoke?"}],
        },
        {
            "id": "second",
            "title": "Second",
            "questions": [
                {
                    "id": "per_day",
                    "type": "integer",
                    "label": "How many a day?",
                    "min": 0,
                    "max": 100,
                    "required": True,
                    "show_if": {"question": "smoker", "equals": "yes"},
                },
                {
                    "id": "colour",
                    "type": "single_choice",
                    "label": "Favourite colour?",
                    "choices": [{"id": "red", "label": "Red"}, {"id": "blue", "label": "Blue"}],
                },
            ],
        },
    ],
}


def test_show_if_on_an_earlier_page__decides_on_the_server_whether_the_question_is_on_the_page() -> (
    None
):
    q = questionnaire_from_data(TWO_PAGES)
    client = _client(questionnaire=q)
    _start(client)
    _post(client, 1, {"smoker": "no"})
    assert 'name="per_day"' not in _page(client, 2).text
    _post(client, 1, {"smoker": "yes"})
    page = _page(client, 2)
    assert 'name="per_day"' in page.text
    # Its condition reads an earlier page: the page's script is given that answer.
    assert 'data-known="{&#34;smoker&#34;:&#34;yes&#34;}"' in page.text
    # And a post for a question the earlier answers hide is ignored.
    _post(client, 1, {"smoker": "no"})
    assert _post(client, 2, {"per_day": "5", "colour": "red"}).status_code == 303
    assert _record(client).answers == {"smoker": "no", "colour": "red"}


def test_review__drops_answers_that_no_longer_apply() -> None:
    client = _client()
    _answer_all(client, {**ANSWERS, "isotretinoin": "past", "isotretinoin_months": "14"})
    months = Q.by_id["isotretinoin_months"].label
    assert months in client.get("/screening/review").text
    # Back to the medicines page to change the answer the months depend on.
    changed = _post(
        client, SECTION["medicines"], _medicines(isotretinoin="never", isotretinoin_months="14")
    )
    assert changed.headers["location"] == "/screening/review"
    review = client.get("/screening/review").text
    assert months not in review
    assert "isotretinoin_months" not in _record(client).answers


# --------------------------------------------------------------------------- messages


def test_a_number_that_cannot_be_read__gets_a_plain_message_beside_its_field() -> None:
    client = _client()
    _start(client)
    posted = _post(client, 1, {"age": "fifty two"})
    assert posted.status_code == 422
    message = (
        "Please type a whole number from 10 to 110 years, for example 52, or 'not sure' or "
        "'prefer not to say'."
    )
    assert _errors(posted.text) == [message]
    assert "expected" not in _text(posted.text)
    # Beside the field, linked to it, with the summary at the top linking to the field.
    field = re.search(
        r'<input type="text" name="age" id="f-age" value="([^"]*)"[^>]*>', posted.text
    )
    assert field is not None
    assert field.group(1) == "fifty two"  # shown back as typed
    assert re.search(r'aria-describedby="[^"]*\be-age\b', field.group(0))
    assert 'aria-invalid="true"' in field.group(0)
    summary = posted.text.index('id="error-summary"')
    assert summary < posted.text.index('id="e-age"')
    assert f'<a href="#f-age">{message}</a>' in html.unescape(posted.text)
    assert "<title>Error: " in posted.text
    assert _record(client).answers == {}


def test_a_date__is_typed_and_shown_day_first_in_the_questionnaires_locale() -> None:
    client = _client()
    _start(client)
    n = SECTION["preferences"]
    fields = {"has_event": "yes", "event_date": IN_A_MONTH.strftime("%d/%m/%Y")}
    _post(client, n, fields)
    assert _record(client).answers["event_date"] == IN_A_MONTH.isoformat()
    page = _page(client, n).text
    assert f'value="{IN_A_MONTH.strftime("%d/%m/%Y")}"' in page
    assert (
        "Type the date as day/month/year, for example 14/03/2027 (year-month-day, such as "
        "2027-03-14, works too)." in page
    )

    # Year-month-day, as the questionnaire's help says, is read too.
    _post(
        client,
        n,
        {"has_event": "yes", "event_date": (IN_A_MONTH + dt.timedelta(days=1)).isoformat()},
    )
    assert _record(client).answers["event_date"] == (IN_A_MONTH + dt.timedelta(days=1)).isoformat()
    _post(client, n, fields)

    posted = _post(client, n, {"has_event": "yes", "event_date": "next friday"})
    assert (
        "Please type a date as day/month/year, for example 14/03/2027, or 'not sure'."
        in _errors(posted.text)
    )
    past = TODAY - dt.timedelta(days=3)
    posted = _post(client, n, {"has_event": "yes", "event_date": past.strftime("%d/%m/%Y")})
    assert f"Please type a date on or after {TODAY.strftime('%d/%m/%Y')}." in _errors(posted.text)
    # The earlier valid date is kept while the new one is refused.
    assert _record(client).answers["event_date"] == IN_A_MONTH.isoformat()


def test_none_of_these__cannot_be_ticked_with_another_choice() -> None:
    client = _client()
    _start(client)
    n = SECTION["skin_now"]
    posted = _post(client, n, {"skin_now": ["acne_breakouts", "none"]})
    assert "'None of these' cannot be combined with other options." in _errors(posted.text)
    # The boxes ticked stay ticked.
    assert re.search(r'value="acne_breakouts" checked', posted.text)
    assert re.search(r'value="none" checked', posted.text)


def test_not_sure_alone_is_an_answer_to_a_multiple_choice_but_not_with_a_choice() -> None:
    client = _client()
    _start(client)
    n = SECTION["skin_now"]
    _post(client, n, {"skin_now": ["not_sure"]})
    assert _record(client).answers["skin_now"] == "not_sure"
    posted = _post(client, n, {"skin_now": ["acne_breakouts", "not_sure"]})
    assert (
        "'Not sure' and 'Prefer not to say' are answers on their own: choose them alone."
        in _errors(posted.text)
    )


def test_a_typed_answer_and_not_sure_together__are_one_answer_too_many() -> None:
    client = _client()
    _start(client)
    posted = _post(client, 1, {"age": "40", "age.special": "not_sure"})
    assert _errors(posted.text) == [
        "Please give one answer: either type it, or tick 'Not sure' or 'Prefer not to say', not both."
    ]
    assert _post(client, 1, {"age.special": "prefer_not_to_say"}).status_code == 303
    assert _record(client).answers == {"age": "prefer_not_to_say"}
    page = _page(client, 1).text
    assert re.search(
        r'name="age.special" id="f-age-prefer_not_to_say" value="prefer_not_to_say" checked', page
    )


def test_valid_answers_on_a_page_with_an_error__are_kept() -> None:
    client = _client()
    _start(client)
    posted = _post(client, SECTION["pregnancy"], {"pregnant": "no", "trying_to_conceive": "no"})
    assert posted.status_code == 422
    assert _errors(posted.text) == ["This question needs an answer."]
    assert _record(client).answers == {"pregnant": "no", "trying_to_conceive": "no"}
    assert re.search(r'name="pregnant" id="f-pregnant-2" value="no" checked', posted.text)


def test_every_answer_problem_a_form_can_meet__has_a_plain_wording() -> None:
    from suitability._messages import CATALOGUE

    codes = [
        "expected_yes_no", "expected_choice", "expected_choices", "not_a_list", "expected_number",
        "expected_date", "expected_date_typed", "no_such_date", "expected_text", "too_long",
        "date_too_early", "date_too_late", "not_offered", "not_a_choice", "alone_in_list",
        "chosen_twice", "exclusive_combined", "missing_answer", "answer_or_special",
        "form_repeated", "form_unknown_field", "csrf_missing", "screening_no_session",
    ]  # fmt: skip
    for code in codes:
        assert CATALOGUE[code].plain, code
        assert "expected" not in CATALOGUE[code].plain, code


# --------------------------------------------------------------------------- navigation


def test_back__saves_the_page_without_requiring_it_complete_and_goes_to_the_previous_page() -> None:
    client = _client()
    _start(client)
    _post(client, 1, {"age": "34"})
    back = _post(client, 2, {"goals": ["volume"]}, action="back")
    assert back.headers["location"] == "/screening/section/1"
    assert _record(client).answers == {"age": 34, "goals": ["volume"]}
    back = _post(client, SECTION["pregnancy"], {"pregnant": "yes"}, action="back")
    assert back.headers["location"] == "/screening/section/2"
    # A first page has no Back.
    assert 'value="back"' not in _page(client, 1).text
    assert 'value="back"' in _page(client, 2).text


def test_back_with_an_answer_that_cannot_be_read__stays_to_show_it() -> None:
    client = _client()
    _start(client)
    _post(client, 1, {"age": "34"})
    posted = _post(client, SECTION["preferences"], {"downtime_days": "a week"}, action="back")
    assert posted.status_code == 422
    assert _errors(posted.text) == ["Please type a whole number from 0 to 60 days, for example 7."]


def test_after_a_change_from_the_review__the_next_page_is_the_review() -> None:
    client = _client()
    _answer_all(client, ANSWERS)
    changed = _post(client, 1, {"age": "35"})
    assert changed.headers["location"] == "/screening/review"
    # With JavaScript off, a change that reveals a question on the same page asks for it there.
    procedures = {k: ANSWERS[k] for k in ("areas", "implants", "recent_facial_surgery")}
    changed = _post(client, SECTION["procedures"], {**procedures, "recent_facial_treatment": "yes"})
    assert changed.status_code == 422
    assert _errors(changed.text) == ["This question needs an answer."]
    assert 'id="e-recent_facial_treatment_days"' in changed.text


def test_a_change_that_reveals_a_question_on_a_later_page__goes_to_it_before_the_review() -> None:
    client = _client(questionnaire=questionnaire_from_data(TWO_PAGES))
    _start(client)
    assert _post(client, 1, {"smoker": "no"}).headers["location"] == "/screening/section/2"
    assert _post(client, 2, {"colour": "blue"}).headers["location"] == "/screening/review"
    changed = _post(client, 1, {"smoker": "yes"})
    assert changed.headers["location"] == "/screening/section/2"
    posted = _post(client, 2, {"colour": "blue"})
    assert _errors(posted.text) == ["This question needs an answer."]
    assert (
        _post(client, 2, {"per_day": "3", "colour": "blue"}).headers["location"]
        == "/screening/review"
    )


def test_finish_with_a_required_answer_missing__lists_it_on_the_review() -> None:
    client = _client()
    _answer_all(client, ANSWERS)
    # Skipped ahead by address: the review still needs every required answer.
    _post(client, 1, {"age.special": "not_sure"})
    shared = client.app.app.app.state.web  # type: ignore[attr-defined]
    record = _record(client)
    shared.store.save_answers(
        record.id, {k: v for k, v in record.answers.items() if k != "keloids"}
    )
    review = client.get("/screening/review")
    finished = client.post(
        "/screening/finish", data={"csrf": _csrf(review.text)}, follow_redirects=False
    )
    assert finished.status_code == 422
    assert "There is a problem" in finished.text
    assert f"{Q.by_id['keloids'].label}: This question needs an answer." in _text(finished.text)
    assert _record(client).status == "in_progress"


def test_a_page_beyond_the_questionnaire__does_not_exist() -> None:
    client = _client()
    _start(client)
    assert client.get(f"/screening/section/{len(Q.sections) + 1}").status_code == 404
    assert client.get("/screening/section/0").status_code == 404


# --------------------------------------------------------------------------- sessions and security


def test_a_post_without_its_csrf_token__is_refused() -> None:
    client = _client()
    _start(client)
    refused = client.post("/screening/section/1", data={"age": "34", "_action": "next"})
    assert refused.status_code == 403
    refused = client.post("/screening/section/1", data={"age": "34", "csrf": "x" * 43})
    assert refused.status_code == 403
    empty = {"content": b"", "headers": {"content-type": "application/x-www-form-urlencoded"}}
    assert client.post("/screening/finish", **empty).status_code == 403  # type: ignore[arg-type]
    assert client.post("/screening/start", **empty).status_code == 403  # type: ignore[arg-type]
    assert _record(client).answers == {}


def test_a_field_that_is_not_on_the_page__is_refused() -> None:
    client = _client()
    _start(client)
    refused = _post(client, 1, {"age": "34", "pregnant": "no"})
    assert refused.status_code == 400


def test_a_patient_cannot_open_another_screenings_pages() -> None:
    store = Store.in_memory()
    alice, bob = _client(store), _client(store)
    _start(alice)
    _start(bob)
    _post(alice, 1, {"age": "71"})
    assert _record(alice).id != _record(bob).id
    assert 'value="71"' not in _page(bob, 1).text
    # Bob's token cannot post to Alice's screening, nor Alice's form token to Bob's.
    alice_csrf = _csrf(_page(alice, 1).text)
    refused = bob.post("/screening/section/1", data={"csrf": alice_csrf, "age": "20"})
    assert refused.status_code == 403
    assert _record(alice).answers == {"age": 71}
    # Without a session (or with a made-up one) nothing of anyone's is shown.
    stranger = _client(store)
    for path in (
        "/screening/section/1",
        "/screening/review",
        "/screening/result",
        "/screening/handout",
    ):
        assert stranger.get(path).status_code == 403
    stranger.cookies.set(PATIENT_COOKIE, "x" * 43)
    assert stranger.get("/screening/section/1").status_code == 403


def test_starting_again__ends_the_browsers_earlier_session() -> None:
    client = _client()
    _start(client)
    first = client.cookies.get(PATIENT_COOKIE)
    _start(client)
    assert client.cookies.get(PATIENT_COOKIE) != first
    shared = client.app.app.app.state.web  # type: ignore[attr-defined]
    assert shared.store.session(first) is None


def test_no_answer_value_is_ever_in_a_url_or_a_redirect() -> None:
    client = _client()
    marker = "Zebra7431"
    seen: list[str] = []

    def note(response: Any) -> None:
        seen.append(str(response.request.url))
        seen.append(response.headers.get("location", ""))

    client.event_hooks["response"] = [note]
    review = _answer_all(client, {**ANSWERS, "age": "67", "notes": marker})
    client.post("/screening/finish", data={"csrf": _csrf(review.text)})
    client.get("/screening/handout")
    assert any("/screening/result" in url for url in seen)
    for url in seen:
        assert marker not in url and "67" not in url and "?" not in url, url


def test_pages_are_not_kept_by_the_browser_and_forms_do_not_autofill() -> None:
    client = _client()
    page = _start(client)
    assert page.headers["cache-control"] == "no-store"
    assert 'autocomplete="off"' in page.text
    assert (
        "<script>" not in page.text and " style=" not in page.text and " onclick" not in page.text
    )


# --------------------------------------------------------------------------- continuing


def test_continue_screening__binds_a_new_session_and_goes_to_the_first_page_to_answer() -> None:
    store = Store.in_memory()
    app = create_app(Settings(), store)

    async def take_up(request: Request) -> Response:
        record_id = (await request.body()).decode()
        return continue_screening(request, web(request), record_id, source="test")

    app.app.app.add_api_route("/test/continue", take_up, methods=["POST"])
    client = TestClient(app, base_url="http://127.0.0.1")
    _start(client)
    _post(client, 1, {"age": "50"})
    _post(client, 2, {"goals": ["volume"]})
    record = _record(client)
    old = client.cookies.get(PATIENT_COOKIE)
    store.mark_partial(record.id, "left")

    other = TestClient(app, base_url="http://127.0.0.1")
    moved = other.post("/test/continue", content=record.id, follow_redirects=False)
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/screening/section/{SECTION['pregnancy']}"
    assert store.get(record.id).status == "in_progress"
    assert store.session(old) is None  # the first browser can no longer write to it
    page = other.get(moved.headers["location"])
    assert page.status_code == 200
    assert 'value="back"' in page.text
    assert 'value="50"' in other.get("/screening/section/1").text
    # A finished screening cannot be continued.
    review = _answer_all(other, ANSWERS)
    other.post("/screening/finish", data={"csrf": _csrf(review.text)})
    done = _record(other).id
    assert other.post("/test/continue", content=done, follow_redirects=False).status_code == 404


def test_continue_screening_with_everything_answered__goes_to_the_review() -> None:
    store = Store.in_memory()
    app = create_app(Settings(), store)

    async def take_up(request: Request) -> Response:
        record_id = (await request.body()).decode()
        return continue_screening(request, web(request), record_id, source="test")

    app.app.app.add_api_route("/test/continue", take_up, methods=["POST"])
    client = TestClient(app, base_url="http://127.0.0.1")
    _answer_all(client, ANSWERS)
    record_id = _record(client).id
    moved = client.post("/test/continue", content=record_id, follow_redirects=False)
    assert moved.headers["location"] == "/screening/review"


@pytest.mark.parametrize("kiosk", [False, True])
def test_start__records_where_the_screening_came_from(kiosk: bool) -> None:
    client = _client(kiosk=kiosk)
    _start(client)
    assert _record(client).source == ("kiosk" if kiosk else "web")


def test_a_page_whose_questions_are_all_hidden__is_passed_over() -> None:
    data = json.loads(json.dumps(TWO_PAGES))
    colour = data["sections"][1]["questions"].pop()
    data["sections"].append({"id": "third", "title": "Third", "questions": [colour]})
    client = _client(questionnaire=questionnaire_from_data(data))
    _start(client)
    assert _post(client, 1, {"smoker": "no"}).headers["location"] == "/screening/section/3"
    passed = client.get("/screening/section/2", follow_redirects=False)
    assert passed.headers["location"] == "/screening/section/3"
    assert _post(client, 3, {"colour": "red"}, action="back").headers["location"] == (
        "/screening/section/1"
    )
    assert _post(client, 3, {"colour": "red"}).headers["location"] == "/screening/review"


def test_a_result_the_database_refuses__is_said_plainly_and_the_answers_stay() -> None:
    from suitability.errors import StorageError

    store = Store.in_memory()
    client = _client(store)
    review = _answer_all(client, ANSWERS)

    def refuse(*_args: Any) -> None:
        raise StorageError("the records database refused a write: disk I/O error")

    store.finish = refuse  # type: ignore[method-assign]
    refused = client.post("/screening/finish", data={"csrf": _csrf(review.text)})
    assert refused.status_code == 503
    assert (
        "Your answers so far are kept, but the result could not be saved just now." in refused.text
    )
    assert "disk I/O" not in refused.text
    record = _record(client)
    assert record.status == "in_progress" and record.answers["age"] == 34

"""The screening in a real Chromium: a whole screening with back, review, a change and show-if,
with JavaScript on and off; the page's show-if agreeing with the server's on every condition;
the printed handout; and axe-core on every screening page."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from typing import Any

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from suitability.questionnaire import Condition, Question, default_questionnaire

from .conftest import StartServer, assert_accessible

Q = default_questionnaire()
SECTION = {s.id: n for n, s in enumerate(Q.sections, 1)}
IN_A_MONTH = dt.date.today() + dt.timedelta(days=30)

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
    "isotretinoin": "past",
    "isotretinoin_months": "14",
    "aminoglycoside_or_relaxant": "not_sure",
    "photosensitising": "no",
    "allergies": ["none"],
    "areas": ["face", "lips"],
    "implants": ["none"],
    "recent_facial_treatment": "no",
    "recent_facial_surgery": "no",
    "needle_discomfort": "mild",
    "downtime_days": "3",
    "has_event": "yes",
    "event_date": IN_A_MONTH.strftime("%d/%m/%Y"),
    "sessions": "course_ok",
    "non_surgical": "yes",
    "notes": "Marker-Q9 <i>as typed</i>",
}


def _fill(page: Page, question: Question, value: Any) -> None:
    box = page.locator(f"#q-{question.id}")
    prompt = question.kind.prompt
    if prompt == "select":
        box.locator(f"input[value='{value}']").check()
    elif prompt == "checkbox":
        for choice in value:
            box.locator(f"input[value='{choice}']").check()
    elif value in question.special_values:
        box.locator(f"input[name='{question.id}.special'][value='{value}']").check()
    else:
        box.locator(f"#f-{question.id}").fill(value)


def _answer_section(page: Page, answers: dict[str, Any], *, javascript: bool = True) -> None:
    """Answers the questions of the section on screen that are shown, then Continue."""
    heading = page.locator("h1").inner_text()
    section = next(s for s in Q.sections if s.title == heading)
    for question in section.questions:
        box = page.locator(f"#q-{question.id}")
        if question.id in answers and box.count() and box.is_visible():
            _fill(page, question, answers[question.id])
    page.get_by_role("button", name="Continue").click()


def _start(page: Page, url: str) -> None:
    page.goto(url + "/")
    page.get_by_role("button", name="Start the screening").click()
    expect(page.locator("h1")).to_have_text(Q.sections[0].title)
    # The heading is there before the deferred script has run: wait for it too.
    page.wait_for_load_state()


def _until(page: Page, title: str, answers: dict[str, Any], *, check: bool = False) -> None:
    """Answers section after section until the page titled ``title``."""
    for _ in range(len(Q.sections) + 1):
        if page.locator("h1").inner_text() == title:
            return
        if check:
            assert_accessible(page)
        assert page.locator(".error-message").count() == 0, page.locator("main").inner_text()
        _answer_section(page, answers)
    raise AssertionError(f"never reached {title!r}")


def _through_to_review(page: Page, answers: dict[str, Any], *, check: bool = False) -> None:
    _until(page, "Check your answers", answers, check=check)
    expect(page.locator("h1")).to_have_text("Check your answers")


def test_a_whole_screening_with_back_review_a_change_and_show_if(
    server: StartServer, page: Page
) -> None:
    running = server()
    _start(page, running.url)
    assert_accessible(page)

    # An answer that cannot be read: the plain message beside the field, the summary focused.
    page.locator("#f-age").fill("fifty")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#e-age")).to_contain_text("Please type a whole number from 10 to 110")
    expect(page.locator("#f-age")).to_have_value("fifty")
    expect(page.locator("#error-summary")).to_be_focused()
    assert_accessible(page)
    page.locator("#f-age").fill("34")
    page.get_by_role("button", name="Continue").click()

    # Back from the second page keeps what was ticked.
    page.locator("#q-goals input[value='volume']").check()
    page.get_by_role("button", name="Back").click()
    expect(page.locator("h1")).to_have_text(Q.sections[0].title)
    expect(page.locator("#f-age")).to_have_value("34")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#q-goals input[value='volume']")).to_be_checked()
    page.locator("#q-goals input[value='volume']").uncheck()

    # Live show-if on the medicines page: the months question appears with "in the past".
    answers = dict(ANSWERS)
    _until(page, "Medicines and allergies", answers, check=True)
    months = page.locator("#q-isotretinoin_months")
    expect(months).to_be_hidden()
    expect(page.locator("#o-isotretinoin_months")).to_be_hidden()  # the no-script hint
    page.locator("#q-isotretinoin input[value='past']").check()
    expect(months).to_be_visible()
    page.locator("#q-isotretinoin input[value='current']").check()
    expect(months).to_be_hidden()
    page.locator("#q-isotretinoin input[value='past']").check()
    assert_accessible(page)
    _answer_section(page, answers)
    _through_to_review(page, answers, check=True)
    assert_accessible(page)
    review = page.locator("main").inner_text()
    assert Q.by_id["isotretinoin_months"].label in review
    assert "14 months" in review

    # Change the answer the months depend on: the review then leaves the months out.
    page.get_by_role(
        "link", name=f"Change your answer to “{Q.by_id['isotretinoin'].label}”"
    ).click()
    expect(page.locator("h1")).to_have_text("Medicines and allergies")
    expect(months).to_be_visible()
    expect(page.locator("#f-isotretinoin_months")).to_have_value("14")
    page.locator("#q-isotretinoin input[value='never']").check()
    expect(months).to_be_hidden()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers")
    review = page.locator("main").inner_text()
    assert Q.by_id["isotretinoin_months"].label not in review
    assert IN_A_MONTH.strftime("%d/%m/%Y") in review

    page.get_by_role("button", name="Finish and see the result").click()
    expect(page.locator("h1")).to_have_text("Your screening result")
    assert_accessible(page)
    text = page.locator("main").inner_text()
    assert text.index("Summary") < text.index("To mention to the practitioner")
    assert text.index("To mention to the practitioner") < text.index("The details")
    assert "Marker-Q9" not in page.url

    page.get_by_role("link", name="Print your notes for the consultation").click()
    expect(page.locator("h1")).to_have_text(re.compile("notes for my consultation"))
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    # The person's own words, as text: never markup.
    assert "Marker-Q9 <i>as typed</i>" in page.locator("main").inner_text()
    assert page.locator("main i").count() == 0
    assert_accessible(page)
    assert "Marker-Q9" not in running.logs()


def test_a_whole_screening_with_javascript_off(server: StartServer, page_nojs: Page) -> None:
    page = page_nojs
    running = server()
    _start(page, running.url)
    answers = dict(ANSWERS)
    _until(page, "Medicines and allergies", answers)
    # Without the script the months question is on the page, saying when it applies; typed
    # and then not applying, its answer is dropped, never checked.
    months = page.locator("#q-isotretinoin_months")
    expect(months).to_be_visible()
    expect(page.locator("#o-isotretinoin_months")).to_contain_text(
        "Answer this only if you answered “Yes, in the past”"
    )
    assert_accessible(page)
    _answer_section(page, {**answers, "isotretinoin": "never", "isotretinoin_months": "a while"})
    expect(page.locator("h1")).to_have_text("Implants and past treatments")
    page.get_by_role("button", name="Back").click()
    expect(page.locator("#f-isotretinoin_months")).to_have_value("")
    expect(page.locator("#q-isotretinoin input[value='never']")).to_be_checked()

    # Chosen "in the past" with the months left out: asked for on the same page.
    page.locator("#q-isotretinoin input[value='past']").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#e-isotretinoin_months")).to_contain_text("This question needs an answer.")
    assert_accessible(page)
    _answer_section(page, answers)
    _through_to_review(page, answers)
    assert "14 months" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Finish and see the result").click()
    expect(page.locator("h1")).to_have_text("Your screening result")
    assert_accessible(page)
    page.goto(running.url + "/screening/handout")
    assert_accessible(page)


# --------------------------------------------------------------------------- show-if agreement


def _conditions() -> list[Condition]:
    """Every condition of the shipped questionnaire and every part of each, plus one of each
    operator over its questions, so that the whole language is compared, not only the shapes
    the questionnaire happens to use."""
    found: list[Condition] = []

    def walk(cond: Condition) -> None:
        found.append(cond)
        for _, child in cond.children():
            walk(child)

    for question in Q.questions:
        if question.show_if is not None:
            walk(question.show_if)
    shipped = len(found)
    assert shipped >= 4
    made = [
        {"question": "age", "lt": 18},
        {"question": "age", "lte": 22},
        {"question": "age", "gt": 60},
        {"question": "age", "gte": 22.5},
        {"question": "age", "equals": 34},
        {"question": "age", "equals": "not_sure"},
        {"question": "age", "one_of": [18, 34, "prefer_not_to_say"]},
        {"question": "goals", "any_of": ["volume", "fine_lines"]},
        {"question": "goals", "answered": True},
        {"question": "goals", "answered": False},
        {"question": "skin_now", "equals": "not_sure"},
        {"question": "skin_type", "one_of": ["type_4", "type_5", "type_6"]},
        {"question": "downtime_days", "lte": 0},
        {"question": "event_date", "equals": IN_A_MONTH.isoformat()},
        {"question": "event_date", "lt": 3},
        {"not": {"question": "pregnant", "equals": "no"}},
        {"all": [{"question": "has_event", "equals": "yes"}, {"question": "age", "gte": 18}]},
        {"any": [{"question": "pregnant", "equals": "yes"}, {"not": {"question": "age", "answered": True}}]},
        {"all": []},
        {"any": []},
    ]  # fmt: skip
    return found + [Condition.model_validate(c) for c in made]


def _answer_sets(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """Answer sets as the server keeps them: each question unanswered, a non-answer it
    offers, or a valid answer of its kind (the bounds included)."""
    rng = random.Random(seed)
    sets = []
    for _ in range(count):
        values: dict[str, Any] = {}
        for question in Q.questions:
            roll = rng.random()
            if roll < 0.2:
                continue
            if roll < 0.35 and question.special_values:
                values[question.id] = rng.choice(question.special_values)
                continue
            prompt = question.kind.prompt
            if prompt == "select":
                values[question.id] = rng.choice(question.choice_ids)
            elif prompt == "checkbox":
                plain = [c for c in question.choice_ids if c != question.exclusive_choice]
                picked = rng.sample(plain, rng.randint(1, 3))
                values[question.id] = [c for c in question.choice_ids if c in picked]
            elif question.kind.numeric:
                assert question.min is not None and question.max is not None
                low, high = int(question.min), int(question.max)
                pick = rng.choice([low, high, 18, 22, 34, 60, rng.randint(low, high)])
                value = min(max(pick, low), high)
                values[question.id] = value if question.kind.whole else value + 0.5  # type: ignore[attr-defined]
            elif question.type == "date":
                values[question.id] = (
                    IN_A_MONTH + dt.timedelta(days=rng.choice([0, 1]))
                ).isoformat()
            else:
                values[question.id] = rng.choice(["", "some words", "not_sure"])
        sets.append(values)
    return sets


def test_the_pages_show_if_agrees_with_the_server_on_every_condition(
    server: StartServer, page: Page
) -> None:
    running = server()
    _start(page, running.url)
    conditions = _conditions()
    sets = _answer_sets(400)
    data = [c.model_dump(mode="json", by_alias=True, exclude_none=True) for c in conditions]
    page.wait_for_function("() => typeof window.suitability?.holds === 'function'")
    in_page = page.evaluate(
        "([conds, sets]) => conds.map(c => sets.map(v => window.suitability.holds(c, v)))",
        [data, sets],
    )
    expected = [[c.holds(v) for v in sets] for c in conditions]
    for cond, got, want in zip(conditions, in_page, expected, strict=True):
        assert got == want, cond
    # Every condition came out both ways on some answer set, so the comparison was not idle;
    # except those that hold always or never by design (a date is never compared as a number).
    constant = [{"all": []}, {"any": []}, {"question": "event_date", "lt": 3.0}]
    for cond, dumped, want in zip(conditions, data, expected, strict=True):
        if dumped not in constant:
            assert True in want and False in want, cond


def test_the_page_shows_each_conditional_question_exactly_when_the_server_would(
    server: StartServer, page: Page
) -> None:
    """Each shipped show-if, driven through the page's own controls with every answer its
    question can take, against Questionnaire.visible."""
    running = server()
    _start(page, running.url)
    for question in Q.questions:
        if question.show_if is None:
            continue
        section = Q.section_of[question.id]
        page.goto(f"{running.url}/screening/section/{SECTION[section.id]}")
        for read in dict.fromkeys(question.show_if.questions()):
            target = Q.by_id[read]
            box = page.locator(f"#q-{read}")
            for value in (*target.choice_ids, *target.special_values):
                box.locator(f"input[value='{value}']").check()
                shown = page.locator(f"#q-{question.id}").is_visible()
                assert shown == Q.visible(question, {read: value}), (question.id, value)


# --------------------------------------------------------------------------- the printed handout


def _finished(page: Page, url: str, answers: dict[str, Any]) -> list[str]:
    """Finishes a screening and opens its handout; returns the titles of what to mention."""
    _start(page, url)
    _through_to_review(page, answers)
    page.get_by_role("button", name="Finish and see the result").click()
    expect(page.locator("h1")).to_have_text("Your screening result")
    mention = page.locator(".flags > li > strong").all_inner_texts()
    page.goto(url + "/screening/handout")
    return mention


def _pdf_pages(page: Page, paper: str) -> list[str]:
    pdf = page.pdf(format=paper)
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join((p.extract_text() or "").split()) for p in reader.pages]


def test_the_printed_handout_has_the_summary_and_what_to_mention_on_page_one(
    server: StartServer, page: Page
) -> None:
    running = server()
    # Many things to mention: several unknown answers, a health flag and plans.
    answers = {
        **ANSWERS,
        "goals": ["fine_lines", "volume", "pigmentation_tone", "laxity"],
        "pregnant": "not_sure",
        "recent_tan": "prefer_not_to_say",
        "cold_sores": "yes",
        "otc_thinners": "not_sure",
        "needle_discomfort": "severe",
        "downtime_days": "0",
        "sessions": "one_visit",
    }
    mention = _finished(page, running.url, answers)
    assert len(mention) >= 6
    for paper in ("A4", "Letter"):
        pages = _pdf_pages(page, paper)
        assert len(pages) >= 3, paper
        first = pages[0]
        assert "Name:" in first
        assert "Summary" in first and "To mention to the practitioner" in first, paper
        for name in ("Mesotherapy", "Chemical peel", "Laser resurfacing", "Ultherapy"):
            assert name in first, (paper, name)
        # The whole list of things to mention is on page 1, its last item too.
        for title in mention:
            assert " ".join(title.split()) in first, (paper, title)
        # The notes come later, with the answers (on page 1 too when there is room).
        whole = " ".join(pages)
        assert whole.index(" ".join(mention[-1].split())) < whole.index("Marker-Q9"), paper
        assert "Page 1 of " in first, paper
        practitioner = [i for i, text in enumerate(pages) if "For the practitioner" in text]
        assert practitioner, paper
        start = pages[practitioner[0]]
        # The practitioner's section begins its own page.
        assert start.index("For the practitioner") < 40, (paper, start[:200])
        assert f"Page {len(pages)} of {len(pages)}" in pages[-1]

"""The driver loop, driven headlessly through real questionary prompts with a prompt_toolkit
pipe input: a full walk, going back, review and edit, hidden answers dropped, validation at the
prompt, and interrupts keeping every answer given so far."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from suitability import Questionnaire, assess
from suitability.screen import BACK, Interrupted, Screening

from .helpers import BASELINE
from .screen_harness import CTRL_C, DOWN, ENTER, EOF, UP, keys_for, pick, scripted


def walk(q: Questionnaire, values: dict[str, Any], *, skip: tuple[str, ...] = ()) -> list[str]:
    """Keys answering every shown question with ``values``, then submitting at the review."""
    keys: list[str] = []
    given: dict[str, Any] = {}
    for question in q.questions:
        if not q.visible(question, given) or question.id in skip:
            continue
        if question.id in values:
            keys.append(keys_for(question, values[question.id], has_history=bool(keys)))
            given[question.id] = values[question.id]
        else:
            keys.append(ENTER)  # optional text left empty
    return [*keys, ENTER]  # "Submit my answers" is the review's default


def days_ahead(days: int) -> str:
    """A date relative to today: the screening reads dates against the day it runs."""
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


PERSON = {**BASELINE, "goals": ["hydration_radiance", "fine_lines"], "isotretinoin": "past",
          "isotretinoin_months": 8, "has_event": "yes", "event_date": days_ahead(6), "notes": "hello"}  # fmt: skip


def test_full_walk__answers_every_question_and_submits(questionnaire: Questionnaire) -> None:
    said: list[str] = []
    saved: list[dict[str, Any]] = []
    with scripted(walk(questionnaire, PERSON)) as prompter:
        answers = Screening(questionnaire, prompter, said.append, on_change=saved.append).run()
    assert answers.values == {k: PERSON[k] for k in answers.values}
    assert set(answers.values) == set(PERSON)
    assert prompter.messages[0] == "[About you - question 1 of about 37]\nHow old are you?"
    assert "[Medicines and allergies - question 26 of about 38]" in prompter.messages[25]
    assert prompter.messages[-1] == "Review your answers"
    assert "\n== Your health ==" in said
    assert saved[-1] == answers.values  # every change was handed over for autosaving
    meso = assess(answers).verdicts["mesotherapy"]  # the event in 6 days is a plan, not a risk
    assert (meso.verdict, meso.fit) == ("worth_discussing", "ask_the_practitioner")


def test_back__returns_to_the_previous_question_with_its_answer_kept(
    questionnaire: Questionnaire,
) -> None:
    pregnant = questionnaire.by_id["pregnant"]
    script = [
        "40" + ENTER,
        keys_for(questionnaire.by_id["goals"], ["volume"], has_history=True),
        keys_for(pregnant, BACK, has_history=True),  # back from pregnancy to goals
        keys_for(
            questionnaire.by_id["goals"], ["volume", "laxity"], has_history=True, current=["volume"]
        ),
        keys_for(pregnant, "no", has_history=True),
        CTRL_C,
    ]
    with scripted(script) as prompter, pytest.raises(Interrupted) as stopped:
        Screening(questionnaire, prompter, lambda _t: None).run()
    # goals was asked again with its answer ticked: ticking "laxity" added to it
    assert stopped.value.values == {"age": 40, "goals": ["volume", "laxity"], "pregnant": "no"}
    assert [m.split("\n")[1] for m in prompter.messages[1:4]] == [
        "What would you like to improve? Choose all that apply.",
        "Are you pregnant, or might you be?",
        "What would you like to improve? Choose all that apply.",
    ]


def test_review_and_edit__changes_an_answer_and_drops_answers_that_became_hidden(
    questionnaire: Questionnaire,
) -> None:
    keys = walk(questionnaire, PERSON)[:-1]  # everything but the final submit
    shown = [q for q in questionnaire.questions if q.id in PERSON]
    iso_row = 1 + [q.id for q in shown].index("isotretinoin")
    keys += [
        pick(iso_row),  # review: change the isotretinoin answer ...
        keys_for(questionnaire.by_id["isotretinoin"], "never", has_history=True, current="past"),
        ENTER,  # ... then submit
    ]
    with scripted(keys) as prompter:
        answers = Screening(questionnaire, prompter, lambda _t: None).run()
    assert answers.values["isotretinoin"] == "never"
    assert "isotretinoin_months" not in answers.values  # now hidden: dropped


def test_newly_shown_question__is_asked_after_an_edit(questionnaire: Questionnaire) -> None:
    person = {**PERSON, "has_event": "no"}
    person.pop("event_date")
    keys = walk(questionnaire, person)[:-1]
    shown = [q for q in questionnaire.questions if q.id in person]
    keys += [
        pick(1 + [q.id for q in shown].index("has_event")),
        keys_for(questionnaire.by_id["has_event"], "yes", has_history=True, current="no"),
        days_ahead(70) + ENTER,  # the event date is now asked
        ENTER,
    ]
    with scripted(keys) as prompter:
        answers = Screening(questionnaire, prompter, lambda _t: None).run()
    assert answers.values["event_date"] == days_ahead(70)


def test_validation_at_the_prompt__uses_the_questionnaire_message(
    questionnaire: Questionnaire,
) -> None:
    screening = Screening(questionnaire, None, lambda _t: None)  # type: ignore[arg-type]
    captured: dict[str, Any] = {}

    class Capture:
        def text(self, message: str, default: str, validate: Any, instruction: str) -> str:
            captured["results"] = [validate(x) for x in ("abc", "5", "", "not sure", "?", "44")]
            captured["instruction"] = instruction
            return "44"

    screening.prompter = Capture()  # type: ignore[assignment]
    assert screening._ask(questionnaire.by_id["age"]) == 44
    wrong_abc, wrong_5, *rest = captured["results"]
    for message in (wrong_abc, wrong_5):  # the words on screen, never the file format's ids
        assert "from 10 to 110 years, for example 52" in message
        assert "'not sure' or 'prefer not to say'" in message
        assert "not_sure" not in message and "prefer_not_to_say" not in message
    assert rest == [
        "This question needs an answer (or 'not sure' / 'prefer not to say').",
        True,
        True,
        True,
    ]
    assert captured["instruction"] == "(years, type ? for help, 'not sure' or 'prefer not to say')"


def test_typed_validation_error__keeps_the_prompt_open_until_fixed(
    questionnaire: Questionnaire,
) -> None:
    with (
        scripted(["abc" + ENTER + "\x7f" * 3 + "33" + ENTER, CTRL_C]) as prompter,
        pytest.raises(Interrupted) as stopped,
    ):
        Screening(questionnaire, prompter, lambda _t: None).run()
    assert stopped.value.values == {"age": 33}


def test_help__is_shown_on_request(questionnaire: Questionnaire) -> None:
    said: list[str] = []
    with scripted(["?" + ENTER, "29" + ENTER, CTRL_C]) as prompter, pytest.raises(Interrupted):
        Screening(questionnaire, prompter, said.append).run()
    assert questionnaire.by_id["age"].help in said


@pytest.mark.parametrize("key", [CTRL_C, EOF])
def test_interrupt__keeps_every_answer_so_far(questionnaire: Questionnaire, key: str) -> None:
    keys = [*walk(questionnaire, PERSON)[:6], key]
    saved: list[dict[str, Any]] = []
    with scripted(keys) as prompter, pytest.raises(Interrupted) as stopped:
        Screening(questionnaire, prompter, lambda _t: None, on_change=saved.append).run()
    assert list(stopped.value.values) == [
        "age",
        "goals",
        "pregnant",
        "breastfeeding",
        "trying_to_conceive",
        "skin_now",
    ]
    assert saved[-1] == stopped.value.values


def test_resume__starts_at_the_first_unanswered_question(questionnaire: Questionnaire) -> None:
    earlier = {"age": 50, "goals": ["laxity"], "pregnant": "no"}
    with scripted([CTRL_C]) as prompter, pytest.raises(Interrupted) as stopped:
        Screening(questionnaire, prompter, lambda _t: None, values=earlier).run()
    assert prompter.messages == [
        "[Pregnancy and breastfeeding - question 4 of about 37]\nAre you breastfeeding?"
    ]
    assert stopped.value.values == earlier


def test_special_answers__offered_on_safety_questions(questionnaire: Questionnaire) -> None:
    with scripted([CTRL_C]) as prompter, pytest.raises(Interrupted):
        Screening(
            questionnaire, prompter, lambda _t: None, values={"age": 30, "goals": ["volume"]}
        ).run()
    titles = [t for t, _ in prompter.last_choices]
    assert titles[:4] == ["Yes", "No", "Not sure", "Prefer not to say"]


def test_back_several_times__steps_through_each_earlier_question_in_turn(
    questionnaire: Questionnaire,
) -> None:
    by_id = questionnaire.by_id
    skin_now = by_id["skin_now"]
    back_row = [*skin_now.choice_ids, *skin_now.special_values, BACK].index(BACK)
    keys = [
        *walk(questionnaire, PERSON)[:8],  # age ... skin_type
        keys_for(by_id["pigmentation_history"], BACK, has_history=True),
        keys_for(by_id["skin_type"], BACK, has_history=True, current="type_2"),
        keys_for(by_id["recent_tan"], BACK, has_history=True, current="no"),
        DOWN * back_row + ENTER,  # Enter on "Go back" in a tick list, nothing ticked
        ENTER,  # trying_to_conceive: its answer is the default; keep it
        CTRL_C,
    ]
    with scripted(keys) as prompter, pytest.raises(Interrupted) as stopped:
        Screening(questionnaire, prompter, lambda _t: None).run()
    asked = [m.split("\n")[1] for m in prompter.messages[8:]]
    assert asked == [
        by_id[q].label
        for q in (
            "pigmentation_history",
            "skin_type",
            "recent_tan",
            "skin_now",
            "trying_to_conceive",
            "pigmentation_history",  # then on to the first question still unanswered
        )
    ]
    firsts = ["age", "goals", "pregnant", "breastfeeding", "trying_to_conceive", "skin_now"]
    assert stopped.value.values == {k: PERSON[k] for k in [*firsts, "recent_tan", "skin_type"]}


def test_back_from_the_review__walks_back_one_question_at_a_time(
    questionnaire: Questionnaire,
) -> None:
    keys = walk(questionnaire, PERSON)[:-1]
    keys += [UP + ENTER, "<" + ENTER, CTRL_C]  # review: Back (the last row), then Back again
    with scripted(keys) as prompter, pytest.raises(Interrupted) as stopped:
        Screening(questionnaire, prompter, lambda _t: None).run()
    labels = [m.split("\n")[-1] for m in prompter.messages[-3:]]
    by_id = questionnaire.by_id
    assert labels == ["Review your answers", by_id["notes"].label, by_id["non_surgical"].label]
    assert stopped.value.values == PERSON


def test_tick_list__enter_on_help_shows_help_without_ticking(questionnaire: Questionnaire) -> None:
    goals = questionnaire.by_id["goals"]
    said: list[str] = []
    help_row = len(goals.choice_ids)
    script = ["30" + ENTER, DOWN * help_row + ENTER, CTRL_C]
    with scripted(script) as prompter, pytest.raises(Interrupted) as stopped:
        Screening(questionnaire, prompter, said.append).run()
    assert goals.help in said
    assert prompter.messages[2] == prompter.messages[1]  # the same question again
    assert stopped.value.values == {"age": 30}


def test_tick_list__empty_enter_mentions_space_and_only_the_special_answers_offered(
    questionnaire: Questionnaire,
) -> None:
    screening = Screening(questionnaire, None, lambda _t: None)  # type: ignore[arg-type]
    messages: list[Any] = []

    class Capture:
        def checkbox(self, message: str, choices: Any, checked: Any, validate: Any) -> list[Any]:
            messages.append(validate([]))
            return ["none"]

    screening.prompter = Capture()  # type: ignore[assignment]
    screening._ask(questionnaire.by_id["goals"])
    screening._ask(questionnaire.by_id["skin_now"])
    assert messages == [
        "Press Space to tick at least one option, then Enter.",
        "Press Space to tick at least one option, then Enter (or tick 'Not sure' / 'Prefer not to say').",
    ]


@pytest.mark.parametrize("at", ["goals", "pregnant"])
def test_ctrl_d_at_a_choice_prompt__stops_like_end_of_input(
    questionnaire: Questionnaire, at: str
) -> None:
    goals = keys_for(questionnaire.by_id["goals"], ["volume"], has_history=True)
    script = ["30" + ENTER] + (["\x04"] if at == "goals" else [goals, "\x04"])
    with scripted(script) as prompter, pytest.raises(Interrupted) as stopped:
        Screening(questionnaire, prompter, lambda _t: None).run()
    assert stopped.value.reason == "interrupted"
    assert prompter.messages[-1].endswith(questionnaire.by_id[at].label)


def test_text_prompt_messages__say_first_question_and_impossible_dates(
    questionnaire: Questionnaire,
) -> None:
    screening = Screening(questionnaire, None, lambda _t: None)  # type: ignore[arg-type]
    results: list[Any] = []

    class Capture:
        def text(self, message: str, default: str, validate: Any, instruction: str) -> str:
            results.append(validate("<" if "old" in message else "2027-02-30"))
            return "40" if "old" in message else "2027-02-28"

    screening.prompter = Capture()  # type: ignore[assignment]
    screening._ask(questionnaire.by_id["age"])
    screening._ask(questionnaire.by_id["event_date"])
    assert results == [
        "This is the first question.",
        "2027-02-30 is not a date that exists: check the day and the month.",
    ]


def test_date_prompt__refuses_a_past_date_for_an_upcoming_event(
    questionnaire: Questionnaire,
) -> None:
    screening = Screening(questionnaire, None, lambda _t: None, answered_on=dt.date(2026, 11, 20))  # type: ignore[arg-type]
    results: list[Any] = []

    class Capture:
        def text(self, message: str, default: str, validate: Any, instruction: str) -> str:
            results.extend([validate("2026-11-19"), validate("2026-11-20"), validate("2029-01-01")])
            return "2026-11-20"

    screening.prompter = Capture()  # type: ignore[assignment]
    assert screening._ask(questionnaire.by_id["event_date"]) == "2026-11-20"
    assert results == [
        "Please type a date on or after 2026-11-20.",
        True,
        "Please type a date on or before 2028-11-19.",
    ]


def test_review__keeps_each_answer_visible_and_lists_skipped_optional_questions(
    questionnaire: Questionnaire, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    person = {k: v for k, v in PERSON.items() if k != "notes"}
    keys = [*walk(questionnaire, person)[:-1], CTRL_C]
    with scripted(keys) as prompter, pytest.raises(Interrupted):
        Screening(questionnaire, prompter, lambda _t: None).run()
    rows = {v: t for t, v in prompter.last_choices}
    # Whole, label and answer: the prompter wraps them to the screen (issue 13).
    by_id = questionnaire.by_id
    assert rows["pigmentation_history"] == f"{by_id['pigmentation_history'].label} -> No"
    skin = by_id["skin_type"]
    assert rows["skin_type"] == f"{skin.label} -> {skin.choice_label('type_2')}"
    assert rows["notes"].endswith(" -> (no answer)")

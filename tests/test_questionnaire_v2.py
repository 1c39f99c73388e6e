"""Questionnaire 1.2.0: questions that let people say what they need to say (issue 10, section 4).

Aminoglycosides asked by medicine, recent treatments and surgery asked apart with their own
times, recovery time as a number of days, needle discomfort from none to severe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from suitability import Questionnaire, assess, default_questionnaire
from suitability.answers import (
    answers_schema,
    parse_text_answer,
    read_answers_file,
    validate_answers,
)
from suitability.cli import main
from suitability.errors import AnswersError, QuestionnaireError
from suitability.questionnaire import questionnaire_from_data
from suitability.screen import Interrupted, Screening

from .helpers import person
from .screen_harness import CTRL_C, scripted


def yaml_load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data


def fired(**changes: Any) -> set[str]:
    result = assess(person(**changes))
    return {r.rule for v in result.verdicts.values() for r in [*v.reasons, *v.fit_reasons]}


def test_versions__questionnaire_and_rule_set_are_bumped() -> None:
    assert default_questionnaire().version == "1.2.0"


# -------------------------------------------------------------------- aminoglycosides
def test_aminoglycoside_question__asks_by_medicine_with_examples_not_by_route() -> None:
    q = default_questionnaire().by_id["aminoglycoside_or_relaxant"]
    text = f"{q.label} {q.help}".lower()
    for name in ("gentamicin", "tobramycin", "amikacin", "neomycin", "streptomycin"):
        assert name in text
    assert "inhaler" in text and "any form" in text
    assert q.safety and q.type == "yes_no"
    assert "btx_interacting_meds" not in default_questionnaire().by_id


@pytest.mark.parametrize(("answer", "caution"), [("yes", True), ("no", False)])
def test_aminoglycoside_yes__keeps_its_rule_effect_on_botulinum_toxin(
    answer: str, caution: bool
) -> None:
    result = assess(person(aminoglycoside_or_relaxant=answer))
    toxin = result.verdicts["botulinum_toxin"]
    assert (toxin.verdict == "discuss_with_caution") is caution
    assert ("c_btx_interacting_meds" in {r.rule for r in toxin.reasons}) is caution


@pytest.mark.parametrize("unknown", ["not_sure", "prefer_not_to_say"])
def test_aminoglycoside_unknown__is_an_unknown_safety_answer(unknown: str) -> None:
    result = assess(person(aminoglycoside_or_relaxant=unknown))
    assert {f.id for f in result.flags} == {"c_unanswered_safety"}


# -------------------------------------------------------------- recent procedures
def test_facelift_75_days_ago__is_not_lost_when_a_peel_35_days_ago_is_also_given() -> None:
    both = fired(
        recent_facial_treatment="yes",
        recent_facial_treatment_days=35,
        recent_facial_surgery="yes",
        recent_facial_surgery_days=75,
    )
    assert "c_recent_facial_procedure" in both
    # The peel alone is past its 28-day window.
    assert "c_recent_facial_procedure" not in fired(
        recent_facial_treatment="yes", recent_facial_treatment_days=35
    )


@pytest.mark.parametrize(
    ("changes", "recent"),
    [
        ({"recent_facial_treatment": "yes", "recent_facial_treatment_days": 28}, True),
        ({"recent_facial_treatment": "yes", "recent_facial_treatment_days": 29}, False),
        ({"recent_facial_surgery": "yes", "recent_facial_surgery_days": 90}, True),
        ({"recent_facial_surgery": "yes", "recent_facial_surgery_days": 91}, False),
        ({"recent_facial_surgery": "yes", "recent_facial_surgery_days": "not_sure"}, True),
        ({"recent_facial_treatment": "yes", "recent_facial_treatment_days": None}, True),
        ({"recent_facial_treatment": "no", "recent_facial_surgery": "no"}, False),
    ],
)
def test_recent_procedure__each_kind_has_its_own_window(
    changes: dict[str, Any], recent: bool
) -> None:
    assert ("c_recent_facial_procedure" in fired(**changes)) is recent


# ------------------------------------------------------------------ recovery days
@pytest.mark.parametrize(
    ("days", "rule"),
    [
        (0, "p_downtime_lt2d"),
        (1, "p_downtime_lt2d"),
        (2, "p_downtime_2_13d"),
        (3, "p_downtime_2_13d"),  # formerly read as "up to 2 weeks" only through a band
        (13, "p_downtime_2_13d"),
        (14, None),
        (60, None),
    ],
)
def test_recovery_days__fall_in_the_reference_bands(days: int, rule: str | None) -> None:
    got = fired(downtime_days=days) & {"p_downtime_lt2d", "p_downtime_2_13d"}
    assert got == ({rule} if rule else set())


def test_recovery_days__is_a_number_of_days_up_to_60() -> None:
    q = default_questionnaire().by_id["downtime_days"]
    assert (q.type, q.min, q.max, q.safety) == ("days", 0, 60, False)


# ------------------------------------------------------------------ needles
@pytest.mark.parametrize(
    ("level", "fires"), [("none", False), ("mild", False), ("moderate", True), ("severe", True)]
)
def test_needle_discomfort__moderate_or_severe_is_a_plans_mismatch(level: str, fires: bool) -> None:
    result = assess(person(needle_discomfort=level))
    meso = result.verdicts["mesotherapy"]
    assert meso.verdict == "worth_discussing"  # plans never raise a verdict
    assert ("p_needle_fear" in {r.rule for r in meso.fit_reasons}) is fires


# ------------------------------------------------------- answers of questionnaire 1.1.0
OLD_EVE = Path(__file__).parent / "data" / "v1.1.0-eve-unsure.yaml"


def test_old_answers_file__is_read_with_a_warning_naming_both_versions() -> None:
    answers = read_answers_file(OLD_EVE, default_questionnaire())
    [note] = answers.notes
    assert note.located() == (
        "v1.1.0-eve-unsure.yaml: questionnaire_version: answers file for questionnaire 1.1.0, "
        "this is 1.2.0: 6 new questions are unanswered (areas, aminoglycoside_or_relaxant, "
        "recent_facial_treatment, recent_facial_surgery, needle_discomfort, downtime_days); "
        "answers to removed or changed questions were set aside: btx_interacting_meds, "
        "recent_procedure, needle_fear, downtime"
    )
    # Set aside, never converted into a new question's answer.
    for old in ("btx_interacting_meds", "recent_procedure", "needle_fear", "downtime"):
        assert old not in answers.values
    assert "downtime_days" not in answers.values and "needle_discomfort" not in answers.values
    # Every answer still valid is kept.
    assert answers.values["age"] == 45 and answers.values["pregnant"] == "prefer_not_to_say"
    assert answers.questionnaire_version == "1.2.0"


def test_old_answers_file__missing_safety_answers_count_as_unknown() -> None:
    data = yaml_load(OLD_EVE)
    data["answers"]["pregnant"] = "no"
    data["answers"]["bleeding_disorder"] = "no"
    data["answers"]["autoimmune"] = "no"
    data["answers"]["recent_tan"] = "no"
    data["answers"]["skin_type"] = "type_2"
    answers = validate_answers(data, default_questionnaire())
    assert answers.notes  # still an earlier version's file
    result = assess(answers)
    assert "c_unanswered_safety" in {f.id for f in result.flags}
    assert "worth_discussing" not in {v.verdict for v in result.verdicts.values()}


def test_old_answers_file__with_a_version_header_is_read_the_same_way() -> None:
    data = yaml_load(OLD_EVE)
    data["questionnaire_version"] = "1.1.0"
    del data["answers"]["downtime"]
    answers = validate_answers(data, default_questionnaire())
    assert (
        "set aside: btx_interacting_meds, recent_procedure, needle_fear" in answers.notes[0].message
    )


def test_current_answers_file__has_no_notes() -> None:
    assert validate_answers(person(), default_questionnaire()).notes == []


def test_cli_assess_of_an_old_file__warns_and_assesses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(OLD_EVE), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "warning: v1.1.0-eve-unsure.yaml: questionnaire_version: answers file for " in (
        captured.err
    )
    assert "questionnaire 1.1.0, this is 1.2.0" in captured.err
    assert json.loads(captured.out)["verdicts"]


def test_resume_of_an_old_autosave__asks_first_what_is_new(questionnaire: Questionnaire) -> None:
    resumed = read_answers_file(OLD_EVE, questionnaire)
    with scripted([CTRL_C]) as prompter, pytest.raises(Interrupted) as stopped:
        Screening(questionnaire, prompter, lambda _t: None, values=dict(resumed.values)).run()
    assert (
        "Are you taking, or have you been given in the last month, an aminoglycoside"
        in (prompter.messages[0])
    )
    assert stopped.value.values == resumed.values


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"version": "1.0.0", "new": ["agee"]},
            "earlier_versions[0].new[0]: 'agee' is not a question of this version "
            "(did you mean 'age'?)",
        ),
        (
            {"version": "1.0.0", "set_aside": ["age"]},
            "earlier_versions[0].set_aside[0]: 'age' is still a question of this version",
        ),
    ],
)
def test_earlier_versions__are_checked_located(entry: dict[str, Any], message: str) -> None:
    data: dict[str, Any] = {
        "id": "q",
        "title": "Q",
        "version": "2.0.0",
        "language": "en-GB",
        "sections": [
            {
                "id": "s",
                "title": "S",
                "questions": [{"id": "age", "type": "integer", "label": "Age"}],
            }
        ],
        "earlier_versions": [entry],
    }
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire_from_data(data)
    assert any(message in p.located() for p in caught.value.problems)


# ------------------------------------------------------------------ event dates
def test_event_date_not_sure__is_accepted_and_gives_the_unknown_date_plans_row() -> None:
    result = assess(person(has_event="yes", event_date="not_sure"))
    assert "p_event_date_unknown" in {f.id for f in result.flags}
    assert "c_unanswered_safety" not in {f.id for f in result.flags}  # a plan, not a safety gap
    assert result.verdicts["mesotherapy"].verdict == "worth_discussing"


def test_event_date_not_sure__is_in_the_json_schema() -> None:
    schema = answers_schema(default_questionnaire())
    assert "not_sure" in json.dumps(schema["properties"]["answers"]["properties"]["event_date"])


def _with_locale(locale: str) -> Questionnaire:
    data = default_questionnaire().model_dump(mode="json", by_alias=True, exclude_none=True)
    return questionnaire_from_data({**data, "locale": locale})


@pytest.mark.parametrize(
    ("locale", "typed", "read"),
    [
        ("en-GB", "14/03/2027", "2027-03-14"),
        ("en-GB", "2027-03-14", "2027-03-14"),
        ("en-US", "03/14/2027", "2027-03-14"),
        ("en-US", "2027-03-14", "2027-03-14"),
    ],
)
def test_typed_dates__are_read_in_the_questionnaires_locale(
    locale: str, typed: str, read: str
) -> None:
    q = _with_locale(locale).by_id["event_date"]
    assert parse_text_answer(q, typed) == (read, None)


@pytest.mark.parametrize(("locale", "typed"), [("en-GB", "03/14/2027"), ("en-US", "14/03/2027")])
def test_typed_dates__in_the_other_order_are_refused(locale: str, typed: str) -> None:
    value, error = parse_text_answer(_with_locale(locale).by_id["event_date"], typed)
    assert value is None and error is not None and error.location == "answers.event_date"


def test_shipped_questionnaire__reads_dates_day_first() -> None:
    assert default_questionnaire().by_id["event_date"].locale == "en-GB"


def test_answers_files_stay_iso() -> None:
    q = default_questionnaire()
    data = person(has_event="yes", event_date="14/12/2026")
    with pytest.raises(AnswersError) as caught:
        validate_answers(data, q)
    assert caught.value.problems[0].location == "answers.event_date"


# ------------------------------------------------------------------ areas
@pytest.mark.parametrize(
    ("goal", "areas", "relevant"),
    [
        ("hair_thinning", ["scalp"], True),
        ("hair_thinning", ["face"], False),
        ("hair_thinning", None, True),  # areas unknown (an earlier version's file): kept relevant
        ("cellulite", ["body", "neck"], True),
        ("cellulite", ["face", "scalp"], False),
        ("cellulite", None, True),
        ("fine_lines", ["scalp"], True),  # only the goals the reference ties to an area
    ],
)
def test_area_goals__are_relevant_only_with_their_area(
    goal: str, areas: list[str] | None, relevant: bool
) -> None:
    meso = assess(person(goals=[goal], areas=areas)).verdicts["mesotherapy"]
    assert (meso.verdict != "not_relevant") is relevant


def test_areas__are_asked_with_the_reference_areas() -> None:
    q = default_questionnaire()
    assert q.by_id["areas"].choice_ids == (
        "face", "lips", "under_eyes", "forehead", "jawline", "neck", "scalp", "body",
    )  # fmt: skip
    assert "areas you chose" in q.by_id["implants"].label

"""A malformed or foreign QuestionnaireResponse is refused with every problem located by its
FHIR path, exit 1 from the command line and never a traceback; the private wording (errors
files, HTTP bodies, logs) never holds the value given."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from suitability import AnswersError, assess, default_questionnaire
from suitability.answers import read_answers_file, validate_answers
from suitability.cli import main
from suitability.fhir import answers_from_response, response_from_answers
from suitability.fhir._codes import DAR_EXTENSION, DAR_SYSTEM

from .conftest import ROOT

Q = default_questionnaire()
EVE = read_answers_file(ROOT / "examples" / "eve-unsure.yaml", Q)
OLD_EVE = ROOT / "tests" / "data" / "v1.1.0-eve-unsure.yaml"
SPECIALS = "(or the data-absent-reason 'asked-unknown' or 'asked-declined')"


def eve(version: str = "R5", **changes: Any) -> dict[str, Any]:
    values = {**EVE.values, **changes}
    answers = validate_answers({"answered_on": "2026-11-20", "answers": values}, Q)
    return response_from_answers(answers, Q, fhir_version=version)


def text(resource: Any) -> str:
    return json.dumps(resource, indent=2, ensure_ascii=False)


def changed(edit: Callable[[dict[str, Any]], object], version: str = "R5", **values: Any) -> str:
    resource = eve(version, **values)
    edit(resource)
    return text(resource)


def question(resource: dict[str, Any], group: int, item: int) -> dict[str, Any]:
    found: dict[str, Any] = resource["item"][group]["item"][item]
    return found


def answer(resource: dict[str, Any], group: int, item: int, index: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = question(resource, group, item)["answer"][index]
    return found


def dar(code: str) -> dict[str, Any]:
    return {"valueCoding": {"system": DAR_SYSTEM, "code": code}}


@dataclass
class Case:
    name: str
    document: Callable[[], str]
    expected: list[str]  # every line, located, technical wording
    secret: str | None = None  # a value given, never in the private wording


def _notes(resource: dict[str, Any], words: str) -> None:
    resource["item"][7]["item"].append({"linkId": "notes", "answer": [{"valueString": words}]})


def _set(target: dict[str, Any], **values: Any) -> None:
    target.clear()
    target.update(values)


CASES = [
    Case(
        "wrong resourceType",
        lambda: text({"resourceType": "Patient", "id": "p1"}),
        ["resourceType: expected a QuestionnaireResponse, got resourceType 'Patient'"],
        "Patient",
    ),
    Case(
        "missing linkId",
        lambda: changed(lambda r: question(r, 2, 1).pop("linkId")),
        ["item[2].item[1]: missing required key 'linkId'"],
    ),
    Case(
        "coding of another system",
        lambda: changed(lambda r: answer(r, 1, 0, 1)["valueCoding"].update(system="urn:CANARY")),
        [
            "item[1].item[0].answer[1].valueCoding.system: expected a coding of "
            "urn:suitability:CodeSystem:facial_mesotherapy, got system 'urn:CANARY'"
        ],
        "CANARY",
    ),
    Case(
        "code outside the answer options",
        lambda: changed(lambda r: answer(r, 1, 0, 1)["valueCoding"].update(code="fine_line")),
        [
            "item[1].item[0].answer[1].valueCoding.code: 'fine_line' is not an answer option of "
            "'goals' (did you mean 'fine_lines'?); expected 'hydration_radiance', 'fine_lines', "
            "'expression_lines', 'volume', 'laxity', 'local_fat', 'cellulite', 'hair_thinning', "
            "'active_acne', 'acne_scars', 'pigmentation_tone', 'pores_texture', 'none'"
        ],
        "fine_line'",
    ),
    Case(
        "duplicated question item",
        lambda: changed(lambda r: r["item"][2]["item"].append(question(r, 2, 0))),
        ["item[2].item[3].linkId: linkId 'pregnant' is given twice (first at item[2].item[0])"],
    ),
    Case(
        "duplicated group",
        lambda: changed(lambda r: r["item"].append(r["item"][0])),
        ["item[8].linkId: linkId 'section.about_you' is given twice (first at item[0])"],
    ),
    Case(
        "a choice ticked twice",
        lambda: changed(lambda r: question(r, 1, 0)["answer"].append(answer(r, 1, 0, 0))),
        ["item[1].item[0].answer[3].valueCoding: 'hydration_radiance' is chosen twice"],
    ),
    Case(
        "not sure among choices ticked",
        lambda: changed(lambda r: question(r, 5, 5)["answer"].append(dar("asked-unknown"))),
        [
            "item[5].item[5].answer[1].valueCoding: 'asked-unknown' is an answer on its own: "
            "give it alone, not in a list"
        ],
    ),
    Case(
        "integer over FHIR's 32 bits",
        lambda: changed(lambda r: answer(r, 0, 0).update(valueInteger=10**12)),
        [
            "item[0].item[0].answer[0].valueInteger: input should be less than or equal to "
            "2147483647, got 1000000000000"
        ],
        "1000000000000",
    ),
    Case(
        "integer out of the question's bounds",
        lambda: changed(lambda r: answer(r, 0, 0).update(valueInteger=2147483647)),
        [
            "item[0].item[0].answer[0].valueInteger: expected a whole number from 10 to 110 "
            f"(years) {SPECIALS}, got 2147483647"
        ],
        "2147483647",
    ),
    Case(
        "a number with thousands of digits",
        lambda: changed(lambda r: answer(r, 0, 0).update(valueInteger=45)).replace(
            '"valueInteger": 45', '"valueInteger": ' + "9" * 5000
        ),
        ["malformed JSON: a number with too many digits to read"],
    ),
    Case(
        "text over the reader's limit",
        lambda: changed(lambda r: _notes(r, "x" * 20_000)),
        [
            "item[7].item[6].answer[0].valueString: text longer than 10,000 characters, the "
            "limit for one text"
        ],
    ),
    Case(
        "text over the question's limit",
        lambda: changed(lambda r: _notes(r, "CANARY" * 200)),
        ["item[7].item[6].answer[0].valueString: expected at most 1000 characters, got 1200"],
    ),
    Case(
        "empty text, which FHIR has no form for",
        lambda: changed(lambda r: _notes(r, "")),
        [
            "item[7].item[6].answer[0].valueString: string should match pattern "
            "'[ \\r\\n\\t\\S]+', got ''"
        ],
    ),
    Case(
        "nulls, which FHIR's JSON never has",
        lambda: changed(
            lambda r: (answer(r, 0, 0).update(valueInteger=None), r.update(authored=None))
        ),
        [
            "authored: null is not a value in FHIR JSON: leave the element out",
            "item[0].item[0].answer[0].valueInteger: null is not a value in FHIR JSON: leave "
            "the element out",
        ],
    ),
    Case(
        "a key and a linkId holding line breaks",
        lambda: changed(lambda r: question(r, 0, 0).update({"linkId": "age\n", "va\nlu": 1})),
        ["item[0].item[0]: unknown key 'va\\nlu'"],
    ),
    Case(
        "a linkId holding a line break",
        lambda: changed(lambda r: question(r, 0, 0).update(linkId="age\n")),
        ["item[0].item[0].linkId: unknown linkId 'age\\n' (did you mean 'age'?)"],
    ),
    Case(
        "lone surrogate",
        lambda: changed(lambda r: _notes(r, "SURROGATE")).replace("SURROGATE", "\\ud800"),
        [
            "item[7].item[6].answer[0].valueString: not valid text: it holds a lone surrogate "
            "(an escaped \\ud800 to \\udfff) or bytes that are not UTF-8"
        ],
    ),
    Case(
        "duplicate keys",
        lambda: changed(lambda r: None).replace(
            '"valueInteger": 45', '"valueInteger": 45, "valueInteger": 46'
        ),
        ["item[0].item[0].answer[0].valueInteger: given twice"],
    ),
    Case(
        "a date that does not exist",
        lambda: changed(lambda r: answer(r, 7, 3).update(valueDate="2026-02-30")),
        [
            "item[7].item[3].answer[0].valueDate: expected a date (YYYY-MM-DD), got '2026-02-30'",
        ],
        "2026-02-30",
    ),
    Case(
        "a partial date",
        lambda: changed(lambda r: answer(r, 7, 3).update(valueDate="2026-12")),
        [
            "item[7].item[3].answer[0].valueDate: expected a date as YYYY-MM-DD "
            "(or the data-absent-reason 'asked-unknown'), got '2026-12'"
        ],
        "2026-12",
    ),
    Case(
        "a date out of bounds",
        lambda: changed(lambda r: answer(r, 7, 3).update(valueDate="2026-11-01")),
        [
            "item[7].item[3].answer[0].valueDate: expected a date on or after 2026-11-20, "
            "got '2026-11-01'"
        ],
        "2026-11-01",
    ),
    Case(
        "authored without a day",
        lambda: changed(lambda r: r.update(authored="2026-11")),
        [
            "authored: expected a date with its day (YYYY-MM-DD, or a dateTime starting so), "
            "got '2026-11'"
        ],
        "2026-11'",
    ),
    Case(
        "wrong value[x] for a number",
        lambda: changed(lambda r: _set(answer(r, 0, 0), valueString="45")),
        [
            "item[0].item[0].answer[0].valueString: expected valueInteger (or valueCoding for a "
            "data-absent-reason), got valueString"
        ],
    ),
    Case(
        "wrong value[x] for a choice",
        lambda: changed(lambda r: _set(answer(r, 2, 1), valueBoolean=False)),
        ["item[2].item[1].answer[0].valueBoolean: expected valueCoding, got valueBoolean"],
    ),
    Case(
        "an integer given as text",
        lambda: changed(lambda r: answer(r, 0, 0).update(valueInteger="45")),
        ["item[0].item[0].answer[0].valueInteger: expected a whole number, got '45'"],
    ),
    Case(
        "an answer with no value",
        lambda: changed(lambda r: _set(answer(r, 0, 0))),
        # Without a value, an answer is valid R4 only: what R4 allows is said.
        [
            "item[0].item[0].answer[0]: an answer needs a value: valueInteger (or _valueInteger "
            "with the data-absent-reason extension)"
        ],
    ),
    Case(
        "a data-absent-reason on a question that does not offer it",
        lambda: changed(lambda r: _set(answer(r, 7, 1), **dar("asked-unknown"))),
        [
            "item[7].item[1].answer[0].valueCoding.code: the data-absent-reason 'asked-unknown' "
            "is not offered for 'downtime_days'; it offers none"
        ],
    ),
    Case(
        "not sure on a choice that does not offer it",
        lambda: changed(lambda r: _set(answer(r, 7, 0), **dar("asked-unknown"))),
        [
            "item[7].item[0].answer[0].valueCoding.code: the data-absent-reason 'asked-unknown' "
            "is not offered for 'needle_discomfort'; it offers none"
        ],
    ),
    Case(
        "another data-absent-reason code",
        lambda: changed(lambda r: _set(answer(r, 2, 1), **dar("masked"))),
        [
            "item[2].item[1].answer[0].valueCoding.code: the data-absent-reason 'masked' is "
            "not offered for 'breastfeeding'; expected 'asked-unknown' or 'asked-declined'"
        ],
        "masked",
    ),
    Case(
        "an R4 number given a coding",
        lambda: changed(
            lambda r: _set(answer(r, 6, 3), **dar("asked-unknown")),
            "R4",
            event_date="not_sure",
            recent_facial_treatment="yes",
            recent_facial_treatment_days=10,
        ),
        [
            "item[6].item[3].answer[0].valueCoding: expected valueInteger (or _valueInteger "
            "with the data-absent-reason extension), got valueCoding"
        ],
    ),
    Case(
        "an R4 extension without a data-absent-reason",
        lambda: changed(
            lambda r: answer(r, 7, 3)["_valueDate"]["extension"][0].update(url="urn:other"),
            "R4",
            event_date="not_sure",
        ),
        [
            "item[7].item[3].answer[0]._valueDate: an answer needs a value: valueDate "
            "(or _valueDate with the data-absent-reason extension)"
        ],
    ),
    Case(
        "several answers to a single choice",
        lambda: changed(lambda r: question(r, 2, 1)["answer"].append(answer(r, 2, 0))),
        ["item[2].item[1].answer[1]: 'breastfeeding' takes one answer, got 2"],
    ),
    Case(
        "a disabled item answered",
        lambda: changed(
            lambda r: r["item"][5]["item"].append(
                {"linkId": "isotretinoin_months", "answer": [{"valueInteger": 3}]}
            )
        ),
        [
            "item[5].item[6].answer[0].valueInteger: answered, but this question is not asked "
            "given the earlier answers (it is asked only when its show-if condition on "
            "'isotretinoin' holds)"
        ],
    ),
    Case(
        "another questionnaire",
        lambda: changed(
            lambda r: r.update(questionnaire="http://loinc.org/Questionnaire/CANARY|2.1")
        ),
        [
            "questionnaire: this response is for 'http://loinc.org/Questionnaire/CANARY|2.1', "
            "not questionnaire 'facial_mesotherapy' "
            "(urn:suitability:Questionnaire:facial_mesotherapy)"
        ],
        "CANARY",
    ),
    Case(
        "a canonical naming no questionnaire",
        lambda: changed(lambda r: r.update(questionnaire="urn:uuid:1234")),
        [
            "questionnaire: this response is for 'urn:uuid:1234', not questionnaire "
            "'facial_mesotherapy' (urn:suitability:Questionnaire:facial_mesotherapy)"
        ],
        "1234",
    ),
    Case(
        "an R4 response naming no questionnaire",
        lambda: changed(lambda r: r.pop("questionnaire"), "R4", event_date="not_sure"),
        [
            "questionnaire: the response must name its questionnaire, such as "
            "'urn:suitability:Questionnaire:facial_mesotherapy|<version>'"
        ],
    ),
    Case(
        "entered in error",
        lambda: changed(lambda r: r.update(status="entered-in-error")),
        ["status: this response is marked entered-in-error (recorded by mistake): it is not read"],
    ),
    Case(
        "a status FHIR does not have",
        lambda: changed(lambda r: r.update(status="CANARY")),
        ["status: expected one of 'in-progress', 'completed', 'amended', 'stopped', got 'CANARY'"],
        "CANARY",
    ),
    Case(
        "unknown linkId",
        lambda: changed(lambda r: question(r, 0, 0).update(linkId="agee")),
        ["item[0].item[0].linkId: unknown linkId 'agee' (did you mean 'age'?)"],
    ),
    Case(
        "unknown group",
        lambda: changed(lambda r: r["item"][0].update(linkId="section.about")),
        ["item[0].linkId: unknown linkId 'section.about' (did you mean 'section.about_you'?)"],
    ),
    Case(
        "a question outside its group",
        lambda: changed(lambda r: r["item"].insert(0, question(r, 0, 0)) and None),
        [
            "item[0].linkId: 'age' is a question: it belongs inside the group 'section.about_you'",
            "item[1].item[0].linkId: linkId 'age' is given twice (first at item[0])",
        ],
    ),
    Case(
        "a question in another section's group",
        lambda: changed(lambda r: r["item"][1]["item"].append(r["item"][0]["item"].pop())),
        ["item[1].item[1].linkId: 'age' belongs in the group 'section.about_you'"],
    ),
    Case(
        "a group inside a group",
        lambda: changed(lambda r: r["item"][0]["item"].append(r["item"].pop(1))),
        [
            "item[0].item[1].linkId: 'section.goals' is a section's group: it belongs at the top level"
        ],
    ),
    Case(
        "an answer on a group",
        lambda: changed(lambda r: r["item"][0].update(answer=[{"valueString": "x"}])),
        ["item[0].answer: 'section.about_you' is a group: it holds items, never an answer"],
    ),
    Case(
        "an item under a question",
        lambda: changed(lambda r: question(r, 0, 0).update(item=[{"linkId": "goals"}])),
        [
            "item[0].item[0].item[0]: 'age' is a question: the only item it may hold is its help text"
        ],
    ),
    Case(
        "items under an answer",
        lambda: changed(lambda r: answer(r, 0, 0).update(item=[{"linkId": "goals"}])),
        ["item[0].item[0].answer[0].item: no question of 'age' has items under its answers"],
    ),
    Case(
        "a help text answered",
        lambda: changed(
            lambda r: question(r, 0, 0).update(
                item=[{"linkId": "age.help", "answer": [{"valueString": "x"}]}]
            )
        ),
        [
            "item[0].item[0].item[0].answer: 'age.help' is display text: it holds no answer and no items"
        ],
    ),
    Case(
        "a modifier extension",
        lambda: changed(
            lambda r: question(r, 2, 1).update(
                modifierExtension=[{"url": "urn:negated", "valueBoolean": True}]
            )
        ),
        [
            "item[2].item[1].modifierExtension: a modifierExtension changes the meaning of what "
            "it is on, and none is understood here"
        ],
    ),
    Case(
        "an element FHIR does not have",
        lambda: changed(lambda r: question(r, 0, 0).update(valu=1)),
        ["item[0].item[0]: unknown key 'valu'"],
    ),
    Case(
        "two values in one answer",
        lambda: changed(lambda r: answer(r, 0, 0).update(valueString="CANARY")),
        ["item[0].item[0].answer[0]: Any of one field value is expected"],
        "CANARY",
    ),
]


# Less common shapes, each still located.
MORE = [
    Case(
        "a display item holding items",
        lambda: changed(
            lambda r: question(r, 0, 0).update(
                item=[{"linkId": "age.help", "item": [{"linkId": "x"}]}]
            )
        ),
        [
            "item[0].item[0].item[0].item: 'age.help' is display text: it holds no answer and no items"
        ],
    ),
    Case(
        "a data-absent-reason coding without its code",
        lambda: changed(lambda r: _set(answer(r, 2, 0), valueCoding={"system": DAR_SYSTEM})),
        ["item[2].item[0].answer[0].valueCoding: missing required key 'code'"],
    ),
    Case(
        "a choice coding without its code",
        lambda: changed(lambda r: answer(r, 2, 1)["valueCoding"].pop("code")),
        ["item[2].item[1].answer[0].valueCoding: missing required key 'code'"],
    ),
    Case(
        "an R4 extension with another data-absent-reason",
        lambda: changed(
            lambda r: answer(r, 7, 3)["_valueDate"]["extension"][0].update(valueCode="masked"),
            "R4",
            event_date="not_sure",
        ),
        [
            "item[7].item[3].answer[0]._valueDate: the data-absent-reason 'masked' is not "
            "offered for 'event_date'; expected 'asked-unknown'"
        ],
        "masked",
    ),
    Case(
        "an R4 primitive extension that is not a list",
        lambda: changed(
            lambda r: answer(r, 7, 3)["_valueDate"].update(extension="CANARY"),
            "R4",
            event_date="not_sure",
        ),
        ["item[7].item[3].answer[0]._valueDate.extension: expected a list, got 'CANARY'"],
        "CANARY",
    ),
]


def _refused(document: str, tmp_path: Path) -> AnswersError:
    path = tmp_path / "qr.json"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(AnswersError) as caught:
        read_answers_file(path, Q)
    return caught.value


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_malformed_response__every_problem_located_by_its_fhir_path(
    case: Case, tmp_path: Path
) -> None:
    error = _refused(case.document(), tmp_path)
    lines = [p.located() for p in error.problems]
    if case.name == "two values in one answer":  # the model library's own words, in full
        assert len(lines) == 1 and lines[0].startswith(f"qr.json: {case.expected[0]}")
    else:
        assert lines == [f"qr.json: {line}" for line in case.expected]
    for found in error.problems:
        private = found.located(values=False)
        assert private.startswith("qr.json: ")
        if case.secret is not None:
            assert case.secret not in private, private
            assert case.secret not in found.text(plain=True)


@pytest.mark.parametrize("case", CASES + MORE, ids=lambda c: c.name)
def test_malformed_response__exit_1_from_validate_and_assess_without_traceback(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "qr.json"
    path.write_text(case.document(), encoding="utf-8")
    for argv in (["validate", str(path)], ["assess", str(path), "--format", "json"]):
        assert main(argv) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert f"error: qr.json: {case.expected[0]}" in captured.err
        assert "Traceback" not in captured.err


def test_malformed_response__in_a_real_process_exit_1_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "qr.json"
    path.write_text(CASES[2].document(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "suitability", "assess", str(path)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: qr.json: {CASES[2].expected[0]}")
    assert "Traceback" not in result.stderr


def test_malformed_response__problems_are_capped_like_an_answers_file(tmp_path: Path) -> None:
    resource = eve()
    resource["item"][0]["item"] += [{"linkId": f"x{i}"} for i in range(30)]
    error = _refused(text(resource), tmp_path)
    assert len(error.problems) == 21
    assert error.problems[-1].located() == "qr.json: ... and 10 more problems"
    assert str(error).startswith("qr.json: 30 problems in the response")


def test_response__not_a_mapping_is_refused() -> None:
    with pytest.raises(AnswersError) as caught:
        answers_from_response([1, 2], Q)
    assert [p.located() for p in caught.value.problems] == ["expected a FHIR resource, got [1, 2]"]


# --------------------------------------------------------------------------- what is accepted


def test_response__display_items_and_text_are_read_as_nothing() -> None:
    resource = eve()
    question(resource, 0, 0)["item"] = [{"linkId": "age.help", "text": "Some treatments..."}]
    resource["item"][7]["item"].insert(0, {"linkId": "section.preferences.intro"})
    question(resource, 2, 1)["text"] = "Changed wording"
    assert answers_from_response(resource, Q).values == EVE.values


def test_response__an_unanswered_question_item_is_no_answer() -> None:
    resource = eve()
    del question(resource, 7, 4)["answer"]  # sessions
    back = answers_from_response(resource, Q)
    assert "sessions" not in back.values
    assert back.values == {k: v for k, v in EVE.values.items() if k != "sessions"}


def test_response__authored_as_a_datetime_is_the_day_written() -> None:
    resource = eve()
    resource["authored"] = "2026-11-20T23:30:00-05:00"
    assert answers_from_response(resource, Q).answered_on == EVE.answered_on


def test_response__without_a_version_is_read_as_an_answers_file_without_one() -> None:
    resource = eve()
    resource["questionnaire"] = "Questionnaire/facial_mesotherapy"
    for group in resource["item"]:
        for item in group["item"]:
            for value in item["answer"]:
                coding = value.get("valueCoding", {})
                if coding.get("system", "").startswith("urn:suitability"):
                    coding["system"] = "CodeSystem/facial_mesotherapy"
    back = answers_from_response(resource, Q)
    assert back.values == EVE.values and back.notes == []


def test_response__r4_not_sure_on_a_date_reads_as_not_sure() -> None:
    resource = eve("R4", event_date="not_sure")
    assert answers_from_response(resource, Q).values["event_date"] == "not_sure"
    resource["item"][7]["item"][3]["answer"][0] = {
        "_valueDate": {"extension": [{"url": DAR_EXTENSION, "valueCode": "asked-declined"}]}
    }
    with pytest.raises(AnswersError) as caught:
        answers_from_response(resource, Q, source="qr.json")
    assert [p.located() for p in caught.value.problems] == [
        "qr.json: item[7].item[3].answer[0]._valueDate: the data-absent-reason "
        "'asked-declined' is not offered for 'event_date'; expected 'asked-unknown'"
    ]


# --------------------------------------------------------------------------- an earlier version


def _old_eve_response() -> dict[str, Any]:
    """Eve's answers to questionnaire 1.1.0 as a response: its set-aside questions among the
    groups, as a form of that version would have sent them."""
    old = read_answers_file(OLD_EVE, Q)  # what is kept of them
    resource = response_from_answers(old, Q)
    resource["questionnaire"] = "urn:suitability:Questionnaire:facial_mesotherapy|1.1.0"
    code = "urn:suitability:CodeSystem:facial_mesotherapy"
    medicines = resource["item"][5]["item"]
    medicines.append({"linkId": "btx_interacting_meds", "answer": [{"valueCoding": {"system": code, "code": "no"}}]})  # fmt: skip
    preferences = resource["item"][-1]["item"]
    for link, value in (("recent_procedure", "none"), ("needle_fear", "no"), ("downtime", "under_2_days")):  # fmt: skip
        preferences.append({"linkId": link, "answer": [{"valueCoding": {"system": code, "code": value}}]})  # fmt: skip
    return resource


def test_earlier_version__is_read_as_its_answers_file_with_a_note_naming_both_versions() -> None:
    back = answers_from_response(_old_eve_response(), Q, source="qr.json")
    old = read_answers_file(OLD_EVE, Q)
    assert back.values == old.values
    assert assess(back, Q).to_json() == assess(old, Q).to_json()
    assert [n.located() for n in back.notes] == [
        "qr.json: questionnaire: a response to version 1.1.0 of the questionnaire, this is "
        "version 1.2.0: 6 new questions are unanswered (areas, aminoglycoside_or_relaxant, "
        "recent_facial_treatment, recent_facial_surgery, needle_discomfort, downtime_days); "
        "answers to removed or "
        "changed questions were set aside: btx_interacting_meds, recent_procedure, "
        "needle_fear, downtime"
    ]


def test_earlier_version__warned_by_validate_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old-qr.json"
    path.write_text(text(_old_eve_response()), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith(
        "warning: old-qr.json: questionnaire: a response to version 1.1.0 of the "
        "questionnaire, this is version 1.2.0: "
    )
    assert captured.out == f"{path}: ok - 31 answers to 'facial_mesotherapy'\n"


def test_earlier_version__set_aside_questions_are_unknown_in_a_current_response(
    tmp_path: Path,
) -> None:
    resource = _old_eve_response()
    resource["questionnaire"] = "urn:suitability:Questionnaire:facial_mesotherapy|1.2.0"
    error = _refused(text(resource), tmp_path)
    assert error.problems[0].located() == (
        "qr.json: item[5].item[5].linkId: unknown linkId 'btx_interacting_meds'"
    )


# --------------------------------------------------------------------------- more paths


def test_response__without_authored_has_no_day_of_answering() -> None:
    resource = eve()
    del resource["authored"]
    resource["item"][7]["item"].pop(3)  # event_date: its bounds count from the day of answering
    back = answers_from_response(resource, Q)
    assert back.answered_on is None
    assert "event_date" not in back.values


def test_response__unknown_fhir_version_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown FHIR version 'R3'"):
        response_from_answers(EVE, Q, fhir_version="R3")  # type: ignore[arg-type]


@pytest.mark.parametrize("case", MORE, ids=lambda c: c.name)
def test_malformed_response__more_problems_located(case: Case, tmp_path: Path) -> None:
    error = _refused(case.document(), tmp_path)
    assert [p.located() for p in error.problems] == [f"qr.json: {line}" for line in case.expected]
    if case.secret is not None:
        assert all(case.secret not in p.located(values=False) for p in error.problems)


def test_earlier_version__set_aside_questions_may_stand_outside_the_groups() -> None:
    resource = _old_eve_response()
    moved = resource["item"][5]["item"].pop()  # btx_interacting_meds
    resource["item"].append(moved)
    back = answers_from_response(resource, Q)
    assert back.values == read_answers_file(OLD_EVE, Q).values
    assert "btx_interacting_meds" in back.notes[0].located()


# --------------------------------------------------------------------------- another questionnaire


def _measures(count: int = 25) -> Any:
    from suitability.questionnaire import questionnaire_from_data

    return questionnaire_from_data(
        {
            "id": "measures",
            "title": "Measures",
            "version": "2.0",
            "language": "en",
            "sections": [
                {
                    "id": "body",
                    "title": "Body",
                    "questions": [
                        {"id": "height", "type": "decimal", "label": "Height", "min": 0.5,
                         "max": 2.5, "unit": "m", "safety": True},
                        *({"id": f"n{i}", "type": "integer", "label": f"N{i}", "min": 0, "max": 9}
                          for i in range(count)),
                    ],
                }
            ],
        }
    )  # fmt: skip


@pytest.mark.parametrize("version", ["R5", "R4"])
def test_decimals__go_out_and_come_back_as_the_same_number(version: str) -> None:
    from fhir.resources.questionnaireresponse import QuestionnaireResponse as R5
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as R4B

    measures = _measures(1)
    for value in (1.75, 2, "not_sure"):
        answers = validate_answers({"height": value, "n0": 3}, measures)
        resource = response_from_answers(answers, measures, fhir_version=version)  # type: ignore[arg-type]
        (R5 if version == "R5" else R4B).model_validate(resource)
        assert answers_from_response(json.loads(text(resource)), measures).values == answers.values
    resource["item"][0]["item"][0]["answer"] = [{"valueDecimal": "1.75"}]
    with pytest.raises(AnswersError) as caught:
        answers_from_response(resource, measures)
    assert [p.located() for p in caught.value.problems] == [
        "item[0].item[0].answer[0].valueDecimal: expected a number, got '1.75'"
    ]


def test_many_problems__are_counted_once_whoever_found_them() -> None:
    measures = _measures()
    answers = validate_answers({f"n{i}": 1 for i in range(25)}, measures)
    resource = response_from_answers(answers, measures)
    for item in resource["item"][0]["item"]:
        item["answer"] = [{"valueInteger": 99}]  # 25 out of bounds, found by validate_answers
    resource["item"][0]["item"] += [{"linkId": f"x{i}"} for i in range(5)]  # 5 found here
    with pytest.raises(AnswersError) as caught:
        answers_from_response(resource, measures, source="qr.json")
    found = caught.value.problems
    assert len(found) == 21
    assert found[0].located() == "qr.json: item[0].item[25].linkId: unknown linkId 'x0'"
    assert found[-1].located() == "qr.json: ... and 10 more problems"
    assert str(caught.value).startswith("qr.json: 30 problems in the response")

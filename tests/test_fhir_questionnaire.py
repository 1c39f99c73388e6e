"""Issue 12, section 1: the questionnaire as a FHIR ``Questionnaire``, validated by the FHIR
model library (fhir.resources: R5 models, and R4B's standing in for R4), its mapping, and
``suitability fhir questionnaire``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.questionnaire import Questionnaire as R5Questionnaire
from fhir.resources.R4B.questionnaire import Questionnaire as R4Questionnaire

from suitability import Questionnaire, default_questionnaire
from suitability.cli import main
from suitability.fhir import dumps
from suitability.fhir._codes import (
    CONTENT_HASH_SYSTEM,
    DAR_SYSTEM,
    EXT_ENABLE_WHEN_EXPRESSION,
    EXT_ENTRY_FORMAT,
    EXT_ITEM_CONTROL,
    EXT_MAX_VALUE,
    EXT_MIN_VALUE,
    EXT_OPTION_EXCLUSIVE,
    EXT_SAFETY,
    EXT_UNIT,
    UCUM,
    FhirVersion,
)
from suitability.fhir.questionnaire import enable_when, questionnaire_resource

from .fhir_forms import made_up

SHIPPED = default_questionnaire()
MADE_UP = made_up()
MODELS = {"R5": R5Questionnaire, "R4": R4Questionnaire}
VERSIONS: tuple[FhirVersion, ...] = ("R5", "R4")

# Code values the model library does not check (it takes a status "bogus"), from the FHIR
# specification's value sets: checked here instead.
ITEM_TYPES = {
    "R5": {"group", "display", "question", "boolean", "decimal", "integer", "date", "dateTime",
           "time", "string", "text", "url", "coding", "attachment", "reference", "quantity"},
    "R4": {"group", "display", "question", "boolean", "decimal", "integer", "date", "dateTime",
           "time", "string", "text", "url", "choice", "open-choice", "attachment", "reference",
           "quantity"},
}  # fmt: skip
OPERATORS = {"exists", "=", "!=", ">", "<", ">=", "<="}


def items(resource: dict[str, Any]) -> Iterator[dict[str, Any]]:
    def walk(children: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for item in children:
            yield item
            yield from walk(item.get("item", []))

    return walk(resource["item"])


def item(resource: dict[str, Any], link_id: str) -> dict[str, Any]:
    return next(i for i in items(resource) if i["linkId"] == link_id)


def extension(element: dict[str, Any], url: str) -> dict[str, Any] | None:
    found = [e for e in element.get("extension", []) if e["url"] == url]
    assert len(found) <= 1
    return found[0] if found else None


# ------------------------------------------------------------------ validated by fhir.resources
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("questionnaire", [SHIPPED, MADE_UP], ids=["shipped", "made_up"])
@pytest.mark.parametrize("base", ["urn:suitability", "https://clinic.example/fhir/"])
def test_the_fhir_model_library_validates_it(
    questionnaire: Questionnaire, version: FhirVersion, base: str
) -> None:
    resource = questionnaire_resource(questionnaire, fhir_version=version, base=base)
    model = MODELS[version].model_validate(resource)
    assert model.get_resource_type() == "Questionnaire"
    # What the library read back is what was written (nothing dropped as unknown).
    assert json.loads(model.model_dump_json(by_alias=True, exclude_none=True)) == resource


@pytest.mark.parametrize("version", VERSIONS)
def test_codes_the_library_does_not_check_are_fhir_codes(version: FhirVersion) -> None:
    resource = questionnaire_resource(MADE_UP, fhir_version=version)
    assert resource["status"] == "active"
    for it in items(resource):
        assert it["type"] in ITEM_TYPES[version]
        for when in it.get("enableWhen", []):
            assert when["operator"] in OPERATORS
        assert it.get("enableBehavior", "all") in ("all", "any")
        if "answerConstraint" in it:
            assert version == "R5"
            assert it["answerConstraint"] == "optionsOrType"
        # que-6 (display items are not required), que-12 (behaviour with several conditions)
        if it["type"] == "display":
            assert "required" not in it
            assert "item" not in it
        if len(it.get("enableWhen", [])) > 1:
            assert "enableBehavior" in it


def test_the_same_questionnaire_prints_the_same_text() -> None:
    first = dumps(questionnaire_resource(SHIPPED))
    assert first == dumps(questionnaire_resource(default_questionnaire()))
    assert list(json.loads(first)) == [
        "resourceType", "id", "language", "url", "identifier", "version", "name", "title",
        "status", "description", "item",
    ]  # fmt: skip


# ------------------------------------------------------------------ the mapping
def test_identity__canonical_url_version_and_content_hash() -> None:
    resource = questionnaire_resource(SHIPPED)
    assert resource["url"] == "urn:suitability:Questionnaire:facial_mesotherapy"
    assert resource["version"] == SHIPPED.version == "1.2.0"
    assert resource["identifier"] == [
        {"system": CONTENT_HASH_SYSTEM, "value": SHIPPED.content_hash}
    ]
    assert resource["id"] == "facial-mesotherapy"  # a FHIR id has no underscore
    assert resource["name"] == "FacialMesotherapy"
    assert resource["title"] == SHIPPED.title
    assert resource["language"] == "en-GB"
    assert resource["description"] == SHIPPED.intro


def test_a_clinic_base_moves_the_url_and_the_code_system() -> None:
    resource = questionnaire_resource(SHIPPED, base="https://clinic.example/fhir")
    assert resource["url"] == "https://clinic.example/fhir/Questionnaire/facial_mesotherapy"
    goals = item(resource, "goals")
    assert {o["valueCoding"]["system"] for o in goals["answerOption"]} == {
        "https://clinic.example/fhir/CodeSystem/facial_mesotherapy"
    }
    # The project's own extensions describe the product, not the clinic: they stay put.
    assert extension(item(resource, "age"), EXT_SAFETY) is not None


def test_sections_are_groups_with_their_intro_as_a_display_item() -> None:
    resource = questionnaire_resource(SHIPPED)
    assert [g["linkId"] for g in resource["item"]] == [f"section.{s.id}" for s in SHIPPED.sections]
    pregnancy = item(resource, "section.pregnancy")
    assert pregnancy["type"] == "group"
    assert pregnancy["text"] == "Pregnancy and breastfeeding"
    assert pregnancy["item"][0] == {
        "linkId": "section.pregnancy.intro",
        "text": "We ask everyone these questions, whatever their sex or gender.",
        "type": "display",
    }
    assert [i["linkId"] for i in pregnancy["item"][1:]] == [
        "pregnant", "breastfeeding", "trying_to_conceive",
    ]  # fmt: skip
    # A section with no intro starts with its first question.
    assert item(resource, "section.about_you")["item"][0]["linkId"] == "age"


@pytest.mark.parametrize(
    ("qid", "r5", "r4"),
    [
        ("yn", "coding", "choice"),
        ("single", "coding", "choice"),
        ("multi", "coding", "choice"),
        ("num", "integer", "integer"),
        ("days", "integer", "integer"),
        ("dec", "decimal", "decimal"),
        ("when", "date", "date"),
        ("note", "text", "text"),
    ],
)
def test_each_question_type_has_its_fhir_item_type(qid: str, r5: str, r4: str) -> None:
    assert item(questionnaire_resource(MADE_UP), qid)["type"] == r5
    assert item(questionnaire_resource(MADE_UP, fhir_version="R4"), qid)["type"] == r4


def test_choices_are_answer_options_in_the_questionnaires_code_system() -> None:
    system = "urn:suitability:CodeSystem:made_up"
    single = item(questionnaire_resource(MADE_UP), "single")
    assert single["answerOption"] == [
        {"valueCoding": {"system": system, "code": "a", "display": "A"}},
        {"valueCoding": {"system": system, "code": "b", "display": "B"}},
        {"valueCoding": {"system": system, "code": "c", "display": "C"}},
    ]
    assert "repeats" not in single
    assert single["required"] is False
    yes_no = item(questionnaire_resource(SHIPPED), "pregnant")
    codes = [o["valueCoding"]["code"] for o in yes_no["answerOption"]]
    assert codes == ["yes", "no", "asked-unknown", "asked-declined"]
    assert yes_no["required"] is True


@pytest.mark.parametrize("version", VERSIONS)
def test_multiple_choice_repeats_and_its_exclusive_options_say_so(version: FhirVersion) -> None:
    multi = item(questionnaire_resource(MADE_UP, fhir_version=version), "multi")
    assert multi["repeats"] is True
    exclusive = {
        o["valueCoding"]["code"]: extension(o, EXT_OPTION_EXCLUSIVE) is not None
        for o in multi["answerOption"]
    }
    assert exclusive == {
        "x": False,
        "y": False,
        "none": True,
        "asked-unknown": True,
        "asked-declined": True,
    }
    assert extension(multi["answerOption"][2], EXT_OPTION_EXCLUSIVE) == {
        "url": EXT_OPTION_EXCLUSIVE,
        "valueBoolean": True,
    }


@pytest.mark.parametrize("version", VERSIONS)
def test_not_sure_and_prefer_not_to_say_on_a_choice_are_data_absent_reasons(
    version: FhirVersion,
) -> None:
    yn = item(questionnaire_resource(MADE_UP, fhir_version=version), "yn")
    assert yn["answerOption"][2:] == [
        {"valueCoding": {"system": DAR_SYSTEM, "code": "asked-unknown", "display": "Asked But Unknown"}},
        {"valueCoding": {"system": DAR_SYSTEM, "code": "asked-declined", "display": "Asked But Declined"}},
    ]  # fmt: skip
    # A choice question that offers neither has none.
    single = item(questionnaire_resource(MADE_UP, fhir_version=version), "single")
    assert all(o["valueCoding"]["system"] != DAR_SYSTEM for o in single["answerOption"])


def test_r5_numbers_and_dates_take_a_value_or_a_data_absent_reason() -> None:
    resource = questionnaire_resource(MADE_UP)
    num = item(resource, "num")
    assert num["answerConstraint"] == "optionsOrType"
    assert [o["valueCoding"]["code"] for o in num["answerOption"]] == [
        "asked-unknown", "asked-declined",
    ]  # fmt: skip
    when = item(resource, "when")  # not_sure only
    assert when["answerConstraint"] == "optionsOrType"
    assert [o["valueCoding"]["code"] for o in when["answerOption"]] == ["asked-unknown"]
    # No exclusive mark on a single answer.
    assert all("extension" not in o for o in num["answerOption"])
    # A number that offers neither is a plain integer item.
    days = item(resource, "days")
    assert "answerConstraint" not in days
    assert "answerOption" not in days


def test_r4_numbers_and_dates_carry_no_options() -> None:
    resource = questionnaire_resource(MADE_UP, fhir_version="R4")
    for qid in ("num", "dec", "when", "days"):
        assert "answerOption" not in item(resource, qid)
        assert "answerConstraint" not in item(resource, qid)


def test_bounds_and_units_use_the_standard_extensions() -> None:
    resource = questionnaire_resource(MADE_UP)
    num = item(resource, "num")
    assert extension(num, EXT_MIN_VALUE) == {"url": EXT_MIN_VALUE, "valueInteger": 0}
    assert extension(num, EXT_MAX_VALUE) == {"url": EXT_MAX_VALUE, "valueInteger": 100}
    assert extension(num, EXT_UNIT) == {
        "url": EXT_UNIT,
        "valueCoding": {"system": UCUM, "code": "a", "display": "years"},
    }
    dec = item(resource, "dec")
    assert extension(dec, EXT_MAX_VALUE) == {"url": EXT_MAX_VALUE, "valueDecimal": 10.0}
    # A unit that is not one of the UCUM units the mapping knows travels as its words only.
    assert extension(dec, EXT_UNIT) == {"url": EXT_UNIT, "valueCoding": {"display": "mg/dL"}}
    days = item(questionnaire_resource(SHIPPED), "recent_facial_treatment_days")
    assert extension(days, EXT_UNIT)["valueCoding"]["code"] == "d"  # type: ignore[index]
    assert extension(days, EXT_MAX_VALUE) == {"url": EXT_MAX_VALUE, "valueInteger": 92}
    # Date bounds count from the day of answering: no fixed date can say them.
    when = item(resource, "when")
    assert extension(when, EXT_MIN_VALUE) is None
    assert extension(when, EXT_MAX_VALUE) is None


def test_an_example_answer_is_the_standard_entry_format_hint() -> None:
    resource = questionnaire_resource(SHIPPED)
    with_example = [q for q in SHIPPED.questions if q.example is not None]
    assert with_example  # the shipped questionnaire gives examples (the age's is 52)
    for q in with_example:
        assert extension(item(resource, q.id), EXT_ENTRY_FORMAT) == {
            "url": EXT_ENTRY_FORMAT,
            "valueString": f"for example {q.example}",
        }
    assert extension(item(resource, "age"), EXT_ENTRY_FORMAT)["valueString"] == (  # type: ignore[index]
        "for example 52"
    )
    assert MADE_UP.by_id["num"].example is None  # none given: no hint
    assert extension(item(questionnaire_resource(MADE_UP), "num"), EXT_ENTRY_FORMAT) is None


def test_text_has_its_maximum_length() -> None:
    note = item(questionnaire_resource(MADE_UP), "note")
    assert note["maxLength"] == 200
    assert "answerOption" not in note


def test_help_is_a_help_display_item() -> None:
    age = item(questionnaire_resource(SHIPPED), "age")
    assert age["item"] == [
        {
            "extension": [
                {
                    "url": EXT_ITEM_CONTROL,
                    "valueCodeableConcept": {
                        "coding": [
                            {
                                "system": "http://hl7.org/fhir/questionnaire-item-control",
                                "code": "help",
                                "display": "Help-Button",
                            }
                        ],
                        "text": "Help-Button",
                    },
                }
            ],
            "linkId": "age.help",
            "text": SHIPPED.question("age").help,
            "type": "display",
        }
    ]
    assert "item" not in item(questionnaire_resource(SHIPPED), "breastfeeding")


def test_the_safety_mark_is_the_projects_extension_on_safety_questions_only() -> None:
    resource = questionnaire_resource(SHIPPED)
    for q in SHIPPED.questions:
        found = extension(item(resource, q.id), EXT_SAFETY)
        assert found == ({"url": EXT_SAFETY, "valueBoolean": True} if q.safety else None), q.id


# ------------------------------------------------------------------ show-if
def _shown(qid: str, version: FhirVersion = "R5") -> dict[str, Any]:
    it = item(questionnaire_resource(MADE_UP, fhir_version=version), qid)
    out = {k: it[k] for k in ("enableWhen", "enableBehavior") if k in it}
    found = extension(it, EXT_ENABLE_WHEN_EXPRESSION)
    if found is not None:
        assert found["valueExpression"]["language"] == "text/fhirpath"
        out["expression"] = found["valueExpression"]["expression"]
    return out


def test_show_if_on_the_shipped_questionnaire_is_enable_when() -> None:
    event = item(questionnaire_resource(SHIPPED), "event_date")
    assert event["enableWhen"] == [
        {
            "question": "has_event",
            "operator": "=",
            "answerCoding": {
                "system": "urn:suitability:CodeSystem:facial_mesotherapy",
                "code": "yes",
                "display": "Yes",
            },
        }
    ]
    assert "enableBehavior" not in event
    assert extension(event, EXT_ENABLE_WHEN_EXPRESSION) is None


def test_one_of_and_any_of_are_several_equals_with_behaviour_any() -> None:
    shown = _shown("c_any_of")
    assert [(w["operator"], w["answerCoding"]["code"]) for w in shown["enableWhen"]] == [
        ("=", "x"), ("=", "y"),
    ]  # fmt: skip
    assert shown["enableBehavior"] == "any"
    assert [w["answerCoding"]["code"] for w in _shown("c_one_of")["enableWhen"]] == ["a", "b"]


def test_comparisons_keep_their_meaning_on_whole_numbers() -> None:
    # lt 17.5 on a whole number is < 18; gt 60.5 is > 60.
    assert _shown("c_lt")["enableWhen"] == [
        {"question": "num", "operator": "<", "answerInteger": 18}
    ]
    assert _shown("c_gt")["enableWhen"] == [
        {"question": "num", "operator": ">", "answerInteger": 60}
    ]
    assert _shown("c_lte")["enableWhen"] == [
        {"question": "days", "operator": "<=", "answerInteger": 30}
    ]
    assert _shown("c_gte")["enableWhen"] == [
        {"question": "dec", "operator": ">=", "answerDecimal": 2.5}
    ]


def test_answered_is_exists() -> None:
    assert _shown("c_answered")["enableWhen"] == [
        {"question": "note", "operator": "exists", "answerBoolean": True}
    ]
    assert _shown("c_unanswered")["enableWhen"][0]["answerBoolean"] is False


def test_all_of_comparisons_is_behaviour_all() -> None:
    shown = _shown("c_all")
    assert shown["enableBehavior"] == "all"
    assert [w["question"] for w in shown["enableWhen"]] == ["yn", "num"]


@pytest.mark.parametrize("qid", ["c_not", "c_nested", "c_all_one_of", "c_not_not"])
@pytest.mark.parametrize("version", VERSIONS)
def test_what_enable_when_cannot_say_is_an_sdc_fhirpath_expression(
    qid: str, version: FhirVersion
) -> None:
    shown = _shown(qid, version)
    assert list(shown) == ["expression"]
    assert shown["expression"].count("%resource.repeat(item)") >= 1


def test_not_sure_on_a_number_is_a_coding_in_r5_and_an_expression_in_r4() -> None:
    assert _shown("c_num_special", "R5")["enableWhen"][0]["answerCoding"]["code"] == (
        "asked-unknown"
    )
    expression = _shown("c_num_special", "R4")["expression"]
    assert "data-absent-reason" in expression
    assert "'asked-unknown'" in expression


def test_nested_show_if_reads_as_fhirpath() -> None:
    assert _shown("c_not")["expression"] == (
        "%resource.repeat(item).where(linkId = 'yn').answer.where(value.ofType(Coding).where("
        "system = 'urn:suitability:CodeSystem:made_up' and code = 'no').exists()).exists().not()"
    )


def test_enable_when_of_one_condition_and_fhirpath_literals() -> None:
    from suitability.questionnaire import Condition

    condition = Condition.model_validate({"question": "dec", "lt": 1e-05})
    assert enable_when(MADE_UP, Condition.model_validate({"not": condition})) == {
        "expression": "%resource.repeat(item).where(linkId = 'dec').answer.where(value.ofType("
        "decimal).where($this < 0.00001).exists()).exists().not()"
    }
    # A quote in a clinic's base cannot end a FHIRPath string early.
    quoted = enable_when(
        MADE_UP,
        Condition.model_validate({"not": {"question": "yn", "equals": "yes"}}),
        base="https://clinic.example/it's",
    )
    assert "'https://clinic.example/it\\'s/CodeSystem/made_up'" in quoted["expression"]


def test_a_base_that_is_no_absolute_uri_is_refused() -> None:
    with pytest.raises(ValueError, match="canonical base"):
        questionnaire_resource(SHIPPED, base="clinic files")
    with pytest.raises(ValueError, match="FHIR version"):
        questionnaire_resource(SHIPPED, fhir_version="R3")  # type: ignore[arg-type]


# ------------------------------------------------------------------ the command
@pytest.fixture(autouse=True)
def _no_user_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The default settings file is the user's: the tests never read a real one.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.mark.parametrize("version", VERSIONS)
def test_command_prints_the_questionnaire(
    version: FhirVersion, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fhir", "questionnaire", "--fhir-version", version]) == 0
    out = capsys.readouterr().out
    assert out == dumps(questionnaire_resource(SHIPPED, fhir_version=version))
    MODELS[version].model_validate_json(out)


def test_command_defaults_to_r5(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fhir", "questionnaire"]) == 0
    assert item(json.loads(capsys.readouterr().out), "pregnant")["type"] == "coding"


def test_command_takes_a_questionnaire_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .fhir_forms import FORM

    path = tmp_path / "made_up.yaml"
    path.write_text(json.dumps(FORM), encoding="utf-8")  # JSON is YAML
    # Checked against the shipped rules like every questionnaire a command reads: the made-up
    # one has none of the questions they read, so it is refused with the rules' problems...
    assert main(["fhir", "questionnaire", str(path)]) == 1
    err = capsys.readouterr().err
    assert "made_up.yaml" in err
    # ...while the shipped file, named explicitly, prints.
    shipped = Path(__file__).resolve().parent.parent / "questionnaires" / "facial.yaml"
    assert main(["fhir", "questionnaire", str(shipped), "--fhir-version", "R4"]) == 0
    assert json.loads(capsys.readouterr().out)["url"].endswith(":facial_mesotherapy")


def test_command_settings_give_the_canonical_base(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text("canonical_base: https://clinic.example/fhir\n", encoding="utf-8")
    assert main(["fhir", "questionnaire", "--settings", str(settings)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["url"] == "https://clinic.example/fhir/Questionnaire/facial_mesotherapy"


def test_command_reads_the_users_settings_file_when_there_is_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "config" / "suitability"
    folder.mkdir(parents=True)
    (folder / "settings.yaml").write_text("canonical_base: urn:clinic\n", encoding="utf-8")
    assert main(["fhir", "questionnaire"]) == 0
    assert json.loads(capsys.readouterr().out)["url"] == (
        "urn:clinic:Questionnaire:facial_mesotherapy"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'canonical_base: "https://clinic example"\n',
            "canonical_base: expected an absolute URI with no spaces, such as "
            "https://clinic.example/fhir or urn:clinic [line 1]",
        ),
        ("canonical_base: clinic\n", "canonical_base: expected an absolute URI"),
        ("canonical_base: 5\n", "canonical_base: Input should be a valid string [line 1]"),
        ("canonical_bas: urn:x\n", "canonical_bas"),
    ],
)
def test_command_refuses_bad_settings_with_their_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text(text, encoding="utf-8")
    assert main(["fhir", "questionnaire", "--settings", str(settings)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: {settings}: ")
    assert expected in captured.err
    assert "Traceback" not in captured.err


def test_command_refuses_a_missing_settings_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fhir", "questionnaire", "--settings", str(tmp_path / "none.yaml")]) == 1
    assert "none.yaml" in capsys.readouterr().err


def test_command_refuses_a_bad_questionnaire_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\ntitle: T\nversion: '1'\nlanguage: en\nsections: 3\n", "utf-8")
    assert main(["fhir", "questionnaire", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "error: broken.yaml: sections: " in captured.err
    assert main(["fhir", "questionnaire", str(tmp_path / "absent.yaml")]) == 1
    assert "absent.yaml: cannot read the file" in capsys.readouterr().err


def test_command_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["fhir", "questionnaire", "--fhir-version", "R3"])
    assert raised.value.code == 2
    assert "invalid choice: 'R3'" in capsys.readouterr().err
    assert main(["fhir"]) == 2
    assert "questionnaire" in capsys.readouterr().err


def test_the_module_needs_no_fhir_model_library() -> None:
    # fhir.resources is for the tests: the export must work where it is not installed.
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['fhir'] = None; sys.modules['fhirpathpy'] = None\n"
        "from suitability import default_questionnaire\n"
        "from suitability.fhir import questionnaire_resource\n"
        "r = questionnaire_resource(default_questionnaire(), fhir_version='R4')\n"
        "print(r['resourceType'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Questionnaire\n"

"""The rule set is a data file: loaded into models, every problem reported at once with its
place and line, read by `validate` and shown by `suitability rules` in plain words."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from suitability import RulesError, default_questionnaire
from suitability.rules.check import rule_file_problems, rule_problems
from suitability.rules.model import default_rules, default_rules_path, load_rules

from .conftest import ROOT

SHIPPED = default_rules_path()
TEXT = SHIPPED.read_text(encoding="utf-8")


def _line(text: str, pattern: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if re.search(pattern, line))


def test_shipped_rule_set__is_the_data_file_inside_the_package() -> None:
    rules = default_rules()
    assert SHIPPED.parent == ROOT / "suitability" / "rules"
    assert (rules.id, rules.version) == ("facial_screening_matrix", "1.3.0")
    assert [r.id for r in rules.rules] == re.findall(r"(?m)^  - id: ([gcp]_\w+)$", TEXT)
    assert len(rules.rules) == 61 and len(rules.derivations) == 14
    # What a rule reads comes from its condition, through the derivation for a derived fact.
    by_id = rules.rules_by_id
    assert by_id["c_pregnant"].reads == ("pregnant",)
    assert by_id["c_possible_pregnancy"].reads == ("trying_to_conceive", "pregnant")
    assert by_id["c_unanswered_safety"].reads == ()


def test_a_broken_rule_file__reports_every_problem_located_with_lines(
    write_yaml: Callable[[str, str], Path],
) -> None:
    text = TEXT.replace("{derived: possible_pregnancy}", "{derived: possible_pregnacy}", 1)
    text = text.replace("    when: {question: epilepsy, equals: \"yes\"}",
                        "    whn: {question: epilepsy, equals: \"yes\"}")  # fmt: skip
    text = text.replace("microneedling: C, ultherapy: C}\n    why: >-\n      Opinions",
                        "microneedling: C}\n    why: >-\n      Opinions")  # fmt: skip
    text = text.replace("  - id: c_breastfeeding", "  - id: c_pregnant", 1)
    path = write_yaml(text, "rules.yaml")
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    found = [str(p) for p in caught.value.problems]
    rules = default_rules().rules
    index = {r.id: i for i, r in enumerate(rules)}
    pregnancy = index["c_possible_pregnancy"]
    assert (
        f"rules.yaml: rules[{pregnancy}].when.derived: no derivation asserts "
        f"'possible_pregnacy' (did you mean 'possible_pregnancy'?) "
        f"[line {_line(text, 'possible_pregnacy')}]"
    ) in found
    epilepsy = index["c_epilepsy"]
    assert any(f.startswith(f"rules.yaml: rules[{epilepsy}]: unknown key 'whn'") for f in found), (
        found
    )
    assert any(f"rules[{epilepsy}]" in f and "'when'" in f for f in found), found
    autoimmune = index["c_autoimmune_stable"]
    assert any(
        f.startswith(f"rules.yaml: rules[{autoimmune}].effects") and "ultherapy" in f for f in found
    ), found
    breastfeeding = index["c_breastfeeding"]
    assert any(
        f.startswith(f"rules.yaml: rules[{breastfeeding}].id: the id 'c_pregnant' is used twice")
        for f in found
    ), found
    assert str(caught.value).splitlines()[0].startswith("rules.yaml: ")


def test_derived_facts__must_be_read_and_asserted_once(
    write_yaml: Callable[[str, str], Path],
) -> None:
    text = TEXT.replace("fact: anticoagulant", "fact: bleeding_disorder", 1)
    with pytest.raises(RulesError) as caught:
        load_rules(write_yaml(text, "rules.yaml"))
    found = [str(p) for p in caught.value.problems]
    assert any("the fact 'bleeding_disorder' is asserted by two derivations" in f for f in found)
    assert any("no derivation asserts 'anticoagulant'" in f for f in found)


def test_conditions__only_what_both_evaluations_mean_the_same_way(
    write_yaml: Callable[[str, str], Path],
) -> None:
    text = TEXT.replace(
        "    when: {question: epilepsy, equals: \"yes\"}",
        "    when: {not: {question: epilepsy, equals: \"no\"}}",
    ).replace(
        "    when: {question: keloids, equals: \"yes\"}",
        "    when: {all: [{derived: age_18_21}, {question: keloids, equals: \"yes\"}]}",
    )  # fmt: skip
    with pytest.raises(RulesError) as caught:
        load_rules(write_yaml(text, "rules.yaml"))
    found = [str(p) for p in caught.value.problems]
    assert any("'not' is not used in rules" in f for f in found), found
    assert any("a derived fact can only be a rule's whole condition" in f for f in found), found


def test_rules_reading_a_choice_the_questionnaire_lacks__name_the_rule(
    write_yaml: Callable[[str, str], Path],
) -> None:
    text = TEXT.replace("one_of: [type_4, type_5, type_6,", "one_of: [type_4, type_5, type_7,")
    rules = load_rules(write_yaml(text, "rules.yaml"))
    found = [str(p) for p in rule_problems(default_questionnaire(), ruleset=rules)]
    assert any(
        "rule 'd_fitzpatrick_iv_vi' reads choice 'type_7' of 'skin_type', which is missing "
        "(did you mean 'type_6'?)" in f
        for f in found
    ), found


def test_misfits_seen_from_the_rule_file__are_located_at_the_test_that_reads_them(
    write_yaml: Callable[[str, str], Path],
) -> None:
    text = TEXT.replace("one_of: [type_4, type_5, type_6,", "one_of: [type_4, type_5, type_7,")
    text = text.replace("{question: epilepsy, equals:", "{question: epilepsi, equals:")
    rules = load_rules(write_yaml(text, "facial.yaml"))
    found = [str(p) for p in rule_file_problems(default_questionnaire(), rules)]
    skin = next(i for i, d in enumerate(rules.derivations) if d.id == "d_fitzpatrick_iv_vi")
    epilepsy = next(i for i, r in enumerate(rules.rules) if r.id == "c_epilepsy")
    assert found == [
        f"facial.yaml: derivations[{skin}].when.one_of: 'type_7' is not a choice of 'skin_type' "
        f"(did you mean 'type_6'?) [line {_line(text, 'type_7')}]",
        f"facial.yaml: rules[{epilepsy}].when.question: 'epilepsi' is not a question of "
        f"'facial_mesotherapy' (did you mean 'epilepsy'?) [line {_line(text, 'epilepsi')}]",
    ]
    assert rule_file_problems(default_questionnaire(), default_rules()) == []


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "suitability", *args],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip


def test_validate__a_renamed_choice_a_rule_reads_exits_1_naming_the_rule(tmp_path: Path) -> None:
    text = (ROOT / "questionnaires" / "facial.yaml").read_text(encoding="utf-8")
    path = tmp_path / "clinic.yaml"
    path.write_text(text.replace("- id: infection_or_wound\n", "- id: infection\n"), "utf-8")
    done = _run("validate", str(path))
    assert done.returncode == 1
    assert re.search(
        r"clinic\.yaml: sections\[\d+\]\.questions\[\d+\]\.choices: rule "
        r"'c_active_infection_site' reads choice 'infection_or_wound' of 'skin_now', which is "
        r"missing \(did you mean 'infection'\?\) \[line \d+\]",
        done.stderr,
    ), done.stderr


def test_rules_command__says_when_each_rule_fires_grouped_as_the_reference() -> None:
    text = _run("rules").stdout
    assert "Rule set facial_screening_matrix 1.3.0" in text
    for phrase in (
        "fires when: pregnant is 'yes'",
        "fires when: skin_now includes 'infection_or_wound'",
        "fires when: age is under 18 (derivation d_age_under_18)",
        "fires when: some safety question is not sure, declined or unanswered",
    ):
        assert phrase in text, phrase
    headings = [h for h in ("GOALS", "HEALTH AND SAFETY", "PLANS AND PREFERENCES") if h in text]
    assert [text.index(h) for h in headings] == sorted(text.index(h) for h in headings)
    assert len(headings) == 3
    data = json.loads(_run("rules", "--format", "json").stdout)
    pregnant = next(r for r in data["rules"] if r["id"] == "c_pregnant")
    assert pregnant["when"] == {"question": "pregnant", "equals": "yes"}
    assert pregnant["effects"]["mesotherapy"] == "A"
    assert pregnant["fires_when"] == "pregnant is 'yes'"
    assert data["version"] == "1.3.0" and len(data["derivations"]) == 14

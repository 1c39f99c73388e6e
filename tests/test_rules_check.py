"""`suitability rules --check`: the shipped rules are proved, and a fault planted for each
property on a copy of the rule data is caught with a counterexample."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from suitability import Questionnaire
from suitability._yaml import parse_yaml
from suitability.cli import main
from suitability.rules.model import default_rules_path

Plant = Callable[[dict[str, Any], Questionnaire], None]


def _data() -> dict[str, Any]:
    data, _, problem = parse_yaml(default_rules_path().read_text(encoding="utf-8"), "facial.yaml")
    assert problem is None
    return json.loads(json.dumps(data))  # plain dicts and lists, to edit


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["rules", "--check", *args])
    return code, capsys.readouterr().out


def _first_safety_choice(q: Questionnaire) -> Any:
    """A safety question the rules read, with several choices and a 'not sure' answer."""
    read = {x for r in _data()["rules"] for x in json.dumps(r["when"]).split('"') if x in q.by_id}
    return next(
        x
        for x in q.questions
        if x.safety and x.id in read and len(x.choice_ids) >= 2 and x.offers_not_sure
    )


def _rule(rule_id: str, when: dict[str, Any], cells: dict[str, str]) -> dict[str, Any]:
    effects = dict.fromkeys(_data()["rules"][0]["effects"], "N")
    effects.update(cells)
    return {
        "id": rule_id, "kind": "condition", "title": "Planted", "when": when,
        "effects": effects, "why": "A planted fault.", "source": ["test"],
    }  # fmt: skip


def _skip_the_unknown(data: dict[str, Any], q: Questionnaire) -> None:
    # The row that an unknown safety answer fires no longer affects any treatment.
    for rule in data["rules"]:
        if rule["when"] == {"safety_unknown": True}:
            rule["effects"] = dict.fromkeys(rule["effects"], "N")


def _unknown_gives_avoid(data: dict[str, Any], q: Questionnaire) -> None:
    question = _first_safety_choice(q)
    when = {"question": question.id, "one_of": ["not_sure"]}
    data["rules"].append(_rule("c_planted_unknown", when, {"mesotherapy": "A"}))


def _plans_into_verdict(data: dict[str, Any], q: Questionnaire) -> None:
    plans = next(r for r in data["rules"] if r["kind"] == "preference")
    plans["kind"] = "condition"


def _never_fires(data: dict[str, Any], q: Questionnaire) -> None:
    question = _first_safety_choice(q)
    a, b = question.choice_ids[:2]
    when = {"all": [{"question": question.id, "equals": a}, {"question": question.id, "equals": b}]}
    data["rules"].append(_rule("c_planted_never", when, {"mesotherapy": "C"}))


def test_shipped_rules__every_property_is_proved(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check(capsys)
    assert code == 0, out
    for name in ("P1", "P2", "P3", "P4"):
        line = next(x for x in out.splitlines() if x.startswith(f"proved {name}:"))
        assert int(line.rsplit("(", 1)[1].split()[0]) > 0  # cases covered
    assert "FAILED" not in out


@pytest.mark.parametrize(
    ("plant", "prop", "names"),
    [
        (_skip_the_unknown, "P1", "worth_discussing"),
        (_unknown_gives_avoid, "P2", "c_planted_unknown"),
        (_plans_into_verdict, "P3", "plans answer"),
        (_never_fires, "P4", "c_planted_never"),
    ],
)
def test_planted_fault__is_caught_with_a_counterexample(
    plant: Plant,
    prop: str,
    names: str,
    questionnaire: Questionnaire,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _data()
    plant(data, questionnaire)
    path = tmp_path / "planted.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    code, out = _check(capsys, "--rules", str(path))
    assert code == 1, out
    failed = [x for x in out.splitlines() if x.startswith(f"FAILED {prop}:")]
    assert failed and names in failed[0], out
    lines = out.splitlines()
    example = lines[lines.index(failed[0]) + 1]
    assert example.startswith("  counterexample: {")
    found = json.loads(example.split(": ", 1)[1])
    assert found  # a concrete answers mapping (or, for P4, the rule that cannot fire)
    if prop == "P2":
        assert "not_sure" in found.values()

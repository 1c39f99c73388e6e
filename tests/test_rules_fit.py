"""A questionnaire the rules cannot use is refused, located, before anyone answers a question.

The edits are generated from the rule catalogue's own references, so every question and choice
a rule reads, and every question a condition rests on, is covered.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from suitability import RulesError, StorageError, SuitabilityError, assess, default_questionnaire
from suitability.errors import Problem
from suitability.questionnaire import check_questionnaire, questionnaire_from_data
from suitability.rules.catalogue import DERIVATIONS, RULES, references
from suitability.rules.engine import Engine

from .conftest import ROOT

SHIPPED = ROOT / "questionnaires" / "facial.yaml"
TEXT = SHIPPED.read_text(encoding="utf-8")
LINES = TEXT.splitlines(keepends=True)
QUESTIONNAIRE = default_questionnaire()
REFS = list(references())


def _where(question_id: str) -> str:
    for s_index, section in enumerate(QUESTIONNAIRE.sections):
        for q_index, question in enumerate(section.questions):
            if question.id == question_id:
                return f"sections[{s_index}].questions[{q_index}]"
    raise AssertionError(question_id)


def _block(question_id: str) -> tuple[int, int]:
    """The 0-based line range of a question's block in the shipped file (questions are indented
    six spaces there; sections, whose ids may be the same, two)."""
    start = next(
        i for i, line in enumerate(LINES) if re.fullmatch(rf" {{6}}- id: {question_id}\s*", line)
    )
    indent = len(LINES[start]) - len(LINES[start].lstrip())
    end = start + 1
    while end < len(LINES) and (
        not LINES[end].strip() or len(LINES[end]) - len(LINES[end].lstrip()) > indent
    ):
        end += 1
    return start, end


def _line_in(question_id: str, pattern: str) -> int:
    start, end = _block(question_id)
    return next(i for i in range(start, end) if re.fullmatch(pattern, LINES[i]))


def _check_edit(tmp_path: Path, index: int, new_line: str | None) -> list[Problem]:
    lines = list(LINES)
    if new_line is None:
        del lines[index]
    else:
        lines[index] = new_line
    path = tmp_path / "facial.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    model, errors, _warnings = check_questionnaire(path)
    assert model is None and errors, "the edited questionnaire passed"
    return errors


def test_shipped_questionnaire__fits_the_rules() -> None:
    model, errors, _warnings = check_questionnaire(SHIPPED)
    assert errors == [] and model is not None


def test_every_choice_a_rule_reads__renamed__fails_validation_at_its_choices(
    tmp_path: Path,
) -> None:
    # yes/no questions have their two answers by type: only listed choices can be renamed.
    listed = {q.id for q in QUESTIONNAIRE.questions if q.choices}
    choices = sorted({(q, c) for _owner, q, c in REFS if c is not None and q in listed})
    assert len(choices) >= 30
    for question_id, choice in choices:
        readers = sorted({o for o, q, c in REFS if (q, c) == (question_id, choice)})
        index = _line_in(question_id, rf"\s*- id: {choice}\s*")
        errors = _check_edit(tmp_path, index, LINES[index].replace(choice, f"{choice}_x"))
        choices_line = _line_in(question_id, r"\s*choices:\s*") + 1
        for owner in readers:
            expected = (
                rf"facial\.yaml: {re.escape(_where(question_id))}\.choices: rule '{owner}' reads "
                rf"choice '{choice}' of '{question_id}', which is missing"
                rf"( \(did you mean '\w+'\?\))? \[line {choices_line}\]"
            )
            assert any(re.fullmatch(expected, str(e)) for e in errors), (
                question_id,
                choice,
                errors,
            )


def test_every_question_a_rule_reads__renamed__fails_validation_naming_each_rule(
    tmp_path: Path,
) -> None:
    questions = sorted({q for _owner, q, _c in REFS})
    assert len(questions) >= 30
    for question_id in questions:
        readers = sorted({o for o, q, _c in REFS if q == question_id})
        index, _end = _block(question_id)
        errors = _check_edit(tmp_path, index, LINES[index].replace(question_id, "renamed"))
        found = [str(e) for e in errors]
        for owner in readers:
            # A missing question has no place in the file: it is named at the top level.
            expected = (
                f"facial.yaml: rule '{owner}' reads question '{question_id}', which is missing"
            )
            assert any(f == expected or f.startswith(expected + " (") for f in found), (
                question_id,
                found,
            )


def _rested_on() -> set[str]:
    """Questions a condition tests, directly or through a derivation whose fact a condition
    reads, unless a goal reads them too: an unknown answer to each must not go unnoticed."""
    conditions = [r for r in RULES if r.kind == "condition"]
    feeding = {r.when.derived for r in conditions if r.when.derived}
    rested = {q for r in conditions for q in r.when.questions()}
    rested |= {q for d in DERIVATIONS if d.fact in feeding for q in d.reads}
    goals = {q for r in RULES if r.kind == "goal" for q in r.reads}
    return rested - goals


def test_every_question_a_condition_rests_on__unmarked_safety__fails_at_the_question(
    tmp_path: Path,
) -> None:
    rested = _rested_on()
    safety = [q.id for q in QUESTIONNAIRE.questions if q.safety]
    assert len(rested) >= 20 and rested <= set(safety)
    for question_id in safety:
        index = _line_in(question_id, r"\s*safety: true\s*")
        lines = list(LINES)
        del lines[index]
        path = tmp_path / "facial.yaml"
        path.write_text("".join(lines), encoding="utf-8")
        _model, errors, _warnings = check_questionnaire(path)
        misfits = [str(e) for e in errors if e.code == "rules_not_safety"]
        if question_id not in rested:
            assert misfits == [], question_id
            continue
        start, _end = _block(question_id)
        assert len(misfits) == 1, (question_id, errors)
        assert re.fullmatch(
            rf"facial\.yaml: {re.escape(_where(question_id))}: rule '\w+' rests on "
            rf"'{question_id}', which is not marked safety: an unknown answer to it would go "
            rf"unnoticed \(add `safety: true`\) \[line {start + 1}\]",
            misfits[0],
        ), misfits[0]


def _broken(tmp_path: Path) -> Path:
    """The shipped questionnaire with one choice a rule reads renamed."""
    path = tmp_path / "clinic.yaml"
    path.write_text(TEXT.replace("- id: type_5\n", "- id: type5\n"), encoding="utf-8")
    return path


def _expected_line() -> str:
    line = _line_in("skin_type", r"\s*choices:\s*") + 1
    return (
        f"error: clinic.yaml: {_where('skin_type')}.choices: rule 'd_fitzpatrick_iv_vi' reads "
        f"choice 'type_5' of 'skin_type', which is missing (did you mean 'type5'?) [line {line}]"
    )


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "suitability", *args],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip


def test_validate_command__reports_a_renamed_choice_at_its_location(tmp_path: Path) -> None:
    path = _broken(tmp_path)
    done = _run("validate", str(path))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [_expected_line(), f"{path}: 1 problem"]


def test_batch__refuses_a_questionnaire_the_rules_cannot_use_before_any_record(
    tmp_path: Path,
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "answers": {"age": 34}}) + "\n", encoding="utf-8")
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    done = _run(
        "batch", str(source), "--out", str(out), "--errors", str(errors),
        "--workers", "1", "--questionnaire", str(_broken(tmp_path)),
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == _expected_line()
    assert not out.exists() and not errors.exists()


@pytest.mark.pty
@pytest.mark.parametrize("command", ["screen", "intake"])
def test_screen_and_intake__refuse_it_before_the_first_question(
    command: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "NO_COLOR": "1",
        "TERM": "xterm",
    }
    args = ["-m", "suitability", command, "--questionnaire", str(_broken(tmp_path))]
    if command == "intake":
        args += ["--out", str(tmp_path / "records")]
    child = pexpect.spawn(
        sys.executable, args, cwd=str(ROOT), env=env, dimensions=(50, 200),
        encoding="utf-8", timeout=30,
    )  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    shown = child.before.replace("\r\n", "\n")
    assert child.exitstatus == 1, shown
    assert _expected_line() in shown.splitlines()
    first = QUESTIONNAIRE.questions[0].label
    assert first not in shown and "Welcome" not in shown


def test_rules_error__carries_located_problems_with_codes() -> None:
    data = QUESTIONNAIRE.model_dump(mode="json", by_alias=True, exclude_none=True)
    for section in data["sections"]:
        for question in section["questions"]:
            if question["id"] == "keloids":
                question["id"] = "keloid"
    with pytest.raises(RulesError) as caught:
        assess({}, questionnaire_from_data(data, "clinic.yaml"))
    assert [(p.code, p.location) for p in caught.value.problems] == [("rules_unknown_question", "")]
    assert str(caught.value).splitlines()[0] == (
        "the rule set does not fit questionnaire 'facial_mesotherapy'"
    )


def test_rule_failure__is_a_problem_whose_private_form_leaves_out_the_error_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = Engine()

    def broken(rule_id: str) -> None:
        raise ValueError("pregnant=yes")  # an error text might quote the answers fact

    monkeypatch.setattr(engine, "_record", broken)
    with pytest.raises(RulesError) as caught:
        engine.run({"t": "answers", "age__n": 16, "pregnant": "yes"})
    problems = caught.value.problems
    assert problems and all(p.code == "rules_action_failed" for p in problems)
    assert "ValueError: pregnant=yes" in problems[0].text()
    private = problems[0].located(values=False)
    assert private.startswith("a rule failed during the assessment: ")
    assert private.endswith(": ValueError") and "pregnant=yes" not in private


def test_every_error__has_problems_so_callers_never_probe_for_them() -> None:
    assert StorageError("disk full").problems == ()
    assert SuitabilityError("x").problems == ()
    assert RulesError([]).problems == []

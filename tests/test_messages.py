"""Privacy by construction: every problem is a catalogue code, a location and its parameters, and
is worded when it is shown. A file the product writes (the batch errors file) never carries a
value the person gave, nor a did-you-mean hint that reveals one, whatever that value holds; the
terminal output of ``validate`` on a file the person named does quote it."""

from __future__ import annotations

import ast
import csv
import io
import json
import string
from pathlib import Path
from typing import Any

import pytest

import suitability
from suitability import default_questionnaire
from suitability._messages import CATALOGUE, problem, render
from suitability.answers import normalise_value, parse_text_answer
from suitability.cli import main

Q = default_questionnaire()
ON = "2026-11-20"
SPECIALS = "(or 'not_sure' or 'prefer_not_to_say')"
GOALS = (
    "'hydration_radiance', 'fine_lines', 'expression_lines', 'volume', 'laxity', 'local_fat', "
    "'cellulite', 'hair_thinning', 'active_acne', 'acne_scars', 'pigmentation_tone', "
    "'pores_texture', 'none'"
)
AGE = f"answers.age: expected a whole number from 10 to 110 (years) {SPECIALS}"
YES_NO = "expected 'yes' or 'no' " + SPECIALS
SKIN_TYPE = (
    "answers.skin_type: expected one of 'type_1', 'type_2', 'type_3', 'type_4', 'type_5', "
    f"'type_6' {SPECIALS}"
)
NOT_A_GOAL = f"answers.goals: a value is not a choice here; expected a list of {GOALS}"
DATE = "answers.event_date: expected a date as YYYY-MM-DD (or 'not_sure')"
ANSWERED_ON = "answered_on: expected a date as YYYY-MM-DD"
EVENT = {"has_event": "yes"}


def _fields(template: str) -> set[str]:
    return {
        name.split(".")[0].split("[")[0]
        for _text, name, _spec, _conv in string.Formatter().parse(template)
        if name is not None
    }


def _is_given(name: str) -> bool:
    return name.startswith("given") or name == "suggestion"


# --------------------------------------------------------------------------- the catalogue


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_catalogue_entry__has_both_wordings_and_the_private_one_quotes_nothing_given(
    code: str,
) -> None:
    entry = CATALOGUE[code]
    assert entry.technical.strip() and entry.private.strip()
    assert not {f for f in _fields(entry.private) if _is_given(f)}, code
    # Every wording renders with the parameters the wordings name.
    params = dict.fromkeys(
        _fields(entry.technical) | _fields(entry.private) | _fields(entry.plain), 1
    )
    for values, plain in ((True, False), (False, False), (False, True)):
        assert render(code, {**params, "suggestion": None}, values=values, plain=plain)


BAD_VALUES: list[Any] = [
    "CANARY-zz",
    "yess",
    "type_6x",
    "not_sure",
    "prefer_not_to_say",
    "2027-02-30",
    "1900-01-01",
    "3000-01-01",
    "x" * 2000,
    12345,
    -3,
    4.5,
    True,
    None,
    [],
    ["CANARY-zz"],
    ["volumee"],
    ["volume", "volume"],
    ["none", "volume"],
    ["not_sure", "volume"],
    {"a": 1},
]


def _problems_a_patient_can_meet() -> list[Any]:
    found = []
    for question in Q.questions:
        for value in BAD_VALUES:
            for _value, met in (
                normalise_value(question, value),
                parse_text_answer(question, value if isinstance(value, str) else str(value)),
            ):
                if met is not None:
                    found.append(met)
    return found


def test_every_problem_with_an_answer__has_a_plain_wording_without_the_file_format_ids() -> None:
    met = _problems_a_patient_can_meet()
    codes = {p.code for p in met}
    assert {"expected_number", "not_a_choice", "chosen_twice", "too_long"} <= codes
    for code in codes:
        assert CATALOGUE[code].plain, code
    for found in met:
        plain = found.text(plain=True)
        assert "not_sure" not in plain and "prefer_not_to_say" not in plain, plain
        assert plain[0].isupper() or plain[0] in "'0123456789", plain


def test_plain_wording__is_calm_and_says_what_to_type() -> None:
    value, found = parse_text_answer(Q.by_id["age"], "abc")
    assert value is None and found is not None
    assert found.text(plain=True) == (
        "Please type a whole number from 10 to 110 years, for example 52, or 'not sure' or "
        "'prefer not to say'."
    )
    assert found.text(values=False) == AGE.removeprefix("answers.age: ")
    assert found.text() == AGE.removeprefix("answers.age: ") + ", got 'abc'"


def test_private_rendering__of_a_problem_not_made_from_the_catalogue_says_nothing_given() -> None:
    stray = suitability.Problem("answers.age", "expected a number, got 'CANARY'", "stray")
    assert "CANARY" in str(stray)
    assert "CANARY" not in stray.located(values=False)
    assert "CANARY" not in stray.text(plain=True)
    made = problem("expected_date", "answers.when", expected="a date", given="CANARY")
    assert "CANARY" in str(made)
    assert "CANARY" not in repr(made)


def test_no_module__builds_a_problem_except_through_the_catalogue_factory() -> None:
    package = Path(suitability.__file__).parent
    offenders = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "_messages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Problem"
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


# --------------------------------------------------------------------------- 40 canaries

LONG = "x" * 1000

# (canary, the record's answers, what the errors file says instead). A canary is a value that
# appears nowhere else, planted in one kind of wrong place; several hide the wording of another
# problem ("is not a choice here", "is chosen twice"), which fooled the scrubbing by regexes.
JSONL_CANARIES: list[tuple[str, dict[str, Any], str]] = [
    ("CANARY-01-zq", {"age": "CANARY-01-zq"}, AGE),
    ("987654321", {"age": 987654321}, AGE),
    ("42.4242", {"age": 42.4242}, AGE),
    ("CANARY-04-zq", {"pregnant": "CANARY-04-zq"}, "answers.pregnant: " + YES_NO),
    ("yes-c05", {"pregnant": "yes-c05"}, "answers.pregnant: " + YES_NO),
    ("type_6-c06", {"skin_type": "type_6-c06"}, SKIN_TYPE),
    ("CANARY-07-zq", {"skin_type": "x is not a choice here CANARY-07-zq"}, SKIN_TYPE),
    ("CANARY-08-zq", {"goals": ["volume", "CANARY-08-zq"]}, NOT_A_GOAL),
    ("fine_lines-c09", {"goals": ["fine_lines-c09"]}, NOT_A_GOAL),
    ("CANARY-10-zq", {"goals": ["volume", "x is chosen twice CANARY-10-zq"]}, NOT_A_GOAL),
    (
        "CANARY-11-zq",
        {"goals": "CANARY-11-zq"},
        f"answers.goals: expected a list of {GOALS} (a list, even for one choice)",
    ),
    (
        "CANARY-12-zq",
        {"skin_now": ["not_sure", "CANARY-12-zq"]},
        "answers.skin_now: 'not_sure' and 'prefer_not_to_say' are answers on their own: "
        "give them alone, not in a list",
    ),
    (
        "CANARY-13-zq",
        {"skin_now": ["acne_breakouts", "acne_breakouts", "CANARY-13-zq"]},
        "answers.skin_now: a choice is chosen twice",
    ),
    (
        "CANARY-14-zq",
        {"allergies": ["none", "CANARY-14-zq"]},
        "answers.allergies: a value is not a choice here; expected a list of 'ha_or_filler', "
        f"'local_anaesthetic', 'botulinum_toxin', 'other_severe', 'none' {SPECIALS}",
    ),
    ("CANARY-15-zq", {**EVENT, "event_date": "CANARY-15-zq"}, DATE),
    ("2031-02-30", {**EVENT, "event_date": "2031-02-30"}, DATE),
    (
        "1907-03-19",
        {**EVENT, "event_date": "1907-03-19"},
        "answers.event_date: expected a date on or after 2026-11-20",
    ),
    (
        "2999-01-07",
        {**EVENT, "event_date": "2999-01-07"},
        "answers.event_date: expected a date on or before 2028-11-19",
    ),
    (
        "CANARY-19-zq",
        {"notes": "CANARY-19-zq " + LONG},
        "answers.notes: expected at most 1000 characters",
    ),
    (
        "CANARY-20-zq",
        {"notes": ["CANARY-20-zq"]},
        "answers.notes: expected text of at most 1000 characters",
    ),
    (
        "CANARY-24-zq",
        {"isotretinoin": "never", "isotretinoin_months": "CANARY-24-zq"},
        "answers.isotretinoin_months: answered, but this question is not asked given the "
        "earlier answers (it is asked only when its show-if condition on 'isotretinoin' holds)",
    ),
    ("CANARY-25-zq", {"pregnant": {"CANARY-25-zq": "yes"}}, "answers.pregnant: " + YES_NO),
    (
        "CANARY-26-zq",
        {"needle_discomfort": "CANARY-26-zq"},
        "answers.needle_discomfort: expected one of 'none', 'mild', 'moderate', 'severe'",
    ),
    ("12345.678", {"breastfeeding": 12345.678}, "answers.breastfeeding: " + YES_NO),
    (
        "CANARY-29-zq",
        {"sessions": "CANARY-29-zq"},
        "answers.sessions: expected one of 'one_visit', 'course_ok'",
    ),
]
# The day of answering given wrongly: (canary, answered_on, what the errors file says).
ANSWERED_ON_CANARIES: list[tuple[str, Any, str]] = [
    ("CANARY-21-zq", "CANARY-21-zq", ANSWERED_ON),
    ("20261121", 20261121, ANSWERED_ON),
    ("CANARY-23-zq", ["CANARY-23-zq"], ANSWERED_ON),
]
# Lines that are no JSON record at all.
RAW_CANARIES: list[tuple[str, str, str]] = [
    (
        "CANARY-30-zq",
        '{"id": "r30", "answers": {"age": CANARY-30-zq}}',
        "malformed JSON at column 34: Expecting value",
    ),
]
# CSV cells: (canary, {column: cell}, what the errors file says).
CSV_COLUMNS = ["id", "answered_on", "age", "pregnant", "goals", "skin_type", "has_event"]
CSV_COLUMNS += ["event_date", "notes", "diabetes"]
CSV_CANARIES: list[tuple[str, dict[str, str], str]] = [
    ("CANARY-31-zq", {"age": "CANARY-31-zq"}, AGE),
    ("yes-c32", {"pregnant": "yes-c32"}, "answers.pregnant: " + YES_NO),
    ("CANARY-33-zq", {"goals": "volume;CANARY-33-zq"}, NOT_A_GOAL),
    ("CANARY-34-zq", {"skin_type": "x is not a choice here CANARY-34-zq"}, SKIN_TYPE),
    ("CANARY-35-zq", {"answered_on": "CANARY-35-zq"}, ANSWERED_ON),
    ("CANARY-36-zq", {"has_event": "yes", "event_date": "CANARY-36-zq"}, DATE),
    (
        "CANARY-37-zq",
        {"notes": "CANARY-37-zq " + LONG},
        "answers.notes: expected at most 1000 characters",
    ),
    ("CANARY-38-zq", {"goals": "volume;x is chosen twice CANARY-38-zq"}, NOT_A_GOAL),
    (
        "controlled-c39",
        {"diabetes": "controlled-c39"},
        "answers.diabetes: expected one of 'no', 'controlled', 'uncontrolled' " + SPECIALS,
    ),
    ("13579", {"age": "13579"}, AGE),
]
# A CSV row of the wrong width, its canary in a cell.
CSV_WIDTH_CANARY = ("CANARY-27-zq", "expected 10 columns as in the header, found 3")

CANARIES = [
    *(c for c, _a, _e in JSONL_CANARIES),
    *(c for c, _a, _e in ANSWERED_ON_CANARIES),
    *(c for c, _a, _e in RAW_CANARIES),
    *(c for c, _a, _e in CSV_CANARIES),
    CSV_WIDTH_CANARY[0],
]


def _jsonl_records() -> list[tuple[str, str, str]]:
    """(canary, line of input, expected problem) for every JSON Lines canary."""
    out = []
    for index, (canary, answers, expected) in enumerate(JSONL_CANARIES):
        record = {"id": f"j{index}", "answered_on": ON, "answers": answers}
        out.append((canary, json.dumps(record), expected))
    for index, (canary, day, expected) in enumerate(ANSWERED_ON_CANARIES):
        record = {"id": f"d{index}", "answered_on": day, "answers": {"age": 40}}
        out.append((canary, json.dumps(record), expected))
    out.extend(RAW_CANARIES)
    return out


def _csv_text() -> tuple[str, list[tuple[str, str]]]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    expected = []
    for index, (canary, cells, problem_text) in enumerate(CSV_CANARIES):
        row = {"id": f"c{index}", "answered_on": ON, **cells}
        writer.writerow([row.get(name, "") for name in CSV_COLUMNS])
        expected.append((canary, problem_text))
    writer.writerow(["c-width", CSV_WIDTH_CANARY[0], "40"])
    expected.append(CSV_WIDTH_CANARY)
    return buffer.getvalue(), expected


def test_forty_canaries__are_distinct_and_each_planted_once() -> None:
    assert len(CANARIES) == len(set(CANARIES)) == 40
    jsonl = "\n".join(line for _c, line, _e in _jsonl_records())
    csv_text, _expected = _csv_text()
    for canary in CANARIES:
        assert (jsonl + csv_text).count(canary) == 1, canary


def _batch(tmp_path: Path, name: str, text: str) -> tuple[list[dict[str, Any]], str]:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    out, errors = tmp_path / f"{name}.out", tmp_path / f"{name}.errors"
    code = main(
        ["batch", str(source), "--out", str(out), "--errors", str(errors), "--workers", "1"]
    )
    assert code == 1  # bad records were set aside
    assert out.read_text(encoding="utf-8") == ""  # every record here is bad
    written = errors.read_text(encoding="utf-8")
    return [json.loads(line) for line in written.splitlines()], written


def test_forty_canaries__never_in_the_errors_file_yet_quoted_by_validate_on_the_same_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The batch errors file is written: no value given, no hint, but where and what. The
    terminal output of `validate` on files the person named shows them the values."""
    records = _jsonl_records()
    jsonl_lines, jsonl_text = _batch(
        tmp_path, "in.jsonl", "".join(line + "\n" for _c, line, _e in records)
    )
    csv_text, csv_expected = _csv_text()
    csv_lines, csv_written = _batch(tmp_path, "in.csv", csv_text)

    written = jsonl_text + csv_written + capsys.readouterr().err  # the summary too
    leaked = [canary for canary in CANARIES if canary in written]
    assert leaked == []
    # A near-miss hint reveals what was typed ("did you mean 'yes'?" for "yes-c05").
    assert "did you mean" not in written

    # Every bad record is there, at its line, with where and what was expected.
    assert [(e["line"], e["problems"]) for e in jsonl_lines] == [
        (number, [expected]) for number, (_c, _line, expected) in enumerate(records, start=1)
    ]
    assert [(e["line"], e["problems"]) for e in csv_lines] == [
        (number, [expected]) for number, (_c, expected) in enumerate(csv_expected, start=2)
    ]

    _assert_validate_quotes_the_values(tmp_path, capsys)


def _assert_validate_quotes_the_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = []
    quoted = []
    for index, (canary, answers, _expected) in enumerate(JSONL_CANARIES):
        path = tmp_path / f"answers-{index:02d}.json"
        path.write_text(json.dumps({"answered_on": ON, "answers": answers}), encoding="utf-8")
        files.append(str(path))
        # A value behind an earlier problem in its list, or in a question not asked, is not
        # read; a too-long text is given by its length.
        if canary not in ("CANARY-12-zq", "CANARY-13-zq", "CANARY-19-zq", "CANARY-24-zq"):
            quoted.append(canary)
    for index, (canary, day, _expected) in enumerate(ANSWERED_ON_CANARIES):
        path = tmp_path / f"day-{index}.json"
        path.write_text(json.dumps({"answered_on": day, "answers": {}}), encoding="utf-8")
        files.append(str(path))
        quoted.append(canary)

    assert main(["validate", *files]) == 1
    shown = capsys.readouterr().err
    assert [canary for canary in quoted if canary not in shown] == []
    assert "got 'yes-c05' (did you mean 'yes'?)" in shown
    assert "'fine_lines-c09' is not a choice here (did you mean 'fine_lines'?)" in shown
    assert "got 1013" in shown  # the too-long text, by its length

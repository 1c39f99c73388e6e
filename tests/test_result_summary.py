"""The patient's terminal result (issue 13): whoever answers, its last rows at 80x24 hold the
summary: every treatment's verdict and fit, and what to mention, however long that list is."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from suitability import Assessment, Questionnaire, assess
from suitability.answers import read_answers_file, validate_answers
from suitability.render import (
    FIT_WORDS,
    SUMMARY_MARGIN,
    VERDICT_WORDS,
    print_assessment,
    short_name,
)

from .conftest import EXAMPLES
from .helpers import BASELINE

ROWS = 24


def last_rows(assessment: Assessment, questionnaire: Questionnaire) -> list[str]:
    """The rows left in view, with room kept for what is printed after the result."""
    console = Console(width=80, height=ROWS, color_system=None, highlight=False)
    with console.capture() as captured:
        print_assessment(assessment, questionnaire, console)
    rows = [row.rstrip() for row in captured.get().rstrip("\n").split("\n")]
    return rows[-(ROWS - SUMMARY_MARGIN) :]


def assert_summary_in(rows: list[str], assessment: Assessment) -> None:
    at = [i for i, row in enumerate(rows) if "Your summary" in row]
    assert at, "\n".join(rows)
    summary = rows[at[0] :]
    joined = " ".join(" ".join(summary).split())
    for v in assessment.verdicts.values():
        if v.verdict == "not_relevant":
            assert short_name(v.name) in joined.split("Not relevant to your goals:")[1]
            continue
        [row] = [r for r in summary if r.startswith(short_name(v.name) + " ")]
        assert VERDICT_WORDS[v.verdict].split()[0] in row and FIT_WORDS[v.fit] in row


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: Path(p).name)
def test_examples__the_last_rows_hold_every_verdict_and_what_to_mention(
    path: Path, questionnaire: Questionnaire
) -> None:
    assessment = assess(read_answers_file(path, questionnaire), questionnaire)
    rows = last_rows(assessment, questionnaire)
    assert_summary_in(rows, assessment)
    mention = " ".join(" ".join(rows).split())
    for flag in assessment.flags:
        assert flag.title in mention


def test_many_things_to_mention__counted_so_the_verdicts_still_fit(
    questionnaire: Questionnaire,
) -> None:
    values = {
        key: "yes"
        if value == "no"
        and questionnaire.by_id[key].safety
        and questionnaire.by_id[key].type == "yes_no"
        else value
        for key, value in BASELINE.items()
    }
    values.update(pregnant="not_sure", bleeding_disorder="not_sure")
    answers = validate_answers({"answers": values}, questionnaire)
    assessment = assess(answers, questionnaire)
    assert len(assessment.flags) > 15
    rows = last_rows(assessment, questionnaire)
    assert_summary_in(rows, assessment)
    assert f"the {len(assessment.flags)} points listed above" in " ".join(rows)

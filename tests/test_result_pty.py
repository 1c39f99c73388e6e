"""The patient's terminal at 80x24 (issue 13): the command printed to continue a stopped
screening works exactly as printed and keeps the handout first asked for, and the result ends
on a summary that stays in view."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from suitability import Questionnaire, assess
from suitability.answers import validate_answers
from suitability.render import FIT_WORDS, VERDICT_WORDS, short_name

from .conftest import ROOT
from .helpers import BASELINE
from .screen_harness import ENTER
from .terminal80 import SUITABILITY, Terminal, answer, squashed

pytestmark = pytest.mark.pty

# Unsure on two safety questions: things to mention, answers the practitioner will ask about,
# and a caution on every treatment.
PERSON = {
    **BASELINE,
    "goals": ["hydration_radiance", "fine_lines"],
    "pregnant": "not_sure",
    "bleeding_disorder": "prefer_not_to_say",
    "cold_sores": "yes",
    "notes": "first visit",
}


def test_stopped_screening__the_printed_command_continues_it_and_writes_the_handout(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    handout, state = tmp_path / "handout.md", tmp_path / "state"
    # As the README says: from the folder of the clone, which is where the hint is read.
    term = Terminal(["./scripts/screen", "--save", str(handout)], state)
    earlier = answer(term, questionnaire, PERSON, upto=6)
    term.wait_for(
        next(q.label for q in questionnaire.questions if q.id not in earlier and q.id in PERSON)
    )
    term.interrupt()
    assert term.ended() == 130
    rows = term.lines
    at = rows.index("To continue later, type:")
    command = rows[at + 1]
    assert command == "    ./scripts/screen --continue", term.text
    assert not any(row.endswith("\\") for row in rows[at:])  # one line: nothing to join

    again = Terminal(["bash", "-c", command], state)  # typed as printed
    again.wait_for(f"with {len(earlier)} answers kept")
    again.wait_for(f"Your results will be saved as you first asked: the handout to {handout}")
    answer(again, questionnaire, PERSON, start=earlier)
    again.wait_for("Review your answers")
    again.send(ENTER)
    assert again.ended() == 0, again.text
    text = handout.read_text(encoding="utf-8")
    assert "My notes for the practitioner: first visit" in text
    assert oct(handout.stat().st_mode & 0o777) == "0o600"
    assert list((state / "suitability").glob("*.partial.json")) == []  # nothing left to continue


def test_result__the_last_screen_holds_the_summary_and_no_practitioner_details(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    handout = tmp_path / "h.md"
    term = Terminal([*SUITABILITY, "screen", "--save", str(handout)], tmp_path / "state")
    answer(term, questionnaire, PERSON)
    term.wait_for("Review your answers")
    term.send(ENTER)
    assert term.ended() == 0, term.text

    expected = assess(validate_answers({"answers": PERSON}, questionnaire), questionnaire)
    rows = term.lines  # the 24 rows left in view once the screening has ended
    assert "Your summary" in term.text
    assert "Treatment          Screening result      Fit with your plans  To clarify" in rows
    for v in expected.verdicts.values():
        assert v.verdict != "not_relevant"
        [row] = [r for r in rows if r.startswith(short_name(v.name) + " ")]
        assert VERDICT_WORDS[v.verdict] in row and FIT_WORDS[v.fit] in row, term.text
    mention = squashed(term.text)
    for flag in expected.flags:
        assert squashed(flag.title) in mention, flag.title
    for label in ("Are you pregnant, or might you be?", "bleeding or clotting disorder"):
        assert squashed(label) in mention
    assert squashed("Handout saved to") in mention
    # Rule ids and hashes are for the practitioner: in the handout, never on this screen.
    everything = term.transcript
    assert expected.rules.content_hash not in everything
    assert "For the practitioner" not in everything
    rules = {r.rule for v in expected.verdicts.values() for r in [*v.reasons, *v.fit_reasons]}
    assert rules and not [rule for rule in rules if rule in everything]
    assert expected.rules.content_hash in handout.read_text(encoding="utf-8")


def test_scripts_screen__runs_in_the_callers_folder_and_prints_the_command_as_typed(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    (tmp_path / "mine").mkdir()  # a folder of the caller's, not of the clone
    script = str(ROOT / "scripts" / "screen")
    term = Terminal([script, "--save", "mine/h.md"], tmp_path / "state", cwd=tmp_path)
    answer(term, questionnaire, PERSON, upto=1)
    term.wait_for(questionnaire.questions[1].label)
    term.interrupt()
    assert term.ended() == 130
    rows = term.lines
    assert rows[rows.index("To continue later, type:") + 1] == f"    {script} --continue"
    [saved] = (tmp_path / "state" / "suitability").glob("*.partial.json")
    outputs = json.loads(saved.read_text(encoding="utf-8"))["outputs"]
    assert outputs == {"save": str(tmp_path / "mine" / "h.md")}

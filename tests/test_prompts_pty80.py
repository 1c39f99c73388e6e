"""The prompts as a person meets them in a real 80x24 terminal (issue 13): no word of any label,
help text or option of the shipped questionnaire broken across rows, no option cut at the edge,
a refused answer told on the rows just below its question in plain words, a prompt drawn once
after a resize, and a review whose answers are whole and whose instructions stay in view."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from suitability import Questionnaire
from suitability._values import SPECIAL_LABELS

from .helpers import BASELINE
from .screen_harness import DOWN, ENTER, UP, keys_for
from .terminal80 import SUITABILITY, Terminal

pytestmark = pytest.mark.pty

# Every question shown: the answers that reveal each follow-up question.
EVERYONE: dict[str, Any] = {
    **BASELINE,
    "goals": ["hydration_radiance", "fine_lines", "expression_lines"],
    "isotretinoin": "past",
    "isotretinoin_months": 6,
    "recent_facial_treatment": "yes",
    "recent_facial_treatment_days": 30,
    "recent_facial_surgery": "yes",
    "recent_facial_surgery_days": 45,
    "has_event": "yes",
    "event_date": (dt.date.today() + dt.timedelta(days=60)).isoformat(),
    "notes": "first visit",
}
AGE_REFUSED = (
    "Please type a whole number from 10 to 110 years, for example 52, or 'not sure' or "
    "'prefer not to say'."
)


def words(lines: list[str]) -> set[str]:
    return {word for line in lines for word in line.split()}


def flat(lines: list[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(lines))


def progress(q: Questionnaire, question: Any, given: dict[str, Any]) -> str:
    shown = [x for x in q.questions if q.visible(x, given)]
    return f"question {shown.index(question) + 1} of about {len(shown)}]"


def options_of(question: Any, has_history: bool) -> list[Any]:
    options: list[Any] = list(question.choice_ids) + list(question.special_values)
    if question.help:
        options.append("help")
    if has_history:
        options.append("back")
    return options


def test_whole_questionnaire_at_80_columns__breaks_no_word_and_the_review_keeps_its_instructions(
    tmp_path: Path, questionnaire: Questionnaire
) -> None:
    term = Terminal([*SUITABILITY, "screen"], tmp_path / "state")
    broken: list[str] = []
    given: dict[str, Any] = {}
    try:
        for question in questionnaire.questions:
            if not questionnaire.visible(question, given):
                continue
            seen = words(term.wait_for(progress(questionnaire, question, given)))
            options = options_of(question, bool(given))
            if question.kind.prompt != "text" and len(options) > 1:
                # The list may be taller than the rows left: its end is scrolled into view.
                term.send(DOWN * (len(options) - 1))
                term.settle()
                seen |= words(term.lines)
                term.send(UP * (len(options) - 1))
                term.settle()
            texts = [question.label]
            texts += [question.choice_label(c) for c in question.choice_ids]
            if question.kind.prompt != "text":  # typed, at a text prompt: its hint says so
                texts += [SPECIAL_LABELS[s] for s in question.special_values]
            if question.help:
                if question.kind.prompt == "text":
                    term.send("?" + ENTER)
                else:
                    term.send(DOWN * options.index("help") + ENTER)
                seen |= words(term.wait_for(" ".join(question.help.split()[:2])))
                texts.append(question.help)
            for text in texts:
                missing = [w for w in text.split() if w not in seen]
                if missing:
                    broken.append(f"{question.id}: {missing} in {text!r}\n{term.text}")
            value = EVERYONE.get(question.id)
            term.send(keys_for(question, value, has_history=bool(given)))
            given[question.id] = value
        assert set(given) == {q.id for q in questionnaire.questions}  # every question shown
        assert broken == [], "\n\n".join(broken)

        review = term.wait_for("Review your answers")
        instructions = "(choose an answer to change it, or submit; arrows, then Enter)"
        top = review.index(" Review your answers")
        assert instructions in flat(review[top : top + 3])
        goals = questionnaire.by_id["goals"]
        chosen = "; ".join(goals.choice_label(c) for c in EVERYONE["goals"])
        assert f"{goals.label} -> {chosen}" in flat(review)  # whole, wrapped, not cut
        term.send(UP)  # from the top round to the end, which scrolls under the instructions
        term.settle()
        assert term.lines[0] == " Review your answers"
        assert instructions in flat(term.lines[:3])
        assert "» <- Go back to the previous question" in term.text  # the list's end
    finally:
        term.close()


def test_refused_answer__is_told_in_plain_words_on_the_rows_below_its_question(
    tmp_path: Path,
) -> None:
    term = Terminal([*SUITABILITY, "screen"], tmp_path / "state")
    try:
        term.wait_for("How old are you?")
        term.send("abc" + ENTER)
        screen = term.wait_for("Please type")
        label, message = term.row_of("How old are you?"), term.row_of("Please type")
        assert 0 < message - label <= 3, term.text
        assert AGE_REFUSED in flat(screen[message : message + 3])
        assert "expected" not in term.text and "got 'abc'" not in term.text
    finally:
        term.close()


@pytest.mark.parametrize("typed", ["1e2", "+52", "52.0"])
def test_whole_number_typed_otherwise_than_as_digits__is_refused_at_the_prompt(
    tmp_path: Path, typed: str
) -> None:
    term = Terminal([*SUITABILITY, "screen"], tmp_path / "state")
    try:
        term.wait_for("How old are you?")
        term.send(typed + ENTER)
        term.wait_for("Please type")
        assert "question 2 of" not in term.text  # still asking the age
        term.send("\x15" + "52" + ENTER)  # Ctrl-U clears the line
        term.wait_for("question 2 of")
    finally:
        term.close()


def test_resize__draws_the_prompt_once_and_wraps_options_again(tmp_path: Path) -> None:
    term = Terminal([*SUITABILITY, "screen"], tmp_path / "state")
    try:
        term.wait_for("How old are you?")
        term.send("52" + ENTER)
        term.wait_for("question 2 of")
        for rows, columns in ((20, 80), (24, 60), (24, 80)):
            term.resize(rows, columns)
            term.settle()
            lines = term.lines
            assert sum("question 2 of" in line for line in lines) == 1, term.text
            assert sum("Dull or dry-looking skin" in line for line in lines) == 1, term.text
            assert max(len(line) for line in lines) <= columns
            assert {"(crow's", "feet)"} <= words(lines), term.text
    finally:
        term.close()


def test_tick_list_message__is_told_under_its_question_not_under_its_options(
    tmp_path: Path,
) -> None:
    term = Terminal([*SUITABILITY, "screen"], tmp_path / "state")
    try:
        term.wait_for("How old are you?")
        term.send("52" + ENTER)
        term.wait_for("question 2 of")
        term.send(ENTER)  # nothing ticked
        term.wait_for("Press Space to tick")
        label = term.row_of("What would you like to improve?")
        assert term.row_of("Press Space to tick") == label + 1, term.text
        assert sum("Press Space to tick" in line for line in term.lines) == 1
        term.send(" " + ENTER)
        term.wait_for("question 3 of")
    finally:
        term.close()

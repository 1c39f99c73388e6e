"""How the prompter fits text to the screen (issue 13), in-process: wrapping between words, again
at each redraw's width, and a prompt laid out so that nothing stretches to the bottom rows."""

from __future__ import annotations

from typing import Any

import pytest
import questionary
from prompt_toolkit.input.defaults import create_pipe_input
from prompt_toolkit.output import DummyOutput

from suitability import screen
from suitability.screen import _fit_to_screen, _wrap, _Wrapping

LABEL = (
    "Do you have a bleeding or clotting disorder (for example haemophilia or von Willebrand "
    "disease)?"
)


@pytest.mark.parametrize("width", [20, 37, 60, 78])
def test_wrap__breaks_lines_between_words_only(width: int) -> None:
    lines = _wrap(LABEL, width).split("\n")
    assert all(len(line) <= width for line in lines)
    assert " ".join(lines).split() == LABEL.split()


def test_wrap__indents_the_rows_after_the_first_and_keeps_a_long_word_whole() -> None:
    text = "Lines that deepen when you frown, raise your eyebrows or smile (crow's feet)"
    assert _wrap(text, 40, 5).split("\n") == [
        "Lines that deepen when you frown,",
        "     raise your eyebrows or smile",
        "     (crow's feet)",
    ]
    assert _wrap("a " + "x" * 30 + " b", 20) == "a\n" + "x" * 30 + "\nb"
    assert _wrap("first\n\nthird", 20) == "first\n\nthird"


def test_wrapping_text__wraps_at_the_width_of_each_redraw(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _Wrapping(LABEL, 3)
    monkeypatch.setattr(screen, "_columns", lambda: 80)
    wide = f" {text} "
    monkeypatch.setattr(screen, "_columns", lambda: 40)
    narrow = f" {text} "
    assert wide.count("\n") == 1 and narrow.count("\n") == 2
    assert str(text) == LABEL  # the value itself, as compared and searched, is unchanged


def test_fitted_prompt__stretches_nothing_and_gives_its_message_room(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prompt_toolkit.layout.controls import FormattedTextControl

    with create_pipe_input() as pipe:
        question = questionary.text("Age?", input=pipe, output=DummyOutput())
        app: Any = question.application
        _fit_to_screen(app)
        windows = list(app.layout.find_all_windows())
        assert all(w.dont_extend_height() for w in windows)
        toolbar = [
            w
            for w in windows
            if isinstance(w.content, FormattedTextControl)
            and getattr(w.content.text, "__qualname__", "").startswith("ValidationToolbar")
        ]
        assert len(toolbar) == 1
        assert toolbar[0].height.max > 1  # a wrapped message is shown whole

        done: list[str] = []
        monkeypatch.setattr(app.renderer, "clear", lambda: done.append("clear"))
        monkeypatch.setattr(app, "_redraw", lambda: done.append("redraw"))
        app._on_resize()
        assert done == ["clear", "redraw"]


def test_tick_list_message__moves_under_the_label_only_in_the_layout_it_knows() -> None:
    from suitability.screen import _message_under_label

    with create_pipe_input() as pipe:
        other = _Wrapping("Age?\n")
        typed: Any = questionary.text(other, input=pipe, output=DummyOutput())
        _message_under_label(typed.application, other)
        assert other.after() is None and f"{other}" == "Age?\n"

        shown = _Wrapping("Goals?\n")
        ticks: Any = questionary.checkbox(
            shown, choices=["a", "b"], validate=lambda _s: "Tick one.", input=pipe,
            output=DummyOutput(),
        )  # fmt: skip
        _message_under_label(ticks.application, shown)
        bottom = ticks.application.layout.container.children[-1]
        assert not bottom.filter()  # the message is no longer drawn under the options
        control = next(
            w.content
            for w in ticks.application.layout.find_all_windows()
            if type(w.content).__name__ == "InquirerControl"
        )
        control.error_message = [("class:validation-toolbar", "Tick one.")]
        assert f"{shown}" == "Goals?\nTick one.\n"

"""The intake's prompter on a terminal: an end of input read while the terminal is still there
(a Ctrl-D typed between two prompts) draws the prompt again, a bounded number of times, while
the ``screen`` prompter and any piped input keep ending on it."""

from __future__ import annotations

import io
from typing import Any

import pytest

from suitability import screen
from suitability.screen import Prompter


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def eofs_then(prompter: Prompter, count: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    runs: list[int] = []

    def run(_question: Any) -> str:
        runs.append(1)
        if len(runs) <= count:
            raise EOFError
        return "answered"

    monkeypatch.setattr(prompter, "_run", run)
    monkeypatch.setattr(screen.sys, "stdin", Tty())
    return runs


def test_intake_prompter__stray_ends_of_input_on_a_terminal_are_not_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prompter = Prompter(ctrl_d_ends=False)
    runs = eofs_then(prompter, 2, monkeypatch)
    assert prompter.select("Welcome", [("Start", "start")]) == "answered"
    assert len(runs) == 3


def test_intake_prompter__a_terminal_that_only_ends_stops_in_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prompter = Prompter(ctrl_d_ends=False)
    runs = eofs_then(prompter, 10_000, monkeypatch)
    with pytest.raises(EOFError):
        prompter.text("Type CLOSE", "", lambda _t: True, "")
    assert len(runs) == Prompter.STRAY_EOF_LIMIT + 1


def test_screen_prompter__ends_at_the_first_end_of_input(monkeypatch: pytest.MonkeyPatch) -> None:
    prompter = Prompter()
    runs = eofs_then(prompter, 1, monkeypatch)
    with pytest.raises(EOFError):
        prompter.checkbox("Goals", [("Volume", "volume")], set(), lambda _s: True)
    assert len(runs) == 1

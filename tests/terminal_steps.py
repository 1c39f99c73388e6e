"""Runs ``screen`` or ``intake`` in-process with scripted keys, where a script entry may also be
IDLE (the prompt times out) or a callable (run just before its prompt, returning the keys):
for steps that depend on the moment, such as advancing a clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.input.defaults import create_pipe_input

from suitability import _cli_screen, screen
from suitability.cli import main

from .screen_harness import ScriptedPrompter

IDLE = "<idle timeout>"


class Steps(ScriptedPrompter):
    def _next(self, message: str) -> None:
        if self.script and callable(self.script[0]):
            self.script[0] = self.script[0]()
        if self.script and self.script[0] == IDLE:
            self.messages.append(message)
            self.script.pop(0)
            raise screen.IdleTimeout
        super()._next(message)


Runner = Callable[[list[str], list[Any]], tuple[int, Steps]]


def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runner:
    """``go(args, script)`` runs the command and checks that the whole script was used."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(_cli_screen, "_needs_terminal", lambda _command: None)

    def go(args: list[str], script: list[Any]) -> tuple[int, Steps]:
        with create_pipe_input() as pipe:
            prompter = Steps(pipe, script)
            monkeypatch.setattr(screen, "Prompter", lambda **_options: prompter)
            code = main(args)
        assert prompter.script == [], f"stopped before the script's end: {prompter.messages}"
        return code, prompter

    return go

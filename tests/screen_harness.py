"""Drives the real questionary prompts headlessly: a prompt_toolkit pipe input gets the keys
for each prompt just before it is drawn, and DummyOutput swallows the drawing."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from prompt_toolkit.input.defaults import create_pipe_input
from prompt_toolkit.output import DummyOutput

from suitability.screen import Prompter

ENTER = "\r"
DOWN = "\x1b[B"
UP = "\x1b[A"
SPACE = " "
CTRL_C = "\x03"
EOF = "<end of input>"  # a script entry that closes the pipe, as when stdin ends
# Script entries that close the terminal (SIGHUP): while the prompt waits for a key, or
# before it is drawn.
HANG_UP = "<hang up while waiting>"
HANG_UP_NOW = "<hang up now>"


class ScriptedPrompter(Prompter):
    """Sends the next scripted keys before each prompt; records every prompt's message."""

    def __init__(self, pipe: Any, script: list[str]) -> None:
        super().__init__(input=pipe, output=DummyOutput())
        self.pipe = pipe
        self.script = list(script)
        self.messages: list[str] = []
        self.last_choices: list[tuple[str, Any]] = []

    def _next(self, message: str) -> None:
        self.messages.append(message)
        if not self.script:
            raise AssertionError(f"the script ran out at: {message}")
        keys = self.script.pop(0)
        if keys == EOF:
            self.pipe.close()
        elif keys == HANG_UP:
            threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGHUP)).start()
        elif keys == HANG_UP_NOW:
            os.kill(os.getpid(), signal.SIGHUP)
        else:
            self.pipe.send_text(keys)

    def select(
        self,
        message: str,
        choices: list[tuple[str, Any]],
        default: Any = None,
        instruction: str | None = None,
    ) -> Any:
        self.last_choices = choices
        self._next(message)
        return super().select(message, choices, default, instruction)

    def checkbox(
        self, message: str, choices: list[tuple[str, Any]], checked: set[Any], validate: Any
    ) -> list[Any]:
        self.last_choices = choices
        self._next(message)
        return super().checkbox(message, choices, checked, validate)

    def text(self, message: str, default: str, validate: Any, instruction: str) -> str:
        self._next(message)
        return super().text(message, default, validate, instruction)


@contextmanager
def scripted(script: list[str]) -> Iterator[ScriptedPrompter]:
    with create_pipe_input() as pipe:
        yield ScriptedPrompter(pipe, script)


def pick(n: int) -> str:
    """Keys to choose the n-th option (0-based) of a select prompt from the top."""
    return DOWN * n + ENTER


def tick(*positions: int) -> str:
    """Keys to tick checkbox options at ``positions`` (0-based, ascending) and submit."""
    keys, at = "", 0
    for position in positions:
        keys += DOWN * (position - at) + SPACE
        at = position
    return keys + ENTER


def keys_for(question: Any, value: Any, *, has_history: bool, current: Any = None) -> str:
    """The keys that give ``value`` at ``question``'s prompt (options drawn as the driver draws
    them: choices, then 'not sure' / 'prefer not to say', then help, then back)."""
    from suitability.screen import BACK, HELP

    options: list[Any] = list(question.choice_ids) + list(question.special_values)
    if question.help:
        options.append(HELP)
    if has_history:
        options.append(BACK)
    if question.type in ("yes_no", "single_choice"):
        start = options.index(current) if current in options else 0
        target = options.index(value)
        return (DOWN * (target - start) if target >= start else UP * (start - target)) + ENTER
    if question.type == "multiple_choice":
        wanted = set(value if isinstance(value, list) else [value])
        already = set(current if isinstance(current, list) else [current] if current else [])
        return tick(*sorted(options.index(v) for v in wanted ^ already))  # Space toggles
    if value is BACK:
        return "<" + ENTER
    return f"{value}{ENTER}"


def answer_shown(
    q: Any,
    values: dict[str, Any],
    wait: Callable[[str], object],
    send: Callable[[str], object],
    *,
    upto: int | None = None,
    start: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Answers the questions the screening shows, in order (at most ``upto``): ``wait`` for
    each label, then ``send`` the keys for its value in ``values`` (Enter when it has none).
    The answers given, with ``start``'s, are returned."""
    given = dict(start or {})
    count = 0
    for question in q.questions:
        if question.id in given or not q.visible(question, given):
            continue
        if upto is not None and count == upto:
            break
        wait(question.label)
        value = values.get(question.id)
        send(keys_for(question, value, has_history=bool(given)) if value is not None else ENTER)
        if value is not None:
            given[question.id] = value
        count += 1
    return given

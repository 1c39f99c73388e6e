"""A command in a real pseudo-terminal of 80 columns and 24 rows, read back as a person sees
it: pyte replays everything the program wrote (cursor moves, clears, wrapping) onto a screen."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pexpect
import pyte

from suitability import Questionnaire

from .screen_harness import ENTER, keys_for

ROWS, COLUMNS = 24, 80


def squashed(text: str) -> str:
    """Text without any whitespace: a label wrapped over several rows still matches."""
    return re.sub(r"\s+", "", text)


class Terminal:
    def __init__(self, program: str, args: list[str], cwd: Path, state: Path) -> None:
        env = {
            **os.environ,
            "XDG_STATE_HOME": str(state),
            "NO_COLOR": "1",
            "TERM": "xterm",
            "PROMPT_TOOLKIT_NO_CPR": "1",
            "COLUMNS": str(COLUMNS),
            "LINES": str(ROWS),
        }
        env.pop("SUITABILITY_SCREEN_COMMAND", None)
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.Stream(self.screen)
        self.written: list[str] = []  # everything, for the messages of failed assertions
        self.child = pexpect.spawn(
            program, args, cwd=str(cwd), env=env, dimensions=(ROWS, COLUMNS),
            encoding="utf-8", timeout=30,
        )  # fmt: skip

    def _read(self, timeout: float) -> bool:
        """Feeds what the program wrote to the screen; False once it has ended."""
        try:
            chunk = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            return False
        self.written.append(chunk)
        self.stream.feed(chunk)
        return True

    @property
    def rows(self) -> list[str]:
        return [row.rstrip() for row in self.screen.display]

    def shown(self) -> str:
        return "\n".join(self.rows)

    def wait_for(self, text: str, tries: int = 300) -> None:
        for _ in range(tries):
            if squashed(text) in squashed(self.shown()):
                return
            if not self._read(0.1):
                break
        if squashed(text) in squashed(self.shown()):
            return
        raise AssertionError(f"{text!r} never shown; the screen:\n{self.shown()}")

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def interrupt(self) -> None:
        self.child.sendintr()

    def ended(self) -> int:
        """Reads to the end; the exit status."""
        while self._read(1.0):
            pass
        self.child.close()
        status: Any = self.child.exitstatus
        assert isinstance(status, int), f"ended by a signal; the screen:\n{self.shown()}"
        return status


def answer(
    term: Terminal,
    q: Questionnaire,
    values: dict[str, Any],
    *,
    upto: int | None = None,
    start: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Answers the shown questions in order (at most ``upto``), each once its label is on the
    screen."""
    given = dict(start or {})
    count = 0
    for question in q.questions:
        if question.id in given or not q.visible(question, given):
            continue
        if upto is not None and count == upto:
            break
        term.wait_for(question.label)
        value = values.get(question.id)
        term.send(
            keys_for(question, value, has_history=bool(given)) if value is not None else ENTER
        )
        if value is not None:
            given[question.id] = value
        count += 1
    return given

"""A real pseudo-terminal of 80 columns by 24 rows, read as a person sees it: everything the
program writes (cursor moves, clears, wrapping) goes through a terminal emulator (pyte), which
also answers the cursor-position requests that prompt_toolkit sends, as a real terminal does."""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pexpect
import pyte

from suitability import Questionnaire

from .conftest import ROOT
from .screen_harness import answer_shown

COLUMNS, ROWS = 80, 24
SUITABILITY = [sys.executable, "-m", "suitability"]  # the command, as the clone runs it


def squashed(text: str) -> str:
    """Text without any whitespace: a label wrapped over several rows still matches."""
    return re.sub(r"\s+", "", text)


class _Screen(pyte.Screen):  # type: ignore[misc]
    def __init__(self, columns: int, rows: int) -> None:
        super().__init__(columns, rows)
        self.replies: list[str] = []

    def write_process_input(self, data: str) -> None:
        self.replies.append(data)


class Terminal:
    """``command`` run in an 80x24 pty from ``cwd``, with its own state folder ``state``;
    :meth:`wait_for` reads until the screen shows a text, :attr:`lines` is the screen as drawn
    and :attr:`transcript` everything written."""

    def __init__(
        self,
        command: list[str],
        state: Path,
        *,
        cwd: Path = ROOT,
        env: dict[str, str] | None = None,
    ) -> None:
        self.screen = _Screen(COLUMNS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.transcript = ""
        environment = {
            **os.environ,
            "XDG_STATE_HOME": str(state),
            "NO_COLOR": "1",
            "TERM": "xterm",
            **(env or {}),
        }
        # The terminal's own size, and its answers to cursor-position requests, as a person's;
        # the resume hint as scripts/screen would set it only when run through it.
        for name in ("PROMPT_TOOLKIT_NO_CPR", "COLUMNS", "LINES", "SUITABILITY_SCREEN_COMMAND"):
            if name not in (env or {}):
                environment.pop(name, None)
        self.child = pexpect.spawn(
            command[0], command[1:], cwd=str(cwd), env=environment,
            dimensions=(ROWS, COLUMNS), timeout=30,
        )  # fmt: skip

    # ------------------------------------------------------------------ reading

    def _pump(self, wait: float) -> bool:
        """Feeds what the program wrote to the screen; False when nothing came in ``wait``.
        Raises pexpect.EOF once the program has ended and everything was read."""
        try:
            data: bytes = self.child.read_nonblocking(65536, timeout=wait)
        except pexpect.TIMEOUT:
            return False
        self.transcript += data.decode("utf-8", "replace")
        self.stream.feed(data)
        for reply in self.screen.replies:
            self.child.send(reply)
        self.screen.replies.clear()
        return True

    @property
    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, wanted: str, timeout: float = 30) -> list[str]:
        """Reads until ``wanted`` is on the screen (wrapped over rows or not), then until the
        output pauses, so that the screen is complete; returns the screen's rows."""
        deadline = time.monotonic() + timeout
        while squashed(wanted) not in squashed(self.text):
            if time.monotonic() > deadline:
                raise AssertionError(f"never shown: {wanted!r}\nscreen:\n{self.text}")
            try:
                self._pump(0.2)
            except pexpect.EOF:
                raise AssertionError(
                    f"ended before showing {wanted!r}\nscreen:\n{self.text}"
                ) from None
        self.settle()
        return self.lines

    def settle(self) -> None:
        """Reads until nothing more comes for a moment."""
        with_more = True
        while with_more:
            try:
                with_more = self._pump(0.3)
            except pexpect.EOF:
                return

    def row_of(self, wanted: str) -> int:
        rows = [i for i, line in enumerate(self.lines) if wanted in line]
        assert rows, f"not on the screen: {wanted!r}\nscreen:\n{self.text}"
        return rows[-1]

    # ------------------------------------------------------------------ typing

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def interrupt(self) -> None:
        self.child.sendintr()

    def resize(self, rows: int, columns: int) -> None:
        self.screen.resize(rows, columns)
        self.child.setwinsize(rows, columns)
        self.child.kill(signal.SIGWINCH)

    # ------------------------------------------------------------------ ending

    def ended(self, timeout: float = 30) -> int:
        """Reads to the program's end; its exit status."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self._pump(0.5)
        except pexpect.EOF:
            pass
        self.child.close()
        status: Any = self.child.exitstatus
        assert isinstance(status, int), f"did not end by itself; the screen:\n{self.text}"
        return status

    def close(self) -> Any:
        if self.child.isalive():
            self.child.kill(signal.SIGTERM)
        self.child.close()
        return self.child.exitstatus


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
    return answer_shown(q, values, term.wait_for, term.send, upto=upto, start=start)

"""A real pseudo-terminal of 80 columns by 24 rows, read as a person sees it: the program's output
goes through a terminal emulator (pyte), which also answers the cursor-position requests that
prompt_toolkit sends, as a real terminal does."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pexpect
import pyte

from .conftest import ROOT

COLUMNS, ROWS = 80, 24


class _Screen(pyte.Screen):  # type: ignore[misc]
    def __init__(self, columns: int, rows: int) -> None:
        super().__init__(columns, rows)
        self.replies: list[str] = []

    def write_process_input(self, data: str) -> None:
        self.replies.append(data)


class Terminal:
    """``suitability ARGS`` in an 80x24 pty; :meth:`wait_for` reads until the screen shows a
    text, and :attr:`lines` is the screen as drawn."""

    def __init__(self, args: list[str], tmp_path: Path, *, env: dict[str, str] | None = None):
        self.screen = _Screen(COLUMNS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.transcript = ""
        environment = {
            **os.environ,
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "NO_COLOR": "1",
            "TERM": "xterm",
            **(env or {}),
        }
        # The terminal's own size, and its answers to cursor-position requests, as a person's.
        for name in ("PROMPT_TOOLKIT_NO_CPR", "COLUMNS", "LINES"):
            environment.pop(name, None)
        self.child = pexpect.spawn(
            sys.executable, ["-m", "suitability", *args], cwd=str(ROOT), env=environment,
            dimensions=(ROWS, COLUMNS), timeout=20,
        )  # fmt: skip

    # ------------------------------------------------------------------ reading

    def _pump(self, wait: float) -> bool:
        try:
            data: bytes = self.child.read_nonblocking(65536, timeout=wait)
        except pexpect.TIMEOUT:
            return False
        except pexpect.EOF:
            raise
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

    def wait_for(self, wanted: str, timeout: float = 20) -> list[str]:
        """Reads until ``wanted`` is on the screen (within one row), then until the output
        pauses, so that the screen is complete; returns the screen's rows."""
        deadline = time.monotonic() + timeout
        while not any(wanted in line for line in self.lines):
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

    def resize(self, rows: int, columns: int) -> None:
        self.screen.resize(rows, columns)
        self.child.setwinsize(rows, columns)
        self.child.kill(signal.SIGWINCH)

    def close(self) -> Any:
        if self.child.isalive():
            self.child.kill(signal.SIGTERM)
        self.child.close()
        return self.child.exitstatus

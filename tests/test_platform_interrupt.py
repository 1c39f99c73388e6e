"""Ctrl-C at any moment of a command's start never prints a Python traceback."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT

#: The installed console script: the entry point a person actually runs.
COMMAND = Path(sys.executable).parent / "suitability"
RUNS = 24
#: Ctrl-C from 0 to 250 ms after the start, when the heavy imports run.
DELAYS = [0.25 * i / (RUNS - 1) for i in range(RUNS)]


_FRAME = re.compile(r'^  File "([^"]+)"', re.MULTILINE)
#: The only files that run before the entry point's own handling starts: the console script,
#: and the two tiny modules it imports (the package's ``__init__`` imports nothing heavy).
_START = (str(COMMAND), "suitability/__init__.py", "suitability/_entry.py")


def _in_python_start_up(stderr: str) -> bool:
    """A Ctrl-C while CPython itself starts (before it has opened its streams or imported
    ``site``: "Fatal Python error: init_...") or while the console script imports the entry
    point is beyond any program's reach; anything later is the command's to handle. Before the
    entry point was made small, the package's imports (pydantic, rich...) ran in that window."""
    if stderr.startswith("Fatal Python error: init_"):
        return True
    frames = _FRAME.findall(stderr)
    return bool(frames) and all(f.startswith("<frozen") or f.endswith(_START) for f in frames)


def _args(name: str) -> list[str]:
    if name == "assess":
        return ["assess", str(next(p for p in EXAMPLES if p.name.startswith("dana")))]
    return [name]


def _run(args: list[str], delay: float | None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.Popen(
        [str(COMMAND), *args], cwd=ROOT, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    if delay is not None:
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize("name", ["validate", "assess", "rules", "screen"])
def test_ctrl_c_in_the_first_quarter_second__never_prints_a_traceback(name: str) -> None:
    assert COMMAND.is_file()
    normal = _run(_args(name), None).returncode  # screen with no terminal: exit 2
    # An interrupt that lands before Python has set up its own handling (or after the command
    # has finished) ends the process by the signal itself: the shell shows that as 130 too.
    allowed = {normal, 130, -signal.SIGINT}
    for delay in DELAYS:
        done = _run(_args(name), delay)
        if _in_python_start_up(done.stderr):
            continue
        assert "Traceback" not in done.stderr, (delay, done.stderr)
        assert "Exception ignored" not in done.stderr, (delay, done.stderr)
        assert done.returncode in allowed, (delay, done.returncode, done.stderr)
        if done.returncode == 130:
            assert done.stderr.strip().endswith("Interrupted."), done.stderr


def test_importing_the_entry_point__loads_nothing_heavy() -> None:
    # What runs before the entry point can catch Ctrl-C: it must stay a few milliseconds.
    code = (
        "import sys, suitability._entry\n"
        "print(sorted(m for m in ('pydantic', 'rich', 'durable', 'ruamel', 'typing') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_public_names__still_import_from_the_package() -> None:
    import suitability

    for name in suitability.__all__:
        assert getattr(suitability, name) is not None
    assert set(suitability.__all__) <= set(dir(suitability))
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = suitability.nothing  # type: ignore[attr-defined]

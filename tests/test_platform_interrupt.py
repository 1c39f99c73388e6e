"""Ctrl-C at any moment of a command's start never prints a Python traceback."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any

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


#: Python reports an interrupt while its ``site`` runs a ``.pth`` file (coverage installs one),
#: while it sets up the warnings that PYTHONWARNINGS asks for, or in its import system's own
#: weak-reference callback while the console script imports the entry point, and carries on:
#: the command then runs as usual.
_START_UP_REPORTS = re.compile(
    r"^(Error processing line \d+ of .*?Remainder of file ignored\n"
    r"|'import warnings' failed; traceback:\nTraceback \(most recent call last\):\n"
    r"(?:  .*\n)*KeyboardInterrupt\n"
    r"|Exception ignored in: <function _WeakValueDictionary\.__init__\.<locals>\.KeyedRef\.remove"
    r" at 0x[0-9a-f]+>\nTraceback \(most recent call last\):\n(?:  .*\n)*KeyboardInterrupt: ?\n)",
    re.DOTALL,
)


def _without_start_up_reports(stderr: str) -> str:
    return _START_UP_REPORTS.sub("", stderr, count=1)


def _in_python_start_up(stderr: str) -> bool:
    """A Ctrl-C while CPython itself starts (before it has opened its streams or imported
    ``site``: "Fatal Python error: init_...") or while the console script imports the entry
    point is beyond any program's reach; anything later is the command's to handle. Before the
    entry point was made small, the package's imports (pydantic, rich...) ran in that window."""
    if stderr.startswith("Fatal Python error: init_"):
        return True
    # CPython's own word for an interrupt while it runs ``site`` before the program (no
    # traceback, exit 1), seen within the first ~15 ms on a loaded machine.
    if stderr == "KeyboardInterrupt\n":
        return True
    frames = _FRAME.findall(stderr)
    return bool(frames) and all(
        f.startswith("<frozen") or f.endswith(_START) or _in_standard_library(f) for f in frames
    )


def _in_standard_library(path: str) -> bool:
    # Python's own start-up (site.py and what it imports, on a loaded machine) runs before any
    # line of the command's; a frame of an installed package or of the project is not this.
    stdlib = sysconfig.get_paths()["stdlib"]
    return path.startswith(stdlib + os.sep) and "site-packages" not in path


def _args(name: str) -> list[str]:
    if name == "assess":
        return ["assess", str(next(p for p in EXAMPLES if p.name.startswith("dana")))]
    return [name]


def _run(args: list[str], delay: float | None) -> subprocess.CompletedProcess[str]:
    # Without the test run's coverage measurement, whose tracer would be interrupted instead.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    proc = subprocess.Popen(
        [str(COMMAND), *args], cwd=ROOT, stdin=subprocess.DEVNULL, env=env,
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
        stderr = _without_start_up_reports(done.stderr)
        if _in_python_start_up(stderr) and ("Traceback" in stderr or done.returncode == 1):
            continue
        assert "Traceback" not in stderr, (delay, done.stderr)
        assert "Exception ignored" not in stderr, (delay, done.stderr)
        assert done.returncode in allowed, (delay, done.returncode, done.stderr)
        if done.returncode == 130:
            assert stderr.strip().endswith("Interrupted."), done.stderr


def test_importing_the_entry_point__loads_nothing_heavy() -> None:
    # What runs before the entry point can catch Ctrl-C: it must stay a few milliseconds.
    code = (
        "import sys, suitability._entry\n"
        "print(sorted(m for m in ('pydantic', 'rich', 'durable', 'ruamel') if m in sys.modules))"
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


def test_an_error_caused_by_ctrl_c__counts_as_the_interrupt() -> None:
    from suitability._entry import interrupted_by

    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            # What Python 3.10 raises when Ctrl-C lands while a class is being created.
            raise RuntimeError("Error calling __set_name__") from exc
    except RuntimeError as wrapped:
        assert interrupted_by(wrapped)
    assert not interrupted_by(RuntimeError("a real failure"))


def test_ctrl_c_where_python_cannot_raise_it__is_recorded_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from types import SimpleNamespace

    from suitability import _entry

    monkeypatch.setattr(_entry, "_interrupts", [])
    assert not _entry.interrupted()
    _entry._unraisable(SimpleNamespace(exc_type=KeyboardInterrupt))  # type: ignore[arg-type]
    assert capsys.readouterr().err == ""
    assert _entry.interrupted()
    assert _entry.interrupted_by(RuntimeError("a check that failed because of it"))


def test_a_file_left_open_by_the_interrupted_code__is_not_reported_once_interrupted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    from suitability import _entry

    reported: list[Any] = []
    monkeypatch.setattr(sys, "__unraisablehook__", reported.append)
    unclosed = SimpleNamespace(exc_type=ResourceWarning, object="a locale data file")
    monkeypatch.setattr(_entry, "_interrupts", [])
    _entry._unraisable(unclosed)  # type: ignore[arg-type]
    assert reported == [unclosed]  # not interrupted: reported as Python would
    monkeypatch.setattr(_entry, "_interrupts", [2])
    _entry._unraisable(unclosed)  # type: ignore[arg-type]
    other = SimpleNamespace(exc_type=ValueError, object="a finaliser")
    _entry._unraisable(other)  # type: ignore[arg-type]
    assert reported == [unclosed, other]  # the warning after Ctrl-C was the expected one


def test_ctrl_c_that_durable_rules_hands_over_as_an_error__stays_an_interrupt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from suitability.rules.engine import Engine

    engine = Engine()

    real = engine._ruleset.do_actions

    def do_actions(handle: object, complete: Any) -> None:
        # The actions run; then durable-rules reports a Ctrl-C met in its own code as an error.
        real(handle, lambda _error, _state: complete(KeyboardInterrupt(), None))

    monkeypatch.setattr(engine._ruleset, "do_actions", do_actions)
    with pytest.raises(KeyboardInterrupt):
        engine.run({"pregnant": "yes"})

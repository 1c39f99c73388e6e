"""The ``suitability`` command's entry point, kept tiny on purpose.

Loading the command takes a few hundred milliseconds (pydantic, the questionnaire, rich), and a
Ctrl-C during that time would otherwise print a Python traceback. Everything heavy is imported
inside ``main``, where an interrupt ends the command quietly with exit code 130.

A Ctrl-C is recorded when it arrives, because not every library lets it through: Python 3.10
wraps one raised while a class is created in a RuntimeError, compiled code may report it as an
"ignored" exception, and pydantic-core may turn one into a failed check. Whatever came of it,
the person asked to stop, so the command ends as interrupted.
"""

from __future__ import annotations

import sys

# Not `typing.TYPE_CHECKING`: importing typing takes longer than this whole module, and every
# millisecond before `main` runs is one where a Ctrl-C is Python's to report.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import FrameType

EXIT_INTERRUPTED = 130

_interrupts: list[int] = []


def main() -> int:
    try:
        # pydantic-core fetches datetime's C API when it loads; a Ctrl-C while that import runs
        # makes it panic (a PanicException and a Rust backtrace). Imported here first, it is
        # already loaded by then.
        import datetime  # noqa: F401
        import signal

        signal.signal(signal.SIGINT, _on_interrupt)
        sys.unraisablehook = _unraisable
        # pydantic loads every plugin the environment's packages declare, and a plugin sees
        # every value validated: health answers included. Finding them also reads every
        # installed package's metadata (about 5 ms of each start). This process loads none
        # unless whoever runs it sets PYDANTIC_DISABLE_PLUGINS otherwise.
        import os

        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        from .cli import main as run

        try:
            code = run()
        finally:
            # From here on a Ctrl-C (while output is flushed, or the interpreter shuts down)
            # simply ends the process: nothing is left to save, and nothing to report.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
    except BaseException as exc:
        if not interrupted_by(exc):
            raise
        return _interrupted()
    if _interrupts and code != EXIT_INTERRUPTED:
        return _interrupted()  # a Ctrl-C that a library swallowed
    return code


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    _interrupts.append(signum)
    raise KeyboardInterrupt


def _unraisable(hook: sys.UnraisableHookArgs) -> None:
    """A Ctrl-C that lands where Python cannot raise it (a callback from compiled code, a
    finaliser) would be reported as "Exception ignored" with a traceback, and lost: it is
    recorded instead, and the command ends as interrupted. (Delivering it again from here
    would raise it inside this hook, which is reported the same way.) Once interrupted, a file
    that the interrupted code had just opened is collected unclosed: its ResourceWarning (an
    error where warnings are errors, as in the test suite) is expected, and not reported."""
    if issubclass(hook.exc_type, KeyboardInterrupt):
        _interrupts.append(2)
        return
    if _interrupts and issubclass(hook.exc_type, ResourceWarning):
        return
    sys.__unraisablehook__(hook)


def interrupted() -> bool:
    """Whether the person pressed Ctrl-C during this command."""
    return bool(_interrupts)


def interrupted_by(exc: BaseException) -> bool:
    """Whether the person pressed Ctrl-C (in this command) or ``exc`` comes from one."""
    if _interrupts:
        return True
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _interrupted() -> int:
    import contextlib

    # A second Ctrl-C, or a standard error already closed, changes nothing.
    with contextlib.suppress(KeyboardInterrupt, OSError):
        sys.stderr.write("\nInterrupted.\n")
    return EXIT_INTERRUPTED

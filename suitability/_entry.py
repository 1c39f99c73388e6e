"""The ``suitability`` command's entry point, kept tiny on purpose.

Loading the command takes a few hundred milliseconds (pydantic, the questionnaire, rich), and a
Ctrl-C during that time would otherwise print a Python traceback. Everything heavy is imported
inside ``main``, where an interrupt ends the command quietly with exit code 130.
"""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130


def main() -> int:
    try:
        # pydantic-core fetches datetime's C API when it loads; a Ctrl-C while that import runs
        # makes it panic (a PanicException, which is no KeyboardInterrupt, and a Rust
        # backtrace). Imported here first, it is already loaded by then.
        import datetime  # noqa: F401
        import signal

        sys.unraisablehook = _unraisable
        from .cli import main as run

        try:
            return run()
        finally:
            # From here on a Ctrl-C (while output is flushed, or the interpreter shuts down)
            # simply ends the process: nothing is left to save, and nothing to report.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
    except BaseException as exc:
        if not interrupted_by(exc):
            raise
        return _interrupted()


def _unraisable(hook: sys.UnraisableHookArgs) -> None:
    """A Ctrl-C that lands where Python cannot raise it (a callback from compiled code, a
    finaliser) is reported as "Exception ignored" with a traceback, and lost. Delivered again
    instead, it is raised at the next line of Python, where the command handles it."""
    if issubclass(hook.exc_type, KeyboardInterrupt):
        import signal

        signal.raise_signal(signal.SIGINT)
        return
    sys.__unraisablehook__(hook)


def interrupted_by(exc: BaseException) -> bool:
    """Whether ``exc`` is a Ctrl-C, or an error it caused: Python 3.10 wraps a KeyboardInterrupt
    raised while a class is being created in a RuntimeError ("Error calling __set_name__"), so an
    interrupt during an import can surface as another exception."""
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

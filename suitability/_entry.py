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

        from .cli import main as run

        try:
            return run()
        finally:
            # From here on a Ctrl-C (while output is flushed, or the interpreter shuts down)
            # simply ends the process: nothing is left to save, and nothing to report.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
    except KeyboardInterrupt:
        return _interrupted()


def _interrupted() -> int:
    import contextlib

    # A second Ctrl-C, or a standard error already closed, changes nothing.
    with contextlib.suppress(KeyboardInterrupt, OSError):
        sys.stderr.write("\nInterrupted.\n")
    return EXIT_INTERRUPTED

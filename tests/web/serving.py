"""The real ``suitability serve`` in a child process, for tests that need what only it does:
its log lines, TLS, the address it refuses. Its output goes to files (a pipe left unread could
fill and stall the server), read once it has stopped."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

try:  # starlette's TestClient wants httpx2 where it installs (Python 3.11+); httpx before
    import httpx2 as httpx
except ImportError:  # pragma: no cover - the oldest supported Python
    import httpx  # type: ignore[no-redef]

__all__ = ["Served", "httpx", "serve"]

_ADDRESS = re.compile(r"Serving the .* at (https?://\S+?)/? ")


@dataclass
class Served:
    url: str
    out: Path
    err: Path
    process: subprocess.Popen[bytes]

    def output(self) -> str:
        """Everything the server printed, standard output and error."""
        return self.out.read_text(errors="replace") + self.err.read_text(errors="replace")


@contextmanager
def serve(folder: Path, *args: str, wait: float = 60.0) -> Iterator[Served]:
    """Starts ``suitability serve --port 0 ARGS`` and yields once it prints its address; stops
    it (SIGINT, as Ctrl-C would) on the way out."""
    out, err = folder / "serve.out", folder / "serve.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "suitability", "serve", "--port", "0", *args],
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        deadline = time.monotonic() + wait
        found = None
        while found is None:
            found = _ADDRESS.search(out.read_text(errors="replace"))
            if found is None:
                if process.poll() is not None:
                    raise AssertionError(
                        f"serve stopped ({process.returncode}): {err.read_text(errors='replace')}"
                    )
                if time.monotonic() > deadline:
                    raise AssertionError("serve printed no address: " + err.read_text())
                time.sleep(0.05)
        yield Served(found.group(1), out, err, process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

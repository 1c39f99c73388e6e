"""Shared by the records tests: a cheap password hasher, a disk that fills up, and a way to read
every byte the database keeps (main file, write-ahead log)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type

from suitability.web import passwords

# Never in a real answer: found anywhere in a file or message, it leaked.
MARKER = "Zebra-Quartz-7731"


@pytest.fixture
def fast_hasher(monkeypatch: pytest.MonkeyPatch) -> PasswordHasher:
    """argon2id at its smallest cost, so that tests hashing passwords stay quick."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    monkeypatch.setattr(passwords, "hasher", cheap)
    return cheap


def all_bytes(db: Path) -> bytes:
    """Everything the database keeps on disk: its file and any -wal or -shm beside it."""
    return b"".join(p.read_bytes() for p in (db, db.with_name(db.name + "-wal")) if p.exists())


@contextlib.contextmanager
def small_disk(tmp_path: Path) -> Iterator[tuple[Path, int | None]]:
    """A folder on a disk that fills up after ~200 KB: a tmpfs of that size when this user
    may mount one (root), else an ordinary folder with a file-size limit of that much, for a
    subprocess to apply (yields the folder and the limit, or None with the tmpfs)."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=200k,mode=0700", "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    try:
        yield folder, None if mounted else 200_000
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=False)


def run_limited(code: str, limit: int | None, env: dict[str, str] | None = None) -> str:
    """Runs Python ``code`` in a subprocess (with the file-size ``limit`` if given, where a
    write past it fails as on a full disk); returns what it printed, checking it did not
    crash with a traceback."""
    prelude = ""
    if limit is not None:
        prelude = textwrap.dedent(f"""
            import resource, signal
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
        """)
    done = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr

"""Writes files the way health answers deserve: atomically, readable by the owner only (0600),
and never silently over an existing file."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from .errors import StorageError

__all__ = ["state_dir", "unique_path", "write_private"]


def write_private(path: str | Path, text: str, *, replace: bool = False) -> Path:
    """Writes ``text`` to ``path`` atomically with mode 0600 and returns the path.

    With ``replace=False`` (the default) an existing file is never touched: StorageError is
    raised instead. ``replace=True`` is for a file this program owns, such as an autosave.
    """
    target = Path(path)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the folder {folder}: {exc.strerror}") from None
    temp = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            temp.replace(target)
        else:
            try:
                os.link(temp, target)  # fails if the target exists: no race, no overwrite
            except FileExistsError:
                raise StorageError(f"{target} already exists; it was left unchanged") from None
    except OSError as exc:
        raise StorageError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return target


def unique_path(path: str | Path) -> Path:
    """``path`` if it is free, else ``stem-2.ext``, ``stem-3.ext``, ... (the first free one)."""
    target = Path(path)
    if not target.exists():
        return target
    for n in range(2, 10_000):
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
        if not candidate.exists():
            return candidate
    raise StorageError(f"no free file name next to {target}")


def state_dir() -> Path:
    """Where unfinished screenings are kept: private to this user (mode 0700)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    folder = Path(base) / "suitability"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.chmod(0o700)
    except OSError as exc:
        raise StorageError(f"cannot create {folder}: {exc.strerror}") from None
    return folder

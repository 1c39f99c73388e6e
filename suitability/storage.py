"""Writes files the way health answers deserve: atomically, readable by the owner only (0600),
and never silently over an existing file."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from .errors import StorageError

__all__ = ["make_private_folders", "state_dir", "unique_path", "write_private"]


class _UnsafeFolder(StorageError):
    """A folder that must not be written through (a link, or another user's): the caller
    refuses to go on, where a folder that merely cannot be written is worked around."""


def make_private_folders(folder: str | Path) -> Path:
    """Creates ``folder`` and every missing folder above it with mode 0700 (whatever the
    umask), so no level this program creates lets another user list the records inside. A
    folder that exists already keeps its permissions: a clinic may share one on purpose."""
    target = Path(folder)
    missing = []
    at = target
    while not at.is_dir():
        missing.append(at)
        if at.parent == at:
            break
        at = at.parent
    for level in reversed(missing):
        try:
            level.mkdir(mode=0o700)
        except FileExistsError:
            if not level.is_dir():
                raise
            continue  # made meanwhile by someone else: theirs, left as it is
        level.chmod(0o700)  # whatever the umask
    return target


def write_private(path: str | Path, text: str, *, replace: bool = False) -> Path:
    """Writes ``text`` to ``path`` atomically with mode 0600 and returns the path.

    With ``replace=False`` (the default) an existing file is never touched: StorageError is
    raised instead. ``replace=True`` is for a file this program owns, such as an autosave.
    """
    target = Path(path)
    folder = target.parent
    try:
        make_private_folders(folder)
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
    """Where unfinished screenings are kept: private to this user (mode 0700).

    A state folder that is a symbolic link or belongs to someone else is refused rather than
    written through: answers would land wherever the link points, readable by its owner."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    folder = Path(base) / "suitability"
    if folder.is_symlink():
        raise _UnsafeFolder(
            f"the state folder {folder} is a symbolic link; it is not used, so that answers "
            "cannot be written somewhere else. Remove the link (a folder is created in its "
            "place), or set XDG_STATE_HOME to a folder of your own."
        )
    try:
        make_private_folders(folder)
        # Opened without following links, so the check and the chmod are on the same folder.
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        raise StorageError(f"cannot create {folder}: {exc.strerror or exc}") from None
    try:
        if os.fstat(fd).st_uid != os.getuid():
            raise _UnsafeFolder(
                f"the state folder {folder} belongs to another user; it is not used, so that "
                "they cannot read the answers. Set XDG_STATE_HOME to a folder of your own."
            )
        os.fchmod(fd, 0o700)
    except OSError as exc:
        raise StorageError(f"cannot make {folder} private: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return folder

"""A cache of the shipped questionnaire and rule set, checked once and kept as JSON.

Reading the two YAML files with the position of every key, and checking them, takes most of a
command's start-up; reading the same content back from JSON takes a fraction of it. The cache
is one file per Python version in the user's cache folder ($XDG_CACHE_HOME/suitability, else
~/.cache/suitability; folder 0700, file 0600, written atomically). It holds the questionnaire
and the rules only, never an answer.

It is used only when its key matches: a hash of the two YAML files' bytes, the package version
(and the size and time of its modules that read and check them), the Python and the pydantic
version. Anything else (no file, another key, a file that cannot be
read or parsed, has another shape, is not this user's or is open to others) means the full load
from YAML, which reports any problem of the files itself; a cache that cannot be written is
simply not written. Either way the objects are the same, so no caller can tell the difference.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .questionnaire import Questionnaire
    from .rules.model import RuleSet

#: Changed whenever the layout of the cache file changes, so that an older file is not read.
FORMAT = 1
#: Far more than the shipped files need (about 150 kB); a larger file is not read.
MAX_BYTES = 16 * 2**20

_STATE: dict[str, Any] = {}


def cache_folder() -> Path:
    """Where the cache is kept: $XDG_CACHE_HOME/suitability, else ~/.cache/suitability."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "suitability"


def cache_path() -> Path:
    major, minor = sys.version_info[:2]
    return cache_folder() / f"shipped-{sys.implementation.name}{major}.{minor}.json"


def cache_key() -> dict[str, Any]:
    """What the cached content depends on; a cache with any other key is not used."""
    import pydantic

    from . import __version__
    from .questionnaire import default_questionnaire_path
    from .rules.model import default_rules_path

    digest = hashlib.sha256()
    for path in (default_questionnaire_path(), default_rules_path()):
        data = path.read_bytes()
        digest.update(len(data).to_bytes(8, "big") + data)
    return {
        "format": FORMAT,
        "yaml": digest.hexdigest(),
        "package": __version__,
        "code": _code_signature(),
        "python": sys.version,
        "pydantic": pydantic.VERSION,
    }


def _code_signature() -> str:
    """The size and time of each module that reads or checks the files: while the package is
    developed its version stays the same, and a cache checked by older code must not be used."""
    here = Path(__file__).resolve().parent
    parts = []
    for folder in (here, here / "rules", here / "kinds"):
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                status = entry.stat()
                parts.append(f"{folder.name}/{entry.name} {status.st_size} {status.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cached() -> tuple[Questionnaire, RuleSet] | None:
    """The shipped questionnaire and rule set from the cache, or None (looked up once per
    process)."""
    if "hit" not in _STATE:
        from .errors import QuestionnaireError

        try:
            _STATE["key"] = cache_key()
        except (OSError, QuestionnaireError):  # a shipped file missing: the full load says so
            _STATE["key"] = None
        _STATE["hit"] = _read(cache_path(), _STATE["key"]) if _STATE["key"] else None
    hit: tuple[Questionnaire, RuleSet] | None = _STATE["hit"]
    return hit


def _read(path: Path, key: dict[str, Any]) -> tuple[Questionnaire, RuleSet] | None:
    try:
        if path.parent.is_symlink():
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            status = os.fstat(handle.fileno())
            # Another user's file, or one others may write, could change what the screening
            # says: only the user's own, private file is trusted.
            if status.st_uid != os.getuid() or status.st_mode & 0o077:
                return None
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return _objects(data)
    except Exception:  # whatever is wrong with the file, the full load is right
        return None


def _objects(data: dict[str, Any]) -> tuple[Questionnaire, RuleSet] | None:
    from ._yaml import Positions
    from .questionnaire import Questionnaire
    from .rules.model import default_rules_path, ruleset_from_data

    questionnaire = Questionnaire.model_validate(data["questionnaire"])
    if questionnaire.content_hash != data["questionnaire_hash"]:
        return None
    # The rules keep where each of their keys is in facial.yaml, to locate a misfit there.
    items = data["rule_positions"]
    if not all(
        type(path) is list and type(line) is int and all(type(step) in (str, int) for step in path)
        for path, line in items
    ):
        return None
    positions = Positions.from_items(items)
    rules = ruleset_from_data(data["rules"], default_rules_path().name, positions)
    return questionnaire, rules


def remember(questionnaire: Questionnaire, rules: RuleSet) -> None:
    """Writes the cache after a full load of the shipped files (once per process, and only
    when the cache was missed); a failure to write it changes nothing."""
    key = _STATE.get("key")
    if not key or _STATE.get("hit") is not None or _STATE.get("written"):
        return
    _STATE["written"] = True
    from .rules.model import ruleset_data

    data = {
        "key": key,
        "questionnaire": questionnaire.model_dump(mode="json", by_alias=True, exclude_unset=True),
        "questionnaire_hash": questionnaire.content_hash,
        "rules": ruleset_data(rules),
        "rule_positions": rules.positions.items() if rules.positions is not None else [],
    }
    # A folder that cannot be written, or text that cannot be encoded: no cache, nothing else.
    with contextlib.suppress(OSError, ValueError):
        _write(cache_path(), json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _write(path: Path, text: str) -> None:
    import secrets

    from .storage import make_private_folders

    folder = path.parent
    if folder.is_symlink():
        return
    make_private_folders(folder)
    if folder.stat().st_uid != os.getuid():
        return
    temp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        # No fsync: a cache lost in a crash is only a slower next start, and a torn one is
        # refused when read.
        temp.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
